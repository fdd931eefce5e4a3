//! Document identity: what "the same text" means.

use unicode_normalization::UnicodeNormalization;

/// The text that identity is computed over: Unicode NFC, every run of whitespace
/// (including the blank lines between blocks) collapsed to one space, trimmed.
///
/// NFC first, so a decomposed "é" and a precomposed one hash alike; then whitespace, so
/// re-flowed paragraphs or a changed block split do not make a new document.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfc() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// BLAKE3 of [`normalise`]d text, as 64 lowercase hex chars.
pub fn content_hash(text: &str) -> String {
    blake3::hash(normalise(text).as_bytes())
        .to_hex()
        .to_string()
}

/// BLAKE3 of raw input bytes, as 64 lowercase hex chars. Raw pages are stored under it.
pub fn raw_hash(raw: &[u8]) -> String {
    blake3::hash(raw).to_hex().to_string()
}

/// True when `s` could start a hash: lowercase hex only.
pub(crate) fn is_hash_prefix(s: &str) -> bool {
    s.len() <= 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
#[allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests {
    use super::*;

    #[test]
    fn normalise_collapses_whitespace_and_trims() {
        assert_eq!(normalise("  a \t b\n\n\nc  "), "a b c");
        assert_eq!(normalise("\u{a0}x\u{2003}y\u{3000}"), "x y");
        assert_eq!(normalise(" \n\t "), "");
    }

    #[test]
    fn normalise_is_nfc() {
        let decomposed = "Cafe\u{301} cre\u{300}me";
        let composed = "Caf\u{e9} cr\u{e8}me";
        assert_eq!(normalise(decomposed), composed);
        assert_eq!(content_hash(decomposed), content_hash(composed));
    }

    #[test]
    fn hash_ignores_layout_but_not_words() {
        let a = content_hash("Title\n\nFirst paragraph.\n\nSecond one.");
        let b = content_hash("  Title First   paragraph.\nSecond one. ");
        assert_eq!(a, b);
        assert_ne!(a, content_hash("Title First paragraph. Second two."));
        assert_eq!(a.len(), 64);
        assert!(is_hash_prefix(&a));
    }

    #[test]
    fn hash_is_blake3_of_normalised_text() {
        assert_eq!(
            content_hash(" hello   world "),
            blake3::hash(b"hello world").to_hex().to_string()
        );
    }

    #[test]
    fn hash_prefix_check() {
        assert!(is_hash_prefix(""));
        assert!(is_hash_prefix("0af9"));
        assert!(!is_hash_prefix("0AF9"));
        assert!(!is_hash_prefix("xyz"));
        assert!(!is_hash_prefix(&"a".repeat(65)));
    }

    proptest::proptest! {
        #[test]
        fn normalise_is_idempotent_and_tidy(s in "\\PC*") {
            let n = normalise(&s);
            proptest::prop_assert_eq!(normalise(&n), n.clone());
            proptest::prop_assert!(!n.starts_with(' ') && !n.ends_with(' '));
            proptest::prop_assert!(!n.contains("  "));
        }
    }
}
