//! Integration tests: one binary, shared helpers in `helpers`.

mod cli;
mod crash;
mod helpers;
mod html;
mod properties;
mod seeds;
mod store;
