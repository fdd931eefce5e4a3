//! WARC 1.1 records written out: one record as bytes, gzipped as its own member when
//! asked (the layout Common Crawl uses, which lets a reader seek to any record).

use std::io::Write;

/// One record: the version line, `WARC-Type`, a fresh `WARC-Record-ID`, the given
/// fields (a `WARC-Date` is added when they have none), `Content-Length`, the block and
/// the two line ends that close a record.
pub fn record(warc_type: &str, fields: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "WARC/1.1\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: <urn:uuid:{}>\r\n",
        uuid4()
    );
    if !fields
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("WARC-Date"))
    {
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        head.push_str(&format!("WARC-Date: {now}\r\n"));
    }
    for (name, value) in fields {
        // A line break in a value would end the header early: fold it into a space.
        let value = value.replace(['\r', '\n'], " ");
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", block.len()));
    let mut out = head.into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// `bytes` as one gzip member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec can't fail.
    gz.write_all(bytes).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

/// A random (version 4) UUID, as WARC-Record-ID asks for a globally unique one.
fn uuid4() -> String {
    let mut b: [u8; 16] = std::array::from_fn(|_| fastrand::u8(..));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        hex.get(..8).unwrap_or(""),
        hex.get(8..12).unwrap_or(""),
        hex.get(12..16).unwrap_or(""),
        hex.get(16..20).unwrap_or(""),
        hex.get(20..).unwrap_or("")
    )
}
