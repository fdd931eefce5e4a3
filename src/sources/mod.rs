//! Sources: where raw pages come from. Files, directories and stdin today; web sites and
//! WARC archives later yield the same [`Input`]s.

#![warn(clippy::string_slice, clippy::indexing_slicing)]

pub mod files;
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
}

impl Input {
    /// A path for files, `-` for stdin: what the store records as this page's source.
    pub fn locator(&self) -> String {
        if let Some(url) = &self.url {
            return url.clone();
        }
        match &self.location {
            Location::File(p) => p.display().to_string(),
            Location::Memory { name, .. } => name.clone(),
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
        }
    }

    /// Reads the page, refusing files over `max` bytes before reading them.
    pub fn read(&self, max: u64) -> Result<Arc<Vec<u8>>, SourceError> {
        match &self.location {
            Location::Memory { bytes, .. } => Ok(bytes.clone()),
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
            Location::Memory { bytes, .. } => Ok(bytes.get(..n).unwrap_or(bytes).to_vec()),
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
