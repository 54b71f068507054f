//! `confdiff blame`.

use std::num::NonZeroUsize;
use std::sync::Arc;

use super::stderr::Stderr;
use super::to_stdout;
use crate::cli::BlameArgs;
use crate::engine::{Engine, EngineConfig};
use crate::exit_codes::ExitStatus;
use crate::printers;

/// Walks the history of one value and prints its changes.
pub fn run(args: &BlameArgs) -> anyhow::Result<ExitStatus> {
    let request = args.request()?;
    // The walk runs on this thread: one worker is all the engine needs,
    // and no database is opened.
    let engine = Engine::new(EngineConfig {
        jobs: NonZeroUsize::new(1),
        store: None,
        observer: Arc::new(Stderr::default()),
        ..EngineConfig::default()
    })?;
    let report = engine.blame(&request)?;
    to_stdout(|out| printers::print_blame(&report, args.format.into(), out))
}
