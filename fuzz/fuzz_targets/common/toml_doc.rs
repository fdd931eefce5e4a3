//! The tables of the `config` target's TOML generator: a config document over the real
//! tables and keys, each table written as a `[header]` section, dotted keys or an inline
//! table, with a rare unknown key; values from [`super::toml_value`].

use super::toml_value::{toml_str, Any, Float, Int, Patterns, Render, Selectors, Texts, Urls, V};
use super::Text;
use arbitrary::{Arbitrary, Unstructured};
use std::fmt::Write;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Style {
    Header,
    Dotted,
    Inline,
}

/// A key the table does not have, rarely (one in 128 tables): it ends validation.
#[derive(Debug)]
struct Unknown(Option<(Text, Any)>);

impl<'a> Arbitrary<'a> for Unknown {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Unknown(
            if u8::arbitrary(u)? == 0x7f && u8::arbitrary(u)? & 1 == 1 {
                Some(Arbitrary::arbitrary(u)?)
            } else {
                None
            },
        ))
    }
}

#[derive(Arbitrary, Debug)]
struct Store {
    style: Style,
    path: Option<V<Text>>,
    unknown: Unknown,
}

#[derive(Arbitrary, Debug)]
struct Files {
    name: Option<V<Text>>,
    paths: Option<V<Texts>>,
    unknown: Unknown,
}

#[derive(Arbitrary, Debug)]
struct Fetch {
    style: Style,
    user_agent: Option<V<Text>>,
    concurrency: Option<V<Int>>,
    connect_timeout_secs: Option<V<Float>>,
    response_timeout_secs: Option<V<Float>>,
    read_stall_secs: Option<V<Float>>,
    max_body_bytes: Option<V<Int>>,
    max_decompressed_bytes: Option<V<Int>>,
    max_redirects: Option<V<Int>>,
    max_attempts: Option<V<Int>>,
    backoff_base_secs: Option<V<Float>>,
    retry_after_cap_secs: Option<V<Float>>,
    time_budget_secs: Option<V<Float>>,
    failure_threshold: Option<V<Float>>,
    park_after_failures: Option<V<Int>>,
    tracking_params: Option<V<Texts>>,
    // `warc_dir` is left out: a generated path would be created on disk.
    warc_file_bytes: Option<V<Int>>,
    unknown: Unknown,
}

#[derive(Arbitrary, Debug)]
struct Rules {
    style: Style,
    drop_lines: Option<V<Texts>>,
    drop_patterns: Option<V<Patterns>>,
    keep_patterns: Option<V<Patterns>>,
    unknown: Unknown,
}

#[derive(Arbitrary, Debug)]
struct Site {
    name: Option<V<Text>>,
    seeds: Option<V<Urls>>,
    sitemaps: Option<V<Urls>>,
    feeds: Option<V<Urls>>,
    discover_sitemaps: Option<V<bool>>,
    include: Option<V<Patterns>>,
    exclude: Option<V<Patterns>>,
    follow_links: Option<V<bool>>,
    max_depth: Option<V<Int>>,
    max_pages: Option<V<Int>>,
    delay_secs: Option<V<Float>>,
    concurrency: Option<V<Int>>,
    hosts: Option<V<Texts>>,
    rules: Option<Rules>,
    unknown: Unknown,
}

#[derive(Arbitrary, Debug)]
struct Clean {
    style: Style,
    builtin_rules: Option<V<bool>>,
    max_input_bytes: Option<V<Int>>,
    rules: Option<Rules>,
    text: Option<TextOpts>,
    html: Option<Html>,
    unknown: Unknown,
}

#[derive(Arbitrary, Debug)]
struct TextOpts {
    style: Style,
    templates: Option<V<bool>>,
    length_low: Option<V<Int>>,
    length_high: Option<V<Int>>,
    stopwords_low: Option<V<Float>>,
    stopwords_high: Option<V<Float>>,
    region: Option<V<bool>>,
    fill: Option<V<bool>>,
    bad_weight: Option<V<Float>>,
    fill_bad: Option<V<bool>>,
    max_gap: Option<V<Int>>,
    min_repeat_chars: Option<V<Int>>,
    position_decay: Option<V<Float>>,
    isolated_weight: Option<V<Float>>,
    item_weight: Option<V<Float>>,
    island_gap: Option<V<Int>>,
    island_share: Option<V<Float>>,
    learned: Option<V<bool>>,
    unknown: Unknown,
}

#[derive(Arbitrary, Debug)]
struct Html {
    style: Style,
    builtin_furniture: Option<V<bool>>,
    drop_words: Option<V<Texts>>,
    keep_words: Option<V<Texts>>,
    comments: Option<V<bool>>,
    learned: Option<V<bool>>,
    drop_style: Style,
    drop_selectors: Vec<(HostKey, V<Selectors>)>,
    keep_style: Style,
    keep_selectors: Vec<(HostKey, V<Selectors>)>,
    unknown: Unknown,
}

#[derive(Arbitrary, Debug)]
enum HostKey {
    Example,
    Www,
    Idn,
    Text(Text),
}

impl HostKey {
    fn render(&self) -> String {
        match self {
            HostKey::Example => "example.org".into(),
            HostKey::Www => "www.example.org".into(),
            HostKey::Idn => "bücher.de".into(),
            HostKey::Text(t) => t.render(),
        }
    }
}

/// A whole config: its tables, each present or not, and a rare unknown top-level key.
#[derive(Arbitrary, Debug)]
pub struct Doc {
    store: Option<Store>,
    files: Vec<Files>,
    /// `[[sources.warc]]` has the same keys as `[[sources.files]]`.
    warc: Vec<Files>,
    fetch: Option<Fetch>,
    web: Vec<Site>,
    clean: Option<Clean>,
    unknown: Unknown,
}

/// Key/value lines of one table.
#[derive(Default)]
struct Entries(Vec<(String, String)>);

impl Entries {
    fn put<T: Render>(&mut self, key: &str, v: &Option<V<T>>) {
        if let Some(v) = v {
            self.0.push((key.to_string(), v.render()));
        }
    }

    fn unknown(&mut self, u: &Unknown) {
        if let Some((k, v)) = &u.0 {
            self.0.push((k.render(), v.render()));
        }
    }
}

fn key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        k.to_string()
    } else {
        toml_str(k)
    }
}

/// One table of the document, with its sub-tables, each written in its own style.
struct Table {
    style: Style,
    entries: Entries,
    children: Vec<(&'static str, Table)>,
}

impl Table {
    fn new(style: Style, entries: Entries) -> Table {
        Table {
            style,
            entries,
            children: Vec::new(),
        }
    }

    fn inline(&self) -> String {
        let mut items: Vec<String> = self
            .entries
            .0
            .iter()
            .map(|(k, v)| format!("{} = {v}", key(k)))
            .collect();
        for (name, child) in &self.children {
            items.push(format!("{name} = {}", child.inline()));
        }
        format!("{{ {} }}", items.join(", "))
    }

    /// Writes the table whose full dotted path is `full` and whose path relative to the
    /// section being written (`section`) is `rel`. `[header]` sections are appended to
    /// `headers` in document order: a table's own before its sub-tables'.
    fn emit(&self, full: &str, rel: &str, section: &mut String, headers: &mut Vec<String>) {
        match self.style {
            Style::Header => {
                let at = headers.len();
                headers.push(String::new());
                let mut own = format!("[{full}]\n");
                for (k, v) in &self.entries.0 {
                    let _ = writeln!(own, "{} = {v}", key(k));
                }
                for (name, child) in &self.children {
                    child.emit(&format!("{full}.{name}"), name, &mut own, headers);
                }
                headers[at] = own;
            }
            Style::Dotted => {
                for (k, v) in &self.entries.0 {
                    let _ = writeln!(section, "{rel}.{} = {v}", key(k));
                }
                for (name, child) in &self.children {
                    child.emit(
                        &format!("{full}.{name}"),
                        &format!("{rel}.{name}"),
                        section,
                        headers,
                    );
                }
            }
            Style::Inline => {
                let _ = writeln!(section, "{rel} = {}", self.inline());
            }
        }
    }

    /// Writes one element of an array of tables (`[[full]]`).
    fn emit_element(&self, full: &str, headers: &mut Vec<String>) {
        let at = headers.len();
        headers.push(String::new());
        let mut own = format!("[[{full}]]\n");
        for (k, v) in &self.entries.0 {
            let _ = writeln!(own, "{} = {v}", key(k));
        }
        for (name, child) in &self.children {
            child.emit(&format!("{full}.{name}"), name, &mut own, headers);
        }
        headers[at] = own;
    }
}

fn rules_table(r: &Rules) -> Table {
    let mut e = Entries::default();
    e.put("drop_lines", &r.drop_lines);
    e.put("drop_patterns", &r.drop_patterns);
    e.put("keep_patterns", &r.keep_patterns);
    e.unknown(&r.unknown);
    Table::new(r.style, e)
}

impl Doc {
    pub fn render(&self) -> String {
        let mut root = String::new();
        let mut headers = Vec::new();
        if let Some((k, v)) = &self.unknown.0 {
            let _ = writeln!(root, "{} = {}", key(&k.render()), v.render());
        }
        if let Some(s) = &self.store {
            let mut e = Entries::default();
            e.put("path", &s.path);
            e.unknown(&s.unknown);
            Table::new(s.style, e).emit("store", "store", &mut root, &mut headers);
        }
        if let Some(f) = &self.fetch {
            let mut e = Entries::default();
            e.put("user_agent", &f.user_agent);
            e.put("concurrency", &f.concurrency);
            e.put("connect_timeout_secs", &f.connect_timeout_secs);
            e.put("response_timeout_secs", &f.response_timeout_secs);
            e.put("read_stall_secs", &f.read_stall_secs);
            e.put("max_body_bytes", &f.max_body_bytes);
            e.put("max_decompressed_bytes", &f.max_decompressed_bytes);
            e.put("max_redirects", &f.max_redirects);
            e.put("max_attempts", &f.max_attempts);
            e.put("backoff_base_secs", &f.backoff_base_secs);
            e.put("retry_after_cap_secs", &f.retry_after_cap_secs);
            e.put("time_budget_secs", &f.time_budget_secs);
            e.put("failure_threshold", &f.failure_threshold);
            e.put("park_after_failures", &f.park_after_failures);
            e.put("tracking_params", &f.tracking_params);
            e.put("warc_file_bytes", &f.warc_file_bytes);
            e.unknown(&f.unknown);
            Table::new(f.style, e).emit("fetch", "fetch", &mut root, &mut headers);
        }
        if let Some(c) = &self.clean {
            let mut e = Entries::default();
            e.put("builtin_rules", &c.builtin_rules);
            e.put("max_input_bytes", &c.max_input_bytes);
            e.unknown(&c.unknown);
            let mut clean = Table::new(c.style, e);
            if let Some(r) = &c.rules {
                clean.children.push(("rules", rules_table(r)));
            }
            if let Some(t) = &c.text {
                let mut e = Entries::default();
                e.put("templates", &t.templates);
                e.put("length_low", &t.length_low);
                e.put("length_high", &t.length_high);
                e.put("stopwords_low", &t.stopwords_low);
                e.put("stopwords_high", &t.stopwords_high);
                e.put("region", &t.region);
                e.put("fill", &t.fill);
                e.put("bad_weight", &t.bad_weight);
                e.put("fill_bad", &t.fill_bad);
                e.put("max_gap", &t.max_gap);
                e.put("min_repeat_chars", &t.min_repeat_chars);
                e.put("position_decay", &t.position_decay);
                e.put("isolated_weight", &t.isolated_weight);
                e.put("item_weight", &t.item_weight);
                e.put("island_gap", &t.island_gap);
                e.put("island_share", &t.island_share);
                e.put("learned", &t.learned);
                e.unknown(&t.unknown);
                clean.children.push(("text", Table::new(t.style, e)));
            }
            if let Some(h) = &c.html {
                let mut e = Entries::default();
                e.put("builtin_furniture", &h.builtin_furniture);
                e.put("drop_words", &h.drop_words);
                e.put("keep_words", &h.keep_words);
                e.put("comments", &h.comments);
                e.put("learned", &h.learned);
                e.unknown(&h.unknown);
                let mut html = Table::new(h.style, e);
                for (name, list, style) in [
                    ("drop_selectors", &h.drop_selectors, h.drop_style),
                    ("keep_selectors", &h.keep_selectors, h.keep_style),
                ] {
                    if list.is_empty() {
                        continue;
                    }
                    let mut e = Entries::default();
                    let mut seen = std::collections::HashSet::new();
                    for (host, sels) in list.iter().take(4) {
                        let host = host.render();
                        if seen.insert(host.clone()) {
                            e.0.push((host, sels.render()));
                        }
                    }
                    html.children.push((name, Table::new(style, e)));
                }
                clean.children.push(("html", html));
            }
            clean.emit("clean", "clean", &mut root, &mut headers);
        }
        for (kind, list) in [("sources.files", &self.files), ("sources.warc", &self.warc)] {
            for f in list.iter().take(4) {
                let mut e = Entries::default();
                e.put("name", &f.name);
                e.put("paths", &f.paths);
                e.unknown(&f.unknown);
                Table::new(Style::Header, e).emit_element(kind, &mut headers);
            }
        }
        for s in self.web.iter().take(4) {
            let mut e = Entries::default();
            e.put("name", &s.name);
            e.put("seeds", &s.seeds);
            e.put("sitemaps", &s.sitemaps);
            e.put("feeds", &s.feeds);
            e.put("discover_sitemaps", &s.discover_sitemaps);
            e.put("include", &s.include);
            e.put("exclude", &s.exclude);
            e.put("follow_links", &s.follow_links);
            e.put("max_depth", &s.max_depth);
            e.put("max_pages", &s.max_pages);
            e.put("delay_secs", &s.delay_secs);
            e.put("concurrency", &s.concurrency);
            e.put("hosts", &s.hosts);
            e.unknown(&s.unknown);
            let mut site = Table::new(Style::Header, e);
            if let Some(r) = &s.rules {
                site.children.push(("rules", rules_table(r)));
            }
            site.emit_element("sources.web", &mut headers);
        }
        root + &headers.concat()
    }
}
