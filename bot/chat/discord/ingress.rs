//! What Discord sends the bot, decoded (by serenity's models) and handed to the engine: slash
//! commands, autocompletion of scenarios, step-button clicks and the reason modal, the same
//! whether they arrive at the interactions endpoint or over the Gateway. The signature (HTTP) or
//! the connection (Gateway) was checked before anything here runs.
//!
//! Every interaction gets an [`Answer`], Discord's "interaction response", within its 3 seconds
//! and after the engine committed the command. Channel posts go through the outbox; the answer
//! only tells the person who asked, or shows a clicked checklist's new state in place.

use serde_json::{json, Value};
use serenity::all::{
    ActionRowComponent, AutocompleteChoice, CommandInteraction, ComponentInteraction,
    CreateActionRow, CreateAutocompleteResponse, CreateInputText, CreateModal, InputTextStyle,
    Interaction, Member, ModalInteraction, User,
};

use super::application_commands::{autocomplete_choices, command_from_interaction};
use super::render::interaction_message;
use super::rest::MessageRef;
use crate::chat::follow_up_buttons::parse_follow_up_custom_id;
use crate::chat::incident_buttons::{Button, Form};
use crate::chat::step_buttons::StepOutOfRange;
use crate::engine::{Engine, EngineError, Invocation, Reply};
use crate::incident::{ChannelKey, Person};
use crate::notify::{Message, MessageKind};
use crate::platform::Platform;

/// The modal asking why a step is skipped or failed: its `custom_id` is this prefix and the
/// button's.
const REASON_MODAL_PREFIX: &str = "reason:";
/// The reason's text input in that modal.
const REASON_INPUT: &str = "reason";
/// Longest reason the modal takes.
const REASON_MAX_CHARS: u16 = 500;
/// The workspace of interactions outside a server (a DM), which the bot does not serve.
const NO_GUILD: &str = "dm";

/// The answer to one interaction: Discord's interaction response.
#[derive(Debug, Clone)]
pub enum Answer {
    /// 1: the answer to Discord's PING.
    Pong,
    /// 4: a message for the person who asked only (ephemeral).
    Tell(Message),
    /// 6: the click is taken; the message is edited later (by the outbox) or not at all.
    Acknowledge,
    /// 7: the clicked message, replaced by this one.
    UpdateMessage(Message),
    /// 8: choices for the option being typed, as (label, value).
    Choices(Vec<(String, String)>),
    /// 9: a modal to fill in.
    Modal(CreateModal),
}

impl Answer {
    /// The JSON body Discord expects (the HTTP response, or the Gateway's callback).
    pub fn to_json(&self) -> Value {
        match self {
            Answer::Pong => json!({ "type": 1 }),
            Answer::Tell(message) => {
                json!({ "type": 4, "data": interaction_message(message, true) })
            }
            Answer::Acknowledge => json!({ "type": 6 }),
            Answer::UpdateMessage(message) => {
                json!({ "type": 7, "data": interaction_message(message, false) })
            }
            Answer::Choices(choices) => {
                let choices = choices
                    .iter()
                    .map(|(label, value)| AutocompleteChoice::new(label.clone(), value.clone()))
                    .collect();
                json!({
                    "type": 8,
                    "data": CreateAutocompleteResponse::new().set_choices(choices),
                })
            }
            Answer::Modal(modal) => json!({ "type": 9, "data": modal }),
        }
    }

    fn error(text: impl Into<String>) -> Answer {
        Answer::Tell(Message::text(MessageKind::Error, None, text))
    }
}

/// The answer when the bot itself failed (the store is down…), so the person sees this rather
/// than "The application did not respond"; the cause goes to the log under the answer's
/// reference.
pub fn internal_error(error: &(dyn std::error::Error + 'static)) -> Answer {
    Answer::Tell(crate::chat::internal_error::internal_error(
        Platform::Discord,
        error,
    ))
}

/// Answers one interaction.
pub async fn answer(engine: &Engine, interaction: &Interaction) -> Result<Answer, EngineError> {
    match interaction {
        Interaction::Ping(_) => Ok(Answer::Pong),
        Interaction::Command(command) => slash_command(engine, command).await,
        Interaction::Autocomplete(typing) => Ok(Answer::Choices(autocomplete_choices(
            engine.runbook(),
            &typing.data,
        ))),
        Interaction::Component(click) => clicked(engine, click).await,
        Interaction::Modal(submitted) => reason_given(engine, submitted).await,
        // Interactions the bot registers nothing for.
        _ => Ok(Answer::error(
            "incident-bot does not handle this kind of interaction.",
        )),
    }
}

fn invocation(
    guild: Option<String>,
    channel: String,
    user: &User,
    member: Option<&Member>,
) -> Invocation {
    let name = member
        .map(Member::display_name)
        .unwrap_or_else(|| user.display_name());
    Invocation {
        channel: ChannelKey {
            platform: Platform::Discord,
            workspace: guild.unwrap_or_else(|| NO_GUILD.to_string()),
            channel,
        },
        person: Person {
            id: user.id.to_string(),
            name: name.to_string(),
        },
        // The roles of whoever acts come with every interaction in a server.
        roles: member.map_or_else(Vec::new, |member| {
            member.roles.iter().map(ToString::to_string).collect()
        }),
    }
}

async fn slash_command(
    engine: &Engine,
    interaction: &CommandInteraction,
) -> Result<Answer, EngineError> {
    if interaction.guild_id.is_none() {
        return Ok(Answer::error(
            "incident-bot runs incidents in a server channel, not in direct messages.",
        ));
    }
    let command = match command_from_interaction(&interaction.data) {
        Ok(command) => command,
        Err(error) => return Ok(Answer::error(error.to_string())),
    };
    let typed = command.to_string();
    let who = invocation(
        interaction.guild_id.map(|id| id.to_string()),
        interaction.channel_id.to_string(),
        &interaction.user,
        interaction.member.as_deref(),
    );
    let reply = engine.handle(&who, command).await?;
    let Some(message) = reply.message else {
        return Ok(Answer::Tell(Message::text(
            MessageKind::Reply,
            None,
            format!("Done: {typed}"),
        )));
    };
    Ok(Answer::Tell(message))
}

async fn clicked(engine: &Engine, click: &ComponentInteraction) -> Result<Answer, EngineError> {
    if let Some(button) = parse_follow_up_custom_id(&click.data.custom_id) {
        let who = invocation(
            click.guild_id.map(|id| id.to_string()),
            click.channel_id.to_string(),
            &click.user,
            click.member.as_ref(),
        );
        let reply = engine.handle(&who, button.command()).await?;
        return Ok(reply.message.map_or(Answer::Acknowledge, Answer::Tell));
    }
    let button =
        match Button::parse_custom_id(&click.data.custom_id) {
            Some(Ok(button)) => button,
            Some(Err(out_of_range)) => return Ok(Answer::error(out_of_range.to_string())),
            None => return Ok(Answer::error(
                "This button is not one incident-bot knows (an old message?). Use /incident step.",
            )),
        };
    if let Some(form) = button.form() {
        return Ok(Answer::Modal(reason_modal(&button, &form)));
    }
    let who = invocation(
        click.guild_id.map(|id| id.to_string()),
        click.channel_id.to_string(),
        &click.user,
        click.member.as_ref(),
    );
    let reply = engine.handle_click(&who, button.command(None)).await?;
    Ok(shown(&click.message.id.to_string(), reply))
}

/// The answer to a step change by button or modal on message `clicked`: a refusal for the
/// clicker only; else, when `clicked` is the incident's checklist card, the card in its new state
/// (the outbox edits it too, in case this answer is lost); else (a click on a status update or a
/// nudge, whose buttons are the same) a bare acknowledgement, and the outbox edits the card.
fn shown(clicked: &str, reply: Reply) -> Answer {
    if let Some(message) = reply.message {
        return Answer::Tell(message);
    }
    let Some(checklist) = reply
        .posted
        .into_iter()
        .find(|post| post.kind == MessageKind::Checklist)
    else {
        return Answer::Acknowledge;
    };
    let is_the_card = reply
        .checklist_card
        .as_deref()
        .and_then(MessageRef::parse)
        .is_some_and(|card| card.message_id == clicked);
    match is_the_card {
        true => Answer::UpdateMessage(checklist),
        false => Answer::Acknowledge,
    }
}

/// The modal that asks why a step is skipped, what failed, or the root cause of a resolution;
/// its `custom_id` carries the button.
fn reason_modal(button: &Button, form: &Form) -> CreateModal {
    let input = CreateInputText::new(InputTextStyle::Paragraph, form.label, REASON_INPUT)
        .max_length(REASON_MAX_CHARS)
        .required(form.required);
    CreateModal::new(
        format!("{REASON_MODAL_PREFIX}{}", button.custom_id()),
        format!("INC-{}: {}", button.incident(), form.title),
    )
    .components(vec![CreateActionRow::InputText(input)])
}

/// The button whose reason modal has this `custom_id`; `None` for a modal the bot did not make,
/// an error for a step button naming a step no checklist has. Public so that the fuzzer
/// (`fuzz/`) reaches it.
pub fn reason_modal_button(custom_id: &str) -> Option<Result<Button, StepOutOfRange>> {
    custom_id
        .strip_prefix(REASON_MODAL_PREFIX)
        .and_then(Button::parse_custom_id)
}

async fn reason_given(engine: &Engine, modal: &ModalInteraction) -> Result<Answer, EngineError> {
    let button = match reason_modal_button(&modal.data.custom_id) {
        Some(Ok(button)) => button,
        Some(Err(out_of_range)) => return Ok(Answer::error(out_of_range.to_string())),
        None => {
            return Ok(Answer::error(
                "This form is not one incident-bot knows. Use /incident step.",
            ))
        }
    };
    let reason = modal
        .data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|component| match component {
            ActionRowComponent::InputText(input) if input.custom_id == REASON_INPUT => {
                input.value.clone()
            }
            _ => None,
        })
        .unwrap_or_default();
    let reason = reason.trim();
    let required = button.form().is_none_or(|form| form.required);
    if reason.is_empty() && required {
        return Ok(Answer::error(
            "Say why, in a few words: it goes in the post-mortem. Click the button again.",
        ));
    }
    let who = invocation(
        modal.guild_id.map(|id| id.to_string()),
        modal.channel_id.to_string(),
        &modal.user,
        modal.member.as_ref(),
    );
    let reply = engine
        .handle_click(
            &who,
            button.command(Some(reason.to_string()).filter(|r| !r.is_empty())),
        )
        .await?;
    let clicked = modal
        .message
        .as_ref()
        .map(|message| message.id.to_string())
        .unwrap_or_default();
    Ok(shown(&clicked, reply))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::chat::incident_buttons::{IncidentAction, IncidentButton};
    use crate::chat::step_buttons::StepAction;
    use crate::chat::step_buttons::StepButton;

    const RESPONSES: &str =
        include_str!("../../../tests/fixtures/discord/discord_interaction_responses.json");

    fn sample(name: &str) -> Value {
        serde_json::from_str::<Value>(RESPONSES).unwrap()[name].clone()
    }

    #[test]
    fn answers_have_the_shapes_discord_documents() {
        assert_eq!(Answer::Pong.to_json(), sample("pong"));
        assert_eq!(
            Answer::Acknowledge.to_json(),
            sample("deferred_update_message")
        );
        let told = Answer::error("nope").to_json();
        let ephemeral = sample("channel_message_with_source_ephemeral");
        assert_eq!(told["type"], ephemeral["type"]);
        assert_eq!(told["data"]["flags"], ephemeral["data"]["flags"]);
        let update = Answer::UpdateMessage(Message::text(MessageKind::Checklist, Some(7), "x"));
        assert_eq!(update.to_json()["type"], sample("update_message")["type"]);
        assert!(update.to_json()["data"]
            .get("flags")
            .is_none_or(|flags| flags == 0));
    }

    /// The modal a button opens, as Discord gets it.
    fn modal_of(button: &Button) -> Value {
        let form = button.form().expect("this button asks first");
        Answer::Modal(reason_modal(button, &form)).to_json()
    }

    #[test]
    fn the_resolve_button_asks_for_a_root_cause_that_may_be_left_out() {
        let button = Button::Incident(IncidentButton {
            incident: 7,
            action: IncidentAction::Resolve,
        });
        let modal = modal_of(&button);
        assert_eq!(modal["data"]["custom_id"], "reason:incident_resolve:INC-7");
        assert_eq!(modal["data"]["title"], "INC-7: Resolve");
        let input = &modal["data"]["components"][0]["components"][0];
        assert_eq!(input["label"], "Root cause, if known (optional)");
        assert_eq!(input["required"], false);
    }

    #[test]
    fn the_reason_modal_carries_its_button_and_asks_for_text() {
        let button = Button::Step(StepButton {
            incident: 7,
            step: 2,
            action: StepAction::Fail,
        });
        let modal = modal_of(&button);
        assert_eq!(modal["type"], 9);
        let custom_id = modal["data"]["custom_id"].as_str().unwrap();
        assert_eq!(reason_modal_button(custom_id), Some(Ok(button)));
        assert!(custom_id.len() <= 100);
        assert_eq!(modal["data"]["title"], "INC-7: Step failed 3");
        let input = &modal["data"]["components"][0]["components"][0];
        assert_eq!(
            (input["type"].as_u64(), input["style"].as_u64()),
            (Some(4), Some(2))
        );
        assert_eq!(input["custom_id"], REASON_INPUT);
        assert_eq!(input["required"], true);
    }

    #[test]
    fn choices_are_an_autocomplete_result() {
        let answer = Answer::Choices(vec![("1 · db-loss".into(), "db-loss".into())]).to_json();
        assert_eq!(answer["type"], 8);
        assert_eq!(
            answer["data"]["choices"],
            serde_json::json!([{ "name": "1 · db-loss", "value": "db-loss" }])
        );
    }
}
