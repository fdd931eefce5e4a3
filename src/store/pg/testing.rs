//! A fresh, migrated database per test, on the server `GLEANER_TEST_POSTGRES` names
//! (`tests/postgres/with-cluster.sh` starts a throwaway one and sets it).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The variable naming the test server.
pub const SERVER_VAR: &str = "GLEANER_TEST_POSTGRES";

/// The variable naming the PEM file of the CA that signed the test server's
/// certificate (for 127.0.0.1 and localhost).
pub const CA_VAR: &str = "GLEANER_TEST_POSTGRES_CA";

/// `var`'s value; None (after saying so) when it is not set, unless
/// `GLEANER_REQUIRE_POSTGRES` is set, which makes a missing server a failure rather
/// than a skip.
fn required(var: &str, label: &str) -> Option<String> {
    let Ok(value) = std::env::var(var) else {
        assert!(
            std::env::var_os("GLEANER_REQUIRE_POSTGRES").is_none(),
            "{var} is not set, and GLEANER_REQUIRE_POSTGRES asks for PostgreSQL tests"
        );
        eprintln!("skipped {label}: {var} is not set (tests/postgres/with-cluster.sh sets it)");
        return None;
    };
    Some(value)
}

/// The test server's CA certificate, for TLS tests; None (after saying so) as
/// [`fresh_database`] when it is not set.
pub fn server_ca(label: &str) -> Option<PathBuf> {
    required(CA_VAR, label).map(PathBuf::from)
}

/// A URL to a new empty database with gleaner's schema; None (after saying so) when no
/// test server is configured, unless `GLEANER_REQUIRE_POSTGRES` is set, which makes a
/// missing server a failure rather than a skip.
pub fn fresh_database(label: &str) -> Option<String> {
    static N: AtomicU64 = AtomicU64::new(0);
    let server = required(SERVER_VAR, label)?;
    let name = format!(
        "gleaner_{}_{}_{}",
        label.replace(|c: char| !c.is_ascii_alphanumeric(), "_"),
        std::process::id(),
        N.fetch_add(1, Relaxed)
    );
    let name: String = name
        .chars()
        .take(63)
        .collect::<String>()
        .to_ascii_lowercase();
    let mut admin = postgres::Client::connect(&server, postgres::NoTls).expect("test server");
    // One statement each: neither may run inside a transaction block.
    for sql in [
        format!("DROP DATABASE IF EXISTS \"{name}\""),
        format!("CREATE DATABASE \"{name}\""),
    ] {
        admin.batch_execute(&sql).expect("create a test database");
    }
    let mut url = url::Url::parse(&server).expect("test server URL");
    url.set_path(&format!("/{name}"));
    let url = url.to_string();
    super::migrate(&url, None).expect("migrate the test database");
    Some(url)
}
