//! `incident-bot outbox`: the posts the bot has not delivered, pending (with their attempts and
//! last error) and dead letters (given up: the platform could not take them), and
//! `--retry ID`, which puts a dead letter back in line. Listing only reads the database, so it
//! runs beside the bot; a retry writes, which a SQLite file allows only while the bot is stopped
//! (on PostgreSQL the running bot picks it up within seconds).

use std::process::ExitCode;

use crate::clock::{Clock, SystemClock};
use crate::instant::UnixMillis;
use crate::store::{DatabaseUrl, Store, StoreError, Waiting, WaitingPost};

/// The most posts of each state listed.
const LIST_LIMIT: u32 = 200;

pub async fn run(retry: Option<u64>, database_url: DatabaseUrl) -> ExitCode {
    match retry {
        Some(id) => retry_dead_letter(id, &database_url).await,
        None => list(&database_url).await,
    }
}

async fn list(database_url: &DatabaseUrl) -> ExitCode {
    let store = match Store::connect_read_only(database_url.expose()).await {
        Ok(store) => store,
        Err(error) => return failed(&error),
    };
    match store.outbox_backlog(LIST_LIMIT).await {
        Ok(waiting) => {
            print!("{}", listing(&waiting, &database_url.to_string()));
            ExitCode::SUCCESS
        }
        Err(error) => failed(&error),
    }
}

async fn retry_dead_letter(id: u64, database_url: &DatabaseUrl) -> ExitCode {
    let store = match Store::connect(database_url.expose()).await {
        Ok(store) => store,
        Err(StoreError::InUse { database, holder }) => {
            eprintln!(
                "error: the bot is running on {database} ({holder}), and a SQLite file has one \
                 writer: stop the bot, run this again, then start the bot (it sends the post)"
            );
            return ExitCode::from(2);
        }
        Err(error) => return failed(&error),
    };
    match store.retry_dead_letter(id, SystemClock.now_millis()).await {
        Ok(true) => {
            println!(
                "Post #{id} is queued again: it goes out next in its channel once the bot runs."
            );
            ExitCode::SUCCESS
        }
        Ok(false) => {
            eprintln!(
                "error: post #{id} is not a dead letter (see `incident-bot outbox` for the ids)"
            );
            ExitCode::from(1)
        }
        Err(error) => failed(&error),
    }
}

pub(super) fn failed(error: &StoreError) -> ExitCode {
    eprintln!("error: {}", crate::error_text::with_causes(error));
    ExitCode::from(2)
}

/// What the verb prints: a summary line, one line per post, and what to do about dead letters.
fn listing(waiting: &[WaitingPost], database: &str) -> String {
    let dead: Vec<u64> = waiting
        .iter()
        .filter(|post| matches!(post.state, Waiting::Dead { .. }))
        .map(|post| post.id)
        .collect();
    if waiting.is_empty() {
        return format!("The outbox of {database} is empty: every post was delivered.\n");
    }
    let mut text = format!(
        "{} of {database}: {} pending, {} dead.\n\n",
        plural(waiting.len(), "post not delivered", "posts not delivered"),
        waiting.len() - dead.len(),
        dead.len()
    );
    for post in waiting {
        text.push_str(&line(post));
        text.push('\n');
    }
    if let Some(first) = dead.first() {
        text.push_str(&format!(
            "\nA dead letter was given up after the platform refused it for good (the reason is \
             on its line). To try one again: incident-bot outbox --retry {first}\n"
        ));
    }
    text
}

/// `#12  INC-3  slack C0INCIDENTS  checklist  pending, next try 03:14:05 UTC (2 failed: …)`.
fn line(post: &WaitingPost) -> String {
    let incident = post
        .incident_id
        .map_or_else(|| "-".to_string(), |id| id.to_string());
    let state = match post.state {
        Waiting::Pending { next_attempt_at_ms } => {
            format!("pending, next try {}", clock_time(next_attempt_at_ms))
        }
        Waiting::Dead { at_ms } => format!("DEAD since {}", clock_time(at_ms)),
    };
    let history = match (&post.last_error, post.attempts) {
        (_, 0) | (None, _) => String::new(),
        (Some(error), attempts) => format!(
            " ({}: {error})",
            plural(attempts as usize, "failed attempt", "failed attempts")
        ),
    };
    format!(
        "#{}  {incident}  {} {}  {}  queued {}  {state}{history}",
        post.id,
        post.channel.platform.as_str(),
        post.channel.channel,
        post.kind,
        clock_time(post.created_at_ms)
    )
}

pub(super) fn clock_time(at: UnixMillis) -> String {
    at.to_datetime().map_or_else(
        || format!("{} ms", at.millis()),
        |time| time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
    )
}

pub(super) fn plural(count: usize, one: &str, many: &str) -> String {
    match count {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}
