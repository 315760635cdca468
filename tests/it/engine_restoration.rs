//! Restoration before resolution, per service, in virtual time: `/incident restored` stops the
//! RTO clocks of the services named, no RTO warning follows once everything is back, RESOLVED
//! and the post-mortem give time to restore against each RTO and time to resolve apart, an RTO
//! warning due with an update is part of it, and resolving lists the steps left open. On SQLite
//! and on PostgreSQL.

use incident_bot::incident::IncidentId;
use incident_bot::notify::MessageKind::{self, *};
use incident_bot::notify::{Message, MessageKind as Kind};

use crate::test_bot::{TestBot, MINUTE_MS, START_MS};
use crate::test_db::TestDb;

/// The posts of one kind, as text, with their minute.
fn texts(posts: &[(i64, Message)], kind: MessageKind) -> Vec<(i64, String)> {
    posts
        .iter()
        .filter(|(_, message)| message.kind == kind)
        .map(|(minute, message)| (*minute, message.plain_text()))
        .collect()
}

/// The automatic posts about time: updates and RTO warnings, with their minute.
fn clock_posts(posts: &[(i64, Message)]) -> Vec<(i64, MessageKind)> {
    posts
        .iter()
        .filter(|(_, message)| matches!(message.kind, Update | RtoWarning))
        .map(|(minute, message)| (*minute, message.kind))
        .collect()
}

fn refusal(reply: Option<Message>) -> String {
    match reply {
        Some(message) if message.kind == Kind::Error => message.plain_text(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Minutes after the opening of every `rto_warned` event of INC-`id`.
async fn rto_warnings_at(bot: &TestBot, id: u64) -> Vec<i64> {
    bot.engine
        .store()
        .events(IncidentId::new(id))
        .await
        .expect("events")
        .iter()
        .filter(|event| event.kind == "rto_warned")
        .map(|event| (event.at_ms.millis() - START_MS) / MINUTE_MS)
        .collect()
}

/// The issue's own numbers: restored at 20 minutes, resolved at 60, against a 30-minute RTO.
async fn restored_at_20_resolved_at_60_meets_a_30_minute_rto(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.posts().await;
    bot.advance(20).await;
    let posts = bot.posts().await;
    // The 50% warning (T+15) is due with the first update: one post.
    assert_eq!(clock_posts(&posts), vec![(15, Update)]);
    let update = &texts(&posts, Update)[0].1;
    assert!(
        update.contains("⚠ RTO 50% used for Database: 15m of 30m elapsed, 15m left."),
        "{update}"
    );

    assert_eq!(bot.say("bob", "/incident restored").await, None);
    let posts = bot.posts().await;
    let restored = texts(&posts, Restored);
    assert_eq!(restored.len(), 1, "{posts:?}");
    let (minute, text) = &restored[0];
    assert_eq!(*minute, 20);
    assert!(
        text.contains("✓ Database back at T+20m (03:24:00 UTC) · RTO met: 20m of 30m"),
        "{text}"
    );
    assert!(
        text.contains("Everything is back: INC-1 is Monitoring. Time to restore 20m."),
        "{text}"
    );
    let status = bot
        .say("carol", "/incident status")
        .await
        .expect("a status")
        .plain_text();
    assert!(status.contains("Status: Monitoring"), "{status}");
    assert!(
        status.contains("Database: ✓ back at T+20m · RTO met: 20m of 30m"),
        "{status}"
    );

    bot.advance(40).await;
    let posts = bot.posts().await;
    assert_eq!(
        clock_posts(&posts),
        vec![(30, Update), (45, Update), (60, Update)],
        "no RTO warning after the restoration"
    );
    assert!(texts(&posts, Update)
        .iter()
        .all(|(_, text)| !text.contains("⚠")));
    assert_eq!(rto_warnings_at(&bot, 1).await, vec![15]);

    bot.say("alice", "/incident resolve Storage zone failure")
        .await;
    let posts = bot.posts().await;
    let resolved = &texts(&posts, Resolved)[0].1;
    assert!(
        resolved.contains("Time to restore: met: 20m of 30m"),
        "{resolved}"
    );
    assert!(resolved.contains("Time to resolve: 1h"), "{resolved}");
    assert!(!resolved.contains("missed"), "{resolved}");
    let markdown = bot
        .engine
        .postmortem_draft(IncidentId::new(1))
        .await
        .expect("read")
        .expect("a draft");
    assert!(
        markdown.contains(
            "| Database | 2026-11-25 03:24 UTC (T+20m) by bob | 20m | met (20m of 30m) |"
        ),
        "{markdown}"
    );
    assert!(markdown.contains("- **Time to resolve:** 1h"), "{markdown}");
}

/// Scenario 2 with every step confirmed two minutes in: restored then, resolved an hour later.
async fn scenario_2_restored_early_is_not_an_rto_miss(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say(
        "alice",
        "/incident open high app-server --services database",
    )
    .await;
    bot.advance(2).await;
    bot.posts().await;
    for _ in 0..3 {
        assert_eq!(bot.say("alice", "/incident step done").await, None);
    }
    let posts = bot.posts().await;
    let card = &texts(&posts, Checklist).last().expect("the card").1.clone();
    assert!(
        card.contains(
            "All 3 steps confirmed. Service back? /incident restored [service…] — then /incident resolve"
        ),
        "finishing the checklist suggests restored, never assumes it: {card}"
    );
    let status = bot
        .say("alice", "/incident status")
        .await
        .expect("a status")
        .plain_text();
    assert!(status.contains("Status: Recovering"), "{status}");

    bot.say("alice", "/incident restored").await;
    bot.advance(58).await;
    let posts = bot.posts().await;
    assert!(texts(&posts, RtoWarning).is_empty(), "{posts:?}");
    bot.say("alice", "/incident resolve failover done").await;
    let resolved = texts(&bot.posts().await, Resolved)[0].1.clone();
    assert!(
        resolved.contains("Time to restore: met: 2m of 30m"),
        "{resolved}"
    );
    assert!(!resolved.contains("RTO missed") && !resolved.contains("missed by"));
}

/// Never marked restored: measured to the resolution, and the numbers say so.
async fn resolved_without_restoring_is_measured_to_resolve(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say(
        "alice",
        "/incident open high app-server --services database",
    )
    .await;
    bot.advance(2).await;
    for _ in 0..3 {
        bot.say("alice", "/incident step done").await;
    }
    bot.posts().await;
    bot.advance(58).await;
    let posts = bot.posts().await;
    // 50% and 100% of 30 minutes come with the updates at 15 and 30; 80% (24) alone.
    assert_eq!(
        clock_posts(&posts),
        vec![
            (15, Update),
            (24, RtoWarning),
            (30, Update),
            (45, Update),
            (60, Update)
        ]
    );
    let updates = texts(&posts, Update);
    assert!(
        updates[1]
            .1
            .contains("⚠ RTO exceeded for Database: 30m target, 30m elapsed."),
        "{}",
        updates[1].1
    );
    assert_eq!(rto_warnings_at(&bot, 1).await, vec![15, 24, 30]);
    bot.say("alice", "/incident resolve failover done").await;
    let resolved = texts(&bot.posts().await, Resolved)[0].1.clone();
    assert!(
        resolved.contains(
            "Time to restore: not marked restored: measured to resolve — missed by 30m: 1h against 30m"
        ),
        "{resolved}"
    );
    assert!(resolved.contains("Time to resolve: 1h"), "{resolved}");
}

/// Scenario 5 affects every service of the table; restoring some stops their clocks only, and
/// the warnings move on to the tightest RTO still running.
async fn a_partial_restore_stops_only_those_clocks(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical infra-loss").await;
    let opened = texts(&bot.posts().await, Opened)[0].1.clone();
    assert!(
        opened.contains("Impact: Production Sites, Database, API Gateway, Analytics, Development"),
        "{opened}"
    );
    bot.advance(10).await;
    bot.posts().await;
    bot.say("bob", "/incident restored db").await;
    let restored = texts(&bot.posts().await, Restored)[0].1.clone();
    assert!(
        restored.contains("✓ Database back at T+10m (03:14:00 UTC) · RTO met: 10m of 30m"),
        "{restored}"
    );
    assert!(
        restored.contains("Still to restore (RTO clocks running):\n• Production Sites: 50m left of 1h\n• API Gateway: 50m left of 1h\n• Analytics: 3h 50m left of 4h\n• Development: 7h 50m left of 8h"),
        "{restored}"
    );

    bot.advance(20).await;
    let posts = bot.posts().await;
    assert_eq!(clock_posts(&posts), vec![(15, Update), (30, Update)]);
    let updates = texts(&posts, Update);
    assert!(!updates[0].1.contains("⚠"), "{}", updates[0].1);
    assert!(
        updates[1].1.contains(
            "⚠ RTO 50% used for Production Sites, API Gateway: 30m of 1h elapsed, 30m left."
        ),
        "{}",
        updates[1].1
    );
    assert!(
        updates[1]
            .1
            .contains("RTO · Database: restored at T+10m · met: 10m of 30m")
            && updates[1]
                .1
                .contains("RTO · Production Sites: 30m left of 1h"),
        "{}",
        updates[1].1
    );

    bot.say("carol", "/incident restored prod sites, api").await;
    let status = bot
        .say("carol", "/incident status")
        .await
        .expect("status")
        .plain_text();
    assert!(status.contains("Status: Recovering"), "{status}");
    assert!(
        status.contains("API Gateway: ✓ back at T+30m · RTO met: 30m of 1h"),
        "{status}"
    );
    bot.advance(60).await;
    assert!(texts(&bot.posts().await, RtoWarning).is_empty());
    bot.say("carol", "/incident restored").await;
    let restored = texts(&bot.posts().await, Restored)[0].1.clone();
    assert!(
        restored.starts_with("INC-1 · Restored: Analytics, Development"),
        "{restored}"
    );
    assert!(restored.contains("INC-1 is Monitoring"), "{restored}");
    assert_eq!(rto_warnings_at(&bot, 1).await, vec![30]);
}

async fn restored_refuses_what_it_cannot_do(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical infra-loss").await;
    bot.advance(10).await;
    bot.say("bob", "/incident restored database").await;
    bot.posts().await;
    let events = bot.event_count(1).await;
    let text = refusal(bot.say("alice", "/incident restored badge readers").await);
    assert_eq!(
        text,
        "`badge readers` is not one of INC-1's services: Production Sites, Database, API \
         Gateway, Analytics, Development — usage: /incident restored [INC-n] [service…]"
    );
    let text = refusal(bot.say("alice", "/incident restored DB").await);
    assert_eq!(
        text,
        "Database was already marked restored by bob at 03:14:00 UTC (T+10m)\nNothing changed. \
         Resolve it with /incident resolve INC-1 [root cause]"
    );
    assert_eq!(bot.event_count(1).await, events, "nothing recorded");
    assert_eq!(bot.posts().await, vec![], "nothing posted");
    // Some back already, some not: the others are restored, and the typist told about the first.
    let reply = bot
        .say("alice", "/incident restored db, analytics")
        .await
        .expect("told about the database")
        .plain_text();
    assert_eq!(
        reply,
        "Database was already marked restored by bob at 03:14:00 UTC (T+10m)"
    );
    let restored = texts(&bot.posts().await, Restored)[0].1.clone();
    assert!(
        restored.starts_with("INC-1 · Restored: Analytics\n✓ Analytics back at T+10m"),
        "{restored}"
    );

    bot.say("alice", "/incident open high corruption").await;
    let text = refusal(bot.say("alice", "/incident restored INC-2 db").await);
    assert!(
        text.starts_with("INC-2 lists no services: /incident restored INC-2 (without a service) marks it restored"),
        "{text}"
    );
    assert_eq!(bot.say("alice", "/incident restored INC-2").await, None);
    let text = refusal(bot.say("alice", "/incident restored INC-2").await);
    assert!(
        text.starts_with("INC-2 was already marked restored by alice at 03:14:00 UTC (T+0s)"),
        "{text}"
    );
    bot.say("alice", "/incident resolve INC-1 power").await;
    let text = refusal(bot.say("alice", "/incident restored INC-1").await);
    assert!(text.contains("INC-1 was resolved at"), "{text}");
}

async fn resolving_lists_failed_and_unconfirmed_steps(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open high corruption").await;
    bot.say("alice", "/incident step done").await;
    bot.advance(1).await;
    bot.say("bob", "/incident step fail find-corruption.sh hangs")
        .await;
    let reply = bot
        .say("alice", "/incident resolve restored by hand")
        .await
        .expect("an answer for the resolver")
        .plain_text();
    assert_eq!(
        reply,
        "INC-1 is resolved, with 2 steps not done:\n\
         • Step 2 (Assess data loss) — failed: find-corruption.sh hangs\n\
         • Step 3 (Recovery options) — unconfirmed\n\
         They show as open in the post-mortem: /postmortem INC-1"
    );
    assert_eq!(texts(&bot.posts().await, Resolved).len(), 1, "it resolved");
}

on_both_backends! {
    restored_at_20_resolved_at_60(db) => restored_at_20_resolved_at_60_meets_a_30_minute_rto(db);
    scenario_2_restored_early(db) => scenario_2_restored_early_is_not_an_rto_miss(db);
    resolve_without_restore(db) => resolved_without_restoring_is_measured_to_resolve(db);
    partial_restore(db) => a_partial_restore_stops_only_those_clocks(db);
    restored_refusals(db) => restored_refuses_what_it_cannot_do(db);
    resolve_lists_open_steps(db) => resolving_lists_failed_and_unconfirmed_steps(db);
}
