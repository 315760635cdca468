//! Corrections, in virtual time: reopening (timers resume, follow-ups withdrawn, 7 days at most),
//! cancelling (no RESOLVED, nothing scheduled, nothing measured, duplicates), amendments after
//! resolve (in the post-mortem, until 30 days or the post-mortem is final), and opening a
//! scenario that is already open. On SQLite and on PostgreSQL.

use incident_bot::incident::{IncidentId, TimerKind};
use incident_bot::notify::MessageKind::{self, *};
use incident_bot::notify::{Block, Message};

use crate::test_bot::{TestBot, MINUTE_MS, START_MS};
use crate::test_db::TestDb;

const DAY: i64 = 24 * 60;

fn refusal(reply: Option<Message>) -> String {
    match reply {
        Some(message) if message.kind == MessageKind::Error => message.plain_text(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// INC-`id`'s timers, as (kind, minute after the start).
async fn timers(bot: &TestBot, id: u64) -> Vec<(TimerKind, i64)> {
    let mut timers: Vec<(TimerKind, i64)> = bot
        .engine
        .store()
        .timers(IncidentId::new(id))
        .await
        .expect("timers")
        .into_iter()
        .map(|timer| {
            (
                timer.kind,
                (timer.due_at_ms.millis() - START_MS) / MINUTE_MS,
            )
        })
        .collect();
    timers.sort();
    timers
}

/// The posts since the last call about INC-`id`, as (minute, kind).
async fn kinds_of(bot: &TestBot, id: u64) -> Vec<(i64, MessageKind)> {
    bot.posts()
        .await
        .into_iter()
        .filter(|(_, message)| message.incident == Some(id))
        .map(|(minute, message)| (minute, message.kind))
        .collect()
}

/// The one post since the last call, which must be of `kind`; its text.
async fn only_post(bot: &TestBot, kind: MessageKind) -> String {
    let posts = bot.posts().await;
    assert_eq!(
        posts.iter().map(|(_, m)| m.kind).collect::<Vec<_>>(),
        vec![kind],
        "{posts:?}"
    );
    posts[0].1.plain_text()
}

/// The post-mortem document INC-`id` gets when someone asks for it now.
async fn postmortem(bot: &TestBot, id: u64) -> String {
    bot.say("carol", &format!("/postmortem INC-{id}")).await;
    bot.posts()
        .await
        .into_iter()
        .find_map(|(_, message)| {
            message.blocks.into_iter().find_map(|block| match block {
                Block::Document { markdown, .. } => Some(markdown),
                _ => None,
            })
        })
        .expect("a post-mortem document")
}

async fn reopening_resumes_the_cadence_and_withdraws_the_follow_ups(db: TestDb) {
    let bot = TestBot::on(db).await;
    // Scenario 2 has no RTO target: updates and nudges only.
    bot.say("alice", "/incident open high app-server").await;
    bot.advance(20).await;
    bot.say("alice", "/incident resolve restarted the web tier")
        .await;
    assert_eq!(
        kinds_of(&bot, 1).await,
        vec![
            (0, Opened),
            (0, Checklist),
            (2, Nudge),
            (15, Update),
            (20, Resolved),
            (20, FollowUp)
        ]
    );
    // The 24-hour list is posted with RESOLVED; the later lists open at the end of the window
    // before them, and each list has one reminder at 80% of its window.
    assert_eq!(
        timers(&bot, 1).await,
        vec![
            (TimerKind::FollowUpOpens(1), 20 + DAY),
            (TimerKind::FollowUpOpens(2), 20 + 7 * DAY),
            (TimerKind::FollowUpReminder(0), 20 + 19 * 60 + 12),
            (TimerKind::FollowUpReminder(1), 20 + DAY + 115 * 60 + 12),
            (TimerKind::FollowUpReminder(2), 20 + 7 * DAY + 441 * 60 + 36),
        ]
    );
    bot.advance(40).await;
    assert_eq!(kinds_of(&bot, 1).await, vec![]);

    assert_eq!(
        bot.say("bob", "/incident reopen errors are back after the restart")
            .await,
        None
    );
    let text = only_post(&bot, Change).await;
    assert!(
        text.starts_with(
            "INC-1 · Reopened · Application Server Failure\nReopened by bob: \"errors are back \
             after the restart\"\nIt was resolved 2026-11-25 03:24 UTC by alice. The 3 follow-up \
             reminders it scheduled are withdrawn."
        ),
        "{text}"
    );
    assert!(text.contains("Next update: 04:19 UTC"), "{text}");
    // The follow-ups are gone; the update keeps the opening's 15-minute grid (+75, not +75 from
    // the reopening); step 2's nudge was given before, so it is not set again.
    // Bob's reopening is a human command: the question to an incident left alone is 2 hours off.
    assert_eq!(
        timers(&bot, 1).await,
        vec![(TimerKind::Update, 75), (TimerKind::Stale, 60 + 120)]
    );
    let listed = bot.say("bob", "/incident list").await.expect("a list");
    assert!(listed.plain_text().contains("INC-1"), "{listed:?}");

    // A restarted bot knows it is open (SQLite: the index in memory; PostgreSQL: the column).
    let bot = bot.restarted().await;
    bot.advance(15).await;
    let posts = bot.posts().await;
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!((posts[0].0, posts[0].1.kind), (75, Update));
    assert!(
        posts[0].1.plain_text().starts_with("Update #2 · INC-1"),
        "the numbering goes on: {}",
        posts[0].1.plain_text()
    );
    assert_eq!(
        bot.say("bob", "/incident update rolling back the config")
            .await,
        None,
        "an open incident again: the usual rules"
    );
    assert_eq!(
        only_post(&bot, Note).await.lines().next(),
        Some("INC-1 · Update from bob")
    );

    // Resolved again: the follow-ups count from the second resolution, and none from the first.
    bot.advance(5).await;
    bot.say("bob", "/incident resolve config rolled back").await;
    assert_eq!(
        kinds_of(&bot, 1).await,
        vec![(80, Resolved), (80, FollowUp)]
    );
    bot.advance(DAY).await;
    assert_eq!(
        kinds_of(&bot, 1).await,
        vec![(80 + 19 * 60 + 12, FollowUp), (80 + DAY, FollowUp)],
        "the 24-hour list's reminder and the 1-week list, from the second resolution"
    );
}

async fn rto_warnings_resume_from_what_was_already_warned(db: TestDb) {
    let bot = TestBot::on(db).await;
    // Database loss: a 30-minute RTO, warned at 15, 24 and 30.
    bot.say("alice", "/incident open critical db-loss").await;
    bot.advance(16).await;
    bot.say("alice", "/incident resolve false start").await;
    bot.advance(4).await;
    bot.posts().await;
    bot.say("alice", "/incident reopen the replica is corrupt too")
        .await;
    bot.advance(11).await;
    // The 100% warning (T+30) is due with the update at T+30, so it is part of it.
    let warnings: Vec<(i64, String)> = bot
        .posts()
        .await
        .into_iter()
        .filter(|(_, message)| message.kind == RtoWarning || message.plain_text().contains("⚠ RTO"))
        .map(|(minute, message)| (minute, message.plain_text()))
        .collect();
    let minutes: Vec<i64> = warnings.iter().map(|(minute, _)| *minute).collect();
    assert_eq!(
        minutes,
        vec![24, 30],
        "50% was given before the resolve: {warnings:?}"
    );
    assert!(
        warnings[1].1.contains("⚠ RTO exceeded for Database"),
        "{warnings:?}"
    );
}

async fn reopening_is_refused_after_seven_days(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open high app-server").await;
    bot.say("alice", "/incident resolve restarted").await;
    bot.advance(7 * DAY + 1).await;
    bot.posts().await;
    let events = bot.event_count(1).await;
    let text = refusal(bot.say("bob", "/incident reopen INC-1 it is back").await);
    assert_eq!(
        text,
        "INC-1 was resolved 7 days ago (2026-11-25 03:04 UTC): an incident can be reopened for 7 \
         days after it is closed. Open a new one with /incident open <severity> <scenario>, and \
         name INC-1 in its description"
    );
    assert_eq!(bot.event_count(1).await, events, "nothing recorded");
    assert_eq!(bot.posts().await, vec![]);
    let text = refusal(bot.say("bob", "/incident reopen").await);
    assert!(text.starts_with("INC-1 was resolved 7 days ago"), "{text}");
}

async fn cancelling_posts_no_resolved_and_schedules_nothing(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.say("bob", "/incident open high corruption Invoices look wrong")
        .await;
    bot.advance(5).await;
    bot.posts().await;

    // With INC-1 and INC-2 open, `duplicate of INC-1` can only mean INC-2.
    assert_eq!(
        bot.say(
            "bob",
            "/incident cancel duplicate of INC-1 same outage, seen from billing"
        )
        .await,
        None
    );
    let text = only_post(&bot, Change).await;
    assert_eq!(
        text,
        "INC-2 · Cancelled · Data Corruption\n\
         Cancelled by bob as a duplicate of INC-1 (Complete Database Loss, critical, opened \
         2026-11-25 03:04 UTC by alice, investigating): work on INC-1.\n\
         Note: \"same outage, seen from billing\"\n\
         Not resolved: no RTO is measured, no follow-ups are scheduled, and INC-2 is left out of \
         the incident figures. Reopen it within 7 days if it is real: /incident reopen INC-2 \
         <reason>"
    );
    assert_eq!(timers(&bot, 2).await, vec![], "nothing scheduled");
    bot.advance(DAY + 60).await;
    assert_eq!(kinds_of(&bot, 2).await, vec![], "nothing posted for INC-2");

    let list = bot
        .say("bob", "/incident list")
        .await
        .expect("list")
        .plain_text();
    assert!(list.contains("Open incidents in this channel: 1"), "{list}");
    assert!(!list.contains("INC-2"), "{list}");
    let status = bot
        .say("bob", "/incident status INC-2")
        .await
        .expect("status")
        .plain_text();
    assert!(
        status.contains(
            "Status: Cancelled 2026-11-25 03:09 UTC by bob — duplicate of INC-1: \"same outage, \
             seen from billing\""
        ),
        "{status}"
    );
    assert!(
        status.contains("RTO/RPO: not measured: cancelled"),
        "{status}"
    );
    let markdown = postmortem(&bot, 2).await;
    assert!(
        markdown.contains("> CANCELLED: a duplicate of INC-1."),
        "{markdown}"
    );
    assert!(markdown.contains("- **Status:** Cancelled"), "{markdown}");

    // A cancelled incident takes nothing more, until it is reopened.
    let text = refusal(bot.say("bob", "/incident update INC-2 more").await);
    assert!(
        text.starts_with("INC-2 was cancelled 2026-11-25 03:09 UTC as a duplicate of INC-1"),
        "{text}"
    );
    assert_eq!(
        bot.say("bob", "/incident reopen INC-2 a second problem after all")
            .await,
        None
    );
    assert_eq!(
        only_post(&bot, Change).await.lines().nth(2),
        Some("It was cancelled 2026-11-25 03:09 UTC by bob.")
    );
    let list = bot
        .say("bob", "/incident list")
        .await
        .expect("list")
        .plain_text();
    assert!(list.contains("INC-1") && list.contains("INC-2"), "{list}");
}

async fn a_false_alarm_is_left_out_of_the_rto_figures(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.advance(40).await;
    bot.posts().await;
    let text = refusal(bot.say("alice", "/incident cancel").await);
    assert!(
        text.starts_with("`/incident cancel` needs a reason"),
        "{text}"
    );
    let text = refusal(
        bot.say("alice", "/incident cancel duplicate of INC-1")
            .await,
    );
    assert!(
        text.starts_with("INC-1 cannot be a duplicate of itself"),
        "{text}"
    );
    let text = refusal(
        bot.say("alice", "/incident cancel duplicate of INC-9")
            .await,
    );
    assert!(text.starts_with("There is no INC-9 here"), "{text}");

    bot.say(
        "alice",
        "/incident cancel false alarm: the probe pointed at the old cluster",
    )
    .await;
    let posts = bot.posts().await;
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].1.kind, Change);
    for figure in ["met", "missed", "RTO exceeded"] {
        assert!(!posts[0].1.plain_text().contains(figure), "{figure}");
    }
    let markdown = postmortem(&bot, 1).await;
    assert!(
        markdown.contains("- **RTO:** not measured: cancelled"),
        "{markdown}"
    );
    assert!(
        !markdown.contains("The RTO of 30m was missed"),
        "{markdown}"
    );
}

async fn amendments_after_resolve_reach_the_post_mortem(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.advance(10).await;
    bot.say("alice", "/incident resolve storage zone failure")
        .await;
    bot.advance(DAY).await;
    bot.posts().await;
    let follow_ups = timers(&bot, 1).await;

    // No incident open: each command means the channel's latest, INC-1.
    assert_eq!(bot.say("bob", "/incident rpo 2026-11-25 02:58").await, None);
    let text = only_post(&bot, Change).await;
    assert_eq!(
        text,
        "INC-1 · Amended after resolve · Complete Database Loss\n\
         Last good data recorded by bob: 02:58 UTC yesterday (2026-11-25) — RPO 6m, 1m over the \
         5m target\n\
         INC-1 stays resolved; the post-mortem shows the change."
    );
    assert_eq!(
        bot.say("bob", "/incident update the backup job had run out of disk")
            .await,
        None
    );
    let text = only_post(&bot, Note).await;
    assert!(
        text.starts_with(
            "INC-1 · Note from bob, after resolve\nthe backup job had run out of disk"
        ),
        "{text}"
    );
    assert_eq!(
        bot.say("alice", "/incident assign scribe @carol").await,
        None
    );
    assert!(only_post(&bot, Change)
        .await
        .contains("@carol is now scribe of INC-1"));
    assert_eq!(
        bot.say(
            "alice",
            "/incident resolve backup job ran out of disk; the dump was truncated"
        )
        .await,
        None
    );
    let text = only_post(&bot, Change).await;
    assert_eq!(
        text,
        "INC-1 · Root cause amended\n\
         Root cause amended by alice: \"backup job ran out of disk; the dump was truncated\"\n\
         Was: \"storage zone failure\"\n\
         INC-1 stays resolved; the post-mortem shows the change."
    );
    assert_eq!(
        timers(&bot, 1).await,
        follow_ups,
        "no update timer, no second set of follow-ups"
    );

    let markdown = postmortem(&bot, 1).await;
    for amended in [
        "| met (10m of 30m) | 6m against 5m: missed by 1m |",
        "- **Last good data:** 2026-11-25 02:58 UTC",
        "## Root cause\n\nbackup job ran out of disk; the dump was truncated\n",
        "- Scribe: @carol",
        "## Amended after resolve",
        "— bob recorded the last good data: 02:58:00 UTC — RPO 6m, 1m over the 5m target (after resolve)",
        "— bob posted an update: “the backup job had run out of disk” (after resolve)",
        "— alice amended the root cause: “backup job ran out of disk; the dump was truncated” \
         (was “storage zone failure”) (after resolve)",
    ] {
        assert!(markdown.contains(amended), "{amended}\n\n{markdown}");
    }

    // Marked final: the post-mortem is posted once more, and amendments end.
    let reply = bot
        .say("carol", "/postmortem final")
        .await
        .expect("a reply");
    assert_eq!(
        reply.plain_text(),
        "The post-mortem of INC-1 is marked final; the final draft is being posted in this \
         channel as a Markdown file."
    );
    let posts = bot.posts().await;
    assert_eq!(posts.len(), 1);
    assert!(posts[0].1.plain_text().starts_with(
        "Post-mortem of INC-1 marked final by carol: INC-1 takes no more amendments."
    ));
    let text = refusal(bot.say("bob", "/incident rpo 2026-11-25 02:59").await);
    assert_eq!(
        text,
        "the post-mortem of INC-1 was marked final by carol on 2026-11-26 03:14 UTC: INC-1 takes \
         no more amendments. Write it in the post-mortem document instead"
    );
    let text = refusal(bot.say("carol", "/postmortem final").await);
    assert!(
        text.starts_with("the post-mortem of INC-1 was marked final"),
        "{text}"
    );

    // With an incident open, the usual rule: the open one.
    bot.say("alice", "/incident open high app-server").await;
    bot.posts().await;
    assert_eq!(
        bot.say("bob", "/incident update web tier is flapping")
            .await,
        None
    );
    let posts = bot.posts().await;
    assert_eq!(posts[0].1.incident, Some(2));
    assert_eq!(posts[0].1.kind, Note);
}

async fn amendments_end_thirty_days_after_resolve(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open high app-server").await;
    bot.say("alice", "/incident resolve restarted").await;
    bot.advance(30 * DAY - 1).await;
    assert_eq!(bot.say("bob", "/incident update last words").await, None);
    bot.advance(2).await;
    bot.posts().await;
    let events = bot.event_count(1).await;
    for line in [
        "/incident update later words",
        "/incident rpo 2026-11-25 02:58",
        "/incident assign scribe @carol",
        "/incident resolve the real cause",
    ] {
        let text = refusal(bot.say("bob", line).await);
        assert_eq!(
            text,
            "INC-1 was resolved 30 days ago (2026-11-25 03:04 UTC): it takes amendments for 30 \
             days after resolve. Write it in the post-mortem document instead",
            "{line}"
        );
    }
    assert_eq!(bot.event_count(1).await, events);
    assert_eq!(bot.posts().await, vec![]);
}

async fn opening_a_scenario_already_open_names_it(db: TestDb) {
    let bot = TestBot::on(db).await;
    // A drill does not block a real incident of its scenario, nor the other way round.
    bot.say("carol", "/incident drill security").await;
    bot.say(
        "alice",
        "/incident open critical security Exfiltration alert",
    )
    .await;
    bot.advance(12).await;
    bot.posts().await;
    let text = refusal(
        bot.say("bob", "/incident open critical breach Second alert")
            .await,
    );
    assert_eq!(
        text,
        "INC-2 (Security Breach, critical) is already open here: opened 2026-11-25 03:04 UTC by \
         alice, 12m so far, now investigating. Nothing new was opened and nobody was paged. Work \
         on it: /incident status INC-2 — or open a second incident of this scenario: /incident \
         open critical breach --new Second alert"
    );
    assert!(bot
        .engine
        .store()
        .incident(IncidentId::new(3))
        .await
        .expect("read")
        .is_none());
    assert_eq!(bot.posts().await, vec![], "nobody paged again");

    assert_eq!(
        bot.say("bob", "/incident open critical breach --new Second alert")
            .await
            .map(|reply| reply.plain_text())
            .as_deref(),
        Some("INC-3 opened: breach → Security Breach (scenario 4, sec-breach).")
    );
    assert_eq!(bot.post_kinds().await, vec![(12, Opened), (12, Checklist)]);
    bot.say("dave", "/incident drill security").await;
    assert!(bot
        .engine
        .store()
        .incident(IncidentId::new(4))
        .await
        .expect("read")
        .is_some());
}

on_both_backends! {
    reopen_resumes_updates_and_withdraws_follow_ups(db) => reopening_resumes_the_cadence_and_withdraws_the_follow_ups(db);
    reopen_resumes_rto_warnings(db) => rto_warnings_resume_from_what_was_already_warned(db);
    reopen_after_seven_days_is_refused(db) => reopening_is_refused_after_seven_days(db);
    cancel_posts_no_resolved_and_schedules_nothing(db) => cancelling_posts_no_resolved_and_schedules_nothing(db);
    cancelled_false_alarm_is_not_measured(db) => a_false_alarm_is_left_out_of_the_rto_figures(db);
    amendments_after_resolve_in_the_post_mortem(db) => amendments_after_resolve_reach_the_post_mortem(db);
    amendments_window_closes_after_30_days(db) => amendments_end_thirty_days_after_resolve(db);
    open_of_an_open_scenario_names_it(db) => opening_a_scenario_already_open_names_it(db);
}
