//! Which option of a choice step someone means: its letter (`B`, `option b`) or words of its title
//! (`point in time` for `Point-in-time recovery`, `selective`). Every typed word must be a word of
//! the title, or the start of one (three letters at least); words that fit several options name
//! them all, so the person can say which.

/// How the typed text matched the options of a step, each option as (key, title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionMatch<'a> {
    One(&'a (String, String)),
    /// The words fit each of these options.
    Several(Vec<&'a (String, String)>),
    None,
}

/// The shortest start of a title word that counts as that word (`sel` for `selective`).
const MIN_PREFIX_CHARS: usize = 3;

/// The option `typed` means, by key first, else by the words of its title.
pub fn match_option<'a>(options: &'a [(String, String)], typed: &str) -> OptionMatch<'a> {
    let typed = typed.trim();
    let key = strip_option_word(typed);
    if let Some(option) = options
        .iter()
        .find(|(option_key, _)| option_key.eq_ignore_ascii_case(key))
    {
        return OptionMatch::One(option);
    }
    let typed_words = words(key);
    if typed_words.is_empty() {
        return OptionMatch::None;
    }
    let fitting: Vec<&(String, String)> = options
        .iter()
        .filter(|(_, title)| fits(&typed_words, &words(title)))
        .collect();
    match fitting.as_slice() {
        [] => OptionMatch::None,
        [one] => OptionMatch::One(one),
        _ => OptionMatch::Several(fitting),
    }
}

/// `option b` → `b`; anything else as it is.
fn strip_option_word(typed: &str) -> &str {
    match typed.split_once(char::is_whitespace) {
        Some((first, rest)) if first.eq_ignore_ascii_case("option") => rest.trim(),
        _ => typed,
    }
}

/// Lowercase words of a text, split at anything not a letter or digit (`Point-in-time`).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether every typed word is a title word or the start of one.
fn fits(typed: &[String], title: &[String]) -> bool {
    typed.iter().all(|word| {
        title.iter().any(|title_word| {
            title_word == word
                || (word.chars().count() >= MIN_PREFIX_CHARS
                    && title_word.starts_with(word.as_str()))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<(String, String)> {
        [
            ("A", "Point-in-time recovery"),
            ("B", "Selective restoration"),
            ("C", "Manual correction"),
            ("D", "Manual restoration from replicas"),
        ]
        .map(|(key, title)| (key.to_string(), title.to_string()))
        .to_vec()
    }

    fn key(typed: &str) -> Option<String> {
        match match_option(&options(), typed) {
            OptionMatch::One((key, _)) => Some(key.clone()),
            _ => None,
        }
    }

    #[test]
    fn options_by_letter_in_any_case() {
        assert_eq!(key("b").as_deref(), Some("B"));
        assert_eq!(key(" Option c ").as_deref(), Some("C"));
    }

    #[test]
    fn options_by_their_words_or_the_start_of_them() {
        assert_eq!(key("point in time").as_deref(), Some("A"));
        assert_eq!(key("Point-in-time recovery").as_deref(), Some("A"));
        assert_eq!(key("point-in-time").as_deref(), Some("A"));
        assert_eq!(key("selective").as_deref(), Some("B"));
        assert_eq!(key("manual corr").as_deref(), Some("C"));
        assert_eq!(key("replicas").as_deref(), Some("D"));
        assert_eq!(key("option selective").as_deref(), Some("B"));
    }

    #[test]
    fn words_that_fit_several_options_name_them() {
        let several = |typed| match match_option(&options(), typed) {
            OptionMatch::Several(fitting) => fitting
                .iter()
                .map(|(key, _)| key.clone())
                .collect::<Vec<_>>(),
            other => panic!("{typed}: {other:?}"),
        };
        assert_eq!(several("manual"), ["C", "D"]);
        assert_eq!(several("restoration"), ["B", "D"]);
    }

    #[test]
    fn other_words_match_nothing() {
        for typed in ["", "E", "time travel", "po", "recoveries", "option"] {
            assert_eq!(
                match_option(&options(), typed),
                OptionMatch::None,
                "{typed}"
            );
        }
    }
}
