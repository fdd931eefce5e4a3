//! What a fetched resource points at: the links, canonical URL and robots directives of
//! an HTML page, the URLs of a sitemap or sitemap index, the items of an RSS/Atom feed.
//!
//! Pages are scanned with html5ever's tokenizer alone: no tree is built, so this costs a
//! fraction of the cleaner's parse. URLs come back as written; the crawler resolves and
//! normalises them.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use quick_xml::events::Event;
use std::cell::RefCell;
use std::io::Read;

/// Links at most kept per page: a page with more is a listing or a trap, and the first
/// ones are the navigation that matters.
pub const MAX_LINKS: usize = 2_000;

/// What an HTML page says about links and indexing.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PageLinks {
    /// `<a href>` and `<area href>` targets, in page order, without `rel=nofollow` ones.
    pub links: Vec<String>,
    pub canonical: Option<String>,
    /// `<base href>`, against which relative links resolve.
    pub base: Option<String>,
    /// `<link rel=alternate>` RSS and Atom feeds.
    pub feeds: Vec<String>,
    /// `<meta name=robots|gleaner content=noindex>`: don't store the page.
    pub noindex: bool,
    /// `<meta name=robots content=nofollow>`: don't follow its links.
    pub nofollow: bool,
}

#[derive(Default)]
struct Sink(RefCell<PageLinks>);

fn attr<'a>(tag: &'a Tag, name: &str) -> Option<&'a str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| a.value.as_ref())
}

fn has_token(list: Option<&str>, token: &str) -> bool {
    list.is_some_and(|l| {
        l.split(|c: char| c.is_ascii_whitespace() || c == ',')
            .any(|t| t.eq_ignore_ascii_case(token))
    })
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let mut out = self.0.borrow_mut();
        match &*tag.name {
            "a" | "area" => {
                if let Some(href) = attr(&tag, "href") {
                    if out.links.len() < MAX_LINKS && !has_token(attr(&tag, "rel"), "nofollow") {
                        out.links.push(href.to_string());
                    }
                }
            }
            "link" => {
                let rel = attr(&tag, "rel");
                if let Some(href) = attr(&tag, "href") {
                    if has_token(rel, "canonical") && out.canonical.is_none() {
                        out.canonical = Some(href.to_string());
                    } else if has_token(rel, "alternate")
                        && attr(&tag, "type").is_some_and(|t| {
                            let t = t.to_ascii_lowercase();
                            t.contains("rss") || t.contains("atom")
                        })
                    {
                        out.feeds.push(href.to_string());
                    }
                }
            }
            "base" if out.base.is_none() => {
                out.base = attr(&tag, "href").map(str::to_string);
            }
            "meta" => {
                let name = attr(&tag, "name").unwrap_or("");
                if name.eq_ignore_ascii_case("robots") || name.eq_ignore_ascii_case("gleaner") {
                    let content = attr(&tag, "content");
                    out.noindex |= has_token(content, "noindex") || has_token(content, "none");
                    out.nofollow |= has_token(content, "nofollow") || has_token(content, "none");
                }
            }
            // What the tree builder would tell the tokenizer: these hold text, not tags,
            // so a `<a href>` in a script string is not a link.
            "script" => return TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                return TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => return TokenSinkResult::RawData(RawKind::Rcdata),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Scans an HTML page for links and robots directives.
pub fn page_links(html: &str) -> PageLinks {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tok = Tokenizer::new(Sink::default(), TokenizerOpts::default());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink.0.take()
}

/// Does an `X-Robots-Tag` header value forbid indexing (for us or every robot)?
pub fn header_noindex(value: &str, user_agent: &str) -> bool {
    // "googlebot: noindex" targets one robot; a bare "noindex" targets all.
    let agent = user_agent
        .split('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    value.split(',').any(|part| {
        let part = part.trim().to_ascii_lowercase();
        match part.split_once(':') {
            Some((who, what)) if !who.contains(' ') && who != "unavailable_after" => {
                who.trim() == agent && matches!(what.trim(), "noindex" | "none")
            }
            _ => matches!(part.as_str(), "noindex" | "none"),
        }
    })
}

/// What robots.txt lets us do on one host.
pub enum Robots {
    Rules(Box<texting_robots::Robot>),
    /// No usable robots.txt (4xx, or unparsable): everything is allowed.
    AllowAll,
    /// robots.txt unreachable (5xx, network): RFC 9309 says assume complete disallow.
    DisallowAll,
}

impl Robots {
    pub fn allowed(&self, url: &url::Url) -> bool {
        match self {
            Robots::Rules(r) => r.allowed(url.as_str()),
            Robots::AllowAll => true,
            Robots::DisallowAll => false,
        }
    }

    /// The `Crawl-delay` for our group, when it gives a usable one.
    pub fn crawl_delay(&self) -> Option<std::time::Duration> {
        match self {
            Robots::Rules(r) => r
                .delay
                .and_then(|d| std::time::Duration::try_from_secs_f32(d).ok()),
            _ => None,
        }
    }

    pub fn sitemaps(&self) -> &[String] {
        match self {
            Robots::Rules(r) => &r.sitemaps,
            _ => &[],
        }
    }
}

/// Parses a robots.txt body for the product token `agent` (longest-match Allow and
/// Disallow, wildcards, Crawl-delay, Sitemap lines). A file that does not parse allows
/// everything, as RFC 9309 says of an unusable one.
pub fn robots(body: &[u8], agent: &str) -> Robots {
    match texting_robots::Robot::new(agent, body) {
        Ok(r) => Robots::Rules(Box::new(r)),
        Err(_) => Robots::AllowAll,
    }
}

/// The URLs a sitemap lists.
#[derive(Debug, Default, PartialEq)]
pub struct Sitemap {
    /// `<urlset>` entries: pages.
    pub pages: Vec<String>,
    /// `<sitemapindex>` entries: more sitemaps.
    pub sitemaps: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("not a sitemap or feed: {0}")]
    Xml(String),
    #[error("cannot gunzip: {0}")]
    Gzip(String),
}

/// Sitemaps are often served gzipped as a file (`.xml.gz`, `application/gzip`), not with
/// Content-Encoding; recognise gzip by its magic bytes. The output is capped at `max`.
fn gunzip_if_needed(body: &[u8], max: u64) -> Result<Vec<u8>, DiscoverError> {
    if body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(body)
            .take(max)
            .read_to_end(&mut out)
            .map_err(|e| DiscoverError::Gzip(e.to_string()))?;
        Ok(out)
    } else {
        Ok(body.to_vec())
    }
}

/// Entries per sitemap or feed, the sitemap protocol's own limit.
const MAX_ENTRIES: usize = 50_000;

/// Parses a sitemap (`<urlset>`) or sitemap index (`<sitemapindex>`), gzipped or not.
pub fn sitemap(body: &[u8], max: u64) -> Result<Sitemap, DiscoverError> {
    let xml = gunzip_if_needed(body, max)?;
    let mut out = Sitemap::default();
    let mut index = false;
    let mut in_loc = false;
    scan_xml(&xml, |event| match event {
        XmlEvent::Start(name, _) => {
            index |= name == "sitemapindex";
            in_loc = name == "loc";
        }
        XmlEvent::End(_) => in_loc = false,
        XmlEvent::Text(t) if in_loc => {
            let list = if index {
                &mut out.sitemaps
            } else {
                &mut out.pages
            };
            if list.len() < MAX_ENTRIES {
                list.push(t.trim().to_string());
            }
        }
        XmlEvent::Text(_) => {}
    })?;
    Ok(out)
}

/// The item links of an RSS 2.0 / RSS 1.0 / Atom feed.
pub fn feed(body: &[u8], max: u64) -> Result<Vec<String>, DiscoverError> {
    let xml = gunzip_if_needed(body, max)?;
    let mut links = Vec::new();
    let mut in_item = false;
    let mut in_link = false;
    scan_xml(&xml, |event| match event {
        XmlEvent::Start(name, href) => {
            match name {
                "item" | "entry" => in_item = true,
                // Atom: <link href=".." rel="alternate"/>; rel defaults to alternate.
                "link" if in_item => match href {
                    Some((h, rel)) if rel.is_none_or(|r| r == "alternate") => {
                        if links.len() < MAX_ENTRIES {
                            links.push(h.to_string());
                        }
                    }
                    Some(_) => {}
                    None => in_link = true,
                },
                _ => {}
            }
        }
        XmlEvent::End(name) => {
            in_link = false;
            if matches!(name, "item" | "entry") {
                in_item = false;
            }
        }
        XmlEvent::Text(t) if in_link && links.len() < MAX_ENTRIES => {
            links.push(t.trim().to_string())
        }
        XmlEvent::Text(_) => {}
    })?;
    Ok(links)
}

enum XmlEvent<'a> {
    /// Local name, and for `<link>`: its href and rel attributes.
    Start(&'a str, Option<(&'a str, Option<&'a str>)>),
    End(&'a str),
    Text(&'a str),
}

/// Walks XML with namespace prefixes stripped (`<image:loc>` is not `<loc>`, so only
/// unprefixed or default-namespace names are reported), calling `f` per event. Text is
/// reported whole, entity references (`&amp;` in a URL) resolved.
fn scan_xml(xml: &[u8], mut f: impl FnMut(XmlEvent<'_>)) -> Result<(), DiscoverError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut text = String::new();
    let mut saw_element = false;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            // Keep what a truncated or sloppy file gave before the error.
            Err(_) if saw_element => break,
            Err(e) => return Err(DiscoverError::Xml(e.to_string())),
        };
        match &event {
            Event::Text(t) => {
                text.push_str(&t.xml10_content());
                continue;
            }
            Event::CData(t) => {
                text.push_str(&t.xml10_content());
                continue;
            }
            Event::GeneralRef(r) => {
                match r.resolve_char_ref() {
                    Ok(Some(c)) => text.push(c),
                    _ => text.push_str(match &**r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    }),
                }
                continue;
            }
            _ => {}
        }
        if !text.is_empty() {
            f(XmlEvent::Text(&text));
            text.clear();
        }
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => {
                saw_element = true;
                let qname = e.name();
                let local = qname.local_name().as_ref().to_string();
                if qname.prefix().is_none() {
                    let mut href = None;
                    let mut rel = None;
                    if local == "link" {
                        for a in e.attributes().flatten() {
                            let v = a
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.into_owned())
                                .unwrap_or_default();
                            match a.key.local_name().as_ref() {
                                "href" => href = Some(v),
                                "rel" => rel = Some(v),
                                _ => {}
                            }
                        }
                    }
                    f(XmlEvent::Start(
                        &local,
                        href.as_deref().map(|h| (h, rel.as_deref())),
                    ));
                }
                if empty {
                    f(XmlEvent::End(&local));
                }
            }
            Event::End(e) => {
                let name = e.name().local_name().as_ref().to_string();
                f(XmlEvent::End(&name));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if saw_element {
        Ok(())
    } else {
        Err(DiscoverError::Xml("no XML element found".into()))
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

    #[test]
    fn page_links_canonical_robots_feeds() {
        let html = r#"<html><head><base href="/base/">
            <link rel="canonical" href="http://h.org/a">
            <link rel="alternate" type="application/rss+xml" href="/feed.xml">
            <meta name="robots" content="NOINDEX, follow">
            <script>var s = '<a href="/from-script">';</script></head>
            <body><a href="/one">1</a><a rel="nofollow ugc" href="/two">2</a>
            <area href="three"><a>no href</a></body></html>"#;
        let got = page_links(html);
        assert_eq!(got.links, ["/one", "three"]);
        assert_eq!(got.canonical.as_deref(), Some("http://h.org/a"));
        assert_eq!(got.base.as_deref(), Some("/base/"));
        assert_eq!(got.feeds, ["/feed.xml"]);
        assert!(got.noindex && !got.nofollow);
    }

    #[test]
    fn x_robots_tag() {
        assert!(header_noindex("noindex", "gleaner/0.1"));
        assert!(header_noindex("gleaner: noindex", "gleaner/0.1 (+x)"));
        assert!(!header_noindex("googlebot: noindex", "gleaner/0.1"));
        assert!(!header_noindex("nofollow", "gleaner/0.1"));
    }

    #[test]
    fn sitemap_and_index() {
        let xml = br#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
            xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
            <url><loc> http://h.org/a?x=1&amp;y=2 </loc><image:image><image:loc>http://h.org/i.png</image:loc></image:image></url>
            <url><loc><![CDATA[http://h.org/b]]></loc></url></urlset>"#;
        let got = sitemap(xml, 1 << 20).unwrap();
        assert_eq!(got.pages, ["http://h.org/a?x=1&y=2", "http://h.org/b"]);
        let index =
            br#"<sitemapindex><sitemap><loc>http://h.org/s1.xml.gz</loc></sitemap></sitemapindex>"#;
        let got = sitemap(index, 1 << 20).unwrap();
        assert_eq!(got.sitemaps, ["http://h.org/s1.xml.gz"]);
        assert!(got.pages.is_empty());
    }

    #[test]
    fn gzipped_sitemap() {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b"<urlset><url><loc>http://h.org/z</loc></url></urlset>")
            .unwrap();
        let got = sitemap(&e.finish().unwrap(), 1 << 20).unwrap();
        assert_eq!(got.pages, ["http://h.org/z"]);
    }

    #[test]
    fn rss_and_atom_feeds() {
        let rss = br#"<rss><channel><link>http://h.org/</link><item><title>T</title>
            <link>http://h.org/p1</link></item><item><link>http://h.org/p2</link></item></channel></rss>"#;
        assert_eq!(
            feed(rss, 1 << 20).unwrap(),
            ["http://h.org/p1", "http://h.org/p2"]
        );
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><link href="http://h.org/"/>
            <entry><link rel="self" href="http://h.org/self"/><link href="http://h.org/e1"/></entry>
            <entry><link rel="alternate" href="http://h.org/e2"/></entry></feed>"#;
        assert_eq!(
            feed(atom, 1 << 20).unwrap(),
            ["http://h.org/e1", "http://h.org/e2"]
        );
    }

    proptest::proptest! {
        /// Whatever a server sends, discovery returns (possibly nothing), never panics.
        #[test]
        fn any_bytes_are_survived(body in proptest::collection::vec(proptest::num::u8::ANY, 0..2048)) {
            let _ = sitemap(&body, 1 << 16);
            let _ = feed(&body, 1 << 16);
            let _ = page_links(&String::from_utf8_lossy(&body));
        }

        #[test]
        fn any_markup_is_survived(body in "(<[a-z:]{1,8}( [a-z]{1,5}=\"[^\"]{0,12}\")*/?>|</[a-z:]{1,8}>|&[a-z#0-9]{0,5};?|[^<&]{0,12}){0,40}") {
            let _ = sitemap(body.as_bytes(), 1 << 16);
            let _ = feed(body.as_bytes(), 1 << 16);
            let _ = page_links(&body);
        }
    }

    #[test]
    fn not_xml_is_an_error() {
        assert!(sitemap(b"", 100).is_err());
        assert!(feed(b"plain words", 100).is_err());
    }
}
