//! What the learned block classifier sees of a block: numbers about its text, its place
//! among the region's blocks, and its place in the page's tree. No words of any language
//! and no class names: the model has to carry over to sites and languages it never saw.

use super::super::dom::{Dom, Tag, IN_LINK, MARKER};
use super::super::metadata::states_date;
use super::super::render::Rendered;
use crate::document::{BlockKind, Metadata, PageType};
use std::collections::HashMap;

/// The features' names, in the order of [`Features`]; the model file lists the same
/// names, and a test checks that it does.
pub const NAMES: &[&str] = &[
    "log_chars",
    "link_share",
    "is_paragraph",
    "heading_level",
    "is_list_item",
    "is_quote",
    "is_code",
    "is_table_row",
    "log_words",
    "mean_word_len",
    "short_word_share",
    "sentences",
    "digit_share",
    "upper_share",
    "capitalised_words",
    "punct_per_word",
    "ends_sentence",
    "pipes",
    "has_at_or_copyright",
    "states_date",
    "names_author",
    "position",
    "chars_before_share",
    "chars_after_share",
    "before_first_prose",
    "after_last_prose",
    "prev_log_chars",
    "prev_link_share",
    "prev_is_heading",
    "next_log_chars",
    "next_link_share",
    "next_is_heading",
    "depth",
    "in_link",
    "in_list",
    "in_cell",
    "in_aside_footer_header",
    "in_figure",
    "in_form",
    "under_marker",
    "before_body",
    "after_body",
    "container_link_share",
    "container_text_share",
    "container_prose_share",
    "container_blocks",
    "container_mean_log_chars",
    "page_log_blocks",
    "page_log_chars",
    "page_link_share",
    "page_article",
    "page_listing",
    "page_forum",
    "page_other",
];

/// The number of features.
pub const COUNT: usize = 54;

/// One block's features, as the model reads them.
pub type Features = [f32; COUNT];

/// A paragraph this long (in characters) is prose, for the position features.
const PROSE: u32 = 150;

/// How many characters of a block its text counts read.
const MAX_SCAN: usize = 1 << 20;

/// How far up from a block the walk for its container and ancestors goes.
const MAX_WALK: usize = 64;

fn log(n: f32) -> f32 {
    (1.0 + n).ln()
}

fn share(part: u32, whole: u32) -> f32 {
    if whole == 0 {
        0.0
    } else {
        part as f32 / whole as f32
    }
}

/// The features of each of `out`, the blocks the rules kept in the region under `root`.
pub fn features(dom: &Dom, root: usize, out: &[Rendered], metadata: &Metadata) -> Vec<Features> {
    let authors: Vec<String> = metadata
        .authors
        .iter()
        .map(|a| a.to_lowercase())
        .filter(|a| !a.is_empty())
        .collect();
    let total = out.iter().fold(0u32, |t, r| t.saturating_add(r.chars));
    let prose = |r: &Rendered| r.block.kind == BlockKind::Paragraph && r.chars > PROSE;
    let first_prose = out.iter().position(prose).unwrap_or(out.len());
    let last_prose = out.iter().rposition(prose).unwrap_or(0);
    let places: Vec<Place> = out.iter().map(|r| place(dom, root, r)).collect();
    // Per container: how many of the blocks it holds, and the sum of their log lengths.
    let mut groups: HashMap<usize, (u32, f32)> = HashMap::new();
    for (p, r) in places.iter().zip(out) {
        let g = groups.entry(p.container).or_default();
        g.0 = g.0.saturating_add(1);
        g.1 += log(r.chars as f32);
    }
    let root_node = dom.nodes.get(root);
    let (root_text, root_link, root_prose) =
        root_node.map_or((0, 0, 0), |n| (n.text, n.link, n.prose));
    let page_type = metadata.page_type;
    // The article's body, as the appendix pass finds it: blocks around it are its frame.
    let body = super::super::appendix::body(dom, root);
    let (body_start, body_end) = dom
        .nodes
        .get(body)
        .map_or((0, u32::MAX), |n| (u32::try_from(body).unwrap_or(0), n.end));
    let mut before = 0u32;
    let mut all = Vec::with_capacity(out.len());
    for (i, r) in out.iter().enumerate() {
        let p = places.get(i).copied().unwrap_or_default();
        let (siblings, sibling_chars) = groups.get(&p.container).copied().unwrap_or((1, 0.0));
        let prev = i.checked_sub(1).and_then(|j| out.get(j));
        let next = out.get(i + 1);
        let text = Text::of(&r.block.text);
        let heading = |r: Option<&Rendered>| {
            r.is_some_and(|r| matches!(r.block.kind, BlockKind::Heading { .. })) as u8 as f32
        };
        let f: Features = [
            log(r.chars as f32),
            share(r.link, r.chars),
            (r.block.kind == BlockKind::Paragraph) as u8 as f32,
            match r.block.kind {
                BlockKind::Heading { level } => f32::from(level),
                _ => 0.0,
            },
            matches!(r.block.kind, BlockKind::ListItem { .. }) as u8 as f32,
            (r.block.kind == BlockKind::Quote) as u8 as f32,
            (r.block.kind == BlockKind::Code) as u8 as f32,
            matches!(r.block.kind, BlockKind::TableRow { .. }) as u8 as f32,
            log(text.words as f32),
            share(text.word_chars, text.words),
            share(text.short_words, text.words),
            log(text.sentences as f32),
            share(text.digits, text.chars),
            share(text.upper, text.letters),
            share(text.capitalised, text.words),
            share(text.punct, text.words),
            text.ends_sentence as u8 as f32,
            text.pipes as f32,
            text.at_or_copyright as u8 as f32,
            (r.chars <= 200 && states_date(&r.block.text)) as u8 as f32,
            names_author(&r.block.text, &authors) as u8 as f32,
            share(i as u32, out.len() as u32),
            share(before, total),
            share(total.saturating_sub(before).saturating_sub(r.chars), total),
            (i < first_prose) as u8 as f32,
            (i > last_prose) as u8 as f32,
            prev.map_or(0.0, |r| log(r.chars as f32)),
            prev.map_or(0.0, |r| share(r.link, r.chars)),
            heading(prev),
            next.map_or(0.0, |r| log(r.chars as f32)),
            next.map_or(0.0, |r| share(r.link, r.chars)),
            heading(next),
            p.depth as f32,
            p.in_link as u8 as f32,
            p.in_list as u8 as f32,
            p.in_cell as u8 as f32,
            p.in_aside as u8 as f32,
            p.in_figure as u8 as f32,
            p.in_form as u8 as f32,
            p.under_marker as u8 as f32,
            (r.start < body_start) as u8 as f32,
            (r.start >= body_end) as u8 as f32,
            share(p.container_link, p.container_text),
            share(p.container_text, root_text),
            share(p.container_prose, root_prose),
            log(siblings as f32),
            sibling_chars / siblings.max(1) as f32,
            log(out.len() as f32),
            log(total as f32),
            share(root_link, root_text),
            (page_type == Some(PageType::Article)) as u8 as f32,
            (page_type == Some(PageType::Listing)) as u8 as f32,
            (page_type == Some(PageType::Forum)) as u8 as f32,
            !matches!(
                page_type,
                Some(PageType::Article | PageType::Listing | PageType::Forum)
            ) as u8 as f32,
        ];
        all.push(f);
        before = before.saturating_add(r.chars);
    }
    all
}

/// Whether `text` names one of `authors` (lower-cased).
fn names_author(text: &str, authors: &[String]) -> bool {
    // Most pages name no author: no need to lower-case every block then.
    if authors.is_empty() {
        return false;
    }
    let low = text.to_lowercase();
    authors.iter().any(|a| low.contains(a.as_str()))
}

/// Counts over a block's text.
#[derive(Default)]
struct Text {
    chars: u32,
    letters: u32,
    upper: u32,
    digits: u32,
    words: u32,
    word_chars: u32,
    /// Words of at most three characters: function words, in most languages.
    short_words: u32,
    /// Sentence ends followed by more text.
    sentences: u32,
    capitalised: u32,
    punct: u32,
    pipes: u32,
    ends_sentence: bool,
    at_or_copyright: bool,
}

impl Text {
    fn of(s: &str) -> Text {
        let mut t = Text::default();
        let mut word = 0u32;
        let mut after_stop = false;
        // The counts are ratios' terms: a block's first million characters are enough,
        // and keep every count far from overflowing.
        for c in s.chars().take(MAX_SCAN) {
            t.chars += 1;
            if c.is_alphanumeric() {
                if word == 0 {
                    t.words += 1;
                    t.capitalised += c.is_uppercase() as u32;
                    t.sentences += (after_stop && c.is_uppercase()) as u32;
                }
                word += 1;
                t.word_chars += 1;
                after_stop = false;
            } else {
                t.short_words += (1..=3).contains(&word) as u32;
                word = 0;
                if matches!(c, '.' | '!' | '?') {
                    after_stop = true;
                } else if !c.is_whitespace() {
                    after_stop = false;
                }
            }
            t.letters += c.is_alphabetic() as u32;
            t.upper += c.is_uppercase() as u32;
            t.digits += c.is_numeric() as u32;
            t.punct += matches!(c, '.' | ',' | ';' | ':' | '!' | '?') as u32;
            t.pipes += (c == '|') as u32;
            t.at_or_copyright |= matches!(c, '@' | '©');
        }
        t.short_words += (1..=3).contains(&word) as u32;
        t.ends_sentence = s
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(|c| matches!(c, '.' | '!' | '?' | '"' | '”' | '»' | ')' | '…'));
        t
    }
}

/// Where a block sits in the tree, under the region's root.
#[derive(Default, Clone, Copy)]
struct Place {
    /// The nearest ancestor holding more text than the block: what it is one part of.
    container: usize,
    container_text: u32,
    container_link: u32,
    container_prose: u32,
    depth: u32,
    in_link: bool,
    in_list: bool,
    in_cell: bool,
    in_aside: bool,
    in_figure: bool,
    in_form: bool,
    under_marker: bool,
}

fn place(dom: &Dom, root: usize, r: &Rendered) -> Place {
    let start = r.start as usize;
    let mut p = Place {
        container: root,
        ..Place::default()
    };
    p.in_link = dom.nodes.get(start).is_some_and(|n| n.flags & IN_LINK != 0);
    let mut found = false;
    let mut at = dom.nodes.get(start).map_or(root, |n| n.parent as usize);
    // Bounded by MAX_WALK, and by the root (an ancestor of every block it rendered).
    for _ in 0..MAX_WALK {
        let Some(n) = dom.nodes.get(at) else { break };
        p.depth += 1;
        match n.tag {
            Tag::Li => p.in_list = true,
            Tag::Cell => p.in_cell = true,
            _ => {}
        }
        if at != root {
            p.under_marker |= n.flags & MARKER != 0;
        }
        if let Some(el) = n.node.value().as_element() {
            match el.name() {
                "aside" | "footer" | "header" => p.in_aside = true,
                "figure" => p.in_figure = true,
                "form" => p.in_form = true,
                _ => {}
            }
        }
        if !found && n.tag.is_block() && n.text > r.chars.saturating_add(r.chars / 2) {
            found = true;
            p.container = at;
            p.container_text = n.text;
            p.container_link = n.link;
            p.container_prose = n.prose;
        }
        if at == root || at == 0 {
            break;
        }
        at = n.parent as usize;
    }
    if !found {
        if let Some(n) = dom.nodes.get(root) {
            p.container_text = n.text;
            p.container_link = n.link;
            p.container_prose = n.prose;
        }
    }
    p
}
