//! Who wrote the page: JSON-LD authors, microdata, author `<meta>` tags, then what the
//! page shows (byline elements, `rel=author` links, "By …" lines, forum posts' authors).
//!
//! Every candidate is cleaned the same way (the "By" lead, a trailing date or role cut
//! off) and refused when it is no person's or group's name: a URL, an e-mail address, a
//! date, a template placeholder, a bare "Admin"/"Staff"/"Redaktion", a link label ("View
//! all posts"), or the site's own name.

use super::collect::{NameSource, Named};
use super::cues::{after_lead, has_year};
use super::dates::{date_start, has_day_and_month, Order};
use super::place::{Place, MAIN};
use super::{clean_space, fold, jsonld, Sources};

/// The longest text read as a byline (one or several names), in bytes.
const MAX_BYLINE: usize = 200;
/// The longest name kept, in chars.
const MAX_NAME: usize = 70;
/// How far after the headline (bytes of text) a shown byline is looked for.
const AFTER_HEADLINE: usize = 1500;
/// How far before it.
const BEFORE_HEADLINE: usize = 400;

/// Single words that name a role, not a person.
const GENERIC: &[&str] = &[
    "admin",
    "administrator",
    "staff",
    "redaktion",
    "editor",
    "editors",
    "editorial",
    "guest",
    "anonymous",
    "unknown",
    "user",
    "author",
    "autor",
    "webmaster",
    "team",
    "redacción",
    "rédaction",
    "redazione",
    "redactie",
    "newsroom",
    "nobody",
    "root",
    "undefined",
    "null",
    "none",
    "default",
    "n/a",
];

/// Weekdays, in full and short, in the dev sets' languages: a date's head, not a name.
const WEEKDAYS: &[&str] = &[
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thurs",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mo",
    "di",
    "mi",
    "do",
    "fr",
    "sa",
    "so",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
];

/// Words that mark a link label or a date line, not a name.
const NOT_NAME_WORDS: &[&str] = &[
    "view",
    "posts",
    "read",
    "more",
    "follow",
    "share",
    "comments",
    "comment",
    "subscribe",
    "contact",
    "profile",
    "updated",
    "published",
    "posted",
    "min",
    "minutes",
    "ago",
    "reviewed",
    "written",
    "about",
    "articles",
    "home",
    "menu",
    "search",
    "login",
    "sign",
    "privacy",
    "cookie",
    "cookies",
];

/// One name cleaned, or `None` when it is none.
pub(super) fn clean_name(raw: &str, sites: &[String]) -> Option<String> {
    let mut s = clean_space(raw);
    // "By Jane Doe", "Written by: Jane Doe"; twice for "Posted by: By Jane".
    for _ in 0..2 {
        if let Some(rest) = after_lead(&s) {
            s = rest.to_string();
        }
    }
    // A date, role or count after the name: "Jane Doe | March 5", "Jane Doe on March 5",
    // "Jane Doe - Staff Writer", "Jane Doe • 5 min read".
    for sep in [" | ", " • ", " · ", " — ", " – ", " - ", "\u{a0}|"] {
        if let Some((head, _)) = s.split_once(sep) {
            s = head.to_string();
        }
    }
    // A word that leads a date ("on", "am", "le") ends the name only when a date (a
    // digit) follows: "Jean le Blanc" keeps its particle.
    for sep in [" on ", " am ", " le ", " el ", " il ", " op ", " de "] {
        if let Some((head, tail)) = s.split_once(sep) {
            if tail.chars().any(|c| c.is_ascii_digit()) {
                s = head.to_string();
            }
        }
    }
    // "Gary Marcus Dec 14, 2025": the name ends where a date starts.
    if let Some(head) = date_start(&s, Order::MonthFirst).and_then(|i| s.get(..i)) {
        s = head.to_string();
    }
    let s = s
        .trim_matches(|c: char| {
            c.is_whitespace()
                || matches!(c, ',' | ';' | ':' | '|' | '-' | '–' | '—' | '·' | '•' | '&')
        })
        .to_string();
    valid_name(&s, sites).then_some(s)
}

fn valid_name(s: &str, sites: &[String]) -> bool {
    let chars = s.chars().count();
    if !(2..=MAX_NAME).contains(&chars) || !s.chars().any(char::is_alphabetic) {
        return false;
    }
    // A name opens with a letter or digit ("§ Authoring", "& Window Sensor" are
    // fragments) and holds no exclamation, question or breadcrumb mark.
    if !s.chars().next().is_some_and(char::is_alphanumeric)
        || s.contains(['!', '?', '»', '›', '#', '…'])
    {
        return false;
    }
    let lower = s.to_lowercase();
    if lower.contains("http")
        || lower.contains("www.")
        || s.contains(['@', '/', '{', '}', '<', '>', '='])
    {
        return false;
    }
    // "page.head.extra.author": a template's variable, not a name.
    if !s.contains(' ') && s.matches('.').count() >= 2 {
        return false;
    }
    if GENERIC.contains(&lower.as_str())
        || WEEKDAYS.contains(&lower.trim_end_matches('.'))
        || has_day_and_month(s)
        || has_year(s)
    {
        return false;
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 8 || words.iter().any(|w| NOT_NAME_WORDS.contains(w)) || prose(s) {
        return false;
    }
    let key = fold(s);
    !sites
        .iter()
        .any(|site| fold(site) == key || squash(site) == squash(s))
}

/// Lower-case words that name-particles are ("Ludwig van Beethoven", "Ana de Armas").
const PARTICLES: &[&str] = &[
    "van", "von", "der", "den", "de", "del", "della", "da", "di", "du", "la", "le", "bin", "ibn",
    "al", "el", "y", "and", "und", "et", "e", "of", "ten", "ter", "zu", "dos", "das",
];

/// A phrase of prose rather than a name: a lower-case word that is no particle among
/// capitalised ones ("VR experiences. Fueled by his passion", "Visit the Apple Store").
/// A name written all in lower case (a user name, "crazy lennys") is not prose.
fn prose(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    let lower = |w: &&str| w.chars().next().is_some_and(char::is_lowercase);
    if words.iter().all(lower) {
        return words.len() > 3;
    }
    words
        .iter()
        .any(|w| lower(w) && !PARTICLES.contains(&w.trim_matches(|c: char| !c.is_alphabetic())))
}

/// Letters and digits only, lower case: "Cleveland Clinic" and "clevelandclinic" meet.
pub(super) fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Several names in one string ("Ann Lee and Bo Chan", "Ann Lee, Bo Chan"), split where
/// each part is itself a full name (two or more words): a lone "Maria & Katerina" stays
/// whole.
fn split_names(s: &str) -> Vec<String> {
    let mut parts = vec![s.to_string()];
    for sep in [
        ";", " and ", " & ", " und ", " et ", " y ", " e ", " en ", ", ",
    ] {
        let next: Vec<String> = parts
            .iter()
            .flat_map(|p| p.split(sep).map(|x| x.trim().to_string()))
            .filter(|x| !x.is_empty())
            .collect();
        if next.len() > parts.len() && next.iter().all(|x| x.split_whitespace().count() >= 2) {
            parts = next;
        }
    }
    parts
}

/// Cleans and de-duplicates a list of raw names, keeping page order.
pub(super) fn finish(raw: impl IntoIterator<Item = String>, sites: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in raw {
        // A byline is short: a long text is an author's biography, not a list of names.
        if r.len() > MAX_BYLINE {
            continue;
        }
        for part in split_names(&clean_space(&r)) {
            if let Some(n) = clean_name(&part, sites) {
                if !out.iter().any(|o| fold(o) == fold(&n)) {
                    out.push(n);
                }
            }
        }
        if out.len() >= 10 {
            break;
        }
    }
    out
}

/// Where a shown byline may be.
#[derive(Clone, Copy)]
enum Reach {
    /// Around the headline (anywhere in the article when there is none).
    Near,
    /// Anywhere outside furniture.
    Anywhere,
}

/// The authors the page shows through `sources`: the candidate nearest its headline,
/// with the names grouped beside it.
fn shown(
    names: &[Named],
    headline: Option<&Place>,
    sites: &[String],
    sources: &[NameSource],
    reach: Reach,
) -> Vec<String> {
    let near = |n: &Named| match (reach, headline) {
        (Reach::Anywhere, _) => true,
        (Reach::Near, Some(h)) => n.at.near(h, BEFORE_HEADLINE, AFTER_HEADLINE),
        (Reach::Near, None) => n.at.flags & MAIN != 0,
    };
    let mut picked: Vec<&Named> = names
        .iter()
        .filter(|n| !n.at.furniture(headline))
        .filter(|n| sources.contains(&n.source) && near(n))
        .collect();
    // Bylines sit in the article's header: after the headline, nearest first.
    if let (Some(h), Reach::Near) = (headline, reach) {
        picked.sort_by_key(|n| (n.at.pos < h.pos, n.at.pos.abs_diff(h.pos)));
    }
    let Some(first) = picked.first() else {
        return Vec::new();
    };
    // Several links of one byline ("By <a>Ann</a> and <a>Bo</a>") sit together.
    let group: Vec<String> = picked
        .iter()
        .filter(|n| n.source == first.source && n.at.pos.abs_diff(first.at.pos) <= 120)
        .map(|n| n.name.clone())
        .collect();
    let out = finish(group, sites);
    if !out.is_empty() {
        return out;
    }
    // The nearest was no name ("By" alone, a date line): the others in turn.
    picked
        .iter()
        .skip(1)
        .map(|n| finish([n.name.clone()], sites))
        .find(|out| !out.is_empty())
        .unwrap_or_default()
}

/// `<meta>` keys naming the author.
const META_KEYS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
];

impl Sources<'_> {
    /// The authors, from the first source that names one: the JSON-LD main item, its
    /// microdata, the author `<meta>` tags, the byline shown near the headline, one shown
    /// elsewhere in the article, a forum post's `data-author`. A name that is also the
    /// site's is taken only when the page names nobody else (a personal site, a company
    /// blog): it is then the author, not a stand-in for one.
    pub(super) fn authors(&self, headline: Option<&Place>, sites: &[String]) -> Vec<String> {
        let strict = self.authors_refusing(headline, sites);
        if strict.is_empty() {
            self.authors_refusing(headline, &[])
        } else {
            strict
        }
    }

    /// The `twitter:dataN` whose `twitter:labelN` is a byline lead ("Written by"), as
    /// SEO plugins write them.
    fn twitter_author(&self) -> Option<String> {
        let metas = &self.found.metas;
        metas.iter().find_map(|(k, v)| {
            let n = k.strip_prefix("twitter:label")?;
            if !after_lead(v)?.is_empty() {
                return None;
            }
            let data = format!("twitter:data{n}");
            metas
                .iter()
                .find(|(k, _)| *k == data)
                .map(|(_, v)| v.clone())
        })
    }

    fn authors_refusing(&self, headline: Option<&Place>, sites: &[String]) -> Vec<String> {
        let ld = self.main.map_or_else(Vec::new, |o| {
            jsonld::names(o.get("author").or_else(|| o.get("creator")), &self.objs)
        });
        let ld = finish(ld.into_iter().map(|(n, _)| n), sites);
        if !ld.is_empty() {
            return ld;
        }
        let names = &self.found.names;
        let micro = shown(
            names,
            headline,
            sites,
            &[NameSource::Microdata],
            Reach::Anywhere,
        );
        if !micro.is_empty() {
            return micro;
        }
        let metas = META_KEYS.iter().flat_map(|k| {
            let metas = self.found.metas.iter();
            metas.filter(move |(mk, _)| mk == k).map(|(_, v)| v.clone())
        });
        let from_meta = finish(metas.chain(self.twitter_author()), sites);
        if !from_meta.is_empty() {
            return from_meta;
        }
        // The shown byline: its link, a "By" line or an author link near the headline,
        // then a byline element's whole text; far from the headline, only marked bylines
        // (a "by" in prose is no byline).
        let tiers: [(&[NameSource], Reach); 4] = [
            (
                &[
                    NameSource::BylineLink,
                    NameSource::RelAuthor,
                    NameSource::ByText,
                    NameSource::Labelled,
                ],
                Reach::Near,
            ),
            (&[NameSource::BylineClass], Reach::Near),
            (
                &[
                    NameSource::BylineLink,
                    NameSource::RelAuthor,
                    NameSource::Labelled,
                ],
                Reach::Anywhere,
            ),
            (&[NameSource::BylineClass], Reach::Anywhere),
        ];
        for (sources, reach) in tiers {
            let found = shown(names, headline, sites, sources, reach);
            if !found.is_empty() {
                return found;
            }
        }
        shown(
            names,
            headline,
            sites,
            &[NameSource::DataAttr],
            Reach::Anywhere,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Option<String> {
        clean_name(s, &["Daily Planet".to_string()])
    }

    #[test]
    fn names_are_cleaned() {
        assert_eq!(c("By Jane Doe").as_deref(), Some("Jane Doe"));
        assert_eq!(
            c("Written by: Jane Doe | March 5, 2024").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(c("Von Max Muster").as_deref(), Some("Max Muster"));
        assert_eq!(c("Jane Doe - Staff Writer").as_deref(), Some("Jane Doe"));
        assert_eq!(c("Maria & Katerina").as_deref(), Some("Maria & Katerina"));
        assert_eq!(c("hayley.p").as_deref(), Some("hayley.p"));
        assert_eq!(
            c("Gary Marcus Dec 14, 2025").as_deref(),
            Some("Gary Marcus")
        );
        assert_eq!(
            c("Ludwig van Beethoven").as_deref(),
            Some("Ludwig van Beethoven")
        );
    }

    #[test]
    fn non_names_are_refused() {
        for s in [
            "By",
            "Admin",
            "Redaktion",
            "https://ex.com/u/ann",
            "ann@ex.com",
            "Sat, 20 Dec, 2025 - 06:36",
            "Updated March 13, 2024",
            "View more posts",
            "page.head.extra.author",
            "262588213843476",
            "Daily Planet",
            "dailyplanet",
            "{{ author.name }}",
            "August 28",
            "Sun Dec 17",
            "VR experiences. Fueled by his passion for music",
        ] {
            assert_eq!(c(s), None, "{s}");
        }
    }

    #[test]
    fn lists_split_only_into_full_names() {
        assert_eq!(
            finish(["Ann Lee and Bo Chan".to_string()], &[]),
            ["Ann Lee", "Bo Chan"]
        );
        assert_eq!(
            finish(["Maria & Katerina".to_string()], &[]),
            ["Maria & Katerina"]
        );
        assert_eq!(finish(["Ann Lee; Ann Lee".to_string()], &[]), ["Ann Lee"]);
    }
}
