//! The words an alert and a scenario are compared by: split at CamelCase and punctuation,
//! lowercase, singular, with the filler left out and the usual synonyms of monitoring folded
//! together (`db`, `postgres` → `database`; `unavailable`, `down` → `unreachable`).

/// Words that say nothing about which scenario it is.
const FILLER: &[&str] = &[
    "a",
    "about",
    "across",
    "after",
    "all",
    "alert",
    "an",
    "and",
    "any",
    "are",
    "at",
    "be",
    "by",
    "for",
    "from",
    "has",
    "high",
    "hour",
    "in",
    "is",
    "it",
    "low",
    "minute",
    "more",
    "no",
    "not",
    "of",
    "on",
    "or",
    "over",
    "percent",
    "rate",
    "ratio",
    "second",
    "service",
    "sustained",
    "than",
    "the",
    "to",
    "too",
    "total",
    "unable",
    "with",
    "within",
];

/// Words that mean the same here, and the one they are read as.
const SYNONYMS: &[(&[&str], &str)] = &[
    (
        &[
            "db",
            "postgre",
            "postgres",
            "postgresql",
            "pg",
            "mysql",
            "sql",
            "databas",
        ],
        "database",
    ),
    (
        &[
            "unavailable",
            "unavailability",
            "down",
            "unresponsive",
            "unreachabl",
            "outage",
        ],
        "unreachable",
    ),
    (&["failed", "failing", "fail", "failur"], "failure"),
    (&["connect", "connectivity", "connected"], "connection"),
    (&["corrupt", "corrupted"], "corruption"),
    (&["intrusion", "compromise", "compromised"], "breach"),
    (&["5xx"], "error"),
    (&["latency"], "slow"),
    (&["host", "node", "instance", "vm"], "server"),
];

/// The meaningful words of `text`, each once, in order of appearance.
pub fn words(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for raw in split(text) {
        let Some(word) = meaning(&raw) else {
            continue;
        };
        if !found.contains(&word) {
            found.push(word);
        }
    }
    found
}

/// Splits at anything not a letter or digit, and inside words at CamelCase humps
/// (`DatabaseConnectionFailures`, `HTTPErrors`).
fn split(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for token in text.split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = token.chars().collect();
        let mut current = String::new();
        for (index, &c) in chars.iter().enumerate() {
            let previous = index.checked_sub(1).map(|i| chars[i]);
            let next = chars.get(index + 1);
            let hump = c.is_uppercase()
                && previous.is_some_and(|p| {
                    p.is_lowercase() || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
                });
            if hump && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.extend(c.to_lowercase());
        }
        if !current.is_empty() {
            words.push(current);
        }
    }
    words
}

/// What a lowercase word counts as, or `None` for filler and small numbers.
fn meaning(word: &str) -> Option<String> {
    if word.chars().all(|c| c.is_ascii_digit()) {
        // HTTP statuses say something; thresholds (`5`, `90`) do not.
        return (word.len() == 3).then(|| word.to_string());
    }
    let word = singular(word);
    if word.chars().count() < 2 || FILLER.contains(&word.as_str()) {
        return None;
    }
    let word = SYNONYMS
        .iter()
        .find(|(variants, _)| variants.contains(&word.as_str()))
        .map(|(_, meant)| meant.to_string())
        .unwrap_or(word);
    Some(word)
}

/// `errors` → `error`, `failures` → `failur` (then folded to `failure`), `services` → `service`.
fn singular(word: &str) -> String {
    let stem = word
        .strip_suffix("ies")
        .map(|stem| format!("{stem}y"))
        .or_else(|| {
            word.strip_suffix("es")
                .filter(|stem| stem.ends_with("ss") || stem.ends_with('x') || stem.ends_with("ch"))
                .map(str::to_string)
        })
        .or_else(|| {
            word.strip_suffix('s')
                .filter(|stem| stem.len() > 2 && !stem.ends_with('s'))
                .map(str::to_string)
        })
        .unwrap_or_else(|| word.to_string());
    match stem.strip_suffix('e') {
        // `failure`/`failures` and `database`/`databases` read alike.
        Some(base) if base.ends_with("ur") || base.ends_with("bas") || base.ends_with("abl") => {
            base.to_string()
        }
        _ => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_names_read_as_words() {
        assert_eq!(
            words("DatabaseConnectionFailures"),
            ["database", "connection", "failure"]
        );
        assert_eq!(words("HighErrorRate"), ["error"]);
        assert_eq!(words("HTTPErrors on api-1"), ["http", "error", "api"]);
    }

    #[test]
    fn synonyms_and_plurals_meet() {
        assert_eq!(words("Postgres down"), ["database", "unreachable"]);
        assert_eq!(words("Server unreachable"), ["server", "unreachable"]);
        assert_eq!(
            words("Database connection errors across all services"),
            ["database", "connection", "error"]
        );
        assert_eq!(
            words("500 errors on all client sites"),
            ["500", "error", "client", "site"]
        );
        assert_eq!(words("Disk space >90%"), ["disk", "space"]);
    }
}
