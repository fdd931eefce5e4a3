//! Where a candidate sits: the context flags an element's kind and names give it (page
//! furniture, comments, the site header, the article, elements named for dates or
//! bylines), inherited down the tree, and its offset in the page's text.
//!
//! Names are read as whole class or id tokens, never as substrings of layout classes.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::Node as HNode;

use super::clean_space;
use crate::Fnv;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Where an element or text sits: flags inherited from its ancestors.
pub(super) type Flags = u16;
/// Script, style, template, svg: no visible text.
pub(super) const SKIP: Flags = 1;
/// Navigation, footer, aside, sidebars, menus, widgets.
pub(super) const FURNITURE: Flags = 1 << 1;
/// User comments.
pub(super) const COMMENT: Flags = 1 << 2;
/// The site's header (a `<header>` or banner outside any article).
pub(super) const SITE_HEADER: Flags = 1 << 3;
/// Inside `<article>`, `<main>` or `role=main`.
pub(super) const MAIN: Flags = 1 << 4;
/// Inside an element whose class or id names a date (`post-date`, `entry-meta`…).
pub(super) const DATEISH: Flags = 1 << 5;
/// Inside an element whose class or id names an author or byline.
pub(super) const BYLINE: Flags = 1 << 6;
/// Inside a `<time>`.
pub(super) const TIME: Flags = 1 << 7;
/// Inside `<head>`.
pub(super) const HEAD: Flags = 1 << 8;

/// Where a candidate sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Place {
    /// Offset in the page: bytes of visible text before it.
    pub pos: usize,
    pub flags: Flags,
    /// The outermost site header (`<header>` outside any article) it is in.
    pub header: Option<NodeId>,
}

impl Place {
    /// Whether it is page furniture for a headline at `anchor`: navigation, sidebars,
    /// comments, or a site header other than the one holding the headline.
    pub fn furniture(&self, anchor: Option<&Place>) -> bool {
        self.flags & (FURNITURE | COMMENT) != 0
            || (self.flags & SITE_HEADER != 0 && anchor.is_none_or(|a| a.header != self.header))
    }

    /// Whether it lies from `before` bytes of text before the anchor to `after` after it.
    pub fn near(&self, anchor: &Place, before: usize, after: usize) -> bool {
        self.pos + before >= anchor.pos && self.pos <= anchor.pos + after
    }
}

/// An attribute by name. Scanning an element's few attributes beats `Element::attr`,
/// which interns the name on every call.
pub(super) fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attrs().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Whole class or id tokens that name furniture. Only whole tokens: layout classes
/// mention sidebars and navigation on the elements that hold the article
/// (`template-sidebar`, `offset-nav`, `md:[grid-area:sidebar]`).
const FURNITURE_TOKENS: &[&str] = &[
    "sidebar",
    "site-footer",
    "footer",
    "widget-area",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "breadcrumb",
    "breadcrumbs",
    "related",
    "related-posts",
    "recommended",
    "popular-posts",
    "trending",
];

pub(super) fn token_flags(t: &str) -> Flags {
    // Runs on every class and id token of the page: the token is lower-cased once into a
    // buffer on the stack and compared as bytes. Longer tokens are generated ids.
    let mut buf = [0u8; 48];
    let Some(low) = buf.get_mut(..t.len()) else {
        return 0;
    };
    if low.len() < 3 {
        return 0;
    }
    low.copy_from_slice(t.as_bytes());
    low.make_ascii_lowercase();
    let low: &[u8] = low;
    if FURNITURE_TOKENS.iter().any(|f| f.as_bytes() == low) {
        return FURNITURE;
    }
    let mut f = 0;
    // A comment section or one comment: `comments`, `comment-list`, `wp-block-comments`,
    // but not a post's `comments-open` state or a `comment-count`.
    if has(low, b"comment") {
        let state = [
            "open", "closed", "count", "link", "number", "icon", "button",
        ]
        .iter()
        .any(|w| low.ends_with(w.as_bytes()));
        let word_start =
            low.starts_with(b"comment") || has(low, b"-comment") || has(low, b"_comment");
        if word_start && !state {
            f |= COMMENT;
        }
    } else if low == b"disqus_thread" {
        f |= COMMENT;
    }
    for w in low.split(|c| !c.is_ascii_alphanumeric()) {
        if w.len() < 4 {
            continue;
        }
        let dated = has(w, b"date")
            && ![&b"candidate"[..], b"validate", b"mandate", b"update"]
                .iter()
                .any(|x| has(w, x));
        if dated || DATE_WORDS.iter().any(|x| x.as_bytes() == w) {
            f |= DATEISH;
        }
        if has(w, b"byline") || has(w, b"author") || w == b"writer" {
            f |= BYLINE;
        }
    }
    f
}

/// A quick test for an author's name among an element's names.
fn names_author(v: &str) -> bool {
    v.contains("author") || v.contains("Author") || v.contains("byline")
}

/// Whole words of a class that name a date.
const DATE_WORDS: &[&str] = &[
    "time",
    "timestamp",
    "datetime",
    "pubtime",
    "posted",
    "published",
    "dateline",
    "meta",
    "updated",
];

/// `needle` in `hay`.
fn has(hay: &[u8], needle: &[u8]) -> bool {
    hay.len() >= needle.len() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Attributes the scan reads further when an element has them: noted in the one pass
/// over its attributes, so that most elements are read once.
#[derive(Clone, Copy, Default)]
pub(super) struct Marks {
    pub itemprop: bool,
    pub itemscope: bool,
    pub data_author: bool,
}

/// The flags of each class or id token already read on this page: pages repeat a few
/// hundred tokens over thousands of elements.
#[derive(Default)]
pub(super) struct TokenCache<'a> {
    seen: HashMap<&'a str, Flags, BuildHasherDefault<Fnv>>,
}

impl<'a> TokenCache<'a> {
    fn flags(&mut self, token: &'a str) -> Flags {
        *self.seen.entry(token).or_insert_with(|| token_flags(token))
    }
}

/// Flags an element adds by what it is, and which further attributes it has.
pub(super) fn own_flags<'a>(
    el: &'a Element,
    inherited: Flags,
    cache: &mut TokenCache<'a>,
) -> (Flags, Marks) {
    let mut marks = Marks::default();
    // Nothing under a script or an icon is visible: its names need no reading.
    if inherited & SKIP != 0 {
        return (0, marks);
    }
    let mut f = match el.name() {
        "script" | "style" | "noscript" | "template" | "svg" | "iframe" | "select" => SKIP,
        "head" => HEAD,
        "nav" => FURNITURE,
        // Inside an article, an aside or footer holds the article's own metadata (its
        // date, its author); outside, it is the page's.
        "footer" | "aside" if inherited & MAIN == 0 => FURNITURE,
        "article" | "main" => MAIN,
        "header" if inherited & MAIN == 0 => SITE_HEADER,
        "time" => TIME,
        _ => 0,
    };
    // The names of `<html>` and `<body>` describe the page ("comments-page",
    // "sidebar-left"), not a region of it, and the page-level ones are not read; nor, but
    // for an author's, those of links, images, form controls and inline formatting: they
    // name a widget's parts, and reading them was a third of this pass's time.
    let page_level = matches!(el.name(), "html" | "body");
    let unnamed = page_level
        || matches!(
            el.name(),
            "a" | "img"
                | "picture"
                | "source"
                | "button"
                | "input"
                | "label"
                | "option"
                | "i"
                | "b"
                | "em"
                | "strong"
                | "br"
                | "hr"
                | "sup"
                | "sub"
                | "link"
                | "meta"
        );
    // One pass over the attributes.
    for (k, v) in el.attrs() {
        match k {
            "role" => match v {
                "navigation" | "contentinfo" | "complementary" => f |= FURNITURE,
                "main" => f |= MAIN,
                "banner" if inherited & MAIN == 0 => f |= SITE_HEADER,
                _ => {}
            },
            // Unnamed parts are read only when they name an author (a byline's link).
            "class" | "id" if !unnamed || (!page_level && names_author(v)) => {
                for token in v.split_ascii_whitespace() {
                    f |= cache.flags(token);
                }
            }
            "itemprop" => marks.itemprop = true,
            "itemscope" => marks.itemscope = true,
            "data-author" => marks.data_author = true,
            _ => {}
        }
    }
    (f, marks)
}

/// A node's text, whitespace collapsed, stopping once about `cap` bytes are gathered;
/// buttons, scripts and icons inside do not count.
pub(super) fn text_of(node: NodeRef<'_, HNode>, cap: usize) -> String {
    let mut s = String::new();
    let mut skip_until: Option<NodeId> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) => {
                if skip_until.is_some() {
                    continue;
                }
                match n.value() {
                    HNode::Element(e)
                        if matches!(
                            e.name(),
                            "button" | "script" | "style" | "svg" | "noscript" | "template"
                        ) =>
                    {
                        skip_until = Some(n.id());
                    }
                    HNode::Text(t) => {
                        s.push_str(t);
                        s.push(' ');
                        if s.len() > cap {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(n) => {
                if skip_until == Some(n.id()) {
                    skip_until = None;
                }
            }
        }
    }
    clean_space(&s)
}
