//! The PostgreSQL store from the CLI: migrations, a newer schema refused, `store copy`
//! from sled to PostgreSQL and back losing nothing, the other commands on a database,
//! and TLS as `sslmode` and `sslrootcert` ask. Skipped, with a line saying so, when no
//! test server is set.

use crate::helpers::{export_jsonl, fixtures, json_lines, run, s, tmp};
use gleaner::store::pg::testing::{fresh_database, server_ca};
use gleaner::store::pg::{PgStore, SCHEMA_VERSION};

/// `store migrate` on a database already migrated says it is current; one whose
/// schema is newer than this gleaner's is refused by every command, politely.
#[test]
fn migrate_is_idempotent_and_a_newer_schema_is_refused() {
    let Some(url) = fresh_database("migrate_cli") else {
        return;
    };
    let (code, _, err) = run(&["store", "migrate", "--url", &url]);
    assert_eq!(code, 0, "{err}");
    let current = format!("schema version {SCHEMA_VERSION} is current");
    assert!(err.contains(&current), "{err}");
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

/// A fresh database's URL and the test server's CA; None when either is not set.
fn tls_database(label: &str) -> Option<(url::Url, String)> {
    let url = url::Url::parse(&fresh_database(label)?).expect("test database URL");
    let ca = server_ca(label)?;
    Some((url, ca.to_str().expect("utf-8 path").to_string()))
}

/// `url` with `query` and, when given, another host name.
fn with(url: &url::Url, host: Option<&str>, query: &str) -> String {
    let mut url = url.clone();
    if let Some(host) = host {
        url.set_host(Some(host)).expect("a host name");
    }
    url.set_query(Some(query));
    url.to_string()
}

/// Whether a store on `url` is connected encrypted, as the server says.
fn encrypted(url: &str) -> bool {
    let store = PgStore::connect(url, None).unwrap_or_else(|e| panic!("{url}: {e}"));
    store.encrypted().expect("pg_stat_ssl")
}

/// verify-full with the server's CA: the commands work, on 127.0.0.1 and on
/// localhost (both in the certificate), and the session is encrypted.
#[test]
fn verify_full_with_the_servers_ca_connects_encrypted() {
    let Some((url, ca)) = tls_database("tls_verify_full") else {
        return;
    };
    let tls = with(&url, None, &format!("sslmode=verify-full&sslrootcert={ca}"));
    let (code, _, err) = run(&["store", "migrate", "--url", &tls]);
    assert_eq!(code, 0, "{err}");
    let current = format!("schema version {SCHEMA_VERSION} is current");
    assert!(err.contains(&current), "{err}");
    let (code, _, err) = run(&["stats", "--store", &tls]);
    assert_eq!(code, 0, "{err}");
    assert!(encrypted(&tls));
    let local = with(
        &url,
        Some("localhost"),
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    assert!(encrypted(&local));
}

/// verify-full on Mozilla's roots refuses the throwaway CA's certificate: an error
/// saying so, not a panic.
#[test]
fn verify_full_with_mozillas_roots_refuses_the_certificate() {
    let Some((url, _)) = tls_database("tls_mozilla") else {
        return;
    };
    let tls = with(&url, None, "sslmode=verify-full");
    let err = PgStore::connect(&tls, None).err().expect("refused");
    assert!(err.to_string().contains("certificate"), "{err}");
    let (code, _, err) = run(&["stats", "--store", &tls]);
    assert_ne!(code, 0);
    assert!(err.contains("invalid peer certificate"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// A certificate for another host name (connecting to 127.0.0.1 as db.invalid):
/// refused by verify-full, accepted by verify-ca, which checks only the chain (and
/// so refuses a chain to none of Mozilla's roots).
#[test]
fn verify_ca_accepts_another_host_name_and_verify_full_does_not() {
    let Some((url, ca)) = tls_database("tls_verify_ca") else {
        return;
    };
    let query = |mode: &str| format!("hostaddr=127.0.0.1&sslmode={mode}&sslrootcert={ca}");
    let full = with(&url, Some("db.invalid"), &query("verify-full"));
    let err = PgStore::connect(&full, None).err().expect("refused");
    assert!(err.to_string().contains("not valid for name"), "{err}");
    assert!(encrypted(&with(
        &url,
        Some("db.invalid"),
        &query("verify-ca")
    )));
    let mozilla = with(&url, None, "sslmode=verify-ca");
    let err = PgStore::connect(&mozilla, None).err().expect("refused");
    assert!(err.to_string().contains("UnknownIssuer"), "{err}");
}

/// require encrypts without verifying; disable stays plain; prefer, the default (the
/// URL without sslmode), takes the TLS the server offers.
#[test]
fn require_is_encrypted_and_disable_is_plain() {
    let Some((url, _)) = tls_database("tls_require") else {
        return;
    };
    assert!(encrypted(&with(&url, None, "sslmode=require")));
    assert!(!encrypted(&with(&url, None, "sslmode=disable")));
    assert!(encrypted(url.as_str()));
}

/// An unknown sslmode, or an sslrootcert that cannot be read, is an error naming it,
/// before any connection and without the password. (No server needed.)
#[test]
fn a_bad_sslmode_or_sslrootcert_is_named_without_the_password() {
    let base = "postgres://gleaner:s3cret@127.0.0.1:1/gleaner";
    let bogus = format!("{base}?sslmode=bogus");
    let missing = format!("{base}?sslmode=verify-full&sslrootcert=/nonexistent/gleaner-ca.pem");
    for (url, named) in [(&bogus, "sslmode \"bogus\""), (&missing, "gleaner-ca.pem")] {
        let err = PgStore::connect(url, None).err().expect("refused");
        let msg = err.to_string();
        assert!(msg.contains(named) && !msg.contains("s3cret"), "{msg}");
        let (code, _, err) = run(&["stats", "--store", url]);
        assert_ne!(code, 0);
        assert!(err.contains(named) && !err.contains("s3cret"), "{err}");
        let (code, _, err) = run(&["store", "migrate", "--url", url]);
        assert_ne!(code, 0);
        assert!(err.contains(named) && !err.contains("s3cret"), "{err}");
    }
}
