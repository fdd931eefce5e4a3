//! Real pages with their head and attributes rewritten: JSON-LD (nested objects, arrays,
//! `@graph`, dates/authors/headlines as any string or number), `<meta>` dates, authors
//! and `og:*`, `<link rel=canonical>` (non-ASCII paths, /YYYY/MM/DD-like segments),
//! `<time datetime>` near the headline, `<html lang>`, bylines, and any attribute of any
//! element; cleaned with a URL and a Content-Type from the input. This reaches the
//! metadata code (dates, authors, titles, canonical URL) that a byte-level fuzzer
//! almost never does, since it needs well-formed markup around odd values.
//!
//! The cleaner must return, never panic.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use common::{attr_value, text_content, DateText, Href, Text};
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

#[derive(Arbitrary, Debug)]
enum Mutation {
    JsonLd {
        ld: Json,
        wrap: LdWrap,
        type_attr: LdTypeAttr,
        place: Place,
        truncate: Option<u16>,
    },
    Meta {
        key: MetaKey,
        attr: MetaAttr,
        content: Text,
        place: Place,
    },
    /// A date `<meta>`: the keys the metadata code reads dates from.
    DateMeta {
        key: DateKey,
        attr: MetaAttr,
        content: DateText,
        place: Place,
    },
    Canonical {
        href: Href,
        rel: Rel,
        place: Place,
    },
    Time {
        datetime: DateText,
        text: Text,
        place: Place,
    },
    Lang(Text),
    Title(Text),
    H1(Text),
    Byline {
        class: BylineClass,
        tag: Tag,
        text: Text,
        place: Place,
    },
    RelAuthor(Text, Place),
    /// Any attribute on the n-th element of the page (first, so it wins over the
    /// element's own attribute of that name).
    Attr {
        nth: u16,
        name: AttrName,
        value: Text,
    },
    /// Raw text anywhere (at a byte offset scaled to the page).
    Splice {
        at: u16,
        text: Text,
    },
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Place {
    HeadStart,
    HeadEnd,
    BodyStart,
    BodyEnd,
    BeforeH1,
    AfterH1,
    InArticle,
    InHeader,
    InFooter,
    InNav,
    InAsideInArticle,
}

#[derive(Arbitrary, Debug)]
enum LdWrap {
    Plain,
    Array,
    Graph,
    GraphWithContext,
}

#[derive(Arbitrary, Debug)]
enum LdTypeAttr {
    LdJson,
    Upper,
    WithCharset,
    Other(String),
}

/// JSON with the keys and `@type`s the metadata code looks for.
#[derive(Arbitrary, Debug)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Text),
    Date(DateText),
    Type(TypeName),
    Arr(Vec<Json>),
    Obj(Vec<(Key, Json)>),
}

#[derive(Arbitrary, Debug)]
enum Key {
    Type,
    Graph,
    Context,
    DatePublished,
    DateModified,
    DateCreated,
    Author,
    Headline,
    Name,
    Publisher,
    Keywords,
    Image,
    Url,
    InLanguage,
    Description,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum TypeName {
    Article,
    NewsArticle,
    BlogPosting,
    SocialMediaPosting,
    WebPage,
    WebSite,
    Person,
    Organization,
    Report,
    Product,
    QAPage,
    Question,
    Recipe,
    Review,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum MetaKey {
    ArticlePublishedTime,
    ArticleModifiedTime,
    OgPublishedTime,
    OgUpdatedTime,
    Date,
    PubDate,
    PublishDate,
    DcDate,
    DcDateIssued,
    DatePublished,
    DateModified,
    LastModified,
    ParselyPubDate,
    SailthruDate,
    Author,
    ArticleAuthor,
    DcCreator,
    ParselyAuthor,
    OgTitle,
    TwitterTitle,
    OgSiteName,
    ApplicationName,
    OgUrl,
    OgDescription,
    Description,
    OgImage,
    OgLocale,
    ArticleTag,
    ContentLanguage,
    Robots,
    Other(String),
}

impl MetaKey {
    fn name(&self) -> &str {
        match self {
            MetaKey::ArticlePublishedTime => "article:published_time",
            MetaKey::ArticleModifiedTime => "article:modified_time",
            MetaKey::OgPublishedTime => "og:published_time",
            MetaKey::OgUpdatedTime => "og:updated_time",
            MetaKey::Date => "date",
            MetaKey::PubDate => "pubdate",
            MetaKey::PublishDate => "publish-date",
            MetaKey::DcDate => "DC.date",
            MetaKey::DcDateIssued => "dc.date.issued",
            MetaKey::DatePublished => "datePublished",
            MetaKey::DateModified => "dateModified",
            MetaKey::LastModified => "last-modified",
            MetaKey::ParselyPubDate => "parsely-pub-date",
            MetaKey::SailthruDate => "sailthru.date",
            MetaKey::Author => "author",
            MetaKey::ArticleAuthor => "article:author",
            MetaKey::DcCreator => "dc.creator",
            MetaKey::ParselyAuthor => "parsely-author",
            MetaKey::OgTitle => "og:title",
            MetaKey::TwitterTitle => "twitter:title",
            MetaKey::OgSiteName => "og:site_name",
            MetaKey::ApplicationName => "application-name",
            MetaKey::OgUrl => "og:url",
            MetaKey::OgDescription => "og:description",
            MetaKey::Description => "description",
            MetaKey::OgImage => "og:image",
            MetaKey::OgLocale => "og:locale",
            MetaKey::ArticleTag => "article:tag",
            MetaKey::ContentLanguage => "content-language",
            MetaKey::Robots => "robots",
            MetaKey::Other(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum DateKey {
    ArticlePublishedTime,
    ArticleModifiedTime,
    OgPublishedTime,
    OgUpdatedTime,
    Date,
    PubDate,
    PublishDate,
    PublishUnderscoreDate,
    DcDate,
    DcDateIssued,
    DatePublished,
    DateModified,
    LastModified,
    ParselyPubDate,
    SailthruDate,
}

impl DateKey {
    fn name(&self) -> &'static str {
        match self {
            DateKey::ArticlePublishedTime => "article:published_time",
            DateKey::ArticleModifiedTime => "article:modified_time",
            DateKey::OgPublishedTime => "og:published_time",
            DateKey::OgUpdatedTime => "og:updated_time",
            DateKey::Date => "date",
            DateKey::PubDate => "pubdate",
            DateKey::PublishDate => "publish-date",
            DateKey::PublishUnderscoreDate => "publish_date",
            DateKey::DcDate => "DC.date",
            DateKey::DcDateIssued => "dc.date.issued",
            DateKey::DatePublished => "datePublished",
            DateKey::DateModified => "dateModified",
            DateKey::LastModified => "last-modified",
            DateKey::ParselyPubDate => "parsely-pub-date",
            DateKey::SailthruDate => "sailthru.date",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum MetaAttr {
    Property,
    Name,
    Itemprop,
    HttpEquiv,
}

#[derive(Arbitrary, Debug)]
enum Rel {
    Canonical,
    Upper,
    Spaced,
    Author,
}

#[derive(Arbitrary, Debug)]
enum BylineClass {
    Author,
    AuthorName,
    Byline,
    PostByline,
    Upper,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Tag {
    Span,
    Div,
    P,
    A,
    Address,
}

#[derive(Arbitrary, Debug)]
enum AttrName {
    Class,
    Id,
    Style,
    Href,
    Src,
    Lang,
    Rel,
    Itemprop,
    Role,
    AriaLabel,
    Datetime,
    Content,
    Property,
    Name,
    Type,
    Hidden,
    Other(String),
}

impl AttrName {
    fn name(&self) -> &str {
        match self {
            AttrName::Class => "class",
            AttrName::Id => "id",
            AttrName::Style => "style",
            AttrName::Href => "href",
            AttrName::Src => "src",
            AttrName::Lang => "lang",
            AttrName::Rel => "rel",
            AttrName::Itemprop => "itemprop",
            AttrName::Role => "role",
            AttrName::AriaLabel => "aria-label",
            AttrName::Datetime => "datetime",
            AttrName::Content => "content",
            AttrName::Property => "property",
            AttrName::Name => "name",
            AttrName::Type => "type",
            AttrName::Hidden => "hidden",
            AttrName::Other(s) => s,
        }
    }
}

impl Json {
    fn value(&self, depth: usize) -> serde_json::Value {
        use serde_json::Value;
        if depth > 40 {
            return Value::Null;
        }
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(*b),
            Json::Int(i) => Value::from(*i),
            Json::UInt(u) => Value::from(*u),
            // NaN and infinities have no JSON spelling: they become null.
            Json::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Json::Str(t) => Value::String(t.render()),
            Json::Date(d) => Value::String(d.render()),
            Json::Type(t) => Value::String(
                match t {
                    TypeName::Article => "Article",
                    TypeName::NewsArticle => "NewsArticle",
                    TypeName::BlogPosting => "BlogPosting",
                    TypeName::SocialMediaPosting => "SocialMediaPosting",
                    TypeName::WebPage => "WebPage",
                    TypeName::WebSite => "WebSite",
                    TypeName::Person => "Person",
                    TypeName::Organization => "Organization",
                    TypeName::Report => "Report",
                    TypeName::Product => "Product",
                    TypeName::QAPage => "QAPage",
                    TypeName::Question => "Question",
                    TypeName::Recipe => "Recipe",
                    TypeName::Review => "Review",
                    TypeName::Other(s) => s,
                }
                .to_string(),
            ),
            Json::Arr(a) => Value::Array(a.iter().take(64).map(|j| j.value(depth + 1)).collect()),
            Json::Obj(kv) => {
                let mut m = serde_json::Map::new();
                for (k, v) in kv.iter().take(32) {
                    let k = match k {
                        Key::Type => "@type",
                        Key::Graph => "@graph",
                        Key::Context => "@context",
                        Key::DatePublished => "datePublished",
                        Key::DateModified => "dateModified",
                        Key::DateCreated => "dateCreated",
                        Key::Author => "author",
                        Key::Headline => "headline",
                        Key::Name => "name",
                        Key::Publisher => "publisher",
                        Key::Keywords => "keywords",
                        Key::Image => "image",
                        Key::Url => "url",
                        Key::InLanguage => "inLanguage",
                        Key::Description => "description",
                        Key::Other(s) => s,
                    };
                    m.insert(k.to_string(), v.value(depth + 1));
                }
                Value::Object(m)
            }
        }
    }
}

/// The page being rewritten, as bytes (the charset pages are not UTF-8).
struct Page(Vec<u8>);

impl Page {
    fn find(&self, needle: &[u8]) -> Option<usize> {
        self.0
            .windows(needle.len())
            .position(|w| w.eq_ignore_ascii_case(needle))
    }

    /// Just after the `>` of the first tag starting with `open`.
    fn after_open(&self, open: &[u8]) -> Option<usize> {
        let at = self.find(open)?;
        let gt = self.0[at..].iter().position(|&b| b == b'>')?;
        Some(at + gt + 1)
    }

    fn at_place(&self, place: Place) -> usize {
        let end = self.0.len();
        match place {
            Place::HeadStart => self.after_open(b"<head").unwrap_or(0),
            Place::HeadEnd => self.find(b"</head").unwrap_or(0),
            Place::BodyStart | Place::InHeader | Place::InNav => {
                self.after_open(b"<body").unwrap_or(0)
            }
            Place::BodyEnd | Place::InFooter => self.find(b"</body").unwrap_or(end),
            Place::BeforeH1 => self.find(b"<h1").unwrap_or(end),
            Place::AfterH1 => self.find(b"</h1>").map_or(end, |i| i + 5),
            Place::InArticle | Place::InAsideInArticle => self
                .after_open(b"<article")
                .or_else(|| self.find(b"</h1>").map(|i| i + 5))
                .unwrap_or(end),
        }
    }

    fn insert(&mut self, place: Place, html: &str) {
        let wrapped = match place {
            Place::InHeader => format!("<header>{html}</header>"),
            Place::InFooter => format!("<footer>{html}</footer>"),
            Place::InNav => format!("<nav>{html}</nav>"),
            Place::InAsideInArticle => format!("<article><aside>{html}</aside></article>"),
            _ => html.to_string(),
        };
        let at = self.at_place(place);
        self.0.splice(at..at, wrapped.bytes());
    }

    /// Adds ` name="value"` right after the name of the n-th start tag.
    fn set_attr(&mut self, nth: u16, name: &str, value: &str) {
        let starts: Vec<usize> = self
            .0
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] == b'<' && w[1].is_ascii_alphabetic())
            .map(|(i, _)| i)
            .collect();
        if starts.is_empty() {
            return;
        }
        let start = starts[usize::from(nth) % starts.len()];
        let name_end = self.0[start + 1..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric() && *b != b'-')
            .map_or(self.0.len(), |p| start + 1 + p);
        let attr = format!(" {}=\"{}\"", attr_name(name), attr_value(value));
        self.0.splice(name_end..name_end, attr.bytes());
    }
}

/// An attribute name the tokenizer reads as one name.
fn attr_name(s: &str) -> String {
    let n: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '=' | '>' | '/' | '"' | '\'' | '<'))
        .collect();
    if n.is_empty() {
        "data-x".to_string()
    } else {
        n
    }
}

fn ld_script(ld: &Json, wrap: &LdWrap, type_attr: &LdTypeAttr, truncate: Option<u16>) -> String {
    let v = ld.value(0);
    let v = match wrap {
        LdWrap::Plain => v,
        LdWrap::Array => serde_json::Value::Array(vec![v]),
        LdWrap::Graph => serde_json::json!({ "@graph": [v] }),
        LdWrap::GraphWithContext => {
            serde_json::json!({ "@context": "https://schema.org", "@graph": v })
        }
    };
    let mut json = serde_json::to_string(&v).unwrap_or_default();
    if let Some(n) = truncate {
        let mut n = usize::from(n).min(json.len());
        while !json.is_char_boundary(n) {
            n -= 1;
        }
        json.truncate(n);
    }
    // Keep the script one script: `</script>` inside a string would end it.
    let json = json.replace("</", "<\\/");
    let t = match type_attr {
        LdTypeAttr::LdJson => "application/ld+json".to_string(),
        LdTypeAttr::Upper => "application/LD+JSON".to_string(),
        LdTypeAttr::WithCharset => "application/ld+json; charset=utf-8".to_string(),
        LdTypeAttr::Other(s) => attr_value(s),
    };
    format!("<script type=\"{t}\">{json}</script>")
}

fn meta(attr: &MetaAttr, key: &str, content: &str) -> String {
    let a = match attr {
        MetaAttr::Property => "property",
        MetaAttr::Name => "name",
        MetaAttr::Itemprop => "itemprop",
        MetaAttr::HttpEquiv => "http-equiv",
    };
    format!(
        "<meta {a}=\"{}\" content=\"{}\">",
        attr_value(key),
        attr_value(content)
    )
}

fn apply(page: &mut Page, m: &Mutation) {
    match m {
        Mutation::JsonLd {
            ld,
            wrap,
            type_attr,
            place,
            truncate,
        } => page.insert(*place, &ld_script(ld, wrap, type_attr, *truncate)),
        Mutation::Meta {
            key,
            attr,
            content,
            place,
        } => page.insert(*place, &meta(attr, key.name(), &content.render())),
        Mutation::DateMeta {
            key,
            attr,
            content,
            place,
        } => page.insert(*place, &meta(attr, key.name(), &content.render())),
        Mutation::Canonical { href, rel, place } => {
            let rel = match rel {
                Rel::Canonical => "canonical",
                Rel::Upper => "CANONICAL",
                Rel::Spaced => " canonical ",
                Rel::Author => "author",
            };
            let html = format!(
                "<link rel=\"{rel}\" href=\"{}\">",
                attr_value(&href.render())
            );
            page.insert(*place, &html);
        }
        Mutation::Time {
            datetime,
            text,
            place,
        } => {
            let html = format!(
                "<time datetime=\"{}\">{}</time>",
                attr_value(&datetime.render()),
                text_content(&text.render())
            );
            page.insert(*place, &html);
        }
        Mutation::Lang(l) => page.set_lang(&l.render()),
        Mutation::Title(t) => page.insert(
            Place::HeadStart,
            &format!("<title>{}</title>", text_content(&t.render())),
        ),
        Mutation::H1(t) => page.insert(
            Place::BeforeH1,
            &format!("<h1>{}</h1>", text_content(&t.render())),
        ),
        Mutation::Byline {
            class,
            tag,
            text,
            place,
        } => {
            let class = match class {
                BylineClass::Author => "author".to_string(),
                BylineClass::AuthorName => "meta author-name".to_string(),
                BylineClass::Byline => "byline".to_string(),
                BylineClass::PostByline => "post-byline__name".to_string(),
                BylineClass::Upper => "BYLINE Author".to_string(),
                BylineClass::Other(s) => attr_value(s),
            };
            let tag = match tag {
                Tag::Span => "span",
                Tag::Div => "div",
                Tag::P => "p",
                Tag::A => "a",
                Tag::Address => "address",
            };
            let html = format!(
                "<{tag} class=\"{class}\">{}</{tag}>",
                text_content(&text.render())
            );
            page.insert(*place, &html);
        }
        Mutation::RelAuthor(t, place) => {
            let html = format!(
                "<a rel=\"author\" href=\"/author\">{}</a>",
                text_content(&t.render())
            );
            page.insert(*place, &html);
        }
        Mutation::Attr { nth, name, value } => page.set_attr(*nth, name.name(), &value.render()),
        Mutation::Splice { at, text } => {
            let at = usize::from(*at) * page.0.len() / usize::from(u16::MAX);
            let at = at.min(page.0.len());
            page.0.splice(at..at, text.render().into_bytes());
        }
    }
}

impl Page {
    fn set_lang(&mut self, lang: &str) {
        match self.find(b"<html") {
            Some(at) => {
                let at = at + 5;
                let attr = format!(" lang=\"{}\"", attr_value(lang));
                self.0.splice(at..at, attr.bytes());
            }
            None => {
                let html = format!("<html lang=\"{}\">", attr_value(lang));
                self.0.splice(0..0, html.bytes());
            }
        }
    }
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
