//! What surrounds the article's body inside the chosen region: after it an author box,
//! a paywall's pitch, "follow us" lines, a contact card; before it a byline, a date, a
//! share bar, a disclosure.
//!
//! The scorer chooses the smallest subtree that holds the page's prose, and that is
//! often a wrapper (`<article>`, a column) around the body and its appendices. Going
//! down from the chosen root, while one child holds nearly all the prose, that child is
//! the body: the small siblings after it go, and so do those before it that hold no
//! prose at all, but for headings (the headline and its wrapper stay).

use super::dom::{Dom, Tag, DEAD, H1, MARKER};

/// The body holds at least this share of its parent's prose, in percent.
const BODY_SHARE: u64 = 70;
/// A sibling after the body with more than this share of the body's prose, in percent,
/// is more of the article (a second part after an inline ad), not an appendix.
const MAX_APPENDIX_SHARE: u64 = 25;

fn live_prose(dom: &Dom, i: usize) -> u64 {
    dom.nodes
        .get(i)
        .filter(|n| n.flags & DEAD == 0)
        .map_or(0, |n| u64::from(n.prose))
}

/// The child of `at` holding nearly all its prose, when it is a container: the next
/// step down to the article's body.
fn body_child(dom: &Dom, at: usize) -> Option<usize> {
    let total = live_prose(dom, at);
    if total == 0 {
        return None;
    }
    let body = dom.children(at).max_by_key(|&c| live_prose(dom, c))?;
    let is_container = dom.nodes.get(body).is_some_and(|n| n.tag == Tag::Block);
    (live_prose(dom, body) * 100 >= total * BODY_SHARE && is_container).then_some(body)
}

/// The article's body under the region's `root`: the deepest container reached by
/// [`body_child`] steps (`root` itself when there is none).
pub fn body(dom: &Dom, root: usize) -> usize {
    let mut at = root;
    // Each step goes one level down: bounded by the tree's depth.
    while let Some(b) = body_child(dom, at) {
        at = b;
    }
    at
}

/// Where an appendix sits: after the body, or before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Before,
    After,
}

/// Marks the appendices around the body dead, and says which they were (for explain
/// mode: nothing else marks a node dead without marking it for itself).
pub fn prune(dom: &mut Dom, root: usize) -> Vec<(usize, Side)> {
    let mut cut = Vec::new();
    let mut at = root;
    // Each step goes one level down: bounded by the tree's depth.
    loop {
        let Some(body) = body_child(dom, at) else {
            return cut;
        };
        let prose = live_prose(dom, body);
        // A sibling shaped as the body (tag and class) is its next part, after an ad.
        let parts = dom.shape(body).filter(|(_, class)| class.is_some());
        let around: Vec<usize> = dom
            .children(at)
            .filter(|&c| c != body && (parts.is_none() || dom.shape(c) != parts))
            .collect();
        for c in around {
            let Some(n) = dom.nodes.get_mut(c) else {
                continue;
            };
            if n.flags & (DEAD | MARKER | H1) != 0 || n.tag == Tag::Text {
                continue;
            }
            let (side, appendix) = if c > body {
                let small = u64::from(n.prose) * 100 <= prose * MAX_APPENDIX_SHARE;
                (Side::After, small)
            } else {
                let bare = n.prose == 0 && n.markers == 0 && !matches!(n.tag, Tag::Heading(_));
                (Side::Before, bare)
            };
            if appendix {
                n.flags |= DEAD;
                cut.push((c, side));
            }
        }
        at = body;
    }
}
