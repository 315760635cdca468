//! Slack's text rules: plain text made safe for `mrkdwn`, text made safe inside a ``` code block,
//! and cutting text to Slack's limits without breaking a character or an entity.
//!
//! Lengths are counted in UTF-8 bytes. Slack states its limits in "characters" without saying
//! which unit; a byte count is never smaller than any of them, so a text within a limit in bytes
//! is within it whatever Slack counts.
//!
//! Escaping plain text (see the module docs of `chat::slack` for why):
//! - `&`, `<`, `>` become `&amp;`, `&lt;`, `&gt;`, so `<!channel>`, `<@U123>` and `<http://x|y>`
//!   show as typed and never ping or link; already-escaped text (`&lt;`) is escaped again.
//! - `*`, `_`, `~` that could open or close formatting (not between two ASCII letters or digits,
//!   where Slack never formats) become look-alikes: `∗` U+2217, `ˍ` U+02CD, `∼` U+223C. Every
//!   backtick becomes `ˋ` U+02CB, and the full-width forms Slack also reads as markup (`＊`,
//!   `＿`, `｀`) become `﹡`, `⸏`, `ˋ`.
//! - A `>` (or `＞`) that starts a line gets a soft hyphen U+00AD before it, so it is no quote.
//! - `@here`, `@channel`, `@everyone` (any case) get a zero-width space U+200B after the `@`.

/// The visible mark left where text was cut.
pub(super) const TRUNCATED: &str = "…(truncated)";

const ZERO_WIDTH_SPACE: char = '\u{200B}';
const SOFT_HYPHEN: char = '\u{00AD}';

/// The longest entity `escape` writes (`&amp;`).
const LONGEST_ENTITY: usize = "&amp;".len();

/// What Slack would ping for a bare `@word`.
const BROADCASTS: [&str; 3] = ["here", "channel", "everyone"];

/// Plain text as `mrkdwn` that shows the text as typed: no pings, links or formatting.
pub(super) fn escape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (index, &c) in chars.iter().enumerate() {
        let before = index.checked_sub(1).and_then(|i| chars.get(i)).copied();
        let after = chars.get(index + 1).copied();
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' | '＞' => {
                if matches!(before, None | Some('\n')) {
                    out.push(SOFT_HYPHEN);
                }
                out.push_str(if c == '>' { "&gt;" } else { "＞" });
            }
            '@' => {
                out.push('@');
                if is_broadcast(chars.get(index + 1..).unwrap_or_default()) {
                    out.push(ZERO_WIDTH_SPACE);
                }
            }
            _ => out.push(neutral(c, before, after)),
        }
    }
    out
}

/// Text for a `plain_text` object, which Slack neither formats nor parses for pings or links.
/// Defensively, a zero-width space still follows every `<` and the `@` of a broadcast, so the
/// text could not ping even if a client parsed it.
pub(super) fn defuse(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (index, &c) in chars.iter().enumerate() {
        out.push(c);
        let rest = chars.get(index + 1..).unwrap_or_default();
        if c == '<' || (c == '@' && is_broadcast(rest)) {
            out.push(ZERO_WIDTH_SPACE);
        }
    }
    out
}

/// Whether the text after an `@` names a broadcast (`here`, `Channel`, …).
fn is_broadcast(rest: &[char]) -> bool {
    BROADCASTS.iter().any(|word| {
        rest.len() >= word.len()
            && rest
                .iter()
                .zip(word.chars())
                .all(|(c, w)| c.eq_ignore_ascii_case(&w))
    })
}

/// A formatting character replaced by its look-alike, unless it sits inside a word.
fn neutral(c: char, before: Option<char>, after: Option<char>) -> char {
    let in_word = |side: Option<char>| side.is_some_and(|c| c.is_ascii_alphanumeric());
    match c {
        '*' | '_' | '~' if in_word(before) && in_word(after) => c,
        '*' => '∗',
        '_' => 'ˍ',
        '~' => '∼',
        '`' | '｀' => 'ˋ',
        '＊' => '﹡',
        '＿' => '⸏',
        _ => c,
    }
}

/// Text for inside a ``` block: verbatim, except `&`, `<`, `>` as entities and a zero-width
/// space between two backticks, so no run of three can close the block.
pub(super) fn escape_code(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut chars = code.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' => {
                out.push('`');
                if chars.peek() == Some(&'`') {
                    out.push(ZERO_WIDTH_SPACE);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A ``` code block around text already escaped with `escape_code`.
pub(super) fn code_block(escaped: &str) -> String {
    format!("```\n{escaped}\n```")
}

/// Bytes a ``` block adds around its text.
pub(super) const CODE_BLOCK_OVERHEAD: usize = "```\n\n```".len();

/// The largest char boundary of `text` at or below `max`.
fn char_cut(text: &str, max: usize) -> usize {
    let mut cut = max.min(text.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    cut
}

/// Like `char_cut`, and not inside an entity of escaped text (`&am|p;`).
fn entity_cut(text: &str, max: usize) -> usize {
    let cut = char_cut(text, max);
    let tail = &text.as_bytes()[cut.saturating_sub(LONGEST_ENTITY - 1)..cut];
    match tail.iter().rposition(|b| *b == b'&') {
        Some(amp) if !tail[amp..].contains(&b';') => cut - (tail.len() - amp),
        _ => cut,
    }
}

/// Escaped text cut to `max` bytes, ending in `marker` when it did not fit.
pub(super) fn truncate(text: String, max: usize, marker: &str) -> String {
    cut_to(text, max, marker, entity_cut)
}

/// Plain (unescaped) text cut to `max` bytes, ending in `marker` when it did not fit.
pub(super) fn truncate_plain(text: String, max: usize, marker: &str) -> String {
    cut_to(text, max, marker, char_cut)
}

fn cut_to(mut text: String, max: usize, marker: &str, cut: fn(&str, usize) -> usize) -> String {
    if text.len() <= max {
        return text;
    }
    let at = cut(&text, max.saturating_sub(marker.len()));
    text.truncate(at);
    text.push_str(marker);
    text
}

/// Escaped text in pieces of at most `max` bytes, cut at line ends where it can and otherwise
/// between characters, never inside an entity. Blank lines at the edges of a piece are dropped,
/// and so is a piece with nothing to show.
pub(super) fn pieces(text: &str, max: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for line in text.split_inclusive('\n') {
        for part in split_long(line, max) {
            if current.len() + part.len() > max {
                flush(&mut pieces, &mut current);
            }
            current.push_str(part);
        }
    }
    flush(&mut pieces, &mut current);
    pieces
}

/// A line in parts of at most `max` bytes (a part is at least one character).
fn split_long(line: &str, max: usize) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = line;
    while rest.len() > max {
        let at = match entity_cut(rest, max) {
            0 => rest.chars().next().map_or(rest.len(), char::len_utf8),
            at => at,
        };
        let (part, tail) = rest.split_at(at);
        parts.push(part);
        rest = tail;
    }
    parts.push(rest);
    parts
}

fn flush(pieces: &mut Vec<String>, current: &mut String) {
    let piece = current.trim_matches('\n');
    if !piece.trim().is_empty() {
        pieces.push(piece.to_string());
    }
    current.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_entities() {
        assert_eq!(escape("<!channel>"), "&lt;!channel&gt;");
        assert_eq!(escape("<@U123>"), "&lt;@U123&gt;");
        assert_eq!(
            escape("see <http://evil|link>"),
            "see &lt;http://evil|link&gt;"
        );
        assert_eq!(escape("&lt; & &amp;"), "&amp;lt; &amp; &amp;amp;");
    }

    #[test]
    fn broadcasts_are_broken() {
        assert_eq!(escape("@here"), "@\u{200B}here");
        assert_eq!(escape("hi @Channel!"), "hi @\u{200B}Channel!");
        assert_eq!(escape("@EVERYONE"), "@\u{200B}EVERYONE");
        assert_eq!(escape("@carol @her"), "@carol @her");
        assert_eq!(escape("@"), "@");
    }

    #[test]
    fn formatting_characters_show_as_typed() {
        assert_eq!(escape("*bold*"), "∗bold∗");
        assert_eq!(escape("_it_"), "ˍitˍ");
        assert_eq!(escape("~strike~"), "∼strike∼");
        assert_eq!(escape("`code` and ```block```"), "ˋcodeˋ and ˋˋˋblockˋˋˋ");
        assert_eq!(escape("＊b＊ ＿i＿ ｀c｀"), "﹡b﹡ ⸏i⸏ ˋcˋ");
        assert_eq!(escape("\u{200B}*bold*\u{200B}"), "\u{200B}∗bold∗\u{200B}");
    }

    #[test]
    fn characters_inside_words_stay() {
        assert_eq!(escape("db_backup_2026.sql"), "db_backup_2026.sql");
        assert_eq!(escape("2*3*4 a~b"), "2*3*4 a~b");
        assert_eq!(escape("é_é"), "éˍé");
    }

    #[test]
    fn quotes_at_line_start_are_broken() {
        assert_eq!(escape("> quote"), "\u{00AD}&gt; quote");
        assert_eq!(escape("a > b\n> c"), "a &gt; b\n\u{00AD}&gt; c");
        assert_eq!(escape("＞ q"), "\u{00AD}＞ q");
    }

    #[test]
    fn multi_byte_text_is_kept() {
        let text = "🔥 Datenbank weg — 数据库 · naïve ✓";
        assert_eq!(escape(text), text);
    }

    #[test]
    fn plain_text_is_defused() {
        assert_eq!(
            defuse("<!channel> & @here *b*"),
            "<\u{200B}!channel> & @\u{200B}here *b*"
        );
    }

    #[test]
    fn code_keeps_text_but_not_fences() {
        assert_eq!(
            escape_code("echo '<!here>' && *x* _y_"),
            "echo '&lt;!here&gt;' &amp;&amp; *x* _y_"
        );
        assert_eq!(escape_code("a ``` b"), "a `\u{200B}`\u{200B}` b");
        assert!(!escape_code("````````").contains("``"));
    }

    #[test]
    fn truncation_respects_characters_and_entities() {
        assert_eq!(truncate("abcdef".into(), 6, "…"), "abcdef");
        assert_eq!(truncate("abcdefg".into(), 6, "!"), "abcde!");
        assert_eq!(truncate("ab&amp;cd".into(), 6, "!"), "ab!");
        assert_eq!(truncate("ab&amp;cd".into(), 8, "!"), "ab&amp;!");
        assert_eq!(truncate_plain("añb".into(), 2, ""), "a");
        assert_eq!(truncate("🔥🔥".into(), 7, ""), "🔥");
        let cut = truncate("x".repeat(5000), 3000, TRUNCATED);
        assert_eq!(cut.len(), 3000);
        assert!(cut.ends_with(TRUNCATED));
    }

    #[test]
    fn pieces_split_on_lines_then_characters() {
        assert_eq!(pieces("ab\ncd\nef\n", 6), vec!["ab\ncd", "ef"]);
        assert_eq!(pieces("\n\n  \n", 6), Vec::<String>::new());
        assert_eq!(pieces("", 6), Vec::<String>::new());
        assert_eq!(pieces("ééé", 4), vec!["éé", "é"]);
        assert_eq!(pieces("a&amp;&amp;", 6), vec!["a&amp;", "&amp;"]);
        assert_eq!(pieces("abc", 0), vec!["a", "b", "c"]);
    }
}
