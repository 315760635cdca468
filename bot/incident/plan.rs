//! What an incident starts with, from the runbook: its checklist, affected services and the
//! recovery targets.
//!
//! Affected services: the services given with `--services` when someone typed them; else the
//! scenario's `**Services:**` annotation; else every service in the RTO/RPO table whose name
//! shares a word with the scenario title (`Complete Database Loss` → `Database`, abbreviations
//! such as `db` counted). Every service of the table is affected when the annotation says `all`
//! (`**Services:** all`), or when the title says the whole infrastructure is gone: it has the
//! word `infrastructure` (or `infra`), one of `complete`, `total` or `full`, and a word for
//! failure such as `loss` or `outage` (`Complete Infrastructure Loss`, `Total infra outage`).
//!
//! Each affected service keeps its own RTO and RPO from the table (none for a service the table
//! does not list), so that each is measured against its own; the incident's targets are the
//! tightest RTO and RPO among them.

use commands::Severity;

use crate::runbook::{Marker, Runbook, Scenario};

use super::event::Opening;
use super::model::{ChannelKey, ScenarioRef, StepState};
use super::restoration::ServiceObjective;
use super::tracks::Track;

/// What someone asked to open: where, how severe, and what they typed besides the scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    pub channel: ChannelKey,
    pub severity: Severity,
    pub description: Option<String>,
    /// The services typed with `--services`; empty for the scenario's own.
    pub services: &'a [String],
    pub drill: bool,
}

/// An incident's opening as planned from the runbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub opening: Opening,
    /// Services named that the RTO/RPO table does not list, so not measured.
    pub unknown_services: Vec<String>,
}

/// Everything an incident of `scenario` opens with: its checklist, services and targets.
pub fn opening(runbook: &Runbook, scenario: &Scenario, request: Request<'_>) -> Planned {
    let targets = targets(runbook, scenario, request.services);
    Planned {
        opening: Opening {
            channel: request.channel,
            drill: request.drill,
            severity: request.severity,
            scenario: ScenarioRef {
                number: scenario.number,
                slug: scenario.slug.clone(),
                title: scenario.title.clone(),
            },
            description: request.description,
            services: targets.services,
            rto_secs: targets.rto_secs,
            rpo_secs: targets.rpo_secs,
            steps: checklist(scenario),
            objectives: targets.objectives,
        },
        unknown_services: targets.unknown_services,
    }
}

/// The steps of a scenario as an incident checklist, in runbook order, with their tracks.
fn checklist(scenario: &Scenario) -> Vec<StepState> {
    let mut steps: Vec<StepState> = scenario
        .phases
        .iter()
        .flat_map(|phase| {
            phase.steps.iter().map(|step| StepState {
                phase: phase.name.clone(),
                title: step.title.clone(),
                budget: step.budget_secs,
                marker: step.marker.map(|marker| marker.to_string()),
                role: step.role.clone(),
                options: step
                    .options
                    .iter()
                    .map(|option| (option.key.clone(), option.title.clone()))
                    .collect(),
                chosen: None,
                started_at_ms: None,
                confirmation: None,
                failure: None,
                nudged: false,
                track: None,
            })
        })
        .collect();
    let markers: Vec<Option<Marker>> = scenario.steps().map(|step| step.marker).collect();
    for (group, tracks) in scenario.track_groups() {
        for index in group..group + tracks.step_count() {
            let priority = match markers[index] {
                Some(Marker::Priority(rank)) => Some(rank),
                _ => None,
            };
            steps[index].track = Some(Track { group, priority });
        }
    }
    steps
}

/// The tightest RTO an incident of `scenario` opened without `--services` is measured against,
/// with the services that have it (`30m`, `Database`).
pub fn tightest_rto(runbook: &Runbook, scenario: &Scenario) -> Option<(u64, Vec<String>)> {
    let targets = targets(runbook, scenario, &[]);
    let rto = targets.rto_secs?;
    let services = targets
        .objectives
        .into_iter()
        .filter(|objective| objective.rto_secs == Some(rto))
        .map(|objective| objective.service)
        .collect();
    Some((rto, services))
}

/// Services and the recovery targets an incident is measured against.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Targets {
    services: Vec<String>,
    rto_secs: Option<u64>,
    rpo_secs: Option<u64>,
    /// Each service with its own objectives.
    objectives: Vec<ServiceObjective>,
    /// Services named that the RTO/RPO table does not list.
    unknown_services: Vec<String>,
}

fn targets(runbook: &Runbook, scenario: &Scenario, typed_services: &[String]) -> Targets {
    let services: Vec<String> = if !typed_services.is_empty() {
        typed_services.to_vec()
    } else if affects_everything(scenario) {
        runbook
            .objectives
            .iter()
            .map(|objective| objective.service.clone())
            .collect()
    } else if !scenario.services.is_empty() {
        scenario.services.clone()
    } else {
        inferred_services(runbook, scenario)
    };
    let mut targets = Targets {
        services: Vec::new(),
        rto_secs: None,
        rpo_secs: None,
        objectives: Vec::new(),
        unknown_services: Vec::new(),
    };
    for service in services {
        let objective = match runbook.objective(&service) {
            Some(objective) => {
                targets.rto_secs = tightest(targets.rto_secs, objective.rto_secs);
                targets.rpo_secs = tightest(targets.rpo_secs, objective.rpo_secs);
                ServiceObjective {
                    service: objective.service.clone(),
                    rto_secs: objective.rto_secs,
                    rpo_secs: objective.rpo_secs,
                    restored: None,
                    rto_warned_percent: 0,
                }
            }
            None => {
                targets.unknown_services.push(service.clone());
                ServiceObjective {
                    service,
                    rto_secs: None,
                    rpo_secs: None,
                    restored: None,
                    rto_warned_percent: 0,
                }
            }
        };
        if !targets.services.contains(&objective.service) {
            targets.services.push(objective.service.clone());
            targets.objectives.push(objective);
        }
    }
    targets
}

/// Whether a scenario affects every service of the table: `**Services:** all`, or a title such
/// as `Complete Infrastructure Loss`.
fn affects_everything(scenario: &Scenario) -> bool {
    if let [only] = scenario.services.as_slice() {
        if ["all", "all services", "everything"].contains(&only.trim().to_lowercase().as_str()) {
            return true;
        }
    }
    let words = crate::runbook::title_words(&scenario.title);
    let has = |candidates: &[&str]| words.iter().any(|word| candidates.contains(&word.as_str()));
    has(&["infrastructure"])
        && has(&["complete", "total", "full"])
        && has(&[
            "loss",
            "lost",
            "outage",
            "down",
            "failure",
            "destroyed",
            "gone",
        ])
}

fn tightest(current: Option<u64>, candidate: Option<u64>) -> Option<u64> {
    match (current, candidate) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn inferred_services(runbook: &Runbook, scenario: &Scenario) -> Vec<String> {
    let title_words = crate::runbook::title_words(&scenario.title);
    runbook
        .objectives
        .iter()
        .filter(|objective| {
            crate::runbook::title_words(&objective.service)
                .iter()
                .any(|word| word.len() >= 3 && title_words.contains(word))
        })
        .map(|objective| objective.service.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook;

    const RUNBOOK: &str = "## RTO\n| Service | RTO | RPO |\n|---|---|---|\n\
        | Database | 30 minutes | 5 minutes |\n| API Gateway | 1 hour | 15 minutes |\n\
        ## Scenario 1: Complete DB Loss\n**Severity:** critical\n1. Restore (5 min)\n\
        ## Scenario 2: Gateway down\n**Severity:** high\n**Services:** API Gateway, Database\n1. Fail over\n\
        ## Scenario 3: Office fire\n**Severity:** low\n1. Leave\n";

    #[test]
    fn services_from_typed_names_annotation_or_title() {
        let runbook = runbook::parse(RUNBOOK);
        let inferred = targets(&runbook, &runbook.scenarios[0], &[]);
        assert_eq!(inferred.services, vec!["Database"]);
        assert_eq!(
            (inferred.rto_secs, inferred.rpo_secs),
            (Some(1_800), Some(300))
        );
        let annotated = targets(&runbook, &runbook.scenarios[1], &[]);
        assert_eq!(annotated.services, vec!["API Gateway", "Database"]);
        assert_eq!(
            (annotated.rto_secs, annotated.rpo_secs),
            (Some(1_800), Some(300))
        );
        let none = targets(&runbook, &runbook.scenarios[2], &[]);
        assert!(none.services.is_empty());
        assert_eq!(none.rto_secs, None);
        let typed = targets(
            &runbook,
            &runbook.scenarios[2],
            &["api gateway".into(), "badge readers".into()],
        );
        assert_eq!(typed.services, vec!["API Gateway", "badge readers"]);
        assert_eq!(typed.unknown_services, vec!["badge readers"]);
        assert_eq!(typed.rto_secs, Some(3_600));
        assert_eq!(
            typed
                .objectives
                .iter()
                .map(|o| (o.service.as_str(), o.rto_secs, o.rpo_secs))
                .collect::<Vec<_>>(),
            vec![
                ("API Gateway", Some(3_600), Some(900)),
                ("badge readers", None, None)
            ]
        );
    }

    #[test]
    fn a_complete_infrastructure_loss_or_services_all_affects_every_service() {
        let runbook = runbook::parse(&format!(
            "{RUNBOOK}## Scenario 4: Complete Infrastructure Loss\n**Severity:** critical\n\
             1. Rebuild\n## Scenario 5: Region gone\n**Severity:** critical\n\
             **Services:** all\n1. Fail over\n## Scenario 6: Infrastructure drift\n\
             **Severity:** low\n1. Look\n"
        ));
        for index in [3, 4] {
            let every = targets(&runbook, &runbook.scenarios[index], &[]);
            assert_eq!(every.services, vec!["Database", "API Gateway"], "{index}");
            assert_eq!(every.objectives[1].rto_secs, Some(3_600));
            assert!(every.unknown_services.is_empty());
        }
        assert!(targets(&runbook, &runbook.scenarios[5], &[])
            .services
            .is_empty());
    }
}
