//! A pooled connection and its statements, each prepared once per connection: parsing
//! and planning a statement on every call would cost the database more than running it,
//! and a round trip more.

use postgres::types::ToSql;
use postgres::{Client, Row, Statement, Transaction};
use std::collections::HashMap;

type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// A connection with the statements prepared on it.
pub(super) struct Session {
    pub client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Session {
    pub fn new(client: Client) -> Session {
        Session {
            client,
            statements: HashMap::new(),
        }
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

/// The same four calls on a session and in a transaction.
macro_rules! calls {
    ($t:ty, $on:ident) => {
        impl $t {
            pub fn execute(
                &mut self,
                sql: &'static str,
                p: Params<'_>,
            ) -> Result<u64, postgres::Error> {
                let s = self.statement(sql)?;
                self.$on.execute(&s, p)
            }
            pub fn query(
                &mut self,
                sql: &'static str,
                p: Params<'_>,
            ) -> Result<Vec<Row>, postgres::Error> {
                let s = self.statement(sql)?;
                self.$on.query(&s, p)
            }
            pub fn query_one(
                &mut self,
                sql: &'static str,
                p: Params<'_>,
            ) -> Result<Row, postgres::Error> {
                let s = self.statement(sql)?;
                self.$on.query_one(&s, p)
            }
            pub fn query_opt(
                &mut self,
                sql: &'static str,
                p: Params<'_>,
            ) -> Result<Option<Row>, postgres::Error> {
                let s = self.statement(sql)?;
                self.$on.query_opt(&s, p)
            }
        }
    };
}

calls!(Tx<'_>, t);
calls!(Session, client);
