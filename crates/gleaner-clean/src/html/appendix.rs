//! What follows the article's body inside the chosen region: an author box, a paywall's
//! pitch, "follow us" lines, a contact card, a caption left over from a gallery.
//!
//! The scorer chooses the smallest subtree that holds the page's prose, and that is
//! often a wrapper (`<article>`, a column) around the body and its appendices. Going
//! down from the chosen root, while one child holds nearly all the prose, that child is
//! the body: the small siblings after it are appendices and go.

use super::dom::{Dom, Tag, DEAD, MARKER};

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

/// Marks the appendices after the body dead.
pub fn prune(dom: &mut Dom, root: usize) {
    let mut at = root;
    // Each step goes one level down: bounded by the tree's depth.
    loop {
        let total = live_prose(dom, at);
        if total == 0 {
            return;
        }
        let Some(body) = dom.children(at).max_by_key(|&c| live_prose(dom, c)) else {
            return;
        };
        let prose = live_prose(dom, body);
        let is_container = dom.nodes.get(body).is_some_and(|n| n.tag == Tag::Block);
        if prose * 100 < total * BODY_SHARE || !is_container {
            return;
        }
        // A sibling shaped as the body (tag and class) is its next part, after an ad.
        let parts = dom.shape(body).filter(|(_, class)| class.is_some());
        let after: Vec<usize> = dom
            .children(at)
            .filter(|&c| c > body && (parts.is_none() || dom.shape(c) != parts))
            .collect();
        for c in after {
            let Some(n) = dom.nodes.get_mut(c) else {
                continue;
            };
            if n.flags & (DEAD | MARKER) != 0 || n.tag == Tag::Text {
                continue;
            }
            if u64::from(n.prose) * 100 <= prose * MAX_APPENDIX_SHARE {
                n.flags |= DEAD;
            }
        }
        at = body;
    }
}
