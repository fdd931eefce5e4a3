//! The text cleaner: a whole-page plain-text dump in, the article's blocks out.
//! (Interface scaffold; the classifier lands in the text-cleaner work.)

pub mod template;

use crate::clean::rules::{Rules, Verdict};
use crate::document::Block;
use serde::Deserialize;
use template::Template;

/// Tunables of the text cleaner, `[clean.text]` in the config.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TextOptions {
    /// Learn per-batch site templates and drop lines recurring across a site's pages.
    pub templates: bool,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions { templates: true }
    }
}

/// What the text cleaner finds in a dump.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextOutput {
    pub blocks: Vec<Block>,
    pub title: Option<String>,
}

pub struct TextCleaner {
    rules: Rules,
}

impl TextCleaner {
    pub fn new(_opts: &TextOptions, rules: Rules) -> Self {
        TextCleaner { rules }
    }

    pub fn clean(&self, text: &str, template: Option<&Template>) -> TextOutput {
        let blocks = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .filter(|l| self.rules.verdict(l) != Some(Verdict::Drop))
            .filter(|l| template.is_none_or(|t| !t.contains(l)))
            .map(Block::paragraph)
            .collect();
        TextOutput {
            blocks,
            title: None,
        }
    }
}
