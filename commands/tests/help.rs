//! Snapshots of the help text, so that wording changes are reviewed.

use commands::{CommandName, Help};

#[test]
fn help_overview() {
    insta::assert_snapshot!("incident_help", Help { topic: None }.text());
}

#[test]
fn help_for_every_command() {
    let topics: Vec<String> = CommandName::ALL
        .into_iter()
        .map(|topic| Help { topic: Some(topic) }.text())
        .collect();
    insta::assert_snapshot!("incident_help_topics", topics.join("\n\n---\n\n"));
}
