//! Matching on the user's runbook (each alert its "Critical Alerts" section lists, and the
//! alerts senders' samples, to the scenario a human would choose, or none with the reason), and
//! on a runbook with `**Alerts:**` matchers.

use super::*;
use crate::alerts::{AlertSource, AlertStatus};
use crate::runbook;

fn users_runbook() -> Runbook {
    runbook::parse(include_str!(
        "../../../tests/fixtures/runbooks/shared-disaster-recovery-runbook.md"
    ))
}

fn alert(name: &str, summary: Option<&str>, labels: &[(&str, &str)]) -> Alert {
    Alert {
        source: AlertSource::Alertmanager,
        name: name.into(),
        status: AlertStatus::Firing,
        fingerprint: "f".into(),
        group: None,
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        summary: summary.map(Into::into),
        description: None,
        link: None,
        starts_at_ms: 0,
        ends_at_ms: None,
    }
}

/// The scenario number matched and the reason, or `None` and the reason.
fn answer(runbook: &Runbook, matched: &Matched) -> (Option<u32>, String) {
    (
        matched.scenario(runbook).map(|scenario| scenario.number),
        matched.reason(runbook),
    )
}

#[test]
fn each_critical_alert_the_runbook_lists_goes_where_a_human_would_send_it() {
    let runbook = users_runbook();
    let listed: Vec<String> = listed_alerts(&runbook)
        .into_iter()
        .map(|(item, _)| item)
        .collect();
    assert_eq!(
        listed,
        [
            "Database connection failures",
            "Server unavailability (>5 minutes)",
            "Disk space >90%",
            "CPU >90% sustained",
            "Error rate >5%"
        ]
    );
    let answers: Vec<(Option<u32>, String)> = listed
        .iter()
        .map(|item| answer(&runbook, &match_listed(item, &runbook)))
        .collect();
    let expected = [
        (
            Some(1),
            "matched on the symptom “Database connection errors across all services”",
        ),
        (Some(2), "matched on the symptom “Server unreachable”"),
        (
            None,
            "no scenario's title, symptoms or services mention “disk” or “space”",
        ),
        (
            None,
            "no scenario's title, symptoms or services mention “cpu”",
        ),
        (
            None,
            "too vague: “error” could be scenario 1 (Complete Database Loss) or 2 (Application \
             Server Failure) or 3 (Data Corruption)",
        ),
    ];
    for ((item, got), (number, reason)) in listed.iter().zip(&answers).zip(expected) {
        assert_eq!(got, &(number, reason.to_string()), "{item}");
    }
}

#[test]
fn the_senders_samples_find_the_scenario_that_lists_their_symptom() {
    let runbook = users_runbook();
    let database = alert(
        "DatabaseConnectionFailures",
        Some("Database connection errors across all services"),
        &[("severity", "critical")],
    );
    assert_eq!(
        answer(&runbook, &match_alert(&database, &runbook)),
        (
            Some(1),
            "matched on the symptom “Database connection errors across all services”".into()
        )
    );
    let errors = alert(
        "HighErrorRate",
        Some("500 errors on all client sites"),
        &[("severity", "warning")],
    );
    assert_eq!(
        answer(&runbook, &match_alert(&errors, &runbook)),
        (
            Some(1),
            "matched on the symptom “500 errors on all client sites”".into()
        )
    );
    let corrupt = alert("ForeignKeyViolations", None, &[]);
    assert_eq!(
        answer(&runbook, &match_alert(&corrupt, &runbook)).0,
        Some(3)
    );
    let nothing = alert("Watchdog", None, &[]);
    assert_eq!(
        answer(&runbook, &match_alert(&nothing, &runbook)),
        (
            None,
            "no scenario's title, symptoms or services mention “watchdog”".into()
        )
    );
}

#[test]
fn alerts_matchers_come_before_meaning() {
    let runbook = runbook::parse(
        "# Runbook\n\n## Disaster Scenarios\n\n\
         ### Scenario 1: Complete Database Loss\n\n**Severity:** CRITICAL\n\
         **Alerts:** `DatabaseDown`, `alertname=~\"Postgres.*\"`\n\n\
         #### Immediate Actions\n1. **Check** (2 minutes)\n\n\
         ### Scenario 2: Application Server Failure\n\n**Severity:** HIGH\n\
         **Alerts:** service=api\n\n\
         #### Symptoms\n- Database connection errors\n\n\
         #### Immediate Actions\n1. **Check** (2 minutes)\n",
    );
    assert!(
        runbook.diagnostics.iter().all(|d| d.line == 1),
        "{:?}",
        runbook.diagnostics
    );
    let lag = alert("PostgresReplicationLag", None, &[]);
    assert_eq!(
        answer(&runbook, &match_alert(&lag, &runbook)),
        (
            Some(1),
            "matched on its Alerts: matcher `alertname=~\"Postgres.*\"`".into()
        )
    );
    // The label wins over the words, which would have said scenario 2's symptom.
    let api = alert(
        "ApiDatabaseErrors",
        Some("Database connection errors"),
        &[("service", "api")],
    );
    assert_eq!(
        answer(&runbook, &match_alert(&api, &runbook)),
        (
            Some(2),
            "matched on its Alerts: matcher `service=\"api\"`".into()
        )
    );
}

#[test]
fn a_bad_matcher_is_a_diagnostic_on_its_line() {
    let runbook = runbook::parse(
        "# Runbook\n\n## Disaster Scenarios\n\n\
         ### Scenario 1: Complete Database Loss\n\n**Alerts:** alertname=~\"(\"\n\n\
         #### Immediate Actions\n1. **Check** (2 minutes)\n",
    );
    let bad: Vec<_> = runbook
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.message.contains("is not a regular expression"))
        .collect();
    assert_eq!(bad.len(), 1, "{:?}", runbook.diagnostics);
    assert_eq!(bad[0].line, 7);
    assert!(runbook.scenarios[0].alerts.is_empty());
}
