//! Two engines on one PostgreSQL database, as two replicas of `serve` run it: each due timer is
//! fired once whichever replica gets to it, and a step confirmed through both at once is
//! confirmed once.
//!
//! The race is made to happen, not hoped for: a transaction of the test holds the incident's row
//! while both replicas read the incident and decide on the same version, and lets it go only
//! once both commits are waiting for that row. One commit wins; the other finds the version moved
//! and is decided again on the fresh state.

use std::future::Future;
use std::time::Duration;

use incident_bot::instant::UnixMillis;
use incident_bot::notify::MessageKind::{self, *};
use sqlx::Connection;

use crate::test_bot::{say, TestBot, MINUTE_MS, START_MS};
use crate::test_db::TestDb;

/// Runs `a` and `b` at once, with both of their commits to INC-`incident` on the database at
/// `url` held until both are waiting.
async fn race<A: Future, B: Future>(
    url: &str,
    incident: u64,
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    let mut holder = sqlx::AnyConnection::connect(url).await.expect("connect");
    let mut watcher = sqlx::AnyConnection::connect(url).await.expect("connect");
    let mut hold = holder.begin().await.expect("begin");
    sqlx::query("SELECT id FROM incidents WHERE id = $1 FOR UPDATE")
        .bind(i64::try_from(incident).expect("an id"))
        .execute(&mut *hold)
        .await
        .expect("hold the incident's row");
    let release = async {
        until_commits_wait(&mut watcher, 2).await;
        hold.commit().await.expect("let the row go");
    };
    let (a, b, ()) = tokio::join!(a, b, release);
    (a, b)
}

/// Waits (real time, up to 10 s) until `count` statements of this database wait for a lock.
async fn until_commits_wait(watcher: &mut sqlx::AnyConnection, count: i64) {
    let mut waiting = 0;
    for _ in 0..1000 {
        waiting = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&mut *watcher)
        .await
        .expect("pg_stat_activity");
        if waiting >= count {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let activity: Vec<(Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT state, wait_event_type, query FROM pg_stat_activity \
         WHERE datname = current_database()",
    )
    .fetch_all(&mut *watcher)
    .await
    .expect("pg_stat_activity");
    panic!(
        "{count} commits never waited for the held row at once (at most {waiting} did): \
         {activity:#?}"
    );
}

/// Both replicas run every due timer up to `minute` after the start, each due time as a race.
async fn both_schedulers_until(bot: &TestBot, replica: &incident_bot::engine::Engine, minute: i64) {
    let end = UnixMillis::new(START_MS + minute * MINUTE_MS);
    while let Some(due) = bot.engine.store().next_due_at().await.expect("timers") {
        if due > end {
            break;
        }
        bot.clock.set(due.to_datetime().expect("a time"));
        let (a, b) = race(
            &bot.db.url,
            1,
            bot.engine.run_due_timers(),
            replica.run_due_timers(),
        )
        .await;
        a.expect("the first replica's timers");
        b.expect("the second replica's timers");
    }
    bot.clock.set(end.to_datetime().expect("a time"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_post_each_update_nudge_and_rto_warning_once() {
    let bot = TestBot::on(TestDb::postgres().await).await;
    let replica = bot.replica().await;
    // Database loss: updates every 15 minutes, RTO warnings at 15, 24 and 30 minutes (RTO 30
    // minutes; those at 15 and 30 are part of the updates), a nudge when a step outlasts its budget (step 1: 5 minutes; step 2, from +20:
    // 2 minutes).
    bot.say("alice", "/incident open critical db-loss").await;
    bot.posts().await;
    both_schedulers_until(&bot, &replica, 20).await;
    assert_eq!(bot.say("alice", "/incident step done").await, None);
    both_schedulers_until(&bot, &replica, 61).await;
    let automatic: Vec<(i64, MessageKind)> = bot
        .post_kinds()
        .await
        .into_iter()
        .filter(|(_, kind)| matches!(kind, Update | Nudge | RtoWarning))
        .collect();
    assert_eq!(
        automatic,
        vec![
            (5, Nudge),
            (15, Update),
            (22, Nudge),
            (24, RtoWarning),
            (30, Update),
            (45, Update),
            (60, Update),
        ],
        "each timer fired by one replica only"
    );
}

/// Alice and Bob confirm the same step at the same moment, through different replicas: both
/// decide on the same version and both commits wait for the row, so exactly one fails on the
/// moved version; its person is told by whom the step was confirmed, which only a decision on
/// the state after the winner's commit can say.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_confirmed_through_two_replicas_at_once_is_confirmed_once() {
    let bot = TestBot::on(TestDb::postgres().await).await;
    let replica = bot.replica().await;
    bot.say("alice", "/incident open critical db-loss").await;
    bot.posts().await;
    for line in ["/incident step 1 done", "/incident step done"] {
        // A minute after the last confirmation: both decide to confirm the current step.
        bot.clock.advance(chrono::Duration::minutes(1));
        let before = bot.event_count(1).await;
        let (first, second) = race(
            &bot.db.url,
            1,
            bot.say("alice", line),
            say(&replica, "bob", line),
        )
        .await;
        bot.assert_confirmed_once(line, before, [first, second])
            .await;
    }
}
