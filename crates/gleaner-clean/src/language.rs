//! The language of a page that does not declare one, guessed from its clean text.

use whatlang::Lang;

/// Enough text for a confident guess; more only costs time.
const SAMPLE_CHARS: usize = 600;

/// An ISO 639-1 code ("en") when whatlang is confident; `None` when the text is too
/// short or mixed to tell.
pub fn detect(text: &str) -> Option<String> {
    let end = text
        .char_indices()
        .nth(SAMPLE_CHARS)
        .map_or(text.len(), |(i, _)| i);
    let info = whatlang::detect(text.get(..end).unwrap_or(text))?;
    if !info.is_reliable() {
        return None;
    }
    Some(iso639_1(info.lang()).to_string())
}

/// Two-letter codes, as `<html lang>` and trafilatura give them (whatlang names ISO
/// 639-3 codes; every language it knows has a 639-1 one).
fn iso639_1(lang: Lang) -> &'static str {
    use Lang::*;
    match lang {
        Eng => "en",
        Deu => "de",
        Fra => "fr",
        Spa => "es",
        Ita => "it",
        Por => "pt",
        Nld => "nl",
        Rus => "ru",
        Ukr => "uk",
        Pol => "pl",
        Ces => "cs",
        Slk => "sk",
        Slv => "sl",
        Hrv => "hr",
        Srp => "sr",
        Bul => "bg",
        Ron => "ro",
        Hun => "hu",
        Fin => "fi",
        Swe => "sv",
        Dan => "da",
        Nob => "nb",
        Est => "et",
        Lav => "lv",
        Lit => "lt",
        Ell => "el",
        Tur => "tr",
        Ara => "ar",
        Heb => "he",
        Pes => "fa",
        Hin => "hi",
        Ben => "bn",
        Urd => "ur",
        Tam => "ta",
        Tel => "te",
        Mar => "mr",
        Cmn => "zh",
        Jpn => "ja",
        Kor => "ko",
        Vie => "vi",
        Tha => "th",
        Ind => "id",
        Cat => "ca",
        Epo => "eo",
        Afr => "af",
        Bel => "be",
        Kat => "ka",
        Hye => "hy",
        Aze => "az",
        Uzb => "uz",
        Mkd => "mk",
        Lat => "la",
        Yid => "yi",
        Zul => "zu",
        Sna => "sn",
        Aka => "ak",
        Amh => "am",
        Guj => "gu",
        Kan => "kn",
        Mal => "ml",
        Ori => "or",
        Pan => "pa",
        Sin => "si",
        Nep => "ne",
        Khm => "km",
        Mya => "my",
        Tgl => "tl",
        Jav => "jv",
        Tuk => "tk",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confident_guesses_use_two_letter_codes() {
        let en = "The council voted on Tuesday to approve the new budget, which adds funding \
                  for libraries and parks across the city, after a long debate.";
        assert_eq!(detect(en).as_deref(), Some("en"));
        let de = "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen, der mehr Geld \
                  für Bibliotheken und Parks in der ganzen Stadt vorsieht.";
        assert_eq!(detect(de).as_deref(), Some("de"));
        assert_eq!(detect("ok"), None);
    }
}
