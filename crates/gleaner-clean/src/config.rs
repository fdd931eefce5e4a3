//! `[clean]` in gleaner's config: what the cleaner is built from, and the checks that
//! let a config's author hear about a bad regex or selector before anything is cleaned.

use crate::html::HtmlOptions;
use crate::rules::{RuleError, RulesConfig};
use crate::text::TextOptions;
use serde::Deserialize;

/// How to clean: `[clean]` in gleaner's config. `CleanConfig::default()` is what gleaner
/// ships; change fields on it rather than building one from scratch.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct CleanConfig {
    /// Use the built-in furniture rules (`furniture.toml`) in addition to yours.
    pub builtin_rules: bool,
    /// Inputs larger than this are refused rather than cleaned.
    pub max_input_bytes: usize,
    /// Extra rules, added to the built-in ones.
    pub rules: RulesConfig,
    /// The line classifier's tunables.
    pub text: TextOptions,
    /// The HTML extractor's furniture words and per-host selectors.
    pub html: HtmlOptions,
}

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig {
            builtin_rules: true,
            max_input_bytes: 16 * 1024 * 1024,
            rules: RulesConfig::default(),
            text: TextOptions::default(),
            html: HtmlOptions::default(),
        }
    }
}

/// Why a [`Cleaner`](crate::Cleaner) could not be built from a config: the error names
/// the list and the position in it of the offending entry, so that a caller holding the
/// config file can point at its line.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A drop or keep pattern that is not a valid regex.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A per-host CSS selector that does not parse.
    #[error("invalid CSS selector {selector:?} for {host}: {message}")]
    Selector {
        /// `drop_selectors` or `keep_selectors`.
        which: &'static str,
        /// The host whose list holds it.
        host: String,
        /// Position of the selector in the host's list.
        index: usize,
        /// The selector as written.
        selector: String,
        /// What the CSS parser said.
        message: String,
    },
}

impl CleanConfig {
    /// Checks what the user wrote (the built-in rules are checked by the tests): every
    /// regex compiles and every CSS selector parses.
    pub fn check(&self) -> Result<(), ConfigError> {
        self.rules.check()?;
        for (which, by_host) in [
            ("drop_selectors", &self.html.drop_selectors),
            ("keep_selectors", &self.html.keep_selectors),
        ] {
            for (host, list) in by_host {
                for (index, selector) in list.iter().enumerate() {
                    if let Err(e) = scraper::Selector::parse(selector) {
                        return Err(ConfigError::Selector {
                            which,
                            host: host.clone(),
                            index,
                            selector: selector.clone(),
                            message: e.to_string(),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn bad_entries_are_named_with_their_place() {
        let mut cfg = CleanConfig::default();
        cfg.rules.keep_patterns = vec!["ok".into(), "(oops".into()];
        match cfg.check() {
            Err(ConfigError::Rule(e)) => {
                assert_eq!((e.which, e.index), ("keep", Some(1)));
            }
            other => panic!("{other:?}"),
        }
        let mut cfg = CleanConfig::default();
        cfg.html.keep_selectors = BTreeMap::from([("h.org".into(), vec!["div[[".into()])]);
        match cfg.check() {
            Err(ConfigError::Selector { which, index, .. }) => {
                assert_eq!((which, index), ("keep_selectors", 0));
            }
            other => panic!("{other:?}"),
        }
    }
}
