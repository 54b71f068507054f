//! `confdiff serve`.

use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;

use super::database::open_for_saving;
use super::stderr::Stderr;
use crate::cli::ServeArgs;
use crate::engine::{Engine, EngineConfig};
use crate::exit_codes::ExitStatus;
use crate::serve::{self, AllowList, ServeConfig};

/// Checks the options, opens the database, serves until SIGTERM/SIGINT.
pub fn run(args: &ServeArgs) -> anyhow::Result<ExitStatus> {
    if !args.sync_timeout.is_finite() || args.sync_timeout < 0.0 {
        bail!(
            "invalid --sync-timeout '{}': give a number of seconds, 0 or more",
            args.sync_timeout
        );
    }
    let config = ServeConfig {
        listen: args.listen,
        allow: AllowList::new(&args.allowed()?)?,
        token: args
            .token_file
            .as_deref()
            .map(serve::read_token)
            .transpose()?,
        max_concurrent: args
            .max_concurrent
            .map_or_else(Engine::worker_limit, std::num::NonZeroUsize::get),
        max_queue: args.max_queue,
        sync_timeout: Duration::from_secs_f64(args.sync_timeout),
        shutdown_grace: Duration::from_secs(args.shutdown_grace),
        cache_dir: args.cache_dir.clone(),
    };
    serve::check(&config)?;
    let engine = Engine::new(EngineConfig {
        jobs: args.jobs,
        store: Some(open_for_saving(&args.db)?),
        observer: Arc::new(Stderr::default()),
        // Every request lists the same folders and asks for the same
        // pairs: keep them in memory, in front of the database.
        remember_recent: true,
    })?;
    // The request log goes to stderr, one line per request.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(false)
        .try_init();
    serve::run(engine, config, |address| {
        eprintln!("listening on http://{address}");
    })?;
    Ok(ExitStatus::Success)
}
