//! What Slack sends the bot, decoded and handed to the engine: slash commands and interactions
//! (button clicks, the reason modal), the same whether they arrive over HTTP or Socket Mode. The
//! signature was checked before anything here runs; everything here may still be malformed, and
//! is answered with a message rather than a panic.
//!
//! The result says what to answer within Slack's 3 seconds, and what to do right after (open the
//! reason modal, tell the clicker why a click was refused); channel posts go through the outbox.

use serde::Deserialize;
use serde_json::Value;
use slack_morphism::prelude::*;

use super::blocks::ephemeral_response;
use crate::chat::follow_up_buttons::{parse_follow_up_action, FollowUpButton};
use crate::chat::incident_buttons::{Button, Form};
use crate::chat::step_buttons::StepOutOfRange;
use crate::engine::{Engine, EngineError, Invocation};
use crate::incident::{ChannelKey, Person};
use crate::notify::{Message, MessageKind};
use crate::platform::Platform;
/// The modal asking why a step is skipped or failed.
const REASON_MODAL: &str = "step_reason";
const REASON_BLOCK: &str = "reason";
/// Longest reason Slack's input accepts here; the command language takes more.
const REASON_MAX_CHARS: usize = 500;

/// The form of a slash command (the fields the bot uses).
#[derive(Debug, Clone, Deserialize)]
pub struct SlashCommand {
    pub team_id: String,
    pub channel_id: String,
    pub user_id: String,
    #[serde(default)]
    pub user_name: String,
    pub command: String,
    #[serde(default)]
    pub text: String,
}

impl SlashCommand {
    /// The command typed, or the message that tells the person what is wrong with it (a command
    /// this app does not answer, or the command language's refusal with the correct usage).
    /// Public so that the fuzzer (`fuzz/`) reaches it without an engine.
    pub fn parsed(&self) -> Result<commands::Command, Message> {
        let parsed = match self.command.as_str() {
            "/incident" => commands::parse_incident(&self.text),
            "/postmortem" => commands::parse_postmortem(&self.text),
            other => {
                return Err(error_message(format!(
                    "This app answers /incident and /postmortem, not {other}. Check the command's \
                     request URL in the Slack app settings."
                )))
            }
        };
        parsed.map_err(|error| error_message(error.to_string()))
    }
}

/// What to do with an interaction: the body of the immediate answer, and what follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Handled {
    /// The HTTP response body (or Socket Mode ack payload); `None` for an empty 200.
    pub answer: Option<Value>,
    pub then: FollowUp,
}

/// Work for right after the acknowledgement: calls to Slack that must not hold it up.
#[derive(Debug, Clone, PartialEq)]
pub enum FollowUp {
    None,
    /// `views.open` with this `trigger_id` (valid for 3 s) and view.
    OpenModal {
        trigger_id: String,
        view: SlackView,
    },
    /// Tell only the person who clicked, through the interaction's `response_url`.
    Tell {
        response_url: String,
        message: Message,
    },
}

impl Handled {
    fn ack() -> Handled {
        Handled {
            answer: None,
            then: FollowUp::None,
        }
    }

    fn answer(message: &Message) -> Handled {
        Handled {
            answer: Some(ephemeral_response(message)),
            then: FollowUp::None,
        }
    }
}

fn invocation(team: &str, channel: &str, user_id: &str, user_name: &str) -> Invocation {
    Invocation {
        channel: ChannelKey {
            platform: Platform::Slack,
            workspace: team.to_string(),
            channel: channel.to_string(),
        },
        person: Person {
            id: user_id.to_string(),
            name: if user_name.is_empty() {
                user_id.to_string()
            } else {
                user_name.to_string()
            },
        },
        // Slack sends no groups with a request: the engine asks for the members of those that
        // `RESPONDERS` names.
        roles: Vec::new(),
    }
}

fn error_message(text: impl Into<String>) -> Message {
    Message::text(MessageKind::Error, None, text)
}

/// The answer when the bot itself failed (the store is down…), so the person sees this rather
/// than Slack's "operation_timeout"; the cause goes to the log under the answer's reference.
pub fn internal_error(error: &(dyn std::error::Error + 'static)) -> Value {
    ephemeral_response(&crate::chat::internal_error::internal_error(
        Platform::Slack,
        error,
    ))
}

/// Runs a slash command. The answer is the engine's reply to the person, if any; a post-mortem
/// draft is posted in the channel (as a file) rather than shown to one person.
pub async fn slash_command(engine: &Engine, form: &SlashCommand) -> Result<Handled, EngineError> {
    let command = match form.parsed() {
        Ok(command) => command,
        Err(refusal) => return Ok(Handled::answer(&refusal)),
    };
    let who = invocation(
        &form.team_id,
        &form.channel_id,
        &form.user_id,
        &form.user_name,
    );
    let reply = engine.handle(&who, command).await?;
    let Some(message) = reply.message else {
        return Ok(Handled::ack());
    };
    Ok(Handled::answer(&message))
}

/// An interaction payload as the bot reads it (the fields it uses, everything optional, checked
/// in use). Public, with [`InteractionPayload::parse`] and [`InteractionPayload::decoded`], so
/// that the fuzzer (`fuzz/`) reaches the decoding without an engine.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InteractionPayload {
    #[serde(rename = "type")]
    kind: String,
    team: Named,
    user: User,
    channel: Named,
    trigger_id: String,
    response_url: String,
    actions: Vec<Action>,
    view: View,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Named {
    id: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct User {
    id: String,
    username: String,
    name: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Action {
    action_id: String,
    value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct View {
    callback_id: String,
    private_metadata: String,
    state: Value,
}

impl User {
    fn shown_name(&self) -> &str {
        if self.username.is_empty() {
            &self.name
        } else {
            &self.username
        }
    }
}

/// What an interaction asks of the bot, read from its payload before the engine sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// A follow-up list's Done button.
    FollowUp(FollowUpButton),
    /// A step or incident button, or a step button naming a step no checklist has.
    Click(Result<Button, StepOutOfRange>),
    /// The reason modal submitted: the button that opened it, the channel it was opened in (a
    /// submission does not otherwise say), and the reason typed, trimmed.
    Reason {
        button: Result<Button, StepOutOfRange>,
        channel: String,
        reason: String,
    },
    /// Nothing to do: a button the bot did not make, a closed modal, other apps' views.
    Nothing,
}

impl InteractionPayload {
    /// Reads an interaction's JSON `payload`.
    pub fn parse(payload: &str) -> Result<InteractionPayload, InteractionError> {
        serde_json::from_str(payload).map_err(InteractionError::Malformed)
    }

    /// What the interaction asks for.
    pub fn decoded(&self) -> Decoded {
        match self.kind.as_str() {
            "block_actions" => self.clicked(),
            "view_submission" if self.view.callback_id == REASON_MODAL => self.reason_given(),
            _ => Decoded::Nothing,
        }
    }

    fn clicked(&self) -> Decoded {
        let actions = || self.actions.iter();
        if let Some(button) =
            actions().find_map(|action| parse_follow_up_action(&action.action_id, &action.value))
        {
            return Decoded::FollowUp(button);
        }
        actions()
            .find_map(|action| Button::parse(&action.action_id, &action.value))
            .map_or(Decoded::Nothing, Decoded::Click)
    }

    fn reason_given(&self) -> Decoded {
        let mut parts = self.view.private_metadata.splitn(3, '|');
        let (Some(action_id), Some(value), Some(channel)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Decoded::Nothing;
        };
        let Some(button) = Button::parse(action_id, value) else {
            return Decoded::Nothing;
        };
        let reason = self.view.state["values"][REASON_BLOCK][REASON_BLOCK]["value"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .to_string();
        Decoded::Reason {
            button,
            channel: channel.to_string(),
            reason,
        }
    }

    /// Who acted, and in which channel.
    fn invocation(&self, channel: &str) -> Invocation {
        invocation(
            &self.team.id,
            channel,
            &self.user.id,
            self.user.shown_name(),
        )
    }
}

/// Handles the JSON `payload` of an interaction.
pub async fn interaction(engine: &Engine, payload: &str) -> Result<Handled, InteractionError> {
    let payload = InteractionPayload::parse(payload)?;
    Ok(match payload.decoded() {
        Decoded::FollowUp(button) => {
            let who = payload.invocation(&payload.channel.id);
            let reply = engine.handle(&who, button.command()).await?;
            tell(&payload, reply.message)
        }
        Decoded::Click(Ok(button)) => clicked(engine, &payload, button).await?,
        Decoded::Click(Err(out_of_range)) => {
            tell(&payload, Some(out_of_range_reply(&out_of_range)))
        }
        Decoded::Reason {
            button: Ok(button),
            channel,
            reason,
        } => reason_given(engine, &payload, button, &channel, reason).await?,
        Decoded::Reason {
            button: Err(out_of_range),
            ..
        } => modal_error(&out_of_range.to_string()),
        Decoded::Nothing => Handled::ack(),
    })
}

/// Why an interaction could not be handled.
#[derive(Debug, thiserror::Error)]
pub enum InteractionError {
    #[error("the interaction payload is not valid JSON: {0}")]
    Malformed(#[source] serde_json::Error),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

/// A click on a step or incident button: the reason modal first if the button asks why, else
/// the command, its reply told to the clicker.
async fn clicked(
    engine: &Engine,
    payload: &InteractionPayload,
    button: Button,
) -> Result<Handled, EngineError> {
    if let Some(form) = button.form() {
        return Ok(Handled {
            answer: None,
            then: FollowUp::OpenModal {
                trigger_id: payload.trigger_id.clone(),
                view: reason_modal(&button, &form, &payload.channel.id),
            },
        });
    }
    let who = payload.invocation(&payload.channel.id);
    let reply = engine.handle(&who, button.command(None)).await?;
    Ok(tell(payload, reply.message))
}

/// The refusal of a click on a step no checklist has, for the clicker only.
fn out_of_range_reply(out_of_range: &StepOutOfRange) -> Message {
    Message::text(MessageKind::Error, None, out_of_range.to_string())
}

/// The reply to a click, for the clicker only (the checklist itself is edited in the channel).
fn tell(payload: &InteractionPayload, message: Option<Message>) -> Handled {
    match message {
        Some(message) if !payload.response_url.is_empty() => Handled {
            answer: None,
            then: FollowUp::Tell {
                response_url: payload.response_url.clone(),
                message,
            },
        },
        _ => Handled::ack(),
    }
}

/// The modal that asks why a step is skipped, what failed, or the root cause of a resolution.
/// Its metadata carries the button and the channel, which a submission does not otherwise say.
fn reason_modal(button: &Button, form: &Form, channel: &str) -> SlackView {
    let input = SlackBlockPlainTextInputElement::new()
        .with_action_id(SlackActionId(REASON_BLOCK.to_string()))
        .with_multiline(true)
        .with_max_length(REASON_MAX_CHARS as u64);
    let label: SlackBlockPlainTextOnly =
        format!("INC-{}: {}", button.incident(), form.label).into();
    let mut reason = SlackInputBlock::new(label, SlackInputBlockElement::PlainTextInput(input))
        .with_block_id(SlackBlockId(REASON_BLOCK.to_string()));
    if !form.required {
        reason = reason.with_optional(true);
    }
    let title: SlackBlockPlainTextOnly = form.title.clone().into();
    SlackView::Modal(
        SlackModalView::new(title, vec![reason.into()])
            .with_callback_id(SlackCallbackId(REASON_MODAL.to_string()))
            .with_private_metadata(format!(
                "{}|{}|{}",
                button.action_id(),
                button.value(),
                channel
            ))
            .with_submit(form.submit.into())
            .with_close("Cancel".into()),
    )
}

async fn reason_given(
    engine: &Engine,
    payload: &InteractionPayload,
    button: Button,
    channel: &str,
    reason: String,
) -> Result<Handled, EngineError> {
    let required = button.form().is_none_or(|form| form.required);
    if reason.is_empty() && required {
        return Ok(modal_error(
            "Say why, in a few words: it goes in the post-mortem.",
        ));
    }
    let who = payload.invocation(channel);
    let reply = engine
        .handle(&who, button.command(Some(reason).filter(|r| !r.is_empty())))
        .await?;
    match reply.message {
        // Refused (already confirmed, resolved…): say so in the modal, which stays open.
        Some(message) if message.kind == MessageKind::Error => {
            Ok(modal_error(&message.plain_text()))
        }
        _ => Ok(Handled::ack()),
    }
}

fn modal_error(text: &str) -> Handled {
    let text: String = text.chars().take(REASON_MAX_CHARS).collect();
    Handled {
        answer: Some(
            serde_json::to_value(SlackViewSubmissionResponse::Errors(
                SlackViewSubmissionErrorsResponse::new([(REASON_BLOCK.to_string(), text)].into()),
            ))
            .expect("a modal's errors always serialize"),
        ),
        then: FollowUp::None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::chat::incident_buttons::{IncidentAction, IncidentButton};
    use crate::chat::step_buttons::{StepAction, StepButton};

    /// The modal a button opens, as JSON.
    fn modal_of(button: &Button) -> Value {
        let form = button.form().expect("this button asks first");
        serde_json::to_value(reason_modal(button, &form, "C1")).expect("encodes")
    }

    #[test]
    fn the_resolve_button_asks_for_a_root_cause_that_may_be_left_out() {
        let view = modal_of(&Button::Incident(IncidentButton {
            incident: 3,
            action: IncidentAction::Resolve,
        }));
        assert_eq!(view["private_metadata"], "incident_resolve|INC-3|C1");
        assert_eq!(view["title"]["text"], "Resolve");
        assert_eq!(view["blocks"][0]["optional"], true);
        assert_eq!(
            view["blocks"][0]["label"]["text"],
            "INC-3: Root cause, if known (optional)"
        );
    }

    #[test]
    fn the_reason_modal_asks_for_text_and_carries_its_button() {
        let view = modal_of(&Button::Step(StepButton {
            incident: 3,
            step: 1,
            action: StepAction::Fail,
        }));
        assert_eq!(
            view,
            json!({
                "type": "modal",
                "callback_id": "step_reason",
                "private_metadata": "step_fail|INC-3:1|C1",
                "title": { "type": "plain_text", "text": "Step failed 2" },
                "submit": { "type": "plain_text", "text": "Mark failed" },
                "close": { "type": "plain_text", "text": "Cancel" },
                "blocks": [{
                    "type": "input",
                    "block_id": "reason",
                    "label": { "type": "plain_text", "text": "INC-3: What happened?" },
                    "element": {
                        "type": "plain_text_input",
                        "action_id": "reason",
                        "multiline": true,
                        "max_length": 500
                    }
                }]
            })
        );
    }

    fn decoded(payload: Value) -> Decoded {
        InteractionPayload::parse(&payload.to_string())
            .expect("a payload")
            .decoded()
    }

    #[test]
    fn a_click_is_decoded_to_the_button_the_bot_made() {
        let click = |action_id: &str, value: &str| {
            decoded(json!({
                "type": "block_actions",
                "actions": [{ "action_id": "someone_elses", "value": "x" },
                            { "action_id": action_id, "value": value }]
            }))
        };
        assert_eq!(
            click("step_done", "INC-3:1"),
            Decoded::Click(Ok(Button::Step(StepButton {
                incident: 3,
                step: 1,
                action: StepAction::Done,
            })))
        );
        assert!(matches!(
            click("step_done", "INC-3:99999999999"),
            Decoded::Click(Err(StepOutOfRange { incident: 3, .. }))
        ));
        assert!(matches!(
            click("follow_up_done:1.3", "INC-7:1.3"),
            Decoded::FollowUp(_)
        ));
        assert_eq!(click("step_done", "INC-3:-1"), Decoded::Nothing);
    }

    #[test]
    fn a_submitted_reason_is_trimmed_and_a_modal_the_bot_did_not_open_is_nothing() {
        let submitted = |metadata: &str| {
            decoded(json!({
                "type": "view_submission",
                "view": {
                    "callback_id": "step_reason",
                    "private_metadata": metadata,
                    "state": { "values": { "reason": { "reason": { "value": "  lag  " } } } }
                }
            }))
        };
        assert_eq!(
            submitted("step_skip|INC-3:0|C1"),
            Decoded::Reason {
                button: Ok(Button::Step(StepButton {
                    incident: 3,
                    step: 0,
                    action: StepAction::Skip,
                })),
                channel: "C1".to_string(),
                reason: "lag".to_string(),
            }
        );
        assert_eq!(submitted("step_skip|INC-3:0"), Decoded::Nothing);
        assert_eq!(submitted("other|INC-3:0|C1"), Decoded::Nothing);
    }

    #[test]
    fn a_modal_error_is_shown_under_the_reason_cut_to_fit() {
        let answer = modal_error(&"x".repeat(600)).answer;
        assert_eq!(
            answer,
            Some(json!({
                "response_action": "errors",
                "errors": { "reason": "x".repeat(500) }
            }))
        );
    }
}
