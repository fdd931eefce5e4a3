//! Site templates: lines that recur across many pages of one site are furniture.

use std::collections::{HashMap, HashSet};

/// Lines learned as furniture for one group of pages (one site or one directory).
#[derive(Debug, Clone, Default)]
pub struct Template {
    lines: HashSet<u64>,
}

impl Template {
    pub fn contains(&self, line: &str) -> bool {
        self.lines.contains(&line_hash(line))
    }
    pub fn len(&self) -> usize {
        self.lines.len()
    }
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// Counts, per page, which lines it holds; then keeps the ones seen in many pages.
#[derive(Debug, Default)]
pub struct TemplateLearner {
    pages: usize,
    counts: HashMap<u64, u32>,
}

impl TemplateLearner {
    pub fn observe(&mut self, text: &str) {
        self.pages += 1;
        let distinct: HashSet<u64> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(line_hash)
            .collect();
        for h in distinct {
            *self.counts.entry(h).or_default() += 1;
        }
    }

    pub fn pages(&self) -> usize {
        self.pages
    }

    pub fn finish(self) -> Template {
        let min = 3.max(self.pages / 2) as u32;
        Template {
            lines: self
                .counts
                .into_iter()
                .filter(|&(_, n)| self.pages >= 3 && n >= min)
                .map(|(h, _)| h)
                .collect(),
        }
    }
}

fn line_hash(line: &str) -> u64 {
    let key = crate::clean::rules::line_key(line);
    let h = blake3::hash(key.as_bytes());
    u64::from_le_bytes(h.as_bytes()[..8].try_into().expect("8 bytes"))
}
