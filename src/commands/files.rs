//! `confdiff files`.

use super::compare::{Output, engine, finish};
use crate::cli::FilesArgs;
use crate::exit_codes::ExitStatus;

/// Compares two files or directories on disk, saves, prints, and tells
/// how to exit.
pub fn run(args: &FilesArgs) -> anyhow::Result<ExitStatus> {
    let request = args.request()?;
    let engine = engine(&args.db, args.no_save, args.jobs)?;
    let comparison = engine.run_files(&request)?;
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
