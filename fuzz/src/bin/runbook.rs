//! Fuzz target: the runbook parser (`bot/runbook`) on any bytes. It never panics; every
//! diagnostic points at a line of the file; a file with text in it never parses to nothing at
//! all; and each scenario of a runbook the bot accepts is found again by its own short name.

use incident_bot::runbook::{self, Runbook};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let runbook = runbook::parse_bytes(data);
        // Lines as the file has them, also when it is not UTF-8 (the diagnostic says where).
        let lines = data.split(|&byte| byte == b'\n').count();
        for diagnostic in &runbook.diagnostics {
            assert!(
                (1..=lines + 1).contains(&diagnostic.line),
                "diagnostic on line {} of a {lines}-line file: {}",
                diagnostic.line,
                diagnostic.message
            );
            assert!(
                !diagnostic.message.trim().is_empty(),
                "a diagnostic without words"
            );
        }
        if has_prose(data) {
            assert!(!is_empty(&runbook), "text parsed to an empty runbook");
        }
        // A runbook with errors (two scenarios of one name…) is refused at start-up, said why.
        let scenarios = if runbook.has_errors() {
            &[][..]
        } else {
            &runbook.scenarios[..]
        };
        for scenario in scenarios {
            if let Ok(found) = runbook.find_scenario(scenario.short_name()) {
                assert!(
                    std::ptr::eq(found, scenario),
                    "{} finds scenario {}, not {}",
                    scenario.short_name(),
                    found.number,
                    scenario.number
                );
            }
        }
    });
}

/// Whether the file has a line that starts with a letter: text Markdown keeps as a paragraph or
/// a heading's words (kept as reference data, or reported), whatever else is around it.
fn has_prose(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok_and(|text| {
        text.lines()
            .any(|line| line.chars().next().is_some_and(char::is_alphabetic))
    })
}

fn is_empty(runbook: &Runbook) -> bool {
    runbook.title.is_none()
        && runbook.metadata.is_empty()
        && runbook.scenarios.is_empty()
        && runbook.objectives.is_empty()
        && runbook.contacts.is_empty()
        && runbook.templates.is_empty()
        && runbook.follow_ups.is_empty()
        && runbook.reference.is_empty()
        && runbook.diagnostics.is_empty()
}
