//! A runbook as wikis export it (`tests/fixtures/runbooks/wiki-style.md`): read in full (steps
//! from tables, budgets in every phrasing, symptoms by meaning, `Playbooks`, quoted templates
//! with `{{braces}}`), then run in the engine on SQLite and PostgreSQL: the steps with their
//! budgets and owners, the owners pinged through `ROLE_MENTIONS`, the templates filled.
//! Malformed variants give warnings with their lines, never a panic.

use commands::Severity;
use incident_bot::notify::MessageKind;
use incident_bot::runbook::{
    self, BudgetForm, Level, Marker, Runbook, ScenarioFound, StepSource, StepTable, TemplateForm,
};
use proptest::prelude::*;

use crate::fixtures::wiki_runbook_text;
use crate::test_bot::TestBot;
use crate::test_db::TestDb;

fn wiki() -> Runbook {
    runbook::parse(&wiki_runbook_text())
}

/// Each step of a scenario as (title, budget in minutes, marker, owner, commands).
type StepSummary = (
    String,
    Option<(u64, u64)>,
    Option<Marker>,
    Option<String>,
    Vec<String>,
);

fn steps(runbook: &Runbook, scenario: usize) -> Vec<StepSummary> {
    runbook.scenarios[scenario]
        .steps()
        .map(|step| {
            (
                step.title.clone(),
                step.budget_secs
                    .map(|budget| (budget.min_secs / 60, budget.max_secs / 60)),
                step.marker,
                step.role.clone(),
                step.commands.iter().map(|c| c.code.clone()).collect(),
            )
        })
        .collect()
}

fn step(
    title: &str,
    minutes: Option<(u64, u64)>,
    marker: Option<Marker>,
    owner: Option<&str>,
    commands: &[&str],
) -> StepSummary {
    (
        title.to_string(),
        minutes,
        marker,
        owner.map(str::to_string),
        commands.iter().map(|c| c.to_string()).collect(),
    )
}

fn diagnostics(runbook: &Runbook) -> Vec<(usize, Level, String)> {
    runbook
        .diagnostics
        .iter()
        .map(|d| (d.line, d.level, d.message.clone()))
        .collect()
}

#[test]
fn the_wiki_style_runbook_reads_in_full() {
    let runbook = wiki();
    assert_eq!(diagnostics(&runbook), vec![]);
    let scenarios: Vec<_> = runbook
        .scenarios
        .iter()
        .map(|s| (s.number, s.title.as_str(), s.severity, s.found_by.clone()))
        .collect();
    let under = || ScenarioFound::Under("Playbooks".into());
    assert_eq!(
        scenarios,
        vec![
            (
                1,
                "Orders database failover",
                Some(Severity::Critical),
                under()
            ),
            (
                2,
                "Payment provider outage",
                Some(Severity::High),
                ScenarioFound::Heading("Playbook".into())
            ),
            (
                3,
                "Search index corruption",
                Some(Severity::Medium),
                under()
            ),
            (4, "Stale product images", Some(Severity::Low), under()),
        ]
    );

    let failover = &runbook.scenarios[0];
    assert_eq!(
        failover.symptoms,
        vec![
            "`OrdersDBPrimaryDown` firing in Alertmanager",
            "Checkout API p99 above 2s with connection timeouts",
            "Replication lag graph flat-lines",
        ]
    );
    assert_eq!(failover.symptoms_from, vec!["Signs"]);
    assert_eq!(
        failover.aliases,
        vec!["orders-db", "db-failover", "orders-db-failover"]
    );
    assert_eq!(
        steps(&runbook, 0),
        vec![
            step(
                "Confirm the primary is down",
                Some((5, 5)),
                None,
                Some("SRE"),
                &["pg_isready -h orders-primary"]
            ),
            step(
                "Declare the incident and open a bridge",
                Some((2, 2)),
                None,
                Some("Incident Commander"),
                &[]
            ),
            step(
                "Check replica lag before promoting",
                Some((3, 3)),
                None,
                Some("DBA"),
                &[r#"psql -h orders-replica -c "select now() - pg_last_xact_replay_timestamp()""#]
            ),
            step(
                "Promote the healthiest replica",
                Some((10, 10)),
                None,
                Some("DBA"),
                &["patronictl failover orders --candidate orders-replica-1"]
            ),
            step(
                "Restart the checkout API pods",
                Some((5, 10)),
                None,
                Some("SRE"),
                &["kubectl rollout restart deploy/checkout-api"]
            ),
            step(
                "Tell customer support",
                Some((5, 5)),
                None,
                Some("Comms Lead"),
                &[]
            ),
            step(
                "Run the checkout smoke test",
                Some((10, 10)),
                None,
                None,
                &[]
            ),
            step(
                "Watch error rates on the dashboard",
                Some((15, 15)),
                None,
                None,
                &[]
            ),
            step(
                "Re-enable the order export job",
                Some((90, 90)),
                None,
                None,
                &[]
            ),
            step("Rebuild the read replica", Some((20, 20)), None, None, &[]),
        ]
    );
    let promote = failover.steps().nth(3).expect("step 4");
    assert_eq!(
        promote.details,
        vec!["Notes: Pick the replica with the least lag"]
    );
    assert_eq!(
        (promote.from, promote.budget_from.clone()),
        (
            StepSource::TableRow,
            Some(BudgetForm::Column("Est.".into()))
        )
    );
    assert_eq!(
        failover.phases[1].tables,
        vec![StepTable {
            line: 58,
            title: "Action".into(),
            budget: Some("Est.".into()),
            role: Some("Owner".into()),
            command: Some("Command".into()),
            others: vec!["Notes".into()],
        }]
    );
    let verify: Vec<_> = failover.phases[2]
        .steps
        .iter()
        .map(|s| (s.from, s.budget_from.clone()))
        .collect();
    assert_eq!(
        verify,
        vec![
            (StepSource::ListItem, Some(BudgetForm::Trailing)),
            (StepSource::ListItem, Some(BudgetForm::Parenthesis)),
            (StepSource::ListItem, Some(BudgetForm::Trailing)),
            (StepSource::ListItem, Some(BudgetForm::Trailing)),
        ]
    );

    let payments = &runbook.scenarios[1];
    assert_eq!(payments.symptoms_from, vec!["How you'll know"]);
    assert_eq!(
        payments.symptoms,
        vec![
            "Payment authorisation errors — above 5% for 5 minutes",
            "Provider status page — shows an incident",
        ],
        "a table of symptoms gives one symptom a row, never steps"
    );
    assert_eq!(
        steps(&runbook, 1),
        vec![
            step(
                "Switch traffic to the backup provider",
                Some((20, 20)),
                None,
                Some("SRE"),
                &[]
            ),
            step(
                "Post a status page notice",
                Some((5, 5)),
                None,
                Some("Incident Commander"),
                &[]
            ),
        ]
    );

    assert_eq!(
        steps(&runbook, 2),
        vec![
            step(
                "Pause the indexer",
                Some((15, 15)),
                Some(Marker::Priority(1)),
                None,
                &[]
            ),
            step(
                "Rebuild the index from the nightly snapshot",
                Some((90, 90)),
                Some(Marker::Priority(2)),
                None,
                &[]
            ),
            step(
                "Spot-check ten popular queries",
                Some((10, 10)),
                None,
                None,
                &[]
            ),
        ]
    );
    assert_eq!(
        runbook.scenarios[2].phases[0].tracks.len(),
        1,
        "1–2 run in parallel"
    );
    assert_eq!(
        steps(&runbook, 3)[0],
        step(
            "Purge the CDN cache for `/img/*`",
            Some((5, 5)),
            None,
            None,
            &[]
        )
    );

    let templates: Vec<_> = runbook
        .templates
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.heading.as_str(),
                t.form,
                t.placeholders.clone(),
            )
        })
        .collect();
    assert_eq!(
        templates,
        vec![
            (
                "INCIDENT",
                "Kick-off message",
                TemplateForm::Quote,
                vec![
                    "severity",
                    "summary",
                    "start_time",
                    "services",
                    "incident_id"
                ]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
            ),
            (
                "RESOLVED",
                "All-clear message",
                TemplateForm::Quote,
                vec!["summary", "duration", "root_cause", "postmortem_link"]
                    .into_iter()
                    .map(String::from)
                    .collect()
            ),
        ]
    );
    assert_eq!(runbook.objectives.len(), 3);
    assert_eq!(runbook.contacts.len(), 4);
    assert_eq!(runbook.follow_ups[0].due_after_secs, Some(2 * 86_400));
}

/// Opens the failover from the wiki runbook with owners mapped to chat ids: the checklist shows
/// each step with its budget and owner, pings the owner of each step as it becomes current,
/// and the templates from the quotes are filled.
async fn the_wiki_style_runbook_runs_in_the_engine(db: TestDb) {
    let bot = TestBot::with_runbook_and_env(
        db,
        wiki(),
        &[("ROLE_MENTIONS", "SRE=S0SRE; Incident Commander=U0IC")],
    )
    .await;
    bot.say("alice", "/incident open sev1 orders-db Primary unreachable")
        .await;
    let posts = bot.posts().await;
    let opened = posts
        .iter()
        .find(|(_, m)| m.kind == MessageKind::Opened)
        .map(|(_, m)| m.plain_text())
        .expect("the INCIDENT notification");
    assert!(
        opened.contains("🔴 CRITICAL — Primary unreachable")
            && opened.contains("Impact: Orders DB, Checkout API")
            && opened.contains("in INC-1."),
        "{opened}"
    );
    let (_, card) = posts
        .iter()
        .find(|(_, m)| m.kind == MessageKind::Checklist)
        .expect("the checklist card");
    let text = card.plain_text();
    assert!(
        text.contains("Step 1 of 10 · Confirm the primary is down · budget 5m · owner: SRE")
            && text.contains("pg_isready -h orders-primary"),
        "{text}"
    );
    assert_eq!(
        card.mentions,
        vec!["S0SRE"],
        "the owner of step 1 is pinged"
    );

    bot.advance(4).await;
    bot.say("bob", "/incident step done").await;
    let (_, card) = bot
        .posts()
        .await
        .into_iter()
        .rfind(|(_, m)| m.kind == MessageKind::Checklist)
        .expect("the next card");
    assert!(
        card.plain_text().contains(
            "Step 2 of 10 · Declare the incident and open a bridge · budget 2m · owner: Incident \
             Commander"
        ),
        "{}",
        card.plain_text()
    );
    assert_eq!(card.mentions, vec!["U0IC"]);

    bot.say("bob", "/incident step done").await;
    let (_, card) = bot
        .posts()
        .await
        .into_iter()
        .rfind(|(_, m)| m.kind == MessageKind::Checklist)
        .expect("the next card");
    assert!(
        card.plain_text().contains("budget 3m · owner: DBA"),
        "{}",
        card.plain_text()
    );
    assert!(
        card.mentions.is_empty(),
        "DBA is not mapped: named, not pinged"
    );

    let status = bot
        .say("carol", "/incident status")
        .await
        .expect("a status")
        .plain_text();
    assert!(
        status.contains(
            "▶ 3 Check replica lag before promoting · running 0s (budget 3m) · owner: DBA"
        ) && status.contains("☐ 6 Tell customer support · budget 5m · owner: Comms Lead"),
        "{status}"
    );

    bot.say("bob", "/incident resolve failed over to replica 1")
        .await;
    let resolved = bot
        .posts()
        .await
        .into_iter()
        .find(|(_, m)| m.kind == MessageKind::Resolved)
        .map(|(_, m)| m.plain_text())
        .expect("the RESOLVED notification");
    assert!(
        resolved.contains("✅ Resolved: Primary unreachable")
            && resolved.contains("Root cause: failed over to replica 1")
            && resolved.contains("Post-mortem: /postmortem INC-1"),
        "{resolved}"
    );
}

/// A drill of the same scenario pings no owner.
async fn a_drill_pings_no_owner(db: TestDb) {
    let bot = TestBot::with_runbook_and_env(db, wiki(), &[("ROLE_MENTIONS", "SRE=S0SRE")]).await;
    bot.say("alice", "/incident drill orders-db").await;
    let card = bot
        .posts()
        .await
        .into_iter()
        .find(|(_, m)| m.kind == MessageKind::Checklist)
        .map(|(_, m)| m)
        .expect("the checklist card");
    assert!(card.plain_text().contains("owner: SRE"));
    assert!(card.mentions.is_empty());
}

on_both_backends! {
    runs_in_the_engine(db) => the_wiki_style_runbook_runs_in_the_engine(db);
    drills_ping_no_owner(db) => a_drill_pings_no_owner(db);
}

#[test]
fn malformed_tables_and_budgets_are_warnings_with_their_lines() {
    let runbook = runbook::parse(
        "## Playbooks\n\
         ### Cache outage\n\
         **Severity:** SEV3\n\
         #### Steps\n\
         | Action | Est. | Owner |\n\
         |---|---|---|\n\
         | Flush the cache | soonish | SRE |\n\
         | | 5 min | DBA |\n\
         | Warm the cache | 10 min |\n\
         #### Verify\n\
         1. Check hit rates — est. 10 min or so\n\
         2. Check latency (ETA ten minutes)\n",
    );
    assert_eq!(
        diagnostics(&runbook)
            .into_iter()
            .filter(|(line, level, _)| *level == Level::Warning && *line > 1)
            .map(|(line, _, message)| (line, message))
            .collect::<Vec<_>>(),
        vec![
            (
                7,
                "`soonish` in column Est. looks like a time budget but I cannot read it: write it \
                 like 5 min, 10-15 min, ~10m, 1h30 or Immediate"
                    .to_string()
            ),
            (
                8,
                "this row of the table of steps has no Action, so it is no step: fill it in or \
                 remove the row"
                    .to_string()
            ),
            (
                11,
                "`est. 10 min or so` looks like a time budget but I cannot read it: write it like \
                 (5 minutes), (10-15 minutes), (~10 min), — est. 10 min or (Immediate)"
                    .to_string()
            ),
        ]
    );
    let titles: Vec<_> = runbook.scenarios[0]
        .steps()
        .map(|s| s.title.clone())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Flush the cache",
            "Warm the cache",
            "Check hit rates — est. 10 min or so",
            "Check latency (ETA ten minutes)"
        ],
        "nothing is dropped: unreadable budgets stay in the title"
    );
}

/// Pieces of wiki-style runbooks, in any order and any number.
fn wiki_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("## Playbooks\n".to_string()),
        Just("### Playbook: X\n**Severity:** SEV2\n".to_string()),
        Just("#### Signs\n- a\n".to_string()),
        Just("| Step | Owner | Est. | Command |\n|---|---|---|---|\n".to_string()),
        "\\| [a-z `]{0,8} \\| [A-Z]{0,3} \\| [0-9~≤⏱hm. -]{0,6} \\| `[a-z]{0,4}` \\|\n",
        "[0-9]\\. [a-z]{1,6} (—|:|-|~|est\\.|ETA|⏱) [0-9hms.-]{0,5}\n",
        "- \\[ \\] [a-z]{1,6} \\((Priority|P)? ?[0-9]{0,2},? ?[0-9]{0,3} ?(min|m|h)?\\)\n",
        Just("## Comms\n**Kick-off message**\n".to_string()),
        "> [🔴a-z{}\\[\\] ]{0,20}\n",
        Just("\n".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any arrangement of the pieces: no panic, every diagnostic on a line of the input, every
    /// budget a real range.
    #[test]
    fn wiki_style_pieces_never_panic(pieces in proptest::collection::vec(wiki_piece(), 0..24)) {
        let text = pieces.concat();
        let runbook = runbook::parse(&text);
        let lines = text.lines().count().max(1);
        for diagnostic in &runbook.diagnostics {
            prop_assert!(diagnostic.line >= 1 && diagnostic.line <= lines, "{diagnostic:?}");
        }
        for scenario in &runbook.scenarios {
            for step in scenario.steps() {
                if let Some(budget) = step.budget_secs {
                    prop_assert!(budget.min_secs <= budget.max_secs);
                }
            }
        }
    }
}

#[test]
fn scenarios_under_procedures_and_runbooks_and_playbook_headings() {
    let runbook = runbook::parse(
        "# Ops\n\
         ## Backup Procedures\n\
         ### Nightly\n\
         1. Run the backup (5 min)\n\
         ## Recovery Procedures\n\
         ### Disk full\n\
         1. Free space (5 min)\n\
         ## Team Runbooks\n\
         ### Cache stampede\n\
         #### Steps\n\
         1. Enable request coalescing — est. 5 min\n\
         ## Playbook: Bad deploy\n\
         **Severity:** SEV2\n\
         - Roll back ~10m\n",
    );
    let found: Vec<_> = runbook
        .scenarios
        .iter()
        .map(|s| (s.title.as_str(), s.found_by.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "Disk full",
                ScenarioFound::Under("Recovery Procedures".into())
            ),
            (
                "Cache stampede",
                ScenarioFound::Under("Team Runbooks".into())
            ),
            ("Bad deploy", ScenarioFound::Heading("Playbook".into())),
        ]
    );
    assert!(
        runbook
            .reference
            .iter()
            .any(|section| section.title == "Backup Procedures › Nightly"),
        "backup procedures stay reference: {:?}",
        runbook.reference
    );
}

#[test]
fn templates_in_quotes_labelled_paragraphs_and_headed_paragraphs() {
    let runbook = runbook::parse(
        "## Scenario 1: X\n**Severity:** high\n1. Do it (5 min)\n\n\
         ## Communications\n\n\
         **Initial notification:**\n\
         Heads up: {{summary}} since {{start_time}}\n\n\
         ### Resolution\n\n\
         We are back: [SHORT DESCRIPTION] after [DURATION].\n\n\
         ### Customer update\n\n\
         > UPDATE: still on {{summary}}\n",
    );
    let templates: Vec<_> = runbook
        .templates
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.heading.as_str(),
                t.form,
                t.body.as_str(),
                t.line,
            )
        })
        .collect();
    assert_eq!(
        templates,
        vec![
            (
                "INCIDENT",
                "Initial notification",
                TemplateForm::Paragraph,
                "Heads up: {{summary}} since {{start_time}}",
                8
            ),
            (
                "RESOLVED",
                "Resolution",
                TemplateForm::Paragraph,
                "We are back: [SHORT DESCRIPTION] after [DURATION].",
                10
            ),
            (
                "UPDATE",
                "Customer update",
                TemplateForm::Quote,
                "UPDATE: still on {{summary}}",
                16
            ),
        ]
    );
    assert!(
        !runbook
            .diagnostics
            .iter()
            .any(|d| d.message.contains("communication templates")),
        "{:?}",
        runbook.diagnostics
    );
}
