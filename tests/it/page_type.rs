//! Page types and soft 404s from the CLI: a crawl that keeps articles only (the listing
//! is not stored but its links are followed, a soft 404 is counted and not stored, and
//! never erases a document stored before), and `gleaner clean` counting a soft 404.

use crate::crawl::{article, count, Crawl};
use crate::helpers::{fixtures, run, s, tmp};
use crate::site::{sequence, Reply, Site};
use gleaner::store::crawl::UrlStatus;

const ARTICLE: &str = "/2024/05/harbour-repairs-agreed/";
const GONE: &str = "/2023/01/ferry-timetable/";

/// A tag page: a list of teasers, each a headline link and a line of summary.
fn listing() -> String {
    let teaser = |href: &str, n: usize| {
        format!(
            "<li class=\"teaser\"><h2><a href=\"{href}\">Harbour story number {n} of the \
             week</a></h2><p>A short summary of story {n}.</p></li>"
        )
    };
    let teasers: String = [ARTICLE, GONE, "/2024/05/x/", "/2024/05/y/"]
        .iter()
        .enumerate()
        .map(|(n, h)| teaser(h, n))
        .collect();
    format!(
        "<!doctype html><html lang=en><head><title>Tag: harbour</title></head><body>\
         <main><h1>Stories tagged harbour</h1><ul class=\"teasers\">{teasers}</ul></main>\
         </body></html>"
    )
}

fn soft_404() -> Vec<u8> {
    std::fs::read(fixtures().join("soft404/en-blog.html")).unwrap()
}

#[test]
fn a_crawl_keeping_articles_stores_them_follows_listings_and_skips_soft_404s() {
    let site = Site::routes()
        .route("/tag/harbour/", Reply::html(listing()))
        .route(ARTICLE, Reply::html(article(1, &[])))
        .route(GONE, Reply::html(soft_404()))
        .route("/2024/05/x/", Reply::html(article(2, &[])))
        .route("/2024/05/y/", Reply::html(article(3, &[])))
        .start();
    let crawl = Crawl::new(
        &[site.url("/tag/harbour/")],
        "store_types = [\"article\"]",
        "",
    );
    let (code, out, err) = crawl.run();
    assert_eq!(code, 0, "{out}\n{err}");
    let record = crawl.last_run();
    assert_eq!(count(&record, "new_documents"), 3, "{record:?}");
    assert_eq!(count(&record, "not_stored_page_type"), 1, "{record:?}");
    assert_eq!(count(&record, "not_stored_soft_404"), 1, "{record:?}");
    assert!(
        out.contains("page type 1") && out.contains("soft 404 1"),
        "the summary says why: {out}"
    );
    assert_eq!(site.hits(ARTICLE), 1, "the listing's links are followed");
    let docs = crawl.documents();
    assert!(docs
        .iter()
        .all(|d| d.metadata.page_type == Some(gleaner::PageType::Article)));
    let tag = crawl.state(&site.url("/tag/harbour/"));
    assert!(
        matches!(&tag.status, UrlStatus::NotStored { reason } if reason == "page type listing"),
        "{tag:?}"
    );
    let gone = crawl.state(&site.url(GONE));
    assert!(
        matches!(&gone.status, UrlStatus::NotStored { reason } if reason == "soft 404"),
        "{gone:?}"
    );
}

#[test]
fn a_soft_404_does_not_erase_a_stored_document() {
    let site = Site::routes()
        .dynamic(
            ARTICLE,
            sequence(vec![Reply::html(article(1, &[])), Reply::html(soft_404())]),
        )
        .start();
    let crawl = Crawl::new(&[site.url(ARTICLE)], "", "");
    let first = crawl.run_ok();
    assert_eq!(count(&first, "new_documents"), 1, "{first:?}");
    let second = crawl.run_ok();
    assert_eq!(count(&second, "not_stored_soft_404"), 1, "{second:?}");
    assert_eq!(count(&second, "new_versions"), 0, "{second:?}");
    let docs = crawl.documents();
    assert_eq!(docs.len(), 1);
    assert!(docs[0].text().contains("This is article 1."));
    let state = crawl.state(&site.url(ARTICLE));
    assert_eq!(state.versions.len(), 1, "{state:?}");
}

#[test]
fn gleaner_clean_counts_a_soft_404_and_does_not_store_it() {
    let dir = tmp();
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    std::fs::write(pages.join("a.html"), article(1, &[])).unwrap();
    std::fs::copy(
        fixtures().join("soft404/de-shop.html"),
        pages.join("missing.html"),
    )
    .unwrap();
    let store = dir.path().join("store");
    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "clean",
        s(&pages),
        "--store",
        s(&store),
        "--out-dir",
        s(&out),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 cleaned (0 empty, 1 soft 404), 1 new documents"),
        "{err}"
    );
    let missing: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("missing.json")).unwrap()).unwrap();
    assert_eq!(missing["soft_404"], true);
    assert_eq!(missing["page_type"], "other");
    let (code, shown, _) = run(&["show", "--store", s(&store), "0"]);
    assert_eq!(code, 0);
    assert!(shown.contains("type:     "), "{shown}");
    let (_, json, _) = run(&["show", "--store", s(&store), "0", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
    assert!(json["page_type"].is_string(), "{json}");
    assert!(json.get("soft_404").is_none(), "{json}");
}
