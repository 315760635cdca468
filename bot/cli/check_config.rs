//! `incident-bot check-config`: the configuration `serve` would run with (the runbook, the store,
//! the address, each chat platform, cadence, who may act where, paging), secrets masked, and every problem in it,
//! without starting anything. Exits 1 when there are problems, 2 when the runbook cannot be read.

use std::fmt::Write as _;
use std::process::ExitCode;

use commands::duration::format_duration;
use commands::Severity;

use crate::alerts::settings::AlertsSettings;
use crate::chat::discord::settings::DiscordSettings;
use crate::chat::slack::settings::{SlackIngress, SlackSettings};
use crate::engine::EngineConfig;
use crate::environment::Environment;
use crate::platform::Platform;
use crate::runbook::Runbook;
use crate::serve::{listen_addr, HttpLimits};
use crate::startup::Settings;

/// What a secret shows as.
const MASK: &str = "****";

pub fn run(settings: Settings) -> ExitCode {
    let runbook = match settings.runbook.load() {
        Ok(runbook) => runbook,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let (text, problems) = report(&settings, &runbook, |name| std::env::var(name).ok());
    print!("{text}");
    match problems {
        0 => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    }
}

/// The report, and how many problems it lists.
pub fn report(
    settings: &Settings,
    runbook: &Runbook,
    lookup: impl Fn(&str) -> Option<String>,
) -> (String, usize) {
    let env = Environment::new(&lookup);
    let mut problems: Vec<String> = Vec::new();
    let mut out = String::new();
    let roles = runbook.roles();
    let _ = writeln!(out, "Runbook:     {}", settings.runbook.describe());
    let _ = writeln!(
        out,
        "Roles:       {}",
        list_or(&roles, "none (no contacts table)")
    );
    if runbook.scenarios.is_empty() {
        problems.push(format!(
            "{} has no scenarios the bot can run: see `incident-bot check-runbook`",
            settings.runbook.describe()
        ));
    }
    let _ = writeln!(out, "Database:    {}", settings.database_url);
    match listen_addr(&env) {
        Ok(addr) => {
            let _ = writeln!(out, "Address:     {addr}");
        }
        Err(error) => problems.push(error.to_string()),
    }
    match HttpLimits::from_environment(&env) {
        Ok(limits) => {
            let _ = writeln!(out, "HTTP:        {}", limits_line(&limits));
        }
        Err(error) => problems.push(error.to_string()),
    }
    let mut platforms = Vec::new();
    let slack = platform_line(
        SlackSettings::from_environment(&env),
        slack_line,
        Platform::Slack,
        &mut platforms,
        &mut problems,
    );
    let _ = writeln!(out, "Slack:       {slack}");
    let discord = platform_line(
        DiscordSettings::from_environment(&env),
        discord_line,
        Platform::Discord,
        &mut platforms,
        &mut problems,
    );
    let _ = writeln!(out, "Discord:     {discord}");
    let alerts = match AlertsSettings::from_environment(&env) {
        Ok(Some(alerts)) => {
            if !platforms.contains(&alerts.channel.platform) {
                problems.push(
                    crate::serve::SettingsError::AlertsPlatform(alerts.channel.platform.name())
                        .to_string(),
                );
            }
            alerts_line(&alerts)
        }
        Ok(None) => "not configured".to_string(),
        Err(error) => {
            problems.push(error.to_string());
            "not usable (see the problems below)".to_string()
        }
    };
    let _ = writeln!(out, "Alerts:      {alerts}");

    let (config, config_problems) = EngineConfig::check(runbook, &lookup, &platforms);
    problems.extend(config_problems.iter().map(ToString::to_string));
    let cadence: Vec<String> = Severity::ALL
        .iter()
        .map(|severity| {
            let every = format_duration(config.update_interval_secs(*severity));
            format!("{} every {every}", severity.as_str())
        })
        .collect();
    let _ = writeln!(out, "Updates:     {}", cadence.join(" · "));
    let _ = writeln!(
        out,
        "Stale after: {}",
        format_duration(config.stale_after_secs())
    );
    let _ = writeln!(
        out,
        "Who acts:    {}",
        config.access().describe().join(" · ")
    );
    let _ = writeln!(out, "Paging:");
    for severity in Severity::ALL {
        let paged: Vec<String> = config
            .paging(severity)
            .into_iter()
            .map(|(role, id)| match id {
                Some(id) => format!("{role} ({id})"),
                None => format!("{role} (named, not pinged)"),
            })
            .collect();
        let _ = writeln!(
            out,
            "  {:<9} {}",
            severity.as_str(),
            list_or(&paged, "nobody")
        );
    }
    out.push('\n');
    match problems.len() {
        0 => out.push_str("No problems.\n"),
        n => {
            let _ = writeln!(out, "{n} problem{}:", if n == 1 { "" } else { "s" });
            for problem in &problems {
                let _ = writeln!(out, "  - {problem}");
            }
        }
    }
    (out, problems.len())
}

/// The HTTP server's limits on one line.
fn limits_line(limits: &HttpLimits) -> String {
    format!(
        "headers within {} · bodies within {} · at most {} connections · a stop waits {}",
        format_duration(limits.header_timeout.as_secs()),
        format_duration(limits.body_timeout.as_secs()),
        limits.max_connections,
        format_duration(limits.shutdown_timeout.as_secs()),
    )
}

fn slack_line(slack: &SlackSettings) -> String {
    let ingress = match &slack.ingress {
        SlackIngress::Http { .. } => format!("HTTP, signing secret {MASK}"),
        SlackIngress::SocketMode { .. } => format!("Socket Mode, app token xapp-{MASK}"),
    };
    format!(
        "{ingress} · bot token xoxb-{MASK} · API {} · {}",
        slack.api_url,
        match slack.updates_in_channel {
            true => "updates also in the channel",
            false => "updates in the incident's thread",
        }
    )
}

fn discord_line(discord: &DiscordSettings) -> String {
    let ways_in = match (discord.gateway, discord.public_key.is_some()) {
        (true, true) => "Gateway and interactions endpoint",
        (true, false) => "Gateway",
        (false, _) => "interactions endpoint",
    };
    let commands = match &discord.guild_id {
        Some(guild) => format!("commands in guild {guild}"),
        None => "commands global".to_string(),
    };
    format!(
        "{ways_in} · bot token {MASK} · application {} · {commands} · API {} · {}",
        discord.application_id,
        discord.api_url,
        match discord.updates_in_channel {
            true => "updates in the channel",
            false => "updates in the incident's thread",
        }
    )
}

fn list_or<T: AsRef<str>>(items: &[T], empty: &str) -> String {
    match items.is_empty() {
        true => empty.to_string(),
        false => items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", "),
    }
}
/// The alert routes served, where alerts go, and when they open incidents.
fn alerts_line(alerts: &AlertsSettings) -> String {
    let mut routes = Vec::new();
    if alerts.token.is_some() {
        routes.extend(["/alerts/alertmanager", "/alerts/grafana"]);
    }
    if alerts.pagerduty.is_some() {
        routes.push("/alerts/pagerduty");
    }
    let channel = &alerts.channel;
    let opens = match alerts.auto_open {
        Some(severity) => format!("open incidents at {severity} or worse"),
        None => "offered, never opened by themselves".to_string(),
    };
    format!(
        "{} → {}:{}/{}; {opens}",
        routes.join(", "),
        channel.platform.as_str(),
        channel.workspace,
        channel.channel
    )
}

/// A platform's line: what its settings say (and it is served), "not configured", or "not
/// usable" with the problem recorded.
fn platform_line<S, E: std::fmt::Display>(
    read: Result<Option<S>, E>,
    line: impl Fn(&S) -> String,
    platform: Platform,
    platforms: &mut Vec<Platform>,
    problems: &mut Vec<String>,
) -> String {
    match read {
        Ok(Some(settings)) => {
            platforms.push(platform);
            line(&settings)
        }
        Ok(None) => "not configured".to_string(),
        Err(error) => {
            problems.push(error.to_string());
            "not usable (see the problems below)".to_string()
        }
    }
}
