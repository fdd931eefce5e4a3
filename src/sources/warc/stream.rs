//! The byte stream under a WARC file's records: plain, gzip (one member per record, as
//! Common Crawl writes them, or one for the whole file) or zstd, told apart by magic
//! bytes, never by the file name.
//!
//! Gzip is read member by member so that a record can be located by the compressed
//! offset of its member (what CDX indexes and `warcio extract` use), and so that a
//! corrupt member is skipped by finding the next one, not the end of the file.

use super::rewind::Rewind;
use std::collections::VecDeque;
use std::io::{self, BufRead, BufReader, Read};

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// A buffered reader that counts the bytes consumed from it.
pub(super) struct Counting<R> {
    inner: BufReader<R>,
    pos: u64,
}

impl<R: Read> Counting<R> {
    pub(super) fn new(inner: R) -> Self {
        Counting {
            inner: BufReader::with_capacity(64 * 1024, inner),
            pos: 0,
        }
    }

    pub(super) fn pos(&self) -> u64 {
        self.pos
    }

    /// Drops whatever is buffered: after a decoding error, those bytes mean nothing.
    pub(super) fn discard_buffer(&mut self) {
        let n = self.inner.buffer().len();
        self.consume(n);
    }

    pub(super) fn get_mut(&mut self) -> &mut R {
        self.inner.get_mut()
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos = self.pos.saturating_add(n as u64);
        Ok(n)
    }
}

impl<R: Read> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.pos = self.pos.saturating_add(amt as u64);
    }
}

/// How the file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Plain,
    Gzip,
    Zstd,
}

impl Codec {
    pub fn sniff(head: &[u8]) -> Codec {
        if head.starts_with(&GZIP_MAGIC) {
            Codec::Gzip
        } else if head.starts_with(&ZSTD_MAGIC) {
            Codec::Zstd
        } else {
            Codec::Plain
        }
    }
}

type Compressed = Rewind;

/// The decompressed bytes of a WARC file, with what is needed to say where a record is.
pub(super) enum Stream {
    Plain(Compressed),
    Gzip(Box<GzMembers>),
    Zstd(Box<zstd::stream::read::Decoder<'static, BufReader<Compressed>>>),
}

impl Stream {
    pub(super) fn new(codec: Codec, file: Box<dyn Read + Send>) -> io::Result<Stream> {
        let compressed = Rewind::new(file);
        Ok(match codec {
            Codec::Plain => Stream::Plain(compressed),
            Codec::Gzip => Stream::Gzip(Box::new(GzMembers::new(compressed))),
            Codec::Zstd => Stream::Zstd(Box::new(zstd::stream::read::Decoder::new(compressed)?)),
        })
    }

    /// The gzip member holding decompressed byte `at`, as (its compressed offset, `at`'s
    /// place in it); `None` for plain and zstd files, where `at` is the offset itself.
    pub(super) fn member_of(&mut self, at: u64) -> Option<(u64, u64)> {
        match self {
            Stream::Gzip(g) => g.member_of(at),
            _ => None,
        }
    }

    /// While set, the end of a gzip member reads as the end of the stream, so that a
    /// member can be read to its end (and its checksum checked) without starting the
    /// next one.
    pub(super) fn stop_at_member_end(&mut self, stop: bool) {
        if let Stream::Gzip(g) = self {
            g.stop_at_end = stop;
        }
    }

    /// After a decoding error: skips to the next gzip member. Returns false when the
    /// stream can't be resumed (zstd), or is plain and needs no skipping here.
    pub(super) fn resync(&mut self) -> bool {
        match self {
            Stream::Gzip(g) => {
                g.resync();
                true
            }
            Stream::Plain(_) | Stream::Zstd(_) => false,
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(r) => r.read(buf),
            Stream::Gzip(g) => g.read(buf),
            Stream::Zstd(z) => z.read(buf),
        }
    }
}

/// Gzip members one after another, each decoded by its own decoder so that where each
/// begins is known, and a corrupt one can be left for the next.
pub(super) struct GzMembers {
    /// The compressed input between members; `None` while a member holds it.
    between: Option<Compressed>,
    member: Option<flate2::bufread::GzDecoder<Compressed>>,
    /// (decompressed offset, compressed offset) of the members begun lately.
    starts: VecDeque<(u64, u64)>,
    /// Decompressed bytes produced so far.
    out: u64,
    stop_at_end: bool,
}

/// Members remembered for locating records: a record header spans at most a few.
const KEEP_STARTS: usize = 64;

impl GzMembers {
    fn new(compressed: Compressed) -> Self {
        GzMembers {
            between: Some(compressed),
            member: None,
            starts: VecDeque::new(),
            out: 0,
            stop_at_end: false,
        }
    }

    fn member_of(&self, at: u64) -> Option<(u64, u64)> {
        let (d, c) = self.starts.iter().rev().find(|(d, _)| *d <= at)?;
        Some((*c, at.saturating_sub(*d)))
    }

    fn compressed(&mut self) -> &mut Compressed {
        if let Some(m) = self.member.take() {
            self.between = Some(m.into_inner());
        }
        self.between
            .as_mut()
            .expect("the compressed input is held by the member or between members")
    }

    /// Leaves the current member and moves to the next gzip header after it: a
    /// candidate may be a chance match inside compressed data, in which case decoding
    /// fails again and the next one is tried.
    fn resync(&mut self) {
        let failed_at = self.starts.back().map(|(_, c)| *c);
        let r = self.compressed();
        // The decoder may have run past the member's end: the next member may be among
        // the bytes it consumed.
        if r.rewind_to(&GZIP_MAGIC) {
            return;
        }
        // Still at the start of the member that failed (its header was bad): step past
        // it. Otherwise the member was read to its end (a bad checksum), and the next
        // one may begin right here.
        if Some(r.pos()) == failed_at && r.fill_buf().map(|b| !b.is_empty()).unwrap_or(false) {
            r.consume(1);
        }
        loop {
            let (skip, found) = match r.fill_buf() {
                Ok([]) | Err(_) => return,
                Ok(buf) => match memchr::memchr(GZIP_MAGIC[0], buf) {
                    None => (buf.len(), false),
                    Some(i) => {
                        let rest = buf.get(i..).unwrap_or_default();
                        let n = rest.len().min(GZIP_MAGIC.len());
                        // Too few bytes buffered to tell: try it; a failure resyncs.
                        if rest.get(..n) == GZIP_MAGIC.get(..n) {
                            (i, true)
                        } else {
                            (i.saturating_add(1), false)
                        }
                    }
                },
            };
            r.consume(skip);
            if found {
                return;
            }
        }
    }
}

impl Read for GzMembers {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(m) = &mut self.member {
                let n = m.read(buf)?;
                if n > 0 {
                    self.out = self.out.saturating_add(n as u64);
                    return Ok(n);
                }
                // The member ended; the next (if any) begins where its trailer ended.
                self.compressed();
                if self.stop_at_end {
                    return Ok(0);
                }
                continue;
            }
            let r = self.compressed();
            if r.fill_buf()?.is_empty() {
                return Ok(0);
            }
            let at = r.pos();
            r.mark();
            let r = self.between.take().expect("taken just above");
            if self.starts.len() >= KEEP_STARTS {
                self.starts.pop_front();
            }
            self.starts.push_back((self.out, at));
            self.member = Some(flate2::bufread::GzDecoder::new(r));
        }
    }
}
