//! `confdiff runs`.

use std::io::Write;

use anyhow::Context;

use super::database::open_for_reading;
use crate::cli::RunsArgs;
use crate::exit_codes::ExitStatus;
use crate::printers;

/// Lists the saved runs, newest first.
pub fn run(args: &RunsArgs) -> anyhow::Result<ExitStatus> {
    let store = open_for_reading(&args.db)?;
    let limit = (args.limit > 0).then_some(args.limit);
    let runs = store.list_runs(limit)?;
    let total = store.count_runs()?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    printers::print_runs(&runs, total, args.format.into(), &mut out)
        .and_then(|()| out.flush())
        .context("cannot write the list of runs")?;
    Ok(ExitStatus::Success)
}
