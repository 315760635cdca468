//! Which runbook scenario an alert calls for, and why. A scenario's `**Alerts:**` matchers come
//! first; else the alert's name (CamelCase split), summary and description are read against each
//! scenario's title, symptoms and services. A word counts for a scenario in inverse proportion
//! to how many scenarios use it (`error` is in three of the seed runbook's, `database` in one),
//! and the best scenario must be clearly ahead: an alert as vague as "Error rate >5%" is matched
//! to none, with the reason. Pure: no IO.

use std::collections::BTreeMap;

use super::alert::Alert;
use super::words::words;
use crate::runbook::{ReferenceKind, Runbook, Scenario};

/// The least score a scenario needs: one word only it uses, or several shared ones.
const LEAST_SCORE: f64 = 1.0;
/// How far ahead of the next scenario the best must be.
const LEAD: f64 = 0.5;

/// What in a scenario an alert matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// One of its `**Alerts:**` matchers, as written.
    Matcher(String),
    Title(String),
    Symptom(String),
    Service(String),
}

/// The answer for one alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matched {
    /// The scenario (its index in the runbook) and why.
    Scenario {
        index: usize,
        evidence: Evidence,
        /// The alert's words that matched, for a match by meaning.
        words: Vec<String>,
    },
    /// No scenario, and why not.
    None(NoMatch),
}

/// Why an alert matched no scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoMatch {
    /// No scenario says any of its words.
    Unknown { words: Vec<String> },
    /// Its words are in several scenarios, none clearly ahead: their numbers.
    Vague {
        words: Vec<String>,
        scenarios: Vec<u32>,
    },
}

impl Matched {
    /// Why, in words: `matched on the symptom “Database connection errors across all services”`.
    pub fn reason(&self, runbook: &Runbook) -> String {
        match self {
            Matched::Scenario { evidence, .. } => match evidence {
                Evidence::Matcher(matcher) => format!("matched on its Alerts: matcher `{matcher}`"),
                Evidence::Title(title) => format!("matched on the title “{title}”"),
                Evidence::Symptom(symptom) => format!("matched on the symptom “{symptom}”"),
                Evidence::Service(service) => format!("matched on the service “{service}”"),
            },
            Matched::None(NoMatch::Unknown { words }) if words.is_empty() => {
                "its name and summary say nothing a scenario could match".to_string()
            }
            Matched::None(NoMatch::Unknown { words }) => format!(
                "no scenario's title, symptoms or services mention {}",
                listed(words, "or")
            ),
            Matched::None(NoMatch::Vague { words, scenarios }) => {
                let names: Vec<String> = scenarios
                    .iter()
                    .map(|number| {
                        runbook
                            .scenarios
                            .iter()
                            .find(|scenario| scenario.number == *number)
                            .map(|scenario| format!("{number} ({})", scenario.title))
                            .unwrap_or_else(|| number.to_string())
                    })
                    .collect();
                format!(
                    "too vague: {} could be scenario {}",
                    listed(words, "and"),
                    names.join(" or ")
                )
            }
        }
    }

    /// The scenario matched, if any.
    pub fn scenario<'r>(&self, runbook: &'r Runbook) -> Option<&'r Scenario> {
        match self {
            Matched::Scenario { index, .. } => runbook.scenarios.get(*index),
            Matched::None(_) => None,
        }
    }
}

fn listed(words: &[String], last: &str) -> String {
    let quoted: Vec<String> = words.iter().map(|word| format!("“{word}”")).collect();
    match quoted.split_last() {
        Some((only, [])) => only.clone(),
        Some((final_word, rest)) => format!("{} {last} {final_word}", rest.join(", ")),
        None => String::new(),
    }
}

/// The scenario `alert` calls for in `runbook`.
pub fn match_alert(alert: &Alert, runbook: &Runbook) -> Matched {
    let mut labels = alert.labels.clone();
    labels
        .entry("alertname".to_string())
        .or_insert_with(|| alert.name.clone());
    let text = [
        Some(alert.name.as_str()),
        alert.summary.as_deref(),
        alert.description.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" ");
    match_text(&labels, &text, runbook)
}

/// The scenario an alert a runbook lists (`Database connection failures`, `DiskSpaceLow`) calls
/// for: the item as the alert's name and its words.
pub fn match_listed(item: &str, runbook: &Runbook) -> Matched {
    let labels = BTreeMap::from([("alertname".to_string(), item.trim().to_string())]);
    match_text(&labels, item, runbook)
}

/// The scenario an alert with these labels (its name under `alertname`) and words calls for.
pub fn match_text(labels: &BTreeMap<String, String>, text: &str, runbook: &Runbook) -> Matched {
    for (index, scenario) in runbook.scenarios.iter().enumerate() {
        if let Some(matcher) = scenario.alerts.iter().find(|m| m.matches(labels)) {
            return Matched::Scenario {
                index,
                evidence: Evidence::Matcher(matcher.to_string()),
                words: Vec::new(),
            };
        }
    }
    by_meaning(&words(text), runbook)
}

/// A scenario's phrases, each with its words.
fn phrases(scenario: &Scenario) -> Vec<(Evidence, Vec<String>)> {
    let mut phrases = vec![(
        Evidence::Title(scenario.title.clone()),
        words(&scenario.title),
    )];
    phrases.extend(
        scenario
            .symptoms
            .iter()
            .map(|symptom| (Evidence::Symptom(symptom.clone()), words(symptom))),
    );
    phrases.extend(
        scenario
            .services
            .iter()
            .map(|service| (Evidence::Service(service.clone()), words(service))),
    );
    phrases
}

fn by_meaning(alert_words: &[String], runbook: &Runbook) -> Matched {
    let scenarios: Vec<Vec<(Evidence, Vec<String>)>> =
        runbook.scenarios.iter().map(phrases).collect();
    let uses = |scenario: &[(Evidence, Vec<String>)], word: &String| {
        scenario.iter().any(|(_, words)| words.contains(word))
    };
    let weight = |word: &String| {
        let users = scenarios.iter().filter(|s| uses(s, word)).count();
        match users {
            0 => 0.0,
            users => 1.0 / users as f64,
        }
    };
    let known: Vec<String> = alert_words
        .iter()
        .filter(|word| weight(word) > 0.0)
        .cloned()
        .collect();
    if known.is_empty() {
        return Matched::None(NoMatch::Unknown {
            words: alert_words.to_vec(),
        });
    }
    let mut scored: Vec<(usize, f64)> = scenarios
        .iter()
        .enumerate()
        .map(|(index, scenario)| {
            let score = known
                .iter()
                .filter(|word| uses(scenario, word))
                .map(weight)
                .sum();
            (index, score)
        })
        .filter(|(_, score)| *score > 0.0)
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let best = scored[0];
    let runner_up = scored.get(1).map_or(0.0, |next| next.1);
    if best.1 < LEAST_SCORE || best.1 - runner_up < LEAD {
        let close: Vec<u32> = scored
            .iter()
            .filter(|(_, score)| best.1 - score < LEAD)
            .map(|(index, _)| runbook.scenarios[*index].number)
            .collect();
        return Matched::None(NoMatch::Vague {
            words: known,
            scenarios: close,
        });
    }
    let (evidence, matched) = scenarios[best.0]
        .iter()
        .map(|(evidence, words)| {
            let shared: Vec<String> = known
                .iter()
                .filter(|word| words.contains(word))
                .cloned()
                .collect();
            let score: f64 = shared.iter().map(weight).sum();
            (evidence, shared, score)
        })
        .max_by(|a, b| a.2.total_cmp(&b.2))
        .map(|(evidence, shared, _)| (evidence.clone(), shared))
        .unwrap_or((Evidence::Title(String::new()), Vec::new()));
    Matched::Scenario {
        index: best.0,
        evidence,
        words: matched,
    }
}

/// The alerts a runbook lists in its alerting sections (`### Critical Alerts`), not its
/// channels: what `check-runbook` tries against the scenarios.
pub fn listed_alerts(runbook: &Runbook) -> Vec<(String, usize)> {
    runbook
        .reference
        .iter()
        .filter(|section| section.kind == ReferenceKind::Alerting)
        .filter(|section| !section.title.to_lowercase().contains("channel"))
        .flat_map(|section| {
            section
                .items
                .iter()
                .map(move |item| (item.clone(), section.line))
        })
        .collect()
}

#[cfg(test)]
mod tests;
