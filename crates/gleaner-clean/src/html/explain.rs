//! Explain mode for HTML pages: the extractor's passes run as in [`HtmlExtractor::extract`],
//! and every block of the page is listed with what decided its fate.
//!
//! Most reasons are read back from what the passes left behind (the arena's flags, the
//! element's own markup), so the normal path records nothing. Only the decisions that
//! leave no trace are recorded, and only when explaining: the elements `Dom::build`
//! skips whole, and the blocks `finish` drops (see its `cuts`).

pub(super) use crate::explain::Reason;

use super::appendix::Side;
use super::dom::{
    any_match, hard_skip, hides, tag_of, Attrs, BuildOptions, Dom, Skipped, Tag, DEAD, FURNITURE,
    MARKER, SELF_DEAD,
};
use super::furniture::{furniture_role, Judge};
use super::render::{self, Mode, Rendered};
use super::teasers::Run;

/// What the passes inside the region cut: teaser runs and appendices.
type Cut = (Vec<Run>, Vec<(usize, Side)>);
use super::{parse, score, HtmlExtractor, MIN_GOOD};
use crate::document::{Block, BlockKind, Metadata};
use crate::explain::{line_verdicts, ExplainedBlock, Region};
use crate::rules::Rules;
use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use scraper::selector::ToCss;
use scraper::Node as HNode;

/// What explain mode finds on an HTML page.
pub struct HtmlExplanation {
    pub region: Option<Region>,
    pub fallback: bool,
    pub blocks: Vec<ExplainedBlock>,
}

/// Elements skipped whole whose text a reader sees: their text is listed as dropped.
/// (Scripts, styles, images and the like hold no page text.)
const VISIBLE_SKIPPED: &[&str] = &["button", "label", "select", "textarea", "dialog"];

/// A block and where it sits in the page: the arena index it starts at, then 0 for an
/// element skipped whole just before that index, 1 for the arena's own text.
struct Placed {
    at: (u32, u8),
    block: ExplainedBlock,
}

impl Placed {
    fn arena(r: Rendered, kept: bool, reason: Reason) -> Placed {
        Placed {
            at: (r.start, 1),
            block: ExplainedBlock::new(r.block, kept, reason),
        }
    }
}

impl HtmlExtractor {
    /// The rules `finish` applies to rendered blocks (and the text cleaner to lines).
    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// Every block of `page` with its verdict. `text` is the text cleaner, for a page
    /// without a region: it gets the body's lines, as in [`crate::Cleaner::clean`].
    pub fn explain(
        &self,
        page: &str,
        url: Option<&str>,
        text: impl FnOnce(&str) -> Vec<Block>,
    ) -> HtmlExplanation {
        let doc = parse(page);
        let opts = self.build_options(url);
        let mut skipped = Vec::new();
        let mut dom = Dom::build_traced(doc.tree.root(), &opts, Some(&mut skipped));
        let mut placed = Vec::new();
        for s in &skipped {
            skipped_blocks(s, &opts, &mut placed);
        }
        let choice = score::choose(&dom, &self.params);
        let metadata = super::typed_metadata(&doc, &dom, choice, url);
        let fallback = !matches!(choice, Some(c) if c.good >= MIN_GOOD);
        let region = choice.map(|c| Region {
            path: path(&dom, c.root),
            prose: c.good as u32,
            min_prose: MIN_GOOD as u32,
        });
        let mut judge = self.furniture.judge();
        match choice {
            Some(c) if !fallback => {
                let cut = super::prune(&mut dom, c.root);
                dead_blocks(&dom, &cut, &mut judge, &mut placed);
                self.region_blocks(&dom, c.root, &metadata, &mut placed);
                // What is left outside the region once the region is set aside.
                if let Some(n) = dom.nodes.get_mut(c.root) {
                    n.flags |= DEAD;
                }
                for r in render::render(&dom, dom.body, Mode::Main) {
                    placed.push(Placed::arena(r, false, Reason::OutsideRegion));
                }
            }
            _ => {
                dead_blocks(&dom, &Default::default(), &mut judge, &mut placed);
                self.fallback_lines(&dom, text, &mut placed);
            }
        }
        placed.sort_by_key(|p| p.at);
        HtmlExplanation {
            region,
            fallback,
            blocks: placed.into_iter().map(|p| p.block).collect(),
        }
    }

    /// The region's blocks, through the same `finish` as the cleaned document.
    fn region_blocks(&self, dom: &Dom, root: usize, metadata: &Metadata, placed: &mut Vec<Placed>) {
        let rendered = render::render(dom, root, Mode::Main);
        let copies: Vec<(u32, Block)> = rendered
            .iter()
            .map(|r| (r.start, r.block.clone()))
            .collect();
        let mut cuts = Vec::new();
        self.finish(rendered, Some(metadata), Some((dom, root)), Some(&mut cuts));
        for (start, block) in copies {
            let cut = cuts.iter().position(|(s, _)| *s == start);
            let (kept, reason) = match cut {
                Some(k) => (false, cuts.swap_remove(k).1),
                None => (true, Reason::InRegion),
            };
            placed.push(Placed {
                at: (start, 1),
                block: ExplainedBlock::new(block, kept, reason),
            });
        }
    }

    /// No region: the body's visible lines, judged by the text cleaner.
    fn fallback_lines(
        &self,
        dom: &Dom,
        text: impl FnOnce(&str) -> Vec<Block>,
        placed: &mut Vec<Placed>,
    ) {
        // The same lines `lines` gives the text cleaner, each with its block's place.
        let mut all = String::new();
        let mut lines: Vec<(u32, String)> = Vec::new();
        for r in render::render(dom, dom.body, Mode::Main) {
            for l in r.block.text.lines() {
                all.push_str(l);
                all.push('\n');
                if !l.trim().is_empty() {
                    lines.push((r.start, l.trim().to_string()));
                }
            }
        }
        let kept = text(&all);
        let verdicts = line_verdicts(lines.iter().map(|(_, l)| l.as_str()), kept, &self.rules);
        for ((start, _), block) in lines.iter().zip(verdicts) {
            placed.push(Placed {
                at: (*start, 1),
                block,
            });
        }
    }
}

/// The removed subtrees of the body, each rendered whole with the reason it went.
fn dead_blocks<'a>(dom: &Dom<'a>, cut: &Cut, judge: &mut Judge<'_, 'a>, out: &mut Vec<Placed>) {
    let end = dom.nodes.get(dom.body).map_or(0, |b| b.end as usize);
    let mut i = dom.body;
    while i < end {
        let Some(n) = dom.nodes.get(i) else { break };
        if n.flags & DEAD == 0 || n.tag == Tag::Text {
            i += 1;
            continue;
        }
        let reason = dead_reason(dom, i, cut, judge);
        let mut blocks = render::render(dom, i, Mode::All);
        // The render's root is a paragraph; a removed heading or item is itself.
        if let (Some(first), Some(kind)) = (blocks.first_mut(), own_kind(n.tag)) {
            first.block.kind = kind;
        }
        for r in blocks {
            out.push(Placed::arena(r, false, reason.clone()));
        }
        i = (n.end as usize).max(i + 1);
    }
}

fn own_kind(tag: Tag) -> Option<BlockKind> {
    match tag {
        Tag::Heading(level) => Some(BlockKind::Heading { level }),
        Tag::Li => Some(BlockKind::ListItem {
            depth: 0,
            ordered: false,
        }),
        Tag::Quote => Some(BlockKind::Quote),
        Tag::Pre => Some(BlockKind::Code),
        _ => None,
    }
}

/// Why the topmost removed node `i` went.
fn dead_reason<'a>(dom: &Dom<'a>, i: usize, cut: &Cut, judge: &mut Judge<'_, 'a>) -> Reason {
    let Some(n) = dom.nodes.get(i) else {
        return Reason::OutsideRegion;
    };
    if n.flags & SELF_DEAD == 0 {
        // Only the passes inside the region remove a node without removing it for
        // itself.
        let (runs, appendices) = cut;
        if let Some((_, side)) = appendices.iter().find(|(a, _)| *a == i) {
            return Reason::Appendix {
                after: *side == Side::After,
            };
        }
        if let Some(r) = runs.iter().find(|r| r.items.contains(&i)) {
            return Reason::TeaserRun {
                items: r.items.len(),
            };
        }
        if runs.iter().any(|r| r.label == Some(i)) {
            return Reason::TeaserLabel;
        }
        return Reason::TeaserRun { items: 0 };
    }
    if n.flags & FURNITURE == 0 {
        return Reason::SmallForm;
    }
    let Some(el) = n.node.value().as_element() else {
        return Reason::OutsideRegion;
    };
    furniture_reason(el, in_article(dom, i), judge)
}

/// Whether an element above `i` marks the article (as `Elements::judge` tracks it).
fn in_article(dom: &Dom, i: usize) -> bool {
    let mut p = dom.nodes.get(i).map_or(u32::MAX, |n| n.parent);
    while let Some(n) = dom.nodes.get(p as usize) {
        if n.flags & MARKER != 0 {
            return true;
        }
        p = n.parent;
    }
    false
}

/// Which of `Elements::judge`'s furniture tests the element met, first one first.
fn furniture_reason<'a>(
    el: &'a scraper::node::Element,
    in_article: bool,
    judge: &mut Judge<'_, 'a>,
) -> Reason {
    let name = el.name();
    let tag = || Reason::FurnitureTag {
        tag: name.to_string(),
    };
    let outside = matches!(name, "header" | "aside") && !in_article;
    if matches!(name, "nav" | "footer" | "noscript") || outside {
        return tag();
    }
    let at = Attrs::of(el);
    if at.is_hidden() {
        let how = match at.style.filter(|s| hides(s)) {
            Some(style) => hiding_style(style),
            None if el.attr("hidden").is_some() => "hidden attribute".to_string(),
            None => "aria-hidden".to_string(),
        };
        return Reason::Hidden { how };
    }
    if let Some(role) = at.role.filter(|r| furniture_role(r)) {
        return Reason::FurnitureRole {
            role: role.to_string(),
        };
    }
    if !matches!(name, "html" | "body" | "article" | "main" | "a") {
        if let Some(reason) = furniture_word(&at, judge) {
            return reason;
        }
    }
    // Not reached for an element judged furniture; the element's name is the best guess.
    tag()
}

/// `style display:none` or `style visibility:hidden`, however the style spells it.
fn hiding_style(style: &str) -> String {
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let rule = if s.contains("display:none") {
        "display:none"
    } else {
        "visibility:hidden"
    };
    format!("style {rule}")
}

/// The class name, id or aria-label that marks the element as furniture, and the word
/// in it that does.
fn furniture_word<'a>(at: &Attrs<'a>, judge: &mut Judge<'_, 'a>) -> Option<Reason> {
    let classes = at.class.into_iter().flat_map(|c| {
        c.split_ascii_whitespace()
            .map(move |name| ("class", c, name))
    });
    let named = classes
        .chain(at.id.map(|id| ("id", id, id)))
        .chain(at.aria_label.map(|l| ("aria-label", l, l)));
    for (attribute, value, name) in named {
        if !judge.verdict(std::iter::once(name)).furniture {
            continue;
        }
        return Some(Reason::FurnitureWord {
            word: word_in(name, judge).to_ascii_lowercase(),
            attribute: attribute.to_string(),
            value: value.to_string(),
        });
    }
    None
}

/// The part of a furniture name that makes it furniture: one of its tokens, else the
/// shortest head (`author-box` of `author-box--name`), else the whole name.
fn word_in<'a>(name: &'a str, judge: &mut Judge<'_, 'a>) -> &'a str {
    let sep = |c: char| matches!(c, '-' | '_' | ':' | ' ');
    let mut is = |w: &'a str| judge.verdict(std::iter::once(w)).furniture;
    if let Some(tok) = name.split(sep).filter(|t| !t.is_empty()).find(|&t| is(t)) {
        return tok;
    }
    name.char_indices()
        .filter(|&(_, c)| sep(c))
        .filter_map(|(i, _)| name.get(..i))
        .find(|&head| is(head))
        .unwrap_or(name)
}

/// The text of an element `Dom::build` skipped whole, when it is dropped for a reason
/// worth showing, split into blocks where its markup breaks lines.
fn skipped_blocks(s: &Skipped, opts: &BuildOptions, out: &mut Vec<Placed>) {
    let Some(el) = s.node.value().as_element() else {
        return;
    };
    let name = el.name();
    let reason = if hard_skip(name) {
        if !VISIBLE_SKIPPED.contains(&name) {
            return;
        }
        Reason::NotText {
            tag: name.to_string(),
        }
    } else if let Some(sel) = opts
        .drop
        .iter()
        .find(|sel| any_match(std::slice::from_ref(*sel), s.node))
    {
        Reason::DropSelector {
            selector: sel.to_css_string(),
        }
    } else {
        Reason::TooDeep
    };
    for block in detached_text(s.node) {
        out.push(Placed {
            at: (s.at, 0),
            block: ExplainedBlock::new(block, false, reason.clone()),
        });
    }
}

/// A subtree's text as paragraphs, broken at block elements; scripts and styles left out.
fn detached_text(node: NodeRef<'_, HNode>) -> Vec<Block> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut flush = |buf: &mut String| {
        let text = buf.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            out.push(Block::paragraph(text));
        }
        buf.clear();
    };
    let breaks = |n: NodeRef<'_, HNode>| {
        n.value()
            .as_element()
            .is_some_and(|e| tag_of(e.name()).is_block() || e.name() == "br")
    };
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                HNode::Text(t) => {
                    let code = n
                        .parent()
                        .and_then(|p| p.value().as_element().map(|e| e.name()))
                        .is_some_and(|p| matches!(p, "script" | "style" | "template"));
                    if !code {
                        buf.push(' ');
                        buf.push_str(t);
                    }
                }
                _ if breaks(n) => flush(&mut buf),
                _ => {}
            },
            Edge::Close(n) if breaks(n) => flush(&mut buf),
            Edge::Close(_) => {}
        }
    }
    flush(&mut buf);
    out
}

/// Most classes shown per element in a path: utility-class soups add nothing.
const MAX_PATH_CLASSES: usize = 3;

/// `html > body > div#main.wrap > article.post`: the node's elements from the root.
fn path(dom: &Dom, i: usize) -> String {
    let Some(node) = dom.nodes.get(i).map(|n| n.node) else {
        return String::new();
    };
    let mut parts: Vec<String> = std::iter::once(node)
        .chain(node.ancestors())
        .filter_map(|n| n.value().as_element().map(describe))
        .collect();
    parts.reverse();
    parts.join(" > ")
}

fn describe(el: &scraper::node::Element) -> String {
    let mut s = el.name().to_string();
    if let Some(id) = el.attr("id").filter(|id| !id.trim().is_empty()) {
        s.push('#');
        s.push_str(id.trim());
    }
    let classes: Vec<&str> = el
        .attr("class")
        .map(|c| c.split_ascii_whitespace().collect())
        .unwrap_or_default();
    for c in classes.iter().take(MAX_PATH_CLASSES) {
        s.push('.');
        s.push_str(c);
    }
    if classes.len() > MAX_PATH_CLASSES {
        s.push_str(".…");
    }
    s
}

#[cfg(test)]
#[path = "explain_tests.rs"]
mod tests;
