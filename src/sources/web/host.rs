//! Per-host politeness (one request per delay, at most N in flight), robots.txt, and
//! the redirect and retry loops around one exchange.

use super::config::{FetchConfig, MAX_SECS};
use super::discover::Robots;
use super::http::{Http, HttpError, Response, Validators};
use super::state::{blocking, lock};
use crate::sources::warc::writer::WarcWriter;
use crate::store::crawl::RobotsAnswer;
use crate::store::Backend;
use reqwest::header;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use tokio::sync::{OnceCell, Semaphore};
use tokio::time::Instant;
use url::Url;

/// One host's politeness state, shared by every request to it in this run.
pub struct Host {
    /// Requests in flight to this host (the site's `concurrency`).
    pub slots: std::sync::Arc<Semaphore>,
    /// The same limit for every worker together, in a shared store.
    pub(super) concurrency: usize,
    gate: Mutex<Gate>,
    robots: OnceCell<Robots>,
}

struct Gate {
    /// When the next request may start.
    next: Instant,
    /// When the last one started, so that a delay raised after it (robots.txt's
    /// Crawl-delay, read from the first request) still spaces the second from it.
    last: Option<Instant>,
    delay: Duration,
    /// No request starts before this (a Retry-After or a retry's backoff), not even one
    /// whose turn was given before the hold was set.
    hold: Instant,
}

/// `at + d`, saturating a year later: no delay, budget or Retry-After a config or a
/// server gives can overflow the clock.
pub fn later(at: Instant, d: Duration) -> Instant {
    let max = Duration::from_secs_f64(MAX_SECS);
    at.checked_add(d.min(max)).unwrap_or(at)
}

impl Host {
    pub fn new(delay: Duration, concurrency: usize) -> Host {
        Host {
            slots: std::sync::Arc::new(Semaphore::new(concurrency)),
            concurrency,
            gate: Mutex::new(Gate {
                next: Instant::now(),
                last: None,
                delay,
                hold: Instant::now(),
            }),
            robots: OnceCell::new(),
        }
    }

    /// Waits for this host's next request slot: requests start at least `delay` apart,
    /// whatever the number in flight. A hold set while waiting (another request's
    /// Retry-After) sends the request back for a turn after it.
    pub async fn wait_turn(&self) {
        loop {
            let at = {
                let mut g = lock(&self.gate);
                let at = g.next.max(Instant::now());
                g.next = later(at, g.delay);
                g.last = Some(at);
                at
            };
            tokio::time::sleep_until(at).await;
            if lock(&self.gate).hold <= Instant::now() {
                return;
            }
        }
    }

    /// Holds every request to this host back until `until` (a Retry-After), those
    /// already waiting for their turn included.
    fn back_off_until(&self, until: Instant) {
        let mut g = lock(&self.gate);
        g.next = g.next.max(until);
        g.hold = g.hold.max(until);
    }

    /// The delay between two requests, as it stands (robots.txt may have raised it).
    pub(super) fn delay(&self) -> Duration {
        lock(&self.gate).delay
    }

    /// Raises the delay between requests, counted from the last request made.
    fn raise_delay(&self, delay: Duration) {
        let mut g = lock(&self.gate);
        g.delay = g.delay.max(delay);
        if let Some(last) = g.last {
            g.next = g.next.max(later(last, g.delay));
        }
    }

    /// robots.txt, fetched once per host per run (the first caller fetches, the others
    /// wait for it); in a shared store, once for every worker. Its Crawl-delay raises
    /// the host's delay.
    pub async fn robots(&self, fetcher: &Fetcher<'_>, origin: &Url) -> &Robots {
        self.robots
            .get_or_init(|| async {
                let answer = match &fetcher.shared {
                    Some(store) => super::shared::shared_robots(fetcher, store, self, origin).await,
                    None => fetcher.robots(self, origin).await,
                };
                let robots = parse_robots(fetcher.cfg, answer).await;
                if let Some(d) = robots.crawl_delay() {
                    self.raise_delay(d);
                }
                robots
            })
            .await
    }
}

/// The robots.txt answer as parsed rules (on a blocking thread: a large robots.txt is
/// CPU work).
async fn parse_robots(cfg: &FetchConfig, answer: RobotsAnswer) -> Robots {
    match answer {
        RobotsAnswer::AllowAll => Robots::AllowAll,
        RobotsAnswer::DisallowAll => Robots::DisallowAll,
        RobotsAnswer::Rules(body) => {
            let agent = robots_agent(&cfg.user_agent).to_string();
            blocking(move || super::discover::robots(&body, &agent))
                .await
                .unwrap_or(Robots::AllowAll)
        }
    }
}

/// The product token robots.txt groups are matched against: "gleaner" of
/// "gleaner/0.1 (+https://...)".
pub fn robots_agent(user_agent: &str) -> &str {
    user_agent
        .split(|c: char| c == '/' || c.is_whitespace())
        .next()
        .unwrap_or(user_agent)
}

/// Why fetching a URL (with its redirects and retries) gave no usable response.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("disallowed by robots.txt: {0}")]
    Robots(Url),
    #[error("redirected off the site's scope to {0}")]
    OffScope(Url),
    #[error("redirect loop at {0}")]
    RedirectLoop(Url),
    #[error("more than {0} redirects")]
    TooManyRedirects(usize),
    #[error("redirect without a usable Location header")]
    BadRedirect,
    #[error(transparent)]
    Http(#[from] HttpError),
    /// The run's time budget ran out while waiting or fetching.
    #[error("the run's time budget ran out")]
    Deadline,
}

impl FetchError {
    pub fn class(&self) -> &'static str {
        match self {
            FetchError::Robots(_) => "robots",
            FetchError::OffScope(_) => "off_scope",
            FetchError::RedirectLoop(_)
            | FetchError::TooManyRedirects(_)
            | FetchError::BadRedirect => "redirect",
            FetchError::Http(e) => e.class(),
            FetchError::Deadline => "deadline",
        }
    }
}

/// Request counters the crawler reads back for the run summary.
#[derive(Debug, Default)]
pub struct RequestCounts {
    pub requests: std::sync::atomic::AtomicU64,
    pub retries: std::sync::atomic::AtomicU64,
    pub bytes: std::sync::atomic::AtomicU64,
}

/// Everything one request needs besides the host: the client, the limits, the global
/// concurrency limit and the run's deadline.
pub struct Fetcher<'a> {
    pub http: &'a Http,
    pub cfg: &'a FetchConfig,
    pub global: &'a Semaphore,
    pub deadline: Instant,
    pub counts: &'a RequestCounts,
    /// Every response received is kept here as WARC, when set.
    pub archive: Option<std::sync::Arc<WarcWriter>>,
    /// A store other workers share: each host's pace, Retry-After holds and robots.txt
    /// are kept there, for every worker at once.
    pub shared: Option<std::sync::Arc<dyn Backend>>,
}

impl Fetcher<'_> {
    /// One URL, retried as configured: connect errors, timeouts, cut bodies, 5xx and 429
    /// are retried with exponential backoff and jitter, or after the server's
    /// Retry-After (capped). The last answer is returned, whatever its status.
    pub async fn get(
        &self,
        host: &Host,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<Response, FetchError> {
        use std::sync::atomic::Ordering::Relaxed;
        let mut attempt = 1;
        loop {
            self.until_deadline(host.wait_turn()).await?;
            let mut result = {
                let (_shared, _slot) = self.turn_and_permit(host, url).await?;
                self.counts.requests.fetch_add(1, Relaxed);
                // A request under way when the budget runs out gets a short grace to
                // finish, so its answer is not thrown away and asked for again.
                let until = later(self.deadline, GRACE);
                tokio::time::timeout_at(until, self.http.get(url, validators))
                    .await
                    .map_err(|_| FetchError::Deadline)?
            };
            if let Ok(r) = &mut result {
                self.counts.bytes.fetch_add(r.wire_bytes, Relaxed);
                self.keep(url, validators, r).await;
            }
            let retry_after = match &result {
                Ok(r) if r.status == 429 || r.status >= 500 => retry_after(r),
                Ok(_) => return Ok(result?),
                Err(e) if e.retryable() => None,
                Err(_) => return Ok(result?),
            };
            if attempt >= self.cfg.max_attempts {
                return Ok(result?);
            }
            let wait = match retry_after {
                Some(d) => d.min(self.cfg.retry_after_cap()),
                None => backoff(self.cfg.backoff_base(), attempt),
            };
            tracing::debug!(%url, attempt, ?wait, "retrying");
            host.back_off_until(later(Instant::now(), wait));
            if let Some(store) = self.shared.clone() {
                let key = super::url::host_key(url);
                if let Ok(Err(e)) = blocking(move || store.hold_host(&key, wait)).await {
                    tracing::warn!(%url, "cannot share the Retry-After hold: {e}");
                }
            }
            self.counts.retries.fetch_add(1, Relaxed);
            attempt = attempt.saturating_add(1);
        }
    }

    /// Writes the exchange to the WARC archive, if there is one, and lets go of the
    /// wire bytes kept for it. A write error is logged and the crawl goes on: the
    /// store, not the archive, is the crawl's record.
    async fn keep(&self, url: &Url, validators: Option<&Validators>, r: &mut Response) {
        let Some(archive) = self.archive.clone() else {
            return;
        };
        let records =
            super::archive::exchange(url, chrono::Utc::now(), &self.cfg.user_agent, validators, r);
        r.wire = Vec::new();
        let written = super::state::blocking(move || archive.write(&records)).await;
        match written {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(%url, "cannot write the WARC record: {e}"),
            Err(e) => tracing::error!(%url, "cannot write the WARC record: {e}"),
        }
    }

    /// Like [`Fetcher::get`], following redirects: each hop is checked against scope
    /// (`in_scope`) and the hop host's robots.txt, loops and long chains are errors.
    /// Returns the final URL and its response.
    pub async fn follow<'h>(
        &self,
        hosts: &'h (dyn Fn(&Url) -> std::sync::Arc<Host> + Sync),
        in_scope: &(dyn Fn(&Url) -> bool + Sync),
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<(Url, Response), FetchError> {
        let mut current = url.clone();
        let mut seen = vec![url.clone()];
        for _ in 0..=self.cfg.max_redirects {
            let host = hosts(&current);
            if !host.robots(self, &current).await.allowed(&current) {
                return Err(FetchError::Robots(current));
            }
            let resp = self.get(&host, &current, validators).await?;
            if !matches!(resp.status, 301 | 302 | 303 | 307 | 308) {
                return Ok((current, resp));
            }
            let next = resp
                .header(header::LOCATION)
                .and_then(|loc| {
                    super::url::normalise(loc, Some(&current), &self.cfg.tracking_params)
                })
                .ok_or(FetchError::BadRedirect)?;
            if seen.contains(&next) {
                return Err(FetchError::RedirectLoop(next));
            }
            if !in_scope(&next) {
                return Err(FetchError::OffScope(next));
            }
            seen.push(next.clone());
            current = next;
        }
        Err(FetchError::TooManyRedirects(self.cfg.max_redirects))
    }

    /// Fetches `origin`'s robots.txt (redirects followed, a few at most).
    pub(super) async fn robots(&self, host: &Host, origin: &Url) -> RobotsAnswer {
        let Ok(mut url) = origin.join("/robots.txt") else {
            return RobotsAnswer::AllowAll;
        };
        for _ in 0..5 {
            let resp = match self.get(host, &url, None).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::warn!(%url, "robots.txt unreachable, nothing on the host will be fetched: {e}");
                    return RobotsAnswer::DisallowAll;
                }
            };
            match resp.status {
                200..=299 => return RobotsAnswer::Rules(resp.body),
                301 | 302 | 303 | 307 | 308 => {
                    match resp.header(header::LOCATION).and_then(|l| url.join(l).ok()) {
                        Some(next) => url = next,
                        None => return RobotsAnswer::AllowAll,
                    }
                }
                400..=499 => return RobotsAnswer::AllowAll,
                _ => {
                    tracing::warn!(%url, status = resp.status, "robots.txt unavailable, nothing on the host will be fetched");
                    return RobotsAnswer::DisallowAll;
                }
            }
        }
        RobotsAnswer::AllowAll
    }

    pub(super) async fn until_deadline<T>(
        &self,
        f: impl std::future::Future<Output = T>,
    ) -> Result<T, FetchError> {
        tokio::time::timeout_at(self.deadline, f)
            .await
            .map_err(|_| FetchError::Deadline)
    }
}

/// How long requests in flight at the time budget may still take.
const GRACE: Duration = Duration::from_secs(5);

/// Exponential backoff with full jitter around the doubling: base·2^(n-1)·[0.5, 1.5),
/// at most a year.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let exp = base.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let secs = exp.as_secs_f64() * (0.5 + fastrand::f64());
    Duration::try_from_secs_f64(secs.min(MAX_SECS)).unwrap_or(Duration::ZERO)
}

/// Retry-After as seconds or an HTTP date.
fn retry_after(resp: &Response) -> Option<Duration> {
    let value = resp.header(header::RETRY_AFTER)?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
#[allow(
    clippy::string_slice,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]
mod tests {
    use super::*;

    #[test]
    fn agent_token() {
        assert_eq!(robots_agent("gleaner/0.1 (+https://x)"), "gleaner");
        assert_eq!(robots_agent("MyBot"), "MyBot");
    }

    #[test]
    fn backoff_doubles_with_jitter() {
        let base = Duration::from_millis(100);
        for attempt in 1..5 {
            let d = backoff(base, attempt);
            let nominal = base * (1 << (attempt - 1));
            assert!(d >= nominal / 2 && d < nominal * 3 / 2, "{attempt}: {d:?}");
        }
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(header::RETRY_AFTER, "7".parse().unwrap());
        let r = Response {
            status: 429,
            version: reqwest::Version::HTTP_11,
            headers,
            body: vec![],
            wire_bytes: 0,
            wire: vec![],
            remote: None,
        };
        assert_eq!(retry_after(&r), Some(Duration::from_secs(7)));
        let mut headers = reqwest::header::HeaderMap::new();
        let later = SystemTime::now() + Duration::from_secs(30);
        headers.insert(
            header::RETRY_AFTER,
            httpdate::fmt_http_date(later).parse().unwrap(),
        );
        let r = Response {
            status: 503,
            version: reqwest::Version::HTTP_11,
            headers,
            body: vec![],
            wire_bytes: 0,
            wire: vec![],
            remote: None,
        };
        let got = retry_after(&r).unwrap();
        assert!(
            got > Duration::from_secs(25) && got <= Duration::from_secs(30),
            "{got:?}"
        );
    }
}
