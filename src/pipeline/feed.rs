//! The pipeline for a source that runs on its own schedule (the crawler): async tasks
//! feed it one page at a time, each with its own cleaner (a site's rules) and a ticket
//! for the sink. It cleans what has arrived in parallel, a chunk at a time, on the
//! pipeline's own thread, and hands each outcome with its ticket to the sinks: the same
//! cleaning ([`clean_one`]) and outcomes as a batch.
//!
//! The sinks run on threads of their own, so that cleaning the next chunk overlaps
//! storing the last. One sink takes outcomes in arrival order; several take them as
//! they come, for a store whose every write waits on a round trip (a database on
//! another machine), where one writer would cap the crawl at its latency.
//!
//! The queues into and out of cleaning are bounded, so a source faster than cleaning,
//! or cleaning faster than storing, waits instead of piling pages up in memory.

use super::{clean_one, Options, Outcome, PageCleaner, CHUNK_PER_THREAD};
use crate::sources::Input;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use tokio::sync::mpsc;

/// One page fed to the pipeline.
pub struct Fed<T> {
    pub input: Input,
    pub cleaner: Arc<dyn PageCleaner>,
    /// What the sink needs to finish this page (where to reply, what to commit with it).
    pub ticket: T,
}

/// The sending end, shared by the source's tasks.
pub struct Feed<T> {
    tx: Mutex<Option<mpsc::Sender<Fed<T>>>>,
}

/// The pipeline stopped: a sink failed (the reason comes from [`Running::finish`]), or
/// the feed was closed.
#[derive(Debug, thiserror::Error)]
#[error("the cleaning pipeline has stopped")]
pub struct Stopped;

/// The pipeline's threads: cleaning, and the sinks.
pub struct Running<E> {
    cleaning: JoinHandle<()>,
    sinks: Vec<JoinHandle<Result<(), E>>>,
}

impl<T: Send + 'static> Feed<T> {
    /// Starts the pipeline: cleaning on `opts.jobs` threads, and `sinks` threads each
    /// calling a sink of its own, made by `make_sink`, for the outcomes it takes. The
    /// pipeline ends when the feed is closed (and what it holds is done) or when a sink
    /// fails.
    pub fn start<E, S>(
        opts: Options,
        sinks: usize,
        mut make_sink: impl FnMut() -> S,
    ) -> std::io::Result<(Feed<T>, Running<E>)>
    where
        E: Send + 'static,
        S: FnMut(Outcome, T) -> Result<(), E> + Send + 'static,
    {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs)
            .thread_name(|i| format!("gleaner-clean-{i}"))
            .build()
            .map_err(std::io::Error::other)?;
        let chunk_len = CHUNK_PER_THREAD.saturating_mul(pool.current_num_threads());
        let (tx, rx) = mpsc::channel(chunk_len);
        let (out, cleaned) = sync_channel(chunk_len);
        let cleaned = Arc::new(Mutex::new(cleaned));
        let stop = Arc::new(AtomicBool::new(false));
        let sinks = (0..sinks.max(1))
            .map(|i| {
                let (cleaned, stop, sink) = (cleaned.clone(), stop.clone(), make_sink());
                std::thread::Builder::new()
                    .name(format!("gleaner-sink-{i}"))
                    .spawn(move || take(&cleaned, &stop, sink))
            })
            .collect::<std::io::Result<Vec<_>>>()?;
        let cleaning = std::thread::Builder::new()
            .name("gleaner-pipeline".into())
            .spawn(move || drain(rx, &pool, chunk_len, &opts, &out, &stop))?;
        let feed = Feed {
            tx: Mutex::new(Some(tx)),
        };
        Ok((feed, Running { cleaning, sinks }))
    }

    /// Queues one page, waiting while the queue is full.
    pub async fn send(&self, fed: Fed<T>) -> Result<(), Stopped> {
        let tx = self
            .tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(Stopped)?;
        tx.send(fed).await.map_err(|_| Stopped)
    }

    /// No more pages: the pipeline finishes what it holds, then ends.
    pub fn close(&self) {
        self.tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}

impl<E> Running<E> {
    /// Waits for the pipeline to end (close its feed first); a sink's error, if any.
    pub fn finish(self) -> Result<(), E> {
        // A panic is a bug, not a page's fault: carried on up.
        if let Err(payload) = self.cleaning.join() {
            std::panic::resume_unwind(payload);
        }
        let mut first = Ok(());
        for sink in self.sinks {
            match sink.join() {
                Ok(result) => first = first.and(result),
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        first
    }
}

/// Takes what has arrived (waiting for the first page only) and cleans it in parallel,
/// for the sinks in arrival order, until the feed closes or a sink fails.
fn drain<T: Send>(
    mut rx: mpsc::Receiver<Fed<T>>,
    pool: &rayon::ThreadPool,
    chunk_len: usize,
    opts: &Options,
    out: &SyncSender<(Outcome, T)>,
    stop: &AtomicBool,
) {
    while let Some(first) = rx.blocking_recv() {
        if stop.load(Relaxed) {
            return;
        }
        let mut chunk = vec![first];
        while chunk.len() < chunk_len {
            match rx.try_recv() {
                Ok(fed) => chunk.push(fed),
                Err(_) => break,
            }
        }
        let outcomes: Vec<(Outcome, T)> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|fed| {
                    (
                        clean_one(fed.input, fed.cleaner.as_ref(), None, opts),
                        fed.ticket,
                    )
                })
                .collect()
        });
        for outcome in outcomes {
            if out.send(outcome).is_err() {
                return; // every sink has stopped
            }
        }
    }
}

/// One sink's thread: outcomes as they come, until cleaning ends or a sink fails.
fn take<T, E>(
    cleaned: &Mutex<Receiver<(Outcome, T)>>,
    stop: &AtomicBool,
    mut sink: impl FnMut(Outcome, T) -> Result<(), E>,
) -> Result<(), E> {
    while !stop.load(Relaxed) {
        let next = cleaned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .recv();
        let Ok((outcome, ticket)) = next else {
            return Ok(());
        };
        if let Err(e) = sink(outcome, ticket) {
            stop.store(true, Relaxed);
            return Err(e);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tests::{text_input, Panicky};
    use gleaner_clean::Cleaner;

    /// Pages fed from many tasks come out cleaned, each with its own ticket, from one of
    /// three sinks; a page that panics the cleaner is that page's failure; closing the
    /// feed ends the pipeline once what it holds is done.
    #[test]
    fn fed_pages_reach_the_sink_with_their_tickets() {
        let cleaner: Arc<dyn PageCleaner> =
            Arc::new(Panicky(Cleaner::new(&Default::default()).unwrap()));
        let opts = Options {
            jobs: 2,
            templates: false,
            max_input_bytes: 1 << 20,
        };
        let (seen_tx, seen_rx) = std::sync::mpsc::channel();
        let (feed, running) = Feed::start(opts, 3, || {
            let seen_tx = seen_tx.clone();
            move |outcome, ticket: usize| {
                let cleaned = matches!(outcome, Outcome::Cleaned(_));
                seen_tx.send((ticket, cleaned)).map_err(|_| "gone")
            }
        })
        .unwrap();
        drop(seen_tx);
        let feed = Arc::new(feed);
        let prose = "The council agreed on Tuesday, after a long debate, to repair the \
                     old bridge before winter, and the work starts next month.";
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..100usize {
                let (feed, cleaner) = (feed.clone(), cleaner.clone());
                let text = if i == 7 {
                    format!("{prose} PANIC-ME")
                } else {
                    prose.to_string()
                };
                tasks.spawn(async move {
                    let input = text_input(&format!("p{i}"), &text);
                    let fed = Fed {
                        input,
                        cleaner,
                        ticket: i,
                    };
                    feed.send(fed).await.unwrap();
                });
            }
            while let Some(done) = tasks.join_next().await {
                done.unwrap();
            }
        });
        feed.close();
        running.finish().unwrap();
        let mut seen: Vec<(usize, bool)> = seen_rx.iter().collect();
        seen.sort();
        assert_eq!(seen.len(), 100);
        for (i, (ticket, cleaned)) in seen.into_iter().enumerate() {
            assert_eq!((ticket, cleaned), (i, i != 7));
        }
        assert!(matches!(
            runtime.block_on(feed.send(Fed {
                input: text_input("late", prose),
                cleaner,
                ticket: 0,
            })),
            Err(Stopped)
        ));
    }

    /// A sink that fails stops the pipeline: sending then fails, and `finish` gives the
    /// sink's error.
    #[test]
    fn a_failing_sink_stops_the_pipeline() {
        let cleaner: Arc<dyn PageCleaner> = Arc::new(Cleaner::new(&Default::default()).unwrap());
        let opts = Options {
            jobs: 1,
            templates: false,
            max_input_bytes: 1 << 20,
        };
        let (feed, running) =
            Feed::start(opts, 2, || |_, _: ()| Err::<(), _>("disk full")).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let send = |name: &str| {
            runtime.block_on(feed.send(Fed {
                input: text_input(name, "Some words."),
                cleaner: cleaner.clone(),
                ticket: (),
            }))
        };
        send("a").unwrap();
        // The thread has stopped (or stops) after the first page: within a bounded
        // number of sends, the queue is closed.
        let stopped = (0..10_000).any(|i| send(&format!("p{i}")).is_err());
        assert!(stopped);
        assert_eq!(running.finish(), Err("disk full"));
    }
}
