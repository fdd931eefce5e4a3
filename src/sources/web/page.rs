//! A page answered 2xx: read its links and robots directives, clean it, and store the
//! document with the URL's state and the links it brought, in one transaction.

use super::discover::{self, PageLinks};
use super::http::Response;
use super::state::{blocking, Crawl, CrawlError, NotStored, Site};
use super::visit::{complete, fail, Done};
use crate::pipeline::{clean_contained, CleanFailure};
use crate::sources::{is_page_type, HttpMeta};
use crate::store::crawl::{EntryKind, FrontierEntry, NewEntry, UrlStatus};
use crate::store::{NewDocument, PutOutcome, SourceRef};
use chrono::Utc;
use gleaner_clean::{CleanError, Document, Hints};
use reqwest::header;
use url::Url;

/// Cleans, stores and follows one fetched page. `done` holds the URL's state so far
/// and its aliases; its links are filled in here.
pub(super) async fn page(
    crawl: &Crawl,
    site: &Site,
    mut done: Done,
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
    let (links, cleaned) = read(site, &final_url, content_type, resp.body).await?;

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
    let (document, raw) = match cleaned {
        Ok(ok) => ok,
        Err(CleanFailure::Refused(e @ (CleanError::Empty | CleanError::Binary))) => {
            crawl.count(|c| c.not_stored(NotStored::EmptyOrBinary));
            state.status = UrlStatus::NotStored {
                reason: e.to_string(),
            };
            return complete(crawl, done).await;
        }
        Err(e) => {
            // Not kept: the next visit downloads the page again rather than hear 304
            // about a page that was never cleaned.
            (state.etag, state.last_modified) = (None, None);
            let internal = matches!(e, CleanFailure::Internal(_));
            let class = if internal { "internal" } else { "clean" };
            fail(crawl, state, &entry.url, class, e.to_string(), internal);
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
        return complete(crawl, done).await;
    }
    if document.is_empty() {
        crawl.count(|c| c.empty += 1);
        state.status = UrlStatus::NotStored {
            reason: "no main text".into(),
        };
        return complete(crawl, done).await;
    }
    // A type the site does not keep (a listing, for a news cron that keeps articles):
    // not stored, but its links were read above and are followed.
    let page_type = document.metadata.page_type;
    if !site.cfg.stores(page_type) {
        crawl.count(|c| c.not_stored(NotStored::PageType));
        let name = page_type.unwrap_or(gleaner_clean::PageType::Other);
        state.status = UrlStatus::NotStored {
            reason: format!("page type {name}"),
        };
        return complete(crawl, done).await;
    }
    let locator = canonical.as_ref().unwrap_or(&final_url).to_string();
    store(crawl, done, document, (raw, http), locator).await
}

/// The page's links and robots directives, and its document: parsing and cleaning
/// are CPU work, done on a blocking thread, and a cleaner panic comes back as the
/// page's failure.
async fn read(
    site: &Site,
    url: &Url,
    content_type: Option<String>,
    body: Vec<u8>,
) -> Result<(PageLinks, Result<(Document, Vec<u8>), CleanFailure>), CrawlError> {
    let cleaner = site.cleaner.clone();
    let url = url.to_string();
    blocking(move || {
        let is_html = content_type
            .as_deref()
            .is_none_or(|t| !t.starts_with("text/plain"));
        let links = if is_html {
            // The tokenizer is html5ever's; a panic in it fails this page alone.
            let html = String::from_utf8_lossy(&body);
            crate::pipeline::contain(|| discover::page_links(&html))
                .map_err(|e| CrawlError::Internal(e.to_string()))?
        } else {
            PageLinks::default()
        };
        let mut hints = Hints::default().with_url(&url);
        hints.content_type = content_type.as_deref();
        let cleaned = clean_contained(cleaner.as_ref(), &body, &hints).map(|doc| (doc, body));
        Ok((links, cleaned))
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

/// The document, the URL's state and its links commit together (see `store_page`).
async fn store(
    crawl: &Crawl,
    mut done: Done,
    document: Document,
    (raw, http): (Vec<u8>, HttpMeta),
    locator: String,
) -> Result<(), CrawlError> {
    done.state.status = UrlStatus::Stored;
    let (outcome, hosts, new_version) = crawl
        .store(move |store| {
            let doc = NewDocument {
                document: &document,
                source: SourceRef {
                    locator,
                    seen_at: Utc::now(),
                    http: Some(http),
                },
                raw: &raw,
                cleaner_version: gleaner_clean::CLEANER_VERSION,
            };
            let d = &done;
            store.store_page(doc, &d.key, &d.url, &d.state, &d.aliases, &d.links)
        })
        .await?;
    crawl.wake(hosts);
    crawl.after_put().await?;
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
