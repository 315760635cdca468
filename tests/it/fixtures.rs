//! Paths and loaders for the test fixtures under `tests/fixtures/`, and the check that the copies
//! among them of the team's `shared/` folder (the runbook, the platforms' protocol samples) are
//! unchanged.

use std::path::{Path, PathBuf};

use incident_bot::runbook::{self, Runbook};

pub fn path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(relative)
}

/// The user's runbook, copied verbatim from `../shared/runbooks/disaster-recovery-runbook.md`.
pub fn shared_runbook_text() -> String {
    std::fs::read_to_string(path("runbooks/shared-disaster-recovery-runbook.md"))
        .expect("the shared runbook fixture is in the repository")
}

pub fn shared_runbook() -> Runbook {
    runbook::parse(&shared_runbook_text())
}

/// A runbook written for this test suite: a phase headed "Parallel Recovery" whose three steps
/// have budgets, and steps as headings with `(P1)`/`(P2)` under a note that says "at the same
/// time".
pub fn parallel_runbook_text() -> String {
    std::fs::read_to_string(path("runbooks/parallel-tracks.md"))
        .expect("the parallel-tracks fixture is in the repository")
}

/// A runbook as a wiki exports it (Confluence, Notion): `SEV1`…`SEV4`, steps in tables whose
/// columns come in different orders, budgets in every phrasing the parser reads, symptoms under
/// `Signs` and other names, a `Playbooks` section, and blockquote templates with `{{braces}}`.
pub fn wiki_runbook_text() -> String {
    std::fs::read_to_string(path("runbooks/wiki-style.md"))
        .expect("the wiki-style fixture is in the repository")
}

pub fn bundled_runbook() -> Runbook {
    runbook::parse(runbook::DEFAULT_RUNBOOK)
}

/// The team's `shared/` folder: beside the checkout, as CI has it, or beside a folder holding the
/// checkout (a git worktree of it). A test that compares a copy with it fails without it, rather
/// than pass having compared nothing.
pub fn shared_dir() -> PathBuf {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    checkout
        .ancestors()
        .skip(1)
        .map(|folder| folder.join("shared"))
        .find(|shared| shared.join("protocol").is_dir())
        .unwrap_or_else(|| {
            panic!(
                "no shared/ folder (runbooks/, protocol/) beside {} or above it: the tests \
                 compare the fixture copies with it; put the team's shared/ beside the checkout, \
                 as CI does",
                checkout.display()
            )
        })
}

/// `shared/<relative>`, read; a missing file fails the test with its path.
pub fn shared_text(relative: &str) -> String {
    let path = shared_dir().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn the_protocol_samples_are_the_shared_ones_unchanged() {
    let compared: usize = ["discord", "slack"]
        .into_iter()
        .map(|platform| compare_with_shared(platform, "protocol"))
        .sum();
    assert!(compared >= 15, "only {compared} samples compared");
}

#[test]
fn the_alert_samples_are_the_shared_ones_unchanged() {
    let compared = compare_with_shared("alerts", "protocol/alerts");
    assert_eq!(compared, 5, "every alert sample the tests use is compared");
}

/// Compares each file of the fixture folder `folder` with the file of the same name in the
/// shared folder `shared`; how many were compared.
fn compare_with_shared(folder: &str, shared: &str) -> usize {
    let copies = std::fs::read_dir(path(folder)).expect("the fixture folder");
    let mut compared = 0;
    for copy in copies {
        let copy = copy.expect("a fixture").path();
        let name = copy
            .file_name()
            .and_then(|name| name.to_str())
            .expect("a name");
        assert_eq!(
            std::fs::read_to_string(&copy).expect("the fixture"),
            shared_text(&format!("{shared}/{name}")),
            "{} differs from shared/{shared}/{name}: update the fixture copy",
            copy.display()
        );
        compared += 1;
    }
    compared
}
