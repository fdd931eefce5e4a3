//! Teaser runs inside the chosen article: "Related", "More on this", "Read next" blocks
//! that sit in the article's own container, where furniture names did not catch them.
//!
//! A teaser is a short sibling block whose text is largely a link (a headline link, with
//! perhaps a line of summary or a date). Three or more of them in a row are a list of
//! other pages, not this page's text. The label that introduces them ("Mehr zum Thema",
//! a heading) goes with them. An article that is mostly such items is a listing, whose
//! items are its content: runs are only cut when the article keeps plenty of prose
//! without them.

use super::dom::{Dom, Tag, DEAD, IN_LINK};

/// A sibling longer than this is prose with links, not a teaser.
const MAX_TEASER: u32 = 300;
/// Share of a teaser's text inside links, in percent.
const MIN_LINK_PCT: u32 = 30;
/// Fewest teasers in a row that make a run.
const MIN_RUN: usize = 3;
/// A label introducing a run: a heading or a link-free line at most this long.
const MAX_LABEL: u32 = 60;
/// Prose the article must keep without the runs for them to be cut.
const MIN_REST: u32 = 400;

fn is_teaser(dom: &Dom, i: usize) -> bool {
    dom.nodes.get(i).is_some_and(|n| {
        n.tag != Tag::Text
            && n.flags & DEAD == 0
            && n.text > 0
            && n.text <= MAX_TEASER
            && u64::from(n.link) * 100 >= u64::from(n.text) * u64::from(MIN_LINK_PCT)
            && !labelled(dom, i)
    })
}

/// Whether the block opens on a label outside its links, "Genre:" or "Brand:": a row
/// of a fact sheet whose values are links, not a teaser, which opens on its headline.
fn labelled(dom: &Dom, i: usize) -> bool {
    let end = dom.nodes.get(i).map_or(0, |n| n.end as usize);
    let first = dom
        .nodes
        .get(i..end)
        .into_iter()
        .flatten()
        .find(|n| n.tag == Tag::Text && n.text > 0);
    first.is_some_and(|n| {
        n.flags & IN_LINK == 0
            && n.node
                .value()
                .as_text()
                .is_some_and(|t| t.trim_end().ends_with(':'))
    })
}

/// Whether `i` only holds a short label: a heading, or a line without links.
fn is_label(dom: &Dom, i: usize) -> bool {
    dom.nodes.get(i).is_some_and(|n| {
        n.tag != Tag::Text
            && n.flags & DEAD == 0
            && n.text > 0
            && n.text <= MAX_LABEL
            && (matches!(n.tag, Tag::Heading(_)) || n.link == 0)
    })
}

/// A run of teasers found under one parent, and the label before it.
pub(super) struct Run {
    pub items: Vec<usize>,
    pub label: Option<usize>,
}

/// Finds the runs of teasers among the children of every node of `root`'s subtree.
fn runs(dom: &Dom, root: usize) -> Vec<Run> {
    let mut found = Vec::new();
    let end = dom.nodes.get(root).map_or(0, |n| n.end as usize);
    for p in root..end {
        let Some(node) = dom.nodes.get(p) else { break };
        if node.tag == Tag::Text || node.flags & DEAD != 0 {
            continue;
        }
        let mut prev: Option<usize> = None;
        let mut run: Vec<usize> = Vec::new();
        let mut label = None;
        let mut flush = |run: &mut Vec<usize>, label: Option<usize>, whole: bool| {
            if run.len() >= MIN_RUN && !listing(dom, p, run) {
                // A run that fills its parent is introduced by the parent's own label.
                let label = label.or_else(|| whole.then(|| before(dom, p)).flatten());
                found.push(Run {
                    items: std::mem::take(run),
                    label,
                });
            }
            run.clear();
        };
        let mut all = true;
        for c in dom.children(p) {
            let Some(n) = dom.nodes.get(c) else { break };
            if n.text == 0 || n.tag == Tag::Br {
                continue;
            }
            if is_teaser(dom, c) {
                if run.is_empty() {
                    label = prev.filter(|&l| is_label(dom, l));
                }
                run.push(c);
            } else {
                all = false;
                flush(&mut run, label, false);
            }
            prev = Some(c);
        }
        flush(&mut run, label, all);
    }
    found
}

/// Whether the run is part of a list of like items, some of them longer than a teaser:
/// a listing whose entries carry summaries, not a box of links beside an article.
fn listing(dom: &Dom, parent: usize, run: &[usize]) -> bool {
    let Some(first) = run.first().and_then(|&i| dom.shape(i)) else {
        return false;
    };
    dom.children(parent).any(|c| {
        run.binary_search(&c).is_err()
            && dom.nodes.get(c).is_some_and(|n| n.text > 0)
            && dom.shape(c) == Some(first)
    })
}

/// The sibling just before `i`, when it is a label.
fn before(dom: &Dom, i: usize) -> Option<usize> {
    let parent = dom.nodes.get(i)?.parent as usize;
    let mut prev = None;
    for c in dom.children(parent) {
        if c == i {
            return prev.filter(|&l| is_label(dom, l));
        }
        if dom.nodes.get(c).is_some_and(|n| n.text > 0) {
            prev = Some(c);
        }
    }
    None
}

/// Marks the teaser runs inside `root` dead, when the article keeps enough prose
/// without them, and returns the runs it cut.
pub fn prune(dom: &mut Dom, root: usize) -> Vec<Run> {
    let found = runs(dom, root);
    if found.is_empty() {
        return found;
    }
    let (mut cut_prose, mut cut_text) = (0u32, 0u32);
    for r in &found {
        for &i in &r.items {
            if let Some(n) = dom.nodes.get(i) {
                cut_prose = cut_prose.saturating_add(n.prose);
                cut_text = cut_text.saturating_add(n.text);
            }
        }
    }
    let rest = dom
        .nodes
        .get(root)
        .map_or(0, |n| n.prose.saturating_sub(cut_prose));
    if rest < MIN_REST.max(cut_text) {
        return Vec::new();
    }
    for r in &found {
        for &i in r.items.iter().chain(&r.label) {
            if let Some(n) = dom.nodes.get_mut(i) {
                n.flags |= DEAD;
            }
        }
    }
    found
}
