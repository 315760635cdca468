//! The status as the console shows it (the whole checklist: a transcript with a simulated clock,
//! snapshotted) and as `incident-bot status INC-n` prints it from a store it only reads.

use std::io::Write;
use std::process::Command;
use std::sync::{Arc, Mutex};

use chrono::DateTime;
use incident_bot::chat::console::{delivery_policy, Console, Terminal};
use incident_bot::clock::SimulatedClock;
use incident_bot::engine::{Engine, EngineConfig};
use incident_bot::outbox::OutboxWorker;
use tokio::io::AsyncBufReadExt;

use crate::fixtures::{path, shared_runbook};
use crate::test_bot::{TestBot, START_MS};
use crate::test_db::TestDb;

/// What the console writes, kept to read back.
#[derive(Clone, Default)]
struct Screen(Arc<Mutex<Vec<u8>>>);

impl Write for Screen {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .expect("the screen is not poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Screen {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("the screen is not poisoned")).into_owned()
    }
}

/// `script` typed by alice into a console on the shared runbook, its clock simulated from
/// 2026-11-25 03:04:00 UTC: everything the console showed.
async fn console_transcript(script: &str) -> String {
    let db = TestDb::sqlite().await;
    let runbook = Arc::new(shared_runbook());
    let clock =
        SimulatedClock::starting_at(DateTime::from_timestamp_millis(START_MS).unwrap_or_default());
    let engine = Engine::start(
        db.store.clone(),
        runbook.clone(),
        Arc::new(clock.clone()),
        EngineConfig::defaults_for(&runbook),
    )
    .await
    .expect("start the engine");
    let screen = Screen::default();
    let terminal = Arc::new(Terminal::new(screen.clone(), START_MS));
    let outbox = OutboxWorker::new(
        engine.store().clone(),
        Arc::new(clock.clone()),
        Arc::clone(&terminal),
        delivery_policy(),
        engine.posts_queued().listen(),
    );
    let mut console = Console::new(
        engine,
        outbox,
        terminal,
        Arc::new(clock.clone()),
        Some(clock),
        "alice",
    );
    let lines = tokio::io::BufReader::new(script.as_bytes()).lines();
    console
        .run(lines)
        .await
        .expect("the console runs the script");
    screen.text()
}

/// Half an hour into a database loss: step 2 skipped, step 5 failed. The status in the console
/// shows every phase with every step, the notes, each service's RTO and RPO, the roles, the
/// next update and the ways forward.
#[tokio::test]
async fn the_console_shows_the_whole_checklist() {
    let transcript = console_transcript(
        "/incident open critical db-loss Primary cluster unreachable\n\
         /advance 4m\n\
         /incident step done\n\
         /incident step skip the on-call lead had already paged everyone\n\
         /advance 2m\n\
         /incident step done latest dump is db-20261125-0200.dump.gz\n\
         /advance 12m\n\
         /incident step done\n\
         /advance 10m\n\
         /incident step fail restore.sh exits 1: checksum mismatch\n\
         /incident status\n",
    )
    .await;
    let status = transcript
        .rfind("── incident-bot")
        .map(|at| &transcript[at..])
        .expect("the status is the last thing shown");
    assert!(
        status.contains("  ✗ 5 Restore from most recent backup · failed, alice 03:32"),
        "{status}"
    );
    insta::assert_snapshot!("console_status_midway", status);
}

/// `incident-bot`, with the shared runbook and `DATABASE_URL` set to `database`.
fn incident_bot(args: &[&str], database: &str) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_incident-bot"))
        .args(args)
        .env(
            "RUNBOOK",
            path("runbooks/shared-disaster-recovery-runbook.md"),
        )
        .env("DATABASE_URL", database)
        .output()
        .expect("the binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn incident_bot_status_prints_the_whole_checklist_of_an_incident() {
    let bot = TestBot::sqlite().await;
    bot.say("alice", "/incident open critical db-loss").await;
    for _ in 0..3 {
        bot.advance(2).await;
        bot.say("alice", "/incident step done").await;
    }
    let url = bot.db.url.clone();

    // The bot still writes to the file: `status` only reads it.
    let (code, stdout, stderr) = incident_bot(&["status", "INC-1"], &url);
    assert_eq!(code, 0, "{stderr}");
    for expected in [
        "INC-1 · Complete Database Loss · critical",
        "✓ Immediate Actions · 3 of 3 confirmed in 6m",
        "  ✓ 1 Confirm the issue · alice 03:06 · 2m (budget 5m)",
        "  ▶ 4 Provision new database instance · running ",
        "☐ Post-Recovery · 4 steps\n  ☐ 8 Document timeline and actions taken\n",
        "  Database ",
        "  Roles ",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in\n{stdout}"
        );
    }

    // A bare number is the incident of that number, as in chat.
    let (code, by_number, stderr) = incident_bot(&["status", "1"], &url);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        by_number.contains("\nINC-1 · Complete Database Loss · critical\n"),
        "{by_number}"
    );

    let (code, stdout, stderr) = incident_bot(&["status", "INC-9"], &url);
    assert_eq!((code, stdout.as_str()), (1, ""));
    assert!(
        stderr.starts_with("error: there is no INC-9 in sqlite://"),
        "{stderr}"
    );

    let (code, _, stderr) = incident_bot(&["status", "nine"], &url);
    assert_eq!(code, 2);
    assert_eq!(
        stderr.trim(),
        "error: `nine` is not an incident reference — usage: incident-bot status INC-n (or n)"
    );

    let unopenable = format!(
        "sqlite://{}",
        std::env::temp_dir()
            .join("incident-bot-no-such-dir")
            .join("store.db")
            .display()
    );
    let (code, _, stderr) = incident_bot(&["status", "INC-1"], &unopenable);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
}

#[test]
fn reading_verbs_never_create_a_store_where_there_is_none() {
    let dir = std::env::temp_dir().join(format!("incident-bot-no-store-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let missing = dir.join("typo.db");
    let url = format!("sqlite://{}", missing.display());
    for args in [
        &["status", "INC-1"][..],
        &["postmortem", "INC-1"][..],
        &["outbox"][..],
        &["audit"][..],
    ] {
        let (code, stdout, stderr) = incident_bot(args, &url);
        assert_eq!((code, stdout.as_str()), (2, ""), "{args:?}: {stderr}");
        assert_eq!(
            stderr.trim(),
            format!(
                "error: there is no store at {}: nothing has been recorded there yet. Name the \
                 bot's store with --database-url or DATABASE_URL",
                missing.display()
            ),
            "{args:?}"
        );
        assert!(!missing.exists(), "{args:?} created {}", missing.display());
    }
    std::fs::remove_dir_all(&dir).ok();
}
