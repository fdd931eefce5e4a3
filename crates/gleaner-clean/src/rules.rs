//! User-editable furniture rules: exact lines and regexes that drop or keep a line.
//!
//! They add to the classifier's judgement, they don't replace it: a line no rule names
//! is left to the features. The built-in set ships as `furniture.toml`.

use crate::{fold_mul, trim, trim_non_alnum};
use regex::RegexSet;
use serde::Deserialize;

/// The on-disk form of a rule set (`furniture.toml`, or `[clean.rules]` inline).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
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

    /// Checks that every pattern compiles, naming the first that does not.
    pub fn check(&self) -> Result<(), RuleError> {
        Rules::compile(self).map(drop)
    }
}

/// A rule pattern that does not compile.
#[derive(Debug, thiserror::Error)]
#[error("invalid {which} pattern {pattern:?}: {source}")]
#[non_exhaustive]
pub struct RuleError {
    /// `drop` or `keep`: which list of patterns.
    pub which: &'static str,
    /// The pattern's position in its list; None when each compiles alone but the list
    /// as a whole is too big.
    pub index: Option<usize>,
    /// The pattern as written (the whole list, joined, when `index` is None).
    pub pattern: String,
    /// What the regex compiler said.
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
    /// `key_hash` of each `drop_lines` entry, sorted: a line is looked up by the hash of
    /// its key rather than by a key string built for every line of every page. A 64-bit
    /// collision (a page line taken for a rule line) is as unlikely as it is harmless.
    lines: Vec<u64>,
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
            for (index, p) in pats.iter().enumerate() {
                regex::Regex::new(p).map_err(|source| RuleError {
                    which,
                    index: Some(index),
                    pattern: p.clone(),
                    source,
                })?;
            }
            RegexSet::new(pats).map_err(|source| RuleError {
                which,
                index: None,
                pattern: pats.join(" | "),
                source,
            })
        };
        let mut lines: Vec<u64> = cfg.drop_lines.iter().map(|l| key_hash(l)).collect();
        lines.sort_unstable();
        lines.dedup();
        Ok(Rules {
            lines,
            drop: set("drop", &cfg.drop_patterns)?,
            keep: set("keep", &cfg.keep_patterns)?,
        })
    }

    /// Keep patterns win over drop rules, so a user can rescue a line a broad rule hits.
    pub fn verdict(&self, line: &str) -> Option<Verdict> {
        self.verdict_keyed(line, key_hash(line))
    }

    /// [`Rules::verdict`] for a caller that already has the line's `key_hash` (the text
    /// cleaner needs it for the site template too).
    pub fn verdict_keyed(&self, line: &str, key: u64) -> Option<Verdict> {
        let line = trim(line);
        if self.keep.is_match(line) {
            return Some(Verdict::Keep);
        }
        if self.lines.binary_search(&key).is_ok() || self.drop.is_match(line) {
            return Some(Verdict::Drop);
        }
        None
    }
}

/// Lowercased, whitespace collapsed, outer punctuation trimmed: "LEAVE A REPLY:" and
/// "Leave a reply" are the same line to a rule. [`key_hash`] hashes it without building
/// it; this is the spelled-out definition the tests check that against.
#[cfg(test)]
fn line_key(line: &str) -> String {
    let trimmed = trim_non_alnum(line);
    let mut out = String::with_capacity(trimmed.len());
    for word in trimmed.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        crate::push_lowercase(&mut out, word);
    }
    out
}

/// A hash of `line_key(line)`: equal keys, equal hashes. Computed without building the
/// key, since it runs over every line of every text page twice (template learning, then
/// cleaning): a line whose whitespace is single spaces and whose chars beyond ASCII are
/// lowercase already (nearly all of them) is its own key once its ASCII is lowercased,
/// which is done and hashed eight bytes at a time.
pub fn key_hash(line: &str) -> u64 {
    let t = trim_non_alnum(line);
    plain_key_hash(t).unwrap_or_else(|| general_key_hash(t))
}

/// `key_hash` of an already trimmed line with no control bytes, no two spaces in a row
/// and no char beyond ASCII that is whitespace or changes when lowercased; `None` for
/// any other line.
fn plain_key_hash(t: &str) -> Option<u64> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether the byte before the current chunk was a space.
    let mut space_before = false;
    let mut beyond_ascii = false;
    // Eight bytes of the line with their ASCII lowercased; `None` if they hold a control
    // byte or a run of spaces. The sums below work on the low seven bits of each byte
    // so that they never carry into the next one; bytes of chars beyond ASCII (high bit
    // set) are left alone.
    let mut lower = |x: u64| {
        let low = x & !HIGH;
        if ((low + 0x60 * ONES) | x) & HIGH != HIGH {
            return None; // a control byte: tab, newline...
        }
        let sp = x ^ (0x20 * ONES);
        // High bit set in each byte that is a space.
        let spaces = !(((sp & !HIGH) + 0x7f * ONES) | sp) & HIGH;
        if spaces & (spaces >> 8) != 0 || (space_before && spaces & 0x80 != 0) {
            return None; // a run of spaces, which the key collapses
        }
        space_before = spaces >> 63 != 0;
        beyond_ascii |= x & HIGH != 0;
        // 'A'..='Z' are the ASCII bytes >= 0x41 and < 0x5b; they get 0x20 added.
        let upper = (low + 0x3f * ONES) & !(low + 0x25 * ONES) & !x & HIGH;
        Some(x | (upper >> 2))
    };
    let b = t.as_bytes();
    let mut h = KeyHasher::default();
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        h.chunk(lower(u64::from_le_bytes(c.try_into().unwrap()))?);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        // Padded with letters to pass the checks, then zeroed as `KeyHasher` pads.
        let mut last = [b'a'; 8];
        // The remainder of an 8-byte chunking is shorter than 8.
        for (l, &r) in last.iter_mut().zip(rest) {
            *l = r;
        }
        h.chunk(lower(u64::from_le_bytes(last))? & (u64::MAX >> (64 - 8 * rest.len())));
    }
    if beyond_ascii {
        // Each char beyond ASCII must be its own key: no whitespace, lowercase already.
        let mut i = 0;
        while let Some(p) = b
            .get(i..)
            .and_then(|rest| rest.iter().position(|&b| b >= 0xc0))
        {
            // A byte of 0xc0 or more starts a char.
            let Some(c) = t.get(i + p..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            if c.is_whitespace() || !c.to_lowercase().eq([c]) {
                return None;
            }
            i += p + c.len_utf8();
        }
    }
    Some(h.finish(b.len()))
}

/// `key_hash` of any trimmed line, a byte or char at a time.
fn general_key_hash(t: &str) -> u64 {
    let mut h = KeyHasher::default();
    let mut len = 0;
    let mut space = false;
    let mut push = |b: u8, h: &mut KeyHasher| {
        h.byte(b);
        len += 1;
    };
    let mut utf8 = [0u8; 4];
    let mut i = 0;
    while let Some(&b) = t.as_bytes().get(i) {
        // ASCII a byte at a time; other chars decoded.
        let (c, white) = if b.is_ascii() {
            (char::from(b), matches!(b, b'\t'..=b'\r' | b' '))
        } else {
            // `i` advances a whole char at a time, so it is a char boundary.
            let Some(c) = t.get(i..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            (c, c.is_whitespace())
        };
        i += c.len_utf8();
        if white {
            space = true;
            continue;
        }
        if space {
            push(b' ', &mut h);
            space = false;
        }
        if c.is_ascii() {
            push(c.to_ascii_lowercase() as u8, &mut h);
        } else {
            for l in c.to_lowercase() {
                for &b in l.encode_utf8(&mut utf8).as_bytes() {
                    push(b, &mut h);
                }
            }
        }
    }
    h.finish(len)
}

/// The hash `key_hash` computes over a key's bytes: eight bytes (little-endian) at a
/// time, the last few zero-padded, then the length. Each step is one 64x64->128-bit
/// multiply folded to 64 bits, which mixes far better per instruction than FNV's byte
/// at a time. Not keyed: nothing an attacker controls grows from collisions of it.
#[derive(Default)]
struct KeyHasher {
    h: u64,
    /// Bytes not yet mixed in, and how many.
    pending: u64,
    n: u32,
}

impl KeyHasher {
    fn chunk(&mut self, x: u64) {
        debug_assert_eq!(self.n, 0);
        self.h = fold_mul(self.h ^ x, 0x9e37_79b9_7f4a_7c15);
    }

    fn byte(&mut self, b: u8) {
        self.pending |= u64::from(b) << (8 * self.n);
        self.n += 1;
        if self.n == 8 {
            let x = self.pending;
            (self.pending, self.n) = (0, 0);
            self.chunk(x);
        }
    }

    fn finish(mut self, len: usize) -> u64 {
        if self.n > 0 {
            let x = self.pending;
            self.n = 0;
            self.chunk(x);
        }
        fold_mul(self.h ^ len as u64, 0xff51_afd7_ed55_8ccd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `key_hash` must equal: the hash of the key, built here the plain way.
    fn hash_of_key(line: &str) -> u64 {
        let key = line
            .trim_matches(|c: char| !c.is_alphanumeric())
            .split_whitespace()
            .map(|w| w.chars().flat_map(char::to_lowercase).collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(line_key(line), key);
        let mut h = KeyHasher::default();
        key.bytes().for_each(|b| h.byte(b));
        h.finish(key.len())
    }

    #[test]
    fn key_hash_is_the_hash_of_the_key() {
        for l in [
            "",
            "-",
            "Leave a reply",
            "  LEAVE A  REPLY:  ",
            "Leave\ta reply!",
            "« Zurück zur Übersicht »",
            "ŞİMDİ OKU",
            "a",
            "exactly8",
            "exactly 16 bytes",
            "sixteen bytes!!!x",
            "[Share]  this   article ...",
            "\u{212A}elvin \u{3000} wide\u{a0}space",
            "l’été est là — déjà vu, «n’est-ce pas»",
            "Straße ǅemal Ⅻ Ⅻ",
            "über\u{85}alles",
        ] {
            assert_eq!(key_hash(l), hash_of_key(l), "{l:?}");
        }
        assert_eq!(key_hash("LEAVE A  REPLY:"), key_hash("leave a reply"));
        assert_ne!(key_hash("leave a reply"), key_hash("leave a reply x"));
        // Zero padding does not make a shorter key equal a longer one.
        let raw = |b: &[u8]| {
            let mut h = KeyHasher::default();
            b.iter().for_each(|&x| h.byte(x));
            h.finish(b.len())
        };
        assert_ne!(raw(b"ab"), raw(b"ab\0"));
    }

    proptest! {
        #[test]
        fn key_hash_matches_for_any_line(l in r"[ a-zA-Z0-9.,:!\t\n\x0b\x0c\r\x7f@\[\]`{}Äßİéǅ’—\u{212a}\u{a0}\u{2003}\u{85}\u{9a}]{0,40}") {
            prop_assert_eq!(key_hash(&l), hash_of_key(&l));
        }

        #[test]
        fn key_hash_matches_for_any_string(l in any::<String>()) {
            prop_assert_eq!(key_hash(&l), hash_of_key(&l));
        }
    }

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
