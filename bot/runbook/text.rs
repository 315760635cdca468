//! Small readers shared by the section interpreters: `Key: value` lines, list items as plain text.

use std::sync::LazyLock;

use regex::Regex;

use super::blocks::{Block, ListItem, TextLine};

static KEY_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Za-z][A-Za-z0-9 /_-]{0,30}?)\s*:\s+(.+)$").expect("static regex")
});

/// Reads `**Severity:** CRITICAL`, `**Severity**: high` or `Severity: high` as (key, value).
/// The key comes back lowercase.
pub(crate) fn key_value(line: &TextLine) -> Option<(String, String)> {
    let pair = match &line.lead {
        Some(lead) if lead.ends_with(':') => Some((lead.trim_end_matches(':'), line.rest.as_str())),
        Some(lead) if line.rest.starts_with(':') => Some((lead.as_str(), &line.rest[1..])),
        _ => KEY_VALUE
            .captures(&line.text)
            .and_then(|c| Some((c.get(1)?.as_str(), c.get(2)?.as_str()))),
    }?;
    let (key, value) = (pair.0.trim().to_lowercase(), pair.1.trim().to_string());
    (!key.is_empty() && !value.is_empty()).then_some((key, value))
}

/// The text of a list item's own lines, then of its nested items, one entry each.
pub(crate) fn item_texts(item: &ListItem) -> Vec<String> {
    let mut texts = Vec::new();
    for block in &item.blocks {
        collect_texts(block, &mut texts);
    }
    texts
}

/// Plain text entries for a block: a paragraph is one entry, a list one entry per item.
pub(crate) fn collect_texts(block: &Block, texts: &mut Vec<String>) {
    match block {
        Block::Text(lines) => texts.push(join(lines)),
        Block::List { items, .. } => {
            for item in items {
                texts.extend(item_texts(item));
            }
        }
        Block::Table { header, rows, .. } => {
            texts.push(header.join(" | "));
            texts.extend(rows.iter().map(|row| row.cells.join(" | ")));
        }
        Block::Code { code, .. } => texts.push(code.trim_end().to_string()),
        Block::Heading { text, .. } => texts.push(text.clone()),
        Block::FrontMatter { text, .. } => texts.push(text.trim().to_string()),
        Block::Quote { blocks, .. } => {
            for inner in blocks {
                collect_texts(inner, texts);
            }
        }
    }
}

/// A paragraph's lines as one string.
fn join(lines: &[TextLine]) -> String {
    lines
        .iter()
        .map(|line| line.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits an annotation value: `Database, API Gateway and Analytics`.
pub(crate) fn split_list(value: &str) -> Vec<String> {
    value
        .split([',', ';'])
        .flat_map(|part| part.split(" and "))
        .map(|part| part.trim().trim_matches('`').trim().to_string())
        .filter(|part| !part.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, lead: Option<&str>, rest: &str) -> TextLine {
        TextLine {
            text: text.into(),
            lead: lead.map(Into::into),
            rest: rest.into(),
            line: 1,
        }
    }

    #[test]
    fn key_values_in_the_ways_people_write_them() {
        let expected = Some(("severity".to_string(), "high".to_string()));
        assert_eq!(
            key_value(&line("Severity: high", Some("Severity:"), "high")),
            expected
        );
        assert_eq!(
            key_value(&line("Severity: high", Some("Severity"), ": high")),
            expected
        );
        assert_eq!(
            key_value(&line("Severity: high", None, "Severity: high")),
            expected
        );
        assert_eq!(
            key_value(&line("Just prose here.", None, "Just prose here.")),
            None
        );
    }

    #[test]
    fn splits_annotation_lists() {
        assert_eq!(
            split_list("Database, `API Gateway` and Analytics;"),
            vec!["Database", "API Gateway", "Analytics"]
        );
    }
}
