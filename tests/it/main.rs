//! Integration tests: one binary, shared helpers in `helpers`.

mod cli;
mod crash;
mod helpers;
mod seeds;
mod store;
