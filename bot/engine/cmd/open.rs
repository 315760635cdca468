//! `/incident open <severity> <scenario> [description] [--services …] [--new]`: opens an incident
//! with the INCIDENT notification, the first step, and the timers for updates, RTO warnings and
//! the first nudge; unless the scenario is already open in the channel (then it names that one).

use commands::{CommandName, Open};

use super::{nudge_timer, usage};
use crate::engine::load::{commit_for, Effects};
use crate::engine::scheduler::rto_timer;
use crate::engine::timers::next_update_ms;
use crate::engine::{Engine, Invocation, Reply, Stop};
use crate::incident::{plan, restoration, Event, Incident, IncidentId, Recorded, TimerKind};
use crate::notify;
use crate::runbook::Scenario;

impl Engine {
    pub(super) async fn open(&self, who: &Invocation, open: Open) -> Result<Reply, Stop> {
        let found = self
            .runbook()
            .match_scenario(&open.scenario)
            .map_err(|error| {
                Stop::Refused(Reply::with(notify::unknown_scenario(
                    &error,
                    usage(CommandName::Open),
                )))
            })?;
        let scenario = found.scenario;
        let services = restoration::table_services(self.runbook(), &open.services)
            .map_err(|refusal| Stop::Refused(Reply::with(notify::refused(&refusal))))?;
        // A real incident of the scenario already open here is named, not opened again (drills
        // neither block nor are blocked); `--new` opens another anyway.
        if !open.new {
            let open_here = self.open_in_channel(who).await?;
            if let Some(existing) = open_here
                .iter()
                .find(|incident| !incident.drill && incident.scenario.slug == scenario.slug)
            {
                let anyway = Open { new: true, ..open }.to_string();
                return Ok(Reply::with(notify::already_open(
                    existing,
                    &anyway,
                    self.now_ms(),
                )));
            }
        }
        self.open_scenario(
            who,
            scenario,
            plan::Request {
                channel: who.channel.clone(),
                severity: open.severity,
                description: open.description,
                services: &services,
                drill: false,
            },
            (!found.exact).then_some(open.scenario.as_str()),
        )
        .await
    }

    /// Opens an incident (or drill) of a scenario, as planned from the runbook. `matched_words`
    /// are what was typed when the scenario was found by its title's words, for the reply to say
    /// what they matched.
    pub(super) async fn open_scenario(
        &self,
        who: &Invocation,
        scenario: &Scenario,
        request: plan::Request<'_>,
        matched_words: Option<&str>,
    ) -> Result<Reply, Stop> {
        let (id, planned) = self
            .open_planned(who, scenario, request, &[], |_| Effects::default())
            .await?;
        let matched = matched_words.map(|typed| (typed, scenario));
        Ok(
            match notify::opened_reply(id, matched, &planned.unknown_services) {
                Some(reply) => Reply::with(reply),
                None => Reply::none(),
            },
        )
    }

    /// Opens an incident of a scenario as planned, recording `more` events after the opening and
    /// committing what `also` adds (posts, alerts' states) with the usual opening effects.
    pub(in crate::engine) async fn open_planned(
        &self,
        who: &Invocation,
        scenario: &Scenario,
        request: plan::Request<'_>,
        more: &[Event],
        also: impl Fn(&Incident) -> Effects + Send + Sync,
    ) -> Result<(IncidentId, plan::Planned), Stop> {
        let planned = plan::opening(self.runbook(), scenario, request);
        let now = self.now_ms();
        let recorded: Vec<Recorded> =
            std::iter::once(Event::Opened(Box::new(planned.opening.clone())))
                .chain(more.iter().cloned())
                .map(|event| Recorded {
                    at_ms: now,
                    by: who.person.clone(),
                    event,
                })
                .collect();
        let mut built = None;
        let created = self
            .create_incident(&who.channel, now, now, |id| {
                let mut incident = Incident::opened(id, &planned.opening, now, &who.person);
                for event in &recorded[1..] {
                    incident.apply(event);
                }
                let mut effects = self.opening_effects(&incident, now);
                let added = also(&incident);
                effects.posts.extend(added.posts);
                effects.alerts.extend(added.alerts);
                let commit = commit_for(&incident, &recorded, &effects);
                built = Some(incident);
                commit
            })
            .await?;
        let id = created?;
        if let Some(incident) = built.filter(|incident| incident.id == id) {
            self.remember_created(incident, recorded.len() as u64);
        }
        Ok((id, planned))
    }

    /// What opening posts and schedules: the INCIDENT notification (paging the roles the
    /// severity calls for, except in drills), the first step, and the update, RTO and nudge
    /// timers.
    fn opening_effects(&self, incident: &Incident, now: i64) -> Effects {
        let paging = self.config.paging(incident.severity);
        let interval = self.config.update_interval_secs(incident.severity);
        let mut opened = notify::opened(
            incident,
            self.runbook(),
            interval,
            paging.iter().filter_map(|(_, id)| id.clone()).collect(),
            &paging
                .iter()
                .map(|(role, _)| role.clone())
                .collect::<Vec<_>>(),
        );
        if incident.drill {
            opened.mentions.clear();
        }
        let timers = vec![
            (TimerKind::Update, Some(next_update_ms(now, interval, now))),
            nudge_timer(incident),
            rto_timer(incident),
            self.stale_timer(incident),
        ];
        Effects {
            posts: vec![opened, self.checklist_post_pinging(None, incident, None)],
            timers,
            ..Effects::default()
        }
    }
}
