//! Files, directories (walked recursively) and stdin (`-`). WARC files among them
//! (`*.warc`, `*.warc.gz`, `*.warc.zst`) are set apart for the WARC source.

use super::{Input, Location, SourceError};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use walkdir::WalkDir;

/// What a list of paths holds.
#[derive(Debug, Default)]
pub struct Found {
    /// Pages, one per file (or stdin).
    pub inputs: Vec<Input>,
    /// WARC files, each holding many pages.
    pub archives: Vec<PathBuf>,
    /// Paths that could not be listed or read.
    pub errors: Vec<SourceError>,
}

/// Whether a file's name says it is a WARC archive.
pub fn is_warc(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    [".warc", ".warc.gz", ".warc.zst", ".warc.zstd"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Expands paths into inputs in a stable order (each directory sorted by name), so the
/// same command always assigns the same sequence numbers. Paths that can't be listed are
/// returned as errors beside the inputs that could.
pub fn discover(paths: &[PathBuf]) -> Found {
    let mut found = Found::default();
    let Found {
        inputs,
        archives,
        errors,
    } = &mut found;
    for path in paths {
        if path.as_os_str() == "-" {
            // A WARC piped in (`aws s3 cp … - | gleaner clean -`) is streamed, never
            // read whole: told by its first bytes, which stay in stdin's buffer.
            if stdin_is_warc() {
                archives.push(path.clone());
                continue;
            }
            match read_stdin() {
                Ok(bytes) => inputs.push(Input {
                    location: Location::Memory {
                        name: "-".into(),
                        bytes,
                    },
                    group: "-".into(),
                    url: None,
                    content_type: None,
                    fetched_at: None,
                    http: None,
                }),
                Err(source) => errors.push(SourceError::Io {
                    path: path.clone(),
                    source,
                }),
            }
            continue;
        }
        // Hidden entries (".git", editor swap files) are never pages; the root itself is
        // exempt so `gleaner clean .` works.
        let walk = WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_file() && is_warc(e.path()) => {
                    archives.push(e.into_path())
                }
                Ok(e) if e.file_type().is_file() => inputs.push(file_input(e.into_path())),
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().unwrap_or(path).to_path_buf();
                    let source = e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("symlink loop"));
                    errors.push(SourceError::Io { path, source });
                }
            }
        }
    }
    found
}

fn file_input(path: PathBuf) -> Input {
    let group = path
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    Input {
        location: Location::File(path),
        group,
        url: None,
        content_type: None,
        fetched_at: None,
        http: None,
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('.'))
}

/// Whether stdin starts like a WARC file: a WARC version line, or gzip or zstd data (a
/// compressed page is no input the cleaner takes, a compressed WARC is).
fn stdin_is_warc() -> bool {
    use std::io::BufRead;
    let mut stdin = std::io::stdin().lock();
    let Ok(head) = stdin.fill_buf() else {
        return false;
    };
    head.starts_with(b"WARC/1.")
        || crate::sources::warc::Codec::sniff(head) != crate::sources::warc::Codec::Plain
}

fn read_stdin() -> std::io::Result<Arc<Vec<u8>>> {
    let mut buf = Vec::new();
    std::io::stdin().lock().read_to_end(&mut buf)?;
    Ok(Arc::new(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_skipping_hidden_and_reports_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("b.txt"), "b").unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("sub/c.html"), "c").unwrap();
        std::fs::write(dir.path().join(".hidden"), "h").unwrap();
        std::fs::write(dir.path().join("sub/crawl.warc.gz"), "w").unwrap();
        let missing = dir.path().join("nope");
        let found = discover(&[dir.path().to_path_buf(), missing]);
        let stems: Vec<_> = found.inputs.iter().map(Input::stem).collect();
        assert_eq!(stems, ["a", "b", "c"]);
        assert_eq!(found.archives, [dir.path().join("sub/crawl.warc.gz")]);
        assert_eq!(found.errors.len(), 1);
        assert!(found.errors[0].to_string().contains("nope"));
    }
}
