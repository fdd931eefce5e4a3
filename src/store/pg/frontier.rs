//! Frontier work inside a transaction, shared by the crawl state's calls: queueing
//! discovered URLs once per epoch, and completing a visit.

use super::backend_error;
use super::session::Tx;
use crate::store::crawl::{
    decode_json as decode, encode_json as encode, Completion, FrontierKey, NewEntry, UrlState,
};
use crate::store::StoreError;
use std::collections::{BTreeMap, BTreeSet};

/// Entries of one host a worker claims at once (it visits them a few at a time).
pub(super) const CLAIM_BATCH: i64 = 4;
/// Hosts spread over this many buckets.
pub(super) const BUCKETS: u64 = 1024;

pub(super) fn key_of(id: i64) -> FrontierKey {
    FrontierKey(id.to_be_bytes().to_vec())
}

pub(super) fn id_of(key: &FrontierKey) -> i64 {
    key.0
        .as_slice()
        .try_into()
        .map(i64::from_be_bytes)
        .unwrap_or(-1)
}

pub(super) fn bucket(host: &str) -> i32 {
    let digest = blake3::hash(host.as_bytes());
    let h = digest
        .as_bytes()
        .first_chunk::<8>()
        .map_or(0, |b| u64::from_le_bytes(*b));
    i32::try_from(h % BUCKETS).unwrap_or(0)
}

/// Inside a transaction: queues each entry whose URL is not queued yet in `epoch` (nor
/// parked, nor known not to be a page). Returns the hosts that got entries.
pub(super) fn enqueue_in(
    t: &mut Tx<'_>,
    epoch: u64,
    entries: &[NewEntry],
    hosts: &mut BTreeSet<String>,
) -> Result<(), StoreError> {
    // One entry per URL, in URL order: rows are locked in the same order by every
    // worker, so that two of them queueing overlapping links can't deadlock.
    let mut by_url: BTreeMap<&str, &NewEntry> = BTreeMap::new();
    for e in entries {
        by_url.entry(e.entry.url.as_str()).or_insert(e);
    }
    if by_url.is_empty() {
        return Ok(());
    }
    let urls: Vec<&str> = by_url.keys().copied().collect();
    let states: Vec<Vec<u8>> = by_url
        .values()
        .map(|e| encode(&UrlState::queued(&e.entry.site, epoch, e.entry.depth)))
        .collect();
    let inserted: BTreeSet<String> = t
        .query(
            "INSERT INTO urls (url, state) SELECT * FROM unnest($1::text[], $2::bytea[]) \
             ON CONFLICT (url) DO NOTHING RETURNING url",
            &[&urls, &states],
        )
        .map_err(backend_error)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let known: Vec<&str> = urls
        .iter()
        .copied()
        .filter(|u| !inserted.contains(*u))
        .collect();
    let mut queue: Vec<&NewEntry> = inserted
        .iter()
        .filter_map(|u| by_url.get(u.as_str()).copied())
        .collect();
    if !known.is_empty() {
        let rows = t
            .query(
                "SELECT url, state FROM urls WHERE url = ANY($1) ORDER BY url FOR UPDATE",
                &[&known],
            )
            .map_err(backend_error)?;
        let (mut up_urls, mut up_states) = (Vec::new(), Vec::new());
        for row in rows {
            let url: String = row.get(0);
            let Some(new) = by_url.get(url.as_str()).copied() else {
                continue;
            };
            let mut s: UrlState = decode(&format!("urls/{url}"), row.get(1))?;
            let e = &new.entry;
            if s.is_parked() || s.not_a_page.is_some() || (s.site == e.site && s.epoch == epoch) {
                continue;
            }
            s.site.clone_from(&e.site);
            s.epoch = epoch;
            s.depth = e.depth;
            up_urls.push(url);
            up_states.push(encode(&s));
            queue.push(new);
        }
        if !up_urls.is_empty() {
            t.execute(
                "UPDATE urls SET state = u.state FROM unnest($1::text[], $2::bytea[]) AS \
                 u(url, state) WHERE urls.url = u.url",
                &[&up_urls, &up_states],
            )
            .map_err(backend_error)?;
        }
    }
    if queue.is_empty() {
        return Ok(());
    }
    // In the order the links came, so that each host's queue stays breadth first.
    let order: BTreeMap<&str, usize> = entries
        .iter()
        .enumerate()
        .rev()
        .map(|(i, e)| (e.entry.url.as_str(), i))
        .collect();
    queue.sort_by_key(|e| order.get(e.entry.url.as_str()).copied().unwrap_or(0));
    let urls: Vec<&str> = queue.iter().map(|e| e.entry.url.as_str()).collect();
    let host_names: Vec<&str> = queue.iter().map(|e| e.host.as_str()).collect();
    let buckets: Vec<i32> = queue.iter().map(|e| bucket(&e.host)).collect();
    let sites: Vec<&str> = queue.iter().map(|e| e.entry.site.as_str()).collect();
    let bodies: Vec<Vec<u8>> = queue.iter().map(|e| encode(&e.entry)).collect();
    t.execute(
        "INSERT INTO frontier (url, host, bucket, site, entry) SELECT url, host, bucket, \
         site, entry FROM \
         unnest($1::text[], $2::text[], $3::integer[], $4::text[], $5::bytea[]) \
         WITH ORDINALITY AS q(url, host, bucket, site, entry, n) ORDER BY n",
        &[&urls, &host_names, &buckets, &sites, &bodies],
    )
    .map_err(backend_error)?;
    hosts.extend(queue.iter().map(|e| e.host.clone()));
    Ok(())
}

/// Inside a transaction: a visit's completion (see [`CrawlStore::complete`]).
pub(super) fn complete_in(t: &mut Tx<'_>, c: &Completion) -> Result<Vec<String>, StoreError> {
    t.execute("DELETE FROM frontier WHERE id = $1", &[&id_of(&c.key)])
        .map_err(backend_error)?;
    upsert_state(t, &c.url, &c.state)?;
    let mut aliases: Vec<&String> = c.aliases.iter().filter(|a| **a != c.url).collect();
    aliases.sort();
    aliases.dedup();
    for alias in aliases {
        let row = t
            .query_opt("SELECT state FROM urls WHERE url = $1 FOR UPDATE", &[alias])
            .map_err(backend_error)?;
        let known: Option<UrlState> = row
            .map(|row| decode(&format!("urls/{alias}"), row.get(0)))
            .transpose()?;
        let marked = UrlState::alias(known, &c.url, &c.state);
        upsert_state(t, alias, &marked)?;
    }
    let mut hosts = BTreeSet::new();
    enqueue_in(t, c.state.epoch, &c.links, &mut hosts)?;
    Ok(hosts.into_iter().collect())
}

pub(super) fn upsert_state(t: &mut Tx<'_>, url: &str, state: &UrlState) -> Result<(), StoreError> {
    t.execute(
        "INSERT INTO urls (url, state) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE SET \
         state = excluded.state",
        &[&url, &encode(state)],
    )
    .map_err(backend_error)?;
    Ok(())
}

pub(super) fn completion(
    key: &FrontierKey,
    url: &str,
    state: &UrlState,
    aliases: &[String],
    links: &[NewEntry],
) -> Completion {
    Completion {
        key: key.clone(),
        url: url.to_string(),
        state: state.clone(),
        aliases: aliases.to_vec(),
        links: links.to_vec(),
    }
}
