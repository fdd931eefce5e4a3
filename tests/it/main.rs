//! Integration tests: one binary, shared helpers in `helpers`.

mod claims;
mod cli;
mod crash;
mod crawl;
mod devset;
mod fetch;
mod helpers;
mod html;
mod incremental;
mod logs;
mod properties;
mod recrawl;
mod seeds;
mod site;
mod store;
