//! `confdiff history`.

use std::io::Write;
use std::sync::Arc;

use anyhow::Context;

use super::database::open_for_saving;
use super::stderr::Stderr;
use super::to_stdout;
use crate::cli::HistoryArgs;
use crate::engine::{Engine, EngineConfig};
use crate::exit_codes::ExitStatus;
use crate::printers;

/// Walks the range, saves, prints (and draws), and tells how to exit.
pub fn run(args: &HistoryArgs) -> anyhow::Result<ExitStatus> {
    let request = args.request()?;
    let store = if args.no_save {
        None
    } else {
        Some(open_for_saving(&args.db)?)
    };
    let engine = Engine::new(EngineConfig {
        jobs: args.jobs,
        store,
        observer: Arc::new(Stderr::default()),
        ..EngineConfig::default()
    })?;
    let saved = engine.run_history(&request)?;
    let history = &saved.report;
    if let Some(path) = &args.plot {
        let mut svg = Vec::new();
        printers::plot_history(history, &mut svg)?;
        std::fs::File::create(path)
            .and_then(|mut file| file.write_all(&svg))
            .with_context(|| format!("cannot write the chart to '{}'", path.display()))?;
    }
    to_stdout(|out| printers::print_history(history, args.format.into(), out))?;
    if let Some(error) = saved.save_error {
        return Err(error.into());
    }
    Ok(ExitStatus::Success)
}
