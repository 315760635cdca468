//! The non-checklist parts of a runbook: communication templates, post-incident follow-ups, and
//! every other section (backups, drills, alerting, overview) kept as plain data.

use std::sync::LazyLock;

use commands::duration;
use regex::Regex;

use super::blocks::Block;
use super::model::{CodeBlock, FollowUp, ReferenceKind, ReferenceSection, Template, TemplateForm};
use super::sections::Section;
use super::text::collect_texts;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[([A-Z][A-Z0-9 _/\-]*)\]|\{\{\s*([A-Za-z][A-Za-z0-9 _./\-]*?)\s*\}\}")
        .expect("static regex")
});
static TEMPLATE_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([A-Z][A-Z0-9_ -]*[A-Z0-9])\s*:").expect("static regex"));

/// Words of a template's label that make it the RESOLVED notification, then the INCIDENT one.
const RESOLVED_LABELS: [&str; 6] = [
    "all-clear",
    "all clear",
    "resolution",
    "resolved",
    "closing",
    "recovered",
];
const INCIDENT_LABELS: [&str; 6] = [
    "kick-off", "kickoff", "initial", "declar", "opening", "incident",
];

/// The placeholders of a template body, `[BRACKETS]` or `{{braces}}`, without them, each once, in
/// order of first use.
pub fn placeholders(body: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for captures in PLACEHOLDER.captures_iter(body) {
        let Some(name) = captures.get(1).or_else(|| captures.get(2)) else {
            continue;
        };
        let name = name.as_str().trim().to_string();
        if !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

/// Every template under a templates section, wherever it is written: each code block and each
/// quote is one, and so is a paragraph under a label (a line all bold, `**Kick-off message**`).
/// A sub-section with none of these whose text has placeholders is one too (`### Initial
/// notification` over a paragraph). Each is named by its first word (`INCIDENT:`), else by its
/// label or heading (see [`template_name`]).
pub(crate) fn read_templates(section: &Section, templates: &mut Vec<Template>) {
    let mut found = false;
    let mut label: Option<String> = None;
    for block in &section.blocks {
        let named = |label: &mut Option<String>| label.take().unwrap_or(section.title.clone());
        match block {
            Block::Code { code, line, .. } => {
                found = true;
                let heading = named(&mut label);
                templates.push(template(
                    &heading,
                    code.trim_end(),
                    *line,
                    TemplateForm::CodeBlock,
                ));
            }
            Block::Quote { blocks, line } => {
                let body = texts_of(blocks).join("\n");
                if !body.trim().is_empty() {
                    found = true;
                    let heading = named(&mut label);
                    templates.push(template(&heading, &body, *line, TemplateForm::Quote));
                }
            }
            Block::Text(lines) => {
                let (first, rest) = match lines.split_first() {
                    Some((first, rest)) => (first, rest),
                    None => continue,
                };
                let is_label =
                    first.lead.is_some() && first.rest.trim_matches(':').trim().is_empty();
                if is_label {
                    label = first
                        .lead
                        .as_ref()
                        .map(|lead| lead.trim_end_matches(':').trim().to_string());
                }
                let body_lines = if is_label { rest } else { lines.as_slice() };
                if label.is_some() && !body_lines.is_empty() {
                    found = true;
                    let body: Vec<&str> =
                        body_lines.iter().map(|line| line.text.as_str()).collect();
                    let heading = named(&mut label);
                    let line = body_lines[0].line;
                    templates.push(template(
                        &heading,
                        &body.join("\n"),
                        line,
                        TemplateForm::Paragraph,
                    ));
                }
            }
            _ => {}
        }
    }
    if !found {
        let body = texts_of(&section.blocks).join("\n");
        if !placeholders(&body).is_empty() {
            templates.push(template(
                &section.title,
                &body,
                section.line,
                TemplateForm::Paragraph,
            ));
        }
    }
    for child in &section.children {
        read_templates(child, templates);
    }
}

/// A template's name: the first word of its body when it is `INCIDENT:` or `RESOLVED:` (after
/// any emoji), else `RESOLVED` or `INCIDENT` when its label says so (`All-clear`, `Kick-off
/// message`), else the first word when it is another capitalised label (`UPDATE:`), else its
/// label in capitals.
fn template_name(heading: &str, body: &str) -> String {
    let start = body.trim_start_matches(|c: char| !c.is_alphanumeric());
    let first_word = TEMPLATE_NAME
        .captures(start)
        .map(|captures| captures[1].trim().to_string());
    let label = heading.to_lowercase();
    let says = |words: &[&str]| words.iter().any(|word| label.contains(word));
    match first_word {
        Some(word) if word == "INCIDENT" || word == "RESOLVED" => word,
        _ if says(&RESOLVED_LABELS) => "RESOLVED".to_string(),
        _ if says(&INCIDENT_LABELS) => "INCIDENT".to_string(),
        Some(word) => word,
        None => heading.trim().to_uppercase(),
    }
}

fn template(heading: &str, body: &str, line: usize, form: TemplateForm) -> Template {
    Template {
        name: template_name(heading, body),
        heading: heading.trim().to_string(),
        body: body.to_string(),
        placeholders: placeholders(body),
        form,
        line,
    }
}

/// Follow-up groups: one per sub-heading (`Within 24 Hours`), or one for the section's own list.
pub(crate) fn read_follow_ups(section: &Section, follow_ups: &mut Vec<FollowUp>) {
    let items = texts_of(&section.blocks);
    if !items.is_empty() || section.children.is_empty() {
        follow_ups.push(FollowUp {
            deadline: section.title.trim().to_string(),
            due_after_secs: deadline_secs(&section.title),
            items,
            line: section.line,
        });
    }
    for child in &section.children {
        read_follow_ups(child, follow_ups);
    }
}

/// `Within 24 Hours` → 86400; `After 1 week` → 604800; `Later` → none.
fn deadline_secs(title: &str) -> Option<u64> {
    let lower = title.trim().to_lowercase();
    let text = ["within ", "in ", "after ", "by "]
        .iter()
        .find_map(|prefix| lower.strip_prefix(prefix))
        .unwrap_or(&lower);
    duration::parse_duration(text)
}

/// A section kept as plain data, and each of its sub-sections, titled by their heading path.
pub(crate) fn read_reference(
    section: &Section,
    kind: ReferenceKind,
    parent_title: Option<&str>,
    reference: &mut Vec<ReferenceSection>,
) {
    let title = match parent_title {
        Some(parent) => format!("{parent} › {}", section.title.trim()),
        None => section.title.trim().to_string(),
    };
    let blocks = super::blocks::unquoted(&section.blocks);
    let commands: Vec<CodeBlock> = blocks
        .iter()
        .filter_map(|block| match block {
            Block::Code { lang, code, .. } => Some(CodeBlock {
                lang: lang.clone(),
                code: code.clone(),
            }),
            _ => None,
        })
        .collect();
    let prose: Vec<Block> = blocks
        .into_iter()
        .filter(|block| !matches!(block, Block::Code { .. }))
        .cloned()
        .collect();
    let items = texts_of(&prose);
    if !items.is_empty() || !commands.is_empty() {
        reference.push(ReferenceSection {
            kind,
            title: title.clone(),
            items,
            commands,
            line: section.line,
        });
    }
    for child in &section.children {
        read_reference(child, kind, Some(&title), reference);
    }
}

fn texts_of(blocks: &[Block]) -> Vec<String> {
    let mut texts = Vec::new();
    for block in blocks {
        collect_texts(block, &mut texts);
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_order_once() {
        assert_eq!(
            placeholders("INCIDENT: [SEVERITY] [SHORT DESCRIPTION]\nAgain [SEVERITY] [lower] [POST-MORTEM LINK]"),
            vec!["SEVERITY", "SHORT DESCRIPTION", "POST-MORTEM LINK"]
        );
    }

    #[test]
    fn placeholders_in_braces_as_written() {
        assert_eq!(
            placeholders("{{severity}} {{ start_time }} [SEVERITY] {{severity}} {{}} {{1x}}"),
            vec!["severity", "start_time", "SEVERITY"]
        );
    }

    #[test]
    fn names_by_first_word_else_by_label() {
        assert_eq!(
            template_name("Kick-off message", "🔴 INCIDENT: {{summary}}"),
            "INCIDENT"
        );
        assert_eq!(
            template_name("Kick-off message", "🔴 {{severity}}: {{summary}}"),
            "INCIDENT"
        );
        assert_eq!(
            template_name("All-clear", "✅ {{summary}} is fixed"),
            "RESOLVED"
        );
        assert_eq!(
            template_name("Incident resolved", "{{summary}} is fixed"),
            "RESOLVED"
        );
        assert_eq!(
            template_name("Initial notification", "We are looking"),
            "INCIDENT"
        );
        assert_eq!(
            template_name("Customer update", "We are looking"),
            "CUSTOMER UPDATE"
        );
        assert_eq!(template_name("Kick-off", "SEV1: {{summary}}"), "INCIDENT");
        assert_eq!(
            template_name("Every 30 minutes", "UPDATE: {{summary}}"),
            "UPDATE"
        );
    }

    #[test]
    fn deadlines_from_headings() {
        assert_eq!(deadline_secs("Within 24 Hours"), Some(86_400));
        assert_eq!(deadline_secs("Within 1 Week"), Some(604_800));
        assert_eq!(deadline_secs("Within 1 Month"), Some(2_592_000));
        assert_eq!(deadline_secs("Eventually"), None);
    }
}
