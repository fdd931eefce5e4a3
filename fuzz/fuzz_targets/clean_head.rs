//! Real pages with their head and attributes rewritten: JSON-LD (nested objects, arrays,
//! `@graph`, dates/authors/headlines as any string or number), `<meta>` dates, authors
//! and `og:*`, `<link rel=canonical>` (non-ASCII paths, /YYYY/MM/DD-like segments),
//! `<time datetime>` near the headline, `<html lang>`, bylines, and any attribute of any
//! element; cleaned with a URL and a Content-Type from the input. This reaches the
//! metadata code (dates, authors, titles, canonical URL) that a byte-level fuzzer
//! almost never does, since it needs well-formed markup around odd values.
//!
//! The cleaner must return, never panic. The mutations are in `common::head`, the page
//! they rewrite in `common::page`.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use common::head::Mutation;
use common::page::{apply, Page};
use common::Href;
use gleaner_clean::{CleanConfig, Cleaner, Hints};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Seed pages: small ones (a minimal article, a bare paragraph, the charset traps),
/// fast to clean so that most executions go to the metadata paths rather than to
/// parsing 100 kB, picked half the time; and real pages of different types (with and
/// without JSON-LD, `<time>` and article metadata).
const SMALL: &[&[u8]] = &[
    MINIMAL,
    MINIMAL,
    BARE,
    include_bytes!("../../tests/fixtures/charset/windows-1251-meta.html"),
    include_bytes!("../../tests/fixtures/charset/utf-8-bom.html"),
    include_bytes!("../../tests/fixtures/charset/shift_jis-header-only.html"),
    include_bytes!("../../tests/fixtures/charset/latin-1-labelled-utf-8.html"),
];

const REAL: &[&[u8]] = &[
    include_bytes!("../../tests/fixtures/wcxb/0001.html"),
    include_bytes!("../../tests/fixtures/wcxb/0015.html"),
    include_bytes!("../../tests/fixtures/wcxb/0023.html"),
    include_bytes!("../../tests/fixtures/wcxb/0063.html"),
    include_bytes!("../../tests/fixtures/wcxb/0259.html"),
    include_bytes!("../../tests/fixtures/wcxb/0499.html"),
    include_bytes!("../../tests/fixtures/wcxb/2900.html"),
];

const MINIMAL: &[u8] = b"<!doctype html><html><head><title>A headline | Example</title></head>\
<body><header><nav><a href=\"/\">Home</a></nav></header><article><h1>A headline</h1>\
<p>The first paragraph of the article holds enough words to be prose, and the cleaner keeps it \
as the main content of the page, with the second one after it.</p>\
<p>The second paragraph is here too, so that the article is long enough to be chosen over the \
navigation and the footer of the page.</p></article><footer>Footer</footer></body></html>";

/// No head, no body: where the insertions fall back to the start and the end.
const BARE: &[u8] = b"<p>Just a paragraph of text, without any head or body element around it, \
long enough to be kept by the cleaner as prose.</p>";

#[derive(Arbitrary, Debug)]
struct Input {
    page: u8,
    cleaner: u8,
    url: Option<Href>,
    content_type: Option<ContentType>,
    mutations: Vec<Mutation>,
}

#[derive(Arbitrary, Debug)]
enum ContentType {
    Html,
    HtmlCharset(Charset),
    Xhtml,
    Plain,
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum Charset {
    Utf8,
    Latin1,
    ShiftJis,
    Windows1251,
    Utf16,
    Bogus,
}

fn cleaners() -> &'static [Cleaner; 3] {
    static CLEANERS: OnceLock<[Cleaner; 3]> = OnceLock::new();
    CLEANERS.get_or_init(|| {
        let default = Cleaner::new(&CleanConfig::default()).expect("default cleaner");
        // Comments kept apart, and per-host selectors (they apply when the URL's host is
        // example.org, which the URL generator often picks).
        let mut cfg = CleanConfig::default();
        cfg.html.comments = true;
        cfg.html.drop_selectors = BTreeMap::from([(
            "example.org".to_string(),
            vec![".byline".to_string(), "footer time".to_string()],
        )]);
        cfg.html.keep_selectors =
            BTreeMap::from([("example.org".to_string(), vec!["article".to_string()])]);
        let comments = Cleaner::new(&cfg).expect("comments cleaner");
        // No built-in rules or furniture words: other paths through the extractor.
        let mut cfg = CleanConfig::default();
        cfg.builtin_rules = false;
        cfg.html.builtin_furniture = false;
        let bare = Cleaner::new(&cfg).expect("bare cleaner");
        [default, comments, bare]
    })
}

fuzz_target!(|input: Input| {
    let n = usize::from(input.page >> 1);
    let seed = if input.page & 1 == 0 {
        SMALL[n % SMALL.len()]
    } else {
        REAL[n % REAL.len()]
    };
    let mut page = Page(seed.to_vec());
    for m in input.mutations.iter().take(24) {
        apply(&mut page, m);
    }
    let url = input.url.as_ref().map(Href::render);
    let content_type = input.content_type.as_ref().map(|ct| match ct {
        ContentType::Html => "text/html".to_string(),
        ContentType::HtmlCharset(c) => format!(
            "text/html; charset={}",
            match c {
                Charset::Utf8 => "utf-8",
                Charset::Latin1 => "iso-8859-1",
                Charset::ShiftJis => "Shift_JIS",
                Charset::Windows1251 => "windows-1251",
                Charset::Utf16 => "utf-16",
                Charset::Bogus => "x-bogus",
            }
        ),
        ContentType::Xhtml => "application/xhtml+xml".to_string(),
        ContentType::Plain => "text/plain".to_string(),
        ContentType::Raw(s) => s.clone(),
    });
    let mut hints = Hints::default();
    if let Some(u) = &url {
        hints = hints.with_url(u);
    }
    if let Some(ct) = &content_type {
        hints = hints.with_content_type(ct);
    }
    let cleaner = &cleaners()[usize::from(input.cleaner) % 3];
    if common::debug() {
        eprintln!(
            "---- url {url:?}, content type {content_type:?}, cleaner {}, page:\n{}",
            input.cleaner % 3,
            String::from_utf8_lossy(&page.0)
        );
    }
    let result = cleaner.clean(&page.0, &hints);
    if common::debug() {
        if let Ok(doc) = &result {
            eprintln!("---- metadata: {:?}", doc.metadata);
        }
    }
});
