//! PagerDuty's v3 webhooks: one event per request, signed `X-PagerDuty-Signature: v1=<hex>` (the
//! HMAC-SHA256 of the raw body under the subscription's secret; several comma-separated while a
//! secret is rotated, any one may match). `incident.triggered` is an alert firing and
//! `incident.resolved` one resolved, identified by the PagerDuty incident; other events
//! (acknowledged, annotated, …) change nothing here.

use std::collections::BTreeMap;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use super::alert::{parse_time, Alert, AlertSource, AlertStatus, DecodeError};

/// The header that carries the signatures.
pub const SIGNATURE_HEADER: &str = "x-pagerduty-signature";

/// A v3 webhook subscription's secret. Never shown.
#[derive(Clone)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    pub fn new(secret: String) -> WebhookSecret {
        WebhookSecret(secret)
    }
}

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// Why a request's signature is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no X-PagerDuty-Signature header")]
    Missing,
    #[error(
        "no v1= signature in X-PagerDuty-Signature matches the body under PAGERDUTY_WEBHOOK_SECRET"
    )]
    Mismatch,
}

/// Checks `header` (the value of `X-PagerDuty-Signature`) against `body`: accepted when any of
/// its `v1=` signatures is the body's HMAC under `secret`, compared in constant time.
pub fn verify(
    secret: &WebhookSecret,
    header: Option<&str>,
    body: &[u8],
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let matches = header
        .split(',')
        .filter_map(|signature| signature.trim().strip_prefix("v1="))
        .filter_map(|hex_digest| hex::decode(hex_digest.trim()).ok())
        .any(|digest| {
            let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.0.as_bytes()) else {
                return false;
            };
            mac.update(body);
            mac.verify_slice(&digest).is_ok()
        });
    match matches {
        true => Ok(()),
        false => Err(SignatureError::Mismatch),
    }
}

#[derive(Deserialize)]
struct Webhook {
    event: WebhookEvent,
}

#[derive(Deserialize)]
struct WebhookEvent {
    event_type: String,
    occurred_at: String,
    data: IncidentData,
}

#[derive(Deserialize)]
struct IncidentData {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    urgency: Option<String>,
    #[serde(default)]
    incident_key: Option<String>,
    #[serde(default)]
    service: Option<Reference>,
    #[serde(default)]
    priority: Option<Reference>,
}

#[derive(Deserialize)]
struct Reference {
    #[serde(default)]
    summary: Option<String>,
}

/// The alert a v3 webhook body tells of; `None` for an event that is no firing or resolution.
pub fn decode(body: &[u8]) -> Result<Option<Alert>, DecodeError> {
    let malformed = |reason: String| DecodeError::Malformed {
        format: "a PagerDuty v3 webhook",
        reason,
    };
    let webhook: Webhook =
        serde_json::from_slice(body).map_err(|error| malformed(error.to_string()))?;
    let event = webhook.event;
    let status = match event.event_type.as_str() {
        "incident.triggered" => AlertStatus::Firing,
        "incident.resolved" => AlertStatus::Resolved,
        _ => return Ok(None),
    };
    let data = event.data;
    if data.id.trim().is_empty() {
        return Err(DecodeError::Empty {
            what: "the incident id",
            index: 0,
        });
    }
    let occurred_at = parse_time(&event.occurred_at, "occurred_at", 0)?;
    let starts_at_ms = match &data.created_at {
        Some(created_at) => parse_time(created_at, "created_at", 0)?,
        None => None,
    }
    .or(occurred_at)
    .ok_or(DecodeError::Empty {
        what: "created_at",
        index: 0,
    })?;
    let mut labels = BTreeMap::new();
    let mut label = |key: &str, value: Option<String>| {
        if let Some(value) = value.filter(|value| !value.trim().is_empty()) {
            labels.insert(key.to_string(), value);
        }
    };
    label("service", data.service.and_then(|service| service.summary));
    label(
        "priority",
        data.priority.and_then(|priority| priority.summary),
    );
    label("urgency", data.urgency);
    label("incident_key", data.incident_key);
    let title = data
        .title
        .map(|title| title.trim().to_string())
        .filter(|title| !title.is_empty());
    Ok(Some(Alert {
        source: AlertSource::PagerDuty,
        name: title
            .clone()
            .unwrap_or_else(|| format!("PagerDuty {}", data.id)),
        status,
        fingerprint: data.id,
        group: None,
        labels,
        summary: title,
        description: None,
        link: data.html_url,
        starts_at_ms,
        ends_at_ms: (status == AlertStatus::Resolved)
            .then_some(occurred_at)
            .flatten(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/alerts/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn signed_sample() -> (WebhookSecret, String, Vec<u8>) {
        let sample: serde_json::Value =
            serde_json::from_slice(&fixture("pagerduty_v3_signature.json")).unwrap();
        (
            WebhookSecret::new(sample["secret"].as_str().unwrap().to_string()),
            sample["value"].as_str().unwrap().to_string(),
            fixture("pagerduty_v3_incident_triggered.body.json"),
        )
    }

    #[test]
    fn the_documented_signature_is_accepted_alone_or_among_others() {
        let (secret, signature, body) = signed_sample();
        assert_eq!(verify(&secret, Some(&signature), &body), Ok(()));
        let rotated = format!("v1=00ff, {signature}");
        assert_eq!(verify(&secret, Some(&rotated), &body), Ok(()));
    }

    #[test]
    fn a_wrong_missing_or_foreign_signature_is_refused() {
        let (secret, signature, body) = signed_sample();
        let mut changed = body.clone();
        changed.push(b' ');
        assert_eq!(
            verify(&secret, Some(&signature), &changed),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(&secret, None, &body), Err(SignatureError::Missing));
        let other = signature.replace("v1=", "v2=");
        assert_eq!(
            verify(&secret, Some(&other), &body),
            Err(SignatureError::Mismatch)
        );
        let wrong = WebhookSecret::new("another".into());
        assert_eq!(
            verify(&wrong, Some(&signature), &body),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_triggered_incident_is_an_alert_firing() {
        let (_, _, body) = signed_sample();
        let alert = decode(&body).unwrap().unwrap();
        assert_eq!(alert.source, AlertSource::PagerDuty);
        assert_eq!(alert.status, AlertStatus::Firing);
        assert_eq!(alert.fingerprint, "Q2X9KQ7Y4R1L0M");
        assert_eq!(alert.name, "Database connection errors across all services");
        assert_eq!(alert.labels["service"], "Database");
        assert_eq!(
            alert.link.as_deref(),
            Some("https://acme.pagerduty.com/incidents/Q2X9KQ7Y4R1L0M")
        );
    }

    #[test]
    fn resolved_is_a_resolution_and_acknowledged_is_nothing() {
        let (_, _, body) = signed_sample();
        let text = String::from_utf8(body).unwrap();
        let resolved = text.replace("incident.triggered", "incident.resolved");
        let alert = decode(resolved.as_bytes()).unwrap().unwrap();
        assert_eq!(alert.status, AlertStatus::Resolved);
        assert!(alert.ends_at_ms.is_some());
        let acknowledged = text.replace("incident.triggered", "incident.acknowledged");
        assert_eq!(decode(acknowledged.as_bytes()), Ok(None));
        assert!(decode(b"{\"event\":{}}").is_err());
    }
}
