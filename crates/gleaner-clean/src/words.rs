//! Splitting a page into trimmed lines and words, and lowercasing them: the cleaners do
//! this to every line and word of every page, so the common ASCII case takes fast paths
//! that give exactly what the plain `std` calls give (the tests check them against std).

/// CJK ideographs and kana: scripts written without spaces between words, whose
/// characters the classifiers weigh more than a Latin letter.
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Appends `word` lowercased. Most words of most pages are ASCII, where lowercasing is a
/// byte copy; going through `char::to_lowercase` for those was a fifth of the text
/// cleaner's time.
pub(crate) fn push_lowercase(buf: &mut String, word: &str) {
    if word.is_ascii() {
        let start = buf.len();
        buf.push_str(word);
        if let Some(pushed) = buf.get_mut(start..) {
            pushed.make_ascii_lowercase();
        }
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// `s` without its leading and trailing non-alphanumeric chars, as
/// `s.trim_matches(|c: char| !c.is_alphanumeric())` but with no Unicode lookup where the
/// ends are ASCII: this trims every word of every page.
#[inline]
pub(crate) fn trim_non_alnum(s: &str) -> &str {
    let b = s.as_bytes();
    // Most words and lines start and end with a letter or digit.
    if b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
    {
        return s;
    }
    trim_non_alnum_slow(s)
}

#[inline(never)]
fn trim_non_alnum_slow(s: &str) -> &str {
    // Up to the first and past the last byte that is alphanumeric or not ASCII.
    let stop = |b: &u8| !b.is_ascii() || b.is_ascii_alphanumeric();
    let b = s.as_bytes();
    let start = b.iter().position(stop).unwrap_or(b.len());
    let end = b.iter().rposition(stop).map_or(start, |p| p + 1);
    // Only ASCII was skipped, so both ends are char boundaries.
    let t = s.get(start..end).unwrap_or_default();
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&f), Some(&l)) if !f.is_ascii() || !l.is_ascii() => {
            t.trim_matches(|c: char| !c.is_alphanumeric())
        }
        _ => t,
    }
}

/// `s.trim()`, without the Unicode lookups when both ends are visible ASCII.
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b.is_ascii());
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// The trimmed, non-empty lines of `text`: what `text.lines().map(str::trim)` yields,
/// less the empty ones. The text cleaner and the template learner split every page so;
/// `lines` searches for each newline through the generic char searcher, a large share
/// of the cost on short lines.
pub(crate) fn text_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let (line, next) = match memchr::memchr(b'\n', rest.as_bytes()) {
            // A newline is ASCII, so both sides of it are char boundaries.
            Some(n) => (
                rest.get(..n).unwrap_or_default(),
                rest.get(n + 1..).unwrap_or_default(),
            ),
            None => (rest, ""),
        };
        rest = next;
        // `lines` also drops a "\r" before the newline, which `trim` does too.
        let line = trim(line);
        if !line.is_empty() {
            return Some(line);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimming_non_alphanumerics() {
        for s in [
            "",
            "-",
            "«Hi»",
            "(a)",
            "...",
            "a",
            "–ø–",
            "\u{2003}x\u{a0}",
            "x’",
            "’x",
            "1.",
        ] {
            let want = s.trim_matches(|c: char| !c.is_alphanumeric());
            assert_eq!(trim_non_alnum(s), want, "{s:?}");
        }
    }

    #[test]
    fn text_lines_are_the_trimmed_nonempty_lines() {
        for t in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\nb\r\n\r\n  c  \n\n",
            "one line longer than eight bytes\nand another one, also longer\n",
            "\u{a0}x\u{a0}\n\t\n 12345678\n123456789\r",
            "\n\n\n\n\n\n\n\n\nx\n\u{2003}\n",
        ] {
            let want: Vec<&str> = t.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            assert_eq!(text_lines(t).collect::<Vec<_>>(), want, "{t:?}");
        }
        for s in [
            "",
            " ",
            "x",
            " x",
            "x ",
            "\u{a0}x",
            "x\u{3000}",
            "\x7f",
            "ab",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn text_lines_and_trims_match_std(t in r"[ a\n\r\t.,!\u{a0}\u{3000}é’-]{0,40}") {
            let want: Vec<&str> = t.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            proptest::prop_assert_eq!(text_lines(&t).collect::<Vec<_>>(), want);
            proptest::prop_assert_eq!(trim(&t), t.trim());
            let alnum = t.trim_matches(|c: char| !c.is_alphanumeric());
            proptest::prop_assert_eq!(trim_non_alnum(&t), alnum);
        }
    }
}
