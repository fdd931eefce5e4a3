//! Furniture by name: class, id, role and aria-label words that mark page furniture.
//!
//! Names are tokenised once per element and looked up in hash sets, never run through
//! regexes: pages carry thousands of classed elements and this runs on each of them.

use crate::Fnv;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

type Set = HashSet<String, BuildHasherDefault<Fnv>>;

/// The built-in furniture words (`[html]` of `furniture.toml`, compiled in): what
/// class names, ids and aria-labels mark furniture, and which tokens protect a name.
pub struct BuiltinWords {
    pub drop: Vec<String>,
    pub keep: Vec<String>,
}

/// Parsed once; the file is compiled in, so a parse error is a bug the tests catch.
pub fn builtin_words() -> &'static BuiltinWords {
    static WORDS: std::sync::OnceLock<BuiltinWords> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            html: Html,
        }
        #[derive(serde::Deserialize)]
        struct Html {
            drop_words: Vec<String>,
            keep_words: Vec<String>,
        }
        let file: File = toml::from_str(crate::BUILTIN_RULES).expect("furniture.toml is valid");
        BuiltinWords {
            drop: file.html.drop_words,
            keep: file.html.keep_words,
        }
    })
}

/// Words naming a user-comment section or one comment (`comments-area`, `comment-body`,
/// `disqus_thread`): such furniture is dropped from the text but kept apart as comments.
const COMMENT_WORDS: &[&str] = &["comment", "comments", "commentlist", "disqus", "replies"];
/// Tokens that make a comment-named element the comment machinery rather than what
/// people wrote: the reply form, reply links, counts, feeds, "recent comments" widgets.
const NOT_COMMENT_WORDS: &[&str] = &[
    "form",
    "respond",
    "reply",
    "count",
    "link",
    "links",
    "rss",
    "feed",
    "widget",
    "recent",
    "navigation",
    "nav",
    "pagination",
    "title",
    "meta",
    "metadata",
];

/// The verdict on one element's names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Some name marks furniture and none marks content.
    pub furniture: bool,
    /// Some name marks a user comment (or a section of them).
    pub comment: bool,
}

/// A compiled set of drop/keep words.
#[derive(Debug, Clone, Default)]
pub struct Furniture {
    tokens: Set,
    /// `word*` prefixes, bucketed by first byte: a token is only tried against the few
    /// prefixes that can match it.
    prefixes: Vec<Vec<String>>,
    names: Set,
    /// The compound words (`author-box`), which also match as the head of a longer
    /// name; `=` words match whole names only (`hidden`, not `hidden-xs`).
    blocks: Set,
    keep: Set,
}

impl Furniture {
    pub fn new<'a>(
        drop: impl IntoIterator<Item = &'a str>,
        keep: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut f = Furniture {
            prefixes: vec![Vec::new(); 256],
            ..Furniture::default()
        };
        for w in drop {
            let w = w.trim().to_ascii_lowercase().replace('_', "-");
            if let Some(p) = w.strip_suffix('*') {
                let first = p.as_bytes().first().copied();
                if let Some(list) = first.and_then(|b| f.prefixes.get_mut(usize::from(b))) {
                    list.push(p.to_string());
                }
            } else if let Some(w) = w.strip_prefix('=') {
                f.names.insert(w.to_string());
            } else if w.contains('-') {
                f.blocks.insert(w.clone());
                f.names.insert(w);
            } else if !w.is_empty() {
                f.tokens.insert(w);
            }
        }
        f.keep = keep
            .into_iter()
            .map(|w| w.trim().to_ascii_lowercase())
            .collect();
        f
    }

    /// What a single class name, id or aria-label says: `(Some(furniture), comment)`.
    fn judge_name(&self, name: &str, buf: &mut String) -> (Option<bool>, bool) {
        buf.clear();
        for c in name.chars() {
            buf.push(match c {
                '_' | ':' | ' ' => '-',
                c => c.to_ascii_lowercase(),
            });
        }
        // A whole name, or the block a BEM-style name starts with (`author-box` in
        // `author-box--name`), marks furniture whatever its other tokens say.
        let whole = self.names.contains(buf.as_str())
            || buf
                .match_indices('-')
                .any(|(i, _)| buf.get(..i).is_some_and(|head| self.blocks.contains(head)));
        // Otherwise the first word that means something decides: a name reads from the
        // general to the particular, so `content-sidebar-wrap` is the content's layout
        // and `relatedlinks__content` the content of a related-links box.
        let mut first: Option<bool> = None;
        let (mut comment, mut machinery) = (false, false);
        for tok in buf.split('-').filter(|t| !t.is_empty()) {
            comment |= COMMENT_WORDS.contains(&tok);
            machinery |= NOT_COMMENT_WORDS.contains(&tok);
            if first.is_some() {
                continue;
            }
            if self.keep.contains(tok) {
                first = Some(false);
            } else if self.tokens.contains(tok)
                || tok
                    .as_bytes()
                    .first()
                    .and_then(|&b| self.prefixes.get(usize::from(b)))
                    .is_some_and(|ps| ps.iter().any(|p| tok.starts_with(p.as_str())))
            {
                first = Some(true);
            }
        }
        let verdict = if whole { Some(true) } else { first };
        (verdict, comment && !machinery)
    }

    /// A judge for one page, remembering each distinct name's verdict.
    pub fn judge<'a>(&self) -> Judge<'_, 'a> {
        Judge {
            furniture: self,
            memo: HashMap::default(),
            buf: String::new(),
        }
    }
}

/// Judges the names of one page. Pages repeat the same class names hundreds of times
/// (every menu item, every card); each distinct name is tokenised once.
pub struct Judge<'f, 'a> {
    furniture: &'f Furniture,
    memo: HashMap<&'a str, (Option<bool>, bool), BuildHasherDefault<Fnv>>,
    buf: String,
}

impl<'f, 'a> Judge<'f, 'a> {
    /// Furniture when some class name, the id or the aria-label marks furniture and none
    /// marks content.
    pub fn verdict(&mut self, names: impl Iterator<Item = &'a str>) -> Verdict {
        let mut furniture = false;
        let mut comment = false;
        let mut content = false;
        for n in names {
            // Generated blobs (CSS-in-JS hashes) and utility classes (`print:hidden`,
            // `lg:basis-72`, `w-[calc(...)]`) style an element without naming what it is.
            if n.len() > 80 || n.contains([':', '[', '/', '@', '(']) {
                continue;
            }
            let verdict = match self.memo.get(n) {
                Some(&v) => v,
                None => {
                    let v = self.furniture.judge_name(n, &mut self.buf);
                    self.memo.insert(n, v);
                    v
                }
            };
            comment |= verdict.1;
            match verdict.0 {
                Some(false) => content = true,
                Some(true) => furniture = true,
                None => {}
            }
        }
        Verdict {
            furniture: furniture && !content,
            comment,
        }
    }

    #[cfg(test)]
    pub fn is_furniture(&mut self, names: impl Iterator<Item = &'a str>) -> bool {
        self.verdict(names).furniture
    }
}

/// Roles that are furniture by definition.
pub fn furniture_role(role: &str) -> bool {
    matches!(
        role,
        "navigation"
            | "banner"
            | "contentinfo"
            | "complementary"
            | "search"
            | "menu"
            | "menubar"
            | "alertdialog"
            | "toolbar"
            | "tablist"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let w = builtin_words();
        let f = Furniture::new(
            w.drop.iter().map(String::as_str),
            w.keep.iter().map(String::as_str),
        );
        let mut f = f.judge();
        assert!(f.is_furniture(["post-comments"].into_iter()));
        assert!(f.is_furniture(["sharedaddy", "sd-block"].into_iter()));
        assert!(f.is_furniture(["author-box"].into_iter()));
        assert!(f.is_furniture(["jp_relatedposts"].into_iter()));
        assert!(!f.is_furniture(["content-sidebar-wrap"].into_iter()));
        assert!(!f.is_furniture(["sidebar", "entry-content"].into_iter()));
        assert!(!f.is_furniture(["address", "header"].into_iter()));
        assert!(!f.is_furniture(["hidden-xs"].into_iter()));
        assert!(f.is_furniture(["hidden"].into_iter()));
        assert!(!f.is_furniture(["elementor-widget-container"].into_iter()));
        // A name reads from the general to the particular; a compound word is a block.
        assert!(f.is_furniture(["relatedlinks__content"].into_iter()));
        assert!(f.is_furniture(["author-box--content"].into_iter()));
        assert!(f.is_furniture(["entry-meta"].into_iter()));
        assert!(!f.is_furniture(["content-related"].into_iter()));
    }

    #[test]
    fn comments() {
        let w = builtin_words();
        let f = Furniture::new(
            w.drop.iter().map(String::as_str),
            w.keep.iter().map(String::as_str),
        );
        let mut f = f.judge();
        let v = |f: &mut Judge, n: &'static str| f.verdict(n.split(' '));
        assert_eq!(
            v(&mut f, "comments-area"),
            Verdict {
                furniture: true,
                comment: true
            }
        );
        assert!(v(&mut f, "comment-body").comment);
        assert!(v(&mut f, "disqus_thread").comment);
        assert!(!v(&mut f, "comment-respond").comment);
        assert!(!v(&mut f, "comment-reply-link").comment);
        assert!(!v(&mut f, "widget_recent_comments").comment);
        assert!(!v(&mut f, "entry-content").comment);
    }
}
