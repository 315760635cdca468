//! Who is paged for which severity, checked against the runbook's contacts table.
//!
//! - `PAGE_CRITICAL`, `PAGE_HIGH`, `PAGE_MEDIUM`, `PAGE_LOW`: roles of the contacts table, in any
//!   case, separated by `,` or `;`, to mention when an incident of that severity opens. Defaults:
//!   critical pages every contact; high pages the contacts available 24/7 or on call; medium and
//!   low page nobody.
//! - `ROLE_MENTIONS`: `Platform Lead=U024BE7LH; Database Admin=S0DBA` maps a role of the contacts
//!   table, or the owner of steps in a table of steps (`Owner` column), to the chat id to ping
//!   (`crate::mention`: a Slack user or user group, a Discord user), of a platform the bot
//!   serves; pairs separated by `;` or `,`. A paged role without a mapping is named, not pinged;
//!   a step's owner with one is pinged when the step becomes current.
//!
//! Only these ids may ping a group: an id a person gives (`/incident assign ROLE <@S…>`) pings
//! when it is a user's, or a group's named here ([`Paging::may_ping`]), since Slack pings a user
//! group for a bare `S…` id.
//!
//! A role that is not in the table, or an id of no platform's shape, is a [`ConfigError`] that
//! lists the table's roles or the shapes; [`Paging::read`] collects every one.

use std::collections::BTreeMap;

use commands::Severity;

use super::config::ConfigError;
use crate::mention::{MentionId, SHAPES};
use crate::platform::Platform;
use crate::runbook::Runbook;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// The roles as the contacts table writes them.
    paged_roles: BTreeMap<Severity, Vec<String>>,
    /// Role (lowercase) → id to mention.
    role_mentions: BTreeMap<String, MentionId>,
}

impl Paging {
    /// Paging by the contacts table's availability, with no one mapped to a chat id.
    pub fn defaults_for(runbook: &Runbook) -> Paging {
        let all_roles: Vec<String> = runbook.contacts.iter().map(|c| c.role.clone()).collect();
        let always_available: Vec<String> = runbook
            .contacts
            .iter()
            .filter(|contact| {
                let availability = contact
                    .availability
                    .as_deref()
                    .unwrap_or_default()
                    .to_lowercase();
                availability.contains("24/7")
                    || availability.contains("on-call")
                    || availability.contains("on call")
            })
            .map(|contact| contact.role.clone())
            .collect();
        Paging {
            paged_roles: BTreeMap::from([
                (Severity::Critical, all_roles),
                (Severity::High, always_available),
                (Severity::Medium, Vec::new()),
                (Severity::Low, Vec::new()),
            ]),
            role_mentions: BTreeMap::new(),
        }
    }

    /// The defaults changed by `PAGE_*` and `ROLE_MENTIONS`; every mistake goes to `problems`,
    /// and what it names (a role, a mapping) is left out. Ids must be of one of `platforms`
    /// (the platforms the bot serves), any platform's when there is none.
    pub fn read(
        runbook: &Runbook,
        lookup: &dyn Fn(&str) -> Option<String>,
        platforms: &[Platform],
        problems: &mut Vec<ConfigError>,
    ) -> Paging {
        let roles = Roles(runbook);
        let mut paging = Paging::defaults_for(runbook);
        for severity in Severity::ALL {
            let variable = format!("PAGE_{}", severity.as_str().to_uppercase());
            let Some(value) = lookup(&variable) else {
                continue;
            };
            let mut paged = Vec::new();
            for name in items(&value) {
                match roles.find(name) {
                    Some(role) if paged.contains(&role) => {}
                    Some(role) => paged.push(role),
                    None => problems.push(roles.unknown(&variable, &value, name)),
                }
            }
            paging.paged_roles.insert(severity, paged);
        }
        if let Some(value) = lookup("ROLE_MENTIONS") {
            for pair in items(&value) {
                match read_mention(&roles, pair, platforms) {
                    Ok((role, id)) => {
                        paging.role_mentions.insert(role.to_lowercase(), id);
                    }
                    Err(problem) => problems.push(problem),
                }
            }
        }
        paging
    }

    /// The id to mention for a role (any case), when `ROLE_MENTIONS` gives one.
    pub fn mention_of(&self, role: &str) -> Option<MentionId> {
        self.role_mentions.get(&role.trim().to_lowercase()).cloned()
    }

    /// The roles to page for a severity, with the id to mention of each that has one.
    pub fn paging(&self, severity: Severity) -> Vec<(String, Option<MentionId>)> {
        self.paged_roles
            .get(&severity)
            .into_iter()
            .flatten()
            .map(|role| {
                let id = self.role_mentions.get(&role.to_lowercase()).cloned();
                (role.clone(), id)
            })
            .collect()
    }

    /// Whether an id a person gave may be pinged: a user's always; a user group's only when
    /// `ROLE_MENTIONS` gives it to a role; anything else never.
    pub fn may_ping(&self, id: &MentionId) -> bool {
        match id {
            MentionId::SlackUser(_) | MentionId::DiscordUser(_) => true,
            MentionId::SlackGroup(_) | MentionId::DiscordRole(_) => self
                .role_mentions
                .values()
                .any(|configured| configured == id),
        }
    }
}

/// The items of a list separated by `,` or `;`, trimmed, blanks left out.
fn items(value: &str) -> impl Iterator<Item = &str> {
    value
        .split([',', ';'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// One `Role=id` of `ROLE_MENTIONS`: the role as the table writes it, and the id.
fn read_mention(
    roles: &Roles,
    pair: &str,
    platforms: &[Platform],
) -> Result<(String, MentionId), ConfigError> {
    let problem = |text: String| ConfigError::new("ROLE_MENTIONS", pair, text);
    let Some((name, id_text)) = pair.split_once('=') else {
        return Err(problem(
            "write `Role=chat-id` pairs separated by `;` or `,`, like `Platform Lead=U024BE7LH; Database Admin=S0DBA`".into(),
        ));
    };
    let role = roles
        .find(name.trim())
        .ok_or_else(|| roles.unknown("ROLE_MENTIONS", pair, name.trim()))?;
    let id = MentionId::parse(id_text)
        .ok_or_else(|| problem(format!("`{}` is not {SHAPES}", id_text.trim())))?;
    if let MentionId::DiscordRole(_) = id {
        return Err(problem(format!(
            "`{id}` is a Discord role, which the bot does not ping: give a Discord user id"
        )));
    }
    if !platforms.is_empty() && !platforms.contains(&id.platform()) {
        let served: Vec<&str> = platforms.iter().map(|p| p.name()).collect();
        return Err(problem(format!(
            "`{id}` is a {} id, but the bot serves {} only",
            id.platform().name(),
            served.join(" and ")
        )));
    }
    Ok((role, id))
}

/// The runbook's roles (`Runbook::roles`: its contacts table's, and its steps' owners), matched
/// in any case.
struct Roles<'a>(&'a Runbook);

impl Roles<'_> {
    fn find(&self, name: &str) -> Option<String> {
        self.0
            .roles()
            .into_iter()
            .find(|role| role.eq_ignore_ascii_case(name))
            .map(str::to_string)
    }

    fn unknown(&self, variable: &str, value: &str, name: &str) -> ConfigError {
        let roles = self.0.roles();
        let listed = match roles.is_empty() {
            true => "the runbook has no contacts table".to_string(),
            false => format!("the runbook's roles are {}", roles.join(", ")),
        };
        ConfigError::new(
            variable,
            value,
            format!("`{name}` is not a role of the contacts table; {listed}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::config::tests::runbook;

    /// The paging `vars` set for the platforms served, and every problem as its line.
    fn read(vars: &[(&str, &str)], platforms: &[Platform]) -> (Paging, Vec<String>) {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        };
        let mut problems = Vec::new();
        let paging = Paging::read(&runbook(), &lookup, platforms, &mut problems);
        (paging, problems.iter().map(ToString::to_string).collect())
    }

    fn roles(paging: &Paging, severity: Severity) -> Vec<(String, Option<String>)> {
        paging
            .paging(severity)
            .into_iter()
            .map(|(role, id)| (role, id.map(|id| id.to_string())))
            .collect()
    }

    #[test]
    fn roles_in_any_case_separated_by_commas_or_semicolons() {
        let (paging, problems) = read(
            &[
                (
                    "PAGE_CRITICAL",
                    "platform lead; DATABASE ADMIN, devops team;",
                ),
                ("PAGE_LOW", "Database Admin, database admin"),
                (
                    "ROLE_MENTIONS",
                    "PLATFORM LEAD=<@U0LEAD>; database admin = 290926798626357999",
                ),
            ],
            &[],
        );
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(
            roles(&paging, Severity::Critical),
            vec![
                ("Platform Lead".to_string(), Some("U0LEAD".to_string())),
                (
                    "Database Admin".to_string(),
                    Some("<@290926798626357999>".to_string())
                ),
                ("DevOps Team".to_string(), None),
            ]
        );
        assert_eq!(roles(&paging, Severity::Low).len(), 1, "named once");
    }

    #[test]
    fn every_mistake_is_one_line_that_says_what_would_be_right() {
        let (_, problems) = read(
            &[
                ("PAGE_CRITICAL", "Nobody Here, Platform Lead"),
                (
                    "ROLE_MENTIONS",
                    "Platform Led=U1; Platform Lead=not an id!; DevOps Team; \
                     Database Admin=<@&539082325061836999>",
                ),
            ],
            &[],
        );
        let roles = "the runbook's roles are Platform Lead, DevOps Team, Database Admin";
        assert_eq!(
            problems,
            vec![
                format!("PAGE_CRITICAL=\"Nobody Here, Platform Lead\" is not valid: `Nobody Here` is not a role of the contacts table; {roles}"),
                format!("ROLE_MENTIONS=\"Platform Led=U1\" is not valid: `Platform Led` is not a role of the contacts table; {roles}"),
                format!("ROLE_MENTIONS=\"Platform Lead=not an id!\" is not valid: `not an id!` is not {SHAPES}"),
                "ROLE_MENTIONS=\"DevOps Team\" is not valid: write `Role=chat-id` pairs separated by `;` or `,`, like `Platform Lead=U024BE7LH; Database Admin=S0DBA`".to_string(),
                "ROLE_MENTIONS=\"Database Admin=<@&539082325061836999>\" is not valid: `<@&539082325061836999>` is a Discord role, which the bot does not ping: give a Discord user id".to_string(),
            ]
        );
    }

    #[test]
    fn ids_are_of_a_platform_the_bot_serves() {
        let vars = [(
            "ROLE_MENTIONS",
            "Platform Lead=U0LEAD; Database Admin=53908232506183680",
        )];
        assert_eq!(read(&vars, &[]).1, Vec::<String>::new());
        assert_eq!(
            read(&vars, &[Platform::Slack, Platform::Discord]).1,
            Vec::<String>::new()
        );
        assert_eq!(
            read(&vars, &[Platform::Slack]).1,
            vec!["ROLE_MENTIONS=\"Database Admin=53908232506183680\" is not valid: `<@53908232506183680>` is a Discord id, but the bot serves Slack only"]
        );
    }

    #[test]
    fn a_person_given_pings_and_a_group_only_when_configured() {
        let (paging, problems) = read(&[("ROLE_MENTIONS", "Database Admin=S0DBA")], &[]);
        assert_eq!(problems, Vec::<String>::new());
        let may_ping = |text: &str| paging.may_ping(&MentionId::parse(text).unwrap());
        assert!(may_ping("U0ALICE") && may_ping("W0ENTERPRISE") && may_ping("53908232506183680"));
        assert!(may_ping("S0DBA") && may_ping("<!subteam^S0DBA|@dba>"));
        assert!(!may_ping("S0OTHER"));
        assert!(!may_ping("<@&539082325061836999>"));
        let (unconfigured, _) = read(&[], &[]);
        assert!(!unconfigured.may_ping(&MentionId::SlackGroup("S0DBA".into())));
    }

    #[test]
    fn without_a_contacts_table_no_role_can_be_named() {
        let mut problems = Vec::new();
        let lookup = |name: &str| (name == "PAGE_HIGH").then(|| "Platform Lead".to_string());
        let paging = Paging::read(
            &crate::runbook::parse("# Empty\n"),
            &lookup,
            &[],
            &mut problems,
        );
        assert_eq!(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec!["PAGE_HIGH=\"Platform Lead\" is not valid: `Platform Lead` is not a role of the contacts table; the runbook has no contacts table"]
        );
        assert!(paging.paging(Severity::High).is_empty());
    }
}
