//! Discord's request signatures: `X-Signature-Ed25519` is the hex Ed25519 signature of
//! `X-Signature-Timestamp` followed by the raw body, made with the application's key; the bot
//! checks it with the application's public key (`DISCORD_PUBLIC_KEY`). Discord sets no age limit,
//! so the bot adds the same as for Slack: a timestamp within five minutes of now, and each
//! signature accepted once ([`ReplayGuard`]).

use std::fmt;

use ed25519_dalek::{Signature, VerifyingKey};

use crate::chat::signed::{check_age, parse_timestamp};
pub use crate::chat::signed::{Refused, ReplayGuard};

pub const SIGNATURE_HEADER: &str = "x-signature-ed25519";
pub const TIMESTAMP_HEADER: &str = "x-signature-timestamp";

const BAD_SIGNATURE: Refused = Refused::BadSignature("DISCORD_PUBLIC_KEY");

/// The application's public key (General Information → Public Key in the developer portal).
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("DISCORD_PUBLIC_KEY must be the 64 hex characters of the application's Public Key (General Information in the developer portal)")]
pub struct BadPublicKey;

impl PublicKey {
    /// The key as the developer portal shows it: 64 hex characters.
    pub fn from_hex(text: &str) -> Result<PublicKey, BadPublicKey> {
        let bytes: [u8; 32] = hex::decode(text.trim())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(BadPublicKey)?;
        VerifyingKey::from_bytes(&bytes)
            .map(PublicKey)
            .map_err(|_| BadPublicKey)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", hex::encode(self.0.as_bytes()))
    }
}

/// Checks one request's signature and age at `now_secs` (Unix seconds).
pub fn verify(
    key: &PublicKey,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_secs: i64,
) -> Result<(), Refused> {
    let timestamp = timestamp.ok_or(Refused::Missing(TIMESTAMP_HEADER))?;
    let signature = signature.ok_or(Refused::Missing(SIGNATURE_HEADER))?;
    let sent_at = parse_timestamp(timestamp, TIMESTAMP_HEADER)?;
    let signature: [u8; 64] = hex::decode(signature)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or(Refused::Malformed(SIGNATURE_HEADER))?;
    let mut message = Vec::with_capacity(timestamp.len() + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.extend_from_slice(body);
    key.0
        .verify_strict(&message, &Signature::from_bytes(&signature))
        .map_err(|_| BAD_SIGNATURE)?;
    check_age(sent_at, now_secs)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    const EXAMPLE: &str =
        include_str!("../../../tests/fixtures/discord/discord_signature_example.json");

    fn example() -> (PublicKey, Vec<(String, String, String)>) {
        let json: Value = serde_json::from_str(EXAMPLE).unwrap();
        let key = PublicKey::from_hex(json["public_key_hex"].as_str().unwrap()).unwrap();
        let vectors = json["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let text = |key: &str| v[key].as_str().unwrap().to_string();
                (text("timestamp"), text("body"), text("signature"))
            })
            .collect();
        (key, vectors)
    }

    #[test]
    fn the_shared_vectors_verify_at_their_time_and_are_stale_today() {
        let (key, vectors) = example();
        assert_eq!(vectors.len(), 2);
        for (ts, body, signature) in vectors {
            let then: i64 = ts.parse().unwrap();
            let check = |now| verify(&key, Some(&ts), Some(&signature), body.as_bytes(), now);
            assert_eq!(check(then), Ok(()));
            assert_eq!(check(then + 300), Ok(()));
            assert_eq!(check(then + 301), Err(Refused::Stale { age_secs: 301 }));
            assert!(matches!(check(1_795_575_840), Err(Refused::Stale { .. })));
        }
    }

    #[test]
    fn tampered_forged_and_malformed_requests_are_refused() {
        let (key, vectors) = example();
        let (ts, body, signature) = &vectors[0];
        let now: i64 = ts.parse().unwrap();
        let check = |ts: Option<&str>, sig: Option<&str>, body: &str| {
            verify(&key, ts, sig, body.as_bytes(), now)
        };
        let flipped = body.replacen("\"type\":1", "\"type\":2", 1);
        assert_eq!(
            check(Some(ts), Some(signature), &flipped),
            Err(BAD_SIGNATURE)
        );
        // The same signature with another timestamp is a forgery, not a stale request.
        let other = (now + 1).to_string();
        assert_eq!(
            check(Some(&other), Some(signature), body),
            Err(BAD_SIGNATURE)
        );
        assert_eq!(
            check(None, Some(signature), body),
            Err(Refused::Missing(TIMESTAMP_HEADER))
        );
        assert_eq!(
            check(Some(ts), None, body),
            Err(Refused::Missing(SIGNATURE_HEADER))
        );
        for bad in ["", "zz", &signature[..64], &format!("{signature}00")] {
            assert_eq!(
                check(Some(ts), Some(bad), body),
                Err(Refused::Malformed(SIGNATURE_HEADER)),
                "{bad}"
            );
        }
        assert_eq!(
            check(Some("soon"), Some(signature), body),
            Err(Refused::Malformed(TIMESTAMP_HEADER))
        );
        let stranger =
            PublicKey::from_hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
                .unwrap();
        assert_eq!(
            verify(&stranger, Some(ts), Some(signature), body.as_bytes(), now),
            Err(BAD_SIGNATURE)
        );
    }

    #[test]
    fn public_keys_are_64_hex_characters() {
        for bad in [
            "",
            "d75a98",
            "not hex at all",
            &"zz".repeat(32),
            &"ab".repeat(33),
        ] {
            assert_eq!(PublicKey::from_hex(bad), Err(BadPublicKey), "{bad}");
        }
        assert!(PublicKey::from_hex(
            " d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a\n"
        )
        .is_ok());
    }
}
