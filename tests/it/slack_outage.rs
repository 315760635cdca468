//! Slack failing for most of an hour, first by hanging (every call times out), then down (its
//! port closed: connections refused), then back: the engine goes on queueing its posts on
//! time, the outbox keeps every one, retries with a backoff that doubles up to 5 minutes and
//! says so in the log, and once Slack answers again delivers each post once, in order. In
//! virtual time: the engine's scheduler and the outbox worker share one simulated clock, moved
//! to whichever of them is due next.

use std::sync::Arc;
use std::time::Duration;

use chrono::DateTime;
use incident_bot::chat::slack::sender::{SenderOptions, SlackSender};
use incident_bot::chat::slack::web::SlackWeb;
use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::engine::{Engine, EngineConfig, Invocation};
use incident_bot::incident::Person;
use incident_bot::outbox::{Attempt, DeliveryPolicy, OutboxWorker, Outcome};
use incident_bot::platform::Platform;
use incident_bot::store::ChannelKey;
use sqlx::Row;

use crate::fixtures::shared_runbook;
use crate::log_capture::Log;
use crate::sender_rig::CALL_TIMEOUT;
use crate::slack_standin::{Answer, SlackStandIn, BOT_TOKEN};
use crate::test_bot::{MINUTE_MS, START_MS};
use crate::test_db::TestDb;

// Single-threaded, so that the log capture sees the worker's delivery tasks.
#[tokio::test]
async fn every_post_survives_an_hour_of_slack_hanging_then_down_on_sqlite() {
    slack_outage(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn every_post_survives_an_hour_of_slack_hanging_then_down_on_postgres() {
    slack_outage(TestDb::postgres().await).await;
}

/// The first calls hang (the attempts of the first minute, 1 s of real time each); from then
/// until [`BACK_AT_MIN`], the port is closed.
const HANGING_CALLS: usize = 6;
const DOWN_AT_MIN: i64 = 1;
const BACK_AT_MIN: i64 = 50;
/// When the test stops moving the clock, once everything queued went out.
const END_AT_MIN: i64 = 60;

fn channel() -> ChannelKey {
    ChannelKey {
        platform: Platform::Slack,
        workspace: "T0TEAM".to_owned(),
        channel: "C0INCIDENTS".to_owned(),
    }
}

async fn slack_outage(db: TestDb) {
    let clock = SimulatedClock::starting_at(DateTime::from_timestamp_millis(START_MS).unwrap());
    let runbook = Arc::new(shared_runbook());
    let config = EngineConfig::defaults_for(&runbook);
    let engine = Engine::start(db.store.clone(), runbook, Arc::new(clock.clone()), config)
        .await
        .unwrap();
    let slack = SlackStandIn::start().await;
    let web = SlackWeb::new(&slack.api_url(), BOT_TOKEN.to_owned())
        .unwrap()
        .with_timeout(CALL_TIMEOUT);
    let worker = OutboxWorker::new(
        db.store.clone(),
        Arc::new(clock.clone()),
        Arc::new(SlackSender::new(web, SenderOptions::default())),
        DeliveryPolicy {
            idle_poll: Duration::from_secs(3600),
            ..DeliveryPolicy::default()
        },
        engine.posts_queued().listen(),
    );
    let log = Log::default();
    let _capturing = log.capture();

    slack.script("chat.postMessage", (0..HANGING_CALLS).map(|_| Answer::Hang));
    let who = Invocation {
        channel: channel(),
        person: Person {
            id: "U-alice".into(),
            name: "alice".into(),
        },
        roles: Vec::new(),
    };
    let open =
        commands::parse_line("/incident open high app-server-failure Web tier down").unwrap();
    engine.handle(&who, open).await.unwrap();

    let mut attempts: Vec<Attempt> = Vec::new();
    let mut down = false;
    loop {
        let now = clock.now_millis().millis();
        let minute = (now - START_MS) / MINUTE_MS;
        if !down && (DOWN_AT_MIN..BACK_AT_MIN).contains(&minute) {
            slack.go_down().await;
            down = true;
        }
        if down && minute >= BACK_AT_MIN {
            slack.come_back().await;
            down = false;
        }
        engine.run_due_timers().await.unwrap();
        let round = worker.deliver_due().await.unwrap();
        attempts.extend(round.attempts);
        let next = [
            round.next_wake_at_ms.map(|at| at.millis()),
            engine
                .store()
                .next_due_at()
                .await
                .unwrap()
                .map(|at| at.millis()),
            Some(START_MS + DOWN_AT_MIN * MINUTE_MS),
            Some(START_MS + BACK_AT_MIN * MINUTE_MS),
        ]
        .into_iter()
        .flatten()
        .filter(|at| *at > now)
        .min()
        .unwrap_or(i64::MAX);
        if next > START_MS + END_AT_MIN * MINUTE_MS {
            break;
        }
        clock.set(DateTime::from_timestamp_millis(next).unwrap());
    }

    // The first post: no answer for a minute, then refused connections until Slack is back,
    // each attempt after a wait twice the one before, up to 5 minutes; then delivered.
    let first_post = attempts[0].post_id;
    let tries: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| a.post_id == first_post)
        .collect();
    let (last, failed) = tries.split_last().unwrap();
    assert!(matches!(last.outcome, Outcome::Sent { .. }), "{last:?}");
    let errors: Vec<String> = failed
        .iter()
        .map(|attempt| match &attempt.outcome {
            Outcome::Retry { error, .. } => error.to_string(),
            other => panic!("given up during an outage: {other:?}"),
        })
        .collect();
    let (timeouts, refused) = errors.split_at(HANGING_CALLS);
    assert!(
        timeouts.iter().all(|e| e.contains("no answer within 1s")),
        "{timeouts:#?}"
    );
    assert!(
        !refused.is_empty() && refused.iter().all(|e| e.contains("Connection refused")),
        "{refused:#?}"
    );
    let waits: Vec<i64> = tries
        .windows(2)
        .map(|pair| (pair[1].at_ms.millis() - pair[0].at_ms.millis()) / 1000)
        .collect();
    let doubling_to_five_minutes: Vec<i64> = (0..waits.len() as u32)
        .map(|n| 2i64.pow(n).min(300))
        .collect();
    assert_eq!(waits, doubling_to_five_minutes);
    assert!(
        last.at_ms.millis() - (START_MS + BACK_AT_MIN * MINUTE_MS) <= 300_000,
        "delivered within 5 minutes of Slack's return"
    );

    // The cadence went on while Slack was away: the nudge at +2, an update every 15 minutes.
    let queued: Vec<(String, i64)> =
        sqlx::query("SELECT kind, created_at_ms FROM outbox ORDER BY id")
            .fetch_all(engine.store().pool())
            .await
            .unwrap()
            .iter()
            .map(|row| {
                let created: i64 = row.get("created_at_ms");
                (row.get("kind"), (created - START_MS) / MINUTE_MS)
            })
            .collect();
    let queued: Vec<(&str, i64)> = queued.iter().map(|(k, m)| (k.as_str(), *m)).collect();
    assert_eq!(
        queued,
        [
            ("opened", 0),
            ("checklist", 0),
            ("nudge", 2),
            ("update", 15),
            ("update", 30),
            ("update", 45),
            ("update", 60),
        ]
    );
    // Each delivered once, in that order: what the channel shows.
    let shown: Vec<String> = slack
        .calls()
        .iter()
        .filter(|call| call.error.is_none())
        .map(|call| {
            let text = call.body["text"].as_str().unwrap_or_default();
            format!(
                "{} {}",
                call.method,
                text.lines().next().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "chat.postMessage INC-1 · Application Server Failure",
            "chat.postMessage Immediate Actions 0/3",
            "chat.postMessage INC-1 · Step 1 · budget used up",
            "chat.postMessage Update #1 · INC-1 · Application Server Failure",
            "chat.postMessage Update #2 · INC-1 · Application Server Failure",
            "chat.postMessage Update #3 · INC-1 · Application Server Failure",
            "chat.postMessage Update #4 · INC-1 · Application Server Failure",
        ]
    );

    // The log said what was going on, and that the wait stopped growing at 5 minutes.
    let log = log.text();
    for line in [
        "WARN",
        "could not post to slack (chat.postMessage: no answer within 1s); retrying in 1s",
        "Connection refused (os error 111)); retrying in 4m16s",
        "Connection refused (os error 111)); retrying in 5m attempt",
        "INFO",
        "delivered after",
    ] {
        assert!(log.contains(line), "{line:?} not in the log:\n{log}");
    }
}
