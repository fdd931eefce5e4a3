//! Every development-set page (both sets), cleaned after random mutations of its head
//! and attributes: injected and altered `<meta>` dates, JSON-LD (dates, authors,
//! headlines, `@graph`s), canonical links, `<time>` elements, `<html lang>`, bylines,
//! titles, and class/id/style/href values holding multi-byte characters at awkward byte
//! offsets, invisible and combining characters, and bytes that are not UTF-8; the page
//! URL given as a hint is mutated likewise. What metadata extraction and the
//! extractor's attribute handling meet on the web, at scale, on every CI run.
//!
//! No page may panic or take longer than [`HANG`]. Panics are caught per page and
//! reported together, grouped by where they happened, so one run shows a whole class
//! of bug; each failing input is written to `$CARGO_TARGET_TMPDIR/mutations/` to be
//! replayed. The mutations are drawn from a seeded RNG (`GLEANER_MUTATION_SEED`
//! overrides the seed, `GLEANER_MUTATION_VARIANTS` the number of mutated copies per
//! page), so a run is reproducible.

use crate::devset::{clean_caught, pages, run_watched, Outcome, Page, HANG};
use gleaner::{Cleaner, Hints};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::PathBuf;

/// Mutated copies of each page: 5,961 cleans of real pages, about 75 s of CPU in
/// release mode (40 s on two idle cores), finding each class of slicing bug on dozens
/// of pages.
const VARIANTS: u64 = 3;

const SEED: u64 = 0x0067_6c65_616e_6572; // "gleaner"

/// Characters that trip byte arithmetic: 2-, 3- and 4-byte UTF-8, combining, invisible,
/// whitespace only Unicode knows, case mappings that change length.
const ODD: &[char] = &[
    'é', '€', '𝄞', '한', 'ß', 'İ', '\u{212A}', '\u{301}', '\u{200B}', '\u{200D}', '\u{FEFF}',
    '\u{A0}', '\u{2028}', '\u{3000}', '\u{202E}', '２', '\u{FFFD}', '😀',
];

/// Multi-byte characters only (what makes a byte offset fall inside a character).
const WIDE: &[char] = &[
    'é', '€', '𝄞', '한', 'ß', 'İ', '２', '😀', '\u{A0}', '\u{3000}',
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const DATE_METAS: &[&str] = &[
    "article:published_time",
    "article:modified_time",
    "og:published_time",
    "og:updated_time",
    "date",
    "pubdate",
    "publish-date",
    "dc.date",
    "DC.date.issued",
    "datePublished",
    "dateModified",
    "last-modified",
    "parsely-pub-date",
    "sailthru.date",
];

const OTHER_METAS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "parsely-author",
    "og:title",
    "twitter:title",
    "og:site_name",
    "og:url",
    "og:description",
    "description",
    "og:image",
    "og:locale",
    "article:tag",
    "content-language",
];

const LD_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "BlogPosting",
    "WebPage",
    "WebSite",
    "Report",
    "Product",
    "QAPage",
    "Recipe",
    "Review",
    "Person",
];

const ATTRS: &[&str] = &[
    "class",
    "class",
    "class",
    "id",
    "id",
    "style",
    "href",
    "lang",
    "rel",
    "itemprop",
    "role",
    "aria-label",
    "datetime",
    "content",
    "src",
];

/// Class and id words the extractor and the metadata code look for, to be bent.
const WORDS: &[&str] = &[
    "author",
    "author-name",
    "byline",
    "post-byline",
    "content",
    "article",
    "main",
    "entry",
    "comment",
    "comments",
    "share",
    "related",
    "sidebar",
    "nav",
    "footer",
    "cookie",
    "ad",
    "promo",
    "date",
    "time",
];

struct Mutator<'a> {
    rng: &'a mut fastrand::Rng,
}

impl Mutator<'_> {
    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(..100) < percent
    }

    /// `s` with an odd character inserted at byte offset `at` (or the char boundary
    /// before it), once or a few times.
    fn splice_at(&mut self, s: &str, at: usize, c: char) -> String {
        let mut at = at.min(s.len());
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        let mut out = s.to_string();
        for _ in 0..self.rng.usize(1..=2) {
            out.insert(at, c);
        }
        out
    }

    /// `s` with an odd character at an awkward place: one of the offsets code slicing
    /// dates looks at (2, 4, 7, 8, 9, 10, 11), the very start or end, or anywhere.
    fn odd(&mut self, s: &str) -> String {
        let at = match self.rng.u8(..6) {
            0..=2 => *self.pick(&[2, 4, 7, 8, 9, 10, 11, 19]),
            3 => 0,
            4 => s.len(),
            _ => self.rng.usize(..=s.len()),
        };
        let c = if self.chance(70) {
            *self.pick(WIDE)
        } else {
            *self.pick(ODD)
        };
        self.splice_at(s, at, c)
    }

    fn date(&mut self) -> String {
        let (y, m, d) = (
            self.rng.u32(1990..2031),
            self.rng.u32(1..13),
            self.rng.u32(1..29),
        );
        let (h, mi) = (self.rng.u32(..24), self.rng.u32(..60));
        let month = MONTHS[m as usize - 1];
        match self.rng.u8(..10) {
            0 => format!("{y:04}-{m:02}-{d:02}"),
            1 => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:00+01:00"),
            2 => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:00.000Z"),
            3 => format!("{y:04}/{m:02}/{d:02}"),
            4 => format!("{month} {d}, {y}"),
            5 => format!("{d} {} {y}", &month[..3]),
            6 => format!("{d:02}.{m:02}.{y:04}"),
            7 => format!("{m:02}/{d:02}/{y:04}"),
            8 => format!("{y:04}{m:02}{d:02}"),
            _ => format!("Tue, {d:02} {} {y} {h:02}:{mi:02}:00 GMT", &month[..3]),
        }
    }

    /// A date, usually bent.
    fn odd_date(&mut self) -> String {
        let d = self.date();
        if self.chance(85) {
            self.odd(&d)
        } else {
            d
        }
    }

    fn name(&mut self) -> String {
        let n = *self.pick(&[
            "Jane Doe",
            "Zoë Ångström",
            "山田太郎",
            "محمد علي",
            "José María Núñez-Sánchez",
            "By Jane Doe",
            "BY İSMAİL KILIÇ",
        ]);
        if self.chance(60) {
            self.odd(n)
        } else {
            n.to_string()
        }
    }

    fn title(&mut self) -> String {
        let sep = *self.pick(&[" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » "]);
        let site = *self.pick(&["Example", "Exämple Nëws", "例え", "Site"]);
        let t = format!("Ein Überblick über 𝄞 Musik{sep}{site}");
        if self.chance(50) {
            self.odd(&t)
        } else {
            t
        }
    }

    /// A URL path segment: dates and short segments where one character straddles
    /// byte 2 (`/2024/03/5é/`), raw non-ASCII, percent-escapes.
    fn segment(&mut self) -> String {
        match self.rng.u8(..8) {
            0 => format!("{}", self.rng.u32(1990..2031)),
            1 => format!("{:02}", self.rng.u32(1..13)),
            2 => format!("{}{}", self.rng.u32(..10), self.pick(WIDE)),
            3 => self.pick(WIDE).to_string(),
            4 => format!("{:02}-straße-ñ", self.rng.u32(1..29)),
            5 => "%E2%82%AC%C3".to_string(),
            6 => self.odd("slug-of-the-article"),
            _ => String::new(),
        }
    }

    fn url(&mut self) -> String {
        let host = *self.pick(&[
            "https://example.org",
            "http://www.exämple.de",
            "https://xn--bcher-kva.de",
            "//cdn.example.org",
            "",
        ]);
        let mut u = host.to_string();
        for _ in 0..self.rng.usize(1..6) {
            u.push('/');
            u.push_str(&self.segment());
        }
        if self.chance(30) {
            u.push_str("?utm_source=x&ä=ö");
        }
        u
    }

    /// A value for any attribute: words the code looks for, bent, and bytes that are
    /// not UTF-8 at all.
    fn attr_value(&mut self) -> Vec<u8> {
        let base = match self.rng.u8(..5) {
            0 => self.pick(WORDS).to_string(),
            1 => format!("{} {}", self.pick(WORDS), self.pick(WORDS)),
            2 => self.url(),
            3 => "color: red; font-family: \"Noto\"".to_string(),
            _ => self.odd_date(),
        };
        let mut v = self.odd(&base).into_bytes();
        if self.chance(15) {
            // A lone lead byte, a stray continuation byte, or 0xFF: not UTF-8.
            let bad = *self.pick::<&[u8]>(&[&[0xC3][..], &[0x80], &[0xFF], &[0xE2, 0x82]]);
            let at = self.rng.usize(..=v.len());
            v.splice(at..at, bad.iter().copied());
        }
        if self.chance(5) {
            v = v.repeat(200);
        }
        v
    }

    fn json_string(&mut self, s: &str) -> String {
        serde_json::Value::String(s.to_string())
            .to_string()
            .replace("</", "<\\/")
    }

    fn json_ld(&mut self) -> String {
        let mut fields = Vec::new();
        fields.push(format!("\"@type\": \"{}\"", self.pick(LD_TYPES)));
        if self.chance(80) {
            let d = self.odd_date();
            fields.push(format!("\"datePublished\": {}", self.json_string(&d)));
        }
        if self.chance(50) {
            let d = self.odd_date();
            fields.push(format!("\"dateModified\": {}", self.json_string(&d)));
        }
        if self.chance(30) {
            fields.push(format!(
                "\"dateCreated\": {}",
                self.pick(&["null", "20240305", "1.5e300", "[]", "{}"])
            ));
        }
        if self.chance(70) {
            let n = self.name();
            let n = self.json_string(&n);
            let author = match self.rng.u8(..4) {
                0 => n,
                1 => format!("{{\"@type\": \"Person\", \"name\": {n}}}"),
                2 => format!("[{{\"name\": {n}}}, {n}, null, 7]"),
                _ => format!("{{\"name\": {{\"name\": [{n}]}}}}"),
            };
            fields.push(format!("\"author\": {author}"));
        }
        if self.chance(60) {
            let t = self.title();
            fields.push(format!("\"headline\": {}", self.json_string(&t)));
        }
        if self.chance(30) {
            let k = self.odd("news, politik, ürün");
            fields.push(format!("\"keywords\": {}", self.json_string(&k)));
        }
        if self.chance(20) {
            let u = self.url();
            fields.push(format!("\"image\": {{\"url\": {}}}", self.json_string(&u)));
        }
        let obj = format!("{{{}}}", fields.join(", "));
        let json = match self.rng.u8(..4) {
            0 => obj,
            1 => format!("[{obj}, {{\"@type\": \"WebSite\", \"name\": \"Ex€mple\"}}]"),
            2 => format!(
                "{{\"@context\": \"https://schema.org\", \"@graph\": [{{\"@type\": \"Organization\"}}, {obj}]}}"
            ),
            _ => format!("{{\"@graph\": [{{\"@graph\": [{obj}]}}]}}"),
        };
        format!("<script type=\"application/ld+json\">{json}</script>")
    }
}

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

fn seed() -> u64 {
    std::env::var("GLEANER_MUTATION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED)
}

fn variants() -> u64 {
    std::env::var("GLEANER_MUTATION_VARIANTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(VARIANTS)
}

/// One mutated copy of a page: its bytes, the URL hint, and what was done.
struct Mutant {
    html: Vec<u8>,
    url: Option<String>,
    done: Vec<String>,
}

fn mutant(page: &Page, html: &[u8], variant: u64) -> Mutant {
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

struct Failure {
    page: String,
    variant: u64,
    /// `file:line:col: message`, or why it counts as a hang.
    what: String,
    /// Where `what` happened: the panic location, or "hang".
    site: String,
    input: PathBuf,
    url: Option<String>,
    done: Vec<String>,
}

fn failure_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("mutations");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

#[test]
fn mutated_dev_pages_clean_without_panic_in_bounded_time() {
    let Some(pages) = pages("mutations") else {
        return;
    };
    let cleaner = Cleaner::new(&Default::default()).unwrap();
    let (seed, variants) = (seed(), variants());
    let results = run_watched(&pages, Page::name, |page| {
        let html = page.html();
        let mut failures = Vec::new();
        for variant in 0..variants {
            let mt = mutant(page, &html, variant);
            let mut hints = Hints::default();
            if let Some(u) = &mt.url {
                hints = hints.with_url(u);
            }
            let (what, site) = match clean_caught(&cleaner, &mt.html, &hints) {
                Outcome::Panicked(p) => {
                    // `file:line:col: message`: the site is the location.
                    let site = p.split(": ").next().unwrap_or_default().to_string();
                    (format!("panicked at {p}"), site)
                }
                Outcome::Cleaned { took, .. } | Outcome::Failed(_, took) if took >= HANG => {
                    (format!("took {took:?}"), "hang".to_string())
                }
                // A typed error (the mutations can make a page look binary) is an
                // answer, not a crash.
                Outcome::Cleaned { .. } | Outcome::Failed(..) => continue,
            };
            let name = page.name().replace('/', "-");
            let input = failure_dir().join(format!("{name}-v{variant}.html"));
            let _ = std::fs::write(&input, &mt.html);
            failures.push(Failure {
                page: page.name(),
                variant,
                what,
                site,
                input,
                url: mt.url,
                done: mt.done,
            });
        }
        failures
    });
    let failures: Vec<Failure> = results.into_iter().flatten().collect();
    let cleaned = pages.len() as u64 * variants;
    eprintln!(
        "mutations: {cleaned} mutated pages ({} pages x {variants}, seed {seed}), {} failed",
        pages.len(),
        failures.len()
    );
    if failures.is_empty() {
        return;
    }
    let mut by_site: BTreeMap<&str, Vec<&Failure>> = BTreeMap::new();
    for f in &failures {
        by_site.entry(&f.site).or_default().push(f);
    }
    let mut report = format!(
        "{} of {cleaned} mutated dev pages failed (seed {seed}), at {} distinct places:\n",
        failures.len(),
        by_site.len()
    );
    for (site, fs) in &by_site {
        let _ = writeln!(
            report,
            "  {site}: {} pages, e.g. {} v{}: {}",
            fs.len(),
            fs[0].page,
            fs[0].variant,
            fs[0].what
        );
    }
    let _ = writeln!(
        report,
        "\nEvery failure (the mutated page is saved at the path given; replay it with the URL shown):"
    );
    for f in &failures {
        let _ = writeln!(
            report,
            "  {} v{} [url {:?}] {}\n      input {}\n      mutations: {}",
            f.page,
            f.variant,
            f.url,
            f.what,
            f.input.display(),
            f.done.join("; ")
        );
    }
    panic!("{report}");
}
