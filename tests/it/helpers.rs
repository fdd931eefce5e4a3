//! Shared helpers: fixture paths, running the gleaner binary, temp dirs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const SEEDS: [&str; 5] = [
    "000_a8d5f339bfa87f12",
    "001_e354e611adafdd87",
    "002_25256884aafe3ea5",
    "003_b813a9d70c3b9a9d",
    "004_4eec89b09e86789f",
];

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn seed_path(stem: &str) -> PathBuf {
    fixtures().join("seeds").join(format!("{stem}.txt"))
}

pub fn seed(stem: &str) -> String {
    std::fs::read_to_string(seed_path(stem)).expect("seed fixture")
}

pub fn gleaner() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gleaner"));
    c.env_remove("RUST_LOG").stdin(Stdio::null());
    c
}

/// Runs gleaner with `args`; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    output(gleaner().args(args).output().expect("gleaner runs"))
}

pub fn output(out: Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// JSON lines (`--format json` output) as values.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Every document of a store, as `gleaner export --format jsonl` writes it.
pub fn export_jsonl(store: &Path) -> Vec<serde_json::Value> {
    let (code, out, err) = run(&["export", "--store", s(store), "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    json_lines(&out)
}

pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Cleans one seed through the library with the default config.
pub fn clean_seed(stem: &str) -> gleaner::Document {
    let cleaner = gleaner::Cleaner::new(&Default::default()).expect("default cleaner");
    cleaner
        .clean(seed(stem).as_bytes(), &gleaner::Hints::default())
        .expect("seed cleans")
}
