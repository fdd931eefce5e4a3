//! The two pages that crashed `gleaner clean` (exit 101, the whole batch lost) when a
//! new user tried them: a published_time with a multi-byte char at its tenth byte, and
//! a canonical URL with a raw non-ASCII path on a page with no date. Both clean now,
//! beside an ordinary page, with their metadata as the page gives it.

use crate::helpers::{fixtures, run, s, tmp};

#[test]
fn the_pages_that_crashed_a_batch_clean() {
    let dir = fixtures().join("panics");
    let out = tmp();
    let (code, _, err) = run(&[
        "clean",
        s(&dir),
        "--out-dir",
        s(out.path()),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 inputs: 2 cleaned"), "{err}");
    let json = |stem: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(out.path().join(format!("{stem}.json"))).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let dated = json("published-time-multibyte");
    // Not a date: refused whole, never cut inside the multi-byte character.
    assert_eq!(dated["date"], serde_json::Value::Null, "{dated}");
    assert!(dated["text"]
        .as_str()
        .unwrap()
        .contains("Anfang des Monats"));
    let canonical = json("canonical-raw-non-ascii");
    assert_eq!(canonical["date"], serde_json::Value::Null, "{canonical}");
    assert_eq!(canonical["url"], "https://example.org/2024/03/1é-straße");
    assert!(canonical["text"].as_str().unwrap().contains("a street"));
}

/// A config value that would overflow the clock (`time_budget_secs = 1e20`, a huge
/// backoff) used to panic a run; it is a config error naming file, line and key.
#[test]
fn overflowing_config_values_are_config_errors() {
    let dir = tmp();
    let config = dir.path().join("g.toml");
    for (text, line, key) in [
        (
            "[store]\npath = 'st'\n\n[fetch]\ntime_budget_secs = 1e20\n",
            5,
            "fetch.time_budget_secs",
        ),
        (
            "# backoff_base_secs = 1\n[fetch]\nbackoff_base_secs = 1e300\n",
            3,
            "fetch.backoff_base_secs",
        ),
        (
            "[[sources.web]]\nname = 's'\nseeds = ['http://127.0.0.1:9/']\ndelay_secs = 1e18\n",
            4,
            "sources.web.delay_secs",
        ),
    ] {
        std::fs::write(&config, text).unwrap();
        let (code, _, err) = run(&["run", "--config", s(&config)]);
        assert_eq!(code, 2, "{err}");
        let want = format!("g.toml, line {line}: `{key}`");
        assert!(err.contains(&want), "{want} in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
