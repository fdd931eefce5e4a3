//! The TOML config: where the store lives, which sources feed it, how to clean.
//!
//! Every table denies unknown keys, and every error names the file and, through the TOML
//! parser's span, the line and key, so a typo in a cron job's config is found at once.

use crate::clean::rules::{Rules, RulesConfig};
use crate::clean::CleanConfig;
use crate::sources::web::{FetchConfig, SiteConfig};
use serde::Deserialize;
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
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// Directory of the embedded sled store, relative to the config file.
    pub path: PathBuf,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            path: PathBuf::from("data/store"),
        }
    }
}

/// One list per kind of source; web sites and WARC archives join as new lists.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourcesConfig {
    #[serde(default)]
    pub files: Vec<FilesSourceConfig>,
    /// Web sites, crawled politely and incrementally.
    #[serde(default)]
    pub web: Vec<SiteConfig>,
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
        let mut config = parse(&text, path)?;
        let base = path.parent().unwrap_or(Path::new("."));
        config.store.path = base.join(&config.store.path);
        for src in &mut config.sources.files {
            for p in &mut src.paths {
                *p = base.join(&*p);
            }
            if src.paths.is_empty() {
                return Err(invalid(
                    path,
                    &text,
                    "paths",
                    "a files source needs at least one path",
                ));
            }
        }
        if let Err((key, message)) = config.fetch.check() {
            return Err(invalid(path, &text, key, &message));
        }
        let mut names = std::collections::HashSet::new();
        for site in &config.sources.web {
            if let Err((key, message)) = site.check() {
                return Err(invalid_in(path, &text, &site.name, key, &message));
            }
            if !names.insert(site.name.as_str()) {
                return Err(invalid_in(
                    path,
                    &text,
                    &site.name,
                    "name",
                    &format!("two web sources are named {:?}", site.name),
                ));
            }
            check_rules(&site.rules, path, &text)?;
        }
        // Compile the rules now so a bad regex is a config error with a line number,
        // not a failure halfway through a run.
        check_rules(&config.clean.rules, path, &text)?;
        check_selectors(
            &config.clean.html.drop_selectors,
            "drop_selectors",
            path,
            &text,
        )?;
        check_selectors(
            &config.clean.html.keep_selectors,
            "keep_selectors",
            path,
            &text,
        )?;
        Ok(LoadedConfig {
            path: path.to_path_buf(),
            config,
        })
    }
}

/// Parses config text; `path` is only used in error messages.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })
}

fn check_rules(rules: &RulesConfig, path: &Path, text: &str) -> Result<(), ConfigError> {
    Rules::compile(rules).map(drop).map_err(|e| {
        let key = format!("clean.rules.{}_patterns", e.which);
        let line = line_of(text, &e.pattern);
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            key,
            message: e.to_string(),
        }
    })
}

/// The extractor would skip a selector it can't parse; in a config that is a typo to
/// report, with its line.
fn check_selectors(
    selectors: &std::collections::BTreeMap<String, Vec<String>>,
    which: &str,
    path: &Path,
    text: &str,
) -> Result<(), ConfigError> {
    for (host, list) in selectors {
        for sel in list {
            if let Err(e) = scraper::Selector::parse(sel) {
                return Err(ConfigError::Invalid {
                    path: path.to_path_buf(),
                    line: line_of(text, sel),
                    key: format!("clean.html.{which}.\"{host}\""),
                    message: format!("invalid CSS selector {sel:?}: {e}"),
                });
            }
        }
    }
    Ok(())
}

fn invalid(path: &Path, text: &str, key: &str, message: &str) -> ConfigError {
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line: line_of(text, key),
        key: key.to_string(),
        message: message.to_string(),
    }
}

/// Like [`invalid`], for a key inside the `[[sources.web]]` table named `site`: the line
/// is the key's first appearance after the site's name.
fn invalid_in(path: &Path, text: &str, site: &str, key: &str, message: &str) -> ConfigError {
    let name_line = |l: &str| {
        let l = l.trim();
        l.starts_with("name")
            && l.split_once('=').is_some_and(|(k, v)| {
                k.trim() == "name" && v.trim().trim_matches(|c| c == '"' || c == '\'') == site
            })
    };
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| name_line(l)).unwrap_or(0);
    // The key's first line after the name, within the same table; else the name's line.
    let line = lines[start..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with("[[") || l.contains("sources.web.rules"))
        .position(|l| l.trim_start().starts_with(key))
        .map_or(start, |i| start + i)
        + 1;
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        key: format!("sources.web.{key}"),
        message: message.to_string(),
    }
}

/// The 1-based line where `needle` first appears (1 if it doesn't, which only happens for
/// values the parser normalised, e.g. escapes).
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(1, |at| text[..at].matches('\n').count() + 1)
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
