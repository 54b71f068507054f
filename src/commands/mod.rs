//! Commands: glue between the command line, the comparison, the store and
//! the printers. Each command returns how the process should exit.

mod compare;
mod database;
mod fetch;
mod open;
mod runs;
mod show;

use crate::cli::{Cli, Command};
use crate::exit_codes::ExitStatus;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Compare(args) => compare::run(&args),
        Command::Runs(args) => runs::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Fetch(args) => fetch::run(&args),
    }
}

/// The footer of a saved run's human output.
fn saved_footer(store: &crate::store::Store, run_id: i64) -> String {
    format!("saved as run {run_id} in {}", store.path().display())
}
