//! The command line end to end: outputs, exit codes, bad input, config errors.

use crate::helpers::{fixtures, run, s, seed_path, tmp, SEEDS};
use std::path::Path;

#[test]
fn one_seed_prints_the_article_and_nothing_else() {
    let (code, out, err) = run(&["clean", s(&seed_path("001_e354e611adafdd87"))]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Progress Unlikely, Analysts Say"));
    assert!(out.contains("the battlefield realities and entrenched positions"));
    for furniture in [
        "spot_img",
        "LATEST",
        "Related Posts",
        "Popular Articles",
        "Sunday, July 27",
    ] {
        assert!(!out.contains(furniture), "{furniture} in output");
    }
}

#[test]
fn stdin_is_an_input() {
    let mut child = crate::helpers::gleaner()
        .args(["clean", "-", "--format", "json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    let text = std::fs::read(seed_path("003_b813a9d70c3b9a9d")).unwrap();
    child.stdin.take().unwrap().write_all(&text).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["title"],
        "Russia-Ukraine talks end quickly with no progress"
    );
    assert!(v["text"].as_str().unwrap().contains("Hakan Fidan"));
}

#[test]
fn out_dir_files_are_named_by_stem_or_hash() {
    let dir = tmp();
    let seeds = fixtures().join("seeds");
    let by_stem = dir.path().join("stem");
    let (code, _, err) = run(&["clean", s(&seeds), "--out-dir", s(&by_stem), "--jobs", "1"]);
    assert_eq!(code, 0, "{err}");
    for stem in SEEDS {
        assert!(by_stem.join(format!("{stem}.txt")).is_file(), "{stem}");
    }
    let by_hash = dir.path().join("hash");
    let (code, _, err) = run(&[
        "clean",
        s(&seeds),
        "--out-dir",
        s(&by_hash),
        "--name",
        "hash",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_hash_names(&by_hash, 5);
}

/// Every file is `NNN_<hash16>.txt`, and the hash is the BLAKE3 of its normalised text.
pub fn assert_hash_names(dir: &Path, expected: usize) {
    let re = regex::Regex::new(r"^[0-9]{3,}_[0-9a-f]{16}\.txt$").unwrap();
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        assert!(re.is_match(&name), "bad export name {name}");
        let text = std::fs::read_to_string(&path).unwrap();
        let hash = gleaner::store::content_hash(&text);
        assert_eq!(
            &name[name.find('_').unwrap() + 1..name.len() - 4],
            &hash[..16],
            "{name}"
        );
        n += 1;
    }
    assert_eq!(n, expected);
}

#[test]
fn bad_inputs_are_named_counted_and_skipped() {
    let dir = tmp();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(seed_path("002_25256884aafe3ea5"), inputs.join("good.txt")).unwrap();
    std::fs::write(inputs.join("empty.txt"), "").unwrap();
    std::fs::write(
        inputs.join("binary.bin"),
        [0x7f, b'E', b'L', b'F', 0, 0, 1, 0, 0, 0, 0, 0],
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(inputs.join("nowhere"), inputs.join("dangling.txt")).unwrap();
    let out = dir.path().join("out");
    let (code, _, err) = run(&["clean", s(&inputs), "--out-dir", s(&out)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("empty.txt: empty input"), "{err}");
    assert!(err.contains("binary.bin: binary data"), "{err}");
    #[cfg(unix)]
    assert!(err.contains("dangling.txt"), "{err}");
    assert!(out.join("good.txt").is_file());
    assert!(err.contains("failed"), "summary missing: {err}");
}

#[test]
fn many_inputs_without_destination_is_a_usage_error() {
    let (code, _, err) = run(&["clean", s(&fixtures().join("seeds"))]);
    assert_eq!(code, 2);
    assert!(err.contains("--out-dir"), "{err}");
}

#[test]
fn config_errors_name_file_key_and_line() {
    let dir = tmp();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(
        &cfg,
        "[store]\npath = 'x'\n\n[clean]\nbuiltin_rulez = true\n",
    )
    .unwrap();
    let (code, _, err) = run(&["run", "--config", s(&cfg)]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("bad.toml") && err.contains("line 5") && err.contains("builtin_rulez"),
        "{err}"
    );
}

#[test]
fn run_uses_the_config_and_reports_a_summary() {
    let dir = tmp();
    let cfg = dir.path().join("g.toml");
    let seeds = fixtures().join("seeds");
    std::fs::write(
        &cfg,
        format!(
            "[store]\npath = 'store'\n\n[[sources.files]]\nname = 'seeds'\npaths = ['{}']\n",
            s(&seeds)
        ),
    )
    .unwrap();
    let (code, out, err) = run(&["run", "--config", s(&cfg)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("5 inputs") && out.contains("5 new documents"),
        "{out}"
    );
    // A second run finds the same texts: no new documents.
    let (code, out, _) = run(&["run", "--config", s(&cfg)]);
    assert_eq!(code, 0);
    assert!(
        out.contains("0 new documents") && out.contains("5 duplicates"),
        "{out}"
    );
    let (code, out, _) = run(&["stats", "--store", s(&dir.path().join("store")), "--json"]);
    assert_eq!(code, 0);
    let stats: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stats["documents"], 5);
}

#[test]
fn html_is_detected_and_its_metadata_kept() {
    let dir = tmp();
    let page = dir.path().join("page.html");
    let para = "The council voted on Tuesday to approve the new budget, which adds funding for libraries and parks across the city.";
    std::fs::write(
        &page,
        format!(
            "<!doctype html><html lang=\"en\"><head><title>Budget passes - City News</title>\
             <link rel=\"canonical\" href=\"https://news.example.com/budget\"></head><body>\
             <nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article><h1>Budget passes</h1>\
             <p>{para}</p><p>{para} Critics said it was late.</p></article>\
             <footer>Copyright 2025</footer></body></html>"
        ),
    )
    .unwrap();
    let (code, out, err) = run(&["clean", s(&page), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["language"], "en");
    assert_eq!(v["url"], "https://news.example.com/budget");
    assert_eq!(v["hostname"], "news.example.com");
    let text = v["text"].as_str().unwrap();
    assert!(text.contains("Critics said it was late."), "{text}");
    assert!(
        !text.contains("Copyright") && !text.contains("Home"),
        "{text}"
    );
}
