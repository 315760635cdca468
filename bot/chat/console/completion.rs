//! What Tab completes at the console's prompt: the command being typed (`/incident`, its
//! commands from the command language, the console's own), a severity after `/incident open`,
//! and the runbook's scenario names after `/incident open <severity>` and `/incident drill`.

use commands::Severity;

use crate::runbook::Runbook;

/// The console's own commands, beside the bot's.
const CONSOLE_COMMANDS: [&str; 3] = ["/advance", "/as", "/quit"];

/// The words Tab offers, known once at start-up.
#[derive(Debug, Clone)]
pub struct Completions {
    /// `/incident`, `/postmortem` and the console's own.
    first_words: Vec<String>,
    /// What follows `/incident`: `open`, `status`, …
    incident_commands: Vec<String>,
    /// Every name a scenario answers to: its number, slug and aliases.
    scenarios: Vec<String>,
}

impl Completions {
    pub fn new(runbook: &Runbook) -> Completions {
        let mut first_words: Vec<String> = Vec::new();
        let mut incident_commands = Vec::new();
        for spec in commands::specs() {
            let mut words = spec.invocation().split_whitespace();
            let (Some(first), second) = (words.next(), words.next()) else {
                continue;
            };
            if !first_words.iter().any(|known| known == first) {
                first_words.push(first.to_owned());
            }
            if let (Some(second), "/incident") = (second, first) {
                if !incident_commands.iter().any(|known| known == second) {
                    incident_commands.push(second.to_owned());
                }
            }
        }
        first_words.extend(CONSOLE_COMMANDS.map(str::to_owned));
        let mut scenarios = Vec::new();
        for scenario in &runbook.scenarios {
            for name in std::iter::once(&scenario.slug).chain(&scenario.aliases) {
                if !scenarios.contains(name) {
                    scenarios.push(name.clone());
                }
            }
        }
        Completions {
            first_words,
            incident_commands,
            scenarios,
        }
    }

    /// Where the word under the cursor starts in `line` (typed up to the cursor), and the words
    /// that could replace it, in the order they are listed.
    pub fn complete(&self, line: &str) -> (usize, Vec<String>) {
        let start = line.rfind(char::is_whitespace).map_or(0, |space| space + 1);
        let (before, partial) = line.split_at(start);
        let before: Vec<String> = before.split_whitespace().map(str::to_lowercase).collect();
        let before: Vec<&str> = before.iter().map(String::as_str).collect();
        let severities = Severity::ALL.map(Severity::as_str).map(str::to_owned);
        let drill_names = || {
            let mut names = vec!["random".to_owned()];
            names.extend(self.scenarios.iter().cloned());
            names
        };
        let offered: Vec<String> = match before.as_slice() {
            [] => self.first_words.clone(),
            ["/incident"] => self.incident_commands.clone(),
            ["/incident", "open"] => severities.to_vec(),
            ["/incident", "open", severity] if Severity::parse(severity).is_some() => {
                self.scenarios.clone()
            }
            ["/incident", "drill"] => drill_names(),
            _ => Vec::new(),
        };
        let partial = partial.to_lowercase();
        let matching = offered
            .into_iter()
            .filter(|word| word.to_lowercase().starts_with(&partial))
            .collect();
        (start, matching)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::{parse, DEFAULT_RUNBOOK};

    fn completions() -> Completions {
        Completions::new(&parse(DEFAULT_RUNBOOK))
    }

    #[test]
    fn the_first_word_completes_to_the_bots_and_the_consoles_commands() {
        let (start, words) = completions().complete("/in");
        assert_eq!((start, words), (0, vec!["/incident".to_owned()]));
        let (_, words) = completions().complete("");
        assert_eq!(
            words,
            ["/incident", "/postmortem", "/advance", "/as", "/quit"]
        );
        let (_, words) = completions().complete("/a");
        assert_eq!(words, ["/advance", "/as"]);
    }

    #[test]
    fn after_incident_come_its_commands_from_the_command_language() {
        let (start, words) = completions().complete("/incident st");
        assert_eq!(
            (start, words),
            (10, vec!["status".to_owned(), "step".to_owned()])
        );
        let (_, words) = completions().complete("/incident ");
        assert!(words.contains(&"open".to_owned()) && words.contains(&"resolve".to_owned()));
        assert!(!words.contains(&"/postmortem".to_owned()), "{words:?}");
    }

    #[test]
    fn open_completes_a_severity_then_a_scenario_name() {
        let (_, words) = completions().complete("/incident open c");
        assert_eq!(words, ["critical"]);
        let (start, words) = completions().complete("/incident open critical db-");
        assert_eq!(
            (start, words),
            (24, vec!["db-loss".to_owned(), "db-down".to_owned()])
        );
        let (_, words) = completions().complete("/INCIDENT OPEN P1 infra");
        assert_eq!(words, ["infra-loss", "infrastructure-loss"]);
        let (_, words) = completions().complete("/incident open nonsense db");
        assert!(words.is_empty(), "{words:?}");
    }

    #[test]
    fn a_drill_completes_random_or_a_scenario_and_nothing_else_is_guessed() {
        let (_, words) = completions().complete("/incident drill r");
        assert_eq!(words, ["random"]);
        let (_, words) = completions().complete("/incident drill complete-d");
        assert_eq!(words, ["complete-database-loss"]);
        let (_, words) = completions().complete("/incident resolve disk ");
        assert!(words.is_empty(), "{words:?}");
    }
}
