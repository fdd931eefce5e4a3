//! gleaner: scrape web pages and clean the boilerplate out of them.
//!
//! The library follows the data: [`sources`] yield raw inputs, [`clean`] turns each into a
//! [`Document`], [`store`] keeps documents deduplicated, [`export`] writes them out.
//! [`pipeline`] wires the stages for the CLI.

pub mod clean;
pub mod document;

pub use clean::{Cleaner, Hints};
pub use document::{Block, BlockKind, Document, InputKind, Metadata};
