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
use super::cues::{
    has_year, heading_text, is_author_link, label_of, lead_of, looks_named, strong_lead, Label,
};
use super::place::{
    attr, own_flags, text_of, Flags, Marks, Place, TokenCache, BYLINE, COMMENT, DATEISH, FURNITURE,
    HEAD, SITE_HEADER, SKIP,
};

/// A date-bearing value: a `<time datetime>` or a short line of visible text.
#[derive(Debug)]
pub(super) struct Stamp {
    pub value: String,
    pub at: Place,
    pub label: Label,
    /// `<time datetime>` (a machine value), else visible text.
    pub machine: bool,
    /// A `<time>`'s own visible text, beside its machine value.
    pub text: Option<String>,
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
    /// The first `<h2>`/`<h3>`s: a page without an `<h1>` may set its headline in one.
    pub subheads: Vec<Heading>,
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
const MAX_SUBHEADS: usize = 16;

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
    let mut cache = TokenCache::default();
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                HNode::Element(el) => {
                    let (inherited, header) = stack.last().copied().unwrap_or((0, None));
                    let (own, marks) = own_flags(el, inherited, &mut cache);
                    let header = match header {
                        None if own & SITE_HEADER != 0 => Some(node.id()),
                        h => h,
                    };
                    let at = Place {
                        pos: s.pos,
                        flags: inherited | own,
                        header,
                    };
                    s.element(node, el, (inherited, own, marks), at);
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
    /// An element opens: `ctx` holds the flags it inherits and adds, and the attributes
    /// it has that need reading.
    fn element(
        &mut self,
        node: NodeRef<'_, HNode>,
        el: &Element,
        ctx: (Flags, Flags, Marks),
        at: Place,
    ) {
        let (inherited, own, marks) = ctx;
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
            "h2" | "h3" if f.subheads.len() < MAX_SUBHEADS && flags & SKIP == 0 => {
                let text = heading_text(&text_of(node, 600));
                if !text.is_empty() {
                    f.subheads.push(Heading { text, at });
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
                    let text = Some(text_of(node, SHORT_LINE)).filter(|t| has_year(t));
                    f.stamps.push(Stamp {
                        value: dt.to_string(),
                        at,
                        label,
                        machine: true,
                        text,
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
        if let Some(prop) = attr(el, "itemprop").filter(|_| marks.itemprop) {
            self.microdata(node, el, prop, at);
        }
        if marks.itemscope {
            self.scopes
                .push((node.id(), scope_of(attr(el, "itemtype"))));
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
                    text: None,
                });
            }
        }
        let data_author = attr(el, "data-author").filter(|_| marks.data_author);
        if let Some(a) = data_author.filter(|a| !a.trim().is_empty()) {
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
        // Most text nodes are indentation: ASCII spaces are trimmed bytewise first.
        let trimmed = t.trim_ascii().trim();
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
                text: None,
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
