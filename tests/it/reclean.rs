//! `gleaner reclean`: a store cleaned with one cleaner brought up to another's output,
//! identity kept, coinciding documents merged, and a kill at any moment harmless.

use crate::helpers::*;
use std::path::Path;

/// A paragraph the default cleaner keeps, which `drop_lines` removes under `NEW`.
const NOTE: &str = "Editor's note: this report was filed from the press room late on \
    Tuesday evening, after the delegations had left the building for the night.";
const NEW: &str = "[clean.rules]\ndrop_lines = [\"Editor's note: this report was filed from the press room late on Tuesday evening, after the delegations had left the building for the night.\"]\n[clean.text]\ntemplates = false\n";
const OLD: &str = "[clean.text]\ntemplates = false\n";

/// `extra` inserted as a paragraph halfway through the text, where the article is.
fn inserted(text: &str, extra: &str) -> String {
    // The first paragraph break in the second half: a char boundary, whatever the text.
    let at = text
        .match_indices("\n\n")
        .map(|(i, _)| i)
        .find(|&i| i >= text.len() / 2)
        .unwrap_or(text.len());
    let (before, after) = text.split_at(at);
    format!("{before}\n\n{extra}{after}")
}

fn with_note(text: &str) -> String {
    inserted(text, NOTE)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn config(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn changed_documents_keep_their_identity_and_coinciding_ones_merge() {
    let dir = tmp();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let base = seed("001_e354e611adafdd87");
    // `plain` and `noted` differ by NOTE only; `alone` has NOTE and no twin.
    std::fs::write(inputs.join("a_plain.txt"), &base).unwrap();
    std::fs::write(inputs.join("b_noted.txt"), with_note(&base)).unwrap();
    std::fs::write(
        inputs.join("c_alone.txt"),
        with_note(&seed("003_b813a9d70c3b9a9d")),
    )
    .unwrap();
    let store = dir.path().join("store");
    let old = config(dir.path(), "old.toml", OLD);
    let (code, _, err) = run(&[
        "clean",
        s(&inputs),
        "--store",
        s(&store),
        "--config",
        s(&old),
    ]);
    assert_eq!(code, 0, "{err}");
    let before = export_jsonl(&store);
    assert_eq!(before.len(), 3, "NOTE must survive the default cleaner");
    assert!(
        before
            .iter()
            .filter(|d| d["text"].as_str().unwrap().contains("Editor's note"))
            .count()
            == 2
    );

    let new = config(dir.path(), "new.toml", NEW);
    let (code, _, err) = run(&[
        "reclean",
        "--store",
        s(&store),
        "--config",
        s(&new),
        "--jobs",
        "1",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("3 examined: 1 changed, 1 merged, 1 unchanged, 0 failed"),
        "{err}"
    );
    let after = export_jsonl(&store);
    assert_eq!(after.len(), 2);
    // `plain` (seq 0) took `noted`'s source; `alone` (seq 2) kept its number, lost NOTE.
    assert_eq!(after[0]["seq"], 0);
    assert_eq!(after[0]["hash"], before[0]["hash"]);
    let locators: Vec<&str> = after[0]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["locator"].as_str().unwrap())
        .collect();
    assert!(
        locators.iter().any(|l| l.ends_with("a_plain.txt")),
        "{locators:?}"
    );
    assert!(
        locators.iter().any(|l| l.ends_with("b_noted.txt")),
        "{locators:?}"
    );
    assert_eq!(after[1]["seq"], 2);
    assert_ne!(after[1]["hash"], before[2]["hash"]);
    assert_eq!(after[1]["sources"], before[2]["sources"]);
    assert_eq!(after[1]["first_seen"], before[2]["first_seen"]);
    assert!(!after[1]["text"].as_str().unwrap().contains("Editor's note"));
    let (code, out, _) = run(&["stats", "--store", s(&store), "--json"]);
    assert_eq!(code, 0);
    let stats: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stats["documents"], 2);
    assert_eq!(stats["sources"], 3);

    // Again: nothing left to do.
    let (code, _, err) = run(&["reclean", "--store", s(&store), "--config", s(&new)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("2 examined: 0 changed, 0 merged, 2 unchanged, 0 failed"),
        "{err}"
    );
}

/// Killed mid-way (SIGKILL) and run again, a re-clean ends where an uninterrupted one
/// does: nothing lost, nothing doubled.
#[test]
fn a_killed_reclean_run_again_ends_as_an_uninterrupted_one() {
    let dir = tmp();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    // 500 copies of four seeds, each with NOTE and a numbered line: 2,000 documents,
    // which the new rules fold back into four (about a second's work, to kill into).
    for stem in &SEEDS[1..] {
        for i in 0..500 {
            let numbered = format!(
                "This copy, number {i}, was kept in the archive for the tests of the \
                 re-cleaning command, with its own words."
            );
            let text = inserted(&with_note(&seed(stem)), &numbered);
            std::fs::write(inputs.join(format!("{stem}_{i:03}.txt")), text).unwrap();
        }
    }
    let off = "[store]\nnear_duplicates = \"off\"\n";
    let old = config(dir.path(), "old.toml", &format!("{OLD}{off}"));
    let new = config(
        dir.path(),
        "new.toml",
        &format!(
            "{}{off}",
            NEW.replace(
                "[clean.text]",
                "drop_patterns = [\"^This copy, number [0-9]+,\"]\n[clean.text]"
            )
        ),
    );
    let reference = dir.path().join("reference");
    let killed = dir.path().join("killed");
    let (code, _, err) = run(&[
        "clean",
        s(&inputs),
        "--store",
        s(&reference),
        "--config",
        s(&old),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2000 new documents"), "{err}");
    copy_dir(&reference, &killed);
    let started = std::time::Instant::now();
    let (code, _, err) = run(&["reclean", "--store", s(&reference), "--config", s(&new)]);
    let whole = started.elapsed();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 changed, 1996 merged"), "{err}");
    // Kill it a quarter, a half and three quarters of the way through (as long as the
    // whole took), then let it finish.
    for quarter in [1, 2, 3] {
        let mut child = gleaner()
            .args([
                "reclean",
                "--store",
                s(&killed),
                "--config",
                s(&new),
                "--jobs",
                "1",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * quarter / 4);
        let _ = child.kill();
        child.wait().unwrap();
    }
    let (code, _, err) = run(&["reclean", "--store", s(&killed), "--config", s(&new)]);
    assert_eq!(code, 0, "{err}");
    let (killed_docs, reference_docs) = (export_jsonl(&killed), export_jsonl(&reference));
    assert_eq!(killed_docs.len(), 4);
    assert_eq!(killed_docs, reference_docs);
    let stats = |store: &Path| {
        let (_, out, _) = run(&["stats", "--store", s(store), "--json"]);
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    assert_eq!(stats(&killed), stats(&reference));
    assert_eq!(stats(&killed)["sources"], 2000);
}
