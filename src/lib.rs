//! gleaner: scrape web pages and clean the boilerplate out of them.
//!
//! The library follows the data: [`sources`] yield raw inputs, [`clean`] turns each into a
//! [`Document`] (pure: bytes in, document out), [`store`] keeps documents deduplicated,
//! [`export`] writes them out. [`pipeline`] runs the stages in parallel and [`commands`]
//! is what the CLI calls.

pub mod clean;
pub mod commands;
pub mod config;
pub mod document;
pub mod export;
pub mod pipeline;
pub mod sources;
pub mod store;

pub use clean::{Cleaner, Hints};
pub use document::{Block, BlockKind, Document, InputKind, Metadata};
