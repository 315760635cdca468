//! Markdown to a small block tree with line numbers, on top of pulldown-cmark's event stream.
//! Later passes read runbook structure from these blocks without caring about Markdown syntax.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// One visual line of inline text, with its bold lead (`**Severity:** CRITICAL` has lead `Severity:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TextLine {
    pub text: String,
    /// The bold text the line starts with, if any.
    pub lead: Option<String>,
    /// The text after the bold lead (the whole text when there is no lead).
    pub rest: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListItem {
    pub blocks: Vec<Block>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableRow {
    pub cells: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    /// A paragraph, or the loose text of a tight list item.
    Text(Vec<TextLine>),
    List {
        ordered: bool,
        items: Vec<ListItem>,
    },
    Code {
        lang: Option<String>,
        code: String,
        line: usize,
        /// False when a fence was opened and never closed.
        closed: bool,
    },
    Table {
        header: Vec<String>,
        rows: Vec<TableRow>,
        line: usize,
    },
    /// A block quote and what it holds (a quote holding a heading is read as if unquoted).
    Quote {
        blocks: Vec<Block>,
        line: usize,
    },
    /// YAML front matter, verbatim.
    FrontMatter {
        text: String,
        line: usize,
    },
}

impl Block {
    /// The first line this block starts on.
    pub fn line(&self) -> usize {
        match self {
            Block::Heading { line, .. }
            | Block::Code { line, .. }
            | Block::Table { line, .. }
            | Block::Quote { line, .. }
            | Block::FrontMatter { line, .. } => *line,
            Block::Text(lines) => lines.first().map_or(0, |l| l.line),
            Block::List { items, .. } => items.first().map_or(0, |item| item.line),
        }
    }
}

/// The blocks with each quote replaced by what it holds, for readers to which quoting means
/// nothing (everything but templates).
pub(crate) fn unquoted(blocks: &[Block]) -> Vec<&Block> {
    let mut flat = Vec::with_capacity(blocks.len());
    for block in blocks {
        match block {
            Block::Quote { blocks, .. } => flat.extend(unquoted(blocks)),
            other => flat.push(other),
        }
    }
    flat
}

/// Maps byte offsets to 1-based line numbers.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        LineIndex { starts }
    }

    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset)
    }
}

/// Parses Markdown into top-level blocks. Never fails: any input gives some blocks.
pub(crate) fn parse_blocks(source: &str) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut reader = Reader {
        source,
        depth: 0,
        lines: LineIndex::new(source),
        events: Parser::new_ext(source, options)
            .into_offset_iter()
            .collect::<Vec<_>>()
            .into_iter()
            .peekable(),
    };
    reader.blocks_until(None)
}

/// Containers nested deeper than this are read as plain text, so hostile input such as ten
/// thousand `>` cannot exhaust the stack.
const MAX_NESTING: usize = 32;

struct Reader<'a> {
    source: &'a str,
    depth: usize,
    lines: LineIndex,
    events: std::iter::Peekable<std::vec::IntoIter<(Event<'a>, Range<usize>)>>,
}

/// Whether an event belongs inside a paragraph (as opposed to starting or ending a block).
fn is_inline(event: &Event) -> bool {
    match event {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::TaskListMarker(_) => true,
        Event::Start(tag) => matches!(
            tag,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

impl Reader<'_> {
    /// Reads blocks until the end tag `stop` (consumed) or the end of input.
    fn blocks_until(&mut self, stop: Option<TagEnd>) -> Vec<Block> {
        let mut blocks = Vec::new();
        while let Some((event, _)) = self.events.peek() {
            if is_inline(event) {
                let lines = self.inline_lines();
                if !lines.is_empty() {
                    blocks.push(Block::Text(lines));
                }
                continue;
            }
            let Some((event, range)) = self.events.next() else {
                break;
            };
            match event {
                Event::End(end) if Some(end) == stop => break,
                Event::Start(tag) => self.block(tag, range, &mut blocks),
                Event::Html(html) | Event::DisplayMath(html) => {
                    self.push_html(&html, range.start, &mut blocks)
                }
                // Rules, stray end tags: nothing to keep.
                _ => {}
            }
        }
        blocks
    }

    fn block(&mut self, tag: Tag, range: Range<usize>, blocks: &mut Vec<Block>) {
        let line = self.lines.line(range.start);
        if self.depth >= MAX_NESTING {
            let text = self.flatten_until(tag.to_end());
            blocks.push(Block::Text(vec![TextLine {
                text: text.clone(),
                lead: None,
                rest: text,
                line,
            }]));
            return;
        }
        self.depth += 1;
        self.container(tag, range, line, blocks);
        self.depth -= 1;
    }

    /// Reads everything up to the end tag matching an already-consumed start, as one line of text,
    /// without recursion.
    fn flatten_until(&mut self, end: TagEnd) -> String {
        let mut text = String::new();
        let mut open = 1usize;
        for (event, _) in self.events.by_ref() {
            match event {
                Event::Start(_) => open += 1,
                Event::End(found) => {
                    open -= 1;
                    if open == 0 && found == end {
                        break;
                    }
                }
                Event::Text(chunk) | Event::Code(chunk) | Event::Html(chunk) => {
                    if !text.is_empty() && !text.ends_with(' ') {
                        text.push(' ');
                    }
                    text.push_str(chunk.trim());
                }
                _ => {}
            }
        }
        text
    }

    fn container(&mut self, tag: Tag, range: Range<usize>, line: usize, blocks: &mut Vec<Block>) {
        match tag {
            Tag::Paragraph => {
                let lines = self.inline_lines();
                self.expect_end(TagEnd::Paragraph);
                if !lines.is_empty() {
                    blocks.push(Block::Text(lines));
                }
            }
            Tag::Heading { level, .. } => {
                let text = join_lines(&self.inline_lines());
                self.expect_end(TagEnd::Heading(level));
                blocks.push(Block::Heading {
                    level: level as u8,
                    text,
                    line,
                });
            }
            Tag::List(start) => {
                let items = self.list_items();
                blocks.push(Block::List {
                    ordered: start.is_some(),
                    items,
                });
            }
            Tag::CodeBlock(kind) => blocks.push(self.code_block(kind, range)),
            Tag::Table(_) => blocks.push(self.table(line)),
            Tag::MetadataBlock(_) => {
                let text = self.raw_text_until(TagEnd::MetadataBlock(
                    pulldown_cmark::MetadataBlockKind::YamlStyle,
                ));
                blocks.push(Block::FrontMatter { text, line });
            }
            Tag::HtmlBlock => {
                let html = self.raw_text_until(TagEnd::HtmlBlock);
                self.push_html(&html, range.start, blocks);
            }
            Tag::BlockQuote(kind) => {
                let inner = self.blocks_until(Some(TagEnd::BlockQuote(kind)));
                if inner
                    .iter()
                    .any(|block| matches!(block, Block::Heading { .. }))
                {
                    blocks.extend(inner);
                } else if !inner.is_empty() {
                    blocks.push(Block::Quote {
                        blocks: inner,
                        line,
                    });
                }
            }
            // Footnotes and the like: their content counts as if it stood here.
            other => {
                let end = other.to_end();
                blocks.extend(self.blocks_until(Some(end)));
            }
        }
    }

    /// HTML comments are invisible to readers, so they are dropped; other HTML is kept as text.
    fn push_html(&mut self, html: &str, offset: usize, blocks: &mut Vec<Block>) {
        let trimmed = html.trim();
        if trimmed.is_empty() || (trimmed.starts_with("<!--") && trimmed.ends_with("-->")) {
            return;
        }
        let line = self.lines.line(offset);
        blocks.push(Block::Text(vec![TextLine {
            text: trimmed.to_string(),
            lead: None,
            rest: trimmed.to_string(),
            line,
        }]));
    }

    fn expect_end(&mut self, end: TagEnd) {
        // Inline readers stop at the first block event, which is this end tag in valid streams;
        // skip anything unexpected so one odd event cannot derail the rest of the document.
        for (event, _) in self.events.by_ref() {
            if event == Event::End(end) {
                break;
            }
        }
    }

    fn raw_text_until(&mut self, end: TagEnd) -> String {
        let mut text = String::new();
        for (event, _) in self.events.by_ref() {
            match event {
                Event::End(found) if found == end => break,
                Event::Text(chunk) | Event::Html(chunk) => text.push_str(&chunk),
                _ => {}
            }
        }
        text
    }

    fn list_items(&mut self) -> Vec<ListItem> {
        let mut items = Vec::new();
        while let Some((event, range)) = self.events.next() {
            match event {
                Event::Start(Tag::Item) => {
                    let line = self.lines.line(range.start);
                    let blocks = self.blocks_until(Some(TagEnd::Item));
                    items.push(ListItem { blocks, line });
                }
                Event::End(TagEnd::List(_)) => break,
                _ => {}
            }
        }
        items
    }

    fn code_block(&mut self, kind: CodeBlockKind, range: Range<usize>) -> Block {
        let line = self.lines.line(range.start);
        let code = self.raw_text_until(TagEnd::CodeBlock);
        let (lang, closed) = match kind {
            CodeBlockKind::Fenced(info) => {
                let lang = info.split_whitespace().next().map(str::to_string);
                let source = self.source.get(range).unwrap_or_default();
                (lang, fence_is_closed(source))
            }
            CodeBlockKind::Indented => (None, true),
        };
        Block::Code {
            lang,
            code,
            line,
            closed,
        }
    }

    fn table(&mut self, line: usize) -> Block {
        let mut header = Vec::new();
        let mut rows = Vec::new();
        let mut row: Option<TableRow> = None;
        while let Some((event, range)) = self.events.next() {
            match event {
                Event::Start(Tag::TableRow) => {
                    row = Some(TableRow {
                        cells: Vec::new(),
                        line: self.lines.line(range.start),
                    })
                }
                Event::End(TagEnd::TableRow) => rows.extend(row.take()),
                Event::Start(Tag::TableCell) => {
                    let cell = join_lines(&self.inline_lines());
                    self.expect_end(TagEnd::TableCell);
                    match row.as_mut() {
                        Some(row) => row.cells.push(cell),
                        None => header.push(cell),
                    }
                }
                Event::End(TagEnd::Table) => break,
                _ => {}
            }
        }
        Block::Table { header, rows, line }
    }

    /// Reads inline events into lines, stopping before the first event that is not inline.
    fn inline_lines(&mut self) -> Vec<TextLine> {
        let mut builder = LineBuilder::default();
        while let Some((event, _)) = self.events.peek() {
            if !is_inline(event) {
                break;
            }
            let Some((event, range)) = self.events.next() else {
                break;
            };
            let line = self.lines.line(range.start);
            match event {
                Event::Text(text) | Event::InlineHtml(text) | Event::InlineMath(text) => {
                    builder.push(&text, line)
                }
                Event::Code(code) => builder.push(&format!("`{code}`"), line),
                Event::FootnoteReference(name) => builder.push(&format!("[^{name}]"), line),
                Event::SoftBreak | Event::HardBreak => builder.break_line(),
                Event::Start(Tag::Strong) => builder.strong_start(line),
                Event::End(TagEnd::Strong) => builder.strong_end(),
                // Checkbox markers, emphasis, links (their text arrives as Text): nothing else to keep.
                _ => {}
            }
        }
        builder.finish()
    }
}

/// Whether the source of a fenced code block ends with a closing fence of the opening kind.
fn fence_is_closed(source: &str) -> bool {
    let mut lines = source.lines();
    let opening = lines.next().unwrap_or_default().trim_start();
    let fence_char = opening.chars().next().unwrap_or('`');
    let fence_len = opening.chars().take_while(|&c| c == fence_char).count();
    let last = source.trim_end().lines().last().unwrap_or_default().trim();
    lines.next().is_some()
        && last.chars().take_while(|&c| c == fence_char).count() >= fence_len
        && last.chars().all(|c| c == fence_char)
}

fn join_lines(lines: &[TextLine]) -> String {
    lines
        .iter()
        .map(|line| line.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Builds [`TextLine`]s, noticing a bold span at the start of each line.
#[derive(Default)]
struct LineBuilder {
    lines: Vec<TextLine>,
    current: Option<PartialLine>,
}

#[derive(Default)]
struct PartialLine {
    text: String,
    line: usize,
    /// Byte range of the leading bold text within `text`, once closed.
    lead: Option<Range<usize>>,
    /// Where an open leading bold span started.
    lead_start: Option<usize>,
    strong_depth: usize,
}

impl LineBuilder {
    fn current(&mut self, line: usize) -> &mut PartialLine {
        self.current.get_or_insert_with(|| PartialLine {
            line,
            ..PartialLine::default()
        })
    }

    fn push(&mut self, text: &str, line: usize) {
        self.current(line).text.push_str(text);
    }

    fn strong_start(&mut self, line: usize) {
        let current = self.current(line);
        if current.strong_depth == 0 && current.lead.is_none() && current.text.trim().is_empty() {
            current.lead_start = Some(current.text.len());
        }
        current.strong_depth += 1;
    }

    fn strong_end(&mut self) {
        if let Some(current) = self.current.as_mut() {
            current.strong_depth = current.strong_depth.saturating_sub(1);
            if current.strong_depth == 0 {
                if let Some(start) = current.lead_start.take() {
                    current.lead = Some(start..current.text.len());
                }
            }
        }
    }

    fn break_line(&mut self) {
        if let Some(partial) = self.current.take() {
            self.lines.extend(partial.finish());
        }
    }

    fn finish(mut self) -> Vec<TextLine> {
        self.break_line();
        self.lines
    }
}

impl PartialLine {
    fn finish(self) -> Option<TextLine> {
        let text = self.text.trim().to_string();
        if text.is_empty() {
            return None;
        }
        let lead = self
            .lead
            .and_then(|range| self.text.get(range.clone()).map(|lead| (lead, range.end)))
            .map(|(lead, end)| (lead.trim().to_string(), self.text[end..].trim().to_string()))
            .filter(|(lead, _)| !lead.is_empty());
        let (lead, rest) = match lead {
            Some((lead, rest)) => (Some(lead), rest),
            None => (None, text.clone()),
        };
        Some(TextLine {
            text,
            lead,
            rest,
            line: self.line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bold_leads_line_by_line() {
        let blocks = parse_blocks("**Version:** 1.0  \n**Team:** Ops\n");
        let Block::Text(lines) = &blocks[0] else {
            panic!("expected text, got {blocks:?}");
        };
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].lead.as_deref(), Some("Version:"));
        assert_eq!(lines[0].rest, "1.0");
        assert_eq!(lines[1].lead.as_deref(), Some("Team:"));
        assert_eq!(lines[1].line, 2);
    }

    #[test]
    fn keeps_code_verbatim_and_notices_unclosed_fences() {
        let blocks = parse_blocks("# T\n\n```bash\necho hi\n```\n\n```sh\nrm -rf /tmp/x\n");
        let codes: Vec<_> = blocks
            .iter()
            .filter_map(|block| match block {
                Block::Code {
                    lang,
                    code,
                    closed,
                    line,
                } => Some((lang.clone(), code.clone(), *closed, *line)),
                _ => None,
            })
            .collect();
        assert_eq!(
            codes,
            vec![
                (Some("bash".into()), "echo hi\n".into(), true, 3),
                (Some("sh".into()), "rm -rf /tmp/x\n".into(), false, 7),
            ]
        );
    }

    #[test]
    fn tight_list_items_keep_their_text_and_nested_blocks() {
        let blocks = parse_blocks("1. **Step** (5 minutes)\n   - detail\n2. Second\n");
        let Block::List { items, .. } = &blocks[0] else {
            panic!("expected a list, got {blocks:?}");
        };
        assert_eq!(items.len(), 2);
        let Block::Text(lines) = &items[0].blocks[0] else {
            panic!("expected text");
        };
        assert_eq!(lines[0].lead.as_deref(), Some("Step"));
        assert_eq!(lines[0].rest, "(5 minutes)");
        assert!(matches!(items[0].blocks[1], Block::List { .. }));
        assert_eq!(items[1].line, 3);
    }

    #[test]
    fn tables_keep_header_and_rows_with_lines() {
        let blocks = parse_blocks("| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n");
        assert_eq!(
            blocks,
            vec![Block::Table {
                header: vec!["A".into(), "B".into()],
                rows: vec![
                    TableRow {
                        cells: vec!["1".into(), "2".into()],
                        line: 3
                    },
                    TableRow {
                        cells: vec!["3".into(), "4".into()],
                        line: 4
                    },
                ],
                line: 1,
            }]
        );
    }
}
