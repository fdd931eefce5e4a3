//! The crawl benchmark: `cargo bench --bench crawl` (Scrapy first: `bench/crawl/setup.sh`).
//!
//! A generated site of article pages on loopback, served by the tests' own server, is
//! crawled by the release `gleaner run` with politeness off and then by an equivalent
//! minimal Scrapy spider (`bench/crawl/spider.py`), each as a child process timed from
//! spawn to exit, its peak RSS read from wait4. Two scenarios: the whole site; then the
//! pages each also linking to 9 fresh URLs, so ~100,000 URLs enter the frontier while the
//! page cap keeps fetches at the same count: does memory stay flat?
//!
//! Knobs (env): GLEANER_BENCH_BASELINE (another gleaner binary, run beside this one),
//! GLEANER_BENCH_PAGES (10000), GLEANER_BENCH_FRONTIER (100000, 0 skips the
//! second scenario), GLEANER_BENCH_CONCURRENCY (16), GLEANER_BENCH_SCRAPY (1; 0 skips
//! Scrapy), GLEANER_SCRAPY_VENV (/tmp/gleaner-scrapy), GLEANER_BENCH_TIMEOUT_SECS (900
//! per crawl).

#[path = "common/child.rs"]
mod child;
#[path = "../tests/it/site.rs"]
mod site;

use child::wait_with_peak_rss;

use site::{Reply, Request, Site};
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECTIONS: [&str; 8] = [
    "world", "politics", "business", "science", "health", "culture", "sport", "opinion",
];

/// The shape of the generated site.
#[derive(Clone, Copy)]
struct Shape {
    /// Article pages `/article/0..articles`, all reachable from `/`.
    articles: u64,
    /// Links per page to fresh `/more/N` URLs, article pages too: page `p` (articles
    /// first, then `/more/0..`) links to `/more/{p*more}..{(p+1)*more}`, so every fetched
    /// page adds `more` URLs nobody else links to. An endless site: the page cap ends it.
    more: u64,
}

impl Shape {
    /// Every page a full crawl finds when there are no `/more/` links.
    fn pages(&self) -> u64 {
        1 + SECTIONS.len() as u64 + self.articles
    }

    fn serve(self, served: Arc<Served>) -> Site {
        Site::start(move |req: &Request| {
            let reply = self.page(req.route());
            if reply.status == 200 && req.route() != "/robots.txt" {
                served.pages.fetch_add(1, Relaxed);
            }
            reply
        })
    }

    fn page(&self, path: &str) -> Reply {
        let id = |prefix: &str| {
            path.strip_prefix(prefix)
                .and_then(|n| n.parse::<u64>().ok())
        };
        if path == "/robots.txt" {
            return Reply::text("User-agent: *\nAllow: /\n");
        }
        if path == "/" {
            let links: Vec<u64> = (0..self.articles.min(40)).collect();
            return Reply::html(self.listing("Front page", &links));
        }
        if let Some(s) = SECTIONS
            .iter()
            .position(|s| path == format!("/section/{s}"))
        {
            let step = SECTIONS.len() as u64;
            let links = (s as u64..self.articles).step_by(step as usize).take(30);
            return Reply::html(self.listing(SECTIONS[s], &links.collect::<Vec<_>>()));
        }
        match (id("/article/"), id("/more/")) {
            (Some(n), _) if n < self.articles => Reply::html(self.article(n)),
            (_, Some(n)) if self.more > 0 && n < 1 << 40 => {
                Reply::html(self.article(self.articles + n))
            }
            _ => Reply::status(404),
        }
    }

    /// Page `n` (articles first, then `/more/` pages): nav, headline, byline, prose, a related
    /// box and a footer, with links that make every article reachable from `/` (a
    /// binary tree, plus prev/next and a few random ones) and its `/more/` links.
    fn article(&self, n: u64) -> String {
        let mut rng = Rng(n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x5eed);
        let title = rng.sentence(5, 9);
        let title = title.trim_end_matches('.');
        let section = SECTIONS[(n % SECTIONS.len() as u64) as usize];
        let mut h = head(title);
        let _ = write!(
            h,
            "<article><h1>{title}</h1><p class=byline>By {} {} in <a href=\"/section/{section}\">\
             {section}</a>, {} November 2026</p>",
            cap(rng.word()),
            cap(rng.word()),
            1 + rng.below(28)
        );
        for p in 0..4 + rng.below(4) {
            if p == 2 {
                let _ = write!(h, "<h2>{}</h2>", rng.sentence(3, 6).trim_end_matches('.'));
            }
            h += "<p>";
            for _ in 0..3 + rng.below(5) {
                h += &rng.sentence(8, 24);
                h += " ";
            }
            h += "</p>\n";
        }
        h += "</article>\n<aside class=related><h3>Related</h3><ul>";
        let mut links = Vec::new();
        if n < self.articles {
            links.extend([2 * n + 1, 2 * n + 2, n + 1, n.saturating_sub(1)]);
        }
        links.extend((0..3).map(|_| rng.below(self.articles)));
        for l in links.into_iter().filter(|&l| l < self.articles && l != n) {
            let title = Rng(l).sentence(3, 6);
            let _ = write!(
                h,
                "<li><a href=\"/article/{l}\">{}</a></li>",
                title.trim_end_matches('.')
            );
        }
        h += "</ul></aside>\n";
        if self.more > 0 {
            h += "<aside class=more><h3>More stories</h3><ul>";
            for j in n * self.more..(n + 1) * self.more {
                let _ = write!(h, "<li><a href=\"/more/{j}\">Story {j}</a></li>");
            }
            h += "</ul></aside>\n";
        }
        h + FOOTER
    }

    fn listing(&self, title: &str, links: &[u64]) -> String {
        let mut h = head(&cap(title));
        let _ = write!(h, "<main><h1>{}</h1><ul>", cap(title));
        for &l in links {
            let title = Rng(l).sentence(3, 6);
            let _ = write!(
                h,
                "<li><a href=\"/article/{l}\">{}</a></li>",
                title.trim_end_matches('.')
            );
        }
        h + "</ul></main>\n" + FOOTER
    }
}

fn head(title: &str) -> String {
    let mut h = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{title} | The Loopback \
         Times</title></head><body>\n<header><a href=\"/\">The Loopback Times</a><nav><ul>"
    );
    for s in SECTIONS {
        let _ = write!(h, "<li><a href=\"/section/{s}\">{}</a></li>", cap(s));
    }
    h + "</ul></nav></header>\n"
}

const FOOTER: &str = "<footer><p>&copy; 2026 The Loopback Times. All rights reserved.</p>\
    <p><a href=\"/\">Home</a> | Privacy | Terms | Contact</p></footer></body></html>\n";

const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "a",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "on",
    "by",
    "at",
    "from",
    "which",
    "this",
    "have",
    "not",
    "but",
    "they",
    "were",
    "their",
    "more",
    "city",
    "council",
    "river",
    "market",
    "report",
    "water",
    "school",
    "budget",
    "season",
    "minister",
    "village",
    "company",
    "workers",
    "study",
    "scientists",
    "festival",
    "train",
    "harbour",
    "farmers",
    "museum",
    "election",
    "hospital",
    "bridge",
    "league",
    "weather",
    "library",
    "energy",
    "prices",
    "families",
    "committee",
    "tourists",
    "coast",
    "announced",
    "said",
    "expected",
    "reported",
    "agreed",
    "warned",
    "opened",
    "rejected",
    "built",
    "found",
    "raised",
    "closed",
    "planned",
    "described",
    "measured",
    "welcomed",
    "new",
    "local",
    "last",
    "early",
    "public",
    "small",
    "major",
    "recent",
    "second",
    "final",
    "northern",
    "quiet",
    "annual",
    "difficult",
    "careful",
    "sudden",
    "modest",
    "open",
    "yesterday",
    "again",
    "slowly",
    "later",
    "already",
    "still",
    "nearly",
    "finally",
    "after",
    "before",
    "during",
    "despite",
    "between",
    "against",
    "under",
    "across",
];

fn cap(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// splitmix64: the same page for the same number, in every run and for both crawlers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len() as u64) as usize]
    }
    fn sentence(&mut self, min: u64, max: u64) -> String {
        let len = min + self.below(max - min + 1);
        let mut s = cap(self.word());
        for i in 1..len {
            s += if i % 9 == 0 { ", " } else { " " };
            s += self.word();
        }
        s + "."
    }
}

#[derive(Default)]
struct Served {
    pages: AtomicU64,
}

/// One crawl's figures.
struct Run {
    pages: u64,
    secs: f64,
    /// Peak resident set of the crawler process, MB (None where wait4 isn't used).
    rss_mb: Option<f64>,
    note: String,
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let articles = env_u64("GLEANER_BENCH_PAGES", 10_000).max(1);
    let frontier = env_u64("GLEANER_BENCH_FRONTIER", 100_000);
    let concurrency = env_u64("GLEANER_BENCH_CONCURRENCY", 16).max(1);
    let timeout = Duration::from_secs(env_u64("GLEANER_BENCH_TIMEOUT_SECS", 900));
    let venv = std::env::var("GLEANER_SCRAPY_VENV").unwrap_or("/tmp/gleaner-scrapy".into());
    let scrapy = Path::new(&venv).join("bin/scrapy");
    let want_scrapy = env_u64("GLEANER_BENCH_SCRAPY", 1) != 0;
    let scrapy = (want_scrapy && scrapy.is_file()).then_some(scrapy);
    // Another gleaner build (an earlier commit's) to run beside this one, so that a
    // change is measured against its reference in the same run.
    let baseline = std::env::var_os("GLEANER_BENCH_BASELINE").map(PathBuf::from);
    let this = PathBuf::from(env!("CARGO_BIN_EXE_gleaner"));

    let mut scenarios = vec![(
        format!("site of {articles} articles"),
        Shape { articles, more: 0 },
        None,
    )];
    if frontier > articles {
        let shape = Shape {
            articles,
            more: (frontier - articles).div_ceil(articles),
        };
        scenarios.push((
            format!("~{frontier} URLs, cap {articles}"),
            shape,
            Some(articles),
        ));
    }
    println!(
        "crawl benchmark: loopback site, politeness off, {concurrency} requests in flight, \
         {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let mut rows = Vec::new();
    for (name, shape, cap) in &scenarios {
        let max_pages = cap.unwrap_or(shape.pages());
        let g = crawl(
            *shape,
            |url, dir| gleaner(&this, url, dir, concurrency, max_pages),
            timeout,
        );
        print_row(name, "gleaner", &g);
        if let Some(bin) = &baseline {
            let b = crawl(
                *shape,
                |url, dir| gleaner(bin, url, dir, concurrency, max_pages),
                timeout,
            );
            print_row(name, "baseline", &b);
            let speed = (g.pages as f64 / g.secs) / (b.pages as f64 / b.secs);
            let rss = match (g.rss_mb, b.rss_mb) {
                (Some(g), Some(b)) => format!("{:.2}", g / b),
                _ => "n/a".into(),
            };
            println!("{name}: gleaner/baseline pages/s {speed:.2}x, peak RSS {rss}x");
        }
        let s = scrapy.as_ref().map(|bin| {
            let s = crawl(
                *shape,
                |url, dir| spider(bin, url, dir, concurrency, *cap),
                timeout,
            );
            print_row(name, "scrapy", &s);
            s
        });
        rows.push((name.clone(), g, s));
    }
    println!();
    match scrapy {
        None => println!(
            "scrapy: skipped (not found at {venv}/bin/scrapy; install with bench/crawl/setup.sh)"
        ),
        Some(_) => {
            for (name, g, s) in &rows {
                let s = s.as_ref().expect("scrapy ran");
                let rss = match (g.rss_mb, s.rss_mb) {
                    (Some(g), Some(s)) => format!("{:.2}", g / s),
                    _ => "n/a".into(),
                };
                let speed = (g.pages as f64 / g.secs) / (s.pages as f64 / s.secs);
                println!("{name}: gleaner/scrapy pages/s {speed:.2}x, peak RSS {rss}x");
            }
        }
    }
    if let [(_, a, _), (_, b, _), ..] = &rows[..] {
        if let (Some(a), Some(b)) = (a.rss_mb, b.rss_mb) {
            println!(
                "gleaner peak RSS, {frontier}-URL frontier / whole site: {:.2}x",
                b / a
            );
        }
    }
}

fn print_row(scenario: &str, crawler: &str, r: &Run) {
    let rss = r.rss_mb.map_or("n/a".into(), |m| format!("{m:.1}"));
    println!(
        "{scenario:<28} {crawler:<8} {:>7} pages {:>7.1} s {:>8.1} pages/s  peak RSS {rss:>6} MB  {}",
        r.pages,
        r.secs,
        r.pages as f64 / r.secs,
        r.note
    );
}

/// Serves `shape` on a fresh server, runs the crawler `start` gives for its URL in a temp
/// dir, and counts the pages the server served.
fn crawl(shape: Shape, start: impl FnOnce(&str, &Path) -> Command, timeout: Duration) -> Run {
    let served = Arc::new(Served::default());
    let site = shape.serve(served.clone());
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = start(&site.url("/"), dir.path());
    let out = dir.path().join("stdout.txt");
    let err = dir.path().join("stderr.txt");
    cmd.stdin(Stdio::null())
        .stdout(File::create(&out).expect("stdout file"))
        .stderr(File::create(&err).expect("stderr file"));
    let started = Instant::now();
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {cmd:?}: {e}"));
    let (code, rss_mb) = wait_with_peak_rss(child, timeout);
    let secs = started.elapsed().as_secs_f64();
    let pages = served.pages.load(Relaxed);
    let requests = site.requests().len();
    let mut note = format!("{requests} requests");
    if code != Some(0) {
        let tail = std::fs::read_to_string(&err).unwrap_or_default();
        let tail: Vec<&str> = tail.lines().rev().take(5).collect();
        let _ = write!(note, "; FAILED (exit {code:?}): {}", tail.join(" / "));
    }
    // gleaner's run summary, on one line; Scrapy logs to a file instead.
    let summary = std::fs::read_to_string(&out).unwrap_or_default();
    for line in summary.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let _ = write!(note, "; {line}");
    }
    Run {
        pages,
        secs,
        rss_mb,
        note,
    }
}

fn gleaner(bin: &Path, url: &str, dir: &Path, concurrency: u64, max_pages: u64) -> Command {
    let config = format!(
        "[store]\npath = \"store\"\n\n[fetch]\nconcurrency = {concurrency}\n\n\
         [[sources.web]]\nname = \"bench\"\nseeds = [\"{url}\"]\ndelay_secs = 0.0\n\
         concurrency = {concurrency}\nmax_pages = {max_pages}\nmax_depth = 1000\n\
         discover_sitemaps = false\n"
    );
    let path = dir.join("gleaner.toml");
    std::fs::write(&path, config).expect("config written");
    let mut cmd = Command::new(bin);
    cmd.env_remove("RUST_LOG")
        .arg("run")
        .arg("--config")
        .arg(path);
    cmd
}

fn spider(bin: &PathBuf, url: &str, dir: &Path, concurrency: u64, cap: Option<u64>) -> Command {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/crawl/spider.py");
    let mut cmd = Command::new(bin);
    cmd.arg("runspider").arg(script);
    cmd.arg("-a").arg(format!("start={url}"));
    cmd.arg("-a")
        .arg(format!("out={}", dir.join("pages").display()));
    for (k, v) in [
        ("CONCURRENT_REQUESTS", concurrency),
        ("CONCURRENT_REQUESTS_PER_DOMAIN", concurrency),
        ("CLOSESPIDER_PAGECOUNT", cap.unwrap_or(0)),
    ] {
        cmd.arg("-s").arg(format!("{k}={v}"));
    }
    cmd.arg("-s")
        .arg(format!("LOG_FILE={}", dir.join("scrapy.log").display()));
    cmd
}
