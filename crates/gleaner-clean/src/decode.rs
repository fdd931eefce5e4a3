//! Bytes to text: BOM, declared charset (HTTP header, then `<meta>`), else chardetng.
//! Invalid sequences become U+FFFD; decoding never fails.

use encoding_rs::Encoding;

/// How many leading bytes we search for a `<meta charset>`; browsers use 1024, pages
/// with long `<head>` preambles push it further, so be a little more generous.
const META_SCAN_BYTES: usize = 4096;

/// Decodes `bytes`, preferring in order: a byte-order mark, the `charset` of an HTTP
/// Content-Type, a `<meta charset>` / http-equiv declaration (HTML only), then a guess.
pub fn decode(bytes: &[u8], content_type: Option<&str>, html: bool) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return enc.decode_without_bom_handling(rest).0.into_owned();
    }
    let declared = content_type
        .and_then(charset_from_content_type)
        .or_else(|| html.then(|| meta_charset(bytes)).flatten());
    let enc = match declared {
        // A page that declares UTF-8 but isn't (latin-1 mislabelled) is common: trust the
        // declaration only when the bytes agree, otherwise fall through to detection.
        Some(enc) if enc == encoding_rs::UTF_8 && std::str::from_utf8(bytes).is_err() => {
            guess(bytes)
        }
        Some(enc) => enc,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => guess(bytes),
    };
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    det.guess(None, true)
}

/// `text/html; charset="windows-1251"` → windows-1251.
pub fn charset_from_content_type(ct: &str) -> Option<&'static Encoding> {
    ct.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        label(v.trim().trim_matches(|c| c == '"' || c == '\''))
    })
}

/// Finds `charset=` inside a `<meta ...>` tag near the top of the page. Covers both
/// `<meta charset="x">` and `<meta http-equiv="Content-Type" content="text/html; charset=x">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..META_SCAN_BYTES).unwrap_or(bytes);
    let lower = head.to_ascii_lowercase();
    let mut rest = lower.as_slice();
    while let Some(pos) = memchr::memmem::find(rest, b"<meta") {
        let tag_on = rest.get(pos..).unwrap_or_default();
        let end = memchr::memchr(b'>', tag_on).unwrap_or(tag_on.len());
        let (tag, after) = tag_on.split_at(end);
        if let Some(enc) = charset_in(tag) {
            // A meta tag can only be read if the page is ASCII-compatible so far, so
            // a UTF-16 declaration there is a lie (the HTML spec says: use UTF-8).
            return Some(
                if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                    encoding_rs::UTF_8
                } else {
                    enc
                },
            );
        }
        rest = after;
    }
    None
}

/// The encoding named by `charset=...` in one lowercased `<meta ...` tag.
fn charset_in(tag: &[u8]) -> Option<&'static Encoding> {
    let at = memchr::memmem::find(tag, b"charset")?;
    let rest = tag.get(at + b"charset".len()..)?;
    let start = rest
        .iter()
        .position(|&b| b != b' ' && b != b'=' && b != b'"' && b != b'\'')
        .unwrap_or(rest.len());
    let value = rest.get(start..)?;
    let len = value
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | b' ' | b';' | b'/' | b'>'))
        .unwrap_or(value.len());
    std::str::from_utf8(value.get(..len)?).ok().and_then(label)
}

fn label(name: &str) -> Option<&'static Encoding> {
    Encoding::for_label(name.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins_and_is_stripped() {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice("héllo".as_bytes());
        assert_eq!(decode(&b, Some("text/html; charset=latin1"), true), "héllo");
    }

    #[test]
    fn meta_charset_windows_1251() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Привет");
        let mut page = b"<html><head><meta charset=\"windows-1251\"></head><body>".to_vec();
        page.extend_from_slice(&bytes);
        assert!(decode(&page, None, true).contains("Привет"));
    }

    #[test]
    fn header_charset_shift_jis() {
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode("日本語のテキスト");
        let out = decode(&bytes, Some("text/html; charset=Shift_JIS"), true);
        assert_eq!(out, "日本語のテキスト");
    }

    #[test]
    fn latin1_mislabelled_as_utf8_is_detected() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("café crème brûlée à la française");
        let mut page = b"<meta charset=utf-8><p>".to_vec();
        page.extend_from_slice(&bytes);
        let out = decode(&page, None, true);
        assert!(out.contains("café crème brûlée"), "{out}");
    }

    #[test]
    fn http_equiv_form() {
        assert_eq!(
            meta_charset(b"<meta http-equiv='Content-Type' content='text/html; charset=koi8-r'>"),
            Some(encoding_rs::KOI8_R)
        );
    }
}
