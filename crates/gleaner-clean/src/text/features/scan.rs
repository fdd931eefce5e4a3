//! The one pass `Line::new` makes over a line. Every line of every page goes through
//! here, so ASCII, most of any page's text, is read a byte at a time against a table
//! rather than decoded into chars and run through the Unicode tables: a word of ASCII
//! is counted, and then judged, in one tight loop each. Anything else takes the general
//! path a char at a time, with the same results.

use super::super::stopwords::{Stopwords, NLANGS};
use super::{ascii_switches, switches, Legal};
use crate::{is_wide, push_lowercase, trim_non_alnum};

/// What `Line::new` counts, char by char and word by word.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(super) struct Scan {
    pub letters: u32,
    pub digits: u32,
    pub inner_stops: u32,
    /// A `©`, or a word "copyright".
    pub copyright: bool,
    pub currency: bool,
    /// Ideographs and kana.
    pub wide: u32,
    /// The hash behind `Line::shape`.
    pub shape: u64,
    /// Bytes beyond the first of each non-ASCII char: the line's length in chars is its
    /// length in bytes less these.
    pub extra_bytes: usize,
    /// Words: whitespace-separated, outer punctuation trimmed, not empty.
    pub words: u32,
    pub stops: [u16; NLANGS],
    pub glued: bool,
    pub legal: Legal,
    /// The previous char is numeric.
    numeric: bool,
    /// The previous char is `.`, `?` or `!`.
    stop: bool,
    /// The previous char is a space following a `stop`: "end. Next".
    stop_space: bool,
}

const LETTER: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 4;
const STOP: u8 = 8;
/// `char::is_whitespace` for ASCII: tab, newline, vertical tab, form feed, return, space.
const WHITE: u8 = 16;
/// Not ASCII: a byte of a longer char.
const HIGH: u8 = 32;

/// What the Unicode tables say of each ASCII char, as `LETTER | UPPER | ...` bits.
// Built by const evaluation, where an index out of bounds fails the build.
#[allow(clippy::indexing_slicing)]
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if !c.is_ascii() {
            HIGH
        } else if c.is_ascii_uppercase() {
            LETTER | UPPER
        } else if c.is_ascii_lowercase() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if matches!(c, b'.' | b'?' | b'!') {
            STOP
        } else if matches!(c, b'\t'..=b'\r' | b' ') {
            WHITE
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Per stopword mask, what it adds to `Scan::stops`: one add of eight lanes rather than
/// a loop over the mask's bits.
// Built by const evaluation, where an index out of bounds fails the build.
#[allow(clippy::indexing_slicing)]
static STOP_COUNTS: [[u16; NLANGS]; 1 << NLANGS] = {
    let mut t = [[0u16; NLANGS]; 1 << NLANGS];
    let mut m = 0;
    while m < 1 << NLANGS {
        let mut i = 0;
        while i < NLANGS {
            t[m][i] = (m >> i & 1) as u16;
            i += 1;
        }
        m += 1;
    }
    t
};

/// The class bits of byte `b`.
#[inline]
fn class(b: u8) -> u8 {
    // The table has an entry for every byte value: this never falls back.
    CLASS.get(usize::from(b)).copied().unwrap_or(0)
}

const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// ASCII words up to this many bytes are lowercased on the stack; longer ones are no
/// stopword and take the general path.
const STACK_WORD: usize = 16;

impl Scan {
    pub fn line(text: &str, sw: &Stopwords, buf: &mut String) -> Scan {
        let mut s = Scan {
            letters: 0,
            digits: 0,
            inner_stops: 0,
            copyright: false,
            currency: false,
            wide: 0,
            shape: 0xcbf2_9ce4_8422_2325,
            extra_bytes: 0,
            words: 0,
            stops: [0; NLANGS],
            glued: false,
            legal: Legal::default(),
            numeric: false,
            stop: false,
            stop_space: false,
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            let class = class(b);
            if class & WHITE != 0 {
                s.stop_space = s.stop && b == b' ';
                (s.stop, s.numeric) = (false, false);
                i += 1;
                continue;
            }
            let mut end = if class & HIGH == 0 {
                s.ascii_word(bytes, i)
            } else {
                i
            };
            // Stopped at ASCII whitespace or the end: the word is ASCII.
            let ascii = bytes.get(end).is_none_or(u8::is_ascii);
            if !ascii {
                end = s.general_word(text, end);
                if end == i {
                    // Not a word: whitespace beyond ASCII.
                    // `i` is where a char starts: every step above moves a whole char.
                    let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) else {
                        break;
                    };
                    s.char(c);
                    i += c.len_utf8();
                    continue;
                }
            }
            s.word(text.get(i..end).unwrap_or_default(), ascii, sw, buf);
            i = end;
        }
        s
    }

    /// Counts the chars from `bytes[i]`, not whitespace, up to whitespace, a non-ASCII
    /// byte or the end, and returns where it stopped. The counts live in locals
    /// meanwhile, so that they stay in registers.
    fn ascii_word(&mut self, bytes: &[u8], i: usize) -> usize {
        // Inside a word no char follows a space: only its first can open a sentence.
        if bytes.get(i).is_some_and(|&b| class(b) & UPPER != 0) && self.stop_space {
            self.inner_stops += 1;
        }
        let (mut letters, mut digits, mut shape) = (self.letters, self.digits, self.shape);
        let mut currency = false;
        // Whether the char before `bytes[j]` is numeric.
        let numeric_before = |j: usize| match j.checked_sub(1).and_then(|k| bytes.get(k)) {
            Some(&b) if j > i => class(b) & DIGIT != 0,
            _ => self.numeric,
        };
        let mut j = i;
        // Letters first: they are most of the bytes.
        while let Some(&b) = bytes.get(j) {
            let c = class(b);
            if c & LETTER != 0 {
                shape = (shape ^ u64::from(b | 0x20)).wrapping_mul(FNV_PRIME);
                letters += 1;
            } else if c & (WHITE | HIGH) != 0 {
                break;
            } else if c & DIGIT != 0 {
                // A run of digits shapes as one `0`.
                if !numeric_before(j) {
                    shape = (shape ^ u64::from(b'0')).wrapping_mul(FNV_PRIME);
                }
                digits += 1;
            } else if b == b'$' {
                currency = true;
            }
            j += 1;
        }
        // At least the first byte was taken: it is ASCII and no whitespace.
        let last = j
            .checked_sub(1)
            .and_then(|k| bytes.get(k))
            .map_or(0, |&b| class(b));
        (self.letters, self.digits, self.shape) = (letters, digits, shape);
        self.currency |= currency;
        self.numeric = last & DIGIT != 0;
        self.stop = last & STOP != 0;
        self.stop_space = false;
        j
    }

    /// Counts the chars from `text[i..]` up to whitespace or the end, a char at a time,
    /// and returns where it stopped.
    fn general_word(&mut self, text: &str, i: usize) -> usize {
        let mut j = i;
        for c in text.get(i..).unwrap_or_default().chars() {
            if c.is_whitespace() {
                break;
            }
            self.char(c);
            j += c.len_utf8();
        }
        j
    }

    /// Counts any char.
    fn char(&mut self, c: char) {
        self.extra_bytes += c.len_utf8() - 1;
        // Each Unicode table looked up once: beyond ASCII they are binary searches.
        let (alphabetic, numeric) = (c.is_alphabetic(), c.is_numeric());
        let mut mix = |v: u32| self.shape = (self.shape ^ u64::from(v)).wrapping_mul(FNV_PRIME);
        if alphabetic {
            mix(if c.is_ascii() {
                u32::from(c.to_ascii_lowercase())
            } else {
                u32::from(c)
            });
        } else if numeric && !self.numeric {
            mix(u32::from('0'));
        }
        if is_wide(c) {
            self.wide += 1;
        }
        if alphabetic {
            self.letters += 1;
            if c.is_uppercase() && self.stop_space {
                self.inner_stops += 1;
            }
        } else if numeric {
            self.digits += 1;
        } else if c == '©' {
            self.copyright = true;
        } else if matches!(c, '$' | '€' | '£' | '¥' | '₹') {
            self.currency = true;
        }
        self.numeric = numeric;
        self.stop_space = self.stop && c == ' ';
        self.stop = matches!(c, '.' | '?' | '!');
    }

    /// Judges a whitespace-separated word, `ascii` if it is all ASCII.
    fn word(&mut self, raw: &str, ascii: bool, sw: &Stopwords, buf: &mut String) {
        let w = trim_non_alnum(raw);
        let Some(&first) = w.as_bytes().first() else {
            return;
        };
        self.words += 1;
        let upper = if first.is_ascii() {
            first.is_ascii_uppercase()
        } else {
            w.chars().next().is_some_and(char::is_uppercase)
        };
        if upper {
            self.glued |= if ascii {
                ascii_switches(w)
            } else {
                switches(w)
            } >= 2;
        }
        let colon = raw.ends_with(':');
        let mut stack = [0u8; STACK_WORD];
        let (lower, mask): (&[u8], u8) = if ascii && w.len() <= STACK_WORD {
            for (l, b) in stack.iter_mut().zip(w.as_bytes()) {
                *l = b.to_ascii_lowercase();
            }
            // Zero-padded: its first eight bytes are the stopword table's key.
            let (head, _) = stack.split_first_chunk::<8>().unwrap_or((&[0; 8], &[]));
            let key = u64::from_le_bytes(*head);
            let lower = stack.get(..w.len()).unwrap_or_default();
            (lower, sw.mask_packed(key, w.len()))
        } else {
            buf.clear();
            push_lowercase(buf, w);
            (buf.as_bytes(), sw.mask(buf.as_bytes()))
        };
        if mask != 0 {
            let counts = STOP_COUNTS.get(usize::from(mask)).unwrap_or(&[0; NLANGS]);
            for (s, n) in self.stops.iter_mut().zip(counts) {
                *s += n;
            }
        } else if lower == b"copyright" {
            self.copyright = true;
        }
        self.legal.word(lower, colon);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The general path alone: every char through `Scan::char`, every word as non-ASCII.
    fn by_chars(text: &str) -> Scan {
        let (sw, buf) = (&Stopwords::new(), &mut String::new());
        let mut s = Scan::line("", sw, buf);
        let mut start = None;
        for (i, c) in text.char_indices() {
            s.char(c);
            if !c.is_whitespace() {
                start = start.or(Some(i));
            } else if let Some(st) = start.take() {
                s.word(text.get(st..i).unwrap_or_default(), false, sw, buf);
            }
        }
        if let Some(st) = start {
            s.word(text.get(st..).unwrap_or_default(), false, sw, buf);
        }
        s
    }

    fn same(text: &str) {
        let fast = Scan::line(text, &Stopwords::new(), &mut String::new());
        assert_eq!(fast, by_chars(text), "{text:?}");
    }

    #[test]
    fn ascii_path_counts_like_the_general_one() {
        for t in [
            "",
            " ",
            "The talks ended. Nobody expected much. he said!  Why? Because.",
            "Copyright 2024 © Example — all rights reserved",
            "Add to cart: $36.00 or 12,50 € (2x)",
            "HomeWorldRussia\u{a0}And Ukraine\u{3000}東京都は来月 Ⅻ ¹²3",
            "Photo: Getty Images\tPrivacy\x0bPolicy\x0cTerms of\rUse",
            "«Quoted.» Über die Straße. İstanbul’s KELVIN \u{212a}elvin",
        ] {
            same(t);
        }
    }

    proptest! {
        #[test]
        fn any_line_counts_like_the_general_one(
            t in r"([ a-zA-Z0-9.?!:$,'\t\x0b\x0c\r©€ÄäßİÉé’\u{a0}\u{2003}\u{3000}東Ⅻ²]{0,12}){0,6}"
        ) {
            same(&t);
        }

        #[test]
        fn any_string_counts_like_the_general_one(t in any::<String>()) {
            same(&t);
        }
    }
}
