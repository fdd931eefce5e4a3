//! What kind of page this is (article, listing, forum, product, documentation, service,
//! other), and whether it is a soft 404, from structural signals: what the page
//! declares (JSON-LD and microdata types, `og:type`), its URL's shape, and what the
//! flattened DOM shows (repeated teaser or post structures, the chosen content's share
//! of the page's prose, link density, code, price and cart structure).
//!
//! Two linear passes: one over the parse tree's elements for what the DOM arena leaves
//! out (the head, scripts, buttons, inputs), one over the arena. A small hand-written
//! decision follows: WCXB is the only set with page-type truth, so nothing here is
//! fitted beyond a few round thresholds.

use super::dom::{Dom, Tag, DEAD};
use super::score::Choice;
use crate::document::{Metadata, PageType};
use crate::page_type::{says_not_found, url_shape, UrlShape, SOFT_404_MAX_CHARS};
use crate::Fnv;
use scraper::{Html, Node as HNode};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// What the page declares about itself and what its structure shows.
#[derive(Debug, Default, Clone)]
pub(super) struct Signals {
    /// schema.org types named by JSON-LD or microdata, by family.
    pub ld_article: u32,
    pub ld_product: u32,
    pub ld_offer: u32,
    pub ld_forum: u32,
    pub ld_list: u32,
    pub ld_docs: u32,
    pub ld_faq: u32,
    pub ld_service: u32,
    /// `og:type`, lower case.
    pub og: Option<String>,
    pub url: UrlShape,
    /// Microdata prices (`itemprop=price`), cart and quantity controls.
    pub price_props: u32,
    pub cart: u32,
    pub selects: u32,
    pub textareas: u32,
    /// `<title>` and the first `<h1>`, for the soft-404 check.
    pub title_not_found: bool,
    /// Text, link text and prose of the body's live (not furniture) nodes.
    pub live_text: u32,
    pub live_link: u32,
    pub live_prose: u32,
    /// Text and prose of the chosen content; 0 when the page fell back to lines.
    pub main_text: u32,
    pub main_link: u32,
    pub main_prose: u32,
    pub fallback: bool,
    /// Longest run of same-shaped siblings that are teasers (a headline link with
    /// a little text), and all teasers in runs of three or more.
    pub teaser_run: u32,
    pub teasers: u32,
    /// Same for posts: same-shaped siblings that each hold prose and a link (a
    /// username), as a thread's posts do.
    pub post_run: u32,
    pub posts: u32,
    /// In the chosen content: code characters, headings, list items, table cells.
    pub code: u32,
    pub headings: u32,
    pub items: u32,
    pub cells: u32,
    /// `<time>` elements in the live body.
    pub times: u32,
    /// Currency amounts in the live text ("$19.99", "19,99 €").
    pub prices: u32,
    /// The page names a date and an author.
    pub dated: bool,
    pub authored: bool,
}

/// Reads the signals of a page: `doc` its parse, `dom` its arena, `choice` the chosen
/// content (None or weak when the page fell back to the text cleaner).
pub(super) fn signals(
    doc: &Html,
    dom: &Dom,
    choice: Option<Choice>,
    fallback: bool,
    meta: &Metadata,
    url: Option<&str>,
) -> Signals {
    let mut s = Signals {
        fallback,
        dated: meta.date.is_some(),
        authored: !meta.authors.is_empty(),
        url: meta
            .url
            .as_deref()
            .or(url)
            .map(url_shape)
            .unwrap_or_default(),
        ..Signals::default()
    };
    declared(doc, &mut s);
    structure(dom, choice.filter(|_| !fallback).map(|c| c.root), &mut s);
    s
}

/// One pass over the parse tree's elements: what the page declares, and the controls
/// (buttons, inputs) the arena leaves out.
fn declared(doc: &Html, s: &mut Signals) {
    let mut h1_seen = false;
    for node in doc.tree.nodes() {
        let HNode::Element(el) = node.value() else {
            continue;
        };
        let (mut itemprop, mut itemtype, mut name, mut cart) = (None, None, None, false);
        for (k, v) in el.attrs() {
            match k {
                "itemprop" => itemprop = Some(v),
                "itemtype" => itemtype = Some(v),
                "name" => {
                    name = Some(v);
                    cart |= names_cart(v);
                }
                "class" | "id" | "action" => cart |= names_cart(v),
                _ => {}
            }
        }
        if let Some(t) = itemtype {
            for t in t.split_ascii_whitespace() {
                schema_type(t.rsplit('/').next().unwrap_or(t), s);
            }
        }
        if itemprop.is_some_and(|p| p.eq_ignore_ascii_case("price")) {
            s.price_props += 1;
        }
        s.cart += u32::from(cart);
        match el.name() {
            "meta" => {
                let prop = el.attr("property").or(name);
                if prop.is_some_and(|p| p.eq_ignore_ascii_case("og:type")) {
                    s.og = el.attr("content").map(|c| c.trim().to_ascii_lowercase());
                }
            }
            "script" if el.attr("type").is_some_and(|t| t.contains("ld+json")) => {
                for c in node.children() {
                    if let Some(t) = c.value().as_text() {
                        ld_types(t, s);
                    }
                }
            }
            "title" if !s.title_not_found => s.title_not_found = says_not_found(&text_of(node)),
            "h1" if !h1_seen => {
                h1_seen = true;
                s.title_not_found |= says_not_found(&text_of(node));
            }
            "select" => s.selects += 1,
            "textarea" => s.textareas += 1,
            _ => {}
        }
    }
}

/// Whether an element's class, id, name or form action names a shopping cart or
/// basket: the "add to cart" button or form every shop page carries. Every element's
/// names pass here, so the words are split and compared as bytes.
fn names_cart(v: &str) -> bool {
    v.as_bytes().split(|b| !b.is_ascii_alphanumeric()).any(|w| {
        w.eq_ignore_ascii_case(b"cart")
            || w.eq_ignore_ascii_case(b"basket")
            || w.eq_ignore_ascii_case(b"addtocart")
            || w.eq_ignore_ascii_case(b"warenkorb")
    })
}

fn text_of(node: ego_tree::NodeRef<'_, HNode>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Some(t) = d.value().as_text() {
            out.push_str(t);
            out.push(' ');
        }
        if out.len() > 300 {
            break;
        }
    }
    out
}

/// Every `"@type"` value of a JSON-LD script, read without parsing the JSON: a string
/// or an array of strings after the key.
fn ld_types(json: &str, s: &mut Signals) {
    let mut rest = json;
    while let Some(at) = rest.find("\"@type\"") {
        rest = rest.get(at + 7..).unwrap_or("");
        let value = rest.trim_start().trim_start_matches(':').trim_start();
        let list = if let Some(arr) = value.strip_prefix('[') {
            arr.split(']').next().unwrap_or("")
        } else {
            value.split([',', '}']).next().unwrap_or("")
        };
        for t in list.split(',') {
            let t = t.trim().trim_matches('"');
            schema_type(t.rsplit('/').next().unwrap_or(t), s);
        }
    }
}

/// Counts one schema.org type by its family.
fn schema_type(t: &str, s: &mut Signals) {
    match t {
        "TechArticle" | "APIReference" | "SoftwareSourceCode" => s.ld_docs += 1,
        "DiscussionForumPosting" | "QAPage" | "SocialMediaPosting" => s.ld_forum += 1,
        "FAQPage" => s.ld_faq += 1,
        "Product" | "ProductGroup" | "IndividualProduct" | "ProductModel" => s.ld_product += 1,
        "Offer" | "AggregateOffer" => s.ld_offer += 1,
        "CollectionPage" | "ItemList" | "SearchResultsPage" | "OfferCatalog" => s.ld_list += 1,
        "Service" | "SoftwareApplication" | "WebApplication" | "ProfessionalService" => {
            s.ld_service += 1
        }
        _ if t.ends_with("Article") || t == "BlogPosting" || t == "Report" => s.ld_article += 1,
        _ => {}
    }
}

/// Same-shaped siblings under one parent: how many, and how many look like teasers
/// or posts.
#[derive(Default, Clone, Copy)]
struct Group {
    teasers: u32,
    posts: u32,
}

/// One pass over the arena's live body: prose totals, the chosen content's make-up,
/// and runs of same-shaped siblings.
// Arena indices: `i` runs below the arena's length, and a node's `parent` is an earlier
// node's index.
#[allow(clippy::indexing_slicing)]
fn structure(dom: &Dom, main: Option<usize>, s: &mut Signals) {
    let Some(body) = dom.nodes.get(dom.body) else {
        return;
    };
    let (main_start, main_end) = main
        .and_then(|m| dom.nodes.get(m).map(|n| (m, n.end as usize)))
        .unwrap_or((0, 0));
    let mut groups: HashMap<(u32, u64), Group, BuildHasherDefault<Fnv>> = HashMap::default();
    let mut i = dom.body;
    let end = body.end as usize;
    while i < end {
        let n = &dom.nodes[i];
        if n.flags & DEAD != 0 {
            i = n.end as usize;
            continue;
        }
        let in_main = (main_start..main_end).contains(&i);
        s.live_text += n.own_text;
        s.live_link += n.own_link;
        let prose = n.own_text >= 25 && n.own_link * 2 < n.own_text;
        if prose {
            s.live_prose += n.own_text;
        }
        if in_main {
            s.main_text += n.own_text;
            s.main_link += n.own_link;
            if prose {
                s.main_prose += n.own_text;
            }
            match n.tag {
                Tag::Pre => s.code += n.text,
                Tag::Heading(_) => s.headings += 1,
                Tag::Li => s.items += 1,
                Tag::Cell => s.cells += 1,
                _ => {}
            }
        }
        if let HNode::Element(el) = n.node.value() {
            if el.name() == "time" {
                s.times += 1;
            }
            if el.name() == "code" && in_main && n.parent as usize != i {
                // Inline code in prose counts too, a little.
                s.code += n.text / 4;
            }
            if n.tag != Tag::Inline && n.tag != Tag::A && i != dom.body {
                let g = groups.entry((n.parent, shape(el))).or_default();
                let link = n.link;
                // A headline link with a little text around it: a teaser, a product tile.
                if link >= 15 && n.text <= 600 && n.text >= link {
                    g.teasers += 1;
                }
                // Prose and at least one link, in a container: a post signed by a user.
                if !matches!(n.tag, Tag::P | Tag::Heading(_)) && n.prose >= 100 && link > 0 {
                    g.posts += 1;
                }
            }
        }
        // Prices are counted in the whole live body: a product's price sits beside its
        // description, rarely inside it.
        if n.tag == Tag::Text {
            if let Some(t) = n.node.value().as_text() {
                s.prices += count_prices(t);
            }
        }
        i += 1;
    }
    for g in groups.values() {
        s.teaser_run = s.teaser_run.max(g.teasers);
        s.post_run = s.post_run.max(g.posts);
        if g.teasers >= 3 {
            s.teasers += g.teasers;
        }
        if g.posts >= 3 {
            s.posts += g.posts;
        }
    }
}

/// An element's shape: its tag and class attribute, hashed.
fn shape(el: &scraper::node::Element) -> u64 {
    let mut h = Fnv::default();
    h.write(el.name().as_bytes());
    if let Some(c) = el.attrs().find(|(k, _)| *k == "class").map(|(_, v)| v) {
        h.write(c.as_bytes());
    }
    h.finish()
}

/// Currency amounts in a text: a currency sign or code right before or after a number.
fn count_prices(t: &str) -> u32 {
    const SIGNS: [char; 6] = ['$', '€', '£', '¥', '₹', '₽'];
    // This runs over every text node: a vectorised search for '$' and the lead bytes
    // of the other signs (£ ¥: 0xC2; € ₹ ₽: 0xE2) lets almost all of them go at once.
    if memchr::memchr3(b'$', 0xC2, 0xE2, t.as_bytes()).is_none() {
        return 0;
    }
    // A digit next to the sign, or one space away from it, on either side.
    let digit_near = |mut it: std::iter::Peekable<std::str::Chars<'_>>| match it.next() {
        Some(' ') => it.next().is_some_and(|d| d.is_ascii_digit()),
        Some(d) => d.is_ascii_digit(),
        None => false,
    };
    let mut n = 0;
    for (i, c) in t.char_indices() {
        if !SIGNS.contains(&c) {
            continue;
        }
        let after = t.get(i + c.len_utf8()..).unwrap_or("");
        let before = t.get(..i).unwrap_or("");
        let before: String = before.chars().rev().take(2).collect();
        if digit_near(after.chars().peekable()) || digit_near(before.chars().peekable()) {
            n += 1;
        }
    }
    n
}

/// The page's type, from its signals: first what the page declares and its URL says
/// (rarely wrong when present), then its structure. Read top to bottom; the first rule
/// that holds decides. On WCXB's development set, about 80% of pages get their type
/// (`bench/page_type.py`); service pages are the hardest, looking like articles
/// without a date or byline.
fn decide(s: &Signals) -> PageType {
    use PageType::*;
    let og = s.og.as_deref().unwrap_or("");
    let og_product = matches!(og, "product" | "product.item" | "og:product")
        || og.ends_with(":item")
        || og.ends_with(":product");
    let declares_article = s.ld_article > 0 || og == "article";
    let hint = s.url.hint;
    // Declared types: a thread, reference docs, an article.
    if s.ld_forum > 0 || hint == Some(Forum) {
        return Forum;
    }
    if s.ld_docs > 0 {
        return Documentation;
    }
    if s.ld_article > 0 && !s.fallback && hint != Some(Listing) {
        return Article;
    }
    // Several products on one page are a product grid; one with an offer is for sale.
    if og == "product.group" || s.ld_product >= 3 {
        return Listing;
    }
    if (og_product || (s.ld_product > 0 && s.ld_offer > 0)) && s.teaser_run < 12 {
        return Product;
    }
    if let Some(t) = hint {
        return t;
    }
    if s.live_text < 100 {
        return Other;
    }
    let prose = if s.fallback { 0 } else { s.main_prose };
    // Mostly code: reference or tutorial.
    if s.code >= 300 && s.code * 20 >= s.main_text {
        return Documentation;
    }
    let priced = s.cart > 0 && s.prices > 0;
    // Many same-shaped tiles with cart buttons: a shop's category page.
    if s.cart >= 5 && s.prices >= 3 && s.teaser_run >= 8 && !declares_article {
        return Listing;
    }
    // No article to speak of, or teasers outweigh the prose: an index.
    let teaser_bound = (prose < 1_500 && s.teasers >= 6)
        || (s.teasers >= 8 && s.teasers.saturating_mul(150) > prose);
    if s.fallback || teaser_bound {
        return if priced && s.teasers < 6 {
            Product
        } else {
            Listing
        };
    }
    if priced && prose < 4_000 {
        return Product;
    }
    // Dated posts, several of them, each signed: a thread.
    if s.times >= 4 && s.posts >= 3 {
        return Forum;
    }
    if s.url.root {
        return Service;
    }
    // Article or service page: long blocks, a long slug, a date and a byline make
    // an article; short sections under many headings, FAQ and service markup a
    // company's page.
    let blocks = (s.headings + s.items).max(1);
    let points = i32::from(s.url.slug_words >= 4)
        + i32::from(prose / blocks >= 250)
        + i32::from(prose >= 8_000)
        + 2 * i32::from(declares_article)
        + i32::from(s.dated)
        + i32::from(s.authored)
        - i32::from(s.ld_faq > 0)
        - i32::from(s.ld_service > 0);
    if points >= 2 {
        Article
    } else {
        Service
    }
}

/// The page's type and whether it is a soft 404: a page whose title or first heading
/// says it was not found and which holds little live text besides (its type is then
/// `Other`).
pub(super) fn classify(s: &Signals) -> (Option<PageType>, bool) {
    let soft_404 = s.title_not_found && (s.live_text as usize) < SOFT_404_MAX_CHARS;
    let page_type = if soft_404 { PageType::Other } else { decide(s) };
    (Some(page_type), soft_404)
}

#[cfg(test)]
#[path = "page_type_tests.rs"]
mod tests;
