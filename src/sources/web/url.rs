//! URL identity and scope: one spelling per page, and which URLs a site may request.

use super::config::SiteConfig;
use regex::RegexSet;
use std::collections::HashSet;
use url::Url;

/// Parses `raw` (relative to `base` when given) into the URL gleaner uses as the page's
/// identity, or None when it is not an http(s) URL worth requesting (mailto:, tel:,
/// javascript:, data:, or unparsable).
///
/// Normal form: scheme and host lowercased (the url crate does this), default ports
/// dropped (likewise), the fragment dropped, tracking parameters (`utm_*`, `fbclid` and
/// the configured ones) removed, and an empty query removed. The rest of the query is
/// kept byte for byte, in order: `?a` stays `?a`, `/ , ; :` stay unencoded, so the URL
/// stored is the one the server wrote (some servers tell `%2C` from `,`).
pub fn normalise(raw: &str, base: Option<&Url>, tracking: &[String]) -> Option<Url> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let mut url = match base {
        Some(b) => b.join(raw).ok()?,
        None => Url::parse(raw).ok()?,
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    if let Some(query) = url.query() {
        let pairs: Vec<&str> = query.split('&').collect();
        let kept: Vec<&str> = pairs
            .iter()
            .copied()
            .filter(|pair| !pair_is_tracking(pair, tracking))
            .collect();
        if kept.iter().all(|p| p.is_empty()) {
            url.set_query(None);
        } else if kept.len() < pairs.len() {
            // The pieces were serialised by the URL parser already, so setting them
            // again encodes nothing.
            let query = kept.join("&");
            url.set_query(Some(&query));
        }
    }
    Some(url)
}

/// Whether one `key=value` piece of a query is a tracking parameter, its key compared
/// decoded (`utm%5Fsource` is `utm_source`).
fn pair_is_tracking(pair: &str, extra: &[String]) -> bool {
    url::form_urlencoded::parse(pair.as_bytes())
        .next()
        .is_some_and(|(k, _)| is_tracking(&k, extra))
}

/// File extensions of what is never a page: images, media, documents, archives, code.
/// A link to one is not queued (its answer would not be cleaned anyway).
const RESOURCE_EXTENSIONS: &[&str] = &[
    "7z", "apk", "avi", "avif", "bin", "bmp", "bz2", "css", "csv", "dmg", "doc", "docx", "eot",
    "epub", "exe", "flac", "flv", "gif", "gz", "heic", "ico", "iso", "jar", "jpeg", "jpg", "js",
    "m4a", "m4v", "mkv", "mov", "mp3", "mp4", "mpeg", "mpg", "msi", "odp", "ods", "odt", "ogg",
    "otf", "pdf", "png", "ppt", "pptx", "psd", "rar", "rss", "svg", "swf", "tar", "tgz", "tif",
    "tiff", "ttf", "wav", "webm", "webp", "wmv", "woff", "woff2", "xls", "xlsx", "xz", "zip",
    "zst",
];

/// Whether a URL's path ends in the extension of an image, a document, an archive...
pub fn is_resource(url: &str) -> bool {
    let Ok(u) = Url::parse(url) else {
        return false;
    };
    let last = u.path().rsplit('/').next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => RESOURCE_EXTENSIONS
            .iter()
            .any(|r| r.eq_ignore_ascii_case(ext)),
        _ => false,
    }
}

fn is_tracking(key: &str, extra: &[String]) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_") || k == "fbclid" || extra.iter().any(|e| e.eq_ignore_ascii_case(&k))
}

/// The lowercase host of a URL, the key for robots.txt and politeness.
pub fn host_key(url: &Url) -> String {
    match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    }
}

/// Which URLs one site may request: its hosts, narrowed by include and widened by
/// nothing else; exclude always wins.
#[derive(Debug, Clone)]
pub struct Scope {
    hosts: HashSet<String>,
    include: Option<RegexSet>,
    exclude: RegexSet,
}

impl Scope {
    /// The site's hosts are those of its seeds, sitemaps and feeds plus `hosts`. The
    /// patterns were checked when the config was loaded.
    pub fn new(site: &SiteConfig) -> Result<Scope, regex::Error> {
        let mut hosts: HashSet<String> =
            site.hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
        for u in site.seeds.iter().chain(&site.sitemaps).chain(&site.feeds) {
            if let Ok(url) = Url::parse(u) {
                hosts.insert(host_key(&url));
            }
        }
        Ok(Scope {
            hosts,
            include: if site.include.is_empty() {
                None
            } else {
                Some(RegexSet::new(&site.include)?)
            },
            exclude: RegexSet::new(&site.exclude)?,
        })
    }

    /// On one of the site's hosts at all (sitemaps, feeds and robots.txt need no more).
    pub fn has_host(&self, url: &Url) -> bool {
        self.hosts.contains(&host_key(url))
    }

    /// A page this site may request.
    pub fn allows(&self, url: &Url) -> bool {
        self.has_host(url)
            && !self.exclude.is_match(url.as_str())
            && self
                .include
                .as_ref()
                .is_none_or(|i| i.is_match(url.as_str()))
    }
}

#[cfg(test)]
#[allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Option<String> {
        normalise(s, None, &["ref".to_string()]).map(String::from)
    }

    #[test]
    fn normal_form() {
        assert_eq!(
            norm("HTTP://Example.COM:80/a/b?utm_source=x&id=3&fbclid=y&REF=z#top").as_deref(),
            Some("http://example.com/a/b?id=3")
        );
        assert_eq!(
            norm("https://example.com:443/?utm_medium=m").as_deref(),
            Some("https://example.com/")
        );
        assert_eq!(
            norm("https://example.com:8443/x").as_deref(),
            Some("https://example.com:8443/x")
        );
    }

    /// Only tracking parameters go; the rest of the query is the server's, unencoded.
    #[test]
    fn the_query_is_kept_as_written() {
        for (raw, want) in [
            ("http://h.org/p?a", "http://h.org/p?a"),
            ("http://h.org/p?a&utm_source=x", "http://h.org/p?a"),
            (
                "http://h.org/p?x=1,2;3:4/5&fbclid=z",
                "http://h.org/p?x=1,2;3:4/5",
            ),
            (
                "http://h.org/p?q=a+b&utm%5Fmedium=m&z=%2C",
                "http://h.org/p?q=a+b&z=%2C",
            ),
            ("http://h.org/p?utm_source=x", "http://h.org/p"),
            ("http://h.org/p?", "http://h.org/p"),
            ("http://h.org/p?b=2&a=1", "http://h.org/p?b=2&a=1"),
        ] {
            assert_eq!(norm(raw).as_deref(), Some(want), "{raw}");
        }
    }

    #[test]
    fn resources_are_told_by_their_extension() {
        for (url, resource) in [
            ("http://h.org/a/photo.JPG", true),
            ("http://h.org/report.pdf?dl=1", true),
            ("http://h.org/a/b.tar.gz", true),
            ("http://h.org/a/page.html", false),
            ("http://h.org/a/", false),
            ("http://h.org/v1.2/notes", false),
            ("http://h.org/.zip", false),
        ] {
            assert_eq!(is_resource(url), resource, "{url}");
        }
    }

    #[test]
    fn only_http_is_followed() {
        for bad in [
            "mailto:a@b.c",
            "tel:+123",
            "javascript:void(0)",
            "data:text/html,x",
            "ftp://h/x",
            "",
            "http://",
        ] {
            assert_eq!(norm(bad), None, "{bad}");
        }
    }

    #[test]
    fn relative_links_resolve_against_the_base() {
        let base = Url::parse("http://h.org/dir/page.html").unwrap();
        let got = normalise("../other?utm_campaign=c#x", Some(&base), &[]).unwrap();
        assert_eq!(got.as_str(), "http://h.org/other");
    }

    proptest::proptest! {
        /// The normal form is a fixed point: a URL is one frontier key however often it
        /// is normalised (stored links are normalised again on a 304).
        #[test]
        fn normalising_is_idempotent(
            path in "[a-zA-Z0-9/._~%-]{0,20}",
            query in proptest::collection::vec(("(utm_[a-z]{1,5}|fbclid|ref|[a-z]{1,4})", "[a-zA-Z0-9%+ =&]{0,6}"), 0..4),
            frag in "(#[a-z]{0,5})?",
        ) {
            let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let raw = format!("HTTP://Example.ORG:80/{path}?{}{frag}", q.join("&"));
            let tracking = ["ref".to_string()];
            if let Some(once) = normalise(&raw, None, &tracking) {
                let twice = normalise(once.as_str(), None, &tracking).expect("a normal URL stays valid");
                proptest::prop_assert_eq!(once.as_str(), twice.as_str());
                proptest::prop_assert!(once.fragment().is_none());
                for (k, _) in once.query_pairs() {
                    proptest::prop_assert!(!k.starts_with("utm_") && k != "fbclid" && k != "ref", "{}", once);
                }
            }
        }
    }

    #[test]
    fn scope_by_host_include_exclude() {
        let site: SiteConfig = toml::from_str(
            "name='s'\nseeds=['http://h.org/']\ninclude=['/blog/']\nexclude=['\\?print']\nhosts=['cdn.h.org']",
        )
        .unwrap();
        let scope = Scope::new(&site).unwrap();
        let ok = |u: &str| scope.allows(&Url::parse(u).unwrap());
        assert!(ok("http://h.org/blog/a"));
        assert!(ok("http://cdn.h.org/blog/a"));
        assert!(!ok("http://h.org/shop/a"));
        assert!(!ok("http://h.org/blog/a?print"));
        assert!(!ok("http://other.org/blog/a"));
    }
}
