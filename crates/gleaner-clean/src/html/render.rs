//! A chosen subtree to structured blocks: headings, paragraphs, list items, quotes, code,
//! table rows. One linear scan over the arena range; open elements are tracked on a stack
//! of subtree ends, so closing tags cost nothing to detect.

use super::dom::{Dom, Tag, COMMENT, DEAD, IN_LINK, SELF_DEAD};
use crate::document::{Block, BlockKind};
use scraper::Node as HNode;

/// A rendered block plus what the filters need to know about it.
pub struct Rendered {
    pub block: Block,
    /// Characters of link text in the block.
    pub link: u32,
    pub chars: u32,
}

struct Open {
    end: u32,
    kind: BlockKind,
    /// Whether closing this element ends a block.
    flushes: bool,
    pre: bool,
}

struct Out {
    blocks: Vec<Rendered>,
    buf: String,
    link: u32,
    chars: u32,
}

impl Out {
    fn flush(&mut self, kind: BlockKind) {
        let text = if kind == BlockKind::Code {
            self.buf.trim_matches('\n').trim_end().to_string()
        } else {
            tidy(&self.buf)
        };
        if !text.is_empty() {
            self.blocks.push(Rendered {
                block: Block { kind, text },
                link: self.link,
                chars: self.chars,
            });
        }
        self.buf.clear();
        self.link = 0;
        self.chars = 0;
    }

    fn push_text(&mut self, t: &str, pre: bool, link: bool) {
        if pre {
            self.buf.push_str(t);
            return;
        }
        let start = self.buf.len();
        for (i, word) in t.split_whitespace().enumerate() {
            let space = i > 0 || t.starts_with(char::is_whitespace);
            if space && !self.buf.is_empty() && !self.buf.ends_with([' ', '\n']) {
                self.buf.push(' ');
            }
            self.buf.push_str(word);
        }
        if t.ends_with(char::is_whitespace)
            && !self.buf.is_empty()
            && !self.buf.ends_with([' ', '\n'])
        {
            self.buf.push(' ');
        }
        // Spaces are not counted: a space between two links would make their line look
        // less link-bound than it is.
        let n = self
            .buf
            .get(start..)
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .count() as u32;
        self.chars += n;
        if link {
            self.link += n;
        }
    }
}

/// Collapses spaces around line breaks and trims.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// What a render keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The main text: every removed node is skipped.
    Main,
    /// A comment section, itself removed: inside it only what is furniture for other
    /// reasons than being a comment (reply forms, share bars) is skipped.
    Comments,
}

/// Renders the subtree at `root`, skipping removed nodes.
pub fn render(dom: &Dom, root: usize, mode: Mode) -> Vec<Rendered> {
    let skip = |flags: u8| match mode {
        Mode::Main => flags & DEAD != 0,
        Mode::Comments => flags & SELF_DEAD != 0 && flags & COMMENT == 0,
    };
    let mut out = Out {
        blocks: Vec::new(),
        buf: String::new(),
        link: 0,
        chars: 0,
    };
    let Some(top) = dom.nodes.get(root) else {
        return Vec::new();
    };
    let mut stack: Vec<Open> = vec![Open {
        end: top.end,
        kind: BlockKind::Paragraph,
        flushes: true,
        pre: false,
    }];
    let end = top.end as usize;
    let mut i = root + 1;
    loop {
        while stack.len() > 1 && stack.last().is_some_and(|o| o.end as usize <= i) {
            let o = stack.pop().unwrap();
            if o.flushes {
                out.flush(o.kind);
            } else if !o.pre && !out.buf.ends_with([' ', '\n']) && !out.buf.is_empty() {
                out.buf.push(' ');
            }
        }
        let Some(n) = dom.nodes.get(i).filter(|_| i < end) else {
            break;
        };
        if skip(n.flags) {
            i = n.end as usize;
            continue;
        }
        let top = stack.last().unwrap();
        let (kind, pre) = (top.kind, top.pre);
        match n.tag {
            Tag::Text => {
                if let HNode::Text(t) = n.node.value() {
                    out.push_text(t, pre, n.flags & IN_LINK != 0);
                }
            }
            Tag::Br => {
                if !out.buf.is_empty() && kind != BlockKind::TableRow {
                    out.buf.push('\n');
                }
            }
            Tag::A | Tag::Inline => {}
            Tag::Cell => {
                if kind == BlockKind::TableRow && !out.buf.trim().is_empty() {
                    while out.buf.ends_with(' ') {
                        out.buf.pop();
                    }
                    out.buf.push_str(" | ");
                }
                stack.push(Open {
                    end: n.end,
                    kind,
                    flushes: kind != BlockKind::TableRow,
                    pre,
                });
            }
            tag => {
                // Inside a row or a heading, nested blocks are part of the same line.
                let inline = matches!(kind, BlockKind::TableRow | BlockKind::Heading { .. })
                    && tag != Tag::Tr
                    || pre;
                if !inline {
                    out.flush(kind);
                }
                let own = match tag {
                    Tag::Heading(l) => BlockKind::Heading { level: l },
                    Tag::Li => BlockKind::ListItem,
                    Tag::Quote => BlockKind::Quote,
                    Tag::Pre => BlockKind::Code,
                    Tag::Tr => BlockKind::TableRow,
                    _ => BlockKind::Paragraph,
                };
                // A paragraph inside a list item or a quote is still that item or quote.
                let kind = match (own, kind) {
                    _ if inline => kind,
                    (BlockKind::Paragraph, BlockKind::ListItem | BlockKind::Quote) => kind,
                    (BlockKind::Paragraph | BlockKind::ListItem, BlockKind::Code) => kind,
                    _ => own,
                };
                stack.push(Open {
                    end: n.end,
                    kind,
                    flushes: !inline,
                    pre: pre || tag == Tag::Pre,
                });
            }
        }
        i += 1;
    }
    // The bottom of the stack, the root's, is never popped.
    out.flush(stack.first().map_or(BlockKind::Paragraph, |o| o.kind));
    out.blocks
}
