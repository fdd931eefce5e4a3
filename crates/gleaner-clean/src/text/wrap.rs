//! Hard-wrapped prose: a dump of a page whose HTML source breaks its paragraphs across
//! lines (man pages, hand-written HTML, mailing-list archives) holds each paragraph as
//! several lines of 40 to 70 characters, every one of them too short to be judged on its
//! own. Such lines are joined back into one unit before classification, and the unit's
//! class goes to all of its lines.
//!
//! The output keeps the original lines: the units are recomputed in every pass from the
//! lines still kept, so cleaning stays idempotent.

use super::features::{Ending, Line};
use crate::rules::Verdict;

/// Lines of `idx` joined into units: `lines` are the units' features, and `of[k]` is the
/// unit holding position `k` of `idx`. `None` when no line continues another, which is
/// most pages.
pub struct Units<'a> {
    pub lines: Vec<Line<'a>>,
    pub hard: Vec<Option<Verdict>>,
    pub of: Vec<usize>,
}

/// A wrapped line runs close to the wrap width; a shorter line followed by lower case is
/// more often one of a list of lower-case items (colours, tags, options).
const MIN_WRAP_CHARS: u32 = 40;

/// Whether `next` continues the sentence `prev` leaves open: `prev` ends without
/// sentence punctuation and `next` opens in lower case, mid-sentence.
fn continues(prev: &Line, next: &Line) -> bool {
    prev.ending == Ending::None
        && ((prev.chars >= MIN_WRAP_CHARS && prev.words >= 5)
            || (prev.words >= 3 && open_end(prev.text)))
        && !next.opens_upper
        && next.text.starts_with(|c: char| c.is_lowercase())
}

/// A line that stands for itself: furniture a rule or a feature already names.
fn alone(l: &Line, hard: Option<Verdict>) -> bool {
    hard.is_some()
        || l.separator
        || l.glued
        || l.copyright
        || l.after_article.is_some()
        || l.button
        || l.label
        || l.copy
        || l.price
}

/// The units of `idx`, or `None` when every line stands alone.
// `k` runs over the positions of `idx`, whose entries are positions of `lines`; `hard`
// has one entry per line.
#[allow(clippy::indexing_slicing)]
pub fn units<'a>(lines: &[Line<'a>], hard: &[Option<Verdict>], idx: &[usize]) -> Option<Units<'a>> {
    let joined = |k: usize| {
        let (p, n) = (idx[k - 1], idx[k]);
        !alone(&lines[p], hard[p]) && !alone(&lines[n], hard[n]) && continues(&lines[p], &lines[n])
    };
    // Most pages have no join: they cost one scan and no allocation.
    let first = (1..idx.len()).find(|&k| joined(k))?;
    let mut u = Units {
        lines: Vec::with_capacity(idx.len()),
        hard: Vec::with_capacity(idx.len()),
        of: Vec::with_capacity(idx.len()),
    };
    for k in 0..idx.len() {
        let l = &lines[idx[k]];
        if k == first || (k > first && joined(k)) {
            let unit = u.lines.last_mut().expect("a joined line follows a unit");
            append(unit, l);
        } else {
            u.lines.push(l.clone());
            u.hard.push(hard[idx[k]]);
        }
        u.of.push(u.lines.len() - 1);
    }
    Some(u)
}

/// Adds `next`'s features to `unit`, as if it were one line with a space between.
fn append(unit: &mut Line, next: &Line) {
    unit.chars += next.chars + 1;
    unit.words += next.words;
    for (s, n) in unit.stops.iter_mut().zip(next.stops) {
        *s = s.saturating_add(n);
    }
    unit.letters += next.letters;
    unit.digits += next.digits;
    unit.ending = next.ending;
    unit.inner_stops += next.inner_stops;
    unit.separator = false;
}

/// Ends on a comma or a word that cannot end a sentence: the line breaks mid-sentence.
fn open_end(text: &str) -> bool {
    if text.ends_with(',') {
        return true;
    }
    let last = text.rsplit(' ').next().unwrap_or("");
    matches!(
        last,
        "and"
            | "or"
            | "the"
            | "a"
            | "an"
            | "of"
            | "to"
            | "in"
            | "for"
            | "with"
            | "on"
            | "at"
            | "by"
            | "from"
            | "that"
            | "which"
            | "is"
            | "are"
            | "was"
            | "were"
            | "as"
            | "but"
    )
}
