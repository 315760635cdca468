//! A neutral `Message` as the JSON Discord's `POST/PATCH /channels/{id}/messages` take, built
//! with serenity's builders: `content` for the pings, rich embeds for the text, an action row of
//! buttons per step, and always `allowed_mentions` naming exactly the users to ping.
//!
//! | `Block` | Discord |
//! |---|---|
//! | (mentions) | `content`: `<@id>` for each mention that is a Discord user id, nothing else |
//! | `Heading` | the embed's `title`; a second heading starts a new embed |
//! | `Text` | a paragraph of the embed's `description` |
//! | `Foldable` | a paragraph of its `compact` text |
//! | `Fields` | the embed's `fields` (short values inline) |
//! | `Code` | a ``` block in the `description` (language tag kept when it is one word) |
//! | `Progress` | a `description` line: `▰▰▱▱▱▱ 2/6 · Phase` |
//! | `StepActions` | an action row: Done (success, green), Skip (secondary), Failed (danger); `custom_id` from `chat::step_buttons` |
//! | `RestoreActions` | an action row: Restored (success), Resolve (secondary); `custom_id` from `chat::incident_buttons` |
//! | `FollowUpActions` | rows of five "Done 1.3" buttons (success), at most 25; `custom_id` from `chat::follow_up_buttons` |
//! | `TrackActions` | an action row per track (`Done · 2 Database recovery`, Skip, Failed); more than 5 tracks: their Done buttons, 5 to a row |
//! | `Document` | a `description` line naming it; the file itself is attached (`Message::documents`) |
//!
//! Text after fields goes to a new embed, so the message reads in the order of its blocks. Each
//! embed has the colour of the message's kind.
//!
//! # Escaping
//!
//! Every text in a `Message` is plain text from users or the runbook; only `Message::mentions`
//! may ping. Pings are off twice over:
//!
//! - `allowed_mentions` is always `{"parse": [], "users": [the mentions]}`: Discord pings no
//!   `@everyone`, `@here`, role or user that is not listed, whatever the text says. User text
//!   only ever goes into embeds, which never ping anyone anyway.
//! - As defence in depth the text itself is defused: a zero-width space U+200B follows the `@`
//!   of `@everyone` and `@here` (any case) and every `<`, so `<@&role>`, `<@id>`, `<#channel>`,
//!   `<t:…>` and `<:emoji:…>` show as typed instead of turning into mentions.
//!
//! Markdown shows as typed: a backslash goes before `\ * _ ~ ` | > # [ ]` (so `**bold**`,
//! `` `code` ``, `||spoiler||`, `# heading`, `> quote` and `[masked](links)` stay text), before a
//! `-` or `+` that starts a line (lists, `-#` small print) and before the `.` or `)` of a line
//! that starts `1.` (numbered lists). A URL (`http://…` up to a space) is copied as typed, since
//! Discord shows a backslash inside a link; it still gets the zero-width space after
//! `@everyone`. Code (runbook commands, filled-in templates) is verbatim inside a ``` block, with
//! a zero-width space between two backticks so ``` in the code cannot close it. Button labels
//! are the bot's own words.
//!
//! # Limits
//!
//! Counted in UTF-16 units, never fewer than Discord's characters (see `markdown`), and kept
//! by cutting with a visible `…`: content 2000; per embed a title of 256, a description of
//! 4096, 25 fields with names of 256 and values of 1024; 10 embeds, and 6000 across all of a
//! message's embeds; 5 action rows; 100 users in `allowed_mentions`.

use std::num::NonZeroU64;

use serde_json::{json, Value};
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed, UserId,
};

use super::markdown::{code_block, escape, len, truncate, CUT_MARK};
use crate::chat::follow_up_buttons::{FollowUpButton, MAX_BUTTONS as FOLLOW_UP_BUTTONS_MAX};
use crate::chat::incident_buttons::{Button, IncidentAction, IncidentButton};
use crate::chat::step_buttons::{track_label, StepAction, StepButton};
use crate::mention::MentionId;
use crate::notify::format::bar;
use crate::notify::{Block, Message, MessageKind, TrackButton};

const CONTENT_MAX: usize = 2000;
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 4096;
const FIELDS_MAX: usize = 25;
const FIELD_NAME_MAX: usize = 256;
const FIELD_VALUE_MAX: usize = 1024;
const EMBEDS_MAX: usize = 10;
const EMBEDS_TOTAL_MAX: usize = 6000;
const ACTION_ROWS_MAX: usize = 5;
/// Discord's most buttons in one action row.
const BUTTONS_PER_ROW: usize = 5;
const ALLOWED_USERS_MAX: usize = 100;
/// A field value this short shows beside the others rather than on a line of its own.
const INLINE_FIELD_MAX: usize = 40;
/// What `content` says when a message would otherwise be empty (Discord refuses that).
const NO_CONTENT: &str = "incident-bot";
/// The `flags` bit of a message only the person who asked sees.
const EPHEMERAL: u64 = 64;

/// The body of a `POST` or `PATCH` of `/channels/{id}/messages` for a message.
pub fn message_payload(message: &Message) -> Value {
    let pinged = pinged_users(&message.mentions);
    let mut content = pinged
        .iter()
        .map(|id| format!("<@{id}>"))
        .collect::<Vec<_>>()
        .join(" ");
    let embeds = embeds(message);
    let components = action_rows(message);
    if content.is_empty() && embeds.is_empty() && components.is_empty() {
        content = NO_CONTENT.to_string();
    }
    let allowed_mentions = CreateAllowedMentions::new().users(pinged.iter().copied());
    json!({
        "content": content,
        "embeds": embeds,
        "components": components,
        "allowed_mentions": allowed_mentions,
    })
}

/// The `data` of an interaction response that shows a message (callback type 4, or 7 to update
/// the clicked message): the message's payload, for the clicker only when `ephemeral`.
pub fn interaction_message(message: &Message, ephemeral: bool) -> Value {
    let mut payload = message_payload(message);
    if let (true, Some(fields)) = (ephemeral, payload.as_object_mut()) {
        fields.insert("flags".to_string(), json!(EPHEMERAL));
    }
    payload
}

/// The mentions that are Discord user ids (`crate::mention`: `123…` or `<@123…>`), each once, as many as fit in
/// `content` and `allowed_mentions`. Anything else pings nobody and is left out.
fn pinged_users(mentions: &[String]) -> Vec<UserId> {
    let mut users: Vec<UserId> = Vec::new();
    let mut content_len = 0;
    for id in mentions.iter().filter_map(|mention| user_id(mention)) {
        let rendered = len(&format!(" <@{id}>"));
        if users.contains(&id) {
            continue;
        }
        if users.len() == ALLOWED_USERS_MAX || content_len + rendered > CONTENT_MAX {
            break;
        }
        content_len += rendered;
        users.push(id);
    }
    users
}

fn user_id(mention: &str) -> Option<UserId> {
    match MentionId::parse(mention)? {
        MentionId::DiscordUser(id) => NonZeroU64::new(id).map(UserId::from),
        _ => None,
    }
}

fn embeds(message: &Message) -> Vec<CreateEmbed> {
    let mut embeds = Embeds::default();
    for block in &message.blocks {
        match block {
            Block::Heading { text } => embeds.heading(text),
            Block::Text { text } => embeds.paragraph(Paragraph::Text(escape(text))),
            Block::Foldable(foldable) => {
                embeds.paragraph(Paragraph::Text(escape(&foldable.compact)))
            }
            Block::Fields { fields } => fields
                .iter()
                .for_each(|(label, value)| embeds.field(label, value)),
            Block::Code { lang, code } => embeds.paragraph(Paragraph::Code(lang.as_deref(), code)),
            Block::Progress { done, total, label } => {
                embeds.paragraph(Paragraph::Text(progress(*done, *total, label)))
            }
            Block::StepActions { .. }
            | Block::TrackActions { .. }
            | Block::RestoreActions { .. }
            | Block::FollowUpActions { .. } => {}
            Block::Document { filename, .. } => {
                embeds.paragraph(Paragraph::Text(format!("📄 {}", escape(filename))))
            }
        }
    }
    let colour = colour(message.kind);
    embeds
        .finish()
        .into_iter()
        .map(|draft| draft.build(colour))
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

/// The left border of each embed, by what the message is.
fn colour(kind: MessageKind) -> u32 {
    match kind {
        MessageKind::Opened => 0xE7_4C_3C,
        MessageKind::Checklist => 0x34_98_DB,
        MessageKind::StepFailed | MessageKind::Error => 0xC0_39_2B,
        MessageKind::Update => 0x58_65_F2,
        MessageKind::Note | MessageKind::Reply => 0x95_A5_A6,
        MessageKind::RtoWarning => 0xE6_7E_22,
        MessageKind::Nudge | MessageKind::Alert => 0xF1_C4_0F,
        MessageKind::Change => 0x1A_BC_9C,
        MessageKind::Resolved | MessageKind::Restored => 0x2E_CC_71,
        MessageKind::FollowUp => 0x9B_59_B6,
    }
}

fn action_rows(message: &Message) -> Vec<CreateActionRow> {
    message
        .blocks
        .iter()
        .flat_map(|block| match block {
            Block::StepActions { incident, step } => vec![CreateActionRow::Buttons(
                StepAction::ALL
                    .into_iter()
                    .map(|action| button(*incident, *step, action, action.label().to_string()))
                    .collect(),
            )],
            Block::TrackActions { incident, tracks } => track_rows(*incident, tracks),
            Block::RestoreActions { incident } => vec![restore_buttons(*incident)],
            Block::FollowUpActions { incident, items } => follow_up_buttons(*incident, items),
            _ => Vec::new(),
        })
        .take(ACTION_ROWS_MAX)
        .collect()
}

/// A row per track (Done naming it, Skip, Failed) while they fit in 5 rows; past that, only
/// the Done buttons, 5 to a row (skip and fail are typed).
fn track_rows(incident: u64, tracks: &[TrackButton]) -> Vec<CreateActionRow> {
    let track_button = |track: &TrackButton, action| {
        button(
            incident,
            track.step,
            action,
            track_label(action, track.step, &track.title),
        )
    };
    if tracks.len() <= ACTION_ROWS_MAX {
        return tracks
            .iter()
            .map(|track| {
                CreateActionRow::Buttons(
                    StepAction::ALL
                        .into_iter()
                        .map(|action| track_button(track, action))
                        .collect(),
                )
            })
            .collect();
    }
    tracks
        .chunks(BUTTONS_PER_ROW)
        .map(|row| {
            CreateActionRow::Buttons(
                row.iter()
                    .map(|track| track_button(track, StepAction::Done))
                    .collect(),
            )
        })
        .collect()
}

/// One green "Done 1.3" button per follow-up item, five to a row.
fn follow_up_buttons(incident: u64, items: &[String]) -> Vec<CreateActionRow> {
    let buttons: Vec<CreateButton> = items
        .iter()
        .take(FOLLOW_UP_BUTTONS_MAX)
        .map(|item| {
            let button = FollowUpButton {
                incident,
                item: item.clone(),
            };
            CreateButton::new(button.custom_id())
                .label(button.label())
                .style(ButtonStyle::Success)
        })
        .collect();
    buttons
        .chunks(BUTTONS_PER_ROW)
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect()
}

fn button(incident: u64, step: usize, action: StepAction, label: String) -> CreateButton {
    let button = StepButton {
        incident,
        step,
        action,
    };
    CreateButton::new(button.custom_id())
        .label(label)
        .style(style(action))
}

/// Restored (green) and Resolve (grey).
fn restore_buttons(incident: u64) -> CreateActionRow {
    let buttons = IncidentAction::ALL
        .into_iter()
        .map(|action| {
            let button = Button::Incident(IncidentButton { incident, action });
            let style = match action {
                IncidentAction::Restored => ButtonStyle::Success,
                IncidentAction::Resolve => ButtonStyle::Secondary,
            };
            CreateButton::new(button.custom_id())
                .label(action.label())
                .style(style)
        })
        .collect();
    CreateActionRow::Buttons(buttons)
}

/// Discord's button style: green for Done, grey for Skip, red for Failed.
fn style(action: StepAction) -> ButtonStyle {
    match action {
        StepAction::Done => ButtonStyle::Success,
        StepAction::Skip => ButtonStyle::Secondary,
        StepAction::Fail => ButtonStyle::Danger,
    }
}

/// Something for an embed's description.
enum Paragraph<'a> {
    /// Markdown already escaped.
    Text(String),
    /// Code for a ``` block: language and code as given.
    Code(Option<&'a str>, &'a str),
}

impl Paragraph<'_> {
    /// Whether there is nothing to show (Discord would show an empty line or code block).
    fn is_blank(&self) -> bool {
        match self {
            Paragraph::Text(text) => text.trim().is_empty(),
            Paragraph::Code(_, code) => code.trim().is_empty(),
        }
    }

    /// The paragraph in at most `max` units: text cut with `…`, code cut inside its block.
    fn render(&self, max: usize) -> String {
        match self {
            Paragraph::Text(text) => truncate(text.clone(), max),
            Paragraph::Code(lang, code) => code_block(*lang, code, max),
        }
    }
}

/// One embed being filled.
#[derive(Default)]
struct Draft {
    title: Option<String>,
    description: String,
    fields: Vec<(String, String, bool)>,
}

impl Draft {
    fn is_empty(&self) -> bool {
        self.title.is_none() && self.description.is_empty() && self.fields.is_empty()
    }

    fn build(self, colour: u32) -> CreateEmbed {
        let mut embed = CreateEmbed::new().colour(colour);
        if let Some(title) = self.title {
            embed = embed.title(title);
        }
        if !self.description.is_empty() {
            embed = embed.description(self.description);
        }
        embed.fields(self.fields)
    }
}

/// The embeds of a message, filled in block order within Discord's limits. `used` counts what
/// counts towards the 6000 across embeds; once something had to be dropped, everything after it
/// is dropped too, and the last description ends in `…`.
#[derive(Default)]
struct Embeds {
    done: Vec<Draft>,
    current: Draft,
    used: usize,
    full: bool,
}

impl Embeds {
    /// Room left across embeds, keeping two units for a final `\n…`.
    fn room(&self) -> usize {
        EMBEDS_TOTAL_MAX.saturating_sub(self.used + 2)
    }

    /// Moves on to a new embed; `false` (and full) when there can be no more.
    fn next_embed(&mut self) -> bool {
        if self.current.is_empty() {
            return true;
        }
        if self.done.len() + 1 == EMBEDS_MAX {
            self.drop_the_rest();
            return false;
        }
        self.done.push(std::mem::take(&mut self.current));
        true
    }

    /// Nothing more fits: say so where the reader looks last.
    fn drop_the_rest(&mut self) {
        if self.full {
            return;
        }
        self.full = true;
        let draft = if self.current.is_empty() {
            self.done.last_mut()
        } else {
            Some(&mut self.current)
        };
        if let Some(draft) = draft {
            let mark = if draft.description.is_empty() {
                CUT_MARK.to_string()
            } else {
                format!("\n{CUT_MARK}")
            };
            if len(&draft.description) + len(&mark) <= DESCRIPTION_MAX {
                draft.description.push_str(&mark);
                self.used += len(&mark);
            }
        }
    }

    fn heading(&mut self, text: &str) {
        let text = text.trim();
        if self.full || text.is_empty() {
            return;
        }
        if self.current.title.is_some() && !self.next_embed() {
            return;
        }
        let title = truncate(escape(text), TITLE_MAX.min(self.room()));
        if title.is_empty() {
            return self.drop_the_rest();
        }
        self.used += len(&title);
        self.current.title = Some(title);
    }

    fn paragraph(&mut self, paragraph: Paragraph<'_>) {
        if self.full || paragraph.is_blank() {
            return;
        }
        if !self.current.fields.is_empty() && !self.next_embed() {
            return;
        }
        let whole = paragraph.render(usize::MAX);
        let separator = |draft: &Draft| usize::from(!draft.description.is_empty());
        let description_room = |draft: &Draft| {
            DESCRIPTION_MAX.saturating_sub(len(&draft.description) + separator(draft))
        };
        if len(&whole) > description_room(&self.current) && !self.next_embed() {
            return;
        }
        let room = description_room(&self.current)
            .min(self.room().saturating_sub(separator(&self.current)));
        let rendered = if len(&whole) <= room {
            whole
        } else {
            paragraph.render(room)
        };
        if rendered.trim().is_empty() || len(&rendered) > room {
            return self.drop_the_rest();
        }
        if !self.current.description.is_empty() {
            self.current.description.push('\n');
            self.used += 1;
        }
        self.used += len(&rendered);
        self.current.description.push_str(&rendered);
    }

    fn field(&mut self, label: &str, value: &str) {
        if self.full {
            return;
        }
        if self.current.fields.len() == FIELDS_MAX && !self.next_embed() {
            return;
        }
        let name = or_dash(truncate(escape(label.trim()), FIELD_NAME_MAX));
        let value = or_dash(truncate(escape(value.trim()), FIELD_VALUE_MAX));
        let Some(value_room) = self.room().checked_sub(len(&name)) else {
            return self.drop_the_rest();
        };
        let value = truncate(value, value_room);
        if value.is_empty() {
            return self.drop_the_rest();
        }
        self.used += len(&name) + len(&value);
        let inline = len(&value) <= INLINE_FIELD_MAX;
        self.current.fields.push((name, value, inline));
    }

    fn finish(mut self) -> Vec<Draft> {
        if !self.current.is_empty() {
            self.done.push(self.current);
        }
        self.done
    }
}

/// Discord refuses an empty field name or value.
fn or_dash(text: String) -> String {
    if text.trim().is_empty() {
        "—".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::chat::discord::markdown::ZERO_WIDTH_SPACE;
    use crate::notify::test_support::{
        at, corruption_drill, db_loss, infra_loss_tracks, paging, runbook, scenario,
    };
    use crate::notify::{self};

    /// Snapshots live in `bot/chat/discord/snapshots/`.
    macro_rules! snapshot {
        ($name:expr, $payload:expr) => {
            insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!($name, serde_json::to_string_pretty(&$payload).expect("JSON"));
            })
        };
    }

    /// The payload of a message, checked against Discord's limits.
    fn payload(message: &Message) -> Value {
        let payload = message_payload(message);
        assert_within_limits(&payload);
        payload
    }

    fn embeds_of(payload: &Value) -> &Vec<Value> {
        payload["embeds"].as_array().expect("embeds")
    }

    fn units(value: &Value) -> usize {
        value.as_str().map_or(0, len)
    }

    fn assert_within_limits(payload: &Value) {
        assert_eq!(payload["allowed_mentions"]["parse"], json!([]));
        assert!(
            payload["allowed_mentions"]["users"]
                .as_array()
                .expect("users")
                .len()
                <= 100
        );
        assert!(units(&payload["content"]) <= CONTENT_MAX);
        let embeds = embeds_of(payload);
        assert!(embeds.len() <= EMBEDS_MAX, "{} embeds", embeds.len());
        let mut total = 0;
        for embed in embeds {
            let fields = embed["fields"].as_array().cloned().unwrap_or_default();
            assert!(
                embed.get("title").is_some()
                    || embed.get("description").is_some()
                    || !fields.is_empty(),
                "an empty embed: {embed}"
            );
            assert!(units(&embed["title"]) <= TITLE_MAX);
            assert!(units(&embed["description"]) <= DESCRIPTION_MAX);
            assert!(fields.len() <= FIELDS_MAX);
            total += units(&embed["title"]) + units(&embed["description"]);
            for field in &fields {
                let (name, value) = (&field["name"], &field["value"]);
                assert!((1..=FIELD_NAME_MAX).contains(&units(name)), "{field}");
                assert!((1..=FIELD_VALUE_MAX).contains(&units(value)), "{field}");
                total += units(name) + units(value);
            }
        }
        assert!(total <= EMBEDS_TOTAL_MAX, "{total} across embeds");
        let rows = payload["components"].as_array().expect("components");
        assert!(rows.len() <= ACTION_ROWS_MAX);
        for row in rows {
            let buttons = row["components"].as_array().expect("buttons");
            assert!((1..=BUTTONS_PER_ROW).contains(&buttons.len()));
            for button in buttons {
                assert!(units(&button["custom_id"]) <= crate::chat::step_buttons::CUSTOM_ID_MAX);
                assert!((1..=80).contains(&units(&button["label"])), "{button}");
            }
        }
        let has_something =
            units(&payload["content"]) > 0 || !embeds.is_empty() || !rows.is_empty();
        assert!(has_something, "Discord refuses an empty message");
    }

    /// Every text of the payload's embeds, one per line.
    fn embed_text(payload: &Value) -> String {
        let mut texts = Vec::new();
        for embed in embeds_of(payload) {
            texts.extend(embed["title"].as_str());
            texts.extend(embed["description"].as_str());
            for field in embed["fields"].as_array().into_iter().flatten() {
                texts.extend(field["name"].as_str());
                texts.extend(field["value"].as_str());
            }
        }
        texts.join("\n")
    }

    /// The status of a 40-step checklist, in one phase, in 8 or in 40: within every limit and
    /// uncut, from the checklist's current step to the hint after it.
    #[test]
    fn the_status_of_a_long_checklist_fits_uncut() {
        for (phases, per_phase) in [(1, 40), (8, 5), (40, 1)] {
            let incident = crate::incident::test_support::long_checklist(phases, per_phase, 22);
            let status = notify::status(&incident, runbook(), 23 * 6 * 60_000, None);
            let text = embed_text(&payload(&status));
            assert!(text.contains("▶ 23 Step 23 of the failover"), "{text}");
            assert!(text.contains("Confirm it: /incident step done"), "{text}");
        }
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
        let ids: Vec<&str> = rendered["components"][0]["components"]
            .as_array()
            .expect("buttons")
            .iter()
            .filter_map(|button| button["custom_id"].as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "follow_up_done:INC-3:1.1",
                "follow_up_done:INC-3:1.3",
                "follow_up_done:INC-3:1.4"
            ]
        );
        assert_eq!(
            rendered["components"][0]["components"][1]["label"],
            "Done 1.3"
        );
    }

    #[test]
    fn the_incident_notification() {
        let fixture = db_loss(at(3, 4, 0));
        let message = notify::opened(
            &fixture.incident,
            runbook(),
            15 * 60,
            vec![
                "53908232506183680".to_string(),
                "<@!290926798626357999>".to_string(),
                "53908232506183680".to_string(),
                "@everyone".to_string(),
                "<@&539082325061836999>".to_string(),
            ],
            &paging(&fixture.incident, "").1,
        );
        let opened = payload(&message);
        assert_eq!(
            opened["content"], "<@53908232506183680> <@290926798626357999>",
            "user ids ping, once each; nothing else does"
        );
        assert_eq!(
            opened["allowed_mentions"]["users"],
            json!(["53908232506183680", "290926798626357999"])
        );
        assert_eq!(
            embeds_of(&opened)[0]["color"],
            json!(colour(MessageKind::Opened))
        );
        snapshot!("opened", opened);
    }

    #[test]
    fn checklist_cards() {
        let fixture = db_loss(at(3, 4, 0));
        let first = payload(&notify::checklist(
            &fixture.incident,
            |i| scenario(1).steps().nth(i),
            None,
            fixture.now,
        ));
        let buttons = &first["components"][0]["components"];
        let shown: Vec<(&str, &str, u64)> = buttons
            .as_array()
            .expect("buttons")
            .iter()
            .map(|button| {
                (
                    button["label"].as_str().expect("label"),
                    button["custom_id"].as_str().expect("custom_id"),
                    button["style"].as_u64().expect("style"),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                ("Done", "step_done:INC-3:0", 3),
                ("Skip", "step_skip:INC-3:0", 2),
                ("Failed", "step_fail:INC-3:0", 4)
            ]
        );
        snapshot!("checklist_first_step", first);
        let fixture = corruption_drill(at(14, 11, 0));
        let headline = notify::confirmation_headline(&fixture.incident, 1);
        snapshot!(
            "checklist_choice",
            payload(&notify::checklist(
                &fixture.incident,
                |i| scenario(3).steps().nth(i),
                Some(headline),
                fixture.now
            ))
        );
    }

    /// (label, custom_id) of each button, row by row.
    fn button_rows(payload: &Value) -> Vec<Vec<(String, String)>> {
        payload["components"]
            .as_array()
            .expect("components")
            .iter()
            .map(|row| {
                row["components"]
                    .as_array()
                    .expect("buttons")
                    .iter()
                    .map(|button| {
                        (
                            button["label"].as_str().unwrap_or_default().to_string(),
                            button["custom_id"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn tracks_get_a_row_each_while_five_rows_hold_them() {
        let fixture = infra_loss_tracks(at(5, 12, 0));
        let card = payload(&notify::checklist(
            &fixture.incident,
            |i| scenario(5).steps().nth(i),
            None,
            fixture.now,
        ));
        let row = |step: usize, title: &str| {
            vec![
                (
                    format!("Done · {} {title}", step + 1),
                    format!("step_done:INC-5:{step}"),
                ),
                ("Skip".to_string(), format!("step_skip:INC-5:{step}")),
                ("Failed".to_string(), format!("step_fail:INC-5:{step}")),
            ]
        };
        assert_eq!(
            button_rows(&card),
            vec![
                row(1, "Database recovery"),
                row(2, "Application deployment"),
                row(4, "Verification")
            ]
        );
        snapshot!("checklist_tracks", card);

        let tracks = |count: usize| {
            Message::new(MessageKind::Checklist, Some(9)).with(Block::TrackActions {
                incident: 9,
                tracks: (0..count)
                    .map(|step| TrackButton {
                        step,
                        title: format!("Track {step}"),
                    })
                    .collect(),
            })
        };
        let five = button_rows(&payload(&tracks(5)));
        assert_eq!(five.len(), 5);
        assert!(five.iter().all(|row| row.len() == 3));
        let seven = button_rows(&payload(&tracks(7)));
        let labels: Vec<Vec<&str>> = seven
            .iter()
            .map(|row| row.iter().map(|(label, _)| label.as_str()).collect())
            .collect();
        assert_eq!(
            labels,
            vec![
                vec![
                    "Done · 1 Track 0",
                    "Done · 2 Track 1",
                    "Done · 3 Track 2",
                    "Done · 4 Track 3",
                    "Done · 5 Track 4"
                ],
                vec!["Done · 6 Track 5", "Done · 7 Track 6"],
            ],
            "past five tracks, Done buttons only, five to a row"
        );
        let thirty = button_rows(&payload(&tracks(30)));
        assert_eq!(thirty.iter().map(Vec::len).sum::<usize>(), 25);
    }

    #[test]
    fn a_post_mortem_names_its_attachment() {
        let message = Message::text(MessageKind::Reply, Some(3), "Post-mortem draft for INC-3")
            .with(Block::Document {
                filename: "INC-3-postmortem.md".to_string(),
                markdown: "# INC-3".to_string(),
            });
        let reply = payload(&message);
        assert_eq!(
            embeds_of(&reply)[0]["description"],
            "Post-mortem draft for INC-3\n📄 INC-3-postmortem.md"
        );
        assert_eq!(message.documents(), [("INC-3-postmortem.md", "# INC-3")]);
    }

    #[test]
    fn interaction_answers_can_be_for_the_clicker_only() {
        let message = Message::text(MessageKind::Error, Some(3), "Step 2 is already done");
        let ephemeral = interaction_message(&message, true);
        assert_eq!(ephemeral["flags"], 64);
        assert_eq!(ephemeral["embeds"], message_payload(&message)["embeds"]);
        assert_eq!(interaction_message(&message, false).get("flags"), None);
        let empty = payload(&Message::new(MessageKind::Reply, None));
        assert_eq!(empty["content"], NO_CONTENT);
    }

    const HOSTILE: &str = "@everyone @here <@&123> <@42> <#7> **bold** `code` \
        [link](http://evil) ||spoiler|| > quote # heading ```block``` 🔥 数据库";

    fn hostile_message() -> Message {
        let mut message = crate::notify::test_support::every_text_block(HOSTILE);
        message.mentions = vec![HOSTILE.to_string()];
        message
    }

    #[test]
    fn user_text_never_pings_nor_formats() {
        let hostile = payload(&hostile_message());
        assert_eq!(
            hostile["content"], "",
            "a mention that is no user id is left out"
        );
        assert_eq!(hostile["allowed_mentions"]["users"], json!([]));
        let text = embed_text(&hostile);
        for raw in [
            "@everyone",
            "@here",
            "<@&",
            "<@4",
            "<#",
            "**",
            "`code`",
            "[link]",
            "||",
            "```",
        ] {
            assert!(!text.contains(raw), "{raw} reached Discord as is: {text}");
        }
        let z = ZERO_WIDTH_SPACE;
        let expected = format!(
            "@{z}everyone @{z}here <{z}@&123\\> <{z}@42\\> <{z}\\#7\\> \\*\\*bold\\*\\* \\`code\\` \
             \\[link\\](http://evil) \\|\\|spoiler\\|\\| \\> quote \\# heading \
             \\`\\`\\`block\\`\\`\\` 🔥 数据库"
        );
        assert_eq!(embeds_of(&hostile)[0]["title"], expected);
        assert!(text.contains(&format!("📄 {expected}")));
    }

    #[test]
    fn code_shows_verbatim() {
        let message = Message::new(MessageKind::Checklist, Some(1)).with(Block::Code {
            lang: Some("sh".to_string()),
            code: "echo \"**not bold** @everyone\" ```".to_string(),
        });
        let z = ZERO_WIDTH_SPACE;
        assert_eq!(
            embeds_of(&payload(&message))[0]["description"],
            format!("```sh\necho \"**not bold** @everyone\" `{z}`{z}`\n```")
        );
    }

    #[test]
    fn huge_messages_are_cut_to_discords_limits() {
        let long = "word ".repeat(2000);
        let mut message = Message::new(MessageKind::Update, Some(1));
        for index in 0..30 {
            message = message
                .with(Block::Heading {
                    text: format!("{index} {long}"),
                })
                .with(Block::Text { text: long.clone() })
                .with(Block::Code {
                    lang: None,
                    code: long.clone(),
                })
                .with(Block::Fields {
                    fields: (0..40)
                        .map(|n| (format!("{n} {long}"), long.clone()))
                        .collect(),
                })
                .with(Block::StepActions {
                    incident: 1,
                    step: index,
                });
        }
        message.mentions = (1..=500)
            .map(|n| format!("{}", 100_000_000_000_000_000u64 + n))
            .collect();
        let huge = payload(&message);
        assert!(embed_text(&huge).ends_with(CUT_MARK), "the cut shows");
        assert_eq!(
            huge["allowed_mentions"]["users"]
                .as_array()
                .expect("users")
                .len(),
            90
        );

        let one_long_text = payload(&Message::text(MessageKind::Note, Some(1), "x".repeat(5000)));
        let description = embeds_of(&one_long_text)[0]["description"]
            .as_str()
            .expect("text");
        assert_eq!(len(description), DESCRIPTION_MAX);
        assert!(description.ends_with(CUT_MARK));

        let fields = Message::new(MessageKind::Note, Some(1)).with(Block::Fields {
            fields: (0..30)
                .map(|n| (format!("F{n}"), "v".to_string()))
                .collect(),
        });
        let fields = payload(&fields);
        let counts: Vec<usize> = embeds_of(&fields)
            .iter()
            .map(|embed| embed["fields"].as_array().map_or(0, Vec::len))
            .collect();
        assert_eq!(counts, [25, 5], "past 25 fields, a second embed");
    }

    #[test]
    fn blocks_keep_their_order_across_embeds() {
        let message = Message::new(MessageKind::Resolved, Some(1))
            .with(Block::Heading {
                text: "INC-1 resolved".to_string(),
            })
            .with(Block::Fields {
                fields: vec![("Duration".to_string(), "1h 6m".to_string())],
            })
            .with(Block::Text {
                text: "Follow-ups are scheduled.".to_string(),
            })
            .with(Block::Code {
                lang: None,
                code: "\n".to_string(),
            });
        let resolved = payload(&message);
        let embeds = embeds_of(&resolved);
        assert_eq!(embeds.len(), 2);
        assert_eq!(embeds[0]["title"], "INC-1 resolved");
        assert_eq!(embeds[0]["fields"][0]["inline"], true);
        assert_eq!(
            embeds[1]["description"], "Follow-ups are scheduled.",
            "blank code shows nothing"
        );
    }

    fn any_block() -> impl Strategy<Value = Block> {
        let text = "\\PC{0,300}";
        prop_oneof![
            text.prop_map(|text| Block::Heading { text }),
            "\\PC{0,3000}".prop_map(|text| Block::Text { text }),
            ("\\PC{0,300}", "\\PC{0,3000}").prop_map(|(complete, compact)| {
                Block::Foldable(crate::notify::Foldable { complete, compact })
            }),
            proptest::collection::vec((text, "\\PC{0,1200}"), 0..30)
                .prop_map(|fields| Block::Fields { fields }),
            (proptest::option::of("[a-z]{0,5}"), "\\PC{0,5000}")
                .prop_map(|(lang, code)| Block::Code { lang, code }),
            (0usize..20, 0usize..20, text).prop_map(|(done, total, label)| Block::Progress {
                done,
                total,
                label
            }),
            (any::<u64>(), any::<usize>())
                .prop_map(|(incident, step)| Block::StepActions { incident, step }),
            any::<u64>().prop_map(|incident| Block::RestoreActions { incident }),
            (
                any::<u64>(),
                proptest::collection::vec((any::<usize>(), any::<usize>()), 0..40)
            )
                .prop_map(|(incident, items)| Block::FollowUpActions {
                    incident,
                    items: items
                        .into_iter()
                        .map(|(list, item)| format!("{list}.{item}"))
                        .collect()
                }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_message_fits_discord(blocks in proptest::collection::vec(any_block(), 0..12), mentions in proptest::collection::vec("[0-9<@&!>a-z]{0,22}", 0..5)) {
            let mut message = Message::new(MessageKind::Update, Some(1));
            message.blocks = blocks;
            message.mentions = mentions;
            let payload = message_payload(&message);
            assert_within_limits(&payload);
            prop_assert!(!embed_text(&payload).to_lowercase().contains("@everyone"));
        }
    }
}
