//! One HTTP exchange, bounded: a timeout on the whole response and on every body read,
//! and byte caps on the wire and after decompression. Redirects and retries are the
//! crawler's: each hop must pass robots.txt, scope and the host's politeness gate.

use super::config::FetchConfig;
use crate::sources::encoding::{self, ContentError};
use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};
use std::time::Duration;
use url::Url;

/// What the page said about itself last time, for a conditional request.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A response with its body read and decompressed.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub version: reqwest::Version,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// Bytes as received, before decompression.
    pub wire_bytes: u64,
    /// The body as received, kept only when responses are archived (`warc_dir`).
    pub wire: Vec<u8>,
    /// The server's address, when known.
    pub remote: Option<std::net::SocketAddr>,
}

impl Response {
    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The status and headers, as the store keeps them with the raw page.
    pub fn meta(&self) -> crate::sources::HttpMeta {
        let headers = self
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        crate::sources::HttpMeta {
            status: self.status,
            headers,
        }
    }
}

/// Why an exchange failed. [`HttpError::class`] names it in run summaries.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error("no complete response within {0:?}")]
    Timeout(Duration),
    #[error("the body stalled: no byte for {0:?}")]
    Stall(Duration),
    #[error("body over the {limit}-byte limit{}", if *.decompressed { " once decompressed" } else { "" })]
    TooLarge { limit: u64, decompressed: bool },
    #[error("body cut short: {got} of {expected} bytes")]
    Truncated { expected: u64, got: u64 },
    #[error("connection lost mid-body: {0}")]
    Reset(String),
    #[error("cannot decompress the {encoding} body: {message}")]
    Decode { encoding: String, message: String },
    #[error("request failed: {0}")]
    Other(String),
}

impl HttpError {
    pub fn class(&self) -> &'static str {
        match self {
            HttpError::Connect(_) => "connect",
            HttpError::Timeout(_) | HttpError::Stall(_) => "timeout",
            HttpError::TooLarge { .. } => "too_large",
            HttpError::Truncated { .. } | HttpError::Reset(_) => "truncated",
            HttpError::Decode { .. } => "decode",
            HttpError::Other(_) => "other",
        }
    }

    /// Worth another attempt: the network may do better next time; a cap won't change.
    pub fn retryable(&self) -> bool {
        matches!(
            self,
            HttpError::Connect(_)
                | HttpError::Timeout(_)
                | HttpError::Stall(_)
                | HttpError::Truncated { .. }
                | HttpError::Reset(_)
        )
    }
}

/// The HTTP client and the limits every exchange obeys.
pub struct Http {
    client: reqwest::Client,
    max_wire: u64,
    max_decoded: u64,
    response_timeout: Duration,
    read_stall: Duration,
    /// Keep the wire bytes of bodies, for the WARC archive.
    keep_wire: bool,
}

/// What every request accepts; the archive records them as sent.
pub const ACCEPT: &str =
    "text/html,application/xhtml+xml,text/plain;q=0.9,application/xml;q=0.8,*/*;q=0.5";
pub const ACCEPT_ENCODING: &str = "gzip, br, zstd, deflate";

impl Http {
    pub fn new(cfg: &FetchConfig) -> Result<Http, HttpError> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
        // We decompress ourselves so that both byte caps hold; see `decode`.
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static(ACCEPT_ENCODING),
        );
        let client = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(cfg.connect_timeout())
            .pool_idle_timeout(Duration::from_secs(30))
            .tcp_nodelay(true)
            .build()
            .map_err(|e| HttpError::Other(e.to_string()))?;
        Ok(Http {
            client,
            max_wire: cfg.max_body_bytes,
            max_decoded: cfg.max_decompressed_bytes,
            response_timeout: cfg.response_timeout(),
            read_stall: cfg.read_stall(),
            keep_wire: cfg.warc_dir.is_some(),
        })
    }

    /// One GET, no redirect followed. The body is read only for 2xx answers: the crawler
    /// has no use for an error page, and not reading it bounds hostile servers.
    pub async fn get(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<Response, HttpError> {
        let mut req = self.client.get(url.clone());
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                req = req.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &v.last_modified {
                req = req.header(header::IF_MODIFIED_SINCE, lm);
            }
        }
        let exchange = async {
            let resp = req.send().await.map_err(send_error)?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let version = resp.version();
            let remote = resp.remote_addr();
            if !(200..300).contains(&status) {
                return Ok(Response {
                    status,
                    version,
                    headers,
                    body: Vec::new(),
                    wire_bytes: 0,
                    wire: Vec::new(),
                    remote,
                });
            }
            let (wire, wire_bytes) = self.read_body(resp).await?;
            let kept = if self.keep_wire {
                wire.clone()
            } else {
                Vec::new()
            };
            // Decompressing is CPU work, up to `max_decoded` bytes: off the async threads.
            let max = self.max_decoded;
            let encoding = headers.get(header::CONTENT_ENCODING).cloned();
            let body = super::state::blocking(move || decode(encoding.as_ref(), wire, max))
                .await
                .map_err(|e| HttpError::Other(e.to_string()))??;
            Ok(Response {
                status,
                version,
                headers,
                body,
                wire_bytes,
                wire: kept,
                remote,
            })
        };
        match tokio::time::timeout(self.response_timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(HttpError::Timeout(self.response_timeout)),
        }
    }

    /// The raw body, capped while it streams and checked against Content-Length.
    async fn read_body(&self, mut resp: reqwest::Response) -> Result<(Vec<u8>, u64), HttpError> {
        let declared = resp.content_length();
        if declared.is_some_and(|n| n > self.max_wire) {
            return Err(HttpError::TooLarge {
                limit: self.max_wire,
                decompressed: false,
            });
        }
        // A declared length is a hint, not a promise: reserve at most 1 MiB up front.
        let hint = declared
            .unwrap_or(16 * 1024)
            .min(self.max_wire)
            .min(1 << 20);
        let mut body = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
        loop {
            let chunk: Option<Bytes> =
                match tokio::time::timeout(self.read_stall, resp.chunk()).await {
                    Err(_) => return Err(HttpError::Stall(self.read_stall)),
                    Ok(Err(e)) => {
                        return Err(match declared {
                            Some(expected) => HttpError::Truncated {
                                expected,
                                got: body.len() as u64,
                            },
                            None => HttpError::Reset(error_chain(&e)),
                        })
                    }
                    Ok(Ok(c)) => c,
                };
            let Some(chunk) = chunk else { break };
            if (body.len() as u64).saturating_add(chunk.len() as u64) > self.max_wire {
                return Err(HttpError::TooLarge {
                    limit: self.max_wire,
                    decompressed: false,
                });
            }
            body.extend_from_slice(&chunk);
        }
        let got = body.len() as u64;
        match declared {
            Some(expected) if expected != got => Err(HttpError::Truncated { expected, got }),
            _ => Ok((body, got)),
        }
    }
}

fn send_error(e: reqwest::Error) -> HttpError {
    if e.is_connect() {
        HttpError::Connect(error_chain(&e))
    } else if e.is_timeout() {
        HttpError::Timeout(Duration::ZERO)
    } else {
        // Closed before or during the headers: the same as a reset for retrying.
        HttpError::Reset(error_chain(&e))
    }
}

/// reqwest's top-level message is generic ("error sending request"); the cause is below.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// Undoes Content-Encoding under the decompressed-bytes cap.
fn decode(encoding: Option<&HeaderValue>, wire: Vec<u8>, max: u64) -> Result<Vec<u8>, HttpError> {
    let encoding = encoding.and_then(|v| v.to_str().ok()).unwrap_or("");
    encoding::decode(encoding, wire, max).map_err(|e| match e {
        ContentError::TooLarge { limit } => HttpError::TooLarge {
            limit,
            decompressed: true,
        },
        ContentError::Decode { encoding, message } => HttpError::Decode { encoding, message },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared decoder's errors keep the crawler's classes: a bomb is `too_large`
    /// (not retried), garbage is `decode`.
    #[test]
    fn decode_errors_keep_their_classes() {
        let gz = |n: usize| {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(&vec![0u8; n]).unwrap();
            e.finish().unwrap()
        };
        let br = HeaderValue::from_static("br");
        let gzip = HeaderValue::from_static("gzip");
        assert_eq!(decode(Some(&gzip), gz(5), 100).unwrap(), vec![0u8; 5]);
        let err = decode(Some(&gzip), gz(1 << 20), 1024).unwrap_err();
        assert_eq!(err.class(), "too_large");
        assert!(!err.retryable());
        let err = decode(Some(&br), b"not brotli".to_vec(), 100).unwrap_err();
        assert_eq!(err.class(), "decode");
    }
}
