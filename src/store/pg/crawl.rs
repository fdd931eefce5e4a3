//! The crawl's state in PostgreSQL, shared by every worker: URL states, a frontier of
//! leased entries, site epochs, run records, and a politeness row per host.
//!
//! A worker claims a host's next entry with `FOR UPDATE SKIP LOCKED` and a lease; the
//! entry stays in the frontier until its visit completes (in the transaction that
//! records the URL's state and queues its links), so a worker that dies loses nothing:
//! its lease runs out and another worker takes the entry. Discovered URLs are queued
//! with `INSERT … ON CONFLICT DO NOTHING`: the first worker to insert a URL's row owns
//! its queueing; the others find it queued in this epoch and leave it.

use super::docs::{lost_race, to_i64};
use super::frontier::{
    complete_in, completion, enqueue_in, id_of, key_of, upsert_state, CLAIM_BATCH,
};
use super::{backend_error, PgStore};
use crate::store::crawl::{
    decode_json as decode, encode_json as encode, CrawlStore, Fleet, FrontierEntry, FrontierKey,
    NewEntry, RobotsAnswer, RobotsClaim, RunRecord, SiteStart, Turn, UrlState, UrlStatus,
};
use crate::store::{NewDocument, PutOutcome, StoreError};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

impl CrawlStore for PgStore {
    fn begin_site(&self, site: &str) -> Result<SiteStart, StoreError> {
        self.txn(|t| {
            t.execute(
                "INSERT INTO sites (name, epoch) VALUES ($1, 0) ON CONFLICT DO NOTHING",
                &[&site],
            )
            .map_err(backend_error)?;
            let epoch: i64 = t
                .query_one(
                    "SELECT epoch FROM sites WHERE name = $1 FOR UPDATE",
                    &[&site],
                )
                .map_err(backend_error)?
                .get(0);
            let pending: i64 = t
                .query_one("SELECT count(*) FROM frontier WHERE site = $1", &[&site])
                .map_err(backend_error)?
                .get(0);
            let (epoch, pending) = (
                u64::try_from(epoch).unwrap_or(0),
                u64::try_from(pending).unwrap_or(0),
            );
            if pending > 0 && epoch > 0 {
                return Ok(SiteStart {
                    epoch,
                    resumed: true,
                    pending,
                });
            }
            let next = epoch.checked_add(1).ok_or_else(|| StoreError::Corrupt {
                key: format!("sites/{site}"),
                reason: format!("epoch {epoch} is the last there is"),
            })?;
            t.execute(
                "UPDATE sites SET epoch = $2 WHERE name = $1",
                &[&site, &to_i64(next)],
            )
            .map_err(backend_error)?;
            Ok(SiteStart {
                epoch: next,
                resumed: false,
                pending,
            })
        })
    }

    fn site_epochs(&self) -> Result<BTreeMap<String, u64>, StoreError> {
        let rows = self
            .conn()?
            .query("SELECT name, epoch FROM sites ORDER BY name", &[])
            .map_err(backend_error)?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), u64::try_from(r.get::<_, i64>(1)).unwrap_or(0)))
            .collect())
    }

    fn import_url_state(&self, url: &str, state: &UrlState) -> Result<bool, StoreError> {
        let n = self
            .conn()?
            .execute(
                "INSERT INTO urls (url, state) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&url, &encode(state)],
            )
            .map_err(backend_error)?;
        Ok(n == 1)
    }

    fn import_site_epoch(&self, site: &str, epoch: u64) -> Result<(), StoreError> {
        self.conn()?
            .execute(
                "INSERT INTO sites (name, epoch) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE \
                 SET epoch = GREATEST(sites.epoch, excluded.epoch)",
                &[&site, &to_i64(epoch)],
            )
            .map_err(backend_error)?;
        Ok(())
    }

    fn site_epoch(&self, site: &str) -> Result<Option<u64>, StoreError> {
        let row = self
            .conn()?
            .query_opt("SELECT epoch FROM sites WHERE name = $1", &[&site])
            .map_err(backend_error)?;
        Ok(row.map(|r| u64::try_from(r.get::<_, i64>(0)).unwrap_or(0)))
    }

    fn enqueue(&self, epoch: u64, entries: &[NewEntry]) -> Result<Vec<String>, StoreError> {
        self.txn(|t| {
            let mut hosts = BTreeSet::new();
            enqueue_in(t, epoch, entries, &mut hosts)?;
            Ok(hosts.into_iter().collect())
        })
    }

    fn next_entry(
        &self,
        host: &str,
        after: Option<&FrontierKey>,
    ) -> Result<Option<(FrontierKey, FrontierEntry)>, StoreError> {
        let after = after.map(id_of).unwrap_or(-1);
        {
            let mut claimed = super::lock(&self.claimed);
            if let Some(queue) = claimed.get_mut(host) {
                while let Some((id, entry)) = queue.pop_front() {
                    if id > after {
                        return Ok(Some((key_of(id), entry)));
                    }
                    // Passed over: no longer renewed, so another worker takes it.
                    super::lock(&self.held).entries.remove(&id);
                }
            }
        }
        // A few of the host's next entries at once: one round trip for several visits.
        let lease = self.lease.as_secs_f64();
        let rows = self
            .conn()?
            .query(
                "UPDATE frontier SET lease_until = now() + $3::float8 * interval '1 second', \
                 leased_by = $4 WHERE id IN (SELECT id FROM frontier WHERE host = $1 AND \
                 id > $2 AND (lease_until IS NULL OR lease_until < now()) ORDER BY id \
                 LIMIT $5 FOR UPDATE SKIP LOCKED) RETURNING id, entry",
                &[&host, &after, &lease, &self.worker, &CLAIM_BATCH],
            )
            .map_err(backend_error)?;
        let mut batch: Vec<(i64, FrontierEntry)> = rows
            .iter()
            .map(|r| Ok((r.get(0), decode(&format!("frontier/{host}"), r.get(1))?)))
            .collect::<Result<_, StoreError>>()?;
        batch.sort_by_key(|(id, _)| *id);
        super::lock(&self.held)
            .entries
            .extend(batch.iter().map(|(id, _)| *id));
        let mut batch = batch.into_iter();
        let first = batch.next();
        super::lock(&self.claimed)
            .entry(host.to_string())
            .or_default()
            .extend(batch);
        Ok(first.map(|(id, entry)| (key_of(id), entry)))
    }

    fn lease(&self) -> Option<Duration> {
        Some(self.lease)
    }

    fn renew_leases(&self) -> Result<(), StoreError> {
        self.keep_locks()?;
        let (entries, hosts, slots) = {
            let held = super::lock(&self.held);
            let entries: Vec<i64> = held.entries.iter().copied().collect();
            let (hosts, slots): (Vec<String>, Vec<i32>) = held.slots.iter().cloned().unzip();
            (entries, hosts, slots)
        };
        let mut conn = self.conn()?;
        let lease = self.lease.as_secs_f64();
        conn.execute(
            "UPDATE frontier SET lease_until = now() + $2::float8 * interval '1 second' \
             WHERE leased_by = $1 AND id = ANY($3)",
            &[&self.worker, &lease, &entries],
        )
        .map_err(backend_error)?;
        // A request slow past a lease keeps its host slot too.
        conn.execute(
            "UPDATE host_slots SET until = clock_timestamp() + $2::float8 * interval '1 \
             second' WHERE held_by = $1 AND (host, slot) IN (SELECT * FROM unnest($3::text[], \
             $4::int[]))",
            &[&self.worker, &lease, &hosts, &slots],
        )
        .map_err(backend_error)?;
        Ok(())
    }

    fn release_held(&self) -> Result<(), StoreError> {
        super::lock(&self.claimed).clear();
        *super::lock(&self.held) = super::Held::default();
        let mut conn = self.conn()?;
        conn.execute(
            "UPDATE frontier SET lease_until = NULL, leased_by = NULL WHERE leased_by = $1",
            &[&self.worker],
        )
        .map_err(backend_error)?;
        conn.execute(
            "UPDATE host_slots SET held_by = NULL, until = NULL WHERE held_by = $1",
            &[&self.worker],
        )
        .map_err(backend_error)?;
        Ok(())
    }

    fn release(&self, key: &FrontierKey) -> Result<(), StoreError> {
        super::lock(&self.held).entries.remove(&id_of(key));
        self.conn()?
            .execute(
                "UPDATE frontier SET lease_until = NULL, leased_by = NULL WHERE id = $1 AND \
                 leased_by = $2",
                &[&id_of(key), &self.worker],
            )
            .map_err(backend_error)?;
        Ok(())
    }

    fn frontier_len(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn()?
            .query_one("SELECT count(*) FROM frontier", &[])
            .map_err(backend_error)?
            .get(0);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn frontier_hosts(&self) -> Result<Vec<String>, StoreError> {
        // Hosts with an entry no live worker holds, spread by bucket.
        let rows = self
            .conn()?
            .query(
                "SELECT host FROM frontier WHERE lease_until IS NULL OR lease_until < now() \
                 GROUP BY host ORDER BY min(bucket), host",
                &[],
            )
            .map_err(backend_error)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn pending_by_site(&self) -> Result<BTreeMap<String, u64>, StoreError> {
        let rows = self
            .conn()?
            .query("SELECT site, count(*) FROM frontier GROUP BY site", &[])
            .map_err(backend_error)?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), u64::try_from(r.get::<_, i64>(1)).unwrap_or(0)))
            .collect())
    }

    fn complete(
        &self,
        key: &FrontierKey,
        url: &str,
        state: &UrlState,
        aliases: &[String],
        links: &[NewEntry],
    ) -> Result<Vec<String>, StoreError> {
        let c = completion(key, url, state, aliases, links);
        let hosts = self.txn(|t| complete_in(t, &c))?;
        super::lock(&self.held).entries.remove(&id_of(key));
        Ok(hosts)
    }

    fn store_page(
        &self,
        document: NewDocument<'_>,
        key: &FrontierKey,
        url: &str,
        state: &UrlState,
        aliases: &[String],
        links: &[NewEntry],
    ) -> Result<(PutOutcome, Vec<String>, bool), StoreError> {
        let prepared = self.prepare_put(&document)?;
        let seen = document.source.seen_at;
        self.txn(|t| {
            let outcome = self.put_in(t, &prepared)?.ok_or_else(lost_race)?;
            let mut c = completion(key, url, state, aliases, links);
            let new_version = c.state.record_version(prepared.hash(), seen);
            let hosts = complete_in(t, &c)?;
            Ok((outcome, hosts, new_version))
        })
        .inspect(|_| {
            super::lock(&self.held).entries.remove(&id_of(key));
        })
    }

    fn url_state(&self, url: &str) -> Result<Option<UrlState>, StoreError> {
        let row = self
            .conn()?
            .query_opt("SELECT state FROM urls WHERE url = $1", &[&url])
            .map_err(backend_error)?;
        row.map(|r| decode(&format!("urls/{url}"), r.get(0)))
            .transpose()
    }

    fn url_states(&self) -> Box<dyn Iterator<Item = Result<(String, UrlState), StoreError>> + '_> {
        let rows = self.conn().and_then(|mut c| {
            c.query("SELECT url, state FROM urls ORDER BY url", &[])
                .map_err(backend_error)
        });
        match rows {
            Ok(rows) => Box::new(rows.into_iter().map(|r| {
                let url: String = r.get(0);
                let state = decode(&format!("urls/{url}"), r.get(1))?;
                Ok((url, state))
            })),
            Err(e) => Box::new(std::iter::once(Err(e))),
        }
    }

    fn start_run(&self, started: DateTime<Utc>) -> Result<u64, StoreError> {
        self.start_coordinator_run(started)
    }

    fn start_worker_run(&self, started: DateTime<Utc>) -> Result<RunRecord, StoreError> {
        self.start_worker_run_at(started)
    }

    fn save_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        self.save_run_record(run)
    }

    fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.run_records()
    }

    fn fleet(&self) -> Result<Option<Fleet>, StoreError> {
        self.fleet_now().map(Some)
    }

    fn unpark(&self, urls: Option<&[String]>) -> Result<u64, StoreError> {
        let targets: Vec<String> = match urls {
            Some(list) => list.to_vec(),
            None => self
                .parked()
                .map(|item| item.map(|(url, _)| url))
                .collect::<Result<_, _>>()?,
        };
        let mut n: u64 = 0;
        for url in targets {
            let unparked = self.txn(|t| {
                let Some(row) = t
                    .query_opt("SELECT state FROM urls WHERE url = $1 FOR UPDATE", &[&url])
                    .map_err(backend_error)?
                else {
                    return Ok(false);
                };
                let mut state: UrlState = decode(&format!("urls/{url}"), row.get(0))?;
                if !state.is_parked() {
                    return Ok(false);
                }
                state.status = UrlStatus::Failed {
                    class: "parked".into(),
                    message: "unparked by the user".into(),
                };
                state.failures = 0;
                upsert_state(t, &url, &state)?;
                Ok(true)
            })?;
            n = n.saturating_add(u64::from(unparked));
        }
        Ok(n)
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn lock_coordinator(&self) -> Result<(), StoreError> {
        self.coordinator_lock()
    }

    fn reserve_turn(
        &self,
        host: &str,
        delay: Duration,
        concurrency: usize,
    ) -> Result<Option<Turn>, StoreError> {
        self.turn(host, delay, concurrency).map(Some)
    }

    fn release_slot(&self, host: &str, slot: i32) -> Result<(), StoreError> {
        self.release_slot_of(host, slot)
    }

    fn hold_host(&self, host: &str, hold: Duration) -> Result<(), StoreError> {
        self.hold(host, hold)
    }

    fn claim_robots(&self, host: &str) -> Result<RobotsClaim, StoreError> {
        self.claim_robots_of(host)
    }

    fn save_robots(
        &self,
        host: &str,
        answer: &RobotsAnswer,
        delay: Duration,
    ) -> Result<(), StoreError> {
        self.save_robots_of(host, answer, delay)
    }
}
