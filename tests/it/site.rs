//! A tiny programmable HTTP/1.1 server on 127.0.0.1 for loopback tests of the fetcher,
//! and for `benches/crawl.rs` (which includes this file with `#[path]`, so there is one
//! server). Real sockets on purpose: timeouts, resets, keep-alive and slow bodies are
//! exactly what a mock client can't show. One thread per connection, keep-alive unless
//! the client sends `Connection: close`. Everything is bounded: sockets time out after
//! [`IDLE`], and dropping the [`Site`] stops accepting, shuts every open connection down
//! and cuts short any hang or trickle. Its own tests are in `site_tests.rs`.
//!
//! ```ignore
//! let site = Site::routes()
//!     .route("/robots.txt", Reply::text("User-agent: *\nDisallow: /private\n"))
//!     .route("/", Reply::html("<a href=/a>a</a>"))
//!     .dynamic("/a", sequence(vec![Reply::status(503), Reply::html("ok")]))
//!     .start();
//! // ... crawl site.url("/") ...
//! assert_eq!(site.hits("/private"), 0);
//! assert_eq!(site.paths()[0], "/robots.txt");
//! ```
#![allow(dead_code)] // each includer uses a different part

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// A connection with no complete request for this long is closed.
pub const IDLE: Duration = Duration::from_secs(5);

/// One request as the server parsed it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// As sent: path and query (`/a?b=1`).
    pub path: String,
    /// Names lowercased, in the order sent.
    pub headers: Vec<(String, String)>,
    /// When its head was read: for politeness assertions.
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }
    /// The path without the query.
    pub fn route(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }
}

/// What the server does with a request: a status, headers and one of several body
/// behaviours, good and bad. Clone is cheap (bodies are shared).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    body: Body,
    delay: Duration,
    chunked: bool,
}

#[derive(Debug, Clone)]
enum Body {
    Bytes(Arc<[u8]>),
    /// Streamed, never held in memory: for body size limits.
    Zeros(u64),
    /// Data, bytes per write, time between writes.
    Trickle(Arc<[u8]>, usize, Duration),
    /// Head or not, declared length, bytes sent, then a wait, then a reset (RST) or a FIN.
    Cut(bool, u64, usize, Duration, bool),
}

impl Reply {
    pub fn status(code: u16) -> Reply {
        Reply {
            status: code,
            headers: Vec::new(),
            body: Body::Bytes(Arc::from(&b""[..])),
            delay: Duration::ZERO,
            chunked: false,
        }
    }
    pub fn ok(content_type: &str, body: impl AsRef<[u8]>) -> Reply {
        Reply::status(200).content_type(content_type).body(body)
    }
    pub fn html(body: impl AsRef<[u8]>) -> Reply {
        Reply::ok("text/html; charset=utf-8", body)
    }
    pub fn text(body: impl AsRef<[u8]>) -> Reply {
        Reply::ok("text/plain; charset=utf-8", body)
    }
    pub fn xml(body: impl AsRef<[u8]>) -> Reply {
        Reply::ok("application/xml", body)
    }
    /// `body` gzip-compressed on the wire with `Content-Encoding: gzip`.
    pub fn gzip(content_type: &str, body: impl AsRef<[u8]>) -> Reply {
        Reply::ok(content_type, gzip(body.as_ref())).header("Content-Encoding", "gzip")
    }
    /// `body` compressed on the wire with `Content-Encoding: encoding`: `gzip`, `br`,
    /// `zstd` or `deflate` (the zlib format, which is what HTTP means by it).
    pub fn encoded(content_type: &str, encoding: &str, body: impl AsRef<[u8]>) -> Reply {
        let body = body.as_ref();
        let wire = match encoding {
            "gzip" => gzip(body),
            "br" => brotli(body),
            "zstd" => zstd::encode_all(body, 3).expect("zstd to memory"),
            "deflate" => deflate(body),
            other => panic!("no encoder for Content-Encoding {other:?}"),
        };
        Reply::ok(content_type, wire).header("Content-Encoding", encoding)
    }
    /// A `.gz` file (a gzipped sitemap): the gzip is the content, not a transfer coding.
    pub fn gz_file(content: impl AsRef<[u8]>) -> Reply {
        Reply::ok("application/gzip", gzip(content.as_ref()))
    }
    /// 301, 302, 303, 307 or 308 to `location` (absolute or relative, sent as given).
    pub fn redirect(code: u16, location: &str) -> Reply {
        Reply::status(code).header("Location", location)
    }
    /// 429 or 503 with `Retry-After: secs`.
    pub fn retry_after(code: u16, secs: u64) -> Reply {
        Reply::status(code).header("Retry-After", &secs.to_string())
    }
    /// `len` zero bytes, streamed: a body too large without a large test.
    pub fn zeros(content_type: &str, len: u64) -> Reply {
        Reply::ok(content_type, "").with(Body::Zeros(len))
    }
    /// `body` sent `chunk` bytes at a time, one chunk every `every` (Content-Length is exact).
    pub fn trickle(body: impl AsRef<[u8]>, chunk: usize, every: Duration) -> Reply {
        let trickle = Body::Trickle(Arc::from(body.as_ref()), chunk.max(1), every);
        Reply::html("").with(trickle)
    }
    /// Reads the request, sends nothing for `wait`, then closes.
    pub fn hang(wait: Duration) -> Reply {
        Reply::cut(false, 0, 0, wait, false)
    }
    /// Sends the head (Content-Length 1000) and then no body for `wait`, then closes.
    pub fn hang_after_headers(wait: Duration) -> Reply {
        Reply::cut(true, 1000, 0, wait, false)
    }
    /// Declares `declared_len` bytes, sends `sent_bytes`, then resets the connection
    /// (SO_LINGER 0, so the client sees ECONNRESET rather than a clean end).
    pub fn reset_mid_body(declared_len: u64, sent_bytes: usize) -> Reply {
        Reply::cut(true, declared_len, sent_bytes, Duration::ZERO, true)
    }
    /// Declares `declared_len` bytes, sends `sent_bytes`, then closes cleanly.
    pub fn short_body(declared_len: u64, sent_bytes: usize) -> Reply {
        Reply::cut(true, declared_len, sent_bytes, Duration::ZERO, false)
    }
    fn cut(head: bool, declared: u64, sent: usize, wait: Duration, reset: bool) -> Reply {
        let cut = Body::Cut(head, declared, sent, wait, reset);
        Reply::html("").with(cut)
    }
    /// A small `Content-Encoding: gzip` body that inflates to `size` zero bytes
    /// (1 GiB is about 1 MB on the wire, built in ~50 ms and cached per size).
    pub fn gzip_bomb(size: u64) -> Reply {
        let bomb = Body::Bytes(gzip_bomb(size));
        Reply::html("")
            .header("Content-Encoding", "gzip")
            .with(bomb)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
    pub fn content_type(self, value: &str) -> Reply {
        self.header("Content-Type", value)
    }
    pub fn etag(self, value: &str) -> Reply {
        self.header("ETag", value)
    }
    pub fn last_modified(self, value: &str) -> Reply {
        self.header("Last-Modified", value)
    }
    pub fn body(self, body: impl AsRef<[u8]>) -> Reply {
        self.with(Body::Bytes(Arc::from(body.as_ref())))
    }
    /// Waits this long before sending anything (a slow server, or overlapping requests).
    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
    /// `Transfer-Encoding: chunked` instead of Content-Length (bytes and zeros bodies).
    pub fn chunked(mut self) -> Reply {
        self.chunked = true;
        self
    }
    fn with(mut self, body: Body) -> Reply {
        self.body = body;
        self
    }
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    let is = |(n, _): &&(String, String)| n.eq_ignore_ascii_case(name);
    headers.iter().find(is).map(|(_, v)| v.as_str())
}

/// What a route or a whole site runs per request; any such closure is one.
pub trait Handle: Fn(&Request) -> Reply + Send + Sync + 'static {}
impl<F: Fn(&Request) -> Reply + Send + Sync + 'static> Handle for F {}
type Handler = Arc<dyn Handle>;

/// Replies in turn, the last one for every request after: `sequence(vec![503, 503, ok])`.
pub fn sequence(replies: Vec<Reply>) -> impl Handle {
    assert!(!replies.is_empty(), "sequence of no replies");
    let n = AtomicUsize::new(0);
    move |_| replies[n.fetch_add(1, SeqCst).min(replies.len() - 1)].clone()
}

/// `failure` the first `n` times, then `then`.
pub fn fail_first(n: usize, failure: Reply, then: Reply) -> impl Handle {
    let mut replies = vec![failure; n];
    replies.push(then);
    sequence(replies)
}

/// Serves `reply` (give it `.etag()` and/or `.last_modified()`), or a bodiless 304 with
/// the same validators when the request's If-None-Match or If-Modified-Since matches.
pub fn conditional(reply: Reply) -> impl Handle {
    move |req| {
        let etag = find(&reply.headers, "etag");
        let modified = find(&reply.headers, "last-modified");
        let tag_hit = match (req.header("if-none-match"), etag) {
            (Some(sent), Some(tag)) => sent.split(',').any(|t| t.trim() == tag || t.trim() == "*"),
            _ => false,
        };
        let date_hit = req.header("if-none-match").is_none()
            && modified.is_some()
            && req.header("if-modified-since") == modified;
        if !(tag_hit || date_hit) {
            return reply.clone();
        }
        let mut not_modified = reply.clone().body("");
        not_modified.status = 304;
        not_modified
    }
}

/// A route table; unknown paths get 404. A route matches the whole path and query
/// first, then the path alone.
pub struct Routes {
    table: HashMap<String, Handler>,
    fallback: Handler,
}

impl Routes {
    pub fn route(self, path: &str, reply: Reply) -> Routes {
        self.dynamic(path, move |_| reply.clone())
    }
    pub fn dynamic(mut self, path: &str, f: impl Handle) -> Routes {
        self.table.insert(path.to_string(), Arc::new(f));
        self
    }
    /// For paths with no route (default: 404).
    pub fn fallback(mut self, f: impl Handle) -> Routes {
        self.fallback = Arc::new(f);
        self
    }
    pub fn start(self) -> Site {
        Site::start(move |req| {
            let exact = self.table.get(&req.path);
            exact
                .or(self.table.get(req.route()))
                .unwrap_or(&self.fallback)(req)
        })
    }
}

/// A running server. Dropping it stops it.
pub struct Site {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
}

#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    log: Mutex<Vec<Request>>,
    /// Open connections by id, so drop can shut them all down.
    open: Mutex<HashMap<usize, TcpStream>>,
    accepted: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Site {
    pub fn routes() -> Routes {
        Routes {
            table: HashMap::new(),
            fallback: Arc::new(|_| Reply::status(404)),
        }
    }

    pub fn start(handler: impl Handle) -> Site {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared::default());
        let handler: Handler = Arc::new(handler);
        let s = shared.clone();
        let accept = thread::spawn(move || {
            for stream in listener.incoming() {
                if s.stop.load(SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let id = s.accepted.fetch_add(1, SeqCst);
                if let Ok(clone) = stream.try_clone() {
                    s.open.lock().unwrap().insert(id, clone);
                }
                let (s, handler) = (s.clone(), handler.clone());
                thread::spawn(move || {
                    let _ = serve(&s, &*handler, stream);
                    s.open.lock().unwrap().remove(&id);
                });
            }
        });
        Site {
            addr,
            shared,
            accept: Some(accept),
        }
    }

    /// `http://127.0.0.1:PORT` + `path` (which should start with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
    /// `127.0.0.1:PORT`
    pub fn host(&self) -> String {
        self.addr.to_string()
    }
    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.log.lock().unwrap().clone()
    }
    /// The paths requested so far, in arrival order.
    pub fn paths(&self) -> Vec<String> {
        let log = self.shared.log.lock().unwrap();
        log.iter().map(|r| r.path.clone()).collect()
    }
    /// Requests for `path`: an exact match, or on the path alone when `path` has no query.
    pub fn hits(&self, path: &str) -> usize {
        let log = self.shared.log.lock().unwrap();
        let query = path.contains('?');
        log.iter()
            .filter(|r| r.path == path || (!query && r.route() == path))
            .count()
    }
    /// Connections accepted so far (keep-alive reuses them).
    pub fn connections(&self) -> usize {
        self.shared.accepted.load(SeqCst)
    }
    /// The most requests that were being answered at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(SeqCst)
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.shared.stop.store(true, SeqCst);
        // accept() doesn't time out: a connection of our own wakes it to see the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
        for (_, s) in self.shared.open.lock().unwrap().drain() {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

fn serve(s: &Shared, handler: &dyn Handle, stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(IDLE))?;
    stream.set_write_timeout(Some(IDLE))?;
    // Head and body go out in separate writes: without this, Nagle + delayed ACK
    // would add 40 ms to every keep-alive response.
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream);
    while !s.stop.load(SeqCst) {
        let Some(req) = read_request(&mut reader)? else {
            return Ok(());
        };
        s.log.lock().unwrap().push(req.clone());
        let n = s.in_flight.fetch_add(1, SeqCst) + 1;
        s.max_in_flight.fetch_max(n, SeqCst);
        let reply = handler(&req);
        let keep = write_reply(s, reader.get_mut(), &req, &reply);
        s.in_flight.fetch_sub(1, SeqCst);
        if !keep? {
            return Ok(());
        }
    }
    Ok(())
}

/// None when the client closed the connection between requests.
fn read_request(r: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let mut head = Vec::new();
    loop {
        let before = head.len();
        match r.by_ref().take(8192).read_until(b'\n', &mut head)? {
            0 if before == 0 => return Ok(None),
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            _ => {}
        }
        let line = &head[before..];
        if head.len() > 64 * 1024 {
            return Err(io::Error::other("request head over 64 KiB"));
        }
        if (line == b"\r\n" || line == b"\n") && before > 0 {
            break;
        }
    }
    let at = Instant::now();
    let text = String::from_utf8_lossy(&head);
    let mut lines = text.lines();
    let mut first = lines.next().unwrap_or("").split_whitespace();
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("/").to_string();
    let version = first.next().unwrap_or("HTTP/1.1").to_string();
    let mut headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    if version == "HTTP/1.0" && !headers.iter().any(|(n, _)| n == "connection") {
        headers.push(("connection".into(), "close".into()));
    }
    let req = Request {
        method,
        path,
        headers,
        at,
    };
    // A request body (none expected from a crawler) is read and dropped.
    let len = req.header("content-length").and_then(|v| v.parse().ok());
    io::copy(&mut r.by_ref().take(len.unwrap_or(0)), &mut io::sink())?;
    Ok(Some(req))
}

/// Writes the reply; Ok(true) when the connection stays open for another request.
fn write_reply(s: &Shared, w: &mut TcpStream, req: &Request, reply: &Reply) -> io::Result<bool> {
    pause(s, reply.delay);
    let close = req.header("connection").map(str::to_ascii_lowercase);
    let close = close.is_some_and(|v| v == "close");
    let no_length = matches!(reply.status, 204 | 304) || reply.status < 200;
    let (declared, chunked) = match &reply.body {
        Body::Bytes(b) => (b.len() as u64, reply.chunked),
        Body::Zeros(n) => (*n, reply.chunked),
        Body::Trickle(data, ..) => (data.len() as u64, false),
        Body::Cut(false, .., wait, _) => {
            pause(s, *wait);
            return Ok(false);
        }
        Body::Cut(_, declared, ..) => (*declared, false),
    };
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (n, v) in &reply.headers {
        head += &format!("{n}: {v}\r\n");
    }
    if chunked {
        head += "Transfer-Encoding: chunked\r\n";
    } else if !no_length {
        head += &format!("Content-Length: {declared}\r\n");
    }
    if close {
        head += "Connection: close\r\n";
    }
    w.write_all((head + "\r\n").as_bytes())?;
    if req.method == "HEAD" || no_length {
        return Ok(!close);
    }
    const BLOCK: usize = 16 * 1024;
    match &reply.body {
        Body::Bytes(b) if chunked => write_chunked(w, b.chunks(BLOCK))?,
        Body::Bytes(b) => w.write_all(b)?,
        Body::Zeros(n) => {
            let zeros = [0u8; BLOCK];
            let sizes = (0..*n).step_by(BLOCK).map(|at| (*n - at).min(BLOCK as u64));
            let mut chunks = sizes.map(|len| &zeros[..len as usize]);
            match chunked {
                true => write_chunked(w, chunks)?,
                false => chunks.try_for_each(|c| w.write_all(c))?,
            }
        }
        Body::Trickle(data, chunk, every) => {
            for (i, part) in data.chunks(*chunk).enumerate() {
                if i > 0 && !pause(s, *every) {
                    return Ok(false);
                }
                w.write_all(part)?;
            }
        }
        Body::Cut(_, _, sent, wait, reset) => {
            w.write_all(&b"<p>cut short</p>".repeat(sent / 16 + 1)[..*sent])?;
            pause(s, *wait);
            match reset {
                true => linger_zero(w),
                false => w.shutdown(Shutdown::Write)?,
            }
            return Ok(false);
        }
    }
    Ok(!close)
}

fn write_chunked<'a>(w: &mut TcpStream, chunks: impl Iterator<Item = &'a [u8]>) -> io::Result<()> {
    for c in chunks {
        w.write_all(format!("{:x}\r\n", c.len()).as_bytes())?;
        w.write_all(c)?;
        w.write_all(b"\r\n")?;
    }
    w.write_all(b"0\r\n\r\n")
}

/// Sleeps in small steps so a dropped Site ends hangs promptly; false if it was dropped.
fn pause(s: &Shared, d: Duration) -> bool {
    let end = Instant::now() + d;
    while !s.stop.load(SeqCst) {
        let now = Instant::now();
        if now >= end {
            return true;
        }
        thread::sleep((end - now).min(Duration::from_millis(10)));
    }
    false
}

/// SO_LINGER 0, so that the close sends RST instead of FIN (std has no setter for it).
/// The RST goes out when the connection thread drops its stream and its clone.
fn linger_zero(w: &TcpStream) {
    let _ = socket2::SockRef::from(w).set_linger(Some(Duration::ZERO));
}

fn reason(code: u16) -> &'static str {
    const REASONS: &str = "200 OK\n204 No Content\n301 Moved Permanently\n302 Found\n\
        303 See Other\n304 Not Modified\n307 Temporary Redirect\n308 Permanent Redirect\n\
        400 Bad Request\n403 Forbidden\n404 Not Found\n410 Gone\n429 Too Many Requests\n\
        500 Internal Server Error\n502 Bad Gateway\n503 Service Unavailable\n";
    let line = REASONS.lines().find(|l| l.starts_with(&code.to_string()));
    line.map_or("Status", |l| &l[4..])
}

#[path = "site_codings.rs"]
mod codings;
use codings::gzip_bomb;
pub use codings::{brotli, deflate, gzip};

#[cfg(test)]
#[path = "site_tests.rs"]
mod tests;
