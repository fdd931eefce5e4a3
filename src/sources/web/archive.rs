//! Responses kept as WARC, as they were received (`[fetch] warc_dir`): each exchange
//! becomes a `request` record and a `response` record that name each other, so a crawl
//! can be replayed, archived, or cleaned again by any WARC tool (`gleaner clean` too).
//!
//! What is recorded is what the crawler saw: the status, the headers and the body
//! bytes before content decoding. Two things differ from the bytes on the wire, as in
//! Common Crawl's WARCs: the HTTP client has already undone chunked transfer-encoding,
//! so a `Transfer-Encoding` header is kept as `X-Crawler-Transfer-Encoding`; and an
//! HTTP/2 exchange is written as HTTP/1.1, the framing WARC readers parse. The body of
//! a non-2xx answer is not read (see `Http::get`); such a record is marked
//! `WARC-Truncated: unspecified` when its headers announce a body.

use super::http::{Response, Validators, ACCEPT, ACCEPT_ENCODING};
use crate::sources::warc::writer::{record_id, record_with_id};
use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::header;
use url::Url;

/// The two records of one exchange, request first.
pub fn exchange(
    url: &Url,
    at: DateTime<Utc>,
    user_agent: &str,
    validators: Option<&Validators>,
    resp: &Response,
) -> Vec<Vec<u8>> {
    let date = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let (request_id, response_id) = (record_id(), record_id());
    let ip = resp.remote.map(|a| a.ip().to_string());
    let mut fields: Vec<(&str, &str)> = vec![
        ("WARC-Target-URI", url.as_str()),
        ("WARC-Date", &date),
        ("Content-Type", "application/http; msgtype=response"),
        ("WARC-Concurrent-To", &request_id),
    ];
    if let Some(ip) = &ip {
        fields.push(("WARC-IP-Address", ip));
    }
    let announces_body = resp.headers.contains_key(header::TRANSFER_ENCODING)
        || resp
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|n| n.trim() != "0");
    if !(200..300).contains(&resp.status) && resp.wire.is_empty() && announces_body {
        fields.push(("WARC-Truncated", "unspecified"));
    }
    let response = record_with_id(&response_id, "response", &fields, &response_block(resp));
    let request = record_with_id(
        &request_id,
        "request",
        &[
            ("WARC-Target-URI", url.as_str()),
            ("WARC-Date", &date),
            ("Content-Type", "application/http; msgtype=request"),
            ("WARC-Concurrent-To", &response_id),
        ],
        request_block(url, user_agent, validators).as_bytes(),
    );
    vec![request, response]
}

/// The request as the client sent it: its fixed headers and the conditional ones.
fn request_block(url: &Url, user_agent: &str, validators: Option<&Validators>) -> String {
    let mut target = url.path().to_string();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => String::new(),
    };
    let mut out = format!(
        "GET {target} HTTP/1.1\r\nhost: {host}\r\nuser-agent: {user_agent}\r\n\
         accept: {ACCEPT}\r\naccept-encoding: {ACCEPT_ENCODING}\r\n"
    );
    if let Some(v) = validators {
        if let Some(etag) = &v.etag {
            out.push_str(&format!("if-none-match: {etag}\r\n"));
        }
        if let Some(lm) = &v.last_modified {
            out.push_str(&format!("if-modified-since: {lm}\r\n"));
        }
    }
    out.push_str("\r\n");
    out
}

fn response_block(resp: &Response) -> Vec<u8> {
    let version = match resp.version {
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    let status = reqwest::StatusCode::from_u16(resp.status).ok();
    let reason = status.and_then(|s| s.canonical_reason()).unwrap_or("");
    let mut out = format!("{version} {} {reason}\r\n", resp.status).into_bytes();
    for (name, value) in &resp.headers {
        if name == header::TRANSFER_ENCODING {
            out.extend_from_slice(b"x-crawler-transfer-encoding");
        } else {
            out.extend_from_slice(name.as_str().as_bytes());
        }
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&resp.wire);
    out
}
