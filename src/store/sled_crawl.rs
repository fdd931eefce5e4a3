//! The sled backend's crawl state; the layout is in [`crate::store::crawl`].

use super::crawl::{
    CrawlStore, FrontierEntry, FrontierKey, NewEntry, RunRecord, SiteStart, UrlState, UrlStatus,
};
use super::sled::{put_in, Abort, PreparedPut, PutTrees, PUT_TREES};
use super::{NewDocument, PutOutcome, SledStore, StoreError};
use chrono::{DateTime, Utc};
use sled::transaction::TransactionalTree;
use sled::Transactional;
use std::collections::{BTreeMap, BTreeSet};

use super::crawl::{decode_json as decode, encode_json as encode};

fn frontier_key(host: &str, id: u64) -> Vec<u8> {
    let mut key = Vec::with_capacity(host.len().saturating_add(9));
    key.extend_from_slice(host.as_bytes());
    key.push(0);
    key.extend_from_slice(&id.to_be_bytes());
    key
}

fn host_of(key: &[u8]) -> &[u8] {
    key.split(|&b| b == 0).next().unwrap_or(key)
}

/// Inside a transaction: queue each entry whose URL is not yet queued in this epoch.
/// `ids` holds one pre-drawn id per entry (sled hands out ids outside transactions).
fn enqueue_in(
    urls: &TransactionalTree,
    frontier: &TransactionalTree,
    epoch: u64,
    entries: &[NewEntry],
    ids: &[u64],
    hosts: &mut BTreeSet<String>,
) -> Result<(), Abort> {
    for (new, &id) in entries.iter().zip(ids) {
        let e = &new.entry;
        let state = match urls.get(e.url.as_bytes())? {
            Some(bytes) => {
                let mut s: UrlState =
                    decode(&format!("urls/{}", e.url), &bytes).map_err(Abort::Abort)?;
                // Parked until a user says otherwise; a known image or archive is not
                // worth a request; and a URL is queued once per epoch.
                if s.is_parked() || s.not_a_page.is_some() || (s.site == e.site && s.epoch == epoch)
                {
                    continue;
                }
                s.site.clone_from(&e.site);
                s.epoch = epoch;
                s.depth = e.depth;
                s
            }
            None => UrlState::queued(&e.site, epoch, e.depth),
        };
        urls.insert(e.url.as_bytes(), encode(&state))?;
        frontier.insert(frontier_key(&new.host, id), encode(e))?;
        hosts.insert(new.host.clone());
    }
    Ok(())
}

/// Everything [`CrawlStore::complete`] records.
struct Completion<'a> {
    key: &'a FrontierKey,
    url: &'a str,
    state: &'a UrlState,
    aliases: &'a [String],
    links: &'a [NewEntry],
    ids: &'a [u64],
}

/// Inside a transaction: the visited URL's state, its aliases marked visited, its entry
/// removed, its links queued.
fn complete_in(
    urls: &TransactionalTree,
    frontier: &TransactionalTree,
    c: &Completion<'_>,
) -> Result<BTreeSet<String>, Abort> {
    let epoch = c.state.epoch;
    frontier.remove(c.key.0.as_slice())?;
    urls.insert(c.url.as_bytes(), encode(c.state))?;
    for alias in c.aliases.iter().filter(|a| a.as_str() != c.url) {
        let known: Option<UrlState> = urls
            .get(alias.as_bytes())?
            .map(|bytes| decode(&format!("urls/{alias}"), &bytes).map_err(Abort::Abort))
            .transpose()?;
        let marked = UrlState::alias(known, c.url, c.state);
        urls.insert(alias.as_bytes(), encode(&marked))?;
    }
    let mut hosts = BTreeSet::new();
    enqueue_in(urls, frontier, epoch, c.links, c.ids, &mut hosts)?;
    Ok(hosts)
}

impl SledStore {
    /// One transaction: the optional put, then the completion of the entry `key`.
    fn commit(
        &self,
        put: Option<&PreparedPut>,
        key: &FrontierKey,
        url: &str,
        state: &UrlState,
        aliases: &[String],
        links: &[NewEntry],
    ) -> Result<(Option<PutOutcome>, Vec<String>), StoreError> {
        let ids = self.draw_ids(links.len())?;
        let done = Completion {
            key,
            url,
            state,
            aliases,
            links,
            ids: &ids,
        };
        let mut trees: Vec<&sled::Tree> = self.put_trees().to_vec();
        trees.extend([&self.urls, &self.frontier]);
        // The transaction hands back the trees in the order given: the put's, then
        // `urls` and `frontier`.
        #[allow(clippy::indexing_slicing)]
        let (outcome, hosts) = trees[..].transaction(|t| {
            let outcome = put.map(|p| put_in(&PutTrees::of(t), p)).transpose()?;
            Ok((
                outcome,
                complete_in(&t[PUT_TREES], &t[PUT_TREES + 1], &done)?,
            ))
        })?;
        Ok((outcome, hosts.into_iter().collect()))
    }

    fn draw_ids(&self, n: usize) -> Result<Vec<u64>, StoreError> {
        (0..n).map(|_| Ok(self.db.generate_id()?)).collect()
    }
}

impl CrawlStore for SledStore {
    fn begin_site(&self, site: &str) -> Result<SiteStart, StoreError> {
        let pending = self.pending_by_site()?.get(site).copied().unwrap_or(0);
        let epoch = match self.sites.get(site.as_bytes())? {
            Some(b) => super::record::decode_u64(&format!("sites/{site}"), &b)?,
            None => 0,
        };
        if pending > 0 && epoch > 0 {
            return Ok(SiteStart {
                epoch,
                resumed: true,
                pending,
            });
        }
        let epoch = epoch.checked_add(1).ok_or_else(|| StoreError::Corrupt {
            key: format!("sites/{site}"),
            reason: format!("epoch {epoch} is the last there is"),
        })?;
        self.sites.insert(site.as_bytes(), &epoch.to_be_bytes())?;
        Ok(SiteStart {
            epoch,
            resumed: false,
            pending,
        })
    }

    fn enqueue(&self, epoch: u64, entries: &[NewEntry]) -> Result<Vec<String>, StoreError> {
        let ids = self.draw_ids(entries.len())?;
        let hosts = (&self.urls, &self.frontier).transaction(|(urls, frontier)| {
            let mut hosts = BTreeSet::new();
            enqueue_in(urls, frontier, epoch, entries, &ids, &mut hosts)?;
            Ok(hosts)
        })?;
        Ok(hosts.into_iter().collect())
    }

    fn next_entry(
        &self,
        host: &str,
        after: Option<&FrontierKey>,
    ) -> Result<Option<(FrontierKey, FrontierEntry)>, StoreError> {
        let start = frontier_key(host, 0);
        let end = frontier_key(host, u64::MAX);
        let mut range = match after {
            Some(k) => self.frontier.range((
                std::ops::Bound::Excluded(k.0.clone()),
                std::ops::Bound::Included(end),
            )),
            None => self.frontier.range(start..=end),
        };
        match range.next() {
            Some(item) => {
                let (key, bytes) = item?;
                let entry = decode(&format!("frontier/{host}"), &bytes)?;
                Ok(Some((FrontierKey(key.to_vec()), entry)))
            }
            None => Ok(None),
        }
    }

    fn frontier_len(&self) -> Result<u64, StoreError> {
        Ok(self.frontier.len() as u64)
    }

    fn frontier_hosts(&self) -> Result<Vec<String>, StoreError> {
        let mut hosts: Vec<String> = Vec::new();
        for key in self.frontier.iter().keys() {
            let key = key?;
            let host = String::from_utf8_lossy(host_of(&key));
            if hosts.last().map(String::as_str) != Some(&*host) {
                hosts.push(host.into_owned());
            }
        }
        Ok(hosts)
    }

    fn pending_by_site(&self) -> Result<BTreeMap<String, u64>, StoreError> {
        let mut by_site = BTreeMap::new();
        for item in self.frontier.iter() {
            let (key, bytes) = item?;
            let entry: FrontierEntry = decode(&format!("frontier/{key:?}"), &bytes)?;
            let n = by_site.entry(entry.site).or_insert(0u64);
            *n = n.saturating_add(1);
        }
        Ok(by_site)
    }

    fn complete(
        &self,
        key: &FrontierKey,
        url: &str,
        state: &UrlState,
        aliases: &[String],
        links: &[NewEntry],
    ) -> Result<Vec<String>, StoreError> {
        let (_, hosts) = self.commit(None, key, url, state, aliases, links)?;
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
        let mut state = state.clone();
        let new_version = state.record_version(prepared.hash(), document.source.seen_at);
        let (outcome, hosts) = self.commit(Some(&prepared), key, url, &state, aliases, links)?;
        Ok((outcome.expect("a put was asked for"), hosts, new_version))
    }

    fn url_state(&self, url: &str) -> Result<Option<UrlState>, StoreError> {
        match self.urls.get(url.as_bytes())? {
            Some(bytes) => Ok(Some(decode(&format!("urls/{url}"), &bytes)?)),
            None => Ok(None),
        }
    }

    fn url_states(&self) -> Box<dyn Iterator<Item = Result<(String, UrlState), StoreError>> + '_> {
        Box::new(self.urls.iter().map(|item| {
            let (key, bytes) = item?;
            let url = String::from_utf8_lossy(&key).into_owned();
            let state = decode(&format!("urls/{url}"), &bytes)?;
            Ok((url, state))
        }))
    }

    fn start_run(&self, started: DateTime<Utc>) -> Result<u64, StoreError> {
        let id = super::crawl::start_run_in(self, started)?;
        self.db.flush()?;
        Ok(id)
    }

    fn site_epochs(&self) -> Result<BTreeMap<String, u64>, StoreError> {
        let mut out = BTreeMap::new();
        for item in self.sites.iter() {
            let (key, value) = item?;
            let site = String::from_utf8_lossy(&key).into_owned();
            let epoch = super::record::decode_u64(&format!("sites/{site}"), &value)?;
            out.insert(site, epoch);
        }
        Ok(out)
    }

    fn import_url_state(&self, url: &str, state: &UrlState) -> Result<bool, StoreError> {
        let inserted = self
            .urls
            .compare_and_swap(url.as_bytes(), None as Option<&[u8]>, Some(encode(state)))?
            .is_ok();
        Ok(inserted)
    }

    fn import_site_epoch(&self, site: &str, epoch: u64) -> Result<(), StoreError> {
        let current = self.site_epoch(site)?.unwrap_or(0);
        if epoch > current {
            self.sites.insert(site.as_bytes(), &epoch.to_be_bytes())?;
        }
        Ok(())
    }

    fn site_epoch(&self, site: &str) -> Result<Option<u64>, StoreError> {
        match self.sites.get(site.as_bytes())? {
            Some(b) => Ok(Some(super::record::decode_u64(
                &format!("sites/{site}"),
                &b,
            )?)),
            None => Ok(None),
        }
    }

    fn save_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        self.runs.insert(run.id.to_be_bytes(), encode(run))?;
        Ok(())
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
            let Some(mut state) = self.url_state(&url)? else {
                continue;
            };
            if !state.is_parked() {
                continue;
            }
            state.status = UrlStatus::Failed {
                class: "parked".into(),
                message: "unparked by the user".into(),
            };
            state.failures = 0;
            self.urls.insert(url.as_bytes(), encode(&state))?;
            n = n.saturating_add(1);
        }
        self.db.flush()?;
        Ok(n)
    }

    fn runs(&self) -> Result<Vec<RunRecord>, StoreError> {
        self.runs
            .iter()
            .values()
            .map(|v| decode("runs", &v?))
            .collect()
    }
}
