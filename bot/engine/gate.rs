//! Whether the person may run the command here, asked once for every command of every platform
//! before it runs (`Engine::handle`): the channel must be one where incidents are run
//! (`INCIDENT_CHANNELS`), and a command that changes an incident needs someone the team lists
//! (`RESPONDERS`, or the command's own list), a member of a listed Slack user group or the holder
//! of a listed Discord role, or the commander or a role holder of the incident it is about. The
//! rules are `access`'s; the console is not limited.

use std::sync::Arc;

use commands::Command;

use super::{Engine, EngineError, Invocation, Stop};
use crate::access::{AccessPolicy, GroupLookupError};
use crate::incident::{Incident, IncidentId};
use crate::notify::{self, Message};
use crate::platform::Platform;

/// A command refused before it ran: what the person is told, why in the audit log's words, and
/// the incident it was about, when there is one.
pub(super) struct Refusal {
    pub message: Message,
    pub why: String,
    pub incident: Option<IncidentId>,
}

impl Engine {
    /// Why `who` may not run `command`, or `None` when they may.
    pub(super) async fn refusal(
        &self,
        who: &Invocation,
        command: &Command,
    ) -> Result<Option<Refusal>, EngineError> {
        if !AccessPolicy::applies_on(who.channel.platform) {
            return Ok(None);
        }
        let policy = self.config.access();
        if let Some(channels) = policy.elsewhere(&who.channel) {
            return Ok(Some(Refusal {
                message: notify::elsewhere(who.channel.platform, &channels),
                why: "not a channel incidents are run in (INCIDENT_CHANNELS)".to_string(),
                incident: None,
            }));
        }
        let Some(listed) = policy.who_may(command) else {
            return Ok(None);
        };
        if listed.names(&who.person.id, &who.roles) {
            return Ok(None);
        }
        let mut unreadable: Option<GroupLookupError> = None;
        if who.channel.platform == Platform::Slack {
            for group in listed.slack_groups() {
                match self.groups.includes(group, &who.person.id).await {
                    Ok(true) => return Ok(None),
                    Ok(false) => {}
                    Err(error) => {
                        tracing::warn!(%error, "a responder group's members are unknown: its members are refused until Slack answers");
                        unreadable = Some(error);
                    }
                }
            }
        }
        // Opening an incident acts on none: a role in another incident is no leave to open one.
        let incident = match command {
            Command::Open(_) | Command::Drill(_) => None,
            _ => self.incident_meant(who, command).await?,
        };
        if let Some(incident) = &incident {
            if incident
                .roles
                .values()
                .any(|holder| holder.id == who.person.id)
            {
                return Ok(None);
            }
        }
        Ok(Some(Refusal {
            message: notify::not_a_responder(
                command.name(),
                listed,
                incident.as_deref(),
                unreadable.as_ref().map(|error| error.group.as_str()),
            ),
            why: format!("not in {}", listed.variable()),
            incident: incident.map(|incident| incident.id),
        }))
    }

    /// The incident a command is about, as far as its roles go: the one the command would act
    /// on ([`Engine::target_or_latest`]); `None` when it cannot tell (several open, none at all).
    async fn incident_meant(
        &self,
        who: &Invocation,
        command: &Command,
    ) -> Result<Option<Arc<Incident>>, EngineError> {
        match self.target_or_latest(who, command.incident(), "").await {
            Ok(loaded) => Ok(Some(loaded.incident)),
            Err(Stop::Refused(_)) => Ok(None),
            Err(Stop::Failed(error)) => Err(error),
        }
    }
}
