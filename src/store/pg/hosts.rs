//! Per-host politeness shared by every worker: one row per host holds the next
//! request turn, the delay, a Retry-After hold, and robots.txt as one worker fetched
//! it; `host_slots` holds the requests in flight, up to the host's concurrency.

use super::{backend_error, PgStore};
use crate::store::crawl::{RobotsAnswer, RobotsClaim, Turn};
use crate::store::StoreError;
use std::time::Duration;

/// How long robots.txt fetched by one worker serves the others: an hour, as an hourly
/// cron re-reads it; "unreachable" (a 5xx, a timeout) only a few minutes, so that one
/// bad moment does not keep every worker off the host for long.
const ROBOTS_FRESH_SECS: f64 = 3600.0;
const ROBOTS_UNREACHABLE_SECS: f64 = 300.0;
/// How long a worker may take to fetch robots.txt before another tries.
const ROBOTS_CLAIM_SECS: f64 = 60.0;

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl PgStore {
    pub(super) fn turn(
        &self,
        host: &str,
        delay: Duration,
        concurrency: usize,
    ) -> Result<Turn, StoreError> {
        let delay_ms = millis(delay);
        let slots = i32::try_from(concurrency.max(1)).unwrap_or(i32::MAX);
        let lease_ms = millis(self.lease);
        // One statement, one round trip (`gleaner_turn`, in the schema): every
        // reservation of the host, by any worker, is made one after the other under the
        // host's row lock. (The claims of a worker waiting for its turn are kept by its
        // lease renewals.)
        let row = self
            .conn()?
            .query_one(
                "SELECT o_slot, o_wait_ms FROM gleaner_turn($1, $2, $3, $4, $5)",
                &[&host, &delay_ms, &slots, &self.worker, &lease_ms],
            )
            .map_err(backend_error)?;
        let (slot, wait_ms): (Option<i32>, i64) = (row.get(0), row.get(1));
        let turn = match slot {
            Some(slot) => Turn::Go {
                wait: Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0)),
                slot,
            },
            None => Turn::Full,
        };
        if let Turn::Go { slot, .. } = turn {
            super::lock(&self.held)
                .slots
                .insert((host.to_string(), slot));
        }
        Ok(turn)
    }

    pub(super) fn release_slot_of(&self, host: &str, slot: i32) -> Result<(), StoreError> {
        super::lock(&self.held)
            .slots
            .remove(&(host.to_string(), slot));
        self.conn()?
            .execute(
                "UPDATE host_slots SET held_by = NULL, until = NULL WHERE host = $1 AND slot = \
                 $2 AND held_by = $3",
                &[&host, &slot, &self.worker],
            )
            .map_err(backend_error)?;
        Ok(())
    }

    pub(super) fn hold(&self, host: &str, hold: Duration) -> Result<(), StoreError> {
        let ms = millis(hold);
        self.conn()?
            .execute(
                "INSERT INTO hosts (host, hold_until) VALUES ($1, clock_timestamp() + $2::bigint * \
                 interval '1 millisecond') ON CONFLICT (host) DO UPDATE SET hold_until = \
                 GREATEST(coalesce(hosts.hold_until, excluded.hold_until), excluded.hold_until)",
                &[&host, &ms],
            )
            .map_err(backend_error)?;
        Ok(())
    }

    pub(super) fn claim_robots_of(&self, host: &str) -> Result<RobotsClaim, StoreError> {
        self.txn(|t| {
            t.execute(
                "INSERT INTO hosts (host) VALUES ($1) ON CONFLICT DO NOTHING",
                &[&host],
            )
            .map_err(backend_error)?;
            let row = t
                .query_one(
                    "SELECT robots_kind, robots, coalesce(robots_until > now(), false), \
                     coalesce(robots_claim_until > now(), false) FROM hosts WHERE host = $1 \
                     FOR UPDATE",
                    &[&host],
                )
                .map_err(backend_error)?;
            let (kind, body, fresh, claimed): (Option<String>, Option<Vec<u8>>, bool, bool) =
                (row.get(0), row.get(1), row.get(2), row.get(3));
            if fresh {
                let answer = match kind.as_deref() {
                    Some("disallow") => RobotsAnswer::DisallowAll,
                    Some("rules") => RobotsAnswer::Rules(body.unwrap_or_default()),
                    _ => RobotsAnswer::AllowAll,
                };
                return Ok(RobotsClaim::Known(answer));
            }
            if claimed {
                return Ok(RobotsClaim::Wait);
            }
            t.execute(
                "UPDATE hosts SET robots_claim_until = now() + $2::float8 * interval '1 second' \
                 WHERE host = $1",
                &[&host, &ROBOTS_CLAIM_SECS],
            )
            .map_err(backend_error)?;
            Ok(RobotsClaim::Fetch)
        })
    }

    pub(super) fn save_robots_of(
        &self,
        host: &str,
        answer: &RobotsAnswer,
        delay: Duration,
    ) -> Result<(), StoreError> {
        let fresh = match answer {
            RobotsAnswer::DisallowAll => ROBOTS_UNREACHABLE_SECS,
            _ => ROBOTS_FRESH_SECS,
        };
        let (kind, body): (&str, Option<&[u8]>) = match answer {
            RobotsAnswer::AllowAll => ("allow", None),
            RobotsAnswer::DisallowAll => ("disallow", None),
            RobotsAnswer::Rules(b) => ("rules", Some(b.as_slice())),
        };
        self.conn()?
            .execute(
                "UPDATE hosts SET robots_kind = $2, robots = $3, robots_until = now() + $4::float8 * \
                 interval '1 second', robots_claim_until = NULL, delay_ms = GREATEST(delay_ms, \
                 $5::bigint) WHERE host = $1",
                &[&host, &kind, &body, &fresh, &millis(delay)],
            )
            .map_err(backend_error)?;
        Ok(())
    }
}
