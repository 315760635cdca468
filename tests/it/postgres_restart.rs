//! PostgreSQL restarted under load loses no acknowledged command: `serve` on a server of the
//! test's own ([`PrivatePostgres`]), signed Slack commands sent without pause from a few
//! clients, `pg_ctl restart -m fast` in the middle. Every command answered with a success is in
//! the store exactly once; those that failed meanwhile were told so (the internal-error reply or
//! a 5xx, never a success), none is in the store twice; the same process takes commands again
//! once the server is back, and posts every update in the store to Slack once.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::serve;
use incident_bot::store::IncidentId;

use crate::private_postgres::PrivatePostgres;
use crate::slack_requests::{command_body, post_signed};
use crate::slack_standin::SlackStandIn;

/// Clients sending at once.
const CLIENTS: usize = 4;
/// Successes wanted before the restart, and after it.
const SUCCESSES_EACH_SIDE: usize = 30;
/// The longest the test waits for those.
const WAIT: Duration = Duration::from_secs(90);

/// How the bot answered one update.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    /// 2xx and not an error: the bot said it is recorded.
    Success,
    /// The internal-error reply, or a 5xx: the bot said it is not done.
    Failure(String),
}

#[derive(Debug)]
struct Outcome {
    number: usize,
    answer: Answer,
    /// When the answer came.
    at: Instant,
}

/// The text of update `number`: no update's text is inside another's.
fn update_text(number: usize) -> String {
    format!("Load update {number} done")
}

/// What the bot's answer to an update says.
fn classify(status: u16, body: &str) -> Answer {
    match status {
        200..=299 if body.contains("Internal error (ref ") => Answer::Failure(body.to_string()),
        200..=299 => Answer::Success,
        500..=599 => Answer::Failure(format!("{status} {body}")),
        _ => panic!("an update was answered {status} {body}: neither a success nor a failure"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_restart_under_load_loses_no_acknowledged_command() {
    let postgres = Arc::new(PrivatePostgres::start());
    let slack = SlackStandIn::start().await;
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let mut settings = crate::slack_serve::settings(&slack, &std::env::temp_dir(), &[]);
    settings.startup.database_url = postgres.url().into();
    let bot = serve::start(&settings, Arc::new(clock.clone()))
        .await
        .unwrap();
    let url = format!("http://{}/slack/commands", bot.addr);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let open = command_body("/incident", "open critical db-loss Primary down");
    let (status, body) = post_signed(&http, &url, open, clock.now().timestamp()).await;
    assert_eq!(classify(status, &body), Answer::Success, "{body}");

    let outcomes = Arc::new(Mutex::new(Vec::<Outcome>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let next = Arc::new(AtomicUsize::new(1));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (http, url, clock) = (http.clone(), url.clone(), clock.clone());
            let (outcomes, stop, next) = (outcomes.clone(), stop.clone(), next.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let number = next.fetch_add(1, Ordering::Relaxed);
                    let text = format!("update {}", update_text(number));
                    let form = command_body("/incident", &text);
                    let (status, body) =
                        post_signed(&http, &url, form, clock.now().timestamp()).await;
                    let answer = classify(status, &body);
                    let outcome = Outcome {
                        number,
                        answer,
                        at: Instant::now(),
                    };
                    outcomes
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(outcome);
                }
            })
        })
        .collect();
    let successes_since = |since: Instant| {
        outcomes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|outcome| outcome.answer == Answer::Success && outcome.at > since)
            .count()
    };
    let summary = || {
        let outcomes = outcomes.lock().unwrap_or_else(PoisonError::into_inner);
        let failed: Vec<_> = outcomes
            .iter()
            .filter(|outcome| outcome.answer != Answer::Success)
            .collect();
        format!("{} answers, failures: {failed:#?}", outcomes.len())
    };
    let wait_for_successes = |since: Instant, what: &'static str| {
        let summary = &summary;
        async move {
            let deadline = Instant::now() + WAIT;
            while successes_since(since) < SUCCESSES_EACH_SIDE {
                assert!(
                    Instant::now() < deadline,
                    "waited {WAIT:?} for {SUCCESSES_EACH_SIDE} updates taken {what}; {}",
                    summary()
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };

    let started = Instant::now();
    wait_for_successes(started, "before the restart").await;
    let restarting = postgres.clone();
    tokio::task::spawn_blocking(move || restarting.restart())
        .await
        .unwrap();
    let restarted = Instant::now();
    wait_for_successes(restarted, "after the restart, by the same process").await;
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }

    // Every update answered with a success is in the store once; none is there twice.
    let outcomes = std::mem::take(&mut *outcomes.lock().unwrap_or_else(PoisonError::into_inner));
    let events = bot.engine.store().events(IncidentId::new(1)).await.unwrap();
    let committed = |number: usize| {
        let text = update_text(number);
        events
            .iter()
            .filter(|event| event.data.contains(&text))
            .count()
    };
    let failures: Vec<&Outcome> = outcomes
        .iter()
        .filter(|outcome| outcome.answer != Answer::Success)
        .collect();
    for outcome in &outcomes {
        let expected = match outcome.answer {
            Answer::Success => 1..=1,
            // Cut off after its commit, a failure may be in the store: once at most.
            Answer::Failure(_) => 0..=1,
        };
        assert!(
            expected.contains(&committed(outcome.number)),
            "update {} ({:?}) is in the store {} times",
            outcome.number,
            outcome.answer,
            committed(outcome.number)
        );
    }
    // The outbox went on too: each update in the store posted to Slack once.
    let in_store: Vec<usize> = outcomes
        .iter()
        .map(|outcome| outcome.number)
        .filter(|number| committed(*number) == 1)
        .collect();
    let posts_of = |number: usize| {
        let text = update_text(number);
        slack
            .calls_to("chat.postMessage")
            .iter()
            .filter(|call| call.error.is_none() && call.body.to_string().contains(&text))
            .count()
    };
    let deadline = Instant::now() + WAIT;
    while in_store.iter().any(|number| posts_of(*number) == 0) {
        assert!(
            Instant::now() < deadline,
            "waited {WAIT:?} for the updates to be posted; not posted: {:?}",
            in_store
                .iter()
                .filter(|number| posts_of(**number) == 0)
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for number in &in_store {
        assert_eq!(posts_of(*number), 1, "update {number} posted twice");
    }
    let successes = outcomes.len() - failures.len();
    eprintln!(
        "{} updates: {successes} succeeded, {} failed during the restart",
        outcomes.len(),
        failures.len()
    );
    bot.stop().await;
}
