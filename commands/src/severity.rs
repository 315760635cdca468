//! Incident severity: the four levels every runbook and command uses, and the words people type for them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How bad an incident is, from the worst to the mildest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    /// Every severity, worst first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// The words accepted, for error messages.
    pub const CHOICES: &'static str = "critical, high, medium or low";

    /// Reads a severity as people write it: `critical`, `CRITICAL`, `sev1`, `SEV-1`, `p1`, `crit`, `med`.
    pub fn parse(word: &str) -> Option<Severity> {
        let word: String = word
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        match word.as_str() {
            "critical" | "crit" | "sev1" | "s1" | "p1" | "sev0" | "p0" => Some(Severity::Critical),
            "high" | "major" | "sev2" | "s2" | "p2" => Some(Severity::High),
            "medium" | "med" | "moderate" | "sev3" | "s3" | "p3" => Some(Severity::Medium),
            "low" | "minor" | "sev4" | "s4" | "p4" => Some(Severity::Low),
            _ => None,
        }
    }

    /// The canonical lowercase word.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_and_common_aliases_in_any_case() {
        for (word, expected) in [
            ("critical", Severity::Critical),
            ("CRITICAL", Severity::Critical),
            ("Sev1", Severity::Critical),
            ("SEV-1", Severity::Critical),
            ("p1", Severity::Critical),
            ("high", Severity::High),
            ("sev2", Severity::High),
            ("P2", Severity::High),
            ("medium", Severity::Medium),
            ("sev3", Severity::Medium),
            ("low", Severity::Low),
            ("p4", Severity::Low),
        ] {
            assert_eq!(Severity::parse(word), Some(expected), "{word}");
        }
    }

    #[test]
    fn rejects_typos_and_empty_words() {
        for word in ["critcal", "", "sev5", "urgent!", "p"] {
            assert_eq!(Severity::parse(word), None, "{word}");
        }
    }

    #[test]
    fn canonical_word_reads_back() {
        for severity in Severity::ALL {
            assert_eq!(Severity::parse(severity.as_str()), Some(severity));
        }
    }
}
