//! The WARC benchmark: `cargo bench --bench warc [-- PAGES_DIR]`.
//!
//! Real pages (default: the WCXB dev set, `../shared/devset/wcxb/dev/html`, `.html` or
//! `.html.gz`) recorded as a crawl would record them: a `request` and a `response` per
//! page, one gzip member per record, cycling through the pages up to 1,000 and 10,000
//! responses. Then, in this process, on one thread, over the 10,000-record file:
//!
//! - gunzip alone (flate2 over the whole file): the floor any gzip WARC reader stands on;
//! - reading alone: `WarcPages`, records parsed and HTTP bodies decoded into pages;
//! - reading and cleaning: the same, each page through `Cleaner::clean`.
//!
//! Reading is reported against gunzip (the same run), cleaning against reading. Then
//! the release `gleaner clean FILE --store DIR --jobs N` (and `--out-dir DIR`) as a
//! child process, for both files and 1 and 2 threads: pages/s and peak RSS (GNU time's, `/usr/bin/time`: a
//! child forked from this process would count this process's pages in its own peak),
//! which must stay flat from 1,000 to 10,000 records.
//!
//! Knobs (env): GLEANER_BENCH_RECORDS ("1000,10000"), GLEANER_BENCH_JOBS ("1,2").

#[path = "common/child.rs"]
mod child;

use gleaner::sources::warc::writer::{gzip, record};
use gleaner::sources::warc::WarcPages;
use gleaner::sources::Item;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn pages(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| Some(e.ok()?.path()))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let raw = std::fs::read(p).ok()?;
            if p.extension().is_some_and(|e| e == "gz") {
                let mut out = Vec::new();
                flate2::read::MultiGzDecoder::new(&raw[..])
                    .read_to_end(&mut out)
                    .ok()?;
                Some(out)
            } else {
                Some(raw)
            }
        })
        .collect()
}

/// A crawl of `n` responses cycling through `pages`, each with its request.
fn write_warc(path: &Path, pages: &[Vec<u8>], n: usize) -> u64 {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let body = &pages[i % pages.len()];
        let url = format!("https://site{}.example/page/{i}", i % 97);
        let req = record(
            "request",
            &[
                ("WARC-Target-URI", &url),
                ("Content-Type", "application/http; msgtype=request"),
            ],
            format!(
                "GET /page/{i} HTTP/1.1\r\nHost: site{}.example\r\n\r\n",
                i % 97
            )
            .as_bytes(),
        );
        let mut block = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        block.extend_from_slice(body);
        let resp = record(
            "response",
            &[
                ("WARC-Target-URI", &url),
                ("Content-Type", "application/http; msgtype=response"),
            ],
            &block,
        );
        out.write_all(&gzip(&req)).unwrap();
        out.write_all(&gzip(&resp)).unwrap();
    }
    out.flush().unwrap();
    std::fs::metadata(path).unwrap().len()
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn in_process(path: &Path, compressed: u64) {
    let t = Instant::now();
    let mut f = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(
        std::fs::File::open(path).unwrap(),
    ));
    let plain = std::io::copy(&mut f, &mut std::io::sink()).unwrap();
    let gunzip = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let (mut n, mut body_bytes) = (0u64, 0u64);
    for item in WarcPages::new(vec![path.to_path_buf()], 16 << 20) {
        if let Item::Page(p) = item {
            n += 1;
            body_bytes += p.read(u64::MAX).map(|b| b.len() as u64).unwrap_or(0);
        }
    }
    let read = t.elapsed().as_secs_f64();

    let cleaner = gleaner::Cleaner::new(&Default::default()).unwrap();
    let t = Instant::now();
    for item in WarcPages::new(vec![path.to_path_buf()], 16 << 20) {
        if let Item::Page(p) = item {
            let bytes = p.read(u64::MAX).unwrap();
            let hints = gleaner::Hints::default()
                .with_url(p.url.as_deref().unwrap_or(""))
                .with_content_type(p.content_type.as_deref().unwrap_or(""));
            std::hint::black_box(cleaner.clean(&bytes, &hints)).ok();
        }
    }
    let clean = t.elapsed().as_secs_f64();

    println!(
        "in process, one thread, {n} pages, {:.1} MiB gzip, {:.1} MiB uncompressed, {:.1} MiB of bodies:",
        mib(compressed),
        mib(plain),
        mib(body_bytes)
    );
    println!(
        "  gunzip alone        {gunzip:7.2} s  {:7.1} MiB/s gzip  {:7.1} MiB/s out",
        mib(compressed) / gunzip,
        mib(plain) / gunzip
    );
    println!(
        "  reading alone       {read:7.2} s  {:7.1} MiB/s gzip  {:7.0} pages/s  = {:.2}x gunzip's time",
        mib(compressed) / read,
        n as f64 / read,
        read / gunzip
    );
    println!(
        "  reading + cleaning  {clean:7.2} s  {:7.1} MiB/s gzip  {:7.0} pages/s  reading is {:.1}% of it",
        mib(compressed) / clean,
        n as f64 / clean,
        100.0 * read / clean
    );
}

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/devset/wcxb/dev/html"));
    let list = |var: &str, default: &str| -> Vec<usize> {
        std::env::var(var)
            .unwrap_or_else(|_| default.into())
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect()
    };
    let counts = list("GLEANER_BENCH_RECORDS", "1000,10000");
    let jobs = list("GLEANER_BENCH_JOBS", "1,2");
    let pages = pages(&dir);
    assert!(!pages.is_empty(), "no pages in {}", dir.display());
    let tmp = tempfile::tempdir().unwrap();
    let gleaner = PathBuf::from(env!("CARGO_BIN_EXE_gleaner"));
    let mut files = Vec::new();
    for &n in &counts {
        let path = tmp.path().join(format!("crawl-{n}.warc.gz"));
        let size = write_warc(&path, &pages, n);
        println!(
            "{}: {n} responses ({} pages cycled), {:.1} MiB",
            path.display(),
            pages.len(),
            mib(size)
        );
        files.push((n, path, size));
    }
    if let Some((_, path, size)) = files.last() {
        in_process(path, *size);
    }
    println!("gleaner clean FILE --store|--out-dir DIR --jobs N (child process, start-up and writes included):");
    for (n, path, _) in &files {
        for (&j, sink) in jobs
            .iter()
            .flat_map(|j| ["--store", "--out-dir"].map(|s| (j, s)))
        {
            let out = tmp.path().join(format!("out-{n}-{j}{sink}"));
            // GNU time measures the peak: a child forked from this process would count
            // this process's pages (the pages loaded above) in its own peak until exec.
            let rss_file = tmp.path().join("rss");
            let t = Instant::now();
            let child = Command::new("/usr/bin/time")
                .args(["-f", "%M", "-o", rss_file.to_str().unwrap()])
                .arg(&gleaner)
                .args(["clean", path.to_str().unwrap(), sink, out.to_str().unwrap()])
                .args(["--jobs", &j.to_string()])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("GNU time (/usr/bin/time) runs");
            let (code, _) = child::wait_with_peak_rss(child, Duration::from_secs(3600));
            let secs = t.elapsed().as_secs_f64();
            let rss = std::fs::read_to_string(&rss_file)
                .ok()
                .and_then(|s| s.lines().last()?.trim().parse::<f64>().ok())
                .map(|kb| kb / 1024.0);
            println!(
                "  {n:6} records, --jobs {j} {sink:9}: {secs:7.2} s, {:7.1} pages/s, peak RSS {} (exit {code:?})",
                *n as f64 / secs,
                rss.map_or("n/a".into(), |m| format!("{m:.0} MB")),
            );
        }
    }
}
