//! The cleaner is a lean library: a program that only cleans pages depends on
//! `gleaner-clean` and compiles no async runtime, HTTP client, TLS, store or CLI crate.

use std::process::Command;

#[test]
fn the_cleaner_crate_compiles_no_runtime_network_store_or_cli() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "gleaner-clean",
            "-e",
            "normal",
            "--prefix",
            "none",
        ])
        .args(["--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let crates: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    // What cleaning needs is there: the command saw the real tree.
    for needed in ["gleaner-clean", "html5ever", "encoding_rs", "regex"] {
        assert!(crates.contains(&needed), "{needed} missing from:\n{tree}");
    }
    for banned in [
        "tokio",
        "reqwest",
        "hyper",
        "rustls",
        "sled",
        "clap",
        "anyhow",
        "indicatif",
        "tracing-subscriber",
        "rayon",
    ] {
        assert!(
            !crates.contains(&banned),
            "{banned} in the cleaner's tree:\n{tree}"
        );
    }
}
