//! Commands: thin adapters from the command line to the engine and the
//! printers. Each turns its arguments into a request, runs it, prints the
//! result on stdout and says how the process should exit.

mod accept;
mod blame;
mod compare;
mod database;
mod fetch;
mod files;
mod gc;
mod history;
mod progress;
mod runs;
mod serve;
mod show;
mod stderr;

use std::io::Write;

use anyhow::Context;

use crate::cli::{self, Cli, Command};
use crate::exit_codes::ExitStatus;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Compare(args) => compare::run(&args),
        Command::Files(args) => files::run(&args),
        Command::History(args) => history::run(&args),
        Command::Blame(args) => blame::run(&args),
        Command::Runs(args) => runs::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Fetch(args) => fetch::run(&args),
        Command::Gc(args) => gc::run(&args),
        Command::Accept(args) => accept::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Completions(args) => to_stdout(|out| {
            cli::write_completions(&args, out);
            Ok(())
        }),
        Command::Man => to_stdout(cli::write_man),
    }
}

/// Writes what `write` writes to stdout, buffered, and flushes it.
fn to_stdout(
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<ExitStatus> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .context("cannot write to stdout")?;
    Ok(ExitStatus::Success)
}

/// The footer of a saved run's human output.
fn saved_footer(database: &std::path::Path, run_id: i64) -> String {
    format!("saved as run {run_id} in {}", database.display())
}

/// 1 with `--exit-code` when some service is not identical.
fn exit_status(exit_code: bool, report: &crate::report::Report) -> ExitStatus {
    if exit_code && !report.all_identical() {
        ExitStatus::Differences
    } else {
        ExitStatus::Success
    }
}
