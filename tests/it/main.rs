//! Integration tests: one binary, shared helpers in `helpers`.

mod claims;
mod cli;
mod crash;
mod crawl;
mod devset;
mod dumps;
mod explain;
mod fetch;
mod helpers;
mod html;
mod incremental;
mod lean;
mod logs;
mod markdown;
mod mutant;
mod mutate;
mod mutations;
mod near;
mod page_type;
mod panics;
mod properties;
mod recrawl;
mod seeds;
mod site;
mod store;
mod warc;
