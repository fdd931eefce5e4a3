//! Per-line features: everything the classifier needs to know about one line on its own.
//! Computed once per line (one scan, one reused buffer), so the classifier and its
//! fixpoint passes never look at the text again.

mod scan;

use super::stopwords::{Stopwords, NLANGS};
use crate::push_lowercase;
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

/// What a heading that ends an article opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// A counted list of comments ("12 Comments", "3 thoughts on “…”"): however much
    /// text the comments hold, none of it is the article's.
    Comments,
    /// Anything else that follows an article: "Reader Interactions", "Leave a reply",
    /// reviews, links to other pages.
    Other,
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
    pub after_article: Option<After>,
    /// A forum's or shop's button or badge ("Joined: Mar 2010", "Add to cart"): never
    /// kept, but judged like any line, so that its neighbours are judged as before.
    pub button: bool,
    /// A label line or an inline cross-link (see `labels`, set by the caller): like
    /// `button`, never kept.
    pub label: bool,
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
            after_article: if chars <= 160
                && text
                    .bytes()
                    .next()
                    .is_some_and(|b| b < 128 && OPENERS >> b & 1 != 0)
            {
                after_article(text, buf)
            } else {
                None
            },
            price: currency && chars <= 40,
            button,
            label: false,
            copy: false,
            shape,
        }
    }

    /// Share of words that are stopwords of `lang`.
    pub fn stop_density(&self, lang: Option<usize>) -> f32 {
        match lang {
            Some(l) if self.words > 0 => {
                f32::from(self.stops.get(l).copied().unwrap_or(0)) / self.words as f32
            }
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
// Built by const evaluation, where an index out of bounds fails the build.
#[allow(clippy::indexing_slicing)]
const OPENERS: u128 = {
    let s = b"0123456789CJKLMPRTVWYcjklmprtvwy";
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
fn after_article(text: &str, buf: &mut String) -> Option<After> {
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
            | "about the author"
            | "about the authors"
    ) {
        return Some(After::Other);
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
        return Some(After::Other);
    }
    for pre in ["you may also ", "you might also "] {
        if let Some(r) = t.strip_prefix(pre) {
            let like = ["like", "enjoy"].iter().any(|w| {
                r.strip_prefix(w)
                    .is_some_and(|r| r.is_empty() || r.starts_with(" these "))
            });
            return like.then_some(After::Other);
        }
    }
    for pre in ["related ", "popular "] {
        if let Some(r) = t.strip_prefix(pre) {
            let links = matches!(
                r,
                "posts" | "articles" | "stories" | "content" | "reading" | "topics" | "guides"
            ) && !(pre == "popular " && r == "content");
            return links.then_some(After::Other);
        }
    }
    // "More from Science", "More stories like this": short, or it is a sentence.
    let mut w = t.split(' ');
    if w.next() == Some("more") && t.split(' ').count() <= 6 {
        let more = match w.next() {
            Some("from") => true,
            Some("stories" | "articles" | "posts") => matches!(w.next(), Some("like" | "from")),
            _ => false,
        };
        return more.then_some(After::Other);
    }
    // "Comments (4)", "Kommentare (12)", "Vos réactions (11)".
    if let Some((word, r)) = t.rsplit_once(" (") {
        let counted = r
            .strip_suffix(')')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let word = word.rsplit(' ').next().unwrap_or(word);
        if counted && COMMENT_WORDS.contains(&word) && t.split(' ').count() <= 4 {
            return Some(After::Comments);
        }
    }
    // "12 Comments", "3 thoughts on “Title”", "142 Antworten zu „Title“".
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let rest = t.get(digits..)?.strip_prefix(' ').filter(|_| digits > 0)?;
    let (word, about) = rest.split_once(' ').unwrap_or((rest, ""));
    let counted = COMMENT_WORDS.contains(&word)
        && (about.is_empty() || ABOUT.iter().any(|a| about.starts_with(a)));
    counted.then_some(After::Comments)
}

/// What a counted heading counts when it heads an article's comments, in the languages
/// of the pages we see most. Not "replies", which forums repeat under every post.
const COMMENT_WORDS: &[&str] = &[
    "comments",
    "comment",
    "responses",
    "response",
    "thoughts",
    "thought",
    "kommentare",
    "kommentar",
    "antworten",
    "comentarios",
    "comentario",
    "commentaires",
    "commentaire",
    "réactions",
    "komentarze",
    "komentarzy",
    "komentarz",
    "commenti",
    "commento",
    "comentários",
    "comentário",
    "reacties",
    "reactie",
];

/// What a counted comments heading goes on with: "3 thoughts on “Title”".
const ABOUT: &[&str] = &[
    "on ", "zu ", "sur ", "a ", "para ", "en ", "do ", "su ", "em ", "op ",
];

/// Furniture that a line's words give away, whatever its neighbours: a cookie banner
/// ("we use cookies to improve your experience"), "Privacy Policy", "Terms of Use",
/// "All rights reserved", an image credit ("Photo: Getty Images"), an ad slot
/// ("Advertisement"), a reading time ("5 min read"), "Please enable JavaScript", an
/// outdated-browser warning, a consent manager's purposes ("Create profiles for
/// personalised advertising 71 partners can use this purpose"); and (`button`) the
/// buttons, badges and bylines of forums, shops and share bars ("Joined: Mar 2010",
/// "Posts: 158", "Improve this answer", "answered Mar 26, 2019 at 16:59", "Add to cart",
/// "Quick view", "Click to expand...", "Share on Pinterest", a lone "Reply" or "Quote").
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
    /// A post's byline or badge, which runs longer than a button: "answered Mar 26,
    /// 2019 at 16:59", "Last edited: Sep 6, 2022", "12k 5 gold badges 50 silver badges".
    byline: bool,
    /// A post's action link alone on its line: "Reply", "Quote", "Report", "Like".
    action: bool,
    /// Consent-manager vocabulary: "personalised advertising", "partners can use this
    /// purpose", "precise geolocation".
    consent: u8,
    /// An image credit anywhere in the line: "(Foto: dpa)", "Bild: Jane Doe".
    credit: bool,
    /// A leading source credit: "Quelle: Landesregierung", "Source: Reuters".
    source: bool,
    /// A share button's verb in another language: "Artikel teilen", "Compartir".
    share: bool,
    /// A newsletter promo: "Jetzt Newsletter abonnieren", "PC Gamer Newsletter".
    newsletter: bool,
}

/// Words that credit an image when a colon follows them, wherever they stand.
const CREDIT_WORDS: &[&[u8]] = &[
    b"foto",
    b"fotos",
    b"photo",
    b"photos",
    b"bild",
    b"bilder",
    b"imagen",
    b"credit",
    b"credits",
    "crédit".as_bytes(),
    "crédits".as_bytes(),
    "crédito".as_bytes(),
    "créditos".as_bytes(),
    "zdjęcie".as_bytes(),
    b"fot",
    b"fotograf",
    "fotografía".as_bytes(),
];

impl Legal {
    /// `colon`: the word is followed by a colon ("Photo:").
    fn word(&mut self, w: &[u8], colon: bool) {
        // Where a phrase stands after the previous word: 1 privacy, 2 terms, 3 terms
        // of/and, 4 rights, 5 getty, 6 min, 7 enable, 8 a leading photo/image, 9-10
        // improve this, 11 user, 12 add to / quick / sold / load, 13 last, 14 a badge
        // colour, 15 click to, 16 copy to, 17 thread, 18 start, 19 hide / show,
        // 20 share on, 21 reading, 22 out of date, 23 personalised, 24-25 use this.
        let prev = self.prev;
        let first = self.words == 0;
        self.words += 1;
        self.prev = 0;
        if colon && CREDIT_WORDS.contains(&w) {
            self.credit = true;
        }
        if w.len() >= 10 && w.windows(10).any(|x| x == b"newsletter") {
            self.newsletter = true;
        }
        // Words beyond ASCII cannot be byte-string patterns below.
        self.share |= w == "udostępnij".as_bytes();
        self.source |= first && colon && w == "źródło".as_bytes();
        match w {
            b"quelle" | b"source" | b"fuente" | b"fonte" | b"bron" if first && colon => {
                self.source = true;
            }
            b"teilen" | b"compartir" | b"partager" | b"condividi" | b"compartilhar"
            | b"partilhar" | b"delen" => self.share = true,
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
            b"browser" if prev == 22 => self.phrase = true,
            b"partners" | b"vendors" => {
                self.context = true;
                self.consent |= 4;
            }
            b"browser" | b"consent" | b"website" | b"site" | b"preferences" | b"experience"
            | b"tracking" => self.context = true,
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
            b"reply" | b"quote" | b"report" | b"permalink" | b"flag" | b"cite" | b"like"
            | b"likes" | b"bookmark" | b"follow" | b"upvoted" | b"helpful"
                if first =>
            {
                self.action = true;
            }
            b"min" => self.prev = 6,
            b"read" if prev == 6 => self.read_time = true,
            b"enable" => self.prev = 7,
            b"javascript" if prev == 7 => self.phrase = true,
            b"posts" | b"messages" if first && colon => self.button = true,
            b"joined" | b"upvote" | b"downvote" | b"modified" if first => self.button = true,
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
            b"answered" | b"asked" | b"edited" if first => self.byline = true,
            b"last" if first => self.prev = 13,
            b"edited" if prev == 13 => self.byline = true,
            b"gold" | b"silver" | b"bronze" => self.prev = 14,
            b if prev == 14 && b.starts_with(b"badge") => self.byline = true,
            b"click" | b"tap" if first => self.prev = 15,
            b"to" if prev == 15 => self.prev = 15,
            b"expand" | b"enlarge" | b"copy" if prev == 15 => self.button = true,
            b"copy" if first => self.prev = 16,
            b"to" if prev == 16 => self.prev = 16,
            b"clipboard" if prev == 16 => self.button = true,
            b"copied" | b"tweet" if first => self.button = true,
            b"thread" if first => self.prev = 17,
            b"starter" if prev == 17 => self.button = true,
            b"start" if first => self.prev = 18,
            b"date" if prev == 18 => self.button = true,
            b"date" | b"outdated" | b"unsupported" | b"alternative" => self.prev = 22,
            b"hide" | b"toggle" | b"show" if first => self.prev = 19,
            b"caption" | b"captions" | b"transcript" if prev == 19 => self.button = true,
            b"share" if first => {
                self.prev = 20;
                self.action = true;
            }
            b"on" | b"this" | b"via" if prev == 20 => self.prev = 20,
            b"article" | b"post" | b"story" | b"page" | b"facebook" | b"twitter" | b"x"
            | b"linkedin" | b"pinterest" | b"whatsapp" | b"reddit" | b"email"
                if prev == 20 =>
            {
                self.button = true;
            }
            b"reading" => self.prev = 21,
            b"time" if prev == 21 => self.read_time = true,
            b"personalised" | b"personalized" | b"precise" => self.prev = 23,
            b"advertising" | b"ads" | b"content" | b"geolocation" if prev == 23 => {
                self.consent |= 1
            }
            b"use" => self.prev = 24,
            b"this" if prev == 24 => self.prev = 25,
            b"purpose" if prev == 25 => self.consent |= 2,
            _ => {}
        }
    }

    fn button(&self) -> bool {
        ((self.button || self.share) && self.words <= 5)
            || (self.newsletter && self.words <= MAX_PROMO_WORDS)
            || (self.byline && self.words <= 10)
            || (self.action && self.words == 1)
    }

    fn found(&self) -> bool {
        self.phrase
            || (self.credit && self.words <= MAX_CAPTION_WORDS)
            || (self.source && self.words <= 8)
            || (self.cookie && self.context)
            || (self.single && self.words == 1)
            || (self.read_time && self.words <= 4)
            || (self.consent & 4 != 0 && self.consent & 3 != 0 && self.words <= 20)
    }
}

/// A newsletter promo is a line or two, not a paragraph about newsletters.
const MAX_PROMO_WORDS: u32 = 30;
/// A caption that ends in a credit is a sentence or two.
const MAX_CAPTION_WORDS: u32 = 30;

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
mod tests;
