//! The config of web sources: `[fetch]` (settings every site shares) and one
//! `[[sources.web]]` table per site.

use gleaner_clean::{PageType, RulesConfig};
use serde::Deserialize;
use std::path::PathBuf;
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
    /// A URL that failed this many runs in a row is parked: not requested again until
    /// `gleaner unpark`. A URL whose page crashed the cleaner is parked at once.
    pub park_after_failures: u32,
    /// Query parameters removed from every URL, besides utm_* and fbclid.
    pub tracking_params: Vec<String>,
    /// Keep every response as received, with its request, in WARC files in this
    /// directory (relative to the config file). None: no WARC is written.
    pub warc_dir: Option<PathBuf>,
    /// A WARC file is closed, and the next one begun, once it holds this many bytes.
    pub warc_file_bytes: u64,
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
            park_after_failures: 3,
            tracking_params: vec![
                "gclid".into(),
                "mc_cid".into(),
                "mc_eid".into(),
                "_ga".into(),
                "igshid".into(),
            ],
            warc_dir: None,
            warc_file_bytes: 1 << 30,
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

    /// Problems serde can't see: limits that are zero, negative, not numbers, or so
    /// large that the clock or a semaphore would overflow on them.
    pub fn check(&self) -> Result<(), Invalid> {
        for (key, v) in [
            ("connect_timeout_secs", self.connect_timeout_secs),
            ("response_timeout_secs", self.response_timeout_secs),
            ("read_stall_secs", self.read_stall_secs),
            ("time_budget_secs", self.time_budget_secs),
        ] {
            check_secs(key, v, false)?;
        }
        for (key, v) in [
            ("backoff_base_secs", self.backoff_base_secs),
            ("retry_after_cap_secs", self.retry_after_cap_secs),
        ] {
            check_secs(key, v, true)?;
        }
        check_count("concurrency", self.concurrency as u64, MAX_CONCURRENCY)?;
        check_count("max_attempts", u64::from(self.max_attempts), MAX_ATTEMPTS)?;
        check_count(
            "park_after_failures",
            u64::from(self.park_after_failures),
            u64::from(u32::MAX),
        )?;
        if self.max_redirects as u64 > MAX_REDIRECTS {
            return Err(Invalid::new(
                "max_redirects",
                format!(
                    "must be at most {MAX_REDIRECTS}, not {}",
                    self.max_redirects
                ),
            ));
        }
        for (key, v) in [
            ("max_body_bytes", self.max_body_bytes),
            ("max_decompressed_bytes", self.max_decompressed_bytes),
            ("warc_file_bytes", self.warc_file_bytes),
        ] {
            check_count(key, v, u64::MAX)?;
        }
        if !(0.0..=1.0).contains(&self.failure_threshold) {
            return Err(Invalid::new(
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

/// A config value serde accepted but gleaner can't run with: the key (and the position
/// in its list, for list entries) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub key: &'static str,
    pub index: Option<usize>,
    pub message: String,
}

impl Invalid {
    fn new(key: &'static str, message: String) -> Invalid {
        Invalid {
            key,
            index: None,
            message,
        }
    }
}

/// The longest wait, timeout or budget a config may ask for: a year. Anything longer
/// is a slip of the keyboard (`1e20`), and would overflow the clock arithmetic.
pub const MAX_SECS: f64 = 365.0 * 24.0 * 3600.0;
/// Requests in flight, globally or per host: far past what one machine can use, well
/// inside what a semaphore holds.
pub const MAX_CONCURRENCY: u64 = 100_000;
const MAX_ATTEMPTS: u64 = 100;
const MAX_REDIRECTS: u64 = 100;

fn check_secs(key: &'static str, v: f64, zero_ok: bool) -> Result<(), Invalid> {
    let low_ok = if zero_ok { v >= 0.0 } else { v > 0.0 };
    if !(v.is_finite() && low_ok) {
        let what = if zero_ok {
            "zero or more seconds"
        } else {
            "a positive number of seconds"
        };
        return Err(Invalid::new(key, format!("must be {what}, not {v}")));
    }
    if v > MAX_SECS {
        return Err(Invalid::new(
            key,
            format!("must be at most {MAX_SECS} seconds (a year), not {v}"),
        ));
    }
    Ok(())
}

fn check_count(key: &'static str, v: u64, max: u64) -> Result<(), Invalid> {
    if v == 0 {
        return Err(Invalid::new(key, "must be at least 1".into()));
    }
    if v > max {
        return Err(Invalid::new(key, format!("must be at most {max}, not {v}")));
    }
    Ok(())
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
    /// Page types stored (`article`, `listing`, `forum`, `product`, `documentation`,
    /// `service`, `other`); every type when absent. Pages of other types are not stored
    /// but their links are still followed. Soft 404s are never stored.
    #[serde(default)]
    pub store_types: Option<Vec<String>>,
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

    /// Problems serde can't see: no start URL, a URL or regex that does not parse, a
    /// delay or concurrency out of range.
    pub fn check(&self) -> Result<(), Invalid> {
        if self.seeds.is_empty() && self.sitemaps.is_empty() && self.feeds.is_empty() {
            return Err(Invalid::new(
                "seeds",
                format!("site {:?} needs seeds, sitemaps or feeds", self.name),
            ));
        }
        for (key, list) in [
            ("seeds", &self.seeds),
            ("sitemaps", &self.sitemaps),
            ("feeds", &self.feeds),
        ] {
            for (index, u) in list.iter().enumerate() {
                let message = match url::Url::parse(u) {
                    Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => continue,
                    Ok(_) => format!("{u:?} is not an http(s) URL"),
                    Err(e) => format!("{u:?} is not a URL: {e}"),
                };
                return Err(Invalid {
                    key,
                    index: Some(index),
                    message,
                });
            }
        }
        for (key, list) in [("include", &self.include), ("exclude", &self.exclude)] {
            for (index, p) in list.iter().enumerate() {
                if let Err(e) = regex::Regex::new(p) {
                    return Err(Invalid {
                        key,
                        index: Some(index),
                        message: format!("invalid regex {p:?}: {e}"),
                    });
                }
            }
        }
        if let Some(types) = &self.store_types {
            if types.is_empty() {
                return Err(Invalid::new(
                    "store_types",
                    "an empty list stores nothing; leave the key out to store every type".into(),
                ));
            }
            for (index, t) in types.iter().enumerate() {
                if PageType::from_name(t).is_none() {
                    let names: Vec<&str> = PageType::ALL.iter().map(|t| t.name()).collect();
                    return Err(Invalid {
                        key: "store_types",
                        index: Some(index),
                        message: format!("unknown page type {t:?}: one of {}", names.join(", ")),
                    });
                }
            }
        }
        check_secs("delay_secs", self.delay_secs, true)?;
        check_count("concurrency", self.concurrency as u64, MAX_CONCURRENCY)
    }

    /// Whether pages of type `t` are stored (`store_types`). A page of no known type
    /// (a document cleaned before pages were typed) counts as `other`.
    pub fn stores(&self, t: Option<PageType>) -> bool {
        crate::store::crawled::keeps_type(self.store_types.as_deref(), t)
    }
}

/// Seconds as a Duration. The config was checked to hold finite values between 0 and
/// [`MAX_SECS`]; a value set by other code is clamped there all the same.
fn secs(v: f64) -> Duration {
    Duration::try_from_secs_f64(v.clamp(0.0, MAX_SECS)).unwrap_or(Duration::ZERO)
}
