//! Near-duplicates in the sled store: linked, dropped or not looked for.

use super::*;
use gleaner_clean::{Block, Document, InputKind, Metadata};

const STORY: &str = "The council agreed on Tuesday to repair the old bridge before winter. \
    Work starts next month and should take eleven weeks, the mayor said.\n\nResidents had \
    complained for years about the potholes on the approach roads, and a petition signed \
    by four hundred people was handed in last spring.\n\nThe repairs will cost about two \
    million euros, most of it from the regional fund. Traffic will be diverted through \
    the industrial estate while the deck is replaced.\n\nA temporary ferry will carry \
    cyclists and walkers across the river during the works, running every twenty minutes \
    from early morning until late in the evening, and local shops on both banks have \
    been promised help with the cost of lost trade.\n\nThe bridge, built in 1887, was \
    last repaired in the 1970s. Engineers who inspected it in the autumn found cracks in \
    two of the piers and recommended that heavy lorries be kept off it until the work is \
    finished, a restriction that will stay in place for the whole of the winter.";

fn doc(text: &str) -> Document {
    Document::new(
        InputKind::Text,
        text.split("\n\n").map(Block::paragraph).collect(),
        Metadata::default(),
    )
}

fn put(store: &SledStore, text: &str, locator: &str) -> PutOutcome {
    store
        .put(NewDocument {
            document: &doc(text),
            source: SourceRef {
                locator: locator.into(),
                seen_at: chrono::Utc::now(),
                http: None,
            },
            raw: text.as_bytes(),
            cleaner_version: "test-1",
        })
        .expect("put")
}

fn open(policy: NearPolicy) -> (tempfile::TempDir, SledStore) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SledStore::open(&dir.path().join("store")).unwrap();
    store.set_near(NearConfig {
        policy,
        threshold: crate::near::DEFAULT_THRESHOLD,
    });
    (dir, store)
}

fn edited() -> String {
    format!(
        "By Jane Doe | 3 March 2025\n\n{}",
        STORY.replace("eleven weeks", "twelve weeks")
    )
}

#[test]
fn a_near_copy_is_stored_and_linked_to_the_first() {
    let (_dir, store) = open(NearPolicy::Link);
    let first = put(&store, STORY, "a");
    let second = put(&store, &edited(), "b");
    let PutOutcome::New {
        seq: 1,
        near_duplicate_of: Some(of),
        ..
    } = &second
    else {
        panic!("{second:?}")
    };
    assert_eq!(of, first.hash());
    let stored = store.by_seq(1).unwrap().unwrap();
    assert_eq!(stored.near_duplicate_of.as_deref(), Some(first.hash()));
    // A third copy links to the first too, and another story to nothing.
    let third = put(&store, &format!("{STORY}\n\nShare this article"), "c");
    assert!(
        matches!(&third, PutOutcome::New { near_duplicate_of: Some(h), .. } if h == first.hash())
    );
    let other = put(
        &store,
        "A bakery opened on the main square this weekend, selling bread \
        from an old family recipe, and queues formed before dawn.",
        "d",
    );
    assert!(matches!(
        other,
        PutOutcome::New {
            near_duplicate_of: None,
            ..
        }
    ));
    // The exact text again is a duplicate, as before.
    assert!(matches!(
        put(&store, STORY, "e"),
        PutOutcome::Duplicate { seq: 0, .. }
    ));
}

#[test]
fn dropped_near_copies_leave_the_store_as_it_was() {
    let (_dir, store) = open(NearPolicy::Drop);
    let first = put(&store, STORY, "a");
    let before = store.stats().unwrap();
    let second = put(&store, &edited(), "b");
    assert_eq!(
        second,
        PutOutcome::NearDuplicate {
            seq: 0,
            hash: first.hash().to_string()
        }
    );
    assert_eq!(store.stats().unwrap(), before);
    assert!(store.by_seq(1).unwrap().is_none());
}

#[test]
fn off_looks_for_nothing() {
    let (_dir, store) = open(NearPolicy::Off);
    put(&store, STORY, "a");
    assert!(matches!(
        put(&store, &edited(), "b"),
        PutOutcome::New {
            seq: 1,
            near_duplicate_of: None,
            ..
        }
    ));
}
