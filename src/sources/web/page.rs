//! A page answered 2xx: read its links and robots directives, queue what it links to,
//! and hand it to the pipeline, whose store stage commits the document with the URL's
//! state and links in one transaction. What it returns unstored is recorded here.

use super::discover::{self, PageLinks};
use super::http::Response;
use super::state::{blocking, Crawl, CrawlError, NotStored, Site};
use super::visit::{complete, fail};
use crate::pipeline::feed::Fed;
use crate::pipeline::Outcome;
use crate::sources::{is_page_type, Input, Location};
use crate::store::crawl::{Completion, EntryKind, FrontierEntry, NewEntry, UrlStatus};
use crate::store::crawled::{CrawledPage, Verdict};
use crate::store::PutOutcome;
use chrono::Utc;
use reqwest::header;
use std::sync::Arc;
use tokio::sync::oneshot;
use url::Url;

/// Follows and stores one fetched page. `done` holds the URL's state so far and its
/// aliases; its links are filled in here.
pub(super) async fn page(
    crawl: &Crawl,
    site: &Site,
    mut done: Completion,
    entry: &FrontierEntry,
    final_url: Url,
    resp: Response,
) -> Result<(), CrawlError> {
    crawl.count(|c| c.fetched += 1);
    let state = &mut done.state;
    state.etag = resp.header(header::ETAG).map(str::to_string);
    state.last_modified = resp.header(header::LAST_MODIFIED).map(str::to_string);
    let content_type = resp.header(header::CONTENT_TYPE).map(str::to_string);
    if !is_page_type(content_type.as_deref()) {
        let ct = content_type.unwrap_or_default();
        crawl.count(|c| c.not_stored(NotStored::ContentType));
        state.status = UrlStatus::NotStored {
            reason: format!("content type {ct}"),
        };
        // Not requested again: an image or an archive does not turn into a page.
        state.not_a_page = Some(ct);
        return complete(crawl, done).await;
    }
    let header_noindex = resp
        .headers
        .get_all("x-robots-tag")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| discover::header_noindex(v, &crawl.fetch.user_agent));
    let http = resp.meta();
    let body = Arc::new(resp.body);
    let links = read_links(content_type.as_deref(), &body).await?;

    let base = links
        .base
        .as_deref()
        .and_then(|b| final_url.join(b).ok())
        .unwrap_or_else(|| final_url.clone());
    let (next, outgoing) = next_entries(crawl, site, entry, &links, &base);
    done.links = next;
    let state = &mut done.state;
    state.links = outgoing;
    // rel=canonical names the page's identity when it stays on the site.
    let canonical = links
        .canonical
        .as_deref()
        .and_then(|c| super::url::normalise(c, Some(&base), &crawl.fetch.tracking_params))
        .filter(|c| site.scope.allows(c) && *c != final_url);
    state.canonical = canonical.as_ref().map(|c| c.to_string());
    if let Some(c) = &canonical {
        done.aliases.push(c.to_string());
    }
    if header_noindex || links.noindex {
        crawl.count(|c| c.not_stored(NotStored::Noindex));
        state.status = UrlStatus::NotStored {
            reason: "noindex".into(),
        };
        return complete(crawl, done).await;
    }
    let input = Input {
        location: Location::Memory {
            name: final_url.to_string(),
            bytes: body,
        },
        group: super::url::host_key(&final_url),
        url: Some(final_url.to_string()),
        content_type,
        fetched_at: Some(Utc::now()),
        http: Some(http),
    };
    let page = CrawledPage {
        completion: done,
        locator: canonical.as_ref().unwrap_or(&final_url).to_string(),
        store_types: site.cfg.store_types.clone(),
    };
    let (reply, verdict) = oneshot::channel();
    let fed = Fed {
        input,
        cleaner: site.cleaner.clone(),
        ticket: (page, reply),
    };
    crawl.pipeline.send(fed).await?;
    let verdict = verdict.await.map_err(|_| crate::pipeline::feed::Stopped)?;
    match verdict {
        Verdict::Stored {
            outcome,
            hosts,
            new_version,
        } => {
            crawl.wake(hosts);
            crawl.count(|c| {
                match &outcome {
                    PutOutcome::New {
                        near_duplicate_of, ..
                    } => {
                        c.new_documents += 1;
                        c.near_duplicates += u64::from(near_duplicate_of.is_some());
                    }
                    PutOutcome::Duplicate { .. } => c.duplicates += 1,
                    PutOutcome::NearDuplicate { .. } => c.near_duplicates += 1,
                }
                c.new_versions += u64::from(new_version);
            });
            Ok(())
        }
        Verdict::Returned {
            outcome,
            completion,
        } => not_stored(crawl, entry, outcome, *completion).await,
    }
}

/// Records why a cleaned (or failed) page was not stored.
async fn not_stored(
    crawl: &Crawl,
    entry: &FrontierEntry,
    outcome: Outcome,
    mut done: Completion,
) -> Result<(), CrawlError> {
    let state = &mut done.state;
    let document = match outcome {
        Outcome::Cleaned(c) => c.document,
        Outcome::Failed {
            reason, not_a_page, ..
        } if not_a_page => {
            crawl.count(|c| c.not_stored(NotStored::EmptyOrBinary));
            state.status = UrlStatus::NotStored { reason };
            return complete(crawl, done).await;
        }
        Outcome::Failed {
            reason, internal, ..
        } => {
            // Not kept: the next visit downloads the page again rather than hear 304
            // about a page that was never cleaned.
            (state.etag, state.last_modified) = (None, None);
            let class = if internal { "internal" } else { "clean" };
            fail(crawl, state, &entry.url, class, reason, internal);
            return complete(crawl, done).await;
        }
        Outcome::Skipped(label) => {
            // A fed page is never a skipped archive record; recorded all the same.
            state.status = UrlStatus::NotStored {
                reason: label.to_string(),
            };
            return complete(crawl, done).await;
        }
    };
    // A soft 404 is recorded as not stored; a document stored from this URL before
    // stays as it was (nothing is removed from the store), and the next visit tries
    // again.
    if document.metadata.soft_404 {
        crawl.count(|c| c.not_stored(NotStored::SoftNotFound));
        state.status = UrlStatus::NotStored {
            reason: "soft 404".into(),
        };
    } else if document.is_empty() {
        crawl.count(|c| c.empty += 1);
        state.status = UrlStatus::NotStored {
            reason: "no main text".into(),
        };
    } else {
        // A type the site does not keep (a listing, for a news cron that keeps
        // articles): not stored, but its links were read and are followed.
        crawl.count(|c| c.not_stored(NotStored::PageType));
        let name = document
            .metadata
            .page_type
            .unwrap_or(gleaner_clean::PageType::Other);
        state.status = UrlStatus::NotStored {
            reason: format!("page type {name}"),
        };
    }
    complete(crawl, done).await
}

/// The page's links and robots directives. Parsing is CPU work, done on a blocking
/// thread; a panic in the tokenizer (html5ever's) comes back as the page's failure.
async fn read_links(
    content_type: Option<&str>,
    body: &Arc<Vec<u8>>,
) -> Result<PageLinks, CrawlError> {
    let is_html = content_type.is_none_or(|t| !t.starts_with("text/plain"));
    if !is_html {
        return Ok(PageLinks::default());
    }
    let body = body.clone();
    blocking(move || {
        let html = String::from_utf8_lossy(&body);
        crate::pipeline::contain(|| discover::page_links(&html))
            .map_err(|e| CrawlError::Internal(e.to_string()))
    })
    .await?
}

/// The entries the page's links and feeds make (the links it may follow), and every
/// in-scope link it holds, normalised, for its state (followed again on a 304).
fn next_entries(
    crawl: &Crawl,
    site: &Site,
    entry: &FrontierEntry,
    links: &PageLinks,
    base: &Url,
) -> (Vec<NewEntry>, Vec<String>) {
    let depth = entry.depth.saturating_add(1);
    let mut next = Vec::new();
    let mut outgoing = Vec::new();
    for raw in &links.links {
        let Some(e) = crawl.entry_for(site, raw, Some(base), depth, EntryKind::Page) else {
            continue;
        };
        if !outgoing.contains(&e.entry.url) {
            outgoing.push(e.entry.url.clone());
            next.push(e);
        }
    }
    let follow = site.cfg.follow_links && !links.nofollow;
    let deep = entry.depth >= site.cfg.max_depth;
    if follow && deep {
        crawl.count(|c| c.beyond_depth += next.len() as u64);
    }
    if !follow || deep {
        next.clear();
    }
    if follow {
        next.extend(
            links
                .feeds
                .iter()
                .filter_map(|f| crawl.entry_for(site, f, Some(base), entry.depth, EntryKind::Feed)),
        );
    }
    (next, outgoing)
}
