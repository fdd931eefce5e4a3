//! The HTTP message inside a `response` record: status line and headers parsed, the
//! body's chunked transfer-encoding and content-encoding undone, as a browser would.

use crate::sources::encoding;

/// Header fields a response may carry; more is garbage.
const MAX_FIELDS: usize = 256;

/// A response as the archive recorded it, body decoded.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub content_type: Option<String>,
    /// Every header field, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Parses an `application/http; msgtype=response` block; the decoded body is capped at
/// `max` bytes.
pub fn parse(block: &[u8], max: u64) -> Result<HttpResponse, String> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_FIELDS];
    let mut response = httparse::Response::new(&mut fields);
    let head_len = match response.parse(block) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err("the HTTP header is cut short".into()),
        Err(e) => return Err(format!("not an HTTP response: {e}")),
    };
    let status = response.code.unwrap_or(0);
    let header = |name: &str| {
        response
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
            .collect::<Vec<_>>()
    };
    let content_type = header("Content-Type").into_iter().next();
    let headers = response
        .headers
        .iter()
        .map(|h| {
            let value = String::from_utf8_lossy(h.value).trim().to_string();
            (h.name.to_string(), value)
        })
        .collect();
    let transfer = header("Transfer-Encoding").join(",").to_ascii_lowercase();
    let content_encoding = header("Content-Encoding").join(",");
    let wire = block.get(head_len..).unwrap_or_default();
    let body = if transfer.split(',').any(|t| t.trim() == "chunked") {
        dechunk(wire, max)?
    } else {
        wire.to_vec()
    };
    // Several codings apply in order; undo them last to first.
    let mut body = body;
    for coding in content_encoding
        .rsplit(',')
        .filter(|c| !c.trim().is_empty())
    {
        body = encoding::decode(coding, body, max).map_err(|e| e.to_string())?;
    }
    if body.len() as u64 > max {
        return Err(format!("body over the {max}-byte limit"));
    }
    Ok(HttpResponse {
        status,
        content_type,
        headers,
        body,
    })
}

/// Undoes chunked transfer-encoding. Crawlers that record the body as received leave
/// the chunks in; a body that does not parse as chunks is taken as it is, since some
/// writers drop the encoding but keep the header.
fn dechunk(wire: &[u8], max: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut rest = wire;
    loop {
        let Some(eol) = memchr::memmem::find(rest, b"\r\n") else {
            return Ok(if out.is_empty() { wire.to_vec() } else { out });
        };
        let size_line = String::from_utf8_lossy(rest.get(..eol).unwrap_or_default());
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_hex, 16) else {
            return Ok(if out.is_empty() { wire.to_vec() } else { out });
        };
        rest = rest.get(eol.saturating_add(2)..).unwrap_or_default();
        if size == 0 {
            return Ok(out);
        }
        // A last chunk cut short keeps what arrived, as a browser shows it.
        let take = size.min(rest.len());
        out.extend_from_slice(rest.get(..take).unwrap_or_default());
        if out.len() as u64 > max {
            return Err(format!("body over the {max}-byte limit"));
        }
        rest = rest.get(take..).unwrap_or_default();
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        if rest.is_empty() {
            return Ok(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn status_type_and_plain_body() {
        let r = parse(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>hi</p>",
            100,
        )
        .unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.content_type.as_deref(), Some("text/html; charset=utf-8"));
        assert_eq!(r.body, b"<p>hi</p>");
    }

    #[test]
    fn chunked_then_gzip_is_undone() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"<p>hello world</p>").unwrap();
        let gz = gz.finish().unwrap();
        let (a, b) = gz.split_at(7);
        let mut block =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
                .to_vec();
        for part in [a, b] {
            block.extend_from_slice(format!("{:x};ext=1\r\n", part.len()).as_bytes());
            block.extend_from_slice(part);
            block.extend_from_slice(b"\r\n");
        }
        block.extend_from_slice(b"0\r\n\r\n");
        assert_eq!(parse(&block, 1000).unwrap().body, b"<p>hello world</p>");
    }

    #[test]
    fn a_chunked_header_over_a_plain_body_keeps_the_body() {
        let r = parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n<html>not chunks</html>",
            100,
        )
        .unwrap();
        assert_eq!(r.body, b"<html>not chunks</html>");
    }

    #[test]
    fn bombs_and_garbage_are_errors() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&vec![b'a'; 4 << 20]).unwrap();
        let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        block.extend_from_slice(&gz.finish().unwrap());
        let err = parse(&block, 1 << 20).unwrap_err();
        assert!(err.contains("limit"), "{err}");
        assert!(parse(b"GET / HTTP/1.1\r\n\r\n", 100).is_err());
        assert!(parse(b"HTTP/1.1 200 OK\r\nContent-Ty", 100)
            .unwrap_err()
            .contains("cut short"));
    }
}
