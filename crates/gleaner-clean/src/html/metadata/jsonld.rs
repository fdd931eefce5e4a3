//! JSON-LD: the page's own description of its main item, flattened to the objects that can
//! be it (top-level objects, `@graph` members, and what a page's `mainEntity` names), with
//! `@id` references resolvable.
//!
//! Items nested elsewhere (an `ItemList` of teasers, a `review` of a product) are not
//! flattened: on a listing page they are other articles, whose dates and authors are not
//! the page's.

use serde_json::{Map, Value};

pub(super) type LdObject = Map<String, Value>;

/// How many objects a page may contribute: a cap against pathological `@graph`s.
const MAX_OBJECTS: usize = 128;

/// The objects of every JSON-LD block, in page order.
pub(super) fn flatten(blocks: &[Value]) -> Vec<&LdObject> {
    let mut out = Vec::new();
    for v in blocks {
        let mut stack = vec![v];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(a) => stack.extend(a.iter().rev()),
                Value::Object(o) => {
                    out.push(o);
                    // Pushed after, popped first: the graph's members follow their holder.
                    for key in ["mainEntity", "@graph"] {
                        if let Some(inner) = o.get(key) {
                            stack.push(inner);
                        }
                    }
                }
                _ => {}
            }
            if out.len() >= MAX_OBJECTS {
                return out;
            }
        }
    }
    out
}

/// The object's `@type`s, without a vocabulary prefix (`schema:Article`,
/// `http://schema.org/Article` → `Article`).
pub(super) fn types(o: &LdObject) -> impl Iterator<Item = &str> {
    let list: &[Value] = match o.get("@type") {
        Some(Value::Array(a)) => a,
        Some(v @ Value::String(_)) => std::slice::from_ref(v),
        _ => &[],
    };
    list.iter()
        .filter_map(Value::as_str)
        .map(|t| t.rsplit(['/', ':', '#']).next().unwrap_or(t))
}

/// How well an object's type marks it as the page's main item: articles and posts first,
/// then the other single-item types, then a page.
fn main_rank(o: &LdObject) -> Option<u8> {
    types(o)
        .filter_map(|t| {
            if t.ends_with("Article") || t.ends_with("Posting") || t == "Report" {
                Some(0)
            } else if matches!(
                t,
                "Question" | "Recipe" | "Review" | "Product" | "HowTo" | "Course"
            ) {
                Some(1)
            } else if t.ends_with("Page") {
                Some(2)
            } else {
                None
            }
        })
        .min()
}

/// The page's main item: the first object of the best rank.
pub(super) fn main_item<'a>(objs: &[&'a LdObject]) -> Option<&'a LdObject> {
    let mut best: Option<(u8, &LdObject)> = None;
    for o in objs {
        if let Some(r) = main_rank(o) {
            if best.is_none_or(|(b, _)| r < b) {
                best = Some((r, o));
            }
        }
    }
    best.map(|(_, o)| o)
}

/// A text field: a string, or the `key` of an object, or the first such of an array.
pub(super) fn text(v: Option<&Value>, key: &str) -> Option<String> {
    match v? {
        Value::String(s) => Some(decode_entities(s)).filter(|s| !s.is_empty()),
        Value::Object(o) => text(o.get(key), key),
        Value::Array(a) => a.iter().find_map(|x| text(Some(x), key)),
        _ => None,
    }
}

/// One person's (or organisation's) name: `name`, else `givenName familyName`.
fn name_of(v: &Value, objs: &[&LdObject]) -> Option<(String, bool)> {
    match v {
        Value::String(s) => Some((decode_entities(s), false)),
        Value::Object(o) => {
            let o = if o.contains_key("name") || o.contains_key("givenName") {
                o
            } else {
                let id = o.get("@id").and_then(Value::as_str)?;
                objs.iter().find(|x| {
                    x.get("@id").and_then(Value::as_str) == Some(id)
                        && (x.contains_key("name") || x.contains_key("givenName"))
                })?
            };
            let org = types(o).any(|t| t == "Organization" || t.ends_with("Organization"));
            let name = text(o.get("name"), "name").or_else(|| {
                let given = text(o.get("givenName"), "name")?;
                let family = text(o.get("familyName"), "name").unwrap_or_default();
                Some(format!("{given} {family}"))
            })?;
            Some((clean(&name), org))
        }
        _ => None,
    }
}

/// The names an `author` (or `creator`) field gives, in order, each with whether it is
/// typed as an organisation.
pub(super) fn names(v: Option<&Value>, objs: &[&LdObject]) -> Vec<(String, bool)> {
    let list: &[Value] = match v {
        Some(Value::Array(a)) => a,
        Some(v) => std::slice::from_ref(v),
        None => &[],
    };
    list.iter()
        .take(12)
        .filter_map(|x| name_of(x, objs))
        .filter(|(n, _)| !n.is_empty())
        .collect()
}

fn clean(s: &str) -> String {
    super::clean_space(s)
}

/// JSON-LD sits in a raw-text `<script>`, so the parser leaves its entities alone:
/// `Maria &amp; Katerina`. The common named entities and all numeric ones are decoded.
pub(super) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return clean(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some((before, after)) = rest.split_once('&') {
        out.push_str(before);
        let decoded = after.split_once(';').and_then(|(name, tail)| {
            if name.len() > 10 {
                return None;
            }
            entity(name).map(|c| (c, tail))
        });
        match decoded {
            Some((c, tail)) => {
                out.push(c);
                rest = tail;
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    clean(&out)
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_decode_and_stray_ampersands_stay() {
        assert_eq!(decode_entities("Maria &amp; Katerina"), "Maria & Katerina");
        assert_eq!(
            decode_entities("It&#8217;s &#x41; &bogus; R&D"),
            "It’s A &bogus; R&D"
        );
        assert_eq!(decode_entities("a &"), "a &");
    }

    #[test]
    fn authors_by_reference_and_nested_main_entity() {
        let v: Value = serde_json::from_str(
            r##"{"@context":"https://schema.org","@graph":[
                {"@type":"WebPage","@id":"#page"},
                {"@type":"Article","author":{"@id":"#ann"},"headline":"H"},
                {"@type":"Person","@id":"#ann","name":"Ann &amp; Bob"}]}"##,
        )
        .unwrap();
        let blocks = [v];
        let objs = flatten(&blocks);
        let main = main_item(&objs).unwrap();
        assert_eq!(text(main.get("headline"), "name").as_deref(), Some("H"));
        assert_eq!(
            names(main.get("author"), &objs),
            [("Ann & Bob".to_string(), false)]
        );

        let v: Value = serde_json::from_str(
            r#"{"@type":"QAPage","mainEntity":{"@type":"Question","author":{"@type":"Person","name":"asker"}}}"#,
        )
        .unwrap();
        let blocks = [v];
        let objs = flatten(&blocks);
        let main = main_item(&objs).unwrap();
        assert_eq!(names(main.get("author"), &objs)[0].0, "asker");
    }
}
