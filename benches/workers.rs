//! The scale-out benchmark: `tests/postgres/with-cluster.sh cargo bench --bench workers`
//! (any PostgreSQL server named by GLEANER_TEST_POSTGRES will do).
//!
//! In one run:
//! - a loopback site of article pages (politeness off) crawled by 1, 2 and 4 gleaner
//!   processes on a fresh PostgreSQL database (a coordinator and `--worker`s), over TLS
//!   when the server offers it (the default) and again over plain TCP, and by one
//!   process on sled as the reference: pages/s, and where the CPU went (the gleaner
//!   processes, from wait4's rusage, against the PostgreSQL server's processes, from
//!   /proc), which says what the bottleneck is;
//! - the document insert rate in this process, sled against PostgreSQL, on one thread
//!   and (PostgreSQL) on four.
//!
//! Knobs (env): GLEANER_BENCH_PAGES (2000 articles), GLEANER_BENCH_DOCS (3000 inserts),
//! GLEANER_BENCH_TIMEOUT_SECS (600 per crawl).

#[path = "../tests/it/site.rs"]
mod site;

use gleaner::store::open::{open, Location, Options};
use gleaner::store::pg::testing::fresh_database;
use gleaner::store::{Backend, NewDocument, SourceRef};
use gleaner::{Block, Document, InputKind, Metadata};
use site::{Reply, Request, Site};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const LISTS: usize = 40;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn article(n: usize) -> String {
    let words: Vec<String> = (0..120)
        .map(|i| format!("w{}x{}", (i * 31 + n) % 997, i % 13))
        .collect();
    format!(
        "<html><head><title>Report n{n}</title></head><body><nav><a href=/>Home</a></nav>\
         <article><h1>Report n{n}</h1><p>The council met on Tuesday to discuss item {n}. \
         {}</p><p>Residents asked about the plans at length.</p></article>\
         <footer>Scroll to Top</footer></body></html>",
        words.join(" ")
    )
}

fn serve(articles: usize) -> Site {
    Site::start(move |r: &Request| {
        let path = r.route();
        if path == "/robots.txt" {
            return Reply::text("User-agent: *\nAllow: /\n");
        }
        if path == "/" {
            let links: String = (0..LISTS)
                .map(|k| format!("<a href=/l/{k}>l{k}</a> "))
                .collect();
            return Reply::html(format!("<html><body>{links}</body></html>"));
        }
        let num = |p: &str| path.strip_prefix(p).and_then(|n| n.parse::<usize>().ok());
        if let Some(k) = num("/l/") {
            let per = articles.div_ceil(LISTS);
            let links: String = (k * per..((k + 1) * per).min(articles))
                .map(|n| format!("<li><a href=/a/{n}>a{n}</a></li>"))
                .collect();
            return Reply::html(format!("<html><body><ul>{links}</ul></body></html>"));
        }
        match num("/a/") {
            Some(n) => Reply::html(article(n)),
            None => Reply::status(404),
        }
    })
}

fn config(dir: &Path, store: &str, site: &str) -> std::path::PathBuf {
    let path = dir.join(format!("gleaner-{}.toml", std::process::id()));
    let text = format!(
        "{store}\n[fetch]\nconcurrency = 16\n\n[[sources.web]]\nname = \"bench\"\n\
         seeds = [\"{site}\"]\ndelay_secs = 0.0\nconcurrency = 8\nmax_pages = 1000000\n\
         max_depth = 10\ndiscover_sitemaps = false\n"
    );
    std::fs::write(&path, text).expect("config");
    path
}

fn spawn(config: &Path, worker: bool) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gleaner"));
    cmd.env_remove("RUST_LOG")
        .args(["run", "--config"])
        .arg(config)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if worker {
        cmd.arg("--worker");
    }
    cmd.spawn().expect("gleaner runs")
}

/// CPU seconds used by every process named `postgres`, by pid, as /proc has them now.
fn postgres_cpu() -> HashMap<u32, f64> {
    // SAFETY: sysconf only reads a constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let mut out = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in dir.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        if !head.ends_with("(postgres") {
            continue;
        }
        let f: Vec<&str> = rest.split_whitespace().collect();
        // After the command: state is field 3, utime 14 and stime 15 (1-based).
        let (Some(u), Some(s)) = (f.get(11), f.get(12)) else {
            continue;
        };
        let cpu = (u.parse::<f64>().unwrap_or(0.0) + s.parse::<f64>().unwrap_or(0.0)) / ticks;
        out.insert(pid, cpu);
    }
    out
}

/// CPU seconds of this process's waited-for children so far.
fn children_cpu() -> f64 {
    // SAFETY: struct rusage is plain integers, for which all zeroes is a valid value.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a live out-pointer of the right type.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut u) };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}

struct Crawled {
    pages: usize,
    secs: f64,
    gleaner_cpu: f64,
    postgres_cpu: f64,
}

/// One crawl of a fresh site by `workers` processes (the first the coordinator).
fn crawl(store: &str, articles: usize, workers: usize, timeout: Duration) -> Crawled {
    let site = serve(articles);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = store.replace("{dir}", &dir.path().display().to_string());
    let cfg = config(dir.path(), &store, &site.url("/"));
    let mut seen: HashMap<u32, (f64, f64)> = HashMap::new();
    let sample = |seen: &mut HashMap<u32, (f64, f64)>| {
        for (pid, cpu) in postgres_cpu() {
            seen.entry(pid).or_insert((cpu, cpu)).1 = cpu;
        }
    };
    sample(&mut seen);
    let cpu_before = children_cpu();
    let started = Instant::now();
    let mut children = vec![spawn(&cfg, false)];
    if workers > 1 {
        // Workers join once the coordinator has seeded (its first pages are served).
        let deadline = Instant::now() + Duration::from_secs(60);
        while site.requests().len() < 2 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        children.extend((1..workers).map(|_| spawn(&cfg, true)));
    }
    let end = started + timeout;
    while children
        .iter_mut()
        .any(|c| c.try_wait().ok().flatten().is_none())
    {
        if Instant::now() > end {
            children.iter_mut().for_each(|c| drop(c.kill()));
        }
        sample(&mut seen);
        std::thread::sleep(Duration::from_millis(20));
    }
    let secs = started.elapsed().as_secs_f64();
    for mut c in children {
        let _ = c.wait();
    }
    sample(&mut seen);
    Crawled {
        pages: site.requests().len(),
        secs,
        gleaner_cpu: children_cpu() - cpu_before,
        postgres_cpu: seen.values().map(|(a, b)| b - a).sum(),
    }
}

fn documents(n: usize) -> Vec<Document> {
    (0..n)
        .map(|i| {
            let text = format!("Document {i}: {}", article(i + 1_000_000));
            Document::new(
                InputKind::Text,
                vec![Block::paragraph(text)],
                Metadata::default(),
            )
        })
        .collect()
}

/// Documents stored per second by `threads` threads putting `docs` into `store`.
fn insert_rate(store: Arc<dyn Backend>, docs: &Arc<Vec<Document>>, threads: usize) -> f64 {
    let started = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (store, docs) = (store.clone(), docs.clone());
            std::thread::spawn(move || {
                for (i, d) in docs.iter().enumerate().filter(|(i, _)| i % threads == t) {
                    let raw = format!("raw {i}");
                    store
                        .put(NewDocument {
                            document: d,
                            source: SourceRef {
                                locator: format!("https://bench.example/{i}"),
                                seen_at: chrono::Utc::now(),
                                http: None,
                            },
                            raw: raw.as_bytes(),
                            cleaner_version: "bench",
                        })
                        .expect("put");
                }
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().expect("thread"));
    store.flush().expect("flush");
    docs.len() as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let articles = env_usize("GLEANER_BENCH_PAGES", 2000).max(1);
    let n_docs = env_usize("GLEANER_BENCH_DOCS", 3000).max(1);
    let timeout = Duration::from_secs(env_usize("GLEANER_BENCH_TIMEOUT_SECS", 600) as u64);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let Some(_) = std::env::var_os("GLEANER_TEST_POSTGRES") else {
        eprintln!("workers bench: no PostgreSQL (run it under tests/postgres/with-cluster.sh)");
        return;
    };
    println!(
        "scale-out benchmark: {articles}-article loopback site, politeness off, {cores} cores"
    );
    let sled = crawl("[store]\npath = \"{dir}/store\"\n", articles, 1, timeout);
    let reference = sled.pages as f64 / sled.secs;
    let row = |name: &str, c: &Crawled| {
        let rate = c.pages as f64 / c.secs;
        println!(
            "{name:<31} {:>6} pages {:>7.1} s {:>7.1} pages/s ({:.2}x sled) | CPU s: gleaner {:>6.1}, postgres {:>6.1}, {:.0}% of {cores} cores busy",
            c.pages,
            c.secs,
            rate,
            rate / reference,
            c.gleaner_cpu,
            c.postgres_cpu,
            100.0 * (c.gleaner_cpu + c.postgres_cpu) / (c.secs * cores.max(1) as f64),
        );
    };
    row("sled, 1 process", &sled);
    // TLS as the server offers it (libpq's default, `prefer`), then plain TCP: what
    // encryption costs, on loopback, where nothing else does.
    for (workers, plain) in [(1, false), (2, false), (4, false), (1, true), (4, true)] {
        let mut url = fresh_database(&format!("bench_workers_{workers}")).expect("database");
        if plain {
            url.push_str(if url.contains('?') { "&" } else { "?" });
            url.push_str("sslmode=disable");
        }
        let store = format!("[store]\nbackend = \"postgres\"\nurl = \"{url}\"\n");
        let c = crawl(&store, articles, workers, timeout);
        let tls = if plain { ", no TLS" } else { "" };
        row(&format!("postgres, {workers} process(es){tls}"), &c);
    }
    let docs = Arc::new(documents(n_docs));
    let dir = tempfile::tempdir().expect("tempdir");
    let opts = Options::default();
    let sled = open(&Location::Sled(dir.path().join("store")), &opts).expect("sled");
    let sled_rate = insert_rate(sled, &docs, 1);
    let pg = |label: &str| {
        let url = fresh_database(label).expect("database");
        open(&Location::Postgres(url), &opts).expect("postgres")
    };
    let pg1 = insert_rate(pg("bench_insert_1"), &docs, 1);
    let pg4 = insert_rate(pg("bench_insert_4"), &docs, 4);
    println!(
        "inserts of {n_docs} documents: sled {sled_rate:.0}/s; postgres {pg1:.0}/s on 1 thread \
         ({:.2}x sled), {pg4:.0}/s on 4 ({:.2}x sled)",
        pg1 / sled_rate,
        pg4 / sled_rate
    );
}
