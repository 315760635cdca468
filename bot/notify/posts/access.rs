//! The refusals of who may act and where: a command outside the channels incidents are run in,
//! and a change by someone the team does not list. Both go to the person who asked only.

use commands::CommandName;

use crate::access::{IncidentChannel, Responders};
use crate::incident::Incident;
use crate::notify::message::{Message, MessageKind};
use crate::platform::Platform;

/// What anyone may still do where changes are limited.
const READERS_MAY: &str = "Anyone may read: /incident status, list, scenarios, help, drills and \
     /postmortem.";

/// A command in a channel where incidents are not run: where to go instead.
pub fn elsewhere(platform: Platform, channels: &[&IncidentChannel]) -> Message {
    let text = match channels {
        [] => format!(
            "Incidents are not run in this channel, nor anywhere on {}: nothing was done. \
             INCIDENT_CHANNELS lists the channels where they are.",
            platform.name()
        ),
        [only] => format!(
            "Incidents are run in {only}, not here: nothing was done. Type the command there."
        ),
        several => {
            let names: Vec<String> = several.iter().map(ToString::to_string).collect();
            format!(
                "Incidents are run in {}, not here: nothing was done. Type the command in one \
                 of those.",
                names.join(", ")
            )
        }
    };
    Message::text(MessageKind::Error, None, text)
}

/// A change refused to someone `listed` does not name: who may make it instead. `unreadable`
/// is a user group whose members the platform would not say just now.
pub fn not_a_responder(
    command: CommandName,
    listed: &Responders,
    incident: Option<&Incident>,
    unreadable: Option<&str>,
) -> Message {
    let who = match incident {
        Some(incident) => format!("{}'s commander and role holders", incident.id),
        None => "an incident's commander and role holders".to_string(),
    };
    let mut text = format!(
        "Nothing was done: only responders may run {} here ({}: {listed}), and {who}. Ask one \
         of them, or ask to be added.",
        command.spec().invocation(),
        listed.variable()
    );
    if let Some(group) = unreadable {
        text.push_str(&format!(
            " (Slack did not say who is in {group} just now: if you are, try again in a minute.)"
        ));
    }
    text.push(' ');
    text.push_str(READERS_MAY);
    Message::text(
        MessageKind::Error,
        incident.map(|incident| incident.id.number()),
        text,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusals_say_where_to_go_and_who_may_act() {
        let one = IncidentChannel::Slack {
            channel: "C0INCIDENTS".to_string(),
        };
        assert_eq!(
            elsewhere(Platform::Slack, &[&one]).plain_text(),
            "Incidents are run in #C0INCIDENTS, not here: nothing was done. Type the command there."
        );
        assert!(elsewhere(Platform::Discord, &[])
            .plain_text()
            .contains("nor anywhere on Discord"));
        let lookup = |name: &str| (name == "RESPONDERS").then(|| "U0LEAD, S0SRE".to_string());
        let policy = crate::access::AccessPolicy::read(&lookup, &mut Vec::new());
        let resolve = commands::parse_line("/incident resolve").expect("valid");
        let listed = policy.who_may(&resolve).expect("limited");
        assert_eq!(
            not_a_responder(CommandName::Resolve, listed, None, Some("S0SRE")).plain_text(),
            "Nothing was done: only responders may run /incident resolve here (RESPONDERS: \
             U0LEAD, S0SRE), and an incident's commander and role holders. Ask one of them, or \
             ask to be added. (Slack did not say who is in S0SRE just now: if you are, try again \
             in a minute.) Anyone may read: /incident status, list, scenarios, help, drills and \
             /postmortem."
        );
    }
}
