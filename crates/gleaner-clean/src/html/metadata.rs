//! What the page says about itself: JSON-LD first (most deliberate), then `<meta>`, then
//! what is visible (`<title>`, `<h1>`, `<time>`, bylines), then the URL path.
//!
//! One scan over the parse tree collects every source; the precedence is applied after.

use crate::document::Metadata;
use chrono::NaiveDate;
use scraper::{Html, Node as HNode};
use serde_json::Value;

#[derive(Default)]
struct Found {
    metas: Vec<(String, String)>,
    ld: Vec<Value>,
    title: Option<String>,
    h1: Option<String>,
    lang: Option<String>,
    canonical: Option<String>,
    rel_author: Vec<String>,
    times: Vec<String>,
    byline: Option<String>,
}

/// JSON-LD types whose fields describe the page's main item.
fn is_main_type(t: &str) -> bool {
    t.ends_with("Article")
        || t.ends_with("Posting")
        || matches!(
            t,
            "WebPage" | "Report" | "Product" | "QAPage" | "Question" | "Recipe" | "Review"
        )
}

fn text_of(node: ego_tree::NodeRef<'_, HNode>) -> String {
    let mut s = String::new();
    for d in node.descendants() {
        if let HNode::Text(t) = d.value() {
            s.push_str(t);
            s.push(' ');
        }
    }
    clean_space(&s)
}

fn collect(doc: &Html) -> Found {
    let mut f = Found::default();
    // Arena order is document order for a fresh parse; no recursion involved.
    for node in doc.tree.nodes() {
        let HNode::Element(el) = node.value() else {
            continue;
        };
        match el.name() {
            "html" => f.lang = attr(el, "lang").map(clean_space),
            "meta" => {
                let key = attr(el, "property")
                    .or_else(|| attr(el, "name"))
                    .or_else(|| attr(el, "itemprop"))
                    .or_else(|| attr(el, "http-equiv"));
                if let (Some(k), Some(v)) = (key, attr(el, "content")) {
                    let v = clean_space(v);
                    if !v.is_empty() {
                        f.metas.push((k.to_ascii_lowercase(), v));
                    }
                }
            }
            "title" if f.title.is_none() => f.title = Some(text_of(node)).filter(|t| !t.is_empty()),
            "h1" if f.h1.is_none() => f.h1 = Some(text_of(node)).filter(|t| !t.is_empty()),
            "link" if f.canonical.is_none() && attr(el, "rel") == Some("canonical") => {
                f.canonical = attr(el, "href").map(str::to_string)
            }
            "script" if attr(el, "type").is_some_and(|t| t.contains("ld+json")) => {
                let raw = text_of_raw(node);
                if let Ok(v) = serde_json::from_str::<Value>(raw.trim()) {
                    f.ld.push(v);
                }
            }
            "time" if f.times.len() < 8 => {
                if let Some(dt) = attr(el, "datetime") {
                    // A date inside page furniture is a clock widget, not the article's.
                    let furniture = node.ancestors().any(|a| {
                        a.value().as_element().is_some_and(|e| {
                            matches!(e.name(), "header" | "nav" | "footer" | "aside")
                        })
                    });
                    let article = node.ancestors().any(|a| {
                        a.value()
                            .as_element()
                            .is_some_and(|e| e.name() == "article")
                    });
                    if !furniture || article {
                        f.times.push(dt.to_string());
                    }
                }
            }
            "a" if attr(el, "rel").is_some_and(|r| r.split_whitespace().any(|r| r == "author")) => {
                let t = text_of(node);
                if !t.is_empty() && t.len() < 80 {
                    f.rel_author.push(t);
                }
            }
            _ if f.byline.is_none()
                && attr(el, "class").is_some_and(|cs| {
                    cs.split_ascii_whitespace().any(|c| {
                        c.eq_ignore_ascii_case("author")
                            || c.eq_ignore_ascii_case("author-name")
                            || c.as_bytes()
                                .windows(6)
                                .any(|w| w.eq_ignore_ascii_case(b"byline"))
                    })
                }) =>
            {
                let t = text_of(node);
                if !t.is_empty() && t.len() < 100 {
                    f.byline = Some(t);
                }
            }
            _ => {}
        }
    }
    f
}

/// An attribute by name. Scanning an element's few attributes beats `Element::attr`,
/// which interns the name on every call.
fn attr<'a>(el: &'a scraper::node::Element, name: &str) -> Option<&'a str> {
    el.attrs().find(|(k, _)| *k == name).map(|(_, v)| v)
}

fn text_of_raw(node: ego_tree::NodeRef<'_, HNode>) -> String {
    node.children()
        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
        .collect()
}

/// The JSON-LD objects, `@graph`s and arrays flattened.
fn ld_objects(v: &Value, out: &mut Vec<serde_json::Map<String, Value>>) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(a) => stack.extend(a.iter().rev()),
            Value::Object(o) => {
                if let Some(g) = o.get("@graph") {
                    stack.push(g);
                }
                out.push(o.clone());
            }
            _ => {}
        }
        if out.len() > 64 {
            break;
        }
    }
}

fn types(o: &serde_json::Map<String, Value>) -> Vec<&str> {
    match o.get("@type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// A string, or the `name` / `url` / first element of an object or array.
fn ld_str(v: Option<&Value>, key: &str) -> Option<String> {
    match v? {
        Value::String(s) => Some(clean_space(s)).filter(|s| !s.is_empty()),
        Value::Object(o) => ld_str(o.get(key), key),
        Value::Array(a) => a.iter().find_map(|x| ld_str(Some(x), key)),
        _ => None,
    }
}

fn ld_names(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| ld_str(Some(x), "name")).collect(),
        Some(v) => ld_str(Some(v), "name").into_iter().collect(),
        None => Vec::new(),
    }
}

/// Normalises a date to YYYY-MM-DD when it can be read; otherwise keeps it as given.
pub fn normalise_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // An ISO date opens the string: "2024-03-05", "2024-03-05T10:00:00Z". `get` refuses
    // a cut inside a multi-byte char, which a page's own "date" may well hold.
    let iso = s.get(..10).filter(|head| {
        let b = head.as_bytes();
        b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-')
    });
    if let Some(d) = iso.and_then(|head| NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()) {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    let head: String = s.split('T').next().unwrap_or(s).replace(',', "");
    let head = clean_space(&head);
    for fmt in [
        "%Y/%m/%d", "%Y.%m.%d", "%B %d %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%m/%d/%Y",
        "%d.%m.%Y", "%Y%m%d",
    ] {
        if let Ok(d) = NaiveDate::parse_from_str(&head, fmt) {
            return Some(d.format("%Y-%m-%d").to_string());
        }
    }
    Some(s.to_string())
}

/// `/2024/03/05/slug` → 2024-03-05. The day may run into the slug (`/05-slug`).
pub fn date_from_url(url: &str) -> Option<String> {
    let parts: Vec<&str> = url.split('/').collect();
    parts.windows(3).find_map(|w| {
        let [y, m, d] = w else { return None };
        // The day's two bytes, when they are two ASCII digits (a cut inside a
        // multi-byte char of a raw non-ASCII path gives None).
        let d = d
            .get(..2)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
        if y.len() == 4 && m.len() == 2 && y.starts_with(['1', '2']) {
            NaiveDate::parse_from_str(&format!("{y}-{m}-{d}"), "%Y-%m-%d")
                .ok()
                .map(|d| d.format("%Y-%m-%d").to_string())
        } else {
            None
        }
    })
}

/// "Headline | Site" → "Headline": drops the part naming the site.
fn strip_site(title: &str, site: Option<&str>, h1: Option<&str>) -> String {
    // The page's own headline, when the title merely wraps it, is the cleanest answer.
    if let Some(h1) = h1.filter(|h| h.chars().count() >= 3) {
        if title.starts_with(h1) || title.ends_with(h1) {
            return h1.to_string();
        }
    }
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » "] {
        if let Some(parts) = title
            .split_once(sep)
            .map(|_| title.split(sep).collect::<Vec<_>>())
        {
            let lower = |s: &str| s.to_lowercase();
            let keep: Vec<&str> = parts
                .iter()
                .copied()
                .filter(|p| site.is_none_or(|s| lower(p.trim()) != lower(s)))
                .collect();
            if keep.len() < parts.len() {
                return keep.join(sep).trim().to_string();
            }
            // No site name to compare: the longest part is the headline.
            return parts
                .iter()
                .max_by_key(|p| p.len())
                .map_or(title, |p| p)
                .trim()
                .to_string();
        }
    }
    title.to_string()
}

/// Everything one scan of the page found, with the JSON-LD flattened and its main item
/// (the article, else the page's main object) picked: each field's precedence is a
/// method below.
struct Sources {
    found: Found,
    objs: Vec<LdObject>,
    /// Index in `objs` of the main item.
    main: Option<usize>,
}

type LdObject = serde_json::Map<String, Value>;

impl Sources {
    fn new(doc: &Html) -> Sources {
        let found = collect(doc);
        let mut objs = Vec::new();
        for v in &found.ld {
            ld_objects(v, &mut objs);
        }
        let main = objs
            .iter()
            .position(|o| {
                types(o)
                    .iter()
                    .any(|t| t.ends_with("Article") || t.ends_with("Posting"))
            })
            .or_else(|| {
                objs.iter()
                    .position(|o| types(o).iter().any(|t| is_main_type(t)))
            });
        Sources { found, objs, main }
    }

    /// The first of `keys` a `<meta>` gives.
    fn meta(&self, keys: &[&str]) -> Option<String> {
        keys.iter().find_map(|k| {
            self.found
                .metas
                .iter()
                .find(|(mk, _)| mk == k)
                .map(|(_, v)| v.clone())
        })
    }

    /// Every `<meta>` value of `key`.
    fn metas(&self, key: &str) -> Vec<String> {
        let metas = self.found.metas.iter();
        metas
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn main(&self) -> Option<&LdObject> {
        self.main.and_then(|i| self.objs.get(i))
    }

    /// A field of the main JSON-LD item, as a string (an object's `name`).
    fn ld(&self, key: &str) -> Option<String> {
        self.main().and_then(|o| ld_str(o.get(key), "name"))
    }

    fn site(&self) -> Option<String> {
        self.meta(&["og:site_name", "application-name"])
            .or_else(|| {
                self.main()
                    .and_then(|o| ld_str(o.get("publisher"), "name"))
                    .or_else(|| {
                        self.objs
                            .iter()
                            .find(|o| types(o).contains(&"WebSite"))
                            .and_then(|o| ld_str(o.get("name"), "name"))
                    })
            })
    }

    fn title(&self, site: Option<&str>) -> Option<String> {
        let h1 = self.found.h1.as_deref();
        self.meta(&["og:title", "twitter:title"])
            .map(|t| strip_site(&t, site, h1))
            .or_else(|| self.ld("headline"))
            .or_else(|| self.found.title.as_deref().map(|t| strip_site(t, site, h1)))
            .or_else(|| self.found.h1.clone())
            .filter(|t| !t.is_empty())
    }

    /// JSON-LD authors, else the author meta tags, else `rel=author` links, else a
    /// byline element.
    fn authors(&self) -> Vec<String> {
        let mut authors = self
            .main()
            .map(|o| ld_names(o.get("author")))
            .unwrap_or_default();
        if authors.is_empty() {
            let keys = [
                "author",
                "article:author",
                "dc.creator",
                "parsely-author",
                "sailthru.author",
            ];
            authors = self
                .meta(&keys)
                .filter(|a| !a.starts_with("http"))
                .into_iter()
                .collect();
        }
        if authors.is_empty() {
            authors = self.found.rel_author.iter().take(3).cloned().collect();
        }
        if authors.is_empty() {
            if let Some(b) = &self.found.byline {
                let b = b
                    .trim_start_matches("By ")
                    .trim_start_matches("by ")
                    .trim_start_matches("BY ");
                if !b.is_empty() && b.split_whitespace().count() <= 6 {
                    authors.push(b.to_string());
                }
            }
        }
        authors.dedup();
        authors
    }

    /// The publication date: JSON-LD, meta tags, `<time>`, then the URL's path.
    fn date(&self, url: Option<&str>) -> Option<String> {
        let keys = [
            "article:published_time",
            "og:published_time",
            "datepublished",
            "date",
            "pubdate",
            "publish-date",
            "publish_date",
            "dc.date",
            "dc.date.issued",
            "sailthru.date",
            "parsely-pub-date",
        ];
        self.ld("datePublished")
            .or_else(|| self.meta(&keys))
            .or_else(|| self.found.times.first().cloned())
            .or_else(|| self.ld("dateCreated"))
            .and_then(|d| normalise_date(&d))
            .or_else(|| url.and_then(date_from_url))
            .or_else(|| self.found.canonical.as_deref().and_then(date_from_url))
    }

    fn date_modified(&self) -> Option<String> {
        let keys = [
            "article:modified_time",
            "og:updated_time",
            "datemodified",
            "last-modified",
        ];
        self.ld("dateModified")
            .or_else(|| self.meta(&keys))
            .and_then(|d| normalise_date(&d))
    }

    fn canonical(&self) -> Option<String> {
        self.found
            .canonical
            .clone()
            .or_else(|| self.meta(&["og:url"]))
            .filter(|u| u.starts_with("http"))
    }

    /// `article:tag` metas, else the JSON-LD keywords (a list, or a comma-separated
    /// string).
    fn tags(&self) -> Vec<String> {
        let mut tags = self.metas("article:tag");
        if tags.is_empty() {
            match self.main().and_then(|o| o.get("keywords")) {
                Some(Value::String(s)) => tags = s.split(',').map(clean_space).collect(),
                Some(Value::Array(a)) => {
                    tags = a.iter().filter_map(|x| ld_str(Some(x), "name")).collect()
                }
                _ => {}
            }
        }
        tags.retain(|t| !t.is_empty());
        tags.dedup();
        tags
    }

    fn language(&self) -> Option<String> {
        self.found
            .lang
            .clone()
            .filter(|l| !l.is_empty())
            .or_else(|| self.meta(&["og:locale", "content-language", "language"]))
            .or_else(|| self.ld("inLanguage"))
    }
}

pub fn extract(doc: &Html, url: Option<&str>) -> Metadata {
    let s = Sources::new(doc);
    let site = s.site();
    let canonical = s.canonical();
    Metadata {
        title: s.title(site.as_deref()),
        authors: s.authors(),
        date: s.date(url),
        date_modified: s.date_modified(),
        hostname: canonical
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.trim_start_matches("www.").to_string())
            }),
        url: canonical,
        sitename: site,
        language: s.language(),
        description: s
            .meta(&["og:description", "description", "twitter:description"])
            .or_else(|| s.ld("description")),
        tags: s.tags(),
        image: s
            .meta(&["og:image", "og:image:url", "twitter:image"])
            .or_else(|| s.main().and_then(|o| ld_str(o.get("image"), "url"))),
        comments: Vec::new(),
        ..Metadata::default()
    }
}

pub fn clean_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
