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

/// Context flags an element's own names add.
pub(super) fn flags_by_names(el: &Element) -> Flags {
    let mut f = 0;
    for v in [attr(el, "class"), attr(el, "id")].into_iter().flatten() {
        for token in v.split_ascii_whitespace() {
            f |= token_flags(token);
        }
    }
    f
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

pub(super) fn token_flags(token: &str) -> Flags {
    let t = token.to_ascii_lowercase();
    if FURNITURE_TOKENS.contains(&t.as_str()) {
        return FURNITURE;
    }
    let mut f = 0;
    // A comment section or one comment: `comments`, `comment-list`, `wp-block-comments`,
    // but not a post's `comments-open` state or a `comment-count`.
    let commentish = (t.starts_with("comment") || t.contains("-comment") || t.contains("_comment"))
        && ![
            "open", "closed", "count", "link", "number", "icon", "button",
        ]
        .iter()
        .any(|w| t.ends_with(w));
    if commentish || t == "disqus_thread" {
        f |= COMMENT;
    }
    let words = || {
        t.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
    };
    if words().any(|w| {
        (w.contains("date")
            && !["candidate", "validate", "mandate", "update"]
                .iter()
                .any(|x| w.contains(x)))
            || [
                "time",
                "timestamp",
                "datetime",
                "pubtime",
                "posted",
                "published",
                "dateline",
                "meta",
                "updated",
            ]
            .contains(&w)
    }) {
        f |= DATEISH;
    }
    if words().any(|w| w.contains("byline") || w.contains("author") || w == "writer") {
        f |= BYLINE;
    }
    f
}

/// Flags an element adds by what it is.
pub(super) fn own_flags(el: &Element, inherited: Flags) -> Flags {
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
    match attr(el, "role") {
        Some("navigation" | "contentinfo" | "complementary") => f |= FURNITURE,
        Some("main") => f |= MAIN,
        Some("banner") if inherited & MAIN == 0 => f |= SITE_HEADER,
        _ => {}
    }
    // The names of `<html>` and `<body>` describe the page ("comments-page",
    // "sidebar-left"), not a region of it.
    if !matches!(el.name(), "html" | "body") {
        f |= flags_by_names(el);
    }
    f
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
