//! A fresh, migrated database per test, on the server `GLEANER_TEST_POSTGRES` names
//! (`tests/postgres/with-cluster.sh` starts a throwaway one and sets it).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The variable naming the test server.
pub const SERVER_VAR: &str = "GLEANER_TEST_POSTGRES";

/// A URL to a new empty database with gleaner's schema; None (after saying so) when no
/// test server is configured, unless `GLEANER_REQUIRE_POSTGRES` is set, which makes a
/// missing server a failure rather than a skip.
pub fn fresh_database(label: &str) -> Option<String> {
    static N: AtomicU64 = AtomicU64::new(0);
    let Ok(server) = std::env::var(SERVER_VAR) else {
        assert!(
            std::env::var_os("GLEANER_REQUIRE_POSTGRES").is_none(),
            "{SERVER_VAR} is not set, and GLEANER_REQUIRE_POSTGRES asks for PostgreSQL tests"
        );
        eprintln!(
            "skipped {label}: {SERVER_VAR} is not set (tests/postgres/with-cluster.sh sets it)"
        );
        return None;
    };
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
