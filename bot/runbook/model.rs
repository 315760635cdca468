//! The typed runbook: what the parser understood from a team's Markdown, ready for the engine and
//! for `check-runbook --json`. Field names are the JSON shape other tools rely on.

use commands::duration::DurationRange;
use commands::Severity;
use serde::Serialize;

pub use super::alert_matchers::{AlertMatcher, LabelOp};

/// Everything understood from one runbook file, plus what could not be placed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Runbook {
    pub title: Option<String>,
    /// `**Version:** 1.0`-style lines and YAML front matter, in document order.
    pub metadata: Vec<MetadataEntry>,
    pub scenarios: Vec<Scenario>,
    pub objectives: Vec<Objective>,
    pub contacts: Vec<Contact>,
    pub templates: Vec<Template>,
    pub follow_ups: Vec<FollowUp>,
    /// Backup and drill procedures, alert thresholds and every other section, as plain data.
    pub reference: Vec<ReferenceSection>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetadataEntry {
    pub key: String,
    pub value: String,
}

/// One disaster scenario: a checklist the bot can run.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub number: u32,
    pub slug: String,
    pub title: String,
    pub severity: Option<Severity>,
    /// Short names people type: the `**Aliases:**` annotation first, then names derived from the title.
    pub aliases: Vec<String>,
    /// Services from the `**Services:**` annotation, as written.
    pub services: Vec<String>,
    /// Which monitoring alerts start it, from the `**Alerts:**` annotation.
    pub alerts: Vec<AlertMatcher>,
    /// How to recognise the scenario: information, not steps.
    pub symptoms: Vec<String>,
    /// The headings the symptoms were under (`Symptoms`, `Signs`, `How you'll know`).
    pub symptoms_from: Vec<String>,
    /// Why this section was read as a scenario.
    pub found_by: ScenarioFound,
    /// Prose under the scenario heading that is neither an annotation nor a step.
    pub description: Vec<String>,
    pub phases: Vec<Phase>,
    pub line: usize,
}

impl Scenario {
    /// The name shown to people: the first alias, else the slug.
    pub fn short_name(&self) -> &str {
        self.aliases.first().unwrap_or(&self.slug)
    }

    /// Every step in checklist order, across phases.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.phases.iter().flat_map(|phase| phase.steps.iter())
    }

    /// Each group of tracks with the 0-based checklist index of its first step.
    pub fn track_groups(&self) -> impl Iterator<Item = (usize, &Tracks)> {
        let mut offset = 0;
        self.phases.iter().flat_map(move |phase| {
            let start = offset;
            offset += phase.steps.len();
            phase
                .tracks
                .iter()
                .map(move |tracks| (start + tracks.first, tracks))
        })
    }
}

/// Why a section was read as a scenario, for `check-runbook`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScenarioFound {
    /// Its heading starts with this word: `Scenario 1: …`, `Playbook: …`.
    Heading(String),
    /// It is a heading under a section of scenarios, named here: `Disaster Scenarios`, `Playbooks`.
    Under(String),
    /// It states a severity, or holds phases, or is numbered and holds steps.
    Shape,
}

/// A named group of steps: Immediate Actions, Recovery Steps, Post-Recovery, …
#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub name: String,
    pub notes: Vec<String>,
    pub steps: Vec<Step>,
    pub line: usize,
    /// Groups of steps that run at the same time, as tracks (see `runbook::tracks`).
    pub tracks: Vec<Tracks>,
    /// The tables its steps were read from, with the columns that said what.
    pub tables: Vec<StepTable>,
}

/// A table of steps and which of its columns gave what (header names as written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepTable {
    pub line: usize,
    /// The column each step's title came from: `Action`, `Step`, `Task`.
    pub title: String,
    pub budget: Option<String>,
    pub role: Option<String>,
    pub command: Option<String>,
    /// Columns kept as details (`Notes: …`).
    pub others: Vec<String>,
}

/// Consecutive steps of a phase that run in parallel: all current at once, confirmed in any
/// order, each timed from when the group started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tracks {
    /// The group's first and last step, 0-based within the phase's `steps`.
    pub first: usize,
    pub last: usize,
    /// The word of the phase's heading or notes that said so (`parallel`); `None` when the
    /// steps' `(Priority N)` markers did.
    pub said: Option<String>,
}

impl Tracks {
    /// How many steps run in parallel.
    pub fn step_count(&self) -> usize {
        self.last + 1 - self.first
    }
}

/// One confirmable step of a checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub title: String,
    /// The time the runbook allows, when it gives one.
    pub budget_secs: Option<DurationRange>,
    pub marker: Option<Marker>,
    pub details: Vec<String>,
    /// Shell commands shown to copy, never executed.
    pub commands: Vec<CodeBlock>,
    /// When not empty, the step is a choice: exactly one option is taken.
    pub options: Vec<StepOption>,
    /// Who does it, from an owner/role/who column: shown, and pinged through `ROLE_MENTIONS`.
    pub role: Option<String>,
    /// How the step was written.
    pub from: StepSource,
    /// Where its budget or marker was written, when it has one.
    pub budget_from: Option<BudgetForm>,
    pub line: usize,
}

/// How a step was written, for `check-runbook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepSource {
    /// A numbered, bulleted or checkbox item.
    ListItem,
    /// A sub-heading of a phase.
    Heading,
    /// A row of a table of steps (`Phase::tables`).
    TableRow,
    /// The options of a choice written straight under the phase.
    Choice,
}

/// Where a step's timing was written, for `check-runbook`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetForm {
    /// `(5 minutes)`, `(est. 20 min)`, `(Priority 1, 15 minutes)`.
    Parenthesis,
    /// At the end of the line: `— est. 30 min`, `: 10 mins`, `⏱ 10m`.
    Trailing,
    /// In a column of a table of steps, named as its header (`Est.`).
    Column(String),
}

impl Step {
    pub fn is_choice(&self) -> bool {
        !self.options.is_empty()
    }
}

/// A timing word in place of a budget: `(Immediate)`, `(Ongoing)`, `(Priority 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Immediate,
    Ongoing,
    Priority(u8),
}

impl std::fmt::Display for Marker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Marker::Immediate => f.write_str("Immediate"),
            Marker::Ongoing => f.write_str("Ongoing"),
            Marker::Priority(rank) => write!(f, "Priority {rank}"),
        }
    }
}

impl Serialize for Marker {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One option of a choice step (`**Option A: Point-in-time recovery**`).
#[derive(Debug, Clone, Serialize)]
pub struct StepOption {
    /// The letter or number after "Option": `A`.
    pub key: String,
    pub title: String,
    pub details: Vec<String>,
    pub commands: Vec<CodeBlock>,
    pub line: usize,
}

/// A fenced code block, verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeBlock {
    pub lang: Option<String>,
    pub code: String,
}

/// A service's recovery objectives from the RTO/RPO table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Objective {
    pub service: String,
    pub rto_secs: Option<u64>,
    pub rpo_secs: Option<u64>,
    pub priority: Option<String>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub role: String,
    pub contact: String,
    pub availability: Option<String>,
    pub line: usize,
}

/// A communication template such as INCIDENT or RESOLVED.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Template {
    /// The first word of the body (`INCIDENT`), else the heading in capitals.
    pub name: String,
    pub heading: String,
    pub body: String,
    /// `[SEVERITY]`, `[SHORT DESCRIPTION]`, `{{summary}}`, … without brackets or braces, in
    /// order of first use.
    pub placeholders: Vec<String>,
    /// How it was written.
    pub form: TemplateForm,
    pub line: usize,
}

/// How a template was written, for `check-runbook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateForm {
    CodeBlock,
    Quote,
    /// Paragraphs under a label (`**Kick-off message**`) or a heading (`### Initial notification`).
    Paragraph,
}

/// Post-incident work due within a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUp {
    /// As written: `Within 24 Hours`.
    pub deadline: String,
    /// The deadline in seconds after resolution, when the heading gives one.
    pub due_after_secs: Option<u64>,
    pub items: Vec<String>,
    pub line: usize,
}

/// What a reference section is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReferenceKind {
    Backup,
    Drill,
    Alerting,
    Other,
}

/// A section kept as plain data: backup and drill procedures, alert thresholds, overview, tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferenceSection {
    pub kind: ReferenceKind,
    /// The heading path: `Backup Procedures › Daily Backups`.
    pub title: String,
    pub items: Vec<String>,
    pub commands: Vec<CodeBlock>,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Warning,
    Error,
}

/// Something the parser could not place or did not understand, with the line it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub line: usize,
    pub level: Level,
    pub message: String,
}

impl Runbook {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.level == Level::Error)
    }

    /// The roles people may be paged or pinged as: the contacts table's, then the owners of
    /// steps (from tables of steps) it does not list, each once.
    pub fn roles(&self) -> Vec<&str> {
        let mut roles: Vec<&str> = self.contacts.iter().map(|c| c.role.as_str()).collect();
        let steps = self.scenarios.iter().flat_map(Scenario::steps);
        for owner in steps.filter_map(|step| step.role.as_deref()) {
            if !roles.iter().any(|role| role.eq_ignore_ascii_case(owner)) {
                roles.push(owner);
            }
        }
        roles
    }

    /// The objectives row for a service, matched without regard to case.
    pub fn objective(&self, service: &str) -> Option<&Objective> {
        self.objectives
            .iter()
            .find(|objective| objective.service.eq_ignore_ascii_case(service.trim()))
    }

    /// The template with this name (`INCIDENT`, `RESOLVED`), matched without regard to case.
    pub fn template(&self, name: &str) -> Option<&Template> {
        self.templates
            .iter()
            .find(|template| template.name.eq_ignore_ascii_case(name))
    }
}
