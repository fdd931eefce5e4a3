//! gleaner's cleaner: a web page's bytes in, the article's clean text and metadata out.
//!
//! Pure: no network, no store, no files. Build a [`Cleaner`] once from a
//! [`CleanConfig`] and share it across threads; [`Cleaner::clean`] takes one page's bytes
//! (HTML, or a plain-text dump saved by a scraper) and what the caller knows about them
//! ([`Hints`]) and returns a [`Document`]: the main content as [`Block`]s (headings,
//! paragraphs, list items, quotes, code, table rows) plus [`Metadata`] (title, authors,
//! dates, site, URL, language...).
//!
//! ```no_run
//! use gleaner_clean::{CleanConfig, Cleaner, Hints};
//!
//! let cleaner = Cleaner::new(&CleanConfig::default())?;
//! let page = std::fs::read("page.html")?;
//! let doc = cleaner.clean(&page, &Hints::default().with_url("https://example.org/a"))?;
//! println!("{}\n\n{}", doc.metadata.title.as_deref().unwrap_or(""), doc.text());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! HTML goes through the main-content extractor (`html`), which keeps the page's
//! structure; plain-text dumps, and HTML pages where no subtree holds enough prose, go
//! through the line classifier (`text`). Both share one set of furniture rules. Pages of
//! one site cleaned in a batch can share a learned [`Template`] of their recurring lines
//! ([`TemplateLearner`]).
//!
//! Nothing a page contains may panic here: byte offsets into input text are taken only
//! at char boundaries, which the crate's clippy lints (`string_slice`,
//! `indexing_slicing`) hold it to.

#![warn(missing_docs)]

mod config;
mod decode;
mod document;
mod explain;
mod hash;
mod html;
mod language;
mod page_type;
mod rules;
mod text;
mod trees;
mod words;

pub use config::{CleanConfig, ConfigError};
pub use document::{Block, BlockKind, Document, InputKind, Metadata, PageType};
pub use explain::{ExplainedBlock, Explanation, Reason, Region};
pub use html::HtmlOptions;
#[doc(hidden)]
pub use html::Sample;
pub use rules::{RuleError, RulesConfig};
pub use text::template::{Template, TemplateLearner};
pub use text::TextOptions;

use html::HtmlExtractor;
use rules::Rules;
use text::TextCleaner;

pub(crate) use hash::{fold_mul, Fnv, Seeded};
pub(crate) use words::{is_wide, push_lowercase, text_lines, trim, trim_non_alnum};

/// Bumped whenever cleaning output changes, so stored documents can be re-cleaned.
pub const CLEANER_VERSION: &str = concat!("gleaner-", env!("CARGO_PKG_VERSION"), "+text.10+html.6");

/// The built-in furniture rules, shipped readable in `furniture.toml` beside this
/// crate's sources.
const BUILTIN_RULES: &str = include_str!("../furniture.toml");

/// Why an input could not be cleaned.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CleanError {
    /// Nothing but whitespace.
    #[error("empty input")]
    Empty,
    /// Control bytes make up a visible share of the start: an image, an archive...
    #[error("binary data, not text or HTML")]
    Binary,
    /// Larger than [`CleanConfig::max_input_bytes`].
    #[error("input is {size} bytes, over the {max}-byte limit")]
    TooLarge {
        /// The input's size in bytes.
        size: usize,
        /// The configured limit.
        max: usize,
    },
}

/// What the caller knows about the bytes, beyond the bytes. Build it with
/// `Hints::default()` and the `with_*` methods.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Hints<'a> {
    /// Where the page came from; fills `metadata.url` / `hostname` when the page is silent.
    pub url: Option<&'a str>,
    /// The HTTP Content-Type, for its charset and to tell HTML from text.
    pub content_type: Option<&'a str>,
    /// Furniture learned from other pages of the same site in this batch.
    pub template: Option<&'a Template>,
}

impl<'a> Hints<'a> {
    /// The URL the page was fetched from.
    pub fn with_url(mut self, url: &'a str) -> Self {
        self.url = Some(url);
        self
    }

    /// The Content-Type the page was served with (`text/html; charset=...`).
    pub fn with_content_type(mut self, content_type: &'a str) -> Self {
        self.content_type = Some(content_type);
        self
    }

    /// The template learned from the page's site (see [`TemplateLearner`]).
    pub fn with_template(mut self, template: &'a Template) -> Self {
        self.template = Some(template);
        self
    }
}

/// A configured cleaner. Build once, share across threads.
pub struct Cleaner {
    text: TextCleaner,
    html: HtmlExtractor,
    max_input_bytes: usize,
}

impl Cleaner {
    /// Compiles the built-in rules (unless turned off) plus the config's own, after
    /// [`CleanConfig::check`].
    pub fn new(cfg: &CleanConfig) -> Result<Cleaner, ConfigError> {
        cfg.check()?;
        let mut all = if cfg.builtin_rules {
            builtin_rules()
        } else {
            RulesConfig::default()
        };
        all.extend(cfg.rules.clone());
        let rules = Rules::compile(&all)?;
        Ok(Cleaner {
            html: HtmlExtractor::new(&cfg.html, rules.clone()),
            text: TextCleaner::new(&cfg.text, rules),
            max_input_bytes: cfg.max_input_bytes,
        })
    }

    /// Cleans one page.
    pub fn clean(&self, bytes: &[u8], hints: &Hints) -> Result<Document, CleanError> {
        let (kind, page) = self.prepare(bytes, hints)?;
        let (blocks, mut metadata) = match kind {
            InputKind::Html => {
                let ex = self.html.extract(&page, hints.url);
                match ex.fallback {
                    None => (ex.blocks, ex.metadata),
                    // A weak candidate's text is not used even when the text cleaner keeps
                    // nothing: on the dev set it costs more precision than it adds recall.
                    Some(lines) => self.clean_text(&lines, hints, ex.metadata),
                }
            }
            InputKind::Text => self.clean_text(&page, hints, Metadata::default()),
        };
        fill_from_url(&mut metadata, hints.url);
        let mut doc = Document {
            kind,
            blocks,
            metadata,
        };
        if kind == InputKind::Text {
            page_type::classify_text(&mut doc, &page, hints.url);
        }
        Ok(with_language(doc))
    }

    /// Cleans one page as [`Cleaner::clean`] does, and says why each of its blocks was
    /// kept or dropped: every block of the page in order, the kept ones being exactly the
    /// document's blocks. Slower than `clean`; for people tuning rules and selectors.
    ///
    /// ```no_run
    /// use gleaner_clean::{CleanConfig, Cleaner, Hints};
    ///
    /// let cleaner = Cleaner::new(&CleanConfig::default())?;
    /// let page = std::fs::read("page.html")?;
    /// for b in cleaner.explain(&page, &Hints::default())?.blocks {
    ///     println!("{} {} ({})", if b.kept { '+' } else { '-' }, b.text, b.reason);
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self, bytes: &[u8], hints: &Hints) -> Result<Explanation, CleanError> {
        let (kind, page) = self.prepare(bytes, hints)?;
        let text = |lines: &str| self.text.clean(lines, hints.template).blocks;
        Ok(match kind {
            InputKind::Html => {
                let ex = self.html.explain(&page, hints.url, text);
                Explanation {
                    kind,
                    region: ex.region,
                    fallback: ex.fallback,
                    blocks: ex.blocks,
                }
            }
            InputKind::Text => Explanation {
                kind,
                region: None,
                fallback: false,
                blocks: explain::line_verdicts(text_lines(&page), text(&page), self.html.rules()),
            },
        })
    }

    /// The learned classifiers' training examples: from an HTML page, the blocks the
    /// rules keep in its region, with their features (`None` for a page without a
    /// region); from a text dump, every line with its features. For `bench/classifier/train.py`, through `examples/block_samples.rs`.
    #[doc(hidden)]
    pub fn samples(&self, bytes: &[u8], hints: &Hints) -> Result<Option<Vec<Sample>>, CleanError> {
        let (kind, page) = self.prepare(bytes, hints)?;
        Ok(match kind {
            InputKind::Html => self.html.samples(&page, hints.url),
            InputKind::Text => Some(self.text.samples(&page)),
        })
    }

    fn clean_text(
        &self,
        text: &str,
        hints: &Hints,
        mut metadata: Metadata,
    ) -> (Vec<Block>, Metadata) {
        let out = self.text.clean(text, hints.template);
        if metadata.title.is_none() {
            metadata.title = out.title;
        }
        if metadata.language.is_none() {
            metadata.language = out.language.map(str::to_string);
        }
        (out.blocks, metadata)
    }

    /// The lines a page contributes to site-template learning: its text for dumps, its
    /// visible block text for HTML.
    pub fn template_lines(&self, bytes: &[u8], hints: &Hints) -> Result<String, CleanError> {
        let (kind, page) = self.prepare(bytes, hints)?;
        Ok(match kind {
            InputKind::Html => self.html.lines(&page),
            InputKind::Text => page,
        })
    }

    fn prepare(&self, bytes: &[u8], hints: &Hints) -> Result<(InputKind, String), CleanError> {
        if bytes.len() > self.max_input_bytes {
            return Err(CleanError::TooLarge {
                size: bytes.len(),
                max: self.max_input_bytes,
            });
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(CleanError::Empty);
        }
        if looks_binary(bytes) {
            return Err(CleanError::Binary);
        }
        let kind = sniff(bytes, hints.content_type);
        let page = decode::decode(bytes, hints.content_type, kind == InputKind::Html);
        // NULs survive decoding and confuse every downstream consumer of "text". A
        // U+FEFF left in the text (a second BOM, or one mid-file) would be read as a BOM
        // when the output is cleaned again, so cleaning would not be idempotent.
        let has_junk = has_junk(&page);
        let page = if has_junk {
            page.replace(['\0', '\u{FEFF}'], "")
        } else {
            page
        };
        Ok((kind, page))
    }
}

/// Pages that neither declare a language nor match a stopword list of the text
/// classifier get one guessed from their clean text.
fn with_language(mut doc: Document) -> Document {
    if doc.metadata.language.is_none() {
        doc.metadata.language = language::detect(&doc.text());
    }
    doc
}

/// The built-in rule set. It is compiled into the binary, so a parse error here is a bug
/// caught by the tests, not something a user can cause.
fn builtin_rules() -> RulesConfig {
    // The file's `[html]` table holds the HTML extractor's words (see
    // `html::furniture::builtin_words`); the rest is a rule set.
    let mut table: toml::Table = toml::from_str(BUILTIN_RULES).expect("furniture.toml is valid");
    table.remove("html");
    table.try_into().expect("furniture.toml's rules are valid")
}

/// How many leading bytes [`sniff`] looks at.
pub const SNIFF_BYTES: usize = 2048;

/// HTML when the header says so, or when the content opens with markup.
pub fn sniff(bytes: &[u8], content_type: Option<&str>) -> InputKind {
    if let Some(ct) = content_type {
        let ct = ct.to_ascii_lowercase();
        if ct.contains("html") || ct.contains("xml") {
            return InputKind::Html;
        }
        if ct.starts_with("text/plain") {
            return InputKind::Text;
        }
    }
    let head = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF | 0xFE | 0xFF))
        .unwrap_or(head.len());
    if head.get(start) != Some(&b'<') {
        return InputKind::Text;
    }
    let lower = head.to_ascii_lowercase();
    const MARKERS: &[&[u8]] = &[
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<meta",
        b"<title",
        b"<div",
        b"<p>",
        b"<?xml",
    ];
    if MARKERS
        .iter()
        .any(|m| memchr::memmem::find(&lower, m).is_some())
    {
        InputKind::Html
    } else {
        InputKind::Text
    }
}

/// Binary when NULs or other C0 control bytes make up a visible share of the start.
/// UTF-16 without a BOM is rare enough in the wild to be treated as binary.
fn looks_binary(bytes: &[u8]) -> bool {
    if encoding_rs::Encoding::for_bom(bytes).is_some() {
        return false;
    }
    let head = bytes.get(..8192).unwrap_or(bytes);
    // Counted in byte lanes, 255 bytes at a time, which the compiler vectorizes: this
    // runs over the start of every page.
    let control: usize = head
        .chunks(255)
        .map(|c| {
            let n: u8 = c
                .iter()
                .map(|&b| u8::from(b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C)))
                .sum();
            usize::from(n)
        })
        .sum();
    control * 100 > head.len() * 2 // more than 2%
}

/// Whether the page holds a NUL or a U+FEFF. This runs over every page (twice when
/// templates are learned), so it is two vectorised memchr searches, not a char scan.
fn has_junk(page: &str) -> bool {
    let b = page.as_bytes();
    memchr::memchr(0, b).is_some() || memchr::memmem::find(b, "\u{FEFF}".as_bytes()).is_some()
}

fn fill_from_url(meta: &mut Metadata, url: Option<&str>) {
    if meta.url.is_none() {
        meta.url = url.map(str::to_string);
    }
    if meta.hostname.is_none() {
        meta.hostname = meta
            .url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| {
                u.host_str()
                    .map(|h| h.trim_start_matches("www.").to_string())
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse_and_compile() {
        Cleaner::new(&CleanConfig::default()).unwrap();
    }

    #[test]
    fn junk_is_found() {
        for (t, junk) in [
            ("", false),
            ("plain text, long enough for chunks", false),
            ("x\0", true),
            ("a\u{FEFF}b", true),
            ("fullwidth，comma and more text after it", false),
            ("0123456\0", true),
            ("01234567\u{FEFF}", true),
        ] {
            assert_eq!(has_junk(t), junk, "{t:?}");
        }
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(b"  <!DOCTYPE html><p>x", None), InputKind::Html);
        assert_eq!(sniff(b"Sunday, July 27\n<b>", None), InputKind::Text);
        assert_eq!(sniff(b"<3 you\n", None), InputKind::Text);
        assert_eq!(sniff(b"hello", Some("text/html")), InputKind::Html);
    }

    #[test]
    fn stray_byte_order_marks_are_dropped() {
        // Found by fuzzing: a UTF-16 BOM followed by U+FEFF left a BOM at the start of
        // the output, which the next clean stripped.
        let c = Cleaner::new(&CleanConfig::default()).unwrap();
        let h = Hints::default();
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/fuzz/text-utf16-double-bom.txt"
        ))
        .unwrap();
        let once = c.clean(&bytes, &h).unwrap().text();
        assert!(!once.contains('\u{FEFF}'));
        if let Ok(twice) = c.clean(once.as_bytes(), &h) {
            assert_eq!(twice.text(), once);
        }
    }

    #[test]
    fn learned_rounds_that_never_settle_leave_no_unclean_text() {
        // Found by fuzzing: rules and the line classifier took more rounds than allowed,
        // and what the last one kept lost a line when cleaned again.
        let c = Cleaner::new(&CleanConfig::default()).unwrap();
        let h = Hints::default().with_content_type("text/plain");
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/fuzz/text-learned-rounds-unsettled.txt"
        ))
        .unwrap();
        if let Ok(once) = c.clean(&bytes, &h) {
            let once = once.text();
            if let Ok(twice) = c.clean(once.as_bytes(), &h) {
                assert_eq!(twice.text(), once);
            }
        }
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let c = Cleaner::new(&CleanConfig::default()).unwrap();
        let h = Hints::default();
        assert_eq!(c.clean(b" \n\t", &h), Err(CleanError::Empty));
        assert_eq!(
            c.clean(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", &h),
            Err(CleanError::Binary)
        );
    }
}
