//! A SQLite database whose disk is full, simulated in-process: `PRAGMA max_page_count` pins the
//! file at the pages it has, so a write that needs one more fails with `SQLITE_FULL`, as it does
//! on a full disk. The person is told plainly that nothing was saved (no internal-error ref), the
//! log says "disk full", nothing of the command or of a due timer is half-written, and the bot
//! goes on as before once there is space again.

use chrono::Duration;
use incident_bot::chat::internal_error::internal_error;
use incident_bot::engine::{EngineError, Invocation};
use incident_bot::incident::Person;
use incident_bot::notify::MessageKind::{self, *};
use incident_bot::platform::Platform;

use crate::log_capture::Log;
use crate::test_bot::{channel, TestBot};

/// SQLite's largest `max_page_count`: the disk has room again.
const NO_PAGE_LIMIT: u64 = 4_294_967_294;

/// Pins the database at its present size (SQLite raises a limit below the file's size to it).
async fn fill_the_disk(bot: &TestBot) {
    set_max_page_count(bot, 1).await;
}

async fn free_space(bot: &TestBot) {
    set_max_page_count(bot, NO_PAGE_LIMIT).await;
}

/// On the store's writing connection (a SQLite file's main pool has exactly one).
async fn set_max_page_count(bot: &TestBot, pages: u64) {
    sqlx::query(&format!("PRAGMA max_page_count = {pages}"))
        .execute(bot.engine.store().pool())
        .await
        .expect("set max_page_count");
}

/// What `alice` typing `line` gets back: the engine's error, as the chat adapters see it.
async fn failing(bot: &TestBot, line: &str) -> EngineError {
    let command = commands::parse_line(line).expect("a valid command");
    let who = Invocation {
        channel: channel(),
        person: Person {
            id: "U-alice".into(),
            name: "alice".into(),
        },
        roles: Vec::new(),
    };
    match bot.engine.handle(&who, command).await {
        Ok(reply) => panic!("`{line}` was taken on a full disk: {reply:?}"),
        Err(error) => error,
    }
}

#[tokio::test]
async fn a_full_disk_refuses_plainly_writes_nothing_and_the_bot_goes_on_once_there_is_space() {
    let bot = TestBot::sqlite().await;
    bot.say(
        "alice",
        "/incident open high app-server-failure Web tier down",
    )
    .await;
    // A long note, which every update repeats: the update due at +15 needs pages of its own.
    let note = "checked every node of the web tier by hand; ".repeat(80);
    assert_eq!(
        bot.say("alice", &format!("/incident update {note}")).await,
        None
    );
    assert_eq!(
        bot.post_kinds().await,
        vec![(0, Opened), (0, Checklist), (0, Note)]
    );
    let events = bot.event_count(1).await;

    fill_the_disk(&bot).await;
    let error = failing(&bot, &format!("/incident step done {note}")).await;
    assert!(error.is_disk_full(), "{error}");
    let log = Log::default();
    let capturing = log.capture();
    let answer = internal_error(Platform::Slack, &error).plain_text();
    drop(capturing);
    assert_eq!(
        answer,
        "Not saved: incident-bot's database disk is full. Ask whoever runs the bot to free space \
         on it, then try again; until then, keep the incident going by hand here."
    );
    let log = log.text();
    assert!(log.contains("ERROR") && log.contains("disk full"), "{log}");
    assert_eq!(bot.event_count(1).await, events, "no event half-written");
    assert_eq!(bot.post_kinds().await, vec![], "nothing queued to post");

    // The step's nudge due at +2 cannot be recorded while the disk is full, and is not lost.
    let stalled = bot
        .engine
        .advance_clock(&bot.clock, Duration::minutes(15))
        .await
        .expect_err("an update recorded on a full disk");
    assert!(stalled.is_disk_full(), "{stalled}");
    assert_eq!(bot.event_count(1).await, events, "no event half-written");
    assert_eq!(bot.post_kinds().await, vec![], "nothing queued to post");

    free_space(&bot).await;
    // The simulated clock stopped at +2, where the nudge failed; from there, on time again.
    bot.advance(13).await;
    assert_eq!(
        bot.post_kinds().await,
        vec![(2, Nudge), (15, Update)],
        "the nudge and the update, once each"
    );
    assert_eq!(
        bot.say("alice", &format!("/incident step done {note}"))
            .await,
        None
    );
    let kinds: Vec<MessageKind> = bot.post_kinds().await.into_iter().map(|(_, k)| k).collect();
    assert_eq!(kinds, vec![Checklist], "the step taken once there is space");
    bot.advance(15).await;
    assert_eq!(
        bot.post_kinds().await,
        vec![(20, Nudge), (30, Update)],
        "step 2's nudge and the next update: the cadence goes on"
    );
}
