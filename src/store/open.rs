//! Opening a store by where it is: a sled directory (the embedded default) or a
//! PostgreSQL database that many gleaner processes share.

use super::pg::PgStore;
use super::{Backend, NearConfig, SledStore, StoreError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The environment variable a PostgreSQL password is read from, so that it is in no
/// config file and no command line.
pub const PASSWORD_VAR: &str = "GLEANER_POSTGRES_PASSWORD";

/// Where a store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A sled store's directory.
    Sled(PathBuf),
    /// A PostgreSQL database, by its `postgres://` URL.
    Postgres(String),
}

impl Location {
    /// `postgres://…` or `postgresql://…` is a database; `sled:PATH` or any other
    /// string is a sled directory.
    pub fn parse(spec: &str) -> Location {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            return Location::Postgres(spec.to_string());
        }
        let path = spec.strip_prefix("sled:").unwrap_or(spec);
        Location::Sled(PathBuf::from(path))
    }

    /// `postgres:` prefixed URLs too (`gleaner store copy --to postgres:postgres://…`).
    pub fn parse_prefixed(spec: &str) -> Location {
        match spec.strip_prefix("postgres:") {
            Some(rest) if rest.starts_with("//") => Location::Postgres(spec.to_string()),
            Some(rest) => Location::Postgres(rest.to_string()),
            None => Location::parse(spec),
        }
    }

    /// The location as messages show it (a database URL without its password).
    pub fn shown(&self) -> String {
        match self {
            Location::Sled(p) => p.display().to_string(),
            Location::Postgres(url) => super::pg::redact(url),
        }
    }
}

/// How a store is opened.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub near: NearConfig,
    /// A PostgreSQL password, when not in the URL (from [`PASSWORD_VAR`] or a file).
    pub password: Option<String>,
    /// How long a claimed frontier entry stays a worker's (PostgreSQL).
    pub lease: Option<Duration>,
}

impl Options {
    /// The password from [`PASSWORD_VAR`], if set.
    pub fn password_from_env(mut self) -> Options {
        if self.password.is_none() {
            self.password = std::env::var(PASSWORD_VAR).ok().filter(|p| !p.is_empty());
        }
        self
    }
}

/// Opens the store a `--store` argument names (a directory, `sled:PATH`, or a
/// `postgres://` URL whose password comes from [`PASSWORD_VAR`]) with `near`.
pub fn open_arg(spec: &Path, near: NearConfig) -> Result<Arc<dyn Backend>, StoreError> {
    let opts = Options {
        near,
        ..Options::default()
    }
    .password_from_env();
    open(&Location::parse(&spec.to_string_lossy()), &opts)
}

/// Refuses a sled store a `--store` argument names that does not exist yet: a command
/// that only reads it (`stats`, `show`, `export`, `runs`) would otherwise make an empty
/// one at a mistyped path, and report on it.
pub fn require_existing(spec: &Path) -> Result<(), StoreError> {
    match Location::parse(&spec.to_string_lossy()) {
        Location::Sled(path) if !path.exists() => Err(StoreError::Open {
            path,
            source: "no store there (`gleaner run` or `gleaner clean --store` makes one)".into(),
        }),
        _ => Ok(()),
    }
}

/// Opens the store at `location`: sled creates its directory if absent; a database
/// must have been migrated (`gleaner store migrate`).
pub fn open(location: &Location, opts: &Options) -> Result<Arc<dyn Backend>, StoreError> {
    match location {
        Location::Sled(path) => {
            let mut store = SledStore::open(path)?;
            store.set_near(opts.near);
            Ok(Arc::new(store))
        }
        Location::Postgres(url) => {
            let mut store = PgStore::connect(url, opts.password.as_deref())?;
            store.set_near(opts.near);
            if let Some(lease) = opts.lease {
                store.set_lease(lease);
            }
            Ok(Arc::new(store))
        }
    }
}
