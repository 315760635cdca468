//! From what people type to a scenario: `1`, `complete-database-loss`, `db-loss`, `database`,
//! `infra-loss`. Works from the words of each title with common abbreviations, so it fits any
//! runbook, not just one. A match by a scenario's number or names is exact; one by the words of
//! its title (`db-los`) says so ([`ScenarioMatch::exact`]), and one where no typed word is a title
//! word or the start of one (only typos and words for failure) is too far to take: it is refused
//! with the close names.

use std::fmt;

use super::diagnostics::Diagnostics;
use super::model::{Runbook, Scenario};

/// Abbreviations people use for words in scenario titles. Generic operations vocabulary.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("db", "database"),
    ("dbs", "databases"),
    ("app", "application"),
    ("apps", "applications"),
    ("infra", "infrastructure"),
    ("sec", "security"),
    ("auth", "authentication"),
    ("authz", "authorization"),
    ("net", "network"),
    ("k8s", "kubernetes"),
    ("cfg", "configuration"),
    ("config", "configuration"),
    ("env", "environment"),
    ("prod", "production"),
    ("svc", "service"),
    ("dc", "datacenter"),
    ("repo", "repository"),
    ("cert", "certificate"),
    ("certs", "certificates"),
    ("msg", "message"),
    ("perf", "performance"),
    ("mem", "memory"),
];

/// Words for "it stopped working" that stand in for one another in titles and queries.
const FAILURE_WORDS: &[&str] = &[
    "loss",
    "lost",
    "down",
    "outage",
    "failure",
    "fail",
    "failed",
    "crash",
    "crashed",
    "unavailable",
    "dead",
];

/// Words that say how bad, not what: dropped to make short names (`database-loss`).
const QUALIFIERS: &[&str] = &["complete", "total", "full", "partial", "major", "minor"];

const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "of", "and", "or", "in", "on", "for", "to", "with",
];

/// Why what was typed did not pick one scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("`{query}` could be {}: say which", list(candidates, " or "))]
    Ambiguous {
        query: String,
        candidates: Vec<ScenarioName>,
    },
    #[error("no scenario matches `{query}`. Scenarios: {}", list(available, "; "))]
    Unknown {
        query: String,
        available: Vec<ScenarioName>,
    },
    #[error(
        "`{query}` is not a scenario's name: did you mean {}? Type its name or number",
        list(close, " or ")
    )]
    TooFar {
        query: String,
        close: Vec<ScenarioName>,
    },
}

/// The scenario someone meant, and whether they typed one of its names.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioMatch<'a> {
    pub scenario: &'a Scenario,
    /// By its number, slug or an alias; false when by the words of its title.
    pub exact: bool,
}

/// A scenario as shown in lookup messages: `1 db-loss (Complete Database Loss)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioName {
    pub number: u32,
    pub short_name: String,
    pub title: String,
}

impl fmt::Display for ScenarioName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.number, self.short_name, self.title)
    }
}

fn list(names: &[ScenarioName], separator: &str) -> String {
    names
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

impl ScenarioName {
    fn of(scenario: &Scenario) -> ScenarioName {
        ScenarioName {
            number: scenario.number,
            short_name: scenario.short_name().to_string(),
            title: scenario.title.clone(),
        }
    }
}

/// `Complete Database Loss!` → `complete-database-loss`.
pub fn slugify(text: &str) -> String {
    words(text).join("-")
}

/// Lowercase alphanumeric words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Lowercase words of a text with abbreviations written out: `Complete DB Loss` → `complete`,
/// `database`, `loss`.
pub fn title_words(text: &str) -> Vec<String> {
    words(text)
        .iter()
        .map(|word| expand(word).to_string())
        .collect()
}

fn expand(word: &str) -> &str {
    ABBREVIATIONS
        .iter()
        .find(|(short, _)| *short == word)
        .map_or(word, |(_, long)| long)
}

fn abbreviate(word: &str) -> &str {
    ABBREVIATIONS
        .iter()
        .find(|(_, long)| *long == word)
        .map_or(word, |(short, _)| short)
}

/// Short names derived from a title: abbreviated, and without qualifier words.
/// `Complete Database Loss` → `db-loss`, `database-loss`.
pub(crate) fn derived_aliases(title: &str) -> Vec<String> {
    let all = words(title);
    let core: Vec<&str> = all
        .iter()
        .map(String::as_str)
        .filter(|word| !QUALIFIERS.contains(word))
        .collect();
    let core = if core.is_empty() {
        all.iter().map(String::as_str).collect()
    } else {
        core
    };
    let abbreviated: Vec<&str> = core.iter().map(|word| abbreviate(word)).collect();
    let mut aliases = Vec::new();
    for alias in [abbreviated.join("-"), core.join("-")] {
        if !alias.is_empty() && alias != slugify(title) && !aliases.contains(&alias) {
            aliases.push(alias);
        }
    }
    aliases
}

/// Gives each scenario its names: a slug used twice and an `**Aliases:**` name that another
/// scenario already has are errors (either would send `/incident open` to the wrong scenario);
/// a derived short name is kept only when it points at one scenario and no written name.
pub(crate) fn name_scenarios(scenarios: &mut [Scenario], diagnostics: &mut Diagnostics) {
    let slugs: Vec<String> = scenarios.iter().map(|s| s.slug.clone()).collect();
    for (index, scenario) in scenarios.iter().enumerate() {
        if let Some(first) = slugs[..index]
            .iter()
            .position(|slug| *slug == scenario.slug)
        {
            diagnostics.error(
                scenario.line,
                format!(
                    "scenario {} is called `{}` like scenario {}: give them different titles",
                    scenario.number, scenario.slug, scenarios[first].number
                ),
            );
        }
    }
    // Written aliases, each checked against every slug and the written aliases before it.
    let mut written: Vec<(String, u32)> = Vec::new();
    for index in 0..scenarios.len() {
        let number = scenarios[index].number;
        for alias in std::mem::take(&mut scenarios[index].aliases) {
            if alias.is_empty()
                || alias == slugs[index]
                || scenarios[index].aliases.contains(&alias)
            {
                continue;
            }
            let other_title = slugs.iter().position(|slug| *slug == alias);
            let other_alias = written.iter().find(|(name, _)| *name == alias);
            let whose = match (other_title, other_alias) {
                (Some(other), _) => format!("the name of scenario {}", scenarios[other].number),
                (None, Some((_, other))) => format!("an alias of scenario {other}"),
                (None, None) => {
                    written.push((alias.clone(), number));
                    scenarios[index].aliases.push(alias);
                    continue;
                }
            };
            diagnostics.error(
                scenarios[index].line,
                format!(
                    "alias `{alias}` of scenario {number} is already {whose}, so `/incident \
                     open` cannot tell which is meant: rename or remove it"
                ),
            );
        }
    }
    let derived: Vec<Vec<String>> = scenarios
        .iter()
        .map(|scenario| derived_aliases(&scenario.title))
        .collect();
    for (index, scenario) in scenarios.iter_mut().enumerate() {
        for alias in &derived[index] {
            let shared = derived
                .iter()
                .enumerate()
                .any(|(other, names)| other != index && names.contains(alias));
            let taken = slugs.contains(alias) || written.iter().any(|(name, _)| name == alias);
            if !shared && !taken && !scenario.aliases.contains(alias) {
                scenario.aliases.push(alias.clone());
            }
        }
    }
}

/// A typed word that is a title word (abbreviations written out).
const SAME_WORD: u32 = 4;
/// A typed word that starts a title word.
const START_OF_WORD: u32 = 3;
/// Two words for failure (`down` for `loss`).
const FAILURE_WORD: u32 = 2;

/// How well one typed word matches one title word; `None` when it does not.
fn word_score(query: &str, title_word: &str) -> Option<u32> {
    let (query, title_word) = (expand(query), expand(title_word));
    if query == title_word {
        return Some(SAME_WORD);
    }
    if query.len() >= 3 && title_word.starts_with(query) {
        return Some(START_OF_WORD);
    }
    if FAILURE_WORDS.contains(&query) && FAILURE_WORDS.contains(&title_word) {
        return Some(FAILURE_WORD);
    }
    let typo_allowance = match query.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    (typo_allowance > 0 && strsim::damerau_levenshtein(query, title_word) <= typo_allowance)
        .then_some(1)
}

/// How well a typed phrase matches a scenario title: every typed word must match some title word.
/// The total, and the best score of one word.
fn phrase_score(query_words: &[String], scenario: &Scenario) -> Option<(u32, u32)> {
    let title_words = words(&scenario.title);
    query_words.iter().try_fold((0, 0), |(total, best), query| {
        title_words
            .iter()
            .filter_map(|word| word_score(query, word))
            .max()
            .map(|score| (total + score, best.max(score)))
    })
}

/// Reads `1`, `#1`, `s1`, `scenario-1`, `scenario 1` as a scenario number.
fn scenario_number(query_words: &[String]) -> Option<u32> {
    match query_words {
        [only] => only
            .strip_prefix('s')
            .filter(|rest| !rest.is_empty())
            .unwrap_or(only)
            .parse()
            .ok(),
        [scenario, number] if scenario == "scenario" => number.parse().ok(),
        _ => None,
    }
}

impl Runbook {
    /// Finds the scenario someone means (see [`Runbook::match_scenario`]).
    pub fn find_scenario(&self, query: &str) -> Result<&Scenario, LookupError> {
        self.match_scenario(query).map(|found| found.scenario)
    }

    /// Finds the scenario someone means, and says whether by its name. Exact names (number, slug,
    /// alias) win; otherwise the best match of the title's words, where a tie is reported as
    /// ambiguous and a match by typos and words for failure only as too far.
    pub fn match_scenario(&self, query: &str) -> Result<ScenarioMatch<'_>, LookupError> {
        let query_words = words(query);
        let slug = query_words.join("-");
        let exact = self.scenarios.iter().find(|scenario| {
            scenario.slug == slug
                || scenario.aliases.contains(&slug)
                || scenario_number(&query_words) == Some(scenario.number)
        });
        if let Some(scenario) = exact {
            return Ok(ScenarioMatch {
                scenario,
                exact: true,
            });
        }
        let meaningful: Vec<String> = query_words
            .into_iter()
            .filter(|word| !STOP_WORDS.contains(&word.as_str()))
            .collect();
        let scored: Vec<((u32, u32), &Scenario)> = if meaningful.is_empty() {
            Vec::new()
        } else {
            self.scenarios
                .iter()
                .filter_map(|scenario| Some((phrase_score(&meaningful, scenario)?, scenario)))
                .collect()
        };
        let best = scored.iter().map(|((total, _), _)| *total).max();
        let winners: Vec<(u32, &Scenario)> = scored
            .iter()
            .filter(|((total, _), _)| Some(*total) == best)
            .map(|((_, best_word), scenario)| (*best_word, *scenario))
            .collect();
        match winners.as_slice() {
            [(best_word, one)] if *best_word < START_OF_WORD => Err(LookupError::TooFar {
                query: query.trim().to_string(),
                close: vec![ScenarioName::of(one)],
            }),
            [(_, one)] => Ok(ScenarioMatch {
                scenario: one,
                exact: false,
            }),
            [] => Err(LookupError::Unknown {
                query: query.trim().to_string(),
                available: self.scenarios.iter().map(ScenarioName::of).collect(),
            }),
            several => Err(LookupError::Ambiguous {
                query: query.trim().to_string(),
                candidates: several.iter().map(|(_, s)| ScenarioName::of(s)).collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_derived_names() {
        assert_eq!(slugify("Complete Database Loss"), "complete-database-loss");
        assert_eq!(slugify("  Data  Corruption!! "), "data-corruption");
        assert_eq!(
            derived_aliases("Complete Database Loss"),
            vec!["db-loss", "database-loss"]
        );
        assert_eq!(
            derived_aliases("Application Server Failure"),
            vec!["app-server-failure"]
        );
        assert!(derived_aliases("Data Corruption").is_empty());
    }

    #[test]
    fn word_scores_prefer_exact_over_prefix_over_typo() {
        assert_eq!(word_score("loss", "loss"), Some(SAME_WORD));
        assert_eq!(word_score("los", "loss"), Some(START_OF_WORD));
        assert_eq!(word_score("db", "database"), Some(4));
        assert_eq!(word_score("infra", "infrastructure"), Some(4));
        assert_eq!(word_score("corrupt", "corruption"), Some(3));
        assert_eq!(word_score("down", "loss"), Some(2));
        assert_eq!(word_score("databse", "database"), Some(1));
        assert_eq!(word_score("database", "data"), None);
    }
}
