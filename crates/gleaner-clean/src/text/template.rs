//! Site templates: lines that recur across many pages of one site are furniture.
//!
//! The caller groups pages (by host or directory), calls [`TemplateLearner::observe`] on
//! each and [`TemplateLearner::finish`] once. A line counts once per page, however often
//! the page repeats it.

use crate::rules::key_hash;
use crate::{text_lines, Seeded};
use std::collections::{HashMap, HashSet};

/// Lines learned as furniture for one group of pages (one site or one directory).
#[derive(Debug, Clone, Default)]
pub struct Template {
    /// `rules::key_hash` of each line: case, repeated whitespace and outer punctuation
    /// are ignored, as by the rules.
    lines: HashSet<u64, Seeded>,
}

impl Template {
    /// Whether `line` is one of the template's (case, repeated whitespace and outer
    /// punctuation aside).
    pub fn contains(&self, line: &str) -> bool {
        self.contains_key(key_hash(line))
    }
    /// Whether the template holds the line with this `rules::key_hash`.
    pub(crate) fn contains_key(&self, key: u64) -> bool {
        !self.lines.is_empty() && self.lines.contains(&key)
    }
    /// How many lines were learned.
    pub fn len(&self) -> usize {
        self.lines.len()
    }
    /// No line was learned: the pages shared nothing (or were too few).
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Counts, per page, which lines it holds; then keeps the ones seen in many pages.
#[derive(Debug)]
pub struct TemplateLearner {
    pages: usize,
    counts: HashMap<u64, u32, Seeded>,
    /// `observe`'s buffer.
    keys: Vec<u64>,
    min_pages: usize,
    share: f64,
}

impl Default for TemplateLearner {
    fn default() -> Self {
        TemplateLearner::new(MIN_PAGES, SHARE)
    }
}

/// A line must recur in at least this many pages: two pages sharing a line is as likely
/// a quote as a template.
pub const MIN_PAGES: usize = 4;
/// ...and in at least this share of the group. Low, because a group is often mixed (a
/// directory of pages from many sites, where one site's menu shows up in only its own
/// pages); the cost of a low share is small since only lines that are short or
/// label-like are learnable at all (see `learnable`).
pub const SHARE: f64 = 0.02;

impl TemplateLearner {
    /// A learner with explicit thresholds: a line is furniture when it occurs in at least
    /// `min_pages` pages and at least `share` (0..1) of all pages observed.
    pub fn new(min_pages: usize, share: f64) -> Self {
        TemplateLearner {
            pages: 0,
            counts: HashMap::default(),
            keys: Vec::new(),
            min_pages: min_pages.max(2),
            share,
        }
    }

    /// Counts the lines of one page of the group (its text, or for HTML what
    /// [`Cleaner::template_lines`](crate::Cleaner::template_lines) gives).
    pub fn observe(&mut self, text: &str) {
        self.pages += 1;
        // The page's distinct lines, sorted and deduplicated in a buffer kept from page
        // to page rather than gathered in a fresh set for each.
        let keys = &mut self.keys;
        keys.clear();
        keys.extend(text_lines(text).filter(|l| learnable(l)).map(key_hash));
        keys.sort_unstable();
        keys.dedup();
        for &h in keys.iter() {
            *self.counts.entry(h).or_default() += 1;
        }
    }

    /// Pages observed so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// The lines seen in enough of the pages: the group's template.
    pub fn finish(self) -> Template {
        let by_share = (self.share * self.pages as f64).ceil() as usize;
        let min = self.min_pages.max(by_share) as u32;
        if self.pages < self.min_pages {
            return Template::default();
        }
        Template {
            lines: self
                .counts
                .into_iter()
                .filter(|&(_, n)| n >= min)
                .map(|(h, _)| h)
                .collect(),
        }
    }
}

/// Lines that can become template furniture. Bare numbers (list and page numbers) recur
/// everywhere without being furniture; long lines recurring across pages are boilerplate
/// too, but the classifier already handles most of them and a shared long line is more
/// often a quoted passage than a menu.
fn learnable(line: &str) -> bool {
    // No more chars than bytes; an ASCII letter is a letter.
    !line.is_empty()
        && (line.len() <= 200 || line.chars().count() <= 200)
        && (line.bytes().any(|b| b.is_ascii_alphabetic()) || line.chars().any(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recurring_lines_become_template() {
        let mut l = TemplateLearner::new(3, 0.5);
        for i in 0..4 {
            l.observe(&format!("Home\nMenu\nArticle number {i} text.\n2\n"));
        }
        assert_eq!(l.pages(), 4);
        let t = l.finish();
        assert!(t.contains("Home") && t.contains(" menu "));
        assert!(!t.contains("Article number 1 text."));
        assert!(!t.contains("2"));
    }

    #[test]
    fn too_few_pages_learn_nothing() {
        let mut l = TemplateLearner::default();
        l.observe("Home\n");
        l.observe("Home\n");
        assert!(l.finish().is_empty());
    }
}
