//! A table of steps under a phase, as wikis export them: one row per step, in row order, its
//! columns found by header name in any order. The action (`Action`, `Task`, `Step`) is the title;
//! a time column (`Est.`, `Time`, `Duration`, `ETA`) the budget or marker; an owner column
//! (`Owner`, `Role`, `Who`) the step's role; a command column (`Command`, `Cmd`, `Script`) its
//! commands, as inline code or the cell's text (inline code in the action is a command when
//! there is no command column). Other columns become details (`Notes: …`); a column of numbers
//! only (`#`, `Step` beside an action) is the numbering and says nothing more.

use std::sync::LazyLock;

use regex::Regex;

use super::blocks::TableRow;
use super::diagnostics::Diagnostics;
use super::model::{BudgetForm, CodeBlock, Step, StepSource, StepTable};
use super::tables::{column_matching, filled_cell, is_blank_cell};
use super::timing::{parse_timing, split_step_heading};

const ACTION: &[&str] = &[
    "action", "actions", "task", "tasks", "what", "activity", "do",
];
const STEP: &[&str] = &["step", "steps"];
const BUDGET: &[&str] = &[
    "est",
    "estimate",
    "estimated",
    "time",
    "duration",
    "budget",
    "eta",
    "timebox",
    "how long",
    "⏱",
    "mins",
    "minutes",
];
const ROLE: &[&str] = &[
    "owner",
    "role",
    "who",
    "assignee",
    "responsible",
    "team",
    "by",
];
const COMMAND: &[&str] = &["command", "commands", "cmd", "script", "run", "code"];

static INLINE_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"`([^`]+)`").expect("static regex"));

/// Which column gives what, when `header` is a table of steps.
struct Columns {
    title: usize,
    budget: Option<usize>,
    role: Option<usize>,
    command: Option<usize>,
    /// Columns of numbers only: the numbering.
    numbering: Vec<usize>,
}

/// Whether every non-blank cell of a column is a number (`1`, `2.`, `#3`).
fn is_numbering(rows: &[TableRow], index: usize) -> bool {
    rows.iter()
        .filter_map(|row| row.cells.get(index))
        .map(|cell| {
            cell.trim()
                .trim_start_matches('#')
                .trim_end_matches(['.', ')'])
        })
        .filter(|cell| !cell.is_empty())
        .all(|cell| cell.chars().all(|c| c.is_ascii_digit()))
}

fn columns(header: &[String], rows: &[TableRow]) -> Option<Columns> {
    let numbering: Vec<usize> = (0..header.len())
        .filter(|&index| is_numbering(rows, index))
        .collect();
    let title = column_matching(header, ACTION, &numbering)
        .or_else(|| column_matching(header, STEP, &numbering))?;
    let taken = |extra: &[Option<usize>]| -> Vec<usize> {
        let mut taken = numbering.clone();
        taken.push(title);
        taken.extend(extra.iter().flatten());
        taken
    };
    let budget = column_matching(header, BUDGET, &taken(&[]));
    let role = column_matching(header, ROLE, &taken(&[budget]));
    let command = column_matching(header, COMMAND, &taken(&[budget, role]));
    Some(Columns {
        title,
        budget,
        role,
        command,
        numbering,
    })
}

/// Whether a table is one of steps: it has an action, task or step column of words.
pub(crate) fn is_step_table(header: &[String], rows: &[TableRow]) -> bool {
    columns(header, rows).is_some()
}

/// The steps of a table of steps, with what each column gave; `None` when it is not one.
pub(crate) fn read(
    header: &[String],
    rows: &[TableRow],
    line: usize,
    diagnostics: &mut Diagnostics,
) -> Option<(StepTable, Vec<Step>)> {
    let columns = columns(header, rows)?;
    let name = |index: Option<usize>| {
        index
            .and_then(|i| header.get(i))
            .map(|h| h.trim().to_string())
    };
    let others: Vec<usize> = (0..header.len())
        .filter(|index| {
            ![
                Some(columns.title),
                columns.budget,
                columns.role,
                columns.command,
            ]
            .contains(&Some(*index))
                && !columns.numbering.contains(index)
        })
        .collect();
    let table = StepTable {
        line,
        title: name(Some(columns.title)).unwrap_or_default(),
        budget: name(columns.budget),
        role: name(columns.role),
        command: name(columns.command),
        others: others.iter().filter_map(|&i| name(Some(i))).collect(),
    };
    let steps = rows
        .iter()
        .filter_map(|row| read_row(row, &columns, &table, header, &others, diagnostics))
        .collect();
    Some((table, steps))
}

fn read_row(
    row: &TableRow,
    columns: &Columns,
    table: &StepTable,
    header: &[String],
    others: &[usize],
    diagnostics: &mut Diagnostics,
) -> Option<Step> {
    let notes: Vec<String> = others
        .iter()
        .filter_map(|&index| {
            let value = filled_cell(row, Some(index))?;
            Some(format!("{}: {value}", header.get(index)?.trim()))
        })
        .collect();
    let Some(title_cell) = filled_cell(row, Some(columns.title)) else {
        if row.cells.iter().any(|text| !is_blank_cell(text)) {
            diagnostics.warn(
                row.line,
                format!(
                    "this row of the table of steps has no {}, so it is no step: fill it in or \
                     remove the row",
                    table.title
                ),
            );
        }
        return None;
    };
    let heading = split_step_heading(None, title_cell);
    let (mut budget, mut marker, mut budget_from) = match heading.timing {
        Some(timing) => (timing.budget, timing.marker, heading.form.clone()),
        None => (None, None, None),
    };
    if let (Some(text), Some(column)) = (filled_cell(row, columns.budget), &table.budget) {
        let inner = text.strip_prefix('(').and_then(|t| t.strip_suffix(')'));
        match parse_timing(inner.unwrap_or(text)) {
            Some(timing) => {
                budget = timing.budget;
                marker = timing.marker;
                budget_from = Some(BudgetForm::Column(column.clone()));
            }
            None => diagnostics.warn(
                row.line,
                format!(
                    "`{text}` in column {column} looks like a time budget but I cannot read \
                     it: write it like 5 min, 10-15 min, ~10m, 1h30 or Immediate"
                ),
            ),
        }
    }
    let commands = match columns.command {
        Some(index) => {
            filled_cell(row, Some(index)).map_or_else(Vec::new, |text| code_of(text, true))
        }
        None => code_of(title_cell, false),
    };
    let details: Vec<String> = heading.remark.into_iter().chain(notes).collect();
    Some(Step {
        title: heading.title,
        budget_secs: budget,
        marker,
        details,
        commands,
        options: Vec::new(),
        role: filled_cell(row, columns.role).map(str::to_string),
        from: StepSource::TableRow,
        budget_from,
        line: row.line,
    })
}

/// The inline code of a cell, each span a command; with `whole`, the cell's text when it has none.
fn code_of(text: &str, whole: bool) -> Vec<CodeBlock> {
    let spans: Vec<CodeBlock> = INLINE_CODE
        .captures_iter(text)
        .map(|captures| CodeBlock {
            lang: None,
            code: captures[1].trim().to_string(),
        })
        .filter(|code| !code.code.is_empty())
        .collect();
    if spans.is_empty() && whole {
        vec![CodeBlock {
            lang: None,
            code: text.to_string(),
        }]
    } else {
        spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(header: &[&str], rows: &[&[&str]]) -> (Vec<String>, Vec<TableRow>) {
        (
            header.iter().map(|h| h.to_string()).collect(),
            rows.iter()
                .enumerate()
                .map(|(at, cells)| TableRow {
                    cells: cells.iter().map(|c| c.to_string()).collect(),
                    line: 3 + at,
                })
                .collect(),
        )
    }

    #[test]
    fn columns_by_header_name_in_any_order() {
        let (header, rows) = table(
            &["Owner", "Command", "Est.", "#", "Step", "Notes"],
            &[
                &[
                    "DBA",
                    "`pg_ctl promote`",
                    "10 min",
                    "1",
                    "Promote the replica",
                    "",
                ],
                &["SRE", "", "P1", "2", "Fail over DNS", "check TTL"],
                &["", "", "", "", "", ""],
            ],
        );
        let mut diagnostics = Diagnostics::default();
        let (found, steps) = read(&header, &rows, 1, &mut diagnostics).expect("a table of steps");
        assert_eq!(
            found,
            StepTable {
                line: 1,
                title: "Step".into(),
                budget: Some("Est.".into()),
                role: Some("Owner".into()),
                command: Some("Command".into()),
                others: vec!["Notes".into()],
            }
        );
        let summary: Vec<_> = steps
            .iter()
            .map(|s| {
                (
                    s.title.as_str(),
                    s.budget_secs.map(|b| b.max_secs),
                    s.marker,
                    s.role.as_deref(),
                    s.commands
                        .iter()
                        .map(|c| c.code.as_str())
                        .collect::<Vec<_>>(),
                    s.details.clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "Promote the replica",
                    Some(600),
                    None,
                    Some("DBA"),
                    vec!["pg_ctl promote"],
                    vec![]
                ),
                (
                    "Fail over DNS",
                    None,
                    Some(super::super::model::Marker::Priority(1)),
                    Some("SRE"),
                    vec![],
                    vec!["Notes: check TTL".to_string()]
                ),
            ]
        );
        assert!(diagnostics.0.is_empty(), "{:?}", diagnostics.0);
    }

    #[test]
    fn a_numbered_step_column_beside_an_action_is_the_numbering() {
        let (header, rows) = table(
            &["Step", "Action", "Time"],
            &[
                &["1", "Restart `api` pods", "~5m"],
                &["2", "Watch errors", "whenever"],
            ],
        );
        let mut diagnostics = Diagnostics::default();
        let (found, steps) = read(&header, &rows, 1, &mut diagnostics).expect("a table of steps");
        assert_eq!(found.title, "Action");
        assert_eq!(steps[0].commands[0].code, "api");
        assert_eq!(steps[0].budget_secs.map(|b| b.max_secs), Some(300));
        assert_eq!(diagnostics.0.len(), 1);
        assert_eq!(diagnostics.0[0].line, 4);
        assert!(diagnostics.0[0]
            .message
            .starts_with("`whenever` in column Time"));
    }

    #[test]
    fn tables_without_an_action_column_are_not_steps() {
        let (header, rows) = table(&["Signal", "Threshold"], &[&["errors", "5%"]]);
        assert!(!is_step_table(&header, &rows));
        let (header, rows) = table(&["#", "Step"], &[&["1", "2"]]);
        assert!(!is_step_table(&header, &rows));
    }
}
