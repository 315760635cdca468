//! The user's real runbook, read exactly as it is: every scenario, step, budget, command, option,
//! objective, template, contact and follow-up.

use commands::duration::DurationRange;
use commands::Severity;
use incident_bot::runbook::{Marker, Runbook, Scenario, Tracks};

use crate::fixtures::{bundled_runbook, path, shared_runbook, shared_runbook_text, shared_text};

fn budget(min_minutes: u64, max_minutes: u64) -> Option<DurationRange> {
    Some(DurationRange {
        min_secs: min_minutes * 60,
        max_secs: max_minutes * 60,
    })
}

/// (phase, step title, budget, marker, number of command blocks) for every step of a scenario.
type StepRow = (
    &'static str,
    &'static str,
    Option<DurationRange>,
    Option<Marker>,
    usize,
);

/// A [`StepRow`] read from a parsed scenario.
type ParsedStepRow = (String, String, Option<DurationRange>, Option<Marker>, usize);

fn steps_of(scenario: &Scenario) -> Vec<ParsedStepRow> {
    scenario
        .phases
        .iter()
        .flat_map(|phase| {
            phase.steps.iter().map(|step| {
                (
                    phase.name.clone(),
                    step.title.clone(),
                    step.budget_secs,
                    step.marker,
                    step.commands.len(),
                )
            })
        })
        .collect()
}

fn assert_steps(scenario: &Scenario, expected: &[StepRow]) {
    let expected: Vec<_> = expected
        .iter()
        .map(|(phase, title, budget, marker, commands)| {
            (
                phase.to_string(),
                title.to_string(),
                *budget,
                *marker,
                *commands,
            )
        })
        .collect();
    assert_eq!(steps_of(scenario), expected, "steps of {}", scenario.title);
}

#[test]
fn the_fixture_is_the_users_runbook_unchanged() {
    assert_eq!(
        shared_text("runbooks/disaster-recovery-runbook.md"),
        shared_runbook_text(),
        "update the fixture copy"
    );
    assert!(path("runbooks/shared-disaster-recovery-runbook.md").exists());
}

#[test]
fn five_scenarios_with_their_severities_and_no_diagnostics() {
    let runbook = shared_runbook();
    let scenarios: Vec<_> = runbook
        .scenarios
        .iter()
        .map(|s| (s.number, s.title.as_str(), s.slug.as_str(), s.severity))
        .collect();
    assert_eq!(
        scenarios,
        vec![
            (
                1,
                "Complete Database Loss",
                "complete-database-loss",
                Some(Severity::Critical)
            ),
            (
                2,
                "Application Server Failure",
                "application-server-failure",
                Some(Severity::High)
            ),
            (
                3,
                "Data Corruption",
                "data-corruption",
                Some(Severity::High)
            ),
            (
                4,
                "Security Breach",
                "security-breach",
                Some(Severity::Critical)
            ),
            (
                5,
                "Complete Infrastructure Loss",
                "complete-infrastructure-loss",
                Some(Severity::Critical)
            ),
        ]
    );
    assert_eq!(
        runbook.diagnostics,
        vec![],
        "the user's runbook reads cleanly"
    );
    assert_eq!(runbook.title.as_deref(), Some("Disaster Recovery Runbook"));
}

#[test]
fn scenario_1_complete_database_loss() {
    let runbook = shared_runbook();
    let scenario = &runbook.scenarios[0];
    assert_eq!(
        scenario.symptoms,
        vec![
            "Database connection errors across all services",
            "500 errors on all client sites",
            "Unable to read/write data",
        ]
    );
    assert_steps(
        scenario,
        &[
            (
                "Immediate Actions",
                "Confirm the issue",
                budget(5, 5),
                None,
                1,
            ),
            (
                "Immediate Actions",
                "Activate incident response",
                budget(2, 2),
                None,
                0,
            ),
            (
                "Immediate Actions",
                "Assess backup availability",
                budget(3, 3),
                None,
                1,
            ),
            (
                "Recovery Steps",
                "Provision new database instance",
                budget(10, 15),
                None,
                0,
            ),
            (
                "Recovery Steps",
                "Restore from most recent backup",
                budget(15, 30),
                None,
                1,
            ),
            (
                "Recovery Steps",
                "Verify restoration",
                budget(5, 10),
                None,
                1,
            ),
            ("Recovery Steps", "Resume operations", budget(5, 5), None, 0),
            (
                "Post-Recovery",
                "Document timeline and actions taken",
                None,
                None,
                0,
            ),
            ("Post-Recovery", "Review backup procedures", None, None, 0),
            (
                "Post-Recovery",
                "Schedule post-mortem meeting",
                None,
                None,
                0,
            ),
            ("Post-Recovery", "Update RTO/RPO if needed", None, None, 0),
        ],
    );
    let confirm = &scenario.phases[0].steps[0];
    assert_eq!(confirm.commands[0].lang.as_deref(), Some("bash"));
    assert_eq!(
        confirm.commands[0].code,
        "# Check database connectivity\npsql $DATABASE_URL -c \"SELECT 1;\"\n\n\
         # Check database server status\n./scripts/database/health-check.sh\n"
    );
    assert_eq!(
        scenario.phases[0].steps[1].details,
        vec![
            "Notify Platform Lead and DevOps team",
            "Start incident log",
            "Update status page"
        ]
    );
    let restore = &scenario.phases[1].steps[1];
    assert!(restore.commands[0]
        .code
        .contains("./scripts/database/restore.sh \"$LATEST_BACKUP\""));
    assert_eq!(
        scenario.phases[1].steps[3].details,
        vec![
            "Update application connection strings",
            "Restart services",
            "Monitor for errors",
            "Update status page"
        ]
    );
}

#[test]
fn scenario_2_application_server_failure() {
    let runbook = shared_runbook();
    assert_steps(
        &runbook.scenarios[1],
        &[
            ("Immediate Actions", "Verify scope", budget(2, 2), None, 1),
            (
                "Immediate Actions",
                "Activate failover",
                budget(5, 5),
                None,
                1,
            ),
            (
                "Immediate Actions",
                "Monitor recovery",
                None,
                Some(Marker::Ongoing),
                0,
            ),
        ],
    );
    let failover = &runbook.scenarios[1].phases[0].steps[1];
    assert!(failover.commands[0]
        .code
        .contains("./scripts/deploy/failover.sh"));
    assert!(failover.commands[0]
        .code
        .contains("./scripts/dns/update-primary.sh backup-server"));
}

#[test]
fn scenario_3_data_corruption_offers_a_choice_of_three_options() {
    let runbook = shared_runbook();
    let scenario = &runbook.scenarios[2];
    assert_steps(
        scenario,
        &[
            (
                "Immediate Actions",
                "Isolate affected data",
                budget(5, 5),
                None,
                0,
            ),
            (
                "Immediate Actions",
                "Assess data loss",
                budget(10, 10),
                None,
                1,
            ),
            ("Immediate Actions", "Recovery options", None, None, 0),
        ],
    );
    let choice = &scenario.phases[0].steps[2];
    assert!(choice.is_choice());
    let options: Vec<_> = choice
        .options
        .iter()
        .map(|o| {
            (
                o.key.as_str(),
                o.title.as_str(),
                o.commands.len(),
                o.details.len(),
            )
        })
        .collect();
    assert_eq!(
        options,
        vec![
            ("A", "Point-in-time recovery", 1, 0),
            ("B", "Selective restoration", 1, 0),
            ("C", "Manual correction", 0, 3),
        ]
    );
    assert!(choice.options[0].commands[0]
        .code
        .contains("./scripts/database/restore-pitr.sh \"2024-01-15 14:30:00\""));
    assert_eq!(
        choice.options[2].details,
        vec![
            "If corruption is minor, correct manually",
            "Document all changes",
            "Verify integrity after each change"
        ]
    );
}

#[test]
fn scenario_4_security_breach() {
    let runbook = shared_runbook();
    let scenario = &runbook.scenarios[3];
    assert!(scenario.symptoms.is_empty());
    assert_steps(
        scenario,
        &[
            (
                "Immediate Actions",
                "Contain the breach",
                None,
                Some(Marker::Immediate),
                0,
            ),
            (
                "Immediate Actions",
                "Assess impact",
                budget(15, 15),
                None,
                1,
            ),
            (
                "Immediate Actions",
                "Notify stakeholders",
                budget(5, 5),
                None,
                0,
            ),
            (
                "Immediate Actions",
                "Begin forensics",
                None,
                Some(Marker::Ongoing),
                0,
            ),
        ],
    );
    assert_eq!(
        scenario.phases[0].steps[2].details,
        vec![
            "Security team",
            "Legal team",
            "Affected clients (if required)"
        ]
    );
}

#[test]
fn scenario_5_keeps_its_priority_tracks_in_order() {
    let runbook = shared_runbook();
    assert_steps(
        &runbook.scenarios[4],
        &[
            (
                "Immediate Actions",
                "Activate full DR plan",
                None,
                Some(Marker::Immediate),
                0,
            ),
            (
                "Immediate Actions",
                "Database recovery",
                None,
                Some(Marker::Priority(1)),
                0,
            ),
            (
                "Immediate Actions",
                "Application deployment",
                None,
                Some(Marker::Priority(2)),
                1,
            ),
            (
                "Immediate Actions",
                "DNS and networking",
                None,
                Some(Marker::Priority(3)),
                0,
            ),
            (
                "Immediate Actions",
                "Verification",
                None,
                Some(Marker::Priority(4)),
                0,
            ),
        ],
    );
}

#[test]
fn scenario_5_runs_steps_2_to_5_as_parallel_tracks_and_no_other_scenario_has_any() {
    let runbook = shared_runbook();
    let tracks: Vec<Vec<Tracks>> = runbook
        .scenarios
        .iter()
        .map(|scenario| {
            scenario
                .phases
                .iter()
                .flat_map(|phase| phase.tracks.clone())
                .collect()
        })
        .collect();
    let priority_markers = Tracks {
        first: 1,
        last: 4,
        said: None,
    };
    assert_eq!(
        tracks,
        vec![vec![], vec![], vec![], vec![], vec![priority_markers]],
        "step 1 (Immediate) runs first; steps 2–5 (Priority 1–4) run in parallel"
    );
    let groups: Vec<(usize, usize)> = runbook.scenarios[4]
        .track_groups()
        .map(|(first, tracks)| (first, tracks.step_count()))
        .collect();
    assert_eq!(groups, vec![(1, 4)], "0-based checklist index, 4 tracks");
}

#[test]
fn objectives_table() {
    let runbook = shared_runbook();
    let rows: Vec<_> = runbook
        .objectives
        .iter()
        .map(|o| {
            (
                o.service.as_str(),
                o.rto_secs,
                o.rpo_secs,
                o.priority.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Production Sites", Some(3_600), Some(900), Some("Critical")),
            ("Database", Some(1_800), Some(300), Some("Critical")),
            ("API Gateway", Some(3_600), Some(900), Some("High")),
            ("Analytics", Some(14_400), Some(3_600), Some("Medium")),
            ("Development", Some(28_800), Some(86_400), Some("Low")),
        ]
    );
    assert_eq!(
        runbook.objective("database").map(|o| o.rto_secs),
        Some(Some(1_800))
    );
}

#[test]
fn templates_and_their_placeholders() {
    let runbook = shared_runbook();
    let incident = runbook.template("INCIDENT").expect("INCIDENT template");
    assert_eq!(incident.heading, "Initial Incident Notification");
    assert_eq!(
        incident.placeholders,
        vec![
            "SEVERITY",
            "SHORT DESCRIPTION",
            "TIMESTAMP",
            "AFFECTED SERVICES",
            "LINK"
        ]
    );
    assert!(incident
        .body
        .starts_with("INCIDENT: [SEVERITY] [SHORT DESCRIPTION]\nTime: [TIMESTAMP]"));
    let resolved = runbook.template("RESOLVED").expect("RESOLVED template");
    assert_eq!(
        resolved.placeholders,
        vec![
            "SHORT DESCRIPTION",
            "TIMESTAMP",
            "DURATION",
            "BRIEF DESCRIPTION",
            "POST-MORTEM LINK"
        ]
    );
    assert_eq!(runbook.templates.len(), 2);
}

#[test]
fn contacts_and_follow_ups() {
    let runbook = shared_runbook();
    let contacts: Vec<_> = runbook
        .contacts
        .iter()
        .map(|c| {
            (
                c.role.as_str(),
                c.contact.as_str(),
                c.availability.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        contacts,
        vec![
            ("Platform Lead", "platform-lead@example.com", Some("24/7")),
            ("DevOps Team", "devops@example.com", Some("Business Hours")),
            ("Database Admin", "dba@example.com", Some("On-call")),
            ("Security Team", "security@example.com", Some("24/7")),
        ]
    );
    let follow_ups: Vec<_> = runbook
        .follow_ups
        .iter()
        .map(|f| (f.deadline.as_str(), f.due_after_secs, f.items.len()))
        .collect();
    assert_eq!(
        follow_ups,
        vec![
            ("Within 24 Hours", Some(86_400), 4),
            ("Within 1 Week", Some(604_800), 5),
            ("Within 1 Month", Some(2_592_000), 4),
        ]
    );
    assert_eq!(
        runbook.follow_ups[0].items[2],
        "Calculate actual vs. target RTO/RPO"
    );
}

#[test]
fn procedures_alerts_and_metadata_are_kept_as_data() {
    let runbook = shared_runbook();
    let find = |title: &str| {
        runbook
            .reference
            .iter()
            .find(|section| section.title == title)
            .unwrap_or_else(|| panic!("no reference section {title}: {:?}", runbook.reference))
    };
    assert!(find("Backup Procedures › Daily Backups").commands[0]
        .code
        .contains("backup.sh --compress --verify"));
    assert_eq!(
        find("Testing Procedures › Monthly DR Drills").items[1],
        "Select random disaster scenario"
    );
    assert!(find("Monitoring and Alerting › Critical Alerts")
        .items
        .contains(&"Disk space >90%".to_string()));
    let version = runbook.metadata.iter().find(|m| m.key == "Version");
    assert_eq!(version.map(|m| m.value.as_str()), Some("1.0"));
}

/// The runbook that ships with the bot has the same scenarios, steps, budgets, commands,
/// options, objectives and templates as the user's.
#[test]
fn bundled_runbook_matches_the_users_structure() {
    let (shared, bundled) = (shared_runbook(), bundled_runbook());
    assert_eq!(bundled.diagnostics, vec![]);
    let shape = |runbook: &Runbook| -> Vec<_> {
        runbook
            .scenarios
            .iter()
            .map(|scenario| {
                let steps: Vec<_> = scenario
                    .phases
                    .iter()
                    .flat_map(|phase| {
                        phase
                            .steps
                            .iter()
                            .map(move |step| (phase.name.clone(), step))
                    })
                    .map(|(phase, step)| {
                        (
                            phase,
                            step.budget_secs,
                            step.marker,
                            step.commands.len(),
                            step.options.len(),
                        )
                    })
                    .collect();
                (
                    scenario.number,
                    scenario.title.clone(),
                    scenario.severity,
                    steps,
                )
            })
            .collect()
    };
    assert_eq!(shape(&bundled), shape(&shared));
    assert_eq!(
        bundled
            .objectives
            .iter()
            .map(|o| (&o.service, o.rto_secs, o.rpo_secs))
            .collect::<Vec<_>>(),
        shared
            .objectives
            .iter()
            .map(|o| (&o.service, o.rto_secs, o.rpo_secs))
            .collect::<Vec<_>>()
    );
    for name in ["INCIDENT", "RESOLVED"] {
        assert_eq!(
            bundled.template(name).map(|t| &t.placeholders),
            shared.template(name).map(|t| &t.placeholders)
        );
    }
    assert_eq!(
        bundled.scenarios[0].services,
        vec!["Database", "Production Sites"],
        "the bundled runbook annotates services"
    );
    for scenario in &bundled.scenarios {
        for service in &scenario.services {
            assert!(
                bundled.objective(service).is_some(),
                "{service} is in the objectives table"
            );
        }
    }
}
