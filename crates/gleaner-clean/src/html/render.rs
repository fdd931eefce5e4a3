//! A chosen subtree to structured blocks: headings, paragraphs, list items, quotes, code,
//! table rows. One linear scan over the arena range; open elements are tracked on a stack
//! of subtree ends, so closing tags cost nothing to detect.
//!
//! Words of two blocks never run together: where a browser breaks the line (a `<br>`, a
//! block element's start or end) inside something rendered as one block (a table row, a
//! heading, code), the text gets a space, or a line break where lines matter (code, the
//! cells of a table that lays the page out).

mod table;
#[cfg(test)]
mod tests;

use super::dom::{Dom, Tag, COMMENT, DEAD, IN_LINK, SELF_DEAD};
use crate::document::{Block, BlockKind};
use scraper::Node as HNode;

/// A rendered block plus what the filters need to know about it.
pub struct Rendered {
    pub block: Block,
    /// Characters of link text in the block.
    pub link: u32,
    pub chars: u32,
    /// Arena index of the block's first text node: where the block sits in the page.
    pub start: u32,
}

/// Columns past which a spanning cell adds no more empty cells to its row.
const MAX_PADDED_WIDTH: usize = 64;

#[derive(Clone, Copy)]
struct Open {
    end: u32,
    kind: BlockKind,
    /// Whether closing this element ends a block.
    flushes: bool,
    pre: bool,
    /// What closing this element puts between its text and what follows, when it does
    /// not end a block.
    sep: Sep,
    /// How many lists (`<ul>`, `<ol>`, `<dl>`) this element is in, itself included.
    lists: u8,
    /// Whether the innermost of those lists is numbered.
    ordered: bool,
    /// Whether the innermost table around this element lays the page out.
    layout: bool,
    /// For a table cell: the block count (`Out::flushes`) when it opened, so its text
    /// can be told from what an earlier block took.
    cell: Option<u32>,
    /// For a table cell: how many columns it spans.
    span: usize,
}

impl Open {
    /// What separates the text on either side of a line boundary inside this element,
    /// when it is rendered as one block: line breaks matter in code and in the cells of
    /// a table laying the page out.
    fn sep_inside(&self) -> Sep {
        match self.kind {
            _ if self.pre => Sep::Line,
            BlockKind::TableRow { layout: true, .. } => Sep::Line,
            _ => Sep::Space,
        }
    }
}

/// What separates the text on either side of an element boundary inside one block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Space,
    Line,
}

struct Out {
    blocks: Vec<Rendered>,
    buf: String,
    link: u32,
    chars: u32,
    /// Arena index of the current block's first text.
    start: u32,
    /// The current row's closed cells.
    cells: Vec<String>,
    /// Where the open cell's text starts in `buf`.
    cell_start: Option<usize>,
    /// The current row's header and data cells so far.
    th: u32,
    td: u32,
    /// Blocks ended so far, empty ones included.
    flushes: u32,
}

impl Out {
    fn flush(&mut self, kind: BlockKind) {
        let kind = match kind {
            BlockKind::TableRow { header, layout } => {
                if let Some(start) = self.cell_start.take() {
                    self.close_cell(start, 1);
                }
                let header = header || (self.th > 0 && self.td == 0);
                BlockKind::TableRow { header, layout }
            }
            _ => kind,
        };
        let text = if kind == BlockKind::Code {
            self.buf.trim_matches('\n').trim_end().to_string()
        } else {
            tidy(&self.buf)
        };
        let cells = std::mem::take(&mut self.cells);
        if !text.is_empty() {
            let mut block = Block::new(kind, text);
            if matches!(kind, BlockKind::TableRow { .. }) {
                block.cells = cells;
            }
            self.blocks.push(Rendered {
                block,
                link: self.link,
                chars: self.chars,
                start: self.start,
            });
        }
        self.buf.clear();
        self.link = 0;
        self.chars = 0;
        (self.th, self.td) = (0, 0);
        self.flushes = self.flushes.wrapping_add(1);
    }

    /// Ends a cell whose text starts at `start` in `buf`; it spans `span` columns.
    fn close_cell(&mut self, start: usize, span: usize) {
        let text = tidy(self.buf.get(start..).unwrap_or_default());
        self.cells.push(text);
        // Spanned columns are padded with empty cells, up to a width no reader needs
        // more of: a page of `<td colspan=50>` must not cost fifty cells each.
        let pad = span
            .saturating_sub(1)
            .min(MAX_PADDED_WIDTH.saturating_sub(self.cells.len()));
        self.cells.extend(std::iter::repeat_n(String::new(), pad));
    }

    /// Separates what comes next from the text so far, unless something already does.
    fn separate(&mut self, sep: Sep) {
        if self.buf.is_empty() {
            return;
        }
        match sep {
            Sep::Line if !self.buf.ends_with('\n') => self.buf.push('\n'),
            Sep::Space if !self.buf.ends_with([' ', '\n']) => self.buf.push(' '),
            _ => {}
        }
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
    /// Everything, removed or not: what explain mode shows of a removed subtree.
    All,
}

/// Renders the subtree at `root`, skipping removed nodes.
pub fn render(dom: &Dom, root: usize, mode: Mode) -> Vec<Rendered> {
    let skip = |flags: u8| match mode {
        Mode::Main => flags & DEAD != 0,
        Mode::Comments => flags & SELF_DEAD != 0 && flags & COMMENT == 0,
        Mode::All => false,
    };
    let mut out = Out {
        blocks: Vec::new(),
        buf: String::new(),
        link: 0,
        chars: 0,
        start: 0,
        cells: Vec::new(),
        cell_start: None,
        th: 0,
        td: 0,
        flushes: 0,
    };
    let Some(top) = dom.nodes.get(root) else {
        return Vec::new();
    };
    let mut stack: Vec<Open> = vec![Open {
        end: top.end,
        kind: BlockKind::Paragraph,
        flushes: true,
        pre: false,
        sep: Sep::Space,
        lists: 0,
        ordered: false,
        layout: false,
        cell: None,
        span: 1,
    }];
    let end = top.end as usize;
    let mut i = root + 1;
    loop {
        while stack.len() > 1 && stack.last().is_some_and(|o| o.end as usize <= i) {
            if let Some(o) = stack.pop() {
                close(&mut out, &o);
            }
        }
        let Some(n) = dom.nodes.get(i).filter(|_| i < end) else {
            break;
        };
        let Some(top) = stack.last() else { break };
        if skip(n.flags) {
            // A removed block still broke the line where it stood: `<span>6 min
            // read</span><div aria-hidden>·</div><span>Dec 1</span>`.
            if n.tag.is_block() || n.tag == Tag::Br {
                out.separate(top.sep_inside());
            }
            i = n.end as usize;
            continue;
        }
        match n.tag {
            Tag::Text => {
                if out.buf.is_empty() {
                    out.start = i as u32;
                }
                if let HNode::Text(t) = n.node.value() {
                    out.push_text(t, top.pre, n.flags & IN_LINK != 0);
                }
            }
            Tag::Br => match top.kind {
                // A row stays one line of cells, unless the table lays the page out.
                BlockKind::TableRow { .. } if !top.pre => out.separate(top.sep_inside()),
                _ if !out.buf.is_empty() => out.buf.push('\n'),
                _ => {}
            },
            Tag::A | Tag::Inline => {}
            Tag::Cell => {
                let open = open_cell(dom, i, top, &mut out);
                stack.push(open);
            }
            tag => {
                let open = open_block(dom, i, tag, top, &skip, &mut out);
                stack.push(open);
            }
        }
        i += 1;
    }
    // The bottom of the stack, the root's, is never popped.
    out.flush(stack.first().map_or(BlockKind::Paragraph, |o| o.kind));
    out.blocks
}

/// An element's end: the block it holds ends, or its text is set apart from what
/// follows; a table cell's text becomes one of its row's cells.
fn close(out: &mut Out, o: &Open) {
    if let Some(opened) = o.cell {
        // A nested table ended the row's block inside this cell: the cell's text left
        // is what came after it.
        let start = match out.cell_start {
            Some(start) if opened == out.flushes => start,
            _ => 0,
        };
        out.close_cell(start, o.span);
        out.cell_start = None;
    }
    if o.flushes {
        out.flush(o.kind);
    } else {
        out.separate(o.sep);
    }
}

/// Opens a table cell: in a row, a " | " after the cells before it.
fn open_cell(dom: &Dom, i: usize, top: &Open, out: &mut Out) -> Open {
    let row = matches!(top.kind, BlockKind::TableRow { .. });
    if row {
        if !out.buf.trim().is_empty() {
            while out.buf.ends_with(char::is_whitespace) {
                out.buf.pop();
            }
            out.buf.push_str(" | ");
        }
        if table::name(dom, i) == Some("th") {
            out.th += 1;
        } else {
            out.td += 1;
        }
        out.cell_start = Some(out.buf.len());
    }
    Open {
        end: dom.nodes.get(i).map_or(0, |n| n.end),
        flushes: !row,
        sep: Sep::Space,
        cell: row.then_some(out.flushes),
        span: if row { table::colspan(dom, i) } else { 1 },
        ..*top
    }
}

/// Opens a block element: it ends the block before it and starts its own, or, inside
/// a row, a heading or code, it is set apart from the text before it.
fn open_block(
    dom: &Dom,
    i: usize,
    tag: Tag,
    top: &Open,
    skip: &impl Fn(u8) -> bool,
    out: &mut Out,
) -> Open {
    // Inside a row or a heading, nested blocks are part of the same line.
    let inline = matches!(
        top.kind,
        BlockKind::TableRow { .. } | BlockKind::Heading { .. }
    ) && tag != Tag::Tr
        || top.pre;
    let sep = if tag == Tag::Pre {
        Sep::Line
    } else {
        top.sep_inside()
    };
    if inline {
        out.separate(sep);
    } else {
        out.flush(top.kind);
    }
    let (mut lists, mut ordered, mut layout) = (top.lists, top.ordered, top.layout);
    if tag == Tag::Block {
        match table::name(dom, i) {
            Some("ul" | "menu" | "dl") => (lists, ordered) = (lists.saturating_add(1), false),
            Some("ol") => (lists, ordered) = (lists.saturating_add(1), true),
            Some("table") => layout = table::is_layout(dom, i, skip),
            _ => {}
        }
    }
    let own = match tag {
        Tag::Heading(l) => BlockKind::Heading { level: l },
        Tag::Li => BlockKind::ListItem {
            depth: top.lists.saturating_sub(1),
            ordered: top.ordered,
        },
        Tag::Quote => BlockKind::Quote,
        Tag::Pre => BlockKind::Code,
        Tag::Tr => BlockKind::TableRow {
            header: table::in_thead(dom, i),
            layout,
        },
        _ => BlockKind::Paragraph,
    };
    // A paragraph inside a list item or a quote is still that item or quote.
    let kind = match (own, top.kind) {
        _ if inline => top.kind,
        (BlockKind::Paragraph, BlockKind::ListItem { .. } | BlockKind::Quote) => top.kind,
        (BlockKind::Paragraph | BlockKind::ListItem { .. }, BlockKind::Code) => top.kind,
        _ => own,
    };
    Open {
        end: dom.nodes.get(i).map_or(0, |n| n.end),
        kind,
        flushes: !inline,
        pre: top.pre || tag == Tag::Pre,
        sep,
        lists,
        ordered,
        layout,
        cell: None,
        span: 1,
    }
}
