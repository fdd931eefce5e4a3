//! WARC archives through the CLI: real pages recorded as a crawl would record them,
//! cleaned as if they had been fetched, with broken records named and counted.

use crate::helpers::*;
use gleaner::sources::warc::writer::{gzip, record};
use std::io::Write;
use std::path::Path;

/// The WCXB fixture pages with the URL each was fetched from.
fn pages() -> Vec<(String, Vec<u8>)> {
    let dir = fixtures().join("wcxb");
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let meta: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p.with_extension("json")).unwrap()).unwrap();
            (
                meta["url"].as_str().unwrap().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    pages.sort();
    pages
}

/// An HTTP response as a crawler records it; every third body gzipped and every
/// fourth chunked on the wire, as servers send them.
fn http_response(i: usize, body: &[u8]) -> Vec<u8> {
    let mut head = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n");
    let mut wire = body.to_vec();
    if i.is_multiple_of(3) {
        head.push_str("Content-Encoding: gzip\r\n");
        wire = gzip(&wire);
    }
    if i.is_multiple_of(4) {
        head.push_str("Transfer-Encoding: chunked\r\n");
        let mut chunked = Vec::new();
        for part in wire.chunks(1000) {
            chunked.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
            chunked.extend_from_slice(part);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        wire = chunked;
    }
    let mut block = format!("{head}\r\n").into_bytes();
    block.extend_from_slice(&wire);
    block
}

fn response(url: &str, block: &[u8]) -> Vec<u8> {
    record(
        "response",
        &[
            ("WARC-Target-URI", url),
            ("WARC-Date", "2025-03-04T05:06:07Z"),
            ("Content-Type", "application/http; msgtype=response"),
        ],
        block,
    )
}

/// A crawl of the fixture pages and two seeds (as `resource` records), with a
/// warcinfo, requests and a 404; each record its own gzip member.
fn crawl() -> Vec<Vec<u8>> {
    let mut records = vec![record(
        "warcinfo",
        &[("Content-Type", "application/warc-fields")],
        b"software: gleaner tests\r\n",
    )];
    for (i, (url, body)) in pages().iter().enumerate() {
        records.push(record(
            "request",
            &[
                ("WARC-Target-URI", url),
                ("Content-Type", "application/http; msgtype=request"),
            ],
            b"GET / HTTP/1.1\r\n\r\n",
        ));
        records.push(response(url, &http_response(i, body)));
    }
    records.push(response(
        "https://example.org/missing",
        b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<h1>Not found</h1>",
    ));
    for stem in &SEEDS[..2] {
        records.push(record(
            "resource",
            &[
                ("WARC-Target-URI", &format!("file:///seeds/{stem}.txt")),
                ("WARC-Date", "2025-03-04T05:06:07Z"),
                ("Content-Type", "text/plain; charset=utf-8"),
            ],
            seed(stem).as_bytes(),
        ));
    }
    records
}

fn write(path: &Path, records: &[Vec<u8>]) {
    let mut f = std::fs::File::create(path).unwrap();
    for r in records {
        f.write_all(&gzip(r)).unwrap();
    }
}

/// Every page of the archive comes out as the cleaner makes it of the page itself,
/// told its URL and Content-Type: the HTTP layer (chunks, gzip) is undone on the way.
#[test]
fn a_warc_cleans_like_the_pages_it_holds() {
    let dir = tmp();
    let warc = dir.path().join("crawl.warc.gz");
    write(&warc, &crawl());
    let (code, out, err) = run(&["clean", s(&warc), "--format", "json", "--jobs", "2"]);
    assert_eq!(code, 0, "{err}");
    let docs = json_lines(&out);
    let pages = pages();
    assert_eq!(docs.len(), pages.len() + 2, "{err}");
    let cleaner = gleaner::Cleaner::new(&Default::default()).unwrap();
    for ((url, body), doc) in pages.iter().zip(&docs) {
        let hints = gleaner::Hints::default()
            .with_url(url)
            .with_content_type("text/html; charset=utf-8");
        let expected = cleaner.clean(body, &hints).unwrap();
        assert_eq!(doc["text"].as_str().unwrap(), expected.text(), "{url}");
        assert_eq!(
            doc["url"].as_str(),
            expected.metadata.url.as_deref(),
            "{url}"
        );
    }
    for (stem, doc) in SEEDS[..2].iter().zip(&docs[pages.len()..]) {
        assert_eq!(doc["text"].as_str().unwrap(), clean_seed(stem).text());
    }
    assert!(
        err.contains("archive records skipped (not_2xx 1, request 22, warcinfo 1)")
            || err.contains(&format!("request {}", pages.len())),
        "{err}"
    );
    assert!(
        err.contains(&format!("{} cleaned", pages.len() + 2)),
        "{err}"
    );
}

/// A garbled record, a compression bomb and a file cut short: each named with its
/// file and offset and counted; everything else is stored, and the exit code says
/// something failed.
#[test]
fn broken_records_are_named_counted_and_skipped() {
    let dir = tmp();
    let mut records = crawl();
    let bomb_body = vec![b' '; 40 << 20];
    records.insert(
        5,
        response("https://example.org/bomb", &http_response(1, &bomb_body)),
    );
    records.insert(
        8,
        b"WARC/1.1\r\nWARC-Type: response\r\nContent-Length: twelve\r\n\r\nhello\r\n\r\n".to_vec(),
    );
    let warc = dir.path().join("broken.warc.gz");
    write(&warc, &records);
    // Cut the file inside its last record.
    let bytes = std::fs::read(&warc).unwrap();
    std::fs::write(&warc, &bytes[..bytes.len() - 100]).unwrap();
    let garbled_at: usize = records[..8].iter().map(|r| gzip(r).len()).sum();
    let store = dir.path().join("store");
    let (code, _, err) = run(&["clean", s(&warc), "--store", s(&store), "--jobs", "1"]);
    assert_eq!(code, 1, "{err}");
    let named = |what: &str| {
        err.lines()
            .any(|l| l.contains("broken.warc.gz@") && l.contains(what))
    };
    assert!(
        named(&format!("@{garbled_at}: Content-Length \"twelve\"")),
        "{err}"
    );
    assert!(named("over the"), "bomb not reported: {err}");
    assert!(named("the file ends"), "truncation not reported: {err}");
    assert!(err.contains("3 failed"), "{err}");
    // The pages before and after the broken records are stored; the cut one is not.
    let n = pages().len() + 2 - 1;
    assert!(err.contains(&format!("{n} new documents")), "{err}");
    let (code, out, err) = run(&["export", "--store", s(&store), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let docs = json_lines(&out);
    assert_eq!(docs.len(), n);
    assert!(
        out.contains("broken.warc.gz@"),
        "sources name the record: {out:.300}"
    );
    let (code, shown, err) = run(&["show", "--store", s(&store), "0"]);
    assert_eq!(code, 0, "{err}");
    assert!(shown.contains(", HTTP 200)"), "{shown}");
    // A response record's HTTP status and headers are kept with its raw page.
    let http = &docs[0]["sources"][0]["http"];
    assert_eq!(http["status"], 200, "{}", docs[0]["sources"]);
    assert!(
        http["headers"]
            .to_string()
            .contains("text/html; charset=utf-8"),
        "{http}"
    );
}

/// `[[sources.warc]]` in a config: `gleaner run` reads the archives into its store.
#[test]
fn run_reads_warc_sources() {
    let dir = tmp();
    let archives = dir.path().join("archives");
    std::fs::create_dir(&archives).unwrap();
    write(&archives.join("a.warc.gz"), &crawl()[..9]);
    // Named in the config, a file is WARC whatever its name.
    write(&dir.path().join("b.dat"), &crawl()[9..15]);
    let cfg = dir.path().join("gleaner.toml");
    std::fs::write(
        &cfg,
        "[store]\npath = 'store'\n\n[[sources.warc]]\nname = 'crawls'\npaths = ['archives', 'b.dat']\n",
    )
    .unwrap();
    let (code, out, err) = run(&["run", "--config", s(&cfg)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("7 new documents"), "{out}");
    assert!(out.contains("archive records skipped"), "{out}");
}

/// A crawl that keeps its responses as WARC (`[fetch] warc_dir`): every file is
/// finished (no `.open` left), the exchanges are recorded as requests and responses,
/// and cleaning the archive gives back exactly the documents the crawl stored.
#[test]
fn a_crawl_kept_as_warc_cleans_back_to_the_documents_it_stored() {
    use crate::crawl::{article, Crawl};
    use crate::site::{Reply, Site};
    let site = Site::start(|req| match req.path.as_str() {
        "/robots.txt" => Reply::text("User-agent: *\nAllow: /\n"),
        "/" => Reply::html(article(0, &["/a1", "/a2", "/a3", "/moved", "/gone"])),
        "/a1" => Reply::gzip("text/html; charset=utf-8", article(1, &[])),
        "/a2" => Reply::html(article(2, &[])),
        "/a3" => Reply::encoded("text/html; charset=utf-8", "br", article(3, &[])),
        "/moved" => Reply::redirect(301, "/a2"),
        _ => Reply::status(404),
    });
    let crawl = Crawl::new(
        &[site.url("/")],
        "",
        "warc_dir = \"warc\"\nwarc_file_bytes = 2000\n",
    );
    crawl.run_ok();
    let warc_dir = crawl.config.parent().unwrap().join("warc");
    let names: Vec<String> = std::fs::read_dir(&warc_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() >= 2, "2,000-byte files rotate: {names:?}");
    assert!(names.iter().all(|n| n.ends_with(".warc.gz")), "{names:?}");
    let (code, out, err) = run(&["clean", s(&warc_dir), "--format", "json", "--jobs", "1"]);
    assert_eq!(code, 0, "{err}");
    let mut from_warc: Vec<String> = json_lines(&out)
        .iter()
        .filter(|d| !d["text"].as_str().unwrap().is_empty())
        .map(|d| d["text"].as_str().unwrap().to_string())
        .collect();
    from_warc.sort();
    from_warc.dedup();
    // The store keeps each raw page's HTTP status and headers, as received.
    for d in crawl.documents() {
        let http = d.sources[0]
            .http
            .as_ref()
            .expect("a crawled page keeps its HTTP answer");
        assert_eq!(http.status, 200);
        assert!(
            http.header("content-type")
                .unwrap()
                .starts_with("text/html"),
            "{http:?}"
        );
    }
    let mut stored: Vec<String> = crawl.documents().iter().map(|d| d.text()).collect();
    stored.sort();
    assert_eq!(stored.len(), 4, "{stored:?}");
    assert_eq!(from_warc, stored, "{err}");
    // Requests (robots.txt, 6 pages, the redirect's target), the redirect and the 404
    // are read past, not cleaned.
    assert!(err.contains("request 8"), "{err}");
    assert!(err.contains("not_2xx 2"), "{err}");
}

/// `export` filters by site, type and time, and writes WARC `conversion` records
/// that name the page each text came from.
#[test]
fn export_filters_and_writes_conversion_records() {
    use gleaner::sources::warc::{Reader, Record};
    let dir = tmp();
    let warc = dir.path().join("crawl.warc.gz");
    write(&warc, &crawl());
    let store = dir.path().join("store");
    let (code, _, err) = run(&["clean", s(&warc), "--store", s(&store)]);
    assert_eq!(code, 0, "{err}");
    let export = |args: &[&str]| {
        let mut all = vec!["export", "--store", s(&store), "--format", "jsonl"];
        all.extend_from_slice(args);
        let (code, out, err) = run(&all);
        assert_eq!(code, 0, "{err}");
        json_lines(&out)
    };
    let everything = export(&[]);
    assert!(everything.len() > 10);
    let host = everything[0]["hostname"].as_str().unwrap().to_string();
    let site = export(&["--site", host.trim_start_matches("www.")]);
    assert!(!site.is_empty() && site.len() < everything.len());
    assert!(site.iter().all(|d| d["hostname"]
        .as_str()
        .unwrap()
        .ends_with(host.trim_start_matches("www."))));
    let articles = export(&["--type", "article"]);
    assert!(!articles.is_empty() && articles.len() < everything.len());
    assert!(articles.iter().all(|d| d["page_type"] == "article"));
    // Seen on 2025-03-04 (the WARC's date): a later day takes none.
    assert_eq!(export(&["--since", "2025-03-04"]).len(), everything.len());
    assert!(export(&["--since", "2025-03-05T00:00:00Z"]).is_empty());
    let (code, _, err) = run(&["export", "--store", s(&store), "--type", "articel"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a page type"), "{err}");

    let out = dir.path().join("out");
    let (code, _, err) = run(&[
        "export",
        "--store",
        s(&store),
        "--format",
        "warc",
        "--out-dir",
        s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    let file = std::fs::File::open(out.join("documents.warc.gz")).unwrap();
    let records: Vec<_> = Reader::new(Box::new(file), 1 << 24, &["conversion"])
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(records.len(), everything.len());
    for (record, doc) in records.iter().zip(&everything) {
        let Record::Read { head, block, .. } = record else {
            panic!("{record:?}")
        };
        assert_eq!(
            std::str::from_utf8(block).unwrap(),
            doc["text"].as_str().unwrap()
        );
        assert_eq!(head.get("WARC-Refers-To-Target-URI"), doc["url"].as_str());
        assert_eq!(
            head.get("WARC-Refers-To-Date"),
            Some("2025-03-04T05:06:07Z")
        );
    }
}

/// export → import → export gives the same bytes; importing again adds nothing; a
/// damaged line is named by its number and the rest still imported.
#[test]
fn export_import_export_is_identical() {
    let dir = tmp();
    let warc = dir.path().join("crawl.warc.gz");
    write(&warc, &crawl());
    let first = dir.path().join("first");
    let (code, _, err) = run(&["clean", s(&warc), "--store", s(&first)]);
    assert_eq!(code, 0, "{err}");
    let export = |store: &Path| {
        let (code, out, err) = run(&["export", "--store", s(store), "--format", "jsonl"]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let exported = export(&first);
    let file = dir.path().join("documents.jsonl");
    std::fs::write(&file, &exported).unwrap();
    let second = dir.path().join("second");
    let (code, _, err) = run(&["import", s(&file), "--store", s(&second)]);
    assert_eq!(code, 0, "{err}");
    let n = exported.lines().count();
    assert!(
        err.contains(&format!(
            "{n} lines: {n} new documents, 0 duplicates, 0 failed"
        )),
        "{err}"
    );
    assert_eq!(export(&second), exported);
    let (code, _, err) = run(&["import", s(&file), "--store", s(&second)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(&format!("{n} duplicates")), "{err}");
    assert_eq!(export(&second), exported);

    // A line whose text was edited no longer matches its hash; one that is not JSON.
    let mut lines: Vec<String> = exported.lines().map(str::to_string).collect();
    lines[1] = lines[1].replacen("\"text\":\"", "\"text\":\"Edited. ", 1);
    lines.insert(3, "{not json".into());
    std::fs::write(&file, lines.join("\n")).unwrap();
    let third = dir.path().join("third");
    let (code, _, err) = run(&["import", s(&file), "--store", s(&third)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("documents.jsonl line 2: its hash"), "{err}");
    assert!(
        err.contains("documents.jsonl line 4: not an exported document"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{} new documents, 0 duplicates, 2 failed", n - 1)),
        "{err}"
    );
}

/// A WARC piped to `gleaner clean -` is streamed as an archive: the same documents as
/// from the file, each located as `-@OFFSET`.
#[test]
fn a_warc_on_stdin_is_read_as_one() {
    use std::process::Stdio;
    let dir = tmp();
    let warc = dir.path().join("crawl.warc.gz");
    write(&warc, &crawl());
    let (code, from_file, err) = run(&["clean", s(&warc), "--format", "json", "--jobs", "1"]);
    assert_eq!(code, 0, "{err}");
    let mut child = gleaner()
        .args(["clean", "-", "--format", "json", "--jobs", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let bytes = std::fs::read(&warc).unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let (code, from_stdin, err) = output(child.wait_with_output().unwrap());
    writer.join().unwrap().unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(json_lines(&from_stdin), json_lines(&from_file));
    assert!(err.contains("archive records skipped"), "{err}");
}
