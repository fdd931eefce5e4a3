//! What is done with one frontier entry: fetch it (redirects, retries, robots), then
//! hand a page to [`page`](super::page), queue what a sitemap or feed lists, or record
//! why there is nothing to keep. Every outcome ends in one store transaction that
//! records the URL's state and removes its entry.

use super::discover;
use super::host::FetchError;
use super::http::{Response, Validators};
use super::state::{blocking, Crawl, CrawlError, NotStored, Site};
use crate::store::crawl::{
    Completion, EntryKind, FrontierEntry, FrontierKey, NewEntry, UrlState, UrlStatus,
};
use chrono::Utc;
use url::Url;

/// Visits one entry. Only a store failure is an error; everything the network does is
/// recorded in the URL's state and counted.
pub(super) async fn visit(
    crawl: &Crawl,
    key: FrontierKey,
    entry: FrontierEntry,
    url: Url,
) -> Result<(), CrawlError> {
    let Some(site) = crawl.sites.get(&entry.site) else {
        return Ok(());
    };
    let page = entry.kind == EntryKind::Page;
    let known = entry.url.clone();
    let mut state = crawl
        .store(move |s| s.url_state(&known))
        .await?
        .unwrap_or_else(|| UrlState::queued(&site.cfg.name, site.epoch, entry.depth));
    let done = |state: UrlState, aliases: Vec<String>, links: Vec<NewEntry>| Completion {
        key: key.clone(),
        url: entry.url.clone(),
        state,
        aliases,
        links,
    };
    if state.visited == site.epoch && state.epoch == site.epoch {
        // Reached this epoch as another URL's redirect target or canonical.
        if page {
            site.refund_page();
        }
        return complete(crawl, done(state, vec![], vec![])).await;
    }
    if page && state.not_a_page.is_some() {
        // An image or archive, as its last answer said: no request, no page budget,
        // no crawl delay spent on it. (Queued before that answer was known.)
        site.refund_page();
        crawl.count(|c| c.not_pages += 1);
        return complete(crawl, done(state, vec![], vec![])).await;
    }
    state.epoch = site.epoch;
    state.visited = site.epoch;
    state.depth = entry.depth;
    // Conditional whenever the last answer gave validators: stored or not (a noindex
    // page, a listing kept only for its links), a 304 then costs no download, no
    // cleaning, and its known links are followed again.
    let validators = Some(Validators {
        etag: state.etag.clone(),
        last_modified: state.last_modified.clone(),
    })
    .filter(|v| page && (v.etag.is_some() || v.last_modified.is_some()));
    let hosts = |u: &Url| crawl.host(u, site);
    let in_scope = |u: &Url| match entry.kind {
        EntryKind::Page => site.scope.allows(u),
        _ => site.scope.has_host(u),
    };
    let fetched = crawl
        .fetcher()
        .follow(&hosts, &in_scope, &url, validators.as_ref())
        .await;
    (crawl.on_visit)();
    let (final_url, resp) = match fetched {
        Ok(ok) => ok,
        Err(FetchError::Deadline) => {
            // The entry stays for the next run.
            if page {
                site.refund_page();
            }
            return Ok(());
        }
        Err(e) => {
            not_fetched(crawl, site, &mut state, &entry, e);
            return complete(crawl, done(state, vec![], vec![])).await;
        }
    };
    state.http_status = Some(resp.status);
    state.fetched_at = Some(Utc::now());
    let aliases: Vec<String> = if final_url.as_str() != entry.url {
        vec![final_url.to_string()]
    } else {
        vec![]
    };
    let outcome = match (resp.status, entry.kind) {
        (304, EntryKind::Page) => {
            state.failures = 0;
            crawl.count(|c| c.unchanged += 1);
            // A page not stored last time (noindex, cleaned to nothing) keeps its reason.
            if !matches!(state.status, UrlStatus::NotStored { .. }) {
                state.status = UrlStatus::Unchanged;
            }
            let links = follow_known(crawl, site, &entry, &state.links);
            done(state, aliases, links)
        }
        (200..=299, EntryKind::Page) => {
            state.failures = 0;
            let d = done(state, aliases, vec![]);
            return super::page::page(crawl, site, d, &entry, final_url, resp).await;
        }
        (200..=299, kind) => {
            state.failures = 0;
            let links = listing(crawl, site, &entry, kind, resp.body).await?;
            state.status = UrlStatus::NotStored {
                reason: format!("{kind:?} with {} entries", links.len()).to_lowercase(),
            };
            done(state, aliases, links)
        }
        (404 | 410, kind) => {
            // A missing sitemap or feed is a discovery miss, not a lost page.
            if kind == EntryKind::Page {
                crawl.count(|c| c.gone += 1);
            }
            state.failures = 0;
            state.status = UrlStatus::Gone;
            done(state, aliases, vec![])
        }
        (_, kind) => {
            http_failure(crawl, &mut state, &entry.url, kind, &resp);
            done(state, aliases, vec![])
        }
    };
    complete(crawl, outcome).await
}

/// A fetch that gave no response to keep: robots.txt said no, a redirect left the
/// site, or every attempt failed.
fn not_fetched(
    crawl: &Crawl,
    site: &Site,
    state: &mut UrlState,
    entry: &FrontierEntry,
    e: FetchError,
) {
    match &e {
        FetchError::Robots(_) => {
            if entry.kind == EntryKind::Page {
                site.refund_page();
            }
            crawl.count(|c| c.robots_skipped += 1);
            state.status = UrlStatus::Skipped {
                reason: e.to_string(),
            };
        }
        FetchError::OffScope(_) => {
            crawl.count(|c| c.not_stored(NotStored::OffScope));
            state.status = UrlStatus::Skipped {
                reason: e.to_string(),
            };
        }
        _ => fail(crawl, state, &entry.url, e.class(), e.to_string(), false),
    }
}

/// A status that is neither a page, a 304 nor a 404/410.
fn http_failure(crawl: &Crawl, state: &mut UrlState, url: &str, kind: EntryKind, resp: &Response) {
    let status = resp.status;
    let class = match status {
        429 => "http_429",
        500..=599 => "http_5xx",
        300..=399 => "redirect",
        _ => "http_4xx",
    };
    if kind == EntryKind::Page || status >= 500 {
        fail(crawl, state, url, class, format!("HTTP {status}"), false);
    } else {
        // A sitemap or feed that is not there: a discovery miss, not worth parking.
        state.status = UrlStatus::Failed {
            class: class.into(),
            message: format!("HTTP {status}"),
        };
    }
}

/// Records and counts a failed visit; parks the URL when it failed too many runs in a
/// row, or at once when `park_now` (the page crashed the cleaner).
pub(super) fn fail(
    crawl: &Crawl,
    state: &mut UrlState,
    url: &str,
    class: &str,
    message: String,
    park_now: bool,
) {
    let after = crawl.fetch.park_after_failures;
    let parked = state.record_failure(class, message.clone(), after, park_now);
    if parked {
        let runs = state.failures;
        tracing::warn!(
            url,
            class,
            runs,
            "parked (not requested again until unparked): {message}"
        );
    } else {
        tracing::warn!(url, class, "failed: {message}");
    }
    crawl.count(|c| {
        c.fail(class);
        c.parked += u64::from(parked);
    });
}

/// A visit that panicked (a bug): its URL is parked with the panic's message and its
/// entry completed, so the crawl goes on and the next run does not trip on it again.
pub(super) async fn internal_error(
    crawl: &Crawl,
    key: FrontierKey,
    entry: FrontierEntry,
    message: String,
) -> Result<(), CrawlError> {
    tracing::error!(url = %entry.url, "internal error: {message}");
    let Some(site) = crawl.sites.get(&entry.site) else {
        return Ok(());
    };
    let known = entry.url.clone();
    let mut state = crawl
        .store(move |s| s.url_state(&known))
        .await?
        .unwrap_or_else(|| UrlState::queued(&site.cfg.name, site.epoch, entry.depth));
    state.visited = site.epoch;
    fail(crawl, &mut state, &entry.url, "internal", message, true);
    let done = Completion {
        key,
        url: entry.url,
        state,
        aliases: vec![],
        links: vec![],
    };
    complete(crawl, done).await
}

/// The links a 304 page had last time, queued again.
fn follow_known(
    crawl: &Crawl,
    site: &Site,
    entry: &FrontierEntry,
    links: &[String],
) -> Vec<NewEntry> {
    if !site.cfg.follow_links || entry.depth >= site.cfg.max_depth {
        return Vec::new();
    }
    let depth = entry.depth.saturating_add(1);
    links
        .iter()
        .filter_map(|l| crawl.entry_for(site, l, None, depth, EntryKind::Page))
        .collect()
}

/// What a sitemap, sitemap index or feed lists, as entries. Parsed on a blocking
/// thread: a sitemap may hold 50,000 URLs, gzipped.
async fn listing(
    crawl: &Crawl,
    site: &Site,
    entry: &FrontierEntry,
    kind: EntryKind,
    body: Vec<u8>,
) -> Result<Vec<NewEntry>, CrawlError> {
    let max = crawl.fetch.max_decompressed_bytes;
    let parsed = blocking(move || match kind {
        EntryKind::Sitemap => discover::sitemap(&body, max).map(|s| {
            let pages = s.pages.into_iter().map(|u| (u, EntryKind::Page));
            let sitemaps = s.sitemaps.into_iter().map(|u| (u, EntryKind::Sitemap));
            pages.chain(sitemaps).collect::<Vec<_>>()
        }),
        _ => discover::feed(&body, max)
            .map(|items| items.into_iter().map(|u| (u, EntryKind::Page)).collect()),
    })
    .await?;
    match parsed {
        Ok(list) => {
            crawl.count(|c| match kind {
                EntryKind::Sitemap => c.sitemaps += 1,
                _ => c.feeds += 1,
            });
            let base = Url::parse(&entry.url).ok();
            Ok(list
                .iter()
                .filter_map(|(u, k)| crawl.entry_for(site, u, base.as_ref(), 0, *k))
                .collect())
        }
        Err(e) => {
            tracing::warn!(url = %entry.url, "cannot read {kind:?}: {e}");
            crawl.count(|c| c.fail("discovery"));
            Ok(Vec::new())
        }
    }
}

/// Records a visit's outcome in one store transaction and wakes the hosts its links
/// were queued under.
pub(super) async fn complete(crawl: &Crawl, d: Completion) -> Result<(), CrawlError> {
    let hosts = crawl
        .store(move |s| s.complete(&d.key, &d.url, &d.state, &d.aliases, &d.links))
        .await?;
    crawl.wake(hosts);
    Ok(())
}
