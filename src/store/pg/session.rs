//! A pooled connection and its statements, each prepared once per connection: parsing
//! and planning a statement on every call would cost the database more than running it,
//! and a round trip more.

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Row, Statement, Transaction};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio_postgres_rustls::MakeRustlsConnect;

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// How long a lost connection is tried again (a server restart, a failover) before the
/// store call fails; the pause between tries, at first and at most.
const RECONNECT_FOR: Duration = Duration::from_secs(30);
const RECONNECT_PAUSE: Duration = Duration::from_millis(100);
const RECONNECT_PAUSE_MAX: Duration = Duration::from_secs(2);

/// How to reach the database: what every connection of a store is made with.
#[derive(Clone)]
pub(super) struct Link {
    pub config: postgres::Config,
    /// Every connection's TLS (unused with `sslmode=disable`).
    pub tls: MakeRustlsConnect,
}

impl Link {
    /// A new connection; while the server is unreachable or starting (a restart), tried
    /// again for a while. Any other refusal (a password, a missing database) at once.
    pub fn reconnect(&self) -> Result<Client, postgres::Error> {
        let start = Instant::now();
        let mut pause = RECONNECT_PAUSE;
        loop {
            match self.config.connect(self.tls.clone()) {
                Err(e) if is_lost(&e) && start.elapsed().saturating_add(pause) < RECONNECT_FOR => {
                    std::thread::sleep(pause);
                    pause = pause.saturating_mul(2).min(RECONNECT_PAUSE_MAX);
                }
                other => return other,
            }
        }
    }
}

/// Whether `e` is the connection's end rather than the statement's failure: the socket
/// closed or failing, the server shutting down or starting up, a connection exception
/// (class 08).
pub(super) fn is_lost(e: &postgres::Error) -> bool {
    match e.code() {
        Some(code) => {
            *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::CRASH_SHUTDOWN
                || *code == SqlState::CANNOT_CONNECT_NOW
                || code.code().starts_with("08")
        }
        None => {
            e.is_closed() || std::error::Error::source(e).is_some_and(|c| c.is::<std::io::Error>())
        }
    }
}

/// A connection with the statements prepared on it.
pub(super) struct Session {
    pub client: Client,
    statements: HashMap<&'static str, Statement>,
    link: Link,
}

impl Session {
    pub fn new(client: Client, link: Link) -> Session {
        Session {
            client,
            statements: HashMap::new(),
            link,
        }
    }

    /// Replaces a lost connection with a new one (its statements prepared anew).
    pub fn reconnect(&mut self) -> Result<(), postgres::Error> {
        self.client = self.link.reconnect()?;
        self.statements.clear();
        Ok(())
    }

    /// A transaction whose statements come from (and go to) this session's cache.
    pub fn transaction(&mut self) -> Result<Tx<'_>, postgres::Error> {
        Ok(Tx {
            t: self.client.transaction()?,
            statements: &mut self.statements,
        })
    }

    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

/// One transaction; what it prepares is kept for the session's later ones (prepared
/// statements outlive transactions, committed or not).
pub(super) struct Tx<'a> {
    t: Transaction<'a>,
    statements: &'a mut HashMap<&'static str, Statement>,
}

impl Tx<'_> {
    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.t.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }

    pub fn commit(self) -> Result<(), postgres::Error> {
        self.t.commit()
    }
}

/// The same four calls on a session and in a transaction. On a session (one statement,
/// committed on its own) a lost connection is replaced and the statement run again:
/// every such statement gleaner makes may run more than once. In a transaction, the
/// whole transaction runs again (`PgStore::txn`).
macro_rules! calls {
    ($t:ty, $on:ident) => {
        impl $t {
            pub fn execute(
                &mut self,
                sql: &'static str,
                p: Params<'_>,
            ) -> Result<u64, postgres::Error> {
                self.again(|me| {
                    let s = me.statement(sql)?;
                    me.$on.execute(&s, p)
                })
            }
            pub fn query(
                &mut self,
                sql: &'static str,
                p: Params<'_>,
            ) -> Result<Vec<Row>, postgres::Error> {
                self.again(|me| {
                    let s = me.statement(sql)?;
                    me.$on.query(&s, p)
                })
            }
            pub fn query_one(
                &mut self,
                sql: &'static str,
                p: Params<'_>,
            ) -> Result<Row, postgres::Error> {
                self.again(|me| {
                    let s = me.statement(sql)?;
                    me.$on.query_one(&s, p)
                })
            }
            pub fn query_opt(
                &mut self,
                sql: &'static str,
                p: Params<'_>,
            ) -> Result<Option<Row>, postgres::Error> {
                self.again(|me| {
                    let s = me.statement(sql)?;
                    me.$on.query_opt(&s, p)
                })
            }
        }
    };
}

impl Session {
    fn again<T>(
        &mut self,
        mut f: impl FnMut(&mut Self) -> Result<T, postgres::Error>,
    ) -> Result<T, postgres::Error> {
        // A new connection may be cut too (the server going down in steps): a few tries.
        for _ in 1..LOST_TRIES {
            match f(self) {
                Err(e) if is_lost(&e) => self.reconnect()?,
                other => return other,
            }
        }
        f(self)
    }
}

/// Tries of one statement on a session whose connections are lost.
const LOST_TRIES: usize = 8;

impl Tx<'_> {
    fn again<T>(
        &mut self,
        mut f: impl FnMut(&mut Self) -> Result<T, postgres::Error>,
    ) -> Result<T, postgres::Error> {
        f(self)
    }
}

calls!(Tx<'_>, t);
calls!(Session, client);
