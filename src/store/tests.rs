//! Store behaviour, exercised through the sled backend and the `Store` trait.

use super::*;
use chrono::TimeZone;
use gleaner_clean::{Block, Document, InputKind, Metadata};
use std::sync::{Arc, Barrier};
use tempfile::TempDir;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000 + secs, 0)
        .single()
        .expect("valid timestamp")
}

fn doc(text: &str) -> Document {
    Document::new(
        InputKind::Text,
        text.split("\n\n").map(Block::paragraph).collect(),
        Metadata::default(),
    )
}

fn put_at(store: &dyn Store, d: &Document, locator: &str, raw: &[u8], secs: i64) -> PutOutcome {
    store
        .put(NewDocument {
            document: d,
            source: SourceRef {
                locator: locator.into(),
                seen_at: at(secs),
                http: None,
            },
            raw,
            cleaner_version: "test-1",
        })
        .expect("put")
}

fn put(store: &dyn Store, text: &str, locator: &str) -> PutOutcome {
    put_at(store, &doc(text), locator, text.as_bytes(), 0)
}

fn open() -> (TempDir, SledStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SledStore::open(&dir.path().join("store")).expect("open");
    (dir, store)
}

#[test]
fn new_then_duplicate_from_another_source() {
    let (_dir, store) = open();
    let d = doc("Title\n\nBody text.");
    let first = put_at(&store, &d, "https://a.example/x", b"<p>a</p>", 0);
    let PutOutcome::New { seq: 0, hash, .. } = &first else {
        panic!("expected New at 0, got {first:?}")
    };
    assert_eq!(hash, &content_hash("Title Body text."));
    let second = put_at(&store, &d, "https://b.example/y", b"<p>b</p>", 10);
    assert_eq!(
        second,
        PutOutcome::Duplicate {
            seq: 0,
            hash: hash.clone(),
            new_source: true
        }
    );
    let stored = store.by_seq(0).unwrap().unwrap();
    assert_eq!(stored.sources.len(), 2);
    assert_eq!(stored.sources[0].locator, "https://a.example/x");
    assert_eq!(stored.sources[1].locator, "https://b.example/y");
    assert_eq!(stored.sources[1].raw_hash, raw_hash(b"<p>b</p>"));
    assert_eq!((stored.first_seen, stored.last_seen), (at(0), at(10)));
    assert_eq!(stored.host.as_deref(), Some("a.example"));
    assert_eq!(stored.to_document(), d);
    assert_eq!(stored.text(), d.text());
    assert_eq!(stored.cleaner_version, "test-1");
    assert!(store.by_seq(1).unwrap().is_none());
}

#[test]
fn same_source_twice_updates_last_seen() {
    let (_dir, store) = open();
    let d = doc("Same page, fetched twice.");
    put_at(&store, &d, "https://a.example/x", b"v1", 0);
    let again = put_at(&store, &d, "https://a.example/x", b"v2", 60);
    assert!(matches!(
        again,
        PutOutcome::Duplicate {
            seq: 0,
            new_source: false,
            ..
        }
    ));
    // An older sighting arriving late moves first_seen but not the kept raw.
    put_at(&store, &d, "https://a.example/x", b"v0", -60);
    let stored = store.by_seq(0).unwrap().unwrap();
    assert_eq!(stored.sources.len(), 1);
    let s = &stored.sources[0];
    assert_eq!((s.first_seen, s.last_seen), (at(-60), at(60)));
    assert_eq!(s.raw_hash, raw_hash(b"v2"));
    assert_eq!((stored.first_seen, stored.last_seen), (at(-60), at(60)));
    assert_eq!(store.stats().unwrap().sources, 1);
}

#[test]
fn seqs_follow_insert_order_and_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let store = SledStore::open(&path).unwrap();
        for (i, t) in ["zero", "one", "two"].iter().enumerate() {
            assert_eq!(put(&store, t, "-").seq(), i as u64);
        }
        assert_eq!(put(&store, "one", "other").seq(), 1);
        store.flush().unwrap();
    }
    let store = SledStore::open(&path).unwrap();
    assert_eq!(put(&store, "three", "-"), {
        let hash = content_hash("three");
        PutOutcome::New {
            seq: 3,
            hash,
            near_duplicate_of: None,
        }
    });
    let texts: Vec<(u64, String)> = store
        .documents()
        .map(|d| d.map(|d| (d.seq, d.text())))
        .collect::<Result<_, _>>()
        .unwrap();
    let want = ["zero", "one", "two", "three"];
    assert_eq!(
        texts,
        want.iter()
            .enumerate()
            .map(|(i, t)| (i as u64, t.to_string()))
            .collect::<Vec<_>>()
    );
    assert_eq!(store.stats().unwrap().next_seq, 4);
}

#[test]
fn seq_order_is_numeric_past_255() {
    let (_dir, store) = open();
    for i in 0..300 {
        put(&store, &format!("document number {i}"), "-");
    }
    let seqs: Vec<u64> = store.documents().map(|d| d.unwrap().seq).collect();
    assert_eq!(seqs, (0..300).collect::<Vec<_>>());
}

#[test]
fn normalised_variants_are_one_document() {
    let (_dir, store) = open();
    let a = put(&store, "Caf\u{e9} cr\u{e8}me\n\nis good", "a");
    let b = put(&store, "  Cafe\u{301}   cre\u{300}me is\tgood \n", "b");
    assert!(a.is_new());
    assert_eq!(b.seq(), a.seq());
    assert!(!b.is_new());
    assert!(put(&store, "Cafe creme is good", "c").is_new());
}

#[test]
fn concurrent_puts_of_the_same_text_make_one_document() {
    let (_dir, store) = open();
    let store = Arc::new(store);
    let barrier = Arc::new(Barrier::new(8));
    let outcomes: Vec<PutOutcome> = (0..8)
        .map(|i| {
            let (store, barrier) = (store.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                put(&*store, "Racing text.", &format!("https://s{i}.example/"))
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().expect("thread"))
        .collect();
    assert_eq!(outcomes.iter().filter(|o| o.is_new()).count(), 1);
    assert!(outcomes.iter().all(|o| o.seq() == 0));
    let stats = store.stats().unwrap();
    assert_eq!((stats.documents, stats.sources, stats.next_seq), (1, 8, 1));
    assert_eq!(store.by_seq(0).unwrap().unwrap().sources.len(), 8);
}

#[test]
fn concurrent_distinct_puts_get_distinct_dense_seqs() {
    let (_dir, store) = open();
    let store = Arc::new(store);
    let (threads, each) = (4u64, 40u64);
    let mut seqs: Vec<u64> = (0..threads)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                (0..each)
                    .map(|i| put(&*store, &format!("thread {t} doc {i}"), "-").seq())
                    .collect::<Vec<_>>()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flat_map(|h| h.join().expect("thread"))
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (0..threads * each).collect::<Vec<_>>());
    assert_eq!(store.documents().count() as u64, threads * each);
}

#[test]
fn raw_round_trip_and_dedup() {
    let (_dir, store) = open();
    let raw = "<html><body><p>Hello there.</p></body></html>".repeat(50);
    let d = doc("Hello there.");
    put_at(&store, &d, "https://a.example/1", raw.as_bytes(), 0);
    put_at(&store, &d, "https://a.example/2", raw.as_bytes(), 1);
    put_at(&store, &d, "https://a.example/3", b"<p>Hello there.</p>", 2);
    let stored = store.by_seq(0).unwrap().unwrap();
    let raws: Vec<Vec<u8>> = stored
        .sources
        .iter()
        .map(|s| store.raw(&s.raw_hash).unwrap().expect("raw kept"))
        .collect();
    assert_eq!(raws[0], raw.as_bytes());
    assert_eq!(raws[1], raw.as_bytes());
    assert_eq!(raws[2], b"<p>Hello there.</p>");
    let stats = store.stats().unwrap();
    assert_eq!(stats.raw_pages, 2);
    assert!(stats.raw_bytes_compressed > 0);
    assert!(stats.raw_bytes_compressed < raw.len() as u64, "compressed");
    assert_eq!(store.raw(&raw_hash(b"never seen")).unwrap(), None);
}

#[test]
fn hash_prefix_lookup() {
    let (_dir, store) = open();
    for i in 0..40 {
        put(&store, &format!("text {i}"), "-");
    }
    let target = content_hash("text 7");
    for len in [64, 12, 6] {
        let found = store.by_hash_prefix(&target[..len]).unwrap();
        assert!(found.iter().any(|d| d.hash == target));
        assert!(found.iter().all(|d| d.hash.starts_with(&target[..len])));
    }
    let upper = target[..10].to_ascii_uppercase();
    assert_eq!(store.by_unique_hash_prefix(&upper).unwrap().hash, target);
    assert_eq!(store.by_hash_prefix("").unwrap().len(), 40);
    assert!(matches!(
        store.by_unique_hash_prefix(""),
        Err(StoreError::Ambiguous { count: 40, .. })
    ));
    let missing = (0..16)
        .map(|i| format!("{i:x}").repeat(8))
        .find(|p| store.by_hash_prefix(p).unwrap().is_empty())
        .expect("some 8-digit prefix is unused");
    assert!(matches!(
        store.by_unique_hash_prefix(&missing),
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.by_hash_prefix("xyz"),
        Err(StoreError::BadHashPrefix(_))
    ));
}

#[test]
fn second_open_is_locked_with_the_documented_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let _first = SledStore::open(&path).unwrap();
    let Err(err) = SledStore::open(&path) else {
        panic!("second open succeeded")
    };
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
    let sentence = format!(
        "the store at {} is in use by another gleaner process",
        path.display()
    );
    // The sentence, then who holds it in parentheses.
    assert!(
        err.to_string().starts_with(&format!("{sentence} (pid ")),
        "{err}"
    );
}

#[test]
fn sleds_own_lock_failure_is_also_locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    // Someone holding the sled files without our lock file: sled's refusal is mapped.
    let _raw_sled = ::sled::open(path.join(super::sled::DB_DIR)).unwrap();
    assert!(matches!(
        SledStore::open(&path),
        Err(StoreError::Locked { .. })
    ));
}

#[test]
fn reopens_after_drop_with_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let before = {
        let store = SledStore::open(&path).unwrap();
        put(&store, "kept across reopen", "https://example.org/a");
        put(&store, "second", "notes/b.txt");
        store.stats().unwrap()
        // dropped without flush: close flushes
    };
    let store = SledStore::open(&path).unwrap();
    assert_eq!(store.stats().unwrap(), before);
    assert_eq!(
        store.by_seq(0).unwrap().unwrap().text(),
        "kept across reopen"
    );
    assert!(path.join(super::sled::LOCK_FILE).exists());
}

#[test]
fn stats_are_kept_by_puts() {
    let (_dir, store) = open();
    assert_eq!(store.stats().unwrap(), StoreStats::default());
    let mut with_host = doc("From a page that names its host.");
    with_host.metadata.hostname = Some("news.example".into());
    put_at(&store, &with_host, "https://cdn.example/x", b"r1", 0);
    put(&store, "Two.", "https://www.blog.example/p");
    put(&store, "Three.", "https://blog.example/q");
    put(&store, "Two.", "https://mirror.example/p");
    put(&store, "Local file.", "notes/file.txt");
    put(&store, "From stdin.", "-");
    let stats = store.stats().unwrap();
    let text_bytes: u64 = store
        .documents()
        .map(|d| d.unwrap().text().len() as u64)
        .sum();
    assert_eq!(
        stats,
        StoreStats {
            documents: 5,
            sources: 6,
            raw_pages: 5,
            raw_bytes_compressed: stats.raw_bytes_compressed,
            text_bytes,
            next_seq: 5,
            hosts: 2,
        }
    );
    let hosts: Vec<Option<String>> = store.documents().map(|d| d.unwrap().host).collect();
    assert_eq!(
        hosts,
        [
            Some("news.example"),
            Some("blog.example"),
            Some("blog.example"),
            None,
            None
        ]
        .map(|h| h.map(String::from))
    );
}

#[test]
fn empty_documents_are_refused() {
    let (_dir, store) = open();
    let err = store
        .put(NewDocument {
            document: &doc(" \n\n "),
            source: SourceRef {
                locator: "-".into(),
                seen_at: at(0),
                http: None,
            },
            raw: b"",
            cleaner_version: "t",
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::EmptyDocument));
    assert_eq!(store.stats().unwrap(), StoreStats::default());
}

#[test]
fn corrupt_records_are_errors_naming_the_key() {
    let (_dir, store) = open();
    put(&store, "good", "-");
    let hash = content_hash("good");
    store
        .tree("docs")
        .insert(hash.as_bytes(), &b"{not json"[..])
        .unwrap();
    let key = format!("docs/{hash}");
    for err in [
        store.by_seq(0).unwrap_err(),
        store.documents().next().unwrap().unwrap_err(),
        store.by_hash_prefix(&hash[..4]).unwrap_err(),
        store
            .put(NewDocument {
                document: &doc("good"),
                source: SourceRef {
                    locator: "x".into(),
                    seen_at: at(0),
                    http: None,
                },
                raw: b"",
                cleaner_version: "t",
            })
            .unwrap_err(),
    ] {
        assert!(
            matches!(&err, StoreError::Corrupt { key: k, .. } if *k == key),
            "{err:?}"
        );
        assert!(err
            .to_string()
            .starts_with(&format!("store record {key} is corrupt: ")));
    }
    // A dangling seq entry and a damaged raw page.
    store
        .tree("seq")
        .insert(7u64.to_be_bytes(), &b"ab"[..])
        .unwrap();
    assert!(matches!(store.by_seq(7), Err(StoreError::Corrupt { key, .. }) if key == "seq/7"));
    store
        .tree("seq")
        .insert(8u64.to_be_bytes(), "f".repeat(64).as_bytes())
        .unwrap();
    assert!(matches!(store.by_seq(8), Err(StoreError::Corrupt { key, .. }) if key == "seq/8"));
    store
        .tree("raws")
        .insert(b"deadbeef", &b"not zstd"[..])
        .unwrap();
    assert!(
        matches!(store.raw("deadbeef"), Err(StoreError::Corrupt { key, .. }) if key == "raws/deadbeef")
    );
}

#[test]
fn newer_schema_is_refused_not_misread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let store = SledStore::open(&path).unwrap();
        put(&store, "old", "-");
        let hash = content_hash("old");
        store
            .tree("docs")
            .insert(hash.as_bytes(), &br#"{"v": 2, "whole": "new layout"}"#[..])
            .unwrap();
        assert!(matches!(
            store.by_seq(0),
            Err(StoreError::UnsupportedSchema {
                found: 2,
                supported: 1,
                ..
            })
        ));
        store
            .tree("meta")
            .insert(b"counters", &br#"{"v": 3}"#[..])
            .unwrap();
    }
    assert!(matches!(
        SledStore::open(&path),
        Err(StoreError::UnsupportedSchema { found: 3, .. })
    ));
}

#[test]
fn store_is_object_safe_and_shareable() {
    fn assert_send_sync<T: Send + Sync + ?Sized>() {}
    assert_send_sync::<dyn Store>();
    let (_dir, store) = open();
    let boxed: Box<dyn Store> = Box::new(store);
    assert!(put(&*boxed, "through a trait object", "-").is_new());
}

/// Set by the parent of [`killed_process_leaves_a_consistent_store`].
const CRASH_DIR_ENV: &str = "GLEANER_STORE_CRASH_TEST_DIR";
const FLUSHED: usize = 50;

/// Run in a child process: puts, flushes, says so, then keeps putting until killed.
#[test]
#[ignore = "child process of killed_process_leaves_a_consistent_store"]
fn crash_child() {
    let Some(dir) = std::env::var_os(CRASH_DIR_ENV) else {
        return;
    };
    let store = SledStore::open(std::path::Path::new(&dir)).unwrap();
    let raw = vec![b'x'; 4096];
    for i in 0..FLUSHED {
        put_at(&store, &doc(&format!("doc {i}")), "-", &raw, 0);
    }
    store.flush().unwrap();
    println!("FLUSHED");
    // Bounded, so an orphaned child still ends on its own.
    let start = std::time::Instant::now();
    let mut i = FLUSHED;
    while start.elapsed() < std::time::Duration::from_secs(20) {
        put_at(
            &store,
            &doc(&format!("doc {i}")),
            &format!("s{i}"),
            &raw[..i % 4096],
            0,
        );
        i += 1;
    }
}

#[test]
fn killed_process_leaves_a_consistent_store() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "store::tests::crash_child",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env(CRASH_DIR_ENV, &path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let flushed = std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.contains("FLUSHED"));
    // Let it get well into unflushed puts, then kill it mid-write.
    std::thread::sleep(std::time::Duration::from_millis(700));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(flushed, "child never reported its flush");

    let store = SledStore::open(&path).expect("reopens after a kill");
    let stats = store.stats().unwrap();
    assert!(stats.documents >= FLUSHED as u64, "{stats:?}");
    let docs: Vec<StoredDocument> = store.documents().collect::<Result<_, _>>().unwrap();
    assert_eq!(docs.len() as u64, stats.documents);
    assert_eq!(stats.next_seq, stats.documents);
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(d.seq, i as u64);
        assert_eq!(d.text(), format!("doc {i}"));
        assert_eq!(d.hash, content_hash(&d.text()));
        assert!(store.raw(&d.sources[0].raw_hash).unwrap().is_some());
    }
    assert_eq!(stats.sources, stats.documents);
}

#[test]
fn reopening_right_after_a_drop_succeeds() {
    // sled's flusher holds its file lock for a moment after the store is dropped; a
    // reopen in the same process (a test, a long-lived embedder) must wait that out.
    let dir = TempDir::new().expect("temp dir");
    for n in 0..30 {
        let store = SledStore::open(dir.path()).expect("store reopens");
        put(
            &store,
            &format!("Document number {n}, put before a drop."),
            "p",
        );
    }
    let store = SledStore::open(dir.path()).expect("store reopens");
    assert_eq!(store.documents().count(), 30);
}
