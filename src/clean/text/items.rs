//! Item lists: product grids, rankings, directories. Each item is a few short lines, too
//! short and too poor in stopwords for the classifier to keep, but the items repeat
//! their labels ("Regular Price: $36", "Rate", "4.5 out of 5 stars") at a steady
//! stride, which menus and footers do not.

use super::features::Line;
use super::stopwords::Fnv;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// A label must recur this often to make a list: three is a menu's "Overview" under
/// each of its sections as often as a list.
const MIN_ITEMS: usize = 4;
/// ...at most this many lines apart: an item is a title, a blurb, a price and a few
/// badges, not a page.
const MAX_STRIDE: usize = 30;

/// Marks the lines (positions in `idx`) that lie inside a run of repeated items.
pub fn spans(lines: &[Line], idx: &[usize]) -> Vec<bool> {
    let mut item = vec![false; idx.len()];
    let mut at: HashMap<u64, Vec<usize>, BuildHasherDefault<Fnv>> = HashMap::default();
    for (k, &i) in idx.iter().enumerate() {
        let l = &lines[i];
        // A label is short; separators and bare numbers are card and pager furniture.
        if l.letters >= 2 && l.words <= 8 {
            at.entry(l.shape).or_default().push(k);
        }
    }
    for pos in at.values() {
        if pos.len() < MIN_ITEMS {
            continue;
        }
        // Runs of occurrences at most `max_stride` lines apart, and at least two: a label
        // repeated on consecutive lines is a menu's duplicate, not an item's.
        let mut s = 0;
        while s < pos.len() {
            let mut e = s;
            while e + 1 < pos.len() && (2..=MAX_STRIDE).contains(&(pos[e + 1] - pos[e])) {
                e += 1;
            }
            if e + 1 - s >= MIN_ITEMS {
                // The item after the last label runs about one stride further.
                let stride = (pos[e] - pos[s]) / (e - s);
                let end = (pos[e] + stride).min(idx.len());
                for x in &mut item[pos[s]..end] {
                    *x = true;
                }
            }
            s = e + 1;
        }
    }
    item
}
