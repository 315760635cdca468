//! Reading a command's arguments one at a time, like a shell would split them.
//!
//! Words are separated by whitespace. A word that starts with a double quote (`"database loss"`, or
//! the typographic `“database loss”` that chat clients insert) runs to the matching closing quote;
//! inside it `\"` and `\\` (and `\“`, `\”`) stand for the quote and the backslash, and any other
//! backslash is kept. A word that does not start with a quote ends at the next whitespace and keeps
//! any quotes or backslashes in it. Quoting makes a word literal: it is never taken for an incident
//! reference, an option or a keyword such as `random`.

use crate::error::ErrorKind;
use crate::incident_ref::{is_number, IncidentRef};
use crate::severity::Severity;

/// The opening quotes and the quote that closes each.
const QUOTES: [(char, char); 2] = [('"', '"'), ('“', '”')];

/// The characters a backslash escapes inside a quoted word.
const ESCAPABLE: [char; 4] = ['\\', '"', '“', '”'];

/// Whether `c` opens a quoted word.
fn is_opening_quote(c: char) -> bool {
    closing_quote(c).is_some()
}

fn closing_quote(opening: char) -> Option<char> {
    QUOTES
        .into_iter()
        .find(|&(open, _)| open == opening)
        .map(|(_, close)| close)
}

/// One argument: as typed, or the contents of a quoted phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Word<'a> {
    Bare(&'a str),
    Quoted(String),
}

impl Word<'_> {
    pub(crate) fn text(&self) -> &str {
        match self {
            Word::Bare(text) => text,
            Word::Quoted(text) => text,
        }
    }

    /// The word as typed, unless it was quoted.
    pub(crate) fn bare(&self) -> Option<&str> {
        match self {
            Word::Bare(text) => Some(text),
            Word::Quoted(_) => None,
        }
    }

    pub(crate) fn into_text(self) -> String {
        match self {
            Word::Bare(text) => text.to_string(),
            Word::Quoted(text) => text,
        }
    }
}

/// The arguments of one command not read yet.
#[derive(Debug)]
pub(crate) struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Cursor<'a> {
        Cursor { rest: text }
    }

    /// The next word, or `None` at the end.
    pub(crate) fn next_word(&mut self) -> Result<Option<Word<'a>>, ErrorKind> {
        let text = self.rest.trim_start();
        let mut chars = text.chars();
        let Some(first) = chars.next() else {
            self.rest = text;
            return Ok(None);
        };
        if let Some(close) = closing_quote(first) {
            let (quoted, after) =
                read_quoted(chars.as_str(), close).ok_or(ErrorKind::UnclosedQuote)?;
            self.rest = after;
            return Ok(Some(Word::Quoted(quoted)));
        }
        let (word, after) = split_bare(text);
        self.rest = after;
        Ok(Some(Word::Bare(word)))
    }

    /// The next word, or `None` at the end; a blank quoted word (`""`) counts as `what` missing.
    pub(crate) fn optional_word(
        &mut self,
        what: &'static str,
    ) -> Result<Option<Word<'a>>, ErrorKind> {
        match self.next_word()? {
            Some(word) if word.text().trim().is_empty() => Err(ErrorKind::Missing { what }),
            word => Ok(word),
        }
    }

    /// The next word, which must be there and not blank.
    pub(crate) fn required_word(&mut self, what: &'static str) -> Result<Word<'a>, ErrorKind> {
        self.optional_word(what)?.ok_or(ErrorKind::Missing { what })
    }

    /// Takes the next word only if it is not quoted and `wanted` accepts it.
    pub(crate) fn next_bare_if(&mut self, wanted: impl FnOnce(&str) -> bool) -> Option<&'a str> {
        let text = self.rest.trim_start();
        if text.starts_with(is_opening_quote) {
            return None;
        }
        let (word, after) = split_bare(text);
        if word.is_empty() || !wanted(word) {
            return None;
        }
        self.rest = after;
        Some(word)
    }

    /// An incident reference if the next word starts with `INC-`; an error if it does but is not one.
    pub(crate) fn optional_incident(&mut self) -> Result<Option<IncidentRef>, ErrorKind> {
        let Some(word) = self.next_bare_if(IncidentRef::is_meant) else {
            return Ok(None);
        };
        IncidentRef::parse(word)
            .map(Some)
            .ok_or_else(|| ErrorKind::NotA {
                word: word.to_string(),
                what: "an incident",
                choices: "INC- and a number from 1, e.g. INC-3",
            })
    }

    /// An incident reference as `INC-n` or as a bare number (`3` for INC-3), for commands where
    /// a number in that place cannot mean anything else (`/incident status 3`).
    pub(crate) fn optional_incident_or_number(&mut self) -> Result<Option<IncidentRef>, ErrorKind> {
        match self.next_bare_if(is_number) {
            Some(number) => incident_number(number).map(Some),
            None => self.optional_incident(),
        }
    }

    /// An incident reference as `INC-n`, or as a bare number when nothing follows it: for commands
    /// whose free text could start with a number (`/incident resolve 3` is INC-3, while
    /// `/incident resolve 3 disks failed` is a root cause).
    pub(crate) fn optional_incident_or_lone_number(
        &mut self,
    ) -> Result<Option<IncidentRef>, ErrorKind> {
        let lone = {
            let mut ahead = Cursor::new(self.rest);
            ahead.next_bare_if(is_number).is_some() && ahead.rest.trim().is_empty()
        };
        if lone {
            return self.optional_incident_or_number();
        }
        self.optional_incident()
    }

    /// An optional incident reference (`INC-3` or `3`) and nothing else, for commands that take
    /// only that.
    pub(crate) fn only_optional_incident(&mut self) -> Result<Option<IncidentRef>, ErrorKind> {
        let incident = self.optional_incident_or_number()?;
        self.finish("at most an incident like INC-3")?;
        Ok(incident)
    }

    /// The next word as a severity.
    pub(crate) fn severity(&mut self) -> Result<Severity, ErrorKind> {
        let word = self.required_word("a severity")?;
        Severity::parse(word.text()).ok_or_else(|| ErrorKind::NotA {
            word: word.into_text(),
            what: "a severity",
            choices: Severity::CHOICES,
        })
    }

    /// Everything left, trimmed, as free text: `None` if blank. When all of it is one quoted phrase,
    /// the phrase's contents (trimmed); otherwise the text as typed, quotes and all.
    pub(crate) fn rest_of_line(&mut self) -> Option<String> {
        let text = self.rest.trim();
        self.rest = "";
        let mut whole = Cursor::new(text);
        let line = match whole.next_word() {
            Ok(Some(Word::Quoted(phrase))) if whole.rest.trim().is_empty() => {
                phrase.trim().to_string()
            }
            _ => text.to_string(),
        };
        (!line.is_empty()).then_some(line)
    }

    /// The rest of the line as free text, which must be there.
    pub(crate) fn required_rest(&mut self, what: &'static str) -> Result<String, ErrorKind> {
        self.rest_of_line().ok_or(ErrorKind::Missing { what })
    }

    /// Succeeds only if nothing is left; otherwise names the extra words and what the command
    /// `takes`.
    pub(crate) fn finish(&self, takes: &'static str) -> Result<(), ErrorKind> {
        let extra = self.rest.trim();
        if extra.is_empty() {
            return Ok(());
        }
        Err(ErrorKind::TooMany {
            takes,
            extra: extra.to_string(),
        })
    }
}

/// A bare number read as an incident; `0` and numbers too large are not incidents.
fn incident_number(number: &str) -> Result<IncidentRef, ErrorKind> {
    IncidentRef::from_number(number).ok_or_else(|| ErrorKind::NotA {
        word: number.to_string(),
        what: "an incident",
        choices: "INC- and a number from 1, e.g. INC-3",
    })
}

/// Splits `word rest` at the first whitespace.
fn split_bare(text: &str) -> (&str, &str) {
    text.split_once(char::is_whitespace).unwrap_or((text, ""))
}

/// Reads a quoted word's contents up to `close`, unescaping; returns them and the text after the
/// closing quote, or `None` if the quote is never closed.
fn read_quoted(text: &str, close: char) -> Option<(String, &str)> {
    let mut contents = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == close {
            return Some((contents, chars.as_str()));
        }
        if c == '\\' {
            let mut ahead = chars.clone();
            if let Some(escaped) = ahead.next().filter(|next| ESCAPABLE.contains(next)) {
                contents.push(escaped);
                chars = ahead;
                continue;
            }
        }
        contents.push(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Result<Vec<String>, ErrorKind> {
        let mut cursor = Cursor::new(text);
        let mut words = Vec::new();
        while let Some(word) = cursor.next_word()? {
            words.push(word.into_text());
        }
        Ok(words)
    }

    #[test]
    fn splits_on_any_whitespace() {
        assert_eq!(
            words("  open\tcritical\n db-loss  ").unwrap(),
            ["open", "critical", "db-loss"]
        );
        assert_eq!(words("").unwrap(), Vec::<String>::new());
        assert_eq!(words(" \u{3000} ").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn quoted_phrases_are_one_word() {
        assert_eq!(
            words(r#"open "database loss" x"#).unwrap(),
            ["open", "database loss", "x"]
        );
        assert_eq!(words("“database loss” x").unwrap(), ["database loss", "x"]);
        assert_eq!(words(r#""" x"#).unwrap(), ["", "x"]);
    }

    #[test]
    fn backslashes_escape_quotes_and_themselves_only() {
        assert_eq!(words(r#""say \"hi\"""#).unwrap(), [r#"say "hi""#]);
        assert_eq!(words(r#""a\\b""#).unwrap(), [r"a\b"]);
        assert_eq!(words(r#""a\nb""#).unwrap(), [r"a\nb"]);
        assert_eq!(words(r#""ends with \\""#).unwrap(), [r"ends with \"]);
        assert_eq!(words("“it\\”s”").unwrap(), ["it”s"]);
    }

    #[test]
    fn quotes_inside_a_bare_word_are_kept() {
        assert_eq!(
            words(r#"it's a"b c\d"#).unwrap(),
            ["it's", r#"a"b"#, r"c\d"]
        );
        assert_eq!(words(r#""ab"cd"#).unwrap(), ["ab", "cd"]);
    }

    #[test]
    fn an_unclosed_quote_is_an_error() {
        assert_eq!(
            words(r#"open "database loss"#),
            Err(ErrorKind::UnclosedQuote)
        );
        assert_eq!(words(r#""escaped \""#), Err(ErrorKind::UnclosedQuote));
        assert_eq!(words("“a\""), Err(ErrorKind::UnclosedQuote));
    }

    #[test]
    fn blank_words_count_as_missing() {
        let missing = Err(ErrorKind::Missing { what: "a role" });
        assert_eq!(Cursor::new(r#""  " x"#).required_word("a role"), missing);
        assert_eq!(Cursor::new("   ").required_word("a role"), missing);
        assert_eq!(Cursor::new("").optional_word("a role"), Ok(None));
    }

    #[test]
    fn bare_words_are_taken_only_when_wanted() {
        let mut cursor = Cursor::new(r#"INC-3 "INC-4" rest"#);
        assert_eq!(cursor.next_bare_if(|w| w.starts_with("INC")), Some("INC-3"));
        assert_eq!(cursor.next_bare_if(|_| true), None);
        assert_eq!(
            cursor.next_word().unwrap(),
            Some(Word::Quoted("INC-4".to_string()))
        );
        assert_eq!(cursor.next_bare_if(|w| w == "other"), None);
        assert_eq!(cursor.next_bare_if(|w| w == "rest"), Some("rest"));
    }

    #[test]
    fn reads_optional_incident_references() {
        let mut cursor = Cursor::new("inc-7 update");
        assert_eq!(cursor.optional_incident(), Ok(Some(IncidentRef(7))));
        assert_eq!(cursor.optional_incident(), Ok(None));
        assert_eq!(
            Cursor::new("INC-0").optional_incident(),
            Err(ErrorKind::NotA {
                word: "INC-0".to_string(),
                what: "an incident",
                choices: "INC- and a number from 1, e.g. INC-3"
            })
        );
        assert_eq!(Cursor::new(r#""INC-0""#).optional_incident(), Ok(None));
        assert_eq!(Cursor::new(r#""unclosed"#).optional_incident(), Ok(None));
    }

    #[test]
    fn reads_a_lone_incident_reference() {
        assert_eq!(
            Cursor::new(" INC-2 ").only_optional_incident(),
            Ok(Some(IncidentRef(2)))
        );
        assert_eq!(Cursor::new("").only_optional_incident(), Ok(None));
        assert_eq!(
            Cursor::new(" 2 ").only_optional_incident(),
            Ok(Some(IncidentRef(2)))
        );
        assert_eq!(
            Cursor::new(r#""2""#).only_optional_incident(),
            Err(ErrorKind::TooMany {
                takes: "at most an incident like INC-3",
                extra: r#""2""#.to_string()
            })
        );
        assert_eq!(
            Cursor::new("INC-2 now").only_optional_incident(),
            Err(ErrorKind::TooMany {
                takes: "at most an incident like INC-3",
                extra: "now".to_string()
            })
        );
    }

    #[test]
    fn a_bare_number_is_an_incident_where_it_can_mean_nothing_else() {
        let mut cursor = Cursor::new("12 final");
        assert_eq!(
            cursor.optional_incident_or_number(),
            Ok(Some(IncidentRef(12)))
        );
        assert_eq!(cursor.rest.trim(), "final");
        assert_eq!(
            Cursor::new("0").optional_incident_or_number(),
            Err(ErrorKind::NotA {
                word: "0".to_string(),
                what: "an incident",
                choices: "INC- and a number from 1, e.g. INC-3"
            })
        );
        assert_eq!(
            Cursor::new("inc-4").optional_incident_or_number(),
            Ok(Some(IncidentRef(4)))
        );
        assert_eq!(Cursor::new("1.3").optional_incident_or_number(), Ok(None));
    }

    #[test]
    fn a_number_before_free_text_stays_text() {
        let lone = |text| Cursor::new(text).optional_incident_or_lone_number();
        assert_eq!(lone(" 3 "), Ok(Some(IncidentRef(3))));
        assert_eq!(lone("INC-3 disks failed"), Ok(Some(IncidentRef(3))));
        assert_eq!(lone("3 disks failed"), Ok(None));
        assert_eq!(lone(""), Ok(None));
        let mut cursor = Cursor::new("3 disks failed");
        cursor.optional_incident_or_lone_number().unwrap();
        assert_eq!(cursor.rest_of_line().as_deref(), Some("3 disks failed"));
    }

    #[test]
    fn reads_severities() {
        assert_eq!(Cursor::new("SEV1").severity(), Ok(Severity::Critical));
        assert_eq!(
            Cursor::new("critcal").severity(),
            Err(ErrorKind::NotA {
                word: "critcal".to_string(),
                what: "a severity",
                choices: Severity::CHOICES
            })
        );
        assert_eq!(
            Cursor::new("").severity(),
            Err(ErrorKind::Missing { what: "a severity" })
        );
    }

    #[test]
    fn rest_of_line_keeps_text_and_unquotes_a_single_phrase() {
        let rest = |text| Cursor::new(text).rest_of_line();
        assert_eq!(
            rest("  Primary  down \n"),
            Some("Primary  down".to_string())
        );
        assert_eq!(
            rest(r#" "--services is down" "#),
            Some("--services is down".to_string())
        );
        assert_eq!(rest(r#"" padded ""#), Some("padded".to_string()));
        assert_eq!(rest(r#""a" and "b""#), Some(r#""a" and "b""#.to_string()));
        assert_eq!(rest(r#""unclosed"#), Some(r#""unclosed"#.to_string()));
        assert_eq!(rest(r#"  ""  "#), None);
        assert_eq!(rest("   "), None);
    }

    #[test]
    fn finish_rejects_leftover_words() {
        assert_eq!(Cursor::new("  ").finish("no arguments"), Ok(()));
        assert_eq!(
            Cursor::new(" foo bar ").finish("no arguments"),
            Err(ErrorKind::TooMany {
                takes: "no arguments",
                extra: "foo bar".to_string()
            })
        );
    }
}
