//! The bot's messages in neutral form. The engine builds them; each chat adapter renders them in
//! its own format (Block Kit, embeds, terminal text). All text here is plain: adapters escape it,
//! so user text can never ping `@channel` or break formatting. Only `mentions` ever ping anyone.

use serde::{Deserialize, Serialize};

/// What a message is, so adapters can style it and tests can find it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// The INCIDENT notification when an incident opens.
    Opened,
    /// The checklist card: progress and the current step.
    Checklist,
    /// A step failed and blocks the checklist.
    StepFailed,
    /// The periodic status update from the INCIDENT template.
    Update,
    /// A human `/incident update`.
    Note,
    RtoWarning,
    /// A step is over its budget.
    Nudge,
    /// Roles, severity, last good data: changes worth telling the channel.
    Change,
    /// The RESOLVED notification.
    Resolved,
    FollowUp,
    /// Answers to the person who asked (status, list, scenarios, help, post-mortem).
    Reply,
    /// A refusal, with what to do instead.
    Error,
    /// Services came back (`/incident restored`).
    Restored,
    /// A monitoring alert: offered, or told in its incident.
    Alert,
}

impl MessageKind {
    /// The kind's name as stored with a post (`rto_warning`), the same as in the message's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Opened => "opened",
            MessageKind::Checklist => "checklist",
            MessageKind::StepFailed => "step_failed",
            MessageKind::Update => "update",
            MessageKind::Note => "note",
            MessageKind::RtoWarning => "rto_warning",
            MessageKind::Nudge => "nudge",
            MessageKind::Change => "change",
            MessageKind::Resolved => "resolved",
            MessageKind::FollowUp => "follow_up",
            MessageKind::Reply => "reply",
            MessageKind::Error => "error",
            MessageKind::Restored => "restored",
            MessageKind::Alert => "alert",
        }
    }
}

/// One part of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    Heading {
        text: String,
    },
    Text {
        text: String,
    },
    /// The same text twice: `complete` for where there is room (the console, the command line),
    /// `compact` for chat, whose messages have limits (finished phases of a checklist folded to
    /// one line). Both are worded by `notify`; an adapter only picks one.
    Foldable(Foldable),
    /// Label/value pairs: `Severity: critical`.
    Fields {
        fields: Vec<(String, String)>,
    },
    /// Shell commands to copy (never run), or a filled-in template, verbatim.
    Code {
        lang: Option<String>,
        code: String,
    },
    Progress {
        done: usize,
        total: usize,
        label: String,
    },
    /// Buttons to confirm a step: Done, Skip, Failed. `step` is 0-based.
    StepActions {
        incident: u64,
        step: usize,
    },
    /// A document to attach as a file (the post-mortem draft).
    Document {
        filename: String,
        markdown: String,
    },
    /// Buttons for the incident once its recovery steps are done and it is not restored:
    /// Restored, Resolve.
    RestoreActions {
        incident: u64,
    },
    /// Buttons to tick follow-up items: one per item, as `1.3`.
    FollowUpActions {
        incident: u64,
        items: Vec<String>,
    },
    /// Buttons for each open track of a group running in parallel, by priority: per track a
    /// Done that names it, Skip and Failed.
    TrackActions {
        incident: u64,
        tracks: Vec<TrackButton>,
    },
}

/// A text in its two lengths: see [`Block::Foldable`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Foldable {
    pub complete: String,
    pub compact: String,
}

/// The track a row of buttons is for: its step (0-based) and title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackButton {
    pub step: usize,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub kind: MessageKind,
    pub incident: Option<u64>,
    pub blocks: Vec<Block>,
    /// Platform user ids to ping. Nothing else in a message may ping anyone.
    pub mentions: Vec<String>,
}

impl Message {
    pub fn new(kind: MessageKind, incident: Option<u64>) -> Message {
        Message {
            kind,
            incident,
            blocks: Vec::new(),
            mentions: Vec::new(),
        }
    }

    /// A one-paragraph message.
    pub fn text(kind: MessageKind, incident: Option<u64>, text: impl Into<String>) -> Message {
        Message::new(kind, incident).with(Block::Text { text: text.into() })
    }

    pub fn with(mut self, block: Block) -> Message {
        self.blocks.push(block);
        self
    }

    /// The documents to attach as files, `(filename, markdown)`, in order.
    pub fn documents(&self) -> Vec<(&str, &str)> {
        self.blocks
            .iter()
            .filter_map(|block| match block {
                Block::Document { filename, markdown } => {
                    Some((filename.as_str(), markdown.as_str()))
                }
                _ => None,
            })
            .collect()
    }

    /// Every text of the message, in order, for logs and searching in tests.
    pub fn plain_text(&self) -> String {
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Heading { text } | Block::Text { text } => out.push(text.clone()),
                Block::Foldable(foldable) => out.push(foldable.complete.clone()),
                Block::Fields { fields } => out.extend(
                    fields
                        .iter()
                        .map(|(label, value)| format!("{label}: {value}")),
                ),
                Block::Code { code, .. } => out.push(code.clone()),
                Block::Progress { done, total, label } => {
                    out.push(format!("{label} {done}/{total}"))
                }
                Block::StepActions { .. }
                | Block::RestoreActions { .. }
                | Block::FollowUpActions { .. }
                | Block::TrackActions { .. } => {}
                Block::Document { filename, .. } => out.push(format!("[{filename}]")),
            }
        }
        out.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kind_is_named_as_in_its_json() {
        for kind in [
            MessageKind::Opened,
            MessageKind::Checklist,
            MessageKind::StepFailed,
            MessageKind::Update,
            MessageKind::Note,
            MessageKind::RtoWarning,
            MessageKind::Nudge,
            MessageKind::Change,
            MessageKind::Resolved,
            MessageKind::FollowUp,
            MessageKind::Reply,
            MessageKind::Error,
            MessageKind::Restored,
        ] {
            assert_eq!(serde_json::to_value(kind).ok(), Some(kind.as_str().into()));
        }
    }
}
