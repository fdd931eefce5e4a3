//! Sources: where raw pages come from. Files, directories and stdin, WARC archives and
//! web sites all yield the same [`Input`]s.

#![warn(clippy::string_slice, clippy::indexing_slicing)]

pub mod encoding;
pub mod files;
pub mod warc;
pub mod web;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// Where one raw page is; reading it may fail, which is the caller's to count.
#[derive(Debug, Clone)]
pub enum Location {
    File(PathBuf),
    /// Bytes already in memory (stdin, or a page fetched or unpacked by a source).
    Memory {
        name: String,
        bytes: Arc<Vec<u8>>,
    },
    /// A record of a WARC file, its HTTP body already decoded.
    Archive {
        path: PathBuf,
        /// The record's offset, as [`warc::Offset`] prints it.
        offset: String,
        bytes: Arc<Vec<u8>>,
    },
}

/// One raw page to clean.
#[derive(Debug, Clone)]
pub struct Input {
    pub location: Location,
    /// Pages with the same group share a site template (same directory, or same host).
    pub group: String,
    /// The URL the page was fetched from, when known.
    pub url: Option<String>,
    /// The HTTP Content-Type it was served with, when known.
    pub content_type: Option<String>,
    /// When it was fetched, if a source recorded it (a WARC record's date).
    pub fetched_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The HTTP answer it came with, if it came over HTTP.
    pub http: Option<HttpMeta>,
}

/// The HTTP answer a page came with (a crawl's, or a WARC record's): kept with the raw
/// page in the store, so that a page can be cleaned again as it was served.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HttpMeta {
    pub status: u16,
    /// Header fields in the order received (names as the client gives them).
    pub headers: Vec<(String, String)>,
}

impl HttpMeta {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        first_field(&self.headers, name)
    }
}

/// The first value under `name` (case-insensitive) among named fields: HTTP headers,
/// WARC record headers.
pub fn first_field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What a streaming source yields, in order.
#[derive(Debug)]
pub enum Item {
    Page(Input),
    /// A record that holds no page to clean (a request, metadata, a redirect): counted
    /// under this label, not cleaned.
    Skipped(&'static str),
    Failed(SourceError),
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: file is {size} bytes, over the {max}-byte limit")]
    TooLarge { path: PathBuf, size: u64, max: u64 },
    /// A WARC record that could not be read or decoded.
    #[error("{path} at offset {offset}: {reason}")]
    Record {
        path: PathBuf,
        offset: String,
        reason: String,
    },
}

/// HTML, XHTML and plain text are pages; a missing Content-Type is left to the cleaner
/// to sniff.
pub fn is_page_type(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return true };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        mime.as_str(),
        "text/html" | "application/xhtml+xml" | "text/plain" | ""
    )
}

impl SourceError {
    /// What failed: a path, or a WARC file and a record's offset in it.
    pub fn locator(&self) -> String {
        match self {
            SourceError::Io { path, .. } | SourceError::TooLarge { path, .. } => {
                path.display().to_string()
            }
            SourceError::Record { path, offset, .. } => format!("{}@{offset}", path.display()),
        }
    }

    /// Why, without the locator.
    pub fn reason(&self) -> String {
        match self {
            SourceError::Io { source, .. } => source.to_string(),
            SourceError::TooLarge { size, max, .. } => {
                format!("file is {size} bytes, over the {max}-byte limit")
            }
            SourceError::Record { reason, .. } => reason.clone(),
        }
    }
}

impl Input {
    /// A path for files, `-` for stdin: what the store records as this page's source.
    pub fn locator(&self) -> String {
        match (&self.location, &self.url) {
            // An archived page is found again by its file and offset, whatever its URL.
            (Location::Archive { path, offset, .. }, _) => format!("{}@{offset}", path.display()),
            (_, Some(url)) => url.clone(),
            (Location::File(p), None) => p.display().to_string(),
            (Location::Memory { name, .. }, None) => name.clone(),
        }
    }

    /// The name output files take: the file stem, or the memory input's name.
    pub fn stem(&self) -> String {
        match &self.location {
            Location::File(p) => p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "input".into()),
            Location::Memory { name, .. } if name == "-" => "stdin".into(),
            Location::Memory { name, .. } => name.clone(),
            // `crawl.warc.gz` record at 1234 → `crawl-1234`.
            Location::Archive { path, offset, .. } => {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                let name = name.unwrap_or_default();
                let stem = name.split(".warc").next().unwrap_or("warc");
                format!("{stem}-{}", offset.replace('+', "-"))
            }
        }
    }

    /// Reads the page, refusing files over `max` bytes before reading them.
    pub fn read(&self, max: u64) -> Result<Arc<Vec<u8>>, SourceError> {
        match &self.location {
            Location::Memory { bytes, .. } | Location::Archive { bytes, .. } => Ok(bytes.clone()),
            Location::File(path) => {
                let io = |source| SourceError::Io {
                    path: path.clone(),
                    source,
                };
                let size = std::fs::metadata(path).map_err(io)?.len();
                if size > max {
                    return Err(SourceError::TooLarge {
                        path: path.clone(),
                        size,
                        max,
                    });
                }
                Ok(Arc::new(std::fs::read(path).map_err(io)?))
            }
        }
    }
}

impl Input {
    /// The first `n` bytes (fewer if the page is shorter): enough to tell HTML from text
    /// without reading a whole page.
    pub fn read_prefix(&self, n: usize) -> Result<Vec<u8>, SourceError> {
        match &self.location {
            Location::Memory { bytes, .. } | Location::Archive { bytes, .. } => {
                Ok(bytes.get(..n).unwrap_or(bytes).to_vec())
            }
            Location::File(path) => {
                use std::io::Read;
                let io = |source| SourceError::Io {
                    path: path.clone(),
                    source,
                };
                let mut buf = Vec::with_capacity(n);
                std::fs::File::open(path)
                    .map_err(io)?
                    .take(n as u64)
                    .read_to_end(&mut buf)
                    .map_err(io)?;
                Ok(buf)
            }
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.locator())
    }
}
