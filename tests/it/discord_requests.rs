//! Interactions as Discord sends them, for tests: complete objects built from the shared samples
//! (`tests/fixtures/discord/`), with the parts a test varies replaced, and signed with the
//! shared test key (RFC 8032 test 1) as Discord signs requests to an interactions endpoint.

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};

/// The public key matching [`sign`], as `DISCORD_PUBLIC_KEY`.
pub const PUBLIC_KEY: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const PRIVATE_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
pub const APPLICATION_ID: &str = "1182006912345678901";
pub const GUILD_ID: &str = "290926798626357999";
/// The #incidents channel of the samples.
pub const CHANNEL_ID: &str = "645027906669510667";

const COMMAND_SAMPLE: &str =
    include_str!("../fixtures/discord/discord_application_command_incident_open.json");
const BUTTON_SAMPLE: &str =
    include_str!("../fixtures/discord/discord_message_component_button.json");
const PING_SAMPLE: &str = include_str!("../fixtures/discord/discord_ping.json");

/// `(X-Signature-Ed25519, X-Signature-Timestamp)` for `body` sent at `now_secs`.
pub fn sign(body: &str, now_secs: i64) -> (String, String) {
    let seed: [u8; 32] = hex::decode(PRIVATE_SEED).unwrap().try_into().unwrap();
    let timestamp = now_secs.to_string();
    let signature = SigningKey::from_bytes(&seed).sign(format!("{timestamp}{body}").as_bytes());
    (hex::encode(signature.to_bytes()), timestamp)
}

/// A fresh interaction id, so that no two requests of a test are the same (a replay).
fn next_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(786_008_729_715_300_000);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

fn sample(text: &str) -> Value {
    let mut value: Value = serde_json::from_str(text).unwrap();
    value["id"] = json!(next_id());
    value["token"] = json!(format!("token-{}", value["id"].as_str().unwrap()));
    value
}

pub fn ping() -> Value {
    sample(PING_SAMPLE)
}

/// `/incident <sub> …` with `options` as `(name, Discord option type, value)`.
pub fn incident(sub: &str, options: &[(&str, u8, Value)]) -> Value {
    let mut command = sample(COMMAND_SAMPLE);
    command["data"]["options"] = json!([{
        "name": sub,
        "type": 1,
        "options": options_json(options),
    }]);
    command
}

/// `/postmortem …`.
pub fn postmortem(options: &[(&str, u8, Value)]) -> Value {
    let mut command = sample(COMMAND_SAMPLE);
    command["data"]["name"] = json!("postmortem");
    command["data"]["options"] = options_json(options);
    command
}

fn options_json(options: &[(&str, u8, Value)]) -> Value {
    options
        .iter()
        .map(|(name, kind, value)| json!({ "name": name, "type": kind, "value": value }))
        .collect()
}

/// Autocompletion of `/incident <sub>`'s `option` while `typed` is typed.
pub fn autocomplete(sub: &str, option: &str, typed: &str) -> Value {
    let mut command = incident(sub, &[]);
    command["type"] = json!(4);
    command["data"]["options"][0]["options"] = json!([{
        "name": option, "type": 3, "value": typed, "focused": true,
    }]);
    command
}

/// A click on the button `custom_id` of message `message_id`.
pub fn click(custom_id: &str, message_id: &str) -> Value {
    let mut click = sample(BUTTON_SAMPLE);
    click["data"]["custom_id"] = json!(custom_id);
    click["message"]["id"] = json!(message_id);
    click
}

/// The reason modal `custom_id`, submitted with `reason`, from a button of message `message_id`.
pub fn modal_submit(custom_id: &str, reason: &str, message_id: &str) -> Value {
    let mut modal = click(custom_id, message_id);
    modal["type"] = json!(5);
    modal["data"] = json!({
        "custom_id": custom_id,
        "components": [{
            "type": 1,
            "components": [{ "type": 4, "custom_id": "reason", "value": reason }],
        }],
    });
    modal
}
