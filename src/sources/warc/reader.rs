//! WARC 1.0 / 1.1 records, one at a time, in bounded memory: a record's header is read
//! whole (at most [`MAX_HEADER`] bytes), its block only when the caller wants that type
//! and it fits under the cap; every other block is read past, never kept.
//!
//! A malformed record is an error naming its offset, and reading resumes at the next
//! record: the next gzip member, or the next `WARC/1.` line in a plain or zstd file.

use super::stream::{Codec, Counting, Stream};
use std::fmt;
use std::io::{self, BufRead, Read};

/// A record header longer than this is garbage, not a header.
pub const MAX_HEADER: u64 = 64 * 1024;

/// Where a record starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset {
    /// The compressed offset of the gzip member the record starts in.
    pub member: Option<u64>,
    /// The record's offset: in the member for gzip, in the file otherwise.
    pub within: u64,
}

impl fmt::Display for Offset {
    /// `1234` for a plain or zstd file and for a record that starts its own gzip member
    /// (Common Crawl's layout, what CDX indexes point at); `1234+56` for a record 56
    /// bytes into the member at 1234 (a whole-file gzip).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.member {
            None => write!(f, "{}", self.within),
            Some(m) if self.within == 0 => write!(f, "{m}"),
            Some(m) => write!(f, "{m}+{}", self.within),
        }
    }
}

/// A record's named fields, in order.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub fields: Vec<(String, String)>,
}

impl Head {
    /// The first field of that name (WARC field names are case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        crate::sources::first_field(&self.fields, name)
    }

    pub fn warc_type(&self) -> &str {
        self.get("WARC-Type").unwrap_or("")
    }
}

/// One record of the file.
#[derive(Debug)]
pub enum Item {
    /// A record of a wanted type, block and all.
    Read {
        offset: Offset,
        head: Head,
        block: Vec<u8>,
    },
    /// A record of another type, read past.
    Passed { offset: Offset, head: Head },
}

/// A record that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("offset {offset}: {reason}")]
pub struct RecordError {
    pub offset: Offset,
    pub reason: String,
}

/// Reads a WARC file's records in order.
pub struct Reader {
    r: Counting<Stream>,
    max_block: u64,
    wanted: &'static [&'static str],
    done: bool,
}

impl Reader {
    /// `file` is read from its start; its compression is sniffed from its first bytes.
    /// Blocks of the `wanted` WARC types over `max_block` bytes are errors.
    pub fn new(
        mut file: Box<dyn Read + Send>,
        max_block: u64,
        wanted: &'static [&'static str],
    ) -> io::Result<Reader> {
        let mut head = [0u8; 4];
        let mut n = 0;
        while n < head.len() {
            match file.read(head.get_mut(n..).unwrap_or_default())? {
                0 => break,
                k => n = n.saturating_add(k),
            }
        }
        let sniffed = head.get(..n).unwrap_or_default();
        let codec = Codec::sniff(sniffed);
        let file: Box<dyn Read + Send> = Box::new(io::Cursor::new(sniffed.to_vec()).chain(file));
        Ok(Reader {
            r: Counting::new(Stream::new(codec, file)?),
            max_block,
            wanted,
            done: false,
        })
    }

    fn offset(&mut self, at: u64) -> Offset {
        match self.r.get_mut().member_of(at) {
            Some((member, within)) => Offset {
                member: Some(member),
                within,
            },
            None => Offset {
                member: None,
                within: at,
            },
        }
    }

    /// Steps over the blank lines between records; false at the end of the file.
    fn skip_blank(&mut self) -> io::Result<bool> {
        loop {
            let buf = self.r.fill_buf()?;
            if buf.is_empty() {
                return Ok(false);
            }
            let blank = buf
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            if blank < buf.len() {
                self.r.consume(blank);
                return Ok(true);
            }
            let n = buf.len();
            self.r.consume(n);
        }
    }

    fn line(&mut self, budget: &mut u64) -> Result<Vec<u8>, Failure> {
        let mut line = Vec::new();
        let n = (&mut self.r)
            .take(*budget)
            .read_until(b'\n', &mut line)
            .map_err(Failure::Stream)?;
        *budget = budget.saturating_sub(n as u64);
        if !line.ends_with(b"\n") {
            return Err(if n == 0 || *budget > 0 {
                Failure::Eof("the file ends inside a record header")
            } else {
                Failure::Garbled(format!("record header over {MAX_HEADER} bytes"))
            });
        }
        while line.last().is_some_and(|b| matches!(b, b'\r' | b'\n')) {
            line.pop();
        }
        Ok(line)
    }

    fn head(&mut self) -> Result<Head, Failure> {
        let mut budget = MAX_HEADER;
        let version = self.line(&mut budget)?;
        if !version.starts_with(b"WARC/1.") {
            let shown: String = String::from_utf8_lossy(&version).chars().take(40).collect();
            return Err(Failure::Garbled(format!(
                "expected a WARC/1.0 or WARC/1.1 record, found {shown:?}"
            )));
        }
        let mut head = Head::default();
        loop {
            let line = self.line(&mut budget)?;
            if line.is_empty() {
                return Ok(head);
            }
            let line = String::from_utf8_lossy(&line);
            // A line starting with white space continues the previous field (WARC 1.0).
            if line.starts_with([' ', '\t']) {
                if let Some((_, v)) = head.fields.last_mut() {
                    v.push(' ');
                    v.push_str(line.trim());
                    continue;
                }
            }
            let Some((name, value)) = line.split_once(':') else {
                let shown: String = line.chars().take(40).collect();
                return Err(Failure::Garbled(format!("not a header field: {shown:?}")));
            };
            head.fields
                .push((name.trim().to_string(), value.trim().to_string()));
        }
    }

    /// Reads `len` bytes past; false if the file ended first.
    fn pass(&mut self, len: u64) -> Result<bool, Failure> {
        let n = io::copy(&mut (&mut self.r).take(len), &mut io::sink()).map_err(Failure::Stream)?;
        Ok(n == len)
    }

    fn record(&mut self, offset: Offset) -> Result<Item, Failure> {
        let head = self.head()?;
        let length = head.get("Content-Length").unwrap_or("");
        let Ok(length) = length.parse::<u64>() else {
            return Err(Failure::Garbled(format!(
                "Content-Length {length:?} is not a byte count"
            )));
        };
        if !self.wanted.contains(&head.warc_type()) {
            return match self.pass(length)? {
                true => Ok(Item::Passed { offset, head }),
                false => Err(Failure::Eof("the file ends inside the record's block")),
            };
        }
        if length > self.max_block {
            let reason = format!(
                "block of {length} bytes, over the {}-byte limit",
                self.max_block
            );
            return match self.pass(length)? {
                true => Err(Failure::Refused(reason)),
                false => Err(Failure::Eof("the file ends inside the record's block")),
            };
        }
        let mut block = Vec::with_capacity(usize::try_from(length).unwrap_or(0).min(1 << 20));
        (&mut self.r)
            .take(length)
            .read_to_end(&mut block)
            .map_err(Failure::Stream)?;
        if (block.len() as u64) < length {
            return Err(Failure::Eof("the file ends inside the record's block"));
        }
        self.check_member_end(offset)?;
        Ok(Item::Read {
            offset,
            head,
            block,
        })
    }

    /// A record that begins its own gzip member (Common Crawl's layout) is only good if
    /// the member is: its checksum is checked at its end, after the block. So the
    /// member is read to its end now. Line ends and then the member's end: the record
    /// is sound. Another record in the same member (a whole-file gzip): its checksum
    /// comes later, and the record is taken. Anything else, or a decoding error: the
    /// member is corrupt and so is the record.
    fn check_member_end(&mut self, offset: Offset) -> Result<(), Failure> {
        if offset.member.is_none() || offset.within != 0 {
            return Ok(());
        }
        self.r.get_mut().stop_at_member_end(true);
        let more = self.skip_blank();
        let next_is_record = matches!(self.r.fill_buf(), Ok(b) if b.starts_with(b"WARC/1."));
        self.r.get_mut().stop_at_member_end(false);
        match more {
            Ok(false) => Ok(()),
            Ok(true) if next_is_record => Ok(()),
            Ok(true) => Err(Failure::Garbled(
                "the record's gzip member goes on past it with bytes that are no record".into(),
            )),
            Err(e) => Err(Failure::Stream(e)),
        }
    }

    /// After a garbled record: on to the next line that starts a record, in the
    /// decompressed bytes (a whole-file gzip has no member boundary to go to). A start
    /// split across two buffer fills is missed, and the record after it found instead.
    fn resync(&mut self) {
        const START: &[u8] = b"WARC/1.";
        loop {
            let buf = match self.r.fill_buf() {
                Ok([]) => return,
                Err(_) => {
                    // A corrupt gzip member on the way: its records are lost anyway.
                    self.skip_member();
                    return;
                }
                Ok(buf) => buf,
            };
            let found = memchr::memmem::find_iter(buf, START)
                .find(|&i| i == 0 || buf.get(i.wrapping_sub(1)) == Some(&b'\n'));
            match found {
                Some(i) => {
                    self.r.consume(i);
                    return;
                }
                None => {
                    let n = buf.len();
                    self.r.consume(n);
                }
            }
        }
    }
}

/// Why reading a record stopped.
enum Failure {
    /// The record is malformed; the next one may be fine.
    Garbled(String),
    /// The record is well formed but refused (too large); it was read past.
    Refused(String),
    /// The file ended mid-record.
    Eof(&'static str),
    /// The decompressor (or the disk) failed.
    Stream(io::Error),
}

impl Iterator for Reader {
    type Item = Result<Item, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.skip_blank() {
            Ok(true) => {}
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(e) => {
                let offset = self.offset(self.r.pos());
                let reason = self.recover(Failure::Stream(e));
                return Some(Err(RecordError { offset, reason }));
            }
        }
        let offset = self.offset(self.r.pos());
        Some(match self.record(offset) {
            Ok(item) => Ok(item),
            Err(failure) => Err(RecordError {
                offset,
                reason: self.recover(failure),
            }),
        })
    }
}

impl Reader {
    /// Says why a record failed and puts the reader where the next record may be read.
    fn recover(&mut self, failure: Failure) -> String {
        match failure {
            Failure::Garbled(reason) => {
                self.resync();
                reason
            }
            Failure::Refused(reason) => reason,
            Failure::Eof(reason) => {
                self.done = true;
                reason.to_string()
            }
            Failure::Stream(e) => {
                self.skip_member();
                // Nothing after it: the file was cut short inside this record.
                if self.done || matches!(self.r.fill_buf(), Ok([])) {
                    format!("the file ends inside this record ({e})")
                } else {
                    format!("cannot read: {e}")
                }
            }
        }
    }

    /// A decompressor error: a gzip file goes on at its next member; other files end.
    fn skip_member(&mut self) {
        self.r.discard_buffer();
        if !self.r.get_mut().resync() {
            self.done = true;
        }
    }
}
