//! `confdiff serve`: the comparison as an HTTP service, and pages to
//! browse what was saved. One [`Engine`] (one pool, one database) serves
//! every request; handlers call it only through `spawn_blocking`, never
//! on the async workers. Routes are listed in [`routes`], the state every
//! handler shares is [`AppState`].

mod allow;
mod auth;
mod body;
mod error;
mod limits;
mod log;
mod metrics;
mod openapi;
mod routes;
mod templates;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::engine::Engine;

pub use allow::AllowList;
pub use auth::read_token;

use limits::{Jobs, Limiter};
use metrics::Metrics;

/// The largest request body accepted; larger ones are `413`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// How the server runs, checked and converted from the command line.
pub struct ServeConfig {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The repositories that may be compared.
    pub allow: AllowList,
    /// The bearer token every request must carry, if any.
    pub token: Option<String>,
    /// Comparisons at once.
    pub max_concurrent: usize,
    /// Comparisons that may wait for a slot.
    pub max_queue: usize,
    /// How long a request waits for its comparison before it answers `202`.
    pub sync_timeout: Duration,
    /// How long running comparisons may take to finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// The mirror cache for URL repositories; `None` for the user's.
    pub cache_dir: Option<PathBuf>,
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A non-loopback address without a token.
    #[error(
        "--listen {0} is not a loopback address: give --token-file too, so that only callers with the token are served"
    )]
    OpenWithoutToken(SocketAddr),
    /// The address cannot be bound.
    #[error("cannot listen on {address}: {reason}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// What the system said.
        reason: String,
    },
    /// The async runtime cannot start, or serving failed.
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    engine: Arc<Engine>,
    allow: Arc<AllowList>,
    token: Option<Arc<str>>,
    limiter: Arc<Limiter>,
    jobs: Arc<Jobs>,
    metrics: Arc<Metrics>,
    sync_timeout: Duration,
    cache_dir: Option<PathBuf>,
}

/// Checks the configuration before anything is bound.
pub fn check(config: &ServeConfig) -> Result<(), ServeError> {
    if !config.listen.ip().is_loopback() && config.token.is_none() {
        return Err(ServeError::OpenWithoutToken(config.listen));
    }
    Ok(())
}

/// Binds, calls `ready` with the bound address, serves until SIGTERM or
/// SIGINT, lets running comparisons finish (within the grace period), and
/// returns.
pub fn run(
    engine: Engine,
    config: ServeConfig,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    check(&config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("confdiff-serve")
        .enable_all()
        .build()?;
    let result = runtime.block_on(serve(engine, config, ready));
    // `serve` already waited the grace period for running comparisons; one
    // still running is dropped here, and the store writes each run in one
    // transaction, so it leaves nothing behind.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

async fn serve(
    engine: Engine,
    config: ServeConfig,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| ServeError::Bind {
            address: config.listen,
            reason: e.to_string(),
        })?;
    let address = listener.local_addr()?;
    let metrics = Arc::new(Metrics::new());
    let state = AppState {
        engine: Arc::new(engine),
        allow: Arc::new(config.allow),
        token: config.token.map(Arc::from),
        limiter: Arc::new(Limiter::new(
            config.max_concurrent.max(1),
            config.max_queue,
            Arc::clone(&metrics),
        )),
        jobs: Arc::new(Jobs::new()),
        metrics,
        sync_timeout: config.sync_timeout,
        cache_dir: config.cache_dir,
    };
    let app = routes::router(state.clone());
    let checkpoints = Checkpoints::start(&state.engine)?;
    ready(address);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped accepting; waiting for running comparisons");
    state.limiter.close();
    if !state.jobs.drain(config.shutdown_grace).await {
        tracing::warn!("comparisons still running after the grace period were stopped");
    }
    checkpoints.stop();
    Ok(())
}

/// How often the runs saved meanwhile get their rows written, and the
/// database's log is copied into the database, while serving.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Pending runs written per transaction. The store is locked while they
/// are written, so a request waits at most for this many runs' rows
/// (about 15 ms for 150-service runs), never for everything pending; the
/// thread then lets go of the store for [`SETTLE_PAUSE`] before the next
/// batch, so that under a steady load requests get most of it.
const SETTLE_BATCH: usize = 8;

/// How long the thread leaves the store to requests between two batches.
const SETTLE_PAUSE: Duration = Duration::from_millis(4);

/// The thread that writes the rows of the runs saved meanwhile, many runs
/// at a time, and copies the database's log into the database, so that a
/// request's save only appends its run and one document to the log, and
/// never waits for that work. Without a database there is none.
struct Checkpoints(Option<(std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>)>);

impl Checkpoints {
    /// Starts the thread.
    fn start(engine: &Arc<Engine>) -> Result<Checkpoints, ServeError> {
        let checkpointer = engine
            .prepare_for_serving()
            .map_err(|e| ServeError::Io(std::io::Error::other(e.to_string())))?;
        let Some(checkpointer) = checkpointer else {
            return Ok(Checkpoints(None));
        };
        let engine = Arc::clone(engine);
        let every = checkpoint_interval();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let round = move || {
            loop {
                match engine.settle_pending(SETTLE_BATCH) {
                    Ok(n) if n == SETTLE_BATCH => std::thread::sleep(SETTLE_PAUSE),
                    Ok(_) => break,
                    Err(error) => {
                        tracing::warn!("{error}");
                        break;
                    }
                }
            }
            if let Err(error) = checkpointer.checkpoint() {
                tracing::warn!("{error}");
            }
        };
        let thread = std::thread::Builder::new()
            .name("confdiff-checkpoint".to_owned())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(every)
                {
                    round();
                }
                // A last one, so nothing is pending and the log is small
                // for whoever opens next.
                round();
            })?;
        Ok(Checkpoints(Some((stop, thread))))
    }

    /// Stops the thread after its last checkpoint.
    fn stop(self) {
        if let Some((stop, thread)) = self.0 {
            drop(stop);
            let _ = thread.join();
        }
    }
}
/// [`CHECKPOINT_EVERY`], or for confdiff's own tests, which need runs to
/// stay pending while they look, `CONFDIFF_TEST_CHECKPOINT_EVERY_MS`.
fn checkpoint_interval() -> Duration {
    std::env::var("CONFDIFF_TEST_CHECKPOINT_EVERY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(CHECKPOINT_EVERY, Duration::from_millis)
}

/// SIGTERM or SIGINT.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
