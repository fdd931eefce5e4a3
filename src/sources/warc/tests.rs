//! Generated WARC files, well formed and broken, through the reader and the source.

use super::writer::{gzip, record};
use super::*;

const DATE: (&str, &str) = ("WARC-Date", "2024-05-01T10:20:30Z");

fn response(url: &str, status: &str, body: &[u8]) -> Vec<u8> {
    let mut block = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    block.extend_from_slice(body);
    record(
        "response",
        &[
            ("WARC-Target-URI", url),
            DATE,
            ("Content-Type", "application/http; msgtype=response"),
        ],
        &block,
    )
}

fn request(url: &str) -> Vec<u8> {
    record(
        "request",
        &[
            ("WARC-Target-URI", url),
            ("Content-Type", "application/http; msgtype=request"),
        ],
        b"GET / HTTP/1.1\r\nHost: a.example\r\n\r\n",
    )
}

fn page(n: usize) -> Vec<u8> {
    format!("<html><body><article><p>Page {n} of the archive, with its own words.</p></article></body></html>")
        .into_bytes()
}

/// A crawl of `n` pages, each a request and a response, with a warcinfo first.
fn crawl(n: usize) -> Vec<Vec<u8>> {
    let mut records = vec![record(
        "warcinfo",
        &[("Content-Type", "application/warc-fields")],
        b"software: test\r\n",
    )];
    for i in 0..n {
        let url = format!("https://a.example/{i}");
        records.push(request(&url));
        records.push(response(&url, "200 OK", &page(i)));
    }
    records
}

fn read_all(bytes: Vec<u8>, max: u64) -> Vec<Result<Record, RecordError>> {
    Reader::new(Box::new(std::io::Cursor::new(bytes)), max, PAGE_TYPES)
        .unwrap()
        .collect()
}

fn urls(items: &[Result<Record, RecordError>]) -> Vec<String> {
    items
        .iter()
        .filter_map(|r| match r {
            Ok(Record::Read { head, .. }) => head.get("WARC-Target-URI").map(str::to_string),
            _ => None,
        })
        .collect()
}

fn expected(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("https://a.example/{i}")).collect()
}

#[test]
fn plain_per_record_gzip_whole_gzip_and_zstd_read_alike() {
    let records = crawl(5);
    let plain = records.concat();
    let per_record: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    let whole = gzip(&plain);
    let zst = zstd::encode_all(&plain[..], 3).unwrap();
    for (name, bytes) in [
        ("plain", plain.clone()),
        ("per-record gzip", per_record.clone()),
        ("whole gzip", whole),
        ("zstd", zst),
    ] {
        let items = read_all(bytes, 1 << 20);
        assert_eq!(items.len(), 11, "{name}");
        assert!(items.iter().all(|r| r.is_ok()), "{name}: {items:?}");
        assert_eq!(urls(&items), expected(5), "{name}");
    }
    // Per-record gzip: each record is found at its member's compressed offset.
    let items = read_all(per_record.clone(), 1 << 20);
    let mut at = 0u64;
    for (item, rec) in items.iter().zip(&records) {
        let offset = match item.as_ref().unwrap() {
            Record::Read { offset, .. } | Record::Passed { offset, .. } => *offset,
        };
        assert_eq!(offset.to_string(), at.to_string());
        at += gzip(rec).len() as u64;
    }
    // Plain: the offset is the record's byte offset in the file.
    let items = read_all(plain, 1 << 20);
    let Ok(Record::Passed { offset, .. }) = &items[1] else {
        panic!("{:?}", items[1])
    };
    assert_eq!(offset.within, records[0].len() as u64);
}

#[test]
fn a_garbled_record_is_reported_and_the_next_one_read() {
    let mut records = crawl(3);
    // The second response's header is garbage.
    records[4] =
        b"WARC/1.1\r\nthis is no header\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n".to_vec();
    for (name, bytes) in [
        ("plain", records.concat()),
        (
            "per-record gzip",
            records.iter().flat_map(|r| gzip(r)).collect(),
        ),
        ("whole gzip", gzip(&records.concat())),
    ] {
        let items = read_all(bytes, 1 << 20);
        let errors: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errors.len(), 1, "{name}: {items:?}");
        assert!(
            errors[0].reason.contains("not a header field"),
            "{name}: {errors:?}"
        );
        assert_eq!(
            urls(&items),
            ["https://a.example/0", "https://a.example/2"],
            "{name}"
        );
    }
}

/// Bytes flipped anywhere in a member's deflate data: the checksum or the decoder
/// catches it, the error names that member, and the records around it are read.
#[test]
fn a_corrupt_gzip_member_is_skipped() {
    let records = crawl(3);
    let members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
    let bad_at: usize = members[..4].iter().map(Vec::len).sum();
    let len = members[4].len();
    for at in (12..len - 8).step_by(7) {
        let mut members = members.clone();
        for b in &mut members[4][at..at + 4] {
            *b ^= 0x5a;
        }
        let items = read_all(members.concat(), 1 << 20);
        let errors: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
        assert!(!errors.is_empty(), "flip at {at}: {items:?}");
        assert!(
            errors
                .iter()
                .all(|e| e.offset.member == Some(bad_at as u64)),
            "flip at {at}: {errors:?} (member at {bad_at})"
        );
        assert_eq!(
            urls(&items),
            ["https://a.example/0", "https://a.example/2"],
            "flip at {at} of {len}: {errors:?}"
        );
    }
}

#[test]
fn a_truncated_file_ends_with_one_error() {
    let plain = crawl(3).concat();
    for cut in [plain.len() - 40, plain.len() - 2000.min(plain.len() / 3)] {
        let items = read_all(plain[..cut].to_vec(), 1 << 20);
        let errors: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(errors.len(), 1, "{items:?}");
        assert!(errors[0].reason.contains("the file ends"), "{errors:?}");
        assert!(items.last().unwrap().is_err());
    }
    // A gzip file cut mid-member: the error, and no more.
    let gz: Vec<u8> = crawl(3).iter().flat_map(|r| gzip(r)).collect();
    let items = read_all(gz[..gz.len() - 30].to_vec(), 1 << 20);
    assert_eq!(urls(&items), ["https://a.example/0", "https://a.example/1"]);
    assert!(items.last().unwrap().is_err(), "{items:?}");
}

#[test]
fn a_bomb_record_stops_at_the_cap_and_the_rest_is_read() {
    let mut records = crawl(2);
    let huge = vec![b' '; 64 << 20];
    records.insert(2, response("https://a.example/bomb", "200 OK", &huge));
    let bytes: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    assert!(bytes.len() < 1 << 20, "a bomb: {} bytes", bytes.len());
    let items = read_all(bytes, 1 << 20);
    let errors: Vec<_> = items.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].reason.contains("over the"), "{errors:?}");
    assert_eq!(urls(&items), expected(2));
}

#[test]
fn the_source_yields_pages_skips_and_failures() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = crawl(2);
    records.push(response("https://a.example/gone", "404 Not Found", b"gone"));
    records.push(response("https://a.example/moved", "301 Moved", b""));
    records.push(record(
        "resource",
        &[
            ("WARC-Target-URI", "https://a.example/notes.txt"),
            ("Content-Type", "text/plain"),
        ],
        b"Plain notes kept as a resource.",
    ));
    records.push(record(
        "response",
        &[
            ("WARC-Target-URI", "https://a.example/x"),
            ("Content-Type", "application/http; msgtype=response"),
        ],
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\nnot gzip",
    ));
    let path = dir.path().join("crawl.warc.gz");
    std::fs::write(
        &path,
        records.iter().flat_map(|r| gzip(r)).collect::<Vec<u8>>(),
    )
    .unwrap();
    let missing = dir.path().join("missing.warc");
    let items: Vec<Item> = WarcPages::new(vec![path.clone(), missing], 1 << 20).collect();
    let mut pages = Vec::new();
    let mut skipped = Vec::new();
    let mut failed = Vec::new();
    for item in items {
        match item {
            Item::Page(p) => pages.push(p),
            Item::Skipped(s) => skipped.push(s),
            Item::Failed(e) => failed.push(e.to_string()),
        }
    }
    let page_urls: Vec<_> = pages.iter().map(|p| p.url.clone().unwrap()).collect();
    assert_eq!(
        page_urls,
        [
            "https://a.example/0",
            "https://a.example/1",
            "https://a.example/notes.txt"
        ]
    );
    let first = &pages[0];
    assert_eq!(first.read(1 << 20).unwrap().as_slice(), page(0).as_slice());
    assert_eq!(
        first.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        first.fetched_at.unwrap().to_rfc3339(),
        "2024-05-01T10:20:30+00:00"
    );
    assert_eq!(first.group, "a.example");
    assert!(
        first.locator().starts_with(&format!("{}@", path.display())),
        "{}",
        first.locator()
    );
    assert_eq!(pages[2].content_type.as_deref(), Some("text/plain"));
    skipped.sort();
    assert_eq!(
        skipped,
        ["not_2xx", "not_2xx", "request", "request", "warcinfo"]
    );
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(
        failed[0].contains("crawl.warc.gz at offset") && failed[0].contains("gzip"),
        "{failed:?}"
    );
    assert!(failed[1].contains("missing.warc"), "{failed:?}");
}
