//! The command line's arguments, as clap reads them: the binary's module (declared by
//! `main.rs`), not the library's. What each command does is in `gleaner::commands`.

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use gleaner::commands;
use gleaner::config::{LoadedConfig, DEFAULT_PATH};
use gleaner::export;
use gleaner::store::open::open_arg;
use gleaner::store::Backend;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "gleaner",
    version,
    about = "Scrape web pages and clean the boilerplate out of them"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Log format on stderr: `text` for people, `json` for cron and log shippers.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// More logging (-v info, -vv debug). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// How documents are written out (`export::Format`, with the names users type).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Plain text, blocks separated by blank lines.
    #[value(alias = "txt")]
    Text,
    /// Markdown: headings, nested lists, quotes, fenced code, pipe tables.
    #[value(alias = "md")]
    Markdown,
    /// One JSON object with text and metadata (one per line for many documents).
    #[value(alias = "jsonl")]
    Json,
}

/// What `gleaner export` writes.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// `NNN_<hash16>.txt` files: plain text, blocks separated by blank lines.
    #[value(alias = "txt")]
    Text,
    /// `NNN_<hash16>.md` files: Markdown.
    #[value(alias = "md")]
    Markdown,
    /// JSON lines: stdout, or DIR/documents.jsonl with --out-dir.
    #[value(alias = "jsonl")]
    Json,
    /// WARC `conversion` records (gzip per record): DIR/documents.warc.gz.
    Warc,
}

impl From<Format> for export::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Text => export::Format::Text,
            Format::Markdown => export::Format::Markdown,
            Format::Json => export::Format::Json,
        }
    }
}

/// How `clean --out-dir` names its files.
#[derive(Clone, Copy, ValueEnum)]
pub enum Naming {
    /// `<input stem>.txt`, e.g. `0042.html` → `0042.txt`.
    Stem,
    /// `NNN_<first 16 hex digits of the content hash>.txt`, like the seeds.
    Hash,
}

impl From<Naming> for commands::Naming {
    fn from(n: Naming) -> Self {
        match n {
            Naming::Stem => commands::Naming::Stem,
            Naming::Hash => commands::Naming::Hash,
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Clean saved pages (HTML, text dumps or WARC archives): files, directories (recursive) or `-` for stdin.
    Clean(CleanCmd),
    /// Why each block of one page was kept or dropped: a listing on stdout, and with
    /// --html a page to read in a browser.
    Explain(ExplainCmd),
    /// The main job: every source in the config, cleaned into the store.
    Run {
        /// Config file.
        #[arg(long, default_value = DEFAULT_PATH)]
        config: PathBuf,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        jobs: usize,
        /// Crawl beside the coordinator (a plain `gleaner run`) on a shared PostgreSQL
        /// store, until the frontier is empty or the time budget ends.
        #[arg(long)]
        worker: bool,
    },
    /// List the recorded runs of `gleaner run` and of its `--worker`s, oldest first.
    Runs {
        #[command(flatten)]
        store: StoreArg,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write every stored document out, in sequence order.
    Export {
        #[arg(long)]
        store: PathBuf,
        /// `txt` files named NNN_<hash16>.txt, `markdown` files, `jsonl` (stdout
        /// without --out-dir, else DIR/documents.jsonl), or `warc` (DIR/documents.warc.gz).
        #[arg(long, value_enum, default_value_t = ExportFormat::Text)]
        format: ExportFormat,
        #[arg(long)]
        out_dir: Option<PathBuf>,
        /// Only documents seen at or after this time: a day (2026-11-20) or RFC 3339.
        #[arg(long, value_parser = export::parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// Only documents from this host or its subdomains.
        #[arg(long)]
        site: Option<String>,
        /// Only documents of this page type (article, listing, forum, product,
        /// documentation, service, other).
        #[arg(long = "type", value_parser = export::parse_type)]
        page_type: Option<gleaner::PageType>,
    },
    /// Load documents exported with `export --format jsonl` into a store (deduplicated
    /// by hash as usual).
    Import {
        /// The JSON lines file, or `-` for stdin.
        file: PathBuf,
        #[arg(long)]
        store: PathBuf,
        /// Take the [store] near-duplicate settings from this config.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Re-clean the stored raw pages with the current cleaner; documents whose text
    /// changed are updated (same sequence number), ones that now coincide are merged.
    /// Safe to kill and run again.
    Reclean {
        #[arg(long)]
        store: PathBuf,
        /// Only documents from this host or its subdomains.
        #[arg(long)]
        site: Option<String>,
        /// Only documents seen at or after this time: a day (2026-11-20) or RFC 3339.
        #[arg(long, value_parser = export::parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
        /// Take the [clean] rules and the [store] near-duplicate settings from this config.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        jobs: usize,
    },
    /// Counts of what a store holds, and the URLs the crawler parked.
    Stats {
        #[arg(long)]
        store: PathBuf,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Print one stored document, by sequence number or hash prefix.
    Show {
        #[arg(long)]
        store: PathBuf,
        /// A sequence number (`12`) or a prefix of the content hash (`e354e6`).
        query: String,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Let parked URLs be requested again (after the cause was fixed).
    Unpark {
        #[command(flatten)]
        store: StoreArg,
        /// The URLs to unpark, as `gleaner stats` lists them.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        urls: Vec<String>,
        /// Every parked URL.
        #[arg(long)]
        all: bool,
    },
    /// Operate a store: apply PostgreSQL schema migrations, copy between backends.
    #[command(subcommand)]
    Store(StoreCmd),
}

#[derive(Subcommand)]
pub enum StoreCmd {
    /// Bring a PostgreSQL database to this gleaner's schema (creating it in an empty
    /// database). Safe to run again, and from several machines at once.
    Migrate {
        /// The database (default: `[store] url` of --config, or GLEANER_POSTGRES_URL).
        #[arg(long)]
        url: Option<String>,
        #[arg(long, default_value = DEFAULT_PATH)]
        config: PathBuf,
    },
    /// Copy every document, its sources and raw pages from one store to another,
    /// streaming; run it again to finish a copy that was stopped. Stores are
    /// `sled:PATH` (or a path) and `postgres:URL` (or a postgres:// URL); passwords
    /// come from GLEANER_POSTGRES_PASSWORD.
    Copy {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
    },
}

/// A store named directly, or through the config that names it.
#[derive(Args)]
pub struct StoreArg {
    /// The store (default: the one named in --config).
    #[arg(long)]
    pub store: Option<PathBuf>,
    #[arg(long, default_value = DEFAULT_PATH)]
    pub config: PathBuf,
}

impl StoreArg {
    pub fn open(&self) -> Result<std::sync::Arc<dyn Backend>> {
        match &self.store {
            Some(p) => {
                gleaner::store::open::require_existing(p).map_err(commands::Error::from)?;
                let near = gleaner::store::NearConfig::default();
                Ok(open_arg(p, near).map_err(commands::Error::from)?)
            }
            None => {
                let config = LoadedConfig::load(&self.config).map_err(commands::Error::from)?;
                Ok(config.config.store.open()?)
            }
        }
    }
}

#[derive(Args)]
pub struct CleanCmd {
    /// Files, directories, or `-` for stdin; `*.warc`, `*.warc.gz` and `*.warc.zst` are read as WARC archives.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also save the documents in this store.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Write one file per input here instead of printing.
    #[arg(long)]
    pub out_dir: Option<PathBuf>,
    /// Output file names: `stem` (input name) or `hash` (NNN_<hash16>).
    #[arg(long = "name", value_enum, default_value_t = Naming::Stem)]
    pub naming: Naming,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Worker threads (default: one per core; 1 for single-thread comparisons).
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
    /// Take the [clean] rules from this config file instead of the built-in defaults.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Also extract user comments from HTML pages, apart from the text: the "comments"
    /// field of `--format json`.
    #[arg(long)]
    pub comments: bool,
}

#[derive(Args)]
pub struct ExplainCmd {
    /// The page (HTML or a text dump), or `-` for stdin.
    pub page: PathBuf,
    /// Also write the page's text as HTML here: dropped blocks struck through, with why.
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
    /// The URL the page came from: per-site drop and keep selectors apply by its host.
    #[arg(long)]
    pub url: Option<String>,
    /// Take the [clean] rules from this config file instead of the built-in defaults.
    #[arg(long)]
    pub config: Option<PathBuf>,
}
