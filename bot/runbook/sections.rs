//! Headings to a section tree: each heading owns the blocks after it until the next heading of
//! the same or a higher level, so any heading levels an author picks work the same way.

use super::blocks::Block;

#[derive(Debug, Clone, Default)]
pub(crate) struct Section {
    /// Empty for the implicit section before the first heading.
    pub title: String,
    pub level: u8,
    pub line: usize,
    /// The blocks between this heading and its first sub-heading.
    pub blocks: Vec<Block>,
    pub children: Vec<Section>,
}

/// Groups blocks under their headings. The root (level 0) holds what comes before any heading.
pub(crate) fn build_tree(blocks: Vec<Block>) -> Section {
    // A stack of open sections, root first; each deeper heading nests in the one above it.
    let mut stack = vec![Section::default()];
    for block in blocks {
        match block {
            Block::Heading { level, text, line } => {
                while stack.len() > 1 && stack.last().is_some_and(|open| open.level >= level) {
                    close_innermost(&mut stack);
                }
                stack.push(Section {
                    title: text,
                    level,
                    line,
                    ..Section::default()
                });
            }
            other => {
                if let Some(open) = stack.last_mut() {
                    open.blocks.push(other);
                }
            }
        }
    }
    while stack.len() > 1 {
        close_innermost(&mut stack);
    }
    stack.pop().unwrap_or_default()
}

fn close_innermost(stack: &mut Vec<Section>) {
    if let Some(done) = stack.pop() {
        if let Some(parent) = stack.last_mut() {
            parent.children.push(done);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::blocks::parse_blocks;
    use super::*;

    fn titles(section: &Section) -> Vec<String> {
        section.children.iter().map(|s| s.title.clone()).collect()
    }

    #[test]
    fn nests_by_level_whatever_levels_are_used() {
        let root = build_tree(parse_blocks(
            "intro\n# Title\n## A\n#### A.1\n### A.2\n## B\ntext\n",
        ));
        assert_eq!(root.blocks.len(), 1);
        assert_eq!(titles(&root), vec!["Title"]);
        let title = &root.children[0];
        assert_eq!(titles(title), vec!["A", "B"]);
        assert_eq!(titles(&title.children[0]), vec!["A.1", "A.2"]);
        assert_eq!(title.children[1].blocks.len(), 1);
        assert_eq!(title.children[1].line, 6);
    }
}
