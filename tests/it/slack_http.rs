//! Slack's HTTP routes with correctly signed requests built like Slack's, on the real engine
//! and a SQLite file: what is accepted runs, what is refused changes nothing.

use std::sync::{Arc, Mutex};

use chrono::DateTime;
use incident_bot::chat::slack::http::{routes, FollowUps, SlackHttp};
use incident_bot::chat::slack::ingress::FollowUp;
use incident_bot::chat::slack::signature::{ReplayGuard, SigningSecret};
use incident_bot::clock::SimulatedClock;
use incident_bot::engine::{Engine, EngineConfig};
use incident_bot::incident::{ChannelKey, IncidentId};
use incident_bot::instant::UnixMillis;
use incident_bot::platform::Platform;
use serde_json::{json, Value};

use crate::fixtures::shared_runbook;
use crate::slack_requests::{button_payload, command_body, form, post_signed, post_with};
use crate::test_db::TestDb;

const SAMPLE_BODY: &str = include_str!("../fixtures/slack/slack_slash_command_incident_open.txt");
const SAMPLE_SIGNATURE: &str =
    include_str!("../fixtures/slack/slack_slash_command_incident_open.signature.json");
const CLICK_SAMPLE_BODY: &str =
    include_str!("../fixtures/slack/slack_block_actions_incident_checklist.form.txt");
const CLICK_SAMPLE_SIGNATURE: &str =
    include_str!("../fixtures/slack/slack_block_actions_incident_checklist.form.signature.json");

/// The slash command sample's secret, time and signature.
fn sample() -> (SigningSecret, i64, String) {
    signed_sample(SAMPLE_SIGNATURE)
}

fn signed_sample(signature: &str) -> (SigningSecret, i64, String) {
    let json: Value = serde_json::from_str(signature).unwrap();
    (
        SigningSecret::new(json["signing_secret"].as_str().unwrap()),
        json["timestamp"].as_str().unwrap().parse().unwrap(),
        json["expected_signature"].as_str().unwrap().to_string(),
    )
}

#[derive(Default)]
struct Recorded(Mutex<Vec<FollowUp>>);

impl FollowUps for Recorded {
    fn follow_up(&self, follow_up: FollowUp) {
        self.0.lock().unwrap().push(follow_up);
    }
}

struct App {
    url: String,
    http: reqwest::Client,
    secret: SigningSecret,
    clock: SimulatedClock,
    engine: Arc<Engine>,
    follow_ups: Arc<Recorded>,
    _db: TestDb,
}

/// The routes on 127.0.0.1, with the clock at `now` (Unix seconds).
async fn app(now: i64) -> App {
    let db = TestDb::sqlite().await;
    let clock = SimulatedClock::starting_at(DateTime::from_timestamp(now, 0).unwrap());
    let runbook = Arc::new(shared_runbook());
    let config = EngineConfig::defaults_for(&runbook);
    let engine = Arc::new(
        Engine::start(db.store.clone(), runbook, Arc::new(clock.clone()), config)
            .await
            .unwrap(),
    );
    let (secret, _, _) = sample();
    let follow_ups = Arc::new(Recorded::default());
    let state = Arc::new(SlackHttp {
        engine: engine.clone(),
        clock: Arc::new(clock.clone()),
        secret: secret.clone(),
        replays: ReplayGuard::default(),
        follow_ups: follow_ups.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, routes(state)).await });
    App {
        url,
        http: reqwest::Client::new(),
        secret,
        clock,
        engine,
        follow_ups,
        _db: db,
    }
}

impl App {
    fn now(&self) -> i64 {
        use incident_bot::clock::Clock;
        self.clock.now().timestamp()
    }

    /// Sends `body` to `path` signed at `ts` with `signature` (or a correct one).
    async fn send_raw(
        &self,
        path: &str,
        body: String,
        ts: i64,
        signature: Option<String>,
        content_type: &str,
    ) -> (u16, String) {
        let signature =
            signature.unwrap_or_else(|| self.secret.sign(&ts.to_string(), body.as_bytes()));
        let url = format!("{}{path}", self.url);
        post_with(&self.http, &url, body, ts, &signature, content_type).await
    }

    async fn send(&self, path: &str, body: String) -> (u16, String) {
        post_signed(&self.http, &format!("{}{path}", self.url), body, self.now()).await
    }

    async fn command(&self, text: &str) -> (u16, String) {
        self.send("/slack/commands", command_body("/incident", text))
            .await
    }

    async fn click(&self, payload: Value) -> (u16, String) {
        let body = form(&[("payload", &payload.to_string())]);
        self.send("/slack/interactions", body).await
    }

    async fn incidents(&self) -> usize {
        self.engine
            .store()
            .all_open_incidents()
            .await
            .unwrap()
            .len()
    }

    async fn step_confirmations(&self, id: u64) -> Vec<String> {
        self.engine
            .store()
            .events(IncidentId::new(id))
            .await
            .unwrap()
            .into_iter()
            .filter(|event| event.kind.starts_with("step_"))
            .map(|event| event.kind)
            .collect()
    }
}

fn channel() -> ChannelKey {
    ChannelKey {
        platform: Platform::Slack,
        workspace: "T1DC2JH3J".into(),
        channel: "C0INCIDENT1".into(),
    }
}

fn button(action_id: &str, value: &str) -> Value {
    button_payload(
        action_id,
        value,
        "1700000000.000100",
        "http://127.0.0.1:9/actions/1",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slacks_signed_sample_opens_the_incident_in_its_channel() {
    let (_, ts, signature) = sample();
    let app = app(ts + 5).await;
    let (status, body) = app
        .send_raw(
            "/slack/commands",
            SAMPLE_BODY.trim_end().to_string(),
            ts,
            Some(signature),
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!((status, body.as_str()), (200, ""));
    let open = app.engine.store().open_incidents(&channel()).await.unwrap();
    assert_eq!(open.len(), 1);
    let posts = app
        .engine
        .store()
        .pending_posts(Platform::Slack, UnixMillis::new(i64::MAX), 10)
        .await
        .unwrap();
    let kinds: Vec<&str> = posts.iter().map(|post| post.kind.as_str()).collect();
    assert_eq!(kinds, ["opened", "checklist"]);
}

/// Slack's signed `block_actions` sample is verified and read: a button the bot did not make
/// (`checklist_confirm`) is acknowledged, and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slacks_signed_click_sample_is_read_and_acknowledged() {
    let (_, ts, signature) = signed_sample(CLICK_SAMPLE_SIGNATURE);
    let app = app(ts + 5).await;
    app.command("open critical db-loss").await;
    let events = app
        .engine
        .store()
        .events(IncidentId::new(1))
        .await
        .unwrap()
        .len();
    let (status, body) = app
        .send_raw(
            "/slack/interactions",
            CLICK_SAMPLE_BODY.trim_end().to_string(),
            ts,
            Some(signature),
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(
        app.engine
            .store()
            .events(IncidentId::new(1))
            .await
            .unwrap()
            .len(),
        events
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_forged_stale_replayed_oversized_and_non_form_requests_change_nothing() {
    let (_, ts, signature) = sample();
    let app = app(ts + 5).await;
    let body = SAMPLE_BODY.trim_end().to_string();
    let form_type = "application/x-www-form-urlencoded";
    let forged = body.replace("critical", "low");
    let refused = [
        // Signed with another secret, or the body changed after signing.
        app.send_raw(
            "/slack/commands",
            forged,
            ts,
            Some(signature.clone()),
            form_type,
        )
        .await,
        // Correctly signed, six minutes old.
        app.send_raw("/slack/commands", body.clone(), ts - 360, None, form_type)
            .await,
        // Not a signature at all.
        app.send_raw(
            "/slack/commands",
            body.clone(),
            ts,
            Some("sha256=00".into()),
            form_type,
        )
        .await,
        // JSON instead of a form.
        app.send_raw("/slack/commands", "{}".into(), ts, None, "application/json")
            .await,
        // 100 KB.
        app.send_raw("/slack/commands", "a".repeat(100_000), ts, None, form_type)
            .await,
    ];
    let statuses: Vec<u16> = refused.iter().map(|(status, _)| *status).collect();
    assert_eq!(statuses, [401, 401, 400, 415, 413], "{refused:?}");
    assert!(
        refused[1].1.contains("outside the 300 s window"),
        "{refused:?}"
    );
    let no_headers = app
        .http
        .post(format!("{}/slack/commands", app.url))
        .header("content-type", form_type)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(no_headers.status().as_u16(), 400);
    assert_eq!(app.incidents().await, 0);

    // The genuine request once; the same bytes again are a replay.
    let genuine = app
        .send_raw(
            "/slack/commands",
            body.clone(),
            ts,
            Some(signature.clone()),
            form_type,
        )
        .await;
    assert_eq!(genuine.0, 200);
    let replayed = app
        .send_raw("/slack/commands", body, ts, Some(signature), form_type)
        .await;
    assert_eq!(replayed.0, 401, "{replayed:?}");
    assert!(replayed.1.contains("already received"), "{replayed:?}");
    assert_eq!(app.incidents().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mistakes_come_back_only_to_the_typist_with_the_usage() {
    let app = app(1_795_575_840).await;
    let (status, body) = app.command("open critcal db-loss").await;
    assert_eq!(status, 200);
    let reply: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(reply["response_type"], "ephemeral");
    let text = reply.to_string();
    assert!(
        text.contains("critcal") && text.contains("/incident open &lt;severity&gt;"),
        "{text}"
    );
    let (_, body) = app.command("open critical no-such-thing").await;
    assert!(
        body.contains("ephemeral") && body.contains("no-such-thing"),
        "{body}"
    );
    let missing_fields = app.send("/slack/commands", form(&[("text", "list")])).await;
    assert_eq!(missing_fields.0, 400, "{missing_fields:?}");
    let other = app
        .send("/slack/commands", command_body("/deploy", "list"))
        .await;
    assert!(
        other.1.contains("answers /incident and /postmortem"),
        "{other:?}"
    );
    assert_eq!(app.incidents().await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_up_buttons_tick_items() {
    let app = app(1_795_575_840).await;
    app.command("open high app-server").await;
    app.command("resolve failover done").await;
    let (status, _) = app.click(button("follow_up_done:1.2", "INC-1:1.2")).await;
    assert_eq!(status, 200);
    let events = app.engine.store().events(IncidentId::new(1)).await.unwrap();
    let ticked = events.last().unwrap();
    assert_eq!(ticked.kind, "follow_up_ticked");
    assert!(ticked.data.contains("wile_e"), "{}", ticked.data);
    app.clock.advance(chrono::Duration::seconds(1));
    app.click(button("follow_up_done:1.2", "INC-1:1.2")).await;
    let told = app.follow_ups.0.lock().unwrap().pop();
    match told {
        Some(FollowUp::Tell { message, .. }) => assert!(
            message
                .plain_text()
                .starts_with("1.2 (Document actions taken) was already ticked by wile_e"),
            "{message:?}"
        ),
        other => panic!("expected a reply to the clicker, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_confirm_steps_and_skip_asks_for_a_reason_in_a_modal() {
    let app = app(1_795_575_840).await;
    assert_eq!(
        app.command("open critical db-loss Primary down").await.0,
        200
    );

    let (status, _) = app.click(button("step_done", "INC-1:0")).await;
    assert_eq!(status, 200);
    assert_eq!(app.step_confirmations(1).await, ["step_confirmed"]);

    // The same click a second later (a double click): told, not confirmed twice.
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(app.click(button("step_done", "INC-1:0")).await.0, 200);
    assert_eq!(app.step_confirmations(1).await, ["step_confirmed"]);
    let told = app.follow_ups.0.lock().unwrap().pop();
    match told {
        Some(FollowUp::Tell {
            response_url,
            message,
        }) => {
            assert_eq!(response_url, "http://127.0.0.1:9/actions/1");
            assert!(
                message
                    .plain_text()
                    .contains("already confirmed done by wile_e at 03:04:00 UTC"),
                "{message:?}"
            );
        }
        other => panic!("expected a reply to the clicker, got {other:?}"),
    }

    // Skip: a modal asks why; nothing is recorded until it is submitted.
    app.click(button("step_skip", "INC-1:1")).await;
    let view = match app.follow_ups.0.lock().unwrap().pop() {
        Some(FollowUp::OpenModal { trigger_id, view }) => {
            assert!(trigger_id.ends_with("6703d"));
            serde_json::to_value(view).unwrap()
        }
        other => panic!("expected a modal, got {other:?}"),
    };
    assert_eq!(app.step_confirmations(1).await, ["step_confirmed"]);
    let submission = |reason: &str| {
        json!({
            "type": "view_submission",
            "team": { "id": "T1DC2JH3J" },
            "user": { "id": "U0COYOTE", "username": "wile_e" },
            "view": {
                "callback_id": view["callback_id"],
                "private_metadata": view["private_metadata"],
                "state": { "values": { "reason": { "reason": { "type": "plain_text_input", "value": reason } } } }
            }
        })
    };
    let (status, body) = app.click(submission("   ")).await;
    assert_eq!(status, 200);
    assert!(body.contains("\"response_action\":\"errors\""), "{body}");
    let (status, body) = app.click(submission("replica already promoted")).await;
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(
        app.step_confirmations(1).await,
        ["step_confirmed", "step_confirmed"]
    );
    let events = app.engine.store().events(IncidentId::new(1)).await.unwrap();
    let skipped = &events.last().unwrap().data;
    assert!(
        skipped.contains("replica already promoted") && skipped.contains("wile_e"),
        "{skipped}"
    );

    // Junk: a button the bot did not make, a payload that is not JSON.
    assert_eq!(app.click(button("approve", "x")).await.0, 200);
    let junk = app
        .send("/slack/interactions", form(&[("payload", "{not json")]))
        .await;
    assert_eq!(junk.0, 400);
    assert_eq!(
        app.step_confirmations(1).await,
        ["step_confirmed", "step_confirmed"]
    );
}

/// Signed clicks and reason forms naming a step past any checklist (around `u64::MAX`, or one
/// past the last step number people can type): refused with a reply to the clicker (the form:
/// with the error in the modal), and nothing recorded. The last step number people can type
/// reaches the engine, which says the checklist is shorter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicks_on_a_step_past_any_checklist_are_refused_with_a_reply() {
    let app = app(1_795_575_840).await;
    assert_eq!(
        app.command("open critical db-loss Primary down").await.0,
        200
    );
    for step in [
        "18446744073709551615",
        "18446744073709551614",
        "18446744073709551616",
        "4294967295",
    ] {
        let refusal = format!(
            "This button names step {step} of INC-1, and no checklist has that many steps. See \
             the current steps with /incident status INC-1, and confirm one with /incident step \
             INC-1 <number> done."
        );
        for action in ["step_done", "step_skip", "step_fail"] {
            let value = format!("INC-1:{step}");
            let (status, body) = app.click(button(action, &value)).await;
            assert_eq!((status, body.as_str()), (200, ""));
            match app.follow_ups.0.lock().unwrap().pop() {
                Some(FollowUp::Tell { message, .. }) => {
                    assert_eq!(message.plain_text(), refusal);
                }
                other => panic!("expected a reply to the clicker, got {other:?}"),
            }
            let forged = json!({
                "type": "view_submission",
                "team": { "id": "T1DC2JH3J" },
                "user": { "id": "U0COYOTE", "username": "wile_e" },
                "view": {
                    "callback_id": "step_reason",
                    "private_metadata": format!("{action}|{value}|C0INCIDENT1"),
                    "state": { "values": { "reason": { "reason": { "type": "plain_text_input", "value": "why" } } } }
                }
            });
            let (status, body) = app.click(forged).await;
            assert_eq!(status, 200);
            assert!(body.contains("\"response_action\":\"errors\""), "{body}");
            assert!(
                body.contains(&format!("This button names step {step}")),
                "{body}"
            );
        }
    }
    app.click(button("step_done", "INC-1:4294967294")).await;
    match app.follow_ups.0.lock().unwrap().pop() {
        Some(FollowUp::Tell { message, .. }) => assert!(
            message
                .plain_text()
                .contains("there is no step 4294967295: this checklist has"),
            "{message:?}"
        ),
        other => panic!("expected a reply to the clicker, got {other:?}"),
    }
    assert!(app.step_confirmations(1).await.is_empty());
}

/// The card's Restored button marks every service restored; Resolve asks for a root cause in a
/// modal, which may be left empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restored_and_resolve_buttons() {
    let app = app(1_795_575_840).await;
    app.command("open high app-server --services database")
        .await;
    for step in 0..3 {
        app.clock.advance(chrono::Duration::seconds(30));
        let value = format!("INC-1:{step}");
        assert_eq!(app.click(button("step_done", &value)).await.0, 200);
    }
    let kinds = |events: Vec<incident_bot::store::StoredEvent>| -> Vec<String> {
        events.into_iter().map(|event| event.kind).collect()
    };
    let (status, body) = app.click(button("incident_restored", "INC-1")).await;
    assert_eq!((status, body.as_str()), (200, ""));
    let events = kinds(app.engine.store().events(IncidentId::new(1)).await.unwrap());
    assert_eq!(events.last().map(String::as_str), Some("services_restored"));

    app.click(button("incident_resolve", "INC-1")).await;
    let view = match app.follow_ups.0.lock().unwrap().pop() {
        Some(FollowUp::OpenModal { view, .. }) => serde_json::to_value(view).unwrap(),
        other => panic!("expected the root-cause modal, got {other:?}"),
    };
    assert_eq!(view["blocks"][0]["optional"], true);
    assert_eq!(
        app.incidents().await,
        1,
        "nothing resolved before the modal is sent"
    );
    let submission = json!({
        "type": "view_submission",
        "team": { "id": "T1DC2JH3J" },
        "user": { "id": "U0COYOTE", "username": "wile_e" },
        "view": {
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": { "values": { "reason": { "reason": { "type": "plain_text_input", "value": null } } } }
        }
    });
    let (status, body) = app.click(submission).await;
    assert_eq!((status, body.as_str()), (200, ""));
    assert_eq!(app.incidents().await, 0, "resolved without a root cause");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_post_mortem_goes_to_the_channel_as_a_file() {
    let app = app(1_795_575_840).await;
    app.command("open critical db-loss").await;
    let body = command_body("/postmortem", "");
    let (status, body) = app.send("/slack/commands", body).await;
    assert_eq!(status, 200);
    assert!(body.contains("is being posted in this channel"), "{body}");
    let posts = app
        .engine
        .store()
        .pending_posts(Platform::Slack, UnixMillis::new(i64::MAX), 10)
        .await
        .unwrap();
    let last = posts.last().unwrap();
    assert_eq!(last.incident_id, Some(IncidentId::new(1)));
    assert!(last.body.contains("INC-1-postmortem.md"), "{}", last.body);
}
