//! gleaner: scrape web pages and clean the boilerplate out of them.
//!
//! The library follows the data: [`sources`] yield raw inputs, [`clean`] (the
//! `gleaner-clean` crate) turns each into a [`Document`] (pure: bytes in, document out),
//! [`store`] keeps documents deduplicated (exactly by hash, and [`near`]-duplicates by
//! MinHash), [`export`] writes them out. [`pipeline`] runs
//! the stages in parallel and [`commands`] is what the CLI calls.

pub mod commands;
pub mod config;
pub mod export;
pub mod near;
pub mod pipeline;
pub mod sources;
pub mod store;

/// The cleaner, re-exported: bytes + hints in, [`Document`] out.
pub use gleaner_clean as clean;
pub use gleaner_clean::{
    Block, BlockKind, Cleaner, Document, Hints, InputKind, Metadata, PageType,
};
