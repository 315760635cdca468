//! Runbooks written the way other teams write them: other heading levels, `Scenario: X`, numbered
//! headings, checkbox steps, steps as headings, plain `Severity: high`, YAML front matter, tables
//! with other column names, and missing sections.

use commands::duration::DurationRange;
use commands::Severity;
use incident_bot::runbook::{self, Level, Marker, Runbook, Tracks};

fn step_titles(runbook: &Runbook, scenario: usize) -> Vec<(String, String)> {
    runbook.scenarios[scenario]
        .phases
        .iter()
        .flat_map(|phase| {
            phase
                .steps
                .iter()
                .map(|step| (phase.name.clone(), step.title.clone()))
        })
        .collect()
}

fn minutes(min: u64, max: u64) -> Option<DurationRange> {
    Some(DurationRange {
        min_secs: min * 60,
        max_secs: max * 60,
    })
}

fn errors(runbook: &Runbook) -> Vec<String> {
    runbook
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .map(|d| format!("{}: {}", d.line, d.message))
        .collect()
}

const FRONT_MATTER_AND_CHECKBOXES: &str = r#"---
title: Payments Runbook
owner: payments-team
---

## Scenario: Payment provider outage
Severity: high

### Detection
* Checkout error rate above 5%

### Response
- [ ] Confirm on the provider status page (~5 min)
- [ ] **Switch to the backup provider** (10 to 15 minutes)
  ```sh
  ./switch-provider backup
  ```
- [x] Tell support

## Scenario: Queue backlog
**Severity**: medium

1. Scale consumers (2 min)
2. Drain the dead-letter queue
"#;

#[test]
fn front_matter_scenario_colon_headings_and_checkbox_steps() {
    let runbook = runbook::parse(FRONT_MATTER_AND_CHECKBOXES);
    assert_eq!(errors(&runbook), Vec::<String>::new());
    assert_eq!(runbook.title.as_deref(), Some("Payments Runbook"));
    assert!(runbook
        .metadata
        .iter()
        .any(|m| m.key == "owner" && m.value == "payments-team"));
    let outage = &runbook.scenarios[0];
    assert_eq!(
        (outage.number, outage.slug.as_str()),
        (1, "payment-provider-outage")
    );
    assert_eq!(outage.severity, Some(Severity::High));
    assert_eq!(outage.symptoms, vec!["Checkout error rate above 5%"]);
    let steps: Vec<_> = outage
        .steps()
        .map(|s| (s.title.as_str(), s.budget_secs, s.commands.len()))
        .collect();
    assert_eq!(
        steps,
        vec![
            ("Confirm on the provider status page", minutes(5, 5), 0),
            ("Switch to the backup provider", minutes(10, 15), 1),
            ("Tell support", None, 0),
        ]
    );
    let backlog = &runbook.scenarios[1];
    assert_eq!(
        (backlog.number, backlog.severity),
        (2, Some(Severity::Medium))
    );
    assert_eq!(
        step_titles(&runbook, 1),
        vec![
            ("Steps".to_string(), "Scale consumers".to_string()),
            (
                "Steps".to_string(),
                "Drain the dead-letter queue".to_string()
            )
        ]
    );
}

const NUMBERED_HEADINGS_AND_HEADING_STEPS: &str = r#"# Ops Playbook

## Failure scenarios

### 1. Region outage
Severity: critical

#### Steps
##### Fail over DNS (5 minutes)
```bash
./dns failover
```
##### Verify traffic (10 min)
Watch the dashboards.

### 2. Bad deploy
**Severity:** sev2

#### Rollback options
**Option A: Revert the commit**
```
git revert HEAD
```
**Option B: Redeploy the previous image**
- pick the last green build

## 3. Cache stampede
1. **Enable request coalescing** (1-2 hours)
"#;

#[test]
fn numbered_headings_steps_as_headings_and_options_as_paragraphs() {
    let runbook = runbook::parse(NUMBERED_HEADINGS_AND_HEADING_STEPS);
    assert_eq!(errors(&runbook), Vec::<String>::new());
    let heads: Vec<_> = runbook
        .scenarios
        .iter()
        .map(|s| (s.number, s.title.as_str(), s.severity))
        .collect();
    assert_eq!(
        heads,
        vec![
            (1, "Region outage", Some(Severity::Critical)),
            (2, "Bad deploy", Some(Severity::High)),
            (3, "Cache stampede", None),
        ]
    );
    let region: Vec<_> = runbook.scenarios[0]
        .steps()
        .map(|s| {
            (
                s.title.as_str(),
                s.budget_secs,
                s.commands.len(),
                s.details.clone(),
            )
        })
        .collect();
    assert_eq!(
        region,
        vec![
            ("Fail over DNS", minutes(5, 5), 1, vec![]),
            (
                "Verify traffic",
                minutes(10, 10),
                0,
                vec!["Watch the dashboards.".to_string()]
            ),
        ]
    );
    let rollback = runbook.scenarios[1].steps().next().expect("a choice step");
    assert_eq!(rollback.title, "Rollback options");
    let options: Vec<_> = rollback
        .options
        .iter()
        .map(|o| {
            (
                o.key.as_str(),
                o.title.as_str(),
                o.commands.len(),
                o.details.clone(),
            )
        })
        .collect();
    assert_eq!(
        options,
        vec![
            ("A", "Revert the commit", 1, vec![]),
            (
                "B",
                "Redeploy the previous image",
                0,
                vec!["pick the last green build".to_string()]
            ),
        ]
    );
    let stampede = runbook.scenarios[2].steps().next().expect("a step");
    assert_eq!(stampede.budget_secs, minutes(60, 120));
    assert!(runbook.diagnostics.iter().any(
        |d| d.level == Level::Warning && d.message.contains("`Cache stampede` has no severity")
    ));
}

const OTHER_TABLES: &str = r#"# Runbook

## Service objectives
| Priority | System | Recovery Point (RPO) | Recovery Time (RTO) |
|---|---|---|---|
| P1 | Search | 1 day | 45 min |
| P2 | Reports | N/A | < 4 hours |

## Escalation
| Team | Email | Hours |
|---|---|---|
| SRE | sre@example.com | 24/7 |

## Scenario 1: Search down
**Severity:** HIGH
1. **Restart search** (Priority 1)
"#;

#[test]
fn tables_with_other_columns_in_other_orders() {
    let runbook = runbook::parse(OTHER_TABLES);
    assert_eq!(errors(&runbook), Vec::<String>::new());
    let objectives: Vec<_> = runbook
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
        objectives,
        vec![
            ("Search", Some(2_700), Some(86_400), Some("P1")),
            ("Reports", Some(14_400), None, Some("P2")),
        ]
    );
    assert_eq!(runbook.contacts[0].role, "SRE");
    assert_eq!(runbook.contacts[0].contact, "sre@example.com");
    assert_eq!(runbook.contacts[0].availability.as_deref(), Some("24/7"));
    assert_eq!(
        runbook.scenarios[0].steps().next().map(|s| s.marker),
        Some(Some(Marker::Priority(1)))
    );
}

#[test]
fn missing_sections_are_warnings_not_failures() {
    let runbook = runbook::parse("## Scenario: Disk full\n1. Delete old logs (5 min)\n");
    assert_eq!(errors(&runbook), Vec::<String>::new());
    let warnings: Vec<_> = runbook
        .diagnostics
        .iter()
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("no RTO/RPO table")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("INCIDENT and RESOLVED")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("no severity")),
        "{warnings:?}"
    );
}

#[test]
fn content_that_cannot_be_placed_is_reported_or_kept_never_dropped() {
    let runbook = runbook::parse(
        "## Scenario 1: DNS\n**Severity:** low\n### Fix\nRead this first.\n```sh\ndig example.com\n```\n\
         1. Flush caches (2 min)\n```sh\nrndc flush\n```\n2. Check (soon-ish 5 min)\n",
    );
    let phase = &runbook.scenarios[0].phases[0];
    assert_eq!(phase.notes[0], "Read this first.");
    let diagnostics: Vec<_> = runbook
        .diagnostics
        .iter()
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert!(
        diagnostics
            .iter()
            .any(|(line, m)| *line == 5 && m.contains("before any step")),
        "{diagnostics:?}"
    );
    assert!(
        diagnostics
            .iter()
            .any(|(line, m)| *line == 9 && m.contains("attached to step `Flush caches`")),
        "{diagnostics:?}"
    );
    assert!(
        diagnostics
            .iter()
            .any(|(line, m)| *line == 12 && m.contains("cannot read it")),
        "{diagnostics:?}"
    );
    assert_eq!(phase.steps[0].commands[0].code, "rndc flush\n");
}

#[test]
fn a_phase_that_says_parallel_and_priority_headings_make_tracks() {
    let runbook = runbook::parse(&crate::fixtures::parallel_runbook_text());
    assert_eq!(errors(&runbook), Vec::<String>::new());
    let region = &runbook.scenarios[0];
    let tracks: Vec<(&str, Vec<Tracks>)> = region
        .phases
        .iter()
        .map(|phase| (phase.name.as_str(), phase.tracks.clone()))
        .collect();
    assert_eq!(
        tracks,
        vec![
            ("Triage", vec![]),
            (
                "Parallel Recovery",
                vec![Tracks {
                    first: 0,
                    last: 2,
                    said: Some("parallel".into())
                }]
            ),
            ("Verify", vec![]),
        ]
    );
    let payment = &runbook.scenarios[1];
    assert_eq!(
        step_titles(&runbook, 1),
        vec![
            ("Response".to_string(), "Page the provider".to_string()),
            (
                "Response".to_string(),
                "Switch to the backup provider".to_string()
            ),
        ]
    );
    let markers: Vec<_> = payment.steps().map(|step| step.marker).collect();
    assert_eq!(
        markers,
        vec![Some(Marker::Priority(2)), Some(Marker::Priority(1))]
    );
    assert_eq!(
        payment.phases[0].tracks,
        vec![Tracks {
            first: 0,
            last: 1,
            said: Some("at the same time".into())
        }],
        "the phase's note says so"
    );
}
