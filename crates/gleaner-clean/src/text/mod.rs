//! The text cleaner: a whole-page plain-text dump in, the article's blocks out.
//!
//! Each line is judged on its features by a jusText-style classifier (`classify`), with
//! the user's rules and the learned site template as fixed verdicts on top. The pass is
//! repeated on its own output until it keeps everything. Then the learned line
//! classifier (`learned`) overrules those verdicts where it is sure, and rules and model
//! take rounds until one keeps everything, so cleaning is idempotent.

mod classify;
mod features;
mod items;
mod labels;
mod learned;
mod stopwords;
pub mod template;
mod wrap;

use crate::document::Block;
use crate::rules::{key_hash, Rules, Verdict};
use crate::{text_lines, Seeded};
use classify::Class;
use features::{After, Ending, Line};
use labels::{Label, Labels};
use serde::Deserialize;
use std::collections::HashMap;
use stopwords::Stopwords;
use template::Template;

/// Tunables of the text cleaner, `[clean.text]` in the config.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
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
    /// Find the main-content region (the run where good lines outweigh the rest most)
    /// and drop every line outside it.
    pub region: bool,
    /// Inside the region, keep the lines between good lines too (list items, captions,
    /// table cells, short paragraphs that look like menu items on their own).
    pub fill: bool,
    /// What a non-good line costs the region, per word, against 1 per word of good
    /// text. Higher: tighter regions, fewer comments and teasers, lost list items.
    pub bad_weight: f32,
    /// `fill` also keeps lines judged bad on their own (low stopword share), not only
    /// short and unsure ones.
    pub fill_bad: bool,
    /// `fill` only fills runs of at most this many lines between good lines.
    pub max_gap: usize,
    /// Drop every copy of a line the page holds three times or more if it has at least
    /// this many characters (0 = off): a carousel's captions, a teaser shown in every
    /// widget. Twice is not enough, since pages often hold their text twice (a desktop
    /// and a mobile copy) and the article must survive that.
    pub min_repeat_chars: u32,
    /// How much less good text counts towards the region at the page end than at its
    /// start (0..1): with two candidate runs, the article is the earlier one more often
    /// than comments, reviews and teaser lists that follow it.
    pub position_decay: f32,
    /// What good text counts towards the region when it stands in a run of at most two
    /// good lines (a teaser's title and blurb, a review), against 1 for longer runs.
    pub isolated_weight: f32,
    /// What a word of a repeated-item list (see `items`) that the classifier did not
    /// keep counts towards the region, on pages where such lists hold more words than the
    /// good lines (grids, rankings, directories): their items are the content. Negative
    /// values are clamped to `-bad_weight`, i.e. off.
    pub item_weight: f32,
    /// The region splits into islands at runs of at least this many lines that are not
    /// prose on their own (0 = off): a share bar, tags, an author box between the
    /// article and what follows it.
    pub island_gap: usize,
    /// An island whose prose holds less than this share (0..1) of the biggest island's
    /// words is dropped with everything outside it: an author's bio, a newsletter
    /// promo, a teaser's blurb beside the article.
    pub island_share: f32,
    /// Let the learned line classifier (see `learned`) overrule the rules where it is
    /// sure: drop a kept line, or bring back a dropped one.
    pub learned: bool,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            templates: true,
            length_low: 70,
            length_high: 120,
            stopwords_low: 0.20,
            stopwords_high: 0.25,
            region: true,
            fill: true,
            bad_weight: 0.35,
            fill_bad: true,
            max_gap: 1000,
            min_repeat_chars: 60,
            position_decay: 0.6,
            isolated_weight: 0.6,
            item_weight: 0.6,
            island_gap: 3,
            island_share: 0.10,
            learned: true,
        }
    }
}

/// What the text cleaner finds in a dump.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextOutput {
    pub blocks: Vec<Block>,
    pub title: Option<String>,
    /// The language whose stopwords the kept text matches (ISO 639-1), if one does.
    pub language: Option<&'static str>,
}

pub struct TextCleaner {
    rules: Rules,
    opts: TextOptions,
    stopwords: Stopwords,
    labels: Labels,
    model: Option<&'static crate::trees::Model>,
}

/// Fixpoint passes are capped so a pathological page costs a bounded number of linear
/// passes; real pages settle in two or three.
const MAX_PASSES: usize = 32;
/// Rounds of the rules and the learned classifier, capped likewise: each round keeps a
/// subset of the last one's lines, and real pages settle in two or three.
const MAX_ROUNDS: usize = 32;

impl TextCleaner {
    pub fn new(opts: &TextOptions, rules: Rules) -> Self {
        TextCleaner {
            rules,
            opts: opts.clone(),
            stopwords: Stopwords::new(),
            labels: Labels::new(),
            model: opts.learned.then(learned::builtin).flatten(),
        }
    }

    pub fn clean(&self, text: &str, template: Option<&Template>) -> TextOutput {
        let mut buf = String::new();
        let (lines, hard) = self.judge_lines(text, template, &mut buf);
        let all: Vec<usize> = (0..lines.len()).collect();
        let kept = match self.model {
            None => self.by_rules(&lines, &hard, &all),
            Some(model) => {
                let page = learned::Page {
                    lines: &lines,
                    shapes: &learned::shapes(&lines),
                    hard: &hard,
                };
                let kept = self.rounds(model, &page, all.clone());
                if kept.is_empty() {
                    // The rounds emptied the page (the model dropped what the rules kept,
                    // and the rules what it restored) or never settled: once more from
                    // the rules' keep.
                    let by_rules = self.by_rules(&lines, &hard, &all);
                    self.rounds(model, &page, by_rules)
                } else {
                    kept
                }
            }
        };
        self.output(&lines, &kept)
    }

    /// Rounds from `kept` on: each, the rules judge what the last round kept and the
    /// classifier overrules them where it is sure. A round keeps a subset of the last
    /// one's lines and rounds go on until one keeps them all, so that cleaning the
    /// output again keeps everything: cleaning is idempotent.
    fn rounds(
        &self,
        model: &crate::trees::Model,
        page: &learned::Page,
        mut kept: Vec<usize>,
    ) -> Vec<usize> {
        for _ in 0..MAX_ROUNDS {
            let by_rules = self.by_rules(page.lines, page.hard, &kept);
            let next = learned::round(model, page, &kept, &by_rules);
            if next.len() == kept.len() {
                return kept;
            }
            kept = next;
        }
        // Rules and model never agreed: what the last round kept would lose more lines if
        // cleaned again, so it is not a clean text. Nothing is (found by fuzzing).
        Vec::new()
    }

    /// The learned classifier's training examples: every line of a dump, with its
    /// features after the rules' judgement (the classifier off); then the lines the rules
    /// keep, judged again on their own (`again`), as the classifier meets them in its
    /// later rounds and when a clean text is cleaned again.
    pub fn samples(&self, text: &str) -> Vec<crate::trees::Sample> {
        let mut buf = String::new();
        let (lines, hard) = self.judge_lines(text, None, &mut buf);
        let all: Vec<usize> = (0..lines.len()).collect();
        let page = learned::Page {
            lines: &lines,
            shapes: &learned::shapes(&lines),
            hard: &hard,
        };
        let by_rules = self.by_rules(&lines, &hard, &all);
        let mut out = learned::samples(&page, &all, &by_rules, false);
        let again = self.by_rules(&lines, &hard, &by_rules);
        out.extend(learned::samples(&page, &by_rules, &again, true));
        out
    }

    /// The page's lines with their features, and the verdicts fixed before any
    /// classifier: the user's rules, the site template, repeats.
    fn judge_lines<'a>(
        &self,
        text: &'a str,
        template: Option<&Template>,
        buf: &mut String,
    ) -> (Vec<Line<'a>>, Vec<Option<Verdict>>) {
        let template = template.filter(|_| self.opts.templates);
        let mut lines: Vec<Line> = text_lines(text)
            .map(|l| Line::new(l, &self.stopwords, buf))
            .collect();
        // A longer line that the page repeats three times or more is a teaser, a carousel
        // caption, a widget on every tab: every copy goes, so re-cleaning the output finds
        // no such repeats.
        // Lines compare by their shape (letters and numbers, case and punctuation aside),
        // which is already hashed.
        let mut seen: HashMap<u64, u32, Seeded> = HashMap::default();
        for l in &lines {
            if self.opts.min_repeat_chars > 0 && l.chars >= self.opts.min_repeat_chars {
                *seen.entry(l.shape).or_default() += 1;
            }
        }
        // One hash of the line's rule key serves the rules, the template and the labels.
        let keys: Vec<u64> = lines.iter().map(|l| key_hash(l.text)).collect();
        for (l, &key) in lines.iter_mut().zip(&keys) {
            self.mark_labels(l, key);
        }
        let hard: Vec<Option<Verdict>> = lines
            .iter()
            .zip(&keys)
            .map(|(l, &key)| {
                let repeated = l.chars >= self.opts.min_repeat_chars
                    && seen.get(&l.shape).is_some_and(|&n| n > 2);
                self.rules.verdict_keyed(l.text, key).or_else(|| {
                    (template.is_some_and(|t| t.contains_key(key)) || repeated)
                        .then_some(Verdict::Drop)
                })
            })
            .collect();
        // A longer line the page holds exactly twice is kept once, the first time: the
        // article and its mobile copy, a teaser repeating the standfirst, a review shown
        // in a carousel and a list. The second copy is judged like any line (it still
        // weighs in for its neighbours and the region) but is never kept.
        for l in lines
            .iter_mut()
            .filter(|l| l.chars >= self.opts.min_repeat_chars)
        {
            match seen.get_mut(&l.shape) {
                Some(n) if *n == 2 => *n = 0,
                Some(0) => l.copy = true,
                _ => {}
            }
        }
        (lines, hard)
    }

    /// What the rules keep of `kept`: their classifier's passes, each over the last
    /// one's good lines, until one keeps them all.
    fn by_rules(&self, lines: &[Line], hard: &[Option<Verdict>], kept: &[usize]) -> Vec<usize> {
        let mut kept = kept.to_vec();
        for _ in 0..MAX_PASSES {
            let cls = classify::pass(lines, hard, &kept, &self.opts);
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
        kept
    }

    /// The kept lines as blocks, with the page's title and language.
    fn output(&self, lines: &[Line], kept: &[usize]) -> TextOutput {
        let title = find_title(lines, kept);
        // The kinds depend on the kept lines alone, like the selection, so that cleaning
        // the output again yields the same blocks.
        let opens_with_headline = opens_with_headline(lines, kept);
        let blocks = kept
            .iter()
            .filter_map(|&i| lines.get(i))
            .enumerate()
            .map(|(n, l)| {
                if n == 0 && opens_with_headline {
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
            title: title.and_then(|i| lines.get(i)).map(|l| l.text.to_string()),
            language: classify::language(lines, kept)
                .and_then(|l| stopwords::LANGS.get(l).copied()),
        }
    }
}

impl TextCleaner {
    /// Marks what a label line announces (see `labels`).
    fn mark_labels(&self, l: &mut Line, key: u64) {
        if l.chars <= MAX_LABEL_CHARS {
            match self.labels.line(key) {
                Some(Label::After) => {
                    l.after_article = l.after_article.or(Some(After::Other));
                    l.label = true;
                }
                Some(Label::ReadAlso) => l.label = true,
                Some(Label::Ad) => l.copyright = true,
                None => {}
            }
        }
        if l.chars <= MAX_CROSS_LINK_CHARS && self.labels.cross_link(l.text) {
            l.label = true;
        }
    }
}

/// A label line is a few words: "Das könnte Sie auch interessieren".
const MAX_LABEL_CHARS: u32 = 60;
/// A cross-link is a label and a headline, not a paragraph.
const MAX_CROSS_LINK_CHARS: u32 = 250;

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
        let core = core.get(core.len().saturating_sub(6)..).unwrap_or(core);
        (i + 1..lines.len().min(i + 12)).find(|&j| {
            let cand = lines.get(j).map(|l| tokens(l.text)).unwrap_or_default();
            cand.len() > core.len() && cand.windows(core.len()).any(|w| w == core)
        })
    });
    if from_crumb.is_some() {
        return from_crumb;
    }
    if opens_with_headline(lines, kept) {
        return Some(first);
    }
    let before = first.checked_sub(1)?;
    lines.get(before)?.headline_like().then_some(before)
}

/// The kept text starts with a headline followed by prose.
fn opens_with_headline(lines: &[Line], kept: &[usize]) -> bool {
    let line = |k: usize| kept.get(k).and_then(|&i| lines.get(i));
    line(0).is_some_and(Line::headline_like) && line(1).is_some_and(|l| !l.heading_like())
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
