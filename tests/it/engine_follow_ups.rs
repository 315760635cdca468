//! Follow-ups: each list of the runbook posted when its window opens (the first with RESOLVED),
//! with its deadline; items ticked by number or words; one reminder before the deadline only
//! while items are open; open or done in the post-mortem; and an incident resolved by an older
//! version (its `follow-up-N` timers, no lists) still posts, and can be ticked. In virtual time, on SQLite and on PostgreSQL.

use incident_bot::incident::{IncidentId, TimerKind};
use incident_bot::notify::MessageKind::*;
use sqlx::Connection;

use crate::test_bot::{TestBot, START_MS};
use crate::test_db::TestDb;

const HOUR: i64 = 60;
const DAY: i64 = 24 * HOUR;

async fn lists_at_their_windows_ticked_and_reminded_while_open(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open high app-server").await;
    bot.say("alice", "/incident resolve failover done").await;
    let posts = bot.posts().await;
    let kinds: Vec<_> = posts.iter().map(|(at, m)| (*at, m.kind)).collect();
    assert_eq!(
        kinds,
        vec![(0, Opened), (0, Checklist), (0, Resolved), (0, FollowUp)]
    );
    let resolved = posts[2].1.plain_text();
    assert!(
        resolved.contains(
            "• Within 1 Week: 5 items, posted 2026-11-26 03:04 UTC, due 2026-12-02 03:04 UTC"
        ),
        "{resolved}"
    );
    let first = posts[3].1.plain_text();
    assert!(
        first.starts_with("INC-1 · Follow-ups 1 of 3: Within 24 Hours\nWithin 24 Hours — 4 items, due by 2026-11-26 03:04 UTC (in 1d)."),
        "{first}"
    );
    let mut timers: Vec<(TimerKind, i64)> = bot
        .engine
        .store()
        .timers(IncidentId::new(1))
        .await
        .expect("timers")
        .into_iter()
        .map(|timer| (timer.kind, (timer.due_at_ms.millis() - START_MS) / 60_000))
        .collect();
    timers.sort();
    assert_eq!(
        timers,
        vec![
            (TimerKind::FollowUpOpens(1), DAY),
            (TimerKind::FollowUpOpens(2), 7 * DAY),
            (TimerKind::FollowUpReminder(0), 19 * HOUR + 12),
            (TimerKind::FollowUpReminder(1), DAY + 115 * HOUR + 12),
            (TimerKind::FollowUpReminder(2), 7 * DAY + 441 * HOUR + 36),
        ]
    );

    for line in [
        "/incident followup timeline done",
        "/incident followup 1.2 done",
        "/incident followup INC-1 1.3 done",
    ] {
        assert_eq!(bot.say("alice", line).await, None, "{line}");
    }
    let ticks = bot.posts().await;
    assert_eq!(ticks.len(), 3);
    assert_eq!(
        ticks[2].1.plain_text(),
        "INC-1 · Follow-ups\n☑ 1.3 Calculate actual vs. target RTO/RPO — done by alice. Within 24 Hours: 1 of 4 open."
    );
    let ambiguous = bot
        .say("bob", "/incident followup document done")
        .await
        .expect("a refusal")
        .plain_text();
    assert!(
        ambiguous.starts_with("`document` matches 2 follow-ups: 1.2 Document actions taken, 2.2 Document root cause analysis"),
        "{ambiguous}"
    );
    let twice = bot
        .say("bob", "/incident followup 1.2 done")
        .await
        .expect("a refusal")
        .plain_text();
    assert!(
        twice.starts_with("1.2 (Document actions taken) was already ticked by alice"),
        "{twice}"
    );

    bot.advance(19 * HOUR + 12).await;
    let reminder = bot.posts().await;
    assert_eq!(reminder.len(), 1, "{reminder:?}");
    let text = reminder[0].1.plain_text();
    assert!(
        text.starts_with("INC-1 · Follow-ups due soon: Within 24 Hours\n1 of 4 still open, due by 2026-11-26 03:04 UTC (in 4h 48m)."),
        "{text}"
    );
    bot.advance(DAY - (19 * HOUR + 12)).await;
    let week = bot.posts().await;
    assert_eq!(week.len(), 1);
    assert!(week[0]
        .1
        .plain_text()
        .starts_with("INC-1 · Follow-ups 2 of 3: Within 1 Week"));
    for item in 1..=5 {
        bot.say("bob", &format!("/incident followup 2.{item} done"))
            .await;
    }
    bot.posts().await;
    bot.advance(6 * DAY).await;
    let month = bot.posts().await;
    assert_eq!(
        month
            .iter()
            .map(|(at, m)| (*at, m.kind))
            .collect::<Vec<_>>(),
        vec![(7 * DAY, FollowUp)],
        "no reminder for a list that is done; the month's list opens"
    );
    assert!(month[0]
        .1
        .plain_text()
        .starts_with("INC-1 · Follow-ups 3 of 3: Within 1 Month"));
    bot.say("carol", "/incident followup 1.2 undo").await;
    bot.say("carol", "/postmortem").await;
    let draft = bot
        .posts()
        .await
        .into_iter()
        .find_map(|(_, m)| m.documents().first().map(|(_, md)| md.to_string()))
        .expect("the post-mortem document");
    for expected in [
        "### Within 24 Hours — due 2026-11-26 03:04 UTC (2 of 4 open)",
        "- [x] 1.1 Complete incident timeline — done by alice, 2026-11-25 03:04 UTC",
        "- [ ] 1.2 Document actions taken",
        "- [ ] 1.4 Identify immediate improvements",
        "### Within 1 Week — due 2026-12-02 03:04 UTC (all done)",
        "- [x] 2.5 Share learnings with team — done by bob, 2026-11-26 03:04 UTC",
        "carol took back the tick of follow-up 1.2 “Document actions taken”",
    ] {
        assert!(draft.contains(expected), "{expected}\n{draft}");
    }
}

/// An incident resolved by a version without follow-up windows has `follow-up-N` timers (due at
/// each deadline) and no lists: such a timer still posts its group at its deadline, the items can
/// still be ticked, and the next old timer then reminds only what is open.
async fn an_incident_resolved_by_an_older_version_keeps_working(db: TestDb) {
    let bot = TestBot::on(db).await;
    bot.say("alice", "/incident open high app-server").await;
    bot.say("alice", "/incident resolve failover done").await;
    bot.posts().await;
    // What an older version left: the state without lists, and its `follow-up-N` timers.
    let mut connection = sqlx::AnyConnection::connect(&bot.db.url)
        .await
        .expect("connect");
    let state: String = sqlx::query_scalar("SELECT state FROM incidents WHERE id = 1")
        .fetch_one(&mut connection)
        .await
        .expect("the state");
    let mut state: serde_json::Value = serde_json::from_str(&state).expect("JSON");
    state
        .as_object_mut()
        .expect("an object")
        .remove("follow_ups");
    sqlx::query("UPDATE incidents SET state = $1 WHERE id = 1")
        .bind(state.to_string())
        .execute(&mut connection)
        .await
        .expect("an older version's state");
    sqlx::query("DELETE FROM timers WHERE incident_id = 1")
        .execute(&mut connection)
        .await
        .expect("no new timers");
    for (group, due_minutes) in [(0, DAY), (1, 7 * DAY)] {
        sqlx::query("INSERT INTO timers (incident_id, name, due_at_ms) VALUES (1, $1, $2)")
            .bind(format!("follow-up-{group}"))
            .bind(START_MS + due_minutes * 60_000)
            .execute(&mut connection)
            .await
            .expect("an older version's timer");
    }
    connection.close().await.expect("close");
    let bot = bot.restarted().await;

    bot.advance(DAY).await;
    let posts = bot.posts().await;
    assert_eq!(posts.len(), 1, "{posts:?}");
    let text = posts[0].1.plain_text();
    assert!(
        text.starts_with("INC-1 · Follow-ups: Within 24 Hours"),
        "{text}"
    );
    assert!(text.contains("☐ Complete incident timeline"), "{text}");

    for item in 1..=5 {
        let line = format!("/incident followup 2.{item} done");
        assert_eq!(bot.say("bob", &line).await, None, "{line}");
    }
    bot.say("bob", "/incident followup 1.1 done").await;
    let ticks = bot.posts().await;
    assert_eq!(ticks.len(), 6, "{ticks:?}");
    bot.advance(6 * DAY).await;
    assert_eq!(
        bot.posts().await,
        vec![],
        "the 1-week list is done: its old deadline timer posts nothing"
    );
}

on_both_backends! {
    follow_ups_at_window_starts_ticked_and_reminded(db) => lists_at_their_windows_ticked_and_reminded_while_open(db);
    incidents_resolved_by_older_versions_keep_working(db) => an_incident_resolved_by_an_older_version_keeps_working(db);
}
