//! What the cleaner produces: the article as ordered blocks plus its metadata.

use serde::{Deserialize, Serialize};

/// The structural role of one block of clean text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// A heading; `level` 1 is the page title, 2..=6 are subheadings.
    Heading {
        level: u8,
    },
    Paragraph,
    ListItem,
    Quote,
    Code,
    /// One table row, cells separated by " | ".
    TableRow,
}

/// One block of clean text: a paragraph, a heading, a list item...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
}

impl Block {
    pub fn paragraph(text: impl Into<String>) -> Self {
        Block {
            kind: BlockKind::Paragraph,
            text: text.into(),
        }
    }

    pub fn heading(level: u8, text: impl Into<String>) -> Self {
        Block {
            kind: BlockKind::Heading { level },
            text: text.into(),
        }
    }
}

/// What the page says about itself. Field names follow trafilatura's JSON output where
/// the two overlap, so downstream tools can read either.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metadata {
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// Publication date as found (ISO 8601 when the page gives one).
    pub date: Option<String>,
    pub date_modified: Option<String>,
    pub sitename: Option<String>,
    pub hostname: Option<String>,
    /// Canonical URL when the page declares one, else the URL it was fetched from.
    pub url: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub image: Option<String>,
    /// User comments, when the cleaner was asked for them (`--comments`): never part of
    /// the text. Kept with the metadata, like trafilatura's JSON keeps them beside it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Block>,
}

/// The kind of input the cleaner recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Html,
    Text,
}

/// A cleaned page: bytes in, this out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub kind: InputKind,
    pub blocks: Vec<Block>,
    pub metadata: Metadata,
}

impl Document {
    /// Plain text: blocks separated by a blank line, the way the seeds' cleaner output reads.
    pub fn text(&self) -> String {
        join_blocks(&self.blocks, |b| b.text.clone())
    }

    /// Markdown: headings as `#`, list items as `-`, quotes as `>`, code fenced.
    pub fn markdown(&self) -> String {
        join_blocks(&self.blocks, |b| match b.kind {
            BlockKind::Heading { level } => {
                format!("{} {}", "#".repeat(level.clamp(1, 6) as usize), b.text)
            }
            BlockKind::ListItem => format!("- {}", b.text),
            BlockKind::Quote => b
                .text
                .lines()
                .map(|l| format!("> {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
            BlockKind::Code => format!("```\n{}\n```", b.text),
            BlockKind::Paragraph | BlockKind::TableRow => b.text.clone(),
        })
    }

    /// The user comments kept apart from the text, as plain text.
    pub fn comments_text(&self) -> String {
        join_blocks(&self.metadata.comments, |b| b.text.clone())
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.iter().all(|b| b.text.trim().is_empty())
    }
}

fn join_blocks(blocks: &[Block], render: impl Fn(&Block) -> String) -> String {
    let mut out = String::new();
    for b in blocks.iter().filter(|b| !b.text.trim().is_empty()) {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&render(b));
    }
    out
}
