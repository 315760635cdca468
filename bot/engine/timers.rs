//! When the engine's timers fire, as pure arithmetic on milliseconds. The store keeps the due
//! times; these functions decide them.
//!
//! Updates are aligned to the opening time: T+15, T+30, … After downtime the next slot strictly
//! after now is chosen, so a restarted bot posts one catch-up update and then keeps the original
//! cadence. RTO warnings come at 50%, 80% and 100% of the target; after downtime only the highest
//! threshold crossed is announced.
//!
//! A step is nudged once, when it runs out of its budget (the top of its range) counted from its
//! own start. While tracks run in parallel each is nudged on its own; the incident keeps one
//! nudge timer, due at the earliest nudge still to come, and re-armed after each.

use crate::incident::{Incident, StepState};

pub const RTO_THRESHOLDS: [u8; 3] = [50, 80, 100];

/// The first update slot (opened + k·interval, k ≥ 1) strictly after `now_ms`.
pub fn next_update_ms(opened_ms: i64, interval_secs: u64, now_ms: i64) -> i64 {
    let interval = i64::try_from(interval_secs.max(1))
        .unwrap_or(i64::MAX / 4)
        .saturating_mul(1000);
    let elapsed = now_ms.saturating_sub(opened_ms).max(0);
    opened_ms.saturating_add((elapsed / interval + 1).saturating_mul(interval))
}

/// When a threshold of the RTO is reached.
pub fn rto_threshold_ms(opened_ms: i64, rto_secs: u64, percent: u8) -> i64 {
    let rto_ms = i64::try_from(rto_secs)
        .unwrap_or(i64::MAX / 4000)
        .saturating_mul(1000);
    opened_ms.saturating_add(rto_ms.saturating_mul(i64::from(percent)) / 100)
}

/// The highest threshold reached by `now_ms` and not yet announced.
pub fn rto_threshold_reached(
    opened_ms: i64,
    rto_secs: u64,
    already: u8,
    now_ms: i64,
) -> Option<u8> {
    RTO_THRESHOLDS.iter().rev().copied().find(|&percent| {
        percent > already && rto_threshold_ms(opened_ms, rto_secs, percent) <= now_ms
    })
}

/// The next threshold after `already`, for the timer.
pub fn next_rto_threshold(already: u8) -> Option<u8> {
    RTO_THRESHOLDS
        .iter()
        .copied()
        .find(|&percent| percent > already)
}

/// When a step runs out of its budget, unless it has no budget or was nudged already.
fn nudge_due_ms(step: &StepState) -> Option<i64> {
    if step.nudged {
        return None;
    }
    let budget_ms = i64::try_from(step.budget?.max_secs)
        .ok()?
        .checked_mul(1000)?;
    Some(step.started_at_ms?.saturating_add(budget_ms))
}

/// The nudge timer's due time: the earliest nudge still to come among the current steps.
pub fn next_nudge_ms(incident: &Incident) -> Option<i64> {
    incident
        .current_steps()
        .into_iter()
        .filter_map(|index| nudge_due_ms(&incident.steps[index]))
        .min()
}

/// The current steps whose nudge is due by `now_ms`, by priority.
pub fn due_nudges(incident: &Incident, now_ms: i64) -> Vec<usize> {
    incident
        .current_steps()
        .into_iter()
        .filter(|&index| nudge_due_ms(&incident.steps[index]).is_some_and(|due| due <= now_ms))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn updates_stay_aligned_to_the_opening_time() {
        assert_eq!(next_update_ms(0, 900, 0), 15 * MIN);
        assert_eq!(next_update_ms(0, 900, 15 * MIN), 30 * MIN);
        assert_eq!(next_update_ms(0, 900, 15 * MIN - 1), 15 * MIN);
        // Down from T+10 to T+60: one catch-up now, then T+75.
        assert_eq!(next_update_ms(0, 900, 60 * MIN), 75 * MIN);
    }

    #[test]
    fn rto_thresholds_announce_only_the_highest_reached() {
        let rto = 30 * 60;
        assert_eq!(rto_threshold_ms(0, rto, 50), 15 * MIN);
        assert_eq!(rto_threshold_reached(0, rto, 0, 14 * MIN), None);
        assert_eq!(rto_threshold_reached(0, rto, 0, 15 * MIN), Some(50));
        assert_eq!(rto_threshold_reached(0, rto, 0, 25 * MIN), Some(80));
        assert_eq!(rto_threshold_reached(0, rto, 80, 25 * MIN), None);
        assert_eq!(next_rto_threshold(50), Some(80));
        assert_eq!(next_rto_threshold(100), None);
    }
}
