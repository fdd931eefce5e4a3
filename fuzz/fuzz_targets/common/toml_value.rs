//! The values of the `config` target's TOML generator: integers and floats usually of
//! the key's type but extreme, sometimes of the wrong type; strings, URL lists, regexes
//! and selectors; and how each is written as TOML.

use super::{Href, Text};
use arbitrary::{Arbitrary, Unstructured};
use gleaner::sources::web::MAX_SECS;

#[derive(Arbitrary, Debug)]
pub enum Int {
    Small(u8),
    Any(i64),
    Zero,
    One,
    MinusOne,
    U64Max,
    I64Max,
    I64Min,
    U32Max,
    U32MaxPlusOne,
    Hundred,
    HundredOne,
    Limit,
    LimitPlusOne,
    Hex(u32),
    Underscored(u32),
    Big(u64),
}

impl Int {
    pub fn render(&self) -> String {
        match self {
            Int::Small(n) => n.to_string(),
            Int::Any(n) => n.to_string(),
            Int::Zero => "0".into(),
            Int::One => "1".into(),
            Int::MinusOne => "-1".into(),
            Int::U64Max => u64::MAX.to_string(),
            Int::I64Max => i64::MAX.to_string(),
            Int::I64Min => i64::MIN.to_string(),
            Int::U32Max => u32::MAX.to_string(),
            Int::U32MaxPlusOne => (u64::from(u32::MAX) + 1).to_string(),
            Int::Hundred => "100".into(),
            Int::HundredOne => "101".into(),
            Int::Limit => "100000".into(),
            Int::LimitPlusOne => "100001".into(),
            Int::Hex(n) => format!("0x{n:x}"),
            Int::Underscored(n) => {
                let s = n.to_string();
                let mut out = String::new();
                for (i, c) in s.chars().enumerate() {
                    if i > 0 && (s.len() - i) % 3 == 0 {
                        out.push('_');
                    }
                    out.push(c);
                }
                out
            }
            Int::Big(n) => n.to_string(),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum Float {
    Small(u8),
    Any(f64),
    Zero,
    NegZero,
    Tiny,
    Huge,
    Huger,
    Inf,
    NegInf,
    Nan,
    NegNan,
    Negative,
    Year,
    YearAndASecond,
    JustUnderAYear,
    IntForm(i64),
    Exponent(i16),
}

pub fn toml_float(f: f64) -> String {
    if f.is_nan() {
        "nan".into()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{f:?}")
    }
}

impl Float {
    pub fn render(&self) -> String {
        match self {
            Float::Small(n) => toml_float(f64::from(*n) / 4.0),
            Float::Any(f) => toml_float(*f),
            Float::Zero => "0.0".into(),
            Float::NegZero => "-0.0".into(),
            Float::Tiny => "5e-324".into(),
            Float::Huge => "1e20".into(),
            Float::Huger => "1e300".into(),
            Float::Inf => "inf".into(),
            Float::NegInf => "-inf".into(),
            Float::Nan => "nan".into(),
            Float::NegNan => "-nan".into(),
            Float::Negative => "-1.5".into(),
            Float::Year => toml_float(MAX_SECS),
            Float::YearAndASecond => toml_float(MAX_SECS + 1.0),
            Float::JustUnderAYear => toml_float(MAX_SECS - 1e-6),
            Float::IntForm(n) => n.to_string(),
            Float::Exponent(e) => format!("1e{e}"),
        }
    }
}

/// A value of the key's type, usually (31 times in 32: a config has a few dozen keys,
/// and one value of the wrong type stops its validation before the checks that matter);
/// sometimes anything at all.
#[derive(Debug)]
pub enum V<T> {
    Fit(T),
    Wrong(Any),
}

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for V<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(if u8::arbitrary(u)? < 248 {
            V::Fit(T::arbitrary(u)?)
        } else {
            V::Wrong(Any::arbitrary(u)?)
        })
    }
}

#[derive(Arbitrary, Debug)]
pub enum Any {
    Int(Int),
    Float(Float),
    Bool(bool),
    Str(Text),
    List(Vec<Text>),
    EmptyTable,
    Date,
}

pub fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

pub fn toml_list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.take(16).map(|s| toml_str(&s)).collect();
    format!("[{}]", items.join(", "))
}

impl Any {
    pub fn render(&self) -> String {
        match self {
            Any::Int(i) => i.render(),
            Any::Float(f) => f.render(),
            Any::Bool(b) => b.to_string(),
            Any::Str(t) => toml_str(&t.render()),
            Any::List(l) => toml_list(l.iter().map(Text::render)),
            Any::EmptyTable => "{}".into(),
            Any::Date => "1979-05-27T07:32:00Z".into(),
        }
    }
}

pub trait Render {
    fn render(&self) -> String;
}

impl Render for Int {
    fn render(&self) -> String {
        Int::render(self)
    }
}
impl Render for Float {
    fn render(&self) -> String {
        Float::render(self)
    }
}
impl Render for bool {
    fn render(&self) -> String {
        self.to_string()
    }
}
impl Render for Text {
    fn render(&self) -> String {
        toml_str(&Text::render(self))
    }
}

/// A list of strings: URLs, regexes, selectors or any text.
#[derive(Arbitrary, Debug)]
pub struct Urls(Vec<Href>);
#[derive(Arbitrary, Debug)]
pub struct Patterns(Vec<Pattern>);
#[derive(Arbitrary, Debug)]
pub struct Selectors(Vec<Selector>);
#[derive(Arbitrary, Debug)]
pub struct Texts(Vec<Text>);

impl Render for Urls {
    fn render(&self) -> String {
        toml_list(self.0.iter().map(Href::render))
    }
}
impl Render for Patterns {
    fn render(&self) -> String {
        toml_list(self.0.iter().map(Pattern::render))
    }
}
impl Render for Selectors {
    fn render(&self) -> String {
        toml_list(self.0.iter().map(Selector::render))
    }
}
impl Render for Texts {
    fn render(&self) -> String {
        toml_list(self.0.iter().map(Text::render))
    }
}

impl<T: Render> V<T> {
    pub fn render(&self) -> String {
        match self {
            V::Fit(t) => t.render(),
            V::Wrong(a) => a.render(),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum Pattern {
    Word,
    Anchored,
    Class,
    Unicode,
    Repeat(u32),
    NestedRepeat(u16, u16),
    Unbalanced,
    BadEscape,
    Text(Text),
}

impl Pattern {
    pub fn render(&self) -> String {
        match self {
            Pattern::Word => "Subscribe".into(),
            Pattern::Anchored => "^(Share|Tweet)$".into(),
            Pattern::Class => "[A-Z][a-z]+ \\d{1,2}, \\d{4}".into(),
            Pattern::Unicode => "\\p{Greek}+|\\w+ü".into(),
            Pattern::Repeat(n) => format!("a{{{n}}}"),
            Pattern::NestedRepeat(a, b) => format!("(a{{{a}}}){{{b}}}"),
            Pattern::Unbalanced => "(oops".into(),
            Pattern::BadEscape => "\\".into(),
            Pattern::Text(t) => t.render(),
        }
    }
}

#[derive(Arbitrary, Debug)]
pub enum Selector {
    Class,
    Id,
    Descendant,
    Attr,
    Not,
    NthChild,
    Bad,
    Empty,
    Text(Text),
}

impl Selector {
    pub fn render(&self) -> String {
        match self {
            Selector::Class => ".promo".into(),
            Selector::Id => "#newsletter".into(),
            Selector::Descendant => "div.post-body > p".into(),
            Selector::Attr => "a[href^=\"http\"]".into(),
            Selector::Not => "div:not(.keep)".into(),
            Selector::NthChild => "li:nth-child(2n+1)".into(),
            Selector::Bad => "div[[".into(),
            Selector::Empty => String::new(),
            Selector::Text(t) => t.render(),
        }
    }
}
