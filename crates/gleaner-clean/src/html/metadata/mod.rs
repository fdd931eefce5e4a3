//! What the page says about itself: title, authors, dates, site, language, tags.
//!
//! One scan over the parse tree (`collect`) gathers every source with where it sits;
//! each field then applies its own precedence: what the page declares for machines
//! (JSON-LD, `<meta>`, microdata) and what it shows readers near its headline, then the
//! URL. Field modules: `title`, `authors`, `published` (dates, read by `dates`). Never
//! any I/O, and no clock: a date is judged by the page alone.

mod authors;
mod collect;
mod cues;
mod dates;
mod jsonld;
mod place;
mod published;
mod title;

// The html tests call these by name.
#[cfg(test)]
pub use dates::{date_from_url, normalise_date};

use crate::document::Metadata;
use collect::Found;
use dates::Order;
use jsonld::LdObject;
use scraper::Html;
use serde_json::Value;

/// Everything one scan found, with the JSON-LD flattened and its main item picked: each
/// field's precedence is a method here or in a field module.
struct Sources<'a> {
    found: &'a Found,
    objs: Vec<&'a LdObject>,
    /// The JSON-LD main item (the article, else the page's main object).
    main: Option<&'a LdObject>,
    /// How the page writes ambiguous numeric dates.
    order: Order,
}

impl<'a> Sources<'a> {
    fn new(found: &'a Found) -> Sources<'a> {
        let objs = jsonld::flatten(&found.ld);
        let main = jsonld::main_item(&objs);
        let order = published::order(found.lang.as_deref());
        Sources {
            found,
            objs,
            main,
            order,
        }
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

    /// A text field of the main JSON-LD item (an object's `name`).
    fn ld(&self, key: &str) -> Option<String> {
        self.main.and_then(|o| jsonld::text(o.get(key), "name"))
    }

    /// The site's own name, as the page gives it.
    fn site(&self) -> Option<String> {
        self.meta(&["og:site_name", "application-name"])
            .or_else(|| {
                self.main
                    .and_then(|o| jsonld::text(o.get("publisher"), "name"))
            })
            .or_else(|| self.website_name())
    }

    fn website_name(&self) -> Option<String> {
        self.objs
            .iter()
            .find(|o| jsonld::types(o).any(|t| t == "WebSite"))
            .and_then(|o| jsonld::text(o.get("name"), "name"))
    }

    /// Every name the site goes by: site name, publisher, web site, and its host's name
    /// ("clevelandclinic" of my.clevelandclinic.org): none of them is an author.
    fn site_names(&self, site: Option<&str>, host: Option<&str>) -> Vec<String> {
        let mut names: Vec<String> = site.into_iter().map(str::to_string).collect();
        names.extend(
            self.main
                .and_then(|o| jsonld::text(o.get("publisher"), "name")),
        );
        names.extend(self.website_name());
        names.extend(self.meta(&["og:site_name", "application-name"]));
        if let Some(host) = host {
            let labels: Vec<&str> = host.split('.').collect();
            // The label before the public suffix (approximately: the longest label that
            // is not the last one).
            if let Some((_, rest)) = labels.split_last() {
                names.extend(rest.iter().filter(|l| l.len() > 3).map(|l| l.to_string()));
            }
        }
        names.retain(|n| !n.trim().is_empty());
        names.dedup();
        names
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
        let metas = self.found.metas.iter();
        let mut tags: Vec<String> = metas
            .filter(|(k, _)| k == "article:tag")
            .map(|(_, v)| v.clone())
            .collect();
        if tags.is_empty() {
            match self.main.and_then(|o| o.get("keywords")) {
                Some(Value::String(s)) => tags = s.split(',').map(clean_space).collect(),
                Some(Value::Array(a)) => {
                    tags = a
                        .iter()
                        .filter_map(|x| jsonld::text(Some(x), "name"))
                        .collect()
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

/// The page's metadata. `url` is where it was fetched from, when known.
pub fn extract(doc: &Html, url: Option<&str>) -> Metadata {
    let found = collect::collect(doc);
    let s = Sources::new(&found);
    let site = s.site();
    let canonical = s.canonical();
    let hostname = canonical
        .as_deref()
        .or(url)
        .and_then(|u| url::Url::parse(u).ok())
        .and_then(|u| {
            u.host_str()
                .map(|h| h.trim_start_matches("www.").to_string())
        });
    let sites = s.site_names(site.as_deref(), hostname.as_deref());
    let og = s.meta(&["og:title"]);
    let twitter = s.meta(&["twitter:title"]);
    let headline = s.ld("headline");
    let declared: Vec<&str> = [&og, &twitter, &headline, &found.title]
        .into_iter()
        .filter_map(|t| t.as_deref())
        .filter(|t| !t.trim().is_empty())
        .collect();
    let title = title::choose(&found.h1s, &found.subheads, &declared, &sites);
    // Where the headline sits: bylines and shown dates are looked for around it.
    // A page without an `<h1>` headline may set it in an `<h2>` or `<h3>` that reads as the
    // title: that heading anchors the byline and date search just the same.
    let at = title
        .h1
        .and_then(|i| found.h1s.get(i))
        .or_else(|| {
            let t = title.text.as_deref()?;
            title::lower_headline(&found.subheads, t)
        })
        .map(|h| h.at);
    let dates = s.dates(at.as_ref(), url);
    Metadata {
        title: title
            .text
            .map(|t| title::tidy(&t))
            .filter(|t| !t.is_empty()),
        authors: s.authors(at.as_ref(), &sites),
        date: dates.published.map(dates::iso),
        date_modified: dates.modified.map(dates::iso),
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
            .or_else(|| s.main.and_then(|o| jsonld::text(o.get("image"), "url"))),
        comments: Vec::new(),
        // The page type is judged after extraction, from the chosen content.
        ..Metadata::default()
    }
}

/// Whitespace runs collapsed to one space, ends trimmed.
/// Whether `text` states a date (a day and a month, or a whole date): what a dateline
/// or a byline's timestamp holds.
pub fn states_date(text: &str) -> bool {
    dates::has_day_and_month(text) || dates::find_date(text, dates::Order::MonthFirst).is_some()
}

pub fn clean_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A string folded for comparison: lower case, typographic quotes and dashes made plain,
/// zero-width characters dropped, whitespace collapsed.
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = match c {
            '’' | '‘' | '´' | '`' => '\'',
            '“' | '”' | '„' => '"',
            '–' | '—' | '‐' => '-',
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' => continue,
            c if c.is_whitespace() => {
                space = !out.is_empty();
                continue;
            }
            c => c,
        };
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}
