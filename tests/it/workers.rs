//! Many `gleaner run` processes on one PostgreSQL store: a coordinator and three
//! `--worker`s crawl one loopback site of 2,000 article pages (duplicates among them)
//! and a small second site whose robots.txt asks for a Crawl-delay. Skipped, with a
//! line saying so, when no test server is set (`tests/postgres/with-cluster.sh` sets
//! one).

use crate::helpers::{gleaner, s, tmp};
use crate::site::{Reply, Request, Site};
use gleaner::store::pg::testing::fresh_database;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const ARTICLES: usize = 2_000;
const LISTS: usize = 40;
/// Pages of the second site, and its robots.txt's Crawl-delay.
const SLOW_PAGES: usize = 8;
const CRAWL_DELAY: f64 = 0.4;

/// The article at `n`: every 100th repeats the text of the one before it (a duplicate
/// page under another URL).
fn article_text(n: usize) -> String {
    let n = if n % 100 == 99 { n - 1 } else { n };
    let words: Vec<String> = (0..60)
        .map(|i| format!("w{}x{}", n, (i * 37 + n) % 97))
        .collect();
    format!(
        "<html><head><title>Article n{n}</title></head><body><article><h1>Article n{n}</h1>\
         <p>The council met on Tuesday to talk about item {n}, and it said a great deal \
         about the harbour, the bridge and the school. {}</p><p>Residents asked about \
         the plans for item {n} at length, and the answers came slowly.</p></article>\
         </body></html>",
        words.join(" ")
    )
}

fn main_site(slow: Option<Duration>) -> Site {
    Site::start(move |r: &Request| {
        let path = r.route().to_string();
        let reply = if path == "/robots.txt" {
            Reply::text("User-agent: *\nAllow: /\n")
        } else if path == "/" {
            let links: String = (0..LISTS)
                .map(|k| format!("<a href=\"/list/{k}\">list {k}</a> "))
                .collect();
            Reply::html(format!("<html><body><nav>{links}</nav></body></html>"))
        } else if let Some(k) = path
            .strip_prefix("/list/")
            .and_then(|k| k.parse::<usize>().ok())
        {
            let per = ARTICLES / LISTS;
            let links: String = (k * per..(k + 1) * per)
                .map(|n| format!("<li><a href=\"/a/{n}\">article {n}</a></li>"))
                .collect();
            Reply::html(format!("<html><body><ul>{links}</ul></body></html>"))
        } else if let Some(n) = path
            .strip_prefix("/a/")
            .and_then(|n| n.parse::<usize>().ok())
        {
            Reply::html(article_text(n))
        } else {
            Reply::status(404)
        };
        match slow {
            Some(d) if path.starts_with("/a/") => reply.after(d),
            _ => reply,
        }
    })
}

fn slow_site() -> Site {
    let robots = format!("User-agent: *\nCrawl-delay: {CRAWL_DELAY}\n");
    hub_site(robots, "/s/", SLOW_PAGES, 10_000, None)
}

/// A site whose home page links to `pages` articles under `prefix` (their texts from
/// `first` on), each answered after `reply_after`, if given.
fn hub_site(
    robots: String,
    prefix: &'static str,
    pages: usize,
    first: usize,
    reply_after: Option<Duration>,
) -> Site {
    Site::start(move |r: &Request| {
        let path = r.route().to_string();
        if path == "/robots.txt" {
            return Reply::text(robots.clone());
        }
        let reply = if path == "/" {
            let links: String = (0..pages)
                .map(|n| format!("<a href=\"{prefix}{n}\">p{n}</a> "))
                .collect();
            Reply::html(format!("<html><body>{links}</body></html>"))
        } else if let Some(n) = path
            .strip_prefix(prefix)
            .and_then(|n| n.parse::<usize>().ok())
        {
            Reply::html(article_text(first + n))
        } else {
            Reply::status(404)
        };
        match reply_after {
            Some(d) => reply.after(d),
            None => reply,
        }
    })
}

fn config(dir: &Path, url: &str, main: &Site, slow: &Site, lease_secs: f64) -> std::path::PathBuf {
    let path = dir.join("gleaner.toml");
    let site = |name: &str, seed: String| {
        format!(
            "[[sources.web]]\nname = \"{name}\"\nseeds = [\"{seed}\"]\ndelay_secs = 0.0\n\
             concurrency = 4\ndiscover_sitemaps = false\nmax_pages = 100000\nmax_depth = 5\n"
        )
    };
    let text = format!(
        "[store]\nbackend = \"postgres\"\nurl = \"{url}\"\nlease_secs = {lease_secs}\n\n\
         [fetch]\n{}\n{}\n{}",
        crate::crawl::FAST,
        site("main", main.url("/")),
        site("slow", slow.url("/")),
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Held by each test of this module while it runs: their timing assertions (a
/// Crawl-delay measured at the server) are about politeness, not about how four crawls
/// at once share two cores with the rest of the suite.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn spawn(config: &Path, worker: bool) -> Child {
    let mut cmd = gleaner();
    cmd.args(["run", "--config", s(config), "--jobs", "2"]);
    if worker {
        cmd.arg("--worker");
    }
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gleaner runs")
}

/// Waits for a child, bounded; its exit code and output.
fn finish(mut child: Child, limit: Duration) -> (Option<i32>, String) {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait().expect("wait") {
            Some(_) => break,
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                break;
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let out = child.wait_with_output().expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Shared politeness and robots.txt never fell back on a process's own.
    assert!(!text.contains("unavailable"), "{text}");
    (out.status.code(), text)
}

fn db(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).expect("connect")
}

fn count(url: &str, sql: &str) -> i64 {
    db(url).query_one(sql, &[]).expect(sql).get(0)
}

/// Waits (bounded) until the coordinator has seeded `sites` sites.
fn seeded(url: &str, sites: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(url, "SELECT count(*) FROM sites WHERE epoch > 0") < sites {
        assert!(Instant::now() < deadline, "the coordinator never seeded");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A coordinator crawling the two sites on a fresh database, once it has seeded them,
/// with what a test needs around it; the tests of this module run one at a time.
struct Started {
    url: String,
    main: Site,
    slow: Site,
    dir: tempfile::TempDir,
    cfg: std::path::PathBuf,
    coordinator: Child,
    /// Held while the test runs.
    _serial: std::sync::MutexGuard<'static, ()>,
}

/// [`Started`] on a database labelled `label`, the main site's articles answered after
/// `reply_after` and leases of `lease_secs`; None (said) without a test server.
fn start(label: &str, reply_after: Option<Duration>, lease_secs: f64) -> Option<Started> {
    let url = fresh_database(label)?;
    let serial = one_at_a_time();
    let (main, slow) = (main_site(reply_after), slow_site());
    let dir = tmp();
    let cfg = config(dir.path(), &url, &main, &slow, lease_secs);
    let coordinator = spawn(&cfg, false);
    seeded(&url, 2);
    Some(Started {
        url,
        main,
        slow,
        dir,
        cfg,
        coordinator,
        _serial: serial,
    })
}

/// Every source locator of every stored document, by document.
fn stored_sources(url: &str) -> Vec<Vec<String>> {
    let mut client = db(url);
    let rows = client
        .query("SELECT record FROM documents ORDER BY seq", &[])
        .unwrap();
    rows.iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_slice(r.get(0)).unwrap();
            v["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["locator"].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

/// Each article URL is the source of exactly one document, and duplicates share theirs.
fn assert_every_article_stored_once(url: &str, main: &Site) {
    let docs = stored_sources(url);
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    for (i, sources) in docs.iter().enumerate() {
        for s in sources {
            assert!(
                owner.insert(s.clone(), i).is_none(),
                "{s} is a source twice"
            );
        }
    }
    for n in 0..ARTICLES {
        let u = main.url(&format!("/a/{n}"));
        assert!(owner.contains_key(&u), "{u} was not stored");
        if n % 100 == 99 {
            let before = main.url(&format!("/a/{}", n - 1));
            assert_eq!(owner[&u], owner[&before], "{u} is a duplicate of {before}");
        }
    }
    assert_eq!(
        count(url, "SELECT count(*) FROM frontier"),
        0,
        "frontier drained"
    );
}

/// The Crawl-delay host was never hit faster than its delay, across all processes;
/// each of its URLs fetched `once` or, after a kill, more (bounded).
fn assert_paced(slow: &Site, once: bool) {
    let mut at: Vec<Instant> = slow.requests().iter().map(|r| r.at).collect();
    at.sort();
    if once {
        assert_eq!(
            at.len(),
            SLOW_PAGES + 2,
            "robots.txt, the seed and each page, once"
        );
    } else {
        assert!(at.len() <= 2 * (SLOW_PAGES + 2), "{} requests", at.len());
    }
    // Requests are started at least the delay apart; a little scheduling noise between
    // a process's start and the server's read is allowed.
    let min = Duration::from_secs_f64(CRAWL_DELAY * 0.9);
    for pair in at.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= min,
            "two requests {gap:?} apart, under the Crawl-delay"
        );
    }
}

#[test]
fn four_processes_fetch_every_url_once_and_store_every_document_once() {
    let Some(t) = start("four_processes", None, 60.0) else {
        return;
    };
    let workers: Vec<Child> = (0..3).map(|_| spawn(&t.cfg, true)).collect();
    let limit = Duration::from_secs(300);
    let (code, out) = finish(t.coordinator, limit);
    assert_eq!(code, Some(0), "{out}");
    for w in workers {
        let (code, out) = finish(w, limit);
        assert_eq!(code, Some(0), "{out}");
    }
    let paths: BTreeSet<String> = t.main.paths().into_iter().collect();
    for p in &paths {
        assert_eq!(t.main.hits(p), 1, "{p} fetched {} times", t.main.hits(p));
    }
    assert_eq!(
        paths.len(),
        1 + 1 + LISTS + ARTICLES,
        "robots, seed, lists, articles"
    );
    assert_every_article_stored_once(&t.url, &t.main);
    assert_paced(&t.slow, true);
    // One run record per process: the coordinator's and each worker's, all finished,
    // the articles fetched once among them.
    let (code, runs, err) = crate::helpers::run(&["runs", "--store", &t.url]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(lines.len(), 4, "{runs}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("  worker ")).count(),
        3,
        "{runs}"
    );
    assert!(lines.iter().all(|l| l.contains(" finished ")), "{runs}");
    let fetched: usize = lines
        .iter()
        .filter_map(|l| {
            l.split("fetched ")
                .nth(1)?
                .split(' ')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .sum();
    assert_eq!(fetched, 1 + LISTS + ARTICLES + 1 + SLOW_PAGES, "{runs}");
    // The fleet, all done: nothing queued, held or in flight, no one at work.
    let (code, stats, err) = crate::helpers::run(&["stats", "--store", &t.url]);
    assert_eq!(code, 0, "{err}");
    for line in [
        "frontier:         0 waiting, 0 leased (0 lapsed)",
        "in flight:        0 requests",
        "coordinator:      none",
        "workers:          0",
    ] {
        assert!(stats.contains(line), "{stats}");
    }
    // The whole crawl copied to sled: documents, every URL's state, epochs, the run.
    let copy = t.dir.path().join("copy");
    let to = format!("sled:{}", s(&copy));
    let (code, _, err) = crate::helpers::run(&["store", "copy", "--from", &t.url, "--to", &to]);
    assert_eq!(code, 0, "{err}");
    let urls = count(&t.url, "SELECT count(*) FROM urls");
    let docs = count(&t.url, "SELECT count(*) FROM documents");
    let want = format!("{docs} documents: {docs} copied, 0 already there");
    assert!(err.contains(&want), "{err}");
    assert!(
        err.contains(&format!("; {urls} URL states, 4 runs")),
        "{err}"
    );
}

#[test]
fn a_killed_worker_loses_nothing_and_its_leases_are_taken_over() {
    let Some(t) = start("killed_worker", Some(Duration::from_millis(5)), 5.0) else {
        return;
    };
    let mut victim = spawn(&t.cfg, true);
    let workers: Vec<Child> = (0..2).map(|_| spawn(&t.cfg, true)).collect();
    // Killed a third of the way through, holding leases.
    let deadline = Instant::now() + Duration::from_secs(120);
    while t.main.requests().len() < ARTICLES / 3 {
        assert!(Instant::now() < deadline, "the crawl does not progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = victim.id();
    victim.kill().expect("SIGKILL");
    let _ = victim.wait();
    // What it held when it died, counted at once (its leases last 5 s): only those URLs
    // may be fetched again, since a visit completes in the transaction that removes
    // its URL from the frontier.
    let held_urls: Vec<String> = db(&t.url)
        .query(
            "SELECT url FROM frontier WHERE leased_by LIKE '%:' || $1::text",
            &[&pid.to_string()],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!held_urls.is_empty(), "the worker was killed holding URLs");
    let limit = Duration::from_secs(300);
    let (code, out) = finish(t.coordinator, limit);
    assert_eq!(code, Some(0), "{out}");
    for w in workers {
        let (code, out) = finish(w, limit);
        assert_eq!(code, Some(0), "{out}");
    }
    assert_every_article_stored_once(&t.url, &t.main);
    // Only what the killed worker held may have been fetched twice.
    let paths: BTreeSet<String> = t.main.paths().into_iter().collect();
    let twice: Vec<String> = paths
        .into_iter()
        .filter(|p| t.main.hits(p) > 1)
        .map(|p| t.main.url(&p))
        .collect();
    assert!(
        twice.iter().all(|u| held_urls.contains(u)),
        "fetched twice: {twice:?}, held by the killed worker: {held_urls:?}"
    );
    assert_paced(&t.slow, false);
    // The killed worker's run is left running, until the next coordinator starts.
    let (code, runs, err) = crate::helpers::run(&["runs", "--store", &t.url]);
    assert_eq!(code, 0, "{err}");
    let victim = format!(":{pid}");
    let line = runs
        .lines()
        .find(|l| l.ends_with(&victim))
        .expect("the victim's run");
    assert!(line.contains(" running "), "{runs}");
}

/// A second coordinator on a database another holds is told so, and exits 3.
#[test]
fn a_second_coordinator_is_refused_with_exit_3() {
    let Some(t) = start("second_coordinator", Some(Duration::from_millis(20)), 60.0) else {
        return;
    };
    let (code, out) = finish(spawn(&t.cfg, false), Duration::from_secs(60));
    assert_eq!(code, Some(3), "{out}");
    assert!(
        out.contains("another gleaner run coordinates this database"),
        "{out}"
    );
    let (code, out) = finish(t.coordinator, Duration::from_secs(300));
    assert_eq!(code, Some(0), "{out}");
}

/// Pages of the site whose concurrency the workers share, and how long each takes.
const BUSY_PAGES: usize = 150;
const BUSY_REPLY: Duration = Duration::from_millis(20);

/// Three processes on a host whose site allows 2 requests in flight and no delay:
/// together they never have more than 2 in flight (one process's limit), though each
/// could have 2 of its own.
#[test]
fn workers_together_keep_a_hosts_concurrency() {
    let Some(url) = fresh_database("shared_concurrency") else {
        return;
    };
    let _serial = one_at_a_time();
    let robots = "User-agent: *\nAllow: /\n".to_string();
    let site = hub_site(robots, "/b/", BUSY_PAGES, 20_000, Some(BUSY_REPLY));
    let dir = tmp();
    let cfg = dir.path().join("gleaner.toml");
    let text = format!(
        "[store]\nbackend = \"postgres\"\nurl = \"{url}\"\n\n[fetch]\n{}\n\
         [[sources.web]]\nname = \"busy\"\nseeds = [\"{}\"]\ndelay_secs = 0.0\n\
         concurrency = 2\ndiscover_sitemaps = false\nmax_depth = 2\n",
        crate::crawl::FAST,
        site.url("/"),
    );
    std::fs::write(&cfg, text).unwrap();
    let coordinator = spawn(&cfg, false);
    seeded(&url, 1);
    let workers: Vec<Child> = (0..2).map(|_| spawn(&cfg, true)).collect();
    let limit = Duration::from_secs(120);
    let mut requests = Vec::new();
    for child in std::iter::once(coordinator).chain(workers) {
        let (code, out) = finish(child, limit);
        assert_eq!(code, Some(0), "{out}");
        let made = out
            .split("web: ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        requests.push(made);
    }
    assert_eq!(site.paths().len(), BUSY_PAGES + 2, "robots, seed, pages");
    assert!(
        requests.iter().filter(|&&n| n > 0).count() >= 2,
        "the requests were shared: {requests:?}"
    );
    assert!(
        site.max_in_flight() <= 2,
        "{} requests in flight at once",
        site.max_in_flight()
    );
}

/// A coordinator and a worker whose every connection the server cuts, five times over
/// the crawl (as a restart or a failover would, transactions in flight included): each
/// reconnects, runs again what was cut, and the crawl ends as if nothing happened.
#[test]
fn workers_ride_through_lost_connections() {
    let Some(t) = start("lost_connections", Some(Duration::from_millis(2)), 5.0) else {
        return;
    };
    let worker = spawn(&t.cfg, true);
    let mut cut = 0;
    let mut admin = db(&t.url);
    for round in 1..=5 {
        // A fifth of the articles further each time, bounded.
        let deadline = Instant::now() + Duration::from_secs(60);
        while t.main.requests().len() < round * ARTICLES / 6 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        cut += admin
            .query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \
                 current_database() AND application_name = 'gleaner'",
                &[],
            )
            .unwrap()
            .len();
    }
    assert!(cut >= 5, "connections cut: {cut}");
    let limit = Duration::from_secs(300);
    for child in [t.coordinator, worker] {
        let (code, out) = finish(child, limit);
        assert_eq!(code, Some(0), "{out}");
    }
    let paths: BTreeSet<String> = t.main.paths().into_iter().collect();
    assert_eq!(paths.len(), 1 + 1 + LISTS + ARTICLES, "every URL fetched");
    assert_every_article_stored_once(&t.url, &t.main);
    assert_paced(&t.slow, false);
}
