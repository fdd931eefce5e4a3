//! URL normal form and scope: `normalise` on a raw URL (the input's first line, as
//! written) and on a generated one (schemes, IDN/IPv6/userinfo hosts, ports, dated and
//! non-ASCII path segments, percent-escapes, tracking and other query keys, fragments),
//! each alone and against a generated base, with a generated tracking list.
//!
//! Properties: no panic; a result is http(s) with a host and no fragment; it holds no
//! tracking parameter; it normalises to itself (with or without the base: a normal URL
//! is one frontier key however often it is normalised); and a `Scope` built from a
//! site whose seed is that URL has its host (and allows it when nothing narrows it).
#![no_main]

mod common;

use arbitrary::{Arbitrary, Unstructured};
use common::{Href, Text};
use gleaner::sources::web::{normalise, Scope, SiteConfig};
use libfuzzer_sys::fuzz_target;
use url::Url;

#[derive(Arbitrary, Debug)]
struct Extra {
    url: Href,
    base: Option<Href>,
    tracking: Vec<Tracking>,
    hosts: Vec<Text>,
    include: Vec<Pattern>,
    exclude: Vec<Pattern>,
}

#[derive(Arbitrary, Debug)]
enum Tracking {
    Gclid,
    Ref,
    Upper,
    UtmLike,
    Empty,
    Text(Text),
}

#[derive(Arbitrary, Debug)]
enum Pattern {
    Blog,
    Anchored,
    Query,
    NonAscii,
    Text(Text),
}

impl Pattern {
    fn render(&self) -> String {
        match self {
            Pattern::Blog => "/blog/".into(),
            Pattern::Anchored => "^https?://(www\\.)?example\\.org/".into(),
            Pattern::Query => "\\?(print|replytocom)=".into(),
            Pattern::NonAscii => "b%C3%BCcher|bücher|xn--".into(),
            Pattern::Text(t) => t.render(),
        }
    }
}

fn is_tracking(key: &str, extra: &[String]) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_") || k == "fbclid" || extra.iter().any(|e| e.eq_ignore_ascii_case(&k))
}

fn check(raw: &str, base: Option<&Url>, tracking: &[String], extra: &Extra) {
    let Some(once) = normalise(raw, base, tracking) else {
        return;
    };
    assert!(
        matches!(once.scheme(), "http" | "https"),
        "{raw:?} -> {once}: not http(s)"
    );
    assert!(
        once.host_str().is_some_and(|h| !h.is_empty()),
        "{raw:?} -> {once}: no host"
    );
    assert!(once.fragment().is_none(), "{raw:?} -> {once}: a fragment");
    for (k, _) in once.query_pairs() {
        assert!(
            !is_tracking(&k, tracking),
            "{raw:?} -> {once}: tracking parameter {k:?} kept"
        );
    }
    let twice = normalise(once.as_str(), None, tracking)
        .unwrap_or_else(|| panic!("{raw:?} -> {once}, which does not normalise"));
    assert_eq!(once.as_str(), twice.as_str(), "not idempotent from {raw:?}");
    if let Some(b) = base {
        let again = normalise(once.as_str(), Some(b), tracking)
            .unwrap_or_else(|| panic!("{raw:?} -> {once}, which does not normalise on {b}"));
        assert_eq!(
            once.as_str(),
            again.as_str(),
            "not idempotent against the base {b}, from {raw:?}"
        );
    }

    let site = SiteConfig {
        name: "fuzz".into(),
        seeds: vec![once.to_string()],
        sitemaps: Vec::new(),
        feeds: Vec::new(),
        discover_sitemaps: true,
        include: extra.include.iter().take(4).map(Pattern::render).collect(),
        exclude: extra.exclude.iter().take(4).map(Pattern::render).collect(),
        follow_links: true,
        max_depth: 5,
        max_pages: 10,
        delay_secs: 1.0,
        concurrency: 1,
        hosts: extra.hosts.iter().take(4).map(Text::render).collect(),
        rules: Default::default(),
        store_types: None,
    };
    if let Ok(scope) = Scope::new(&site) {
        assert!(
            scope.has_host(&once),
            "{once}: a seed's own host is out of scope"
        );
        assert!(scope.has_host(&twice));
        if site.include.is_empty() && site.exclude.is_empty() {
            assert!(
                scope.allows(&once),
                "{once}: a seed is not allowed by its own scope"
            );
        }
        if scope.allows(&once) {
            assert!(scope.allows(&twice));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The first line is a URL as a page or a config would write it; the rest drives the
    // generators.
    let (line, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let raw = String::from_utf8_lossy(line);
    let Ok(extra) = Extra::arbitrary(&mut Unstructured::new(rest)) else {
        return;
    };
    let tracking: Vec<String> = extra
        .tracking
        .iter()
        .take(8)
        .map(|t| match t {
            Tracking::Gclid => "gclid".to_string(),
            Tracking::Ref => "ref".to_string(),
            Tracking::Upper => "REF".to_string(),
            Tracking::UtmLike => "utm".to_string(),
            Tracking::Empty => String::new(),
            Tracking::Text(t) => t.render(),
        })
        .collect();
    let base = extra
        .base
        .as_ref()
        .and_then(|b| Url::parse(&b.render()).ok());
    let generated = extra.url.render();
    if common::debug() {
        eprintln!(
            "---- raw {raw:?}, generated {generated:?}, base {base:?}, tracking {tracking:?}"
        );
    }
    for raw in [raw.as_ref(), generated.as_str()] {
        check(raw, None, &tracking, &extra);
        if let Some(b) = &base {
            check(raw, Some(b), &tracking, &extra);
        }
    }
});
