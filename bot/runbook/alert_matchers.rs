//! A scenario's `**Alerts:**` annotation: which monitoring alerts start it, as alert names
//! (`DatabaseDown`) or label matchers in Prometheus' notation (`service=database`,
//! `alertname=~"Postgres.*"`, `env!=staging`, `job!~"batch.*"`), separated by commas. A scenario
//! takes an alert when any of its matchers matches; a regular expression matches the whole value,
//! as in Prometheus.

use std::collections::BTreeMap;
use std::fmt;

use regex::Regex;
use serde::{Serialize, Serializer};

/// How a matcher compares a label's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LabelOp {
    #[serde(rename = "=")]
    Equal,
    #[serde(rename = "!=")]
    NotEqual,
    #[serde(rename = "=~")]
    Matches,
    #[serde(rename = "!~")]
    NotMatches,
}

impl LabelOp {
    fn as_str(self) -> &'static str {
        match self {
            LabelOp::Equal => "=",
            LabelOp::NotEqual => "!=",
            LabelOp::Matches => "=~",
            LabelOp::NotMatches => "!~",
        }
    }
}

/// One matcher of an `**Alerts:**` annotation.
#[derive(Debug, Clone)]
pub struct AlertMatcher {
    pub label: String,
    pub op: LabelOp,
    pub value: String,
    /// The value as an anchored expression, for `=~` and `!~`.
    regex: Option<Regex>,
}

impl Serialize for AlertMatcher {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for AlertMatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.label.as_str(), self.op) {
            ("alertname", LabelOp::Equal) => f.write_str(&self.value),
            (label, op) => write!(f, "{label}{}\"{}\"", op.as_str(), self.value),
        }
    }
}

impl AlertMatcher {
    /// Reads one matcher; the error says what is wrong and how to write it.
    pub fn parse(text: &str) -> Result<AlertMatcher, String> {
        let text = text.trim().trim_matches('`').trim();
        let Some(at) = text.find(['=', '!']) else {
            return match is_label_name(text) {
                true => Ok(AlertMatcher::new("alertname", LabelOp::Equal, text, None)),
                false => Err(format!(
                    "`{text}` is neither an alert name nor a matcher like service=database or \
                     alertname=~\"Postgres.*\""
                )),
            };
        };
        let (label, rest) = text.split_at(at);
        let label = label.trim();
        let (op, value) = [
            ("=~", LabelOp::Matches),
            ("!~", LabelOp::NotMatches),
            ("!=", LabelOp::NotEqual),
            ("=", LabelOp::Equal),
        ]
        .into_iter()
        .find_map(|(sign, op)| rest.strip_prefix(sign).map(|value| (op, value)))
        .ok_or_else(|| format!("`{text}`: use =, !=, =~ or !~ between the label and its value"))?;
        if !is_label_name(label) {
            return Err(format!(
                "`{label}` in `{text}` is not a label name (letters, digits and _)"
            ));
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|value| value.strip_suffix('"'))
            .unwrap_or(value);
        let regex = match op {
            LabelOp::Matches | LabelOp::NotMatches => {
                Some(Regex::new(&format!("^(?:{value})$")).map_err(|error| {
                    let why = error.to_string();
                    let last = why.lines().last().unwrap_or_default().trim().to_string();
                    format!("`{value}` in `{text}` is not a regular expression: {last}")
                })?)
            }
            LabelOp::Equal | LabelOp::NotEqual => None,
        };
        Ok(AlertMatcher::new(label, op, value, regex))
    }

    fn new(label: &str, op: LabelOp, value: &str, regex: Option<Regex>) -> AlertMatcher {
        AlertMatcher {
            label: label.to_string(),
            op,
            value: value.to_string(),
            regex,
        }
    }

    /// Whether an alert with these labels (its name under `alertname`) matches. A label it does
    /// not have is empty, as in Prometheus.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.label).map(String::as_str).unwrap_or("");
        match (self.op, &self.regex) {
            (LabelOp::Equal, _) => value == self.value,
            (LabelOp::NotEqual, _) => value != self.value,
            (LabelOp::Matches, Some(regex)) => regex.is_match(value),
            (LabelOp::NotMatches, Some(regex)) => !regex.is_match(value),
            (_, None) => false,
        }
    }
}

fn is_label_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The matchers of an annotation's value, split at commas outside quotes and backticks; each
/// one that cannot be read is an error message instead.
pub fn parse_list(value: &str) -> Vec<Result<AlertMatcher, String>> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut code) = (false, false);
    for c in value.chars() {
        match c {
            '"' => quoted = !quoted,
            '`' => code = !code,
            ',' | ';' if !quoted && !code => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
        .iter()
        .map(|part| part.trim())
        .filter(|part| !part.trim_matches('`').trim().is_empty())
        .map(AlertMatcher::parse)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn names_and_matchers_of_every_kind() {
        let read: Vec<AlertMatcher> = parse_list(
            "`DatabaseDown`, `alertname=~\"Postgres.*\"`, service=database, env!=\"staging\", job!~\"batch|cron\"",
        )
        .into_iter()
        .map(Result::unwrap)
        .collect();
        let shown: Vec<String> = read.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "DatabaseDown",
                "alertname=~\"Postgres.*\"",
                "service=\"database\"",
                "env!=\"staging\"",
                "job!~\"batch|cron\""
            ]
        );
        let down = labels(&[("alertname", "DatabaseDown")]);
        assert!(read[0].matches(&down));
        assert!(read[1].matches(&labels(&[("alertname", "PostgresReplicationLag")])));
        assert!(!read[1].matches(&labels(&[("alertname", "NotPostgres")])));
        assert!(read[2].matches(&labels(&[("service", "database")])));
        assert!(read[3].matches(&down));
        assert!(!read[4].matches(&labels(&[("job", "cron")])));
    }

    #[test]
    fn a_comma_inside_a_regular_expression_does_not_split_it() {
        let read = parse_list("alertname=~\"Disk.{1,3}Full\", CPUHigh");
        assert_eq!(read.len(), 2);
        assert!(read[0]
            .as_ref()
            .unwrap()
            .matches(&labels(&[("alertname", "DiskXFull")])));
    }

    #[test]
    fn bad_matchers_say_how_to_write_them() {
        let read = parse_list("Database Down, alertname=~\"(unclosed\", 9x=1");
        let errors: Vec<String> = read.into_iter().map(Result::unwrap_err).collect();
        assert!(errors[0].starts_with("`Database Down` is neither an alert name nor a matcher"));
        assert!(errors[1].contains("is not a regular expression"));
        assert!(errors[2].contains("`9x` in `9x=1` is not a label name"));
    }
}
