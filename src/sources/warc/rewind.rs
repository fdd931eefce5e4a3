//! The compressed bytes of a gzip WARC, with a way back: the bytes of the member being
//! decoded are kept, so that when it turns out corrupt, the next member can be looked
//! for inside them. A corrupt deflate stream need not stop at its member's end: the
//! decoder may run on into the members after it before it fails, and without this
//! their records would be lost with it.

use std::io::{self, BufRead, BufReader, Read};

/// Member bytes kept for a rewind; a longer member is not rewound into (a whole-file
/// gzip, whose one member holds the file).
const KEEP: usize = 16 << 20;

pub(super) struct Rewind {
    inner: BufReader<Box<dyn Read + Send>>,
    /// Offset in the file of the next byte handed out.
    pos: u64,
    /// Bytes consumed since `mark`, while `keeping`.
    kept: Vec<u8>,
    kept_from: u64,
    keeping: bool,
    /// Bytes to hand out again, before the inner reader's.
    replay: Vec<u8>,
    replay_at: usize,
}

impl Rewind {
    pub(super) fn new(file: Box<dyn Read + Send>) -> Self {
        Rewind {
            inner: BufReader::with_capacity(64 * 1024, file),
            pos: 0,
            kept: Vec::new(),
            kept_from: 0,
            keeping: false,
            replay: Vec::new(),
            replay_at: 0,
        }
    }

    pub(super) fn pos(&self) -> u64 {
        self.pos
    }

    /// Starts keeping what is consumed from here (a member begins).
    pub(super) fn mark(&mut self) {
        self.kept.clear();
        self.kept_from = self.pos;
        self.keeping = true;
    }

    /// Goes back to the first occurrence of `magic` after the marked start, if the
    /// bytes since the mark hold one; true if it did.
    pub(super) fn rewind_to(&mut self, magic: &[u8]) -> bool {
        let found = self
            .kept
            .get(1..)
            .and_then(|rest| memchr::memmem::find(rest, magic))
            .map(|i| i.saturating_add(1));
        self.keeping = false;
        let Some(at) = found else {
            self.kept.clear();
            return false;
        };
        let mut replay = self.kept.split_off(at);
        replay.extend_from_slice(self.replay.get(self.replay_at..).unwrap_or_default());
        self.replay = replay;
        self.replay_at = 0;
        self.pos = self.kept_from.saturating_add(at as u64);
        self.kept.clear();
        true
    }
}

impl Read for Rewind {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            if let (Some(to), Some(from)) = (buf.get_mut(..n), available.get(..n)) {
                to.copy_from_slice(from);
            }
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Rewind {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.replay_at < self.replay.len() {
            return Ok(self.replay.get(self.replay_at..).unwrap_or_default());
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        let replaying = self.replay_at < self.replay.len();
        let taken = if replaying {
            let end = self.replay_at.saturating_add(amt).min(self.replay.len());
            let taken = self.replay.get(self.replay_at..end).unwrap_or_default();
            if self.keeping {
                self.kept.extend_from_slice(taken);
            }
            let n = taken.len();
            self.replay_at = end;
            if self.replay_at >= self.replay.len() {
                self.replay.clear();
                self.replay_at = 0;
            }
            n
        } else {
            let buffered = self.inner.buffer();
            let n = amt.min(buffered.len());
            if self.keeping {
                self.kept
                    .extend_from_slice(buffered.get(..n).unwrap_or_default());
            }
            self.inner.consume(n);
            n
        };
        if self.kept.len() > KEEP {
            self.keeping = false;
            self.kept = Vec::new();
        }
        self.pos = self.pos.saturating_add(taken as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewinds_to_a_magic_inside_what_was_consumed() {
        let data = b"xxAAyyMAGICzzMAGICtail".to_vec();
        let mut r = Rewind::new(Box::new(std::io::Cursor::new(data)));
        r.fill_buf().unwrap();
        r.consume(2);
        r.mark();
        let mut sink = [0u8; 14];
        r.read_exact(&mut sink).unwrap();
        assert_eq!(r.pos(), 16);
        assert!(r.rewind_to(b"MAGIC"));
        assert_eq!(r.pos(), 6);
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"MAGICzzMAGICtail");
        // Marked again during a replay: the next magic after the new mark.
        let mut r = Rewind::new(Box::new(std::io::Cursor::new(b"MAGICaMAGICb".to_vec())));
        r.mark();
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert!(r.rewind_to(b"MAGIC"));
        r.mark();
        r.fill_buf().unwrap();
        r.consume(1);
        assert!(
            !r.rewind_to(b"MAGIC"),
            "only the start was consumed since the mark"
        );
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"AGICb");
    }
}
