//! `confdiff compare`.

use std::num::NonZeroUsize;
use std::sync::Arc;

use super::database::open_for_saving;
use super::stderr::Stderr;
use super::{exit_status, saved_footer, to_stdout};
use crate::cli::{ColorArg, CompareArgs, DbArgs, ReportFormatArg};
use crate::engine::{Comparison, Engine, EngineConfig};
use crate::exit_codes::ExitStatus;
use crate::printers::{self, PrintOptions};

/// Compares, saves, prints, and tells how to exit.
pub fn run(args: &CompareArgs) -> anyhow::Result<ExitStatus> {
    let request = args.request()?;
    let engine = engine(&args.db, args.no_save, args.jobs)?;
    let comparison = engine.run_comparison(&request)?;
    finish(
        &engine,
        comparison,
        &Output {
            format: args.format,
            color: args.color,
            width: args.width,
            full_values: args.full_values,
            exit_code: args.exit_code,
            show_accepted: args.show_accepted,
        },
    )
}

/// How a comparison is shown, and how its exit status is chosen.
pub(super) struct Output {
    pub format: ReportFormatArg,
    pub color: ColorArg,
    pub width: Option<NonZeroUsize>,
    pub full_values: bool,
    pub exit_code: bool,
    pub show_accepted: bool,
}

/// The engine of a comparison. The database is opened (and checked)
/// before any comparison work: a run that cannot be saved should fail in
/// a moment, not after it.
pub(super) fn engine(
    db: &DbArgs,
    no_save: bool,
    jobs: Option<NonZeroUsize>,
) -> anyhow::Result<Engine> {
    let store = if no_save {
        None
    } else {
        Some(open_for_saving(db)?)
    };
    Ok(Engine::new(EngineConfig {
        jobs,
        store,
        observer: Arc::new(Stderr::default()),
        ..EngineConfig::default()
    })?)
}

/// Prints a comparison and tells how to exit.
pub(super) fn finish(
    engine: &Engine,
    comparison: Comparison,
    output: &Output,
) -> anyhow::Result<ExitStatus> {
    let report = &comparison.report;
    // A failed save still prints the result (with run_id null) before
    // reporting the failure: the comparison itself is not lost.
    let footer = report
        .run_id
        .zip(engine.database_path())
        .map(|(id, path)| saved_footer(&path, id));
    let options = PrintOptions {
        format: output.format.into(),
        color: output.color.resolve(),
        width: output
            .width
            .map(NonZeroUsize::get)
            .or_else(printers::terminal_width),
        full_values: output.full_values,
        show_accepted: output.show_accepted,
        footer,
    };
    to_stdout(|out| printers::print(report, &options, out))?;
    if let Some(error) = comparison.save_error {
        return Err(error.into());
    }
    Ok(exit_status(output.exit_code, report))
}
