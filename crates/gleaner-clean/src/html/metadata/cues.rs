//! What the words of a page say about a line: whether it holds a year, whether it labels
//! a date as a publication or an update, whether it leads a byline ("By", "Von",
//! "Written by"), whether a link points to a person's page.

use scraper::node::Element;

use super::place::attr;

/// What a date is said to be, by its label ("Updated …") or its class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Label {
    Unlabelled,
    Published,
    Updated,
}

/// A four-digit run that reads as a year of the web's era (19xx or 20xx).
pub(super) fn has_year(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(4).enumerate().any(|(i, w)| {
        w.iter().all(u8::is_ascii_digit)
            && matches!(w, [b'1', b'9', ..] | [b'2', b'0', ..])
            && !(i > 0 && b.get(i - 1).is_some_and(u8::is_ascii_digit))
            && !b.get(i + 4).is_some_and(u8::is_ascii_digit)
    })
}

/// What a line of text says its date is.
pub(super) fn label_of(text: &str) -> Label {
    if text.len() > 400 {
        return Label::Unlabelled;
    }
    let t = text.to_lowercase();
    let any = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if any(&[
        "updated",
        "modified",
        "aktualisiert",
        "geändert",
        "mis à jour",
        "actualizado",
        "aggiornato",
        "bijgewerkt",
        "atualizado",
        "edited",
        "revised",
        "last reviewed",
    ]) {
        Label::Updated
    } else if any(&[
        "publish",
        "posted",
        "veröffentlicht",
        "publié",
        "publicado",
        "pubblicato",
        "gepubliceerd",
        "erschienen",
        "publiziert",
        "written",
        "created",
    ]) {
        Label::Published
    } else {
        Label::Unlabelled
    }
}

/// Words that lead a byline: "By Jane Doe", "Von Max Muster".
pub(super) const BYLINE_LEADS: &[&str] = &[
    "by",
    "written by",
    "posted by",
    "words by",
    "story by",
    "text by",
    "article by",
    "author",
    "authors",
    "von",
    "text von",
    "autor",
    "autorin",
    "verfasst von",
    "geschrieben von",
    "par",
    "écrit par",
    "por",
    "escrito por",
    "di",
    "scritto da",
    "door",
    "geschreven door",
];

/// The name after a byline lead ("By Jane" → "Jane"; "By" alone → ""), or `None` when
/// the text does not open with one.
pub(super) fn after_lead(text: &str) -> Option<&str> {
    lead_of(text).map(|(_, rest)| rest)
}

/// The byline lead `text` opens with (the longest that fits) and what follows it.
pub(super) fn lead_of(text: &str) -> Option<(&'static str, &str)> {
    let t = text.trim_start();
    // Most lines open with no lead's first letter: a cheap test before the list.
    let first = t.bytes().next()?.to_ascii_lowercase();
    if !BYLINE_LEADS
        .iter()
        .any(|l| l.as_bytes().first() == Some(&first))
    {
        return None;
    }
    let mut best: Option<(&'static str, &str)> = None;
    for lead in BYLINE_LEADS {
        let Some(head) = t.get(..lead.len()) else {
            continue;
        };
        if !head.eq_ignore_ascii_case(lead) {
            continue;
        }
        let Some(rest) = t.get(lead.len()..) else {
            continue;
        };
        // The lead must end at a word boundary: "Bypass" is no byline.
        if rest.chars().next().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let rest = rest.trim_start_matches([':', ' ', '\u{a0}', '-', '–', '|']);
        if best.is_none_or(|(_, b)| rest.len() < b.len()) {
            best = Some((lead, rest));
        }
    }
    best
}

/// A lead that says what follows is the author ("Written by", "Author:"), unlike a bare
/// "by", which prose uses too.
pub(super) fn strong_lead(lead: &str) -> bool {
    lead.contains(' ') || lead.starts_with("aut")
}

/// Words in a link's address that make it a link to a person's page.
const AUTHOR_HREF: &[&str] = &[
    "author",
    "autor",
    "auteur",
    "user",
    "member",
    "profile",
    "people",
    "person",
    "staff",
    "writer",
    "contributor",
    "team",
    "expert",
    "journalist",
    "redakteur",
    "/u/",
    "/by/",
    "/@",
];

/// A link to an author's page: `rel=author`, or an address naming people. Other links
/// in a byline (the permalink, the category, "Email") are not names.
pub(super) fn is_author_link(el: &Element) -> bool {
    if el.name() != "a" {
        return false;
    }
    if attr(el, "rel").is_some_and(|r| r.split_whitespace().any(|r| r == "author")) {
        return true;
    }
    attr(el, "href").is_some_and(|h| {
        let h = h.to_ascii_lowercase();
        !h.starts_with("mailto:") && AUTHOR_HREF.iter().any(|w| h.contains(w))
    })
}

/// Whether what follows "By" reads as a name: capitalised, or one token (a user name).
/// "By submitting this form, you agree" is prose.
pub(super) fn looks_named(rest: &str) -> bool {
    rest.chars().next().is_some_and(char::is_uppercase) || rest.split_whitespace().count() == 1
}

/// A heading's text without the permalink marks documentation generators append
/// ("Quickstart¶", "Install #").
pub(super) fn heading_text(t: &str) -> String {
    t.trim_end_matches(|c: char| matches!(c, '¶' | '§' | '#' | '🔗') || c.is_whitespace())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byline_leads() {
        assert_eq!(after_lead("By Jane Doe"), Some("Jane Doe"));
        assert_eq!(after_lead("Written by: Jane"), Some("Jane"));
        assert_eq!(after_lead("Von Max Muster"), Some("Max Muster"));
        assert_eq!(after_lead("by"), Some(""));
        assert_eq!(after_lead("Bypass surgery"), None);
        assert_eq!(after_lead("Porsche"), None);
    }

    #[test]
    fn years_of_the_web() {
        assert!(has_year("March 5, 2024"));
        assert!(has_year("2019-08-16T00:00"));
        assert!(!has_year("12345 people"));
        assert!(!has_year("Call 1800 555"));
        assert!(!has_year("no digits"));
    }
}
