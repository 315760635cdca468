//! The alert routes of `serve`, end to end with Slack (the stand-in) on a SQLite file: a missing
//! or wrong token or signature is 401 with nothing stored, a body that is no webhook 400 with the
//! reason, a route whose secret is not set is not served; Grafana's sample is offered once in the
//! alerts channel however often it comes, Alertmanager's critical group opens one incident,
//! PagerDuty's signed sample is told in it, and the resolution is told in its thread.

use std::sync::Arc;

use incident_bot::clock::SimulatedClock;
use incident_bot::serve::{self, ServeSettings};

use crate::fixtures::path;
use crate::slack_requests::{CHANNEL, TEAM};
use crate::slack_serve::{calls, settings, text_of};
use crate::slack_standin::SlackStandIn;
use crate::test_db::unique_suffix;

const TOKEN: &str = "alerts-token-0123456789";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(path(&format!("alerts/{name}"))).unwrap()
}

fn pagerduty_secret() -> String {
    let sample: serde_json::Value =
        serde_json::from_slice(&fixture("pagerduty_v3_signature.json")).unwrap();
    sample["secret"].as_str().unwrap().to_string()
}

fn pagerduty_signature() -> String {
    let sample: serde_json::Value =
        serde_json::from_slice(&fixture("pagerduty_v3_signature.json")).unwrap();
    sample["value"].as_str().unwrap().to_string()
}

/// `v1=<hex HMAC-SHA256>` of `body` under `secret`, as PagerDuty signs.
fn sign(secret: &str, body: &[u8]) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

async fn post(
    http: &reqwest::Client,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, String) {
    let mut request = http
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

fn bot_settings(slack: &SlackStandIn, dir: &std::path::Path) -> ServeSettings {
    settings(
        slack,
        dir,
        &[
            ("ALERTS_TOKEN", TOKEN.to_string()),
            ("PAGERDUTY_WEBHOOK_SECRET", pagerduty_secret()),
            ("ALERTS_CHANNEL", format!("slack:{TEAM}/{CHANNEL}")),
            ("ALERTS_AUTO_OPEN", "critical".to_string()),
        ],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_through_the_routes_into_slack() {
    let dir = std::env::temp_dir().join(format!("incident-bot-alerts-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let slack = SlackStandIn::start().await;
    let clock = SimulatedClock::starting_at(chrono::Utc::now());
    let running = serve::start(&bot_settings(&slack, &dir), Arc::new(clock))
        .await
        .unwrap();
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let bearer = format!("Bearer {TOKEN}");
    let alertmanager = format!("{base}/alerts/alertmanager");
    let grafana = format!("{base}/alerts/grafana");
    let pagerduty = format!("{base}/alerts/pagerduty");

    // Refusals: nothing stored, nothing posted.
    let firing = fixture("alertmanager_v4_firing.json");
    let (status, body) = post(&http, &alertmanager, &[], firing.clone()).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body.contains("Authorization: Bearer <ALERTS_TOKEN>"),
        "{body}"
    );
    let wrong = [("authorization", "Bearer nope")];
    assert_eq!(post(&http, &grafana, &wrong, firing.clone()).await.0, 401);
    let unsigned = post(
        &http,
        &pagerduty,
        &[],
        fixture("pagerduty_v3_incident_triggered.body.json"),
    )
    .await;
    assert_eq!(unsigned.0, 401, "{}", unsigned.1);
    let forged = [("x-pagerduty-signature", "v1=00ff")];
    assert_eq!(
        post(
            &http,
            &pagerduty,
            &forged,
            fixture("pagerduty_v3_incident_triggered.body.json")
        )
        .await
        .0,
        401
    );
    let auth = [("authorization", bearer.as_str())];
    let (status, body) = post(&http, &alertmanager, &auth, b"{\"alerts\": 3}".to_vec()).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body.starts_with("the body is not an Alertmanager webhook: "),
        "{body}"
    );
    let huge = vec![b' '; 1536 * 1024];
    assert_eq!(post(&http, &alertmanager, &auth, huge).await.0, 413);
    assert!(slack.calls_to("chat.postMessage").is_empty());

    // Grafana's warning, three times: offered once.
    let warning = fixture("grafana_webhook_firing.json");
    let (status, body) = post(&http, &grafana, &auth, warning.clone()).await;
    assert_eq!(
        (status, body.as_str()),
        (
            200,
            r#"{"told":0,"opened":0,"offered":1,"recorded":0,"repeats":0}"#
        )
    );
    for _ in 0..2 {
        let (_, body) = post(&http, &grafana, &auth, warning.clone()).await;
        assert!(body.contains(r#""repeats":1"#), "{body}");
    }
    let offer = calls(&slack, "chat.postMessage", 1).await;
    assert!(
        text_of(&offer[0]).contains("Alert firing: HighErrorRate (Grafana)"),
        "{:?}",
        offer[0]
    );
    assert_eq!(offer[0].channel.as_deref(), Some(CHANNEL));

    // Alertmanager's critical group: one incident, the second alert told in it.
    let (_, body) = post(&http, &alertmanager, &auth, firing.clone()).await;
    assert!(body.contains(r#""told":1,"opened":1"#), "{body}");
    let (_, body) = post(&http, &alertmanager, &auth, firing).await;
    assert!(body.contains(r#""repeats":2"#), "{body}");
    let posts = calls(&slack, "chat.postMessage", 5).await;
    let root = posts[1].ts.clone().unwrap();
    assert!(text_of(&posts[1]).contains("INCIDENT"), "{:?}", posts[1]);
    let in_thread: Vec<&str> = posts[2..]
        .iter()
        .map(|post| post.thread_ts.as_deref().unwrap_or("none"))
        .collect();
    assert_eq!(in_thread, [root.as_str(); 3]);

    // PagerDuty's signed sample (the same database errors): told in the incident, not opened.
    let signature = pagerduty_signature();
    let signed = [("x-pagerduty-signature", signature.as_str())];
    let (status, body) = post(
        &http,
        &pagerduty,
        &signed,
        fixture("pagerduty_v3_incident_triggered.body.json"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""told":1"#), "{body}");
    let posts = calls(&slack, "chat.postMessage", 6).await;
    assert!(
        text_of(&posts[5]).contains("(PagerDuty) is firing"),
        "{:?}",
        posts[5]
    );

    // The resolution, told in the thread.
    let resolved = fixture("alertmanager_v4_resolved.json");
    let (_, body) = post(&http, &alertmanager, &auth, resolved).await;
    assert!(body.contains(r#""told":2"#), "{body}");
    let posts = calls(&slack, "chat.postMessage", 8).await;
    assert!(
        text_of(&posts[7]).contains("resolved at 03:41 UTC"),
        "{:?}",
        posts[7]
    );
    assert_eq!(posts[7].thread_ts.as_deref(), Some(root.as_str()));
    assert!(
        !text_of(&posts[7]).contains("All alerts"),
        "PagerDuty's still fires"
    );

    // PagerDuty's resolution, signed under the secret: every alert cleared, the bot suggests
    // `/incident restored` and resolves nothing.
    let body = String::from_utf8(fixture("pagerduty_v3_incident_triggered.body.json"))
        .unwrap()
        .replace("incident.triggered", "incident.resolved");
    let signature = sign(&pagerduty_secret(), body.as_bytes());
    let signed = [("x-pagerduty-signature", signature.as_str())];
    let (status, body) = post(&http, &pagerduty, &signed, body.into_bytes()).await;
    assert_eq!(status, 200, "{body}");
    let posts = calls(&slack, "chat.postMessage", 9).await;
    assert!(
        text_of(&posts[8]).contains("All alerts of INC-1 have cleared. If service is back, say so: /incident restored INC-1"),
        "{:?}",
        posts[8]
    );

    running.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_whose_secret_is_not_set_is_not_served() {
    let dir = std::env::temp_dir().join(format!("incident-bot-alerts-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let slack = SlackStandIn::start().await;
    let only_pagerduty = settings(
        &slack,
        &dir,
        &[
            ("PAGERDUTY_WEBHOOK_SECRET", pagerduty_secret()),
            ("ALERTS_CHANNEL", format!("slack:{TEAM}/{CHANNEL}")),
        ],
    );
    let running = serve::start(
        &only_pagerduty,
        Arc::new(SimulatedClock::starting_at(chrono::Utc::now())),
    )
    .await
    .unwrap();
    let url = format!("http://{}/alerts/alertmanager", running.addr);
    let auth = [("authorization", "Bearer anything")];
    let http = reqwest::Client::new();
    assert_eq!(
        post(&http, &url, &auth, fixture("alertmanager_v4_firing.json"))
            .await
            .0,
        404
    );
    running.stop().await;
}
