//! `/incident cancel [INC-n] <reason>`: an incident that is not one (a false alarm, or a duplicate
//! of another) is closed without being resolved: every timer is cleared, nothing is measured, no
//! follow-ups are scheduled, and the channel is told why (and which incident to work on).

use commands::{Cancel, CancelReason, CommandName};

use super::usage;
use crate::engine::load::Effects;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{correction, IncidentId};
use crate::notify;

impl Engine {
    pub(super) async fn cancel(&self, who: &Invocation, cancel: Cancel) -> Result<Reply, Stop> {
        let usage = usage(CommandName::Cancel);
        let (reason, duplicate_of) = match cancel.reason {
            CancelReason::Duplicate { of, note } => (note, Some(of)),
            CancelReason::FalseAlarm(reason) => (Some(reason), None),
        };
        // The incident it duplicates must be one of this workspace's.
        let original = match duplicate_of {
            Some(of) => Some(self.target(who, Some(of), usage).await?.incident),
            None => None,
        };
        let duplicate_of = duplicate_of.map(IncidentId::from);
        let loaded = match (cancel.incident, duplicate_of) {
            // `cancel duplicate of INC-3` means the one other incident open here, if there is one.
            (None, Some(original)) => {
                let mut others: Vec<_> = self
                    .open_loaded(&who.channel)
                    .await?
                    .into_iter()
                    .filter(|loaded| loaded.incident.id != original)
                    .collect();
                match others.len() {
                    1 => others.remove(0),
                    _ => self.target(who, None, usage).await?,
                }
            }
            (named, _) => self.target(who, named, usage).await?,
        };
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| {
                    correction::cancel(incident, reason.clone(), duplicate_of)
                        .map(|event| vec![event])
                },
                |_, after, _| Effects {
                    clear_timers: true,
                    ..Effects::post(notify::cancelled(after, original.as_deref()))
                },
            )
            .await?)
    }
}
