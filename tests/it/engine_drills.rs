//! Drills: they page nobody on any platform (no role is mentioned, whatever `PAGE_*` and
//! `ROLE_MENTIONS` say), schedule none of the runbook's follow-ups, and post a drill report on
//! resolve instead of the RESOLVED notification, kept for `/incident drills`. On SQLite and on
//! PostgreSQL.

use incident_bot::incident::IncidentId;
use incident_bot::notify::MessageKind;

use crate::test_bot::TestBot;
use crate::test_db::TestDb;

const PAGING: &[(&str, &str)] = &[
    (
        "ROLE_MENTIONS",
        "Platform Lead=U0LEAD; DevOps Team=U0DEVOPS; Database Admin=U0DBA; Security Team=U0SEC",
    ),
    (
        "PAGE_HIGH",
        "Platform Lead, DevOps Team, Database Admin, Security Team",
    ),
];

async fn a_drill_pages_nobody_and_schedules_nothing_after_it(db: TestDb) {
    let bot = TestBot::with_env(db, PAGING).await;
    // The same settings page everyone for a real incident.
    bot.say("alice", "/incident open critical breach").await;
    let real = bot.posts().await;
    assert_eq!(real[0].1.mentions.len(), 4, "{:?}", real[0].1);
    bot.say("alice", "/incident resolve INC-1 false alarm")
        .await;
    bot.posts().await;

    bot.say("carol", "/incident drill db-loss").await;
    bot.say("carol", "/incident severity high").await;
    bot.say("carol", "/incident severity critical").await;
    bot.say("carol", "/incident assign scribe @bob").await;
    bot.advance(20).await;
    let posts = bot.posts().await;
    assert!(posts.len() >= 6, "{posts:?}");
    for (_, post) in &posts {
        let text = post.plain_text();
        assert!(!text.contains("Paging"), "{text}");
        for role in ["U0LEAD", "U0DEVOPS", "U0DBA", "U0SEC"] {
            assert!(!post.mentions.iter().any(|id| id == role), "{post:?}");
        }
    }
    bot.say("carol", "/incident resolve").await;
    let resolved = bot.posts().await;
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    let report = resolved[0].1.plain_text();
    assert!(
        report.starts_with("[DRILL] INC-2 · Drill report · Complete Database Loss"),
        "{report}"
    );
    assert!(!report.contains("RESOLVED:"), "{report}");
    assert!(
        report.contains(
            "Verdict: not restored — 0 of 11 steps confirmed, so no time to recovery is measured."
        ),
        "{report}"
    );
    assert!(!report.contains("of its 30m RTO"), "{report}");
    let timers = bot
        .engine
        .store()
        .timers(IncidentId::new(2))
        .await
        .expect("timers");
    assert_eq!(timers, vec![], "a drill schedules no follow-ups");
    bot.advance(31 * 24 * 60).await;
    let later: Vec<_> = bot
        .posts()
        .await
        .into_iter()
        .filter(|(_, post)| post.incident == Some(2))
        .collect();
    assert_eq!(later, vec![], "nothing follows a drill");
    let refusal = bot
        .say("carol", "/incident followup INC-2 1.1 done")
        .await
        .expect("a refusal")
        .plain_text();
    assert_eq!(
        refusal,
        "INC-2 is a drill: drills have no follow-ups to tick"
    );
}

async fn a_finished_drill_reports_its_numbers_and_is_in_the_history(db: TestDb) {
    let bot = TestBot::on(db).await;
    let history = bot.say("alice", "/incident drills").await.expect("a reply");
    assert!(history.plain_text().starts_with("No drill"), "{history:?}");
    bot.say("alice", "/incident drill db-loss").await;
    // Step 1 (5m) in 3m, step 2 (2m) in 2m, step 3 (3m) in 8m: over budget.
    for (minutes, who) in [
        (3, "alice"),
        (2, "bob"),
        (8, "bob"),
        (12, "bob"),
        (8, "bob"),
    ] {
        bot.advance(minutes).await;
        bot.say(who, "/incident step done").await;
    }
    for _ in 5..11 {
        bot.advance(1).await;
        bot.say("alice", "/incident step done").await;
    }
    bot.say("alice", "/incident restored").await;
    bot.posts().await;
    bot.say("alice", "/incident resolve").await;
    let report = bot.posts().await;
    assert_eq!(report.len(), 1);
    assert_eq!(report[0].1.kind, MessageKind::Resolved);
    let text = report[0].1.plain_text();
    for expected in [
        "Run by alice, bob · 03:04–03:43 UTC (39m)",
        "Verdict: RTO missed for Database.",
        "• Database: 39m against its 30m RTO — missed by 9m",
        "Steps: 11 done, 0 skipped, 0 failed, 0 unconfirmed, of 11",
        "• Step 3 (Assess backup availability): 8m against 3m",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    let history = bot
        .say("bob", "/incident drills")
        .await
        .expect("the history")
        .plain_text();
    assert_eq!(
        history,
        "Drill history · 1 drill\n\
         INC-1 · 2026-11-25 03:04 UTC · Complete Database Loss · alice · 11/11 steps · 1 step over budget · RTO missed (39m against 30m)"
    );
}

on_both_backends! {
    drills_page_nobody_and_schedule_no_follow_ups(db) => a_drill_pages_nobody_and_schedules_nothing_after_it(db);
    drill_report_and_history(db) => a_finished_drill_reports_its_numbers_and_is_in_the_history(db);
}
