//! Malformed runbooks give diagnostics, never panics.

use incident_bot::runbook::{self, Level, Runbook, MAX_RUNBOOK_BYTES};
use proptest::prelude::*;

fn first_error(runbook: &Runbook) -> (usize, String) {
    runbook
        .diagnostics
        .iter()
        .find(|d| d.level == Level::Error)
        .map(|d| (d.line, d.message.clone()))
        .expect("an error diagnostic")
}

#[test]
fn empty_file() {
    let runbook = runbook::parse("");
    assert!(runbook.scenarios.is_empty());
    assert!(first_error(&runbook).1.starts_with("no scenarios found"));
}

#[test]
fn binary_junk() {
    let junk: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let runbook = runbook::parse_bytes(&junk);
    assert!(runbook.scenarios.is_empty());
    assert!(
        first_error(&runbook).1.contains("not UTF-8"),
        "{:?}",
        runbook.diagnostics
    );
    let with_nul = runbook::parse_bytes(b"# Runbook\n\0\0\0");
    assert!(first_error(&with_nul).1.contains("NUL bytes"));
}

#[test]
fn unclosed_code_fence_names_its_line() {
    let runbook = runbook::parse(
        "## Scenario 1: X\n**Severity:** high\n1. **Check** (5 min)\n   ```bash\n   echo unterminated\n",
    );
    assert_eq!(
        first_error(&runbook),
        (
            4,
            "code fence opened here is never closed, so everything after it reads as code: add the closing ```"
                .to_string()
        )
    );
}

#[test]
fn ten_megabyte_file_is_refused_with_a_reason() {
    let section = "## Scenario: Filler\n**Severity:** low\n1. **Step** (5 min)\n   - detail\n";
    let huge = section.repeat(10 * 1024 * 1024 / section.len() + 1);
    assert!(huge.len() > MAX_RUNBOOK_BYTES);
    let runbook = runbook::parse(&huge);
    assert!(runbook.scenarios.is_empty());
    let (line, message) = first_error(&runbook);
    assert_eq!(line, 1);
    assert!(message.contains("MiB; the limit is 2 MiB"), "{message}");
}

#[test]
fn hostile_nesting_does_not_exhaust_the_stack() {
    let quotes = format!("## Scenario: Deep\n{}text\n", ">".repeat(50_000));
    let lists = format!(
        "## Scenario: Lists\n{}",
        (0..1_000)
            .map(|i| format!("{}- item\n", "  ".repeat(i)))
            .collect::<String>()
    );
    for text in [quotes, lists] {
        let runbook = runbook::parse(&text);
        assert_eq!(runbook.scenarios.len(), 1);
    }
}

/// Markdown-ish fragments that exercise the parser's structure detection.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("# Title\n".to_string()),
        Just("## Scenario 1: Database loss\n".to_string()),
        Just("### Scenario: X\n".to_string()),
        Just("## Disaster Scenarios\n".to_string()),
        Just("#### Immediate Actions\n".to_string()),
        Just("**Severity:** CRITICAL\n".to_string()),
        Just("Severity: bogus\n".to_string()),
        Just("1. **Confirm** (5 minutes)\n".to_string()),
        Just("- [ ] step (10-15 min)\n".to_string()),
        Just("   ```bash\n   echo hi\n".to_string()),
        Just("```\n".to_string()),
        Just("**Option A: Restore**\n".to_string()),
        Just("| Service | RTO | RPO |\n|---|---|---|\n| DB | 30 minutes | x |\n".to_string()),
        Just("> quote\n".to_string()),
        Just("<!-- comment -->\n".to_string()),
        Just("\n".to_string()),
        "[ -~]{0,40}\n",
        any::<String>(),
    ]
}

proptest! {
    #[test]
    fn parsing_never_panics(fragments in proptest::collection::vec(fragment(), 0..40)) {
        let text = fragments.concat();
        let runbook = runbook::parse(&text);
        for diagnostic in &runbook.diagnostics {
            prop_assert!(diagnostic.line >= 1);
            prop_assert!(diagnostic.line <= text.lines().count().max(1) + 1);
        }
    }

    #[test]
    fn parsing_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = runbook::parse_bytes(&bytes);
    }
}
