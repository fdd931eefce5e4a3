//! Web sources: sites crawled politely (robots.txt, per-host delay), incrementally
//! (ETag / Last-Modified) and resumably (the frontier lives in the store).

mod config;

pub use config::{FetchConfig, SiteConfig};
mod discover;
mod http;
mod url;
