//! The head and attribute mutations of the `clean_head` target, as `arbitrary` decodes
//! them: JSON-LD (nested objects, arrays, `@graph`, the keys and `@type`s the metadata
//! code looks for), `<meta>` keys and date keys, canonical links, `<time>`, bylines,
//! any attribute on any element, raw splices, and where each goes in the page.

use super::{DateText, Href, Text};
use arbitrary::Arbitrary;

#[derive(Arbitrary, Debug)]
pub enum Mutation {
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
pub enum Place {
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
pub enum LdWrap {
    Plain,
    Array,
    Graph,
    GraphWithContext,
}

#[derive(Arbitrary, Debug)]
pub enum LdTypeAttr {
    LdJson,
    Upper,
    WithCharset,
    Other(String),
}

/// JSON with the keys and `@type`s the metadata code looks for.
#[derive(Arbitrary, Debug)]
pub enum Json {
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
pub enum Key {
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
pub enum TypeName {
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
pub enum MetaKey {
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
    pub fn name(&self) -> &str {
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
pub enum DateKey {
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
    pub fn name(&self) -> &'static str {
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
pub enum MetaAttr {
    Property,
    Name,
    Itemprop,
    HttpEquiv,
}

#[derive(Arbitrary, Debug)]
pub enum Rel {
    Canonical,
    Upper,
    Spaced,
    Author,
}

#[derive(Arbitrary, Debug)]
pub enum BylineClass {
    Author,
    AuthorName,
    Byline,
    PostByline,
    Upper,
    Other(String),
}

#[derive(Arbitrary, Debug)]
pub enum Tag {
    Span,
    Div,
    P,
    A,
    Address,
}

#[derive(Arbitrary, Debug)]
pub enum AttrName {
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
    pub fn name(&self) -> &str {
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
    pub fn value(&self, depth: usize) -> serde_json::Value {
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
