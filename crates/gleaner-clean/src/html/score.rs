//! Finding the main content: the subtree that holds the most good text for the least bad.
//!
//! Each block's directly owned text is judged good (prose: long enough, not link-bound),
//! bad (link lists, menus) or neutral (short lines, headings count a little). A subtree's
//! score is its good text minus `bad_weight` times its bad text, summed child-to-parent
//! in one reverse pass; the best-scoring subtree wins. That is the maximum-subarray idea
//! on a tree: it stops widening where the next level adds more furniture than prose, and
//! it widens past a single post when a forum thread or a listing repeats good blocks.

use super::dom::{Dom, Tag, DEAD, MARKER};

/// Tunables of the scorer (kept out of the config: they are fitted, not preferences).
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// A bad character costs this many good ones.
    pub bad_weight: f32,
    /// Owned text shorter than this is neutral rather than good.
    pub min_good: u32,
    /// Above this share of link text a block is bad.
    pub max_link_density: f32,
    /// A marked container (`<article>`, `<main>`...) is preferred to the winner when it
    /// scores at least this share of the winner's score.
    pub marker_share: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            bad_weight: 1.0,
            min_good: 25,
            max_link_density: 0.5,
            // Low: a marked container carries the headings, lists and captions the
            // scorer counts little, so it may score well under the bare prose winner.
            marker_share: 0.4,
        }
    }
}

/// The chosen subtree and what the page holds overall.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    pub root: usize,
    /// Good characters inside the chosen subtree.
    pub good: f32,
}

/// Good and bad characters of one node's owned text.
// Arena indices: `i` runs over the arena, and the score arrays have its length; a
// node's parent comes before it.
#[allow(clippy::indexing_slicing)]
fn judge(dom: &Dom, i: usize, p: &Params) -> (f32, f32) {
    let n = &dom.nodes[i];
    let t = n.own_text;
    if t == 0 {
        return (0.0, 0.0);
    }
    let ld = n.own_link as f32 / t as f32;
    if ld > p.max_link_density {
        return (0.0, t as f32);
    }
    match n.tag {
        Tag::Heading(_) => (0.5 * t as f32, 0.0),
        _ if t < p.min_good => (0.0, 0.0),
        _ => (t as f32, 0.0),
    }
}

// Arena indices: `i` runs over the arena, and the score arrays have its length; a
// node's parent comes before it.
#[allow(clippy::indexing_slicing)]
pub fn choose(dom: &Dom, p: &Params) -> Option<Choice> {
    let n = dom.nodes.len();
    let mut score = vec![0f32; n];
    let mut good = vec![0f32; n];
    for i in (0..n).rev() {
        let node = &dom.nodes[i];
        if node.flags & DEAD != 0 || node.tag == Tag::Text {
            continue;
        }
        let (g, b) = judge(dom, i, p);
        score[i] += g - p.bad_weight * b;
        good[i] += g;
        if i > 0 {
            let parent = node.parent as usize;
            score[parent] += score[i];
            good[parent] += good[i];
        }
    }
    let body = dom.body;
    let end = dom.nodes.get(body)?.end as usize;
    let mut best = body;
    let mut i = body;
    while i < end {
        let node = &dom.nodes[i];
        if node.flags & DEAD != 0 {
            i = node.end as usize;
            continue;
        }
        if node.tag != Tag::Text && score[i] > score[best] {
            best = i;
        }
        i += 1;
    }
    // Prefer an explicitly marked container close to the winner's score: it carries the
    // headline and subheadings the scorer counts as neutral.
    let mut pick = best;
    let mut pick_score = f32::MIN;
    for (i, node) in dom.nodes.iter().enumerate().take(end).skip(body) {
        if node.flags & MARKER != 0
            && node.flags & DEAD == 0
            && score[i] >= p.marker_share * score[best]
            && score[i] > pick_score
        {
            pick = i;
            pick_score = score[i];
        }
    }
    Some(Choice {
        root: pick,
        good: good[pick],
    })
}
