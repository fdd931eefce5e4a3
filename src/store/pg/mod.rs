//! The PostgreSQL backend: one database that many gleaner processes on many machines
//! share. Documents are deduplicated by a unique index on the content hash; the crawl
//! frontier is a table of leased URLs; per-host politeness lives in a row per host, so
//! that every worker keeps one pace per host together.
//!
//! Connections come from a small pool of our own (one per thread that needs one). The
//! URL's password, if any, never reaches a log or an error message: [`redact`] is what
//! is shown. TLS as libpq's `sslmode` and `sslrootcert` ask: see [`tls`].

mod crawl;
mod docs;
mod frontier;
mod hosts;
mod runs;
mod schema;
mod session;
/// Test support: fresh databases on a test server (used by gleaner's own tests).
#[doc(hidden)]
pub mod testing;
mod tls;

pub use schema::{migrate, Migrated, SCHEMA_VERSION};
pub use tls::TlsError;

use super::crawl::FrontierEntry;
use super::{NearConfig, StoreError};
use postgres::Client;
use session::{Link, Session};
use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How long a claimed frontier entry stays a worker's without being completed: after
/// it, another worker takes the URL over (the first one died, or hangs).
pub const DEFAULT_LEASE: Duration = Duration::from_secs(300);

/// A PostgreSQL store.
pub struct PgStore {
    pool: Pool,
    near_config: NearConfig,
    /// Who claims frontier entries: host and process, for `leased_by`.
    worker: String,
    lease: Duration,
    /// The connection holding the coordinator's advisory lock, while held.
    coordinator: Mutex<Option<Client>>,
    /// The connection holding this worker's run lock (see `runs.rs`), and the lock's
    /// key, while held.
    worker_run: Mutex<Option<(Client, i32)>>,
    shown: String,
    /// Entries claimed in a batch and not handed out yet, per host, in id order.
    claimed: Mutex<HashMap<String, VecDeque<(i64, FrontierEntry)>>>,
    /// What this process holds and renews: anything else its name is on (a claim whose
    /// answer a lost connection swallowed) lapses a lease later, for any worker to take.
    held: Mutex<Held>,
}

/// Frontier entries (claimed, not yet completed or given back) and host request slots
/// this process holds.
#[derive(Default)]
struct Held {
    entries: std::collections::HashSet<i64>,
    slots: std::collections::HashSet<(String, i32)>,
}

struct Pool {
    link: Link,
    idle: Mutex<Vec<Session>>,
}

/// A pooled connection, given back when dropped (unless it broke).
struct Conn<'a> {
    pool: &'a Pool,
    session: Option<Session>,
}

impl Pool {
    /// A new connection, out of the pool (tried again for a while if the server is away).
    fn connect(&self) -> Result<Client, StoreError> {
        self.link.reconnect().map_err(backend_error)
    }
}

impl std::ops::Deref for Conn<'_> {
    type Target = Session;
    fn deref(&self) -> &Session {
        self.session.as_ref().expect("present until dropped")
    }
}

impl std::ops::DerefMut for Conn<'_> {
    fn deref_mut(&mut self) -> &mut Session {
        self.session.as_mut().expect("present until dropped")
    }
}

impl Conn<'_> {
    /// The connection, out of the pool for good (to hold a session lock).
    fn detach(mut self) -> Option<Session> {
        self.session.take()
    }
}

impl Drop for Conn<'_> {
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            if !session.client.is_closed() {
                lock(&self.pool.idle).push(session);
            }
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `url` without its password, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "(an unparsable PostgreSQL URL)".to_string(),
    }
}

/// A PostgreSQL error with what the server said: postgres' own message is only
/// "db error".
#[derive(Debug)]
pub(super) struct PgError(postgres::Error);

impl std::fmt::Display for PgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_db_error() {
            Some(db) => write!(
                f,
                "PostgreSQL {} ({}): {}",
                db.severity(),
                db.code().code(),
                db.message()
            ),
            None => {
                // postgres' message for a failed connection or TLS handshake is only
                // its kind ("error performing TLS handshake"): the why is in its causes.
                write!(f, "PostgreSQL: {}", self.0)?;
                let mut cause = std::error::Error::source(&self.0);
                while let Some(c) = cause {
                    write!(f, ": {c}")?;
                    cause = c.source();
                }
                Ok(())
            }
        }
    }
}

/// No source: the message already holds what the server said (severity, code and
/// message) or the causes, which a chain printed in full would otherwise repeat.
impl std::error::Error for PgError {}

pub(super) fn backend_error(e: postgres::Error) -> StoreError {
    StoreError::Backend(Box::new(PgError(e)))
}

/// Whether a store call failed because its connection was lost.
fn is_lost(e: &StoreError) -> bool {
    match e {
        StoreError::Backend(inner) => inner
            .downcast_ref::<PgError>()
            .is_some_and(|e| session::is_lost(&e.0)),
        _ => false,
    }
}

/// SQLSTATEs after which a transaction is run again: a serialization failure or a
/// deadlock between workers, which PostgreSQL resolves by aborting one of them.
fn is_retryable(e: &StoreError) -> bool {
    use postgres::error::SqlState;
    let StoreError::Backend(inner) = e else {
        return false;
    };
    if inner.is::<docs::LostRace>() {
        return true;
    }
    inner
        .downcast_ref::<PgError>()
        .and_then(|e| e.0.code())
        .is_some_and(|c| {
            *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
        })
}

/// Attempts of one transaction that conflicts with other workers'.
const ATTEMPTS: usize = 8;

impl PgStore {
    /// Connects to `url` (a `postgres://` URL; `password` overrides the URL's) and
    /// checks that the database holds this gleaner's schema version:
    /// [`StoreError::UnsupportedSchema`] for a newer one, and an error asking for
    /// `gleaner store migrate` for an older or missing one.
    pub fn connect(url: &str, password: Option<&str>) -> Result<PgStore, StoreError> {
        let store = PgStore::connect_unchecked(url, password)?;
        schema::check(&mut store.conn()?.client, &store.shown)?;
        Ok(store)
    }

    /// Connects without checking the schema (what `migrate` needs).
    pub(crate) fn connect_unchecked(
        url: &str,
        password: Option<&str>,
    ) -> Result<PgStore, StoreError> {
        let shown = redact(url);
        let open_error = |source: Box<dyn std::error::Error + Send + Sync>| StoreError::Open {
            path: shown.clone().into(),
            source,
        };
        let (url, wanted) = tls::split(url).map_err(|e| open_error(e.into()))?;
        let connector = wanted.connector().map_err(|e| open_error(e.into()))?;
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            // The parser's message may quote the URL: say only what kind of error.
            let _ = e;
            open_error("not a valid postgres:// URL".into())
        })?;
        if let Some(p) = password {
            config.password(p);
        }
        config.application_name("gleaner");
        config.connect_timeout(Duration::from_secs(10));
        config.ssl_mode(wanted.postgres_mode());
        // The first connection is not tried again: a wrong address or a server that is
        // down is said at once.
        let first = config
            .connect(connector.clone())
            .map_err(|e| open_error(Box::new(PgError(e))))?;
        let link = Link {
            config,
            tls: connector,
        };
        let host = std::env::var("HOSTNAME")
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        Ok(PgStore {
            pool: Pool {
                idle: Mutex::new(vec![Session::new(first, link.clone())]),
                link,
            },
            near_config: NearConfig::default(),
            worker: format!("{host}:{}", std::process::id()),
            lease: DEFAULT_LEASE,
            coordinator: Mutex::new(None),
            worker_run: Mutex::new(None),
            shown,
            claimed: Mutex::new(HashMap::new()),
            held: Mutex::new(Held::default()),
        })
    }

    /// Whether this store's connection is encrypted, as the server sees it (for tests).
    #[doc(hidden)]
    pub fn encrypted(&self) -> Result<bool, StoreError> {
        let row = self
            .conn()?
            .query_one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .map_err(backend_error)?;
        Ok(row.get(0))
    }

    /// The database, as messages show it (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Sets what is done with near-duplicates from now on (default: linked, at 0.8).
    pub fn set_near(&mut self, config: NearConfig) {
        self.near_config = config;
    }

    /// Sets how long a claimed frontier entry stays this worker's.
    pub fn set_lease(&mut self, lease: Duration) {
        self.lease = lease;
    }

    fn conn(&self) -> Result<Conn<'_>, StoreError> {
        // An idle connection the server closed meanwhile (a restart) is let go.
        let idle =
            std::iter::from_fn(|| lock(&self.pool.idle).pop()).find(|s| !s.client.is_closed());
        let session = match idle {
            Some(s) => s,
            None => Session::new(self.pool.connect()?, self.pool.link.clone()),
        };
        Ok(Conn {
            pool: &self.pool,
            session: Some(session),
        })
    }

    /// Runs `f` in one transaction, committed when it returns Ok; run again (a bounded
    /// number of times) when PostgreSQL aborted it for a conflict with another worker.
    fn txn<T>(
        &self,
        mut f: impl FnMut(&mut session::Tx<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        let mut attempt = 1;
        loop {
            let result = (|| {
                let mut t = conn.transaction().map_err(backend_error)?;
                let value = f(&mut t)?;
                t.commit().map_err(backend_error)?;
                Ok(value)
            })();
            match result {
                Err(e) if attempt < ATTEMPTS && is_retryable(&e) => {
                    attempt = attempt.saturating_add(1)
                }
                // The connection was lost (a server restart): the transaction rolled
                // back, or committed just before (every transaction gleaner makes may
                // run twice); it runs again on a new connection.
                Err(e) if attempt < ATTEMPTS && is_lost(&e) => {
                    conn.reconnect().map_err(backend_error)?;
                    attempt = attempt.saturating_add(1)
                }
                other => return other,
            }
        }
    }

    /// Takes the coordinator's lock (a session advisory lock): one `gleaner run` at a
    /// time starts epochs and seeds, while any number of workers crawl. Held until the
    /// store is dropped or the process dies.
    pub(super) fn coordinator_lock(&self) -> Result<(), StoreError> {
        let mut held = lock(&self.coordinator);
        if held.is_some() {
            return Ok(());
        }
        let mut client = self.pool.connect()?;
        let got: bool = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&COORDINATOR_LOCK])
            .map_err(backend_error)?
            .get(0);
        if !got {
            return Err(StoreError::Locked {
                path: self.shown.clone().into(),
                holder: Some("another gleaner run coordinates this database".into()),
            });
        }
        *held = Some(client);
        Ok(())
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // A postgres client blocks while it closes, which a tokio worker thread must not
        // do (it panics): dropped inside a runtime, the connections close on a thread of
        // their own.
        let idle = std::mem::take(&mut *lock(&self.pool.idle));
        let held = (
            lock(&self.coordinator).take(),
            lock(&self.worker_run).take(),
        );
        if tokio::runtime::Handle::try_current().is_ok() {
            let closing = std::thread::Builder::new()
                .name("gleaner-pg-close".into())
                .spawn(move || drop((idle, held)));
            if let Err(e) = closing {
                tracing::warn!("cannot close PostgreSQL connections: {e}");
            }
        }
    }
}

/// The advisory lock key of the coordinator: "gleaner" in ASCII.
pub(super) const COORDINATOR_LOCK: i64 = 0x0067_6c65_616e_6572;

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_url_is_shown_without_its_password() {
        let shown = redact("postgres://gleaner:s3cret@db.internal:5432/corpus");
        assert_eq!(shown, "postgres://gleaner:***@db.internal:5432/corpus");
        assert_eq!(redact("postgres://gleaner@db/c"), "postgres://gleaner@db/c");
        assert!(!redact("postgres://a:b c@").contains("b c"));
    }

    /// A wrong password or an unreachable server is an error naming the database
    /// without the password.
    #[test]
    fn a_failed_connection_names_the_database_not_the_password() {
        let err = super::PgStore::connect("postgres://gleaner:s3cret@127.0.0.1:1/x", None)
            .err()
            .expect("nothing listens on port 1");
        let msg = err.to_string();
        assert!(
            msg.contains("postgres://gleaner:***@127.0.0.1:1/x"),
            "{msg}"
        );
        assert!(!msg.contains("s3cret"), "{msg}");
    }
}
