//! `incident-bot outbox` with the real binary, on SQLite and PostgreSQL: it lists the posts not
//! delivered (a dead letter with its reason, a pending post), says how to retry, and
//! `--retry ID` puts a dead letter back in line; anything else is refused with a reason.

use incident_bot::notify::MessageKind;
use incident_bot::platform::Platform;
use incident_bot::store::{ChannelKey, Store};

use crate::sender_rig::{at, commit, new_post, text, T0};
use crate::test_db::{unique_suffix, TestDb};

/// Runs the binary with `args` and only `DATABASE_URL` set: exit code, stdout, stderr.
fn incident_bot(args: &[&str], database_url: &str) -> (i32, String, String) {
    crate::transcript::run_apart(args, &[("DATABASE_URL", database_url)])
}

/// Incident 1 with two posts in #C0INCIDENTS: the first given up as a dead letter after Slack
/// refused it, the second pending. Their ids.
async fn a_dead_letter_and_a_pending_post(store: &Store) -> (u64, u64) {
    let channel = ChannelKey {
        platform: Platform::Slack,
        workspace: "T0TEAM".to_owned(),
        channel: "C0INCIDENTS".to_owned(),
    };
    let posts = vec![
        new_post(&channel, &text(MessageKind::Opened, "INC-1 opened"), None),
        new_post(&channel, &text(MessageKind::Note, "a note"), None),
    ];
    store
        .create_incident(&channel, at(T0), &commit(posts, T0), at(T0))
        .await
        .unwrap();
    let queued = store.outbox_backlog(10).await.unwrap();
    let (dead, pending) = (queued[0].id, queued[1].id);
    store
        .mark_dead(
            dead,
            at(T0 + 15_000),
            "the platform cannot take this post: chat.postMessage answered msg_too_long",
        )
        .await
        .unwrap();
    (dead, pending)
}

fn assert_lists_both(stdout: &str, dead: u64, pending: u64) {
    assert!(
        stdout.contains("2 posts not delivered") && stdout.contains("1 pending, 1 dead."),
        "{stdout}"
    );
    let line = |id: u64| {
        stdout
            .lines()
            .find(|line| line.starts_with(&format!("#{id} ")))
            .unwrap_or_else(|| panic!("no line for #{id}: {stdout}"))
            .to_owned()
    };
    let dead_line = line(dead);
    assert!(
        dead_line.contains("INC-1  slack C0INCIDENTS  opened")
            && dead_line.contains("DEAD since 2026-11-25 03:04:15 UTC (1 failed attempt: ")
            && dead_line.contains("msg_too_long"),
        "{dead_line}"
    );
    assert!(
        line(pending).contains("note  queued 2026-11-25 03:04:00 UTC  pending, next try"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("incident-bot outbox --retry {dead}")),
        "{stdout}"
    );
}

/// The list, then a retry, which a sole writer holding the SQLite file refuses until it stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_dead_letters_and_retries_one_on_sqlite() {
    let dir = std::env::temp_dir().join(format!("incident-bot-outbox-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("bot.db").display());
    let store = Store::connect(&url).await.unwrap();
    let (dead, pending) = a_dead_letter_and_a_pending_post(&store).await;

    let (code, stdout, stderr) = incident_bot(&["outbox"], &url);
    assert_eq!(code, 0, "{stderr}");
    assert_lists_both(&stdout, dead, pending);

    let retry = dead.to_string();
    let (code, _, stderr) = incident_bot(&["outbox", "--retry", &retry], &url);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: the bot is running on ")
            && stderr.contains("stop the bot, run this again, then start the bot"),
        "{stderr}"
    );
    drop(store);

    retries_one_dead_letter(&url, dead, pending);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_dead_letters_and_retries_one_on_postgres() {
    let db = TestDb::postgres().await;
    let (dead, pending) = a_dead_letter_and_a_pending_post(&db.store).await;

    let (code, stdout, stderr) = incident_bot(&["outbox"], &db.url);
    assert_eq!(code, 0, "{stderr}");
    assert_lists_both(&stdout, dead, pending);
    retries_one_dead_letter(&db.url, dead, pending);
}

/// `--retry` of the dead letter queues it again; of a pending post it is refused; the list then
/// shows both pending.
fn retries_one_dead_letter(url: &str, dead: u64, pending: u64) {
    let (code, stdout, stderr) = incident_bot(&["outbox", "--retry", &dead.to_string()], url);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        format!(
            "Post #{dead} is queued again: it goes out next in its channel once the bot runs.\n"
        )
    );
    let (code, _, stderr) = incident_bot(&["outbox", "--retry", &pending.to_string()], url);
    assert_eq!(code, 1);
    assert_eq!(
        stderr,
        format!(
            "error: post #{pending} is not a dead letter (see `incident-bot outbox` for the ids)\n"
        )
    );
    let (code, _, stderr) = incident_bot(&["outbox", "--retry", "nine"], url);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("invalid value 'nine' for '--retry <ID>'"),
        "{stderr}"
    );

    let (code, stdout, _) = incident_bot(&["outbox"], url);
    assert_eq!(code, 0);
    assert!(stdout.contains("2 pending, 0 dead."), "{stdout}");
    assert!(!stdout.contains("--retry"), "{stdout}");
}
