//! `incident-bot check-runbook [FILE] [--json]`: what was understood of a runbook, and what not.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use commands::duration::format_duration;

use crate::notify::format::{budget_text, count};

use crate::runbook::{Level, Marker, Phase, Runbook, RunbookSource, Scenario, Step, Tracks};

pub fn run(file: Option<PathBuf>, env_runbook: Option<String>, json: bool) -> ExitCode {
    let source = RunbookSource::choose(file, env_runbook);
    let runbook = match source.load() {
        Ok(runbook) => runbook,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    if json {
        match serde_json::to_string_pretty(&runbook) {
            Ok(text) => println!("{text}"),
            Err(error) => {
                eprintln!("error: cannot write the report as JSON: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", report(&source.describe(), &runbook));
    }
    if runbook.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The human-readable report.
pub fn report(origin: &str, runbook: &Runbook) -> String {
    let mut out = String::new();
    let title = runbook.title.as_deref().unwrap_or("untitled");
    let _ = writeln!(out, "Runbook: {origin} ({title})");
    let _ = writeln!(
        out,
        "{} scenarios, {} objectives, {} templates, {} contacts, {} follow-up groups\n",
        runbook.scenarios.len(),
        runbook.objectives.len(),
        runbook.templates.len(),
        runbook.contacts.len(),
        runbook.follow_ups.len()
    );
    for scenario in &runbook.scenarios {
        write_scenario(&mut out, scenario);
    }
    write_objectives(&mut out, runbook);
    if !runbook.templates.is_empty() {
        let _ = writeln!(out, "Templates");
        for template in &runbook.templates {
            let _ = writeln!(
                out,
                "  {} ({}): {}",
                template.name,
                template.heading,
                template.placeholders.join(", ")
            );
        }
        out.push('\n');
    }
    if !runbook.contacts.is_empty() {
        let _ = writeln!(out, "Contacts");
        for contact in &runbook.contacts {
            let availability = contact.availability.as_deref().unwrap_or("-");
            let _ = writeln!(
                out,
                "  {:<20} {:<32} {availability}",
                contact.role, contact.contact
            );
        }
        out.push('\n');
    }
    if !runbook.follow_ups.is_empty() {
        let _ = writeln!(out, "Follow-ups");
        for group in &runbook.follow_ups {
            let due = group
                .due_after_secs
                .map_or("no deadline".to_string(), |secs| {
                    format!("due {} after resolve", format_duration(secs))
                });
            let _ = writeln!(out, "  {} ({due})", group.deadline);
            for item in &group.items {
                let _ = writeln!(out, "    - {item}");
            }
        }
        out.push('\n');
    }
    if !runbook.reference.is_empty() {
        let _ = writeln!(out, "Reference sections");
        for section in &runbook.reference {
            let _ = writeln!(
                out,
                "  {} [{:?}]: {}, {}",
                section.title,
                section.kind,
                count(section.items.len(), "item"),
                count(section.commands.len(), "command")
            );
        }
        out.push('\n');
    }
    write_diagnostics(&mut out, origin, runbook);
    out
}

fn write_scenario(out: &mut String, scenario: &Scenario) {
    let (label, severity) = match scenario.severity {
        Some(severity) => (severity.to_string(), severity.to_string()),
        None => ("no severity".to_string(), "<severity>".to_string()),
    };
    let _ = writeln!(
        out,
        "Scenario {}: {} [{label}]  /incident open {severity} {}",
        scenario.number,
        scenario.title,
        scenario.short_name()
    );
    let _ = writeln!(out, "  names: {}", names(scenario).join(", "));
    if !scenario.services.is_empty() {
        let _ = writeln!(out, "  services: {}", scenario.services.join(", "));
    }
    if !scenario.symptoms.is_empty() {
        let _ = writeln!(out, "  symptoms: {}", scenario.symptoms.join("; "));
    }
    let mut number = 0;
    for phase in &scenario.phases {
        write_phase(out, phase, &mut number);
    }
    out.push('\n');
}

fn names(scenario: &Scenario) -> Vec<String> {
    let mut names = vec![scenario.number.to_string(), scenario.slug.clone()];
    names.extend(scenario.aliases.iter().cloned());
    names
}

fn write_phase(out: &mut String, phase: &Phase, number: &mut usize) {
    let _ = writeln!(out, "  {}", phase.name);
    let before = *number;
    for step in &phase.steps {
        *number += 1;
        let _ = writeln!(
            out,
            "    {:>2}. {:<40} {:<12} {}",
            number,
            step.title,
            timing(step),
            counts(step)
        );
        for option in &step.options {
            let _ = writeln!(
                out,
                "          option {}: {} ({})",
                option.key,
                option.title,
                count(option.commands.len(), "command")
            );
        }
    }
    for tracks in &phase.tracks {
        let _ = writeln!(
            out,
            "        {}–{} run in parallel ({})",
            before + tracks.first + 1,
            before + tracks.last + 1,
            why_parallel(phase, tracks)
        );
    }
}

/// `Priority 1–4`, or the phase's word: `the phase says "parallel"`.
fn why_parallel(phase: &Phase, tracks: &Tracks) -> String {
    if let Some(word) = &tracks.said {
        return format!("the phase says \"{word}\"");
    }
    let ranks: Vec<u8> = phase.steps[tracks.first..=tracks.last]
        .iter()
        .filter_map(|step| match step.marker {
            Some(Marker::Priority(rank)) => Some(rank),
            _ => None,
        })
        .collect();
    match (ranks.iter().min(), ranks.iter().max()) {
        (Some(low), Some(high)) if low != high => format!("Priority {low}–{high}"),
        (Some(rank), _) => format!("Priority {rank}"),
        _ => "Priority markers".to_string(),
    }
}

fn timing(step: &Step) -> String {
    match (&step.budget_secs, &step.marker) {
        (Some(budget), _) => budget_text(budget),
        (None, Some(marker)) => marker.to_string(),
        (None, None) => "-".to_string(),
    }
}

fn counts(step: &Step) -> String {
    let mut parts = Vec::new();
    if !step.commands.is_empty() {
        parts.push(count(step.commands.len(), "command"));
    }
    if !step.details.is_empty() {
        parts.push(count(step.details.len(), "detail"));
    }
    if step.is_choice() {
        parts.push(format!("choice of {}", step.options.len()));
    }
    parts.join(", ")
}

fn write_objectives(out: &mut String, runbook: &Runbook) {
    if runbook.objectives.is_empty() {
        return;
    }
    let _ = writeln!(out, "Objectives");
    let _ = writeln!(
        out,
        "  {:<20} {:<8} {:<8} Priority",
        "Service", "RTO", "RPO"
    );
    for objective in &runbook.objectives {
        let time = |secs: Option<u64>| secs.map_or("-".to_string(), format_duration);
        let _ = writeln!(
            out,
            "  {:<20} {:<8} {:<8} {}",
            objective.service,
            time(objective.rto_secs),
            time(objective.rpo_secs),
            objective.priority.as_deref().unwrap_or("-")
        );
    }
    out.push('\n');
}

fn write_diagnostics(out: &mut String, origin: &str, runbook: &Runbook) {
    let errors = runbook
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    let warnings = runbook.diagnostics.len() - errors;
    for diagnostic in &runbook.diagnostics {
        let level = match diagnostic.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "{origin}:{}: {level}: {}",
            diagnostic.line, diagnostic.message
        );
    }
    let _ = writeln!(
        out,
        "{}, {}",
        count(errors, "error"),
        count(warnings, "warning")
    );
}
