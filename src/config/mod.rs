//! The TOML config: where the store lives, which sources feed it, how to clean.
//!
//! Every table denies unknown keys, and every error names the file and, through the TOML
//! parser's span, the line and key, so a typo in a cron job's config is found at once.

mod spans;

use crate::sources::web::{FetchConfig, Invalid, SiteConfig};
use crate::store::open::Location;
use crate::store::{self, NearConfig, NearPolicy};
use gleaner_clean::{CleanConfig, ConfigError as CleanConfigError};
use serde::Deserialize;
use spans::KeyPath;
use std::path::{Path, PathBuf};

/// The default config file, relative to the working directory.
pub const DEFAULT_PATH: &str = "config/gleaner.toml";

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub store: StoreConfig,
    #[serde(default)]
    pub sources: SourcesConfig,
    #[serde(default)]
    pub clean: CleanConfig,
    /// Network settings shared by every web source.
    #[serde(default)]
    pub fetch: FetchConfig,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// `sled` (the embedded default, at `path`) or `postgres` (at `url`, shared by
    /// many processes).
    pub backend: BackendKind,
    /// Directory of the embedded sled store, relative to the config file.
    pub path: PathBuf,
    /// The PostgreSQL database, `postgres://user@host:port/db`, for `backend =
    /// "postgres"`; the `GLEANER_POSTGRES_URL` environment variable overrides it. Keep
    /// the password out of it: `GLEANER_POSTGRES_PASSWORD` or `password_file`.
    pub url: Option<String>,
    /// A file holding the PostgreSQL password (its first line), relative to the config
    /// file.
    pub password_file: Option<PathBuf>,
    /// Seconds a worker holds a claimed URL before another may take it over.
    pub lease_secs: f64,
    /// What is done with a document whose text is near an earlier one's: `link` (kept,
    /// with `near_duplicate_of`), `drop` (not stored) or `off` (not looked for).
    pub near_duplicates: NearMode,
    /// The estimated Jaccard similarity of word 5-shingles from which a text is near.
    pub near_threshold: f64,
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    #[default]
    Sled,
    Postgres,
}

/// Where the PostgreSQL URL may come from besides the config.
pub const URL_VAR: &str = "GLEANER_POSTGRES_URL";

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum NearMode {
    #[default]
    Link,
    Drop,
    Off,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            backend: BackendKind::Sled,
            path: PathBuf::from("data/store"),
            url: None,
            password_file: None,
            lease_secs: crate::store::pg::DEFAULT_LEASE.as_secs_f64(),
            near_duplicates: NearMode::Link,
            near_threshold: crate::near::DEFAULT_THRESHOLD,
        }
    }
}

impl StoreConfig {
    /// Where the store is: the sled directory, or the database (the URL from
    /// [`URL_VAR`] when set).
    pub fn location(&self) -> Result<Location, ConfigError> {
        match self.backend {
            BackendKind::Sled => Ok(Location::Sled(self.path.clone())),
            BackendKind::Postgres => std::env::var(URL_VAR)
                .ok()
                .filter(|u| !u.is_empty())
                .or_else(|| self.url.clone())
                .map(Location::Postgres)
                .ok_or_else(|| {
                    ConfigError::Store(format!(
                    "backend = \"postgres\" needs [store] url or the {URL_VAR} environment variable"
                ))
                }),
        }
    }

    /// How to open the store: near-duplicates, the lease, and the password (from
    /// `GLEANER_POSTGRES_PASSWORD`, else `password_file`).
    pub fn options(&self) -> Result<store::open::Options, ConfigError> {
        let mut opts = store::open::Options {
            near: self.near(),
            password: None,
            lease: Some(std::time::Duration::from_secs_f64(self.lease_secs)),
        }
        .password_from_env();
        if let (None, Some(file)) = (&opts.password, &self.password_file) {
            let text =
                std::fs::read_to_string(file).map_err(|source| ConfigError::PasswordFile {
                    path: file.clone(),
                    source,
                })?;
            opts.password = text.lines().next().map(str::to_string);
        }
        Ok(opts)
    }

    /// Opens the store this config names.
    pub fn open(&self) -> Result<std::sync::Arc<dyn store::Backend>, crate::commands::Error> {
        let location = self.location()?;
        Ok(store::open::open(&location, &self.options()?)?)
    }

    /// The store's near-duplicate settings.
    pub fn near(&self) -> NearConfig {
        NearConfig {
            policy: match self.near_duplicates {
                NearMode::Link => NearPolicy::Link,
                NearMode::Drop => NearPolicy::Drop,
                NearMode::Off => NearPolicy::Off,
            },
            threshold: self.near_threshold,
        }
    }
}

/// One list per kind of source.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourcesConfig {
    #[serde(default)]
    pub files: Vec<FilesSourceConfig>,
    /// WARC archives (`.warc`, `.warc.gz`, `.warc.zst`), read record by record.
    #[serde(default)]
    pub warc: Vec<WarcSourceConfig>,
    /// Web sites, crawled politely and incrementally.
    #[serde(default)]
    pub web: Vec<SiteConfig>,
}

/// WARC files, or directories whose WARC files are read (walked recursively).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WarcSourceConfig {
    /// A name for logs and the run summary.
    pub name: String,
    /// WARC files or directories, relative to the config file. A file named here is
    /// read as WARC whatever its name; in a directory, only `*.warc`, `*.warc.gz` and
    /// `*.warc.zst` are.
    pub paths: Vec<PathBuf>,
}

/// Saved pages on disk: files, or directories walked recursively.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FilesSourceConfig {
    /// A name for logs and the run summary.
    pub name: String,
    /// Files or directories, relative to the config file.
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}, line {line}: `{key}`: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
    #[error("[store]: {0}")]
    Store(String),
    #[error("cannot read the PostgreSQL password file {path}: {source}")]
    PasswordFile {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A config read from disk, with relative paths resolved against its directory and the
/// rules it names loaded.
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub path: PathBuf,
    pub config: Config,
}

impl LoadedConfig {
    pub fn load(path: &Path) -> Result<LoadedConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut config = from_text(&text, path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.store.path = base.join(&config.store.path);
        if let Some(p) = &mut config.store.password_file {
            *p = base.join(&*p);
        }
        for src in &mut config.sources.files {
            for p in &mut src.paths {
                *p = base.join(&*p);
            }
        }
        if let Some(dir) = &mut config.fetch.warc_dir {
            *dir = base.join(&*dir);
        }
        for src in &mut config.sources.warc {
            for p in &mut src.paths {
                *p = base.join(&*p);
            }
        }
        Ok(LoadedConfig {
            path: path.to_path_buf(),
            config,
        })
    }
}

/// Parses and validates config text with every check [`LoadedConfig::load`] makes,
/// without reading a file or resolving relative paths; `path` is only used in error
/// messages.
pub fn from_text(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let config = parse(text, path)?;
    match problem(&config) {
        None => Ok(config),
        Some((key, message)) => Err(ConfigError::Invalid {
            path: path.to_path_buf(),
            line: spans::line_of(text, &key),
            key: key.dotted(),
            message,
        }),
    }
}

/// Parses config text; `path` is only used in error messages.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })
}

/// The first problem serde can't see (limits, URLs, regexes, selectors, names), with
/// the path of the key at fault. Everything is checked here, when the config is loaded,
/// so that a typo is an error naming its line, not a failure (or a panic) halfway
/// through a run.
fn problem(config: &Config) -> Option<(KeyPath, String)> {
    let root = KeyPath::default();
    let t = config.store.near_threshold;
    if !(t > 0.0 && t <= 1.0) {
        let message = format!("must be a similarity above 0 and at most 1, not {t}");
        return Some((root.then("store").then("near_threshold"), message));
    }
    let lease = config.store.lease_secs;
    if !(lease.is_finite() && (1.0..=86_400.0).contains(&lease)) {
        let message = format!("must be between 1 and 86400 seconds, not {lease}");
        return Some((root.then("store").then("lease_secs"), message));
    }
    if let Some(url) = &config.store.url {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            let message = "must be a postgres:// URL".to_string();
            return Some((root.then("store").then("url"), message));
        }
    }
    let files = root.then("sources").then("files");
    for (i, src) in config.sources.files.iter().enumerate() {
        if src.paths.is_empty() {
            let message = "a files source needs at least one path".to_string();
            return Some((files.then(i).then("paths"), message));
        }
    }
    if let Err(e) = config.fetch.check() {
        return Some((at(&root.then("fetch"), &e), e.message));
    }
    let web = root.then("sources").then("web");
    let mut names = std::collections::HashSet::new();
    for (i, site) in config.sources.web.iter().enumerate() {
        let here = web.then(i);
        if let Err(e) = site.check() {
            return Some((at(&here, &e), e.message));
        }
        if !names.insert(site.name.as_str()) {
            let message = format!("two web sources are named {:?}", site.name);
            return Some((here.then("name"), message));
        }
        if let Err(e) = site.rules.check() {
            return Some((rule_at(&here.then("rules"), &e), e.to_string()));
        }
    }
    let clean = root.then("clean");
    let e = config.clean.check().err()?;
    let key = match &e {
        CleanConfigError::Rule(r) => rule_at(&clean.then("rules"), r),
        CleanConfigError::Selector {
            which, host, index, ..
        } => clean
            .then("html")
            .then(*which)
            .then(host.as_str())
            .then(*index),
        _ => clean,
    };
    Some((key, e.to_string()))
}

/// Where a component's [`Invalid`] points, below the component's own path.
fn at(base: &KeyPath, e: &Invalid) -> KeyPath {
    let key = base.then(e.key);
    match e.index {
        Some(i) => key.then(i),
        None => key,
    }
}

/// Where a bad pattern of a rule set is: `drop_patterns` or `keep_patterns`, and its index.
fn rule_at(rules: &KeyPath, e: &gleaner_clean::RuleError) -> KeyPath {
    let list = rules.then(format!("{}_patterns", e.which).as_str());
    match e.index {
        Some(i) => list.then(i),
        None => list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_default_config_loads() {
        let cfg = LoadedConfig::load(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/config/gleaner.toml"
        )))
        .unwrap();
        assert!(!cfg.config.sources.files.is_empty());
        assert!(cfg.config.store.path.ends_with("data/store"));
    }

    /// The commented-out web site in the shipped config is a working example.
    #[test]
    fn shipped_web_example_parses() {
        let text = include_str!("../../config/gleaner.toml");
        let example: String = text
            .lines()
            .skip_while(|l| !l.starts_with("# [[sources.web]]"))
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{}\n", l.strip_prefix("# ").unwrap_or("")))
            .collect();
        let cfg = parse(&example, Path::new("example")).unwrap();
        let site = &cfg.sources.web[0];
        assert_eq!(site.name, "example");
        assert_eq!(site.rules.drop_lines.len(), 1);
        assert_eq!(
            site.store_types.as_deref(),
            Some(&["article".to_string()][..])
        );
        site.check().unwrap();
    }

    #[test]
    fn bad_web_source_names_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.toml");
        std::fs::write(
            &p,
            "[[sources.web]]\nname = 'a'\nseeds = ['https://a.org/']\n\n[[sources.web]]\nname = 'b'\nseeds = ['mailto:x@y.z']\n",
        )
        .unwrap();
        let msg = LoadedConfig::load(&p).unwrap_err().to_string();
        assert!(
            msg.contains("line 7") && msg.contains("sources.web.seeds"),
            "{msg}"
        );
        std::fs::write(&p, "[fetch]\nconcurrency = 0\n").unwrap();
        let msg = LoadedConfig::load(&p).unwrap_err().to_string();
        assert!(
            msg.contains("line 2") && msg.contains("concurrency"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = parse("[store]\npath = 'x'\ncolour = 'red'\n", Path::new("g.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("g.toml: "), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
        assert!(msg.contains("colour"), "{msg}");
    }

    #[test]
    fn bad_value_type_is_reported() {
        let err = parse("[clean]\nmax_input_bytes = 'big'\n", Path::new("g.toml")).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn bad_selector_names_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.toml");
        std::fs::write(
            &p,
            "[clean.html.drop_selectors]\n\"ex.com\" = ['.ok', 'div[[']\n",
        )
        .unwrap();
        let msg = LoadedConfig::load(&p).unwrap_err().to_string();
        assert!(msg.contains("line 2") && msg.contains("div[["), "{msg}");
    }

    fn load_err(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.toml");
        std::fs::write(&p, text).unwrap();
        LoadedConfig::load(&p).unwrap_err().to_string()
    }

    /// Values that would overflow the clock or a semaphore are config errors naming
    /// the key's real line, never a panic later in the run.
    #[test]
    fn overflowing_values_name_their_line() {
        let msg = load_err(
            "# [fetch]\n# time_budget_secs = 60\n\n[store]\npath = 'x'\n\n[fetch]\ntime_budget_secs = 1e20\n",
        );
        assert!(
            msg.contains("line 8") && msg.contains("`fetch.time_budget_secs`"),
            "{msg}"
        );
        let msg = load_err("[fetch]\nconcurrency = 4\nbackoff_base_secs = 1e300\n");
        assert!(
            msg.contains("line 3") && msg.contains("backoff_base_secs"),
            "{msg}"
        );
        let msg = load_err("[fetch]\nconcurrency = 18446744073709551615\n");
        assert!(
            msg.contains("line 2") && msg.contains("concurrency"),
            "{msg}"
        );
        let msg =
            load_err("[[sources.web]]\nname = 'a'\nseeds = ['https://a.org/']\ndelay_secs = inf\n");
        assert!(
            msg.contains("line 4") && msg.contains("delay_secs"),
            "{msg}"
        );
    }

    #[test]
    fn a_bad_site_rule_names_its_line() {
        let msg = load_err(
            "[[sources.web]]\nname = 'a'\nseeds = ['https://a.org/']\n[sources.web.rules]\nkeep_patterns = [\n  'fine',\n  '(oops',\n]\n",
        );
        assert!(
            msg.contains("line 7") && msg.contains("keep_patterns"),
            "{msg}"
        );
    }

    /// `store_types` names page types; another word is an error naming the key and the
    /// line of the bad entry, as is an empty list (which would store nothing).
    #[test]
    fn an_unknown_page_type_names_its_line() {
        let msg = load_err(
            "[[sources.web]]\nname = 'a'\nseeds = ['https://a.org/']\nstore_types = [\n  'article',\n  'articel',\n]\n",
        );
        assert!(
            msg.contains("line 6")
                && msg.contains("`sources.web.store_types`")
                && msg.contains("\"articel\"")
                && msg.contains("one of article, listing"),
            "{msg}"
        );
        let msg =
            load_err("[[sources.web]]\nname = 'a'\nseeds = ['https://a.org/']\nstore_types = []\n");
        assert!(
            msg.contains("line 4") && msg.contains("store_types"),
            "{msg}"
        );
    }

    #[test]
    fn bad_regex_names_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("g.toml");
        std::fs::write(&p, "[clean.rules]\n\ndrop_patterns = ['(oops']\n").unwrap();
        let msg = LoadedConfig::load(&p).unwrap_err().to_string();
        assert!(
            msg.contains("line 3") && msg.contains("drop_patterns"),
            "{msg}"
        );
    }
}
