//! The learned line classifier: gradient-boosted trees that correct the rules' verdicts
//! on a text dump's lines. Trained by `bench/classifier/train.py --text` on the text
//! dumps of both development sets (out of fold first, pages grouped by site) and
//! embedded as `learned.json`, as the HTML cleaner's block classifier is.
//!
//! It sees every line with what the rules made of the page: whether they kept it, how
//! far it is from the nearest kept line, the share of the kept text before it. Where it
//! is sure, it overrules them: a kept line above the model's threshold is dropped (a
//! teaser's blurb, a promo, an author's bio), and a dropped line below its restore
//! threshold comes back (a short paragraph between kept ones, a list item). A line a
//! rule or the template decided, and a line never kept (a button, a label, a copy), is
//! not its to judge.
//!
//! No words of any language and no class names: only numbers about lines, so that the
//! model carries over to sites and languages it never saw.

use super::classify;
use super::features::{Ending, Line};
use super::stopwords::NLANGS;
use crate::rules::Verdict;
use crate::trees::Model;
use std::sync::OnceLock;

/// The features' names, in the order [`features`] writes them; the model file lists the
/// same names, and a test checks that it does.
pub const NAMES: &[&str] = &[
    "kept",
    "gap_before",
    "gap_after",
    "kept_chars_before_share",
    "log_chars",
    "log_words",
    "mean_word_len",
    "capitalised_share",
    "digit_share",
    "punct_per_word",
    "ends_sentence",
    "ends_colon",
    "ends_ellipsis",
    "inner_stops",
    "stop_density",
    "position",
    "chars_before_share",
    "chars_after_share",
    "prev_log_chars",
    "next_log_chars",
    "prev_ends_sentence",
    "next_ends_sentence",
    "prev_kept",
    "next_kept",
    "short_run",
    "log_lines",
    "log_total_chars",
    "chars_vs_longest",
    "pipes",
    "copyright",
    "glued",
    "price",
    "heading_like",
    "after_article",
    "kept_share",
];

/// How many features a line has.
pub const COUNT: usize = 35;

/// A line's features, in the order of [`NAMES`].
pub type Features = [f32; COUNT];

/// A line shorter than this (in characters) counts towards a run of short lines: menus,
/// tags, a teaser list's headlines.
const SHORT: u32 = 50;
/// Gaps and runs are counted up to this many lines: beyond it, far is far.
const FAR: usize = 50;

/// The embedded model, as `train.py --text --export` wrote it.
const MODEL: &str = include_str!("learned.json");

/// The embedded model, parsed once. `None` if it does not match this build's features
/// (a test keeps that from shipping).
pub fn builtin() -> Option<&'static Model> {
    static BUILTIN: OnceLock<Option<Model>> = OnceLock::new();
    Model::embedded(&BUILTIN, MODEL, NAMES)
}

/// A dropped line further than this many lines from any kept line is not the model's to
/// bring back: what it restores is next to the text (a short paragraph, a list item),
/// and judging the page's far furniture line by line would cost most of its time.
const REACH: f32 = 5.0;

/// Whether the model may judge a line with features `f`: not one a rule or the template
/// decided, not one never kept anyway, not a separator, not a dropped line out of reach,
/// and not a dropped line after what opens the page's comments or links to other pages
/// (`after_opener`): the rules cut those for where they stand, which one line's
/// features do not show.
pub fn judged(l: &Line, hard: Option<Verdict>, f: &Features, after_opener: bool) -> bool {
    let [kept, gap_before, gap_after, ..] = *f;
    hard.is_none()
        && !(l.button || l.label || l.copy || l.separator)
        && (kept == 1.0 || (gap_before.min(gap_after) <= REACH && !after_opener))
}

/// For each of the lines `idx`, whether a line before it opens what follows an article
/// (comments, "Related", a label line).
pub fn after_openers(lines: &[Line], idx: &[usize]) -> Vec<bool> {
    let mut seen = false;
    idx.iter()
        .map(|&i| {
            let after = seen;
            seen |= lines.get(i).is_some_and(|l| l.after_article.is_some());
            after
        })
        .collect()
}

fn log(x: u32) -> f32 {
    (1.0 + x as f32).ln()
}

fn ends_sentence(l: &Line) -> f32 {
    f32::from(u8::from(matches!(l.ending, Ending::Period | Ending::Mark)))
}

/// What the features need of a line's own text, measured once per page (the rounds
/// judge the same lines again in other company).
#[derive(Debug, Clone, Copy, Default)]
pub struct Shape {
    log_chars: f32,
    log_words: f32,
    mean_word_len: f32,
    capitalised_share: f32,
    punct_per_word: f32,
    pipes: f32,
}

/// The [`Shape`] of every line.
pub fn shapes(lines: &[Line]) -> Vec<Shape> {
    lines
        .iter()
        .map(|l| {
            let (mut words, mut word_chars, mut capitalised, mut punct, mut pipes) =
                (0u32, 0u32, 0u32, 0u32, 0u32);
            let mut in_word = false;
            for c in l.text.chars() {
                if c.is_alphanumeric() {
                    if !in_word {
                        words += 1;
                        capitalised += u32::from(c.is_uppercase());
                    }
                    word_chars += 1;
                    in_word = true;
                } else {
                    in_word = false;
                    if !c.is_whitespace() {
                        punct += 1;
                        pipes += u32::from(c == '|');
                    }
                }
            }
            let per_word = |x: u32| x as f32 / words.max(1) as f32;
            Shape {
                log_chars: log(l.chars),
                log_words: log(l.words),
                mean_word_len: per_word(word_chars),
                capitalised_share: per_word(capitalised),
                punct_per_word: per_word(punct),
                pipes: pipes as f32,
            }
        })
        .collect()
}

/// The features of the lines `idx` (positions in `lines`, in page order), given which of
/// them the rules kept (`kept`, one per position of `idx`); `shapes` are the lines'
/// [`shapes`].
// Positions: `k` runs below `idx.len()`, the length of `kept`, `gap_before`,
// `gap_after` and `short_run`; `idx[k]` is a position of `lines`, whose length `shapes`
// shares.
#[allow(clippy::indexing_slicing)]
pub fn features(
    lines: &[Line],
    shapes: &[Shape],
    idx: &[usize],
    kept: &[bool],
    lang: Option<usize>,
) -> Vec<Features> {
    let n = idx.len();
    let line = |k: usize| &lines[idx[k]];
    let total: u64 = idx.iter().map(|&i| u64::from(lines[i].chars)).sum();
    let kept_total: u64 = (0..n)
        .filter(|&k| kept[k])
        .map(|k| u64::from(line(k).chars))
        .sum();
    let kept_lines = kept.iter().filter(|&&k| k).count();
    let longest = idx.iter().map(|&i| lines[i].chars).max().unwrap_or(0);
    // Lines since the last kept line before each, and until the next one after it.
    let mut gap_before = vec![FAR; n];
    let mut last: Option<usize> = None;
    for k in 0..n {
        if let Some(j) = last {
            gap_before[k] = (k - j).min(FAR);
        }
        if kept[k] {
            last = Some(k);
        }
    }
    let mut gap_after = vec![FAR; n];
    let mut next: Option<usize> = None;
    for k in (0..n).rev() {
        if let Some(j) = next {
            gap_after[k] = (j - k).min(FAR);
        }
        if kept[k] {
            next = Some(k);
        }
    }
    // The run of short lines each short line stands in (0 for a longer line).
    let mut short_run = vec![0usize; n];
    let mut k = 0;
    while k < n {
        if line(k).chars >= SHORT {
            k += 1;
            continue;
        }
        let start = k;
        while k < n && line(k).chars < SHORT {
            k += 1;
        }
        for r in &mut short_run[start..k] {
            *r = (k - start).min(FAR);
        }
    }
    let share = |part: u64, whole: u64| part as f32 / whole.max(1) as f32;
    let mut out = Vec::with_capacity(n);
    let (mut before, mut kept_before) = (0u64, 0u64);
    for k in 0..n {
        let l = line(k);
        let sh = &shapes[idx[k]];
        let prev = k.checked_sub(1).map(line);
        let next = (k + 1 < n).then(|| line(k + 1));
        let f: Features = [
            f32::from(u8::from(kept[k])),
            gap_before[k] as f32,
            gap_after[k] as f32,
            share(kept_before, kept_total),
            sh.log_chars,
            sh.log_words,
            sh.mean_word_len,
            sh.capitalised_share,
            l.digits as f32 / l.chars.max(1) as f32,
            sh.punct_per_word,
            ends_sentence(l),
            f32::from(u8::from(l.ending == Ending::Colon)),
            f32::from(u8::from(l.ending == Ending::Ellipsis)),
            l.inner_stops as f32,
            l.stop_density(lang.filter(|&g| g < NLANGS)),
            k as f32 / n.saturating_sub(1).max(1) as f32,
            share(before, total),
            share(total.saturating_sub(before + u64::from(l.chars)), total),
            k.checked_sub(1).map_or(-1.0, |j| shapes[idx[j]].log_chars),
            if k + 1 < n {
                shapes[idx[k + 1]].log_chars
            } else {
                -1.0
            },
            prev.map_or(-1.0, ends_sentence),
            next.map_or(-1.0, ends_sentence),
            k.checked_sub(1)
                .map_or(-1.0, |j| f32::from(u8::from(kept[j]))),
            if k + 1 < n {
                f32::from(u8::from(kept[k + 1]))
            } else {
                -1.0
            },
            short_run[k] as f32,
            log(u32::try_from(n).unwrap_or(u32::MAX)),
            (1.0 + total as f32).ln(),
            l.chars as f32 / longest.max(1) as f32,
            sh.pipes,
            f32::from(u8::from(l.copyright)),
            f32::from(u8::from(l.glued)),
            f32::from(u8::from(l.price)),
            f32::from(u8::from(l.heading_like())),
            f32::from(u8::from(l.after_article.is_some())),
            kept_lines as f32 / n.max(1) as f32,
        ];
        out.push(f);
        before += u64::from(l.chars);
        if kept[k] {
            kept_before += u64::from(l.chars);
        }
    }
    out
}

/// A page's lines as the learned classifier's rounds see them.
pub struct Page<'p, 'a> {
    pub lines: &'p [Line<'a>],
    pub shapes: &'p [Shape],
    pub hard: &'p [Option<Verdict>],
}

/// The training examples of the lines `idx`, where the rules keep `by_rules` (a subset).
pub fn samples(
    page: &Page,
    idx: &[usize],
    by_rules: &[usize],
    again: bool,
) -> Vec<crate::trees::Sample> {
    let all = flags(page.lines.len(), by_rules);
    let kept: Vec<bool> = idx
        .iter()
        .map(|&i| all.get(i).copied().unwrap_or(false))
        .collect();
    let lang = classify::language(page.lines, idx);
    let features = features(page.lines, page.shapes, idx, &kept, lang);
    let after = after_openers(page.lines, idx);
    idx.iter()
        .zip(features)
        .zip(after)
        .filter_map(|((&i, f), after)| {
            let l = page.lines.get(i)?;
            Some(crate::trees::Sample {
                text: l.text.to_string(),
                heading: introduces(l),
                judged: judged(l, page.hard.get(i).copied().flatten(), &f, after),
                again,
                features: f.to_vec(),
            })
        })
        .collect()
}

/// One round of the classifier over `kept`, where the rules keep `by_rules` (a subset):
/// what it keeps of `kept`. A heading the rules kept stays over a kept line.
pub fn round(model: &Model, page: &Page, kept: &[usize], by_rules: &[usize]) -> Vec<usize> {
    let rule_kept: Vec<bool> = {
        let all = flags(page.lines.len(), by_rules);
        kept.iter()
            .map(|&i| all.get(i).copied().unwrap_or(false))
            .collect()
    };
    let lang = classify::language(page.lines, kept);
    let features = features(page.lines, page.shapes, kept, &rule_kept, lang);
    let after = after_openers(page.lines, kept);
    let mut keep: Vec<bool> = kept
        .iter()
        .zip(&rule_kept)
        .zip(features.iter().zip(&after))
        .map(|((&i, &by_rule), (f, &after))| {
            let Some(l) = page.lines.get(i) else {
                return false;
            };
            if !judged(l, page.hard.get(i).copied().flatten(), f, after) {
                return by_rule;
            }
            let p = model.furniture(&f[..]);
            if by_rule {
                !model.is_furniture(p)
            } else {
                model.is_restored(p)
            }
        })
        .collect();
    // A heading the rules kept introduces the kept line after it, whatever it looks like
    // alone (from the end, so that a heading over a kept subheading stays too).
    for k in (0..keep.len().saturating_sub(1)).rev() {
        let heading = kept
            .get(k)
            .and_then(|&i| page.lines.get(i))
            .is_some_and(introduces);
        if heading && rule_kept.get(k) == Some(&true) && keep.get(k + 1) == Some(&true) {
            if let Some(x) = keep.get_mut(k) {
                *x = true;
            }
        }
    }
    let next: Vec<usize> = kept
        .iter()
        .zip(&keep)
        .filter_map(|(&i, &k)| k.then_some(i))
        .collect();
    // A page the model would empty is left to the rules: an empty document loses it.
    if next.is_empty() {
        by_rules.to_vec()
    } else {
        next
    }
}

/// A heading that introduces what follows it. A date alone ("May 21, 2025") reads as a
/// heading but introduces nothing.
fn introduces(l: &Line) -> bool {
    l.heading_like() && l.digits * 3 < l.chars
}

/// One flag per line of the page: whether it is among `kept`.
fn flags(len: usize, kept: &[usize]) -> Vec<bool> {
    let mut f = vec![false; len];
    for &i in kept {
        if let Some(x) = f.get_mut(i) {
            *x = true;
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_matches_the_features() {
        assert_eq!(NAMES.len(), COUNT);
        assert!(
            builtin().is_some(),
            "learned.json: features or trees do not match"
        );
    }
}
