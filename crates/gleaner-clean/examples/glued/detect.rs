//! Finds words that a cleaner's text glued together across a line boundary of the page.
//!
//! The text alone cannot tell "iPhone" from "2023EV" where a date and a heading met: the
//! page's DOM can. A browser breaks the line at every block-level element (`<div>`, `<p>`,
//! a heading, a table cell, `<br>`...), so a word of the clean text that appears nowhere in
//! the page when the page's text nodes are joined the way a browser joins them (inline
//! elements run together, blocks and line breaks separate) was made by the cleaner: the
//! end of one block run into the start of another. Shared by the `glued` example and the
//! tests that keep glue from coming back.

use ego_tree::iter::Edge;
use scraper::{Html, Node};
use std::collections::HashSet;

/// Element names a browser lays out as blocks, list items, table parts or line breaks by
/// default (the HTML standard's rendering section): text on either side of one is never
/// one word.
fn breaks_line(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "legend"
            | "li"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

/// Elements whose text a browser never shows.
fn invisible(name: &str) -> bool {
    matches!(
        name,
        "head" | "script" | "style" | "template" | "title" | "svg" | "math"
    )
}

/// What the page's DOM says about where words may meet.
pub struct Page {
    /// Every word of the page's text as a browser would lay it out: text nodes joined
    /// across inline elements, split at line boundaries.
    words: HashSet<String>,
    /// The last words of lines (text between two line boundaries).
    left: HashSet<String>,
    /// The first words of lines.
    right: HashSet<String>,
}

/// One glued word of a clean text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glue {
    /// The word as the text has it, e.g. "2023EV".
    pub word: String,
    /// Whether it is the classic case: a lower-case letter or a digit, then an upper-case
    /// letter starting the next block's word ("2023EV", "moreRead").
    pub case_break: bool,
}

impl Page {
    /// Parses `html` the way gleaner does (scripting off: `<noscript>` holds elements).
    pub fn new(html: &str) -> Page {
        use html5ever::tendril::TendrilSink;
        let opts = html5ever::ParseOpts {
            tree_builder: html5ever::tree_builder::TreeBuilderOpts {
                scripting_enabled: false,
                ..Default::default()
            },
            ..Default::default()
        };
        let doc = html5ever::driver::parse_document(
            scraper::HtmlTreeSink::new(Html::new_document()),
            opts,
        )
        .one(html);
        let mut page = Page {
            words: HashSet::new(),
            left: HashSet::new(),
            right: HashSet::new(),
        };
        // The text since the last line boundary, as a browser joins it: inline
        // neighbours run together, so a line's first and last words are only known at
        // its end.
        let mut line = String::new();
        let mut hidden: Option<ego_tree::NodeId> = None;
        for edge in doc.tree.root().traverse() {
            let (node, open) = match edge {
                Edge::Open(n) => (n, true),
                Edge::Close(n) => (n, false),
            };
            if let Some(h) = hidden {
                if !open && node.id() == h {
                    hidden = None;
                }
                continue;
            }
            match node.value() {
                Node::Element(e) if open && invisible(e.name()) => hidden = Some(node.id()),
                Node::Element(e) if breaks_line(e.name()) => page.end_line(&mut line),
                Node::Text(t) if open => line.push_str(t),
                _ => {}
            }
        }
        page.end_line(&mut line);
        page
    }

    /// Takes in the words of one line of the page's layout.
    fn end_line(&mut self, line: &mut String) {
        if !line.starts_with(char::is_whitespace) {
            if let Some(first) = line.split_whitespace().next() {
                self.right.insert(first.to_string());
            }
        }
        if !line.ends_with(char::is_whitespace) {
            if let Some(last) = line.split_whitespace().next_back() {
                self.left.insert(last.to_string());
            }
        }
        for w in line.split_whitespace() {
            if !self.words.contains(w) {
                self.words.insert(w.to_string());
            }
        }
        line.clear();
    }

    /// The glued words of `text`, a clean text of this page, in order: words the page
    /// does not have that are one line's last word followed by another line's first. (A
    /// word the page lacks for another reason, such as "Steven" cut from "XSteven" when
    /// the cleaner drops an inline icon before it, or a charset read otherwise, does not
    /// split so.)
    pub fn glued(&self, text: &str) -> Vec<Glue> {
        text.split_whitespace()
            .filter(|w| !self.words.contains(*w))
            .filter_map(|w| {
                let mut splits = self.splits(w).peekable();
                splits.peek()?;
                let case_break =
                    splits.any(|(a, b)| (a.is_lowercase() || a.is_numeric()) && b.is_uppercase());
                Some(Glue {
                    word: w.to_string(),
                    case_break,
                })
            })
            .collect()
    }

    /// The places `word` splits into a line's last word and another line's first, as
    /// the characters on either side.
    fn splits<'w>(&'w self, word: &'w str) -> impl Iterator<Item = (char, char)> + 'w {
        word.char_indices().skip(1).filter_map(move |(at, b)| {
            let (head, tail) = word.split_at(at);
            let a = head.chars().next_back()?;
            (self.left.contains(head) && self.right.contains(tail)).then_some((a, b))
        })
    }
}
