//! One module per command, the mini-redis way: each says what its command decides (through the
//! domain's rules, `incident::decide`) and what follows from it (posts, timers, the reply).
//! [`handle`] dispatches; the shapes several commands share are here.

mod amend;
mod assign;
mod cancel;
mod choose;
mod drill;
mod drills;
mod follow_up;
mod open;
mod postmortem;
mod postmortem_final;
mod reopen;
mod resolve;
mod restored;
mod rpo;
mod severity;
mod status;
mod step;
mod update;

use commands::{Command, CommandName, IncidentRef};

use super::load::{Effects, Loaded};
use super::{Engine, EngineError, Invocation, Reply, Stop};
use crate::incident::{DomainError, Event, Incident, TimerKind};
use crate::notify::{self, Message};

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
        Command::Help(help) => Ok(Reply::with(notify::help(help.text()))),
        Command::Step(step) => engine.step(who, step).await,
        Command::Choose(choose) => engine.choose(who, choose).await,
        Command::Update(update) => engine.update(who, update).await,
        Command::Assign(assign) => engine.assign(who, assign).await,
        Command::Severity(change) => engine.change_severity(who, change).await,
        Command::Rpo(rpo) => engine.record_rpo(who, rpo).await,
        Command::Resolve(resolve) => engine.resolve(who, resolve).await,
        Command::Postmortem(postmortem) => engine.postmortem(who, postmortem).await,
        Command::Restored(restored) => engine.restored(who, restored).await,
        Command::Reopen(reopen) => engine.reopen(who, reopen).await,
        Command::Cancel(cancel) => engine.cancel(who, cancel).await,
        Command::FollowUp(follow_up) => engine.follow_up(who, follow_up).await,
        Command::Drills(_) => engine.drills(who).await,
    };
    match outcome {
        Ok(reply) | Err(Stop::Refused(reply)) => Ok(reply),
        Err(Stop::Failed(error)) => Err(error),
    }
}

/// The usage line of a command, for refusals.
fn usage(name: CommandName) -> &'static str {
    name.spec().usage
}

impl Engine {
    /// The shape of most commands: the incident they are about (named, or the channel's only
    /// open one), one event the domain's rules decide on it, and what follows from that event.
    async fn one_event(
        &self,
        who: &Invocation,
        named: Option<IncidentRef>,
        command: CommandName,
        decide: impl Fn(&Incident, i64) -> Result<Event, DomainError>,
        effects: impl Fn(&Incident, &Incident, i64) -> Effects,
    ) -> Result<Reply, Stop> {
        let loaded = self.target(who, named, usage(command)).await?;
        self.one_event_on(loaded, who, decide, effects).await
    }

    /// One event the domain's rules decide on `loaded`, and what follows from that event.
    async fn one_event_on(
        &self,
        loaded: Loaded,
        who: &Invocation,
        decide: impl Fn(&Incident, i64) -> Result<Event, DomainError>,
        effects: impl Fn(&Incident, &Incident, i64) -> Effects,
    ) -> Result<Reply, Stop> {
        Ok(self
            .change(
                loaded,
                &who.person,
                |incident, now| decide(incident, now).map(|event| vec![event]),
                effects,
            )
            .await?)
    }

    /// The checklist card for the incident's current step, or its tracks.
    fn checklist_post(&self, incident: &Incident, headline: Option<String>) -> Message {
        notify::checklist(
            incident,
            |index| self.runbook_step(incident, index),
            headline,
            self.now_ms(),
        )
    }

    /// The checklist card after a change that may have made steps current: it pings the owner
    /// of each step that became current (none was before `before`; every current one when
    /// opening) whose role `ROLE_MENTIONS` maps to a chat id. A drill pings nobody.
    fn checklist_post_pinging(
        &self,
        before: Option<&Incident>,
        after: &Incident,
        headline: Option<String>,
    ) -> Message {
        let mut message = self.checklist_post(after, headline);
        if after.drill {
            return message;
        }
        let was_current = before.map(Incident::current_steps).unwrap_or_default();
        for index in after.current_steps() {
            let owner = after.steps[index].role.as_deref();
            let id = owner.and_then(|role| self.config.mention_of(role));
            if let Some(id) =
                id.filter(|id| !was_current.contains(&index) && !message.mentions.contains(id))
            {
                message.mentions.push(id);
            }
        }
        message
    }

    /// The runbook step an incident's checklist step came from, if the runbook still has it.
    fn runbook_step(&self, incident: &Incident, index: usize) -> Option<&crate::runbook::Step> {
        let scenario = self
            .runbook()
            .scenarios
            .iter()
            .find(|scenario| scenario.slug == incident.scenario.slug)?;
        let step = scenario.steps().nth(index)?;
        (step.title == incident.steps.get(index)?.title).then_some(step)
    }
}

/// The nudge timer: due when the first of the current steps runs out of its budget.
fn nudge_timer(incident: &Incident) -> (TimerKind, Option<i64>) {
    (TimerKind::Nudge, super::timers::next_nudge_ms(incident))
}
