//! A gleaner killed mid-batch leaves a store that opens, with every completed insert
//! whole and sequence numbers without holes.

use crate::helpers::{gleaner, s, tmp};
use gleaner::store::{SledStore, Store};
use std::time::{Duration, Instant};

const PAGES: usize = 20_000;

#[test]
fn killed_mid_batch_then_reopened() {
    let dir = tmp();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    // Distinct pages that read like articles: a seed's paragraphs, numbered per page so
    // no line recurs across pages (which would make it template furniture).
    let article = crate::helpers::seed("003_b813a9d70c3b9a9d");
    let paragraphs: Vec<&str> = article.lines().filter(|l| l.len() > 80).collect();
    for i in 0..PAGES {
        let body: String = paragraphs
            .iter()
            .take(4)
            .map(|p| format!("Report {i}. {p}\n\n"))
            .collect();
        std::fs::write(inputs.join(format!("{i:05}.txt")), body).unwrap();
    }
    let store = dir.path().join("store");
    let mut child = gleaner()
        .args(["clean", s(&inputs), "--store", s(&store), "--jobs", "1"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill just after the first documents reach the disk (an empty store is ~13 KB, the
    // first write grows it past 100 KB), mid-batch; bounded in time whatever happens.
    let deadline = Instant::now() + Duration::from_secs(60);
    while dir_size(&store) < 100_000
        && Instant::now() < deadline
        && child.try_wait().unwrap().is_none()
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(30));
    child.kill().ok(); // SIGKILL on unix
    child.wait().unwrap();

    let st = SledStore::open(&store).expect("store reopens after a kill");
    let docs: Vec<_> = st
        .documents()
        .collect::<Result<_, _>>()
        .expect("no torn record");
    for (i, d) in docs.iter().enumerate() {
        assert_eq!(d.seq, i as u64, "sequence numbers without holes");
        assert_eq!(d.hash, gleaner::store::content_hash(&d.text()));
        assert!(
            st.raw(&d.sources[0].raw_hash).unwrap().is_some(),
            "raw kept with its document"
        );
    }
    let survived = docs.len();
    drop(st);

    // A second run completes the batch: nothing lost, nothing doubled.
    let out = gleaner()
        .args(["clean", s(&inputs), "--store", s(&store)])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let st = SledStore::open(&store).unwrap();
    assert_eq!(st.stats().unwrap().documents, PAGES as u64);
    assert!(
        survived < PAGES,
        "the kill came too late to test anything ({survived} stored)"
    );
}

fn dir_size(dir: &std::path::Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}
