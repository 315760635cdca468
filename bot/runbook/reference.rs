//! The non-checklist parts of a runbook: communication templates, post-incident follow-ups, and
//! every other section (backups, drills, alerting, overview) kept as plain data.

use std::sync::LazyLock;

use commands::duration;
use regex::Regex;

use super::blocks::Block;
use super::model::{CodeBlock, FollowUp, ReferenceKind, ReferenceSection, Template};
use super::sections::Section;
use super::text::collect_texts;

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([A-Z][A-Z0-9 _/\-]*)\]").expect("static regex"));
static TEMPLATE_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([A-Z][A-Z0-9_ -]*[A-Z0-9])\s*:").expect("static regex"));

/// The placeholders of a template body, without brackets, each once, in order of first use.
pub fn placeholders(body: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for captures in PLACEHOLDER.captures_iter(body) {
        let name = captures[1].trim().to_string();
        if !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

/// Every template under a templates section: each code block is one, named by its first word
/// (`INCIDENT:`), else by its heading. A sub-section without code whose text has placeholders is
/// a template too (some teams write them as quotes).
pub(crate) fn read_templates(section: &Section, templates: &mut Vec<Template>) {
    let mut found_code = false;
    for block in &section.blocks {
        if let Block::Code { code, line, .. } = block {
            found_code = true;
            templates.push(template(&section.title, code.trim_end(), *line));
        }
    }
    if !found_code {
        let mut texts = Vec::new();
        for block in &section.blocks {
            collect_texts(block, &mut texts);
        }
        let body = texts.join("\n");
        if !placeholders(&body).is_empty() {
            templates.push(template(&section.title, &body, section.line));
        }
    }
    for child in &section.children {
        read_templates(child, templates);
    }
}

fn template(heading: &str, body: &str, line: usize) -> Template {
    let name = TEMPLATE_NAME
        .captures(body)
        .map(|c| c[1].trim().to_string())
        .unwrap_or_else(|| heading.trim().to_uppercase());
    Template {
        name,
        heading: heading.trim().to_string(),
        body: body.to_string(),
        placeholders: placeholders(body),
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
    let commands: Vec<CodeBlock> = section
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Code { lang, code, .. } => Some(CodeBlock {
                lang: lang.clone(),
                code: code.clone(),
            }),
            _ => None,
        })
        .collect();
    let prose: Vec<Block> = section
        .blocks
        .iter()
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
    fn deadlines_from_headings() {
        assert_eq!(deadline_secs("Within 24 Hours"), Some(86_400));
        assert_eq!(deadline_secs("Within 1 Week"), Some(604_800));
        assert_eq!(deadline_secs("Within 1 Month"), Some(2_592_000));
        assert_eq!(deadline_secs("Eventually"), None);
    }
}
