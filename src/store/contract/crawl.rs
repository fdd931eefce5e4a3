//! The crawl side of the store contract: epochs, the frontier, completion, run records,
//! parking, and what a copy imports.

use super::super::crawl::*;
use super::super::Backend;

pub(super) fn page(host: &str, path: &str, site: &str, depth: u32) -> NewEntry {
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

/// Every entry of `host`, in order; given back after reading (a shared store leases
/// what it hands out), so that a later drain sees them again.
pub(super) fn drain(store: &dyn Backend, host: &str) -> Vec<(FrontierKey, FrontierEntry)> {
    let mut out = Vec::new();
    let mut after = None;
    while let Some((k, e)) = store.next_entry(host, after.as_ref()).unwrap() {
        after = Some(k.clone());
        out.push((k, e));
    }
    for (k, _) in &out {
        store.release(k).unwrap();
    }
    out
}

/// A site with entries left resumes its epoch; a drained one starts a new epoch, in
/// which a URL is queued again, keeping what was known of it.
pub(super) fn a_site_with_entries_left_resumes_its_epoch_and_a_drained_one_starts_anew(
    store: &dyn Backend,
) {
    store.begin_site("s").unwrap();
    store.enqueue(1, &[page("h.org", "/a", "s", 0)]).unwrap();
    store.begin_site("t").unwrap();
    assert_eq!(
        store.begin_site("s").unwrap(),
        SiteStart {
            epoch: 1,
            resumed: true,
            pending: 1
        }
    );
    assert_eq!(store.site_epoch("s").unwrap(), Some(1));
    assert_eq!(store.site_epoch("nobody").unwrap(), None);
    assert_eq!(
        store.begin_site("t").unwrap(),
        SiteStart {
            epoch: 2,
            resumed: false,
            pending: 0
        }
    );
    let (key, entry) = drain(store, "h.org").remove(0);
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

/// What a copy brings: URL states kept where the store knows nothing of the URL, site
/// epochs raised, never lowered.
pub(super) fn crawl_state_imports(store: &dyn Backend) {
    store.begin_site("s").unwrap();
    let mut state = UrlState::queued("s", 3, 0);
    state.etag = Some("\"e1\"".into());
    assert!(store.import_url_state("http://h.org/a", &state).unwrap());
    let mut other = state.clone();
    other.etag = Some("\"e2\"".into());
    assert!(!store.import_url_state("http://h.org/a", &other).unwrap());
    let kept = store.url_state("http://h.org/a").unwrap().unwrap();
    assert_eq!(kept.etag.as_deref(), Some("\"e1\""));
    store.import_site_epoch("s", 3).unwrap();
    store.import_site_epoch("s", 2).unwrap();
    store.import_site_epoch("t", 5).unwrap();
    let epochs: Vec<(String, u64)> = store.site_epochs().unwrap().into_iter().collect();
    assert_eq!(epochs, [("s".to_string(), 3), ("t".to_string(), 5)]);
    // The URL, queued in epoch 3, is not queued again in it; in epoch 4 it is.
    assert!(store
        .enqueue(3, &[page("h.org", "/a", "s", 0)])
        .unwrap()
        .is_empty());
    assert_eq!(
        store.enqueue(4, &[page("h.org", "/a", "s", 0)]).unwrap(),
        ["h.org"]
    );
}

pub(super) fn a_url_is_queued_once_per_epoch(store: &dyn Backend) {
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
    assert_eq!(drain(store, "h.org").len(), 1);
    assert_eq!(store.frontier_len().unwrap(), 2);
    assert_eq!(store.frontier_hosts().unwrap(), ["g.org", "h.org"]);
}

pub(super) fn entries_come_out_in_insertion_order_per_host(store: &dyn Backend) {
    store.begin_site("s").unwrap();
    let paths = ["/z", "/a", "/m"];
    let entries: Vec<NewEntry> = paths.iter().map(|p| page("h.org", p, "s", 0)).collect();
    store.enqueue(1, &entries).unwrap();
    store.enqueue(1, &[page("h.org", "/b", "s", 1)]).unwrap();
    let urls: Vec<String> = drain(store, "h.org")
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
    assert_eq!(drain(store, "h.org").len(), 4);
}

pub(super) fn complete_records_state_removes_entry_and_queues_links_atomically(
    store: &dyn Backend,
) {
    store.begin_site("s").unwrap();
    store.enqueue(1, &[page("h.org", "/a", "s", 0)]).unwrap();
    let (key, entry) = drain(store, "h.org").remove(0);
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
    let left: Vec<String> = drain(store, "h.org")
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

pub(super) fn runs_left_running_are_marked_interrupted(store: &dyn Backend) {
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

/// A URL that failed `park_after` visits in a row is parked: never queued again, in
/// this epoch or the next, until unparked; a known non-page is not queued either.
pub(super) fn parked_urls_and_known_non_pages_are_not_queued_until_unparked(store: &dyn Backend) {
    store.begin_site("s").unwrap();
    let a = page("h.org", "/a", "s", 0);
    let img = page("h.org", "/img", "s", 0);
    store.enqueue(1, &[a.clone(), img.clone()]).unwrap();
    for (key, entry) in drain(store, "h.org") {
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
    assert!(drain(store, "h.org").is_empty());
    assert_eq!(store.unpark(None).unwrap(), 1);
    assert_eq!(store.parked().count(), 0);
    assert_eq!(store.enqueue(2, &[a, img]).unwrap(), ["h.org"]);
    let left: Vec<String> = drain(store, "h.org")
        .into_iter()
        .map(|(_, e)| e.url)
        .collect();
    assert_eq!(left, ["http://h.org/a"]);
}

/// In a shared store, a host's turns keep its delay and its request slots its
/// concurrency, whoever asks; a Retry-After hold delays the next turn; freeing a slot
/// lets the next request in. A store for one process keeps no pace (the crawler does).
pub(super) fn a_hosts_turns_keep_its_delay_and_its_slots_its_concurrency(store: &dyn Backend) {
    use crate::store::crawl::Turn;
    use std::time::Duration;
    let delay = Duration::from_millis(500);
    if !store.is_shared() {
        assert_eq!(store.reserve_turn("h.org", delay, 2).unwrap(), None);
        return;
    }
    let go = |turn: Option<Turn>| match turn {
        Some(Turn::Go { wait, slot }) => (wait, slot),
        other => panic!("{other:?}"),
    };
    let (first, a) = go(store.reserve_turn("h.org", delay, 2).unwrap());
    let (second, b) = go(store.reserve_turn("h.org", delay, 2).unwrap());
    assert_eq!(first, Duration::ZERO);
    // The second turn comes a delay after the first (less the time the call took).
    assert!(
        second > Duration::from_millis(300) && second <= delay,
        "{second:?}"
    );
    assert_ne!(a, b);
    assert_eq!(
        store.reserve_turn("h.org", delay, 2).unwrap(),
        Some(Turn::Full)
    );
    // Another host has its own pace and slots.
    assert_eq!(
        go(store.reserve_turn("i.org", delay, 1).unwrap()).0,
        Duration::ZERO
    );
    store.release_slot("h.org", a).unwrap();
    let (third, c) = go(store.reserve_turn("h.org", delay, 2).unwrap());
    assert_eq!(c, a, "the freed slot is taken again");
    assert!(third > second, "{third:?} after {second:?}");
    store.release_held().unwrap();
    store.hold_host("j.org", Duration::from_secs(30)).unwrap();
    let (held, _) = go(store.reserve_turn("j.org", Duration::ZERO, 1).unwrap());
    assert!(held > Duration::from_secs(25), "{held:?}");
}
