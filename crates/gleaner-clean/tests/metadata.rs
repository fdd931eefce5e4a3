//! Metadata through the public API: one small hand-written page per rule, then real pages
//! of the development sets (`fixtures/metadata/`) with their reference values.

use gleaner_clean::{CleanConfig, Cleaner, Hints, Metadata};

fn meta(page: &str) -> Metadata {
    let cleaner = Cleaner::new(&CleanConfig::default()).expect("default config");
    let doc = cleaner
        .clean(page.as_bytes(), &Hints::default())
        .expect("cleans");
    doc.metadata
}

fn fixture(name: &str) -> Metadata {
    let path = format!(
        "{}/tests/fixtures/metadata/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    meta(&std::fs::read_to_string(&path).expect("fixture"))
}

/// Enough prose for the page to read as an article.
const BODY: &str = "<p>The council met on a grey morning and argued for hours about the budget, \
    the roads and the new library before a vote that surprised everyone in the room.</p>\
    <p>Residents who had waited outside since dawn cheered when the result was read out, \
    and the mayor promised that work on the library would start before the summer.</p>";

#[test]
fn german_byline_and_date_and_no_today_widget_or_copyright() {
    let page = format!(
        r#"<html lang="de"><head><title>Haushalt beschlossen | Tagesblatt</title></head><body>
        <header><span class="date">Heute: 26. November 2025</span><h2>Tagesblatt</h2></header>
        <main><h1>Haushalt beschlossen</h1><p class="byline">Von Max Muster</p>
        <p>Veröffentlicht am 5. März 2024</p>{BODY}</main>
        <footer>© 2024 Tagesblatt. 12.01.2025 Impressum</footer></body></html>"#
    );
    let m = meta(&page);
    assert_eq!(m.title.as_deref(), Some("Haushalt beschlossen"));
    assert_eq!(m.authors, ["Max Muster"]);
    assert_eq!(m.date.as_deref(), Some("2024-03-05"));
}

#[test]
fn a_copyright_year_is_no_date() {
    let page = format!(
        "<html><body><main><h1>About us</h1>{BODY}</main><footer>© 2024 Example Inc.</footer></body></html>"
    );
    assert_eq!(meta(&page).date, None);
}

#[test]
fn numeric_dates_follow_the_page_language() {
    let page = |lang: &str, date: &str| {
        format!("<html lang=\"{lang}\"><body><main><h1>Budget</h1><p class=\"date\">{date}</p>{BODY}</main></body></html>")
    };
    assert_eq!(
        meta(&page("en-US", "03/05/2024")).date.as_deref(),
        Some("2024-03-05")
    );
    assert_eq!(
        meta(&page("en-GB", "03/05/2024")).date.as_deref(),
        Some("2024-05-03")
    );
    assert_eq!(
        meta(&page("de", "03.05.2024")).date.as_deref(),
        Some("2024-05-03")
    );
    // A day above 12 settles the order whatever the language.
    assert_eq!(
        meta(&page("de", "11-29-2024")).date.as_deref(),
        Some("2024-11-29")
    );
}

#[test]
fn a_shown_update_never_replaces_the_declared_publication() {
    let page = format!(
        r#"<html><head><meta property="article:published_time" content="2024-01-10T08:00:00Z">
        </head><body><main><h1>Budget</h1><p>Updated March 5, 2024</p>{BODY}</main></body></html>"#
    );
    let m = meta(&page);
    assert_eq!(m.date.as_deref(), Some("2024-01-10"));
    assert_eq!(m.date_modified.as_deref(), Some("2024-03-05"));
}

#[test]
fn a_shown_date_well_before_the_declared_one_is_the_original() {
    // A site moved to a new system re-declares every post with the move's date.
    let page = format!(
        r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle",
        "datePublished":"2020-06-01T00:00:00Z"}}</script></head><body><main>
        <h1>Budget</h1><p class="post-date">March 5, 2015</p>{BODY}</main></body></html>"#
    );
    assert_eq!(meta(&page).date.as_deref(), Some("2015-03-05"));
}

#[test]
fn json_ld_authors_by_reference_and_broken_json_repaired() {
    let page = format!(
        "<html><head><script type=\"application/ld+json\">{{\"@graph\":[
        {{\"@type\":\"Article\",\"headline\":\"Budget\",\"datePublished\":\"2024-03-05\",
          \"articleBody\":\"line one\nline two\",
          \"author\":[{{\"@id\":\"#ann\"}},{{\"@id\":\"#bo\"}}]}},
        {{\"@type\":\"Person\",\"@id\":\"#ann\",\"name\":\"Ann Lee\"}},
        {{\"@type\":\"Person\",\"@id\":\"#bo\",\"name\":\"Bo Chan\"}}]}}</script></head>
        <body><main><h1>Budget</h1>{BODY}</main></body></html>"
    );
    let m = meta(&page);
    assert_eq!(m.authors, ["Ann Lee", "Bo Chan"]);
    assert_eq!(m.date.as_deref(), Some("2024-03-05"));
}

#[test]
fn the_site_is_no_author_when_a_person_is_named() {
    let page = format!(
        r#"<html><head><meta property="og:site_name" content="Daily Planet">
        <script type="application/ld+json">{{"@type":"NewsArticle",
        "author":{{"@type":"Organization","name":"Daily Planet"}}}}</script></head><body><main>
        <h1>Budget</h1><p>By Lois Lane</p>{BODY}</main></body></html>"#
    );
    assert_eq!(meta(&page).authors, ["Lois Lane"]);
    // On a personal site the site's name is its author's.
    let page = format!(
        r#"<html><head><meta property="og:site_name" content="Sam Doe">
        <meta name="author" content="Sam Doe"></head><body><main><h1>Notes</h1>{BODY}</main>
        </body></html>"#
    );
    assert_eq!(meta(&page).authors, ["Sam Doe"]);
}

#[test]
fn generic_names_dates_and_prose_are_no_authors() {
    let page = format!(
        r#"<html><head><meta name="author" content="Admin"></head><body><main><h1>Budget</h1>
        <p class="byline">Posted on March 5, 2024</p><p>By submitting this form you agree.</p>
        {BODY}</main></body></html>"#
    );
    assert!(meta(&page).authors.is_empty());
}

#[test]
fn the_headline_is_the_h1_the_title_agrees_with_not_the_logo() {
    let page = format!(
        r#"<html><head><title>Budget passes | Daily Planet</title></head><body>
        <header><h1>Daily Planet</h1></header><main><h1>Budget passes</h1>{BODY}</main>
        </body></html>"#
    );
    assert_eq!(meta(&page).title.as_deref(), Some("Budget passes"));
    // A slogan sharing no word with the title is not the headline.
    let page = format!(
        r#"<html><head><title>Cloud hosting for teams | Acme</title></head><body><main>
        <h1>Build what's next</h1>{BODY}</main></body></html>"#
    );
    assert_eq!(
        meta(&page).title.as_deref(),
        Some("Cloud hosting for teams")
    );
}

#[test]
fn a_forum_thread_is_its_first_posts() {
    let page = format!(
        r#"<html><body><main><h1>Which tent?</h1>
        <div itemscope itemtype="https://schema.org/DiscussionForumPosting">
        <div itemprop="author" itemscope itemtype="https://schema.org/Person">
        <span itemprop="name">hikerjo</span></div>
        <time datetime="2024-07-03T10:00:00Z">Jul 3, 2024</time>{BODY}
        <article itemscope itemtype="https://schema.org/Comment">
        <div itemprop="author" itemscope itemtype="https://schema.org/Person">
        <span itemprop="name">replier</span></div></article></div></main></body></html>"#
    );
    let m = meta(&page);
    assert_eq!(m.authors, ["hikerjo"]);
    assert_eq!(m.date.as_deref(), Some("2024-07-03"));
}

#[test]
fn a_page_headlined_in_an_h2_anchors_its_date_there() {
    // The <h1>s are the post's own sections; the declared title names the <h2>.
    let page = format!(
        r#"<html><head><title>Budget passes | Daily Planet</title></head><body>
        <section><header><h2>Budget passes</h2></header>
        <div class="post-meta">Mar. 5, 2024 · Jane Doe on behalf of the city desk</div>
        <div><h1>Why the budget matters</h1>{BODY}</div></section></body></html>"#
    );
    let m = meta(&page);
    assert_eq!(m.title.as_deref(), Some("Budget passes"));
    assert_eq!(m.date.as_deref(), Some("2024-03-05"));
    // An <h2> that is the <h1> and more leaves the <h1> the headline.
    let page = format!(
        r#"<html><head><title>Budget passes: what now | Daily Planet</title></head><body>
        <main><h1>Budget passes</h1><h2>Budget passes: what now</h2>{BODY}</main></body></html>"#
    );
    assert_eq!(meta(&page).title.as_deref(), Some("Budget passes"));
}

#[test]
fn the_shown_day_beats_the_utc_day_beside_it() {
    // A <time>'s value in UTC, its text in the site's zone.
    let page = format!(
        r#"<html><body><main><h1>Budget</h1>
        <time datetime="2024-03-06T02:30:00Z">March 5, 2024, 9:30 pm</time>{BODY}</main>
        </body></html>"#
    );
    assert_eq!(meta(&page).date.as_deref(), Some("2024-03-05"));
    // Far apart, the text is something else and the value holds.
    let page = format!(
        r#"<html><body><main><h1>Budget</h1>
        <time datetime="2024-03-06T02:30:00Z">August 28, 2023</time>{BODY}</main>
        </body></html>"#
    );
    assert_eq!(meta(&page).date.as_deref(), Some("2024-03-06"));
    // A declared UTC time, shown a day earlier by the headline.
    let page = format!(
        r#"<html><head><meta property="article:published_time" content="2024-03-06T02:30:00+00:00">
        </head><body><main><h1>Budget</h1><p class="date">March 5, 2024</p>{BODY}</main>
        </body></html>"#
    );
    assert_eq!(meta(&page).date.as_deref(), Some("2024-03-05"));
}

#[test]
fn a_thread_shown_with_its_last_post_keeps_its_first_posts_date() {
    // Forum software declares each post's date and shows "last post by … <date>" by the
    // title; the thread's own date is its first post's, shown further down.
    let page = format!(
        r#"<html><head><meta name="description" content="x"></head><body><main>
        <h1>Which tent?</h1><p>last post by kim</p><p>Sep 26, 2024</p>
        <div itemscope itemtype="https://schema.org/DiscussionForumPosting">
        <meta itemprop="datePublished" content="2024-01-03T11:00:00-05:00">
        <meta itemprop="dateModified" content="2024-09-26T01:50:00-04:00">
        <p>hikerjo</p><p>Jan 3, 2024</p>{BODY}</div></main></body></html>"#
    );
    let m = meta(&page);
    assert_eq!(m.date.as_deref(), Some("2024-01-03"));
    assert_eq!(m.date_modified.as_deref(), Some("2024-09-26"));
}

/// Real pages: (file, title, authors, date).
#[test]
fn dev_pages() {
    for (file, title, authors, date) in [
        // "Posted on the 15/12/2025 at 19:00 by" under the post, far from the headline.
        (
            "wcxb-0494.html",
            "Rust GCC backend: Why and how",
            "Guillaume Gomez",
            "2025-12-15",
        ),
        // A personal site: the author is the site's name.
        (
            "wcxb-0414.html",
            "Thoughts on Zig",
            "Sam Bossley",
            "2025-08-29",
        ),
        // The date in an <aside> inside the <article>; the first <h1> is the site's name.
        (
            "wcxb-0437.html",
            "A brief intro to git",
            "Cory Dransfeldt",
            "2021-06-06",
        ),
        (
            "wcxb-4087.html",
            "First Trip to Japan",
            "johnanddoc",
            "2024-07-03",
        ),
        (
            "wcxb-4460.html",
            "Startup lessons learned from my failed startup",
            "Sérgio Schüler",
            "2013-12-30",
        ),
        // The headline is an <h2> (the <h1>s are the post's sections); the date beside it.
        (
            "wcxb-0379.html",
            "What do people love about Rust?",
            "",
            "2025-12-19",
        ),
        // Published 02:41 UTC on the 19th, shown (and in its URL) as the evening of the 18th.
        (
            "wcxb-0479.html",
            "The December Comfort Watches 2025, Day Eighteen: Starship Troopers",
            "John Scalzi",
            "2025-12-18",
        ),
        // A forum thread: its first post's date, not the "last post by …" date by the title.
        (
            "wcxb-0530.html",
            "Suggestions for a beginner mtb",
            "Ejp55230",
            "2024-06-02",
        ),
        // German "12.10.2015, 19:16 Uhr" by the headline; the microdata says 2019 (a move).
        (
            "trafilatura-rnz.de.witzel.html",
            "Frank Witzel erhält Deutschen Buchpreis 2015",
            "",
            "2015-10-12",
        ),
    ] {
        let m = fixture(file);
        assert_eq!(m.title.as_deref(), Some(title), "{file}");
        assert_eq!(m.authors.join("; "), authors, "{file}");
        assert_eq!(m.date.as_deref(), Some(date), "{file}");
    }
}
