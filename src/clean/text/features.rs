//! Per-line features: everything the classifier needs to know about one line on its own.
//! Computed once per line (one scan, one reused buffer), so the classifier and its
//! fixpoint passes never look at the text again.

mod scan;

use super::stopwords::{Stopwords, NLANGS};
use crate::clean::push_lowercase;
use scan::Scan;

/// How a line ends, which separates prose and headings from labels and fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `.`, possibly followed by a closing quote or bracket.
    Period,
    /// `?` or `!`: questions make good headings, exclamations good prose.
    Mark,
    /// `:` or `;`: an introduction to what follows.
    Colon,
    /// `...` / `…`: truncated teasers and breadcrumbs.
    Ellipsis,
    None,
}

#[derive(Debug, Clone)]
pub struct Line<'a> {
    pub text: &'a str,
    pub chars: u32,
    pub words: u32,
    /// Stopword hits per language of `stopwords::LANGS`.
    pub stops: [u16; NLANGS],
    pub letters: u32,
    pub digits: u32,
    pub ending: Ending,
    /// Sentence boundaries inside the line (". X", "? X"), a strong sign of prose.
    pub inner_stops: u32,
    /// Nothing alphanumeric at all: "-", "|", "•••".
    pub separator: bool,
    /// A word with two or more lower-to-upper switches ("HomeWorldRussia"): navigation
    /// items glued together by a careless text dump.
    pub glued: bool,
    /// First letter uppercase (or the line opens with a digit, as numbered headings do).
    pub opens_upper: bool,
    /// A copyright notice; jusText's one content-free "always bad" signal that survives
    /// in plain text.
    pub copyright: bool,
    /// Opens what follows an article: its comments ("12 Comments", "3 thoughts on “…”",
    /// "Reader Interactions") or links to other pages ("You may also like", "Read next").
    pub after_article: bool,
    /// A forum's or shop's button or badge ("Joined: Mar 2010", "Add to cart"): never
    /// kept, but judged like any line, so that its neighbours are judged as before.
    pub button: bool,
    /// A later copy of a longer line the page holds twice (set by the caller): like
    /// `button`, never kept.
    pub copy: bool,
    /// A short line with a currency sign: an item's price ("$36", "From €24.90").
    pub price: bool,
    /// A hash of the line's letters, lowercased, with each run of digits as one `0` and
    /// everything else ignored: "Regular Price: $36" and "Regular price $24.90" share it.
    pub shape: u64,
}

impl<'a> Line<'a> {
    /// One pass over the line (see `scan`), then what is judged on the line as a whole.
    pub fn new(text: &'a str, sw: &Stopwords, buf: &mut String) -> Line<'a> {
        let scan = Scan::line(text, sw, buf);
        let Scan {
            letters,
            digits,
            inner_stops,
            copyright,
            currency,
            wide,
            shape,
            ..
        } = scan;
        // Ideographs and kana carry a word's worth of text each, with no spaces between
        // them: they count three times, so CJK prose measures like Latin prose.
        let chars = (text.len() - scan.extra_bytes) as u32 + 2 * wide;
        let copyright = copyright || scan.legal.found();
        let button = scan.legal.button();
        Line {
            text,
            chars,
            // Two ideographs make about one word of a spaced language.
            words: scan.words + wide / 2,
            stops: scan.stops,
            letters,
            digits,
            ending: ending(text),
            inner_stops,
            separator: letters + digits == 0,
            glued: scan.glued,
            opens_upper: text
                .chars()
                .find(|c| c.is_alphanumeric())
                .is_some_and(|c| c.is_uppercase() || c.is_numeric()),
            copyright,
            after_article: chars <= 160
                && text
                    .bytes()
                    .next()
                    .is_some_and(|b| b < 128 && OPENERS >> b & 1 != 0)
                && after_article(text, buf),
            price: currency && chars <= 40,
            button,
            copy: false,
            shape,
        }
    }

    /// Share of words that are stopwords of `lang`.
    pub fn stop_density(&self, lang: Option<usize>) -> f32 {
        match lang {
            Some(l) if self.words > 0 => f32::from(self.stops[l]) / self.words as f32,
            _ => 0.0,
        }
    }

    /// Looks like a heading: a short, capitalised line that doesn't end like a sentence.
    pub fn heading_like(&self) -> bool {
        self.words >= 1
            && self.words <= 16
            && self.chars <= 120
            && self.letters >= 2
            && self.opens_upper
            && !self.glued
            && self.inner_stops == 0
            && matches!(self.ending, Ending::None | Ending::Mark | Ending::Colon)
    }

    /// Looks like the headline: a heading with several words, most of them capitalised or
    /// a sentence-case title, and no trailing colon.
    pub fn headline_like(&self) -> bool {
        self.heading_like()
            && self.words >= 3
            && self.chars >= 15
            && !matches!(self.ending, Ending::Colon)
            && self.digits * 3 < self.chars
    }
}

/// The bytes `after_article`'s phrases can open with, as a bit set (a slice's `contains`
/// would call memchr for every line).
const OPENERS: u128 = {
    let s = b"0123456789CJKLMPRTWYcjklmprtwy";
    let (mut set, mut i) = (0u128, 0);
    while i < s.len() {
        set |= 1 << s[i];
        i += 1;
    }
    set
};

/// "12 Comments", "3 thoughts on “Title”", "Comments (4)", "Reader Interactions": the
/// heading of the comments under an article (or of the reviews under a product), not "Add a comment" or "2 replies", which
/// forums repeat under every post. Or the heading of the links to other pages that
/// follow it: "You may also like", "Related posts", "More from Science".
fn after_article(text: &str, buf: &mut String) -> bool {
    buf.clear();
    push_lowercase(buf, text.trim_end_matches([':', '.', '!', '…', ' ']));
    let t = buf.as_str();
    if matches!(
        t,
        "reader interactions"
            | "leave a reply"
            | "leave a comment"
            | "post a comment"
            | "join the conversation"
            | "read next"
            | "keep reading"
            | "trending"
            | "trending now"
            | "recent posts"
    ) {
        return true;
    }
    // The reviews under a product are its comments: "Customer Reviews", "Reviews (12)",
    // "12 reviews". Counts around the words are ignored.
    let core = t
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ')
        .trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')'));
    if matches!(
        core,
        "reviews"
            | "customer reviews"
            | "ratings & reviews"
            | "ratings and reviews"
            | "reviews & ratings"
            | "customer ratings"
            | "top reviews"
            | "most helpful reviews"
            | "testimonials"
            | "what our customers say"
            | "what customers are saying"
            | "write a review"
    ) {
        return true;
    }
    for pre in ["you may also ", "you might also "] {
        if let Some(r) = t.strip_prefix(pre) {
            return ["like", "enjoy"].iter().any(|w| {
                r.strip_prefix(w)
                    .is_some_and(|r| r.is_empty() || r.starts_with(" these "))
            });
        }
    }
    for pre in ["related ", "popular "] {
        if let Some(r) = t.strip_prefix(pre) {
            return matches!(r, "posts" | "articles" | "stories" | "content")
                && !(pre == "popular " && r == "content");
        }
    }
    // "More from Science", "More stories like this": short, or it is a sentence.
    let mut w = t.split(' ');
    if w.next() == Some("more") && t.split(' ').count() <= 6 {
        return match w.next() {
            Some("from") => true,
            Some("stories" | "articles" | "posts") => matches!(w.next(), Some("like" | "from")),
            _ => false,
        };
    }
    if let Some(r) = t.strip_prefix("comments (") {
        return r
            .strip_suffix(')')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let Some(rest) = t[digits..].strip_prefix(' ').filter(|_| digits > 0) else {
        return false;
    };
    [
        "comments",
        "comment",
        "responses",
        "response",
        "thoughts",
        "thought",
    ]
    .iter()
    .any(|w| {
        rest.strip_prefix(w)
            .is_some_and(|r| r.is_empty() || r.starts_with(" on "))
    })
}

/// Furniture that a line's words give away, whatever its neighbours: a cookie banner
/// ("we use cookies to improve your experience"), "Privacy Policy", "Terms of Use",
/// "All rights reserved", an image credit ("Photo: Getty Images"), an ad slot
/// ("Advertisement"), a reading time ("5 min read"), "Please enable JavaScript"; and
/// (`button`) the buttons and badges of forums and shops ("Joined: Mar 2010",
/// "Posts: 158", "Improve this answer", "Add to cart", "Quick view").
/// Fed one lowercased word at a time.
#[derive(Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
struct Legal {
    words: u32,
    prev: u8,
    cookie: bool,
    context: bool,
    phrase: bool,
    single: bool,
    read_time: bool,
    /// A button or badge, if the line holds nothing else (at most five words).
    button: bool,
}

impl Legal {
    /// `colon`: the word is followed by a colon ("Photo:").
    fn word(&mut self, w: &[u8], colon: bool) {
        // What the previous word was: 1 privacy, 2 terms, 3 terms of/and, 4 rights,
        // 5 getty, 6 min, 7 enable, 8 a leading photo/image.
        let prev = self.prev;
        let first = self.words == 0;
        self.words += 1;
        self.prev = 0;
        match w {
            b"cookie" | b"cookies" => self.cookie = true,
            b"privacy" => {
                self.context = true;
                self.prev = 1;
            }
            b"policy" | b"notice" if prev == 1 => self.phrase = true,
            b"terms" => self.prev = 2,
            b"of" | b"and" if prev == 2 => self.prev = 3,
            b"use" | b"service" | b"conditions" if prev == 3 => self.phrase = true,
            b"rights" => self.prev = 4,
            b"reserved" if prev == 4 => self.phrase = true,
            b"browser" | b"consent" | b"website" | b"site" | b"preferences" | b"experience"
            | b"partners" | b"tracking" => self.context = true,
            b"photo" | b"photos" | b"image" | b"images" | b"credit" | b"credits"
            | b"photograph"
                if first =>
            {
                self.phrase |= colon;
                self.prev = 8;
            }
            b"credit" | b"courtesy" if prev == 8 => self.phrase = true,
            b"getty" => self.prev = 5,
            b"images" if prev == 5 => self.phrase = true,
            b"shutterstock" | b"istock" => self.phrase = true,
            b"advertisement" | b"sponsored" if first => self.single = true,
            b"min" => self.prev = 6,
            b"read" if prev == 6 => self.read_time = true,
            b"enable" => self.prev = 7,
            b"javascript" if prev == 7 => self.phrase = true,
            b"posts" | b"messages" if first && colon => self.button = true,
            b"joined" | b"upvote" | b"downvote" | b"answered" | b"asked" | b"edited"
            | b"modified"
                if first =>
            {
                self.button = true;
            }
            b"improve" if first => self.prev = 9,
            b"this" if prev == 9 => self.prev = 10,
            b"answer" | b"question" if prev == 10 => self.button = true,
            b"user" => self.prev = 11,
            b"avatar" if prev == 11 => self.button = true,
            b"add" | b"quick" | b"sold" | b"load" if first => self.prev = 12,
            b"to" | b"a" if prev == 12 => self.prev = 12,
            b"cart" | b"bag" | b"basket" | b"wishlist" | b"comment" | b"view" | b"out"
            | b"more"
                if prev == 12 =>
            {
                self.button = true;
            }
            _ => {}
        }
    }

    fn button(&self) -> bool {
        self.button && self.words <= 5
    }

    fn found(&self) -> bool {
        self.phrase
            || (self.cookie && self.context)
            || (self.single && self.words == 1)
            || (self.read_time && self.words <= 4)
    }
}

/// Lower-to-upper case switches inside a word: "iPhone" 1, "HomeWorldRussia" 2.
fn switches(w: &str) -> u32 {
    if w.is_ascii() {
        return ascii_switches(w);
    }
    let mut n = 0;
    let mut lower = false;
    for c in w.chars() {
        if c.is_uppercase() && lower {
            n += 1;
        }
        lower = c.is_lowercase();
    }
    n
}

/// `switches` of an ASCII word.
fn ascii_switches(w: &str) -> u32 {
    let mut n = 0;
    let mut lower = false;
    for b in w.bytes() {
        n += u32::from(b.is_ascii_uppercase() && lower);
        lower = b.is_ascii_lowercase();
    }
    n
}

fn ending(text: &str) -> Ending {
    let t = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '*')
    });
    if t.ends_with("...") || t.ends_with('…') {
        Ending::Ellipsis
    } else if t.ends_with(['.', '。']) {
        Ending::Period
    } else if t.ends_with(['?', '!', '？', '！']) {
        Ending::Mark
    } else if t.ends_with([':', ';']) {
        Ending::Colon
    } else {
        Ending::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(t: &str) -> Line<'_> {
        Line::new(t, &Stopwords::new(), &mut String::new())
    }

    #[test]
    fn cjk_text_measures_like_prose() {
        let l = line("東京都は来月から新しい交通規則を導入すると発表しました。専門家によると、この変更は多くの市民の日常生活に影響を与える見込みです。");
        assert!(
            l.chars > 150 && l.words > 25,
            "{} chars, {} words",
            l.chars,
            l.words
        );
        assert_eq!(l.ending, Ending::Period);
    }

    #[test]
    fn features_of_typical_lines() {
        let p = line("The talks ended. Nobody expected much of them, he said.");
        assert_eq!(p.ending, Ending::Period);
        assert_eq!(p.inner_stops, 1);
        assert!(p.stop_density(Some(0)) > 0.3);
        assert!(!p.heading_like());
        assert!(line("What the papers say").heading_like());
        assert!(line("What's behind the headline?").heading_like());
        assert!(line("-").separator);
        assert!(line("HomeWorldRussia And Ukraine Make Scant Progress...").glued);
        assert!(!line("iPhone sales rise").glued);
        assert_eq!(line("Leaders In Brief…").ending, Ending::Ellipsis);
        assert!(line("© 2025 Example Inc").copyright);
        assert!(line("We use cookies to improve your experience on our website.").copyright);
        assert!(!line("Bake the cookies for twelve minutes.").copyright);
        assert!(line("Privacy Policy").copyright);
        assert!(line("Photo: Jane Doe for The Times").copyright);
        assert!(!line("Photo albums were her passion").copyright);
        assert!(line("Advertisement").copyright);
        assert!(line("5 min read").copyright);
        assert!(line("Joined: Mar 2010").button);
        assert!(line("Add to cart").button);
        assert!(!line("Add a pinch of salt and stir").button);
        assert!(line("$36.00").price);
        assert!(line("12 Comments").after_article);
        assert!(line("3 thoughts on “Why bother”").after_article);
        assert!(line("Comments (4)").after_article);
        assert!(!line("Add a comment").after_article);
        assert!(!line("12 comments were left").after_article);
        assert!(line("You Might Also Like…").after_article);
        assert!(line("More from Science").after_article);
        assert!(line("Related Stories").after_article);
        assert!(line("Customer Reviews (12)").after_article);
        assert!(line("12 reviews").after_article);
        assert!(!line("Reviews of the new budget").after_article);
        assert!(!line("More from the board's chair, who spoke at length about it").after_article);
    }
}
