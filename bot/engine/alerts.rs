//! Alerts from monitoring through the engine. Each alert's state is taken once (a repeat, a
//! retried delivery or the same alert at two replicas writes nothing the second time): an alert
//! an open incident of the alerts channel takes (its scenario's, or the one it was told in
//! before) is told in that incident's thread and added to its timeline, never opening a second
//! one; else, at or above `ALERTS_AUTO_OPEN`, it opens the incident of its scenario, the
//! commander to be claimed; else the channel is offered it, with the line to open it, in one
//! message edited in place as the alert repeats or resolves. A resolution is told in its
//! incident, and when all of that incident's alerts have cleared the bot suggests
//! `/incident restored`: it resolves nothing by itself. Everything goes through the store's
//! commits and the outbox, so it is durable before the sender is answered.

use commands::Severity;

use super::load::{Attempt, Effects, Loaded};
use super::{bot_person, Engine, EngineError, Invocation, Stop, MAX_ATTEMPTS};
use crate::alerts::matching::match_alert;
use crate::alerts::{Alert, AlertStatus};
use crate::incident::alerts::all_cleared;
use crate::incident::{plan, AlertNote, ChannelKey, Event, IncidentId};
use crate::notify::{self, AlertReading, Message};
use crate::runbook::Scenario;
use crate::store::{
    AlertRecord, AuditOutcome, AuditRecord, NewPost, Replaces, StoreError, StoredAlert, UnixMillis,
};

/// Where alerts go, and from which severity they open incidents by themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRoute {
    pub channel: ChannelKey,
    /// `None`: never; people open incidents from the offers.
    pub auto_open: Option<Severity>,
}

/// What became of an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertTaken {
    /// Nothing new (a repeat, a retry, a late delivery of an older state): nothing changed.
    Repeat,
    /// Told in this open incident.
    Told(IncidentId),
    /// Opened this incident.
    Opened(IncidentId),
    /// Offered in the alerts channel (or its offer edited).
    Offered,
    /// Recorded only: it resolved, and neither an open incident nor an offer shows it.
    Recorded,
}

impl Engine {
    /// Takes one alert (see the module's comment), committed before this returns.
    pub async fn take_alert(
        &self,
        alert: &Alert,
        route: &AlertRoute,
    ) -> Result<AlertTaken, EngineError> {
        let runbook = self.runbook();
        let matched = match_alert(alert, runbook);
        let scenario = matched.scenario(runbook);
        let reading = AlertReading {
            scenario,
            reason: matched.reason(runbook),
            severity: alert
                .severity()
                .or(scenario.and_then(|found| found.severity)),
        };
        for _ in 0..MAX_ATTEMPTS {
            let stored = self.store.alert(alert.source, &alert.fingerprint).await?;
            let starts_at = UnixMillis::new(alert.starts_at_ms);
            if stored
                .as_ref()
                .is_some_and(|stored| !stored.is_news(alert.status, starts_at))
            {
                return Ok(AlertTaken::Repeat);
            }
            if let Some(taken) = self
                .try_take(alert, route, stored.as_ref(), &reading)
                .await?
            {
                return Ok(taken);
            }
        }
        Err(EngineError::AlertContended {
            fingerprint: alert.fingerprint.clone(),
        })
    }

    /// One attempt; `None` when another change got in first (then the caller reads afresh).
    async fn try_take(
        &self,
        alert: &Alert,
        route: &AlertRoute,
        stored: Option<&StoredAlert>,
        reading: &AlertReading<'_>,
    ) -> Result<Option<AlertTaken>, EngineError> {
        let scenario = reading.scenario;
        let now = self.now_ms();
        let record = |incident: Option<IncidentId>| AlertRecord {
            source: alert.source,
            fingerprint: alert.fingerprint.clone(),
            status: alert.status,
            starts_at_ms: UnixMillis::new(alert.starts_at_ms),
            received_at_ms: UnixMillis::new(now),
            incident,
            offer_post: stored.and_then(|stored| stored.offer_post),
        };
        if let Some(loaded) = self.incident_for(alert, route, stored, scenario).await? {
            let id = loaded.incident.id;
            return Ok(self
                .tell(loaded, alert, record(Some(id)))
                .await?
                .then_some(AlertTaken::Told(id)));
        }
        let firing = alert.status == AlertStatus::Firing;
        let opens = match (route.auto_open, reading.severity) {
            (Some(least), Some(severity)) => firing && severity <= least,
            _ => false,
        };
        if let (true, Some(scenario), Some(severity)) = (opens, scenario, reading.severity) {
            let who = Invocation {
                channel: route.channel.clone(),
                person: bot_person(),
                roles: Vec::new(),
            };
            let request = plan::Request {
                channel: route.channel.clone(),
                severity,
                description: alert.headline().map(str::to_string),
                services: &[],
                drill: false,
            };
            let fired = [Event::AlertFired {
                alert: AlertNote::of(alert),
            }];
            let audited = AuditRecord {
                at: UnixMillis::new(now),
                channel: route.channel.clone(),
                person: bot_person(),
                command: format!(
                    "/incident open {severity} {} (the alert {} from {})",
                    scenario.short_name(),
                    alert.name,
                    alert.source.display_name()
                ),
                incident: None,
                outcome: AuditOutcome::Done,
            };
            let opening = self.open_planned(&who, scenario, request, &fired, |incident| Effects {
                posts: vec![notify::opened_from_alert(incident, alert, &reading.reason)],
                alerts: vec![record(Some(incident.id))],
                ..Effects::default()
            });
            let (opened, _) = super::audit::with_row(audited, opening).await;
            return match opened {
                Ok((id, _)) => Ok(Some(AlertTaken::Opened(id))),
                Err(Stop::Failed(EngineError::Store(StoreError::AlertTaken))) => Ok(None),
                Err(Stop::Failed(error)) => Err(error),
                // Opening as planned refuses nothing.
                Err(Stop::Refused(_)) => Ok(None),
            };
        }
        let offered_before = stored.and_then(|stored| stored.offer_post);
        if !firing && offered_before.is_none() {
            let taken = self.store.record_alert(&record(None)).await?;
            return Ok(taken.then_some(AlertTaken::Recorded));
        }
        let offer = notify::alert_offer(alert, reading, self.runbook(), now);
        let post = new_alert_post(&route.channel, &offer, offered_before)?;
        let taken = self
            .store
            .record_alert_offer(&record(None), &post, UnixMillis::new(now))
            .await?;
        if taken {
            self.posts_queued.ring();
        }
        Ok(taken.then_some(AlertTaken::Offered))
    }

    /// The open incident that takes the alert: for a resolution, the one it was told in; for a
    /// firing, that one if still open, else the latest open incident of its scenario in the
    /// alerts channel (drills left out).
    async fn incident_for(
        &self,
        alert: &Alert,
        route: &AlertRoute,
        stored: Option<&StoredAlert>,
        scenario: Option<&Scenario>,
    ) -> Result<Option<Loaded>, EngineError> {
        if let Some(id) = stored.and_then(|stored| stored.incident) {
            if let Some(loaded) = self.load(id).await? {
                if loaded.incident.is_open() {
                    return Ok(Some(loaded));
                }
            }
        }
        if alert.status == AlertStatus::Resolved {
            return Ok(None);
        }
        let Some(scenario) = scenario else {
            return Ok(None);
        };
        Ok(self
            .open_loaded(&route.channel)
            .await?
            .into_iter()
            .filter(|loaded| {
                !loaded.incident.drill && loaded.incident.scenario.slug == scenario.slug
            })
            .max_by_key(|loaded| loaded.incident.id.number()))
    }

    /// Adds the alert to the incident's timeline and tells it in its thread; `false` when
    /// another change got in first.
    async fn tell(
        &self,
        loaded: Loaded,
        alert: &Alert,
        record: AlertRecord,
    ) -> Result<bool, EngineError> {
        let note = AlertNote::of(alert);
        let again = loaded
            .incident
            .alerts
            .iter()
            .any(|known| known.is(&note) && alert.status == AlertStatus::Firing);
        let event = match alert.status {
            AlertStatus::Firing => Event::AlertFired {
                alert: note.clone(),
            },
            AlertStatus::Resolved => Event::AlertResolved {
                alert: note.clone(),
            },
        };
        let attempt = self
            .attempt(
                loaded,
                &bot_person(),
                |_, _| Ok(vec![event.clone()]),
                |_, after, now| {
                    let mut told = notify::alert_told(after, alert, again, now);
                    if alert.status == AlertStatus::Resolved && all_cleared(&after.alerts) {
                        told = told.with(notify::alerts_cleared(after));
                    }
                    Effects {
                        posts: vec![told],
                        alerts: vec![record.clone()],
                        ..Effects::default()
                    }
                },
            )
            .await?;
        Ok(matches!(attempt, Attempt::Committed(_)))
    }
}

/// The offer as a post for the alerts channel, editing the alert's earlier offer if any.
fn new_alert_post(
    channel: &ChannelKey,
    offer: &Message,
    offered_before: Option<u64>,
) -> Result<NewPost, EngineError> {
    Ok(NewPost {
        channel: channel.clone(),
        kind: offer.kind.as_str().to_string(),
        body: serde_json::to_string(offer)
            .map_err(|source| EngineError::UnwritableAlert { source })?,
        replaces: offered_before.map(Replaces::Post),
    })
}
