//! The text cleaner: a whole-page plain-text dump in, the article's blocks out.
//!
//! Each line is judged on its features by a jusText-style classifier (`classify`), with
//! the user's rules and the learned site template as fixed verdicts on top. The pass is
//! repeated on its own output until it keeps everything, so cleaning is idempotent.

mod classify;
mod features;
mod stopwords;
pub mod template;

use crate::clean::rules::{Rules, Verdict};
use crate::document::Block;
use classify::{Class, Params};
use features::{Ending, Line};
use serde::Deserialize;
use stopwords::Stopwords;
use template::Template;

/// Tunables of the text cleaner, `[clean.text]` in the config.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TextOptions {
    /// Learn per-batch site templates and drop lines recurring across a site's pages.
    pub templates: bool,
    /// Lines shorter than this many characters are "short": their neighbours decide.
    pub length_low: u32,
    /// Lines longer than this with enough stopwords are good on their own.
    pub length_high: u32,
    /// Stopword share (0..1) below which a line of normal length is furniture.
    pub stopwords_low: f32,
    /// Stopword share at or above which a long line is prose.
    pub stopwords_high: f32,
    /// A heading-like line is kept when good prose starts within this many characters.
    pub max_heading_distance: u32,
    pub region: bool,
    pub fill: bool,
    pub bad_weight: f32,
    pub fill_bad: bool,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            templates: true,
            length_low: 70,
            length_high: 120,
            stopwords_low: 0.20,
            stopwords_high: 0.25,
            max_heading_distance: 200,
            region: true,
            fill: true,
            bad_weight: 0.25,
            fill_bad: true,
        }
    }
}

/// What the text cleaner finds in a dump.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextOutput {
    pub blocks: Vec<Block>,
    pub title: Option<String>,
}

pub struct TextCleaner {
    rules: Rules,
    templates: bool,
    params: Params,
    stopwords: Stopwords,
}

/// Fixpoint passes are capped so a pathological page costs a bounded number of linear
/// passes; real pages settle in two or three.
const MAX_PASSES: usize = 32;

impl TextCleaner {
    pub fn new(opts: &TextOptions, rules: Rules) -> Self {
        TextCleaner {
            rules,
            templates: opts.templates,
            params: Params {
                length_low: opts.length_low,
                length_high: opts.length_high,
                stopwords_low: opts.stopwords_low,
                stopwords_high: opts.stopwords_high,
                max_heading_distance: opts.max_heading_distance,
                region: opts.region,
                fill: opts.fill,
                bad_weight: opts.bad_weight,
                fill_bad: opts.fill_bad,
            },
            stopwords: Stopwords::new(),
        }
    }

    pub fn clean(&self, text: &str, template: Option<&Template>) -> TextOutput {
        let template = template.filter(|_| self.templates);
        let mut buf = String::new();
        let lines: Vec<Line> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Line::new(l, &self.stopwords, &mut buf))
            .collect();
        let hard: Vec<Option<Verdict>> = lines
            .iter()
            .map(|l| match self.rules.verdict(l.text) {
                Some(v) => Some(v),
                None if template.is_some_and(|t| t.contains(l.text)) => Some(Verdict::Drop),
                None => None,
            })
            .collect();

        let mut kept: Vec<usize> = (0..lines.len()).collect();
        for _ in 0..MAX_PASSES {
            let cls = classify::pass(&lines, &hard, &kept, &self.params);
            let next: Vec<usize> = kept
                .iter()
                .zip(&cls)
                .filter(|(_, c)| **c == Class::Good)
                .map(|(&i, _)| i)
                .collect();
            if next.len() == kept.len() {
                break;
            }
            kept = next;
        }

        let title = find_title(&lines, &kept);
        let blocks = kept
            .iter()
            .map(|&i| {
                let l = &lines[i];
                if title.is_some_and(|t| t == i) && kept.first() == Some(&i) {
                    Block::heading(1, l.text)
                } else if l.heading_like() && l.ending != Ending::Colon && l.words <= 12 {
                    Block::heading(2, l.text)
                } else {
                    Block::paragraph(l.text)
                }
            })
            .collect();
        TextOutput {
            blocks,
            title: title.map(|i| lines[i].text.to_string()),
        }
    }
}

/// The headline: the line a truncated breadcrumb ("HomeWorldRussia And Ukraine Make…")
/// abbreviates, else the headline-like line that opens or just precedes the article.
fn find_title(lines: &[Line], kept: &[usize]) -> Option<usize> {
    let first = *kept.first()?;
    let from_crumb = lines.iter().enumerate().take(first + 3).find_map(|(i, l)| {
        if l.ending != Ending::Ellipsis && !l.glued {
            return None;
        }
        let words = tokens(l.text);
        // Drop the first word (glued navigation) and the last one (maybe cut mid-word).
        let core = words.get(1..words.len().saturating_sub(1))?;
        if core.len() < 3 {
            return None;
        }
        let core = &core[core.len().saturating_sub(6)..];
        (i + 1..lines.len().min(i + 12)).find(|&j| {
            let cand = tokens(lines[j].text);
            cand.len() > core.len() && cand.windows(core.len()).any(|w| w == core)
        })
    });
    if from_crumb.is_some() {
        return from_crumb;
    }
    if lines[first].headline_like()
        && kept.get(1).is_some_and(|&j| !lines[j].heading_like())
    {
        return Some(first);
    }
    (first > 0 && lines[first - 1].headline_like()).then(|| first - 1)
}

/// Lowercased alphanumeric words, so "Leaders'" and "Leaders’" compare equal.
fn tokens(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests;
