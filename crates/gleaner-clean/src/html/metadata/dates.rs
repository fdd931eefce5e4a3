//! Reading a calendar day out of a string: an attribute's value (`2024-03-05T10:00Z`,
//! `Thu, 05 Mar 2024 10:00:00 +0000`) or a line of page text ("Published 5. März 2024",
//! "Dec 19th, 2025 @08:00PM").
//!
//! The string is cut into tokens (digit runs, letter runs, single punctuation marks) by
//! walking its chars, so no byte offset into page text is ever taken; date shapes are then
//! matched on the tokens. Numeric dates whose day and month could swap (`03/05/2024`) take
//! the order the page's language uses. A day before 1995 (before the web was written in
//! dated pages) or after 2100 is no publication date and is refused.

use chrono::{Datelike, NaiveDate};

/// How an ambiguous all-numeric date with `/` reads: month first (US English) or day
/// first (nearly everywhere else). Dates with `.` or `-` are read day first regardless.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Order {
    MonthFirst,
    DayFirst,
}

impl Order {
    /// The order a page declared in `lang` writes `/` dates in.
    pub(super) fn for_language(lang: Option<&str>) -> Order {
        let Some(lang) = lang.map(str::to_ascii_lowercase) else {
            return Order::MonthFirst;
        };
        let lang = lang.replace('_', "-");
        let mut parts = lang.split('-');
        let main = parts.next().unwrap_or("");
        let region = parts.next().unwrap_or("");
        // English without a region, and the US-style regions, put the month first; so
        // does a page that declares no language.
        if main.is_empty() || (main == "en" && matches!(region, "" | "us" | "ph" | "ca")) {
            Order::MonthFirst
        } else {
            Order::DayFirst
        }
    }
}

/// The earliest and latest year taken as a publication date.
const MIN_YEAR: i32 = 1995;
const MAX_YEAR: i32 = 2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    /// A run of ASCII digits: its value (saturated) and length.
    Num(u32, usize),
    /// A run of letters, as written.
    Word(&'a str),
    /// One punctuation char.
    Mark(char),
}

/// The string's tokens; whitespace separates but is not kept. Every cut is at a
/// `char_indices` boundary.
fn tokens(s: &str) -> Vec<Tok<'_>> {
    tokens_at(s).0
}

/// The tokens, and the byte offset (a char boundary) where each starts.
fn tokens_at(s: &str) -> (Vec<Tok<'_>>, Vec<usize>) {
    let mut out = Vec::new();
    let mut starts = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some((start, c)) = it.next() {
        if !c.is_whitespace() {
            starts.push(start);
        }
        if c.is_ascii_digit() {
            let mut value = c.to_digit(10).unwrap_or(0);
            let mut len = 1;
            while let Some(&(_, d)) = it.peek() {
                let Some(v) = d.to_digit(10).filter(|_| d.is_ascii_digit()) else {
                    break;
                };
                value = value.saturating_mul(10).saturating_add(v);
                len += 1;
                it.next();
            }
            out.push(Tok::Num(value, len));
        } else if c.is_alphabetic() {
            let mut end = start + c.len_utf8();
            while let Some(&(i, d)) = it.peek() {
                if !d.is_alphabetic() || is_cjk_date_mark(d) {
                    break;
                }
                end = i + d.len_utf8();
                it.next();
            }
            // A CJK date mark (年月日) stands alone so that 2024年3月5日 tokenises.
            if is_cjk_date_mark(c) {
                end = start + c.len_utf8();
            }
            out.push(Tok::Word(s.get(start..end).unwrap_or("")));
        } else if !c.is_whitespace() {
            out.push(Tok::Mark(c));
        }
        if out.len() > 256 {
            break;
        }
    }
    (out, starts)
}

fn is_cjk_date_mark(c: char) -> bool {
    matches!(c, '年' | '月' | '日')
}

/// Month names and their usual abbreviations in English, German, French, Spanish,
/// Italian, Dutch and Portuguese (lower case; a trailing `.` is dropped before lookup).
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("jänner", 1),
    ("janvier", 1),
    ("janv", 1),
    ("enero", 1),
    ("ene", 1),
    ("gennaio", 1),
    ("gen", 1),
    ("januari", 1),
    ("janeiro", 1),
    ("february", 2),
    ("feb", 2),
    ("febr", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("fevr", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("februari", 2),
    ("fevereiro", 2),
    ("fev", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("maerz", 3),
    ("mär", 3),
    ("mars", 3),
    ("marzo", 3),
    ("maart", 3),
    ("mrt", 3),
    ("março", 3),
    ("marco", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("avr", 4),
    ("abril", 4),
    ("abr", 4),
    ("aprile", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("mag", 5),
    ("mei", 5),
    ("maio", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("giugno", 6),
    ("giu", 6),
    ("junho", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("juil", 7),
    ("julio", 7),
    ("luglio", 7),
    ("lug", 7),
    ("julho", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("ago", 8),
    ("augustus", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("settembre", 9),
    ("set", 9),
    ("setembro", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("okt", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("ott", 10),
    ("outubro", 10),
    ("out", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("dez", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    ("diciembre", 12),
    ("dic", 12),
    ("dicembre", 12),
    ("dezembro", 12),
];

fn month(word: &str) -> Option<u32> {
    // Month names are short; a long word is none and needs no lower-casing.
    if word.len() > 12 {
        return None;
    }
    let w = word.to_lowercase();
    MONTHS.iter().find(|(name, _)| *name == w).map(|&(_, m)| m)
}

/// Words that may sit between a day and its month or year ("5 de marzo de 2024",
/// "le 5 mars", "19th").
fn is_filler(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "de" | "del" | "of" | "st" | "nd" | "rd" | "th" | "er" | "º"
    )
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn year(t: Option<&Tok<'_>>) -> Option<i32> {
    match t {
        Some(&Tok::Num(v, 4)) => i32::try_from(v).ok(),
        _ => None,
    }
}

fn small(t: Option<&Tok<'_>>) -> Option<u32> {
    match t {
        Some(&Tok::Num(v, 1 | 2)) => Some(v),
        _ => None,
    }
}

/// The first date in `s`, read in `order` when its numbers alone are ambiguous.
pub(super) fn find_date(s: &str, order: Order) -> Option<NaiveDate> {
    let toks = tokens(s);
    (0..toks.len()).find_map(|i| date_at(&toks, i, order))
}

/// Where the first date in `s` starts (a byte offset at a char boundary).
pub(super) fn date_start(s: &str, order: Order) -> Option<usize> {
    let (toks, starts) = tokens_at(s);
    let i = (0..toks.len()).find(|&i| date_at(&toks, i, order).is_some())?;
    starts.get(i).copied()
}

/// Whether `s` holds a month name next to a day number ("Dec 14", "5. März"): a date
/// even without its year.
pub(super) fn has_day_and_month(s: &str) -> bool {
    let toks: Vec<Tok<'_>> = tokens(s)
        .into_iter()
        .filter(|t| !matches!(t, Tok::Mark('.')))
        .collect();
    toks.windows(2).any(|w| match w {
        [Tok::Word(m), Tok::Num(_, 1 | 2)] | [Tok::Num(_, 1 | 2), Tok::Word(m)] => {
            month(m).is_some()
        }
        _ => false,
    })
}

/// A date whose first token is `toks[i]`.
fn date_at(toks: &[Tok<'_>], i: usize, order: Order) -> Option<NaiveDate> {
    let at = |k: usize| toks.get(i + k);
    match toks.get(i)? {
        // 2024-03-05, 2024/03/05, 2024.03.05, 2024年3月5日
        &Tok::Num(y, 4) => {
            let sep = at(1)?;
            match (sep, at(3)) {
                (Tok::Mark(a @ ('-' | '/' | '.')), Some(Tok::Mark(b))) if a == b => {
                    day(i32::try_from(y).ok()?, small(at(2))?, small(at(4))?)
                }
                (Tok::Word("年"), Some(Tok::Word("月"))) => {
                    day(i32::try_from(y).ok()?, small(at(2))?, small(at(4))?)
                }
                // "2023 Jan 7" (bibliographic), "2024 March 5"
                (Tok::Word(w), _) => {
                    let m = month(w)?;
                    let k = if matches!(at(2), Some(Tok::Mark('.'))) {
                        3
                    } else {
                        2
                    };
                    day(i32::try_from(y).ok()?, m, small(at(k))?)
                }
                _ => None,
            }
        }
        &Tok::Num(d, 1 | 2) => match at(1)? {
            // 05.03.2024, 05/03/2024, 05-03-2024 (and 5. März 2024 below)
            Tok::Mark(a @ ('-' | '/' | '.')) if matches!(at(3), Some(Tok::Mark(b)) if b == a) => {
                let (m, y) = (small(at(2))?, year(at(4))?);
                // Unambiguous when one number cannot be a month; else `/` dates follow
                // the page's language and the others are day first.
                let (day_n, month_n) = if d > 12 {
                    (d, m)
                } else if m > 12 || (*a == '/' && order == Order::MonthFirst) {
                    (m, d)
                } else {
                    (d, m)
                };
                self::day(y, month_n, day_n)
            }
            _ => day_month_year(toks, i, d),
        },
        Tok::Word(w) => {
            let m = month(w)?;
            month_day_year(toks, i + 1, m)
        }
        Tok::Num(..) | Tok::Mark(_) => None,
    }
}

/// "5 March 2024", "5. März 2024", "5 de marzo de 2024", "20 Dec, 2025": the day is
/// `toks[i]`.
fn day_month_year(toks: &[Tok<'_>], i: usize, d: u32) -> Option<NaiveDate> {
    let mut k = i + 1;
    let mut month_n = None;
    // Up to three tokens between the day and the month: ".", "de", "th", "le".
    while k < i + 5 {
        match toks.get(k)? {
            Tok::Mark('.' | ',') => {}
            Tok::Word(w) if is_filler(w) => {}
            Tok::Word(w) => {
                month_n = Some(month(w)?);
                k += 1;
                break;
            }
            _ => return None,
        }
        k += 1;
    }
    let m = month_n?;
    while k < i + 8 {
        match toks.get(k)? {
            Tok::Mark('.' | ',') => {}
            Tok::Word(w) if is_filler(w) => {}
            t @ Tok::Num(_, 4) => return day(year(Some(t))?, m, d),
            _ => return None,
        }
        k += 1;
    }
    None
}

/// "March 5, 2024", "Dec 19th 2025", "Mar. 5 2024": the month was just before `toks[k]`.
fn month_day_year(toks: &[Tok<'_>], mut k: usize, m: u32) -> Option<NaiveDate> {
    if matches!(toks.get(k), Some(Tok::Mark('.'))) {
        k += 1;
    }
    let d = small(toks.get(k))?;
    k += 1;
    let stop = k + 3;
    while k < stop {
        match toks.get(k)? {
            Tok::Mark('.' | ',') => {}
            Tok::Word(w) if is_filler(w) => {}
            t @ Tok::Num(_, 4) => return day(year(Some(t))?, m, d),
            _ => return None,
        }
        k += 1;
    }
    None
}

/// A date written as one structured value (an attribute, a JSON-LD field): ISO 8601 and
/// its relatives, RFC 2822, a compact `20240305`, or any of the text forms. `None` when
/// no plausible day can be read.
pub(super) fn parse_value(s: &str, order: Order) -> Option<NaiveDate> {
    let s = s.trim().trim_matches('"');
    let toks = tokens(s);
    // A compact YYYYMMDD (optionally followed by a time) is only read in a value,
    // never in free text, where an eight-digit number is rarely a date.
    if let Some(&Tok::Num(v, 8)) = toks.first() {
        let (y, m, d) = (v / 10_000, v / 100 % 100, v % 100);
        return day(i32::try_from(y).ok()?, m, d);
    }
    // The value's date is at its start, after at most a weekday ("Thu, 05 Mar 2024").
    (0..toks.len().min(4)).find_map(|i| date_at(&toks, i, order))
}

/// Normalises a date to YYYY-MM-DD when it can be read; `None` when it cannot (a value
/// that is no date is not kept: a date field users sort by must hold dates).
#[cfg(test)]
pub fn normalise_date(s: &str) -> Option<String> {
    parse_value(s, Order::MonthFirst).map(iso)
}

pub(super) fn iso(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// `/2024/03/05/slug` → 2024-03-05. The day may run into the slug (`/05-slug`); a path
/// segment may also open with a whole date (`/2024-03-05-slug`, `/20240305-slug`).
#[cfg(test)]
pub fn date_from_url(url: &str) -> Option<String> {
    url_day(url).map(iso)
}

/// The day of [`date_from_url`].
pub(super) fn url_day(url: &str) -> Option<NaiveDate> {
    // The path only: a host or query has no article date.
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    let nested = parts.windows(3).find_map(|w| {
        let [y, m, d] = w else { return None };
        if y.len() != 4 || m.len() != 2 || !is_digits(y) || !is_digits(m) {
            return None;
        }
        // The day's two chars, when both are ASCII digits and no digit follows.
        let mut chars = d.chars();
        let day_str: String = chars.by_ref().take(2).collect();
        if day_str.len() != 2
            || !is_digits(&day_str)
            || chars.next().is_some_and(|c| c.is_ascii_digit())
        {
            return None;
        }
        let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, day_str.parse().ok()?);
        day(y, m, d)
    });
    nested.or_else(|| parts.iter().find_map(|seg| segment_date(seg)))
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A path segment that opens with `YYYY-MM-DD` or `YYYY_MM_DD` followed by the end or a
/// separator (`2024-03-05-slug`, `2024-03-05.html`).
fn segment_date(seg: &str) -> Option<NaiveDate> {
    let toks = tokens(seg);
    match toks.as_slice() {
        [Tok::Num(y, 4), Tok::Mark(a), Tok::Num(m, 2), Tok::Mark(b), Tok::Num(d, 2), rest @ ..]
            if a == b && matches!(a, '-' | '_') && !matches!(rest.first(), Some(Tok::Num(..))) =>
        {
            day(i32::try_from(*y).ok()?, *m, *d)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> Option<String> {
        find_date(s, Order::MonthFirst).map(iso)
    }

    #[test]
    fn formats_in_the_languages_of_the_dev_sets() {
        for (text, want) in [
            ("2024-03-05T10:00:00+01:00", "2024-03-05"),
            ("Published on March 5, 2024", "2024-03-05"),
            ("on Friday December 19, 2025 @08:00PM", "2025-12-19"),
            ("Dec 19th 2025", "2025-12-19"),
            ("Sat, 20 Dec, 2025 - 06:36", "2025-12-20"),
            ("Thu, 05 Mar 2024 10:00:00 +0000", "2024-03-05"),
            ("Veröffentlicht am 5. März 2024", "2024-03-05"),
            ("12.11.2025, 09:21 Uhr", "2025-11-12"),
            ("publié le 3 février 2024", "2024-02-03"),
            ("5 de marzo de 2024", "2024-03-05"),
            ("7 settembre 2023", "2023-09-07"),
            ("12 mrt. 2024", "2024-03-12"),
            ("1 de janeiro de 2020", "2020-01-01"),
            ("2024年3月5日", "2024-03-05"),
            ("2024/03/05", "2024-03-05"),
            ("Last updated: Sept. 3, 2024", "2024-09-03"),
            ("2023 Jan 7", "2023-01-07"),
        ] {
            assert_eq!(f(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn ambiguous_numbers_follow_the_page_language() {
        assert_eq!(
            find_date("03/05/2024", Order::MonthFirst)
                .map(iso)
                .as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(
            find_date("03/05/2024", Order::DayFirst).map(iso).as_deref(),
            Some("2024-05-03")
        );
        // A number above 12 settles it whatever the language.
        assert_eq!(
            find_date("25/09/2025", Order::MonthFirst)
                .map(iso)
                .as_deref(),
            Some("2025-09-25")
        );
        assert_eq!(
            find_date("09/25/2025", Order::DayFirst).map(iso).as_deref(),
            Some("2025-09-25")
        );
        // Dots and dashes are day first.
        assert_eq!(
            find_date("02-12-2025", Order::MonthFirst)
                .map(iso)
                .as_deref(),
            Some("2025-12-02")
        );
        assert_eq!(
            find_date("11-29-2024,", Order::DayFirst)
                .map(iso)
                .as_deref(),
            Some("2024-11-29")
        );
        assert_eq!(Order::for_language(Some("en-US")), Order::MonthFirst);
        assert_eq!(Order::for_language(Some("en-GB")), Order::DayFirst);
        assert_eq!(Order::for_language(Some("de")), Order::DayFirst);
    }

    #[test]
    fn no_date_from_years_alone_impossible_days_or_far_years() {
        for text in [
            "© 2024 Example Inc.",
            "March 2024",
            "Top 10 of 2025",
            "2024-02-30",
            "1987-05-01",
            "2190-01-01",
            "31/31/2024",
            "Call 555-12-2024",
            "20240305",
        ] {
            assert_eq!(f(text), None, "{text}");
        }
        assert_eq!(normalise_date("20240305").as_deref(), Some("2024-03-05"));
        assert_eq!(normalise_date("not a date"), None);
    }

    #[test]
    fn url_paths() {
        for (url, want) in [
            ("https://ex.com/2019/11/23/story.html", Some("2019-11-23")),
            ("https://ex.com/blog/2025-12-17-minisgl", Some("2025-12-17")),
            ("https://ex.com/2024/03/05-straße", Some("2024-03-05")),
            ("https://ex.com/2019/13/45/x", None),
            ("https://ex.com/2024/03/", None),
            ("https://ex.com/p?d=2024/03/05/", None),
            ("https://ex.com/2024/03/051/x", None),
        ] {
            assert_eq!(date_from_url(url).as_deref(), want, "{url}");
        }
    }
}
