//! `--help` and `incident-bot help` as a user meets them: every environment variable a verb reads
//! is listed with its default, never with its value, and `help` works for every verb, itself too.

use clap::CommandFactory;
use incident_bot::cli::variables::{Group, VARIABLES};

use crate::transcript::run;

/// Secrets and settings a user might have set; none of these values may show in a help.
const SET: &[(&str, &str)] = &[
    (
        "DATABASE_URL",
        "postgres://bot:s3cret@db.internal/incidents",
    ),
    ("SLACK_BOT_TOKEN", "xoxb-sekrit-token"),
    ("SLACK_SIGNING_SECRET", "sekrit-signing-secret"),
    ("SLACK_APP_TOKEN", "xapp-sekrit-app-token"),
    ("DISCORD_BOT_TOKEN", "MTE4.sekrit"),
    ("DISCORD_PUBLIC_KEY", "d75a980182b10ab7d54bfed3c964073a"),
    ("ROLE_MENTIONS", "Platform Lead=U0SEKRIT"),
    ("UPDATE_INTERVAL", "7m"),
    ("RUNBOOK", "/etc/sekrit/runbook.md"),
];

/// Every verb the binary has, as clap knows them (so a verb added later is checked too).
fn verbs() -> Vec<String> {
    incident_bot::cli::Cli::command()
        .get_subcommands()
        .map(|verb| verb.get_name().to_string())
        .collect()
}

#[test]
fn no_help_shows_a_value_of_the_environment() {
    let verbs = verbs();
    assert!(
        ["serve", "console", "outbox", "status", "postmortem", "help"]
            .iter()
            .all(|verb| verbs.iter().any(|known| known == verb)),
        "{verbs:?}"
    );
    let asked = verbs
        .iter()
        .flat_map(|verb| {
            [
                vec![verb.as_str(), "--help"],
                vec![verb.as_str(), "-h"],
                vec!["help", verb.as_str()],
            ]
        })
        .chain([vec!["--help"], vec!["help"]]);
    for args in asked {
        let help = run(&args, SET, "");
        assert_eq!(help.code, 0, "{args:?}: {}", help.output);
        for (name, value) in SET {
            assert!(
                !help.output.contains(value),
                "`incident-bot {}` shows {name}'s value:\n{}",
                args.join(" "),
                help.output
            );
        }
        assert!(!help.output.contains("s3cret"), "{args:?}: {}", help.output);
    }
}

/// The names of the variables of `groups`, as the table has them.
fn names_of(groups: &[Group]) -> Vec<&'static str> {
    VARIABLES
        .iter()
        .filter(|variable| groups.contains(&variable.group))
        .map(|variable| variable.name)
        .collect()
}

/// The help's line for `name`: `  NAME   what it does [default: …]`.
fn line_of<'a>(help: &'a str, name: &str) -> Option<&'a str> {
    help.lines().find(|line| {
        line.strip_prefix("  ")
            .and_then(|rest| rest.strip_prefix(name))
            .is_some_and(|rest| rest.starts_with("  "))
    })
}

#[test]
fn serve_and_console_list_every_variable_they_read_with_its_default_never_its_value() {
    let serve = [
        Group::Sources,
        Group::Engine,
        Group::Server,
        Group::Slack,
        Group::Discord,
    ];
    let console = [Group::Sources, Group::Engine, Group::Console];
    for (verb, groups, not_read) in [
        ("serve", &serve[..], "USER"),
        ("check-config", &serve[..], "USER"),
        ("console", &console[..], "SLACK_BOT_TOKEN"),
    ] {
        let help = run(&[verb, "--help"], SET, "");
        assert_eq!(help.code, 0, "{}", help.output);
        assert!(
            help.output
                .contains("\nEnvironment (blank is unset; values are never shown):\n"),
            "{verb}: {}",
            help.output
        );
        for name in names_of(groups).into_iter().chain(["RUST_LOG"]) {
            let line = line_of(&help.output, name)
                .unwrap_or_else(|| panic!("{verb} --help does not list {name}:\n{}", help.output));
            assert!(line.contains(" [default: "), "{verb}: {line}");
        }
        assert_eq!(line_of(&help.output, not_read), None, "{verb}");
        for (_, value) in SET {
            assert!(
                !help.output.contains(value),
                "{verb} --help shows {value}:\n{}",
                help.output
            );
        }
    }
    let serve = run(&["serve", "--help"], &[], "").output;
    for line in [
        "  INCIDENT_BOT_ADDR         where the HTTP server listens [default: 127.0.0.1:3000]",
        "  UPDATE_INTERVAL           how often an open incident's status update is posted [default: 15m]",
        "  STALE_AFTER               silence before the bot asks whether an incident is still going [default: 2h]",
        "  DATABASE_URL              the store: sqlite://FILE or postgres://… (--database-url wins) [default: sqlite://incident-bot.db]",
    ] {
        assert!(serve.lines().any(|shown| shown == line), "{line:?} in\n{serve}");
    }
}

#[test]
fn help_works_for_every_verb_and_for_itself() {
    let help_help = run(&["help", "--help"], &[], "");
    assert_eq!(help_help.code, 0, "{}", help_help.output);
    assert!(
        help_help.output.contains("Usage: incident-bot help [VERB]"),
        "{}",
        help_help.output
    );
    let help_of_help = run(&["help", "help"], &[], "");
    assert_eq!(help_of_help.code, 0);
    assert!(
        help_of_help
            .output
            .contains("Usage: incident-bot help [VERB]"),
        "{}",
        help_of_help.output
    );
    for verb in [
        "serve",
        "console",
        "check-runbook",
        "check-config",
        "postmortem",
    ] {
        let by_help = run(&["help", verb], &[], "");
        assert_eq!(by_help.code, 0, "{}", by_help.output);
        assert_eq!(
            by_help.output,
            run(&[verb, "--help"], &[], "").output,
            "`help {verb}` and `{verb} --help` differ"
        );
        assert!(
            by_help
                .output
                .contains(&format!("Usage: incident-bot {verb}")),
            "{}",
            by_help.output
        );
    }
    let everything = run(&["help"], &[], "");
    assert_eq!(everything.code, 0);
    assert_eq!(everything.output, run(&["--help"], &[], "").output);
    let nonsense = run(&["help", "serv"], &[], "");
    assert_eq!(nonsense.code, 2);
    assert!(
        nonsense
            .output
            .starts_with("error: unrecognized subcommand 'serv'")
            && nonsense
                .output
                .contains("a similar subcommand exists: 'serve'"),
        "{}",
        nonsense.output
    );
}
