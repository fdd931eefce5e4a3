//! Integration tests: one binary, shared helpers in `helpers`.

mod cli;
mod crash;
mod crawl;
mod devset;
mod fetch;
mod helpers;
mod html;
mod incremental;
mod mutations;
mod properties;
mod seeds;
mod site;
mod store;
