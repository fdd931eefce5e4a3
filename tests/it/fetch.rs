//! The fetcher against misbehaving and well-behaved loopback sites: robots.txt,
//! politeness, discovery, retries, redirects, limits, charsets.

use crate::crawl::{article, count, errors, Crawl};
use crate::site::{fail_first, Reply, Site};
use gleaner::store::crawl::UrlStatus;
use std::time::Duration;

#[test]
fn robots_disallow_allow_override_and_wildcards() {
    let robots = "User-agent: *\nDisallow: /\n\n\
                  User-agent: gleaner\nDisallow: /private/\nAllow: /private/open\n\
                  Disallow: /*.cgi$\nDisallow: /*?session=\n";
    let site = Site::routes()
        .route("/robots.txt", Reply::text(robots))
        .route(
            "/",
            Reply::html(article(
                0,
                &[
                    "/private/secret",
                    "/private/open",
                    "/run.cgi",
                    "/a?session=1",
                    "/public",
                ],
            )),
        )
        .route("/private/open", Reply::html(article(1, &[])))
        .route("/public", Reply::html(article(2, &[])))
        .fallback(|_| Reply::html(article(9, &[])))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let run = crawl.run_ok();
    assert_eq!(site.paths()[0], "/robots.txt", "robots.txt comes first");
    assert_eq!(site.hits("/robots.txt"), 1, "cached for the run");
    for never in ["/private/secret", "/run.cgi", "/a?session=1"] {
        assert_eq!(site.hits(never), 0, "{never} was requested");
    }
    assert_eq!(
        site.hits("/private/open"),
        1,
        "Allow overrides the shorter Disallow"
    );
    assert_eq!(site.hits("/public"), 1);
    assert_eq!(count(&run, "robots_skipped"), 3, "{run:?}");
    let secret = crawl.state(&site.url("/private/secret"));
    assert!(
        matches!(secret.status, UrlStatus::Skipped { .. }),
        "{secret:?}"
    );
}

#[test]
fn crawl_delay_spaces_requests_to_a_host() {
    let site = Site::routes()
        .route(
            "/robots.txt",
            Reply::text("User-agent: *\nCrawl-delay: 1\n"),
        )
        .route("/", Reply::html(article(0, &["/a", "/b"])))
        .fallback(|r| Reply::html(article(r.path.len(), &[])))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "concurrency = 4", "");
    crawl.run_ok();
    let times: Vec<_> = site
        .requests()
        .into_iter()
        .filter(|r| r.path != "/robots.txt")
        .map(|r| r.at)
        .collect();
    assert_eq!(times.len(), 3);
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= Duration::from_millis(950),
            "requests {gap:?} apart despite Crawl-delay: 1"
        );
    }
}

#[test]
fn per_host_concurrency_is_a_ceiling() {
    let links: Vec<String> = (0..12).map(|i| format!("/p{i}")).collect();
    let refs: Vec<&str> = links.iter().map(String::as_str).collect();
    let site = Site::routes()
        .route("/", Reply::html(article(0, &refs)))
        .fallback(|r| Reply::html(article(r.path.len() * 7, &[])).after(Duration::from_millis(100)))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "concurrency = 2", "");
    crawl.run_ok();
    assert_eq!(site.hits("/p11"), 1);
    assert!(
        site.max_in_flight() <= 2,
        "{} in flight",
        site.max_in_flight()
    );
}

#[test]
fn sitemap_index_gzipped_sitemap_and_feed_discovery() {
    let site = discovery_site();
    let crawl = Crawl::new(&[site.url("/")], "discover_sitemaps = true", "");
    let run = crawl.run_ok();
    for page in ["/p1", "/p2", "/p3"] {
        assert_eq!(site.hits(page), 1, "{page}: {:?}", site.paths());
    }
    assert_eq!(
        site.hits("/sitemap.xml"),
        1,
        "the well-known sitemap is probed"
    );
    assert_eq!(count(&run, "sitemaps"), 2, "{run:?}");
    assert_eq!(count(&run, "feeds"), 1, "{run:?}");
    assert_eq!(
        count(&run, "failed"),
        0,
        "a missing /sitemap.xml is no failure: {run:?}"
    );
    let urls: Vec<String> = crawl
        .documents()
        .iter()
        .map(|d| d.sources[0].locator.clone())
        .collect();
    assert!(urls.contains(&site.url("/p3")), "{urls:?}");
}

/// robots.txt names a sitemap index, which names a gzipped sitemap; the seed page links
/// an RSS feed in its head.
fn discovery_site() -> Site {
    use std::sync::{Arc, OnceLock};
    let base: Arc<OnceLock<String>> = Arc::default();
    let b = base.clone();
    let site = Site::start(move |req| {
        let base = b.get().expect("base set").clone();
        match req.path.as_str() {
            "/robots.txt" => Reply::text(format!("User-agent: *\nAllow: /\nSitemap: {base}/index.xml\n")),
            "/index.xml" => Reply::xml(format!(
                "<sitemapindex><sitemap><loc>{base}/s1.xml.gz</loc></sitemap></sitemapindex>"
            )),
            "/s1.xml.gz" => Reply::gz_file(format!(
                "<urlset><url><loc>{base}/p1</loc></url><url><loc>{base}/p2</loc></url></urlset>"
            )),
            "/feed.xml" => Reply::xml(format!(
                "<rss><channel><item><link>{base}/p3</link></item></channel></rss>"
            )),
            "/" => Reply::html(
                "<html><head><link rel=alternate type=\"application/rss+xml\" href=\"/feed.xml\"></head>\
                 <body><p>Home.</p></body></html>",
            ),
            "/p1" | "/p2" | "/p3" => Reply::html(article(req.path.as_bytes()[2] as usize, &[])),
            _ => Reply::status(404),
        }
    });
    base.set(site.url("")).expect("set once");
    site
}

#[test]
fn a_503_then_success_is_retried() {
    let site = Site::routes()
        .dynamic(
            "/",
            fail_first(1, Reply::status(503), Reply::html(article(1, &[]))),
        )
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let run = crawl.run_ok();
    assert_eq!(site.hits("/"), 2);
    assert_eq!(count(&run, "new_documents"), 1, "{run:?}");
    assert_eq!(count(&run, "retries"), 1, "{run:?}");
    assert_eq!(count(&run, "failed"), 0, "{run:?}");
}

#[test]
fn a_429_waits_for_retry_after() {
    let site = Site::routes()
        .dynamic(
            "/",
            fail_first(1, Reply::retry_after(429, 1), Reply::html(article(1, &[]))),
        )
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let run = crawl.run_ok();
    let times: Vec<_> = site
        .requests()
        .into_iter()
        .filter(|r| r.path == "/")
        .map(|r| r.at)
        .collect();
    assert_eq!(times.len(), 2);
    assert!(
        times[1] - times[0] >= Duration::from_millis(950),
        "{:?}",
        times[1] - times[0]
    );
    assert_eq!(count(&run, "new_documents"), 1, "{run:?}");
}

#[test]
fn a_500_is_retried_then_given_up_and_counted() {
    let site = Site::routes()
        .route("/", Reply::html(article(0, &["/broken", "/fine"])))
        .route("/broken", Reply::status(500))
        .route("/fine", Reply::html(article(1, &[])))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let run = crawl.run_ok();
    assert_eq!(site.hits("/broken"), 3, "max_attempts = 3");
    assert_eq!(errors(&run, "http_5xx"), 1, "{run:?}");
    assert_eq!(count(&run, "failed"), 1, "{run:?}");
    assert_eq!(count(&run, "new_documents"), 2, "{run:?}");
    // Over the failure threshold, the run says so with exit code 1.
    let strict = Crawl::new(&[site.url("/broken")], "", "failure_threshold = 0.1\n");
    let (code, out, _) = strict.run();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("http_5xx 1"), "{out}");
}

#[test]
fn gone_pages_are_recorded_not_retried() {
    let site = Site::routes()
        .route(
            "/",
            Reply::html(article(0, &["/gone", "/missing", "/forbidden"])),
        )
        .route("/gone", Reply::status(410))
        .route("/forbidden", Reply::status(403))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let run = crawl.run_ok();
    assert_eq!(
        (
            site.hits("/gone"),
            site.hits("/missing"),
            site.hits("/forbidden")
        ),
        (1, 1, 1)
    );
    assert_eq!(count(&run, "gone"), 2, "{run:?}");
    assert_eq!(errors(&run, "http_4xx"), 1, "{run:?}");
    let gone = crawl.state(&site.url("/gone"));
    assert_eq!(
        (gone.status, gone.http_status),
        (UrlStatus::Gone, Some(410))
    );
    assert_eq!(crawl.state(&site.url("/missing")).http_status, Some(404));
}

#[test]
fn redirect_chain_relative_redirect_and_loop() {
    let site = Site::routes()
        .route("/", Reply::html(article(0, &["/r1", "/loop1", "/far"])))
        .route("/r1", Reply::redirect(301, "/dir/r2"))
        .route("/dir/r2", Reply::redirect(302, "r3?utm_source=x"))
        .route("/dir/r3", Reply::html(article(3, &["/r1"])))
        .route("/loop1", Reply::redirect(302, "/loop2"))
        .route("/loop2", Reply::redirect(307, "/loop1"))
        .route("/far", Reply::redirect(301, "/f1"))
        .route("/f1", Reply::redirect(301, "/f2"))
        .route("/f2", Reply::redirect(301, "/f3"))
        .route("/f3", Reply::html(article(4, &[])))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "max_redirects = 2\n");
    let run = crawl.run_ok();
    assert_eq!(
        site.hits("/dir/r3"),
        1,
        "the relative Location resolves against /dir/r2"
    );
    assert_eq!(
        site.hits("/r1"),
        1,
        "the redirect's source is not fetched again"
    );
    let docs = crawl.documents();
    assert!(
        docs.iter()
            .any(|d| d.sources[0].locator == site.url("/dir/r3")),
        "{docs:?}"
    );
    assert_eq!(site.hits("/loop1"), 1, "a loop is detected, not followed");
    assert_eq!(site.hits("/f3"), 0, "the chain is cut at max_redirects");
    assert_eq!(errors(&run, "redirect"), 2, "{run:?}");
}

#[test]
fn trickling_bodies_arrive_and_hanging_ones_time_out() {
    let site = Site::routes()
        .route(
            "/",
            Reply::html(article(0, &["/slow", "/stuck", "/silent"])),
        )
        .route(
            "/slow",
            Reply::trickle(article(1, &[]), 200, Duration::from_millis(30))
                .content_type("text/html"),
        )
        .route("/stuck", Reply::hang_after_headers(Duration::from_secs(30)))
        .route("/silent", Reply::hang(Duration::from_secs(30)))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "max_attempts = 1\n");
    let started = std::time::Instant::now();
    let run = crawl.run_ok();
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        count(&run, "new_documents"),
        2,
        "the trickled page is whole: {run:?}"
    );
    assert_eq!(errors(&run, "timeout"), 2, "{run:?}");
}

#[test]
fn cut_bodies_are_errors_never_half_pages() {
    let site = Site::routes()
        .route("/", Reply::html(article(0, &["/reset", "/short"])))
        .route(
            "/reset",
            Reply::reset_mid_body(20_000, 600).content_type("text/html"),
        )
        .route(
            "/short",
            Reply::short_body(20_000, 600).content_type("text/html"),
        )
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    let run = crawl.run_ok();
    assert_eq!(errors(&run, "truncated"), 2, "{run:?}");
    assert_eq!(site.hits("/reset"), 3, "a cut body is retried");
    assert_eq!(crawl.documents().len(), 1, "only the whole page is stored");
}

#[test]
fn oversize_bodies_and_compression_bombs_stop_at_the_caps() {
    let site = Site::routes()
        .route("/", Reply::html(article(0, &["/huge", "/bomb"])))
        .route("/huge", Reply::zeros("text/html", 8 << 20))
        .route("/bomb", Reply::gzip_bomb(1 << 30))
        .start();
    let fetch = "max_body_bytes = 2097152\nmax_decompressed_bytes = 4194304\n";
    let crawl = Crawl::new(&[site.url("/")], "", fetch);
    let started = std::time::Instant::now();
    let run = crawl.run_ok();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(errors(&run, "too_large"), 2, "{run:?}");
    assert_eq!(site.hits("/huge"), 1, "a cap is not retried");
    let bomb = crawl.state(&site.url("/bomb"));
    match bomb.status {
        UrlStatus::Failed { message, .. } => assert!(message.contains("decompressed"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn charset_declared_only_in_the_header() {
    let text = "Новости дня. Комитет собрался во вторник, чтобы обсудить гавань, и после долгих \
                споров о бюджете члены комитета согласились, что старый причал будет отремонтирован \
                до начала зимних штормов в заливе.";
    let html = format!(
        "<html><body><article><h1>Гавань</h1><p>{text}</p><p>{text}</p></article></body></html>"
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&html);
    let site = Site::routes()
        .route("/", Reply::ok("text/html; charset=windows-1251", &bytes))
        .start();
    let crawl = Crawl::new(&[site.url("/")], "", "");
    crawl.run_ok();
    let docs = crawl.documents();
    assert_eq!(docs.len(), 1);
    assert!(
        docs[0].text().contains("Комитет собрался во вторник"),
        "{}",
        docs[0].text()
    );
}

#[test]
fn scope_types_noindex_and_budget() {
    let other = Site::routes()
        .fallback(|_| Reply::html(article(77, &[])))
        .start();
    let off_site = other.url("/elsewhere");
    let site = Site::routes()
        .route(
            "/",
            Reply::html(article(
                0,
                &[
                    &off_site,
                    "mailto:a@b.c",
                    "javascript:void(0)",
                    "/img.png",
                    "/photo",
                    "/hidden",
                    "/noheader",
                    "/x/1",
                ],
            )),
        )
        .route("/img.png", Reply::ok("image/png", b"\x89PNG...."))
        .route("/photo", Reply::ok("image/png", b"\x89PNG...."))
        .route(
            "/hidden",
            Reply::html(
                article(2, &[]).replace("<head>", "<head><meta name=robots content=noindex>"),
            ),
        )
        .route(
            "/noheader",
            Reply::html(article(3, &[])).header("X-Robots-Tag", "noindex"),
        )
        // A spider trap: every page links one level deeper.
        .fallback(|r| {
            let next = format!("{}/1", r.path);
            Reply::html(article(r.path.len(), &[&next]))
        })
        .start();
    let crawl = Crawl::new(&[site.url("/")], "max_pages = 8\nexclude = ['\\.pdf$']", "");
    let run = crawl.run_ok();
    assert_eq!(
        other.requests().len(),
        0,
        "off-scope hosts are never requested"
    );
    assert_eq!(
        count(&run, "not_stored"),
        3,
        "image, meta noindex, header noindex: {run:?}"
    );
    assert_eq!(count(&run, "not_stored_content_type"), 1, "{run:?}");
    assert_eq!(
        site.hits("/img.png"),
        0,
        "a link to a .png is not requested"
    );
    assert_eq!(count(&run, "links_not_pages"), 1, "{run:?}");
    let requested_pages = site
        .requests()
        .iter()
        .filter(|r| r.path != "/robots.txt")
        .count();
    assert_eq!(
        requested_pages,
        8,
        "the page budget stops the trap: {:?}",
        site.paths()
    );
    assert!(count(&run, "frontier_left") >= 1, "{run:?}");
    let locators: Vec<String> = crawl
        .documents()
        .iter()
        .map(|d| d.sources[0].locator.clone())
        .collect();
    assert!(
        !locators
            .iter()
            .any(|l| l.ends_with("/hidden") || l.ends_with("/noheader")),
        "{locators:?}"
    );
}
