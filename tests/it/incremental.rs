//! Crawls across runs: conditional requests, versions, one document for many URLs,
//! time budgets, a killed run resumed, and overlapping runs.

use crate::crawl::{article, count, Crawl};
use crate::helpers::s;
use crate::site::{conditional, Reply, Site};
use gleaner::store::crawl::{RunStatus, UrlStatus};
use gleaner::store::CrawlStore;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn second_run_is_conditional_and_a_changed_page_gets_a_new_version() {
    let edition = Arc::new(AtomicUsize::new(1));
    let e = edition.clone();
    let site = Site::routes()
        .dynamic(
            "/",
            conditional(Reply::html(article(0, &["/etag", "/dated", "/news"])).etag("\"home-1\"")),
        )
        .dynamic(
            "/etag",
            conditional(Reply::html(article(1, &[])).etag("\"v1\"")),
        )
        .dynamic(
            "/dated",
            conditional(
                Reply::html(article(2, &[])).last_modified("Mon, 02 Nov 2026 10:00:00 GMT"),
            ),
        )
        .dynamic("/news", move |_| {
            Reply::html(article(100 + e.load(SeqCst), &[]))
        })
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let first = crawl.run_ok();
    assert_eq!(count(&first, "new_documents"), 4, "{first:?}");

    edition.store(2, SeqCst);
    let second = crawl.run_ok();
    let sent = |path: &str, header: &str| {
        let reqs: Vec<_> = site
            .requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect();
        reqs.last()
            .and_then(|r| r.header(header).map(str::to_string))
    };
    assert_eq!(sent("/etag", "if-none-match").as_deref(), Some("\"v1\""));
    assert_eq!(
        sent("/dated", "if-modified-since").as_deref(),
        Some("Mon, 02 Nov 2026 10:00:00 GMT")
    );
    assert_eq!(count(&second, "unchanged"), 3, "{second:?}");
    assert_eq!(count(&second, "new_versions"), 1, "{second:?}");
    assert_eq!(count(&second, "new_documents"), 1, "{second:?}");
    // The 304 home page still led the crawl to its links.
    assert_eq!(site.hits("/news"), 2);
    let news = crawl.state(&site.url("/news"));
    assert_eq!(news.versions.len(), 2, "{news:?}");
    assert_ne!(news.versions[0].hash, news.versions[1].hash);
    assert_eq!(crawl.state(&site.url("/etag")).status, UrlStatus::Unchanged);
}

#[test]
fn the_same_article_at_three_urls_is_one_document() {
    let page = article(5, &[]);
    let site = Site::routes()
        .route(
            "/",
            Reply::html(article(
                0,
                &["/a", "/b?id=1", "/c", "/a#comments", "/a?utm_source=feed"],
            )),
        )
        .route("/a", Reply::html(page.clone()))
        .route("/b", Reply::html(page.clone()))
        .route("/c", Reply::html(page))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let run = crawl.run_ok();
    assert_eq!(
        site.hits("/a"),
        1,
        "fragments and tracking parameters are one URL"
    );
    assert_eq!(count(&run, "new_documents"), 2, "{run:?}");
    assert_eq!(count(&run, "duplicates"), 2, "{run:?}");
    let docs = crawl.documents();
    let article_doc = docs
        .iter()
        .find(|d| d.sources.len() > 1)
        .expect("the shared article");
    let mut sources: Vec<&str> = article_doc
        .sources
        .iter()
        .map(|s| s.locator.as_str())
        .collect();
    sources.sort();
    assert_eq!(
        sources,
        [site.url("/a"), site.url("/b?id=1"), site.url("/c")]
    );
}

#[test]
fn canonical_link_is_the_identity() {
    let site = Site::routes()
        .route(
            "/",
            Reply::html(article(0, &["/story?page=print", "/story"])),
        )
        .route(
            "/story",
            Reply::html(
                article(8, &[]).replace("<head>", "<head><link rel=canonical href=\"/story\">"),
            ),
        )
        .route(
            "/story?page=print",
            Reply::html(
                article(8, &[]).replace("<head>", "<head><link rel=canonical href=\"/story\">"),
            ),
        )
        .start();
    // One at a time, so the print page is visited (and names its canonical) first.
    let crawl = Crawl::new(&[site.url("/")], "concurrency = 1", "");
    crawl.run_ok();
    assert_eq!(site.hits("/story?page=print"), 1);
    let exact = site
        .requests()
        .iter()
        .filter(|r| r.path == "/story")
        .count();
    assert_eq!(exact, 0, "the canonical URL was already had");
    let docs = crawl.documents();
    let story = docs
        .iter()
        .find(|d| d.text().contains("article 8"))
        .expect("story stored");
    assert_eq!(story.sources[0].locator, site.url("/story"));
}

/// A site of `n` slow pages, each linking the next ten.
fn slow_site(n: usize, each: Duration) -> Site {
    Site::start(move |r| {
        let i: usize = r.path.trim_start_matches("/p").parse().unwrap_or(0);
        let links: Vec<String> = (i + 1..(i + 11).min(n)).map(|j| format!("/p{j}")).collect();
        let refs: Vec<&str> = links.iter().map(String::as_str).collect();
        Reply::html(article(i, &refs)).after(each)
    })
}

#[test]
fn a_run_stops_at_its_time_budget_and_the_next_resumes() {
    let site = slow_site(40, Duration::from_millis(100));
    let crawl = Crawl::new(
        &[site.url("/p0")],
        "concurrency = 1\nmax_depth = 1000",
        "time_budget_secs = 1.0\n",
    );
    let started = Instant::now();
    let (code, out, err) = crawl.run();
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let first = crawl.last_run();
    assert_eq!(first.status, RunStatus::TimeBudget);
    assert!(count(&first, "frontier_left") > 0, "{first:?}");
    let fetched_first = count(&first, "fetched");
    assert!(fetched_first > 0 && fetched_first < 40, "{first:?}");
    for _ in 0..10 {
        if crawl.last_run().counts.get("frontier_left") == Some(&0) {
            break;
        }
        crawl.run();
    }
    let hits: Vec<usize> = (0..40).map(|i| site.hits(&format!("/p{i}"))).collect();
    assert!(
        hits.iter().all(|&h| h == 1),
        "each page fetched exactly once over the runs: {hits:?}"
    );
    assert_eq!(crawl.documents().len(), 40);
}

#[test]
fn a_killed_run_loses_nothing_and_resumes_without_refetching() {
    let site = slow_site(300, Duration::from_millis(5));
    let crawl = Crawl::new(&[site.url("/p0")], "concurrency = 2\nmax_depth = 1000", "");
    let mut child = crate::helpers::gleaner()
        .args(["run", "--config", s(&crawl.config)])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("gleaner starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while site.requests().len() < 120 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    let before: Vec<String> = crawl
        .documents()
        .iter()
        .map(|d| d.sources[0].locator.clone())
        .collect();
    let requested_before = site.requests().len();
    assert!((120..300).contains(&requested_before), "{requested_before}");

    let resumed = crawl.run_ok();
    let runs = crawl.open().runs().unwrap();
    assert_eq!(
        runs[0].status,
        RunStatus::Interrupted,
        "the killed run is recorded as such"
    );
    assert_eq!(resumed.status, RunStatus::Finished);
    let docs = crawl.documents();
    assert_eq!(docs.len(), 300, "every page stored once over the two runs");
    let again = site.requests()[requested_before..].to_vec();
    for url in &before {
        let path = url.trim_start_matches(&site.url(""));
        assert!(
            !again.iter().any(|r| r.path == path),
            "{path} was stored, yet fetched again"
        );
    }
}

#[test]
fn an_overlapping_run_is_told_who_holds_the_store() {
    let site = slow_site(30, Duration::from_millis(50));
    let crawl = Crawl::new(&[site.url("/p0")], "concurrency = 1\nmax_depth = 1000", "");
    let first = crate::helpers::gleaner()
        .args(["run", "--config", s(&crawl.config)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("gleaner starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while site.requests().len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let (code, _, err) = crawl.run();
    assert_eq!(code, 3, "{err}");
    let expected = format!(
        "the store at {} is in use by another gleaner process (pid {}",
        crawl.store.display(),
        first.id()
    );
    assert!(err.contains(&expected), "{err}");
    assert!(err.contains("gleaner run --config"), "{err}");
    let out = first.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(crawl.documents().len(), 30);
}
