//! Item lists: product grids, rankings, directories. Each item is a few short lines, too
//! short and too poor in stopwords for the classifier to keep, but the items repeat
//! their labels ("Regular Price: $36", "Rate", "4.5 out of 5 stars") at a steady
//! stride, which menus and footers do not.

use super::features::Line;
use crate::Fnv;
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
    // Per label: the first and last line of its current run and the run's length.
    let mut runs: HashMap<u64, (usize, usize, usize), BuildHasherDefault<Fnv>> = HashMap::default();
    let mut found: Vec<(usize, usize)> = Vec::new();
    let close = |(first, last, n): (usize, usize, usize), found: &mut Vec<(usize, usize)>| {
        if n >= MIN_ITEMS {
            // The item after the last label runs about one stride further.
            let stride = (last - first) / (n - 1);
            found.push((first, (last + stride).min(idx.len())));
        }
    };
    for (k, &i) in idx.iter().enumerate() {
        let Some(l) = lines.get(i) else { continue };
        // A label is short; separators and bare numbers are card and pager furniture,
        // but a price is an item's.
        if (l.letters < 2 && !l.price) || l.words > 8 {
            continue;
        }
        let run = runs.entry(l.shape).or_insert((k, k, 0));
        // Within `MAX_STRIDE` lines, but not on the next line: a label repeated on
        // consecutive lines is a menu's duplicate, not an item's.
        if run.2 > 0 && (2..=MAX_STRIDE).contains(&(k - run.1)) {
            run.1 = k;
            run.2 += 1;
        } else {
            if run.2 > 0 {
                close(*run, &mut found);
            }
            *run = (k, k, 1);
        }
    }
    for run in runs.into_values() {
        close(run, &mut found);
    }
    let mut item = vec![false; idx.len()];
    for (s, e) in found {
        for x in item.get_mut(s..e).unwrap_or_default() {
            *x = true;
        }
    }
    item
}
