//! How many comparisons run at once, how many may wait, and the table of
//! comparisons that outlived their request (answered `202`).
//!
//! A job is admitted (a worker slot, or a place in the bounded queue) by
//! the request handler, so a full server says `503` at once; it then runs
//! in a task of its own that holds the slot until the engine is done,
//! whether or not the client still waits. The result goes into the job
//! table, where `GET /api/runs/pending-N` finds it. A run is only ever
//! visible in the database once it is saved whole (the store writes a run
//! in one transaction), so nothing half-saved can be listed or shown.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError, watch};
use tokio_util::task::TaskTracker;

use super::error::ApiError;
use super::metrics::Metrics;

/// How many finished jobs the table remembers; older ones are forgotten
/// (their runs stay in the database under their own ids).
const FINISHED_JOBS_KEPT: usize = 4096;

/// The worker slots and the queue in front of them.
pub struct Limiter {
    slots: Arc<Semaphore>,
    max_concurrent: usize,
    max_queue: usize,
    queued: Arc<AtomicUsize>,
    metrics: Arc<Metrics>,
}

/// An admitted job: it holds a slot, or a place in the queue.
pub struct Ticket {
    slot: Option<OwnedSemaphorePermit>,
    place: Option<QueuePlace>,
    slots: Arc<Semaphore>,
}

/// A place in the queue; leaving it (however) frees it.
struct QueuePlace {
    queued: Arc<AtomicUsize>,
    metrics: Arc<Metrics>,
}

impl Drop for QueuePlace {
    fn drop(&mut self) {
        let now = self.queued.fetch_sub(1, Ordering::SeqCst) - 1;
        self.metrics.set_queue_depth(now);
    }
}

impl Limiter {
    /// `max_concurrent` slots and up to `max_queue` waiting jobs.
    pub fn new(max_concurrent: usize, max_queue: usize, metrics: Arc<Metrics>) -> Limiter {
        Limiter {
            slots: Arc::new(Semaphore::new(max_concurrent)),
            max_concurrent,
            max_queue,
            queued: Arc::new(AtomicUsize::new(0)),
            metrics,
        }
    }

    /// A slot now, or a place in the queue, or `503`.
    pub fn admit(&self) -> Result<Ticket, ApiError> {
        match Arc::clone(&self.slots).try_acquire_owned() {
            Ok(slot) => {
                return Ok(Ticket {
                    slot: Some(slot),
                    place: None,
                    slots: Arc::clone(&self.slots),
                });
            }
            Err(TryAcquireError::Closed) => return Err(ApiError::ShuttingDown),
            Err(TryAcquireError::NoPermits) => {}
        }
        let before = self.queued.fetch_add(1, Ordering::SeqCst);
        let place = QueuePlace {
            queued: Arc::clone(&self.queued),
            metrics: Arc::clone(&self.metrics),
        };
        if before >= self.max_queue {
            drop(place);
            return Err(ApiError::Busy {
                running: self.max_concurrent,
                queued: before,
                retry_after: 1 + before as u64 / self.max_concurrent.max(1) as u64,
            });
        }
        self.metrics.set_queue_depth(before + 1);
        Ok(Ticket {
            slot: None,
            place: Some(place),
            slots: Arc::clone(&self.slots),
        })
    }

    /// Takes no new jobs: jobs still queued are turned away with `503`.
    pub fn close(&self) {
        self.slots.close();
    }
}

impl Ticket {
    /// Waits for the slot (leaving the queue once it has it).
    async fn slot(mut self) -> Result<OwnedSemaphorePermit, ApiError> {
        if let Some(slot) = self.slot.take() {
            return Ok(slot);
        }
        let slot = Arc::clone(&self.slots)
            .acquire_owned()
            .await
            .map_err(|_| ApiError::ShuttingDown);
        drop(self.place.take());
        slot
    }
}

/// What a finished job answers: its saved id and its document, or why it
/// could not run.
#[derive(Debug, Clone)]
pub enum JobOutcome {
    /// Saved: the resource's URL and the body `show --format json` prints.
    Done {
        /// `/api/runs/{id}` or `/api/histories/{id}`.
        location: String,
        /// The document, byte for byte.
        body: Arc<Vec<u8>>,
    },
    /// It could not run, or could not be saved.
    Failed(ApiError),
}

/// A job's id, as its URL writes it: `pending-N`.
pub type JobId = u64;

/// The jobs started by this server, running or finished.
pub struct Jobs {
    next: AtomicU64,
    table: Mutex<BTreeMap<JobId, watch::Receiver<Option<JobOutcome>>>>,
    tracker: TaskTracker,
}

impl Jobs {
    /// An empty table.
    pub fn new() -> Jobs {
        Jobs {
            next: AtomicU64::new(1),
            table: Mutex::new(BTreeMap::new()),
            tracker: TaskTracker::new(),
        }
    }

    /// Runs `work` on the blocking pool once `ticket` has a slot, in a
    /// task of its own that outlives the request; returns its id and a
    /// receiver that sees its outcome.
    pub fn start(
        &self,
        ticket: Ticket,
        work: impl FnOnce() -> JobOutcome + Send + 'static,
    ) -> (JobId, watch::Receiver<Option<JobOutcome>>) {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let (sender, receiver) = watch::channel(None);
        self.remember(id, receiver.clone());
        self.tracker.spawn(async move {
            let outcome = match ticket.slot().await {
                Ok(slot) => {
                    let done = tokio::task::spawn_blocking(work).await;
                    drop(slot);
                    done.unwrap_or_else(|panic| {
                        JobOutcome::Failed(ApiError::Internal(format!(
                            "the comparison failed unexpectedly: {panic}"
                        )))
                    })
                }
                Err(error) => JobOutcome::Failed(error),
            };
            let _ = sender.send(Some(outcome));
        });
        (id, receiver)
    }

    /// The outcome of job `id` so far: `None` while it runs; an error when
    /// there is no such job.
    pub fn status(&self, id: JobId) -> Result<Option<JobOutcome>, ApiError> {
        let table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        let receiver = table
            .get(&id)
            .ok_or_else(|| ApiError::NotFound(format!("no pending run pending-{id}")))?;
        Ok(receiver.borrow().clone())
    }

    /// Waits until every started job has finished (within `grace`); says
    /// whether they all did.
    pub async fn drain(&self, grace: std::time::Duration) -> bool {
        self.tracker.close();
        tokio::time::timeout(grace, self.tracker.wait())
            .await
            .is_ok()
    }

    fn remember(&self, id: JobId, receiver: watch::Receiver<Option<JobOutcome>>) {
        let mut table = self.table.lock().unwrap_or_else(PoisonError::into_inner);
        table.insert(id, receiver);
        if table.len() > FINISHED_JOBS_KEPT {
            let finished: Vec<JobId> = table
                .iter()
                .filter(|(_, r)| r.borrow().is_some())
                .map(|(id, _)| *id)
                .take(table.len() - FINISHED_JOBS_KEPT)
                .collect();
            for id in finished {
                table.remove(&id);
            }
        }
    }
}
