//! Writing arguments back so that they read back the same: the rule every command's `Display` uses.
//!
//! A word is written as typed when it is *plain*: it starts with a letter or digit, has no whitespace
//! and does not start with `INC-`. Anything else is written as a quoted phrase, with `"` and `\`
//! escaped. Free text at the end of a command is written as typed when its first word is plain, and
//! quoted whole otherwise (also when it is a lone number where that would read as an incident). Since a plain word can never be read as a quote, an option (`--services`),
//! an incident reference or a mention, nothing written this way is mistaken for an earlier optional
//! argument. Quoting more than needed is harmless: quoted text always reads back as itself.

use std::borrow::Cow;
use std::fmt;

use crate::incident_ref::{is_number, IncidentRef};

/// Whether `word` can be written without quotes anywhere a word or free text starts.
fn is_plain(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_alphanumeric)
        && !word.contains(char::is_whitespace)
        && !IncidentRef::is_meant(word)
}

/// `text` in double quotes, with `"` and `\` escaped.
pub(crate) fn quoted(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

/// A word argument, quoted unless plain.
pub(crate) fn word(text: &str) -> Cow<'_, str> {
    if is_plain(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(quoted(text))
    }
}

/// Free text ending a command, quoted whole unless its first word is plain.
pub(crate) fn free_text(text: &str) -> Cow<'_, str> {
    if text.split_whitespace().next().is_some_and(is_plain) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(quoted(text))
    }
}

/// Free text that follows an optional incident read also as a lone number (`resolve`, `reopen`):
/// as [`free_text`], and quoted when it is only a number.
pub(crate) fn free_text_after_incident(text: &str) -> Cow<'_, str> {
    if is_number(text.trim()) {
        Cow::Owned(quoted(text))
    } else {
        free_text(text)
    }
}

/// An optional argument: a space and the value, or nothing.
pub(crate) struct Optional<T>(pub(crate) Option<T>);

impl<T: fmt::Display> fmt::Display for Optional<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(value) => write!(f, " {value}"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_are_written_as_typed() {
        for text in [
            "db-loss",
            "A",
            "point-in-time",
            "Ünïcode",
            "3",
            r#"it's"#,
            r"a\b",
        ] {
            assert_eq!(word(text), text);
        }
    }

    #[test]
    fn other_words_are_quoted_and_escaped() {
        assert_eq!(word("database loss"), r#""database loss""#);
        assert_eq!(word(""), r#""""#);
        assert_eq!(word("--services"), r#""--services""#);
        assert_eq!(word("inc-3"), r#""inc-3""#);
        assert_eq!(word("@alice"), r#""@alice""#);
        assert_eq!(word(r#""quoted""#), r#""\"quoted\"""#);
        assert_eq!(word(r"back\slash space"), r#""back\\slash space""#);
    }

    #[test]
    fn free_text_is_quoted_only_when_its_start_could_mislead() {
        assert_eq!(free_text("Primary  cluster down"), "Primary  cluster down");
        assert_eq!(free_text(r#"said "hi""#), r#"said "hi""#);
        assert_eq!(free_text("INC-4 is related"), r#""INC-4 is related""#);
        assert_eq!(free_text("--services are down"), r#""--services are down""#);
        assert_eq!(free_text(r#""quoted" start"#), r#""\"quoted\" start""#);
        assert_eq!(free_text("3"), "3");
        assert_eq!(free_text_after_incident("3 disks failed"), "3 disks failed");
        assert_eq!(free_text_after_incident("3"), r#""3""#);
    }

    #[test]
    fn optional_values_are_preceded_by_a_space() {
        assert_eq!(format!("x{}", Optional(Some(3))), "x 3");
        assert_eq!(format!("x{}", Optional(None::<u8>)), "x");
    }
}
