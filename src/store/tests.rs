//! Store behaviour, exercised through the sled backend and the `Store` trait.

use super::contract::{at, doc, put, put_at};
use super::*;
use std::sync::Arc;
use tempfile::TempDir;

fn open() -> (TempDir, SledStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = SledStore::open(&dir.path().join("store")).expect("open");
    (dir, store)
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

/// On sled the distinct sequence numbers are also dense: no gaps.
#[test]
fn concurrent_distinct_puts_get_distinct_dense_seqs() {
    let (_dir, store) = open();
    let seqs = super::contract::concurrent_distinct_puts_get_distinct_seqs(Arc::new(store));
    assert_eq!(seqs, (0..160).collect::<Vec<u64>>());
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

#[test]
fn a_second_process_is_told_who_holds_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let _store = SledStore::open(dir.path()).unwrap();
    let err = SledStore::open(dir.path()).err().expect("locked");
    let msg = err.to_string();
    assert!(
        msg.contains("in use by another gleaner process (pid "),
        "{msg}"
    );
    assert!(msg.contains(&std::process::id().to_string()), "{msg}");
}
