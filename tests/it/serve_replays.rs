//! A captured signed request sent again is refused by a second replica on the same PostgreSQL
//! database, and by the same bot on SQLite after a restart: the real app on 127.0.0.1 with
//! Slack's HTTP routes, the Slack stand-in, and the exact bytes and signature sent twice.

use std::sync::Arc;

use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::serve::{self, Running};

use crate::slack_requests::{command_body, post_signed};
use crate::slack_standin::SlackStandIn;
use crate::test_db::{unique_suffix, TestDb};

const REPLAYED: (u16, &str) = (401, "this exact request was already received (a replay)\n");

/// `serve` with Slack's routes, on `database_url` (else a SQLite file in `dir`).
async fn start(
    slack: &SlackStandIn,
    dir: &std::path::Path,
    database_url: Option<&str>,
    clock: &SimulatedClock,
) -> Running {
    let mut settings = crate::slack_serve::settings(slack, dir, &[]);
    if let Some(url) = database_url {
        settings.startup.database_url = url.into();
    }
    serve::start(&settings, Arc::new(clock.clone()))
        .await
        .unwrap()
}

fn commands_url(bot: &Running) -> String {
    format!("http://{}/slack/commands", bot.addr)
}

fn temporary_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("incident-bot-replays-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_replayed_to_a_second_replica_is_refused() {
    let db = TestDb::postgres().await;
    let slack = SlackStandIn::start().await;
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let (dir_a, dir_b) = (temporary_dir(), temporary_dir());
    let first = start(&slack, &dir_a, Some(&db.url), &clock).await;
    let second = start(&slack, &dir_b, Some(&db.url), &clock).await;
    let http = reqwest::Client::new();
    let sent_at = clock.now().timestamp();

    let open = command_body("/incident", "open critical db-loss Primary down");
    let (status, _) = post_signed(&http, &commands_url(&first), open.clone(), sent_at).await;
    assert_eq!(status, 200);
    let (status, body) = post_signed(&http, &commands_url(&second), open, sent_at).await;
    assert_eq!((status, body.as_str()), REPLAYED);
    let open_incidents = db.store.all_open_incidents().await.unwrap();
    assert_eq!(open_incidents.len(), 1, "{open_incidents:?}");

    // Sent to both at once: one takes it.
    let update = command_body("/incident", "update Restore running");
    let (first_url, second_url) = (commands_url(&first), commands_url(&second));
    let (to_first, to_second) = tokio::join!(
        post_signed(&http, &first_url, update.clone(), sent_at),
        post_signed(&http, &second_url, update, sent_at),
    );
    let mut statuses = [to_first.0, to_second.0];
    statuses.sort();
    assert_eq!(statuses, [200, 401], "{to_first:?} {to_second:?}");

    first.stop().await;
    second.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_replayed_after_a_restart_on_sqlite_is_refused() {
    let slack = SlackStandIn::start().await;
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let dir = temporary_dir();
    let http = reqwest::Client::new();
    let sent_at = clock.now().timestamp();
    let open = command_body("/incident", "open critical db-loss Primary down");
    let help = command_body("/incident", "help");

    let bot = start(&slack, &dir, None, &clock).await;
    let (status, _) = post_signed(&http, &commands_url(&bot), open.clone(), sent_at).await;
    assert_eq!(status, 200);
    let (status, _) = post_signed(&http, &commands_url(&bot), help.clone(), sent_at).await;
    assert_eq!(status, 200);
    let (status, body) = post_signed(&http, &commands_url(&bot), help.clone(), sent_at).await;
    assert_eq!((status, body.as_str()), REPLAYED);
    bot.stop().await;

    // The open was kept with its own commit, the help (which committed nothing) at the stop.
    let bot = start(&slack, &dir, None, &clock).await;
    for request in [open, help] {
        let (status, body) = post_signed(&http, &commands_url(&bot), request, sent_at).await;
        assert_eq!((status, body.as_str()), REPLAYED);
    }
    // A new request is taken.
    let status_request = command_body("/incident", "status");
    let (status, _) = post_signed(&http, &commands_url(&bot), status_request, sent_at).await;
    assert_eq!(status, 200);
    assert_eq!(
        bot.engine.store().all_open_incidents().await.unwrap().len(),
        1
    );
    bot.stop().await;
}
