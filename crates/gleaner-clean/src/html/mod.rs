//! The HTML main-content extractor: a decoded page (and its URL, when known) in, the main
//! content's blocks and the page's metadata out.
//!
//! One parse (html5ever via scraper), then linear passes over a flattened arena:
//! 1. `dom`: flatten, dropping furniture by structure (scripts, nav, hidden...) and by
//!    name (`furniture`: class/id/role words), with per-node text statistics;
//! 2. `score`: pick the subtree with the most prose for the least link-bound text;
//! 3. `render`: that subtree to headings, paragraphs, list items, quotes, code, rows;
//! 4. `metadata`: JSON-LD, `<meta>`, `<time>`, bylines, the URL.
//!
//! When no subtree holds enough prose the caller falls back to the text cleaner over the
//! body's lines: a page with no clear article is better judged line by line.

mod appendix;
mod dom;
mod explain;
mod furniture;
mod learned;
mod metadata;
mod page_type;
mod render;
mod score;
mod teasers;
#[cfg(test)]
mod tests;

use crate::document::{Block, BlockKind, Metadata, PageType};
use crate::rules::{Rules, Verdict};
use dom::{BuildOptions, Dom, COMMENT, SELF_DEAD};
use furniture::Furniture;
pub use learned::Sample;
use render::Mode;
use scraper::{Html, Selector};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// `[clean.html]` in the config: how pages are stripped of furniture.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct HtmlOptions {
    /// Use the built-in furniture words (comments, share bars, related lists, cookie
    /// banners, ads, breadcrumbs...) in addition to `drop_words`.
    pub builtin_furniture: bool,
    /// Extra class/id/aria-label words marking furniture. A bare word matches a whole
    /// token of a class name split on `-` `_` `:` (`promo` matches `top-promo`); `word*`
    /// matches tokens starting with it (`share*` matches `sharebar`); a word containing
    /// `-` or starting with `=` must equal the whole class name (`author-box`, `=widget`).
    pub drop_words: Vec<String>,
    /// Extra words protecting an element: a class name containing one of these tokens
    /// is never furniture (built in: content, article, main, body, entry, story).
    pub keep_words: Vec<String>,
    /// Per-host CSS selectors whose elements are dropped, e.g.
    /// `"example.com" = [".promo", "#newsletter"]`. Hosts match without `www.`; they need
    /// the page URL, so they apply in `gleaner run` and to stored pages, not to bare files.
    pub drop_selectors: BTreeMap<String, Vec<String>>,
    /// Per-host CSS selectors marking the main content, e.g.
    /// `"example.com" = ["div.post-body"]`: a match is never furniture by its names and
    /// is preferred as the article, as `<article>` is. Same host rules as above.
    pub keep_selectors: BTreeMap<String, Vec<String>>,
    /// Also keep the user comments found on the page, apart from the text
    /// (`metadata.comments`, "comments" in JSON). They are never part of the text.
    pub comments: bool,
    /// Run the learned block classifier over what the rules keep: it drops teaser
    /// summaries, bios, pitches and credit lines that no rule names.
    pub learned: bool,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions {
            builtin_furniture: true,
            drop_words: Vec::new(),
            keep_words: Vec::new(),
            drop_selectors: BTreeMap::new(),
            keep_selectors: BTreeMap::new(),
            comments: false,
            learned: true,
        }
    }
}

/// What the extractor found.
pub struct Extracted {
    pub metadata: Metadata,
    /// The main content, when a subtree held enough prose.
    pub blocks: Vec<Block>,
    /// Otherwise the body's visible lines, for the text cleaner to judge.
    pub fallback: Option<String>,
}

/// A configured extractor. Build once, share across threads.
pub struct HtmlExtractor {
    furniture: Furniture,
    drop: HashMap<String, Vec<Selector>>,
    keep: HashMap<String, Vec<Selector>>,
    params: score::Params,
    rules: Rules,
    comments: bool,
    model: Option<&'static learned::Model>,
}

/// Parses per-host selectors. [`crate::CleanConfig::check`] has refused any that do not
/// parse before an extractor is built.
fn compile_by_host(by_host: &BTreeMap<String, Vec<String>>) -> HashMap<String, Vec<Selector>> {
    by_host
        .iter()
        .map(|(host, sels)| {
            let sels = sels
                .iter()
                .filter_map(|s| Selector::parse(s).ok())
                .collect();
            (host.trim_start_matches("www.").to_ascii_lowercase(), sels)
        })
        .collect()
}

/// A paragraph whose text outside links is at most this long (and no longer than its
/// link text) is a label and a link: "See also: <a>…</a>", "Lea también: <a>…</a>".
const MAX_LABEL: u32 = 20;
/// ...when its link is a headline: shorter links behind a label are values of a fact
/// sheet ("Brand: <a>Drinco</a>", "Genre: <a>Action</a>").
const MIN_CROSS_LINK: u32 = 16;

/// Below this many good characters the winning subtree is not trusted.
const MIN_GOOD: f32 = 150.0;

impl HtmlExtractor {
    pub fn new(opts: &HtmlOptions, rules: Rules) -> HtmlExtractor {
        // The built-in keep words always protect; the built-in drop words only when on.
        let words = furniture::builtin_words();
        let builtin: &[String] = if opts.builtin_furniture {
            &words.drop
        } else {
            &[]
        };
        let furniture = Furniture::new(
            builtin.iter().chain(&opts.drop_words).map(String::as_str),
            words
                .keep
                .iter()
                .chain(&opts.keep_words)
                .map(String::as_str),
        );
        let drop = compile_by_host(&opts.drop_selectors);
        let keep = compile_by_host(&opts.keep_selectors);
        HtmlExtractor {
            furniture,
            drop,
            keep,
            params: score::Params::default(),
            rules,
            comments: opts.comments,
            model: opts.learned.then(learned::builtin).flatten(),
        }
    }

    /// The selectors of `map` for the page's host (without `www.`).
    fn selectors<'m>(map: &'m HashMap<String, Vec<Selector>>, url: Option<&str>) -> &'m [Selector] {
        if map.is_empty() {
            return &[];
        }
        url.and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| {
                let host = u
                    .host_str()?
                    .trim_start_matches("www.")
                    .to_ascii_lowercase();
                map.get(&host).map(Vec::as_slice)
            })
            .unwrap_or(&[])
    }

    /// How the page at `url` is flattened: the furniture words and its host's selectors.
    fn build_options(&self, url: Option<&str>) -> BuildOptions<'_> {
        BuildOptions {
            furniture: &self.furniture,
            drop: Self::selectors(&self.drop, url),
            keep: Self::selectors(&self.keep, url),
        }
    }

    pub fn extract(&self, page: &str, url: Option<&str>) -> Extracted {
        let doc = parse(page);
        let opts = self.build_options(url);
        let mut dom = Dom::build(doc.tree.root(), &opts);
        let choice = score::choose(&dom, &self.params);
        let mut metadata = typed_metadata(&doc, &dom, choice, url);
        if self.comments {
            metadata.comments = self.comments(&dom);
        }
        match choice {
            Some(c) if c.good >= MIN_GOOD => {
                prune(&mut dom, c.root);
                let rendered = render::render(&dom, c.root, Mode::Main);
                Extracted {
                    blocks: self.finish(rendered, Some(&metadata), Some((&dom, c.root)), None),
                    metadata,
                    fallback: None,
                }
            }
            _ => Extracted {
                metadata,
                blocks: Vec::new(),
                fallback: Some(lines(&dom)),
            },
        }
    }

    /// The blocks the rules keep in the chosen region, before the learned classifier,
    /// with its features: its training examples. `None` when no region holds enough
    /// prose (the page goes to the text cleaner).
    pub fn samples(&self, page: &str, url: Option<&str>) -> Option<Vec<Sample>> {
        let doc = parse(page);
        let opts = self.build_options(url);
        let mut dom = Dom::build(doc.tree.root(), &opts);
        let choice = score::choose(&dom, &self.params).filter(|c| c.good >= MIN_GOOD)?;
        let metadata = typed_metadata(&doc, &dom, Some(choice), url);
        prune(&mut dom, choice.root);
        let rendered = render::render(&dom, choice.root, Mode::Main);
        let out = self.by_rules(rendered, Some(&metadata), None);
        let features = learned::features::features(&dom, choice.root, &out, &metadata);
        Some(
            out.into_iter()
                .zip(features)
                .map(|(r, f)| Sample {
                    heading: matches!(r.block.kind, BlockKind::Heading { .. }),
                    judged: learned::judged(r.block.kind),
                    again: false,
                    text: r.block.text,
                    features: f.to_vec(),
                })
                .collect(),
        )
    }

    /// The comment sections that were cut from the page, in page order. A section inside
    /// other furniture (a sidebar's "recent comments") is not one, nor is one that is
    /// mostly links.
    fn comments(&self, dom: &Dom) -> Vec<Block> {
        let mut out = Vec::new();
        let end = dom.nodes.get(dom.body).map_or(0, |b| b.end as usize);
        let mut i = dom.body;
        while i < end {
            let Some(n) = dom.nodes.get(i) else { break };
            if n.flags & SELF_DEAD == 0 {
                i += 1;
                continue;
            }
            if n.flags & COMMENT != 0 && n.link * 2 < n.text {
                // Reply and permalink buttons render as blocks of nothing but link.
                let blocks = render::render(dom, i, Mode::Comments)
                    .into_iter()
                    .filter(|r| r.link * 10 <= r.chars * 9);
                out.extend(self.finish(blocks.collect(), None, None, None));
            }
            i = n.end as usize;
        }
        out
    }

    /// Drops blocks that are furniture by content: rule-named lines, link-bound lines,
    /// (given the page's metadata) an article's byline debris, then (given the region)
    /// what the learned classifier judges furniture.
    /// Explain mode passes `cuts` to learn why each dropped block went (by its `start`).
    fn finish(
        &self,
        rendered: Vec<render::Rendered>,
        metadata: Option<&Metadata>,
        region: Option<(&Dom, usize)>,
        mut cuts: Option<&mut Vec<(u32, explain::Reason)>>,
    ) -> Vec<Block> {
        let mut out = self.by_rules(rendered, metadata, cuts.as_deref_mut());
        if let (Some(model), Some(m), Some((dom, root))) = (self.model, metadata, region) {
            learned_cut(model, &mut out, m, dom, root, cuts.as_deref_mut());
        }
        // Only explain mode needs to know which blocks the trailing headings were.
        let starts: Vec<u32> = match cuts {
            Some(_) => out.iter().map(|r| r.start).collect(),
            None => Vec::new(),
        };
        let mut blocks: Vec<Block> = out.into_iter().map(|r| r.block).collect();
        drop_trailing_headings(&mut blocks);
        if let Some(c) = cuts {
            let gone = starts.get(blocks.len()..).unwrap_or_default();
            c.extend(gone.iter().map(|&s| (s, explain::Reason::TrailingHeading)));
        }
        blocks
    }

    /// The rules of [`HtmlExtractor::finish`]: what they keep, in order.
    fn by_rules(
        &self,
        rendered: Vec<render::Rendered>,
        metadata: Option<&Metadata>,
        mut cuts: Option<&mut Vec<(u32, explain::Reason)>>,
    ) -> Vec<render::Rendered> {
        let mut cut = |r: &render::Rendered, why: explain::Reason| {
            if let Some(c) = cuts.as_deref_mut() {
                c.push((r.start, why));
            }
        };
        // SipHash, not FNV: these keys are page text, which a hostile page could craft
        // to collide.
        let mut seen: HashSet<&str> = HashSet::new();
        let mut keep = Vec::with_capacity(rendered.len());
        for r in &rendered {
            // A paragraph or heading said twice is a second rendition (mobile and desktop
            // layouts, a sticky title, a pull quote repeating the text), not new content.
            // List items and code are left alone: specs and snippets repeat for real.
            let repeatable = matches!(
                r.block.kind,
                BlockKind::ListItem { .. } | BlockKind::Code | BlockKind::TableRow { .. }
            );
            keep.push(repeatable || r.block.text.len() < 20 || seen.insert(r.block.text.as_str()));
        }
        let mut keep = keep.into_iter();
        let mut out = rendered
            .into_iter()
            .filter(|r| {
                if !keep.next().unwrap_or(true) {
                    cut(r, explain::Reason::Duplicate);
                    return false;
                }
                if self.rules.verdict(&r.block.text) == Some(Verdict::Drop) {
                    cut(r, explain::Reason::TextRule);
                    return false;
                }
                // A paragraph that is all link is a teaser or a "read more", not prose;
                // so is a link behind a short label ("See also:", "Lea también:").
                // List items and headings are left alone (listings link their items).
                let label = r.chars.saturating_sub(r.link);
                if r.block.kind != BlockKind::Paragraph {
                    return true;
                }
                if r.link * 10 > r.chars * 9 {
                    cut(r, explain::Reason::link_density(r.link, r.chars));
                    return false;
                }
                if r.link >= MIN_CROSS_LINK && r.link >= label && label <= MAX_LABEL {
                    cut(r, explain::Reason::LabelAndLink);
                    return false;
                }
                true
            })
            .collect::<Vec<_>>();
        // Link-bound blocks at the edges of the main content are its frame, not its
        // text: breadcrumbs and category links above it, "next post" links below it.
        // Trailing list items are spared: a reference page may end on a "see also" list.
        // A page that is all links (a link list) keeps them.
        let bound = |r: &render::Rendered| r.link * 2 > r.chars;
        let tail = out
            .iter()
            .rev()
            .take_while(|r| bound(r) && !matches!(r.block.kind, BlockKind::ListItem { .. }))
            .count();
        if tail < out.len() {
            for r in out.iter().rev().take(tail) {
                cut(r, explain::Reason::TrailingLinks);
            }
            out.truncate(out.len() - tail);
        }
        let lead = out.iter().take_while(|r| bound(r)).count();
        if lead < out.len() {
            for r in out.iter().take(lead) {
                cut(r, explain::Reason::LeadingLinks);
            }
            out.drain(..lead);
        }
        // An article's byline remains above its text: short lines before the first
        // paragraph of prose that name the author or state a date ("By Jane Doe",
        // "- 5:50 am", "Posted on April 29, 2022"). They are metadata, and they make the
        // same article syndicated elsewhere hash differently. On a listing or a forum,
        // short dated lines are its items and posts.
        if let Some(m) = metadata.filter(|m| m.page_type == Some(PageType::Article)) {
            let authors: Vec<String> = m
                .authors
                .iter()
                .map(|a| a.to_lowercase())
                .filter(|a| !a.is_empty())
                .collect();
            let prose_at = out
                .iter()
                .position(|r| r.block.kind == BlockKind::Paragraph && r.chars > MIN_LEAD_PROSE)
                .unwrap_or(0);
            let mut i = 0;
            out.retain(|r| {
                let above = i < prose_at;
                i += 1;
                if !above || !byline_debris(&r.block, &authors) {
                    return true;
                }
                cut(r, explain::Reason::BylineDebris);
                false
            });
        }
        out
    }

    /// The body's visible blocks, one per line: what template learning and the text
    /// fallback see of an HTML page.
    pub fn lines(&self, page: &str) -> String {
        let doc = parse(page);
        let opts = BuildOptions {
            furniture: &self.furniture,
            drop: &[],
            keep: &[],
        };
        lines(&Dom::build(doc.tree.root(), &opts))
    }
}

/// Drops the blocks of `out` (the rules' keep in the region under `root`) that `model`
/// judges furniture, noting each in `cuts` for explain mode.
fn learned_cut(
    model: &learned::Model,
    out: &mut Vec<render::Rendered>,
    metadata: &Metadata,
    dom: &Dom,
    root: usize,
    mut cuts: Option<&mut Vec<(u32, explain::Reason)>>,
) {
    let features = learned::features::features(dom, root, out, metadata);
    let odds: Vec<f64> = out
        .iter()
        .zip(&features)
        .map(|(r, f)| {
            if learned::judged(r.block.kind) {
                model.furniture(f)
            } else {
                0.0
            }
        })
        .collect();
    // A region the model would empty is left to the rules: the scorer chose it for its
    // prose, and an empty document loses the page.
    let mut drop: Vec<bool> = odds.iter().map(|&p| model.is_furniture(p)).collect();
    if drop.iter().all(|&d| d) {
        return;
    }
    // A heading followed by kept text introduces it, whatever it looks like alone
    // (from the end, so that a heading over a kept subheading stays too).
    for i in (0..drop.len().saturating_sub(1)).rev() {
        let heading = out
            .get(i)
            .is_some_and(|r| matches!(r.block.kind, BlockKind::Heading { .. }));
        if heading && drop.get(i + 1) == Some(&false) {
            if let Some(d) = drop.get_mut(i) {
                *d = false;
            }
        }
    }
    let mut verdicts = odds.into_iter().zip(drop);
    out.retain(|r| {
        let (p, drop) = verdicts.next().unwrap_or((0.0, false));
        if !drop {
            return true;
        }
        if let Some(c) = cuts.as_deref_mut() {
            c.push((r.start, explain::Reason::learned(p)));
        }
        false
    });
}

/// A paragraph longer than this (in characters) opens an article's text.
const MIN_LEAD_PROSE: u32 = 150;
/// A line above it that is this short may be byline debris.
const MAX_DEBRIS: usize = 80;

/// Whether `b`, above an article's text, is what is left of its byline: a short line,
/// not a heading, naming one of `authors` (lower-cased) or stating a date.
fn byline_debris(b: &Block, authors: &[String]) -> bool {
    if matches!(b.kind, BlockKind::Heading { .. }) || b.text.chars().count() > MAX_DEBRIS {
        return false;
    }
    let low = b.text.to_lowercase();
    authors.iter().any(|a| low.contains(a.as_str())) || metadata::states_date(&b.text)
}

/// The page's metadata, with its type decided from what the extractor found.
fn typed_metadata(
    doc: &Html,
    dom: &Dom,
    choice: Option<score::Choice>,
    url: Option<&str>,
) -> Metadata {
    let mut metadata = metadata::extract(doc, url);
    let fallback = !matches!(choice, Some(c) if c.good >= MIN_GOOD);
    let signals = page_type::signals(doc, dom, choice, fallback, &metadata, url);
    (metadata.page_type, metadata.soft_404) = page_type::classify(&signals);
    metadata
}

/// The passes that cut furniture inside the chosen region, `root`: teaser runs, then
/// the appendices around the article's body. What they cut, for explain mode.
fn prune(dom: &mut Dom, root: usize) -> (Vec<teasers::Run>, Vec<(usize, appendix::Side)>) {
    let runs = teasers::prune(dom, root);
    let appendices = appendix::prune(dom, root);
    (runs, appendices)
}

/// Drops the headings left after the last block of text: a "More on this" or "Related"
/// heading stays behind when the links it introduced were cut. Headings without text
/// under them inside the article are left alone: a directory of names, a gallery's
/// captions.
fn drop_trailing_headings(blocks: &mut Vec<Block>) {
    let is_heading = |b: &Block| matches!(b.kind, BlockKind::Heading { .. });
    let tail = blocks.iter().rev().take_while(|b| is_heading(b)).count();
    if tail < blocks.len() {
        blocks.truncate(blocks.len() - tail);
    }
}

fn lines(dom: &Dom) -> String {
    let mut out = String::new();
    for r in render::render(dom, dom.body, Mode::Main) {
        for l in r.block.text.lines() {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// Parses with scripting off, as a crawler sees the page: `<noscript>` content becomes
/// elements instead of one opaque text node. Discourse forums and many JS apps serve
/// their whole content there; elsewhere it is soft furniture like any other.
fn parse(page: &str) -> Html {
    use html5ever::tendril::TendrilSink;
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(Html::new_document()), opts)
        .one(page)
}
