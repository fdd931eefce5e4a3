//! Tests of the loopback server itself, with a plain std client: no fetcher involved.

use super::*;

fn connect(site: &Site) -> BufReader<TcpStream> {
    let s = TcpStream::connect(site.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
    BufReader::new(s)
}

/// One request on `c`: (status, lowercased head, body read by Content-Length or to EOF).
fn get(
    c: &mut BufReader<TcpStream>,
    path: &str,
    extra: &str,
) -> io::Result<(u16, String, Vec<u8>)> {
    write!(c.get_mut(), "GET {path} HTTP/1.1\r\nHost: x\r\n{extra}\r\n")?;
    let mut head = String::new();
    while !head.ends_with("\r\n\r\n") {
        if c.read_line(&mut head)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
    let head = head.to_ascii_lowercase();
    let status: u16 = head[9..12].parse().unwrap();
    let len = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "));
    let mut body = Vec::new();
    match len.map(|v| v.parse::<u64>().unwrap()) {
        _ if status == 304 => 0,
        Some(n) => c.take(n).read_to_end(&mut body)?,
        None => c.read_to_end(&mut body)?,
    };
    Ok((status, head, body))
}

fn once(site: &Site, path: &str, extra: &str) -> (u16, String, Vec<u8>) {
    get(&mut connect(site), path, extra).unwrap()
}

#[test]
fn routes_replies_and_the_request_log() {
    let site = Site::routes()
        .route("/robots.txt", Reply::text("User-agent: *\n"))
        .route("/", Reply::html("<p>home</p>"))
        .route("/old", Reply::redirect(301, "/new"))
        .route("/q?page=2", Reply::text("two"))
        .start();
    assert_eq!(once(&site, "/robots.txt", "").2, b"User-agent: *\n");
    let (status, head, body) = once(&site, "/", "User-Agent: T/1\r\nIf-None-Match: \"x\"\r\n");
    assert_eq!((status, &body[..]), (200, &b"<p>home</p>"[..]));
    assert!(head.contains("content-type: text/html"), "{head}");
    let (status, head, _) = once(&site, "/old?a=1", "");
    assert!(
        status == 301 && head.contains("location: /new\r\n"),
        "{head}"
    );
    assert_eq!(once(&site, "/q?page=2", "").2, b"two");
    assert_eq!(once(&site, "/missing", "").0, 404);
    assert_eq!(
        site.paths(),
        ["/robots.txt", "/", "/old?a=1", "/q?page=2", "/missing"]
    );
    let log = site.requests();
    assert_eq!(log[1].method, "GET");
    assert_eq!(log[1].header("User-Agent"), Some("T/1"));
    assert_eq!(log[1].header("if-none-match"), Some("\"x\""));
    assert!(log.windows(2).all(|w| w[0].at <= w[1].at));
    assert_eq!(
        (site.hits("/old"), site.hits("/old?a=2"), site.hits("/nope")),
        (1, 0, 0)
    );
    assert!(site
        .url("/a")
        .starts_with(&format!("http://{}/", site.host())));
}

#[test]
fn keep_alive_until_connection_close() {
    let site = Site::start(|r| Reply::text(r.path.clone()));
    let mut c = connect(&site);
    assert_eq!(get(&mut c, "/1", "").unwrap().2, b"/1");
    assert_eq!(get(&mut c, "/2", "").unwrap().2, b"/2");
    let (_, head, body) = get(&mut c, "/3", "Connection: close\r\n").unwrap();
    assert!(head.contains("connection: close") && body == b"/3");
    let mut rest = Vec::new();
    assert_eq!(
        c.read_to_end(&mut rest).unwrap(),
        0,
        "closed after the reply"
    );
    assert_eq!((site.connections(), site.hits("/3")), (1, 1));
}

#[test]
fn trickle_takes_its_time() {
    let every = Duration::from_millis(60);
    let site = Site::start(move |_| Reply::trickle("abcdefgh", 2, every));
    let t = Instant::now();
    assert_eq!(once(&site, "/", "").2, b"abcdefgh");
    assert!(t.elapsed() >= every * 3, "{:?}", t.elapsed());
}

#[test]
fn reset_and_short_bodies_end_early() {
    let site = Site::routes()
        .route("/reset", Reply::reset_mid_body(10_000, 100))
        .route("/short", Reply::short_body(10_000, 100))
        .start();
    match get(&mut connect(&site), "/reset", "") {
        Err(e) => assert_eq!(e.kind(), io::ErrorKind::ConnectionReset, "{e}"),
        Ok((_, _, body)) => assert!(body.len() < 10_000, "{}", body.len()),
    }
    let (status, head, body) = once(&site, "/short", "");
    assert!(status == 200 && head.contains("content-length: 10000"));
    assert_eq!(body.len(), 100, "a clean end after 100 bytes");
}

#[test]
fn gzip_chunked_and_bomb_bodies() {
    let site = Site::routes()
        .route("/gz", Reply::gzip("text/html", "<p>squeezed</p>"))
        .route("/sitemap.xml.gz", Reply::gz_file("<urlset/>"))
        .route("/chunked", Reply::zeros("text/plain", 40_000).chunked())
        .route("/bomb", Reply::gzip_bomb(64 << 20))
        .start();
    let inflate = |b: &[u8]| {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(b)
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    let (_, head, body) = once(&site, "/gz", "");
    assert!(head.contains("content-encoding: gzip"));
    assert_eq!(inflate(&body), b"<p>squeezed</p>");
    let (_, head, body) = once(&site, "/sitemap.xml.gz", "");
    assert!(head.contains("application/gzip") && !head.contains("content-encoding"));
    assert_eq!(inflate(&body), b"<urlset/>");
    let (_, head, body) = once(&site, "/chunked", "Connection: close\r\n");
    assert!(head.contains("transfer-encoding: chunked") && body.ends_with(b"\r\n0\r\n\r\n"));
    let (_, _, body) = once(&site, "/bomb", "");
    assert!(body.len() < 100_000, "{} bytes on the wire", body.len());
    let mut d = flate2::read::GzDecoder::new(&body[..]);
    assert_eq!(io::copy(&mut d, &mut io::sink()).unwrap(), 64 << 20);
}

#[test]
fn stateful_and_conditional_handlers() {
    let page = Reply::html("v1")
        .etag("\"v1\"")
        .last_modified("Mon, 23 Nov 2026 10:00:00 GMT");
    let site = Site::routes()
        .dynamic(
            "/flaky",
            fail_first(2, Reply::retry_after(503, 1), Reply::html("up")),
        )
        .dynamic("/page", conditional(page))
        .start();
    let codes: Vec<u16> = (0..3).map(|_| once(&site, "/flaky", "").0).collect();
    assert_eq!(codes, [503, 503, 200]);
    assert!(once(&site, "/flaky", "").2 == b"up");
    let (status, head, _) = once(&site, "/page", "");
    assert!(status == 200 && head.contains("etag: \"v1\""));
    let (status, head, body) = once(&site, "/page", "If-None-Match: \"v1\"\r\n");
    assert!(status == 304 && head.contains("etag: \"v1\"") && body.is_empty());
    assert_eq!(once(&site, "/page", "If-None-Match: \"v0\"\r\n").0, 200);
    let since = "If-Modified-Since: Mon, 23 Nov 2026 10:00:00 GMT\r\n";
    assert_eq!(once(&site, "/page", since).0, 304);
}

#[test]
fn dropping_the_site_ends_hangs_and_stops_serving() {
    let site = Site::start(|_| Reply::hang_after_headers(Duration::from_secs(30)));
    let addr = site.addr;
    let mut c = connect(&site);
    let client = thread::spawn(move || get(&mut c, "/", "").map(|r| r.2.len()));
    thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    drop(site);
    let got = client.join().unwrap();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert!(!matches!(got, Ok(1000)), "{got:?}");
    assert!(TcpStream::connect(addr).is_err(), "still listening");
}
