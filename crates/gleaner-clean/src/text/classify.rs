//! The line classifier, after jusText's paragraph classifier: every line gets a class from
//! its own features (bad / short / near-good / good), then short and near-good lines take
//! the class their neighbours suggest, headings are rescued when prose follows them, and
//! patterns only visible across lines (card lists) are demoted.
//!
//! One pass judges one sequence of lines. The caller re-runs it on what it kept until
//! nothing changes, which makes cleaning idempotent by construction: a pass over its own
//! output keeps everything.

use super::features::{After, Ending, Line};
use super::items;
use super::stopwords::NLANGS;
use super::wrap;
use super::TextOptions;
use crate::rules::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Bad,
    Short,
    NearGood,
    Good,
}

/// The stopword list that fits the lines best, or `None` when no list covers enough of
/// the words to mean anything (another language, or no prose at all).
// Positions: `k` runs below `idx.len()`, the length of every per-position array (`cls`,
// `initial`, `snapshot`, `runlen`, `item`); `idx[k]` is a position of `lines`, whose
// length `hard` shares.
#[allow(clippy::indexing_slicing)]
pub fn language(lines: &[Line], idx: &[usize]) -> Option<usize> {
    let mut hits = [0u32; NLANGS];
    let mut words = 0u32;
    for &i in idx {
        let l = &lines[i];
        words += l.words;
        for (h, s) in hits.iter_mut().zip(l.stops) {
            *h += u32::from(s);
        }
    }
    let (best, &n) = hits
        .iter()
        .enumerate()
        .max_by_key(|&(i, n)| (n, usize::MAX - i))?;
    (words > 0 && n * 100 >= words * 8).then_some(best)
}

/// One pass over `idx` (indices into `lines`, in page order). Returns the final class of
/// each; the caller keeps the `Good` ones. Hard-wrapped lines are judged as the
/// paragraph they make up (see `wrap`).
// Positions: `k` runs below `idx.len()`, the length of every per-position array (`cls`,
// `initial`, `snapshot`, `runlen`, `item`); `idx[k]` is a position of `lines`, whose
// length `hard` shares.
#[allow(clippy::indexing_slicing)]
pub fn pass(
    lines: &[Line],
    hard: &[Option<Verdict>],
    idx: &[usize],
    p: &TextOptions,
) -> Vec<Class> {
    match wrap::units(lines, hard, idx) {
        None => pass_lines(lines, hard, idx, p),
        Some(u) => {
            let all: Vec<usize> = (0..u.lines.len()).collect();
            let cls = pass_lines(&u.lines, &u.hard, &all, p);
            u.of.iter().map(|&n| cls[n]).collect()
        }
    }
}

// Positions: `k` runs below `idx.len()`, the length of every per-position array (`cls`,
// `initial`, `snapshot`, `runlen`, `item`); `idx[k]` is a position of `lines`, whose
// length `hard` shares.
#[allow(clippy::indexing_slicing)]
fn pass_lines(
    lines: &[Line],
    hard: &[Option<Verdict>],
    idx: &[usize],
    p: &TextOptions,
) -> Vec<Class> {
    let lang = language(lines, idx);
    // Without a stopword list, jusText's rule: judge on length alone.
    let (sw_low, sw_high) = match lang {
        Some(_) => (p.stopwords_low, p.stopwords_high),
        None => (0.0, 0.0),
    };
    let line = |k: usize| &lines[idx[k]];
    let fixed = |k: usize| hard[idx[k]];

    let mut cls: Vec<Class> = (0..idx.len())
        .map(|k| {
            let l = line(k);
            match fixed(k) {
                Some(Verdict::Drop) => return Class::Bad,
                Some(Verdict::Keep) => return Class::Good,
                None => {}
            }
            // Truncated lines ("…") are teasers of text elsewhere, never the text itself.
            if l.copyright || l.glued || l.ending == Ending::Ellipsis {
                return Class::Bad;
            }
            if l.separator || l.chars < p.length_low {
                return Class::Short;
            }
            let d = l.stop_density(lang);
            if d >= sw_high {
                if l.chars > p.length_high {
                    Class::Good
                } else {
                    Class::NearGood
                }
            } else if d >= sw_low {
                Class::NearGood
            } else {
                Class::Bad
            }
        })
        .collect();
    let initial = cls.clone();

    demote_card_lists(lines, idx, &mut cls);

    // Headings followed closely by good prose become near-good, so the neighbour rules
    // below can keep them even at the start of the article.
    let heading = |k: usize| fixed(k).is_none() && line(k).heading_like();
    for k in 0..idx.len() {
        if cls[k] == Class::Short && heading(k) && heads_prose(&cls, &initial, k) {
            cls[k] = Class::NearGood;
        }
    }

    // Prose hard-wrapped into lines below `length_high` never yields a good line; two
    // near-good lines in a row are that, and support each other.
    let snapshot = cls.clone();
    for k in 0..idx.len() {
        if snapshot[k] == Class::NearGood
            && (neighbour(&snapshot, k, true, true) == Class::NearGood
                || neighbour(&snapshot, k, true, false) == Class::NearGood)
        {
            cls[k] = Class::Good;
        }
    }

    // Short lines take the class of their non-short neighbours.
    let snapshot = cls.clone();
    for k in 0..idx.len() {
        if snapshot[k] != Class::Short {
            continue;
        }
        let prev = neighbour(&snapshot, k, false, true);
        let next = neighbour(&snapshot, k, false, false);
        cls[k] = match (prev, next) {
            (Class::Good, Class::Good) => Class::Good,
            (Class::Bad, Class::Bad) => Class::Bad,
            _ => {
                let near = (prev == Class::Bad
                    && neighbour(&snapshot, k, true, true) == Class::NearGood)
                    || (next == Class::Bad
                        && neighbour(&snapshot, k, true, false) == Class::NearGood);
                if near {
                    Class::Good
                } else {
                    Class::Bad
                }
            }
        };
    }

    // Near-good lines are good unless bad surrounds them.
    let snapshot = cls.clone();
    for k in 0..idx.len() {
        if snapshot[k] == Class::NearGood {
            let prev = neighbour(&snapshot, k, false, true);
            let next = neighbour(&snapshot, k, false, false);
            cls[k] = if prev == Class::Bad && next == Class::Bad {
                Class::Bad
            } else {
                Class::Good
            };
        }
    }

    // Headings the neighbour rules dropped, but which introduce good prose, come back.
    for k in 0..idx.len() {
        if cls[k] == Class::Bad
            && initial[k] != Class::Bad
            && heading(k)
            && heads_prose(&cls, &initial, k)
        {
            cls[k] = Class::Good;
        }
    }
    if p.region {
        region(lines, hard, idx, &initial, &mut cls, p);
        cut_after_article(lines, idx, &mut cls);
    }
    for (c, &i) in cls.iter_mut().zip(idx) {
        if (lines[i].button || lines[i].label || lines[i].copy) && hard[i].is_none() {
            *c = Class::Bad;
        }
    }
    cls
}

/// Kept text before a comments heading that makes a whole article, not a teaser.
const MIN_ARTICLE_CHARS: u32 = 1500;

/// What follows an article: a heading of its comments ("12 Comments") or of links to
/// other pages ("You may also like") after most of the kept text ends the article,
/// whatever prose follows it; a counted comments heading does so after any whole
/// article, since a hundred comments easily outweigh it. Earlier, it is more likely a teaser's comment count or a
/// forum thread's own heading. A heading the page repeats under several posts
/// ("4 Comments" under each answer) is per post.
// Positions: `k` runs below `idx.len()`, the length of every per-position array (`cls`,
// `initial`, `snapshot`, `runlen`, `item`); `idx[k]` is a position of `lines`, whose
// length `hard` shares.
#[allow(clippy::indexing_slicing)]
fn cut_after_article(lines: &[Line], idx: &[usize], cls: &mut [Class]) {
    let headers = idx
        .iter()
        .filter(|&&i| lines[i].after_article.is_some())
        .count();
    if headers == 0 || headers > 3 {
        return;
    }
    let chars = |k: usize| lines[idx[k]].chars;
    let total: u32 = (0..idx.len())
        .filter(|&k| cls[k] == Class::Good)
        .map(chars)
        .sum();
    let mut before = 0u32;
    for k in 0..idx.len() {
        let after = lines[idx[k]].after_article;
        // A counted list of comments after a whole article goes however long it is.
        let enough =
            before * 2 >= total || (after == Some(After::Comments) && before >= MIN_ARTICLE_CHARS);
        if after.is_some() && before > 0 && enough && before < total {
            for c in &mut cls[k..] {
                *c = Class::Bad;
            }
            return;
        }
        if cls[k] == Class::Good {
            before += chars(k);
        }
    }
}

/// The main content: the run of lines where good text outweighs the rest most. Good lines
/// outside it are dropped (teasers, comments, footers); inside it, lines that are merely
/// short or unsure are kept, since list items, table cells and captions of an article
/// look just like menu items on their own.
// Positions: `k` runs below `idx.len()`, the length of every per-position array (`cls`,
// `initial`, `snapshot`, `runlen`, `item`); `idx[k]` is a position of `lines`, whose
// length `hard` shares.
#[allow(clippy::indexing_slicing)]
fn region(
    lines: &[Line],
    hard: &[Option<Verdict>],
    idx: &[usize],
    initial: &[Class],
    cls: &mut [Class],
    p: &TextOptions,
) {
    let mut best = (0.0f32, 0usize, 0usize);
    let mut cur = 0.0f32;
    let mut start = 0usize;
    // Length of the run of good lines each line belongs to.
    let mut runlen = vec![0usize; idx.len()];
    let mut k = 0;
    while k < idx.len() {
        if cls[k] != Class::Good {
            k += 1;
            continue;
        }
        let st = k;
        while k < idx.len() && cls[k] == Class::Good {
            k += 1;
        }
        for r in &mut runlen[st..k] {
            *r = k - st;
        }
    }
    // Item lists count for the region only where they outweigh the prose: on an
    // article page, the lists are its comments, related links and menus. Their words
    // are among the non-good ones, so most pages are settled without looking for them.
    let (good_words, other_words) = (0..idx.len()).fold((0u32, 0u32), |(g, o), k| {
        let w = lines[idx[k]].words;
        if cls[k] == Class::Good {
            (g + w, o)
        } else {
            (g, o + w)
        }
    });
    let item = if p.item_weight > -p.bad_weight && other_words > 2 * good_words {
        let item = items::spans(lines, idx);
        let item_words: u32 = (0..idx.len())
            .filter(|&k| cls[k] != Class::Good && item[k])
            .map(|k| lines[idx[k]].words)
            .sum();
        (item_words > 2 * good_words).then_some(item)
    } else {
        None
    };
    for k in 0..idx.len() {
        let w = lines[idx[k]].words.max(1) as f32;
        let in_list = item.as_ref().is_some_and(|it| it[k]);
        let s = if in_list && cls[k] != Class::Good && hard[idx[k]].is_none() {
            p.item_weight * w * (1.0 - p.position_decay * k as f32 / idx.len() as f32)
        } else if cls[k] == Class::Good {
            let iso = if runlen[k] <= 2 {
                p.isolated_weight
            } else {
                1.0
            };
            iso * w * (1.0 - p.position_decay * k as f32 / idx.len() as f32)
        } else {
            -w * p.bad_weight
        };
        if cur <= 0.0 {
            cur = 0.0;
            start = k;
        }
        cur += s;
        if cur > best.0 {
            best = (cur, start, k);
        }
    }
    if best.0 <= 0.0 {
        return;
    }
    let (_, s, e) = best;
    // Where item lists make the region, their items are the islands.
    let (s, e) = if item.is_none() {
        islands(lines, idx, initial, cls, (s, e), p)
    } else {
        (s, e)
    };
    for c in cls.iter_mut().take(s) {
        *c = Class::Bad;
    }
    for c in cls.iter_mut().skip(e + 1) {
        *c = Class::Bad;
    }
    if !p.fill {
        return;
    }
    // Gaps between good lines are filled when short; a long gap is a block of its own
    // (a sidebar, a teaser list) that the region merely spans.
    let mut k = s;
    while k <= e {
        if cls[k] == Class::Good {
            k += 1;
            continue;
        }
        let gap_start = k;
        while k <= e && cls[k] != Class::Good {
            k += 1;
        }
        if k - gap_start > p.max_gap {
            continue;
        }
        for j in gap_start..k {
            let l = &lines[idx[j]];
            let hard_bad = hard[idx[j]].is_some() || l.copyright || l.glued;
            if !hard_bad && (p.fill_bad || initial[j] != Class::Bad) {
                cls[j] = Class::Good;
            }
        }
    }
}

/// Narrows the region `(s, e)` to its islands of prose that matter. The region is cut
/// at every run of `island_gap` lines or more that are not prose on their own (kept by
/// their neighbours at most): what the region spans beyond the article is furniture
/// between a few good lines (an author's bio, a promo, a teaser's blurb), and their
/// words weigh little against the article's. Islands holding less than `island_share`
/// of the biggest island's words go, with the lines around them, from the first big
/// island to the last one; small islands between big ones stay (a figure's caption).
// Positions: `k` runs from `s` to `e`, below `idx.len()`, the length of `cls` and
// `initial`; `idx[k]` is a position of `lines`.
#[allow(clippy::indexing_slicing)]
fn islands(
    lines: &[Line],
    idx: &[usize],
    initial: &[Class],
    cls: &[Class],
    (s, e): (usize, usize),
    p: &TextOptions,
) -> (usize, usize) {
    if p.island_gap == 0 {
        return (s, e);
    }
    // Islands as (first prose line, last prose line, prose words).
    let mut isles: Vec<(usize, usize, u32)> = Vec::new();
    let mut gap = 0usize;
    for k in s..=e {
        let prose = cls[k] == Class::Good && matches!(initial[k], Class::Good | Class::NearGood);
        if !prose {
            gap += 1;
            continue;
        }
        let w = lines[idx[k]].words;
        match isles.last_mut() {
            Some(isle) if gap < p.island_gap => {
                isle.1 = k;
                isle.2 += w;
            }
            _ => isles.push((k, k, w)),
        }
        gap = 0;
    }
    let Some(biggest) = isles.iter().map(|i| i.2).max() else {
        return (s, e);
    };
    let big = |i: &&(usize, usize, u32)| i.2 as f32 >= p.island_share * biggest as f32;
    let (Some(a), Some(b)) = (
        isles.iter().position(|i| big(&i)),
        isles.iter().rposition(|i| big(&i)),
    ) else {
        return (s, e);
    };
    // The region's own edges stay where no island is dropped beyond them: a heading
    // above the first prose line, a caption below the last.
    let first = if a == 0 { s } else { isles[a].0 };
    let last = if b + 1 == isles.len() { e } else { isles[b].1 };
    (first, last)
}

/// Whether good prose follows line `k` directly. Only directly: a heading with anything
/// in between is more often the last item of a menu than a heading.
// Positions: `k` runs below `idx.len()`, the length of every per-position array (`cls`,
// `initial`, `snapshot`, `runlen`, `item`); `idx[k]` is a position of `lines`, whose
// length `hard` shares.
#[allow(clippy::indexing_slicing)]
fn heads_prose(cls: &[Class], initial: &[Class], k: usize) -> bool {
    // Prose, not another rescued heading: menus would otherwise chain.
    cls.get(k + 1) == Some(&Class::Good) && initial.get(k + 1) != Some(&Class::Short)
}

/// The nearest class before (`back`) or after `k` that is good or bad, or near-good when
/// `near` is set; the page edges count as bad.
// Positions: `k` runs below `idx.len()`, the length of every per-position array (`cls`,
// `initial`, `snapshot`, `runlen`, `item`); `idx[k]` is a position of `lines`, whose
// length `hard` shares.
#[allow(clippy::indexing_slicing)]
fn neighbour(cls: &[Class], k: usize, near: bool, back: bool) -> Class {
    let hit = |c: &Class| matches!(c, Class::Good | Class::Bad) || (near && *c == Class::NearGood);
    let found = if back {
        cls[..k].iter().rev().find(|c| hit(c))
    } else {
        cls[k + 1..].iter().find(|c| hit(c))
    };
    found.copied().unwrap_or(Class::Bad)
}

/// Teaser cards: separator lines ("-", "|") alternating with one or two lines each, like
/// the "More on these topics" blurbs under an article. Each card may read like prose, but
/// prose does not come chopped into separator-delimited one-liners. The short lines just
/// before the run are its heading ("Go deeper") and go with it.
// Positions: `k` runs below `idx.len()`, the length of every per-position array (`cls`,
// `initial`, `snapshot`, `runlen`, `item`); `idx[k]` is a position of `lines`, whose
// length `hard` shares.
#[allow(clippy::indexing_slicing)]
fn demote_card_lists(lines: &[Line], idx: &[usize], cls: &mut [Class]) {
    let sep = |k: usize| lines[idx[k]].separator;
    let n = idx.len();
    let mut k = 0;
    while k < n {
        if !sep(k) {
            k += 1;
            continue;
        }
        // Walk sep, item(s), sep, item(s)... while the gaps stay one or two lines.
        let start = k;
        let mut seps = 1;
        let mut end = k;
        loop {
            let mut j = end + 1;
            while j < n && !sep(j) && j - end <= 3 {
                j += 1;
            }
            let gap = j - end - 1;
            if gap == 0 || gap > 2 {
                break;
            }
            if j < n && sep(j) {
                seps += 1;
                end = j;
            } else {
                // The last card runs to the page end or to the next non-card line.
                if j >= n {
                    end = n - 1;
                } else {
                    end = j - 1;
                }
                break;
            }
        }
        if seps >= 3 {
            for c in &mut cls[start..=end] {
                *c = Class::Bad;
            }
            let mut h = start;
            while h > 0 && start - h < 2 {
                let l = &lines[idx[h - 1]];
                if l.chars >= 60 || l.ending == Ending::Period {
                    break;
                }
                h -= 1;
                cls[h] = Class::Bad;
            }
        }
        k = end.max(start) + 1;
    }
}
