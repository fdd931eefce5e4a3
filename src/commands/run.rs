//! `gleaner run`: the main job. Every source in the config, cleaned into the store.

use super::{tally, Error, Progress, StoreWriter};
use crate::clean::Cleaner;
use crate::config::LoadedConfig;
use crate::pipeline::{self, Summary};
use crate::sources::files;
use crate::store::SledStore;
use std::time::Instant;

pub fn run(config: &LoadedConfig, jobs: usize, progress: &dyn Progress) -> Result<Summary, Error> {
    let started = Instant::now();
    let cfg = &config.config;
    let cleaner = Cleaner::new(&cfg.clean)?;
    let store = SledStore::open(&cfg.store.path)?;
    let mut inputs = Vec::new();
    let mut summary = Summary::default();
    for source in &cfg.sources.files {
        let (found, errors) = files::discover(&source.paths);
        tracing::info!(source = %source.name, inputs = found.len(), "discovered");
        summary.inputs += errors.len() as u64;
        summary.failures += errors.len() as u64;
        for e in &errors {
            tracing::warn!("source {}: skipped {e}", source.name);
        }
        inputs.extend(found);
    }
    summary.inputs += inputs.len() as u64;
    let opts = pipeline::Options {
        jobs,
        templates: cfg.clean.text.templates,
        max_input_bytes: cfg.clean.max_input_bytes as u64,
    };
    let mut writer = StoreWriter::new(&store);
    progress.start(inputs.len() as u64);
    let result = pipeline::run(&inputs, &cleaner, &opts, |outcome| -> Result<(), Error> {
        progress.advance();
        if let Some(cleaned) = tally(outcome, &mut summary) {
            writer.put(&cleaned, &mut summary)?;
        }
        Ok(())
    });
    progress.finish();
    writer.flush()?;
    result?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}
