//! Integration tests: one binary, shared helpers in `helpers`.

mod cli;
mod crash;
mod devset;
mod helpers;
mod html;
mod properties;
mod seeds;
mod site;
mod store;
