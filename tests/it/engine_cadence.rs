//! The automatic posts: updates at exactly +15, +30, +45 in virtual time and none after resolve;
//! RTO warnings (part of the update when due with it); step nudges; follow-up lists at their
//! windows and their reminders; one catch-up after downtime, then the
//! original cadence. On SQLite and on PostgreSQL.

use incident_bot::incident::IncidentId;
use incident_bot::notify::MessageKind::{self, *};

use crate::test_bot::TestBot;
use crate::test_db::TestDb;

async fn updates_every_fifteen_minutes_until_resolved(db: TestDb) {
    let bot = TestBot::on(db).await;
    // Scenario 2 has no RTO target in the shared runbook's table (no service in its title), so
    // only updates and nudges run.
    assert_eq!(
        bot.say(
            "alice",
            "/incident open high app-server-failure Web tier down"
        )
        .await,
        None
    );
    assert_eq!(bot.post_kinds().await, vec![(0, Opened), (0, Checklist)]);
    bot.advance(15).await;
    // Step 1 "Verify scope" has a 2-minute budget: one nudge at +2, then the update at +15.
    assert_eq!(bot.post_kinds().await, vec![(2, Nudge), (15, Update)]);
    bot.advance(15).await;
    assert_eq!(bot.post_kinds().await, vec![(30, Update)]);
    bot.advance(14).await;
    assert_eq!(bot.post_kinds().await, vec![]);
    bot.advance(1).await;
    assert_eq!(bot.post_kinds().await, vec![(45, Update)]);
    // Resolving with steps never confirmed: it resolves, and the resolver is told which.
    let answer = bot
        .say("alice", "/incident resolve failover done")
        .await
        .expect("the steps left open")
        .plain_text();
    assert!(
        answer.starts_with(
            "INC-1 is resolved, with 3 steps not done:\n• Step 1 (Verify scope) — unconfirmed"
        ),
        "{answer}"
    );
    assert_eq!(
        bot.post_kinds().await,
        vec![(45, Resolved), (45, FollowUp)],
        "RESOLVED, and the 24-hour follow-up list as its window opens"
    );
    bot.advance(19 * 60 + 11).await;
    assert_eq!(
        bot.post_kinds().await,
        vec![],
        "no update for a resolved incident"
    );
    bot.advance(1).await;
    assert_eq!(
        bot.post_kinds().await,
        vec![(45 + 19 * 60 + 12, FollowUp)],
        "the 24-hour list's one reminder, at 80% of its window, its items still open"
    );
    bot.advance(24 * 60 - (19 * 60 + 12)).await;
    assert_eq!(
        bot.post_kinds().await,
        vec![(45 + 24 * 60, FollowUp)],
        "the 1-week list, as its window opens"
    );
    bot.advance(6 * 24 * 60).await;
    assert_eq!(
        bot.post_kinds().await,
        vec![
            (45 + 24 * 60 + 115 * 60 + 12, FollowUp),
            (45 + 7 * 24 * 60, FollowUp)
        ],
        "the 1-week list's reminder, then the 1-month list"
    );
}

async fn rto_warnings_at_half_four_fifths_and_all_of_the_target(db: TestDb) {
    let bot = TestBot::on(db).await;
    // Database loss: the Database RTO of 30 minutes applies. The 50% (T+15) and 100% (T+30)
    // warnings are due with the updates, so each is part of its update: one post per moment.
    bot.say("alice", "/incident open critical db-loss").await;
    bot.posts().await;
    bot.advance(31).await;
    let posts: Vec<(i64, MessageKind, String)> = bot
        .posts()
        .await
        .into_iter()
        .filter(|(_, m)| m.kind == RtoWarning || m.kind == Update)
        .map(|(minute, m)| (minute, m.kind, m.plain_text()))
        .collect();
    assert_eq!(
        posts
            .iter()
            .map(|(minute, kind, _)| (*minute, *kind))
            .collect::<Vec<_>>(),
        vec![(15, Update), (24, RtoWarning), (30, Update)]
    );
    assert!(
        posts[0].2.contains("⚠ RTO 50% used for Database"),
        "{}",
        posts[0].2
    );
    assert!(
        posts[1].2.contains("RTO 80% used for Database"),
        "{}",
        posts[1].2
    );
    assert!(
        posts[2].2.contains("⚠ RTO exceeded for Database"),
        "{}",
        posts[2].2
    );
    let warned: Vec<i64> = bot
        .engine
        .store()
        .events(IncidentId::new(1))
        .await
        .expect("events")
        .iter()
        .filter(|event| event.kind == "rto_warned")
        .map(|event| (event.at_ms.millis() - crate::test_bot::START_MS) / 60_000)
        .collect();
    assert_eq!(warned, vec![15, 24, 30], "each threshold recorded once");
}

async fn one_catch_up_after_downtime_then_the_original_cadence(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open high app-server").await;
    bot.advance(10).await;
    bot.posts().await;
    // The bot is down from +10 to +62: the updates due at +15, +30 and +45 are missed. +62 is
    // off the 15-minute grid, so a cadence restarted at the catch-up (+77) shows.
    bot.clock.advance(chrono::Duration::minutes(52));
    let bot = bot.restarted().await;
    bot.engine.run_due_timers().await.expect("timers run");
    let kinds = bot.post_kinds().await;
    let updates: Vec<_> = kinds.iter().filter(|(_, kind)| *kind == Update).collect();
    assert_eq!(
        updates,
        vec![&(62, Update)],
        "one catch-up update, not a burst"
    );
    bot.advance(12).await;
    assert_eq!(bot.post_kinds().await, vec![], "nothing before +75");
    bot.advance(1).await;
    assert_eq!(
        bot.post_kinds().await,
        vec![(75, Update)],
        "back on the original +15 cadence (+75, not +77)"
    );
    let timeline = bot
        .engine
        .store()
        .events(IncidentId::new(1))
        .await
        .expect("events");
    let numbers: Vec<&str> = timeline
        .iter()
        .filter(|event| event.kind == "update_posted")
        .map(|event| event.actor.as_str())
        .collect();
    assert_eq!(
        numbers.len(),
        2,
        "nothing lost, nothing repeated: {timeline:?}"
    );
}

/// The posts of a kind since the last call, with their minute and their text.
async fn texts_of(bot: &TestBot, kind: MessageKind) -> Vec<(i64, String)> {
    bot.posts()
        .await
        .into_iter()
        .filter(|(_, message)| message.kind == kind)
        .map(|(minute, message)| (minute, message.plain_text()))
        .collect()
}

async fn updates_say_the_configured_cadence(db: TestDb) {
    let bot = TestBot::with_env(db, &[("UPDATE_INTERVAL", "5m")]).await;
    bot.say("alice", "/incident open high app-server Web tier down")
        .await;
    let opened = texts_of(&bot, Opened).await;
    assert_eq!(opened.len(), 1);
    assert!(
        opened[0]
            .1
            .contains("Updates: Every 5 minutes at INC-1 in this channel"),
        "{}",
        opened[0].1
    );
    bot.advance(10).await;
    let updates = texts_of(&bot, Update).await;
    assert_eq!(
        updates
            .iter()
            .map(|(minute, _)| *minute)
            .collect::<Vec<_>>(),
        vec![5, 10]
    );
    for (_, text) in &updates {
        assert!(text.contains("Updates: Every 5 minutes at INC-1"), "{text}");
        assert!(!text.contains("15 minutes"), "{text}");
    }
}

async fn a_lower_severity_moves_the_updates_and_says_so(db: TestDb) {
    // START is 03:04 UTC: updates at 03:19, 03:34 while high; hourly (04:04) once low.
    let bot = TestBot::with_env(db, &[("UPDATE_INTERVAL_LOW", "1h")]).await;
    bot.say("alice", "/incident open high app-server Web tier down")
        .await;
    bot.advance(15).await;
    let updates = texts_of(&bot, Update).await;
    assert_eq!(updates.len(), 1);
    assert!(
        updates[0].1.contains("Next update: 03:34 UTC"),
        "{}",
        updates[0].1
    );
    bot.advance(5).await;
    bot.posts().await;
    assert_eq!(bot.say("bob", "/incident severity low").await, None);
    let changes = texts_of(&bot, Change).await;
    assert_eq!(changes.len(), 1);
    assert!(
        changes[0].1.ends_with(
            "Severity lowered from high to low by bob.\n\
             Updates now every hour (were every 15 minutes); next at 04:04 UTC"
        ),
        "{}",
        changes[0].1
    );
    bot.advance(39).await;
    assert_eq!(
        texts_of(&bot, Update).await,
        vec![],
        "no update at 03:34, the old cadence's slot"
    );
    bot.advance(1).await;
    let updates = texts_of(&bot, Update).await;
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0].0, 60, "the update comes at 04:04, as promised");
    assert!(
        updates[0].1.contains("Updates: Every hour at INC-1"),
        "{}",
        updates[0].1
    );
    assert!(
        updates[0].1.contains("Next update: 05:04 UTC"),
        "{}",
        updates[0].1
    );
    // Back to high: the cadence changes again, and the post says when.
    bot.advance(5).await;
    bot.say("bob", "/incident severity high").await;
    let changes = texts_of(&bot, Change).await;
    assert!(
        changes[0]
            .1
            .ends_with("Updates now every 15 minutes (were every hour); next at 04:19 UTC"),
        "{}",
        changes[0].1
    );
}

async fn after_a_failure_the_hints_offer_retry_skip_or_a_workaround(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open high app-server Web tier down")
        .await;
    bot.say("bob", "/incident step fail health check hangs")
        .await;
    bot.posts().await;
    let retry = "Step 1 failed — /incident step retry [note] · skip <reason> · done <workaround>";
    bot.advance(15).await;
    let posts = bot.posts().await;
    let kinds: Vec<(i64, MessageKind)> = posts.iter().map(|(m, p)| (*m, p.kind)).collect();
    assert_eq!(kinds, vec![(2, Nudge), (15, Update)]);
    for (_, post) in &posts {
        let text = post.plain_text();
        assert!(text.contains(retry), "{text}");
        assert!(!text.contains("Done?"), "{text}");
    }
    let status = bot
        .say("alice", "/incident status")
        .await
        .expect("status")
        .plain_text();
    assert!(status.contains(retry), "{status}");
    assert!(!status.contains("Confirm it:"), "{status}");
    // Retried, the step is an ordinary one again.
    bot.say("bob", "/incident step retry").await;
    let status = bot
        .say("alice", "/incident status")
        .await
        .expect("status")
        .plain_text();
    assert!(!status.contains(retry), "{status}");
    assert!(
        status.contains("Confirm it: /incident step done"),
        "{status}"
    );
}

on_both_backends! {
    updates_say_every_5_minutes(db) => updates_say_the_configured_cadence(db);
    severity_low_moves_the_updates_to_hourly(db) => a_lower_severity_moves_the_updates_and_says_so(db);
    hints_after_a_failure(db) => after_a_failure_the_hints_offer_retry_skip_or_a_workaround(db);
    updates_at_15_30_45_and_none_after_resolve(db) => updates_every_fifteen_minutes_until_resolved(db);
    rto_warnings_at_50_80_100_percent(db) => rto_warnings_at_half_four_fifths_and_all_of_the_target(db);
    one_catch_up_after_downtime(db) => one_catch_up_after_downtime_then_the_original_cadence(db);
}
