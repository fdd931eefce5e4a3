//! Generators shared by the structure-aware targets: strings that look like what pages,
//! URLs and configs hold (dates, names, URL paths) with awkward characters spliced in at
//! awkward byte offsets, so that code slicing text by byte position meets multi-byte
//! characters exactly where it slices.
//!
//! Target-specific generators live in submodules: `head` and `page` (the mutations of
//! `clean_head` and the page they rewrite), `toml_value` and `toml_doc` (the TOML
//! generator of `config`).
#![allow(dead_code)]

pub mod head;
pub mod page;
pub mod toml_doc;
pub mod toml_value;

use arbitrary::Arbitrary;
use std::fmt::Write;

/// A character chosen to trip byte-offset arithmetic: multi-byte (2, 3 and 4 bytes),
/// combining, invisible, whitespace that `split_whitespace` sees but ASCII checks don't,
/// characters whose case mapping changes their length, and any character at all.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Odd {
    Acute,          // é, 2 bytes
    Euro,           // €, 3 bytes
    Clef,           // 𝄞, 4 bytes
    Hangul,         // 한, 3 bytes
    Combining,      // U+0301
    ZeroWidth,      // U+200B
    Bom,            // U+FEFF
    Nbsp,           // U+00A0: whitespace to Rust, not to ASCII checks
    LineSep,        // U+2028
    DottedI,        // İ: lowercases to two chars
    SharpS,         // ß: uppercases to two chars
    Kelvin,         // K (U+212A): lowercases to ASCII k
    FullwidthDigit, // ２
    Nul,
    Replacement, // U+FFFD
    Any(char),
}

impl Odd {
    pub fn char(self) -> char {
        match self {
            Odd::Acute => 'é',
            Odd::Euro => '€',
            Odd::Clef => '𝄞',
            Odd::Hangul => '한',
            Odd::Combining => '\u{301}',
            Odd::ZeroWidth => '\u{200B}',
            Odd::Bom => '\u{FEFF}',
            Odd::Nbsp => '\u{A0}',
            Odd::LineSep => '\u{2028}',
            Odd::DottedI => 'İ',
            Odd::SharpS => 'ß',
            Odd::Kelvin => '\u{212A}',
            Odd::FullwidthDigit => '２',
            Odd::Nul => '\0',
            Odd::Replacement => '\u{FFFD}',
            Odd::Any(c) => c,
        }
    }
}

/// How a date is spelled. Numbers are not clamped to valid ranges on purpose.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum DateStyle {
    Iso,          // 2024-03-05
    IsoTime,      // 2024-03-05T10:20:30
    IsoZone,      // 2024-03-05T10:20:30+01:00
    IsoZulu,      // 2024-03-05T10:20:30.123Z
    Slashes,      // 2024/03/05
    Dots,         // 2024.03.05
    Compact,      // 20240305
    LongMonth,    // March 5, 2024
    ShortMonth,   // Mar 5 2024
    DayMonthYear, // 5 March 2024
    Us,           // 03/05/2024
    German,       // 05.03.2024
    Rfc2822,      // Tue, 05 Mar 2024 10:20:30 GMT
    Epoch,        // 1709634030
}

#[derive(Arbitrary, Debug, Clone)]
pub struct DateLike {
    pub y: u16,
    pub m: u8,
    pub d: u8,
    pub hms: (u8, u8, u8),
    pub style: DateStyle,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl DateLike {
    pub fn render(&self) -> String {
        let (y, m, d) = (self.y % 10_000, self.m % 14, self.d % 33);
        let (h, mi, s) = (self.hms.0 % 25, self.hms.1 % 61, self.hms.2 % 61);
        let month = MONTHS[usize::from(m % 12)];
        match self.style {
            DateStyle::Iso => format!("{y:04}-{m:02}-{d:02}"),
            DateStyle::IsoTime => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
            DateStyle::IsoZone => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}+01:00"),
            DateStyle::IsoZulu => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.123Z"),
            DateStyle::Slashes => format!("{y:04}/{m:02}/{d:02}"),
            DateStyle::Dots => format!("{y:04}.{m:02}.{d:02}"),
            DateStyle::Compact => format!("{y:04}{m:02}{d:02}"),
            DateStyle::LongMonth => format!("{month} {d}, {y}"),
            DateStyle::ShortMonth => format!("{} {d} {y}", &month[..3]),
            DateStyle::DayMonthYear => format!("{d} {month} {y}"),
            DateStyle::Us => format!("{m:02}/{d:02}/{y:04}"),
            DateStyle::German => format!("{d:02}.{m:02}.{y:04}"),
            DateStyle::Rfc2822 => {
                format!(
                    "Tue, {d:02} {} {y:04} {h:02}:{mi:02}:{s:02} GMT",
                    &month[..3]
                )
            }
            DateStyle::Epoch => format!("{}", u64::from(self.y) * 86_400 * 7),
        }
    }
}

/// A date with an odd character among its first bytes (where code reading dates
/// slices: bytes 4, 7 and 10 of an ISO date): what a page's date holds when its CMS
/// mangled it, in one step of the generator.
#[derive(Arbitrary, Debug, Clone)]
pub struct OddDate {
    pub date: DateLike,
    pub at: u8,
    pub odd: Odd,
}

impl OddDate {
    pub fn render(&self) -> String {
        let mut s = self.date.render();
        let mut at = usize::from(self.at % 12).min(s.len());
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        s.insert(at, self.odd.char());
        s
    }
}

/// A date as pages write them: well-formed, bent at the start, or any text.
#[derive(Arbitrary, Debug, Clone)]
pub enum DateText {
    Date(DateLike),
    Odd(OddDate),
    Text(Text),
}

impl DateText {
    pub fn render(&self) -> String {
        match self {
            DateText::Date(d) => d.render(),
            DateText::Odd(d) => d.render(),
            DateText::Text(t) => t.render(),
        }
    }
}

/// A person's name as bylines and JSON-LD hold them.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Name {
    Plain,    // Jane Doe
    By,       // By Jane Doe
    Accented, // Zoë Ångström
    Cjk,      // 山田太郎
    Arabic,   // محمد علي
    Long,     // more than the byline word limit
    Url,      // https://example.org/author/jane
}

impl Name {
    pub fn render(self) -> &'static str {
        match self {
            Name::Plain => "Jane Doe",
            Name::By => "By Jane Doe",
            Name::Accented => "Zoë Ångström-SSeck",
            Name::Cjk => "山田太郎",
            Name::Arabic => "محمد علي",
            Name::Long => "By Jane Doe and John Roe and Max Mustermann with additional reporting",
            Name::Url => "https://example.org/author/jane-doe",
        }
    }
}

/// A URL path segment: dates split into /YYYY/MM/DD/, short segments of one
/// multi-byte character, raw non-ASCII, percent-encoded bytes, dot segments.
#[derive(Arbitrary, Debug, Clone)]
pub enum Segment {
    Year(u16),
    TwoDigits(u8),
    DayThenSlug(u8, Box<Text>), // "05-slug": date_from_url keeps the first two bytes
    OneOdd(Odd),
    AsciiThenOdd(u8, Odd), // "5é": a multi-byte character straddling byte 2
    Text(Box<Text>),
    Percent(Vec<u8>),
    Dot,
    DotDot,
    Empty,
}

impl Segment {
    pub fn render(&self, out: &mut String) {
        match self {
            Segment::Year(y) => {
                let _ = write!(out, "{}", 1900 + y % 200);
            }
            Segment::TwoDigits(n) => {
                let _ = write!(out, "{:02}", n % 100);
            }
            Segment::DayThenSlug(d, t) => {
                let _ = write!(out, "{:02}-", d % 40);
                out.push_str(&t.render());
            }
            Segment::OneOdd(o) => out.push(o.char()),
            Segment::AsciiThenOdd(d, o) => {
                out.push(char::from(b'0' + d % 10));
                out.push(o.char());
            }
            Segment::Text(t) => out.push_str(&t.render()),
            Segment::Percent(bytes) => {
                for b in bytes.iter().take(8) {
                    let _ = write!(out, "%{b:02X}");
                }
            }
            Segment::Dot => out.push('.'),
            Segment::DotDot => out.push_str(".."),
            Segment::Empty => {}
        }
    }
}

/// A URL (or something a page writes where a URL goes).
#[derive(Arbitrary, Debug, Clone)]
pub enum Href {
    /// `scheme://host[:port]/seg/seg...[?query][#fragment]`
    Built {
        scheme: Scheme,
        host: Host,
        port: Option<u32>,
        path: Vec<Segment>,
        query: Vec<(QueryKey, Box<Text>)>,
        fragment: Option<Box<Text>>,
    },
    /// A path alone, relative or absolute.
    Path {
        absolute: bool,
        path: Vec<Segment>,
    },
    Text(Box<Text>),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Scheme {
    Http,
    Https,
    Upper,       // HTTP
    ProtocolRel, // //
    Ftp,
    Mailto,
    Javascript,
    Data,
    None,
}

#[derive(Arbitrary, Debug, Clone)]
pub enum Host {
    Example,  // example.org
    Www,      // www.example.org
    Upper,    // EXAMPLE.ORG
    Idn,      // bücher.de
    Punycode, // xn--bcher-kva.de
    Ipv4,     // 127.0.0.1
    Ipv6,     // [::1]
    Empty,
    Userinfo, // user:pass@example.org
    Text(Box<Text>),
}

#[derive(Arbitrary, Debug, Clone)]
pub enum QueryKey {
    UtmSource,
    UtmUpper,   // UTM_Medium
    UtmEncoded, // utm%5Fsource
    Fbclid,
    Gclid,
    Ref,
    Id,
    Empty,
    Text(Box<Text>),
}

impl Href {
    pub fn render(&self) -> String {
        let mut out = String::new();
        match self {
            Href::Built {
                scheme,
                host,
                port,
                path,
                query,
                fragment,
            } => {
                out.push_str(match scheme {
                    Scheme::Http => "http://",
                    Scheme::Https => "https://",
                    Scheme::Upper => "HTTP://",
                    Scheme::ProtocolRel => "//",
                    Scheme::Ftp => "ftp://",
                    Scheme::Mailto => "mailto:",
                    Scheme::Javascript => "javascript:",
                    Scheme::Data => "data:text/html,",
                    Scheme::None => "",
                });
                match host {
                    Host::Example => out.push_str("example.org"),
                    Host::Www => out.push_str("www.example.org"),
                    Host::Upper => out.push_str("EXAMPLE.ORG"),
                    Host::Idn => out.push_str("bücher.de"),
                    Host::Punycode => out.push_str("xn--bcher-kva.de"),
                    Host::Ipv4 => out.push_str("127.0.0.1"),
                    Host::Ipv6 => out.push_str("[::1]"),
                    Host::Empty => {}
                    Host::Userinfo => out.push_str("user:pa%20ss@example.org"),
                    Host::Text(t) => out.push_str(&t.render()),
                }
                if let Some(p) = port {
                    let _ = write!(out, ":{}", p % 70_000);
                }
                for s in path.iter().take(12) {
                    out.push('/');
                    s.render(&mut out);
                }
                for (i, (k, v)) in query.iter().take(8).enumerate() {
                    out.push(if i == 0 { '?' } else { '&' });
                    match k {
                        QueryKey::UtmSource => out.push_str("utm_source"),
                        QueryKey::UtmUpper => out.push_str("UTM_Medium"),
                        QueryKey::UtmEncoded => out.push_str("utm%5Fsource"),
                        QueryKey::Fbclid => out.push_str("fbclid"),
                        QueryKey::Gclid => out.push_str("gclid"),
                        QueryKey::Ref => out.push_str("ref"),
                        QueryKey::Id => out.push_str("id"),
                        QueryKey::Empty => {}
                        QueryKey::Text(t) => out.push_str(&t.render()),
                    }
                    let v = v.render();
                    if !v.is_empty() {
                        out.push('=');
                        out.push_str(&v);
                    }
                }
                if let Some(f) = fragment {
                    out.push('#');
                    out.push_str(&f.render());
                }
            }
            Href::Path { absolute, path } => {
                for (i, s) in path.iter().take(12).enumerate() {
                    if i > 0 || *absolute {
                        out.push('/');
                    }
                    s.render(&mut out);
                }
            }
            Href::Text(t) => out.push_str(&t.render()),
        }
        out
    }
}

/// A string: arbitrary, or shaped like a date, name, number or URL, optionally with
/// odd characters spliced in at chosen byte offsets (moved back to the nearest char
/// boundary) and optionally repeated or padded.
#[derive(Arbitrary, Debug, Clone)]
pub enum Text {
    Raw(String),
    Date(DateLike),
    Name(Name),
    Int(i64),
    Float(f64),
    Href(Box<Href>),
    OddDate(OddDate),
    Spliced {
        base: Box<Text>,
        at: u8,
        odd: Odd,
        repeat: u8,
    },
    Padded {
        base: Box<Text>,
        left: Pad,
        right: Pad,
    },
    Concat(Box<Text>, Box<Text>),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Pad {
    None,
    Spaces,
    Nbsp,
    Newlines,
    Tab,
    Ideographic, // U+3000
}

impl Pad {
    fn str(self) -> &'static str {
        match self {
            Pad::None => "",
            Pad::Spaces => "   ",
            Pad::Nbsp => "\u{A0}",
            Pad::Newlines => "\n\r\n",
            Pad::Tab => "\t",
            Pad::Ideographic => "\u{3000}",
        }
    }
}

impl Text {
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out, 0);
        out
    }

    fn render_into(&self, out: &mut String, depth: usize) {
        if depth > 32 {
            return;
        }
        match self {
            Text::Raw(s) => out.push_str(s),
            Text::Date(d) => out.push_str(&d.render()),
            Text::Name(n) => out.push_str(n.render()),
            Text::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Text::Float(f) => {
                let _ = write!(out, "{f}");
            }
            Text::Href(h) => out.push_str(&h.render()),
            Text::OddDate(d) => out.push_str(&d.render()),
            Text::Spliced {
                base,
                at,
                odd,
                repeat,
            } => {
                let mut s = String::new();
                base.render_into(&mut s, depth + 1);
                // Mostly within the first 24 bytes, where dates are sliced (byte 2 of a
                // URL segment, bytes 4, 7 and 10 of an ISO date); sometimes anywhere.
                let at = if *at < 192 { *at % 24 } else { *at };
                let mut at = usize::from(at).min(s.len());
                while !s.is_char_boundary(at) {
                    at -= 1;
                }
                let c = odd.char();
                for _ in 0..=(repeat % 4) {
                    s.insert(at, c);
                }
                out.push_str(&s);
            }
            Text::Padded { base, left, right } => {
                out.push_str(left.str());
                base.render_into(out, depth + 1);
                out.push_str(right.str());
            }
            Text::Concat(a, b) => {
                a.render_into(out, depth + 1);
                b.render_into(out, depth + 1);
            }
        }
        // Bound the size: a page attribute of megabytes is not what this is about.
        if out.len() > 4096 {
            let mut cut = 4096;
            while !out.is_char_boundary(cut) {
                cut -= 1;
            }
            out.truncate(cut);
        }
    }
}

/// `s` made safe for a double-quoted attribute value (only `"` is special there; `&`
/// is left alone so that character references are decoded by the parser).
pub fn attr_value(s: &str) -> String {
    s.replace('"', "&quot;")
}

/// `s` made safe as element text (no tag starts inside it).
pub fn text_content(s: &str) -> String {
    s.replace('<', "&lt;")
}

/// Whether `GLEANER_FUZZ_DEBUG` is set: the targets then print what they built from
/// the input (run one input with `cargo fuzz run <target> <file>` to see it).
pub fn debug() -> bool {
    static DEBUG: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DEBUG.get_or_init(|| std::env::var_os("GLEANER_FUZZ_DEBUG").is_some())
}
