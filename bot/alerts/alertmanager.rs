//! Prometheus Alertmanager's webhook (`version: "4"`) and Grafana's webhook contact point, which
//! sends the same shape with a few fields more (`values`, `dashboardURL`, `panelURL`…): a group of
//! alerts, each with its labels, annotations, times and fingerprint. Unknown fields are ignored,
//! as both senders add some over time.

use std::collections::BTreeMap;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::alert::{parse_time, Alert, AlertSource, AlertStatus, DecodeError};

/// The most alerts taken from one request (Alertmanager's `max_alerts` should stay below).
pub const MAX_ALERTS: usize = 1000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Webhook {
    #[serde(default)]
    group_key: Option<String>,
    alerts: Vec<WebhookAlert>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookAlert {
    status: WireStatus,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    starts_at: String,
    #[serde(default)]
    ends_at: Option<String>,
    #[serde(default, rename = "generatorURL")]
    generator_url: Option<String>,
    #[serde(default, rename = "panelURL")]
    panel_url: Option<String>,
    #[serde(default, rename = "dashboardURL")]
    dashboard_url: Option<String>,
    #[serde(default)]
    fingerprint: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum WireStatus {
    Firing,
    Resolved,
}

/// The alerts of one webhook body from `source` (Alertmanager or Grafana).
pub fn decode(source: AlertSource, body: &[u8]) -> Result<Vec<Alert>, DecodeError> {
    let format = match source {
        AlertSource::Grafana => "a Grafana webhook",
        _ => "an Alertmanager webhook",
    };
    let webhook: Webhook =
        serde_json::from_slice(body).map_err(|error| DecodeError::Malformed {
            format,
            reason: error.to_string(),
        })?;
    if webhook.alerts.len() > MAX_ALERTS {
        return Err(DecodeError::TooMany {
            count: webhook.alerts.len(),
            most: MAX_ALERTS,
        });
    }
    webhook
        .alerts
        .into_iter()
        .enumerate()
        .map(|(index, alert)| neutral(source, webhook.group_key.as_deref(), index, alert))
        .collect()
}

fn neutral(
    source: AlertSource,
    group: Option<&str>,
    index: usize,
    alert: WebhookAlert,
) -> Result<Alert, DecodeError> {
    let name = alert
        .labels
        .get("alertname")
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .ok_or(DecodeError::Empty {
            what: "the alertname label",
            index,
        })?;
    let starts_at_ms =
        parse_time(&alert.starts_at, "startsAt", index)?.ok_or(DecodeError::Empty {
            what: "startsAt",
            index,
        })?;
    let ends_at_ms = match &alert.ends_at {
        Some(ends_at) => parse_time(ends_at, "endsAt", index)?,
        None => None,
    };
    let fingerprint = alert
        .fingerprint
        .filter(|fingerprint| !fingerprint.trim().is_empty())
        .unwrap_or_else(|| fingerprint_of(&alert.labels));
    let text = |key: &str| {
        alert
            .annotations
            .get(key)
            .map(|text| text.trim().to_string())
            .filter(|text| !text.is_empty())
    };
    Ok(Alert {
        source,
        status: match alert.status {
            WireStatus::Firing => AlertStatus::Firing,
            WireStatus::Resolved => AlertStatus::Resolved,
        },
        fingerprint,
        group: group.map(str::to_string),
        summary: text("summary"),
        description: text("description"),
        link: alert
            .panel_url
            .or(alert.dashboard_url)
            .or(alert.generator_url)
            .filter(|link| !link.trim().is_empty()),
        labels: alert.labels,
        name,
        starts_at_ms,
        ends_at_ms,
    })
}

/// An alert's identity when the sender gave none: a digest of its labels (what Alertmanager's
/// own fingerprint is made of).
fn fingerprint_of(labels: &BTreeMap<String, String>) -> String {
    let mut digest = Sha256::new();
    for (key, value) in labels {
        digest.update(key.as_bytes());
        digest.update([0xff]);
        digest.update(value.as_bytes());
        digest.update([0xff]);
    }
    hex::encode(&digest.finalize()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/alerts/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn alertmanagers_firing_group_is_two_alerts_with_their_texts() {
        let alerts = decode(
            AlertSource::Alertmanager,
            &sample("alertmanager_v4_firing.json"),
        )
        .unwrap();
        assert_eq!(alerts.len(), 2);
        let first = &alerts[0];
        assert_eq!(first.name, "DatabaseConnectionFailures");
        assert_eq!(first.status, AlertStatus::Firing);
        assert_eq!(first.fingerprint, "5c1f0e2a9b7d3e41");
        assert_eq!(
            first.summary.as_deref(),
            Some("Database connection errors across all services")
        );
        assert_eq!(first.ends_at_ms, None);
        assert_eq!(first.labels["instance"], "api-1:8080");
        assert!(first
            .group
            .as_deref()
            .unwrap()
            .contains("DatabaseConnectionFailures"));
        assert_eq!(alerts[1].fingerprint, "a04d6b1c77e09f12");
    }

    #[test]
    fn a_resolved_alert_has_its_end() {
        let alerts = decode(
            AlertSource::Alertmanager,
            &sample("alertmanager_v4_resolved.json"),
        )
        .unwrap();
        assert_eq!(alerts[0].status, AlertStatus::Resolved);
        assert!(alerts[0].ends_at_ms.is_some());
    }

    #[test]
    fn grafanas_alert_links_its_panel() {
        let alerts = decode(AlertSource::Grafana, &sample("grafana_webhook_firing.json")).unwrap();
        assert_eq!(alerts[0].name, "HighErrorRate");
        assert_eq!(
            alerts[0].link.as_deref(),
            Some("https://grafana.internal/d/sites?viewPanel=4")
        );
    }

    #[test]
    fn bodies_that_are_not_webhooks_say_why() {
        let not_json = decode(AlertSource::Alertmanager, b"hello").unwrap_err();
        assert!(not_json
            .to_string()
            .starts_with("the body is not an Alertmanager webhook: "));
        let nameless =
            br#"{"alerts":[{"status":"firing","labels":{},"startsAt":"2026-11-29T03:00:00Z"}]}"#;
        assert_eq!(
            decode(AlertSource::Grafana, nameless)
                .unwrap_err()
                .to_string(),
            "the alertname label of alert 0 is empty"
        );
        let bad_time =
            br#"{"alerts":[{"status":"firing","labels":{"alertname":"A"},"startsAt":"soon"}]}"#;
        assert!(decode(AlertSource::Grafana, bad_time)
            .unwrap_err()
            .to_string()
            .contains("`soon` is not a time"));
    }

    #[test]
    fn an_alert_without_a_fingerprint_gets_one_from_its_labels() {
        let body = br#"{"alerts":[{"status":"firing","labels":{"alertname":"A","x":"1"},"startsAt":"2026-11-29T03:00:00Z"}]}"#;
        let once = decode(AlertSource::Alertmanager, body).unwrap();
        let again = decode(AlertSource::Alertmanager, body).unwrap();
        assert_eq!(once[0].fingerprint.len(), 16);
        assert_eq!(once[0].fingerprint, again[0].fingerprint);
    }
}
