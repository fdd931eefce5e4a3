use super::metadata::{date_from_url, normalise_date};
use super::*;
use crate::document::BlockKind;

fn ex() -> HtmlExtractor {
    HtmlExtractor::new(&HtmlOptions::default(), Rules::default())
}

fn para(n: usize, words: &str) -> String {
    format!("<p>{}</p>", [words; 12].join(", and ").repeat(n))
}

fn texts(e: &Extracted) -> Vec<String> {
    e.blocks.iter().map(|b| b.text.clone()).collect()
}

const PROSE: &str = "the committee agreed on the new budget after a long debate";

#[test]
fn structural_furniture_goes() {
    let html = format!(
        r#"<html><body><nav><a href="/">Home</a><a href="/n">News</a></nav>
        <header><p>Site header text that is long enough to count as a paragraph of prose.</p></header>
        <div class="content"><h1>Budget passes</h1>{p}{p}
        <div class="share-bar">Share on Facebook, Twitter, and email to your friends today</div>
        <div hidden>hidden text that is long enough to matter, with commas, and more</div>
        <div style="display: none">display none text that is long enough, with commas</div>
        <div aria-hidden="true">aria hidden text that is long enough, with commas, yes</div>
        <form><input type="email"><p>Subscribe to our newsletter for more, every week</p></form>
        <script>var x = "script text";</script><style>p {{}}</style></div>
        <aside><p>Sidebar text that is long enough to be prose, with commas, and more.</p></aside>
        <footer><p>Footer text that is long enough to be prose, with commas, and more.</p></footer>
        </body></html>"#,
        p = para(1, PROSE)
    );
    let e = ex().extract(&html, None);
    assert!(e.fallback.is_none());
    let all = texts(&e).join("\n");
    assert!(all.contains("Budget passes"));
    assert!(all.contains("committee agreed"));
    for gone in [
        "Home",
        "header",
        "Share",
        "hidden",
        "display",
        "aria",
        "Subscribe",
        "script",
        "Sidebar",
        "Footer",
    ] {
        assert!(!all.contains(gone), "{gone} survived in {all}");
    }
}

#[test]
fn article_candidate_beats_link_lists() {
    let links: String = (0..30)
        .map(|i| format!(r#"<li><a href="/a{i}">Another story headline number {i}</a></li>"#))
        .collect();
    let html = format!(
        r#"<body><div id="wrap"><div class="col"><ul>{links}</ul></div>
        <div class="col2"><h2>Title</h2>{p}{p}{p}</div></div></body>"#,
        p = para(1, PROSE)
    );
    let e = ex().extract(&html, None);
    let all = texts(&e).join("\n");
    assert!(all.contains("committee"));
    assert!(!all.contains("Another story"), "{all}");
}

#[test]
fn forum_thread_keeps_every_post() {
    let posts: String = (0..4)
        .map(|i| {
            format!(
                r#"<article class="post"><div class="user"><a href="/u{i}">user{i}</a></div>
                <div class="body"><p>Reply number {i}: I tried restarting the router, and the
                connection came back after a minute, so maybe try that first.</p></div></article>"#
            )
        })
        .collect();
    let html = format!(
        r#"<body><nav><a href="/">Forum index</a></nav><main><h1>Router drops connection</h1>
        <div class="topic">{posts}</div></main>
        <div class="related-topics"><p>Some related topic teaser that is long, with commas, too.</p></div></body>"#
    );
    let e = ex().extract(&html, None);
    let all = texts(&e).join("\n");
    for i in 0..4 {
        assert!(all.contains(&format!("Reply number {i}")), "{all}");
    }
    assert!(!all.contains("related topic"));
}

#[test]
fn product_page_keeps_description_in_accordion() {
    let html = r#"<body><header><a href="/">Shop</a></header><main><h1>Arrival T-Shirt</h1><p>$22</p>
        <div class="accordion"><div role="dialog"><aside><p>The Arrival T-Shirt is your admission
        to a new, purposeful approach to training, with sweat-wicking fabric and a light feel.
        It is made to encourage you to aspire more, perform more and achieve more, every day.</p>
        <ul><li>Slim fit</li><li>Lightweight material</li></ul></aside></div></div></main>
        <footer><p>Footer prose about the company history, founded in 1990, in Leeds.</p></footer></body>"#;
    let all = texts(&ex().extract(html, None)).join("\n");
    assert!(all.contains("purposeful approach"), "{all}");
    assert!(all.contains("Slim fit"));
    assert!(!all.contains("company history"));
}

#[test]
fn structure_is_kept() {
    let html = format!(
        r#"<article><h2>Sub</h2>{p}<ul><li>one</li><li>two</li></ul><blockquote>quoted</blockquote>
        <pre>let x = 1;
let y = 2;</pre><table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td><div>2</div></td></tr></table>
        </article>"#,
        p = para(2, PROSE)
    );
    let e = ex().extract(&html, None);
    let kinds: Vec<(BlockKind, &str)> = e
        .blocks
        .iter()
        .map(|b| (b.kind, b.text.as_str()))
        .filter(|(k, _)| *k != BlockKind::Paragraph)
        .collect();
    assert_eq!(
        kinds,
        vec![
            (BlockKind::Heading { level: 2 }, "Sub"),
            (ITEM, "one"),
            (ITEM, "two"),
            (BlockKind::Quote, "quoted"),
            (BlockKind::Code, "let x = 1;\nlet y = 2;"),
            (row(true, false), "a | b"),
            (row(false, false), "1 | 2"),
        ]
    );
    let cells: Vec<&[String]> = e.blocks.iter().map(|b| b.cells.as_slice()).collect();
    assert!(cells.contains(&&["a".to_string(), "b".to_string()][..]));
    assert!(cells.contains(&&["1".to_string(), "2".to_string()][..]));
}

const ITEM: BlockKind = BlockKind::ListItem {
    depth: 0,
    ordered: false,
};

fn row(header: bool, layout: bool) -> BlockKind {
    BlockKind::TableRow { header, layout }
}

#[test]
fn noscript_content_is_read_when_it_is_the_page() {
    let html = format!(
        r#"<body><div id="app"></div><noscript><div class="post">{p}{p}</div></noscript></body>"#,
        p = para(1, PROSE)
    );
    assert!(texts(&ex().extract(&html, None))
        .join(" ")
        .contains("committee"));
}

#[test]
fn metadata_from_json_ld_meta_time_and_url() {
    let html = r#"<html lang="de"><head><title>Budget passes | Daily Planet</title>
        <meta property="og:site_name" content="Daily Planet">
        <meta name="description" content="What happened.">
        <meta property="article:tag" content="politics">
        <link rel="canonical" href="https://www.dailyplanet.com/2024/03/05/budget">
        <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","name":"Daily Planet"},
          {"@type":"NewsArticle","headline":"Budget passes","datePublished":"2024-03-05T10:00:00+01:00",
           "dateModified":"2024-03-06","author":[{"@type":"Person","name":"Lois Lane"},{"name":"Clark Kent"}],
           "image":{"url":"https://x/i.jpg"}}]}</script></head>
        <body><h1>Budget passes</h1></body></html>"#;
    let m = ex().extract(html, None).metadata;
    assert_eq!(m.title.as_deref(), Some("Budget passes"));
    assert_eq!(m.authors, ["Lois Lane", "Clark Kent"]);
    assert_eq!(m.date.as_deref(), Some("2024-03-05"));
    assert_eq!(m.date_modified.as_deref(), Some("2024-03-06"));
    assert_eq!(m.sitename.as_deref(), Some("Daily Planet"));
    assert_eq!(m.hostname.as_deref(), Some("dailyplanet.com"));
    assert_eq!(m.language.as_deref(), Some("de"));
    assert_eq!(m.description.as_deref(), Some("What happened."));
    assert_eq!(m.tags, ["politics"]);
    assert_eq!(m.image.as_deref(), Some("https://x/i.jpg"));

    let html = r#"<head><title>Hello world - My Blog</title><meta name="author" content="Ann">
        </head><body><header><time datetime="2030-01-01">today</time></header>
        <article><time datetime="2021-07-04T08:00">July 4</time></article></body>"#;
    let m = ex().extract(html, None).metadata;
    assert_eq!(m.title.as_deref(), Some("Hello world"));
    assert_eq!(m.authors, ["Ann"]);
    assert_eq!(m.date.as_deref(), Some("2021-07-04"));

    let m = ex()
        .extract(
            "<p>x</p>",
            Some("https://ex.com/news/2019/11/23/story.html"),
        )
        .metadata;
    assert_eq!(m.date.as_deref(), Some("2019-11-23"));
    assert_eq!(
        normalise_date("March 5, 2024").as_deref(),
        Some("2024-03-05")
    );
    assert_eq!(date_from_url("https://ex.com/2019/13/45/x"), None);
}

/// Found by hand: a published_time with a multi-byte char across its tenth byte
/// panicked the date parser (a byte slice of the page's own text). Such a value is no
/// date: it is refused, not kept as given.
#[test]
fn a_date_with_a_multibyte_char_at_its_tenth_byte_is_refused() {
    for date in [
        "2024-03-0é5T10:00:00Z",
        "2024-03-é",
        "2024-0é",
        "２０２４-03-05",
    ] {
        assert_eq!(normalise_date(date), None, "{date}");
    }
    let page = r#"<html><head><meta property="article:published_time" content="2024-03-0é5T10:00:00Z">
        </head><body><p>x</p></body></html>"#;
    let m = ex().extract(page, None).metadata;
    assert_eq!(m.date, None);
}

/// Found by hand: a canonical URL with a raw non-ASCII path, on a page with no date,
/// panicked the URL-path date reader (a day cut inside a multi-byte char).
#[test]
fn a_raw_non_ascii_canonical_path_gives_no_date() {
    for url in [
        "https://ex.org/2024/03/1é-straße",
        "https://ex.org/2024/03/é",
        "https://ex.org/2024/03/é5/x",
        "https://ex.org/２０２４/03/05/x",
    ] {
        assert_eq!(date_from_url(url), None, "{url}");
    }
    assert_eq!(
        date_from_url("https://ex.org/2024/03/05-straße").as_deref(),
        Some("2024-03-05")
    );
    let page = r#"<html><head><link rel="canonical" href="https://ex.org/2024/03/1é-straße">
        </head><body><p>x</p></body></html>"#;
    let m = ex().extract(page, None).metadata;
    assert_eq!(m.date, None);
}

#[test]
fn hostile_pages_complete() {
    let e = ex();
    // 10,000-deep nesting: no recursion anywhere.
    let deep = format!(
        "{}{}{}",
        "<div>".repeat(10_000),
        para(3, PROSE),
        "</div>".repeat(10_000)
    );
    e.extract(&deep, None);
    let deep = format!(
        "{}text{}",
        "<span><b>".repeat(10_000),
        "</b></span>".repeat(10_000)
    );
    e.extract(&deep, None);
    // A multi-megabyte page.
    let big = format!("<body>{}</body>", para(1, PROSE).repeat(8_000));
    assert!(big.len() > 4_000_000);
    assert!(!e.extract(&big, None).blocks.is_empty());
    // NULs, empty and junk documents.
    e.extract("<p>a\0b</p>\0\0<div>\0", None);
    for junk in ["", " ", "<", "<<>>", "</p></div>", "<html>", "<!-- x"] {
        let out = e.extract(junk, None);
        assert!(out.blocks.is_empty());
    }
}

#[test]
fn per_host_selectors_drop_and_keep() {
    // The story sits in a box whose class reads as furniture ("related"); a promo box
    // reads as content. Only the page's host gets its selectors.
    let html = format!(
        r#"<html><body><article><p>A teaser that is the article as far as the markup says, with
        commas, and enough words, to be judged prose by any reader, and then some more words.</p></article>
        <div class="story-extra"><p>Buy the print edition today, with a discount, and a free tote bag too.</p></div>
        <div class="related-stories">{p}{p}</div>
        </body></html>"#,
        p = para(1, PROSE)
    );
    let mut opts = HtmlOptions::default();
    opts.keep_selectors
        .insert("news.example".into(), vec!["div.related-stories".into()]);
    opts.drop_selectors
        .insert("www.news.example".into(), vec![".story-extra".into()]);
    let configured = HtmlExtractor::new(&opts, Rules::default());
    let here = configured.extract(&html, Some("https://www.news.example/a"));
    let all = texts(&here).join("\n");
    assert!(all.contains("committee agreed"), "{all}");
    assert!(!all.contains("print edition"), "{all}");
    let elsewhere = configured.extract(&html, Some("https://other.example/a"));
    assert!(
        texts(&elsewhere).join("\n").contains("print edition"),
        "selectors are per host"
    );
}

/// An article whose own container ends on "More on this" teasers: the teasers and their
/// label go, the article stays; a listing made of such teasers keeps them.
#[test]
fn teaser_runs_inside_the_article_go() {
    let teaser = |i: usize| {
        format!(
            r#"<p><a href="/t{i}">Another headline number {i}</a> A short line of summary.</p>"#
        )
    };
    let teasers: String = (0..4).map(teaser).collect();
    let html = format!(
        r#"<html><body><article><h1>Budget passes</h1>{p}{p}{p}
        <h6>More on this</h6>{teasers}</article></body></html>"#,
        p = para(1, PROSE)
    );
    let all = texts(&ex().extract(&html, None)).join("\n");
    assert!(all.contains("committee agreed"), "{all}");
    assert!(!all.contains("headline number"), "{all}");
    assert!(!all.contains("More on this"), "{all}");

    let many: String = (0..12).map(teaser).collect();
    let listing = format!(
        r#"<html><body><main><h1>Latest news</h1><p>{PROSE}.</p>{many}</main></body></html>"#
    );
    let e = ex().extract(&listing, None);
    let all = texts(&e).join("\n") + e.fallback.as_deref().unwrap_or_default();
    assert!(all.contains("headline number 7"), "{all}");
}

/// A paragraph that is a label and a link ("Read also: <a>…</a>") is a cross-link, and
/// a heading left at the very end with nothing under it goes too.
#[test]
fn label_links_and_trailing_headings_go() {
    let html = format!(
        r#"<html><body><article><h1>Budget passes</h1>{p}
        <p>Read also: <a href="/x">The council votes on the new school building</a></p>{p}
        <p>The mayor <a href="/m">said</a> the vote was close, with two abstentions.</p>
        <h3>Related</h3></article></body></html>"#,
        p = para(1, PROSE)
    );
    let e = ex().extract(&html, None);
    let all = texts(&e).join("\n");
    assert!(!all.contains("Read also"), "{all}");
    assert!(all.contains("The mayor said"), "{all}");
    assert!(!all.contains("Related"), "{all}");
    assert_eq!(
        e.blocks.first().map(|b| b.kind),
        Some(BlockKind::Heading { level: 1 })
    );
}

/// After the body that holds the article's prose: an author box and a subscription
/// pitch are appendices; a second part of the body (same tag and class, after an ad)
/// is not.
#[test]
fn appendices_after_the_body_go() {
    let html = format!(
        r#"<html><body><article><h1>Budget agreed</h1>
        <div class="body-part">{p}{p}{p}</div>
        <div class="ad">Advertisement</div>
        <div class="body-part"><p>The second part of the story, after the ad, goes on, with commas.</p></div>
        <div class="bio"><p>Jane Doe covers city hall, and has written for us since 2009.</p></div>
        <div class="pitch"><p>Subscribe now, for the full story, and unlimited digital access.</p></div>
        </article></body></html>"#,
        p = para(1, PROSE)
    );
    let e = HtmlExtractor::new(&HtmlOptions::default(), Rules::default());
    let all = texts(&e.extract(&html, None)).join("\n");
    assert!(all.contains("committee agreed"), "{all}");
    assert!(all.contains("second part of the story"), "{all}");
    assert!(!all.contains("city hall"), "{all}");
    assert!(!all.contains("Subscribe now"), "{all}");
}

#[test]
fn figure_captions_go() {
    let html = format!(
        r#"<html><body><article>{p}<figure><img src="a.jpg">
        <figcaption>The mayor at the podium, on Tuesday evening. Foto: Jane Doe</figcaption></figure>
        {p}</article></body></html>"#,
        p = para(2, PROSE)
    );
    let e = HtmlExtractor::new(&HtmlOptions::default(), Rules::default());
    let all = texts(&e.extract(&html, None)).join("\n");
    assert!(all.contains("committee agreed"), "{all}");
    assert!(!all.contains("podium"), "{all}");
}

/// Above an article's text, what is left of its byline goes (a line naming the author,
/// a dateline); a short line that is neither stays, and so do headings.
#[test]
fn byline_debris_above_the_article_goes() {
    let html = format!(
        r#"<html><head><meta name="author" content="Jane Doe">
        <meta property="og:type" content="article"></head><body><article>
        <h1>Budget agreed after a long debate</h1>
        <p>By Jane Doe</p><p>Posted on April 29, 2022</p><p>Town hall, evening session</p>
        {p}{p}</article></body></html>"#,
        p = para(1, PROSE)
    );
    let e = HtmlExtractor::new(&HtmlOptions::default(), Rules::default());
    let out = e.extract(&html, None);
    assert_eq!(out.metadata.page_type, Some(PageType::Article));
    let all = texts(&out).join("\n");
    assert!(all.contains("Budget agreed"), "{all}");
    assert!(all.contains("Town hall, evening session"), "{all}");
    assert!(all.contains("committee agreed"), "{all}");
    assert!(!all.contains("By Jane Doe"), "{all}");
    assert!(!all.contains("April 29"), "{all}");
}
