//! Incident references as people type them: `INC-3`, `inc-12`. A word is taken for a reference only
//! when it starts with `INC-`, so a typo such as `INC-x` is reported instead of read as text; where
//! a number cannot mean anything else (`/incident status 3`), a bare number is one too.

use std::fmt;

use crate::text::strip_prefix_ignore_case;

/// The number of an incident, printed `INC-n`. Always at least 1 when parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IncidentRef(pub u64);

impl IncidentRef {
    /// The prefix that marks a word as an incident reference, in any case.
    pub const PREFIX: &'static str = "INC-";

    /// Reads `INC-n` (any case) with `n` a positive whole number; `INC-0`, `INC-x` and `INC-` are
    /// `None`.
    pub fn parse(word: &str) -> Option<IncidentRef> {
        Self::from_number(strip_prefix_ignore_case(word, Self::PREFIX)?)
    }

    /// Reads `INC-n`, or a bare `n` where a word can mean nothing but an incident (a command
    /// line's argument that names one).
    pub fn parse_or_number(word: &str) -> Option<IncidentRef> {
        Self::parse(word).or_else(|| Self::from_number(word))
    }

    /// Reads a bare number `n` as `INC-n`: a positive whole number of ASCII digits, else `None`.
    pub(crate) fn from_number(digits: &str) -> Option<IncidentRef> {
        if !is_number(digits) {
            return None;
        }
        digits
            .parse()
            .ok()
            .filter(|&number| number > 0)
            .map(IncidentRef)
    }

    /// Whether `word` is meant as an incident reference: it starts with `INC-` in any case.
    pub(crate) fn is_meant(word: &str) -> bool {
        strip_prefix_ignore_case(word, Self::PREFIX).is_some()
    }
}

/// Whether `word` is written as a whole number: ASCII digits only, at least one.
pub(crate) fn is_number(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|byte| byte.is_ascii_digit())
}

impl fmt::Display for IncidentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", Self::PREFIX, self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_references_in_any_case() {
        assert_eq!(IncidentRef::parse("INC-3"), Some(IncidentRef(3)));
        assert_eq!(IncidentRef::parse_or_number("3"), Some(IncidentRef(3)));
        assert_eq!(IncidentRef::parse_or_number("inc-3"), Some(IncidentRef(3)));
        assert_eq!(IncidentRef::parse_or_number("0"), None);
        assert_eq!(IncidentRef::parse_or_number("three"), None);
        assert_eq!(IncidentRef::parse("inc-12"), Some(IncidentRef(12)));
        assert_eq!(IncidentRef::parse("Inc-007"), Some(IncidentRef(7)));
        assert_eq!(
            IncidentRef::parse("INC-18446744073709551615"),
            Some(IncidentRef(u64::MAX))
        );
    }

    #[test]
    fn rejects_zero_non_numbers_and_overflow() {
        for word in [
            "INC-0",
            "INC-x",
            "INC-",
            "INC--3",
            "INC-+3",
            "INC-3a",
            "INC-١",
            "INC-18446744073709551616",
            "INC3",
            "3",
        ] {
            assert_eq!(IncidentRef::parse(word), None, "{word}");
        }
    }

    #[test]
    fn a_word_is_meant_as_a_reference_only_by_its_prefix() {
        assert!(IncidentRef::is_meant("INC-x"));
        assert!(IncidentRef::is_meant("inc-"));
        assert!(!IncidentRef::is_meant("incident"));
        assert!(!IncidentRef::is_meant("3"));
    }

    #[test]
    fn reads_bare_numbers_from_one() {
        assert_eq!(IncidentRef::from_number("3"), Some(IncidentRef(3)));
        assert_eq!(IncidentRef::from_number("007"), Some(IncidentRef(7)));
        for word in [
            "0",
            "",
            "3a",
            "-3",
            "+3",
            "١",
            "18446744073709551616",
            "INC-3",
        ] {
            assert_eq!(IncidentRef::from_number(word), None, "{word}");
        }
        assert!(is_number("0"));
        assert!(!is_number("1.3"));
    }

    #[test]
    fn prints_what_it_reads() {
        assert_eq!(IncidentRef(42).to_string(), "INC-42");
        assert_eq!(
            IncidentRef::parse(&IncidentRef(42).to_string()),
            Some(IncidentRef(42))
        );
    }
}
