//! The parsed page flattened into a pre-order arena with per-node text statistics.
//!
//! Every later pass (scoring, rendering) is a linear scan over this array: a subtree is
//! the index range `i..end`, a parent link lets statistics be summed child-to-parent in
//! one reverse pass, and nothing recurses, so 10,000-deep nesting costs what 10,000
//! siblings cost.

use super::furniture::{furniture_role, Furniture, Judge};
use crate::is_wide;
use ego_tree::NodeRef;
use scraper::{ElementRef, Node as HNode, Selector};

/// Nothing readable lives this deep; past it we stop descending.
pub const MAX_DEPTH: u32 = 1_500;

/// What an arena node is, as far as extraction cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    Text,
    Heading(u8),
    P,
    Li,
    Quote,
    Pre,
    Tr,
    Cell,
    Br,
    A,
    /// Any other block-level element: div, section, article, table...
    Block,
    /// Any other inline element: span, b, em...
    Inline,
}

impl Tag {
    pub fn is_block(self) -> bool {
        !matches!(self, Tag::Text | Tag::Br | Tag::A | Tag::Inline)
    }
}

/// Soft furniture: dropped unless it turns out to hold the page (see [`Dom::resolve`]).
pub const FURNITURE: u8 = 1;
/// `<article>`, `<main>`, `itemprop=articleBody`, `role=main`, a content class name.
pub const MARKER: u8 = 2;
pub const H1: u8 = 4;
/// Inside an `<a>`.
pub const IN_LINK: u8 = 8;
/// Removed: furniture or inside furniture.
pub const DEAD: u8 = 16;
/// A `<form>`: furniture when small.
pub const FORM: u8 = 32;
/// Named as a user comment or a comment section (see `furniture::COMMENT_WORDS`).
pub const COMMENT: u8 = 64;
/// Removed for what it is itself, not only for being inside something removed.
pub const SELF_DEAD: u8 = 128;

pub struct Node<'a> {
    pub node: NodeRef<'a, HNode>,
    pub tag: Tag,
    pub flags: u8,
    pub parent: u32,
    /// One past the last index of this node's subtree.
    pub end: u32,
    /// Text owned directly (not through a nested block), in characters, whitespace collapsed.
    pub own_text: u32,
    /// The part of `own_text` inside links.
    pub own_link: u32,
    /// Sentence punctuation and commas in the owned text.
    pub own_punct: u32,
    /// Whole-subtree text and link text, furniture included.
    pub text: u32,
    pub link: u32,
    /// Markers and `<h1>`s in the subtree, self included.
    pub markers: u32,
    /// Prose in the subtree: owned text of blocks long enough and not link-bound.
    pub prose: u32,
}

pub struct Dom<'a> {
    pub nodes: Vec<Node<'a>>,
    /// Index of `<body>` (or the root when the parser found none).
    pub body: usize,
}

/// Content class names and ids, matched whole: the common CMS article containers.
const CONTENT_NAMES: &[&str] = &[
    "entry-content",
    "post-content",
    "article-content",
    "article-body",
    "articlebody",
    "post-body",
    "postbody",
    "story-body",
    "storycontent",
    "main-content",
    "maincontent",
    "page-content",
    "post-entry",
    "td-post-content",
    "single-content",
    "blog-content",
    "rich-text",
    "article__body",
    "article__content",
    "c-article-body",
];

/// Elements whose subtree is never main text.
pub(super) fn hard_skip(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "head"
            | "button"
            | "select"
            | "textarea"
            | "input"
            | "option"
            | "dialog"
            | "audio"
            | "video"
            | "map"
            | "link"
            | "meta"
            | "label"
            | "picture"
            | "source"
            | "img"
    )
}

pub(super) fn tag_of(name: &str) -> Tag {
    match name {
        "h1" => Tag::Heading(1),
        "h2" => Tag::Heading(2),
        "h3" => Tag::Heading(3),
        "h4" => Tag::Heading(4),
        "h5" => Tag::Heading(5),
        "h6" => Tag::Heading(6),
        "p" => Tag::P,
        "li" | "dt" | "dd" => Tag::Li,
        "blockquote" => Tag::Quote,
        "pre" => Tag::Pre,
        "tr" => Tag::Tr,
        "td" | "th" => Tag::Cell,
        "br" | "hr" => Tag::Br,
        "a" => Tag::A,
        "address" | "article" | "aside" | "body" | "caption" | "details" | "div" | "dl"
        | "fieldset" | "figcaption" | "figure" | "footer" | "form" | "header" | "hgroup"
        | "html" | "main" | "nav" | "ol" | "section" | "summary" | "table" | "tbody" | "thead"
        | "tfoot" | "ul" | "center" | "legend" | "menu" => Tag::Block,
        _ => Tag::Inline,
    }
}

/// The attributes extraction reads, gathered in one pass. `Element::attr` interns the
/// name it is asked for (a hash and a lock-free table probe per call) and `classes()`
/// interns every class: at a dozen lookups per element that was a tenth of the run time.
#[derive(Default)]
pub(super) struct Attrs<'a> {
    pub class: Option<&'a str>,
    pub id: Option<&'a str>,
    pub role: Option<&'a str>,
    itemprop: Option<&'a str>,
    pub aria_label: Option<&'a str>,
    pub style: Option<&'a str>,
    hidden: bool,
}

impl<'a> Attrs<'a> {
    pub(super) fn of(el: &'a scraper::node::Element) -> Self {
        let mut a = Attrs::default();
        for (k, v) in el.attrs() {
            match k {
                "class" => a.class = Some(v),
                "id" => a.id = Some(v),
                "role" => a.role = Some(v),
                "itemprop" => a.itemprop = Some(v),
                "aria-label" => a.aria_label = Some(v),
                "style" => a.style = Some(v),
                "hidden" => a.hidden = true,
                "aria-hidden" if v == "true" => a.hidden = true,
                _ => {}
            }
        }
        a
    }

    pub(super) fn is_hidden(&self) -> bool {
        // React's streaming server rendering sends each suspended part of the page as
        // `<div hidden id="S:1">`, which a script moves into place: that is content.
        let streamed = self.id.is_some_and(|id| id.starts_with("S:"));
        // An inactive tab or a folded accordion is hidden until clicked, yet as much the
        // page's as the open one.
        let hidden = (self.hidden && !streamed) || self.style.is_some_and(hides);
        hidden && self.role != Some("tabpanel") && !self.class.is_some_and(folds)
    }
}

/// Class names of content folded away until clicked: accordions, collapsibles, tabs.
fn folds(class: &str) -> bool {
    const WORDS: &[&[u8]] = &[
        b"accordion",
        b"collaps",
        b"tab-pane",
        b"tab-content",
        b"faq",
    ];
    let c = class.as_bytes();
    WORDS
        .iter()
        .any(|w| c.windows(w.len()).any(|x| x.eq_ignore_ascii_case(w)))
}

pub(super) fn hides(s: &str) -> bool {
    let s = s.as_bytes();
    // Cheap pre-check before allocating: most style attributes hide nothing.
    if !s
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"none") || w == b"hidd")
    {
        return false;
    }
    let s: String = String::from_utf8_lossy(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// Counts a text node: collapsed length in characters and punctuation.
fn measure(t: &str) -> (u32, u32) {
    let (mut chars, mut punct, mut in_word) = (0u32, 0u32, false);
    for c in t.chars() {
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        if !in_word {
            chars += 1; // the space before each word
            in_word = true;
        }
        // Ideographs and kana carry a word's worth of text each and have no spaces
        // between them: weigh them so CJK prose scores like its Latin equivalent.
        chars += if is_wide(c) { 3 } else { 1 };
        if matches!(
            c,
            ',' | '.' | '!' | '?' | ';' | '，' | '。' | '、' | '！' | '？'
        ) {
            punct += 1;
        }
    }
    (chars, punct)
}

/// Whether `node` is an element one of the user's selectors names.
pub(super) fn any_match(sels: &[Selector], node: NodeRef<'_, HNode>) -> bool {
    !sels.is_empty() && ElementRef::wrap(node).is_some_and(|e| sels.iter().any(|s| s.matches(&e)))
}

/// Whether a whitespace-only text node stands between inline content on both sides.
fn spaces_words(node: NodeRef<'_, HNode>) -> bool {
    let inline = |n: Option<NodeRef<'_, HNode>>| match n.map(|n| n.value()) {
        // First or last child: `<span> </span>` between two words.
        None => true,
        Some(HNode::Element(e)) => !tag_of(e.name()).is_block() && !hard_skip(e.name()),
        Some(_) => true,
    };
    inline(node.prev_sibling()) && inline(node.next_sibling())
}

/// Adds a text node, counting its text towards its owner. Whitespace between two
/// inline things separates words (`<b>a</b> <i>b</i>`, or React's
/// `a<!-- --> <!-- -->b`) and is kept as an empty text node; between blocks it is
/// indentation, and dropped.
fn push_text<'a>(nodes: &mut Vec<Node<'a>>, it: &Item<'a>, t: &str) {
    let (chars, punct) = measure(t);
    if chars == 0 && !spaces_words(it.node) {
        return;
    }
    let in_link = it.flags & IN_LINK != 0;
    if let Some(o) = nodes.get_mut(it.owner as usize) {
        o.own_text += chars;
        o.own_punct += punct;
        if in_link {
            o.own_link += chars;
        }
    }
    let idx = nodes.len() as u32;
    let mut n = Node::new(it.node, Tag::Text, it.flags & IN_LINK, it.parent, idx);
    n.text = chars;
    n.link = if in_link { chars } else { 0 };
    nodes.push(n);
}

pub struct BuildOptions<'s> {
    pub furniture: &'s Furniture,
    /// Per-host selectors whose matches are dropped.
    pub drop: &'s [Selector],
    /// Per-host selectors whose matches are the main content.
    pub keep: &'s [Selector],
}

/// A node waiting to be flattened, with what it inherits from where it sits.
struct Item<'a> {
    node: NodeRef<'a, HNode>,
    parent: u32,
    depth: u32,
    /// `IN_LINK`, when inside an `<a>`.
    flags: u8,
    /// The node whose `own_text` this node's text counts towards.
    owner: u32,
    in_article: bool,
}

/// Decides what an element is: its tag, its flags (furniture, marker, link...), and
/// whether what it holds is inside the article. `None` for elements skipped whole.
struct Elements<'s, 'a> {
    opts: &'s BuildOptions<'s>,
    judge: Judge<'s, 'a>,
    names: Vec<&'a str>,
}

impl<'s, 'a> Elements<'s, 'a> {
    fn judge(&mut self, el: &'a scraper::node::Element, it: &Item<'a>) -> Option<(Tag, u8, bool)> {
        let name = el.name();
        if hard_skip(name) || it.depth > MAX_DEPTH || any_match(self.opts.drop, it.node) {
            return None;
        }
        let mut flags = it.flags & IN_LINK;
        match name {
            "a" => flags |= IN_LINK,
            "article" | "main" => flags |= MARKER,
            "h1" => flags |= H1,
            "nav" | "footer" | "noscript" => flags |= FURNITURE,
            // A caption describes a picture the text does not show, and carries its
            // credit ("Foto: …", "© Getty Images").
            "figcaption" => flags |= FURNITURE,
            "header" | "aside" if !it.in_article => flags |= FURNITURE,
            "form" => flags |= FORM,
            _ => {}
        }
        let at = Attrs::of(el);
        if matches!(at.itemprop, Some("articleBody" | "text" | "mainEntity"))
            || at.role == Some("main")
        {
            flags |= MARKER;
        }
        if at.role.is_some_and(furniture_role) || at.is_hidden() {
            flags |= FURNITURE;
        }
        if !matches!(name, "html" | "body" | "article" | "main" | "a") {
            flags |= self.by_names(&at);
        }
        if any_match(self.opts.keep, it.node) {
            flags = (flags | MARKER) & !FURNITURE;
        }
        let in_article = it.in_article || flags & MARKER != 0;
        Some((tag_of(name), flags, in_article))
    }

    /// What the class names, id and aria-label say: a content container (`MARKER`), or
    /// furniture and comments by their words.
    fn by_names(&mut self, at: &Attrs<'a>) -> u8 {
        self.names.clear();
        let classes = at.class.into_iter().flat_map(str::split_ascii_whitespace);
        self.names.extend(classes);
        self.names.extend(at.id);
        let content = self
            .names
            .iter()
            .any(|n| CONTENT_NAMES.iter().any(|c| n.eq_ignore_ascii_case(c)));
        if content {
            return MARKER;
        }
        self.names.extend(at.aria_label);
        let v = self.judge.verdict(self.names.iter().copied());
        let mut flags = 0;
        if v.furniture {
            flags |= FURNITURE;
        }
        if v.comment {
            flags |= COMMENT;
        }
        flags
    }
}

/// An element left out of the arena whole (see [`Elements::judge`]), for explain mode.
pub struct Skipped<'a> {
    pub node: NodeRef<'a, HNode>,
    /// The arena index the element would have had: it sits before the node there.
    pub at: u32,
}

impl<'a> Dom<'a> {
    pub fn build(root: NodeRef<'a, HNode>, opts: &BuildOptions) -> Dom<'a> {
        Self::build_traced(root, opts, None)
    }

    /// [`Dom::build`], also listing the elements skipped whole when `skipped` is given.
    pub fn build_traced(
        root: NodeRef<'a, HNode>,
        opts: &BuildOptions,
        mut skipped: Option<&mut Vec<Skipped<'a>>>,
    ) -> Dom<'a> {
        let mut nodes: Vec<Node<'a>> = Vec::new();
        let mut body = 0;
        let mut stack = vec![Item {
            node: root,
            parent: u32::MAX,
            depth: 0,
            flags: 0,
            owner: 0,
            in_article: false,
        }];
        let mut elements = Elements {
            opts,
            judge: opts.furniture.judge(),
            names: Vec::new(),
        };
        while let Some(it) = stack.pop() {
            let idx = nodes.len() as u32;
            let (tag, flags, in_article) = match it.node.value() {
                HNode::Text(t) => {
                    push_text(&mut nodes, &it, t);
                    continue;
                }
                HNode::Document | HNode::Fragment => (Tag::Block, 0, false),
                HNode::Element(el) => match elements.judge(el, &it) {
                    Some(judged) => {
                        if el.name() == "body" {
                            body = idx as usize;
                        }
                        judged
                    }
                    None => {
                        if let Some(s) = skipped.as_deref_mut() {
                            s.push(Skipped {
                                node: it.node,
                                at: idx,
                            });
                        }
                        continue;
                    }
                },
                _ => continue,
            };
            if tag == Tag::Br {
                nodes.push(Node::new(it.node, tag, flags & IN_LINK, it.parent, idx));
                continue;
            }
            // Furniture owns its own text, so that dropping it drops exactly that text.
            let owner = if tag.is_block() || flags & (FURNITURE | FORM) != 0 {
                idx
            } else {
                it.owner
            };
            nodes.push(Node::new(it.node, tag, flags, it.parent, idx));
            let mut child = it.node.last_child();
            while let Some(c) = child {
                stack.push(Item {
                    node: c,
                    parent: idx,
                    depth: it.depth.saturating_add(1),
                    flags: flags & IN_LINK,
                    owner,
                    in_article,
                });
                child = c.prev_sibling();
            }
        }
        let mut dom = Dom { nodes, body };
        dom.aggregate();
        dom.resolve();
        dom
    }

    /// Sums subtree statistics child-to-parent, in one reverse pass.
    // Arena indices: `i` runs below the arena's length, and a node's `parent` is an
    // earlier node's index (u32::MAX for the root, which has none).
    #[allow(clippy::indexing_slicing)]
    fn aggregate(&mut self) {
        for i in (1..self.nodes.len()).rev() {
            let n = &mut self.nodes[i];
            if n.flags & (MARKER | H1) != 0 {
                n.markers += 1;
            }
            if n.own_text >= 25 && n.own_link * 2 < n.own_text {
                n.prose += n.own_text;
            }
            let (text, link, markers, end, prose) = (n.text, n.link, n.markers, n.end, n.prose);
            let parent = n.parent as usize;
            let p = &mut self.nodes[parent];
            p.text += text;
            p.link += link;
            p.markers += markers;
            p.prose += prose;
            p.end = p.end.max(end);
        }
    }

    /// Decides which soft furniture really goes. Class names lie: `has-sidebar` on the
    /// page wrapper, an ASP.NET `<form>` around the whole body. Furniture that holds the
    /// page's headline or article marker and a large share of its text, or most of its
    /// prose, stays.
    // Arena indices: `i` runs below the arena's length, and a node's `parent` is an
    // earlier node's index (u32::MAX for the root, which has none).
    #[allow(clippy::indexing_slicing)]
    fn resolve(&mut self) {
        let total = self.nodes.get(self.body).map_or(0, |b| b.text).max(1) as f32;
        let prose = self.nodes.get(self.body).map_or(0, |b| b.prose).max(1) as f32;
        for i in 0..self.nodes.len() {
            let p = self.nodes[i].parent;
            let parent_dead = p != u32::MAX && self.nodes[p as usize].flags & DEAD != 0;
            let n = &mut self.nodes[i];
            let share = n.text as f32 / total;
            let big = (n.markers > 0 && share > 0.3) || share > 0.8 || n.prose as f32 / prose > 0.5;
            let small_form = n.flags & FORM != 0 && n.text < 500 && n.markers == 0;
            if (n.flags & FURNITURE != 0 && !big) || small_form {
                n.flags |= DEAD | SELF_DEAD;
            } else if parent_dead {
                n.flags |= DEAD;
            }
        }
    }
}

impl Dom<'_> {
    /// The children of `i`, in order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.nodes.get(i).map_or(0, |n| n.end as usize);
        let mut j = i + 1;
        std::iter::from_fn(move || {
            let n = self.nodes.get(j).filter(|_| j < end)?;
            let here = j;
            j = (n.end as usize).max(j + 1);
            Some(here)
        })
    }

    /// The element's name and class attribute: what items of one list, or parts of one
    /// body, share.
    pub fn shape(&self, i: usize) -> Option<(&str, Option<&str>)> {
        let el = self.nodes.get(i)?.node.value().as_element()?;
        Some((el.name(), el.attr("class")))
    }
}

impl<'a> Node<'a> {
    fn new(node: NodeRef<'a, HNode>, tag: Tag, flags: u8, parent: u32, idx: u32) -> Self {
        Node {
            node,
            tag,
            flags,
            parent,
            end: idx + 1,
            own_text: 0,
            own_link: 0,
            own_punct: 0,
            text: 0,
            link: 0,
            markers: 0,
            prose: 0,
        }
    }
}
