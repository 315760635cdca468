//! One scenario section to a [`Scenario`]: annotations, symptoms, phases and their steps (list
//! items, sub-headings or the rows of a table of steps), choices.

use std::sync::LazyLock;

use commands::Severity;
use regex::Regex;

use super::blocks::{unquoted, Block, ListItem, TextLine};
use super::diagnostics::Diagnostics;
use super::model::{CodeBlock, Phase, Scenario, ScenarioFound, Step, StepOption, StepSource};
use super::sections::Section;
use super::text::{collect_texts, key_value, split_list};
use super::timing::{split_step_heading, StepHeading};

/// The number and title a scenario heading gives, and why it is a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScenarioHeading {
    pub number: Option<u32>,
    pub title: String,
    pub found_by: ScenarioFound,
}

static SCENARIO_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(scenario|playbook)\s*(?:#?\s*(\d{1,6}))?\s*(?:[:.)\-–—]\s*(.*))?$")
        .expect("static regex")
});
static NUMBERED_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,6})\s*[.):\-–—]\s*(.+)$").expect("static regex"));
static OPTION_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^option\s+([a-z0-9]{1,3})\s*(?:[:.)\-–—]\s*(.*))?$").expect("static regex")
});

/// `Scenario 1: Complete Database Loss`, `Scenario: Disk full`, `Scenario 2 – X`,
/// `Playbook: Region outage`.
pub(crate) fn scenario_heading(title: &str) -> Option<ScenarioHeading> {
    let captures = SCENARIO_HEADING.captures(title.trim())?;
    let word = match captures.get(1) {
        Some(word) if word.as_str().eq_ignore_ascii_case("playbook") => "Playbook",
        _ => "Scenario",
    };
    let number = captures.get(2).and_then(|n| n.as_str().parse().ok());
    let title = captures
        .get(3)
        .map(|t| t.as_str().trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| title.trim().to_string());
    Some(ScenarioHeading {
        number,
        title,
        found_by: ScenarioFound::Heading(word.to_string()),
    })
}

/// `2. Application Server Failure` → number 2; a plain title keeps no number.
pub(crate) fn numbered_heading(title: &str, found_by: ScenarioFound) -> ScenarioHeading {
    match NUMBERED_HEADING.captures(title.trim()) {
        Some(captures) => ScenarioHeading {
            number: captures.get(1).and_then(|n| n.as_str().parse().ok()),
            title: captures
                .get(2)
                .map_or("", |t| t.as_str())
                .trim()
                .to_string(),
            found_by,
        },
        None => ScenarioHeading {
            number: None,
            title: title.trim().to_string(),
            found_by,
        },
    }
}

/// Whether an unlabelled section reads as a scenario: it states a severity, or it is numbered and
/// holds steps, or every sub-heading is a phase or symptoms heading.
pub(crate) fn looks_like_scenario(section: &Section) -> bool {
    let states_severity = section.blocks.iter().any(|block| match block {
        Block::Text(lines) => lines
            .iter()
            .any(|line| key_value(line).is_some_and(|(key, _)| is_severity_key(&key))),
        _ => false,
    });
    let has_list = section
        .blocks
        .iter()
        .any(|block| matches!(block, Block::List { .. }));
    let phases_only = !section.children.is_empty()
        && section
            .children
            .iter()
            .all(|child| is_phase_title(&child.title) || is_symptoms_title(&child.title));
    states_severity || phases_only || (NUMBERED_HEADING.is_match(section.title.trim()) && has_list)
}

fn is_severity_key(key: &str) -> bool {
    matches!(key, "severity" | "sev" | "severity level" | "impact level")
}

/// A heading of symptoms: information for people and for alert matching, never steps.
/// Phrases anywhere in the title, and words that are symptoms only as the whole title (`Detect`,
/// `Triggers`: `Trigger failover` is a phase).
fn is_symptoms_title(title: &str) -> bool {
    let title = title.to_lowercase().replace('’', "'");
    let whole = title.trim_matches(|c: char| !c.is_alphanumeric());
    [
        "symptom",
        "signs",
        "signals",
        "detection",
        "indicator",
        "recogni",
        "how to tell",
        "how you'll know",
        "how you will know",
        "how to know",
        "how to spot",
        "what you'll see",
        "what you will see",
    ]
    .iter()
    .any(|phrase| title.contains(phrase))
        || ["detect", "signal", "trigger", "triggers", "alerts"].contains(&whole)
}

fn is_phase_title(title: &str) -> bool {
    let title = title.to_lowercase();
    [
        "action",
        "step",
        "recover",
        "respon",
        "mitigat",
        "remediat",
        "procedure",
        "checklist",
        "triage",
        "verif",
        "contain",
        "diagnos",
        "investigat",
        "restor",
        "resolution",
        "escalat",
        "rollback",
        "roll back",
        "failover",
        "option",
    ]
    .iter()
    .any(|word| title.contains(word))
}

/// Reads a scenario section. The number is filled in by the caller when the heading has none.
pub(crate) fn read_scenario(
    section: &Section,
    heading: ScenarioHeading,
    diagnostics: &mut Diagnostics,
) -> (Option<u32>, Scenario) {
    let mut scenario = Scenario {
        number: 0,
        slug: super::lookup::slugify(&heading.title),
        title: heading.title,
        severity: None,
        aliases: Vec::new(),
        services: Vec::new(),
        alerts: Vec::new(),
        symptoms: Vec::new(),
        symptoms_from: Vec::new(),
        found_by: heading.found_by,
        description: Vec::new(),
        phases: Vec::new(),
        line: section.line,
    };
    let mut loose = new_phase("Steps", section.line);
    for block in unquoted(&section.blocks) {
        match block {
            Block::Text(lines) => {
                for line in lines {
                    read_annotation(&mut scenario, line, diagnostics);
                }
            }
            Block::Table { header, rows, .. }
                if !super::step_table::is_step_table(header, rows) =>
            {
                collect_texts(block, &mut scenario.description)
            }
            Block::List { .. } | Block::Code { .. } | Block::Table { .. } => {
                if loose.steps.is_empty() && loose.notes.is_empty() {
                    loose.line = block.line();
                }
                add_phase_block(&mut loose, block, diagnostics);
            }
            other => collect_texts(other, &mut scenario.description),
        }
    }
    if !loose.steps.is_empty() || !loose.notes.is_empty() {
        scenario.phases.push(loose);
    }
    for child in &section.children {
        if is_symptoms_title(&child.title) {
            for block in all_blocks(child) {
                collect_symptoms(block, &mut scenario.symptoms);
            }
            scenario.symptoms_from.push(child.title.trim().to_string());
        } else {
            scenario.phases.push(read_phase(child, diagnostics));
        }
    }
    for phase in &mut scenario.phases {
        phase.tracks = super::tracks::groups(phase);
    }
    if scenario.severity.is_none() {
        diagnostics.warn(
            section.line,
            format!(
                "scenario `{}` has no severity: add a line like `**Severity:** HIGH`",
                scenario.title
            ),
        );
    }
    if scenario.steps().next().is_none() {
        diagnostics.error(
            section.line,
            format!(
                "scenario `{}` has no steps: add a numbered list of steps under it, \
                 e.g. under `#### Immediate Actions`",
                scenario.title
            ),
        );
    }
    (heading.number, scenario)
}

/// A phase with nothing in it yet.
fn new_phase(name: &str, line: usize) -> Phase {
    Phase {
        name: name.to_string(),
        notes: Vec::new(),
        steps: Vec::new(),
        line,
        tracks: Vec::new(),
        tables: Vec::new(),
    }
}

/// Symptoms from a block: one per paragraph or item, one per row of a table (its cells joined).
fn collect_symptoms(block: &Block, symptoms: &mut Vec<String>) {
    match block {
        Block::Table { rows, .. } => symptoms.extend(rows.iter().map(|row| {
            let cells: Vec<&str> = row
                .cells
                .iter()
                .map(|cell| cell.trim())
                .filter(|cell| !cell.is_empty())
                .collect();
            cells.join(" — ")
        })),
        other => collect_texts(other, symptoms),
    }
}

/// A section's own blocks and those of every section below it, in document order, quotes read
/// as if unquoted.
fn all_blocks(section: &Section) -> Vec<&Block> {
    let mut blocks: Vec<&Block> = unquoted(&section.blocks);
    for child in &section.children {
        blocks.extend(all_blocks(child));
    }
    blocks
}

fn read_annotation(scenario: &mut Scenario, line: &TextLine, diagnostics: &mut Diagnostics) {
    let Some((key, value)) = key_value(line) else {
        scenario.description.push(line.text.clone());
        return;
    };
    match key.as_str() {
        key if is_severity_key(key) => {
            let word = value.split_whitespace().next().unwrap_or_default();
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            match Severity::parse(word) {
                Some(severity) => scenario.severity = Some(severity),
                None => diagnostics.warn(
                    line.line,
                    format!(
                        "`{value}` is not a severity I know: use {}",
                        Severity::CHOICES
                    ),
                ),
            }
        }
        "services" | "service" | "affected services" | "systems" | "affects" => {
            scenario.services.extend(split_list(&value))
        }
        "alerts" | "alert" | "alert names" => {
            for matcher in super::alert_matchers::parse_list(&value) {
                match matcher {
                    Ok(matcher) => scenario.alerts.push(matcher),
                    Err(why) => diagnostics.warn(line.line, why),
                }
            }
        }
        "aliases" | "alias" | "short names" | "also known as" | "aka" => scenario.aliases.extend(
            split_list(&value)
                .iter()
                .map(|alias| super::lookup::slugify(alias)),
        ),
        _ => scenario.description.push(line.text.clone()),
    }
}

/// A phase heading and everything under it. Sub-headings are steps, or options of a choice.
fn read_phase(section: &Section, diagnostics: &mut Diagnostics) -> Phase {
    let mut phase = new_phase(section.title.trim(), section.line);
    for block in unquoted(&section.blocks) {
        add_phase_block(&mut phase, block, diagnostics);
    }
    for child in &section.children {
        let line = TextLine {
            text: child.title.clone(),
            lead: None,
            rest: child.title.clone(),
            line: child.line,
        };
        if let Some(option) = option_heading(&line) {
            phase_choice(&mut phase).options.push(option);
        } else {
            let heading = split_step_heading(None, &child.title);
            phase.steps.push(new_step(
                heading,
                StepSource::Heading,
                child.line,
                diagnostics,
            ));
        }
        for block in all_blocks(child) {
            add_to_last_step(&mut phase, block);
        }
    }
    phase
}

/// The choice step that phase-level options belong to, created when the first option appears.
fn phase_choice(phase: &mut Phase) -> &mut Step {
    let needs_new = phase.steps.last().is_none_or(|step| !step.is_choice());
    if needs_new {
        phase.steps.push(Step {
            title: phase.name.clone(),
            budget_secs: None,
            marker: None,
            details: Vec::new(),
            commands: Vec::new(),
            options: Vec::new(),
            role: None,
            from: StepSource::Choice,
            budget_from: None,
            line: phase.line,
        });
    }
    let last = phase.steps.len() - 1;
    &mut phase.steps[last]
}

fn add_to_last_step(phase: &mut Phase, block: &Block) {
    match phase.steps.last_mut() {
        Some(step) => add_step_block(step, block),
        None => collect_texts(block, &mut phase.notes),
    }
}

/// A block directly under a phase heading: lists and tables of steps are steps; text is notes, or
/// options of a choice. Bullets right after an option belong to that option.
fn add_phase_block(phase: &mut Phase, block: &Block, diagnostics: &mut Diagnostics) {
    match block {
        Block::Table { header, rows, line } => {
            match super::step_table::read(header, rows, *line, diagnostics) {
                Some((table, steps)) => {
                    phase.tables.push(table);
                    phase.steps.extend(steps);
                }
                None => collect_texts(block, &mut phase.notes),
            }
        }
        Block::List { ordered: false, .. } if phase.steps.last().is_some_and(Step::is_choice) => {
            add_to_last_step(phase, block)
        }
        Block::List { items, .. } => {
            for item in items {
                if starts_with_option(item) {
                    let choice = phase_choice(phase);
                    for inner in &item.blocks {
                        add_step_block(choice, inner);
                    }
                } else {
                    phase.steps.push(read_step(item, diagnostics));
                }
            }
        }
        Block::Text(lines) => {
            for line in lines {
                if let Some(option) = option_heading(line) {
                    phase_choice(phase).options.push(option);
                } else if phase.steps.last().is_some_and(Step::is_choice) {
                    add_to_last_step(phase, &Block::Text(vec![line.clone()]));
                } else {
                    phase.notes.push(line.text.clone());
                }
            }
        }
        Block::Code { line, .. } => match phase.steps.last_mut() {
            Some(step) => {
                if !step.is_choice() {
                    diagnostics.warn(
                        *line,
                        format!(
                            "code block is not indented under a step; it was attached to step \
                             `{}` (indent it to match the step's text to silence this)",
                            step.title
                        ),
                    );
                }
                add_step_block(step, block);
            }
            None => {
                diagnostics.warn(
                    *line,
                    format!(
                        "code block in `{}` comes before any step, so no step shows it: \
                         put it under a numbered step",
                        phase.name
                    ),
                );
                collect_texts(block, &mut phase.notes);
            }
        },
        other => collect_texts(other, &mut phase.notes),
    }
}

/// A list item as a step: its first line is the title and timing, the rest is its body.
fn read_step(item: &ListItem, diagnostics: &mut Diagnostics) -> Step {
    let mut blocks = item.blocks.iter();
    let first_lines = match item.blocks.first() {
        Some(Block::Text(lines)) => {
            blocks.next();
            lines.as_slice()
        }
        _ => &[],
    };
    let heading = match first_lines.first() {
        Some(first) => split_step_heading(first.lead.as_deref(), &first.rest),
        None => split_step_heading(None, ""),
    };
    let mut step = new_step(heading, StepSource::ListItem, item.line, diagnostics);
    let skip = usize::from(!step.title.is_empty());
    if first_lines.len() > skip {
        add_step_block(&mut step, &Block::Text(first_lines[skip..].to_vec()));
    }
    for block in blocks {
        add_step_block(&mut step, block);
    }
    if step.title.is_empty() {
        step.title = step
            .details
            .first()
            .cloned()
            .unwrap_or_else(|| "Untitled step".to_string());
        diagnostics.warn(
            item.line,
            format!(
                "step has no title of its own; it is shown as `{}`",
                step.title
            ),
        );
    }
    step
}

fn new_step(
    heading: StepHeading,
    from: StepSource,
    line: usize,
    diagnostics: &mut Diagnostics,
) -> Step {
    if let Some(unreadable) = &heading.unreadable_timing {
        diagnostics.warn(
            line,
            format!(
                "`{unreadable}` looks like a time budget but I cannot read it: write it like \
                 (5 minutes), (10-15 minutes), (~10 min), — est. 10 min or (Immediate)"
            ),
        );
    }
    Step {
        title: heading.title,
        budget_secs: heading.timing.and_then(|timing| timing.budget),
        marker: heading.timing.and_then(|timing| timing.marker),
        details: heading.remark.into_iter().collect(),
        commands: Vec::new(),
        options: Vec::new(),
        role: None,
        from,
        budget_from: heading.form,
        line,
    }
}

fn starts_with_option(item: &ListItem) -> bool {
    match item.blocks.first() {
        Some(Block::Text(lines)) => lines.first().and_then(option_heading).is_some(),
        _ => false,
    }
}

fn option_heading(line: &TextLine) -> Option<StepOption> {
    let captures = OPTION_HEADING.captures(line.text.trim())?;
    let key = captures.get(1)?.as_str().to_uppercase();
    let title = captures
        .get(2)
        .map(|t| t.as_str().trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("Option {key}"));
    Some(StepOption {
        key,
        title,
        details: Vec::new(),
        commands: Vec::new(),
        line: line.line,
    })
}

/// Where a step's body goes: the step itself, or its latest option once options have begun.
struct Body<'a> {
    details: &'a mut Vec<String>,
    commands: &'a mut Vec<CodeBlock>,
}

fn body(step: &mut Step) -> Body<'_> {
    match step.options.last_mut() {
        Some(option) => Body {
            details: &mut option.details,
            commands: &mut option.commands,
        },
        None => Body {
            details: &mut step.details,
            commands: &mut step.commands,
        },
    }
}

/// Adds a block of a step's body: text and bullets are details, code blocks are commands,
/// and `Option X:` lines start the options of a choice.
fn add_step_block(step: &mut Step, block: &Block) {
    match block {
        Block::Text(lines) => {
            for line in lines {
                match option_heading(line) {
                    Some(option) => step.options.push(option),
                    None => body(step).details.push(line.text.clone()),
                }
            }
        }
        Block::List { items, .. } => {
            for item in items {
                for inner in &item.blocks {
                    add_step_block(step, inner);
                }
            }
        }
        Block::Quote { blocks, .. } => {
            for inner in blocks {
                add_step_block(step, inner);
            }
        }
        Block::Code { lang, code, .. } => body(step).commands.push(CodeBlock {
            lang: lang.clone(),
            code: code.clone(),
        }),
        other => collect_texts(other, body(step).details),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symptoms_by_meaning_and_phases_that_only_sound_alike() {
        for title in [
            "Symptoms",
            "Signs",
            "Signals",
            "Detect",
            "Detection",
            "Triggers",
            "How you’ll know",
            "How you will know it is this",
            "Alerts",
        ] {
            assert!(is_symptoms_title(title), "{title}");
        }
        for title in [
            "Trigger failover",
            "Alert stakeholders",
            "Recovery",
            "Immediate Actions",
        ] {
            assert!(!is_symptoms_title(title), "{title}");
        }
    }

    #[test]
    fn scenario_headings_in_several_styles() {
        let expected = |number, title: &str| {
            Some(ScenarioHeading {
                number,
                title: title.into(),
                found_by: ScenarioFound::Heading("Scenario".into()),
            })
        };
        assert_eq!(
            scenario_heading("Scenario 1: Complete Database Loss"),
            expected(Some(1), "Complete Database Loss")
        );
        assert_eq!(
            scenario_heading("Scenario: Disk full"),
            expected(None, "Disk full")
        );
        assert_eq!(
            scenario_heading("scenario 7 – DNS"),
            expected(Some(7), "DNS")
        );
        assert_eq!(scenario_heading("Scenarios"), None);
        assert_eq!(scenario_heading("Disaster Scenarios"), None);
        assert_eq!(scenario_heading("Playbooks"), None);
        assert_eq!(
            scenario_heading("Playbook: Region outage"),
            Some(ScenarioHeading {
                number: None,
                title: "Region outage".into(),
                found_by: ScenarioFound::Heading("Playbook".into()),
            })
        );
        assert_eq!(
            numbered_heading("2. Application Server Failure", ScenarioFound::Shape),
            ScenarioHeading {
                number: Some(2),
                title: "Application Server Failure".into(),
                found_by: ScenarioFound::Shape,
            }
        );
    }
}
