//! The config of web sources: `[fetch]` (settings every site shares) and one
//! `[[sources.web]]` table per site.

use crate::clean::rules::RulesConfig;
use serde::Deserialize;
use std::time::Duration;

/// Network settings shared by every site (`[fetch]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// Sent with every request and matched against robots.txt groups.
    pub user_agent: String,
    /// Requests in flight across all hosts.
    pub concurrency: usize,
    /// Seconds to open a connection (TCP + TLS).
    pub connect_timeout_secs: f64,
    /// Seconds for one whole response, headers and body.
    pub response_timeout_secs: f64,
    /// Seconds without a single body byte before the response is abandoned.
    pub read_stall_secs: f64,
    /// Body bytes as they come off the wire (compressed); more is an error.
    pub max_body_bytes: u64,
    /// Body bytes after gzip/brotli/zstd decompression; more is an error.
    pub max_decompressed_bytes: u64,
    /// Redirects followed per URL.
    pub max_redirects: usize,
    /// Attempts per URL for retryable failures (connect errors, timeouts, 5xx, 429).
    pub max_attempts: u32,
    /// First retry waits about this long; each next one twice as long, with jitter.
    pub backoff_base_secs: f64,
    /// A server's Retry-After is honoured up to this many seconds.
    pub retry_after_cap_secs: f64,
    /// Seconds a run may take; it then stops cleanly and the next run resumes.
    pub time_budget_secs: f64,
    /// The run exits 1 when more than this share of fetched URLs failed.
    pub failure_threshold: f64,
    /// Query parameters removed from every URL, besides utm_* and fbclid.
    pub tracking_params: Vec<String>,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: format!(
                "gleaner/{} (+https://github.com/gleaner-rs/gleaner)",
                env!("CARGO_PKG_VERSION")
            ),
            concurrency: 16,
            connect_timeout_secs: 10.0,
            response_timeout_secs: 60.0,
            read_stall_secs: 20.0,
            max_body_bytes: 10 * 1024 * 1024,
            max_decompressed_bytes: 16 * 1024 * 1024,
            max_redirects: 5,
            max_attempts: 3,
            backoff_base_secs: 1.0,
            retry_after_cap_secs: 120.0,
            time_budget_secs: 3000.0,
            failure_threshold: 0.5,
            tracking_params: vec![
                "gclid".into(),
                "mc_cid".into(),
                "mc_eid".into(),
                "_ga".into(),
                "igshid".into(),
            ],
        }
    }
}

impl FetchConfig {
    pub fn connect_timeout(&self) -> Duration {
        secs(self.connect_timeout_secs)
    }
    pub fn response_timeout(&self) -> Duration {
        secs(self.response_timeout_secs)
    }
    pub fn read_stall(&self) -> Duration {
        secs(self.read_stall_secs)
    }
    pub fn backoff_base(&self) -> Duration {
        secs(self.backoff_base_secs)
    }
    pub fn retry_after_cap(&self) -> Duration {
        secs(self.retry_after_cap_secs)
    }
    pub fn time_budget(&self) -> Duration {
        secs(self.time_budget_secs)
    }

    /// Problems serde can't see: zero or negative limits.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        let positive = [
            ("connect_timeout_secs", self.connect_timeout_secs),
            ("response_timeout_secs", self.response_timeout_secs),
            ("read_stall_secs", self.read_stall_secs),
            ("time_budget_secs", self.time_budget_secs),
        ];
        for (key, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err((
                    key,
                    format!("must be a positive number of seconds, not {v}"),
                ));
            }
        }
        let non_negative = [
            ("backoff_base_secs", self.backoff_base_secs),
            ("retry_after_cap_secs", self.retry_after_cap_secs),
        ];
        for (key, v) in non_negative {
            if !(v.is_finite() && v >= 0.0) {
                return Err((key, format!("must be zero or more seconds, not {v}")));
            }
        }
        if self.concurrency == 0 {
            return Err(("concurrency", "must be at least 1".into()));
        }
        if self.max_attempts == 0 {
            return Err(("max_attempts", "must be at least 1".into()));
        }
        if self.max_body_bytes == 0 || self.max_decompressed_bytes == 0 {
            return Err((
                "max_body_bytes",
                "body limits must be at least 1 byte".into(),
            ));
        }
        if !(0.0..=1.0).contains(&self.failure_threshold) {
            return Err((
                "failure_threshold",
                format!(
                    "must be a share between 0 and 1, not {}",
                    self.failure_threshold
                ),
            ));
        }
        Ok(())
    }
}

/// One site to crawl (`[[sources.web]]`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// A name for logs, the run summary and the frontier.
    pub name: String,
    /// Pages to start from.
    #[serde(default)]
    pub seeds: Vec<String>,
    /// Sitemaps (XML, sitemap indexes, .xml.gz) listing pages to fetch.
    #[serde(default)]
    pub sitemaps: Vec<String>,
    /// RSS or Atom feeds whose items are pages to fetch.
    #[serde(default)]
    pub feeds: Vec<String>,
    /// Also look for sitemaps in robots.txt and at /sitemap.xml of each seed's host.
    #[serde(default = "yes")]
    pub discover_sitemaps: bool,
    /// Regexes over normalised URLs: when any is given, a URL must match one.
    #[serde(default)]
    pub include: Vec<String>,
    /// Regexes over normalised URLs: a URL matching any is never requested.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Follow links found in pages (otherwise only seeds, sitemaps and feeds).
    #[serde(default = "yes")]
    pub follow_links: bool,
    /// Links deep from a seed, sitemap or feed entry (which are depth 0).
    #[serde(default = "default_max_depth")]
    pub max_depth: u32,
    /// Pages fetched from this site per run, a guard against spider traps.
    #[serde(default = "default_max_pages")]
    pub max_pages: u64,
    /// Seconds between two requests to one host (robots.txt Crawl-delay may raise it).
    #[serde(default = "default_delay")]
    pub delay_secs: f64,
    /// Requests in flight to one host.
    #[serde(default = "one")]
    pub concurrency: usize,
    /// Extra hosts in scope besides those of the seeds, sitemaps and feeds.
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Cleaning rules for this site's pages, added to `[clean.rules]`.
    #[serde(default)]
    pub rules: RulesConfig,
}

fn yes() -> bool {
    true
}
fn one() -> usize {
    1
}
fn default_max_depth() -> u32 {
    5
}
fn default_max_pages() -> u64 {
    10_000
}
fn default_delay() -> f64 {
    1.0
}

impl SiteConfig {
    pub fn delay(&self) -> Duration {
        secs(self.delay_secs)
    }

    /// Problems serde can't see. Returns the key and the message.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        if self.seeds.is_empty() && self.sitemaps.is_empty() && self.feeds.is_empty() {
            return Err((
                "seeds",
                format!("site {:?} needs seeds, sitemaps or feeds", self.name),
            ));
        }
        for (key, list) in [
            ("seeds", &self.seeds),
            ("sitemaps", &self.sitemaps),
            ("feeds", &self.feeds),
        ] {
            for u in list {
                match url::Url::parse(u) {
                    Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => {}
                    Ok(_) => return Err((key, format!("{u:?} is not an http(s) URL"))),
                    Err(e) => return Err((key, format!("{u:?} is not a URL: {e}"))),
                }
            }
        }
        for (key, list) in [("include", &self.include), ("exclude", &self.exclude)] {
            for p in list {
                if let Err(e) = regex::Regex::new(p) {
                    return Err((key, format!("invalid regex {p:?}: {e}")));
                }
            }
        }
        if !(self.delay_secs.is_finite() && self.delay_secs >= 0.0) {
            return Err((
                "delay_secs",
                format!("must be zero or more, not {}", self.delay_secs),
            ));
        }
        if self.concurrency == 0 {
            return Err(("concurrency", "must be at least 1".into()));
        }
        Ok(())
    }
}

/// Seconds as a Duration; the callers checked the value is finite and not negative.
fn secs(v: f64) -> Duration {
    Duration::try_from_secs_f64(v.max(0.0)).unwrap_or(Duration::MAX)
}
