//! Page-type signals that need no DOM: what a URL's path shape says, and whether a
//! title or heading says the page was not found. Shared by the HTML classifier
//! (`html::page_type`) and text dumps. Pure string work; never slices by byte offset.

use crate::document::{BlockKind, Document, PageType};

/// What a URL's path says about its page, by general conventions (not per site).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct UrlShape {
    /// A type the path names: `/tag/x`, `/category/x`, `/page/2` → listing;
    /// `/forum/...`, `/thread/...`, `/t/slug/1` → forum; `/product/x` → product;
    /// `/docs/...` → documentation; `/blog/slug`, a dated path → article.
    pub hint: Option<PageType>,
    /// The site's home: no path at all.
    pub root: bool,
    /// Words of the last path segment's slug (`how-to-bake-bread` → 4).
    pub slug_words: u32,
}

/// Path segments naming an index of other pages.
const LISTING: &[&str] = &[
    "tag",
    "tags",
    "category",
    "categories",
    "author",
    "authors",
    "archive",
    "archives",
    "search",
    "collections",
    "browse",
    "cat",
    "list",
    "c",
];
const FORUM: &[&str] = &[
    "forum",
    "forums",
    "thread",
    "threads",
    "t",
    "topic",
    "questions",
    "discussion",
    "discussions",
    "viewtopic.php",
    "showthread.php",
    "viewthread",
    "comments",
    "board",
    "boards",
];
const PRODUCT: &[&str] = &[
    "product", "products", "produkt", "produit", "producto", "prodotto", "item", "itm", "dp",
];
const DOCS: &[&str] = &[
    "docs",
    "doc",
    "documentation",
    "api",
    "reference",
    "manual",
    "wiki",
    "handbook",
    "javadoc",
    "man",
];
const ARTICLE: &[&str] = &[
    "blog", "blogs", "article", "articles", "post", "posts", "news", "story", "stories",
];

/// Reads the shape of `url`'s path. A URL that does not parse has no shape.
pub(crate) fn url_shape(url: &str) -> UrlShape {
    let Ok(u) = url::Url::parse(url) else {
        return UrlShape::default();
    };
    let segs: Vec<String> = u
        .path_segments()
        .map(|s| {
            s.filter(|s| !s.is_empty())
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let paged = u.query_pairs().any(|(k, v)| {
        matches!(k.as_ref(), "page" | "paged" | "p") && v.parse::<u32>().is_ok_and(|n| n > 1)
    });
    let slug_words = segs.last().map_or(0, |s| {
        s.split(['-', '_']).filter(|w| !w.is_empty()).count() as u32
    });
    let has = |list: &[&str]| segs.iter().any(|s| list.contains(&s.as_str()));
    // `/page/2`: the second page of an index.
    let page_n = segs
        .windows(2)
        .any(|w| matches!(w, [p, n] if p == "page" && n.parse::<u32>().is_ok()));
    let dated = segs.windows(2).any(|w| match w {
        [y, m] => is_year(y) && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m)),
        _ => false,
    });
    // `/r/<sub>/comments/...` is a thread; `/t/` only with something after it.
    let hint = if has(FORUM) && !(segs.first().is_some_and(|s| s == "t") && segs.len() < 2) {
        Some(PageType::Forum)
    } else if page_n || paged || has(LISTING) {
        Some(PageType::Listing)
    } else if has(DOCS) {
        Some(PageType::Documentation)
    } else if has(PRODUCT) {
        Some(PageType::Product)
    } else if dated || (has(ARTICLE) && slug_words >= 3) {
        Some(PageType::Article)
    } else {
        None
    };
    UrlShape {
        hint,
        root: segs.is_empty(),
        slug_words,
    }
}

fn is_year(s: &str) -> bool {
    s.len() == 4 && s.parse::<u32>().is_ok_and(|y| (1990..=2100).contains(&y))
}

/// Phrases of "not found" pages, lower case, in the languages gleaner's users meet.
/// Matched inside a title or heading; "404" alone counts only in a short one.
const NOT_FOUND: &[&str] = &[
    "page not found",
    "not found",
    "page cannot be found",
    "page can't be found",
    "page can’t be found",
    "page could not be found",
    "page does not exist",
    "page doesn't exist",
    "page doesn’t exist",
    "nothing found",
    "nicht gefunden",
    "seite existiert nicht",
    "introuvable",
    "page non trouvée",
    "n'existe pas",
    "n’existe pas",
    "no encontrada",
    "no encontrado",
    "no existe",
    "non trovata",
    "non trovato",
    "niet gevonden",
    "bestaat niet",
    "não encontrada",
    "não encontrado",
    "nie znaleziono",
    "nie istnieje",
    "hittades inte",
    "ikke fundet",
    "ikke funnet",
    "не найдена",
    "не найдено",
    "nenalezena",
    "bulunamadı",
    "見つかりません",
    "页面不存在",
    "找不到",
];

/// Whether a title or heading says the page was not found: a phrase of [`NOT_FOUND`],
/// or "404" as a word of a short line ("404", "Error 404 | Site").
pub(crate) fn says_not_found(line: &str) -> bool {
    let lower = line.to_lowercase();
    if NOT_FOUND.iter().any(|p| lower.contains(p)) {
        return true;
    }
    let words = lower.split_whitespace().count();
    words <= 8
        && lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "404")
}

/// Below this many characters of text, a page that says "not found" holds nothing else.
pub(crate) const SOFT_404_MAX_CHARS: usize = 1_500;

/// Type and soft-404 verdict of a text dump (`page`, its decoded text), which has no
/// markup to read: its URL's
/// shape when that is decisive, else an article when it keeps a few paragraphs of
/// prose, else other.
pub(crate) fn classify_text(doc: &mut Document, page: &str, url: Option<&str>) {
    let prose: usize = doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Paragraph && b.text.chars().count() >= 80)
        .map(|b| b.text.chars().count())
        .sum();
    // The dump's first line is its title or heading, even when the cleaner dropped it.
    let first_line = page.lines().map(str::trim).find(|l| !l.is_empty());
    let heading_says = doc.metadata.title.as_deref().is_some_and(says_not_found)
        || first_line.is_some_and(|l| l.chars().count() < 120 && says_not_found(l));
    let chars: usize = doc.blocks.iter().map(|b| b.text.chars().count()).sum();
    doc.metadata.soft_404 = heading_says && chars < SOFT_404_MAX_CHARS;
    let hint = url.and_then(|u| url_shape(u).hint);
    doc.metadata.page_type = Some(if doc.metadata.soft_404 {
        PageType::Other
    } else if let Some(t) = hint {
        t
    } else if prose >= 500 {
        PageType::Article
    } else {
        PageType::Other
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_shapes() {
        let hint = |u: &str| url_shape(u).hint;
        assert_eq!(hint("https://a.org/tag/rust/"), Some(PageType::Listing));
        assert_eq!(hint("https://a.org/news/page/2/"), Some(PageType::Listing));
        assert_eq!(hint("https://a.org/news/?page=3"), Some(PageType::Listing));
        assert_eq!(
            hint("https://a.org/t/some-topic/123"),
            Some(PageType::Forum)
        );
        assert_eq!(
            hint("https://a.org/r/rust/comments/abc/why/"),
            Some(PageType::Forum)
        );
        assert_eq!(
            hint("https://a.org/docs/intro"),
            Some(PageType::Documentation)
        );
        assert_eq!(
            hint("https://a.org/products/red-shoe"),
            Some(PageType::Product)
        );
        assert_eq!(
            hint("https://a.org/2024/05/the-council-met-today/"),
            Some(PageType::Article)
        );
        assert_eq!(
            hint("https://a.org/blog/how-to-bake-bread"),
            Some(PageType::Article)
        );
        assert_eq!(hint("https://a.org/pricing"), None);
        assert!(url_shape("https://a.org/").root);
        assert!(!url_shape("not a url").root);
    }

    #[test]
    fn text_dumps_get_a_type_and_soft_404s_are_seen() {
        let c = crate::Cleaner::new(&crate::CleanConfig::default()).unwrap();
        let h = crate::Hints::default();
        let dump = "Seite nicht gefunden\n\nDie Seite existiert leider nicht mehr.\n";
        let doc = c.clean(dump.as_bytes(), &h).unwrap();
        assert!(doc.metadata.soft_404);
        assert_eq!(doc.metadata.page_type, Some(PageType::Other));
        let dump = "The council agreed on Tuesday, after a long debate, to repair the old \
            bridge before winter, and the work starts next month.\n\n\
            Residents who had waited years for the repairs said they were relieved, although \
            several wondered aloud whether the money would last until the end.\n\n\
            The fishing boats will moor in the southern harbour while the cranes are at work, \
            which the harbour master said would cost the skippers an hour a day.\n\n\
            A public meeting about the timetable is planned for the first week of March in \
            the town hall, where the engineers will answer questions from the public.\n";
        let doc = c.clean(dump.as_bytes(), &h).unwrap();
        assert!(!doc.metadata.soft_404);
        assert_eq!(doc.metadata.page_type, Some(PageType::Article));
    }

    #[test]
    fn not_found_lines() {
        for yes in [
            "Page not found – Example",
            "404",
            "Error 404 | Example News",
            "Seite nicht gefunden",
            "Page introuvable",
            "Página no encontrada",
            "Pagina non trovata",
            "Pagina niet gevonden",
            "Oops! That page can’t be found.",
        ] {
            assert!(says_not_found(yes), "{yes}");
        }
        for no in [
            "The 404 bus route will change in May, the council said on Tuesday",
            "Found: a new way to bake bread",
        ] {
            assert!(!says_not_found(no), "{no}");
        }
        // A short title naming a "404" says so too ("Peugeot 404 review"): what keeps
        // such a page is its content, see `SOFT_404_MAX_CHARS`.
    }
}
