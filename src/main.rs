//! The `gleaner` command line: parses arguments, sets up logging, calls the library, and
//! maps what it returns to an exit code. The only place that knows about terminals.

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use gleaner::clean::CleanConfig;
use gleaner::commands::{self, exit, CleanArgs, NoProgress, Progress};
use gleaner::config::{LoadedConfig, DEFAULT_PATH};
use gleaner::export::{self, Destination};
use gleaner::store::{CrawlStore, SledStore};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "gleaner",
    version,
    about = "Scrape web pages and clean the boilerplate out of them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log format on stderr: `text` for people, `json` for cron and log shippers.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// More logging (-v info, -vv debug). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// How documents are written out (`export::Format`, with the names users type).
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
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
enum ExportFormat {
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
enum Naming {
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
enum Command {
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
    },
    /// List the recorded runs of `gleaner run`, oldest first.
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
}

/// A store named directly, or through the config that names it.
#[derive(Args)]
struct StoreArg {
    /// The store (default: the one named in --config).
    #[arg(long)]
    store: Option<PathBuf>,
    #[arg(long, default_value = DEFAULT_PATH)]
    config: PathBuf,
}

impl StoreArg {
    fn open(&self) -> Result<SledStore> {
        let path = match &self.store {
            Some(p) => p.clone(),
            None => {
                LoadedConfig::load(&self.config)
                    .map_err(commands::Error::from)?
                    .config
                    .store
                    .path
            }
        };
        Ok(SledStore::open(&path).map_err(commands::Error::from)?)
    }
}

#[derive(Args)]
struct CleanCmd {
    /// Files, directories, or `-` for stdin; `*.warc`, `*.warc.gz` and `*.warc.zst` are read as WARC archives.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Also save the documents in this store.
    #[arg(long)]
    store: Option<PathBuf>,
    /// Write one file per input here instead of printing.
    #[arg(long)]
    out_dir: Option<PathBuf>,
    /// Output file names: `stem` (input name) or `hash` (NNN_<hash16>).
    #[arg(long = "name", value_enum, default_value_t = Naming::Stem)]
    naming: Naming,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Worker threads (default: one per core; 1 for single-thread comparisons).
    #[arg(long, default_value_t = 0)]
    jobs: usize,
    /// Take the [clean] rules from this config file instead of the built-in defaults.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Also extract user comments from HTML pages, apart from the text: the "comments"
    /// field of `--format json`.
    #[arg(long)]
    comments: bool,
}

#[derive(Args)]
struct ExplainCmd {
    /// The page (HTML or a text dump), or `-` for stdin.
    page: PathBuf,
    /// Also write the page's text as HTML here: dropped blocks struck through, with why.
    #[arg(long, value_name = "OUT.html")]
    html: Option<PathBuf>,
    /// The URL the page came from: per-site drop and keep selectors apply by its host.
    #[arg(long)]
    url: Option<String>,
    /// Take the [clean] rules from this config file instead of the built-in defaults.
    #[arg(long)]
    config: Option<PathBuf>,
}

fn main() {
    let cli = Cli::parse();
    init_logging(cli.log_format, cli.verbose);
    log_panics();
    let code = match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            let code = e
                .downcast_ref::<commands::Error>()
                .map_or(exit::FAILURES, commands::Error::exit_code);
            tracing::error!("{e:#}");
            code
        }
    };
    std::process::exit(code);
}

fn dispatch(command: Command) -> Result<i32> {
    match command {
        Command::Clean(c) => clean(c),
        Command::Explain(c) => explain(c),
        Command::Run { config, jobs } => run(&config, jobs),
        Command::Runs { store, json } => runs(&store.open()?, json),
        Command::Export {
            store,
            format,
            out_dir,
            since,
            site,
            page_type,
        } => {
            let filter = export::Filter {
                since,
                site,
                page_type,
            };
            export(&SledStore::open(&store)?, format, &filter, out_dir)
        }
        Command::Import {
            file,
            store,
            config,
        } => {
            let config = config_or_default(config.as_deref())?;
            let args = commands::ImportArgs {
                file,
                store,
                near: config.store.near(),
            };
            let progress = progress_bar();
            let summary = commands::import(&args, progress.as_ref())?;
            eprintln!("{summary}");
            Ok(exit_for(summary.failed > 0))
        }
        Command::Reclean {
            store,
            site,
            since,
            config,
            jobs,
        } => {
            let config = config_or_default(config.as_deref())?;
            let args = commands::RecleanArgs {
                store,
                filter: export::Filter {
                    since,
                    site,
                    page_type: None,
                },
                clean: config.clean,
                near: config.store.near(),
                jobs,
            };
            let progress = progress_bar();
            let summary = commands::reclean(&args, progress.as_ref())?;
            eprintln!("{summary}");
            Ok(exit_for(summary.failed > 0))
        }
        Command::Stats { store, json } => stats(&SledStore::open(&store)?, json),
        Command::Show {
            store,
            query,
            format,
        } => show(&SledStore::open(&store)?, &query, format.into()),
        Command::Unpark { store, urls, all } => {
            let which = if all { None } else { Some(urls.as_slice()) };
            let n = commands::unpark(&store.open()?, which)?;
            eprintln!("unparked {n} URLs");
            Ok(exit::OK)
        }
    }
}

/// The config file given, or the defaults.
fn config_or_default(path: Option<&std::path::Path>) -> Result<gleaner::config::Config> {
    Ok(match path {
        Some(path) => {
            LoadedConfig::load(path)
                .map_err(commands::Error::from)?
                .config
        }
        None => gleaner::config::Config::default(),
    })
}

/// The `[clean]` table of the config file given, or the defaults.
fn clean_config(path: Option<&std::path::Path>) -> Result<CleanConfig> {
    Ok(config_or_default(path)?.clean)
}

fn clean(c: CleanCmd) -> Result<i32> {
    let config = config_or_default(c.config.as_deref())?;
    let mut clean = config.clean;
    clean.html.comments |= c.comments;
    let args = CleanArgs {
        paths: c.paths,
        store: c.store,
        out_dir: c.out_dir,
        naming: c.naming.into(),
        format: c.format.into(),
        jobs: c.jobs,
        clean,
        near: config.store.near(),
    };
    let progress = progress_bar();
    let summary = commands::clean(&args, progress.as_ref(), &mut std::io::stdout().lock())?;
    let quiet = summary.inputs <= 1 && args.store.is_none() && summary.failures == 0;
    if !quiet {
        eprintln!("{summary}");
    }
    tracing::info!(
        inputs = summary.inputs,
        cleaned = summary.cleaned,
        empty = summary.empty,
        soft_404 = summary.soft_404,
        new_documents = summary.new_documents,
        duplicates = summary.duplicates,
        failures = summary.failures,
        internal_errors = summary.internal_errors,
        elapsed_s = summary.elapsed.as_secs_f64(),
        "clean finished"
    );
    Ok(exit_for(summary.failures > 0))
}

fn explain(c: ExplainCmd) -> Result<i32> {
    let clean = clean_config(c.config.as_deref())?;
    let args = commands::ExplainArgs {
        page: c.page,
        url: c.url,
        clean,
    };
    let ex = commands::explain(&args)?;
    print!("{}", commands::listing(&ex));
    if let Some(out) = &c.html {
        commands::write_html(out, &ex, &args.page.display().to_string())?;
        eprintln!("wrote {}", out.display());
    }
    Ok(exit::OK)
}

fn run(config: &std::path::Path, jobs: usize) -> Result<i32> {
    let config = LoadedConfig::load(config).map_err(commands::Error::from)?;
    let progress = progress_bar();
    let summary = commands::run(&config, jobs, progress.as_ref())?;
    print!("{summary}");
    // The counts as structured fields (one `counts` map), for cron log shippers.
    let counts = serde_json::to_string(&summary.counts()).unwrap_or_default();
    let errors = serde_json::to_string(&summary.web.errors).unwrap_or_default();
    tracing::info!(
        run = summary.id,
        counts = %counts,
        errors = %errors,
        elapsed_s = summary.elapsed.as_secs_f64(),
        "run finished"
    );
    Ok(exit_for(summary.failed()))
}

fn runs(store: &SledStore, json: bool) -> Result<i32> {
    for run in &store.runs().map_err(commands::Error::from)? {
        if json {
            println!("{}", serde_json::to_string(run)?);
        } else {
            println!("{}", commands::describe_run(run));
        }
    }
    Ok(exit::OK)
}

fn export(
    store: &SledStore,
    format: ExportFormat,
    filter: &export::Filter,
    out_dir: Option<PathBuf>,
) -> Result<i32> {
    let as_document = match format {
        ExportFormat::Text => export::Format::Text,
        ExportFormat::Markdown => export::Format::Markdown,
        ExportFormat::Json | ExportFormat::Warc => export::Format::Json,
    };
    let n = match (&out_dir, format) {
        (Some(dir), ExportFormat::Warc) => export::export_warc(store, filter, dir),
        (Some(dir), _) => export::export(store, as_document, filter, Destination::Dir(dir)),
        (None, ExportFormat::Json) => {
            let mut out = std::io::stdout().lock();
            export::export(store, as_document, filter, Destination::Stream(&mut out))
        }
        (None, _) => {
            return Err(commands::Error::Usage(
                "--format txt, markdown and warc write files: give --out-dir DIR (or use \
                 --format jsonl)"
                    .into(),
            )
            .into())
        }
    }
    .map_err(commands::Error::from)?;
    eprintln!("exported {n} documents");
    Ok(exit::OK)
}

fn stats(store: &SledStore, json: bool) -> Result<i32> {
    let s = commands::stats(store)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print!("{}", commands::describe_stats(&s));
    }
    Ok(exit::OK)
}

fn show(store: &SledStore, query: &str, format: export::Format) -> Result<i32> {
    let docs = commands::show(store, query)?;
    match docs.as_slice() {
        [] => Err(commands::Error::Usage(format!("no document matches {query:?}")).into()),
        [doc] => {
            println!("{}", commands::describe(doc, format));
            Ok(exit::OK)
        }
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|d| format!("  {} {}", d.seq, d.hash))
                .collect();
            Err(commands::Error::Usage(format!(
                "{query:?} matches {} documents; give a longer prefix:\n{}",
                many.len(),
                list.join("\n")
            ))
            .into())
        }
    }
}

fn exit_for(failed: bool) -> i32 {
    if failed {
        exit::FAILURES
    } else {
        exit::OK
    }
}

fn init_logging(format: LogFormat, verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match (format, verbose) {
        (LogFormat::Json, 0) | (_, 1) => "info",
        (_, 0) => "warn",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder
            .with_ansi(colours())
            .without_time()
            .with_target(false)
            .init(),
    }
}

/// Colours only for a person at a terminal who has not asked for none
/// (<https://no-color.org>): cron mail and log files get plain text.
fn colours() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A panic is a bug; where it is contained (one input's cleaning), the run goes on, so
/// it is logged like any other event instead of printed raw across a JSON log.
fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current().name().unwrap_or("?").to_string();
        tracing::error!(%location, %thread, "internal error (a bug; please report it): {message}");
    }));
}

/// An indicatif bar on a terminal; nothing when stderr is a pipe or a file (cron).
fn progress_bar() -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Box::new(Bar(indicatif::ProgressBar::hidden()))
    } else {
        Box::new(NoProgress)
    }
}

struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn start(&self, total: Option<u64>) {
        let template = match total {
            // A crawl: how many pages it will visit is not known in advance.
            None => "{spinner} {pos} URLs visited, {per_sec}, {elapsed}",
            Some(total) if total > 1 => {
                self.0.set_length(total);
                "{bar:40} {pos}/{len} {per_sec} eta {eta}"
            }
            Some(_) => return,
        };
        self.0
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        self.0
            .set_style(indicatif::ProgressStyle::with_template(template).expect("static template"));
        if total.is_none() {
            self.0.set_length(0);
            self.0
                .enable_steady_tick(std::time::Duration::from_millis(200));
        }
    }
    fn advance(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
