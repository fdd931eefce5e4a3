//! Explain mode: why each block of a page was kept or dropped.
//!
//! [`crate::Cleaner::explain`] runs the same passes as [`crate::Cleaner::clean`], with a
//! side table filled as they decide, and returns every block of the page in page order
//! with its verdict: kept blocks are exactly the cleaned document's blocks. Normal
//! cleaning never fills the side table and pays nothing for it.

use crate::document::{Block, BlockKind, InputKind};
use crate::rules::{Rules, Verdict};
use std::fmt;

/// Every block of a page, kept or dropped, with the reason: what
/// [`crate::Cleaner::explain`] returns.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Explanation {
    /// Whether the page was cleaned as HTML or as a text dump.
    pub kind: InputKind,
    /// HTML: the subtree the extractor chose as the main content (or its best candidate,
    /// when [`Explanation::fallback`] says it held too little prose).
    pub region: Option<Region>,
    /// HTML: no subtree held enough prose, so the body's visible lines went to the text
    /// cleaner; the blocks that reached it carry its line verdicts.
    pub fallback: bool,
    /// Every block of the page, in page order.
    pub blocks: Vec<ExplainedBlock>,
}

impl Explanation {
    /// The kept blocks: the cleaned document's blocks, in order.
    pub fn kept(&self) -> impl Iterator<Item = &ExplainedBlock> {
        self.blocks.iter().filter(|b| b.kept)
    }
}

/// The subtree chosen as the main content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Region {
    /// Its path from the root, `html > body > div#main.wrap > article.post`.
    pub path: String,
    /// Characters of prose inside it, as the scorer counts them.
    pub prose: u32,
    /// Fewest prose characters a region needs to be trusted.
    pub min_prose: u32,
}

/// One block of the page and its verdict.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ExplainedBlock {
    /// Heading, paragraph, list item... (dropped blocks: as far as their markup says).
    pub kind: BlockKind,
    /// The block's text.
    pub text: String,
    /// Whether the block is in the cleaned document.
    pub kept: bool,
    /// What decided.
    pub reason: Reason,
}

impl ExplainedBlock {
    pub(crate) fn new(block: Block, kept: bool, reason: Reason) -> Self {
        ExplainedBlock {
            kind: block.kind,
            text: block.text,
            kept,
            reason,
        }
    }
}

/// Why a block was kept or dropped. `Display` gives a short phrase.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reason {
    /// Kept: inside the chosen region, and no filter took it out.
    InRegion,
    /// Kept by the text cleaner's line classifier.
    GoodLine,
    /// An element whose content is not page text (a button, a form field, a label).
    NotText {
        /// The element's name.
        tag: String,
    },
    /// A per-site `drop_selectors` entry matched the element.
    DropSelector {
        /// The selector, as written.
        selector: String,
    },
    /// Nested deeper than the extractor descends.
    TooDeep,
    /// An element that is furniture by its name: `<nav>`, `<footer>`, `<noscript>`, or a
    /// `<header>` / `<aside>` outside the article.
    FurnitureTag {
        /// The element's name.
        tag: String,
    },
    /// Hidden from readers.
    Hidden {
        /// How: `hidden attribute`, `aria-hidden`, or the hiding style.
        how: String,
    },
    /// An ARIA role that is furniture (`navigation`, `banner`, `complementary`...).
    FurnitureRole {
        /// The role.
        role: String,
    },
    /// A furniture word in a class name, the id or the aria-label.
    FurnitureWord {
        /// The word that matched.
        word: String,
        /// The attribute it matched in: `class`, `id` or `aria-label`.
        attribute: String,
        /// The attribute's whole value.
        value: String,
    },
    /// A small `<form>` (search, newsletter, login).
    SmallForm,
    /// Outside the chosen region.
    OutsideRegion,
    /// One of a run of teasers (headline links) inside the article.
    TeaserRun {
        /// How many teasers the run holds (0 when unknown).
        items: usize,
    },
    /// The label introducing a run of teasers ("Related", "Mehr zum Thema").
    TeaserLabel,
    /// Beside the article's body, inside the region: after it and small (an author box,
    /// a subscription pitch), or before it without prose (a byline, a share bar).
    Appendix {
        /// After the body (else before it).
        after: bool,
    },
    /// What is left of an article's byline above its text: a short line naming the
    /// author or stating a date.
    BylineDebris,
    /// The same text said earlier on the page.
    Duplicate,
    /// A furniture rule (built-in or the config's) matched the text.
    TextRule,
    /// A paragraph that is (almost) all link.
    LinkDensity {
        /// Share of the block's characters inside links, in thousandths.
        permille: u32,
    },
    /// A short label and a headline link: "See also: <a>…</a>".
    LabelAndLink,
    /// Link-bound blocks opening the region (breadcrumbs, category links).
    LeadingLinks,
    /// Link-bound blocks closing the region ("next post" links).
    TrailingLinks,
    /// A heading left with no text after it.
    TrailingHeading,
    /// Dropped by the text cleaner's line classifier (length, stopwords, neighbours,
    /// repeats, the site template).
    BadLine,
    /// Judged furniture by the learned block classifier.
    Learned {
        /// The model's probability that the block is furniture, in thousandths.
        permille: u32,
    },
}

impl Reason {
    pub(crate) fn learned(p: f64) -> Reason {
        // `as` saturates, and NaN becomes 0.
        Reason::Learned {
            permille: (p.clamp(0.0, 1.0) * 1000.0).round() as u32,
        }
    }

    pub(crate) fn link_density(link: u32, chars: u32) -> Reason {
        let permille = u64::from(link) * 1000 / u64::from(chars.max(1));
        Reason::LinkDensity {
            permille: u32::try_from(permille).unwrap_or(u32::MAX),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::InRegion => f.write_str("in the chosen region"),
            Reason::GoodLine => f.write_str("good line (text cleaner)"),
            Reason::NotText { tag } => write!(f, "not text (<{tag}>)"),
            Reason::DropSelector { selector } => write!(f, "drop selector '{selector}'"),
            Reason::TooDeep => f.write_str("nested too deep"),
            Reason::FurnitureTag { tag } if matches!(tag.as_str(), "header" | "aside") => {
                write!(f, "<{tag}> outside the article")
            }
            Reason::FurnitureTag { tag } => write!(f, "<{tag}> element"),
            Reason::Hidden { how } => write!(f, "hidden ({how})"),
            Reason::FurnitureRole { role } => write!(f, "role={role}"),
            Reason::FurnitureWord {
                word,
                attribute,
                value,
            } => write!(f, "furniture word '{word}' in {attribute}=\"{value}\""),
            Reason::SmallForm => f.write_str("small form"),
            Reason::OutsideRegion => f.write_str("outside the chosen region"),
            Reason::TeaserRun { items: 0 } => f.write_str("teaser run"),
            Reason::TeaserRun { items } => write!(f, "teaser run ({items} link-led blocks)"),
            Reason::TeaserLabel => f.write_str("label of a teaser run"),
            Reason::Appendix { after: true } => f.write_str("small block after the article's body"),
            Reason::Appendix { after: false } => {
                f.write_str("block without prose before the article's body")
            }
            Reason::BylineDebris => f.write_str("byline debris above the text"),
            Reason::Duplicate => f.write_str("duplicate"),
            Reason::TextRule => f.write_str("text rule"),
            Reason::LinkDensity { permille } => {
                write!(
                    f,
                    "link density {}.{:02}",
                    permille / 1000,
                    permille % 1000 / 10
                )
            }
            Reason::LabelAndLink => f.write_str("label + link"),
            Reason::LeadingLinks => f.write_str("link-bound lead of the region"),
            Reason::TrailingLinks => f.write_str("link-bound tail of the region"),
            Reason::TrailingHeading => f.write_str("heading with no text after it"),
            Reason::BadLine => f.write_str("bad line (text cleaner)"),
            Reason::Learned { permille } => write!(
                f,
                "learned classifier: furniture at {}.{:03}",
                permille / 1000,
                permille % 1000
            ),
        }
    }
}

/// The text cleaner's verdict on each of `lines` (the trimmed non-empty lines it was
/// given), from the blocks it `kept`, which are some of those lines in order.
pub(crate) fn line_verdicts<'l>(
    lines: impl Iterator<Item = &'l str>,
    kept: Vec<Block>,
    rules: &Rules,
) -> Vec<ExplainedBlock> {
    let mut kept = kept.into_iter().peekable();
    lines
        .map(|line| {
            if kept.peek().is_some_and(|b| b.text.trim() == line.trim()) {
                if let Some(b) = kept.next() {
                    return ExplainedBlock::new(b, true, Reason::GoodLine);
                }
            }
            let reason = if rules.verdict(line) == Some(Verdict::Drop) {
                Reason::TextRule
            } else {
                Reason::BadLine
            };
            ExplainedBlock::new(Block::paragraph(line), false, reason)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_phrases() {
        assert_eq!(
            Reason::link_density(93, 100).to_string(),
            "link density 0.93"
        );
        assert_eq!(Reason::link_density(5, 5).to_string(), "link density 1.00");
        assert_eq!(Reason::link_density(1, 0).to_string(), "link density 1.00");
        let word = Reason::FurnitureWord {
            word: "related".into(),
            attribute: "class".into(),
            value: "related-posts".into(),
        };
        assert_eq!(
            word.to_string(),
            "furniture word 'related' in class=\"related-posts\""
        );
        assert_eq!(
            Reason::TeaserRun { items: 4 }.to_string(),
            "teaser run (4 link-led blocks)"
        );
    }
}
