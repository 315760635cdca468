//! Requests as Slack sends them: slash-command forms, interaction payloads, and their
//! signatures, for the tests that drive the bot's Slack routes.

use incident_bot::chat::slack::signature::SigningSecret;
use serde_json::{json, Value};

/// The signing secret of Slack's documented examples (and of the shared samples).
pub const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub const TEAM: &str = "T1DC2JH3J";
pub const CHANNEL: &str = "C0INCIDENT1";

pub fn form(fields: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(fields).unwrap()
}

/// A slash command's form, typed by roadrunner in #incidents.
pub fn command_body(command: &str, text: &str) -> String {
    form(&command_fields(command, text))
}

/// The same slash command as Socket Mode sends it: the form's fields as a JSON object.
pub fn command_payload(command: &str, text: &str) -> Value {
    command_fields(command, text)
        .into_iter()
        .map(|(name, value)| (name.to_string(), Value::from(value)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn command_fields<'a>(command: &'a str, text: &'a str) -> [(&'static str, &'a str); 9] {
    [
        ("token", "xyzz0WbapA4vBCDEFasx0q6G"),
        ("team_id", TEAM),
        ("channel_id", CHANNEL),
        ("user_id", "U2CERLKJA"),
        ("user_name", "roadrunner"),
        ("command", command),
        ("text", text),
        ("response_url", "http://127.0.0.1:9/commands/1"),
        (
            "trigger_id",
            "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
        ),
    ]
}

/// Slack's `block_actions` sample (a click on a button of a Block Kit message in #incidents).
const CLICK_SAMPLE: &str =
    include_str!("../fixtures/slack/slack_block_actions_incident_checklist.json");

/// A `block_actions` payload: wile_e clicked a button of the message `message_ts`. The shared
/// sample, with the clicker, the message, the button and `response_url` replaced.
pub fn button_payload(action_id: &str, value: &str, message_ts: &str, response_url: &str) -> Value {
    let mut click: Value = serde_json::from_str(CLICK_SAMPLE).unwrap();
    click["user"] =
        json!({ "id": "U0COYOTE", "username": "wile_e", "name": "wile_e", "team_id": TEAM });
    click["container"]["message_ts"] = json!(message_ts);
    click["message"]["ts"] = json!(message_ts);
    click["response_url"] = json!(response_url);
    click["actions"] = json!([{ "action_id": action_id, "value": value, "type": "button", "action_ts": message_ts }]);
    click
}

/// Sends `body` to `url` as Slack would: form-encoded, signed at `ts` (Unix seconds).
pub async fn post_signed(
    http: &reqwest::Client,
    url: &str,
    body: String,
    ts: i64,
) -> (u16, String) {
    let signature = SigningSecret::new(SECRET).sign(&ts.to_string(), body.as_bytes());
    post_with(
        http,
        url,
        body,
        ts,
        &signature,
        "application/x-www-form-urlencoded",
    )
    .await
}

/// Sends `body` with the given signature headers and content type, right or wrong.
pub async fn post_with(
    http: &reqwest::Client,
    url: &str,
    body: String,
    ts: i64,
    signature: &str,
    content_type: &str,
) -> (u16, String) {
    let response = http
        .post(url)
        .header("content-type", content_type)
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}
