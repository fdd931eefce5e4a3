//! User-editable furniture rules: exact lines and regexes that drop or keep a line.
//!
//! They add to the classifier's judgement, they don't replace it: a line no rule names
//! is left to the features. The built-in set ships as `config/furniture.toml`.

use regex::RegexSet;
use serde::Deserialize;
use std::collections::HashSet;

/// The on-disk form of a rule set (`config/furniture.toml`, or `[clean.rules]` inline).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RulesConfig {
    /// Lines dropped when they equal one of these, ignoring case, surrounding
    /// punctuation and repeated whitespace.
    pub drop_lines: Vec<String>,
    /// Regular expressions; a line matching any of them is dropped.
    pub drop_patterns: Vec<String>,
    /// Regular expressions; a line matching any of them is kept, whatever else says.
    pub keep_patterns: Vec<String>,
}

impl RulesConfig {
    /// Appends another rule set to this one.
    pub fn extend(&mut self, other: RulesConfig) {
        self.drop_lines.extend(other.drop_lines);
        self.drop_patterns.extend(other.drop_patterns);
        self.keep_patterns.extend(other.keep_patterns);
    }
}

#[derive(Debug, thiserror::Error)]
#[error("invalid {which} pattern {pattern:?}: {source}")]
pub struct RuleError {
    pub which: &'static str,
    pub pattern: String,
    #[source]
    pub source: regex::Error,
}

/// What a rule says about a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Drop,
    Keep,
}

/// A compiled rule set, cheap to query once per line.
#[derive(Debug, Clone)]
pub struct Rules {
    lines: HashSet<String>,
    drop: RegexSet,
    keep: RegexSet,
}

impl Default for Rules {
    fn default() -> Self {
        Rules::compile(&RulesConfig::default()).expect("empty rule set compiles")
    }
}

impl Rules {
    pub fn compile(cfg: &RulesConfig) -> Result<Rules, RuleError> {
        let set = |which: &'static str, pats: &[String]| {
            // Compile one by one first so the error names the offending pattern.
            for p in pats {
                regex::Regex::new(p).map_err(|source| RuleError {
                    which,
                    pattern: p.clone(),
                    source,
                })?;
            }
            RegexSet::new(pats).map_err(|source| RuleError {
                which,
                pattern: pats.join(" | "),
                source,
            })
        };
        Ok(Rules {
            lines: cfg.drop_lines.iter().map(|l| line_key(l)).collect(),
            drop: set("drop", &cfg.drop_patterns)?,
            keep: set("keep", &cfg.keep_patterns)?,
        })
    }

    /// Keep patterns win over drop rules, so a user can rescue a line a broad rule hits.
    pub fn verdict(&self, line: &str) -> Option<Verdict> {
        let line = line.trim();
        if self.keep.is_match(line) {
            return Some(Verdict::Keep);
        }
        if self.lines.contains(&line_key(line)) || self.drop.is_match(line) {
            return Some(Verdict::Drop);
        }
        None
    }
}

/// Lowercased, whitespace collapsed, outer punctuation trimmed: "LEAVE A REPLY:" and
/// "Leave a reply" are the same line to a rule.
pub fn line_key(line: &str) -> String {
    let trimmed = line.trim_matches(|c: char| !c.is_alphanumeric());
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        crate::clean::push_lowercase(&mut out, word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_lines_ignore_case_and_punctuation() {
        let rules = Rules::compile(&RulesConfig {
            drop_lines: vec!["Leave a reply".into()],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(rules.verdict("LEAVE A  REPLY:"), Some(Verdict::Drop));
        assert_eq!(rules.verdict("Leave a reply to the editor"), None);
    }

    #[test]
    fn keep_beats_drop() {
        let rules = Rules::compile(&RulesConfig {
            drop_patterns: vec!["(?i)^share".into()],
            keep_patterns: vec!["(?i)^shareholders".into()],
            ..Default::default()
        })
        .unwrap();
        assert_eq!(rules.verdict("Share this"), Some(Verdict::Drop));
        assert_eq!(rules.verdict("Shareholders voted"), Some(Verdict::Keep));
    }

    #[test]
    fn bad_pattern_is_named() {
        let err = Rules::compile(&RulesConfig {
            drop_patterns: vec!["(unclosed".into()],
            ..Default::default()
        })
        .unwrap_err();
        assert!(err.to_string().contains("(unclosed"), "{err}");
    }
}
