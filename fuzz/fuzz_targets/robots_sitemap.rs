//! What a server sends for discovery: robots.txt, sitemaps (plain, index, gzipped),
//! RSS/Atom feeds and HTML pages scanned for links. Each input is used twice: its bytes
//! as they are, fed to all four parsers, and as the randomness of a generator writing a
//! structured robots.txt (groups, wildcards, odd Crawl-delay values, Sitemap lines) and
//! an XML document (urlset / sitemapindex / rss / atom with namespaces, CDATA, character
//! and entity references, comments, attributes; sometimes gzipped, sometimes cut short).
//!
//! Nothing may panic.
#![no_main]

mod common;

use arbitrary::{Arbitrary, Unstructured};
use common::{attr_value, Href, Text};
use gleaner::sources::web::{feed, page_links, robots, sitemap};
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;

const AGENTS: &[&str] = &[
    "gleaner",
    "gleaner/0.1.0 (+https://x)",
    "*",
    "Googlebot",
    "",
];

#[derive(Arbitrary, Debug)]
struct Generated {
    agent: u8,
    robots: Vec<RobotsLine>,
    probes: Vec<Href>,
    xml: Xml,
    gzip: bool,
    cut: Option<u16>,
    max: u8,
}

#[derive(Arbitrary, Debug)]
enum RobotsLine {
    UserAgent(Agent),
    Allow(Text),
    Disallow(Text),
    CrawlDelay(Delay),
    Sitemap(Href),
    Comment(Text),
    Blank,
    Raw(Text),
}

#[derive(Arbitrary, Debug)]
enum Agent {
    Star,
    Gleaner,
    Upper,
    Other(Text),
}

#[derive(Arbitrary, Debug)]
enum Delay {
    Float(f64),
    Int(i64),
    Huge,
    Inf,
    Nan,
    Negative,
    Text(Text),
}

#[derive(Arbitrary, Debug)]
enum Root {
    Urlset,
    SitemapIndex,
    Rss,
    Rdf,
    Atom,
    Other(Text),
}

#[derive(Arbitrary, Debug)]
struct Xml {
    declaration: bool,
    doctype: Option<Text>,
    root: Root,
    default_ns: bool,
    children: Vec<Node>,
}

#[derive(Arbitrary, Debug)]
enum Node {
    Url(Vec<Node>),
    Sitemap(Vec<Node>),
    Item(Vec<Node>),
    Entry(Vec<Node>),
    Channel(Vec<Node>),
    Loc(Content),
    Link(Content),
    AtomLink {
        href: Option<Content>,
        rel: Option<Rel>,
    },
    Lastmod(Text),
    Prefixed(Prefix, Vec<Node>),
    Element(Text, Vec<Node>),
    Text(Content),
    Comment(Text),
    ProcessingInstruction(Text),
    Unclosed(Text),
    StrayClose(Text),
}

#[derive(Arbitrary, Debug)]
enum Prefix {
    Image,
    News,
    Atom,
    Other(Text),
}

#[derive(Arbitrary, Debug)]
enum Rel {
    Alternate,
    SelfRel,
    Enclosure,
    Other(Text),
}

/// Element or attribute content: URLs, with the ways XML can spell characters.
#[derive(Arbitrary, Debug)]
enum Content {
    Href(Href),
    Escaped(Text),
    Cdata(Text),
    CharRef(u32),
    HexCharRef(u32),
    Entity(Entity),
    Mixed(Vec<Content>),
}

#[derive(Arbitrary, Debug)]
enum Entity {
    Amp,
    Lt,
    Gt,
    Quot,
    Apos,
    Nbsp,
    Unknown(Text),
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;")
}

impl Content {
    fn render(&self, out: &mut String, in_attr: bool, depth: usize) {
        if depth > 8 {
            return;
        }
        match self {
            Content::Href(h) => out.push_str(&xml_escape(&h.render())),
            Content::Escaped(t) => out.push_str(&xml_escape(&t.render())),
            Content::Cdata(t) if !in_attr => {
                let _ = write!(out, "<![CDATA[{}]]>", t.render().replace("]]>", "]]"));
            }
            Content::Cdata(t) => out.push_str(&xml_escape(&t.render())),
            Content::CharRef(n) => {
                let _ = write!(out, "&#{n};");
            }
            Content::HexCharRef(n) => {
                let _ = write!(out, "&#x{n:x};");
            }
            Content::Entity(e) => match e {
                Entity::Amp => out.push_str("&amp;"),
                Entity::Lt => out.push_str("&lt;"),
                Entity::Gt => out.push_str("&gt;"),
                Entity::Quot => out.push_str("&quot;"),
                Entity::Apos => out.push_str("&apos;"),
                Entity::Nbsp => out.push_str("&nbsp;"),
                Entity::Unknown(t) => {
                    let _ = write!(out, "&{};", t.render());
                }
            },
            Content::Mixed(parts) => {
                for p in parts.iter().take(8) {
                    p.render(out, in_attr, depth + 1);
                }
            }
        }
    }

    fn string(&self, in_attr: bool) -> String {
        let mut s = String::new();
        self.render(&mut s, in_attr, 0);
        if in_attr {
            s.replace('"', "&quot;")
        } else {
            s
        }
    }
}

fn element_name(t: &Text) -> String {
    let n: String = t
        .render()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '/' | '=' | '"' | '\'' | '&'))
        .take(32)
        .collect();
    if n.is_empty() {
        "x".into()
    } else {
        n
    }
}

impl Node {
    fn render(&self, out: &mut String, depth: usize) {
        if depth > 24 || out.len() > 1 << 16 {
            return;
        }
        let children = |out: &mut String, name: &str, kids: &[Node]| {
            let _ = write!(out, "<{name}>");
            for k in kids.iter().take(32) {
                k.render(out, depth + 1);
            }
            let _ = write!(out, "</{name}>");
        };
        match self {
            Node::Url(k) => children(out, "url", k),
            Node::Sitemap(k) => children(out, "sitemap", k),
            Node::Item(k) => children(out, "item", k),
            Node::Entry(k) => children(out, "entry", k),
            Node::Channel(k) => children(out, "channel", k),
            Node::Loc(c) => {
                let _ = write!(out, "<loc>{}</loc>", c.string(false));
            }
            Node::Link(c) => {
                let _ = write!(out, "<link>{}</link>", c.string(false));
            }
            Node::AtomLink { href, rel } => {
                out.push_str("<link");
                if let Some(h) = href {
                    let _ = write!(out, " href=\"{}\"", h.string(true));
                }
                if let Some(r) = rel {
                    let r = match r {
                        Rel::Alternate => "alternate".to_string(),
                        Rel::SelfRel => "self".to_string(),
                        Rel::Enclosure => "enclosure".to_string(),
                        Rel::Other(t) => attr_value(&xml_escape(&t.render())),
                    };
                    let _ = write!(out, " rel=\"{r}\"");
                }
                out.push_str("/>");
            }
            Node::Lastmod(t) => {
                let _ = write!(out, "<lastmod>{}</lastmod>", xml_escape(&t.render()));
            }
            Node::Prefixed(p, k) => {
                let p = match p {
                    Prefix::Image => "image".to_string(),
                    Prefix::News => "news".to_string(),
                    Prefix::Atom => "atom".to_string(),
                    Prefix::Other(t) => element_name(t),
                };
                children(out, &format!("{p}:loc"), k)
            }
            Node::Element(name, k) => children(out, &element_name(name), k),
            Node::Text(c) => out.push_str(&c.string(false)),
            Node::Comment(t) => {
                let _ = write!(out, "<!--{}-->", t.render().replace("--", "- -"));
            }
            Node::ProcessingInstruction(t) => {
                let _ = write!(out, "<?x {}?>", t.render().replace("?>", "? >"));
            }
            Node::Unclosed(t) => {
                let _ = write!(out, "<{}>", element_name(t));
            }
            Node::StrayClose(t) => {
                let _ = write!(out, "</{}>", element_name(t));
            }
        }
    }
}

impl Xml {
    fn render(&self) -> String {
        let mut out = String::new();
        if self.declaration {
            out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        }
        if let Some(d) = &self.doctype {
            let _ = writeln!(out, "<!DOCTYPE x [{}]>", d.render().replace('>', ""));
        }
        let root = match &self.root {
            Root::Urlset => "urlset".to_string(),
            Root::SitemapIndex => "sitemapindex".to_string(),
            Root::Rss => "rss".to_string(),
            Root::Rdf => "rdf:RDF".to_string(),
            Root::Atom => "feed".to_string(),
            Root::Other(t) => element_name(t),
        };
        out.push('<');
        out.push_str(&root);
        if self.default_ns {
            out.push_str(" xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"");
        }
        out.push_str(" xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">");
        for c in self.children.iter().take(64) {
            c.render(&mut out, 0);
        }
        let _ = write!(out, "</{root}>");
        out
    }
}

fn robots_txt(lines: &[RobotsLine]) -> String {
    let mut out = String::new();
    for l in lines.iter().take(64) {
        match l {
            RobotsLine::UserAgent(a) => {
                let a = match a {
                    Agent::Star => "*".to_string(),
                    Agent::Gleaner => "gleaner".to_string(),
                    Agent::Upper => "GLEANER".to_string(),
                    Agent::Other(t) => t.render(),
                };
                let _ = writeln!(out, "User-agent: {a}");
            }
            RobotsLine::Allow(t) => {
                let _ = writeln!(out, "Allow: {}", t.render());
            }
            RobotsLine::Disallow(t) => {
                let _ = writeln!(out, "Disallow: {}", t.render());
            }
            RobotsLine::CrawlDelay(d) => {
                let d = match d {
                    Delay::Float(f) => format!("{f}"),
                    Delay::Int(i) => format!("{i}"),
                    Delay::Huge => "1e40".to_string(),
                    Delay::Inf => "inf".to_string(),
                    Delay::Nan => "NaN".to_string(),
                    Delay::Negative => "-5".to_string(),
                    Delay::Text(t) => t.render(),
                };
                let _ = writeln!(out, "Crawl-delay: {d}");
            }
            RobotsLine::Sitemap(h) => {
                let _ = writeln!(out, "Sitemap: {}", h.render());
            }
            RobotsLine::Comment(t) => {
                let _ = writeln!(out, "# {}", t.render());
            }
            RobotsLine::Blank => out.push('\n'),
            RobotsLine::Raw(t) => {
                let _ = writeln!(out, "{}", t.render());
            }
        }
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(bytes);
    e.finish().unwrap_or_default()
}

/// Every parser on one body.
fn discover(body: &[u8], agent: &str, max: u64, probes: &[String]) {
    let r = robots(body, agent);
    for p in probes {
        if let Ok(u) = url::Url::parse(p) {
            let _ = r.allowed(&u);
        }
    }
    let _ = r.crawl_delay();
    let _ = r.sitemaps();
    let _ = sitemap(body, max);
    let _ = feed(body, max);
    let _ = page_links(&String::from_utf8_lossy(body));
}

fuzz_target!(|data: &[u8]| {
    let probes = [
        "http://example.org/".to_string(),
        "http://example.org/private/a?b=c".to_string(),
        "https://example.org/%E2%82%AC/é".to_string(),
    ];
    discover(data, "gleaner", 1 << 20, &probes);

    let Ok(g) = Generated::arbitrary(&mut Unstructured::new(data)) else {
        return;
    };
    let agent = AGENTS[usize::from(g.agent) % AGENTS.len()];
    let mut probes: Vec<String> = g.probes.iter().take(8).map(Href::render).collect();
    probes.push("http://example.org/".into());
    // Small caps too: a gzip body larger than the cap is cut mid-stream.
    let max = [1u64 << 20, 0, 1, 64, 4096][usize::from(g.max) % 5];

    let robots_txt = robots_txt(&g.robots);
    let r = robots(robots_txt.as_bytes(), agent);
    for p in &probes {
        if let Ok(u) = url::Url::parse(p) {
            let _ = r.allowed(&u);
        }
    }
    if let Some(d) = r.crawl_delay() {
        // A usable delay: adding it to a clock must not overflow within a year's cap.
        let _ = tokio::time::Instant::now().checked_add(d);
    }
    let _ = r.sitemaps();

    let mut xml = g.xml.render().into_bytes();
    if let Some(cut) = g.cut {
        xml.truncate(usize::from(cut));
    }
    if common::debug() {
        eprintln!(
            "---- agent {agent:?}, max {max}, gzip {}, probes {probes:?}\n---- robots.txt:\n{robots_txt}\n---- xml:\n{}",
            g.gzip,
            String::from_utf8_lossy(&xml)
        );
    }
    let body = if g.gzip { gzip(&xml) } else { xml };
    discover(&body, agent, max, &probes);
});
