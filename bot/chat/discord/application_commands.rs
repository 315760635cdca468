//! Discord application commands, generated from the command language so the two cannot drift:
//! `/incident` with one subcommand per command and `/postmortem`, their options described from the
//! usage lines (`commands::Argument`); an interaction's options written back as command text and
//! read by the same parser as typed text; and the scenario suggestions for autocomplete.

use commands::{
    command_text, parse_incident, parse_postmortem, Argument, ArgumentKind, ArgumentValue, Command,
    CommandName, ParseError,
};
use serenity::builder::{CreateCommand, CreateCommandOption};
use serenity::model::application::{
    CommandData, CommandDataOption, CommandDataOptionValue, CommandOptionType, InteractionContext,
};

use super::markdown::truncate;
use crate::runbook::{title_words, Runbook, Scenario};

/// The top-level command that holds every command but the post-mortem.
const INCIDENT: &str = "incident";

/// What `/incident` itself says in Discord's command picker.
const INCIDENT_DESCRIPTION: &str =
    "Run the disaster-recovery runbook: open an incident, confirm its steps, post updates, resolve";

/// The most choices an option, or an autocomplete answer, may have.
const MAX_CHOICES: usize = 25;

/// The keyword that lets the bot pick a drill's scenario.
const RANDOM: &str = "random";

/// An interaction that cannot be read as a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InteractionError {
    /// The options make a command the parser refuses: the same message, with the usage, as typed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A command, subcommand or option this bot no longer has: Discord shows an old registration.
    #[error(
        "{what}. Discord is showing an older list of this bot's commands: ask an admin to \
         restart the bot so that it registers the current ones, then try again."
    )]
    StaleRegistration { what: String },
}

/// The body of Discord's bulk overwrite of application commands (`PUT
/// /applications/{id}/commands`, or `/applications/{id}/guilds/{guild}/commands`).
pub fn application_commands() -> serde_json::Value {
    let subcommands = CommandName::ALL
        .into_iter()
        .filter(|&name| name != CommandName::Postmortem)
        .map(|name| {
            CreateCommandOption::new(
                CommandOptionType::SubCommand,
                name.as_str(),
                truncate(
                    name.spec().summary.to_string(),
                    Argument::MAX_DESCRIPTION_CHARS,
                ),
            )
            .set_sub_options(options(name))
        })
        .collect();
    let incident = guild_command(INCIDENT, INCIDENT_DESCRIPTION).set_options(subcommands);
    let postmortem = CommandName::Postmortem;
    let postmortem = guild_command(postmortem.as_str(), postmortem.spec().summary)
        .set_options(options(postmortem));
    serde_json::json!([incident, postmortem])
}

/// A chat-input command usable in servers only, where incidents have a channel.
fn guild_command(name: &str, description: &str) -> CreateCommand {
    CreateCommand::new(name)
        .description(truncate(
            description.to_string(),
            Argument::MAX_DESCRIPTION_CHARS,
        ))
        .contexts(vec![InteractionContext::Guild])
        .dm_permission(false)
}

/// The options of one command, required ones first as Discord demands.
fn options(command: CommandName) -> Vec<CreateCommandOption> {
    let mut arguments = command.arguments();
    arguments.sort_by_key(|argument| !argument.required);
    arguments.iter().map(option).collect()
}

fn option(argument: &Argument) -> CreateCommandOption {
    let kind = match argument.kind {
        ArgumentKind::Incident | ArgumentKind::Number => CommandOptionType::Integer,
        ArgumentKind::User => CommandOptionType::User,
        ArgumentKind::Flag(_) => CommandOptionType::Boolean,
        _ => CommandOptionType::String,
    };
    let mut option = CreateCommandOption::new(
        kind,
        argument.name,
        truncate(
            argument.description.to_string(),
            Argument::MAX_DESCRIPTION_CHARS,
        ),
    )
    .required(argument.required);
    if kind == CommandOptionType::Integer {
        option = option.min_int_value(1);
    }
    if let ArgumentKind::Scenario { .. } = argument.kind {
        option = option.set_autocomplete(true);
    }
    for choice in argument.kind.choices().unwrap_or_default() {
        option = option.add_string_choice(choice, choice);
    }
    option
}

/// Reads `/incident <subcommand> …` or `/postmortem …` as the command the same text would be.
///
/// # Errors
/// [`InteractionError::Parse`] with the parser's message and usage, or
/// [`InteractionError::StaleRegistration`] for a command or option this bot does not have.
pub fn command_from_interaction(data: &CommandData) -> Result<Command, InteractionError> {
    let (command, options) = invoked(data)?;
    let values = options
        .iter()
        .map(|option| Ok((option.name.as_str(), value(command, option)?)))
        .collect::<Result<Vec<_>, InteractionError>>()?;
    let text =
        command_text(command, &values).map_err(|unknown| InteractionError::StaleRegistration {
            what: unknown.to_string(),
        })?;
    Ok(match command {
        CommandName::Postmortem => parse_postmortem(&text),
        _ => parse_incident(&text),
    }?)
}

/// The command an interaction names, and the options given to it.
fn invoked(data: &CommandData) -> Result<(CommandName, &[CommandDataOption]), InteractionError> {
    let stale = |what: String| InteractionError::StaleRegistration { what };
    if data.name == CommandName::Postmortem.as_str() {
        return Ok((CommandName::Postmortem, &data.options));
    }
    if data.name != INCIDENT {
        return Err(stale(format!(
            "/{} is not a command of this bot",
            data.name
        )));
    }
    match data.options.as_slice() {
        [CommandDataOption {
            name,
            value: CommandDataOptionValue::SubCommand(options),
            ..
        }] => CommandName::from_word(name)
            .map(|command| (command, options.as_slice()))
            .ok_or_else(|| stale(format!("/incident {name} is not a command of this bot"))),
        _ => Err(stale(
            "/incident came without one of its commands (open, step, …)".to_string(),
        )),
    }
}

/// One option's value, as the command language takes it.
fn value(
    command: CommandName,
    option: &CommandDataOption,
) -> Result<ArgumentValue, InteractionError> {
    Ok(match &option.value {
        CommandDataOptionValue::String(text) => ArgumentValue::Text(text.clone()),
        CommandDataOptionValue::Autocomplete { value, .. } => ArgumentValue::Text(value.clone()),
        CommandDataOptionValue::Integer(number) => ArgumentValue::Number(*number),
        CommandDataOptionValue::User(user) => ArgumentValue::User(user.to_string()),
        CommandDataOptionValue::Boolean(set) if is_flag(command, &option.name) => {
            ArgumentValue::Flag(*set)
        }
        _ => {
            return Err(InteractionError::StaleRegistration {
                what: format!(
                    "the option `{}` of `{}` is of a kind this bot does not take",
                    option.name,
                    command.spec().invocation()
                ),
            })
        }
    })
}

/// Whether `name` is a yes-or-no option of the command (`--new`, `final`).
fn is_flag(command: CommandName, name: &str) -> bool {
    command
        .arguments()
        .iter()
        .any(|argument| argument.name == name && matches!(argument.kind, ArgumentKind::Flag(_)))
}

/// The suggestions for the option being typed in an autocomplete interaction, as (label, value)
/// pairs: scenarios for a scenario option (with `random` first where a drill takes it), nothing
/// for anything else.
pub fn autocomplete_choices(runbook: &Runbook, data: &CommandData) -> Vec<(String, String)> {
    let (Some(focused), Ok((command, _))) = (data.autocomplete(), invoked(data)) else {
        return Vec::new();
    };
    let kind = command
        .arguments()
        .into_iter()
        .find(|argument| argument.name == focused.name)
        .map(|argument| argument.kind);
    let Some(ArgumentKind::Scenario { or_random }) = kind else {
        return Vec::new();
    };
    let typed = focused.value.trim();
    let random = (or_random && RANDOM.starts_with(&typed.to_lowercase())).then(|| {
        (
            format!("{RANDOM} — let the bot pick a scenario"),
            RANDOM.to_string(),
        )
    });
    random
        .into_iter()
        .chain(scenario_choices(runbook, typed))
        .take(MAX_CHOICES)
        .collect()
}

/// Up to 25 scenarios matching what is typed, in runbook order, as (label, value) pairs: the label
/// `1 · db-loss — Complete Database Loss`, the value the short name (the number when the short name
/// is too long for Discord). Matches by number, short name, alias or the start of title words, in
/// any case; everything when nothing is typed.
pub fn scenario_choices(runbook: &Runbook, typed: &str) -> Vec<(String, String)> {
    runbook
        .scenarios
        .iter()
        .filter(|scenario| matches_typed(scenario, typed))
        .take(MAX_CHOICES)
        .map(|scenario| {
            let label = format!(
                "{} · {} — {}",
                scenario.number,
                scenario.short_name(),
                scenario.title
            );
            let value = if scenario.short_name().chars().count() <= Argument::MAX_DESCRIPTION_CHARS
            {
                scenario.short_name().to_string()
            } else {
                scenario.number.to_string()
            };
            (truncate(label, Argument::MAX_DESCRIPTION_CHARS), value)
        })
        .collect()
}

fn matches_typed(scenario: &Scenario, typed: &str) -> bool {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return true;
    }
    let title = title_words(&scenario.title);
    let typed_words = title_words(&typed);
    scenario.number.to_string().starts_with(&typed)
        || scenario.slug.contains(&typed)
        || scenario.aliases.iter().any(|alias| alias.contains(&typed))
        || (!typed_words.is_empty()
            && typed_words
                .iter()
                .all(|word| title.iter().any(|title_word| title_word.starts_with(word))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use commands::{Assign, Cancel, CancelReason, Drill, DrillTarget, IncidentRef, Mention};
    use commands::{Open, Postmortem, Step};
    use commands::{Severity, StepAction};
    use serde_json::{json, Value};
    use serenity::model::application::Interaction;

    use crate::runbook::{self, DEFAULT_RUNBOOK};

    /// A copy of `shared/protocol/discord_application_command_incident_open.json`.
    const INCIDENT_OPEN: &str = include_str!(
        "../../../tests/fixtures/discord/discord_application_command_incident_open.json"
    );

    /// Command data as Discord sends it for `/<name>` with these options.
    fn data(name: &str, options: Value) -> CommandData {
        serde_json::from_value(json!({
            "id": "771825006014889984",
            "name": name,
            "type": 1,
            "options": options,
        }))
        .expect("valid command data")
    }

    fn subcommand(name: &str, options: Value) -> CommandData {
        data(
            INCIDENT,
            json!([{ "name": name, "type": 1, "options": options }]),
        )
    }

    fn default_runbook() -> Runbook {
        runbook::parse(DEFAULT_RUNBOOK)
    }

    #[test]
    fn application_commands_snapshot() {
        insta::with_settings!({snapshot_path => "snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(
                "application_commands",
                serde_json::to_string_pretty(&application_commands()).expect("JSON")
            );
        });
    }

    /// Checks one command or option (and everything in it) against Discord's limits.
    fn check_limits(path: &str, item: &Value, problems: &mut Vec<String>) {
        let name = item["name"].as_str().unwrap_or_default();
        let path = format!("{path}/{name}");
        let valid_name = (1..=32).contains(&name.chars().count())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c));
        if !valid_name {
            problems.push(format!("{path}: the name must match ^[-_a-z0-9]{{1,32}}$"));
        }
        let description = item["description"]
            .as_str()
            .unwrap_or_default()
            .chars()
            .count();
        if !(1..=Argument::MAX_DESCRIPTION_CHARS).contains(&description) {
            problems.push(format!("{path}: description of {description} characters"));
        }
        let choices = item["choices"].as_array().map_or(&[][..], Vec::as_slice);
        if choices.len() > MAX_CHOICES {
            problems.push(format!("{path}: {} choices", choices.len()));
        }
        for choice in choices {
            let label = choice["name"].as_str().unwrap_or_default().chars().count();
            if !(1..=Argument::MAX_DESCRIPTION_CHARS).contains(&label) {
                problems.push(format!("{path}: a choice name of {label} characters"));
            }
        }
        let options = item["options"].as_array().map_or(&[][..], Vec::as_slice);
        if options.len() > 25 {
            problems.push(format!("{path}: {} options", options.len()));
        }
        let required: Vec<bool> = options
            .iter()
            .map(|option| option["required"].as_bool().unwrap_or(false))
            .collect();
        if required.windows(2).any(|pair| !pair[0] && pair[1]) {
            problems.push(format!("{path}: a required option after an optional one"));
        }
        for option in options {
            check_limits(&path, option, problems);
        }
    }

    #[test]
    fn application_commands_keep_within_discords_limits() {
        let commands = application_commands();
        let commands = commands.as_array().expect("an array of commands");
        let mut problems = Vec::new();
        for command in commands {
            check_limits("", command, &mut problems);
        }
        assert_eq!(problems, Vec::<String>::new());
    }

    #[test]
    fn application_commands_cover_the_whole_language() {
        let commands = application_commands();
        let names: Vec<&str> = commands
            .as_array()
            .expect("array")
            .iter()
            .map(|command| command["name"].as_str().expect("name"))
            .collect();
        assert_eq!(names, [INCIDENT, "postmortem"]);
        let subcommands: Vec<&str> = commands[0]["options"]
            .as_array()
            .expect("subcommands")
            .iter()
            .map(|option| option["name"].as_str().expect("name"))
            .collect();
        let expected: Vec<&str> = CommandName::ALL
            .into_iter()
            .filter(|&name| name != CommandName::Postmortem)
            .map(CommandName::as_str)
            .collect();
        assert_eq!(subcommands, expected);
        for command in commands.as_array().expect("array") {
            assert_eq!(command["contexts"], json!([0]));
            assert_eq!(command["dm_permission"], json!(false));
        }
    }

    #[test]
    fn reads_the_shared_incident_open_interaction() {
        let interaction: Interaction = serde_json::from_str(INCIDENT_OPEN).expect("interaction");
        let Interaction::Command(interaction) = interaction else {
            panic!("an application command");
        };
        assert_eq!(
            command_from_interaction(&interaction.data),
            Ok(Command::Open(Open {
                severity: Severity::Critical,
                scenario: "db-loss".to_string(),
                services: Vec::new(),
                description: None,
                new: false,
            }))
        );
    }

    #[test]
    fn flags_are_yes_or_no_options() {
        let commands = application_commands();
        let open = commands[0]["options"]
            .as_array()
            .and_then(|subcommands| subcommands.iter().find(|s| s["name"] == "open"))
            .expect("open");
        let new = open["options"]
            .as_array()
            .and_then(|options| options.iter().find(|o| o["name"] == "new"))
            .expect("the new option");
        assert_eq!(new["type"], json!(5), "a boolean");
        assert_eq!(new["required"], json!(false));
        let with_new = subcommand(
            "open",
            json!([
                { "name": "severity", "type": 3, "value": "high" },
                { "name": "scenario", "type": 3, "value": "security" },
                { "name": "new", "type": 5, "value": true },
            ]),
        );
        assert!(matches!(
            command_from_interaction(&with_new),
            Ok(Command::Open(Open { new: true, .. }))
        ));
        let final_no = data(
            "postmortem",
            json!([{ "name": "final", "type": 5, "value": false }]),
        );
        assert_eq!(
            command_from_interaction(&final_no),
            Ok(Command::Postmortem(Postmortem {
                incident: None,
                finalize: false
            }))
        );
        let final_yes = data(
            "postmortem",
            json!([
                { "name": "incident", "type": 4, "value": 3 },
                { "name": "final", "type": 5, "value": true },
            ]),
        );
        assert_eq!(
            command_from_interaction(&final_yes),
            Ok(Command::Postmortem(Postmortem {
                incident: Some(IncidentRef(3)),
                finalize: true
            }))
        );
    }

    #[test]
    fn reads_cancel_as_a_duplicate() {
        let data = subcommand(
            "cancel",
            json!([
                { "name": "reason", "type": 3, "value": "duplicate of INC-3" },
                { "name": "incident", "type": 4, "value": 4 },
            ]),
        );
        assert_eq!(
            command_from_interaction(&data),
            Ok(Command::Cancel(Cancel {
                incident: Some(IncidentRef(4)),
                reason: CancelReason::Duplicate {
                    of: IncidentRef(3),
                    note: None
                },
            }))
        );
    }

    #[test]
    fn reads_step_with_incident_number_and_note() {
        let data = subcommand(
            "step",
            json!([
                { "name": "action", "type": 3, "value": "skip" },
                { "name": "incident", "type": 4, "value": 7 },
                { "name": "step-number", "type": 4, "value": 4 },
                { "name": "note", "type": 3, "value": "INC-3 already restored it" },
            ]),
        );
        assert_eq!(
            command_from_interaction(&data),
            Ok(Command::Step(Step {
                incident: Some(IncidentRef(7)),
                number: Some(4),
                action: StepAction::Skip,
                note: Some("INC-3 already restored it".to_string()),
            }))
        );
    }

    #[test]
    fn mistakes_get_the_parsers_message_with_the_usage() {
        let data = subcommand(
            "step",
            json!([{ "name": "action", "type": 3, "value": "skip" }]),
        );
        assert_eq!(
            command_from_interaction(&data).unwrap_err().to_string(),
            "`skip` needs a reason, e.g. /incident step skip backups verified yesterday \
             — usage: /incident step [INC-n] [step-number] done|skip|fail|retry [note]"
        );
    }

    #[test]
    fn reads_assign_with_a_user() {
        let data = subcommand(
            "assign",
            json!([
                { "name": "role", "type": 3, "value": "incident commander" },
                { "name": "user", "type": 6, "value": "80351110224678912" },
            ]),
        );
        assert_eq!(
            command_from_interaction(&data),
            Ok(Command::Assign(Assign {
                incident: None,
                role: "incident commander".to_string(),
                assignee: Mention::User("80351110224678912".to_string()),
            }))
        );
    }

    #[test]
    fn reads_drill_with_and_without_a_scenario() {
        let named = subcommand(
            "drill",
            json!([{ "name": "scenario", "type": 3, "value": "Complete Database Loss" }]),
        );
        assert_eq!(
            command_from_interaction(&named),
            Ok(Command::Drill(Drill {
                target: DrillTarget::Scenario("Complete Database Loss".to_string())
            }))
        );
        for options in [
            json!([]),
            json!([{ "name": "scenario", "type": 3, "value": "random" }]),
        ] {
            assert_eq!(
                command_from_interaction(&subcommand("drill", options)),
                Ok(Command::Drill(Drill {
                    target: DrillTarget::Random
                }))
            );
        }
    }

    #[test]
    fn reads_postmortem_as_its_own_command() {
        let with_incident = data(
            "postmortem",
            json!([{ "name": "incident", "type": 4, "value": 3 }]),
        );
        assert_eq!(
            command_from_interaction(&with_incident),
            Ok(Command::Postmortem(Postmortem {
                incident: Some(IncidentRef(3)),
                finalize: false,
            }))
        );
        assert_eq!(
            command_from_interaction(&data("postmortem", json!([]))),
            Ok(Command::Postmortem(Postmortem {
                incident: None,
                finalize: false
            }))
        );
    }

    #[test]
    fn stale_registrations_ask_for_a_restart() {
        let restart = "Discord is showing an older list of this bot's commands: ask an admin to \
                       restart the bot so that it registers the current ones, then try again.";
        for (data, what) in [
            (
                subcommand("declare", json!([])),
                "/incident declare is not a command of this bot",
            ),
            (data("sev", json!([])), "/sev is not a command of this bot"),
            (
                data(INCIDENT, json!([])),
                "/incident came without one of its commands (open, step, …)",
            ),
            (
                subcommand("list", json!([{ "name": "all", "type": 5, "value": true }])),
                "the option `all` of `/incident list` is of a kind this bot does not take",
            ),
            (
                subcommand(
                    "list",
                    json!([{ "name": "all", "type": 3, "value": "yes" }]),
                ),
                "`/incident list` has no argument called `all`",
            ),
        ] {
            assert_eq!(
                command_from_interaction(&data).unwrap_err().to_string(),
                format!("{what}. {restart}")
            );
        }
    }

    #[test]
    fn scenario_choices_match_number_short_name_and_title_words() {
        let runbook = default_runbook();
        let all = scenario_choices(&runbook, "");
        assert_eq!(all.len(), runbook.scenarios.len());
        assert_eq!(
            all[0],
            (
                "1 · db-loss — Complete Database Loss".to_string(),
                "db-loss".to_string()
            )
        );
        for typed in ["1", "DB-LOSS", "database lo", "complete db", "db-down"] {
            let values: Vec<String> = scenario_choices(&runbook, typed)
                .into_iter()
                .map(|(_, value)| value)
                .collect();
            assert_eq!(values, ["db-loss"], "{typed}");
        }
        assert_eq!(scenario_choices(&runbook, "banana"), Vec::new());
    }

    #[test]
    fn labels_are_cut_to_discords_limit() {
        let mut runbook = default_runbook();
        runbook.scenarios[0].title = "Loss ".repeat(40);
        let (label, value) = scenario_choices(&runbook, "1").remove(0);
        assert_eq!(label.chars().count(), Argument::MAX_DESCRIPTION_CHARS);
        assert!(label.ends_with('…'));
        assert_eq!(value, "db-loss");
    }

    /// An autocomplete interaction's data while `scenario` of `/incident <command>` is typed.
    fn typing_scenario(command: &str, typed: &str) -> CommandData {
        subcommand(
            command,
            json!([
                { "name": "severity", "type": 3, "value": "critical" },
                { "name": "scenario", "type": 3, "value": typed, "focused": true },
            ]),
        )
    }

    #[test]
    fn autocomplete_suggests_scenarios_and_random_for_drills() {
        let runbook = default_runbook();
        let open = autocomplete_choices(&runbook, &typing_scenario("open", "data"));
        let values: Vec<&str> = open.iter().map(|(_, value)| value.as_str()).collect();
        assert!(values.contains(&"db-loss"), "{values:?}");
        assert!(!values.contains(&RANDOM));

        let drill = autocomplete_choices(&runbook, &typing_scenario("drill", ""));
        assert_eq!(drill[0].1, RANDOM);
        assert_eq!(drill.len(), runbook.scenarios.len() + 1);
        let drill = autocomplete_choices(&runbook, &typing_scenario("drill", "ran"));
        assert_eq!(drill[0].1, RANDOM);
    }

    #[test]
    fn autocomplete_suggests_nothing_for_other_options() {
        let runbook = default_runbook();
        let typing_role = subcommand(
            "assign",
            json!([{ "name": "role", "type": 3, "value": "comm", "focused": true }]),
        );
        assert_eq!(autocomplete_choices(&runbook, &typing_role), Vec::new());
        assert_eq!(
            autocomplete_choices(&runbook, &typing_scenario("declare", "")),
            Vec::new()
        );
    }
}
