//! The real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, installed by `.ci/run`)
//! on a free 127.0.0.1 port, routing to `serve`'s `/alerts/alertmanager` with the bearer token,
//! alerts posted through its API v2 with short group timings: a warning posted again and again
//! (and re-sent by Alertmanager every repeat interval) is offered once; a critical one opens one
//! incident and its resolution is told in it; a receiver with the wrong token is refused (its
//! notifications fail, nothing is posted).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use incident_bot::clock::SimulatedClock;
use incident_bot::serve;
use serde_json::json;

use crate::slack_requests::{CHANNEL, TEAM};
use crate::slack_serve::{calls, settings, text_of};
use crate::slack_standin::SlackStandIn;
use crate::test_db::unique_suffix;

const ALERTMANAGER: &str = "/usr/bin/prometheus-alertmanager";
const TOKEN: &str = "real-alertmanager-token";

/// Alertmanager, stopped (by its own id) when dropped.
struct Alertmanager {
    child: Child,
    url: String,
}

impl Drop for Alertmanager {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port on 127.0.0.1")
}

/// The configuration: everything to the bot with the token, with short timings; alerts labelled
/// `team="wrong"` to a receiver whose token is wrong.
fn config(bot: &str) -> String {
    format!(
        "route:
  receiver: bot
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
  routes:
    - receiver: wrong-token
      matchers: ['team=\"wrong\"']
receivers:
  - name: bot
    webhook_configs:
      - url: {bot}/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {TOKEN}
  - name: wrong-token
    webhook_configs:
      - url: {bot}/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: not-the-token
"
    )
}

async fn start_alertmanager(dir: &Path, bot: &str) -> Alertmanager {
    assert!(
        Path::new(ALERTMANAGER).exists(),
        "\n\n{ALERTMANAGER} is missing: this test runs the real Alertmanager (never skipped).\n\
         Install it with\n    apt-get update && apt-get install -y prometheus-alertmanager\n\
         (.ci/run does so when it is missing).\n\n"
    );
    let config_file: PathBuf = dir.join("alertmanager.yml");
    std::fs::write(&config_file, config(bot)).unwrap();
    let port = free_port();
    let child = Command::new(ALERTMANAGER)
        .arg(format!("--config.file={}", config_file.display()))
        .arg(format!("--storage.path={}", dir.join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--cluster.listen-address=")
        .arg("--log.level=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Alertmanager");
    let alertmanager = Alertmanager {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let http = reqwest::Client::new();
    for _ in 0..200 {
        let ready = http
            .get(format!("{}/-/ready", alertmanager.url))
            .send()
            .await;
        if ready.is_ok_and(|response| response.status().is_success()) {
            return alertmanager;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("Alertmanager did not become ready on {}", alertmanager.url);
}

impl Alertmanager {
    /// Posts alerts through the API v2, as Prometheus does.
    async fn post(&self, alerts: serde_json::Value) {
        let response = reqwest::Client::new()
            .post(format!("{}/api/v2/alerts", self.url))
            .json(&alerts)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{:?}", response);
    }

    /// Its count of failed webhook notifications.
    async fn failed_notifications(&self) -> f64 {
        let metrics = reqwest::get(format!("{}/metrics", self.url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        metrics
            .lines()
            .filter(|line| {
                line.starts_with("alertmanager_notifications_failed_total")
                    && line.contains("integration=\"webhook\"")
            })
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    }
}

fn alert(name: &str, severity: &str, summary: &str, extra: &[(&str, &str)]) -> serde_json::Value {
    let mut labels = json!({ "alertname": name, "severity": severity });
    for (key, value) in extra {
        labels[*key] = json!(value);
    }
    json!({ "labels": labels, "annotations": { "summary": summary } })
}

/// The texts of the messages posted so far (after `settle`, so late repeats would show).
async fn posted_texts(slack: &SlackStandIn) -> Vec<String> {
    slack
        .calls_to("chat.postMessage")
        .iter()
        .filter(|call| call.error.is_none())
        .map(text_of)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_real_alertmanager_offers_opens_and_resolves_once_each() {
    let dir = std::env::temp_dir().join(format!("incident-bot-am-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let slack = SlackStandIn::start().await;
    let bot_settings = settings(
        &slack,
        &dir,
        &[
            ("ALERTS_TOKEN", TOKEN.to_string()),
            ("ALERTS_CHANNEL", format!("slack:{TEAM}/{CHANNEL}")),
            ("ALERTS_AUTO_OPEN", "critical".to_string()),
        ],
    );
    let running = serve::start(
        &bot_settings,
        Arc::new(SimulatedClock::starting_at(chrono::Utc::now())),
    )
    .await
    .unwrap();
    let alertmanager = start_alertmanager(&dir, &format!("http://{}", running.addr)).await;

    // A warning, posted again and again: Alertmanager re-sends its group every 2 s; one offer.
    let warning = alert(
        "HighErrorRate",
        "warning",
        "500 errors on all client sites",
        &[],
    );
    for _ in 0..6 {
        alertmanager.post(json!([warning])).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    let offer = calls(&slack, "chat.postMessage", 1).await;
    assert!(
        text_of(&offer[0]).contains("Alert firing: HighErrorRate (Alertmanager)"),
        "{:?}",
        offer[0]
    );

    // A critical one: one incident, whatever Alertmanager repeats.
    let critical = alert(
        "DatabaseConnectionFailures",
        "critical",
        "Database connection errors across all services",
        &[],
    );
    alertmanager.post(json!([critical])).await;
    let posts = calls(&slack, "chat.postMessage", 4).await;
    assert!(
        text_of(&posts[1]).contains("INCIDENT: CRITICAL"),
        "{:?}",
        posts[1]
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    let texts = posted_texts(&slack).await;
    assert_eq!(
        texts
            .iter()
            .filter(|text| text.contains("INCIDENT: CRITICAL"))
            .count(),
        1,
        "{texts:#?}"
    );
    assert_eq!(
        texts
            .iter()
            .filter(|text| text.contains("Alert firing: HighErrorRate"))
            .count(),
        1,
        "offered once: {texts:#?}"
    );
    assert_eq!(texts.len(), 4, "nothing posted twice: {texts:#?}");

    // Its resolution, told in the incident's thread with the suggestion.
    let mut resolved = critical.clone();
    resolved["endsAt"] = json!(chrono::Utc::now().to_rfc3339());
    alertmanager.post(json!([resolved])).await;
    let posts = calls(&slack, "chat.postMessage", 5).await;
    assert!(
        text_of(&posts[4]).contains("DatabaseConnectionFailures (Alertmanager) resolved at"),
        "{:?}",
        posts[4]
    );
    assert!(
        text_of(&posts[4]).contains("/incident restored INC-1"),
        "{:?}",
        posts[4]
    );
    assert_eq!(posts[4].thread_ts, posts[1].ts);

    // The wrong token: Alertmanager's notifications fail, and nothing is posted.
    let before = alertmanager.failed_notifications().await;
    alertmanager
        .post(json!([alert(
            "CPUSaturated",
            "critical",
            "CPU >90% sustained",
            &[("team", "wrong")]
        )]))
        .await;
    for _ in 0..100 {
        if alertmanager.failed_notifications().await > before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(alertmanager.failed_notifications().await > before);
    let texts = posted_texts(&slack).await;
    assert!(
        texts.iter().all(|text| !text.contains("CPUSaturated")),
        "{texts:#?}"
    );

    drop(alertmanager);
    running.stop().await;
}
