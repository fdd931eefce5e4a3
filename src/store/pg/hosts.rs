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
        // One transaction, holding the host's row from the first statement: every
        // reservation of the host, by any worker, is made one after the other. (The
        // claims of a worker waiting for its turn are kept by its lease renewals.)
        let turn = self.txn(|t| {
            // Creates the row, or locks it (an upsert locks the row it finds).
            t.execute(
                "INSERT INTO hosts (host) VALUES ($1) ON CONFLICT (host) DO UPDATE SET host \
                 = excluded.host",
                &[&host],
            )
            .map_err(backend_error)?;
            // The lowest slot no live request holds; a dead worker's lapse with its lease.
            let slot = t
                .query_opt(
                    "INSERT INTO host_slots (host, slot, held_by, until) SELECT $1, s, $3, \
                     clock_timestamp() + $4::bigint * interval '1 millisecond' FROM \
                     generate_series(0, $2::int - 1) s WHERE NOT EXISTS (SELECT 1 FROM \
                     host_slots h WHERE h.host = $1 AND h.slot = s AND h.until > \
                     clock_timestamp()) ORDER BY s LIMIT 1 ON CONFLICT (host, slot) DO UPDATE \
                     SET held_by = excluded.held_by, until = excluded.until RETURNING slot",
                    &[&host, &slots, &self.worker, &lease_ms],
                )
                .map_err(backend_error)?;
            let Some(slot) = slot else {
                return Ok(Turn::Full);
            };
            // The turn starts when the host's pace allows (its delay after the last
            // request, whoever made it) and no Retry-After holds it; the next one a
            // delay later.
            let row = t
                .query_one(
                    "WITH cur AS (SELECT host, GREATEST(delay_ms, $2::bigint) AS d, \
                     GREATEST(next_fetch, clock_timestamp(), coalesce(hold_until, \
                     clock_timestamp()), coalesce(last_fetch + GREATEST(delay_ms, $2) * \
                     interval '1 millisecond', clock_timestamp())) AS start FROM hosts WHERE \
                     host = $1) UPDATE hosts h SET delay_ms = cur.d, last_fetch = \
                     cur.start, next_fetch = cur.start + cur.d * interval '1 millisecond' FROM \
                     cur WHERE h.host = cur.host RETURNING GREATEST(0, ceil(extract(epoch FROM \
                     cur.start - clock_timestamp()) * 1000))::bigint",
                    &[&host, &delay_ms],
                )
                .map_err(backend_error)?;
            let wait_ms: i64 = row.get(0);
            Ok(Turn::Go {
                wait: Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0)),
                slot: slot.get(0),
            })
        })?;
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
