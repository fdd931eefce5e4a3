//! One test per documented crawler behaviour (README, "How a site is crawled"), each
//! checked on what the loopback server saw and on what the run recorded.

use crate::crawl::{article, count, errors, Crawl};
use crate::site::{Reply, Request, Site};
use gleaner::store::crawl::UrlStatus;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A distinct article per path, so that no two pages are one document.
fn page(path: &str) -> Reply {
    let n = path
        .bytes()
        .fold(0usize, |h, b| (h * 31 + b as usize) % 1_000_003);
    Reply::html(article(n, &[]))
}

/// The requests for pages: everything but robots.txt.
fn page_requests(site: &Site) -> Vec<Request> {
    let all = site.requests().into_iter();
    all.filter(|r| r.path != "/robots.txt").collect()
}

fn locators(crawl: &Crawl) -> Vec<String> {
    let docs = crawl.documents();
    docs.iter().map(|d| d.sources[0].locator.clone()).collect()
}

/// A site whose robots.txt answers `robots`, crawled from two seeds with `fetch`: no page
/// of it may be requested, both seeds are counted as skipped by robots.txt.
fn host_forbidden_by(what: &str, robots: Reply, fetch: &str) {
    let site = Site::routes()
        .route("/robots.txt", robots)
        .route("/", Reply::html(article(0, &["/a"])))
        .fallback(|r| page(&r.path))
        .start();
    let crawl = Crawl::new(&[site.url("/"), site.url("/b")], "", fetch);
    let run = crawl.run_ok();
    assert!(site.hits("/robots.txt") >= 1, "{what}: robots.txt asked");
    assert_eq!(
        page_requests(&site).len(),
        0,
        "{what}: no page of a host without a readable robots.txt: {:?}",
        site.paths()
    );
    assert_eq!(count(&run, "robots_skipped"), 2, "{what}: {run:?}");
    assert_eq!(count(&run, "fetched"), 0, "{what}: {run:?}");
    assert_eq!(count(&run, "failed"), 0, "{what}: {run:?}");
    for seed in ["/", "/b"] {
        let state = crawl.state(&site.url(seed));
        assert!(
            matches!(&state.status, UrlStatus::Skipped { reason } if reason.contains("robots")),
            "{what}: {seed}: {state:?}"
        );
    }
}

/// RFC 9309: a 5xx robots.txt, or none reachable at all, forbids the whole host.
#[test]
fn robots_txt_5xx_or_unreachable_forbids_the_host() {
    host_forbidden_by("503", Reply::status(503), "");
    host_forbidden_by("500", Reply::status(500), "max_attempts = 1\n");
    let short = "response_timeout_secs = 1.0\nread_stall_secs = 0.5\nmax_attempts = 1\n";
    host_forbidden_by("hang", Reply::hang(Duration::from_secs(30)), short);
    host_forbidden_by("reset", Reply::reset_mid_body(5000, 100), short);
}

#[test]
fn max_depth_cuts_a_chain_of_links() {
    // / → /1 → /1/1 → /1/1/1 ...
    let site = Site::start(|r| {
        let next = match r.path.as_str() {
            "/" => "/1".to_string(),
            p => format!("{p}/1"),
        };
        Reply::html(article(r.path.len(), &[&next]))
    });
    let crawl = Crawl::new(&[site.url("/")], "max_depth = 2", "");
    let run = crawl.run_ok();
    let paths: Vec<String> = page_requests(&site).into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/", "/1", "/1/1"], "depths 0, 1 and 2 only");
    assert_eq!(count(&run, "links_beyond_depth"), 1, "/1/1's link: {run:?}");
    assert_eq!(count(&run, "new_documents"), 3, "{run:?}");
}

#[test]
fn meta_robots_nofollow_stores_the_page_but_follows_none_of_its_links() {
    let nofollow = article(0, &["/a", "/b"]).replace(
        "<head>",
        "<head><meta name=\"robots\" content=\"nofollow\">",
    );
    let site = Site::routes()
        .route("/", Reply::html(nofollow))
        // A second seed, without the tag: its link is followed.
        .route("/other", Reply::html(article(1, &["/c"])))
        .fallback(|r| page(&r.path))
        .start();
    let crawl = Crawl::new(&[site.url("/"), site.url("/other")], "", "");
    let run = crawl.run_ok();
    assert_eq!(
        (site.hits("/a"), site.hits("/b")),
        (0, 0),
        "{:?}",
        site.paths()
    );
    assert_eq!(site.hits("/c"), 1, "links of other pages are followed");
    assert!(
        locators(&crawl).contains(&site.url("/")),
        "the page is stored"
    );
    assert_eq!(count(&run, "new_documents"), 3, "{run:?}");
}

#[test]
fn brotli_zstd_and_deflate_bodies_are_decoded() {
    let site = Site::routes()
        .route("/", Reply::html(article(0, &["/br", "/zstd", "/deflate"])))
        .route("/br", Reply::encoded("text/html", "br", article(1, &[])))
        .route(
            "/zstd",
            Reply::encoded("text/html", "zstd", article(2, &[])),
        )
        .route(
            "/deflate",
            Reply::encoded("text/html", "deflate", article(3, &[])),
        )
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let run = crawl.run_ok();
    assert_eq!(errors(&run, "decode"), 0, "{run:?}");
    assert_eq!(count(&run, "new_documents"), 4, "{run:?}");
    let docs = crawl.documents();
    for (n, path) in [(1, "/br"), (2, "/zstd"), (3, "/deflate")] {
        let doc = docs
            .iter()
            .find(|d| d.sources[0].locator == site.url(path))
            .unwrap_or_else(|| panic!("{path} not stored: {run:?}"));
        assert!(
            doc.text().contains(&format!("This is article {n}.")),
            "{path}: {}",
            doc.text()
        );
    }
}

#[test]
fn every_redirect_hop_is_checked_against_scope_and_robots_txt() {
    let other = Site::routes()
        .fallback(|_| Reply::html(article(7, &[])))
        .start();
    let site = Site::routes()
        .route(
            "/robots.txt",
            Reply::text("User-agent: *\nDisallow: /private/\n"),
        )
        .route("/", Reply::html(article(0, &["/away", "/inside"])))
        .route("/away", Reply::redirect(302, &other.url("/x")))
        .route("/inside", Reply::redirect(301, "/private/x"))
        .route("/private/x", Reply::html(article(8, &[])))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let run = crawl.run_ok();
    assert_eq!((site.hits("/away"), site.hits("/inside")), (1, 1));
    assert!(
        other.requests().is_empty(),
        "the off-scope host was asked: {:?}",
        other.paths()
    );
    assert_eq!(site.hits("/private/x"), 0, "disallowed by robots.txt");
    assert_eq!(count(&run, "not_stored_off_scope"), 1, "{run:?}");
    assert_eq!(count(&run, "robots_skipped"), 1, "{run:?}");
    assert_eq!(count(&run, "new_documents"), 1, "{run:?}");
    for path in ["/away", "/inside"] {
        let state = crawl.state(&site.url(path));
        assert!(
            matches!(state.status, UrlStatus::Skipped { .. }),
            "{path}: {state:?}"
        );
    }
}

#[test]
fn retry_after_holds_back_the_hosts_other_requests() {
    // Whichever page is requested first answers 503 with Retry-After: 2, once.
    let first: Arc<Mutex<Option<String>>> = Arc::default();
    let f = first.clone();
    let site = Site::start(move |r| {
        if r.path == "/" {
            return Reply::html(article(0, &["/p1", "/p2", "/p3", "/p4", "/p5"]));
        }
        if !r.path.starts_with("/p") {
            return Reply::status(404);
        }
        let mut first = f.lock().unwrap();
        if first.is_none() {
            *first = Some(r.path.clone());
            return Reply::retry_after(503, 2);
        }
        page(&r.path)
    });
    // Requests spaced 0.5 s apart, up to 4 in flight: the other pages are already
    // waiting for their turn when the 503 comes.
    let crawl = Crawl::new(&[site.url("/")], "delay_secs = 0.5\nconcurrency = 4", "");
    let run = crawl.run_ok();
    let held = first.lock().unwrap().clone().expect("a page was requested");
    let requests = page_requests(&site);
    let at = requests
        .iter()
        .find(|r| r.path == held)
        .expect("the 503")
        .at;
    let after: Vec<(String, Duration)> = requests
        .iter()
        .filter(|r| r.at > at)
        .map(|r| (r.path.clone(), r.at - at))
        .collect();
    assert_eq!(after.len(), 5, "4 other pages and the retry: {after:?}");
    for (path, gap) in &after {
        assert!(
            *gap >= Duration::from_millis(1950),
            "{path} requested {gap:?} after the 503 with Retry-After: 2 ({after:?})"
        );
    }
    assert_eq!(site.hits(&held), 2);
    assert_eq!(crawl.state(&site.url(&held)).status, UrlStatus::Stored);
    assert_eq!(count(&run, "new_documents"), 6, "{run:?}");
    assert_eq!(count(&run, "failed"), 0, "{run:?}");
}

#[test]
fn max_pages_counts_requests_not_urls_skipped_by_robots_txt() {
    budget_with_disallowed_links(10, 4);
    // Many disallowed links, each giving its reserved page back while the budget is
    // full: none may be passed over and left for the next run.
    budget_with_disallowed_links(300, 8);
}

/// A front page linking `disallowed` URLs robots.txt forbids, then 5 allowed ones,
/// crawled with `max_pages = 4`.
fn budget_with_disallowed_links(disallowed: usize, concurrency: usize) {
    let mut links: Vec<String> = (0..disallowed).map(|i| format!("/no/{i}")).collect();
    links.extend((0..5).map(|i| format!("/yes/{i}")));
    let refs: Vec<&str> = links.iter().map(String::as_str).collect();
    let site = Site::routes()
        .route(
            "/robots.txt",
            Reply::text("User-agent: *\nDisallow: /no/\n"),
        )
        .route("/", Reply::html(article(0, &refs)))
        .fallback(|r| page(&r.path))
        .start();
    let config = format!("max_pages = 4\nconcurrency = {concurrency}");
    let crawl = Crawl::new(&[site.url("/")], &config, "");
    let run = crawl.run_ok();
    let pages: Vec<String> = page_requests(&site).into_iter().map(|r| r.path).collect();
    assert_eq!(
        pages.len(),
        4,
        "the front page and 3 allowed ones: {pages:?}"
    );
    assert_eq!(pages[0], "/");
    assert!(
        pages[1..].iter().all(|p| p.starts_with("/yes/")),
        "{pages:?}"
    );
    assert_eq!(site.hits("/robots.txt"), 1);
    assert_eq!(count(&run, "robots_skipped"), disallowed as u64, "{run:?}");
    assert_eq!(count(&run, "new_documents"), 4, "{run:?}");
    assert_eq!(count(&run, "left_page_budget"), 2, "{run:?}");
}

#[test]
fn crawl_delay_spaces_the_first_page_from_the_robots_txt_request() {
    let site = Site::routes()
        .route(
            "/robots.txt",
            Reply::text("User-agent: *\nCrawl-delay: 1\n"),
        )
        .route("/", Reply::html(article(0, &[])))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "delay_secs = 0.0", "");
    crawl.run_ok();
    let requests = site.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/robots.txt", "/"]);
    let gap = requests[1].at - requests[0].at;
    assert!(
        gap >= Duration::from_millis(950),
        "the first page {gap:?} after robots.txt despite Crawl-delay: 1"
    );
}

#[test]
fn empty_and_binary_pages_are_not_stored_and_not_failures() {
    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 256) as u8).collect();
    let site = Site::routes()
        .route("/", Reply::html(article(0, &["/empty", "/binary"])))
        .route("/empty", Reply::html(""))
        .route("/binary", Reply::html(binary))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let (code, out, err) = crawl.run();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("empty / binary 2"), "{out}");
    let run = crawl.last_run();
    assert_eq!((site.hits("/empty"), site.hits("/binary")), (1, 1));
    assert_eq!(count(&run, "not_stored_empty_or_binary"), 2, "{run:?}");
    assert_eq!(count(&run, "failed"), 0, "{run:?}");
    assert_eq!(count(&run, "new_documents"), 1, "{run:?}");
    for path in ["/empty", "/binary"] {
        let state = crawl.state(&site.url(path));
        assert!(
            matches!(state.status, UrlStatus::NotStored { .. }),
            "{path}: {state:?}"
        );
    }
}

#[test]
fn the_query_is_requested_and_stored_as_the_server_wrote_it() {
    let site = Site::routes()
        .route(
            "/",
            Reply::html(article(0, &["/p?a&amp;x=1,2;3:4/5&amp;utm_source=z"])),
        )
        .route("/p", Reply::html(article(5, &[])))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    crawl.run_ok();
    let asked: Vec<String> = page_requests(&site)
        .into_iter()
        .filter(|r| r.route() == "/p")
        .map(|r| r.path)
        .collect();
    assert_eq!(asked, ["/p?a&x=1,2;3:4/5"]);
    let docs = crawl.documents();
    let doc = docs
        .iter()
        .find(|d| d.text().contains("This is article 5."))
        .expect("the page is stored");
    assert!(
        doc.sources[0].locator.ends_with("/p?a&x=1,2;3:4/5"),
        "{}",
        doc.sources[0].locator
    );
    assert_eq!(doc.sources[0].locator, site.url("/p?a&x=1,2;3:4/5"));
}
