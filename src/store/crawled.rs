//! The store stage for crawled pages: the pipeline's sink when the crawler feeds it. A
//! cleaned page worth keeping is stored with its URL's completion in one transaction
//! ([`CrawlStore::store_page`]); any other outcome goes back to the crawler, which
//! records why nothing was stored.

use super::crawl::Completion;
use super::{Backend, NewDocument, PutOutcome, SourceRef, StoreError};
use crate::pipeline::Outcome;
use gleaner_clean::PageType;
use std::sync::Arc;

/// What the store stage needs to finish a crawled page besides its outcome.
#[derive(Debug)]
pub struct CrawledPage {
    pub completion: Completion,
    /// The source the document records: the page's canonical URL, or where its fetch
    /// ended.
    pub locator: String,
    /// The page types its site keeps (`store_types`); None keeps every type.
    pub store_types: Option<Vec<String>>,
}

/// What the store stage did with a crawled page.
#[derive(Debug)]
pub enum Verdict {
    /// Stored, with the URL's completion.
    Stored {
        outcome: PutOutcome,
        /// Hosts that got entries from the page's links.
        hosts: Vec<String>,
        /// The URL's text changed since its last version.
        new_version: bool,
    },
    /// Not stored: the page cleaned to nothing, is a soft 404, has a type its site does
    /// not keep, or failed. The crawler records which, with the completion.
    Returned {
        outcome: Outcome,
        completion: Box<Completion>,
    },
}

/// Whether a site keeping `store_types` keeps pages of type `t`. A page of no known
/// type counts as `other`.
pub fn keeps_type(store_types: Option<&[String]>, t: Option<PageType>) -> bool {
    let name = t.unwrap_or(PageType::Other).name();
    store_types.is_none_or(|types| types.iter().any(|s| s == name))
}

/// Puts crawled pages in the store, made durable in groups as batches are (a flush per
/// page would cap a crawl at the disk's fsync rate).
pub struct CrawlSink {
    store: Arc<dyn Backend>,
    unflushed: u64,
}

const FLUSH_EVERY: u64 = 256;

impl CrawlSink {
    pub fn new(store: Arc<dyn Backend>) -> CrawlSink {
        CrawlSink {
            store,
            unflushed: 0,
        }
    }

    /// Stores the page when it has text its site keeps; returns it otherwise. Only the
    /// store failing is an error.
    pub fn take(&mut self, outcome: Outcome, page: CrawledPage) -> Result<Verdict, StoreError> {
        let CrawledPage {
            mut completion,
            locator,
            store_types,
        } = page;
        let cleaned = match outcome {
            Outcome::Cleaned(c)
                if !c.document.is_empty()
                    && !c.document.metadata.soft_404
                    && keeps_type(store_types.as_deref(), c.document.metadata.page_type) =>
            {
                c
            }
            outcome => {
                return Ok(Verdict::Returned {
                    outcome,
                    completion: Box::new(completion),
                })
            }
        };
        completion.state.status = super::crawl::UrlStatus::Stored;
        let doc = NewDocument {
            document: &cleaned.document,
            source: SourceRef {
                locator,
                seen_at: cleaned.input.fetched_at.unwrap_or_else(chrono::Utc::now),
                http: cleaned.input.http.clone(),
            },
            raw: &cleaned.raw,
            cleaner_version: gleaner_clean::CLEANER_VERSION,
        };
        let c = &completion;
        let (outcome, hosts, new_version) = self
            .store
            .store_page(doc, &c.key, &c.url, &c.state, &c.aliases, &c.links)?;
        self.unflushed = self.unflushed.saturating_add(1);
        if self.unflushed >= FLUSH_EVERY {
            self.store.flush()?;
            self.unflushed = 0;
        }
        Ok(Verdict::Stored {
            outcome,
            hosts,
            new_version,
        })
    }
}
