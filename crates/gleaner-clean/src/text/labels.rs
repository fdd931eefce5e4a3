//! Label lines: the few words a page puts on a line of their own (or before a colon) to
//! announce furniture, in the languages of the pages we see most. "Weitere Artikel",
//! "Noticias relacionadas" or "Zobacz także" head the links to other pages after an
//! article, as "Related Posts" does in English; "Lea también: <headline>" is an inline
//! cross-link inside it; "Anzeige" and "Reklama" mark an ad slot.
//!
//! These are conventions of a language, not of a site: each is what that language
//! says where English says "Read more" or "Advertisement". Lines are matched by their
//! rule key (`rules::key_hash`: case, repeated whitespace and outer punctuation aside),
//! which the cleaner computes for every line anyway, so a lookup costs one binary search.

use crate::rules::key_hash;

/// What a label line announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    /// The heading of what follows an article: links to other pages, the comment form.
    After,
    /// "Read also", announcing a link to another article.
    ReadAlso,
    /// An ad slot's label.
    Ad,
}

/// Headings of what follows an article, beyond the English ones `features` knows.
const AFTER: &[&str] = &[
    // English
    "related",
    "related news",
    "related links",
    "more stories",
    "more news",
    "latest news",
    "latest stories",
    "latest posts",
    "latest articles",
    "up next",
    "editor's picks",
    "editors' picks",
    "more to explore",
    "most read",
    "don't miss",
    "explore further",
    "what to read next",
    "further reading",
    // German
    "weitere artikel",
    "weitere beiträge",
    "weitere nachrichten",
    "weitere news",
    "weitere themen",
    "ähnliche artikel",
    "ähnliche beiträge",
    "verwandte artikel",
    "verwandte beiträge",
    "verwandte themen",
    "beliebte artikel",
    "beliebte beiträge",
    "interessante artikel",
    "meistgelesen",
    "meist gelesen",
    "meistgelesene artikel",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "das könnte ihnen auch gefallen",
    "das könnte dir auch gefallen",
    "mehr zum thema",
    "artikel zum thema",
    "empfehlungen der redaktion",
    "empfehlungen aus der redaktion",
    "aktuelle beiträge",
    "aktuelle artikel",
    "aktuelle news",
    "neueste beiträge",
    "neueste artikel",
    "schreibe einen kommentar",
    "schreib einen kommentar",
    "kommentar verfassen",
    "kommentar schreiben",
    "hinterlasse einen kommentar",
    "hinterlasse eine antwort",
    "kommentar hinzufügen",
    // Spanish
    "noticias relacionadas",
    "notas relacionadas",
    "artículos relacionados",
    "también te puede interesar",
    "te puede interesar",
    "te puede gustar",
    "lo más leído",
    "lo más visto",
    "más noticias",
    "más leídas",
    "otras noticias",
    "deja un comentario",
    "deja una respuesta",
    // French
    "articles correspondants",
    "articles similaires",
    "sur le même sujet",
    "dans la même rubrique",
    "vous aimerez aussi",
    "les plus lus",
    "laisser un commentaire",
    "laisser une réponse",
    // Polish
    "polecane",
    "najczęściej czytane",
    "dodaj komentarz",
    "napisz komentarz",
    // Italian
    "articoli correlati",
    "potrebbe interessarti",
    "ti potrebbe interessare",
    "i più letti",
    "lascia un commento",
    // Portuguese
    "notícias relacionadas",
    "mais lidas",
    "deixe um comentário",
    // Dutch
    "gerelateerde artikelen",
    "meer nieuws",
    "laat een reactie achter",
];

/// "Read also" alone on its line, introducing a link to another article: more often in
/// the middle of an article than after it, so unlike `AFTER` it ends nothing.
const READ_ALSO: &[&str] = &[
    "lesen sie auch",
    "lies auch",
    "auch interessant",
    "schon gelesen",
    "lee también",
    "lea también",
    "à lire aussi",
    "a lire aussi",
    "lire aussi",
    "leggi anche",
    "leia também",
    "veja também",
    "zobacz także",
    "zobacz też",
    "czytaj też",
    "czytaj także",
    "lees ook",
    "read also",
    "also read",
];

/// Ad-slot labels alone on their line, beyond English "Advertisement" and "Sponsored".
const AD: &[&str] = &[
    "anzeige",
    "werbung",
    "gesponsert",
    "reklama",
    "publicidad",
    "patrocinado",
    "publicité",
    "pubblicità",
    "publicidade",
    "advertentie",
];

/// What opens an inline cross-link, before its colon: "Lea también: <headline>".
const CROSS_LINK: &[&str] = &[
    "read",
    "read more",
    "read also",
    "also read",
    "related",
    "see also",
    "watch",
    "lea",
    "lee",
    "lea también",
    "lea además",
    "lea más",
    "lee también",
    "lee más",
    "mire",
    "mira",
    "mirá",
    "mirá también",
    "vea",
    "vea también",
    "ver también",
    "ver más",
    "te puede interesar",
    "leia",
    "leia também",
    "leia mais",
    "veja",
    "veja também",
    "lesen sie",
    "lesen sie auch",
    "lesen sie hier",
    "lesen sie mehr",
    "lies",
    "lies auch",
    "siehe auch",
    "mehr dazu",
    "mehr zum thema",
    "auch interessant",
    "czytaj",
    "czytaj też",
    "czytaj także",
    "czytaj więcej",
    "zobacz",
    "zobacz też",
    "zobacz także",
    "lire",
    "lire aussi",
    "à lire",
    "à lire aussi",
    "voir aussi",
    "leggi",
    "leggi anche",
    "lees ook",
    "lees meer",
];

/// A cross-link's label is at most this many bytes: "Lesen Sie auch" or "Czytaj także".
const MAX_CROSS_LABEL: usize = 24;

/// The label vocabularies, by `key_hash`, sorted for binary search.
pub struct Labels {
    lines: Vec<(u64, Label)>,
    cross: Vec<u64>,
}

impl Labels {
    pub fn new() -> Self {
        let mut lines: Vec<(u64, Label)> = AFTER
            .iter()
            .map(|l| (key_hash(l), Label::After))
            .chain(READ_ALSO.iter().map(|l| (key_hash(l), Label::ReadAlso)))
            .chain(AD.iter().map(|l| (key_hash(l), Label::Ad)))
            .collect();
        lines.sort_unstable_by_key(|&(k, _)| k);
        let mut cross: Vec<u64> = CROSS_LINK.iter().map(|l| key_hash(l)).collect();
        cross.sort_unstable();
        Labels { lines, cross }
    }

    /// The label a line with rule key `key` is, if any.
    pub fn line(&self, key: u64) -> Option<Label> {
        self.lines
            .binary_search_by_key(&key, |&(k, _)| k)
            .ok()
            .and_then(|i| self.lines.get(i))
            .map(|&(_, l)| l)
    }

    /// Whether `text` is a cross-link: a label, a colon, and what it links to.
    pub fn cross_link(&self, text: &str) -> bool {
        let head = text
            .as_bytes()
            .get(..MAX_CROSS_LABEL + 4)
            .unwrap_or(text.as_bytes());
        let Some(colon) = memchr::memchr(b':', head) else {
            return false;
        };
        // A colon is ASCII, so both sides of it are char boundaries.
        let (Some(label), Some(rest)) = (text.get(..colon), text.get(colon + 1..)) else {
            return false;
        };
        // The link's title has words of its own: "Lea: Consejo Permanente de OEA..."
        rest.split_whitespace().nth(1).is_some()
            && self.cross.binary_search(&key_hash(label)).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_found_by_key() {
        let l = Labels::new();
        assert_eq!(l.line(key_hash("Weitere Artikel")), Some(Label::After));
        assert_eq!(
            l.line(key_hash("NOTICIAS RELACIONADAS")),
            Some(Label::After)
        );
        assert_eq!(
            l.line(key_hash("Das könnte Sie auch interessieren:")),
            Some(Label::After)
        );
        assert_eq!(l.line(key_hash("Reklama")), Some(Label::Ad));
        assert_eq!(l.line(key_hash("Weitere Artikel von Anna")), None);
        assert!(l.cross_link("Lea también: Impiden ingreso a Nicaragua a reportero"));
        assert!(l.cross_link("Czytaj też: Amerykanie inwestują w bomby"));
        assert!(l.cross_link(">> Read more: The best budget laptops"));
        assert!(!l.cross_link("Lea: nada"));
        assert!(!l.cross_link("Adresse: Holzsägerstraße 6, 26721 Emden"));
        assert!(!l.cross_link("Read the whole report here: it is long"));
    }
}
