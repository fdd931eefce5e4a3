//! Config text through gleaner's validation (`gleaner::config::from_text`, the checks
//! `LoadedConfig::load` makes), and, when it validates, the runtime pieces a run builds
//! from it: the cleaner (`Cleaner::new`, once per site with the site's rules, then
//! used on a small page), every duration getter added to the clock (the run's deadline
//! is `now + time_budget`), the backoff arithmetic, the semaphores sized by the
//! concurrency settings, each site's `Scope` and its normalised seeds.
//!
//! Each input is used twice: as TOML text as it is, and as the randomness of a
//! generator that writes a config from the real tables and keys (as `[table]` headers,
//! dotted keys or inline tables), with values usually of the right type but extreme
//! (1e20, 1e300, inf, nan, -0.0, negative, u64::MAX, u32::MAX + 1, a year and a second,
//! 0x hex, 1_000), sometimes of the wrong type, plus unknown keys.
//!
//! Properties: validation returns, never panics; a config it accepts never panics or
//! fails while the run's pieces are built from it.
#![no_main]

mod common;

use arbitrary::{Arbitrary, Unstructured};
use common::{Href, Text};
use gleaner::config::{from_text, Config};
use gleaner::sources::web::{normalise, Scope, MAX_SECS};
use gleaner_clean::{CleanConfig, Cleaner, Hints};
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::time::Instant;

// ---- values ----------------------------------------------------------------------

#[derive(Arbitrary, Debug)]
enum Int {
    Small(u8),
    Any(i64),
    Zero,
    One,
    MinusOne,
    U64Max,
    I64Max,
    I64Min,
    U32Max,
    U32MaxPlusOne,
    Hundred,
    HundredOne,
    Limit,
    LimitPlusOne,
    Hex(u32),
    Underscored(u32),
    Big(u64),
}

impl Int {
    fn render(&self) -> String {
        match self {
            Int::Small(n) => n.to_string(),
            Int::Any(n) => n.to_string(),
            Int::Zero => "0".into(),
            Int::One => "1".into(),
            Int::MinusOne => "-1".into(),
            Int::U64Max => u64::MAX.to_string(),
            Int::I64Max => i64::MAX.to_string(),
            Int::I64Min => i64::MIN.to_string(),
            Int::U32Max => u32::MAX.to_string(),
            Int::U32MaxPlusOne => (u64::from(u32::MAX) + 1).to_string(),
            Int::Hundred => "100".into(),
            Int::HundredOne => "101".into(),
            Int::Limit => "100000".into(),
            Int::LimitPlusOne => "100001".into(),
            Int::Hex(n) => format!("0x{n:x}"),
            Int::Underscored(n) => {
                let s = n.to_string();
                let mut out = String::new();
                for (i, c) in s.chars().enumerate() {
                    if i > 0 && (s.len() - i) % 3 == 0 {
                        out.push('_');
                    }
                    out.push(c);
                }
                out
            }
            Int::Big(n) => n.to_string(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Float {
    Small(u8),
    Any(f64),
    Zero,
    NegZero,
    Tiny,
    Huge,
    Huger,
    Inf,
    NegInf,
    Nan,
    NegNan,
    Negative,
    Year,
    YearAndASecond,
    JustUnderAYear,
    IntForm(i64),
    Exponent(i16),
}

fn toml_float(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{f:?}")
    }
}

impl Float {
    fn render(&self) -> String {
        match self {
            Float::Small(n) => toml_float(f64::from(*n) / 4.0),
            Float::Any(f) => toml_float(*f),
            Float::Zero => "0.0".into(),
            Float::NegZero => "-0.0".into(),
            Float::Tiny => "5e-324".into(),
            Float::Huge => "1e20".into(),
            Float::Huger => "1e300".into(),
            Float::Inf => "inf".into(),
            Float::NegInf => "-inf".into(),
            Float::Nan => "nan".into(),
            Float::NegNan => "-nan".into(),
            Float::Negative => "-1.5".into(),
            Float::Year => toml_float(MAX_SECS),
            Float::YearAndASecond => toml_float(MAX_SECS + 1.0),
            Float::JustUnderAYear => toml_float(MAX_SECS - 1e-6),
            Float::IntForm(n) => n.to_string(),
            Float::Exponent(e) => format!("1e{e}"),
        }
    }
}

/// A value of the key's type, usually (31 times in 32: a config has a few dozen keys,
/// and one value of the wrong type stops its validation before the checks that matter);
/// sometimes anything at all.
#[derive(Debug)]
enum V<T> {
    Fit(T),
    Wrong(Any),
}

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for V<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(if u8::arbitrary(u)? < 248 {
            V::Fit(T::arbitrary(u)?)
        } else {
            V::Wrong(Any::arbitrary(u)?)
        })
    }
}

#[derive(Arbitrary, Debug)]
enum Any {
    Int(Int),
    Float(Float),
    Bool(bool),
    Str(Text),
    List(Vec<Text>),
    EmptyTable,
    Date,
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn toml_list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.take(16).map(|s| toml_str(&s)).collect();
    format!("[{}]", items.join(", "))
}

impl Any {
    fn render(&self) -> String {
        match self {
            Any::Int(i) => i.render(),
            Any::Float(f) => f.render(),
            Any::Bool(b) => b.to_string(),
            Any::Str(t) => toml_str(&t.render()),
            Any::List(l) => toml_list(l.iter().map(Text::render)),
            Any::EmptyTable => "{}".into(),
            Any::Date => "1979-05-27T07:32:00Z".into(),
        }
    }
}

trait Render {
    fn render(&self) -> String;
}

impl Render for Int {
    fn render(&self) -> String {
        Int::render(self)
    }
}
impl Render for Float {
    fn render(&self) -> String {
        Float::render(self)
    }
}
impl Render for bool {
    fn render(&self) -> String {
        self.to_string()
    }
}
impl Render for Text {
    fn render(&self) -> String {
        toml_str(&Text::render(self))
    }
}

/// A list of strings: URLs, regexes, selectors or any text.
#[derive(Arbitrary, Debug)]
struct Urls(Vec<Href>);
#[derive(Arbitrary, Debug)]
struct Patterns(Vec<Pattern>);
#[derive(Arbitrary, Debug)]
struct Selectors(Vec<Selector>);
#[derive(Arbitrary, Debug)]
struct Texts(Vec<Text>);

impl Render for Urls {
    fn render(&self) -> String {
        toml_list(self.0.iter().map(Href::render))
    }
}
impl Render for Patterns {
    fn render(&self) -> String {
        toml_list(self.0.iter().map(Pattern::render))
    }
}
impl Render for Selectors {
    fn render(&self) -> String {
        toml_list(self.0.iter().map(Selector::render))
    }
}
impl Render for Texts {
    fn render(&self) -> String {
        toml_list(self.0.iter().map(Text::render))
    }
}

impl<T: Render> V<T> {
    fn render(&self) -> String {
        match self {
            V::Fit(t) => t.render(),
            V::Wrong(a) => a.render(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Pattern {
    Word,
    Anchored,
    Class,
    Unicode,
    Repeat(u32),
    NestedRepeat(u16, u16),
    Unbalanced,
    BadEscape,
    Text(Text),
}

impl Pattern {
    fn render(&self) -> String {
        match self {
            Pattern::Word => "Subscribe".into(),
            Pattern::Anchored => "^(Share|Tweet)$".into(),
            Pattern::Class => "[A-Z][a-z]+ \\d{1,2}, \\d{4}".into(),
            Pattern::Unicode => "\\p{Greek}+|\\w+ü".into(),
            Pattern::Repeat(n) => format!("a{{{n}}}"),
            Pattern::NestedRepeat(a, b) => format!("(a{{{a}}}){{{b}}}"),
            Pattern::Unbalanced => "(oops".into(),
            Pattern::BadEscape => "\\".into(),
            Pattern::Text(t) => t.render(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Selector {
    Class,
    Id,
    Descendant,
    Attr,
    Not,
    NthChild,
    Bad,
    Empty,
    Text(Text),
}

impl Selector {
    fn render(&self) -> String {
        match self {
            Selector::Class => ".promo".into(),
            Selector::Id => "#newsletter".into(),
            Selector::Descendant => "div.post-body > p".into(),
            Selector::Attr => "a[href^=\"http\"]".into(),
            Selector::Not => "div:not(.keep)".into(),
            Selector::NthChild => "li:nth-child(2n+1)".into(),
            Selector::Bad => "div[[".into(),
            Selector::Empty => String::new(),
            Selector::Text(t) => t.render(),
        }
    }
}

// ---- tables ----------------------------------------------------------------------

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
    unknown: Unknown,
}

#[derive(Arbitrary, Debug)]
struct Html {
    style: Style,
    builtin_furniture: Option<V<bool>>,
    drop_words: Option<V<Texts>>,
    keep_words: Option<V<Texts>>,
    comments: Option<V<bool>>,
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

#[derive(Arbitrary, Debug)]
struct Doc {
    store: Option<Store>,
    files: Vec<Files>,
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
    fn render(&self) -> String {
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
                e.unknown(&t.unknown);
                clean.children.push(("text", Table::new(t.style, e)));
            }
            if let Some(h) = &c.html {
                let mut e = Entries::default();
                e.put("builtin_furniture", &h.builtin_furniture);
                e.put("drop_words", &h.drop_words);
                e.put("keep_words", &h.keep_words);
                e.put("comments", &h.comments);
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
        for f in self.files.iter().take(4) {
            let mut e = Entries::default();
            e.put("name", &f.name);
            e.put("paths", &f.paths);
            e.unknown(&f.unknown);
            Table::new(Style::Header, e).emit_element("sources.files", &mut headers);
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

// ---- the run's pieces --------------------------------------------------------------

const PAGE: &[u8] = b"<!doctype html><html lang=en><head><title>A headline | Example</title>\
<meta property=\"article:published_time\" content=\"2024-03-05T10:00:00Z\"></head><body>\
<nav><a href=\"/\">Home</a> <a href=\"/about\">About</a></nav><article><h1>A headline</h1>\
<p>The first paragraph of the article holds enough words to be prose, and the cleaner keeps \
it as the main content of the page.</p><p>Subscribe to our newsletter</p>\
<p>The second paragraph is here too, so that the article is long enough to be chosen over \
the navigation.</p></article><footer>Copyright 2024</footer></body></html>";

const DUMP: &[u8] = b"Home | News | Sport\nA headline\n\nThe first paragraph of the article \
holds enough words to be prose, and the cleaner keeps it as the main content.\nShare this \
article\nThe second paragraph is here too, with the words a sentence needs to be kept.\n\
Copyright 2024\n";

fn default_cleaner() -> &'static Cleaner {
    static C: OnceLock<Cleaner> = OnceLock::new();
    C.get_or_init(|| Cleaner::new(&CleanConfig::default()).expect("default cleaner"))
}

fn with_cleaner(cfg: &CleanConfig, what: &str, f: impl FnOnce(&Cleaner)) {
    if *cfg == CleanConfig::default() {
        f(default_cleaner());
    } else {
        let c = Cleaner::new(cfg)
            .unwrap_or_else(|e| panic!("a validated config's {what} does not build: {e}"));
        f(&c);
    }
}

fn use_cleaner(c: &Cleaner) {
    let hints = Hints::default().with_url("https://example.org/2024/03/05/a-headline");
    let _ = c.clean(PAGE, &hints);
    let _ = c.clean(DUMP, &Hints::default().with_content_type("text/plain"));
    let _ = c.template_lines(PAGE, &hints);
}

/// What `Host::new`, the deadline, the retry loop and the politeness gate do with the
/// config's numbers.
fn run_pieces(config: &Config) {
    with_cleaner(&config.clean, "[clean]", use_cleaner);
    let f = &config.fetch;
    let now = Instant::now();
    for d in [
        f.connect_timeout(),
        f.response_timeout(),
        f.read_stall(),
        f.backoff_base(),
        f.retry_after_cap(),
        f.time_budget(),
    ] {
        assert!(d.as_secs_f64() <= MAX_SECS, "{d:?} over a year");
        let _ = now + d;
    }
    // The run's deadline and the grace after it.
    let deadline = now + f.time_budget();
    let _ = deadline + Duration::from_secs(5);
    // Backoff: base * 2^(n-1) * [0.5, 1.5), for every attempt allowed.
    for attempt in 1..=f.max_attempts {
        let exp = f
            .backoff_base()
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let secs = exp.as_secs_f64() * 1.5;
        let d = Duration::try_from_secs_f64(secs.min(MAX_SECS)).unwrap_or(Duration::ZERO);
        let _ = now + d;
    }
    let _ = tokio::sync::Semaphore::new(f.concurrency);
    let _ = usize::try_from(f.max_body_bytes);
    let _ = f.max_decompressed_bytes.saturating_mul(4);

    for site in &config.sources.web {
        let mut clean = config.clean.clone();
        clean.rules.extend(site.rules.clone());
        with_cleaner(&clean, "[clean] with a site's rules", |c| {
            let _ = c.clean(PAGE, &Hints::default());
        });
        let scope = Scope::new(site)
            .unwrap_or_else(|e| panic!("a validated site's scope does not build: {e}"));
        let _ = tokio::sync::Semaphore::new(site.concurrency);
        let _ = now + site.delay();
        for u in site.seeds.iter().chain(&site.sitemaps).chain(&site.feeds) {
            if let Some(n) = normalise(u, None, &f.tracking_params) {
                let _ = scope.allows(&n);
                if let Ok(s) = n.join("/sitemap.xml") {
                    let _ = scope.has_host(&s);
                }
            }
        }
    }
}

fn check(text: &str) {
    let result = from_text(text, Path::new("fuzz.toml"));
    if common::debug() {
        eprintln!(
            "---- config ----\n{text}\n---- {:?}",
            result.as_ref().map(|_| "valid")
        );
    }
    if let Ok(config) = result {
        run_pieces(&config);
    }
}

fuzz_target!(|data: &[u8]| {
    check(&String::from_utf8_lossy(data));
    if let Ok(doc) = Doc::arbitrary(&mut Unstructured::new(data)) {
        check(&doc.render());
    }
});
