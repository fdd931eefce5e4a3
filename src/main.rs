//! The `gleaner` command line: parses arguments, sets up logging, calls the library.

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use gleaner::clean::CleanConfig;
use gleaner::commands::{self, exit, CleanArgs, Naming, NoProgress, Progress};
use gleaner::config::{LoadedConfig, DEFAULT_PATH};
use gleaner::export::{self, Destination, Format};
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

#[derive(Subcommand)]
enum Command {
    /// Clean saved pages (HTML or text dumps): files, directories (recursive) or `-` for stdin.
    Clean(CleanCmd),
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
        /// The store (default: the one named in --config).
        #[arg(long)]
        store: Option<PathBuf>,
        #[arg(long, default_value = DEFAULT_PATH)]
        config: PathBuf,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write every stored document out, in sequence order.
    Export {
        #[arg(long)]
        store: PathBuf,
        /// `txt` files named NNN_<hash16>.txt, `markdown` files, or `jsonl`
        /// (stdout without --out-dir, else DIR/documents.jsonl).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[arg(long)]
        out_dir: Option<PathBuf>,
    },
    /// Counts of what a store holds.
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
}

#[derive(Args)]
struct CleanCmd {
    /// Files, directories, or `-` for stdin.
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

fn main() {
    let cli = Cli::parse();
    init_logging(cli.log_format, cli.verbose);
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
    let progress = progress_bar();
    match command {
        Command::Clean(c) => {
            let mut clean = match &c.config {
                Some(path) => {
                    LoadedConfig::load(path)
                        .map_err(commands::Error::from)?
                        .config
                        .clean
                }
                None => CleanConfig::default(),
            };
            clean.html.comments |= c.comments;
            let args = CleanArgs {
                paths: c.paths,
                store: c.store,
                out_dir: c.out_dir,
                naming: c.naming,
                format: c.format,
                jobs: c.jobs,
                clean,
            };
            let summary = commands::clean(&args, progress.as_ref(), &mut std::io::stdout().lock())?;
            let quiet = summary.inputs <= 1 && args.store.is_none() && summary.failures == 0;
            if !quiet {
                eprintln!("{summary}");
            }
            log_summary("clean finished", &summary);
            Ok(exit_for(summary.failures))
        }
        Command::Run { config, jobs } => {
            let config = LoadedConfig::load(&config).map_err(commands::Error::from)?;
            let summary = commands::run(&config, jobs, progress.as_ref())?;
            print!("{summary}");
            log_run(&summary);
            Ok(if summary.failed() {
                exit::FAILURES
            } else {
                exit::OK
            })
        }
        Command::Runs {
            store,
            config,
            json,
        } => {
            let path = match store {
                Some(p) => p,
                None => {
                    LoadedConfig::load(&config)
                        .map_err(commands::Error::from)?
                        .config
                        .store
                        .path
                }
            };
            let store = SledStore::open(&path).map_err(commands::Error::from)?;
            let runs = store.runs().map_err(commands::Error::from)?;
            for run in &runs {
                if json {
                    println!("{}", serde_json::to_string(run)?);
                } else {
                    println!("{}", commands::describe_run(run));
                }
            }
            Ok(exit::OK)
        }
        Command::Export {
            store,
            format,
            out_dir,
        } => {
            let store = SledStore::open(&store).map_err(commands::Error::from)?;
            let n = match &out_dir {
                Some(dir) => export::export(&store, format, Destination::Dir(dir)),
                None if format == Format::Json => {
                    export::export(&store, format, Destination::Stream(&mut std::io::stdout().lock()))
                }
                None => {
                    return Err(commands::Error::Usage(
                        "--format txt and markdown write files: give --out-dir DIR (or use --format jsonl)"
                            .into(),
                    )
                    .into())
                }
            }
            .map_err(commands::Error::from)?;
            eprintln!("exported {n} documents");
            Ok(exit::OK)
        }
        Command::Stats { store, json } => {
            let store = SledStore::open(&store).map_err(commands::Error::from)?;
            let s = commands::stats(&store)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                println!(
                    "documents:        {}\nsources:          {}\nhosts:            {}\nraw pages:        {}\nraw bytes (zstd): {}\ntext bytes:       {}\nnext seq:         {}",
                    s.documents, s.sources, s.hosts, s.raw_pages, s.raw_bytes_compressed, s.text_bytes, s.next_seq
                );
            }
            Ok(exit::OK)
        }
        Command::Show {
            store,
            query,
            format,
        } => {
            let store = SledStore::open(&store).map_err(commands::Error::from)?;
            let docs = commands::show(&store, &query)?;
            match docs.len() {
                0 => Err(commands::Error::Usage(format!("no document matches {query:?}")).into()),
                1 => {
                    println!("{}", commands::describe(&docs[0], format));
                    Ok(exit::OK)
                }
                n => {
                    let list: Vec<String> = docs
                        .iter()
                        .map(|d| format!("  {} {}", d.seq, d.hash))
                        .collect();
                    Err(commands::Error::Usage(format!(
                        "{query:?} matches {n} documents; give a longer prefix:\n{}",
                        list.join("\n")
                    ))
                    .into())
                }
            }
        }
    }
}

/// The summary as structured fields, for `--log-format json` consumers.
fn log_summary(message: &str, s: &gleaner::pipeline::Summary) {
    tracing::info!(
        inputs = s.inputs,
        cleaned = s.cleaned,
        empty = s.empty,
        new_documents = s.new_documents,
        duplicates = s.duplicates,
        failures = s.failures,
        elapsed_s = s.elapsed.as_secs_f64(),
        "{message}"
    );
}

/// The run's counts as structured fields (one `count` map), for cron log shippers.
fn log_run(s: &commands::RunSummary) {
    let counts = serde_json::to_string(&s.counts()).unwrap_or_default();
    let errors = serde_json::to_string(&s.web.errors).unwrap_or_default();
    tracing::info!(
        run = s.id,
        counts = %counts,
        errors = %errors,
        elapsed_s = s.elapsed.as_secs_f64(),
        "run finished"
    );
}

fn exit_for(failures: u64) -> i32 {
    if failures == 0 {
        exit::OK
    } else {
        exit::FAILURES
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
        LogFormat::Text => builder.without_time().with_target(false).init(),
    }
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
        let Some(total) = total else {
            // A crawl: how many pages it will visit is not known in advance.
            self.0.set_length(0);
            self.0
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.0.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} {pos} URLs visited, {per_sec}, {elapsed}",
                )
                .expect("static template"),
            );
            self.0
                .enable_steady_tick(std::time::Duration::from_millis(200));
            return;
        };
        if total > 1 {
            self.0.set_length(total);
            self.0
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
            self.0.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {per_sec} eta {eta}")
                    .expect("static template"),
            );
        }
    }
    fn advance(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
