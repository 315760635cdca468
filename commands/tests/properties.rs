//! Properties of the whole language: no input makes the parser panic, and every valid command prints
//! a canonical form that reads back as the same command.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use commands::{
    command_text, parse_incident, parse_line, parse_postmortem, ArgumentValue, Assign, Cancel,
    CancelReason, ChangeSeverity, Choose, Command, CommandName, Drill, DrillTarget, Drills,
    FollowUp, FollowUpAction, Help, IncidentRef, List, Mention, Open, Postmortem, Reopen, Resolve,
    Restored, Rpo, RpoPoint, Scenarios, Severity, Status, Step, StepAction, Update,
};
use proptest::prelude::*;
use proptest::sample::select;

/// Words and fragments of the language, to build inputs that get past the first word.
const PIECES: &[&str] = &[
    "/incident",
    "/postmortem",
    "/INCIDENT",
    "open",
    "OPEN",
    "drill",
    "random",
    "list",
    "status",
    "scenarios",
    "help",
    "step",
    "choose",
    "update",
    "assign",
    "severity",
    "rpo",
    "resolve",
    "restored",
    "postmortem",
    "final",
    "reopen",
    "cancel",
    "duplicate",
    "of",
    "opne",
    "critical",
    "sev1",
    "critcal",
    "done",
    "ok",
    "skip",
    "fail",
    "failed",
    "retry",
    "INC-3",
    "inc-0",
    "INC-",
    "INC-x",
    "INC-99999999999999999999",
    "0",
    "7",
    "4294967296",
    "--services",
    "--services=",
    "--services=a,b",
    "--new",
    "a,",
    ",",
    "--x",
    "\"",
    "\\\"",
    "\\",
    "“",
    "”",
    "\"\"",
    "<@U024BE7LH>",
    "<@U1|al>",
    "<@!42>",
    "<@&1>",
    "<!here>",
    "@everyone",
    "@alice",
    "@",
    "<",
    "14:30",
    "14:30:00",
    "2026-11-25",
    "2026-11-25T14:30:00Z",
    "+01:00",
    "10m",
    "1h30m",
    "ago",
    "UTC",
    "é",
    "🙂",
    "\u{3000}",
    "\t",
    "\n",
    "\u{0}",
];

/// Strings made of the language's own words, quotes and mentions, glued or spaced.
fn language_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![select(PIECES).prop_map(String::from), "\\PC{0,3}"];
    let separator = select(&[" ", "", "  ", "\t"][..]);
    prop::collection::vec((piece, separator), 0..10).prop_map(|pieces| {
        pieces
            .into_iter()
            .flat_map(|(piece, separator)| [piece, separator.to_string()])
            .collect()
    })
}

fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), language_like()]
}

/// How a word or free text may start and be misread: as an incident, an option, a quote, a mention,
/// a step number or a keyword.
const MISLEADING_STARTS: &[&str] = &[
    "INC-3",
    "inc-12",
    "INC-",
    "--services",
    "--services=db",
    "--",
    "-",
    "\"",
    "“",
    "”",
    "\\",
    "\\\"",
    "@alice",
    "<@U1>",
    "<!here>",
    "random",
    "RANDOM",
    "7",
    "done",
    "duplicate of INC-3",
    "final",
    "--new",
    "",
    " ",
];

/// Text that often is, or starts with, something misleading.
fn argument_text() -> impl Strategy<Value = String> {
    let misleading_start = (
        select(MISLEADING_STARTS),
        select(&[" ", ""][..]),
        language_like(),
    )
        .prop_map(|(start, separator, rest)| format!("{start}{separator}{rest}"));
    prop_oneof![
        any_input(),
        misleading_start,
        select(MISLEADING_STARTS).prop_map(String::from)
    ]
}

fn incident() -> impl Strategy<Value = Option<IncidentRef>> {
    proptest::option::of((1..=u64::MAX).prop_map(IncidentRef))
}

fn severity() -> impl Strategy<Value = Severity> {
    select(&Severity::ALL[..])
}

/// A word argument: anything that is not blank.
fn word() -> impl Strategy<Value = String> {
    argument_text().prop_filter("a word is not blank", |text| !text.trim().is_empty())
}

/// Free text ending a command: trimmed and not empty.
fn free_text() -> impl Strategy<Value = String> {
    argument_text()
        .prop_map(|text| text.trim().to_string())
        .prop_filter("free text is not empty", |text| !text.is_empty())
}

/// A service name as the parser leaves it: trimmed, lowercased, without commas.
fn service() -> impl Strategy<Value = String> {
    argument_text()
        .prop_map(|text| text.replace(',', "").trim().to_lowercase())
        .prop_filter(
            "a service name is trimmed, lowercase and not empty",
            |name| !name.is_empty() && name.trim() == name && name.to_lowercase() == *name,
        )
}

fn mention() -> impl Strategy<Value = Mention> {
    prop_oneof![
        "[A-Za-z0-9]{1,12}".prop_map(Mention::User),
        "[a-zA-Z0-9é._-]{1,12}"
            .prop_filter("not a group", |name| {
                !["channel", "here", "everyone"]
                    .iter()
                    .any(|group| name.eq_ignore_ascii_case(group))
            })
            .prop_map(Mention::Handle),
    ]
}

fn rpo_point() -> impl Strategy<Value = RpoPoint> {
    let time = (0..24u32, 0..60u32, 0..60u32)
        .prop_filter_map("a valid time", |(h, m, s)| NaiveTime::from_hms_opt(h, m, s));
    let date = any::<i32>().prop_filter_map(
        "a date chrono supports",
        NaiveDate::from_num_days_from_ce_opt,
    );
    prop_oneof![
        time.clone().prop_map(RpoPoint::TimeOfDay),
        (date, time).prop_map(|(date, time)| RpoPoint::At(NaiveDateTime::new(date, time))),
        any::<u64>().prop_map(RpoPoint::Ago),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let action_and_note = prop_oneof![
        (
            select(&[StepAction::Done, StepAction::Retry][..]),
            proptest::option::of(free_text())
        ),
        (
            select(&[StepAction::Skip, StepAction::Fail][..]),
            free_text().prop_map(Some)
        ),
    ];
    (
        incident(),
        proptest::option::of(1..=u32::MAX),
        action_and_note,
    )
        .prop_map(|(incident, number, (action, note))| Step {
            incident,
            number,
            action,
            note,
        })
}

fn open() -> impl Strategy<Value = Open> {
    let services = prop::collection::vec(service(), 0..4);
    (
        severity(),
        word(),
        services,
        proptest::option::of(free_text()),
        any::<bool>(),
    )
        .prop_map(|(severity, scenario, services, description, new)| Open {
            severity,
            scenario,
            services,
            description,
            new,
        })
}

fn drill() -> impl Strategy<Value = Drill> {
    let target = prop_oneof![
        Just(DrillTarget::Random),
        word().prop_map(DrillTarget::Scenario)
    ];
    target.prop_map(|target| Drill { target })
}

fn help() -> impl Strategy<Value = Help> {
    proptest::option::of(select(&CommandName::ALL[..])).prop_map(|topic| Help { topic })
}

fn choose() -> impl Strategy<Value = Choose> {
    (incident(), free_text()).prop_map(|(incident, option)| Choose { incident, option })
}

fn update() -> impl Strategy<Value = Update> {
    (incident(), free_text()).prop_map(|(incident, text)| Update { incident, text })
}

fn assign() -> impl Strategy<Value = Assign> {
    (incident(), word(), mention()).prop_map(|(incident, role, assignee)| Assign {
        incident,
        role,
        assignee,
    })
}

fn change_severity() -> impl Strategy<Value = ChangeSeverity> {
    (incident(), severity()).prop_map(|(incident, severity)| ChangeSeverity { incident, severity })
}

fn rpo() -> impl Strategy<Value = Rpo> {
    (incident(), rpo_point()).prop_map(|(incident, last_good_data)| Rpo {
        incident,
        last_good_data,
    })
}

fn resolve() -> impl Strategy<Value = Resolve> {
    (incident(), proptest::option::of(free_text())).prop_map(|(incident, root_cause)| Resolve {
        incident,
        root_cause,
    })
}

fn restored() -> impl Strategy<Value = Restored> {
    let name = argument_text()
        .prop_map(|text| text.replace(',', "").trim().to_string())
        .prop_filter("a service name is trimmed and not empty", |name| {
            !name.is_empty()
        });
    (incident(), proptest::collection::vec(name, 0..3))
        .prop_map(|(incident, services)| Restored { incident, services })
}

fn postmortem() -> impl Strategy<Value = Postmortem> {
    (incident(), any::<bool>()).prop_map(|(incident, finalize)| Postmortem { incident, finalize })
}

fn reopen() -> impl Strategy<Value = Reopen> {
    (incident(), proptest::option::of(free_text()))
        .prop_map(|(incident, reason)| Reopen { incident, reason })
}

fn cancel() -> impl Strategy<Value = Cancel> {
    let reason = prop_oneof![
        (
            incident().prop_filter_map("an original", |of| of),
            proptest::option::of(free_text())
        )
            .prop_map(|(of, note)| CancelReason::Duplicate { of, note }),
        free_text().prop_map(CancelReason::FalseAlarm),
    ];
    (incident(), reason).prop_map(|(incident, reason)| Cancel { incident, reason })
}

fn follow_up() -> impl Strategy<Value = FollowUp> {
    (
        incident(),
        word(),
        select(&[FollowUpAction::Done, FollowUpAction::Undo][..]),
    )
        .prop_map(|(incident, item, action)| FollowUp {
            incident,
            item,
            action,
        })
}

/// Any command with arguments, as a form would also send it.
fn any_command() -> impl Strategy<Value = Command> {
    let drill_of_a_named_scenario = word()
        .prop_filter("a form's `random` means the keyword", |name| {
            !name.eq_ignore_ascii_case("random")
        })
        .prop_map(|name| Drill {
            target: DrillTarget::Scenario(name),
        });
    prop_oneof![
        open().prop_map(Command::Open),
        prop_oneof![
            Just(Drill {
                target: DrillTarget::Random
            }),
            drill_of_a_named_scenario
        ]
        .prop_map(Command::Drill),
        incident().prop_map(|incident| Command::Status(Status { incident })),
        help().prop_map(Command::Help),
        step().prop_map(Command::Step),
        choose().prop_map(Command::Choose),
        update().prop_map(Command::Update),
        assign().prop_map(Command::Assign),
        change_severity().prop_map(Command::Severity),
        rpo().prop_map(Command::Rpo),
        resolve().prop_map(Command::Resolve),
        restored().prop_map(Command::Restored),
        postmortem().prop_map(Command::Postmortem),
        reopen().prop_map(Command::Reopen),
        cancel()
            .prop_filter("a form's `duplicate …` is a duplicate", |cancel| {
                !matches!(&cancel.reason, CancelReason::FalseAlarm(reason)
                    if reason.split_whitespace().next().is_some_and(|word| word.eq_ignore_ascii_case("duplicate")))
            })
            .prop_map(Command::Cancel),
        follow_up().prop_map(Command::FollowUp),
    ]
}

fn text(value: impl ToString) -> ArgumentValue {
    ArgumentValue::Text(value.to_string())
}

/// An incident as a form gives it: its number, or the typed reference when the number is too big.
fn incident_value(incident: IncidentRef) -> ArgumentValue {
    i64::try_from(incident.0).map_or_else(|_| text(incident), ArgumentValue::Number)
}

/// The values of a command's arguments by name, as a form (Discord's options) hands them over.
fn form_values(command: &Command) -> (CommandName, Vec<(&'static str, ArgumentValue)>) {
    let incident = |incident: &Option<IncidentRef>| {
        incident.map(|incident| ("incident", incident_value(incident)))
    };
    let mut values: Vec<Option<(&'static str, ArgumentValue)>> = Vec::new();
    let name = match command {
        Command::Open(open) => {
            values.push(Some(("severity", text(open.severity))));
            values.push(Some(("scenario", text(&open.scenario))));
            values.push(
                (!open.services.is_empty()).then(|| ("services", text(open.services.join(",")))),
            );
            values.push(
                open.description
                    .as_ref()
                    .map(|description| ("description", text(description))),
            );
            values.push(Some(("new", ArgumentValue::Flag(open.new))));
            CommandName::Open
        }
        Command::Drill(drill) => {
            values.push(Some(match &drill.target {
                DrillTarget::Random => ("scenario", text("random")),
                DrillTarget::Scenario(name) => ("scenario", text(name)),
            }));
            CommandName::Drill
        }
        Command::List(_) => CommandName::List,
        Command::Scenarios(_) => CommandName::Scenarios,
        Command::Status(status) => {
            values.push(incident(&status.incident));
            CommandName::Status
        }
        Command::Help(help) => {
            values.push(help.topic.map(|topic| ("command", text(topic))));
            CommandName::Help
        }
        Command::Step(step) => {
            values.push(incident(&step.incident));
            values.push(
                step.number
                    .map(|number| ("step-number", ArgumentValue::Number(number.into()))),
            );
            values.push(Some(("action", text(step.action))));
            values.push(step.note.as_ref().map(|note| ("note", text(note))));
            CommandName::Step
        }
        Command::Choose(choose) => {
            values.push(incident(&choose.incident));
            values.push(Some(("option", text(&choose.option))));
            CommandName::Choose
        }
        Command::Update(update) => {
            values.push(incident(&update.incident));
            values.push(Some(("text", text(&update.text))));
            CommandName::Update
        }
        Command::Assign(assign) => {
            values.push(incident(&assign.incident));
            values.push(Some(("role", text(&assign.role))));
            values.push(Some(match &assign.assignee {
                Mention::User(id) => ("user", ArgumentValue::User(id.clone())),
                handle @ Mention::Handle(_) => ("user", text(handle)),
            }));
            CommandName::Assign
        }
        Command::Severity(change) => {
            values.push(incident(&change.incident));
            values.push(Some(("severity", text(change.severity))));
            CommandName::Severity
        }
        Command::Rpo(rpo) => {
            values.push(incident(&rpo.incident));
            values.push(Some(("time", text(rpo.last_good_data))));
            CommandName::Rpo
        }
        Command::Resolve(resolve) => {
            values.push(incident(&resolve.incident));
            values.push(
                resolve
                    .root_cause
                    .as_ref()
                    .map(|cause| ("root-cause", text(cause))),
            );
            CommandName::Resolve
        }
        Command::Postmortem(postmortem) => {
            values.push(incident(&postmortem.incident));
            values.push(Some(("final", ArgumentValue::Flag(postmortem.finalize))));
            CommandName::Postmortem
        }
        Command::Restored(restored) => {
            values.push(incident(&restored.incident));
            if !restored.services.is_empty() {
                values.push(Some(("services", text(restored.services.join(", ")))));
            }
            CommandName::Restored
        }
        Command::Reopen(reopen) => {
            values.push(incident(&reopen.incident));
            values.push(
                reopen
                    .reason
                    .as_ref()
                    .map(|reason| ("reason", text(reason))),
            );
            CommandName::Reopen
        }
        Command::Cancel(cancel) => {
            values.push(incident(&cancel.incident));
            // A form has one text for the reason: a duplicate is written as it is typed.
            let reason = match &cancel.reason {
                CancelReason::FalseAlarm(reason) => reason.clone(),
                duplicate => Cancel {
                    incident: None,
                    reason: duplicate.clone(),
                }
                .to_string()
                .replacen("/incident cancel ", "", 1),
            };
            values.push(Some(("reason", text(reason))));
            CommandName::Cancel
        }
        Command::FollowUp(follow_up) => {
            values.push(incident(&follow_up.incident));
            values.push(Some(("item", text(&follow_up.item))));
            values.push(Some(("action", text(follow_up.action.as_str()))));
            CommandName::FollowUp
        }
        Command::Drills(_) => CommandName::Drills,
    };
    // A form sends its values in its own order: the usage's order must not matter.
    (name, values.into_iter().flatten().rev().collect())
}

/// A command reads back as itself from its canonical form.
fn assert_reads_back(command: Command) -> Result<(), TestCaseError> {
    prop_assert_eq!(parse_line(&command.to_string()), Ok(command));
    Ok(())
}

/// Whatever a text parses to reads back the same from its canonical form, and every error can be
/// shown.
fn assert_canonical(parsed: Result<Command, commands::ParseError>) -> Result<(), TestCaseError> {
    match parsed {
        Ok(command) => prop_assert_eq!(parse_line(&command.to_string()), Ok(command)),
        Err(error) => prop_assert!(!error.to_string().is_empty()),
    }
    Ok(())
}

proptest! {
    #[test]
    fn never_panics_on_text_after_incident(text in any_input()) {
        assert_canonical(parse_incident(&text))?;
    }

    #[test]
    fn never_panics_on_text_after_postmortem(text in any_input()) {
        assert_canonical(parse_postmortem(&text))?;
    }

    #[test]
    fn never_panics_on_console_lines(text in any_input()) {
        assert_canonical(parse_line(&text))?;
        assert_canonical(parse_line(&format!("/incident {text}")))?;
    }

    #[test]
    fn open_reads_back(command in open()) {
        assert_reads_back(Command::Open(command))?;
    }

    #[test]
    fn drill_reads_back(command in drill()) {
        assert_reads_back(Command::Drill(command))?;
    }

    #[test]
    fn follow_up_reads_back(command in follow_up()) {
        assert_reads_back(Command::FollowUp(command))?;
    }

    #[test]
    fn status_reads_back(incident in incident()) {
        assert_reads_back(Command::Status(Status { incident }))?;
    }

    #[test]
    fn help_reads_back(command in help()) {
        assert_reads_back(Command::Help(command))?;
    }

    #[test]
    fn step_reads_back(command in step()) {
        assert_reads_back(Command::Step(command))?;
    }

    #[test]
    fn choose_reads_back(command in choose()) {
        assert_reads_back(Command::Choose(command))?;
    }

    #[test]
    fn update_reads_back(command in update()) {
        assert_reads_back(Command::Update(command))?;
    }

    #[test]
    fn assign_reads_back(command in assign()) {
        assert_reads_back(Command::Assign(command))?;
    }

    #[test]
    fn severity_reads_back(command in change_severity()) {
        assert_reads_back(Command::Severity(command))?;
    }

    #[test]
    fn rpo_reads_back(command in rpo()) {
        assert_reads_back(Command::Rpo(command))?;
    }

    #[test]
    fn resolve_reads_back(command in resolve()) {
        assert_reads_back(Command::Resolve(command))?;
    }

    #[test]
    fn restored_reads_back(command in restored()) {
        assert_reads_back(Command::Restored(command))?;
    }

    #[test]
    fn postmortem_reads_back(command in postmortem()) {
        assert_reads_back(Command::Postmortem(command))?;
    }

    #[test]
    fn reopen_reads_back(command in reopen()) {
        assert_reads_back(Command::Reopen(command))?;
    }

    #[test]
    fn cancel_reads_back(command in cancel()) {
        assert_reads_back(Command::Cancel(command))?;
    }
}

proptest! {
    #[test]
    fn a_command_written_from_its_values_by_name_reads_back(command in any_command()) {
        let (name, values) = form_values(&command);
        let text = command_text(name, &values);
        prop_assert!(text.is_ok(), "{:?}", text);
        let text = text.unwrap_or_default();
        let parsed = match name {
            CommandName::Postmortem => parse_postmortem(&text),
            _ => parse_incident(&text),
        };
        prop_assert_eq!(parsed, Ok(command), "written as {}", text);
    }
}

#[test]
fn commands_without_arguments_read_back() {
    for command in [
        Command::List(List),
        Command::Scenarios(Scenarios),
        Command::Drills(Drills),
    ] {
        assert_eq!(parse_line(&command.to_string()), Ok(command));
    }
}
