//! Politeness through a store other workers share: each host's turn and request slots
//! are given by the store, for every worker at once, and robots.txt is fetched by one
//! worker for all. A store error falls back on this worker's own politeness.

use super::host::{later, robots_agent, FetchError, Fetcher, Host};
use super::state::blocking;
use crate::store::crawl::{RobotsAnswer, RobotsClaim, Turn};
use crate::store::Backend;
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// How often a worker waiting for another's robots.txt asks again, and how many times.
const ROBOTS_POLL: Duration = Duration::from_millis(100);
const ROBOTS_POLLS: usize = 1200;

/// robots.txt through a shared store: one worker fetches it and shares it (with its
/// Crawl-delay, so that every worker's pace for the host includes it from then on);
/// the others wait for it. A store error makes this worker fetch it itself.
pub(super) async fn shared_robots(
    fetcher: &Fetcher<'_>,
    store: &std::sync::Arc<dyn Backend>,
    host: &Host,
    origin: &Url,
) -> RobotsAnswer {
    let key = super::url::host_key(origin);
    for _ in 0..ROBOTS_POLLS {
        let (s, k) = (store.clone(), key.clone());
        let claim = match blocking(move || s.claim_robots(&k)).await {
            Ok(Ok(claim)) => Ok(claim),
            Ok(Err(e)) => Err(e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match claim {
            Ok(RobotsClaim::Known(answer)) => return answer,
            Ok(RobotsClaim::Wait) => {
                if fetcher
                    .until_deadline(tokio::time::sleep(ROBOTS_POLL))
                    .await
                    .is_err()
                {
                    return RobotsAnswer::DisallowAll;
                }
            }
            Ok(RobotsClaim::Fetch) => {
                let answer = fetcher.robots(host, origin).await;
                let delay = match &answer {
                    RobotsAnswer::Rules(body) => {
                        let agent = robots_agent(&fetcher.cfg.user_agent).to_string();
                        let body = body.clone();
                        blocking(move || super::discover::robots(&body, &agent).crawl_delay())
                            .await
                            .ok()
                            .flatten()
                            .unwrap_or_default()
                    }
                    _ => Duration::ZERO,
                };
                let (s, k, a) = (store.clone(), key.clone(), answer.clone());
                if let Ok(Err(e)) = blocking(move || s.save_robots(&k, &a, delay)).await {
                    tracing::warn!(host = %key, "cannot share robots.txt: {e}");
                }
                return answer;
            }
            Err(e) => {
                tracing::warn!(host = %key, "shared robots.txt unavailable, fetching it: {e}");
                return fetcher.robots(host, origin).await;
            }
        }
    }
    fetcher.robots(host, origin).await
}

impl Fetcher<'_> {
    /// The host's turn (in a shared store) and a permit of this process's global limit.
    /// A request that starts late for its shared turn (it waited for the global limit,
    /// or its thread for a core) would come closer than the delay to the next worker's,
    /// already given a delay after that turn: it takes a new turn (a few times at most,
    /// on a machine that overloaded).
    pub(super) async fn turn_and_permit(
        &self,
        host: &Host,
        url: &Url,
    ) -> Result<(Option<SharedSlot>, GlobalPermit<'_>), FetchError> {
        let late_after = host.delay().checked_div(LATE_PART).unwrap_or_default();
        let mut turns: u32 = 0;
        loop {
            let shared = self.shared_turn(host, url).await?;
            let permit = self.until_deadline(self.global.acquire()).await?;
            turns = turns.saturating_add(1);
            let late = shared
                .as_ref()
                .is_some_and(|s| Instant::now().saturating_duration_since(s.at) > late_after);
            if !late || late_after.is_zero() || turns >= LATE_TURNS {
                return Ok((shared, permit));
            }
            tracing::debug!(%url, "late for the host's turn; taking another");
        }
    }

    /// In a shared store, waits for the turn the store gives this host's next request
    /// (after every worker's last one) and holds one of the host's request slots until
    /// the request ends: two workers never start requests to one host closer than its
    /// delay, nor have more in flight together than its concurrency. A store error
    /// falls back on this worker's own pace and limit.
    async fn shared_turn(&self, host: &Host, url: &Url) -> Result<Option<SharedSlot>, FetchError> {
        let Some(store) = self.shared.clone() else {
            return Ok(None);
        };
        let key = super::url::host_key(url);
        let (delay, concurrency) = (host.delay(), host.concurrency);
        let mut pause = SLOT_POLL_FIRST;
        for _ in 0..SLOT_POLLS {
            let (s, k) = (store.clone(), key.clone());
            let turn = match blocking(move || s.reserve_turn(&k, delay, concurrency)).await {
                Ok(Ok(turn)) => turn,
                Ok(Err(e)) => {
                    tracing::warn!(%url, "shared politeness unavailable: {e}");
                    return Ok(None);
                }
                Err(e) => {
                    tracing::warn!(%url, "shared politeness unavailable: {e}");
                    return Ok(None);
                }
            };
            match turn {
                Some(Turn::Go { wait, slot }) => {
                    let held = SharedSlot {
                        store: store.clone(),
                        host: key.clone(),
                        slot,
                        at: later(Instant::now(), wait),
                    };
                    if !wait.is_zero() {
                        self.until_deadline(tokio::time::sleep(wait)).await?;
                    }
                    return Ok(Some(held));
                }
                Some(Turn::Full) => {
                    self.until_deadline(tokio::time::sleep(pause)).await?;
                    pause = pause.saturating_mul(2).min(SLOT_POLL_MAX);
                }
                None => return Ok(None),
            }
        }
        tracing::warn!(%url, "shared politeness unavailable: the host's request slots stayed full");
        Ok(None)
    }
}

/// How soon a worker asks again for a slot of a host whose slots are all held, at
/// first and at most; and how many times (hours, at the longest pause).
const SLOT_POLL_FIRST: Duration = Duration::from_millis(10);
const SLOT_POLL_MAX: Duration = Duration::from_millis(200);
const SLOT_POLLS: usize = 50_000;

/// A request slot of a host, held in the shared store; freed when dropped, the
/// request over (or given up).
pub(super) struct SharedSlot {
    store: std::sync::Arc<dyn Backend>,
    host: String,
    slot: i32,
    /// When its turn starts.
    at: Instant,
}

/// A permit of the process's global request limit (or the error of a closed one).
pub(super) type GlobalPermit<'a> =
    Result<tokio::sync::SemaphorePermit<'a>, tokio::sync::AcquireError>;

/// A request later than this part of the delay for its shared turn takes another, up
/// to this many turns.
const LATE_PART: u32 = 20;
const LATE_TURNS: u32 = 3;

impl Drop for SharedSlot {
    fn drop(&mut self) {
        let (store, host, slot) = (
            self.store.clone(),
            std::mem::take(&mut self.host),
            self.slot,
        );
        // Freed off the async threads, since the store blocks. Without a runtime (never,
        // in a crawl) the slot lapses with the worker's lease, or is freed with
        // everything else the worker holds when its crawl ends.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn_blocking(move || {
                if let Err(e) = store.release_slot(&host, slot) {
                    tracing::warn!(%host, "cannot free a shared request slot: {e}");
                }
            });
        }
    }
}
