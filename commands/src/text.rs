//! Case-insensitive matching of the ASCII keywords at the start or end of a word (`INC-`,
//! `--services=`, `ago`), without indexing that could split a character.

/// `text` without `prefix`, if it starts with it in any ASCII case.
pub(crate) fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| text.get(prefix.len()..))
        .flatten()
}

/// `text` without `suffix`, if it ends with it in any ASCII case.
pub(crate) fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let start = text.len().checked_sub(suffix.len())?;
    let tail = text.get(start..)?;
    tail.eq_ignore_ascii_case(suffix)
        .then(|| text.get(..start))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_prefixes_in_any_case() {
        assert_eq!(strip_prefix_ignore_case("INC-3", "inc-"), Some("3"));
        assert_eq!(strip_prefix_ignore_case("inc-", "INC-"), Some(""));
        assert_eq!(strip_prefix_ignore_case("in", "inc-"), None);
        assert_eq!(strip_prefix_ignore_case("incident", "inc-"), None);
    }

    #[test]
    fn strips_suffixes_in_any_case() {
        assert_eq!(strip_suffix_ignore_case("10m AGO", "ago"), Some("10m "));
        assert_eq!(strip_suffix_ignore_case("ago", "ago"), Some(""));
        assert_eq!(strip_suffix_ignore_case("go", "ago"), None);
    }

    #[test]
    fn never_splits_a_character() {
        assert_eq!(strip_prefix_ignore_case("éé-3", "inc-"), None);
        assert_eq!(strip_prefix_ignore_case("🙂", "ab"), None);
        assert_eq!(strip_suffix_ignore_case("1🙂", "ago"), None);
    }
}
