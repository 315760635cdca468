//! A neutral `Message` as `chat.postMessage` and `chat.update` take it, in slack-morphism's
//! Block Kit types (the caller adds `channel`, and `ts` for an update): `text` for notifications,
//! Block Kit `blocks`, no unfurls. The types check no lengths: the limits below are kept here.
//!
//! | `Block` | Block Kit |
//! |---|---|
//! | (mentions) | a leading `section` with the pings |
//! | `Heading` | `header` (plain text, 150 at most, cut with `…`) |
//! | `Text` | `section` (mrkdwn) |
//! | `Foldable` | `section` of its `compact` text |
//! | `Fields` | `section`s with at most 10 `fields` each, `*Label*` over the value |
//! | `Code` | `section`s, each one ``` block, split on lines to fit (mrkdwn has no language tag) |
//! | `Progress` | `section`: `▰▰▱▱▱▱ 2/6 · Phase` |
//! | `StepActions` | `actions`: Done (primary), Skip, Failed (danger); see `chat::step_buttons` |
//! | `RestoreActions` | `actions`: Restored (primary), Resolve; see `chat::incident_buttons` |
//! | `FollowUpActions` | `actions`: one "Done 1.3" button (primary) per item, at most 25; see `chat::follow_up_buttons` |
//! | `TrackActions` | an `actions` block per track: `Done · 2 Database recovery`, Skip, Failed |
//! | `Document` | a `context` line naming it; the document itself comes from `documents` |
//!
//! Limits are kept, never exceeded: 50 blocks (the excess is dropped for a marker, the buttons
//! stay), 3000 bytes of section text, 2000 per field, 40,000 for `text`. Cut text ends in
//! `…(truncated)`.

use serde::Serialize;
use slack_morphism::prelude::*;

use super::mentions;
use super::mrkdwn::{
    code_block, defuse, escape, escape_code, pieces, truncate, truncate_plain, CODE_BLOCK_OVERHEAD,
    TRUNCATED,
};
use crate::chat::follow_up_buttons::{FollowUpButton, MAX_BUTTONS as FOLLOW_UP_BUTTONS_MAX};
use crate::chat::incident_buttons::{IncidentAction, IncidentButton};
use crate::chat::step_buttons::{track_label, StepAction, StepButton};
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

/// A message as the bot sends it: `text` and `blocks` ([`SlackMessageContent`]), links and media
/// never unfurled. The body of a `chat.postMessage` less `channel` and the thread; `chat.update`
/// and a `response_url` take only its `content` (their requests have no unfurl settings).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessagePayload {
    #[serde(flatten)]
    pub content: SlackMessageContent,
    pub unfurl_links: bool,
    pub unfurl_media: bool,
}

impl MessagePayload {
    fn new(content: SlackMessageContent) -> MessagePayload {
        MessagePayload {
            content,
            unfurl_links: false,
            unfurl_media: false,
        }
    }
}

/// A slash command's reply that only its asker sees.
#[derive(Serialize)]
struct EphemeralResponse {
    #[serde(flatten)]
    message: MessagePayload,
    response_type: SlackMessageResponseType,
}

/// The body of a `chat.postMessage` or `chat.update` for a message.
pub fn message_payload(message: &Message) -> MessagePayload {
    MessagePayload::new(
        SlackMessageContent::new()
            .with_text(fallback_text(message))
            .with_blocks(blocks(message)),
    )
}

/// The reply to a slash command (the HTTP body, or the Socket Mode acknowledgement's payload)
/// that only its asker sees.
pub fn ephemeral_response(message: &Message) -> serde_json::Value {
    let response = EphemeralResponse {
        message: message_payload(message),
        response_type: SlackMessageResponseType::Ephemeral,
    };
    serde_json::to_value(response).expect("Block Kit types always serialize")
}

/// A Markdown document as messages of ``` blocks, for when it cannot be uploaded: each fits a
/// section (3000 bytes) and so a message's `text`; split on lines, a longer line between
/// characters; none is empty. Post each with [`code_message`].
pub fn document_as_messages(markdown: &str) -> Vec<String> {
    code_sections_text(markdown)
}

/// A ``` block of [`document_as_messages`] as a message: its `text`, and one section of it,
/// verbatim, so Slack parses nothing in it.
pub fn code_message(piece: &str) -> MessagePayload {
    let section = SlackSectionBlock::new().with_text(mrkdwn(piece.to_string()).into());
    MessagePayload::new(
        SlackMessageContent::new()
            .with_text(piece.to_string())
            .with_blocks(vec![section.into()]),
    )
}

/// The message's plain text, escaped and cut to fit Slack's `text`.
fn fallback_text(message: &Message) -> String {
    let text = message.plain_text();
    if text.trim().is_empty() {
        return NO_TEXT.to_string();
    }
    truncate(escape(&text), MESSAGE_TEXT_MAX, TRUNCATED)
}

fn blocks(message: &Message) -> Vec<SlackBlock> {
    let mut blocks: Vec<SlackBlock> = mention_section(&message.mentions).into_iter().collect();
    for block in &message.blocks {
        blocks.extend(render(block));
    }
    cap(blocks)
}

fn render(block: &Block) -> Vec<SlackBlock> {
    match block {
        Block::Heading { text } => header(text).into_iter().collect(),
        Block::Text { text } => section(escape(text)).into_iter().collect(),
        Block::Foldable(foldable) => section(escape(&foldable.compact)).into_iter().collect(),
        Block::Fields { fields } => field_sections(fields),
        Block::Code { code, .. } => code_sections_text(code)
            .into_iter()
            .filter_map(section)
            .collect(),
        Block::Progress { done, total, label } => section(progress(*done, *total, label))
            .into_iter()
            .collect(),
        Block::StepActions { incident, step } => vec![step_actions(*incident, *step, None)],
        Block::RestoreActions { incident } => vec![restore_actions(*incident)],
        Block::Document { filename, .. } => vec![document_note(filename)],
        Block::TrackActions { incident, tracks } => tracks
            .iter()
            .map(|track| step_actions(*incident, track.step, Some(&track.title)))
            .collect(),
        Block::FollowUpActions { incident, items } => follow_up_actions(*incident, items),
    }
}

/// One green "Done 1.3" button per follow-up item, in one actions block.
fn follow_up_actions(incident: u64, items: &[String]) -> Vec<SlackBlock> {
    let buttons: Vec<SlackActionBlockElement> = items
        .iter()
        .take(FOLLOW_UP_BUTTONS_MAX)
        .map(|item| {
            let button = FollowUpButton {
                incident,
                item: item.clone(),
            };
            let label: SlackBlockPlainTextOnly = button.label().into();
            SlackBlockButtonElement::new(label)
                .with_action_id(SlackActionId(button.action_id()))
                .with_value(button.value())
                .with_style(SlackBlockButtonStyle::Primary)
                .into()
        })
        .collect();
    match buttons.is_empty() {
        true => Vec::new(),
        false => vec![SlackActionsBlock::new(buttons).into()],
    }
}

/// A `mrkdwn` text object. `verbatim` stops Slack's own parsing of the text (links, channel
/// names, bare mentions); the pings in `<@…>` syntax still work.
fn mrkdwn(text: String) -> SlackBlockMarkDownText {
    SlackBlockMarkDownText::new(text).with_verbatim(true)
}

/// A section of escaped text, cut to fit; none for blank text (Slack refuses it).
fn section(text: String) -> Option<SlackBlock> {
    if text.trim().is_empty() {
        return None;
    }
    let text = mrkdwn(truncate(text, SECTION_TEXT_MAX, TRUNCATED));
    Some(SlackSectionBlock::new().with_text(text.into()).into())
}

/// A header: plain text, so not escaped, only defused.
fn header(text: &str) -> Option<SlackBlock> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let text = truncate_plain(defuse(text), HEADER_TEXT_MAX, "…");
    Some(SlackHeaderBlock::new(text.into()).into())
}

/// The pings leading the message; mentions that are no Slack id show as text.
fn mention_section(mentions: &[String]) -> Option<SlackBlock> {
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

fn field_sections(fields: &[(String, String)]) -> Vec<SlackBlock> {
    fields
        .chunks(FIELDS_PER_SECTION)
        .map(|chunk| {
            let fields = chunk.iter().map(|(label, value)| field(label, value));
            SlackSectionBlock::new()
                .with_fields(fields.collect())
                .into()
        })
        .collect()
}

/// `*Label*` over the value; a blank side is left out (Slack refuses an empty field).
fn field(label: &str, value: &str) -> SlackBlockText {
    let label = truncate(escape(label.trim()), FIELD_LABEL_MAX, "…");
    let value = escape(value);
    let text = match (label.is_empty(), value.trim().is_empty()) {
        (false, false) => format!("*{label}*\n{value}"),
        (false, true) => format!("*{label}*"),
        (true, false) => value,
        (true, true) => "—".to_string(),
    };
    mrkdwn(truncate(text, FIELD_TEXT_MAX, TRUNCATED)).into()
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

/// Done, Skip and Failed for a step; for a track (`title`), Done names it.
fn step_actions(incident: u64, step: usize, track: Option<&str>) -> SlackBlock {
    let buttons = StepAction::ALL
        .into_iter()
        .map(|action| {
            let label = match track {
                Some(title) => defuse(&track_label(action, step, title)),
                None => action.label().to_string(),
            };
            button(
                StepButton {
                    incident,
                    step,
                    action,
                },
                label,
            )
        })
        .collect();
    SlackActionsBlock::new(buttons).into()
}

fn restore_actions(incident: u64) -> SlackBlock {
    let buttons = IncidentAction::ALL
        .into_iter()
        .map(|action| {
            let button = IncidentButton { incident, action };
            let label: SlackBlockPlainTextOnly = action.label().into();
            SlackBlockButtonElement::new(label)
                .with_action_id(SlackActionId(action.action_id().to_string()))
                .with_value(button.value())
                .opt_style(
                    (action == IncidentAction::Restored).then_some(SlackBlockButtonStyle::Primary),
                )
                .into()
        })
        .collect();
    SlackActionsBlock::new(buttons).into()
}

fn button(button: StepButton, label: String) -> SlackActionBlockElement {
    let label: SlackBlockPlainTextOnly = label.into();
    SlackBlockButtonElement::new(label)
        .with_action_id(SlackActionId(button.action_id().to_string()))
        .with_value(button.value())
        .opt_style(style(button.action))
        .into()
}

/// Slack's button style: green for Done, red for Failed.
fn style(action: StepAction) -> Option<SlackBlockButtonStyle> {
    match action {
        StepAction::Done => Some(SlackBlockButtonStyle::Primary),
        StepAction::Skip => None,
        StepAction::Fail => Some(SlackBlockButtonStyle::Danger),
    }
}

/// Where a document goes: its name, in a context line.
fn document_note(filename: &str) -> SlackBlock {
    let note = truncate(
        format!("📄 {}", escape(filename)),
        SECTION_TEXT_MAX,
        TRUNCATED,
    );
    SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(mrkdwn(note))]).into()
}

/// At most 50 blocks: past the limit, content is dropped for one marker section, and the step
/// buttons stay so the checklist can still be confirmed.
fn cap(blocks: Vec<SlackBlock>) -> Vec<SlackBlock> {
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

fn is_actions(block: &SlackBlock) -> bool {
    matches!(block, SlackBlock::Actions(_))
}

#[cfg(test)]
mod tests {
    //! Every post as Slack JSON (snapshots in `snapshots/`), escaping of hostile text, and Slack's
    //! limits under huge input. Every payload here is also checked against the limits.

    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;
    use crate::notify::test_support::{
        at, corruption_drill, db_loss, infra_loss_tracks, paging, runbook, scenario, HOUR,
    };
    use crate::notify::{self, Block, Message, MessageKind};

    /// Snapshots live in `bot/chat/slack/snapshots/`.
    macro_rules! snapshot {
        (text $name:expr, $text:expr) => {
            insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!($name, $text);
            })
        };
        ($name:expr, $payload:expr) => {
            snapshot!(text $name, pretty(&$payload))
        };
    }

    fn pretty(payload: &Value) -> String {
        serde_json::to_string_pretty(payload).expect("JSON values always serialize")
    }

    fn step(number: u32, index: usize) -> Option<&'static crate::runbook::Step> {
        scenario(number).steps().nth(index)
    }

    /// The payload of a message, checked against Slack's limits.
    fn payload(message: &Message) -> Value {
        let payload = serde_json::to_value(message_payload(message)).expect("encodes");
        assert_within_limits(&payload);
        payload
    }

    fn blocks_of(payload: &Value) -> &Vec<Value> {
        payload["blocks"].as_array().expect("blocks")
    }

    /// Every text object anywhere in the payload.
    fn texts(value: &Value) -> Vec<&Value> {
        match value {
            Value::Object(fields) if fields.contains_key("type") && fields.contains_key("text") => {
                let mut found: Vec<&Value> = vec![value];
                found.extend(fields.values().flat_map(texts));
                found
            }
            Value::Object(fields) => fields.values().flat_map(texts).collect(),
            Value::Array(items) => items.iter().flat_map(texts).collect(),
            _ => Vec::new(),
        }
    }

    fn assert_within_limits(payload: &Value) {
        let text = payload["text"].as_str().expect("text");
        assert!(!text.is_empty() && text.len() < 40_000);
        assert_eq!(payload["unfurl_links"], false);
        assert_eq!(payload["unfurl_media"], false);
        let blocks = blocks_of(payload);
        assert!(blocks.len() <= 50, "{} blocks", blocks.len());
        for block in blocks {
            match block["type"].as_str().expect("block type") {
                "header" => {
                    let text = block["text"]["text"].as_str().expect("header text");
                    assert_eq!(block["text"]["type"], "plain_text");
                    assert!(!text.is_empty() && text.len() <= 150, "{text}");
                    assert!(!text.contains("<!") && !text.contains("<@"), "{text}");
                }
                "section" => {
                    if let Some(fields) = block.get("fields") {
                        let fields = fields.as_array().expect("fields");
                        assert!(!fields.is_empty() && fields.len() <= 10);
                        for field in fields {
                            let text = field["text"].as_str().expect("field text");
                            assert!(!text.trim().is_empty() && text.len() <= 2000);
                        }
                    } else {
                        let text = block["text"]["text"].as_str().expect("section text");
                        assert!(!text.trim().is_empty() && text.len() <= 3000);
                    }
                }
                "actions" => {
                    let buttons = block["elements"].as_array().expect("buttons");
                    let ids: Vec<&str> = buttons
                        .iter()
                        .filter_map(|button| button["action_id"].as_str())
                        .collect();
                    let follow_ups = !ids.is_empty()
                        && ids.len() <= 25
                        && ids.iter().all(|id| id.starts_with("follow_up_done:"))
                        && ids.iter().enumerate().all(|(i, id)| !ids[..i].contains(id));
                    assert!(
                        ids == ["step_done", "step_skip", "step_fail"]
                            || ids == ["incident_restored", "incident_resolve"]
                            || follow_ups,
                        "{ids:?}"
                    );
                    for button in buttons {
                        let label = button["text"]["text"].as_str().expect("label");
                        assert!(!label.is_empty() && label.chars().count() <= 75, "{label}");
                    }
                }
                "context" => {}
                other => panic!("unexpected block {other}"),
            }
        }
        for text in texts(payload) {
            if text["type"] == "mrkdwn" {
                assert_eq!(text["verbatim"], true);
            }
        }
    }

    /// The mrkdwn of every section and field, one per line.
    fn mrkdwn_of(payload: &Value) -> String {
        texts(payload)
            .iter()
            .filter(|text| text["type"] == "mrkdwn")
            .filter_map(|text| text["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// No control sequence of Slack's (`<…>`) anywhere but the leading ping section.
    fn assert_no_pings(payload: &Value) {
        let mut all = mrkdwn_of(payload);
        all.push_str(payload["text"].as_str().unwrap_or_default());
        assert!(!all.contains('<'), "{all}");
        assert!(!all.contains('>'), "{all}");
        for broadcast in ["@here", "@channel", "@everyone"] {
            assert!(!all.to_lowercase().contains(broadcast), "{all}");
        }
    }

    mod posts {
        use super::*;

        #[test]
        fn opened() {
            let fixture = db_loss(at(3, 4, 0));
            let (mentions, names) = paging(
                &fixture.incident,
                "Platform Lead=U0LEAD; Database Admin=<!subteam^S0DBA|@dba>",
            );
            let message = notify::opened(&fixture.incident, runbook(), 15 * 60, mentions, &names);
            let opened = payload(&message);
            assert_eq!(
                blocks_of(&opened)[0]["text"]["text"],
                "<@U0LEAD> <!subteam^S0DBA>"
            );
            snapshot!("opened", opened);
            let drill = corruption_drill(at(14, 0, 0));
            snapshot!(
                "opened_drill",
                payload(&notify::opened(
                    &drill.incident,
                    runbook(),
                    15 * 60,
                    Vec::new(),
                    &[]
                ))
            );
        }

        #[test]
        fn checklists() {
            let fixture = db_loss(at(3, 4, 0));
            let first = payload(&notify::checklist(
                &fixture.incident,
                |i| step(1, i),
                None,
                fixture.now,
            ));
            let buttons = &blocks_of(&first).last().expect("buttons")["elements"];
            assert_eq!(buttons[0]["action_id"], "step_done");
            assert_eq!(buttons[0]["value"], "INC-3:0");
            snapshot!("checklist_first_step", first);

            let fixture = db_loss(at(3, 10, 42));
            let headline = notify::confirmation_headline(&fixture.incident, 1);
            snapshot!(
                "checklist_after_confirmation",
                payload(&notify::checklist(
                    &fixture.incident,
                    |i| step(1, i),
                    Some(headline),
                    fixture.now
                ))
            );
            let fixture = db_loss(at(3, 31, 0));
            snapshot!(
                "checklist_failed_step",
                payload(&notify::checklist(
                    &fixture.incident,
                    |i| step(1, i),
                    None,
                    fixture.now
                ))
            );
            let fixture = corruption_drill(at(14, 11, 0));
            let headline = notify::confirmation_headline(&fixture.incident, 1);
            snapshot!(
                "checklist_choice",
                payload(&notify::checklist(
                    &fixture.incident,
                    |i| step(3, i),
                    Some(headline),
                    fixture.now
                ))
            );
            let fixture = db_loss(at(4, 9, 0));
            let headline = notify::confirmation_headline(&fixture.incident, 10);
            snapshot!(
                "checklist_complete",
                payload(&notify::checklist(
                    &fixture.incident,
                    |_| None,
                    Some(headline),
                    fixture.now
                ))
            );
        }

        #[test]
        fn tracks_get_a_row_of_buttons_each() {
            let fixture = infra_loss_tracks(at(5, 12, 0));
            let headline = notify::confirmation_headline(&fixture.incident, 3);
            let card = payload(&notify::checklist(
                &fixture.incident,
                |i| step(5, i),
                Some(headline),
                fixture.now,
            ));
            let rows: Vec<(Value, Value, Value)> = blocks_of(&card)
                .iter()
                .filter(|block| block["type"] == "actions")
                .map(|block| {
                    let done = &block["elements"][0];
                    (
                        done["text"]["text"].clone(),
                        done["value"].clone(),
                        block["elements"][2]["text"]["text"].clone(),
                    )
                })
                .collect();
            assert_eq!(
                rows,
                vec![
                    (
                        "Done · 2 Database recovery".into(),
                        "INC-5:1".into(),
                        "Failed".into()
                    ),
                    (
                        "Done · 3 Application deployment".into(),
                        "INC-5:2".into(),
                        "Failed".into()
                    ),
                    (
                        "Done · 5 Verification".into(),
                        "INC-5:4".into(),
                        "Failed".into()
                    ),
                ],
                "the open tracks, by priority; step 4 is done"
            );
            snapshot!("checklist_tracks", card);
        }

        #[test]
        fn step_failed_and_nudge() {
            let fixture = db_loss(at(3, 31, 0));
            snapshot!(
                "step_failed",
                payload(&notify::step_failed(&fixture.incident, 4))
            );
            let fixture = db_loss(at(3, 54, 30));
            snapshot!(
                "nudge",
                payload(&notify::nudge(&fixture.incident, 4, fixture.now))
            );
        }

        #[test]
        fn updates_and_notes() {
            let fixture = db_loss(at(3, 34, 0));
            snapshot!(
                "update",
                payload(&notify::update(
                    &fixture.incident,
                    runbook(),
                    15 * 60,
                    fixture.now,
                    Some(at(3, 49, 0))
                ))
            );
            let fixture = db_loss(at(3, 15, 0));
            let remark = fixture.incident.latest_note.clone().expect("a note");
            snapshot!("note", payload(&notify::note(&fixture.incident, &remark)));
            let fixture = db_loss(at(3, 11, 0));
            snapshot!(
                "change",
                payload(&notify::change(
                    &fixture.incident,
                    "@carol is now scribe of INC-3 (assigned by alice)".to_string()
                ))
            );
        }

        #[test]
        fn rto_warnings() {
            let fixture = db_loss(at(3, 28, 0));
            snapshot!(
                "rto_warning_80",
                payload(&notify::rto_warning(&fixture.incident, 80, fixture.now))
            );
            let fixture = db_loss(at(3, 36, 0));
            snapshot!(
                "rto_warning_exceeded",
                payload(&notify::rto_warning(&fixture.incident, 100, fixture.now))
            );
        }

        #[test]
        fn resolved_and_follow_up() {
            let fixture = db_loss(at(4, 10, 0));
            snapshot!(
                "resolved",
                payload(&notify::resolved(&fixture.incident, runbook()))
            );
            snapshot!(
                "follow_up",
                payload(&notify::follow_up(
                    &fixture.incident,
                    &runbook().follow_ups[0]
                ))
            );
        }

        #[test]
        fn follow_up_lists_have_a_done_button_per_open_item() {
            let fixture = db_loss(at(9, 12, 0));
            let list = notify::follow_up_list(
                &fixture.incident,
                0,
                notify::ListMoment::Reminder,
                fixture.now,
            );
            let rendered = payload(&list);
            let actions = rendered["blocks"]
                .as_array()
                .expect("blocks")
                .iter()
                .find(|block| block["type"] == "actions")
                .expect("an actions block");
            let buttons: Vec<(&str, &str, &str)> = actions["elements"]
                .as_array()
                .expect("buttons")
                .iter()
                .map(|button| {
                    (
                        button["action_id"].as_str().unwrap_or_default(),
                        button["value"].as_str().unwrap_or_default(),
                        button["text"]["text"].as_str().unwrap_or_default(),
                    )
                })
                .collect();
            assert_eq!(
                buttons,
                [
                    ("follow_up_done:1.1", "INC-3:1.1", "Done 1.1"),
                    ("follow_up_done:1.3", "INC-3:1.3", "Done 1.3"),
                    ("follow_up_done:1.4", "INC-3:1.4", "Done 1.4")
                ]
            );
        }

        #[test]
        fn replies_are_ephemeral() {
            let fixture = db_loss(at(3, 27, 0));
            let status = notify::status(
                &fixture.incident,
                runbook(),
                fixture.now,
                Some(at(3, 34, 0)),
            );
            let reply = ephemeral_response(&status);
            assert_eq!(reply["response_type"], "ephemeral");
            assert_within_limits(&reply);
            snapshot!("status_recovering", reply);
            let fixture = db_loss(at(4, 10, 0));
            snapshot!(
                "status_resolved",
                ephemeral_response(&notify::status(
                    &fixture.incident,
                    runbook(),
                    fixture.now + HOUR,
                    None
                ))
            );
            let real = db_loss(at(3, 27, 0)).incident;
            let drill = corruption_drill(at(14, 11, 0)).incident;
            snapshot!(
                "list",
                ephemeral_response(&notify::list(&[real, drill], at(14, 12, 0)))
            );
            snapshot!(
                "scenarios",
                ephemeral_response(&notify::scenarios(runbook()))
            );
        }

        /// The status of a 40-step checklist, in one phase, in 8 or in 40: within every limit
        /// and uncut, from the checklist's current step to the hint after it.
        #[test]
        fn the_status_of_a_long_checklist_fits_uncut() {
            for (phases, per_phase) in [(1, 40), (8, 5), (40, 1)] {
                let incident = crate::incident::test_support::long_checklist(phases, per_phase, 22);
                let status = notify::status(&incident, runbook(), 23 * 6 * 60_000, None);
                let reply = ephemeral_response(&status);
                assert_within_limits(&reply);
                let sections: Vec<&str> = blocks_of(&reply)
                    .iter()
                    .filter_map(|block| block["text"]["text"].as_str())
                    .collect();
                let shown = sections.join("\n");
                assert!(!shown.contains(TRUNCATED), "{shown}");
                assert!(shown.contains("▶ 23 Step 23 of the failover"), "{shown}");
                assert!(shown.contains("Confirm it: /incident step done"), "{shown}");
            }
        }

        #[test]
        fn post_mortem_document() {
            let fixture = db_loss(at(4, 10, 0));
            let markdown = crate::postmortem::draft(
                &fixture.incident,
                &fixture.timeline,
                runbook(),
                fixture.now,
            );
            let message = Message::text(
                MessageKind::Reply,
                Some(3),
                "Post-mortem draft for INC-3 — edit it and share it.",
            )
            .with(Block::Document {
                filename: "INC-3-postmortem.md".to_string(),
                markdown: markdown.clone(),
            });
            assert_eq!(
                message.documents(),
                vec![("INC-3-postmortem.md", markdown.as_str())]
            );
            let reply = ephemeral_response(&message);
            assert_within_limits(&reply);
            snapshot!("postmortem_reply", reply);
            let messages = document_as_messages(&markdown);
            assert!(messages.len() > 1, "the draft needs several messages");
            for text in &messages {
                assert!(text.len() <= 3000 && text.starts_with("```\n") && text.ends_with("\n```"));
            }
            snapshot!(text "postmortem_as_messages", messages.join("\n\n---\n\n"));
        }

        #[test]
        fn no_post_pings_through_its_text() {
            let fixture = db_loss(at(4, 10, 0));
            for message in [
                notify::update(&fixture.incident, runbook(), 15 * 60, fixture.now, None),
                notify::resolved(&fixture.incident, runbook()),
                notify::checklist(&fixture.incident, |i| step(1, i), None, fixture.now),
            ] {
                assert_no_pings(&payload(&message));
            }
        }
    }

    mod escaping {
        use super::*;

        const HOSTILE: &str = "<!channel> <!here> <!everyone> <@U123> @here @Channel @everyone \
            *bold* _it_ ~strike~ `code` ```block``` <http://evil|link> &lt;already&gt; &amp; \
            > quote 🔥 数据库 naïve";

        fn hostile_message() -> Message {
            crate::notify::test_support::every_text_block(HOSTILE)
        }

        #[test]
        fn hostile_text_shows_as_typed() {
            let payload = payload(&hostile_message());
            assert_no_pings(&payload);
            let text = blocks_of(&payload)[1]["text"]["text"]
                .as_str()
                .expect("text");
            assert_eq!(
                text,
                "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; @\u{200B}here \
                 @\u{200B}Channel @\u{200B}everyone ∗bold∗ ˍitˍ ∼strike∼ ˋcodeˋ ˋˋˋblockˋˋˋ \
                 &lt;http://evil|link&gt; &amp;lt;already&amp;gt; &amp;amp; &gt; quote 🔥 数据库 naïve"
            );
            snapshot!("hostile", payload);
        }

        #[test]
        fn headers_are_plain_text_as_typed() {
            let payload = payload(&hostile_message());
            let header = &blocks_of(&payload)[0];
            assert_eq!(header["type"], "header");
            assert_eq!(header["text"]["type"], "plain_text");
            assert!(header["text"]["text"]
                .as_str()
                .expect("header")
                .starts_with("<\u{200B}!channel> <\u{200B}!here>"));
        }

        #[test]
        fn code_is_verbatim_but_cannot_close_its_block() {
            let code =
                "psql -c \"SELECT * FROM t WHERE a < 1 && b > 2\" # *not bold* @here\n```\necho done";
            let message = Message::new(MessageKind::Checklist, Some(1)).with(Block::Code {
                lang: Some("bash".to_string()),
                code: code.to_string(),
            });
            let payload = payload(&message);
            assert_eq!(
                blocks_of(&payload)[0]["text"]["text"],
                "```\npsql -c \"SELECT * FROM t WHERE a &lt; 1 &amp;&amp; b &gt; 2\" # *not bold* @here\n\
                 `\u{200B}`\u{200B}`\necho done\n```"
            );
        }

        #[test]
        fn only_mentions_that_are_slack_ids_ping() {
            let mut message = Message::text(MessageKind::Opened, Some(1), "Paging");
            message.mentions = vec![
                "U024BE7LH".to_string(),
                "W0ENTERPRISE".to_string(),
                "<!subteam^S0DBA|@dba>".to_string(),
                "S0OPS".to_string(),
                "<!channel>".to_string(),
                "@here".to_string(),
                "Database Admin".to_string(),
            ];
            let payload = payload(&message);
            assert_eq!(
                blocks_of(&payload)[0]["text"]["text"],
                "<@U024BE7LH> <@W0ENTERPRISE> <!subteam^S0DBA> <!subteam^S0OPS> &lt;!channel&gt; \
                 @\u{200B}here Database Admin"
            );
            assert_eq!(payload["text"], "Paging");
        }

        proptest! {
            #[test]
            fn no_text_ever_pings_or_breaks_limits(text in ".{0,300}", label in "[<>&@*_~` a-z!|]{0,40}") {
                let message = Message::new(MessageKind::Note, Some(1))
                    .with(Block::Heading { text: text.clone() })
                    .with(Block::Text { text: text.clone() })
                    .with(Block::Fields { fields: vec![(label.clone(), text.clone())] })
                    .with(Block::Code { lang: None, code: text.clone() })
                    .with(Block::Progress { done: 0, total: 0, label });
                let payload = payload(&message);
                let mut all = mrkdwn_of(&payload);
                all.push_str(payload["text"].as_str().unwrap_or_default());
                prop_assert!(!all.contains('<') && !all.contains('>'));
                prop_assert!(!all.contains("```\n```"));
            }
        }
    }

    mod limits {
        use super::*;

        #[test]
        fn sixty_fields_are_six_sections() {
            let fields = (0..60)
                .map(|n| (format!("Field {n}"), "v".repeat(5000)))
                .collect();
            let payload =
                payload(&Message::new(MessageKind::Reply, None).with(Block::Fields { fields }));
            let blocks = blocks_of(&payload);
            assert_eq!(blocks.len(), 6);
            assert!(blocks[5]["fields"][9]["text"]
                .as_str()
                .expect("field")
                .ends_with("…(truncated)"));
        }

        #[test]
        fn ten_thousand_lines_of_code_keep_the_buttons() {
            let code: String = (0..10_000)
                .map(|n| format!("echo line {n} && <!here>\n"))
                .collect();
            let message = Message::new(MessageKind::Checklist, Some(9))
                .with(Block::Heading {
                    text: "H".repeat(500),
                })
                .with(Block::Code { lang: None, code })
                .with(Block::StepActions {
                    incident: 9,
                    step: 4,
                });
            let payload = payload(&message);
            let blocks = blocks_of(&payload);
            assert_eq!(blocks.len(), 50);
            assert!(blocks[0]["text"]["text"]
                .as_str()
                .expect("header")
                .ends_with('…'));
            assert_eq!(blocks[49]["type"], "actions");
            assert_eq!(blocks[49]["elements"][2]["value"], "INC-9:4");
            let marker = blocks[48]["text"]["text"].as_str().expect("marker");
            assert!(marker.starts_with("…(truncated)"), "{marker}");
            assert!(payload["text"]
                .as_str()
                .expect("text")
                .ends_with("…(truncated)"));
        }

        #[test]
        fn huge_text_is_cut_with_a_marker() {
            let text = "&<>*🔥 ".repeat(20_000);
            let payload = payload(&Message::text(MessageKind::Note, None, text));
            let section = blocks_of(&payload)[0]["text"]["text"]
                .as_str()
                .expect("text");
            assert!(section.ends_with("…(truncated)"));
            assert!(section.len() > 2900);
        }

        #[test]
        fn many_blocks_are_capped() {
            let mut message = Message::new(MessageKind::Reply, None);
            for n in 0..200 {
                message = message
                    .with(Block::Text {
                        text: format!("line {n}"),
                    })
                    .with(Block::StepActions {
                        incident: 1,
                        step: n,
                    });
            }
            message.mentions = vec!["U0LEAD".to_string(); 1000];
            let payload = payload(&message);
            let blocks = blocks_of(&payload);
            assert!(blocks[0]["text"]["text"]
                .as_str()
                .expect("pings")
                .ends_with("more"));
        }

        #[test]
        fn empty_blocks_are_left_out() {
            let message = Message::new(MessageKind::Reply, None)
                .with(Block::Heading {
                    text: "  ".to_string(),
                })
                .with(Block::Text {
                    text: String::new(),
                })
                .with(Block::Code {
                    lang: None,
                    code: "\n\n".to_string(),
                })
                .with(Block::Fields { fields: Vec::new() })
                .with(Block::Fields {
                    fields: vec![(String::new(), String::new())],
                });
            let payload = payload(&message);
            assert_eq!(blocks_of(&payload).len(), 1);
            assert_eq!(blocks_of(&payload)[0]["fields"][0]["text"], "—");
        }

        #[test]
        fn documents_split_within_limits() {
            assert!(document_as_messages("").is_empty());
            assert!(document_as_messages("\n \n").is_empty());
            let long_line = "é&".repeat(4000);
            let markdown = format!("# Title\n\n{long_line}\n```\ncode\n```\n");
            let messages = document_as_messages(&markdown);
            assert!(messages.len() >= 4);
            let mut body = String::new();
            for text in &messages {
                assert!(text.len() <= 3000, "{}", text.len());
                let inner = text
                    .strip_prefix("```\n")
                    .and_then(|text| text.strip_suffix("\n```"))
                    .expect("a code block");
                assert!(!inner.trim().is_empty());
                assert!(!inner.contains("```"));
                body.push_str(inner);
            }
            assert_eq!(
                body.replace(['\n', '\u{200B}'], ""),
                markdown.replace('\n', "").replace('&', "&amp;")
            );
        }

        proptest! {
            #[test]
            fn documents_never_exceed_limits(markdown in "(.{0,200}\n){0,80}|.{0,5000}") {
                for text in document_as_messages(&markdown) {
                    prop_assert!(text.len() <= 3000);
                    prop_assert!(!text["```\n".len()..text.len() - "\n```".len()].trim().is_empty());
                }
            }
        }
    }
}
