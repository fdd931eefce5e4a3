//! The PostgreSQL store from the CLI: migrations, a newer schema refused, `store copy`
//! from sled to PostgreSQL and back losing nothing, and the other commands on a
//! database. Skipped, with a line saying so, when no test server is set.

use crate::helpers::{export_jsonl, fixtures, json_lines, run, s, tmp};
use gleaner::store::pg::testing::fresh_database;

/// `store migrate` on a database already migrated says it is current; one whose
/// schema is newer than this gleaner's is refused by every command, politely.
#[test]
fn migrate_is_idempotent_and_a_newer_schema_is_refused() {
    let Some(url) = fresh_database("migrate_cli") else {
        return;
    };
    let (code, _, err) = run(&["store", "migrate", "--url", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("schema version 2 is current"), "{err}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .execute("UPDATE gleaner_schema SET version = 99", &[])
        .unwrap();
    let (code, _, err) = run(&["stats", "--store", &url]);
    assert_ne!(code, 0);
    assert!(
        err.contains("schema version 99") && err.contains("upgrade gleaner"),
        "{err}"
    );
    let (code, _, err) = run(&["store", "migrate", "--url", &url]);
    assert_ne!(code, 0);
    assert!(err.contains("upgrade gleaner"), "{err}");
}

/// A sled store copied to PostgreSQL and back is the same store: the same export, the
/// same raw pages (re-cleaning finds every one); copying again adds nothing.
#[test]
fn a_store_copied_to_postgres_and_back_is_the_same() {
    let Some(url) = fresh_database("copy_cli") else {
        return;
    };
    let dir = tmp();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let seeds = fixtures().join("seeds");
    let (code, _, err) = run(&["clean", s(&seeds), "--store", s(&a)]);
    assert_eq!(code, 0, "{err}");
    let to_pg = format!("postgres:{url}");
    let (code, _, err) = run(&["store", "copy", "--from", s(&a), "--to", &to_pg]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("5 documents: 5 copied, 0 already there"),
        "{err}"
    );
    let (code, _, err) = run(&["store", "copy", "--from", s(&a), "--to", &to_pg]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("5 documents: 0 copied, 5 already there"),
        "{err}"
    );
    let from_pg = format!("sled:{}", s(&b));
    let (code, _, err) = run(&["store", "copy", "--from", &url, "--to", &from_pg]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(export_jsonl(&a), export_jsonl(&b));
    // The database answers the other commands as a store does.
    let (code, out, err) = run(&["export", "--store", &url, "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json_lines(&out), export_jsonl(&a));
    let (code, _, err) = run(&["reclean", "--store", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("5 examined") && err.contains("0 failed"),
        "{err}"
    );
}
