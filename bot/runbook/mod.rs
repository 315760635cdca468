//! Runbook understanding: a team's Markdown disaster-recovery runbook becomes a typed [`Runbook`]
//! of scenarios (phases of timed steps with their commands), RTO/RPO objectives, contacts,
//! communication templates and follow-ups. Parsing never panics and never drops content silently:
//! what it cannot place becomes a [`Diagnostic`] with a line number.
//!
//! The passes: [`blocks`] turns Markdown into blocks with line numbers, [`sections`] groups them
//! under headings, and this module classifies each section by its heading and hands it to the
//! reader for that kind ([`scenario`], [`tables`], [`reference`]); [`tracks`] finds the steps of
//! a phase that run in parallel.

mod alert_matchers;
mod blocks;
mod diagnostics;
mod lookup;
mod model;
mod reference;
mod scenario;
mod sections;
mod source;
mod step_table;
mod tables;
mod text;
mod timing;
mod tracks;

pub use lookup::{slugify, title_words, LookupError, ScenarioMatch, ScenarioName};
pub use model::*;
pub use reference::placeholders;
pub use source::{LoadError, RunbookSource, Unreadable, DEFAULT_RUNBOOK};

use blocks::Block;
use diagnostics::Diagnostics;
use scenario::{looks_like_scenario, numbered_heading, read_scenario, scenario_heading};
use sections::Section;
use tables::TableKind;

/// Runbooks larger than this are refused: a runbook is a document for people, and the bot parses
/// it at start-up.
pub const MAX_RUNBOOK_BYTES: usize = 2 * 1024 * 1024;

/// Parses a runbook from raw bytes, refusing (with a diagnostic) files too large or not UTF-8 text.
pub fn parse_bytes(bytes: &[u8]) -> Runbook {
    match source::text_of(bytes) {
        Ok(text) => parse(text),
        Err(reason) => Runbook {
            diagnostics: vec![Diagnostic {
                line: reason.line(),
                level: Level::Error,
                message: format!("the runbook cannot be read: {reason}"),
            }],
            ..Runbook::default()
        },
    }
}

/// Parses runbook Markdown. Any text gives a runbook; problems are in `diagnostics`.
pub fn parse(source: &str) -> Runbook {
    if source.len() > MAX_RUNBOOK_BYTES {
        return parse_bytes(source.as_bytes());
    }
    let blocks = blocks::parse_blocks(source);
    let mut reader = Reader::default();
    reader.check_fences(&blocks);
    let root = sections::build_tree(blocks);
    reader.section(&root, None);
    reader.finish()
}

/// What a section is about, from its heading.
enum SectionKind {
    Scenario(scenario::ScenarioHeading),
    ScenarioContainer,
    Objectives,
    Contacts,
    Templates,
    FollowUps,
    Reference(ReferenceKind),
    Generic,
}

/// Words that make a section, as a whole word of its title, a section of scenarios (`Disaster
/// Scenarios`, `Playbooks`, `Recovery Procedures`), when nothing else in the title says what it is.
const CONTAINER_WORDS: [&str; 4] = ["scenarios", "playbooks", "procedures", "runbooks"];

/// `container` is the title of the section of scenarios this one is directly under, if any.
fn classify(section: &Section, container: Option<&str>) -> SectionKind {
    let title = section.title.to_lowercase();
    let has_word = |words: &[&str]| {
        let title_words: Vec<&str> = title.split(|c: char| !c.is_alphanumeric()).collect();
        words.iter().any(|word| title_words.contains(word))
    };
    let mentions = |parts: &[&str]| parts.iter().any(|part| title.contains(part));
    if let Some(heading) = scenario_heading(&section.title) {
        return SectionKind::Scenario(heading);
    }
    if let Some(container) = container {
        let has_steps = looks_like_scenario(section)
            || section
                .blocks
                .iter()
                .any(|b| matches!(b, Block::List { .. } | Block::Table { .. }))
            || !section.children.is_empty();
        return if has_steps {
            let found_by = ScenarioFound::Under(container.trim().to_string());
            SectionKind::Scenario(numbered_heading(&section.title, found_by))
        } else {
            SectionKind::Reference(ReferenceKind::Other)
        };
    }
    if mentions(&["scenario"]) {
        SectionKind::ScenarioContainer
    } else if has_word(&["rto", "rpo"]) || mentions(&["objective"]) {
        SectionKind::Objectives
    } else if mentions(&["contact", "escalation"]) {
        SectionKind::Contacts
    } else if mentions(&["template", "communication"]) || has_word(&["comms"]) {
        SectionKind::Templates
    } else if mentions(&[
        "post-incident",
        "post incident",
        "postmortem",
        "post-mortem",
        "follow-up",
        "follow up",
        "after the incident",
        "after an incident",
    ]) {
        SectionKind::FollowUps
    } else if mentions(&["backup"]) {
        SectionKind::Reference(ReferenceKind::Backup)
    } else if mentions(&["drill", "testing"]) || has_word(&["test", "tests"]) {
        SectionKind::Reference(ReferenceKind::Drill)
    } else if mentions(&["monitoring", "alert"]) {
        SectionKind::Reference(ReferenceKind::Alerting)
    } else if section.level > 1 && has_word(&CONTAINER_WORDS) {
        SectionKind::ScenarioContainer
    } else if section.level > 0 && looks_like_scenario(section) {
        SectionKind::Scenario(numbered_heading(&section.title, ScenarioFound::Shape))
    } else {
        SectionKind::Generic
    }
}

#[derive(Default)]
struct Reader {
    runbook: Runbook,
    diagnostics: Diagnostics,
    /// Scenario numbers as written (`None` when the heading has none), parallel to scenarios.
    written_numbers: Vec<Option<u32>>,
}

impl Reader {
    fn section(&mut self, section: &Section, container: Option<&str>) {
        match classify(section, container) {
            SectionKind::Scenario(heading) => {
                let (number, scenario) = read_scenario(section, heading, &mut self.diagnostics);
                self.written_numbers.push(number);
                self.runbook.scenarios.push(scenario);
            }
            SectionKind::ScenarioContainer => {
                self.loose_blocks(section, ReferenceKind::Other);
                for child in &section.children {
                    self.section(child, Some(&section.title));
                }
            }
            SectionKind::Templates => {
                reference::read_templates(section, &mut self.runbook.templates)
            }
            SectionKind::FollowUps => {
                reference::read_follow_ups(section, &mut self.runbook.follow_ups)
            }
            SectionKind::Reference(kind) => {
                reference::read_reference(section, kind, None, &mut self.runbook.reference)
            }
            kind @ (SectionKind::Objectives | SectionKind::Contacts | SectionKind::Generic) => {
                if section.level == 1 && self.runbook.title.is_none() {
                    self.runbook.title = Some(section.title.trim().to_string());
                }
                let found = self.loose_blocks(section, ReferenceKind::Other);
                let missing = match kind {
                    SectionKind::Objectives if !found.contains(&TableKind::Objectives) => {
                        Some(("an RTO/RPO table", "Service, RTO, RPO, Priority"))
                    }
                    SectionKind::Contacts if !found.contains(&TableKind::Contacts) => {
                        Some(("a contacts table", "Role, Contact, Availability"))
                    }
                    _ => None,
                };
                if let Some((what, columns)) = missing {
                    self.diagnostics.warn(
                        section.line,
                        format!(
                            "`{}` has no {what} I can read: it needs a header row naming its \
                             columns ({columns})",
                            section.title.trim()
                        ),
                    );
                }
                for child in &section.children {
                    self.section(child, None);
                }
            }
        }
    }

    /// The blocks of a section outside any special reader: tables by their header, `Key: value`
    /// lines as metadata, the rest as reference text. Returns the kinds of table found.
    fn loose_blocks(&mut self, section: &Section, kind: ReferenceKind) -> Vec<TableKind> {
        let mut tables = Vec::new();
        let mut rest = Vec::new();
        for block in blocks::unquoted(&section.blocks) {
            match block {
                Block::Table { header, rows, line } => {
                    let table = tables::kind_of(header);
                    match table {
                        TableKind::Objectives => self.runbook.objectives.extend(
                            tables::read_objectives(header, rows, *line, &mut self.diagnostics),
                        ),
                        TableKind::Contacts => self
                            .runbook
                            .contacts
                            .extend(tables::read_contacts(header, rows)),
                        TableKind::Other => rest.push(block.clone()),
                    }
                    tables.push(table);
                }
                Block::Text(lines) => {
                    let mut prose = Vec::new();
                    for line in lines {
                        match text::key_value(line).filter(|_| line.lead.is_some()) {
                            Some((key, value)) => self.runbook.metadata.push(MetadataEntry {
                                key: line
                                    .lead
                                    .as_deref()
                                    .unwrap_or(&key)
                                    .trim_end_matches(':')
                                    .trim()
                                    .to_string(),
                                value,
                            }),
                            None => prose.push(line.clone()),
                        }
                    }
                    if !prose.is_empty() {
                        rest.push(Block::Text(prose));
                    }
                }
                Block::FrontMatter { text, .. } => self.front_matter(text),
                other => rest.push(other.clone()),
            }
        }
        let leftover = Section {
            title: if section.title.is_empty() {
                "Preamble".to_string()
            } else {
                section.title.clone()
            },
            level: section.level,
            line: section.line,
            blocks: rest,
            children: Vec::new(),
        };
        reference::read_reference(&leftover, kind, None, &mut self.runbook.reference);
        tables
    }

    /// `key: value` lines of YAML front matter; `title` names the runbook.
    fn front_matter(&mut self, text: &str) {
        for line in text.lines() {
            if let Some((key, value)) = line.split_once(':') {
                let (key, value) = (key.trim(), value.trim().trim_matches(['"', '\'']));
                if key.eq_ignore_ascii_case("title") {
                    self.runbook.title = Some(value.to_string());
                } else if !key.is_empty() && !value.is_empty() && !key.starts_with(['-', '#']) {
                    self.runbook.metadata.push(MetadataEntry {
                        key: key.to_string(),
                        value: value.to_string(),
                    });
                }
            }
        }
    }

    fn check_fences(&mut self, blocks: &[Block]) {
        for block in blocks {
            match block {
                Block::Code {
                    closed: false,
                    line,
                    ..
                } => self.diagnostics.error(
                    *line,
                    "code fence opened here is never closed, so everything after it reads as \
                     code: add the closing ```",
                ),
                Block::List { items, .. } => {
                    for item in items {
                        self.check_fences(&item.blocks);
                    }
                }
                Block::Quote { blocks, .. } => self.check_fences(blocks),
                _ => {}
            }
        }
    }

    fn finish(mut self) -> Runbook {
        self.number_scenarios();
        lookup::name_scenarios(&mut self.runbook.scenarios, &mut self.diagnostics);
        let runbook = &self.runbook;
        if runbook.scenarios.is_empty() {
            self.diagnostics.error(
                1,
                "no scenarios found: a scenario is a heading such as `### Scenario 1: Database \
                 loss` (or any heading under `## Disaster Scenarios`) with numbered steps under it",
            );
        } else {
            if runbook.objectives.is_empty() {
                self.diagnostics.warn(
                    1,
                    "no RTO/RPO table found: incidents will have no recovery targets",
                );
            }
            if runbook.template("INCIDENT").is_none() || runbook.template("RESOLVED").is_none() {
                self.diagnostics.warn(
                    1,
                    "no INCIDENT and RESOLVED communication templates found: the bot will use its \
                     built-in wording",
                );
            }
        }
        self.diagnostics.0.sort_by_key(|d| d.line);
        self.runbook.diagnostics = self.diagnostics.0;
        self.runbook
    }

    /// Keeps written numbers; numbers the rest after the highest so far. Duplicates are errors.
    fn number_scenarios(&mut self) {
        let mut highest = 0;
        let mut seen = Vec::new();
        for (scenario, written) in self.runbook.scenarios.iter_mut().zip(&self.written_numbers) {
            scenario.number = written.unwrap_or(highest + 1);
            highest = highest.max(scenario.number);
            if seen.contains(&scenario.number) {
                self.diagnostics.error(
                    scenario.line,
                    format!(
                        "scenario number {} is used twice, so `/incident open … {}` cannot tell \
                         which is meant: renumber one",
                        scenario.number, scenario.number
                    ),
                );
            }
            seen.push(scenario.number);
        }
    }
}
