//! The store contract: one suite, run against every backend. Each test is a function of
//! a store; `on_both!` runs it on a fresh sled store and on a fresh PostgreSQL database
//! (skipped, with a line saying so, when no test server is set: see
//! `tests/postgres/with-cluster.sh`).
//!
//! Where the backends may differ the test says so: PostgreSQL's sequence numbers are
//! unique but may have gaps when workers race on the same text.

use super::*;
use chrono::TimeZone;
use gleaner_clean::{Block, Document, InputKind, Metadata};
use std::sync::{Arc, Barrier};

mod crawl;
use crawl::*;

pub(super) fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000 + secs, 0)
        .single()
        .expect("valid timestamp")
}

pub(super) fn doc(text: &str) -> Document {
    Document::new(
        InputKind::Text,
        text.split("\n\n").map(Block::paragraph).collect(),
        Metadata::default(),
    )
}

pub(super) fn put_at(
    store: &dyn Store,
    d: &Document,
    locator: &str,
    raw: &[u8],
    secs: i64,
) -> PutOutcome {
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

pub(super) fn put(store: &dyn Store, text: &str, locator: &str) -> PutOutcome {
    put_at(store, &doc(text), locator, text.as_bytes(), 0)
}

/// Eight threads put the same text at once: one document, eight sources, every outcome
/// naming the one sequence number.
fn concurrent_puts_of_the_same_text_make_one_document(store: Arc<dyn Backend>) {
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
    let seq = outcomes[0].seq();
    assert!(outcomes.iter().all(|o| o.seq() == seq));
    let stats = store.stats().unwrap();
    assert_eq!((stats.documents, stats.sources), (1, 8));
    assert_eq!(store.by_seq(seq).unwrap().unwrap().sources.len(), 8);
}

/// Distinct texts from several threads get distinct sequence numbers, in a store that
/// lists each once. Returns them, in order.
pub(super) fn concurrent_distinct_puts_get_distinct_seqs(store: Arc<dyn Backend>) -> Vec<u64> {
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
    seqs.dedup();
    assert_eq!(seqs.len() as u64, threads * each);
    assert_eq!(store.documents().count() as u64, threads * each);
    seqs
}

/// Import keeps an exported document as it was; replace re-keys a document whose text
/// changed, keeping its sequence number and sources, and merges one whose new text
/// another document has.
fn import_and_replace(store: &dyn Backend) {
    put_at(store, &doc("First text."), "https://a.example/1", b"r1", 0);
    put_at(store, &doc("Second text."), "https://a.example/2", b"r2", 1);
    let first = store.by_seq(0).unwrap().unwrap();
    let changed = store
        .replace(
            0,
            &first.hash,
            &doc("First text, cleaned better."),
            "test-2",
        )
        .unwrap();
    let want = content_hash("First text, cleaned better.");
    assert_eq!(changed, Recleaned::Changed { hash: want.clone() });
    let renewed = store.by_seq(0).unwrap().unwrap();
    assert_eq!(
        (renewed.hash.as_str(), renewed.cleaner_version.as_str()),
        (want.as_str(), "test-2")
    );
    assert_eq!(renewed.sources, first.sources);
    let second = store.by_seq(1).unwrap().unwrap();
    let merged = store
        .replace(
            1,
            &second.hash,
            &doc("First text, cleaned better."),
            "test-2",
        )
        .unwrap();
    assert_eq!(
        merged,
        Recleaned::Merged {
            into_seq: 0,
            hash: want.clone()
        }
    );
    assert!(store.by_seq(1).unwrap().is_none());
    assert_eq!(store.by_seq(0).unwrap().unwrap().sources.len(), 2);
    assert_eq!(
        store
            .replace(1, &second.hash, &doc("Anything."), "test-2")
            .unwrap(),
        Recleaned::Gone
    );
    // An exported document, imported: as it was, then a duplicate.
    let mut exported = store.by_seq(0).unwrap().unwrap();
    exported.hash = content_hash("Imported text.");
    exported.blocks = doc("Imported text.").blocks;
    let imported = store.import(&exported).unwrap();
    assert!(imported.is_new());
    let back = store.by_seq(imported.seq()).unwrap().unwrap();
    assert_eq!(
        (back.sources, back.first_seen),
        (exported.sources.clone(), exported.first_seen)
    );
    assert!(!store.import(&exported).unwrap().is_new());
    assert_eq!(store.stats().unwrap().documents, 2);
}

/// A text near a stored one is stored and linked to it; a different one is not.
fn near_duplicates_are_linked(store: &dyn Backend) {
    let words: Vec<String> = (0..200)
        .map(|i| format!("word{}", i * 7 % 101 + i))
        .collect();
    let original = words.join(" ");
    let mut edited = words.clone();
    edited[100] = "changed".into();
    let a = put(store, &original, "https://a.example/1");
    let b = put(store, &edited.join(" "), "https://b.example/1");
    let PutOutcome::New {
        near_duplicate_of, ..
    } = &b
    else {
        panic!("{b:?}")
    };
    assert_eq!(near_duplicate_of.as_deref(), Some(a.hash()));
    let c = put(store, "An entirely different article about the harbour and its boats, with many other words in it.", "-");
    assert!(matches!(
        c,
        PutOutcome::New {
            near_duplicate_of: None,
            ..
        }
    ));
}

fn new_then_duplicate_from_another_source(store: &dyn Backend) {
    let d = doc("Title\n\nBody text.");
    let first = put_at(store, &d, "https://a.example/x", b"<p>a</p>", 0);
    let PutOutcome::New { seq: 0, hash, .. } = &first else {
        panic!("expected New at 0, got {first:?}")
    };
    assert_eq!(hash, &content_hash("Title Body text."));
    let second = put_at(store, &d, "https://b.example/y", b"<p>b</p>", 10);
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

fn same_source_twice_updates_last_seen(store: &dyn Backend) {
    let d = doc("Same page, fetched twice.");
    put_at(store, &d, "https://a.example/x", b"v1", 0);
    let again = put_at(store, &d, "https://a.example/x", b"v2", 60);
    assert!(matches!(
        again,
        PutOutcome::Duplicate {
            seq: 0,
            new_source: false,
            ..
        }
    ));
    // An older sighting arriving late moves first_seen but not the kept raw.
    put_at(store, &d, "https://a.example/x", b"v0", -60);
    let stored = store.by_seq(0).unwrap().unwrap();
    assert_eq!(stored.sources.len(), 1);
    let s = &stored.sources[0];
    assert_eq!((s.first_seen, s.last_seen), (at(-60), at(60)));
    assert_eq!(s.raw_hash, raw_hash(b"v2"));
    assert_eq!((stored.first_seen, stored.last_seen), (at(-60), at(60)));
    assert_eq!(store.stats().unwrap().sources, 1);
}

fn seq_order_is_numeric_past_255(store: &dyn Backend) {
    for i in 0..300 {
        put(store, &format!("document number {i}"), "-");
    }
    let seqs: Vec<u64> = store.documents().map(|d| d.unwrap().seq).collect();
    assert_eq!(seqs, (0..300).collect::<Vec<_>>());
}

fn normalised_variants_are_one_document(store: &dyn Backend) {
    let a = put(store, "Caf\u{e9} cr\u{e8}me\n\nis good", "a");
    let b = put(store, "  Cafe\u{301}   cre\u{300}me is\tgood \n", "b");
    assert!(a.is_new());
    assert_eq!(b.seq(), a.seq());
    assert!(!b.is_new());
    assert!(put(store, "Cafe creme is good", "c").is_new());
}

fn raw_round_trip_and_dedup(store: &dyn Backend) {
    let raw = "<html><body><p>Hello there.</p></body></html>".repeat(50);
    let d = doc("Hello there.");
    put_at(store, &d, "https://a.example/1", raw.as_bytes(), 0);
    put_at(store, &d, "https://a.example/2", raw.as_bytes(), 1);
    put_at(store, &d, "https://a.example/3", b"<p>Hello there.</p>", 2);
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

fn hash_prefix_lookup(store: &dyn Backend) {
    for i in 0..40 {
        put(store, &format!("text {i}"), "-");
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

fn stats_are_kept_by_puts(store: &dyn Backend) {
    assert_eq!(store.stats().unwrap(), StoreStats::default());
    let mut with_host = doc("From a page that names its host.");
    with_host.metadata.hostname = Some("news.example".into());
    put_at(store, &with_host, "https://cdn.example/x", b"r1", 0);
    put(store, "Two.", "https://www.blog.example/p");
    put(store, "Three.", "https://blog.example/q");
    put(store, "Two.", "https://mirror.example/p");
    put(store, "Local file.", "notes/file.txt");
    put(store, "From stdin.", "-");
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

fn empty_documents_are_refused(store: &dyn Backend) {
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

/// A fresh sled store in a temporary directory.
fn sled() -> (tempfile::TempDir, Arc<dyn Backend>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SledStore::open(&dir.path().join("store")).expect("open");
    (dir, Arc::new(store))
}

/// A store on a fresh PostgreSQL database, if a test server is set.
fn postgres(label: &str) -> Option<Arc<dyn Backend>> {
    let url = pg::testing::fresh_database(label)?;
    Some(Arc::new(pg::PgStore::connect(&url, None).expect("connect")))
}

/// Tests on `&dyn Backend` (`ref`) and on `Arc<dyn Backend>` (`arc`), once per backend.
macro_rules! on_both {
    (ref: [$($r:ident),* $(,)?], arc: [$($a:ident),* $(,)?]) => {
        mod on_sled {
            $( #[test] fn $r() { let (_dir, store) = super::sled(); super::$r(&*store); } )*
            $( #[test] fn $a() { let (_dir, store) = super::sled(); super::$a(store); } )*
        }
        mod on_postgres {
            $( #[test] fn $r() {
                if let Some(store) = super::postgres(stringify!($r)) { super::$r(&*store); }
            } )*
            $( #[test] fn $a() {
                if let Some(store) = super::postgres(stringify!($a)) { super::$a(store); }
            } )*
        }
    };
}

on_both! {
    ref: [
        new_then_duplicate_from_another_source,
        same_source_twice_updates_last_seen,
        seq_order_is_numeric_past_255,
        normalised_variants_are_one_document,
        raw_round_trip_and_dedup,
        hash_prefix_lookup,
        stats_are_kept_by_puts,
        empty_documents_are_refused,
        import_and_replace,
        near_duplicates_are_linked,
        crawl_state_imports,
        a_url_is_queued_once_per_epoch,
        entries_come_out_in_insertion_order_per_host,
        complete_records_state_removes_entry_and_queues_links_atomically,
        a_site_with_entries_left_resumes_its_epoch_and_a_drained_one_starts_anew,
        runs_left_running_are_marked_interrupted,
        parked_urls_and_known_non_pages_are_not_queued_until_unparked,
        a_hosts_turns_keep_its_delay_and_its_slots_its_concurrency,
    ],
    arc: [
        concurrent_puts_of_the_same_text_make_one_document,
        concurrent_distinct_puts_get_distinct_seqs,
    ]
}
