//! What is done with one frontier entry: fetch it (redirects, retries, robots), then
//! store a page's document and follow its links, or queue what a sitemap or feed lists.

use super::crawl::{Crawl, CrawlError, Site};
use super::discover::{self, PageLinks};
use super::host::FetchError;
use super::http::{Response, Validators};
use crate::clean::Hints;
use crate::store::crawl::{EntryKind, FrontierEntry, FrontierKey, NewEntry, UrlState, UrlStatus};
use crate::store::{NewDocument, PutOutcome, SourceRef};
use chrono::Utc;
use reqwest::header;
use url::Url;

/// Visits one entry. Only a store failure is an error; everything the network does is
/// recorded in the URL's state and counted.
pub(super) async fn visit(
    crawl: &Crawl,
    key: FrontierKey,
    entry: FrontierEntry,
    url: Url,
) -> Result<(), CrawlError> {
    let site = &crawl.sites[&entry.site];
    let mut state = crawl
        .store
        .url_state(&entry.url)?
        .unwrap_or_else(|| UrlState::queued(&site.cfg.name, site.epoch, entry.depth));
    if state.visited == site.epoch && state.epoch == site.epoch {
        // Reached this epoch as another URL's redirect target or canonical.
        return complete(crawl, &key, &entry.url, &state, &[], &[]).await;
    }
    state.epoch = site.epoch;
    state.visited = site.epoch;
    state.depth = entry.depth;
    // Conditional only when we hold what the validators describe.
    let validators =
        (entry.kind == EntryKind::Page && state.current_hash().is_some()).then(|| Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        });
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
        Err(FetchError::Deadline) => return Ok(()), // the entry stays for the next run
        Err(e) => {
            let class = e.class();
            match &e {
                FetchError::Robots(_) => {
                    crawl.count(|c| c.robots_skipped += 1);
                    state.status = UrlStatus::Skipped {
                        reason: e.to_string(),
                    };
                }
                FetchError::OffScope(_) => {
                    crawl.count(|c| c.not_stored += 1);
                    state.status = UrlStatus::Skipped {
                        reason: e.to_string(),
                    };
                }
                _ => {
                    tracing::warn!(url = %url, class, "failed: {e}");
                    crawl.count(|c| c.fail(class));
                    state.status = UrlStatus::Failed {
                        class: class.to_string(),
                        message: e.to_string(),
                    };
                }
            }
            return complete(crawl, &key, &entry.url, &state, &[], &[]).await;
        }
    };
    state.http_status = Some(resp.status);
    state.fetched_at = Some(Utc::now());
    let aliases: Vec<String> = if final_url.as_str() != entry.url {
        vec![final_url.to_string()]
    } else {
        vec![]
    };
    match (resp.status, entry.kind) {
        (304, EntryKind::Page) => {
            crawl.count(|c| c.unchanged += 1);
            state.status = UrlStatus::Unchanged;
            let links = follow_known(crawl, site, &entry, &state.links);
            complete(crawl, &key, &entry.url, &state, &aliases, &links).await
        }
        (200..=299, EntryKind::Page) => {
            page(crawl, site, key, entry, state, final_url, resp, aliases).await
        }
        (200..=299, kind) => {
            let links = listing(crawl, site, &entry, kind, &resp.body);
            state.status = UrlStatus::NotStored {
                reason: format!("{kind:?} with {} entries", links.len()).to_lowercase(),
            };
            complete(crawl, &key, &entry.url, &state, &aliases, &links).await
        }
        (404 | 410, kind) => {
            // A missing sitemap or feed is a discovery miss, not a lost page.
            if kind == EntryKind::Page {
                crawl.count(|c| c.gone += 1);
            }
            state.status = UrlStatus::Gone;
            complete(crawl, &key, &entry.url, &state, &aliases, &[]).await
        }
        (status, kind) => {
            let class = match status {
                429 => "http_429",
                500..=599 => "http_5xx",
                300..=399 => "redirect",
                _ => "http_4xx",
            };
            if kind == EntryKind::Page || status >= 500 {
                tracing::warn!(url = %url, status, "failed: HTTP {status}");
                crawl.count(|c| c.fail(class));
            }
            state.status = UrlStatus::Failed {
                class: class.into(),
                message: format!("HTTP {status}"),
            };
            complete(crawl, &key, &entry.url, &state, &aliases, &[]).await
        }
    }
}

/// A 2xx page: clean it, store it, record its version, queue its links.
#[allow(clippy::too_many_arguments)]
async fn page(
    crawl: &Crawl,
    site: &Site,
    key: FrontierKey,
    entry: FrontierEntry,
    mut state: UrlState,
    final_url: Url,
    resp: Response,
    mut aliases: Vec<String>,
) -> Result<(), CrawlError> {
    crawl.count(|c| c.fetched += 1);
    state.etag = resp.header(header::ETAG).map(str::to_string);
    state.last_modified = resp.header(header::LAST_MODIFIED).map(str::to_string);
    let content_type = resp.header(header::CONTENT_TYPE).map(str::to_string);
    if !is_page_type(content_type.as_deref()) {
        crawl.count(|c| c.not_stored += 1);
        state.status = UrlStatus::NotStored {
            reason: format!("content type {}", content_type.unwrap_or_default()),
        };
        return complete(crawl, &key, &entry.url, &state, &aliases, &[]).await;
    }
    let header_noindex = resp
        .headers
        .get_all("x-robots-tag")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| discover::header_noindex(v, &crawl.fetch.user_agent));
    // Cleaning and storing are CPU and disk work: off the async threads.
    let cleaner = site.cleaner.clone();
    let body = resp.body;
    let page_url = final_url.clone();
    let (links, cleaned) = tokio::task::spawn_blocking(move || {
        let is_html = content_type
            .as_deref()
            .is_none_or(|t| !t.starts_with("text/plain"));
        let links = if is_html {
            discover::page_links(&String::from_utf8_lossy(&body))
        } else {
            PageLinks::default()
        };
        let hints = Hints {
            url: Some(page_url.as_str()),
            content_type: content_type.as_deref(),
            ..Hints::default()
        };
        let cleaned = cleaner.clean(&body, &hints).map(|doc| (doc, body));
        (links, cleaned)
    })
    .await
    .expect("cleaning task panicked");

    let base = links
        .base
        .as_deref()
        .and_then(|b| final_url.join(b).ok())
        .unwrap_or_else(|| final_url.clone());
    let mut next = Vec::new();
    let mut outgoing = Vec::new();
    for raw in &links.links {
        if let Some(e) = crawl.entry_for(site, raw, Some(&base), entry.depth + 1, EntryKind::Page) {
            if !outgoing.contains(&e.entry.url) {
                outgoing.push(e.entry.url.clone());
                next.push(e);
            }
        }
    }
    next.extend(
        links
            .feeds
            .iter()
            .filter_map(|f| crawl.entry_for(site, f, Some(&base), entry.depth, EntryKind::Feed)),
    );
    let follow = site.cfg.follow_links && !links.nofollow && entry.depth < site.cfg.max_depth;
    if !follow {
        next.retain(|e| {
            e.entry.kind == EntryKind::Feed && site.cfg.follow_links && !links.nofollow
        });
    }
    state.links = outgoing;
    // rel=canonical names the page's identity when it stays on the site.
    let canonical = links
        .canonical
        .as_deref()
        .and_then(|c| super::url::normalise(c, Some(&base), &crawl.fetch.tracking_params))
        .filter(|c| site.scope.allows(c) && *c != final_url);
    state.canonical = canonical.as_ref().map(|c| c.to_string());
    if let Some(c) = &canonical {
        aliases.push(c.to_string());
    }

    if header_noindex || links.noindex {
        crawl.count(|c| c.not_stored += 1);
        state.status = UrlStatus::NotStored {
            reason: "noindex".into(),
        };
        return complete(crawl, &key, &entry.url, &state, &aliases, &next).await;
    }
    let (document, raw) = match cleaned {
        Ok(ok) => ok,
        Err(e) => {
            tracing::warn!(url = %final_url, "cannot clean: {e}");
            crawl.count(|c| c.fail("clean"));
            state.status = UrlStatus::Failed {
                class: "clean".into(),
                message: e.to_string(),
            };
            return complete(crawl, &key, &entry.url, &state, &aliases, &next).await;
        }
    };
    if document.is_empty() {
        crawl.count(|c| c.empty += 1);
        state.status = UrlStatus::NotStored {
            reason: "no main text".into(),
        };
        return complete(crawl, &key, &entry.url, &state, &aliases, &next).await;
    }
    let locator = canonical.as_ref().unwrap_or(&final_url).to_string();
    state.status = UrlStatus::Stored;
    // The document, the URL's state and its links commit together (see store_page).
    let store = crawl.store.clone();
    let (outcome, hosts, new_version) = tokio::task::spawn_blocking(move || {
        let doc = NewDocument {
            document: &document,
            source: SourceRef {
                locator,
                seen_at: Utc::now(),
            },
            raw: &raw,
            cleaner_version: crate::clean::CLEANER_VERSION,
        };
        store.store_page(doc, &key, &entry.url, &state, &aliases, &next)
    })
    .await
    .expect("store task panicked")?;
    crawl.wake(hosts);
    crawl.after_put()?;
    crawl.count(|c| {
        match &outcome {
            PutOutcome::New { .. } => c.new_documents += 1,
            PutOutcome::Duplicate { .. } => c.duplicates += 1,
        }
        c.new_versions += u64::from(new_version);
    });
    Ok(())
}

/// HTML, XHTML and plain text are pages; a missing Content-Type is left to the cleaner
/// to sniff.
fn is_page_type(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return true };
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    matches!(
        mime.as_str(),
        "text/html" | "application/xhtml+xml" | "text/plain" | ""
    )
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
    links
        .iter()
        .filter_map(|l| crawl.entry_for(site, l, None, entry.depth + 1, EntryKind::Page))
        .collect()
}

/// What a sitemap, sitemap index or feed lists, as entries.
fn listing(
    crawl: &Crawl,
    site: &Site,
    entry: &FrontierEntry,
    kind: EntryKind,
    body: &[u8],
) -> Vec<NewEntry> {
    let max = crawl.fetch.max_decompressed_bytes;
    let base = Url::parse(&entry.url).ok();
    let parsed = match kind {
        EntryKind::Sitemap => discover::sitemap(body, max).map(|s| {
            crawl.count(|c| c.sitemaps += 1);
            let pages = s.pages.into_iter().map(|u| (u, EntryKind::Page));
            pages
                .chain(s.sitemaps.into_iter().map(|u| (u, EntryKind::Sitemap)))
                .collect::<Vec<_>>()
        }),
        _ => discover::feed(body, max).map(|items| {
            crawl.count(|c| c.feeds += 1);
            items.into_iter().map(|u| (u, EntryKind::Page)).collect()
        }),
    };
    match parsed {
        Ok(list) => list
            .iter()
            .filter_map(|(u, k)| crawl.entry_for(site, u, base.as_ref(), 0, *k))
            .collect(),
        Err(e) => {
            tracing::warn!(url = %entry.url, "cannot read {kind:?}: {e}");
            crawl.count(|c| c.fail("discovery"));
            Vec::new()
        }
    }
}

async fn complete(
    crawl: &Crawl,
    key: &FrontierKey,
    url: &str,
    state: &UrlState,
    aliases: &[String],
    links: &[NewEntry],
) -> Result<(), CrawlError> {
    let hosts = crawl.store.complete(key, url, state, aliases, links)?;
    crawl.wake(hosts);
    Ok(())
}
