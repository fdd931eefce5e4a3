//! The page's headline: its visible `<h1>` when the page's declared titles (`og:title`,
//! `twitter:title`, the JSON-LD headline, `<title>`) agree with it, else the declared
//! title with the site's name cut off ("Headline | Site" → "Headline").
//!
//! An `<h1>` that shares no word with the declared title is a logo, a section name or a
//! slogan ("Blog", "Site Name", "Build what's next"), not the headline.

use super::collect::Heading;
#[cfg(test)]
use super::place::Place;
use super::place::{FURNITURE, SITE_HEADER};
use super::{authors::squash, fold};

/// What separates a headline from the site's name in a `<title>`.
const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » ", " / ", " ~ ", " > ", " || ",
];

/// How many `<h1>`s are tried against the declared titles.
const TRIED_H1S: usize = 4;

/// The chosen title and the `<h1>` it is (its index in the page's list), if any.
pub(super) struct Title {
    pub text: Option<String>,
    pub h1: Option<usize>,
}

/// A declared title cut at its separators: `segs` has one more entry than `seps`.
struct Cut<'a> {
    segs: Vec<&'a str>,
    seps: Vec<&'static str>,
}

impl<'a> Cut<'a> {
    fn new(t: &'a str) -> Cut<'a> {
        let mut segs = Vec::new();
        let mut seps = Vec::new();
        let mut rest = t;
        loop {
            // The earliest separator of any kind.
            let next = SEPARATORS
                .iter()
                .filter_map(|sep| rest.find(sep).map(|i| (i, *sep)))
                .min_by_key(|(i, sep)| (*i, std::cmp::Reverse(sep.len())));
            let Some((i, sep)) = next else { break };
            let (Some(head), Some(tail)) = (rest.get(..i), rest.get(i + sep.len()..)) else {
                break;
            };
            segs.push(head.trim());
            seps.push(sep);
            rest = tail;
        }
        segs.push(rest.trim());
        Cut { segs, seps }
    }

    /// Segments `from..to` joined with their own separators.
    fn join(&self, from: usize, to: usize) -> String {
        let mut out = String::new();
        for (i, seg) in self.segs.iter().enumerate().take(to).skip(from) {
            if i > from {
                out.push_str(self.seps.get(i - 1).copied().unwrap_or(" "));
            }
            out.push_str(seg);
        }
        out
    }
}

/// Whether the heading `h` is the headline of the declared title `t`: the whole of it,
/// its leading segments ("Headline | Site"), or its trailing ones when what leads is the
/// site ("Site - Headline").
fn matches_title(h: &str, t: &str, sites: &[String]) -> bool {
    let h = fold(h);
    if h.is_empty() {
        return false;
    }
    if h == fold(t) {
        return true;
    }
    let cut = Cut::new(t);
    let n = cut.segs.len();
    (1..n).any(|k| {
        fold(&cut.join(0, k)) == h
            || (fold(&cut.join(k, n)) == h && is_site(&cut.join(0, k), sites))
    })
}

/// Whether the heading is the trailing part of a declared title, where sites put their
/// name ("Headline | Site Name" and an `<h1>` "Site Name"): a logo, not the headline.
fn is_title_tail(h: &str, declared: &[&str]) -> bool {
    let h = fold(h);
    declared.iter().any(|t| {
        let cut = Cut::new(t);
        let n = cut.segs.len();
        (1..n).any(|k| fold(&cut.join(k, n)) == h)
    })
}

/// A segment that names the site: one of its known names, or a bare domain ("Move.org").
fn is_site(seg: &str, sites: &[String]) -> bool {
    let key = fold(seg);
    if key.is_empty() {
        return false;
    }
    if sites
        .iter()
        .any(|s| fold(s) == key || squash(s) == squash(seg))
    {
        return true;
    }
    !seg.contains(' ')
        && seg.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty()
                && (2..=6).contains(&tld.len())
                && tld.chars().all(|c| c.is_ascii_alphabetic())
        })
}

/// "Headline | Site" → "Headline". Segments naming the site go from either end; without
/// a known site, a last segment shorter than the rest is taken for it.
pub(super) fn strip_site(title: &str, sites: &[String]) -> String {
    let title = title.trim();
    // "Site: Headline", only when the site is known: a colon is common in headlines.
    for site in sites {
        if let Some(rest) = title
            .strip_prefix(site.as_str())
            .and_then(|r| r.strip_prefix(':'))
        {
            if !rest.trim().is_empty() {
                return rest.trim().to_string();
            }
        }
    }
    let cut = Cut::new(title);
    let (mut from, mut to) = (0, cut.segs.len());
    while to - from > 1 && cut.segs.get(to - 1).is_some_and(|s| is_site(s, sites)) {
        to -= 1;
    }
    while to - from > 1 && cut.segs.get(from).is_some_and(|s| is_site(s, sites)) {
        from += 1;
    }
    if (from, to) != (0, cut.segs.len()) {
        return cut.join(from, to);
    }
    if to > 1 {
        let last = cut.segs.get(to - 1).copied().unwrap_or("");
        let rest = cut.join(0, to - 1);
        // A site name has letters ("2024 - 2025" ends in no site).
        if last.chars().any(char::is_alphabetic) && last.chars().count() < rest.chars().count() {
            return rest;
        }
    }
    title.to_string()
}

/// A title as output: soft hyphens and zero-width characters gone, separators left
/// dangling at either end ("/ Portfolio", "Headline |") trimmed.
pub(super) fn tidy(t: &str) -> String {
    let t: String = t
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}'
            )
        })
        .collect();
    let dangling = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '/' | '|' | '-' | '–' | '—' | '»' | '›' | '·' | '•' | ':' | ';' | ','
            )
    };
    super::clean_space(t.trim_matches(dangling))
}

/// Whether two titles share a word that carries meaning (three letters or more).
fn shares_word(a: &str, b: &str) -> bool {
    const STOP: &[&str] = &[
        "the", "and", "for", "with", "der", "die", "das", "und", "les", "des",
    ];
    let words = |s: &str| -> Vec<String> {
        fold(s)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3 && !STOP.contains(w))
            .map(str::to_string)
            .collect()
    };
    let wb = words(b);
    words(a).iter().any(|w| wb.contains(w))
}

/// The first `<h2>`/`<h3>` outside furniture that reads as the chosen title: the headline
/// of a page that has no `<h1>` for it.
pub(super) fn lower_headline<'a>(subheads: &'a [Heading], title: &str) -> Option<&'a Heading> {
    let t = fold(&tidy(title));
    if t.is_empty() {
        return None;
    }
    subheads
        .iter()
        .find(|h| h.at.flags & FURNITURE == 0 && fold(&tidy(&h.text)) == t)
}

/// Chooses the title. `declared` holds the page's declared titles, best first (`og:title`,
/// `twitter:title`, JSON-LD headline, `<title>`).
/// `subheads` holds the page's first `<h2>`/`<h3>`s.
pub(super) fn choose(
    h1s: &[Heading],
    subheads: &[Heading],
    declared: &[&str],
    sites: &[String],
) -> Title {
    let candidates = || {
        h1s.iter()
            .enumerate()
            .filter(|(_, h)| h.at.flags & FURNITURE == 0)
            .take(TRIED_H1S)
    };
    // A heading the declared titles agree with.
    for (i, h) in candidates() {
        if declared.iter().any(|t| matches_title(&h.text, t, sites)) {
            return Title {
                text: Some(h.text.clone()),
                h1: Some(i),
            };
        }
    }
    let stripped = declared
        .iter()
        .map(|t| strip_site(t, sites))
        .find(|t| !t.is_empty());
    // The first heading of the content that is not the site's name or logo; one in the
    // site's header only when no other.
    let not_site = |h: &Heading| !is_site(&h.text, sites) && !is_title_tail(&h.text, declared);
    let first = candidates()
        .find(|(_, h)| h.at.flags & SITE_HEADER == 0 && not_site(h))
        .or_else(|| candidates().find(|(_, h)| not_site(h)));
    let fallback = match (first, stripped) {
        (Some((i, h)), Some(t)) if shares_word(&h.text, &t) => Title {
            text: Some(h.text.clone()),
            h1: Some(i),
        },
        (Some((i, h)), None) => Title {
            text: Some(h.text.clone()),
            h1: Some(i),
        },
        (_, t) => Title { text: t, h1: None },
    };
    // A lower heading the declared titles agree with beats an `<h1>` they do not: the
    // page sets its headline in an `<h2>` and uses `<h1>` for its logo, a slogan or its
    // sections. Bylines and dates are looked for around the headline when it comes
    // before any `<h1>`, else around the `<h1>` as before (a page-top `<h1>` and the
    // article's header below it).
    let agreed = subheads.iter().filter(|h| h.at.flags & FURNITURE == 0);
    let Some(sub) = agreed
        .take(TRIED_H1S)
        .find(|h| declared.iter().any(|t| matches_title(&h.text, t, sites)))
    else {
        return fallback;
    };
    // An `<h2>` that is the `<h1>` and more ("Headline: the dek | Section") repeats the
    // headline with its trimmings: the `<h1>` stays.
    if fallback.h1.is_some()
        && fallback
            .text
            .as_deref()
            .is_some_and(|h| fold(&sub.text).starts_with(&fold(h)))
    {
        return fallback;
    }
    let first_h1 = candidates().next().map_or(usize::MAX, |(_, h)| h.at.pos);
    Title {
        text: Some(sub.text.clone()),
        h1: if sub.at.pos < first_h1 {
            None
        } else {
            fallback.h1
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(text: &str, flags: u16) -> Heading {
        Heading {
            text: text.to_string(),
            at: Place {
                pos: 0,
                flags,
                header: None,
            },
        }
    }

    #[test]
    fn site_names_come_off() {
        let sites = ["Daily Planet".to_string()];
        assert_eq!(
            strip_site("Budget passes | Daily Planet", &sites),
            "Budget passes"
        );
        assert_eq!(
            strip_site("Daily Planet - Budget passes", &sites),
            "Budget passes"
        );
        assert_eq!(
            strip_site("Daily Planet: Budget passes", &sites),
            "Budget passes"
        );
        assert_eq!(strip_site("Budget passes - move.org", &[]), "Budget passes");
        assert_eq!(
            strip_site("A long headline here | Site", &[]),
            "A long headline here"
        );
        assert_eq!(strip_site("Why: a question", &[]), "Why: a question");
        assert_eq!(strip_site("Squad 2024 - 2025", &[]), "Squad 2024 - 2025");
        assert_eq!(
            tidy("/ Creative Agency Portfolio"),
            "Creative Agency Portfolio"
        );
        assert_eq!(
            tidy("Home Repair Assis\u{ad}tance Program |"),
            "Home Repair Assistance Program"
        );
        let sites = ["Myles Photo".to_string()];
        assert_eq!(
            strip_site(
                "Top 10 cameras | The best on the market — Myles Photo",
                &sites
            ),
            "Top 10 cameras | The best on the market"
        );
    }

    #[test]
    fn the_h1_wins_when_the_declared_titles_agree() {
        let heads = [h("Gabby's Blog", SITE_HEADER), h("Budget passes", 0)];
        let t = choose(&heads, &[], &["Budget passes | Gabby's Blog"], &[]);
        assert_eq!(t.text.as_deref(), Some("Budget passes"));
        assert_eq!(t.h1, Some(1));
    }

    #[test]
    fn a_lower_heading_the_title_agrees_with_beats_an_h1_it_does_not() {
        let at = |pos| Place {
            pos,
            flags: 0,
            header: None,
        };
        let h1s = [Heading {
            text: "Why the budget matters".to_string(),
            at: at(500),
        }];
        let subs = [Heading {
            text: "Budget passes".to_string(),
            at: at(10),
        }];
        let t = choose(&h1s, &subs, &["Budget passes | Daily Planet"], &[]);
        assert_eq!(t.text.as_deref(), Some("Budget passes"));
        // Before the <h1>: it is the anchor too (found by `lower_headline`).
        assert_eq!(t.h1, None);
        assert_eq!(
            lower_headline(&subs, "Budget passes").map(|h| h.at.pos),
            Some(10)
        );
        // After the <h1>, the <h1> stays the anchor.
        let subs = [Heading {
            text: "Budget passes".to_string(),
            at: at(900),
        }];
        let t = choose(&h1s, &subs, &["Budget passes | Daily Planet"], &[]);
        assert_eq!(t.text.as_deref(), Some("Budget passes"));
        assert_eq!(t.h1, Some(0));
        // The <h1> and more in an <h2>: the <h1> is the headline.
        let h1s = [h("Budget passes", 0)];
        let subs = [h("Budget passes: what now", 0)];
        let t = choose(
            &h1s,
            &subs,
            &["Budget passes: what now | Daily Planet"],
            &[],
        );
        assert_eq!(t.text.as_deref(), Some("Budget passes"));
    }

    #[test]
    fn an_unrelated_h1_is_a_logo_or_slogan() {
        let heads = [h("Build what's next", 0)];
        let t = choose(&heads, &[], &["Cloud hosting for teams | Acme"], &[]);
        assert_eq!(t.text.as_deref(), Some("Cloud hosting for teams"));
        assert_eq!(t.h1, None);
        // A variant of the declared title is the visible headline.
        let heads = [h("Recent trends in photography", 0)];
        let t = choose(
            &heads,
            &[],
            &["8 Recent Trends in Photography - Flatworld"],
            &[],
        );
        assert_eq!(t.text.as_deref(), Some("Recent trends in photography"));
    }
}
