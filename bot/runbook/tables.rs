//! The RTO/RPO and emergency-contact tables, with columns found by header name in any order.

use commands::duration;

use super::blocks::TableRow;
use super::diagnostics::Diagnostics;
use super::model::{Contact, Objective};

const SERVICE: &[&str] = &["service", "system", "component", "application", "name"];
const RTO: &[&str] = &["rto", "recovery time"];
const RPO: &[&str] = &["rpo", "recovery point"];
const PRIORITY: &[&str] = &["priority", "tier", "criticality", "severity"];
const ROLE: &[&str] = &["role", "team", "function", "name", "who"];
const CONTACT: &[&str] = &["contact", "email", "phone", "pager", "slack", "reach"];
const AVAILABILITY: &[&str] = &["availability", "available", "hours", "when", "schedule"];

/// What a table holds, judged from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TableKind {
    Objectives,
    Contacts,
    Other,
}

/// The index of the first header cell that mentions one of `names`.
fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|cell| {
        let cell = cell.to_lowercase();
        names.iter().any(|name| cell.contains(name))
    })
}

/// The index of the first header cell, outside `skip`, named by one of `names`: a whole word of
/// the cell (`Est.` is `est`, `Test` is not), or a part of it for names of several words or of
/// signs (`how long`, `⏱`).
pub(crate) fn column_matching(header: &[String], names: &[&str], skip: &[usize]) -> Option<usize> {
    header.iter().enumerate().position(|(index, cell)| {
        if skip.contains(&index) {
            return false;
        }
        let cell = cell.to_lowercase();
        let words: Vec<&str> = cell.split(|c: char| !c.is_alphanumeric()).collect();
        names.iter().any(|name| {
            if name.chars().all(char::is_alphanumeric) {
                words.contains(name)
            } else {
                cell.contains(name)
            }
        })
    })
}

pub(crate) fn kind_of(header: &[String]) -> TableKind {
    if column(header, RTO).is_some() || column(header, RPO).is_some() {
        TableKind::Objectives
    } else if column(header, CONTACT).is_some() && column(header, ROLE).is_some() {
        TableKind::Contacts
    } else {
        TableKind::Other
    }
}

fn cell(row: &TableRow, index: Option<usize>) -> Option<&str> {
    index
        .and_then(|i| row.cells.get(i))
        .map(|text| text.trim())
        .filter(|text| !text.is_empty())
}

/// The cell at `index`, trimmed, unless it is blank or a placeholder (`-`, `n/a`, `TBD`…).
pub(crate) fn filled_cell(row: &TableRow, index: Option<usize>) -> Option<&str> {
    cell(row, index).filter(|text| !is_blank_cell(text))
}

/// Reads an RTO/RPO table. Rows whose times cannot be read are reported, never guessed.
pub(crate) fn read_objectives(
    header: &[String],
    rows: &[TableRow],
    line: usize,
    diagnostics: &mut Diagnostics,
) -> Vec<Objective> {
    let Some(service_column) = column(header, SERVICE) else {
        diagnostics.error(
            line,
            format!(
                "the RTO/RPO table needs a Service column; its columns are: {}",
                header.join(", ")
            ),
        );
        return Vec::new();
    };
    let (rto, rpo, priority) = (
        column(header, RTO),
        column(header, RPO),
        column(header, PRIORITY),
    );
    rows.iter()
        .filter_map(|row| {
            let service = cell(row, Some(service_column))?.to_string();
            let mut objective_time = |index, what| {
                let text = filled_cell(row, index)?;
                let secs = objective_secs(text);
                if secs.is_none() {
                    diagnostics.error(
                        row.line,
                        format!(
                            "{what} `{text}` for {service} is not a duration: write it like \
                             30 minutes, 1 hour or 4h"
                        ),
                    );
                }
                secs
            };
            let rto_secs = objective_time(rto, "RTO");
            let rpo_secs = objective_time(rpo, "RPO");
            Some(Objective {
                priority: cell(row, priority).map(str::to_string),
                service,
                rto_secs,
                rpo_secs,
                line: row.line,
            })
        })
        .collect()
}

/// `30 minutes`, `< 1 hour`, `within 4h`, `1-2 hours` (the upper end: the objective is a limit).
/// Blank-like cells (`N/A`, `-`) give no target without complaint.
fn objective_secs(text: &str) -> Option<u64> {
    let text = text
        .trim_start_matches(['<', '≤', '='])
        .trim()
        .trim_start_matches("up to ")
        .trim_start_matches("within ");
    duration::parse_range(text).map(|range| range.max_secs)
}

pub(crate) fn is_blank_cell(text: &str) -> bool {
    matches!(
        text.trim().to_lowercase().as_str(),
        "" | "-" | "–" | "—" | "n/a" | "na" | "none" | "tbd"
    )
}

/// Reads an emergency-contacts table.
pub(crate) fn read_contacts(header: &[String], rows: &[TableRow]) -> Vec<Contact> {
    let (role, contact) = (column(header, ROLE), column(header, CONTACT));
    let availability = column(header, AVAILABILITY);
    rows.iter()
        .filter_map(|row| {
            Some(Contact {
                role: cell(row, role)?.to_string(),
                contact: cell(row, contact).unwrap_or_default().to_string(),
                availability: cell(row, availability).map(str::to_string),
                line: row.line,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str], line: usize) -> TableRow {
        TableRow {
            cells: cells.iter().map(|c| c.to_string()).collect(),
            line,
        }
    }

    #[test]
    fn objectives_columns_in_any_order() {
        let header: Vec<String> = ["Priority", "RPO", "Service", "RTO"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let mut diagnostics = Diagnostics::default();
        let objectives = read_objectives(
            &header,
            &[row(&["Critical", "5 minutes", "Database", "30 minutes"], 3)],
            1,
            &mut diagnostics,
        );
        assert_eq!(objectives[0].service, "Database");
        assert_eq!(objectives[0].rto_secs, Some(1_800));
        assert_eq!(objectives[0].rpo_secs, Some(300));
        assert_eq!(objectives[0].priority.as_deref(), Some("Critical"));
        assert!(diagnostics.0.is_empty());
    }

    #[test]
    fn unreadable_objectives_are_reported_with_their_line() {
        let header: Vec<String> = ["Service", "RTO", "RPO"]
            .iter()
            .map(|c| c.to_string())
            .collect();
        let mut diagnostics = Diagnostics::default();
        let objectives = read_objectives(
            &header,
            &[row(&["Search", "soonish", "1 day"], 7)],
            5,
            &mut diagnostics,
        );
        assert_eq!(objectives[0].rto_secs, None);
        assert_eq!(objectives[0].rpo_secs, Some(86_400));
        assert_eq!(diagnostics.0[0].line, 7);
        assert!(diagnostics.0[0].message.contains("`soonish` for Search"));
    }
}
