//! Value generators for the `mutations` test: dates in the spellings pages use, names,
//! titles, URLs, attribute values and JSON-LD blocks, usually bent by an odd character
//! spliced in at an awkward byte offset. Every draw comes from the caller's seeded RNG,
//! in a fixed order, so a seed gives the same values on every run.

/// Characters that trip byte arithmetic: 2-, 3- and 4-byte UTF-8, combining, invisible,
/// whitespace only Unicode knows, case mappings that change length.
const ODD: &[char] = &[
    'é', '€', '𝄞', '한', 'ß', 'İ', '\u{212A}', '\u{301}', '\u{200B}', '\u{200D}', '\u{FEFF}',
    '\u{A0}', '\u{2028}', '\u{3000}', '\u{202E}', '２', '\u{FFFD}', '😀',
];

/// Multi-byte characters only (what makes a byte offset fall inside a character).
const WIDE: &[char] = &[
    'é', '€', '𝄞', '한', 'ß', 'İ', '２', '😀', '\u{A0}', '\u{3000}',
];

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

pub const DATE_METAS: &[&str] = &[
    "article:published_time",
    "article:modified_time",
    "og:published_time",
    "og:updated_time",
    "date",
    "pubdate",
    "publish-date",
    "dc.date",
    "DC.date.issued",
    "datePublished",
    "dateModified",
    "last-modified",
    "parsely-pub-date",
    "sailthru.date",
];

pub const OTHER_METAS: &[&str] = &[
    "author",
    "article:author",
    "dc.creator",
    "parsely-author",
    "og:title",
    "twitter:title",
    "og:site_name",
    "og:url",
    "og:description",
    "description",
    "og:image",
    "og:locale",
    "article:tag",
    "content-language",
];

const LD_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "BlogPosting",
    "WebPage",
    "WebSite",
    "Report",
    "Product",
    "QAPage",
    "Recipe",
    "Review",
    "Person",
];

pub const ATTRS: &[&str] = &[
    "class",
    "class",
    "class",
    "id",
    "id",
    "style",
    "href",
    "lang",
    "rel",
    "itemprop",
    "role",
    "aria-label",
    "datetime",
    "content",
    "src",
];

/// Class and id words the extractor and the metadata code look for, to be bent.
pub const WORDS: &[&str] = &[
    "author",
    "author-name",
    "byline",
    "post-byline",
    "content",
    "article",
    "main",
    "entry",
    "comment",
    "comments",
    "share",
    "related",
    "sidebar",
    "nav",
    "footer",
    "cookie",
    "ad",
    "promo",
    "date",
    "time",
];

/// Draws every value from the RNG it borrows.
pub struct Mutator<'a> {
    pub rng: &'a mut fastrand::Rng,
}

impl Mutator<'_> {
    pub fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.rng.usize(..items.len())]
    }

    pub fn chance(&mut self, percent: u8) -> bool {
        self.rng.u8(..100) < percent
    }

    /// `s` with an odd character inserted at byte offset `at` (or the char boundary
    /// before it), once or a few times.
    fn splice_at(&mut self, s: &str, at: usize, c: char) -> String {
        let mut at = at.min(s.len());
        while !s.is_char_boundary(at) {
            at -= 1;
        }
        let mut out = s.to_string();
        for _ in 0..self.rng.usize(1..=2) {
            out.insert(at, c);
        }
        out
    }

    /// `s` with an odd character at an awkward place: one of the offsets code slicing
    /// dates looks at (2, 4, 7, 8, 9, 10, 11), the very start or end, or anywhere.
    pub fn odd(&mut self, s: &str) -> String {
        let at = match self.rng.u8(..6) {
            0..=2 => *self.pick(&[2, 4, 7, 8, 9, 10, 11, 19]),
            3 => 0,
            4 => s.len(),
            _ => self.rng.usize(..=s.len()),
        };
        let c = if self.chance(70) {
            *self.pick(WIDE)
        } else {
            *self.pick(ODD)
        };
        self.splice_at(s, at, c)
    }

    pub fn date(&mut self) -> String {
        let (y, m, d) = (
            self.rng.u32(1990..2031),
            self.rng.u32(1..13),
            self.rng.u32(1..29),
        );
        let (h, mi) = (self.rng.u32(..24), self.rng.u32(..60));
        let month = MONTHS[m as usize - 1];
        match self.rng.u8(..10) {
            0 => format!("{y:04}-{m:02}-{d:02}"),
            1 => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:00+01:00"),
            2 => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:00.000Z"),
            3 => format!("{y:04}/{m:02}/{d:02}"),
            4 => format!("{month} {d}, {y}"),
            5 => format!("{d} {} {y}", &month[..3]),
            6 => format!("{d:02}.{m:02}.{y:04}"),
            7 => format!("{m:02}/{d:02}/{y:04}"),
            8 => format!("{y:04}{m:02}{d:02}"),
            _ => format!("Tue, {d:02} {} {y} {h:02}:{mi:02}:00 GMT", &month[..3]),
        }
    }

    /// A date, usually bent.
    pub fn odd_date(&mut self) -> String {
        let d = self.date();
        if self.chance(85) {
            self.odd(&d)
        } else {
            d
        }
    }

    pub fn name(&mut self) -> String {
        let n = *self.pick(&[
            "Jane Doe",
            "Zoë Ångström",
            "山田太郎",
            "محمد علي",
            "José María Núñez-Sánchez",
            "By Jane Doe",
            "BY İSMAİL KILIÇ",
        ]);
        if self.chance(60) {
            self.odd(n)
        } else {
            n.to_string()
        }
    }

    pub fn title(&mut self) -> String {
        let sep = *self.pick(&[" | ", " - ", " – ", " — ", " :: ", " · ", " • ", " » "]);
        let site = *self.pick(&["Example", "Exämple Nëws", "例え", "Site"]);
        let t = format!("Ein Überblick über 𝄞 Musik{sep}{site}");
        if self.chance(50) {
            self.odd(&t)
        } else {
            t
        }
    }

    /// A URL path segment: dates and short segments where one character straddles
    /// byte 2 (`/2024/03/5é/`), raw non-ASCII, percent-escapes.
    fn segment(&mut self) -> String {
        match self.rng.u8(..8) {
            0 => format!("{}", self.rng.u32(1990..2031)),
            1 => format!("{:02}", self.rng.u32(1..13)),
            2 => format!("{}{}", self.rng.u32(..10), self.pick(WIDE)),
            3 => self.pick(WIDE).to_string(),
            4 => format!("{:02}-straße-ñ", self.rng.u32(1..29)),
            5 => "%E2%82%AC%C3".to_string(),
            6 => self.odd("slug-of-the-article"),
            _ => String::new(),
        }
    }

    pub fn url(&mut self) -> String {
        let host = *self.pick(&[
            "https://example.org",
            "http://www.exämple.de",
            "https://xn--bcher-kva.de",
            "//cdn.example.org",
            "",
        ]);
        let mut u = host.to_string();
        for _ in 0..self.rng.usize(1..6) {
            u.push('/');
            u.push_str(&self.segment());
        }
        if self.chance(30) {
            u.push_str("?utm_source=x&ä=ö");
        }
        u
    }

    /// A value for any attribute: words the code looks for, bent, and bytes that are
    /// not UTF-8 at all.
    pub fn attr_value(&mut self) -> Vec<u8> {
        let base = match self.rng.u8(..5) {
            0 => self.pick(WORDS).to_string(),
            1 => format!("{} {}", self.pick(WORDS), self.pick(WORDS)),
            2 => self.url(),
            3 => "color: red; font-family: \"Noto\"".to_string(),
            _ => self.odd_date(),
        };
        let mut v = self.odd(&base).into_bytes();
        if self.chance(15) {
            // A lone lead byte, a stray continuation byte, or 0xFF: not UTF-8.
            let bad = *self.pick::<&[u8]>(&[&[0xC3][..], &[0x80], &[0xFF], &[0xE2, 0x82]]);
            let at = self.rng.usize(..=v.len());
            v.splice(at..at, bad.iter().copied());
        }
        if self.chance(5) {
            v = v.repeat(200);
        }
        v
    }

    fn json_string(&mut self, s: &str) -> String {
        serde_json::Value::String(s.to_string())
            .to_string()
            .replace("</", "<\\/")
    }

    pub fn json_ld(&mut self) -> String {
        let mut fields = Vec::new();
        fields.push(format!("\"@type\": \"{}\"", self.pick(LD_TYPES)));
        if self.chance(80) {
            let d = self.odd_date();
            fields.push(format!("\"datePublished\": {}", self.json_string(&d)));
        }
        if self.chance(50) {
            let d = self.odd_date();
            fields.push(format!("\"dateModified\": {}", self.json_string(&d)));
        }
        if self.chance(30) {
            fields.push(format!(
                "\"dateCreated\": {}",
                self.pick(&["null", "20240305", "1.5e300", "[]", "{}"])
            ));
        }
        if self.chance(70) {
            let n = self.name();
            let n = self.json_string(&n);
            let author = match self.rng.u8(..4) {
                0 => n,
                1 => format!("{{\"@type\": \"Person\", \"name\": {n}}}"),
                2 => format!("[{{\"name\": {n}}}, {n}, null, 7]"),
                _ => format!("{{\"name\": {{\"name\": [{n}]}}}}"),
            };
            fields.push(format!("\"author\": {author}"));
        }
        if self.chance(60) {
            let t = self.title();
            fields.push(format!("\"headline\": {}", self.json_string(&t)));
        }
        if self.chance(30) {
            let k = self.odd("news, politik, ürün");
            fields.push(format!("\"keywords\": {}", self.json_string(&k)));
        }
        if self.chance(20) {
            let u = self.url();
            fields.push(format!("\"image\": {{\"url\": {}}}", self.json_string(&u)));
        }
        let obj = format!("{{{}}}", fields.join(", "));
        let json = match self.rng.u8(..4) {
            0 => obj,
            1 => format!("[{obj}, {{\"@type\": \"WebSite\", \"name\": \"Ex€mple\"}}]"),
            2 => format!(
                "{{\"@context\": \"https://schema.org\", \"@graph\": [{{\"@type\": \"Organization\"}}, {obj}]}}"
            ),
            _ => format!("{{\"@graph\": [{{\"@graph\": [{obj}]}}]}}"),
        };
        format!("<script type=\"application/ld+json\">{json}</script>")
    }
}
