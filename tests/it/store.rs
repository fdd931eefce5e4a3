//! The store through the CLI: dedup with sources, export naming, show, the lock.

use crate::cli::assert_hash_names;
use crate::helpers::{fixtures, run, s, seed_path, tmp};
use gleaner::store::{SledStore, Store};

#[test]
fn same_seed_twice_is_one_document_with_two_sources() {
    let dir = tmp();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::copy(seed_path("003_b813a9d70c3b9a9d"), a.join("x.txt")).unwrap();
    std::fs::copy(seed_path("003_b813a9d70c3b9a9d"), b.join("y.txt")).unwrap();
    let store = dir.path().join("store");
    let (code, _, err) = run(&["clean", s(&a), s(&b), "--store", s(&store)]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 new documents, 1 duplicates"), "{err}");
    let st = SledStore::open(&store).unwrap();
    let docs: Vec<_> = st.documents().collect::<Result<_, _>>().unwrap();
    assert_eq!(docs.len(), 1);
    let locators: Vec<_> = docs[0].sources.iter().map(|s| s.locator.as_str()).collect();
    assert_eq!(locators.len(), 2, "{locators:?}");
    assert!(locators[0].ends_with("x.txt") && locators[1].ends_with("y.txt"));
    // The raw input is kept, byte for byte, so the store can be re-cleaned.
    let raw = st.raw(&docs[0].sources[0].raw_hash).unwrap().unwrap();
    assert_eq!(
        raw,
        std::fs::read(seed_path("003_b813a9d70c3b9a9d")).unwrap()
    );
}

#[test]
fn export_txt_follows_the_seed_naming_and_jsonl_has_store_fields() {
    let dir = tmp();
    let store = dir.path().join("store");
    let (code, _, err) = run(&[
        "clean",
        s(&fixtures().join("seeds")),
        "--store",
        s(&store),
        "--jobs",
        "1",
    ]);
    assert_eq!(code, 0, "{err}");
    let out = dir.path().join("export");
    let (code, _, err) = run(&["export", "--store", s(&store), "--out-dir", s(&out)]);
    assert_eq!(code, 0, "{err}");
    assert_hash_names(&out, 5);
    // Sequence numbers follow input order: the seeds are numbered as their names say.
    let mut names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let prefixes: Vec<_> = names.iter().map(|n| &n[..4]).collect();
    assert_eq!(prefixes, ["000_", "001_", "002_", "003_", "004_"]);

    let (code, jsonl, _) = run(&["export", "--store", s(&store), "--format", "jsonl"]);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    for (i, v) in lines.iter().enumerate() {
        assert_eq!(v["seq"], i as u64);
        assert_eq!(v["hash"].as_str().unwrap().len(), 64);
        assert!(v["text"].as_str().unwrap().len() > 500);
        assert!(v["sources"][0]["locator"]
            .as_str()
            .unwrap()
            .ends_with(".txt"));
        assert!(v["first_seen"].is_string() && v["last_seen"].is_string());
    }

    let (code, shown, err) = run(&["show", "--store", s(&store), "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(shown.contains("Progress Unlikely, Analysts Say"));
    let hash = lines[3]["hash"].as_str().unwrap();
    let (code, shown, _) = run(&["show", "--store", s(&store), &hash[..10]]);
    assert_eq!(code, 0);
    assert!(shown.contains("Hakan Fidan"));
}

#[test]
fn a_store_in_use_gets_one_sentence_and_exit_3() {
    let dir = tmp();
    let store = dir.path().join("store");
    let held = SledStore::open(&store).unwrap();
    let (code, _, err) = run(&[
        "clean",
        s(&seed_path("002_25256884aafe3ea5")),
        "--store",
        s(&store),
    ]);
    assert_eq!(code, 3, "{err}");
    let sentence = format!(
        "the store at {} is in use by another gleaner process",
        store.display()
    );
    assert!(err.contains(&sentence), "{err}");
    assert!(!err.to_lowercase().contains("sled"), "{err}");
    drop(held);
    let (code, _, err) = run(&["stats", "--store", s(&store)]);
    assert_eq!(code, 0, "{err}");
}

/// A command that only reads a store refuses a path with none, rather than make an
/// empty one there and report on it.
#[test]
fn reading_a_store_that_is_not_there_says_so_and_makes_none() {
    let dir = tmp();
    let missing = dir.path().join("no-such-store");
    for args in [
        vec!["stats", "--store", s(&missing)],
        vec!["show", "--store", s(&missing), "1"],
        vec!["runs", "--store", s(&missing)],
        vec!["export", "--store", s(&missing), "--out-dir", s(dir.path())],
    ] {
        let (code, _, err) = run(&args);
        assert_ne!(code, 0, "{args:?}");
        assert!(err.contains("no store there"), "{args:?}: {err}");
        assert!(!missing.exists(), "{args:?} made a store");
    }
}
