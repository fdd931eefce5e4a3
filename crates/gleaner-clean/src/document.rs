//! What the cleaner produces: the article as ordered blocks plus its metadata.

mod markdown;

use serde::{Deserialize, Serialize};

/// The structural role of one block of clean text.
///
/// Serialised as `"paragraph"`, `{"heading": {"level": 2}}`,
/// `{"list_item": {"depth": 0, "ordered": false}}`... Records written before list items and
/// table rows carried their structure (bare `"list_item"`, `"table_row"`) still read, as
/// top-level unnumbered items and data rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", from = "compat::KindRecord")]
#[non_exhaustive]
pub enum BlockKind {
    /// A heading; `level` 1 is the page title, 2..=6 are subheadings.
    Heading {
        /// 1 to 6, as `<h1>`..`<h6>`.
        level: u8,
    },
    /// A paragraph of prose.
    Paragraph,
    /// One item of a list (or a definition list's term or definition).
    ListItem {
        /// How deep its list is nested in other lists: 0 for a top-level list.
        depth: u8,
        /// Whether its list is numbered (`<ol>`).
        ordered: bool,
    },
    /// A block quote.
    Quote,
    /// Preformatted text, line breaks kept.
    Code,
    /// One table row: its text joins its cells with " | ", and [`Block::cells`] holds them.
    TableRow {
        /// A header row: all its cells are `<th>`, or it sits in `<thead>`.
        header: bool,
        /// Its table lays the page out rather than tabulating data: it has a single
        /// column or a single row, or its cells hold headings, lists, quotes, code,
        /// several paragraphs or other tables. Such cells are the page's text, their
        /// line breaks kept; Markdown renders them as paragraphs, not as a table.
        layout: bool,
    },
}

mod compat {
    //! Reading block kinds as stored before list items and table rows had fields.

    use super::BlockKind;
    use serde::Deserialize;

    /// A kind as a record holds it: a bare name (any kind without fields, and the list
    /// items and table rows of older records), or a name with its fields.
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub(super) enum KindRecord {
        Bare(Bare),
        Full(Full),
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub(super) enum Bare {
        Paragraph,
        ListItem,
        Quote,
        Code,
        TableRow,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub(super) enum Full {
        Heading {
            level: u8,
        },
        ListItem {
            #[serde(default)]
            depth: u8,
            #[serde(default)]
            ordered: bool,
        },
        TableRow {
            #[serde(default)]
            header: bool,
            #[serde(default)]
            layout: bool,
        },
    }

    impl From<KindRecord> for BlockKind {
        fn from(r: KindRecord) -> Self {
            match r {
                KindRecord::Bare(Bare::Paragraph) => BlockKind::Paragraph,
                KindRecord::Bare(Bare::Quote) => BlockKind::Quote,
                KindRecord::Bare(Bare::Code) => BlockKind::Code,
                KindRecord::Bare(Bare::ListItem) => BlockKind::ListItem {
                    depth: 0,
                    ordered: false,
                },
                KindRecord::Bare(Bare::TableRow) => BlockKind::TableRow {
                    header: false,
                    layout: false,
                },
                KindRecord::Full(Full::Heading { level }) => BlockKind::Heading { level },
                KindRecord::Full(Full::ListItem { depth, ordered }) => {
                    BlockKind::ListItem { depth, ordered }
                }
                KindRecord::Full(Full::TableRow { header, layout }) => {
                    BlockKind::TableRow { header, layout }
                }
            }
        }
    }
}

/// One block of clean text: a paragraph, a heading, a list item...
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Its text: whitespace collapsed, except in code, where line breaks are kept.
    pub text: String,
    /// A table row's cells in column order, empty ones included; a cell spanning several
    /// columns is followed by an empty one per extra column. Empty for other blocks (and
    /// for rows stored before cells were kept: their text has them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
}

impl Block {
    /// A block of `kind` holding `text`.
    pub fn new(kind: BlockKind, text: impl Into<String>) -> Self {
        Block {
            kind,
            text: text.into(),
            cells: Vec::new(),
        }
    }

    /// A paragraph holding `text`.
    pub fn paragraph(text: impl Into<String>) -> Self {
        Block::new(BlockKind::Paragraph, text)
    }

    /// A heading of `level` (1 for the title, 2..=6 below it) holding `text`.
    pub fn heading(level: u8, text: impl Into<String>) -> Self {
        Block::new(BlockKind::Heading { level }, text)
    }
}

/// What the page says about itself. Field names follow trafilatura's JSON output where
/// the two overlap, so downstream tools can read either.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Metadata {
    /// The article's headline, without the site name a `<title>` often appends.
    pub title: Option<String>,
    /// Authors in page order, as the page names them.
    pub authors: Vec<String>,
    /// Publication date as found (ISO 8601 when the page gives one).
    pub date: Option<String>,
    /// Date of the last modification, kept apart from the publication date.
    pub date_modified: Option<String>,
    /// The site's own name (`og:site_name`, the JSON-LD publisher).
    pub sitename: Option<String>,
    /// The page's host, without `www.`.
    pub hostname: Option<String>,
    /// Canonical URL when the page declares one, else the URL it was fetched from.
    pub url: Option<String>,
    /// Language code as declared (`<html lang>`, meta) or detected (ISO 639-1).
    pub language: Option<String>,
    /// The page's summary (`og:description`, meta description).
    pub description: Option<String>,
    /// Keywords and article tags.
    pub tags: Vec<String>,
    /// The page's lead image URL (`og:image`, JSON-LD image).
    pub image: Option<String>,
    /// User comments, when the cleaner was asked for them (`--comments`): never part of
    /// the text. Kept with the metadata, like trafilatura's JSON keeps them beside it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Block>,
    /// What kind of page this is, judged from its structure (see [`PageType`]). `None`
    /// only in documents stored before pages were classified.
    pub page_type: Option<PageType>,
    /// The page says it was not found (a "soft 404": an error page served with status
    /// 200): its title or main heading says so and it holds little else. Such pages are
    /// never stored; the text is still what the page holds.
    #[serde(skip_serializing_if = "is_false")]
    pub soft_404: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// What kind of page a document came from, as its structure tells: the page types of
/// the WCXB benchmark, whose "collection" (a product grid, a category page) is a
/// listing here. Serialised in snake_case (`"article"`, `"documentation"`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PageType {
    /// One piece of writing: news, a blog post, an editorial, a guide, a review.
    Article,
    /// An index of other pages: a home, category, tag, author or archive page, search
    /// results, a product grid.
    Listing,
    /// A discussion thread or Q&A: posts by several people.
    Forum,
    /// One product for sale: its description, price and specs.
    Product,
    /// Technical reference: API docs, manuals, tutorials, wikis.
    Documentation,
    /// A company's or a service's own page: features, pricing, about, contact.
    Service,
    /// None of the above, or too little content to tell.
    Other,
}

impl PageType {
    /// Every type, in declaration order.
    pub const ALL: [PageType; 7] = [
        PageType::Article,
        PageType::Listing,
        PageType::Forum,
        PageType::Product,
        PageType::Documentation,
        PageType::Service,
        PageType::Other,
    ];

    /// The name used in configs and JSON: `article`, `listing`...
    pub fn name(self) -> &'static str {
        match self {
            PageType::Article => "article",
            PageType::Listing => "listing",
            PageType::Forum => "forum",
            PageType::Product => "product",
            PageType::Documentation => "documentation",
            PageType::Service => "service",
            PageType::Other => "other",
        }
    }

    /// The type of that name, if any.
    pub fn from_name(name: &str) -> Option<PageType> {
        PageType::ALL.into_iter().find(|t| t.name() == name)
    }
}

impl std::fmt::Display for PageType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The kind of input the cleaner recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum InputKind {
    /// Markup, cleaned by the main-content extractor.
    Html,
    /// A plain-text dump, cleaned line by line.
    Text,
}

/// A cleaned page: bytes in, this out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Document {
    /// What the input was recognised as.
    pub kind: InputKind,
    /// The main content, in page order.
    pub blocks: Vec<Block>,
    /// What the page says about itself.
    pub metadata: Metadata,
}

impl Document {
    /// A document of `kind` made of `blocks`, described by `metadata`.
    pub fn new(kind: InputKind, blocks: Vec<Block>, metadata: Metadata) -> Self {
        Document {
            kind,
            blocks,
            metadata,
        }
    }

    /// Plain text: blocks separated by a blank line, the way the seeds' cleaner output reads.
    pub fn text(&self) -> String {
        join_blocks(&self.blocks, |b| b.text.clone())
    }

    /// Markdown (GitHub-flavoured): headings as `#`, lists nested and numbered as on the
    /// page, quotes as `>`, code fenced, data tables as pipe tables; tables that lay the
    /// page out become paragraphs.
    pub fn markdown(&self) -> String {
        markdown::render(&self.blocks)
    }

    /// The user comments kept apart from the text, as plain text.
    pub fn comments_text(&self) -> String {
        join_blocks(&self.metadata.comments, |b| b.text.clone())
    }

    /// No block holds any text: the page was all furniture.
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
