//! The team's rules of who may act and where, read from the environment:
//!
//! - `INCIDENT_CHANNELS`: the channels incidents are run in, Slack channel ids (`C0INCIDENTS`)
//!   and Discord channels as `discord:<guild>/<channel>`. A command anywhere else is refused.
//!   Unset: any channel.
//! - `RESPONDERS`: who may change incidents: Slack users (`U…`, `W…`) and user groups (`S…`),
//!   Discord users and roles (their ids, bare or as `<@…>`, `<@&…>`). Everyone else may only read.
//!   Unset: anyone.
//! - `RESPONDERS_RESOLVE`, `…_CANCEL`, `…_REOPEN`, `…_SEVERITY`, `…_DRILL`: who alone may run that
//!   command (the same shapes); set, it replaces `RESPONDERS` for that command.
//!
//! An incident's commander and the people in its roles may always act on it, whatever the lists
//! say; the console (whoever runs the binary on the store) is never limited.

use std::fmt;

use commands::{Command, CommandName};

use crate::engine::ConfigError;
use crate::incident::ChannelKey;
use crate::mention::MentionId;
use crate::platform::Platform;

/// The commands a team may limit to fewer people than `RESPONDERS`, each by its own variable.
pub const NARROWABLE: [CommandName; 5] = [
    CommandName::Resolve,
    CommandName::Cancel,
    CommandName::Reopen,
    CommandName::Severity,
    CommandName::Drill,
];

const CHANNELS_SHAPE: &str = "Slack channel ids (C0INCIDENTS) or discord:<guild id>/<channel id>, \
     separated by commas";
const RESPONDERS_SHAPE: &str = "Slack user (U…/W…) or user group (S…) ids, or Discord user or \
     role ids, separated by commas";

/// A channel incidents are run in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentChannel {
    Slack { channel: String },
    Discord { guild: String, channel: String },
}

impl IncidentChannel {
    /// `C0INCIDENTS` (also `slack:C0INCIDENTS`) or `discord:<guild>/<channel>`.
    fn parse(word: &str) -> Option<IncidentChannel> {
        if let Some(place) = word.strip_prefix("discord:") {
            let (guild, channel) = place.split_once('/')?;
            let digits = |id: &str| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit());
            return (digits(guild) && digits(channel)).then(|| IncidentChannel::Discord {
                guild: guild.to_string(),
                channel: channel.to_string(),
            });
        }
        let channel = word.strip_prefix("slack:").unwrap_or(word);
        let slack_id = matches!(channel.as_bytes(), [b'C' | b'G', rest @ ..]
            if rest.len() >= 2 && rest.iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
        slack_id.then(|| IncidentChannel::Slack {
            channel: channel.to_string(),
        })
    }

    /// Whether `key` is this channel.
    fn is(&self, key: &ChannelKey) -> bool {
        match self {
            IncidentChannel::Slack { channel } => {
                key.platform == Platform::Slack && key.channel == *channel
            }
            IncidentChannel::Discord { guild, channel } => {
                key.platform == Platform::Discord
                    && key.workspace == *guild
                    && key.channel == *channel
            }
        }
    }

    fn platform(&self) -> Platform {
        match self {
            IncidentChannel::Slack { .. } => Platform::Slack,
            IncidentChannel::Discord { .. } => Platform::Discord,
        }
    }
}

/// As a person is told where to go: the Slack channel id, Discord's `<#…>` (which Discord shows
/// as the channel's name).
impl fmt::Display for IncidentChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IncidentChannel::Slack { channel } => write!(f, "#{channel}"),
            IncidentChannel::Discord { channel, .. } => write!(f, "<#{channel}>"),
        }
    }
}

/// The people one variable lets act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responders {
    variable: String,
    ids: Vec<MentionId>,
}

impl Responders {
    /// The variable that lists them: `RESPONDERS`, `RESPONDERS_RESOLVE`…
    pub fn variable(&self) -> &str {
        &self.variable
    }

    /// Whether the list names the person (`person_id`) or a Discord role they hold (`roles`).
    pub fn names(&self, person_id: &str, roles: &[String]) -> bool {
        self.ids.iter().any(|id| match id {
            MentionId::SlackUser(user) => user == person_id,
            MentionId::SlackGroup(_) => false,
            MentionId::DiscordUser(id) | MentionId::DiscordRole(id) => {
                let id = id.to_string();
                id == person_id || roles.contains(&id)
            }
        })
    }

    /// The Slack user groups the list names, whose members only Slack knows.
    pub fn slack_groups(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().filter_map(|id| match id {
            MentionId::SlackGroup(group) => Some(group.as_str()),
            _ => None,
        })
    }

    fn read(variable: &str, value: &str) -> Result<Option<Responders>, ConfigError> {
        let ids = words(value)
            .map(|word| MentionId::parse(word).ok_or(word))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|word| {
                ConfigError::new(
                    variable,
                    value,
                    format!("`{word}` is not one of these: {RESPONDERS_SHAPE}"),
                )
            })?;
        Ok((!ids.is_empty()).then(|| Responders {
            variable: variable.to_string(),
            ids,
        }))
    }
}

/// The ids as configured, for the refusal that says who may act.
impl fmt::Display for Responders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<String> = self.ids.iter().map(ToString::to_string).collect();
        f.write_str(&ids.join(", "))
    }
}

/// Who may act where. The default lets anyone act anywhere, as before these settings existed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessPolicy {
    /// Empty: any channel.
    channels: Vec<IncidentChannel>,
    responders: Option<Responders>,
    narrowed: Vec<(CommandName, Responders)>,
}

impl AccessPolicy {
    /// The rules `lookup` (the environment) sets; a variable with a mistake adds to `problems`
    /// and limits nothing.
    pub fn read(
        lookup: &impl Fn(&str) -> Option<String>,
        problems: &mut Vec<ConfigError>,
    ) -> AccessPolicy {
        let mut policy = AccessPolicy::default();
        if let Some(value) = lookup("INCIDENT_CHANNELS") {
            let read: Result<Vec<_>, _> = words(&value)
                .map(|word| IncidentChannel::parse(word).ok_or(word))
                .collect();
            match read {
                Ok(channels) => policy.channels = channels,
                Err(word) => problems.push(ConfigError::new(
                    "INCIDENT_CHANNELS",
                    &value,
                    format!("`{word}` is not one of these: {CHANNELS_SHAPE}"),
                )),
            }
        }
        let mut responders = |variable: &str| {
            let value = lookup(variable)?;
            Responders::read(variable, &value)
                .map_err(|problem| problems.push(problem))
                .ok()
                .flatten()
        };
        policy.responders = responders("RESPONDERS");
        for command in NARROWABLE {
            if let Some(listed) = responders(&narrowing_variable(command)) {
                policy.narrowed.push((command, listed));
            }
        }
        policy
    }

    /// Whether the rules apply on `platform`: not in the console, whose user can open the store
    /// directly anyway.
    pub fn applies_on(platform: Platform) -> bool {
        platform != Platform::Console
    }

    /// The channels incidents are run in on `platform`, when a command in `channel` is not in
    /// one of them (an empty list when the platform has none: it runs no incidents at all).
    pub fn elsewhere(&self, channel: &ChannelKey) -> Option<Vec<&IncidentChannel>> {
        if self.channels.is_empty() || self.channels.iter().any(|place| place.is(channel)) {
            return None;
        }
        Some(
            self.channels
                .iter()
                .filter(|place| place.platform() == channel.platform)
                .collect(),
        )
    }

    /// Who may run `command`; `None` when anyone may (a command that only reads, or no list).
    pub fn who_may(&self, command: &Command) -> Option<&Responders> {
        if command.only_reads() {
            return None;
        }
        let name = command.name();
        self.narrowed
            .iter()
            .find(|(narrowed, _)| *narrowed == name)
            .map(|(_, listed)| listed)
            .or(self.responders.as_ref())
    }

    /// The rules on a few lines, for `check-config`.
    pub fn describe(&self) -> Vec<String> {
        let channels: Vec<String> = self
            .channels
            .iter()
            .map(|channel| match channel {
                IncidentChannel::Slack { channel } => format!("slack {channel}"),
                IncidentChannel::Discord { guild, channel } => {
                    format!("discord {guild}/{channel}")
                }
            })
            .collect();
        let mut lines = vec![
            format!(
                "channels {}",
                match channels.is_empty() {
                    true => "any".to_string(),
                    false => channels.join(", "),
                }
            ),
            format!(
                "changes by {}",
                self.responders
                    .as_ref()
                    .map_or_else(|| "anyone".to_string(), ToString::to_string)
            ),
        ];
        lines.extend(
            self.narrowed
                .iter()
                .map(|(command, listed)| format!("{command} by {listed}")),
        );
        lines
    }
}

/// The variable that narrows `command`: `RESPONDERS_RESOLVE`.
fn narrowing_variable(command: CommandName) -> String {
    format!("RESPONDERS_{}", command.as_str().to_uppercase())
}

/// The entries of a list, separated by commas or spaces.
fn words(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|word| !word.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(vars: &[(&str, &str)]) -> (AccessPolicy, Vec<ConfigError>) {
        let mut problems = Vec::new();
        let lookup = |name: &str| {
            vars.iter()
                .find(|(variable, _)| *variable == name)
                .map(|(_, value)| value.to_string())
        };
        (AccessPolicy::read(&lookup, &mut problems), problems)
    }

    fn key(platform: Platform, workspace: &str, channel: &str) -> ChannelKey {
        ChannelKey {
            platform,
            workspace: workspace.to_string(),
            channel: channel.to_string(),
        }
    }

    fn command(line: &str) -> Command {
        commands::parse_line(line).expect("a valid command")
    }

    #[test]
    fn unset_lets_anyone_act_anywhere() {
        let (policy, problems) = policy(&[]);
        assert!(problems.is_empty());
        assert_eq!(policy.elsewhere(&key(Platform::Slack, "T1", "C9")), None);
        assert_eq!(policy.who_may(&command("/incident resolve")), None);
    }

    #[test]
    fn a_command_outside_the_incident_channels_is_pointed_to_them() {
        let (policy, problems) = policy(&[(
            "INCIDENT_CHANNELS",
            "C0INCIDENTS, discord:81384788765712384/81384788765712999",
        )]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            policy.elsewhere(&key(Platform::Slack, "T1", "C0INCIDENTS")),
            None
        );
        let discord = key(Platform::Discord, "81384788765712384", "81384788765712999");
        assert_eq!(policy.elsewhere(&discord), None);
        let elsewhere = policy
            .elsewhere(&key(Platform::Slack, "T1", "C0RANDOM"))
            .expect("refused");
        assert_eq!(elsewhere.len(), 1);
        assert_eq!(elsewhere[0].to_string(), "#C0INCIDENTS");
        let other_guild = key(Platform::Discord, "1", "81384788765712999");
        assert_eq!(
            policy.elsewhere(&other_guild).expect("refused")[0].to_string(),
            "<#81384788765712999>"
        );
    }

    #[test]
    fn readers_may_read_and_narrowed_commands_have_their_own_list() {
        let (policy, problems) = policy(&[
            ("RESPONDERS", "U0ALICE S0SRE <@&539082325061836999>"),
            ("RESPONDERS_RESOLVE", "U0LEAD"),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(policy.who_may(&command("/incident status")), None);
        assert_eq!(policy.who_may(&command("/postmortem INC-2")), None);
        let steps = policy
            .who_may(&command("/incident step done"))
            .expect("limited");
        assert_eq!(steps.variable(), "RESPONDERS");
        assert!(steps.names("U0ALICE", &[]));
        assert!(!steps.names("U0BOB", &[]));
        assert!(steps.names("80351110224678912", &["539082325061836999".to_string()]));
        assert_eq!(steps.slack_groups().collect::<Vec<_>>(), ["S0SRE"]);
        let resolve = policy
            .who_may(&command("/incident resolve"))
            .expect("limited");
        assert_eq!(
            (resolve.variable(), resolve.to_string().as_str()),
            ("RESPONDERS_RESOLVE", "U0LEAD")
        );
        assert!(!resolve.names("U0ALICE", &[]));
        assert!(policy.who_may(&command("/postmortem final")).is_some());
    }

    #[test]
    fn mistakes_name_the_entry_and_the_shapes() {
        let (policy, problems) = policy(&[
            ("INCIDENT_CHANNELS", "#incidents"),
            ("RESPONDERS", "U0ALICE, alice"),
        ]);
        assert_eq!(policy, AccessPolicy::default());
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                format!("INCIDENT_CHANNELS=\"#incidents\" is not valid: `#incidents` is not one of these: {CHANNELS_SHAPE}"),
                format!("RESPONDERS=\"U0ALICE, alice\" is not valid: `alice` is not one of these: {RESPONDERS_SHAPE}"),
            ]
        );
    }
}
