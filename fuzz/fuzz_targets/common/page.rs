//! The page a `clean_head` input rewrites, and each [`Mutation`] applied to it as markup.

use super::head::{BylineClass, Json, LdTypeAttr, LdWrap, MetaAttr, Mutation, Place, Rel, Tag};
use super::{attr_value, text_content};

/// The page being rewritten, as bytes (the charset pages are not UTF-8).
pub struct Page(pub Vec<u8>);

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

pub fn apply(page: &mut Page, m: &Mutation) {
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
