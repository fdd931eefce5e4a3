//! The `gleaner` command line: parses arguments, sets up logging, calls the library, and
//! maps what it returns to an exit code. The only place that knows about terminals.

mod args;

use anyhow::Result;
use args::{CleanCmd, Cli, Command, ExplainCmd, ExportFormat, LogFormat, StoreCmd};
use clap::Parser;
use gleaner::clean::CleanConfig;
use gleaner::commands::{self, exit, CleanArgs, NoProgress, Progress};
use gleaner::config::LoadedConfig;
use gleaner::export::{self, Destination};
use gleaner::sources::web::Role;
use gleaner::store::open::{open_arg, require_existing, Location, Options as StoreOptions};
use gleaner::store::Backend;
use std::io::IsTerminal;
use std::path::PathBuf;

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
            tracing::error!("{}", error_text(&e));
            code
        }
    };
    std::process::exit(code);
}

/// The error and its causes, as anyhow's `{:#}` shows them, but without a cause whose
/// text the message already holds (many of ours carry their source in their own words).
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

fn dispatch(command: Command) -> Result<i32> {
    match command {
        Command::Clean(c) => clean(c),
        Command::Explain(c) => explain(c),
        Command::Run {
            config,
            jobs,
            worker,
        } => run(&config, jobs, worker),
        Command::Runs { store, json } => runs(&*store.open()?, json),
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
            export(&*open_store(&store)?, format, &filter, out_dir)
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
        Command::Stats { store, json } => stats(&*open_store(&store)?, json),
        Command::Show {
            store,
            query,
            format,
        } => show(&*open_store(&store)?, &query, format.into()),
        Command::Store(StoreCmd::Migrate { url, config }) => migrate(url, &config),
        Command::Store(StoreCmd::Copy { from, to }) => {
            let args = commands::CopyArgs {
                from: Location::parse_prefixed(&from),
                to: Location::parse_prefixed(&to),
                options: StoreOptions::default().password_from_env(),
            };
            let progress = progress_bar();
            let summary = commands::copy(&args, progress.as_ref())?;
            eprintln!("{summary}");
            Ok(exit::OK)
        }
        Command::Unpark { store, urls, all } => {
            let which = if all { None } else { Some(urls.as_slice()) };
            let n = commands::unpark(&*store.open()?, which)?;
            eprintln!("unparked {n} URLs");
            Ok(exit::OK)
        }
    }
}

/// The store a `--store` argument names, for a command that reads it: a sled directory
/// that exists, or a `postgres://` URL (its password from `GLEANER_POSTGRES_PASSWORD`).
fn open_store(spec: &std::path::Path) -> Result<std::sync::Arc<dyn Backend>> {
    require_existing(spec).map_err(commands::Error::from)?;
    let near = gleaner::store::NearConfig::default();
    Ok(open_arg(spec, near).map_err(commands::Error::from)?)
}

/// `gleaner store migrate`: the URL given, else the config's (its password from the
/// environment or the config's password file).
fn migrate(url: Option<String>, config: &std::path::Path) -> Result<i32> {
    let (location, opts) = match url {
        Some(url) => (
            Location::Postgres(url),
            StoreOptions::default().password_from_env(),
        ),
        None => {
            let config = LoadedConfig::load(config).map_err(commands::Error::from)?;
            let store = &config.config.store;
            let location = store.location().map_err(commands::Error::from)?;
            (location, store.options().map_err(commands::Error::from)?)
        }
    };
    let Location::Postgres(url) = &location else {
        return Err(commands::Error::Usage(format!(
            "{} is a sled store: it needs no migration (give --url or a config with \
             [store] backend = \"postgres\")",
            location.shown()
        ))
        .into());
    };
    let done = gleaner::store::pg::migrate(url, opts.password.as_deref())
        .map_err(commands::Error::from)?;
    if done.from == done.to {
        eprintln!(
            "{}: schema version {} is current",
            location.shown(),
            done.to
        );
    } else {
        eprintln!(
            "{}: schema migrated from version {} to {}",
            location.shown(),
            done.from,
            done.to
        );
    }
    Ok(exit::OK)
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

fn run(config: &std::path::Path, jobs: usize, worker: bool) -> Result<i32> {
    let config = LoadedConfig::load(config).map_err(commands::Error::from)?;
    let progress = progress_bar();
    let role = if worker {
        Role::Worker
    } else {
        Role::Coordinator
    };
    let summary = commands::run(&config, jobs, role, progress.as_ref())?;
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

fn runs(store: &dyn Backend, json: bool) -> Result<i32> {
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
    store: &dyn Backend,
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

fn stats(store: &dyn Backend, json: bool) -> Result<i32> {
    let s = commands::stats(store)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&s)?);
    } else {
        print!("{}", commands::describe_stats(&s));
    }
    Ok(exit::OK)
}

fn show(store: &dyn Backend, query: &str, format: export::Format) -> Result<i32> {
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
