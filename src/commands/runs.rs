//! `confdiff runs`.

use super::database::open_for_reading;
use super::to_stdout;
use crate::cli::RunsArgs;
use crate::exit_codes::ExitStatus;
use crate::printers;

/// Lists the saved runs, newest first.
pub fn run(args: &RunsArgs) -> anyhow::Result<ExitStatus> {
    let engine = open_for_reading(&args.db)?;
    let limit = (args.limit > 0).then_some(args.limit);
    let (runs, total) = engine.list_runs(limit)?;
    let histories = engine.list_histories(limit)?;
    to_stdout(|out| printers::print_runs(&runs, total, &histories, args.format.into(), out))
}
