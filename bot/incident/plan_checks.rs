//! What a runbook promises that its incidents cannot keep, found before any incident opens: a
//! scenario whose recovery steps, one after another, take longer than its tightest RTO, and
//! recovery steps the bot cannot time because they have no budget. Parallel tracks count once,
//! by their longest; the phases after recovery (Post-Recovery, …) count for neither.

use commands::duration::DurationRange;

use crate::runbook::{Marker, Phase, Runbook, Scenario, Step};

use super::plan::tightest_rto;
use super::restoration::is_after_recovery;

/// One thing `check-runbook` warns about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanFinding {
    /// The recovery steps' budgets, added up, exceed the tightest RTO of the scenario's services.
    OverRto {
        scenario: u32,
        line: usize,
        /// The sum of the budgets: at their quickest, at their slowest.
        total: DurationRange,
        rto_secs: u64,
        /// The services with that RTO.
        services: Vec<String>,
    },
    /// A recovery step with no budget: no nudge, and the sum above leaves it out.
    Untimed {
        scenario: u32,
        /// 1-based, in checklist order as `check-runbook` numbers it.
        step: usize,
        title: String,
        marker: Option<Marker>,
        line: usize,
    },
}

/// Every finding for every scenario, in runbook order.
pub fn plan_checks(runbook: &Runbook) -> Vec<PlanFinding> {
    runbook
        .scenarios
        .iter()
        .flat_map(|scenario| scenario_checks(runbook, scenario))
        .collect()
}

fn scenario_checks(runbook: &Runbook, scenario: &Scenario) -> Vec<PlanFinding> {
    let mut findings = Vec::new();
    let mut total = DurationRange {
        min_secs: 0,
        max_secs: 0,
    };
    let mut number = 0;
    for phase in &scenario.phases {
        let recovery = !is_after_recovery(&phase.name);
        for (index, step) in phase.steps.iter().enumerate() {
            number += 1;
            if !recovery {
                continue;
            }
            if step.budget_secs.is_none() {
                findings.push(PlanFinding::Untimed {
                    scenario: scenario.number,
                    step: number,
                    title: step.title.clone(),
                    marker: step.marker,
                    line: step.line,
                });
            }
            if let Some(budget) = sequential_budget(phase, index) {
                total.min_secs += budget.min_secs;
                total.max_secs += budget.max_secs;
            }
        }
    }
    if let Some((rto_secs, services)) = tightest_rto(runbook, scenario) {
        if total.max_secs > rto_secs {
            findings.insert(
                0,
                PlanFinding::OverRto {
                    scenario: scenario.number,
                    line: scenario.line,
                    total,
                    rto_secs,
                    services,
                },
            );
        }
    }
    findings
}

/// What step `index` adds to the time one after another: its budget; for the first track of a
/// group running in parallel, the longest of the group; nothing for the group's other tracks.
fn sequential_budget(phase: &Phase, index: usize) -> Option<DurationRange> {
    let Some(group) = phase
        .tracks
        .iter()
        .find(|tracks| (tracks.first..=tracks.last).contains(&index))
    else {
        return phase.steps[index].budget_secs;
    };
    if index != group.first {
        return None;
    }
    let budgets = || {
        phase.steps[group.first..=group.last]
            .iter()
            .filter_map(|step: &Step| step.budget_secs)
    };
    Some(DurationRange {
        min_secs: budgets().map(|b| b.min_secs).max()?,
        max_secs: budgets().map(|b| b.max_secs).max()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::parse;

    const TABLE: &str = "## RTO/RPO\n| Service | RTO | RPO |\n|---|---|---|\n| Database | 30 minutes | 5 minutes |\n| API Gateway | 1 hour | 15 minutes |\n";

    fn findings(scenario: &str) -> Vec<PlanFinding> {
        plan_checks(&parse(&format!("{TABLE}\n{scenario}")))
    }

    fn over(findings: &[PlanFinding]) -> Option<(u64, u64, u64, Vec<String>)> {
        findings.iter().find_map(|finding| match finding {
            PlanFinding::OverRto {
                total,
                rto_secs,
                services,
                ..
            } => Some((total.min_secs, total.max_secs, *rto_secs, services.clone())),
            PlanFinding::Untimed { .. } => None,
        })
    }

    #[test]
    fn sequential_budgets_over_the_rto_give_both_numbers() {
        let found = findings(
            "## Scenario 1: Database Loss\n**Severity:** critical\n1. **One** (10-15 minutes)\n2. **Two** (15-20 minutes)\n\n#### Post-Recovery\n1. **Write it up** (2 hours)\n",
        );
        assert_eq!(
            over(&found),
            Some((1500, 2100, 1800, vec!["Database".to_string()])),
            "25–35 minutes against 30: post-recovery steps are not counted"
        );
    }

    #[test]
    fn budgets_within_the_rto_and_scenarios_without_one_are_fine() {
        let within = findings(
            "## Scenario 1: Database Loss\n**Severity:** critical\n1. **One** (10 minutes)\n2. **Two** (20 minutes)\n",
        );
        assert_eq!(within, vec![]);
        let no_rto = findings(
            "## Scenario 1: Badge Readers Down\n**Severity:** low\n1. **One** (3 hours)\n",
        );
        assert_eq!(no_rto, vec![], "no service of the table: no RTO to miss");
    }

    #[test]
    fn tracks_count_once_by_their_longest() {
        let found = findings(
            "## Scenario 1: Database Loss\n**Services:** API Gateway\n1. **Start** (10 minutes)\n\n#### Recovery (in parallel)\n1. **A** (20-40 minutes)\n2. **B** (30-35 minutes)\n3. **C** (5 minutes)\n",
        );
        assert_eq!(
            over(&found),
            None,
            "10 + max(20–40, 30–35, 5) = 40–50 minutes is within API Gateway's hour"
        );
        let found = findings(
            "## Scenario 1: Database Loss\n1. **Start** (10 minutes)\n\n#### Recovery (in parallel)\n1. **A** (20-40 minutes)\n2. **B** (30-35 minutes)\n",
        );
        assert_eq!(
            over(&found),
            Some((2400, 3000, 1800, vec!["Database".to_string()]))
        );
    }

    #[test]
    fn recovery_steps_without_a_budget_are_named() {
        let found = findings(
            "## Scenario 1: Database Loss\n1. **Contain** (Immediate)\n2. **Restore** (Priority 1)\n3. **Deploy** (Priority 2)\n4. **Watch** (Ongoing)\n5. **Timed** (5 minutes)\n\n#### Post-Recovery\n- Document timeline\n",
        );
        let untimed: Vec<(usize, &str, Option<Marker>)> = found
            .iter()
            .filter_map(|finding| match finding {
                PlanFinding::Untimed {
                    step,
                    title,
                    marker,
                    ..
                } => Some((*step, title.as_str(), *marker)),
                PlanFinding::OverRto { .. } => None,
            })
            .collect();
        assert_eq!(
            untimed,
            vec![
                (1, "Contain", Some(Marker::Immediate)),
                (2, "Restore", Some(Marker::Priority(1))),
                (3, "Deploy", Some(Marker::Priority(2))),
                (4, "Watch", Some(Marker::Ongoing)),
            ]
        );
    }
}
