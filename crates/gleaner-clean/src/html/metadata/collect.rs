//! The one scan over the parse tree that gathers every metadata source: `<meta>` tags,
//! JSON-LD blocks, microdata, `<time>` stamps, headings, bylines and the short lines of
//! visible text that hold a year, each with where it sits (its offset in the page's
//! text, and whether it is inside navigation, a sidebar, a comment, the site header or
//! the article).
//!
//! The context of each element is one set of flags inherited down a stack, so no
//! candidate walks its ancestors. Nothing is decided here; the field modules choose.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use scraper::node::Element;
use scraper::{Html, Node as HNode};
use serde_json::Value;

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

/// What a date is said to be, by its label ("Updated …") or its class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Label {
    Unlabelled,
    Published,
    Updated,
}

/// A date-bearing value: a `<time datetime>` or a short line of visible text.
#[derive(Debug)]
pub(super) struct Stamp {
    pub value: String,
    pub at: Place,
    pub label: Label,
    /// `<time datetime>` (a machine value), else visible text.
    pub machine: bool,
}

/// Where an author candidate came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum NameSource {
    /// `itemprop=author` of the page's main item.
    Microdata,
    /// `<a rel=author>`.
    RelAuthor,
    /// A `data-author` attribute (forum software marks each post's author so).
    DataAttr,
    /// The first link inside a byline element: usually the author's page.
    BylineLink,
    /// An element whose class or id names a byline or author: its whole text.
    BylineClass,
    /// A line of text led by "By", "Von", "Par"…
    ByText,
    /// A line of text led by a label that names the author: "Written by", "Author:".
    Labelled,
}

/// An author candidate as found, before cleaning.
#[derive(Debug)]
pub(super) struct Named {
    pub name: String,
    pub at: Place,
    pub source: NameSource,
}

/// A top-level heading.
#[derive(Debug)]
pub(super) struct Heading {
    pub text: String,
    pub at: Place,
}

#[derive(Default)]
pub(super) struct Found {
    pub metas: Vec<(String, String)>,
    pub ld: Vec<Value>,
    pub title: Option<String>,
    pub h1s: Vec<Heading>,
    pub lang: Option<String>,
    pub canonical: Option<String>,
    pub micro_published: Vec<String>,
    pub micro_modified: Vec<String>,
    pub stamps: Vec<Stamp>,
    pub names: Vec<Named>,
}

const MAX_STAMPS: usize = 400;
/// The longest line of text read as a date line, in bytes.
const SHORT_LINE: usize = 80;
const MAX_NAMES: usize = 40;
const MAX_H1S: usize = 8;

/// The kind of the microdata item a property belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The page's main item (an article, a post, a question, a page).
    Main,
    /// A comment or answer: its author and date are not the page's.
    Reply,
    /// Anything else (a person, an image, a breadcrumb list).
    Other,
}

fn scope_of(itemtype: Option<&str>) -> Scope {
    let t = itemtype
        .and_then(|t| t.split_whitespace().next())
        .map(|t| t.rsplit(['/', ':', '#']).next().unwrap_or(t))
        .unwrap_or("");
    if matches!(t, "Comment" | "Answer") {
        Scope::Reply
    } else if t.ends_with("Article")
        || t.ends_with("Posting")
        || t.ends_with("Page")
        || matches!(
            t,
            "Question" | "Report" | "Recipe" | "Review" | "Product" | "Blog"
        )
    {
        Scope::Main
    } else {
        Scope::Other
    }
}

/// An attribute by name. Scanning an element's few attributes beats `Element::attr`,
/// which interns the name on every call.
pub(super) fn attr<'a>(el: &'a Element, name: &str) -> Option<&'a str> {
    el.attrs().find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// Context flags an element's own names add.
fn flags_by_names(el: &Element) -> Flags {
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

fn token_flags(token: &str) -> Flags {
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
fn own_flags(el: &Element, inherited: Flags) -> Flags {
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

/// A four-digit run that reads as a year of the web's era (19xx or 20xx).
pub(super) fn has_year(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(4).enumerate().any(|(i, w)| {
        w.iter().all(u8::is_ascii_digit)
            && matches!(w, [b'1', b'9', ..] | [b'2', b'0', ..])
            && !(i > 0 && b.get(i - 1).is_some_and(u8::is_ascii_digit))
            && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
    })
}

/// What a line of text says its date is.
pub(super) fn label_of(text: &str) -> Label {
    if text.len() > 400 {
        return Label::Unlabelled;
    }
    let t = text.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if any(&[
        "updated",
        "modified",
        "aktualisiert",
        "geändert",
        "mis à jour",
        "actualizado",
        "aggiornato",
        "bijgewerkt",
        "atualizado",
        "edited",
        "revised",
        "last reviewed",
    ]) {
        Label::Updated
    } else if any(&[
        "publish",
        "posted",
        "veröffentlicht",
        "publié",
        "publicado",
        "pubblicato",
        "gepubliceerd",
        "erschienen",
        "publiziert",
        "written",
        "created",
    ]) {
        Label::Published
    } else {
        Label::Unlabelled
    }
}

/// Words that lead a byline: "By Jane Doe", "Von Max Muster".
pub(super) const BYLINE_LEADS: &[&str] = &[
    "by",
    "written by",
    "posted by",
    "words by",
    "story by",
    "text by",
    "article by",
    "author",
    "authors",
    "von",
    "text von",
    "autor",
    "autorin",
    "verfasst von",
    "geschrieben von",
    "par",
    "écrit par",
    "por",
    "escrito por",
    "di",
    "scritto da",
    "door",
    "geschreven door",
];

/// The name after a byline lead ("By Jane" → "Jane"; "By" alone → ""), or `None` when
/// the text does not open with one.
pub(super) fn after_lead(text: &str) -> Option<&str> {
    lead_of(text).map(|(_, rest)| rest)
}

/// The byline lead `text` opens with (the longest that fits) and what follows it.
fn lead_of(text: &str) -> Option<(&'static str, &str)> {
    let t = text.trim_start();
    let mut best: Option<(&'static str, &str)> = None;
    for lead in BYLINE_LEADS {
        let Some(head) = t.get(..lead.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(lead) {
            continue;
        }
        let Some(rest) = t.get(lead.len()..) else {
            continue;
        };
        // The lead must end at a word boundary: "Bypass" is no byline.
        if rest.chars().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let rest = rest.trim_start_matches([':', ' ', '\u{a0}', '-', '–', '|']);
        if best.is_none_or(|(_, b)| rest.len() < b.len()) {
            best = Some((lead, rest));
        }
    }
    best
}

/// A lead that says what follows is the author ("Written by", "Author:"), unlike a bare
/// "by", which prose uses too.
fn strong_lead(lead: &str) -> bool {
    lead.contains(' ') || lead.starts_with("aut")
}

struct Scan {
    found: Found,
    /// Bytes of visible text seen so far.
    pos: usize,
    /// The last short line of text: a label ("Updated", "By") for what follows.
    last_short: String,
    /// A byline lead stood alone; the next text is the name (of this source).
    pending_by: Option<NameSource>,
    scopes: Vec<(NodeId, Scope)>,
}

/// Scans the whole tree once.
pub(super) fn collect(doc: &Html) -> Found {
    let mut s = Scan {
        found: Found::default(),
        pos: 0,
        last_short: String::new(),
        pending_by: None,
        scopes: Vec::new(),
    };
    // Each open element's flags and site header.
    let mut stack: Vec<(Flags, Option<NodeId>)> = Vec::with_capacity(64);
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                HNode::Element(el) => {
                    let (inherited, header) = stack.last().copied().unwrap_or((0, None));
                    let own = own_flags(el, inherited);
                    let header = match header {
                        None if own & SITE_HEADER != 0 => Some(node.id()),
                        h => h,
                    };
                    let at = Place {
                        pos: s.pos,
                        flags: inherited | own,
                        header,
                    };
                    s.element(node, el, inherited, own, at);
                    stack.push((at.flags, header));
                }
                HNode::Text(t) => {
                    let (flags, header) = stack.last().copied().unwrap_or((0, None));
                    if flags & (SKIP | HEAD) == 0 {
                        s.text(t, flags, header);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if node.value().is_element() {
                    stack.pop();
                    if s.scopes.last().is_some_and(|(id, _)| *id == node.id()) {
                        s.scopes.pop();
                    }
                }
            }
        }
    }
    s.found
}

impl Scan {
    fn element(
        &mut self,
        node: NodeRef<'_, HNode>,
        el: &Element,
        inherited: Flags,
        own: Flags,
        at: Place,
    ) {
        let flags = at.flags;
        let f = &mut self.found;
        match el.name() {
            "html" => f.lang = attr(el, "lang").map(clean_space),
            "meta" if attr(el, "itemprop").is_none() => {
                let key = attr(el, "property")
                    .or_else(|| attr(el, "name"))
                    .or_else(|| attr(el, "http-equiv"));
                if let (Some(k), Some(v)) = (key, attr(el, "content")) {
                    let v = clean_space(v);
                    if !v.is_empty() {
                        f.metas.push((k.to_ascii_lowercase(), v));
                    }
                }
            }
            // `<title>` inside an inline `<svg>` (SKIP) is an icon's name, not the page's.
            "title" if f.title.is_none() && flags & SKIP == 0 => {
                f.title = Some(text_of(node, 2000)).filter(|t| !t.is_empty());
            }
            "h1" if f.h1s.len() < MAX_H1S && flags & SKIP == 0 => {
                let text = heading_text(&text_of(node, 600));
                if !text.is_empty() {
                    f.h1s.push(Heading { text, at });
                }
            }
            "link" if f.canonical.is_none() && attr(el, "rel") == Some("canonical") => {
                f.canonical = attr(el, "href").map(str::to_string)
            }
            "script" if attr(el, "type").is_some_and(|t| t.contains("ld+json")) => {
                let raw: String = node
                    .children()
                    .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                    .collect();
                if let Some(v) = parse_json_ld(&raw) {
                    f.ld.push(v);
                }
            }
            "time" if f.stamps.len() < MAX_STAMPS && flags & SKIP == 0 => {
                if let Some(dt) = attr(el, "datetime") {
                    let label = if attr(el, "pubdate").is_some() {
                        Label::Published
                    } else {
                        let own = attr(el, "class").map_or(Label::Unlabelled, label_of);
                        if own == Label::Unlabelled {
                            label_of(&self.last_short)
                        } else {
                            own
                        }
                    };
                    f.stamps.push(Stamp {
                        value: dt.to_string(),
                        at,
                        label,
                        machine: true,
                    });
                }
            }
            _ => {}
        }
        if el.name() == "a"
            && attr(el, "rel").is_some_and(|r| r.split_whitespace().any(|r| r == "author"))
        {
            self.name(text_of(node, 200), at, NameSource::RelAuthor);
        }
        if flags & SKIP != 0 {
            return;
        }
        if let Some(prop) = attr(el, "itemprop") {
            self.microdata(node, el, prop, at);
        }
        if let Some(itemtype) = attr(el, "itemscope").and(Some(attr(el, "itemtype"))) {
            self.scopes.push((node.id(), scope_of(itemtype)));
        }
        // A date-named element showing a relative time ("2 years ago") often holds the
        // date in its title.
        if own & DATEISH != 0 && self.found.stamps.len() < MAX_STAMPS {
            if let Some(t) = attr(el, "title").filter(|t| t.len() <= SHORT_LINE && has_year(t)) {
                self.found.stamps.push(Stamp {
                    value: clean_space(t),
                    at,
                    label: label_of(&self.last_short),
                    machine: false,
                });
            }
        }
        if let Some(a) = attr(el, "data-author").filter(|a| !a.trim().is_empty()) {
            self.name(a.to_string(), at, NameSource::DataAttr);
        }
        // The outermost byline element: its whole text, the cleaning comes later.
        if own & BYLINE != 0 && inherited & (BYLINE | FURNITURE) == 0 {
            let link = node
                .descendants()
                .take(100)
                .filter(|d| d.value().as_element().is_some_and(is_author_link))
                .map(|d| text_of(d, 100))
                .find(|t| !t.is_empty());
            if let Some(link) = link {
                self.name(link, at, NameSource::BylineLink);
            }
            self.name(text_of(node, 200), at, NameSource::BylineClass);
        }
    }

    /// `itemprop=datePublished|dateModified|author` of the page's main item (or of no
    /// item at all: loose microdata is common).
    fn microdata(&mut self, node: NodeRef<'_, HNode>, el: &Element, prop: &str, at: Place) {
        let owner = self.scopes.last().map_or(Scope::Main, |(_, s)| *s);
        if owner != Scope::Main || at.flags & COMMENT != 0 {
            return;
        }
        for p in prop.split_whitespace() {
            let value = || {
                attr(el, "content")
                    .or_else(|| attr(el, "datetime"))
                    .map(clean_space)
                    .unwrap_or_else(|| text_of(node, 200))
            };
            match p {
                "datePublished" | "dateCreated" if self.found.micro_published.len() < 4 => {
                    let v = value();
                    self.found.micro_published.push(v);
                }
                "dateModified" if self.found.micro_modified.len() < 4 => {
                    let v = value();
                    self.found.micro_modified.push(v);
                }
                "author" | "creator" => {
                    let name = if attr(el, "itemscope").is_some() {
                        item_name(node).unwrap_or_default()
                    } else {
                        value()
                    };
                    self.name(name, at, NameSource::Microdata);
                }
                _ => {}
            }
        }
    }

    fn name(&mut self, name: String, at: Place, source: NameSource) {
        if self.found.names.len() < MAX_NAMES && !name.is_empty() {
            self.found.names.push(Named { name, at, source });
        }
    }

    fn text(&mut self, t: &str, flags: Flags, header: Option<NodeId>) {
        let trimmed = t.trim();
        if trimmed.is_empty() {
            return;
        }
        let at = Place {
            pos: self.pos,
            flags,
            header,
        };
        self.pos += trimmed.len() + 1;
        let short = trimmed.len() <= 120;
        let short_line = trimmed.len() <= SHORT_LINE;
        if let Some(source) = self.pending_by.take().filter(|_| short) {
            if looks_named(trimmed) {
                self.name(clean_space(trimmed), at, source);
            }
        } else if short {
            if let Some((lead, rest)) = lead_of(trimmed) {
                let source = if strong_lead(lead) {
                    NameSource::Labelled
                } else {
                    NameSource::ByText
                };
                if rest.is_empty() {
                    self.pending_by = Some(source);
                } else if flags & (FURNITURE | COMMENT) == 0 && looks_named(rest) {
                    self.name(clean_space(trimmed), at, source);
                }
            }
        }
        // A date shown as the page's is a short line of its own ("March 5, 2024",
        // "Posted on 05/03/2024 by"); one inside prose is what the prose is about ("sale
        // ends 03/31/2026").
        if short_line && self.found.stamps.len() < MAX_STAMPS && has_year(trimmed) {
            let value = clean_space(trimmed);
            let own = label_of(&value);
            let label = if own == Label::Unlabelled {
                label_of(&self.last_short)
            } else {
                own
            };
            self.found.stamps.push(Stamp {
                value,
                at,
                label,
                machine: false,
            });
        }
        if trimmed.len() <= 40 {
            self.last_short.clear();
            self.last_short.push_str(trimmed);
        } else {
            self.last_short.clear();
        }
    }
}

/// A JSON-LD block. Hand-written ones often hold raw line breaks or tabs inside strings,
/// which JSON forbids: on failure they are read again with control chars as spaces.
fn parse_json_ld(raw: &str) -> Option<Value> {
    let raw = raw.trim();
    serde_json::from_str::<Value>(raw).ok().or_else(|| {
        let repaired: String = raw
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        serde_json::from_str::<Value>(&repaired).ok()
    })
}

/// The `itemprop=name` inside an item (a `<meta content>` or the element's text).
fn item_name(node: NodeRef<'_, HNode>) -> Option<String> {
    node.descendants().take(200).find_map(|d| {
        let el = d.value().as_element()?;
        if attr(el, "itemprop")?
            .split_whitespace()
            .any(|p| p == "name")
        {
            Some(attr(el, "content").map_or_else(|| text_of(d, 200), clean_space))
        } else {
            None
        }
    })
}

/// Words in a link's address that make it a link to a person's page.
const AUTHOR_HREF: &[&str] = &[
    "author",
    "autor",
    "auteur",
    "user",
    "member",
    "profile",
    "people",
    "person",
    "staff",
    "writer",
    "contributor",
    "team",
    "expert",
    "journalist",
    "redakteur",
    "/u/",
    "/by/",
    "/@",
];

/// A link to an author's page: `rel=author`, or an address naming people. Other links
/// in a byline (the permalink, the category, "Email") are not names.
fn is_author_link(el: &Element) -> bool {
    if el.name() != "a" {
        return false;
    }
    if attr(el, "rel").is_some_and(|r| r.split_whitespace().any(|r| r == "author")) {
        return true;
    }
    attr(el, "href").is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        !h.starts_with("mailto:") && AUTHOR_HREF.iter().any(|w| h.contains(w))
    })
}

/// Whether what follows "By" reads as a name: capitalised, or one token (a user name).
/// "By submitting this form, you agree" is prose.
fn looks_named(rest: &str) -> bool {
    rest.chars().next().is_some_and(char::is_uppercase) || rest.split_whitespace().count() == 1
}

/// A heading's text without the permalink marks documentation generators append
/// ("Quickstart¶", "Install #").
fn heading_text(t: &str) -> String {
    t.trim_end_matches(|c: char| matches!(c, '¶' | '§' | '#' | '🔗') || c.is_whitespace())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byline_leads() {
        assert_eq!(after_lead("By Jane Doe"), Some("Jane Doe"));
        assert_eq!(after_lead("Written by: Jane"), Some("Jane"));
        assert_eq!(after_lead("Von Max Muster"), Some("Max Muster"));
        assert_eq!(after_lead("by"), Some(""));
        assert_eq!(after_lead("Bypass surgery"), None);
        assert_eq!(after_lead("Porsche"), None);
    }

    #[test]
    fn years_of_the_web() {
        assert!(has_year("March 5, 2024"));
        assert!(has_year("2019-08-16T00:00"));
        assert!(!has_year("12345 people"));
        assert!(!has_year("Call 1800 555"));
        assert!(!has_year("no digits"));
    }
}
