//! The database schema, as numbered migrations. `gleaner store migrate` applies those a
//! database lacks, each in its own transaction, under an advisory lock so that two
//! processes migrating at once apply each step once. A gleaner opening a database with
//! a newer schema than it knows refuses it rather than misread it.

use super::{backend_error, PgStore};
use crate::store::StoreError;
use postgres::GenericClient;

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: i32 = 2;

/// Migration `n` (from 1) brings the schema from version `n - 1` to `n`.
const MIGRATIONS: &[&str] = &[
    // 1: documents, raw pages, the near-duplicate index, and the crawl's state.
    r#"
    CREATE TABLE documents (
        hash        text PRIMARY KEY,
        seq         bigint NOT NULL UNIQUE,
        host        text,
        first_seen  timestamptz NOT NULL,
        last_seen   timestamptz NOT NULL,
        sources     integer NOT NULL,
        text_bytes  bigint NOT NULL,
        -- The document record, JSON: the same record the sled backend keeps.
        record      bytea NOT NULL
    );
    CREATE INDEX documents_by_host ON documents (host, seq);
    CREATE INDEX documents_by_last_seen ON documents (last_seen);
    -- Sequence numbers are unique and increasing; a transaction that loses a race on
    -- the same text leaves a gap.
    CREATE SEQUENCE document_seq AS bigint MINVALUE 0 START WITH 0;
    CREATE TABLE raws (
        hash   text PRIMARY KEY,
        bytes  bytea NOT NULL  -- zstd
    );
    CREATE TABLE near_sigs (
        seq   bigint PRIMARY KEY,
        hash  text NOT NULL,
        sig   bytea NOT NULL
    );
    CREATE TABLE near_bands (
        band  smallint NOT NULL,
        key   bigint NOT NULL,
        seq   bigint NOT NULL,
        PRIMARY KEY (band, key, seq)
    );
    CREATE TABLE urls (
        url    text PRIMARY KEY,
        state  bytea NOT NULL  -- UrlState, JSON
    );
    CREATE TABLE frontier (
        id           bigserial PRIMARY KEY,
        url          text NOT NULL,
        host         text NOT NULL,
        -- hash(host) mod 1024: where a claim starts scanning, spread over hosts.
        bucket       integer NOT NULL,
        site         text NOT NULL,
        entry        bytea NOT NULL,  -- FrontierEntry, JSON
        lease_until  timestamptz,
        leased_by    text
    );
    CREATE INDEX frontier_by_host ON frontier (host, id);
    -- What one worker holds of a host: its leases are extended while it waits for the
    -- host's turn, without scanning the host's whole queue.
    CREATE INDEX frontier_by_lessee ON frontier (leased_by, host) WHERE leased_by IS NOT NULL;
    CREATE TABLE sites (
        name   text PRIMARY KEY,
        epoch  bigint NOT NULL
    );
    CREATE TABLE runs (
        id      bigint PRIMARY KEY,
        record  bytea NOT NULL  -- RunRecord, JSON
    );
    -- Per-host politeness shared by every worker.
    CREATE TABLE hosts (
        host                text PRIMARY KEY,
        -- When the next request may start, and the delay between requests.
        next_fetch          timestamptz NOT NULL DEFAULT now(),
        last_fetch          timestamptz,
        delay_ms            bigint NOT NULL DEFAULT 0,
        -- No request before this (a Retry-After).
        hold_until          timestamptz,
        -- robots.txt as one worker fetched it: allow, disallow or rules (with body).
        robots_kind         text,
        robots              bytea,
        robots_until        timestamptz,
        robots_claim_until  timestamptz
    );
    "#,
    // 2: requests in flight to a host, every worker's together. A host has its
    // `concurrency` slots; a request holds one until it ends, renewed with the worker's
    // leases, so that a dead worker's slots lapse with its URLs.
    r#"
    CREATE TABLE host_slots (
        host     text NOT NULL,
        slot     integer NOT NULL,
        held_by  text,
        until    timestamptz,
        PRIMARY KEY (host, slot)
    );
    CREATE INDEX host_slots_by_holder ON host_slots (held_by) WHERE held_by IS NOT NULL;
    -- Workers' runs beside coordinators': which runs are still running (a coordinator
    -- starting looks only at those), and whose.
    ALTER TABLE runs ADD COLUMN running boolean NOT NULL DEFAULT false;
    ALTER TABLE runs ADD COLUMN worker text;
    UPDATE runs SET running = true
        WHERE convert_from(record, 'UTF8')::jsonb ->> 'status' = 'running';
    CREATE INDEX runs_running ON runs (id) WHERE running;
    -- A request's turn at a host, in one round trip: under the host's row lock, the
    -- first request slot no live request holds (none: slot NULL, come back later),
    -- then the turn, when the host's pace allows (its delay after the last request,
    -- whoever made it) and no Retry-After holds it. Each statement sees what the ones
    -- before it committed, the lock taken first: two workers never get one slot.
    CREATE FUNCTION gleaner_turn(p_host text, p_delay_ms bigint, p_slots integer,
                                 p_worker text, p_lease_ms bigint,
                                 OUT o_slot integer, OUT o_wait_ms bigint)
    LANGUAGE plpgsql AS $fn$
    DECLARE
        d bigint;
        start timestamptz;
    BEGIN
        INSERT INTO hosts (host) VALUES (p_host) ON CONFLICT DO NOTHING;
        SELECT GREATEST(h.delay_ms, p_delay_ms),
               GREATEST(h.next_fetch, clock_timestamp(),
                        coalesce(h.hold_until, clock_timestamp()),
                        coalesce(h.last_fetch + GREATEST(h.delay_ms, p_delay_ms)
                                 * interval '1 millisecond', clock_timestamp()))
          INTO d, start
          FROM hosts h WHERE h.host = p_host FOR UPDATE;
        SELECT s INTO o_slot FROM generate_series(0, p_slots - 1) s
         WHERE NOT EXISTS (SELECT 1 FROM host_slots hs WHERE hs.host = p_host
                           AND hs.slot = s AND hs.until > clock_timestamp())
         LIMIT 1;
        IF o_slot IS NULL THEN
            o_wait_ms := 0;
            RETURN;
        END IF;
        INSERT INTO host_slots AS hs (host, slot, held_by, until)
             VALUES (p_host, o_slot, p_worker,
                     clock_timestamp() + p_lease_ms * interval '1 millisecond')
        ON CONFLICT (host, slot) DO UPDATE SET held_by = excluded.held_by,
                                               until = excluded.until;
        UPDATE hosts h SET delay_ms = d, last_fetch = start,
               next_fetch = start + d * interval '1 millisecond'
         WHERE h.host = p_host;
        o_wait_ms := GREATEST(0, ceil(extract(epoch FROM start - clock_timestamp()) * 1000));
    END
    $fn$;
    "#,
];

/// What [`migrate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migrated {
    pub from: i32,
    pub to: i32,
}

/// The advisory lock taken while migrating.
const MIGRATE_LOCK: i64 = 0x0067_6c65_616e_656d;

/// Applies the migrations the database lacks. Refuses a database whose schema is newer
/// than this build's.
pub fn migrate(url: &str, password: Option<&str>) -> Result<Migrated, StoreError> {
    let store = PgStore::connect_unchecked(url, password)?;
    let mut session = store.conn()?;
    let conn = &mut session.client;
    conn.execute("SELECT pg_advisory_lock($1)", &[&MIGRATE_LOCK])
        .map_err(backend_error)?;
    let result = (|| {
        conn.batch_execute(
            "CREATE TABLE IF NOT EXISTS gleaner_schema (
                 id       boolean PRIMARY KEY DEFAULT true CHECK (id),
                 version  integer NOT NULL
             );
             INSERT INTO gleaner_schema (version) VALUES (0) ON CONFLICT DO NOTHING;",
        )
        .map_err(backend_error)?;
        let from = version(conn)?.unwrap_or(0);
        refuse_newer(from, store.shown())?;
        for (n, sql) in (1..).zip(MIGRATIONS.iter()) {
            if n <= from {
                continue;
            }
            let mut t = conn.transaction().map_err(backend_error)?;
            t.batch_execute(sql).map_err(backend_error)?;
            t.execute("UPDATE gleaner_schema SET version = $1", &[&n])
                .map_err(backend_error)?;
            t.commit().map_err(backend_error)?;
        }
        Ok(Migrated {
            from,
            to: SCHEMA_VERSION.max(from),
        })
    })();
    conn.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATE_LOCK])
        .map_err(backend_error)?;
    result
}

/// The database's schema version; None when gleaner never migrated it.
fn version(client: &mut impl GenericClient) -> Result<Option<i32>, StoreError> {
    let exists: bool = client
        .query_one("SELECT to_regclass('gleaner_schema') IS NOT NULL", &[])
        .map_err(backend_error)?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let row = client
        .query_opt("SELECT version FROM gleaner_schema", &[])
        .map_err(backend_error)?;
    Ok(row.map(|r| r.get(0)))
}

fn refuse_newer(found: i32, shown: &str) -> Result<(), StoreError> {
    if found > SCHEMA_VERSION {
        return Err(StoreError::UnsupportedSchema {
            key: format!("{shown} (gleaner_schema)"),
            found: u64::try_from(found).unwrap_or(0),
            supported: u64::try_from(SCHEMA_VERSION).unwrap_or(0),
        });
    }
    Ok(())
}

/// Refuses a database this build cannot use: a newer schema, or one not migrated yet.
pub(super) fn check(client: &mut impl GenericClient, shown: &str) -> Result<(), StoreError> {
    let found = version(client)?.unwrap_or(0);
    refuse_newer(found, shown)?;
    if found < SCHEMA_VERSION {
        return Err(StoreError::Open {
            path: shown.into(),
            source: format!(
                "the database's schema is version {found}, this gleaner needs version \
                 {SCHEMA_VERSION}: run `gleaner store migrate` first"
            )
            .into(),
        });
    }
    Ok(())
}
