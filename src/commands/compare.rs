//! `confdiff compare`.

use std::num::NonZeroUsize;
use std::sync::Arc;

use super::database::open_for_saving;
use super::stderr::Stderr;
use super::{exit_status, saved_footer, to_stdout};
use crate::cli::CompareArgs;
use crate::engine::{Engine, EngineConfig};
use crate::exit_codes::ExitStatus;
use crate::printers::{self, PrintOptions};

/// Compares, saves, prints, and tells how to exit.
pub fn run(args: &CompareArgs) -> anyhow::Result<ExitStatus> {
    let request = args.request()?;
    // The database is opened (and checked) before any comparison work: a
    // run that cannot be saved should fail in a moment, not after it.
    let store = if args.no_save {
        None
    } else {
        Some(open_for_saving(&args.db)?)
    };
    let engine = Engine::new(EngineConfig {
        jobs: args.jobs,
        store,
        observer: Arc::new(Stderr::default()),
    })?;
    let comparison = engine.run_comparison(&request)?;
    let report = &comparison.report;

    // A failed save still prints the result (with run_id null) before
    // reporting the failure: the comparison itself is not lost.
    let footer = report
        .run_id
        .zip(engine.database_path())
        .map(|(id, path)| saved_footer(&path, id));
    let options = PrintOptions {
        format: args.format.into(),
        color: args.color.resolve(),
        width: args
            .width
            .map(NonZeroUsize::get)
            .or_else(printers::terminal_width),
        full_values: args.full_values,
        footer,
    };
    to_stdout(|out| printers::print(report, &options, out))?;
    if let Some(error) = comparison.save_error {
        return Err(error.into());
    }
    Ok(exit_status(args.exit_code, report))
}
