//! A neutral `Message` as the JSON `chat.postMessage` and `chat.update` take (the caller adds
//! `channel`, and `ts` for an update): `text` for notifications, Block Kit `blocks`, no unfurls.
//!
//! | `Block` | Block Kit |
//! |---|---|
//! | (mentions) | a leading `section` with the pings |
//! | `Heading` | `header` (plain text, 150 at most, cut with `…`) |
//! | `Text` | `section` (mrkdwn) |
//! | `Fields` | `section`s with at most 10 `fields` each, `*Label*` over the value |
//! | `Code` | `section`s, each one ``` block, split on lines to fit (mrkdwn has no language tag) |
//! | `Progress` | `section`: `▰▰▱▱▱▱ 2/6 · Phase` |
//! | `StepActions` | `actions`: Done (primary), Skip, Failed (danger); see `chat::step_buttons` |
//! | `Document` | a `context` line naming it; the document itself comes from `documents` |
//!
//! Limits are kept, never exceeded: 50 blocks (the excess is dropped for a marker, the buttons
//! stay), 3000 bytes of section text, 2000 per field, 40,000 for `text`. Cut text ends in
//! `…(truncated)`.

use serde_json::{json, Value};

use super::mentions;
use super::mrkdwn::{
    code_block, defuse, escape, escape_code, pieces, truncate, truncate_plain, CODE_BLOCK_OVERHEAD,
    TRUNCATED,
};
use crate::chat::step_buttons::{StepAction, StepButton};
use crate::notify::format::bar;
use crate::notify::{Block, Message};

/// Slack's limits, in bytes (see `mrkdwn` on the unit).
const MAX_BLOCKS: usize = 50;
const SECTION_TEXT_MAX: usize = 3000;
const FIELD_TEXT_MAX: usize = 2000;
const FIELDS_PER_SECTION: usize = 10;
const HEADER_TEXT_MAX: usize = 150;
/// Slack cuts `text` at 40,000; stay under it.
const MESSAGE_TEXT_MAX: usize = 39_000;
/// A field's label, so the value always shows.
const FIELD_LABEL_MAX: usize = 200;

/// What `text` says when a message has no text at all (only buttons).
const NO_TEXT: &str = "incident-bot";

/// The body of a `chat.postMessage` or `chat.update` for a message.
pub fn message_payload(message: &Message) -> Value {
    json!({
        "text": fallback_text(message),
        "blocks": blocks(message),
        "unfurl_links": false,
        "unfurl_media": false,
    })
}

/// The reply to a slash command (or a `response_url` post) that only its asker sees.
pub fn ephemeral_response(message: &Message) -> Value {
    let mut payload = message_payload(message);
    if let Some(fields) = payload.as_object_mut() {
        fields.insert("response_type".to_string(), json!("ephemeral"));
    }
    payload
}

/// A Markdown document as messages of ``` blocks, for when it cannot be uploaded: each fits a
/// section (3000 bytes) and so a message's `text`; split on lines, a longer line between
/// characters; none is empty. Post each as `text` (or in a section).
pub fn document_as_messages(markdown: &str) -> Vec<String> {
    code_sections_text(markdown)
}

/// The message's plain text, escaped and cut to fit Slack's `text`.
fn fallback_text(message: &Message) -> String {
    let text = message.plain_text();
    if text.trim().is_empty() {
        return NO_TEXT.to_string();
    }
    truncate(escape(&text), MESSAGE_TEXT_MAX, TRUNCATED)
}

fn blocks(message: &Message) -> Vec<Value> {
    let mut blocks: Vec<Value> = mention_section(&message.mentions).into_iter().collect();
    for block in &message.blocks {
        blocks.extend(render(block));
    }
    cap(blocks)
}

fn render(block: &Block) -> Vec<Value> {
    match block {
        Block::Heading { text } => header(text).into_iter().collect(),
        Block::Text { text } => section(escape(text)).into_iter().collect(),
        Block::Fields { fields } => field_sections(fields),
        Block::Code { code, .. } => code_sections_text(code)
            .into_iter()
            .filter_map(section)
            .collect(),
        Block::Progress { done, total, label } => section(progress(*done, *total, label))
            .into_iter()
            .collect(),
        Block::StepActions { incident, step } => vec![step_actions(*incident, *step)],
        Block::Document { filename, .. } => vec![document_note(filename)],
    }
}

/// A `mrkdwn` text object. `verbatim` stops Slack's own parsing of the text (links, channel
/// names, bare mentions); the pings in `<@…>` syntax still work.
fn mrkdwn(text: String) -> Value {
    json!({"type": "mrkdwn", "text": text, "verbatim": true})
}

/// A section of escaped text, cut to fit; none for blank text (Slack refuses it).
fn section(text: String) -> Option<Value> {
    if text.trim().is_empty() {
        return None;
    }
    Some(json!({
        "type": "section",
        "text": mrkdwn(truncate(text, SECTION_TEXT_MAX, TRUNCATED)),
    }))
}

/// A header: plain text, so not escaped, only defused.
fn header(text: &str) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(json!({
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": truncate_plain(defuse(text), HEADER_TEXT_MAX, "…"),
        },
    }))
}

/// The pings leading the message; mentions that are no Slack id show as text.
fn mention_section(mentions: &[String]) -> Option<Value> {
    // Room for ` …(truncated) 12345 more`.
    let room = SECTION_TEXT_MAX - TRUNCATED.len() - 32;
    let mut text = String::new();
    for (index, mention) in mentions.iter().enumerate() {
        let rendered = mentions::render(mention);
        if text.len() + 1 + rendered.len() > room {
            let left = mentions.len() - index;
            text.push_str(&format!(" {TRUNCATED} {left} more"));
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&rendered);
    }
    section(text)
}

fn field_sections(fields: &[(String, String)]) -> Vec<Value> {
    fields
        .chunks(FIELDS_PER_SECTION)
        .map(|chunk| {
            json!({
                "type": "section",
                "fields": chunk.iter().map(|(label, value)| field(label, value)).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// `*Label*` over the value; a blank side is left out (Slack refuses an empty field).
fn field(label: &str, value: &str) -> Value {
    let label = truncate(escape(label.trim()), FIELD_LABEL_MAX, "…");
    let value = escape(value);
    let text = match (label.is_empty(), value.trim().is_empty()) {
        (false, false) => format!("*{label}*\n{value}"),
        (false, true) => format!("*{label}*"),
        (true, false) => value,
        (true, true) => "—".to_string(),
    };
    mrkdwn(truncate(text, FIELD_TEXT_MAX, TRUNCATED))
}

/// Code as ``` blocks of section size.
fn code_sections_text(code: &str) -> Vec<String> {
    pieces(&escape_code(code), SECTION_TEXT_MAX - CODE_BLOCK_OVERHEAD)
        .iter()
        .map(|piece| code_block(piece))
        .collect()
}

/// `▰▰▱▱▱▱ 2/6 · Immediate Actions`.
fn progress(done: usize, total: usize, label: &str) -> String {
    let line = format!("{} {done}/{total}", bar(done, total));
    match label.trim() {
        "" => line,
        label => format!("{line} · {}", escape(label)),
    }
}

fn step_actions(incident: u64, step: usize) -> Value {
    let buttons: Vec<Value> = StepAction::ALL
        .into_iter()
        .map(|action| {
            button(StepButton {
                incident,
                step,
                action,
            })
        })
        .collect();
    json!({"type": "actions", "elements": buttons})
}

fn button(button: StepButton) -> Value {
    let mut element = json!({
        "type": "button",
        "action_id": button.action_id(),
        "text": {"type": "plain_text", "text": button.action.label()},
        "value": button.value(),
    });
    if let (Some(style), Some(fields)) = (style(button.action), element.as_object_mut()) {
        fields.insert("style".to_string(), json!(style));
    }
    element
}

/// Slack's button style: green for Done, red for Failed.
fn style(action: StepAction) -> Option<&'static str> {
    match action {
        StepAction::Done => Some("primary"),
        StepAction::Skip => None,
        StepAction::Fail => Some("danger"),
    }
}

/// Where a document goes: its name, in a context line.
fn document_note(filename: &str) -> Value {
    json!({
        "type": "context",
        "elements": [mrkdwn(truncate(format!("📄 {}", escape(filename)), SECTION_TEXT_MAX, TRUNCATED))],
    })
}

/// At most 50 blocks: past the limit, content is dropped for one marker section, and the step
/// buttons stay so the checklist can still be confirmed.
fn cap(blocks: Vec<Value>) -> Vec<Value> {
    if blocks.len() <= MAX_BLOCKS {
        return blocks;
    }
    let actions = blocks.iter().filter(|block| is_actions(block)).count();
    let kept_actions = actions.min(MAX_BLOCKS / 2);
    let room = MAX_BLOCKS - 1 - kept_actions;
    let (mut content, mut buttons, mut dropped) = (0, 0, 0);
    let mut marker_at = None;
    let mut kept = Vec::with_capacity(MAX_BLOCKS);
    for block in blocks {
        let keep = if is_actions(&block) {
            buttons += 1;
            buttons <= kept_actions
        } else {
            content += 1;
            content <= room
        };
        if keep {
            kept.push(block);
        } else {
            dropped += 1;
            marker_at.get_or_insert(kept.len());
        }
    }
    let marker = section(format!("{TRUNCATED} {dropped} more blocks not shown"));
    if let (Some(at), Some(marker)) = (marker_at, marker) {
        kept.insert(at, marker);
    }
    kept
}

fn is_actions(block: &Value) -> bool {
    block.get("type").and_then(Value::as_str) == Some("actions")
}
