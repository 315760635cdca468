//! Slack request signatures: `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))`
//! with `X-Slack-Request-Timestamp`. A request is accepted only if it is signed with the app's
//! signing secret (compared in constant time), its timestamp is within five minutes of now, and
//! the same signature was not already accepted (a replay).

use std::fmt;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use crate::chat::signed::{check_age, parse_timestamp};
pub use crate::chat::signed::{Refused, ReplayGuard};

pub const SIGNATURE_HEADER: &str = "x-slack-signature";
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";

/// The app's signing secret. Never printed.
#[derive(Clone)]
pub struct SigningSecret(SecretString);

impl SigningSecret {
    pub fn new(secret: impl Into<String>) -> SigningSecret {
        SigningSecret(SecretString::new(secret.into()))
    }

    /// The HMAC of a request; `None` only if the HMAC crate refused the key (it takes any
    /// length).
    fn mac(&self, timestamp: &str, body: &[u8]) -> Option<Hmac<Sha256>> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.expose_secret().as_bytes()).ok()?;
        mac.update(b"v0:");
        mac.update(timestamp.as_bytes());
        mac.update(b":");
        mac.update(body);
        Some(mac)
    }

    /// The `X-Slack-Signature` value Slack would send (for stand-ins and tests).
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> String {
        let digest = self
            .mac(timestamp, body)
            .map(|mac| hex::encode(mac.finalize().into_bytes()))
            .unwrap_or_default();
        format!("v0={digest}")
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(…)")
    }
}

const BAD_SIGNATURE: Refused = Refused::BadSignature("SLACK_SIGNING_SECRET");

/// Checks one request's signature and age at `now_secs` (Unix seconds).
pub fn verify(
    secret: &SigningSecret,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_secs: i64,
) -> Result<(), Refused> {
    let timestamp = timestamp.ok_or(Refused::Missing(TIMESTAMP_HEADER))?;
    let signature = signature.ok_or(Refused::Missing(SIGNATURE_HEADER))?;
    let sent_at = parse_timestamp(timestamp, TIMESTAMP_HEADER)?;
    let digest = signature
        .strip_prefix("v0=")
        .and_then(|hex_digest| hex::decode(hex_digest).ok())
        .ok_or(Refused::Malformed(SIGNATURE_HEADER))?;
    secret
        .mac(timestamp, body)
        .ok_or(BAD_SIGNATURE)?
        .verify_slice(&digest)
        .map_err(|_| BAD_SIGNATURE)?;
    check_age(sent_at, now_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKED_EXAMPLE: &str =
        include_str!("../../../tests/fixtures/slack/slack_signature_worked_example.json");

    fn example() -> (SigningSecret, String, String, String) {
        let json: serde_json::Value = serde_json::from_str(WORKED_EXAMPLE).unwrap();
        let text = |key: &str| json[key].as_str().unwrap().to_string();
        (
            SigningSecret::new(text("signing_secret")),
            text("timestamp"),
            text("body"),
            text("expected_signature"),
        )
    }

    #[test]
    fn slacks_worked_example_verifies_at_its_own_time_and_is_stale_today() {
        let (secret, ts, body, signature) = example();
        let then: i64 = ts.parse().unwrap();
        assert_eq!(secret.sign(&ts, body.as_bytes()), signature);
        let check = |now| verify(&secret, Some(&ts), Some(&signature), body.as_bytes(), now);
        assert_eq!(check(then + 299), Ok(()));
        assert_eq!(check(then - 299), Ok(()));
        assert_eq!(check(then + 301), Err(Refused::Stale { age_secs: 301 }));
        let today = 1_795_575_840;
        assert!(matches!(check(today), Err(Refused::Stale { .. })));
    }

    #[test]
    fn tampered_missing_and_malformed_requests_are_refused() {
        let (secret, ts, body, signature) = example();
        let now: i64 = ts.parse().unwrap();
        let tampered = body.replace("roadrunner", "wile_e");
        assert_eq!(
            verify(
                &secret,
                Some(&ts),
                Some(&signature),
                tampered.as_bytes(),
                now
            ),
            Err(BAD_SIGNATURE)
        );
        let other_secret = SigningSecret::new("not-the-secret");
        assert_eq!(
            verify(
                &other_secret,
                Some(&ts),
                Some(&signature),
                body.as_bytes(),
                now
            ),
            Err(BAD_SIGNATURE)
        );
        assert_eq!(
            verify(&secret, None, Some(&signature), body.as_bytes(), now),
            Err(Refused::Missing(TIMESTAMP_HEADER))
        );
        assert_eq!(
            verify(&secret, Some(&ts), None, body.as_bytes(), now),
            Err(Refused::Missing(SIGNATURE_HEADER))
        );
        for bad in ["a2114d57", "v0=zz", "v1=a2114d57", ""] {
            assert_eq!(
                verify(&secret, Some(&ts), Some(bad), body.as_bytes(), now),
                Err(Refused::Malformed(SIGNATURE_HEADER)),
                "{bad}"
            );
        }
        assert_eq!(
            verify(
                &secret,
                Some("soon"),
                Some(&signature),
                body.as_bytes(),
                now
            ),
            Err(Refused::Malformed(TIMESTAMP_HEADER))
        );
        // A different timestamp with the same signature is a forgery, not a stale request.
        let shifted = (now + 1).to_string();
        assert_eq!(
            verify(
                &secret,
                Some(&shifted),
                Some(&signature),
                body.as_bytes(),
                now
            ),
            Err(BAD_SIGNATURE)
        );
    }

    #[test]
    fn the_secret_is_never_printed() {
        let secret = SigningSecret::new("8f742231b10e8888abcd99yyyzzz85a5");
        assert_eq!(format!("{secret:?}"), "SigningSecret(…)");
    }
}
