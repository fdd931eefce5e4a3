//! HTML to visible block text, one block per line, plus the page's declared metadata.
//!
//! Structure that is never article text (scripts, navigation, headers, footers, asides,
//! forms, hidden elements) is dropped here; what remains goes to the text cleaner.

use crate::document::Metadata;
use ego_tree::NodeRef;
use scraper::{Html, Node, Selector};

/// Elements whose whole subtree is never main text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "head",
    "nav", "header", "footer", "aside", "form", "button", "select", "textarea", "dialog",
];

/// Elements that start and end a line of text.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "blockquote",
    "body",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hgroup",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "th",
    "tr",
    "ul",
];

/// Deep documents are walked iteratively, but we still stop descending past this depth:
/// nothing readable lives 2,000 elements down, and the cap keeps hostile pages cheap.
const MAX_DEPTH: usize = 2_000;

/// The visible text of `html`, one block per line, and what its `<head>` declares.
pub fn to_lines(html: &str) -> (String, Metadata) {
    let doc = Html::parse_document(html);
    let meta = metadata(&doc);
    let mut out = String::with_capacity(html.len() / 4);
    walk(doc.tree.root(), &mut out);
    (out, meta)
}

fn walk(root: NodeRef<'_, Node>, out: &mut String) {
    // Explicit stack instead of recursion: 10,000-deep nesting must not overflow.
    enum Step<'a> {
        Enter(NodeRef<'a, Node>, usize),
        Close,
    }
    let mut stack = vec![Step::Enter(root, 0)];
    while let Some(step) = stack.pop() {
        let (node, depth) = match step {
            Step::Close => {
                newline(out);
                continue;
            }
            Step::Enter(node, depth) => (node, depth),
        };
        match node.value() {
            Node::Text(t) => push_text(out, t),
            Node::Element(el) => {
                let name = el.name();
                if SKIP.contains(&name) || is_hidden(el) || depth > MAX_DEPTH {
                    continue;
                }
                if name == "br" {
                    newline(out);
                    continue;
                }
                if name == "img" {
                    continue;
                }
                let block = BLOCK.contains(&name);
                if block {
                    newline(out);
                    stack.push(Step::Close);
                }
                let children: Vec<_> = node.children().collect();
                for child in children.into_iter().rev() {
                    stack.push(Step::Enter(child, depth + 1));
                }
            }
            Node::Document | Node::Fragment => {
                for child in node.children().collect::<Vec<_>>().into_iter().rev() {
                    stack.push(Step::Enter(child, depth + 1));
                }
            }
            _ => {}
        }
    }
    newline(out);
}

fn is_hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let s = s.to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Appends text with whitespace collapsed, so each output line is one clean block.
fn push_text(out: &mut String, text: &str) {
    for (i, word) in text.split_whitespace().enumerate() {
        let at_line_start = out.is_empty() || out.ends_with('\n');
        if (i > 0 || text.starts_with(char::is_whitespace)) && !at_line_start && !out.ends_with(' ')
        {
            out.push(' ');
        }
        out.push_str(word);
    }
    if text.ends_with(char::is_whitespace) && !out.is_empty() && !out.ends_with(['\n', ' ']) {
        out.push(' ');
    }
}

fn newline(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn metadata(doc: &Html) -> Metadata {
    let meta = |attr: &str, names: &[&str]| -> Option<String> {
        names.iter().find_map(|n| {
            let sel = Selector::parse(&format!("meta[{attr}=\"{n}\"]")).ok()?;
            doc.select(&sel)
                .find_map(|m| m.attr("content").map(clean_space))
                .filter(|s| !s.is_empty())
        })
    };
    let first = |css: &str, attr: Option<&str>| -> Option<String> {
        let sel = Selector::parse(css).ok()?;
        let el = doc.select(&sel).next()?;
        let v = match attr {
            Some(a) => el.attr(a)?.to_string(),
            None => el.text().collect::<String>(),
        };
        Some(clean_space(&v)).filter(|s| !s.is_empty())
    };
    let url = first("link[rel=canonical]", Some("href")).or_else(|| meta("property", &["og:url"]));
    Metadata {
        title: meta("property", &["og:title"])
            .or_else(|| meta("name", &["twitter:title"]))
            .or_else(|| first("title", None)),
        authors: meta("name", &["author"]).into_iter().collect(),
        date: meta("property", &["article:published_time", "og:published_time"])
            .or_else(|| meta("name", &["date", "pubdate", "publish-date"])),
        date_modified: meta("property", &["article:modified_time", "og:updated_time"]),
        sitename: meta("property", &["og:site_name"]),
        hostname: url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string)),
        url,
        language: first("html", Some("lang")),
        description: meta("property", &["og:description"])
            .or_else(|| meta("name", &["description"])),
        tags: Vec::new(),
        image: meta("property", &["og:image"]),
    }
}

fn clean_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_lines_and_furniture_goes() {
        let (text, meta) = to_lines(
            r#"<html lang="en"><head><title>T</title><link rel="canonical" href="https://ex.com/a">
            </head><body><nav>Home News</nav><h1>Headline</h1><p>One <b>bold</b> word.</p>
            <div style="display: none">hidden</div><p>Two<br>lines</p><footer>foot</footer>
            <script>var x;</script></body></html>"#,
        );
        assert_eq!(text, "Headline\nOne bold word.\nTwo\nlines\n");
        assert_eq!(meta.title.as_deref(), Some("T"));
        assert_eq!(meta.language.as_deref(), Some("en"));
        assert_eq!(meta.hostname.as_deref(), Some("ex.com"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = format!("{}text{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
        let (text, _) = to_lines(&html);
        assert!(text.len() < 100);
    }
}
