//! Run records in a shared database: the coordinator's runs and every worker's, side by
//! side. A worker holds an advisory lock named after its run for as long as it lives
//! (its connection holds it; PostgreSQL lets go when the process dies), so a
//! coordinator starting tells a dead worker's run, interrupted, from a live one's, still
//! running, with no heartbeat and no clock.

use super::docs::to_i64;
use super::{backend_error, lock, PgStore};
use crate::store::crawl::{
    decode_json as decode, encode_json as encode, Fleet, RunRecord, RunStatus,
};
use crate::store::StoreError;
use chrono::{DateTime, Utc};

/// Serialises run starts (new ids, runs marked interrupted): "gleanrun" in ASCII.
const RUNS_LOCK: i64 = 0x676c_6561_6e72_756e;
/// The class of the two-key advisory locks that keep workers' runs: "gl".
const WORKER_RUN_LOCKS: i32 = 0x676c;

/// How long a lock's connection may take to answer before it counts as lost.
const LOCK_CHECK: std::time::Duration = std::time::Duration::from_secs(10);

/// The lock key of worker run `id`.
fn run_key(id: u64) -> Result<i32, StoreError> {
    i32::try_from(id).map_err(|_| StoreError::Corrupt {
        key: format!("runs/{id}"),
        reason: "a run id past 2^31 cannot name a worker's lock".into(),
    })
}

impl PgStore {
    /// A coordinator's run: runs left running by a coordinator (none is alive: it holds
    /// the coordinator lock) or by a worker that no longer holds its run's lock become
    /// interrupted; the new run takes the next id.
    pub(super) fn start_coordinator_run(&self, started: DateTime<Utc>) -> Result<u64, StoreError> {
        self.txn(|t| {
            t.execute("SELECT pg_advisory_xact_lock($1)", &[&RUNS_LOCK])
                .map_err(backend_error)?;
            let live: Vec<i64> = t
                .query(
                    "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted \
                     AND objsubid = 2 AND classid::bigint = $1 AND database = (SELECT oid FROM \
                     pg_database WHERE datname = current_database())",
                    &[&i64::from(WORKER_RUN_LOCKS)],
                )
                .map_err(backend_error)?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let running = t
                .query("SELECT id, record FROM runs WHERE running", &[])
                .map_err(backend_error)?;
            for row in running {
                let id: i64 = row.get(0);
                let mut run: RunRecord = decode(&format!("runs/{id}"), row.get(1))?;
                if run.worker.is_some() && live.contains(&id) {
                    continue;
                }
                run.status = RunStatus::Interrupted;
                t.execute(
                    "UPDATE runs SET record = $2, running = false WHERE id = $1",
                    &[&id, &encode(&run)],
                )
                .map_err(backend_error)?;
            }
            let id = next_id(t)?;
            insert(t, &RunRecord::running(id, started, None))?;
            Ok(id)
        })
    }

    /// A worker's run, under its lock until this store is dropped (or the process dies).
    pub(super) fn start_worker_run_at(
        &self,
        started: DateTime<Utc>,
    ) -> Result<RunRecord, StoreError> {
        let mut holder = self
            .conn()?
            .detach()
            .ok_or_else(|| StoreError::Backend("no connection for the run's lock".into()))?;
        let run = self.txn(|t| {
            // A retried transaction may give another id: nothing of a try before it is
            // kept, its lock included.
            holder
                .client
                .execute("SELECT pg_advisory_unlock_all()", &[])
                .map_err(backend_error)?;
            t.execute("SELECT pg_advisory_xact_lock($1)", &[&RUNS_LOCK])
                .map_err(backend_error)?;
            let id = next_id(t)?;
            let run = RunRecord::running(id, started, Some(self.worker.clone()));
            insert(t, &run)?;
            // Locked before the record commits: no coordinator sees the run unlocked.
            holder
                .client
                .execute(
                    "SELECT pg_advisory_lock($1, $2)",
                    &[&WORKER_RUN_LOCKS, &run_key(id)?],
                )
                .map_err(backend_error)?;
            Ok(run)
        })?;
        *lock(&self.worker_run) = Some((holder.client, run_key(run.id)?));
        Ok(run)
    }

    /// Takes back the locks this process held on a connection the database lost (a
    /// restart, a failover): the coordinator's and its worker run's. One the database
    /// does not give back (another coordinator took it, or the server has not yet let
    /// go of the old session's) is asked for again at the next call. Called with every
    /// lease renewal.
    pub(super) fn keep_locks(&self) -> Result<(), StoreError> {
        let lost = lock(&self.coordinator)
            .as_mut()
            .is_some_and(|c| c.is_valid(LOCK_CHECK).is_err());
        if lost {
            match self.try_lock(
                "SELECT pg_try_advisory_lock($1)",
                &[&super::COORDINATOR_LOCK],
            )? {
                Some(client) => {
                    tracing::warn!("the database lost this coordinator's lock; taken back");
                    *lock(&self.coordinator) = Some(client);
                }
                None => tracing::warn!(
                    "the database lost this coordinator's lock and does not give it back \
                     yet: another gleaner run may coordinate now"
                ),
            }
        }
        let lost = lock(&self.worker_run)
            .as_mut()
            .and_then(|(c, key)| c.is_valid(LOCK_CHECK).is_err().then_some(*key));
        if let Some(key) = lost {
            let sql = "SELECT pg_try_advisory_lock($1, $2)";
            if let Some(client) = self.try_lock(sql, &[&WORKER_RUN_LOCKS, &key])? {
                tracing::warn!("the database lost this worker's run lock; taken back");
                *lock(&self.worker_run) = Some((client, key));
            }
        }
        Ok(())
    }

    /// A new connection holding the lock `sql` tries for, or None if it is held.
    fn try_lock(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<Option<postgres::Client>, StoreError> {
        let mut client = self.pool.connect()?;
        let got: bool = client.query_one(sql, params).map_err(backend_error)?.get(0);
        Ok(got.then_some(client))
    }

    /// The fleet as the database sees it: the frontier, requests in flight, hosts held
    /// back, and who holds the coordinator's and workers' locks.
    pub(super) fn fleet_now(&self) -> Result<Fleet, StoreError> {
        let mut conn = self.conn()?;
        let frontier = conn
            .query_one(
                "SELECT count(*) FILTER (WHERE leased_by IS NULL OR lease_until IS NULL), \
                 count(*) FILTER (WHERE leased_by IS NOT NULL AND lease_until IS NOT NULL), \
                 count(*) FILTER (WHERE leased_by IS NOT NULL AND lease_until < now()) FROM \
                 frontier",
                &[],
            )
            .map_err(backend_error)?;
        let hosts = conn
            .query_one(
                "SELECT (SELECT count(*) FROM host_slots WHERE until > clock_timestamp()), \
                 (SELECT count(*) FROM hosts WHERE hold_until > clock_timestamp())",
                &[],
            )
            .map_err(backend_error)?;
        // Advisory locks held in this database: the coordinator's (one bigint key) and
        // each live worker's run (two keys, the second its run id).
        let coordinator: bool = conn
            .query_one(
                "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND granted AND \
                 objsubid = 1 AND (classid::bigint << 32 | objid::bigint) = $1 AND database = \
                 (SELECT oid FROM pg_database WHERE datname = current_database())",
                &[&super::COORDINATOR_LOCK],
            )
            .map_err(backend_error)?
            .get(0);
        let workers = conn
            .query(
                "SELECT worker FROM runs WHERE running AND worker IS NOT NULL AND id IN (SELECT \
                 objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted AND \
                 objsubid = 2 AND classid::bigint = $1 AND database = (SELECT oid FROM \
                 pg_database WHERE datname = current_database())) ORDER BY id",
                &[&i64::from(WORKER_RUN_LOCKS)],
            )
            .map_err(backend_error)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let n = |row: &postgres::Row, i: usize| u64::try_from(row.get::<_, i64>(i)).unwrap_or(0);
        Ok(Fleet {
            waiting: n(&frontier, 0),
            leased: n(&frontier, 1),
            lapsed: n(&frontier, 2),
            in_flight: n(&hosts, 0),
            hosts_held: n(&hosts, 1),
            coordinator,
            workers,
        })
    }

    pub(super) fn save_run_record(&self, run: &RunRecord) -> Result<(), StoreError> {
        self.conn()?
            .execute(
                "INSERT INTO runs (id, record, running, worker) VALUES ($1, $2, $3, $4) ON \
                 CONFLICT (id) DO UPDATE SET record = excluded.record, running = \
                 excluded.running, worker = excluded.worker",
                &[
                    &to_i64(run.id),
                    &encode(run),
                    &(run.status == RunStatus::Running),
                    &run.worker,
                ],
            )
            .map_err(backend_error)?;
        Ok(())
    }

    pub(super) fn run_records(&self) -> Result<Vec<RunRecord>, StoreError> {
        let rows = self
            .conn()?
            .query("SELECT record FROM runs ORDER BY id", &[])
            .map_err(backend_error)?;
        rows.iter().map(|r| decode("runs", r.get(0))).collect()
    }
}

fn next_id(t: &mut super::session::Tx<'_>) -> Result<u64, StoreError> {
    let last: i64 = t
        .query_one("SELECT coalesce(max(id), 0) FROM runs", &[])
        .map_err(backend_error)?
        .get(0);
    u64::try_from(last)
        .ok()
        .and_then(|l| l.checked_add(1))
        .ok_or_else(|| StoreError::Corrupt {
            key: "runs".into(),
            reason: format!("run id {last} is the last there is"),
        })
}

fn insert(t: &mut super::session::Tx<'_>, run: &RunRecord) -> Result<(), StoreError> {
    t.execute(
        "INSERT INTO runs (id, record, running, worker) VALUES ($1, $2, true, $3)",
        &[&to_i64(run.id), &encode(run), &run.worker],
    )
    .map_err(backend_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::crawl::CrawlStore;
    use crate::store::pg::testing::fresh_database;
    use std::time::{Duration, Instant};

    /// Waits (bounded) until no other session holds an advisory lock in `url`'s
    /// database (only worker run `run`'s lock, if given): the server lets go of a closed
    /// connection's locks as its backend exits.
    fn locks_released(url: &str, run: Option<i64>) {
        let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
        let start = Instant::now();
        loop {
            let held: i64 = admin
                .query_one(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid <> \
                     pg_backend_pid() AND database = (SELECT oid FROM pg_database WHERE \
                     datname = current_database()) AND ($1::bigint IS NULL OR (objsubid = 2 \
                     AND classid::bigint = $2 AND objid::bigint = $1))",
                    &[&run, &i64::from(WORKER_RUN_LOCKS)],
                )
                .unwrap()
                .get(0);
            if held == 0 {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "locks outlived their connections"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn statuses(store: &PgStore) -> Vec<(u64, RunStatus, bool)> {
        let runs = store.runs().unwrap();
        runs.iter()
            .map(|r| (r.id, r.status, r.worker.is_some()))
            .collect()
    }

    /// A worker's run stays running while the worker lives, whatever coordinators
    /// start; the first coordinator after its death marks it interrupted.
    #[test]
    fn a_workers_run_is_interrupted_only_once_the_worker_is_gone() {
        let Some(url) = fresh_database("worker_runs") else {
            return;
        };
        let now = Utc::now();
        let worker = PgStore::connect(&url, None).unwrap();
        let run = worker.start_worker_run(now).unwrap();
        assert_eq!((run.id, run.status), (1, RunStatus::Running));
        assert!(run
            .worker
            .as_deref()
            .unwrap()
            .ends_with(&format!(":{}", std::process::id())));
        let coordinator = PgStore::connect(&url, None).unwrap();
        let fleet = coordinator.fleet().unwrap().unwrap();
        assert_eq!(fleet.workers, [run.worker.clone().unwrap()]);
        assert!(!fleet.coordinator);
        coordinator.lock_coordinator().unwrap();
        assert!(coordinator.fleet().unwrap().unwrap().coordinator);
        assert_eq!(coordinator.start_run(now).unwrap(), 2);
        assert_eq!(
            statuses(&coordinator),
            [
                (1, RunStatus::Running, true),
                (2, RunStatus::Running, false)
            ]
        );
        // A second worker's run, finished and saved: no longer running.
        let other = PgStore::connect(&url, None).unwrap();
        let mut done = other.start_worker_run(now).unwrap();
        done.status = RunStatus::Finished;
        other.save_run(&done).unwrap();
        drop(worker);
        locks_released(&url, Some(1));
        assert!(coordinator.fleet().unwrap().unwrap().workers.is_empty());
        assert_eq!(coordinator.start_run(now).unwrap(), 4);
        assert_eq!(
            statuses(&coordinator),
            [
                (1, RunStatus::Interrupted, true),
                (2, RunStatus::Interrupted, false),
                (3, RunStatus::Finished, true),
                (4, RunStatus::Running, false),
            ]
        );
    }

    /// A process whose connections the server cut (a restart) takes its coordinator's
    /// and worker run's locks back at its next lease renewal: a second coordinator is
    /// refused again, and the worker counts as alive.
    #[test]
    fn locks_lost_with_their_connections_are_taken_back() {
        let Some(url) = fresh_database("locks_back") else {
            return;
        };
        let store = PgStore::connect(&url, None).unwrap();
        store.lock_coordinator().unwrap();
        let run = store.start_worker_run(Utc::now()).unwrap();
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        admin
            .execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = \
                 current_database() AND pid <> pg_backend_pid()",
                &[],
            )
            .unwrap();
        locks_released(&url, None);
        store.renew_leases().unwrap();
        let fleet = store.fleet().unwrap().unwrap();
        assert!(fleet.coordinator);
        assert_eq!(fleet.workers, [run.worker.unwrap()]);
        let other = PgStore::connect(&url, None).unwrap();
        assert!(matches!(
            other.lock_coordinator(),
            Err(StoreError::Locked { .. })
        ));
    }
}
