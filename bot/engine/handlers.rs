//! One handler per command: decide the events, say what follows from them.

use chrono::{DateTime, Duration, Utc};
use commands::{
    Assign, ChangeSeverity, Choose, Command, Drill, DrillTarget, Open, Postmortem, Resolve, Rpo,
    RpoPoint, Step, StepAction, Update,
};

use super::load::{commit_for, Effects};
use super::timers::{self, next_update_ms, rto_threshold_ms};
use super::{Engine, EngineError, Invocation, Reply, Stop};
use crate::incident::{
    decide, plan, Event, Incident, Opening, Outcome, Person, Recorded, ScenarioRef,
};
use crate::notify::{self, Block, Message, MessageKind};
use crate::runbook::{LookupError, Scenario};

pub(super) async fn handle(
    engine: &Engine,
    who: &Invocation,
    command: Command,
) -> Result<Reply, EngineError> {
    let outcome = match command {
        Command::Open(open) => engine.open(who, open).await,
        Command::Drill(drill) => engine.drill(who, drill).await,
        Command::List(_) => {
            let open = engine.open_in_channel(who).await?;
            Ok(Reply::with(notify::list(&open, engine.now_ms())))
        }
        Command::Status(status) => engine.status(who, status.incident).await,
        Command::Scenarios(_) => Ok(Reply::with(notify::scenarios(engine.runbook()))),
        Command::Help(help) => Ok(Reply::with(Message::new(MessageKind::Reply, None).with(
            Block::Code {
                lang: None,
                code: help.text(),
            },
        ))),
        Command::Step(step) => engine.step(who, step).await,
        Command::Choose(choose) => engine.choose(who, choose).await,
        Command::Update(update) => engine.update(who, update).await,
        Command::Assign(assign) => engine.assign(who, assign).await,
        Command::Severity(change) => engine.change_severity(who, change).await,
        Command::Rpo(rpo) => engine.record_rpo(who, rpo).await,
        Command::Resolve(resolve) => engine.resolve(who, resolve).await,
        Command::Postmortem(postmortem) => engine.postmortem(who, postmortem).await,
    };
    match outcome {
        Ok(reply) | Err(Stop::Refused(reply)) => Ok(reply),
        Err(Stop::Failed(error)) => Err(error),
    }
}

/// The usage line of a command, for refusals.
fn usage(name: commands::CommandName) -> &'static str {
    name.spec().usage
}

/// The runbook step an incident's checklist step came from, if the runbook still has it.
fn runbook_step<'a>(
    engine: &'a Engine,
    incident: &Incident,
    index: usize,
) -> Option<&'a crate::runbook::Step> {
    let scenario = engine
        .runbook()
        .scenarios
        .iter()
        .find(|scenario| scenario.slug == incident.scenario.slug)?;
    let step = scenario.steps().nth(index)?;
    (step.title == incident.steps.get(index)?.title).then_some(step)
}

/// The checklist card for the incident's current step.
fn checklist_post(engine: &Engine, incident: &Incident, headline: Option<String>) -> Message {
    let step = incident
        .current_step()
        .and_then(|index| runbook_step(engine, incident, index));
    notify::checklist(incident, step, headline)
}

/// The nudge timer for the current step: due when its budget runs out, unless already nudged.
fn nudge_timer(incident: &Incident) -> (String, Option<i64>) {
    let due = incident.current_step().and_then(|index| {
        let step = &incident.steps[index];
        let budget_ms = i64::try_from(step.budget?.max_secs)
            .ok()?
            .checked_mul(1000)?;
        (!step.nudged).then_some(step.started_at_ms?.saturating_add(budget_ms))
    });
    (timers::NUDGE.to_string(), due)
}

/// Someone else confirming the step you are looking at a moment before you is the same step,
/// not a reason to confirm the next one.
const SAME_MOMENT_MS: i64 = 10_000;

/// The step a `/incident step …` without a number means: the current one, pinned now so that a
/// confirmation racing ours is told apart; or the step someone else confirmed in the last few
/// seconds, so that two people typing `done` for the same step confirm it once.
fn meant_step(incident: &Incident, person: &Person, now_ms: i64) -> Option<usize> {
    let current = incident.current_step().unwrap_or(incident.steps.len());
    let previous = current.checked_sub(1).and_then(|index| {
        let confirmation = incident.steps[index].confirmation.as_ref()?;
        let just_now = now_ms.saturating_sub(confirmation.at_ms) < SAME_MOMENT_MS;
        (just_now && confirmation.by.id != person.id).then_some(index)
    });
    previous.or_else(|| incident.current_step())
}

fn ms_to_time(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

impl Engine {
    async fn open(&self, who: &Invocation, open: Open) -> Result<Reply, Stop> {
        let scenario = match self.runbook().find_scenario(&open.scenario) {
            Ok(scenario) => scenario,
            Err(error) => return Ok(lookup_refusal(error, usage(commands::CommandName::Open))),
        };
        self.open_scenario(
            who,
            scenario,
            open.severity,
            open.description,
            &open.services,
            false,
        )
        .await
    }

    async fn drill(&self, who: &Invocation, drill: Drill) -> Result<Reply, Stop> {
        let scenarios = &self.runbook().scenarios;
        let scenario = match &drill.target {
            DrillTarget::Scenario(name) => match self.runbook().find_scenario(name) {
                Ok(scenario) => scenario,
                Err(error) => {
                    return Ok(lookup_refusal(error, usage(commands::CommandName::Drill)))
                }
            },
            DrillTarget::Random if scenarios.is_empty() => return Ok(Reply::refusal(
                "The runbook has no scenarios to drill: check it with incident-bot check-runbook",
            )),
            DrillTarget::Random => {
                let pick = usize::try_from(self.now_ms().unsigned_abs() / 1000).unwrap_or_default();
                &scenarios[pick % scenarios.len()]
            }
        };
        let severity = scenario.severity.unwrap_or(commands::Severity::Medium);
        let description = Some(format!("DR drill: {}", scenario.title));
        self.open_scenario(who, scenario, severity, description, &[], true)
            .await
    }

    /// Opens an incident (or drill) for a scenario: the INCIDENT notification, the first step,
    /// and the timers for updates, RTO warnings and the first nudge.
    async fn open_scenario(
        &self,
        who: &Invocation,
        scenario: &Scenario,
        severity: commands::Severity,
        description: Option<String>,
        typed_services: &[String],
        drill: bool,
    ) -> Result<Reply, Stop> {
        let targets = plan::targets(self.runbook(), scenario, typed_services);
        let now = self.now_ms();
        let opening = Opening {
            channel: who.channel.clone(),
            drill,
            severity,
            scenario: ScenarioRef {
                number: scenario.number,
                slug: scenario.slug.clone(),
                title: scenario.title.clone(),
            },
            description,
            services: targets.services.clone(),
            rto_secs: targets.rto_secs,
            rpo_secs: targets.rpo_secs,
            steps: plan::checklist(scenario),
        };
        let recorded = Recorded {
            at_ms: now,
            by: who.person.clone(),
            event: Event::Opened(Box::new(opening.clone())),
        };
        let mut built = None;
        let created = self
            .create_incident(&who.channel, now, now, |id| {
                let incident = Incident::opened(id, &opening, now, &who.person);
                let effects = self.opening_effects(&incident, now);
                let commit = commit_for(&incident, std::slice::from_ref(&recorded), &effects);
                built = Some(incident);
                commit
            })
            .await?;
        let id = created?;
        if let Some(incident) = built.filter(|incident| incident.id == id) {
            self.remember_created(incident, 1);
        }
        if targets.unknown_services.is_empty() {
            return Ok(Reply::none());
        }
        Ok(Reply::with(Message::text(
            MessageKind::Reply,
            Some(id),
            format!(
                "INC-{id} opened. Not in the RTO/RPO table, so not measured: {}",
                targets.unknown_services.join(", ")
            ),
        )))
    }

    /// What opening posts and schedules: the INCIDENT notification (paging the roles the
    /// severity calls for, except in drills), the first step, and the update, RTO and nudge
    /// timers.
    fn opening_effects(&self, incident: &Incident, now: i64) -> Effects {
        let paging = self.config.paging(incident.severity);
        let mut opened = notify::opened(
            incident,
            self.runbook(),
            paging.iter().filter_map(|(_, id)| id.clone()).collect(),
            &paging
                .iter()
                .map(|(role, _)| role.clone())
                .collect::<Vec<_>>(),
        );
        if incident.drill {
            opened.mentions.clear();
        }
        let interval = self.config.update_interval_secs(incident.severity);
        let mut timers = vec![
            (
                timers::UPDATE.to_string(),
                Some(next_update_ms(now, interval, now)),
            ),
            nudge_timer(incident),
        ];
        if let Some(rto) = incident.rto_secs {
            timers.push((
                timers::RTO.to_string(),
                Some(rto_threshold_ms(now, rto, 50)),
            ));
        }
        Effects {
            posts: vec![opened, checklist_post(self, incident, None)],
            timers,
            clear_timers: false,
            reply: None,
        }
    }

    async fn status(
        &self,
        who: &Invocation,
        named: Option<commands::IncidentRef>,
    ) -> Result<Reply, Stop> {
        let loaded = self
            .target_or_latest(who, named, usage(commands::CommandName::Status))
            .await?;
        let now = self.now_ms();
        let incident = loaded.incident;
        let next_update = incident.is_open().then(|| {
            next_update_ms(
                incident.opened_at_ms,
                self.config.update_interval_secs(incident.severity),
                now,
            )
        });
        Ok(Reply::with(notify::status(
            &incident,
            self.runbook(),
            now,
            next_update,
        )))
    }

    async fn step(&self, who: &Invocation, step: Step) -> Result<Reply, Stop> {
        let loaded = self
            .target(who, step.incident, usage(commands::CommandName::Step))
            .await?;
        let pinned = match step.number {
            Some(number) => Some(
                usize::try_from(number)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(1),
            ),
            None => meant_step(&loaded.incident, &who.person, self.now_ms()),
        };
        let action = step.action;
        let note = step.note.clone();
        let name = who.person.name.clone();
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| {
                    let event = match action {
                        StepAction::Done => {
                            decide::confirm(incident, pinned, Outcome::Done, note.clone())
                        }
                        StepAction::Skip => {
                            decide::confirm(incident, pinned, Outcome::Skipped, note.clone())
                        }
                        StepAction::Fail => {
                            decide::fail(incident, pinned, note.clone().unwrap_or_default())
                        }
                        StepAction::Retry => decide::retry(incident, pinned, note.clone()),
                    };
                    event
                        .map(|event| vec![event])
                        .map_err(|refusal| refusal.to_string())
                },
                |before, after, _| {
                    let Some(index) = pinned.or_else(|| before.current_step()) else {
                        return Effects::default();
                    };
                    let post = match action {
                        StepAction::Fail => notify::step_failed(after, index),
                        StepAction::Done | StepAction::Skip => checklist_post(
                            self,
                            after,
                            Some(notify::confirmation_headline(after, index)),
                        ),
                        StepAction::Retry => checklist_post(
                            self,
                            after,
                            Some(format!(
                                "↻ Step {} ({}) is being retried by {name}",
                                index + 1,
                                after.steps[index].title
                            )),
                        ),
                    };
                    Effects {
                        posts: vec![post],
                        timers: vec![nudge_timer(after)],
                        ..Effects::default()
                    }
                },
            )
            .await?)
    }

    async fn choose(&self, who: &Invocation, choose: Choose) -> Result<Reply, Stop> {
        let loaded = self
            .target(who, choose.incident, usage(commands::CommandName::Choose))
            .await?;
        let name = who.person.name.clone();
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| {
                    decide::choose(incident, &choose.option)
                        .map(|event| vec![event])
                        .map_err(|refusal| refusal.to_string())
                },
                |_, after, _| {
                    let headline = after.current_step().and_then(|index| {
                        let step = &after.steps[index];
                        let key = step.chosen.as_deref()?;
                        let title = step
                            .options
                            .iter()
                            .find(|(k, _)| k == key)
                            .map(|(_, t)| t.as_str())?;
                        Some(format!(
                            "Option {key} ({title}) chosen by {name} for step {}",
                            index + 1
                        ))
                    });
                    Effects {
                        posts: vec![checklist_post(self, after, headline)],
                        ..Effects::default()
                    }
                },
            )
            .await?)
    }

    async fn update(&self, who: &Invocation, update: Update) -> Result<Reply, Stop> {
        let loaded = self
            .target(who, update.incident, usage(commands::CommandName::Update))
            .await?;
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| {
                    decide::ensure_open(incident).map_err(|refusal| refusal.to_string())?;
                    Ok(vec![Event::NoteAdded {
                        text: update.text.clone(),
                    }])
                },
                |_, after, _| Effects {
                    posts: after
                        .latest_note
                        .as_ref()
                        .map(|remark| notify::note(after, remark))
                        .into_iter()
                        .collect(),
                    ..Effects::default()
                },
            )
            .await?)
    }

    async fn assign(&self, who: &Invocation, assign: Assign) -> Result<Reply, Stop> {
        let loaded = self
            .target(who, assign.incident, usage(commands::CommandName::Assign))
            .await?;
        let (person, ping) = match &assign.assignee {
            commands::Mention::User(id) => (
                Person {
                    id: id.clone(),
                    name: format!("@{id}"),
                },
                Some(id.clone()),
            ),
            commands::Mention::Handle(name) => (
                Person {
                    id: name.clone(),
                    name: format!("@{name}"),
                },
                None,
            ),
        };
        let role = assign.role.trim().to_lowercase();
        let by = who.person.name.clone();
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| {
                    decide::ensure_open(incident).map_err(|refusal| refusal.to_string())?;
                    Ok(vec![Event::RoleAssigned {
                        role: role.clone(),
                        person: person.clone(),
                    }])
                },
                |_, after, _| {
                    let mut message = notify::change(
                        after,
                        format!(
                            "{} is now {role} of {} (assigned by {by})",
                            person.name,
                            after.reference()
                        ),
                    );
                    message.mentions.extend(ping.clone());
                    Effects {
                        posts: vec![message],
                        ..Effects::default()
                    }
                },
            )
            .await?)
    }

    async fn change_severity(
        &self,
        who: &Invocation,
        change: ChangeSeverity,
    ) -> Result<Reply, Stop> {
        let loaded = self
            .target(who, change.incident, usage(commands::CommandName::Severity))
            .await?;
        let by = who.person.name.clone();
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| {
                    decide::ensure_open(incident).map_err(|refusal| refusal.to_string())?;
                    if incident.severity == change.severity {
                        return Err(format!(
                            "{} is already {}",
                            incident.reference(),
                            change.severity
                        ));
                    }
                    Ok(vec![Event::SeverityChanged {
                        severity: change.severity,
                    }])
                },
                |before, after, now| {
                    let verb = if after.severity < before.severity {
                        "raised"
                    } else {
                        "lowered"
                    };
                    let already: Vec<String> = self
                        .config
                        .paging(before.severity)
                        .into_iter()
                        .map(|(role, _)| role)
                        .collect();
                    let newly: Vec<(String, Option<String>)> = self
                        .config
                        .paging(after.severity)
                        .into_iter()
                        .filter(|(role, _)| !already.contains(role))
                        .collect();
                    let mut text = format!(
                        "Severity {verb} from {} to {} by {by}",
                        before.severity, after.severity
                    );
                    if !newly.is_empty() {
                        let names: Vec<&str> =
                            newly.iter().map(|(role, _)| role.as_str()).collect();
                        text.push_str(&format!(". Paging: {}", names.join(", ")));
                    }
                    let mut message = notify::change(after, text);
                    if !after.drill {
                        message.mentions = newly.into_iter().filter_map(|(_, id)| id).collect();
                    }
                    let interval = self.config.update_interval_secs(after.severity);
                    Effects {
                        posts: vec![message],
                        timers: vec![(
                            timers::UPDATE.to_string(),
                            Some(next_update_ms(after.opened_at_ms, interval, now)),
                        )],
                        ..Effects::default()
                    }
                },
            )
            .await?)
    }

    async fn record_rpo(&self, who: &Invocation, rpo: Rpo) -> Result<Reply, Stop> {
        let loaded = self
            .target(who, rpo.incident, usage(commands::CommandName::Rpo))
            .await?;
        let by = who.person.name.clone();
        Ok(self.change(
            loaded,
            &who.person,
            |incident, now| {
                decide::ensure_open(incident).map_err(|refusal| refusal.to_string())?;
                let at = last_good_data(&rpo.last_good_data, ms_to_time(now));
                if at.timestamp_millis() > now {
                    return Err(format!(
                        "`{}` is in the future: give the time of the last good data, e.g. 14:30 or 10m ago — usage: {}",
                        rpo.last_good_data,
                        usage(commands::CommandName::Rpo)
                    ));
                }
                Ok(vec![Event::LastGoodDataRecorded {
                    at_ms: at.timestamp_millis(),
                }])
            },
            |_, after, _| {
                let text = format!(
                    "Last good data recorded by {by}: {}",
                    notify::rpo_summary(after)
                );
                Effects {
                    posts: vec![notify::change(after, text)],
                    ..Effects::default()
                }
            },
        )
        .await?)
    }

    async fn resolve(&self, who: &Invocation, resolve: Resolve) -> Result<Reply, Stop> {
        let loaded = self
            .target(who, resolve.incident, usage(commands::CommandName::Resolve))
            .await?;
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, _| {
                    decide::ensure_open(incident).map_err(|refusal| refusal.to_string())?;
                    Ok(vec![Event::Resolved {
                        root_cause: resolve.root_cause.clone(),
                    }])
                },
                |_, after, now| Effects {
                    posts: vec![notify::resolved(after, self.runbook())],
                    clear_timers: true,
                    timers: self
                        .runbook()
                        .follow_ups
                        .iter()
                        .enumerate()
                        .filter_map(|(index, group)| {
                            let due = i64::try_from(group.due_after_secs?)
                                .ok()?
                                .checked_mul(1000)?;
                            Some((timers::follow_up_name(index), Some(now.saturating_add(due))))
                        })
                        .collect(),
                    reply: None,
                },
            )
            .await?)
    }

    async fn postmortem(&self, who: &Invocation, postmortem: Postmortem) -> Result<Reply, Stop> {
        let loaded = self
            .target_or_latest(
                who,
                postmortem.incident,
                usage(commands::CommandName::Postmortem),
            )
            .await?;
        let incident = loaded.incident;
        let id = incident.id;
        let timeline = self.timeline(id).await?;
        let markdown =
            crate::postmortem::draft(&incident, &timeline, self.runbook(), self.now_ms());
        let state = if incident.is_open() {
            "draft in progress"
        } else {
            "draft"
        };
        Ok(Reply::with(
            Message::text(
                MessageKind::Reply,
                Some(id),
                format!(
                    "Post-mortem {state} for {} — edit it and share it.",
                    incident.reference()
                ),
            )
            .with(Block::Document {
                filename: format!("{}-postmortem.md", incident.reference()),
                markdown,
            }),
        ))
    }
}

/// When the last good data was written, from what was typed. A time of day means the latest
/// such time not after now (UTC).
fn last_good_data(point: &RpoPoint, now: DateTime<Utc>) -> DateTime<Utc> {
    match point {
        RpoPoint::TimeOfDay(time) => {
            let today = now.date_naive().and_time(*time).and_utc();
            if today > now {
                today - Duration::days(1)
            } else {
                today
            }
        }
        RpoPoint::At(at) => at.and_utc(),
        RpoPoint::Ago(secs) => {
            now - Duration::seconds(i64::try_from(*secs).unwrap_or(i64::MAX / 2_000_000))
        }
    }
}

fn lookup_refusal(error: LookupError, usage: &str) -> Reply {
    Reply::refusal(format!("{error} — usage: {usage}"))
}
