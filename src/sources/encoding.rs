//! Content-Encoding undone under a cap: shared by the crawler (bodies off the wire) and
//! the WARC source (bodies as an archive recorded them).

use std::io::Read;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    #[error("body over the {limit}-byte limit once decompressed")]
    TooLarge { limit: u64 },
    #[error("cannot decompress the {encoding} body: {message}")]
    Decode { encoding: String, message: String },
}

/// Undoes `encoding` (a Content-Encoding value; empty or `identity` for none), reading
/// at most `max + 1` bytes out of the decoder so that a compression bomb costs `max`
/// bytes of memory, not what it expands to.
pub fn decode(encoding: &str, wire: Vec<u8>, max: u64) -> Result<Vec<u8>, ContentError> {
    let encoding = encoding.trim().to_ascii_lowercase();
    let fail = |message: String| ContentError::Decode {
        encoding: encoding.clone(),
        message,
    };
    let reader: Box<dyn Read + '_> = match encoding.as_str() {
        "" | "identity" => {
            return if wire.len() as u64 > max {
                Err(ContentError::TooLarge { limit: max })
            } else {
                Ok(wire)
            }
        }
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(&wire[..])),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(&wire[..])),
        "br" => Box::new(brotli_decompressor::Decompressor::new(&wire[..], 8192)),
        "zstd" => {
            Box::new(zstd::stream::read::Decoder::new(&wire[..]).map_err(|e| fail(e.to_string()))?)
        }
        other => return Err(fail(format!("unsupported encoding {other:?}"))),
    };
    let cap = wire
        .len()
        .saturating_mul(4)
        .min(usize::try_from(max).unwrap_or(usize::MAX));
    let mut out = Vec::with_capacity(cap.min(1 << 24));
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| fail(e.to_string()))?;
    if out.len() as u64 > max {
        return Err(ContentError::TooLarge { limit: max });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_is_undone() {
        assert_eq!(decode("gzip", gz(b"hello"), 100).unwrap(), b"hello");
        assert_eq!(decode(" Identity ", b"hi".to_vec(), 100).unwrap(), b"hi");
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        let bomb = gz(&vec![0u8; 10 * 1024 * 1024]);
        assert!(bomb.len() < 20 * 1024);
        let err = decode("gzip", bomb, 1024 * 1024).unwrap_err();
        assert_eq!(err, ContentError::TooLarge { limit: 1024 * 1024 });
    }

    #[test]
    fn garbage_is_a_decode_error() {
        let err = decode("br", b"not brotli at all".to_vec(), 100).unwrap_err();
        assert!(matches!(err, ContentError::Decode { .. }), "{err}");
        let err = decode("compress", b"x".to_vec(), 100).unwrap_err();
        assert!(err.to_string().contains("unsupported"), "{err}");
    }
}
