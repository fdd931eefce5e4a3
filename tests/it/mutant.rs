//! Mutated copies of a development-set page for the `mutations` test: the edits made to
//! the page's bytes (`<meta>`, JSON-LD, canonical links, `<time>`, `<html lang>`,
//! bylines, titles, attributes on random elements), with values from [`Mutator`], and
//! [`mutant`], which seeds the RNG from the page's name and the variant.

use crate::devset::Page;
use crate::mutate::{Mutator, ATTRS, DATE_METAS, OTHER_METAS, WORDS};

const SEED: u64 = 0x0067_6c65_616e_6572; // "gleaner"

/// Case-insensitive search from `from`.
fn find(page: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    page.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|i| i + from)
}

/// Just after the `>` of the first tag starting with `open`.
fn after_open(page: &[u8], open: &[u8]) -> Option<usize> {
    let at = find(page, open, 0)?;
    page[at..]
        .iter()
        .position(|&b| b == b'>')
        .map(|gt| at + gt + 1)
}

fn head_at(page: &[u8]) -> usize {
    after_open(page, b"<head").unwrap_or(0)
}

fn after_h1(page: &[u8]) -> usize {
    find(page, b"</h1>", 0)
        .map(|i| i + 5)
        .or_else(|| after_open(page, b"<body"))
        .unwrap_or(page.len())
}

fn insert(page: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    let at = at.min(page.len());
    page.splice(at..at, bytes.iter().copied());
}

fn quoted(v: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() + 2);
    out.push(b'"');
    for &b in v {
        if b == b'"' {
            out.extend_from_slice(b"&quot;");
        } else {
            out.push(b);
        }
    }
    out.push(b'"');
    out
}

/// Replaces the value of the attribute `name="..."` found at the `nth` place of the
/// page where one is written (case-insensitive, double-quoted), if any.
fn replace_attr(page: &mut Vec<u8>, name: &[u8], nth: usize, value: &[u8]) -> bool {
    let mut needle = name.to_vec();
    needle.extend_from_slice(b"=\"");
    let mut spots = Vec::new();
    let mut from = 0;
    while let Some(i) = find(page, &needle, from) {
        spots.push(i + needle.len());
        from = i + 1;
        if spots.len() > 500 {
            break;
        }
    }
    if spots.is_empty() {
        return false;
    }
    let start = spots[nth % spots.len()];
    let Some(len) = page[start..].iter().position(|&b| b == b'"') else {
        return false;
    };
    let value: Vec<u8> = quoted(value);
    page.splice(start - 1..start + len + 1, value);
    true
}

/// Replaces the href of the page's own `<link rel="canonical">`, if it has one.
fn replace_canonical(page: &mut Vec<u8>, value: &[u8]) -> bool {
    let Some(at) = find(page, b"\"canonical\"", 0) else {
        return false;
    };
    let Some(open) = page[..at].iter().rposition(|&b| b == b'<') else {
        return false;
    };
    let Some(close) = page[at..].iter().position(|&b| b == b'>').map(|i| at + i) else {
        return false;
    };
    let Some(href) = find(&page[..close], b"href=\"", open) else {
        return false;
    };
    let start = href + 6;
    let Some(len) = page[start..close].iter().position(|&b| b == b'"') else {
        return false;
    };
    page.splice(start - 1..start + len + 1, quoted(value));
    true
}

/// Replaces the string value of a JSON key written in the page (`"datePublished": "…"`).
fn replace_json_value(page: &mut Vec<u8>, key: &[u8], value: &str) -> bool {
    let mut needle = vec![b'"'];
    needle.extend_from_slice(key);
    needle.push(b'"');
    let Some(k) = find(page, &needle, 0) else {
        return false;
    };
    let mut i = k + needle.len();
    while page
        .get(i)
        .is_some_and(|b| b.is_ascii_whitespace() || *b == b':')
    {
        i += 1;
    }
    if page.get(i) != Some(&b'"') {
        return false;
    }
    let start = i + 1;
    let mut end = start;
    while let Some(&b) = page.get(end) {
        match b {
            b'\\' => end += 2,
            b'"' => break,
            _ => end += 1,
        }
    }
    let end = end.min(page.len());
    let v = serde_json::Value::String(value.to_string()).to_string();
    page.splice(start - 1..(end + 1).min(page.len()), v.into_bytes());
    true
}

/// Start offsets of the page's start tags (`<` then a letter).
fn tag_starts(page: &[u8]) -> Vec<usize> {
    page.windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] == b'<' && w[1].is_ascii_alphabetic())
        .map(|(i, _)| i)
        .collect()
}

/// Applies one random mutation; returns what it did, for the report.
fn mutate_once(m: &mut Mutator, page: &mut Vec<u8>) -> String {
    match m.rng.u8(..13) {
        0 => {
            let key = *m.pick(DATE_METAS);
            let attr = *m.pick(&["property", "name", "itemprop"]);
            let v = m.odd_date();
            let tag = format!("<meta {attr}=\"{key}\" content=\"{}\">", v.replace('"', ""));
            insert(page, head_at(page), tag.as_bytes());
            format!("meta {key}={v:?}")
        }
        1 => {
            let key = *m.pick(OTHER_METAS);
            let v = match key {
                "author" | "article:author" | "dc.creator" | "parsely-author" => m.name(),
                "og:title" | "twitter:title" => m.title(),
                "og:url" | "og:image" => m.url(),
                _ => {
                    let w = *m.pick(WORDS);
                    m.odd(w)
                }
            };
            let tag = format!(
                "<meta property=\"{key}\" content=\"{}\">",
                v.replace('"', "")
            );
            insert(page, head_at(page), tag.as_bytes());
            format!("meta {key}={v:?}")
        }
        2 => {
            // Bend an existing content="…" value (a real date, title or URL) in place.
            let nth = m.rng.usize(..1000);
            let spots = find(page, b"content=\"", 0).is_some();
            if !spots {
                return "content= (none)".into();
            }
            let v = m.odd_date();
            replace_attr(page, b"content", nth, v.as_bytes());
            format!("content[{nth}]={v:?}")
        }
        3 => {
            let ld = m.json_ld();
            insert(page, head_at(page), ld.as_bytes());
            let short: String = ld.chars().take(240).collect();
            format!("json-ld {short}")
        }
        4 => {
            let key = *m.pick::<&[u8]>(&[
                &b"datePublished"[..],
                b"dateModified",
                b"dateCreated",
                b"headline",
                b"name",
            ]);
            let v = m.odd_date();
            let done = replace_json_value(page, key, &v);
            format!(
                "json {}={v:?} ({})",
                String::from_utf8_lossy(key),
                if done { "replaced" } else { "absent" }
            )
        }
        5 => {
            let u = m.url();
            if !(m.chance(50) && replace_canonical(page, u.as_bytes())) {
                let tag = format!("<link rel=\"canonical\" href=\"{}\">", u.replace('"', ""));
                insert(page, head_at(page), tag.as_bytes());
            }
            format!("canonical {u:?}")
        }
        6 => {
            let d = m.odd_date();
            let tag = format!(
                "<time datetime=\"{}\">{}</time>",
                d.replace('"', ""),
                m.date()
            );
            let at = if m.chance(70) {
                after_h1(page)
            } else {
                after_open(page, b"<header").unwrap_or(0)
            };
            insert(page, at, tag.as_bytes());
            format!("time {d:?}")
        }
        7 => {
            let lang = *m.pick(&["en", "de-DE", "pt_BR", "zh-Hant-TW"]);
            let lang = m.odd(lang).replace('"', "");
            match find(page, b"<html", 0) {
                Some(at) => insert(page, at + 5, format!(" lang=\"{lang}\"").as_bytes()),
                None => insert(page, 0, format!("<html lang=\"{lang}\">").as_bytes()),
            }
            format!("lang {lang:?}")
        }
        8 => {
            let class = *m.pick(&[
                "byline",
                "author",
                "author-name",
                "post-byline vcard",
                "BYLINE",
            ]);
            let tag = *m.pick(&["span", "div", "p", "a"]);
            let n = m.name();
            let html = format!("<{tag} class=\"{class}\">{}</{tag}>", n.replace('<', ""));
            insert(page, after_h1(page), html.as_bytes());
            format!("byline {class}: {n:?}")
        }
        9 => {
            let t = m.title();
            insert(
                page,
                head_at(page),
                format!("<title>{}</title>", t.replace('<', "")).as_bytes(),
            );
            if m.chance(50) {
                insert(
                    page,
                    after_h1(page),
                    format!("<h1>{}</h1>", m.odd("Ein Überblick")).as_bytes(),
                );
            }
            format!("title {t:?}")
        }
        10 => {
            let a = format!(
                "<a rel=\"author\" href=\"/author\">{}</a>",
                m.name().replace('<', "")
            );
            insert(page, after_h1(page), a.as_bytes());
            "rel=author".into()
        }
        _ => {
            // Attributes on random elements: first, so they win over the element's own.
            let starts = tag_starts(page);
            if starts.is_empty() {
                return "attrs (no tags)".into();
            }
            let n = m.rng.usize(1..=12);
            let mut picks: Vec<usize> = (0..n).map(|_| *m.pick(&starts)).collect();
            picks.sort_unstable();
            picks.dedup();
            let name = *m.pick(ATTRS);
            // From the end, so earlier offsets stay valid.
            for &start in picks.iter().rev() {
                let end = page[start + 1..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric() && *b != b'-')
                    .map_or(page.len(), |p| start + 1 + p);
                let mut attr = format!(" {name}=").into_bytes();
                let value = m.attr_value();
                attr.extend(quoted(&value));
                insert(page, end, &attr);
            }
            format!("{name}= on {} elements", picks.len())
        }
    }
}

pub fn seed() -> u64 {
    std::env::var("GLEANER_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED)
}

/// One mutated copy of a page: its bytes, the URL hint, and what was done.
pub struct Mutant {
    pub html: Vec<u8>,
    pub url: Option<String>,
    pub done: Vec<String>,
}

pub fn mutant(page: &Page, html: &[u8], variant: u64) -> Mutant {
    // Seeded by the page's name and the variant, not by run order: rayon may take the
    // pages in any order and the run stays reproducible.
    let mut h: u64 = seed() ^ variant.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for b in page.name().bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3);
    }
    let mut rng = fastrand::Rng::with_seed(h);
    let mut m = Mutator { rng: &mut rng };
    let mut html = html.to_vec();
    let n = m.rng.usize(2..=8);
    let done = (0..n).map(|_| mutate_once(&mut m, &mut html)).collect();
    let url = if m.chance(60) { Some(m.url()) } else { None };
    Mutant { html, url, done }
}
