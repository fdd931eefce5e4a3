//! Crawl state through the sled backend: epochs, the frontier, completion, run records.

use super::crawl::*;
use super::{CrawlStore, SledStore};
use tempfile::TempDir;

fn open() -> (TempDir, SledStore) {
    let dir = TempDir::new().unwrap();
    let store = SledStore::open(dir.path()).unwrap();
    (dir, store)
}

fn page(host: &str, path: &str, site: &str, depth: u32) -> NewEntry {
    NewEntry {
        host: host.into(),
        entry: FrontierEntry {
            url: format!("http://{host}{path}"),
            site: site.into(),
            depth,
            kind: EntryKind::Page,
        },
    }
}

fn drain(store: &SledStore, host: &str) -> Vec<(FrontierKey, FrontierEntry)> {
    let mut out = Vec::new();
    let mut after = None;
    while let Some((k, e)) = store.next_entry(host, after.as_ref()).unwrap() {
        after = Some(k.clone());
        out.push((k, e));
    }
    out
}

#[test]
fn a_url_is_queued_once_per_epoch() {
    let (_d, store) = open();
    let start = store.begin_site("s").unwrap();
    assert_eq!(
        start,
        SiteStart {
            epoch: 1,
            resumed: false,
            pending: 0
        }
    );
    let a = page("h.org", "/a", "s", 0);
    let hosts = store
        .enqueue(1, &[a.clone(), a.clone(), page("g.org", "/b", "s", 0)])
        .unwrap();
    assert_eq!(hosts, ["g.org", "h.org"]);
    assert_eq!(
        store.enqueue(1, std::slice::from_ref(&a)).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(drain(&store, "h.org").len(), 1);
    assert_eq!(store.frontier_len().unwrap(), 2);
    assert_eq!(store.frontier_hosts().unwrap(), ["g.org", "h.org"]);
}

#[test]
fn entries_come_out_in_insertion_order_per_host() {
    let (_d, store) = open();
    store.begin_site("s").unwrap();
    let paths = ["/z", "/a", "/m"];
    let entries: Vec<NewEntry> = paths.iter().map(|p| page("h.org", p, "s", 0)).collect();
    store.enqueue(1, &entries).unwrap();
    store.enqueue(1, &[page("h.org", "/b", "s", 1)]).unwrap();
    let urls: Vec<String> = drain(&store, "h.org")
        .into_iter()
        .map(|(_, e)| e.url)
        .collect();
    assert_eq!(
        urls,
        [
            "http://h.org/z",
            "http://h.org/a",
            "http://h.org/m",
            "http://h.org/b"
        ]
    );
    // A host whose name is a prefix of another's has its own queue.
    store.enqueue(1, &[page("h.org.uk", "/x", "s", 0)]).unwrap();
    assert_eq!(drain(&store, "h.org").len(), 4);
}

#[test]
fn complete_records_state_removes_entry_and_queues_links_atomically() {
    let (_d, store) = open();
    store.begin_site("s").unwrap();
    store.enqueue(1, &[page("h.org", "/a", "s", 0)]).unwrap();
    let (key, entry) = drain(&store, "h.org").remove(0);
    let mut state = UrlState::queued("s", 1, 0);
    state.status = UrlStatus::Stored;
    state.etag = Some("\"v1\"".into());
    let links = [page("h.org", "/b", "s", 1), page("h.org", "/a", "s", 1)];
    let hosts = store
        .complete(
            &key,
            &entry.url,
            &state,
            &["http://h.org/a-canonical".into()],
            &links,
        )
        .unwrap();
    assert_eq!(hosts, ["h.org"]);
    let left: Vec<String> = drain(&store, "h.org")
        .into_iter()
        .map(|(_, e)| e.url)
        .collect();
    assert_eq!(
        left,
        ["http://h.org/b"],
        "the visited URL is not queued again in its epoch"
    );
    assert_eq!(
        store
            .url_state(&entry.url)
            .unwrap()
            .unwrap()
            .etag
            .as_deref(),
        Some("\"v1\"")
    );
    let alias = store
        .url_state("http://h.org/a-canonical")
        .unwrap()
        .unwrap();
    assert_eq!(alias.epoch, 1);
    assert_eq!(
        store
            .enqueue(1, &[page("h.org", "/a-canonical", "s", 2)])
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn a_site_with_entries_left_resumes_its_epoch_and_a_drained_one_starts_anew() {
    let dir = TempDir::new().unwrap();
    {
        let store = SledStore::open(dir.path()).unwrap();
        store.begin_site("s").unwrap();
        store.enqueue(1, &[page("h.org", "/a", "s", 0)]).unwrap();
        store.begin_site("t").unwrap();
    }
    let store = SledStore::open(dir.path()).unwrap();
    assert_eq!(
        store.begin_site("s").unwrap(),
        SiteStart {
            epoch: 1,
            resumed: true,
            pending: 1
        }
    );
    assert_eq!(
        store.begin_site("t").unwrap(),
        SiteStart {
            epoch: 2,
            resumed: false,
            pending: 0
        }
    );
    // Enqueued in epoch 1, the URL comes back in epoch 2 keeping what was known of it.
    let (key, entry) = drain(&store, "h.org").remove(0);
    let mut state = UrlState::queued("s", 1, 0);
    state.last_modified = Some("Mon, 02 Nov 2026 10:00:00 GMT".into());
    store.complete(&key, &entry.url, &state, &[], &[]).unwrap();
    assert_eq!(store.begin_site("s").unwrap().epoch, 2);
    assert_eq!(
        store
            .enqueue(2, &[page("h.org", "/a", "s", 0)])
            .unwrap()
            .len(),
        1
    );
    let again = store.url_state("http://h.org/a").unwrap().unwrap();
    assert_eq!(again.epoch, 2);
    assert!(again.last_modified.is_some());
}

#[test]
fn runs_left_running_are_marked_interrupted() {
    let (_d, store) = open();
    let first = store.start_run(chrono::Utc::now()).unwrap();
    let second = store.start_run(chrono::Utc::now()).unwrap();
    assert_eq!((first, second), (1, 2));
    let runs = store.runs().unwrap();
    assert_eq!(runs[0].status, RunStatus::Interrupted);
    assert_eq!(runs[1].status, RunStatus::Running);
    let mut done = runs[1].clone();
    done.status = RunStatus::Finished;
    store.save_run(&done).unwrap();
    store.start_run(chrono::Utc::now()).unwrap();
    assert_eq!(store.runs().unwrap()[1].status, RunStatus::Finished);
}

#[test]
fn a_second_process_is_told_who_holds_the_store() {
    let (dir, _store) = open();
    let err = SledStore::open(dir.path()).err().expect("locked");
    let msg = err.to_string();
    assert!(
        msg.contains("in use by another gleaner process (pid "),
        "{msg}"
    );
    assert!(msg.contains(&std::process::id().to_string()), "{msg}");
}

/// A URL that failed `park_after` visits in a row is parked: never queued again, in
/// this epoch or the next, until unparked; a known non-page is not queued either.
#[test]
fn parked_urls_and_known_non_pages_are_not_queued_until_unparked() {
    let (_d, store) = open();
    store.begin_site("s").unwrap();
    let a = page("h.org", "/a", "s", 0);
    let img = page("h.org", "/img", "s", 0);
    store.enqueue(1, &[a.clone(), img.clone()]).unwrap();
    for (key, entry) in drain(&store, "h.org") {
        let mut state = UrlState::queued("s", 1, 0);
        if entry.url.ends_with("/a") {
            assert!(!state.record_failure("http_5xx", "HTTP 500".into(), 2, false));
            assert!(state.record_failure("http_5xx", "HTTP 500".into(), 2, false));
            assert_eq!(state.failures, 2);
        } else {
            state.not_a_page = Some("image/png".into());
        }
        store.complete(&key, &entry.url, &state, &[], &[]).unwrap();
    }
    let parked: Vec<String> = store.parked().map(|p| p.unwrap().0).collect();
    assert_eq!(parked, ["http://h.org/a"]);
    match store.url_state("http://h.org/a").unwrap().unwrap().status {
        UrlStatus::Parked { reason } => assert_eq!(reason, "http_5xx: HTTP 500 (2 runs in a row)"),
        other => panic!("{other:?}"),
    }
    // A new epoch: neither is queued again.
    assert_eq!(
        store.enqueue(2, &[a.clone(), img.clone()]).unwrap().len(),
        0
    );
    assert!(drain(&store, "h.org").is_empty());
    assert_eq!(store.unpark(None).unwrap(), 1);
    assert_eq!(store.parked().count(), 0);
    assert_eq!(store.enqueue(2, &[a, img]).unwrap(), ["h.org"]);
    let left: Vec<String> = drain(&store, "h.org")
        .into_iter()
        .map(|(_, e)| e.url)
        .collect();
    assert_eq!(left, ["http://h.org/a"]);
}
