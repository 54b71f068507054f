//! Commands: glue between the command line, the comparison, the store and
//! the printers. Each command returns how the process should exit.

mod compare;
mod fetch;
mod open;

use crate::cli::{Cli, Command};
use crate::exit_codes::ExitStatus;

/// Runs the command the user asked for.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Compare(args) => compare::run(&args),
        Command::Fetch(args) => fetch::run(&args),
    }
}
