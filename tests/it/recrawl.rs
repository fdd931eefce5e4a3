//! Documented behaviour across runs: conditional requests for pages not stored, what is
//! known not to be a page, and URLs parked after failing run after run.

use crate::crawl::{article, count, Crawl};
use crate::helpers::{run, s};
use crate::site::{conditional, Reply, Site};
use gleaner::store::crawl::UrlStatus;

/// The value of `header` in the last request for `path`.
fn last_sent(site: &Site, path: &str, header: &str) -> Option<String> {
    let requests = site.requests();
    let last = requests.iter().rev().find(|r| r.path == path)?;
    last.header(header).map(str::to_string)
}

#[test]
fn a_noindex_page_with_an_etag_is_asked_conditionally_and_its_links_followed() {
    let noindex =
        article(0, &["/a"]).replace("<head>", "<head><meta name=\"robots\" content=\"noindex\">");
    let site = Site::routes()
        .dynamic("/", conditional(Reply::html(noindex).etag("\"n1\"")))
        .route("/a", Reply::html(article(1, &[])))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let first = crawl.run_ok();
    assert_eq!(count(&first, "not_stored_noindex"), 1, "{first:?}");
    assert_eq!(count(&first, "new_documents"), 1, "{first:?}");
    assert_eq!(last_sent(&site, "/", "if-none-match"), None);
    assert_eq!(crawl.state(&site.url("/")).etag.as_deref(), Some("\"n1\""));

    let second = crawl.run_ok();
    assert_eq!(site.hits("/"), 2);
    assert_eq!(
        last_sent(&site, "/", "if-none-match").as_deref(),
        Some("\"n1\""),
        "the second run asks conditionally"
    );
    assert_eq!(count(&second, "unchanged"), 1, "the 304: {second:?}");
    assert_eq!(
        count(&second, "fetched"),
        1,
        "only /a is downloaded: {second:?}"
    );
    assert_eq!(site.hits("/a"), 2, "the 304 page's links are followed");
    let home = crawl.state(&site.url("/"));
    assert_eq!(home.http_status, Some(304), "{home:?}");
    assert!(
        matches!(&home.status, UrlStatus::NotStored { reason } if reason == "noindex"),
        "a 304 keeps the reason it was not stored: {home:?}"
    );
    assert_eq!(
        crawl.documents().len(),
        1,
        "the noindex page is still not stored"
    );
}

#[test]
fn non_page_resources_are_not_requested_again_nor_use_the_page_budget() {
    let site = Site::routes()
        .route(
            "/",
            Reply::html(article(
                0,
                &["/photo", "/a.jpg", "/b.pdf", "/c.zip", "/p1", "/p2"],
            )),
        )
        .route("/photo", Reply::ok("image/png", b"\x89PNG\r\n\x1a\n...."))
        .route("/p1", Reply::html(article(1, &[])))
        .route("/p2", Reply::html(article(2, &[])))
        .fallback(|_| Reply::ok("application/octet-stream", b"\x00\x01\x02"))
        .start();
    // Run 1: the three real pages and the image, which is only known by its answer.
    let crawl = Crawl::new(&[site.url("/")], "max_pages = 4", "");
    let first = crawl.run_ok();
    assert_eq!(site.hits("/photo"), 1);
    assert_eq!(count(&first, "not_stored_content_type"), 1, "{first:?}");
    assert_eq!(count(&first, "links_not_pages"), 3, "{first:?}");
    for never in ["/a.jpg", "/b.pdf", "/c.zip"] {
        assert_eq!(site.hits(never), 0, "{never} was requested");
    }
    assert_eq!(
        (site.hits("/p1"), site.hits("/p2")),
        (1, 1),
        "links to .jpg, .pdf and .zip use none of the page budget"
    );
    assert_eq!(count(&first, "left_page_budget"), 0, "{first:?}");

    // Run 2: a budget of just the real pages; the image is known and not asked again.
    let config = std::fs::read_to_string(&crawl.config).unwrap();
    let config = config.replace("max_pages = 4", "max_pages = 3");
    std::fs::write(&crawl.config, config).unwrap();
    let second = crawl.run_ok();
    assert_eq!(site.hits("/photo"), 1, "an image is not requested again");
    assert_eq!((site.hits("/p1"), site.hits("/p2")), (2, 2), "{second:?}");
    assert_eq!(site.hits("/"), 2);
    for never in ["/a.jpg", "/b.pdf", "/c.zip"] {
        assert_eq!(site.hits(never), 0, "{never} was requested");
    }
    assert_eq!(count(&second, "left_page_budget"), 0, "{second:?}");
    assert_eq!(count(&second, "not_stored_content_type"), 0, "{second:?}");
}

#[test]
fn a_url_failing_run_after_run_is_parked_until_unparked() {
    let site = Site::routes()
        .route("/", Reply::html(article(0, &["/broken"])))
        .route("/broken", Reply::status(500))
        .start();
    let crawl = Crawl::new(
        &[site.url("/")],
        "",
        "max_attempts = 1\npark_after_failures = 2\n",
    );
    let broken = site.url("/broken");
    let store = s(&crawl.store).to_string();

    let first = crawl.run_ok();
    assert_eq!(site.hits("/broken"), 1);
    assert_eq!(count(&first, "failed"), 1, "{first:?}");
    assert_eq!(count(&first, "parked"), 0, "{first:?}");
    assert!(matches!(
        crawl.state(&broken).status,
        UrlStatus::Failed { .. }
    ));

    let second = crawl.run_ok();
    assert_eq!(site.hits("/broken"), 2);
    assert_eq!(count(&second, "failed"), 1, "{second:?}");
    assert_eq!(count(&second, "parked"), 1, "{second:?}");
    let state = crawl.state(&broken);
    assert!(
        matches!(state.status, UrlStatus::Parked { .. }),
        "{state:?}"
    );

    let third = crawl.run_ok();
    assert_eq!(site.hits("/broken"), 2, "a parked URL is not requested");
    assert_eq!(site.hits("/"), 3);
    assert_eq!(count(&third, "failed"), 0, "{third:?}");

    let (code, out, err) = run(&["stats", "--store", &store]);
    assert_eq!(code, 0, "{err}");
    let listed = out
        .lines()
        .skip_while(|l| !l.starts_with("parked URLs:"))
        .collect::<Vec<_>>();
    assert_eq!(
        listed.first().map(|l| l.split_whitespace().last()),
        Some(Some("1")),
        "{out}"
    );
    assert!(
        listed.get(1).is_some_and(|l| l.trim().starts_with(&broken)),
        "{out}"
    );
    let (code, out, err) = run(&["stats", "--store", &store, "--json"]);
    assert_eq!(code, 0, "{err}");
    let stats: serde_json::Value = serde_json::from_str(&out).expect("stats --json");
    let parked = stats["parked"].as_array().expect("a parked list");
    assert_eq!(parked.len(), 1, "{out}");
    assert_eq!(parked[0]["url"], broken.as_str(), "{out}");

    let (code, _, err) = run(&["unpark", "--store", &store, "--all"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("unparked 1 URL"), "{err}");
    let (_, out, _) = run(&["stats", "--store", &store, "--json"]);
    let stats: serde_json::Value = serde_json::from_str(&out).expect("stats --json");
    assert_eq!(stats["parked"].as_array().map(Vec::len), Some(0), "{out}");

    let fourth = crawl.run_ok();
    assert_eq!(site.hits("/broken"), 3, "unparked, it is requested again");
    assert_eq!(count(&fourth, "failed"), 1, "{fourth:?}");
}
