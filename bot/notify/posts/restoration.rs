//! Restoration in words: services back (`/incident restored`), each service's RTO clock for the
//! status and the updates, time to restore against each RTO for RESOLVED and the post-mortem,
//! RTO warnings about the services still down, and what a resolver left open.

use super::format::{clock_time, minutes, secs_between};
use super::lifecycle::NOT_MEASURED;
use super::{heading, step_name, text};
use commands::CommandName;

use crate::incident::{Clock, Incident, Measured};
use crate::notify::message::{Block, Message, MessageKind};

/// `T+20m`: a moment as the time since the incident opened.
pub fn since_opening(incident: &Incident, at_ms: i64) -> String {
    format!("T+{}", minutes(secs_between(incident.opened_at_ms, at_ms)))
}

/// Remaining or overrun RTO, to the minute: `18m left of 30m`, `over by 5m (target 30m)`.
fn left_of(rto: u64, elapsed: u64) -> String {
    match (rto.checked_sub(elapsed), elapsed.saturating_sub(rto)) {
        (Some(left), _) if left >= 60 => format!("{} left of {}", minutes(left), minutes(rto)),
        (Some(left), _) if left > 0 => format!("under 1m left of {}", minutes(rto)),
        (_, over) if over < 60 => format!("{} target reached", minutes(rto)),
        (_, over) => format!("over by {} (target {})", minutes(over), minutes(rto)),
    }
}

/// `met: 20m of 30m`, `missed by 15m: 45m against 30m`.
fn against(actual: u64, rto: u64) -> String {
    if actual > rto {
        format!(
            "missed by {}: {} against {}",
            minutes(actual - rto),
            minutes(actual),
            minutes(rto)
        )
    } else {
        format!("met: {} of {}", minutes(actual), minutes(rto))
    }
}

/// One clock's time to restore against its RTO: `met: 20m of 30m`, `missed by 15m: 45m against
/// 30m`, `so far 23m of 30m`, `over by 13m so far: 43m against 30m`, `20m (no target)`. Never
/// marked restored and resolved: measured to the resolution, and it says so.
pub fn restore_verdict(incident: &Incident, clock: &Clock<'_>, now_ms: i64) -> String {
    let (actual, measured) = clock.time_to_restore(incident, now_ms);
    let verdict = match (measured, clock.rto_secs) {
        (Measured::SoFar, Some(rto)) if actual > rto => format!(
            "over by {} so far: {} against {}",
            minutes(actual - rto),
            minutes(actual),
            minutes(rto)
        ),
        (Measured::SoFar, Some(rto)) => format!("so far {} of {}", minutes(actual), minutes(rto)),
        (Measured::SoFar, None) => format!("so far {} (no target)", minutes(actual)),
        (_, Some(rto)) => against(actual, rto),
        (_, None) => format!("{} (no target)", minutes(actual)),
    };
    match measured {
        Measured::ToResolve => format!("not marked restored: measured to resolve — {verdict}"),
        _ => verdict,
    }
}

/// A clock while the incident is open: `18m left of 30m`, `restored at T+20m · met: 20m of 30m`.
fn clock_now(incident: &Incident, clock: &Clock<'_>, now_ms: i64) -> String {
    match (clock.restored, clock.rto_secs) {
        (Some(restored), _) => format!(
            "restored at {} · {}",
            since_opening(incident, restored.at_ms),
            restore_verdict(incident, clock, now_ms)
        ),
        (None, Some(rto)) => left_of(rto, secs_between(incident.opened_at_ms, now_ms)),
        (None, None) => "no target".to_string(),
    }
}

/// A field per clock: `RTO` for an incident measured as one unit or with one service,
/// `RTO · Database` for each of several.
fn per_clock(
    incident: &Incident,
    label: &str,
    value: impl Fn(&Clock<'_>) -> String,
) -> Vec<(String, String)> {
    let clocks = incident.clocks();
    let several = clocks.len() > 1;
    clocks
        .iter()
        .map(|clock| match clock.service.filter(|_| several) {
            Some(service) => (format!("{label} · {service}"), value(clock)),
            None => (label.to_string(), value(clock)),
        })
        .collect()
}

/// The RTO fields of the status and the updates: each service's time left, or when it came
/// back.
pub fn rto_fields(incident: &Incident, now_ms: i64) -> Vec<(String, String)> {
    if incident.is_cancelled() {
        return vec![("RTO".to_string(), NOT_MEASURED.to_string())];
    }
    per_clock(incident, "RTO", |clock| clock_now(incident, clock, now_ms))
}

/// The status's field per service (`RTO/RPO` for an incident measured as one unit): back or
/// still down, its RTO (time left, or met or missed), and its RPO target, met or missed once the
/// last good data is recorded.
pub(super) fn service_fields(incident: &Incident, now_ms: i64) -> Vec<(String, String)> {
    if incident.is_cancelled() {
        return vec![("RTO/RPO".to_string(), NOT_MEASURED.to_string())];
    }
    let data_lost = incident
        .last_good_data_ms
        .map(|last_good| secs_between(last_good, incident.opened_at_ms));
    incident
        .clocks()
        .iter()
        .map(|clock| {
            let mut value = match (clock.restored, clock.rto_secs) {
                (Some(restored), Some(_)) => format!(
                    "✓ back at {} · RTO {}",
                    since_opening(incident, restored.at_ms),
                    restore_verdict(incident, clock, now_ms)
                ),
                (Some(restored), None) => format!(
                    "✓ back at {} · no RTO target",
                    since_opening(incident, restored.at_ms)
                ),
                (None, _) if !incident.is_open() => {
                    format!("RTO {}", restore_verdict(incident, clock, now_ms))
                }
                (None, Some(rto)) => format!(
                    "down · RTO {}",
                    left_of(rto, secs_between(incident.opened_at_ms, now_ms))
                ),
                (None, None) => "down · no RTO target".to_string(),
            };
            match (clock.rpo_secs, data_lost) {
                (Some(rpo), Some(lost)) => {
                    value.push_str(&format!(" · RPO {}", against(lost, rpo)))
                }
                (Some(rpo), None) => value.push_str(&format!(" · RPO target {}", minutes(rpo))),
                (None, _) => {}
            }
            let label = clock.service.unwrap_or("RTO/RPO").to_string();
            (label, value)
        })
        .collect()
}

/// The fields of a resolved incident: time to restore per service against its RTO, then the
/// time to resolve.
pub fn resolution_fields(incident: &Incident, end_ms: i64) -> Vec<(String, String)> {
    let mut fields = per_clock(incident, "Time to restore", |clock| {
        restore_verdict(incident, clock, end_ms)
    });
    fields.push((
        "Time to resolve".to_string(),
        minutes(secs_between(incident.opened_at_ms, end_ms)),
    ));
    fields
}

/// What an RTO warning says: its title (`RTO 50% used`, `RTO exceeded`) and its line, about
/// the services with the tightest RTO not yet restored.
pub fn rto_warning_text(incident: &Incident, percent: u8, now_ms: i64) -> (String, String) {
    let elapsed = secs_between(incident.opened_at_ms, now_ms);
    let Some(watch) = incident.rto_watch() else {
        return (
            format!("RTO {percent}% used"),
            format!(
                "{} elapsed; nothing left to restore has an RTO target.",
                minutes(elapsed)
            ),
        );
    };
    let about = match watch.services.as_slice() {
        [] => String::new(),
        services => format!(" for {}", services.join(", ")),
    };
    let rto = watch.rto_secs;
    if percent >= 100 || elapsed > rto {
        (
            "RTO exceeded".to_string(),
            format!(
                "RTO exceeded{about}: {} target, {} elapsed.",
                minutes(rto),
                minutes(elapsed)
            ),
        )
    } else {
        (
            format!("RTO {percent}% used"),
            format!(
                "RTO {percent}% used{about}: {} of {} elapsed, {} left.",
                minutes(elapsed),
                minutes(rto),
                minutes(rto - elapsed)
            ),
        )
    }
}

/// A status update that carries the RTO warning due with it: the warning's line right under the
/// update's heading, so the channel gets one post for the moment.
pub fn with_rto_warning(update: Message, incident: &Incident, percent: u8, now_ms: i64) -> Message {
    let (_, line) = rto_warning_text(incident, percent, now_ms);
    let mut blocks = update.blocks;
    let at = blocks
        .iter()
        .position(|block| matches!(block, Block::Heading { .. }))
        .map_or(0, |heading| heading + 1);
    blocks.insert(at, text(format!("⚠ {line}")));
    Message { blocks, ..update }
}

/// After `/incident restored`: which services are back now and how long each took against its
/// RTO, and what is still down (or that the incident is Monitoring).
pub fn restored(incident: &Incident, services: &[String], by: &str, now_ms: i64) -> Message {
    let clocks = incident.clocks();
    let back: Vec<String> = clocks
        .iter()
        .filter(|clock| match clock.service {
            Some(service) => services.iter().any(|named| named == service),
            None => true,
        })
        .map(|clock| {
            let name = clock
                .service
                .map_or_else(|| incident.reference(), str::to_string);
            let verdict = match clock.rto_secs {
                Some(_) => format!("RTO {}", restore_verdict(incident, clock, now_ms)),
                None => "no RTO target".to_string(),
            };
            format!(
                "✓ {name} back at {} ({}) · {verdict}",
                since_opening(incident, now_ms),
                clock_time(now_ms, incident.opened_at_ms)
            )
        })
        .collect();
    let title = match services {
        [] => "Restored".to_string(),
        named => format!("Restored: {}", named.join(", ")),
    };
    let mut message = Message::new(MessageKind::Restored, Some(incident.id.number()))
        .with(heading(incident, &title))
        .with(text(format!("{}\nMarked by {by}.", back.join("\n"))));
    let waiting: Vec<String> = clocks
        .iter()
        .filter(|clock| clock.restored.is_none())
        .filter_map(|clock| {
            let service = clock.service?;
            Some(format!(
                "• {service}: {}",
                clock_now(incident, clock, now_ms)
            ))
        })
        .collect();
    message = if waiting.is_empty() {
        let warnings = if clocks.iter().any(|clock| clock.rto_secs.is_some()) {
            " No more RTO warnings."
        } else {
            ""
        };
        message.with(text(format!(
            "Everything is back: {} is Monitoring. Time to restore {}.{warnings} Resolve once it \
             is stable: /incident resolve [root cause]",
            incident.reference(),
            minutes(secs_between(incident.opened_at_ms, now_ms))
        )))
    } else {
        message.with(text(format!(
            "Still to restore (RTO clocks running):\n{}\nMark them with /incident restored <service>",
            waiting.join("\n")
        )))
    };
    message
}

/// What a message about the incident says once every step is confirmed: how to mark it restored,
/// or (once restored) how to resolve it.
pub(super) fn every_step_confirmed(incident: &Incident) -> String {
    format!("Every step is confirmed. {}", what_next(incident))
}

/// Once the checklist is done: mark it restored, or (once restored) resolve it.
pub(super) fn what_next(incident: &Incident) -> &'static str {
    if incident.is_restored() {
        "Every service is back: resolve with /incident resolve [root cause]"
    } else {
        "Service back? /incident restored [service…] — then /incident resolve [root cause]"
    }
}

/// Under the checklist once the recovery steps are done and something is still down: how to say
/// it is back, and how to resolve.
pub fn restore_hint(incident: &Incident) -> Option<String> {
    if !incident.is_open() || incident.is_restored() || !incident.recovery_steps_done() {
        return None;
    }
    let waiting = incident.services_to_restore();
    let which = match waiting.as_slice() {
        [] => String::new(),
        services => format!(" ({})", services.join(", ")),
    };
    Some(format!(
        "Recovery steps done. Service back{which}? Mark it: /incident restored [service…] — \
         the RTO clocks stop there. Then /incident resolve [root cause]"
    ))
}

/// The answer to someone who resolved with steps failed or never confirmed: the incident is
/// resolved all the same; these stay open in the post-mortem.
pub fn resolved_with_open_steps(incident: &Incident) -> Option<Message> {
    let open: Vec<String> = incident
        .steps
        .iter()
        .enumerate()
        .filter(|(_, step)| step.confirmation.is_none())
        .map(|(index, step)| match &step.failure {
            Some(failure) => format!(
                "• {} — failed: {}",
                step_name(incident, index),
                failure.text.trim()
            ),
            None => format!("• {} — unconfirmed", step_name(incident, index)),
        })
        .collect();
    if open.is_empty() {
        return None;
    }
    let noun = if open.len() == 1 { "step" } else { "steps" };
    Some(Message::text(
        MessageKind::Reply,
        Some(incident.id.number()),
        format!(
            "{} is resolved, with {} {noun} not done:\n{}\nThey show as open in the post-mortem: /postmortem {}",
            incident.reference(),
            open.len(),
            open.join("\n"),
            incident.reference()
        ),
    ))
}

/// `/incident restored` named a service the incident does not list.
pub(super) fn unknown_service(incident: &str, typed: &str, services: &[String]) -> String {
    let usage = CommandName::Restored.spec().usage;
    match services {
        [] => format!(
            "{incident} lists no services: /incident restored {incident} (without a service) \
             marks it restored — usage: {usage}"
        ),
        services => format!(
            "`{typed}` is not one of {incident}'s services: {} — usage: {usage}",
            services.join(", ")
        ),
    }
}

/// `by bob at 03:14:00 UTC (T+10m)`.
fn restored_when(opened_at_ms: i64, by: &str, at_ms: i64) -> String {
    format!(
        "by {by} at {} (T+{})",
        clock_time(at_ms, opened_at_ms),
        minutes(secs_between(opened_at_ms, at_ms))
    )
}

/// `Database was already marked restored by bob at 03:14:00 UTC (T+10m)`, one line each.
fn already_lines(opened_at_ms: i64, services: &[(String, String, i64)]) -> Vec<String> {
    services
        .iter()
        .map(|(service, by, at_ms)| {
            format!(
                "{service} was already marked restored {}",
                restored_when(opened_at_ms, by, *at_ms)
            )
        })
        .collect()
}

/// The answer to `/incident restored` naming services of which some were back already: those,
/// with when and by whom (the channel is told about the others).
pub fn some_already_restored(
    incident: &Incident,
    services: &[(String, String, i64)],
) -> Option<Message> {
    (!services.is_empty()).then(|| {
        Message::text(
            MessageKind::Reply,
            Some(incident.id.number()),
            already_lines(incident.opened_at_ms, services).join("\n"),
        )
    })
}

/// `/incident restored` for services already back: when and by whom.
pub(super) fn already_restored(
    incident: &str,
    opened_at_ms: i64,
    services: &[(String, String, i64)],
    whole: &Option<(String, i64)>,
) -> String {
    let when = |by: &str, at_ms: i64| restored_when(opened_at_ms, by, at_ms);
    let mut lines = already_lines(opened_at_ms, services);
    if let Some((by, at_ms)) = whole {
        lines.push(format!(
            "{incident} was already marked restored {}",
            when(by, *at_ms)
        ));
    }
    lines.push(format!(
        "Nothing changed. Resolve it with /incident resolve {incident} [root cause]"
    ));
    lines.join("\n")
}
