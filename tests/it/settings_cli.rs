//! Settings checked against the runbook, as a user meets them with the real binary: `console` and
//! `serve` refuse to start on a role the contacts table does not have or an id of the wrong
//! shape, with one line that lists the runbook's roles; `check-config` prints the effective
//! configuration with its secrets masked, and every problem.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::test_db::unique_suffix;

const RUNBOOK: &str = "tests/fixtures/runbooks/shared-disaster-recovery-runbook.md";
const ROLES: &str =
    "the runbook's roles are Platform Lead, DevOps Team, Database Admin, Security Team";

/// Runs the binary in the package's directory with exactly `vars` as its environment (and the
/// shared runbook), nothing on standard input: its exit code, stdout and stderr.
fn incident_bot(args: &[&str], vars: &[(&str, &str)]) -> (i32, String, String) {
    incident_bot_reading(args, vars, "")
}

/// The same, with `input` piped in.
fn incident_bot_reading(
    args: &[&str],
    vars: &[(&str, &str)],
    input: &str,
) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_incident-bot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("RUNBOOK", RUNBOOK)
        .envs(vars.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).expect("input piped in");
    }
    let output = child.wait_with_output().expect("the binary finishes");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A SQLite URL in a fresh temporary directory, so a refusal is seen to come before the store.
fn scratch_database() -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("incident-bot-settings-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}", dir.join("bot.db").display());
    (dir, url)
}

#[test]
fn the_console_refuses_a_role_the_runbook_does_not_have() {
    let (dir, database) = scratch_database();
    for (variable, value, line) in [
        (
            "PAGE_CRITICAL",
            "Nobody Here",
            format!("error: PAGE_CRITICAL=\"Nobody Here\" is not valid: `Nobody Here` is not a role of the contacts table; {ROLES}"),
        ),
        (
            "ROLE_MENTIONS",
            "Platform Led=U024BE7LH",
            format!("error: ROLE_MENTIONS=\"Platform Led=U024BE7LH\" is not valid: `Platform Led` is not a role of the contacts table; {ROLES}"),
        ),
        (
            "ROLE_MENTIONS",
            "Platform Lead=not an id!",
            "error: ROLE_MENTIONS=\"Platform Lead=not an id!\" is not valid: `not an id!` is not a Slack user (U…/W…) or user group (S…) id, or a Discord user id (17 to 20 digits)".to_string(),
        ),
    ] {
        let (code, stdout, stderr) = incident_bot(
            &["console"],
            &[("DATABASE_URL", database.as_str()), (variable, value)],
        );
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(stdout, "", "no banner: nothing started");
        assert_eq!(stderr.lines().last(), Some(line.as_str()), "{stderr}");
    }
    let (code, _, stderr) = incident_bot(
        &["console"],
        &[
            ("DATABASE_URL", database.as_str()),
            ("PAGE_CRITICAL", "Nobody Here"),
            ("PAGE_HIGH", "Nobody Either"),
            ("STALE_AFTER", "never"),
        ],
    );
    assert_eq!(code, 2);
    assert_eq!(
        stderr.lines().last(),
        Some("error: STALE_AFTER=\"never\" is not valid: a duration from one minute to 7 days, like 2h or 90m (and 2 more: `incident-bot check-config` lists every one)"),
        "one line, and where to see the rest"
    );
    assert!(
        !dir.join("bot.db").exists(),
        "the store is not opened before the settings are right"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_console_takes_roles_in_any_case_with_semicolons_or_commas() {
    let (dir, database) = scratch_database();
    let (code, stdout, stderr) = incident_bot_reading(
        &["console", "--as", "alice"],
        &[
            ("DATABASE_URL", database.as_str()),
            (
                "PAGE_CRITICAL",
                "platform lead; DATABASE ADMIN, security team",
            ),
            (
                "ROLE_MENTIONS",
                "database admin=S0DBA, Platform Lead=<@290926798626357999>",
            ),
        ],
        "/incident open critical db-loss\n",
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("\nPaging: Platform Lead, Database Admin, Security Team\n"),
        "the roles as the runbook writes them:\n{stdout}"
    );
    assert!(
        stdout.contains("\n(pings <@290926798626357999>, S0DBA)\n"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_refuses_an_id_of_a_platform_it_does_not_serve() {
    let (dir, database) = scratch_database();
    let (code, stdout, stderr) = incident_bot(
        &["serve"],
        &[
            ("DATABASE_URL", database.as_str()),
            ("INCIDENT_BOT_ADDR", "127.0.0.1:0"),
            ("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5"),
            (
                "SLACK_BOT_TOKEN",
                "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
            ),
            ("ROLE_MENTIONS", "Database Admin=<@290926798626357999>"),
        ],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert_eq!(
        stderr.lines().last(),
        Some("error: ROLE_MENTIONS=\"Database Admin=<@290926798626357999>\" is not valid: `<@290926798626357999>` is a Discord id, but the bot serves Slack only"),
    );
    assert!(!stderr.contains("serving on"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn check_config_shows_the_configuration_with_secrets_masked_and_every_problem() {
    let secrets = [
        "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
        "8f742231b10e8888abcd99yyyzzz85a5",
        "hunter2",
        "MTE4MjAwNjkxMjM0NTY3ODkwMQ.GhT8kE.s3cr3t-discord-token",
    ];
    let vars = [
        (
            "DATABASE_URL",
            "postgres://bot:hunter2@db.internal:5432/incidents?password=hunter2",
        ),
        ("SLACK_BOT_TOKEN", secrets[0]),
        ("SLACK_SIGNING_SECRET", secrets[1]),
        ("DISCORD_BOT_TOKEN", secrets[3]),
        ("DISCORD_APPLICATION_ID", "1182006912345678901"),
        ("UPDATE_INTERVAL", "10m"),
        ("UPDATE_INTERVAL_CRITICAL", "5m"),
        ("UPDATE_INTERVAL_LOW", "soon"),
        ("HTTP_BODY_TIMEOUT", "1h"),
        ("PAGE_HIGH", "platform lead; Nobody Here, security team"),
        ("INCIDENT_CHANNELS", "C0INCIDENTS"),
        ("RESPONDERS", "U024BE7LH, S0SRE"),
        ("RESPONDERS_RESOLVE", "S0LEADS"),
        (
            "ROLE_MENTIONS",
            "Platform Lead=U024BE7LH; Database Admin=<!subteam^S0DBA|@dba>; \
             Security Team=<@290926798626357999>; Platform Led=U1",
        ),
    ];
    let (code, report, stderr) = incident_bot(&["check-config"], &vars);
    assert_eq!(code, 1, "{stderr}");
    for secret in secrets {
        assert!(!report.contains(secret), "{secret} shows in\n{report}");
    }
    assert!(report.ends_with(&format!(
        "4 problems:\n\
         \x20 - HTTP_BODY_TIMEOUT=\"1h\" is not valid: a duration from 1s to 5m, like 10s\n\
         \x20 - UPDATE_INTERVAL_LOW=\"soon\" is not valid: a duration of at least one minute, like 15m or 1h\n\
         \x20 - PAGE_HIGH=\"platform lead; Nobody Here, security team\" is not valid: `Nobody Here` is not a role of the contacts table; {ROLES}\n\
         \x20 - ROLE_MENTIONS=\"Platform Led=U1\" is not valid: `Platform Led` is not a role of the contacts table; {ROLES}\n"
    )), "{report}");
    insta::assert_snapshot!(report);
}

#[test]
fn check_config_of_the_defaults_finds_no_problem() {
    let (code, report, stderr) = incident_bot(&["check-config"], &[]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(report);
}

#[test]
fn check_config_says_which_settings_keep_a_platform_from_starting() {
    let (code, report, _) = incident_bot(
        &["check-config"],
        &[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("DISCORD_BOT_TOKEN", "t"),
            ("DISCORD_APPLICATION_ID", "my-bot"),
            ("INCIDENT_BOT_ADDR", "localhost"),
        ],
    );
    assert_eq!(code, 1);
    assert!(
        report.contains("Slack:       not usable (see the problems below)\n"),
        "{report}"
    );
    assert!(report.ends_with(
        "3 problems:\n\
         \x20 - INCIDENT_BOT_ADDR `localhost` is not an address like 127.0.0.1:3000 or 0.0.0.0:8080\n\
         \x20 - SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode) is not set, but SLACK_BOT_TOKEN is: Slack needs both (see the README's Slack section)\n\
         \x20 - DISCORD_APPLICATION_ID must be set to the application's id (General Information → Application ID), a number like 1182006912345678901\n"
    ), "{report}");
}

#[test]
fn check_config_shows_the_alert_routes_and_where_alerts_go() {
    let (code, report, _) = incident_bot(
        &["check-config"],
        &[
            ("SLACK_BOT_TOKEN", "xoxb-1"),
            ("SLACK_SIGNING_SECRET", "s"),
            ("ALERTS_TOKEN", "a-secret-token"),
            ("ALERTS_CHANNEL", "slack:T0TEAM/C0INC"),
            ("ALERTS_AUTO_OPEN", "critical"),
        ],
    );
    assert_eq!(code, 0, "{report}");
    assert!(
        report.contains(
            "Alerts:      /alerts/alertmanager, /alerts/grafana → slack:T0TEAM/C0INC; open \
             incidents at critical or worse\n"
        ),
        "{report}"
    );
    assert!(!report.contains("a-secret-token"), "{report}");
    let (code, report, _) = incident_bot(
        &["check-config"],
        &[
            ("PAGERDUTY_WEBHOOK_SECRET", "p"),
            ("ALERTS_CHANNEL", "discord:1/2"),
        ],
    );
    assert_eq!(code, 1, "{report}");
    assert!(
        report.contains(
            "  - ALERTS_CHANNEL is on Discord, which this bot does not serve: set up Discord \
             too (see the README), or send alerts to a channel of a platform it serves\n"
        ),
        "{report}"
    );
}

#[test]
fn help_never_shows_the_database_password() {
    let url = "postgres://bot:hunter2@db.internal/incidents";
    for verb in ["check-config", "serve", "postmortem", "console"] {
        let (code, help, _) = incident_bot(&[verb, "--help"], &[("DATABASE_URL", url)]);
        assert_eq!(code, 0);
        assert!(help.contains("[env: DATABASE_URL]"), "{help}");
        assert!(!help.contains("hunter2"), "{verb} --help shows it:\n{help}");
    }
}
