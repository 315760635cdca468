//! `serve` with `SLACK_APP_TOKEN`, end to end: Socket Mode against the Slack stand-in instead of
//! public routes. Commands and clicks arrive as envelopes and are acknowledged over the socket;
//! posts still go out through the Web API; a refresh from Slack and junk envelopes are taken in
//! stride, and a failing store is told to the person in the ack.

use std::sync::Arc;
use std::time::Duration;

use incident_bot::clock::{Clock, SimulatedClock};
use incident_bot::serve;
use serde_json::{json, Value};

use crate::slack_requests::{button_payload, command_body, command_payload, post_signed};
use crate::slack_serve::{calls, settings, text_of};
use crate::slack_standin::{socket_mode_sample, Answer, SlackStandIn, APP_TOKEN};
use crate::test_db::unique_suffix;

/// `GET /readyz`: status and body.
async fn readyz(http: &reqwest::Client, url: &str) -> (u16, String) {
    let response = http.get(format!("{url}/readyz")).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Waits (real time, up to 5 s) until `/readyz` says ready.
async fn becomes_ready(http: &reqwest::Client, url: &str) {
    let mut last = (0, String::new());
    for _ in 0..250 {
        last = readyz(http, url).await;
        if last.0 == 200 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never ready: {last:?}");
}

/// Sends an envelope and waits for its acknowledgement.
async fn envelope(slack: &SlackStandIn, kind: &str, payload: Value) -> (String, Value) {
    let id = slack.push_envelope(kind, payload);
    let ack = slack.ack(&id).await;
    let ack = ack.unwrap_or_else(|| panic!("no ack of {id}: {:#?}", slack.acks()));
    (id, ack)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_runs_an_incident_without_public_routes() {
    let dir = std::env::temp_dir().join(format!("incident-bot-socket-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let slack = SlackStandIn::start().await;
    // The first apps.connections.open fails: not ready until a later attempt connects.
    slack.script("apps.connections.open", [Answer::Status(503)]);
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let settings = settings(&slack, &dir, &[("SLACK_APP_TOKEN", APP_TOKEN.to_string())]);
    let running = serve::start(&settings, Arc::new(clock.clone()))
        .await
        .unwrap();
    let url = format!("http://{}", running.addr);
    let http = reqwest::Client::new();

    let (status, body) = readyz(&http, &url).await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body.starts_with("slack: Socket Mode not connected ("),
        "{body}"
    );
    assert!(slack.wait_for_socket(1).await, "{:#?}", slack.calls());
    becomes_ready(&http, &url).await;

    // No public routes.
    let commands = format!("{url}/slack/commands");
    let body = command_body("/incident", "open critical db-loss");
    let (status, _) = post_signed(&http, &commands, body, clock.now().timestamp()).await;
    assert_eq!(status, 404);

    // Open: acknowledged with nothing to show; the notification and the checklist are posted.
    let (id, ack) = envelope(
        &slack,
        "slash_commands",
        command_payload("/incident", "open critical db-loss"),
    )
    .await;
    assert_eq!(ack, json!({ "envelope_id": id }));
    let posts = calls(&slack, "chat.postMessage", 2).await;
    assert!(text_of(&posts[0]).contains("INCIDENT"), "{:?}", posts[0]);
    let checklist = posts[1].ts.clone().unwrap();

    // A typo: the ephemeral usage error comes back as the ack's payload.
    let (_, ack) = envelope(
        &slack,
        "slash_commands",
        command_payload("/incident", "open critcal db-loss"),
    )
    .await;
    assert_eq!(ack["payload"]["response_type"], "ephemeral", "{ack}");
    assert!(
        ack["payload"].to_string().contains("usage: /incident open"),
        "{ack}"
    );

    // Done on the checklist: acknowledged, and the checklist is edited in place.
    let click = button_payload("step_done", "INC-1:0", &checklist, &slack.response_url());
    let (id, ack) = envelope(&slack, "interactive", click).await;
    assert_eq!(ack, json!({ "envelope_id": id }));
    let updates = calls(&slack, "chat.update", 1).await;
    assert_eq!(updates[0].body["ts"], checklist.as_str());

    // Junk and envelopes the bot does not use are acknowledged, and nothing else happens.
    for (kind, payload) in [
        ("slash_commands", json!("junk")),
        ("slash_commands", json!({ "command": "/incident" })),
        ("interactive", json!([1, 2])),
        ("events_api", json!({ "type": "event_callback" })),
        ("mystery", Value::Null),
    ] {
        let (id, ack) = envelope(&slack, kind, payload).await;
        assert_eq!(ack, json!({ "envelope_id": id }), "{kind}");
    }

    // Slack's documented envelopes, as they are: read and acknowledged; the click on a button
    // the bot did not make shows nothing.
    let sample = socket_mode_sample("slash_commands_envelope");
    let (id, ack) = envelope(&slack, "slash_commands", sample["payload"].clone()).await;
    assert_eq!(ack["envelope_id"], id.as_str(), "{ack}");
    let sample = socket_mode_sample("interactive_block_actions_envelope");
    let (id, ack) = envelope(&slack, "interactive", sample["payload"].clone()).await;
    assert_eq!(ack, json!({ "envelope_id": id }));

    // Slack refreshes the connection: the bot opens a new one, and carries on there.
    slack.disconnect_socket();
    assert!(slack.wait_for_socket(2).await, "no new connection");
    becomes_ready(&http, &url).await;
    let (id, ack) = envelope(
        &slack,
        "slash_commands",
        command_payload(
            "/incident",
            "update Restore started from the 02:55 snapshot",
        ),
    )
    .await;
    assert_eq!(ack["envelope_id"], id.as_str());
    let posts = calls(&slack, "chat.postMessage", 3).await;
    assert!(
        posts
            .iter()
            .any(|post| text_of(post).contains("Restore started")),
        "{posts:#?}"
    );

    // The store goes away: the person is told of an internal error, with a reference to give.
    running.engine.store().close().await;
    let (_, ack) = envelope(
        &slack,
        "slash_commands",
        command_payload("/incident", "update Primary promoted"),
    )
    .await;
    assert!(
        ack["payload"].to_string().contains("Internal error (ref "),
        "{ack}"
    );

    tokio::time::timeout(Duration::from_secs(10), running.stop())
        .await
        .expect("serve stops with Socket Mode connected");
    let _ = std::fs::remove_dir_all(&dir);
}
