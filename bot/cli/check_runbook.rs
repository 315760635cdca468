//! `incident-bot check-runbook [FILE] [--json]`: what was understood of a runbook, and what not.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use commands::duration::format_duration;

use crate::notify::format::{budget_text, count};

use serde::Serialize;

use crate::alerts::matching::{listed_alerts, match_listed};
use crate::incident::plan_checks::{plan_checks, PlanFinding};
use crate::runbook::{
    BudgetForm, Diagnostic, Level, Marker, Phase, Runbook, RunbookSource, Scenario, ScenarioFound,
    Step, StepSource, StepTable, TemplateForm, Tracks,
};

/// Exit codes: 0 fine (warnings allowed), 1 the runbook has errors, 2 it cannot be read.
pub fn run(file: Option<PathBuf>, env_runbook: Option<String>, json: bool) -> ExitCode {
    let source = RunbookSource::choose(file, env_runbook);
    let mut runbook = match source.load() {
        Ok(runbook) => runbook,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    add_plan_checks(&mut runbook);
    let origin = source.describe();
    if json {
        let (errors, warnings) = tally(&runbook);
        let report = JsonReport {
            source: &origin,
            errors,
            warnings,
            runbook: &runbook,
        };
        match serde_json::to_string_pretty(&report) {
            Ok(text) => println!("{text}"),
            Err(error) => {
                eprintln!("error: cannot write the report as JSON: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", report(&origin, &runbook));
    }
    if runbook.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--json`: where the runbook came from and how many problems, then the runbook itself.
#[derive(Serialize)]
struct JsonReport<'a> {
    source: &'a str,
    errors: usize,
    warnings: usize,
    #[serde(flatten)]
    runbook: &'a Runbook,
}

/// The runbook's diagnostics with what its incidents could not keep (see `incident::plan_checks`)
/// and the alerts it lists that would match no scenario, in line order.
fn add_plan_checks(runbook: &mut Runbook) {
    let findings = plan_checks(runbook);
    let unmatched = unmatched_alerts(runbook);
    runbook
        .diagnostics
        .extend(findings.into_iter().map(plan_diagnostic).chain(unmatched));
    runbook
        .diagnostics
        .sort_by_key(|diagnostic| diagnostic.line);
}

/// A warning for each alert the alerting section lists that would match no scenario.
fn unmatched_alerts(runbook: &Runbook) -> Vec<Diagnostic> {
    listed_alerts(runbook)
        .into_iter()
        .filter_map(|(alert, line)| {
            let matched = match_listed(&alert, runbook);
            matched.scenario(runbook).is_none().then(|| Diagnostic {
                line,
                level: Level::Warning,
                message: format!(
                    "the alert `{alert}` would match no scenario: {}. Add an `**Alerts:**` line \
                     to the scenario it should start",
                    matched.reason(runbook)
                ),
            })
        })
        .collect()
}

fn plan_diagnostic(finding: PlanFinding) -> Diagnostic {
    let (line, message) = match finding {
        PlanFinding::OverRto {
            scenario,
            line,
            total,
            rto_secs,
            services,
        } => {
            let verdict = if total.min_secs > rto_secs {
                "even at their quickest they miss it. Shorten steps, run some in parallel, or \
                 revise the RTO"
            } else {
                "at their slowest they miss it"
            };
            (
                line,
                format!(
                    "Scenario {scenario}'s recovery steps take {} one after another, against its \
                     {} RTO ({}): {verdict}",
                    budget_text(&total),
                    format_duration(rto_secs),
                    services.join(", ")
                ),
            )
        }
        PlanFinding::Untimed {
            scenario,
            step,
            title,
            marker,
            line,
        } => {
            let step = format!("Scenario {scenario} step {step} `{title}`");
            let consequence = "no nudge when it runs long, and the RTO check leaves it out";
            let advice = "To time it, write one such as `(10 minutes)`";
            let message = match marker {
                Some(Marker::Priority(rank)) => format!(
                    "{step} (Priority {rank}) has a priority but no time budget: {consequence}"
                ),
                Some(marker) => {
                    format!("{step} ({marker}) has no time budget: {consequence}. {advice}")
                }
                None => format!("{step} has no time budget: {consequence}. {advice}"),
            };
            (line, message)
        }
    };
    Diagnostic {
        line,
        level: Level::Warning,
        message,
    }
}

/// How many errors and warnings.
fn tally(runbook: &Runbook) -> (usize, usize) {
    let errors = runbook
        .diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    (errors, runbook.diagnostics.len() - errors)
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
            let form = match template.form {
                TemplateForm::CodeBlock => "code block",
                TemplateForm::Quote => "quote",
                TemplateForm::Paragraph => "paragraph",
            };
            let placeholders = match template.placeholders.is_empty() {
                true => "no placeholders".to_string(),
                false => template.placeholders.join(", "),
            };
            write_wrapped(
                &mut out,
                &format!("  {} ({}): ", template.name, template.heading),
                &format!("{placeholders}; from a {form}"),
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
                write_wrapped(&mut out, "    - ", item);
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
    write_listed_alerts(&mut out, runbook);
    write_diagnostics(&mut out, origin, runbook);
    out
}

/// Where each alert the runbook's alerting section lists would go, and why.
fn write_listed_alerts(out: &mut String, runbook: &Runbook) {
    let listed = listed_alerts(runbook);
    if listed.is_empty() {
        return;
    }
    let _ = writeln!(out, "Alerts the runbook lists");
    for (alert, _) in listed {
        let matched = match_listed(&alert, runbook);
        let goes = match matched.scenario(runbook) {
            Some(scenario) => format!("Scenario {} ({})", scenario.number, matched.reason(runbook)),
            None => format!("no scenario ({})", matched.reason(runbook)),
        };
        write_hanging(out, "  ", &format!("{alert} → {goes}"), 4);
    }
    out.push('\n');
}

fn write_scenario(out: &mut String, scenario: &Scenario) {
    let (label, severity) = match scenario.severity {
        Some(severity) => (severity.to_string(), severity.to_string()),
        None => ("no severity".to_string(), "<severity>".to_string()),
    };
    write_wrapped(
        out,
        &format!("Scenario {}: ", scenario.number),
        &format!("{} [{label}]", scenario.title),
    );
    let _ = writeln!(
        out,
        "  open: /incident open {severity} {}",
        scenario.short_name()
    );
    write_wrapped(out, "  names: ", &names(scenario).join(", "));
    write_wrapped(out, "  found: ", &found(scenario));
    if !scenario.services.is_empty() {
        write_wrapped(out, "  services: ", &scenario.services.join(", "));
    }
    if !scenario.alerts.is_empty() {
        let matchers: Vec<String> = scenario.alerts.iter().map(ToString::to_string).collect();
        write_wrapped(out, "  alerts: ", &matchers.join(", "));
    }
    if !scenario.symptoms.is_empty() {
        write_wrapped(out, "  symptoms: ", &scenario.symptoms.join("; "));
    }
    let mut number = 0;
    for phase in &scenario.phases {
        write_phase(out, phase, &mut number);
    }
    out.push('\n');
}

/// Why the section is a scenario, and where its symptoms were: `"Scenario" heading; symptoms
/// under Signs`.
fn found(scenario: &Scenario) -> String {
    let mut found = match &scenario.found_by {
        ScenarioFound::Heading(word) => format!("\"{word}\" heading"),
        ScenarioFound::Under(container) => format!("a heading under \"{container}\""),
        ScenarioFound::Shape => "it states a severity or holds phases".to_string(),
    };
    if !scenario.symptoms_from.is_empty() {
        found.push_str(&format!(
            "; symptoms under {}",
            scenario.symptoms_from.join(", ")
        ));
    }
    found
}

fn names(scenario: &Scenario) -> Vec<String> {
    let mut names = vec![scenario.number.to_string(), scenario.slug.clone()];
    names.extend(scenario.aliases.iter().cloned());
    names
}

fn write_phase(out: &mut String, phase: &Phase, number: &mut usize) {
    match phase_reading(phase) {
        Some(reading) => write_hanging(out, "  ", &format!("{} · {reading}", phase.name), 4),
        None => write_wrapped(out, "  ", &phase.name),
    }
    for table in &phase.tables {
        write_hanging(out, "    ", &table_columns(table), 6);
    }
    let before = *number;
    for step in &phase.steps {
        *number += 1;
        let mut title = wrap_words(&step.title, TITLE_WIDTH, TITLE_WIDTH).into_iter();
        let first = title.next().unwrap_or_default();
        let line = format!(
            "    {:>2}. {first:<TITLE_WIDTH$} {:<12} {}",
            number,
            timing(step),
            step_counts(step)
        );
        let _ = writeln!(out, "{}", line.trim_end());
        for more in title {
            let _ = writeln!(out, "        {more}");
        }
        for option in &step.options {
            write_wrapped(
                out,
                &format!("          option {}: ", option.key),
                &format!(
                    "{} ({})",
                    option.title,
                    contents(option.commands.len(), option.details.len())
                        .unwrap_or_else(|| "nothing written under it".to_string())
                ),
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

/// How a phase's steps and their budgets were written: `list items, budgets in (…)`.
fn phase_reading(phase: &Phase) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut add = |part: String| {
        if !parts.contains(&part) {
            parts.push(part);
        }
    };
    for step in &phase.steps {
        add(match step.from {
            StepSource::ListItem => "list items",
            StepSource::Heading => "sub-headings",
            StepSource::TableRow => "table rows",
            StepSource::Choice => "options",
        }
        .to_string());
    }
    for step in &phase.steps {
        match &step.budget_from {
            Some(BudgetForm::Parenthesis) => add("budgets in (…)".to_string()),
            Some(BudgetForm::Trailing) => add("budgets at the end of the line".to_string()),
            Some(BudgetForm::Column(column)) => add(format!("budgets from column {column}")),
            None => {}
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// What each column of a table of steps gave: `table on line 42: title Action, budget Est., …`.
fn table_columns(table: &StepTable) -> String {
    let mut columns = vec![format!("title {}", table.title)];
    for (what, column) in [
        ("budget", &table.budget),
        ("owner", &table.role),
        ("command", &table.command),
    ] {
        if let Some(column) = column {
            columns.push(format!("{what} {column}"));
        }
    }
    if !table.others.is_empty() {
        columns.push(format!("details {}", table.others.join(", ")));
    }
    format!("table on line {}: {}", table.line, columns.join("; "))
}

fn timing(step: &Step) -> String {
    match (&step.budget_secs, &step.marker) {
        (Some(budget), _) => budget_text(budget),
        (None, Some(marker)) => marker.to_string(),
        (None, None) => "-".to_string(),
    }
}

/// `owner DBA, 1 command, 3 details, choice of 3`.
fn step_counts(step: &Step) -> String {
    let mut parts: Vec<String> = step
        .role
        .iter()
        .map(|role| format!("owner {role}"))
        .collect();
    parts.extend(contents(step.commands.len(), step.details.len()));
    if step.is_choice() {
        parts.push(format!("choice of {}", step.options.len()));
    }
    parts.join(", ")
}

/// `1 command, 3 details`; `None` when there are neither.
fn contents(commands: usize, details: usize) -> Option<String> {
    let parts: Vec<String> = [(commands, "command"), (details, "detail")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| count(n, what))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The report's width, and the width of a step's title column.
const WIDTH: usize = 80;
const TITLE_WIDTH: usize = 40;

/// `lead` then `text`, wrapped at [`WIDTH`] columns under the end of `lead`.
fn write_wrapped(out: &mut String, lead: &str, text: &str) {
    write_hanging(out, lead, text, lead.chars().count());
}

/// `lead` then `text`, wrapped at [`WIDTH`] columns; lines after the first indented by `indent`.
fn write_hanging(out: &mut String, lead: &str, text: &str, indent: usize) {
    let room = |used: usize| WIDTH.saturating_sub(used).max(20);
    let lines = wrap_words(text, room(lead.chars().count()), room(indent));
    for (index, line) in lines.iter().enumerate() {
        let lead = if index == 0 {
            lead.to_string()
        } else {
            " ".repeat(indent)
        };
        let _ = writeln!(out, "{lead}{line}");
    }
}

/// The words of `text` in lines of at most `first` characters, then `rest`; a longer word is cut.
fn wrap_words(text: &str, first: usize, rest: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let width = |lines: &Vec<String>| if lines.is_empty() { first } else { rest };
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        let length = line.chars().count();
        if length > 0 && length + 1 + word.len() > width(&lines) {
            lines.push(std::mem::take(&mut line));
        }
        while line.is_empty() && word.len() > width(&lines) {
            let cut = width(&lines);
            lines.push(word.drain(..cut).collect());
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.extend(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
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
    let (errors, warnings) = tally(runbook);
    for diagnostic in &runbook.diagnostics {
        let level = match diagnostic.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        // One line each, as compilers write them: editors and CI read `file:line: level:`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenarios_alert_matchers_show_and_the_alerts_it_lists_go_to_it() {
        let runbook = crate::runbook::parse(
            "# Runbook\n\n## Disaster Scenarios\n\n\
             ### Scenario 1: Disk Full\n\n**Severity:** HIGH\n\
             **Alerts:** `DiskSpaceLow`, `mountpoint=~\"/var.*\"`\n\n\
             #### Immediate Actions\n1. **Free space** (5 minutes)\n\n\
             ## Monitoring and Alerting\n\n### Critical Alerts\n- DiskSpaceLow\n- Cosmic rays\n",
        );
        let mut runbook = runbook;
        add_plan_checks(&mut runbook);
        let report = report("r.md", &runbook);
        assert!(
            report.contains("  alerts: DiskSpaceLow, mountpoint=~\"/var.*\"\n"),
            "{report}"
        );
        assert!(
            report.contains(
                "  DiskSpaceLow → Scenario 1 (matched on its Alerts: matcher `DiskSpaceLow`)\n"
            ),
            "{report}"
        );
        assert!(
            report.contains("warning: the alert `Cosmic rays` would match no scenario"),
            "{report}"
        );
    }
}
