//! Discord's text rules: plain text made safe for Discord's markdown, code made safe inside a
//! ``` block, and cutting text to Discord's limits with a visible `…`.
//!
//! Lengths are counted in UTF-16 code units ([`len`]). Discord states its limits in
//! "characters"; a UTF-16 count is never smaller than a count of Unicode scalar values (what
//! Discord's backend counts) and only larger for characters outside the Basic Multilingual Plane
//! (emoji), so a text within a limit in UTF-16 units is within it either way. Cuts fall on char
//! boundaries, never inside a character.

/// Breaks a mention or a run of backticks without showing anything.
pub(super) const ZERO_WIDTH_SPACE: char = '\u{200B}';
/// The visible mark left where text was cut.
pub(super) const CUT_MARK: &str = "…";

/// What Discord pings for a bare `@word` (in message content, and only when allowed).
const BROADCASTS: [&str; 2] = ["everyone", "here"];
/// Characters Discord's markdown reads as formatting; a backslash before one shows it as typed.
const FORMATTING: [char; 10] = ['\\', '*', '_', '~', '`', '|', '>', '#', '[', ']'];
/// Characters that start a list at the beginning of a line (`- item`, `+ item`).
const LIST_MARKERS: [char; 2] = ['-', '+'];
/// The link schemes Discord turns into links by itself; the URL is copied as typed, since
/// Discord would show a backslash inside it.
const URL_STARTS: [&str; 2] = ["http://", "https://"];

/// The length of `text` as [`len`] counts it: UTF-16 code units.
pub(super) fn len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Plain text as Discord markdown that shows as typed: no formatting, headings, lists, quotes,
/// masked links, spoilers, mentions or broadcasts.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        escape_line(line, &mut out);
    }
    out
}

fn escape_line(line: &str, out: &mut String) {
    let indent = line.len() - line.trim_start().len();
    out.push_str(&line[..indent]);
    let mut rest = &line[indent..];
    // `- item`, `+ item`, `-# subtext` and `1. item` start lists and small print.
    if rest.starts_with(LIST_MARKERS) {
        out.push('\\');
    } else if let Some(dot) = ordered_list_dot(rest) {
        out.push_str(&rest[..dot]);
        out.push('\\');
        rest = &rest[dot..];
    }
    let mut chars = rest.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let tail = &rest[at..];
        if let Some(url) = url_at(tail) {
            out.push_str(&defuse(url));
            // Skip the rest of the URL: it was copied whole.
            while chars.peek().is_some_and(|(next, _)| *next < at + url.len()) {
                chars.next();
            }
            continue;
        }
        match c {
            c if FORMATTING.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            '<' => {
                out.push('<');
                out.push(ZERO_WIDTH_SPACE);
            }
            '@' => {
                out.push('@');
                if is_broadcast(&tail[1..]) {
                    out.push(ZERO_WIDTH_SPACE);
                }
            }
            c => out.push(c),
        }
    }
}

/// The byte offset of the `.` or `)` of a line starting `12. `, if it does.
fn ordered_list_dot(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let after = line.as_bytes().get(digits)?;
    (digits > 0 && matches!(after, b'.' | b')')).then_some(digits)
}

/// The URL that `text` starts with, up to the next space or `<`, as Discord reads one.
fn url_at(text: &str) -> Option<&str> {
    if !URL_STARTS.iter().any(|start| text.starts_with(start)) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || c == '<')
        .unwrap_or(text.len());
    Some(&text[..end])
}

/// Text shown without escaping (URLs) still never pings: a zero-width space after the `@` of
/// `@everyone` and `@here`.
fn defuse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        out.push(c);
        if c == '@' && is_broadcast(&text[at + 1..]) {
            out.push(ZERO_WIDTH_SPACE);
        }
    }
    out
}

/// Whether the text after an `@` names a broadcast, in any case.
fn is_broadcast(rest: &str) -> bool {
    BROADCASTS.iter().any(|word| {
        rest.get(..word.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(word))
    })
}

/// Code as a ``` block of at most `max` units (when `max` leaves room for the fences), shown
/// verbatim: a zero-width space between two backticks keeps ``` in the code from closing the
/// block, and a language tag is kept only when it is one word Discord could highlight. Code
/// that does not fit is cut, with `…` inside the block.
pub(super) fn code_block(lang: Option<&str>, code: &str, max: usize) -> String {
    let lang = lang
        .map(str::trim)
        .filter(|lang| is_language_tag(lang))
        .unwrap_or_default();
    let code = break_fences(code.trim_end_matches('\n'));
    let fences = len(&format!("```{lang}\n\n```"));
    let code = truncate(code, max.saturating_sub(fences));
    format!("```{lang}\n{code}\n```")
}

fn is_language_tag(lang: &str) -> bool {
    !lang.is_empty()
        && lang.len() <= 20
        && lang
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '#' | '.'))
}

fn break_fences(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut previous = None;
    for c in code.chars() {
        if c == '`' && previous == Some('`') {
            out.push(ZERO_WIDTH_SPACE);
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

/// `text` cut to at most `max` units, ending in `…` when cut; empty when not even `…` fits.
pub(super) fn truncate(text: String, max: usize) -> String {
    if len(&text) <= max {
        return text;
    }
    let Some(room) = max.checked_sub(len(CUT_MARK)) else {
        return String::new();
    };
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > room
        })
        .map_or(text.len(), |(at, _)| at);
    let mut cut = text;
    cut.truncate(end);
    cut.push_str(CUT_MARK);
    cut
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn formatting_shows_as_typed() {
        let cases = [
            (
                "**bold** _it_ ~~gone~~",
                r"\*\*bold\*\* \_it\_ \~\~gone\~\~",
            ),
            ("`code` ||spoiler||", r"\`code\` \|\|spoiler\|\|"),
            ("[link](http://evil)", r"\[link\](http://evil)"),
            ("# Heading\n> quote", "\\# Heading\n\\> quote"),
            (
                "- item\n  + item\n-# small",
                "\\- item\n  \\+ item\n\\-\\# small",
            ),
            (
                "1. first\n12) twelfth\n3.5 kg",
                "1\\. first\n12\\) twelfth\n3\\.5 kg",
            ),
            (r"C:\backup", r"C:\\backup"),
            (
                "db_backup_2026 in 5-10 minutes",
                r"db\_backup\_2026 in 5-10 minutes",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(escape(text), expected, "{text}");
        }
    }

    #[test]
    fn mentions_and_broadcasts_are_broken() {
        let z = ZERO_WIDTH_SPACE;
        assert_eq!(escape("@everyone @Here"), format!("@{z}everyone @{z}Here"));
        assert_eq!(
            escape("<@&123> <@42> <#7> <t:1700000000>"),
            format!("<{z}@&123\\> <{z}@42\\> <{z}\\#7\\> <{z}t:1700000000\\>")
        );
        assert_eq!(escape("mail@example.com"), "mail@example.com");
    }

    #[test]
    fn urls_are_copied_as_typed_but_never_ping() {
        let z = ZERO_WIDTH_SPACE;
        assert_eq!(
            escape("see https://wiki/db_restore_v2 *now*"),
            r"see https://wiki/db_restore_v2 \*now\*"
        );
        assert_eq!(
            escape("http://x/@everyone"),
            format!("http://x/@{z}everyone")
        );
    }

    #[test]
    fn code_blocks_stay_closed_and_verbatim() {
        let z = ZERO_WIDTH_SPACE;
        assert_eq!(
            code_block(Some("sh"), "echo '```' *x*\n", 4096),
            format!("```sh\necho '`{z}`{z}`' *x*\n```")
        );
        assert_eq!(code_block(Some("not a tag"), "x", 4096), "```\nx\n```");
        let cut = code_block(None, &"a".repeat(100), 20);
        assert_eq!(cut, format!("```\n{}…\n```", "a".repeat(11)));
        assert_eq!(len(&cut), 20);
    }

    #[test]
    fn cuts_count_utf16_units_and_fall_between_characters() {
        assert_eq!(len("é😀"), 3);
        assert_eq!(truncate("abcdef".into(), 6), "abcdef");
        assert_eq!(truncate("abcdef".into(), 4), "abc…");
        assert_eq!(truncate("😀😀😀".into(), 4), "😀…");
        assert_eq!(truncate("abc".into(), 0), "");
    }

    proptest! {
        #[test]
        fn escaped_text_never_pings_nor_loses_a_word(text in "\\PC{0,60}") {
            let escaped = escape(&text);
            for broadcast in ["@everyone", "@here"] {
                prop_assert!(!escaped.to_lowercase().contains(broadcast), "{escaped}");
            }
            prop_assert!(!escaped.contains("<@"), "{escaped}");
            let shown: String = escaped
                .chars()
                .filter(|c| *c != '\\' && *c != ZERO_WIDTH_SPACE)
                .collect();
            let typed: String = text.chars().filter(|c| *c != '\\').collect();
            prop_assert_eq!(shown, typed);
        }

        #[test]
        fn truncated_text_fits(text in "\\PC{0,80}", max in 0usize..100) {
            let cut = truncate(text.clone(), max);
            prop_assert!(len(&cut) <= max);
            if len(&text) <= max {
                prop_assert_eq!(cut, text);
            }
        }
    }
}
