//! WARC 1.1 written out: single records as bytes, and [`WarcWriter`], which appends
//! records to rotating files, each record its own gzip member (the layout Common Crawl
//! uses, which lets a reader seek to any record).
//!
//! A file being written is named `….warc.gz.open` and renamed when it is full or the
//! writer finishes: a crash leaves an `.open` file whose complete records any reader
//! can use (gleaner reports the cut last one), and a finished name is never half
//! written.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A fresh `WARC-Record-ID` value.
pub fn record_id() -> String {
    format!("<urn:uuid:{}>", uuid4())
}

/// One record: the version line, `WARC-Type`, a fresh `WARC-Record-ID`, the given
/// fields (a `WARC-Date` is added when they have none), `Content-Length`, the block and
/// the two line ends that close a record.
pub fn record(warc_type: &str, fields: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    record_with_id(&record_id(), warc_type, fields, block)
}

/// [`record`] with a given `WARC-Record-ID`, for records that name each other.
pub fn record_with_id(id: &str, warc_type: &str, fields: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    let mut head = format!("WARC/1.1\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: {id}\r\n");
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
    if let Some(v) = b.get_mut(6) {
        *v = (*v & 0x0f) | 0x40;
    }
    if let Some(v) = b.get_mut(8) {
        *v = (*v & 0x3f) | 0x80;
    }
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

/// Appends records to `DIR/PREFIX-NNNNN.warc.gz`, starting a new file once one holds
/// `max_bytes`. Shared by every fetch of a crawl: writes are serialised.
pub struct WarcWriter {
    dir: PathBuf,
    prefix: String,
    max_bytes: u64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    open: Option<Open>,
    serial: u32,
    finished: Vec<PathBuf>,
}

struct Open {
    file: BufWriter<File>,
    path: PathBuf,
    written: u64,
}

impl WarcWriter {
    /// A writer into `dir` (created if missing); file names start with `prefix`.
    pub fn create(dir: &Path, prefix: &str, max_bytes: u64) -> io::Result<WarcWriter> {
        std::fs::create_dir_all(dir)?;
        Ok(WarcWriter {
            dir: dir.to_path_buf(),
            prefix: prefix.to_string(),
            max_bytes,
            state: Mutex::new(State::default()),
        })
    }

    /// Appends `records` (whole, uncompressed records) to the current file, each as its
    /// own gzip member; they land in one file together.
    pub fn write(&self, records: &[Vec<u8>]) -> io::Result<()> {
        let members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
        let size: u64 = members.iter().map(|m| m.len() as u64).sum();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state
            .open
            .as_ref()
            .is_some_and(|o| o.written > 0 && o.written.saturating_add(size) > self.max_bytes)
        {
            self.close(&mut state)?;
        }
        if state.open.is_none() {
            let open = self.start(&mut state)?;
            state.open = Some(open);
        }
        let open = state.open.as_mut().expect("opened just above");
        for m in &members {
            open.file.write_all(m)?;
        }
        open.written = open.written.saturating_add(size);
        Ok(())
    }

    /// Closes the current file; returns every file finished so far.
    pub fn finish(&self) -> io::Result<Vec<PathBuf>> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.close(&mut state)?;
        Ok(state.finished.clone())
    }

    fn start(&self, state: &mut State) -> io::Result<Open> {
        state.serial = state.serial.saturating_add(1);
        let name = format!("{}-{:05}.warc.gz", self.prefix, state.serial);
        let path = self.dir.join(&name);
        let open_path = self.dir.join(format!("{name}.open"));
        let mut file = BufWriter::new(File::create(&open_path)?);
        let info = format!(
            "software: gleaner/{}\r\nformat: WARC File Format 1.1\r\n\
             conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
            env!("CARGO_PKG_VERSION")
        );
        let warcinfo = gzip(&record(
            "warcinfo",
            &[
                ("WARC-Filename", &name),
                ("Content-Type", "application/warc-fields"),
            ],
            info.as_bytes(),
        ));
        file.write_all(&warcinfo)?;
        Ok(Open {
            file,
            path,
            written: warcinfo.len() as u64,
        })
    }

    fn close(&self, state: &mut State) -> io::Result<()> {
        let Some(mut open) = state.open.take() else {
            return Ok(());
        };
        open.file.flush()?;
        open.file.get_ref().sync_all()?;
        let mut from = open.path.clone().into_os_string();
        from.push(".open");
        std::fs::rename(&from, &open.path)?;
        state.finished.push(open.path);
        Ok(())
    }
}

impl Drop for WarcWriter {
    fn drop(&mut self) {
        if let Err(e) = self.finish() {
            tracing::warn!("cannot finish the WARC file in {}: {e}", self.dir.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::warc::{Reader, Record};

    #[test]
    fn files_rotate_and_finish_with_their_final_names() {
        let dir = tempfile::tempdir().unwrap();
        let w = WarcWriter::create(dir.path(), "t", 4096).unwrap();
        // Random bytes: they don't compress, so the files fill up.
        let page = |i: usize| {
            let noise: Vec<u8> = (0..3000).map(|_| fastrand::u8(..)).collect();
            record(
                "resource",
                &[("WARC-Target-URI", &format!("x:{i}"))],
                &noise,
            )
        };
        for i in 0..6 {
            w.write(&[page(i)]).unwrap();
        }
        let open: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            open.iter()
                .any(|n| n.to_string_lossy().ends_with(".warc.gz.open")),
            "{open:?}"
        );
        let files = w.finish().unwrap();
        assert!(files.len() >= 2, "{files:?}");
        let mut uris = Vec::new();
        for f in &files {
            assert!(f.to_string_lossy().ends_with(".warc.gz"));
            let reader =
                Reader::new(Box::new(File::open(f).unwrap()), 1 << 20, &["resource"]).unwrap();
            for item in reader {
                match item.unwrap() {
                    Record::Read { head, .. } => {
                        uris.push(head.get("WARC-Target-URI").unwrap().to_string())
                    }
                    Record::Passed { head, .. } => assert_eq!(head.warc_type(), "warcinfo"),
                }
            }
        }
        assert_eq!(uris, (0..6).map(|i| format!("x:{i}")).collect::<Vec<_>>());
    }
}
