//! `confdiff gc`.

use std::num::{NonZeroU32, NonZeroUsize};

use super::database::open_for_cleaning;
use super::to_stdout;
use crate::cli::GcArgs;
use crate::exit_codes::ExitStatus;
use crate::printers::terminal_safe;
use crate::remote::human_size;

/// Removes old runs and unneeded cached results, and says what went.
pub fn run(args: &GcArgs) -> anyhow::Result<ExitStatus> {
    let engine = open_for_cleaning(&args.db)?;
    let stats = engine.gc(
        args.keep_runs.map(NonZeroUsize::get),
        args.older_than.map(NonZeroU32::get),
    )?;
    let database = engine.database_path().unwrap_or_default();
    let count = |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    to_stdout(|out| {
        writeln!(
            out,
            "removed {} and {} from {} ({} → {})",
            count(stats.runs_removed, "run", "runs"),
            count(stats.cache_rows_removed, "cached result", "cached results"),
            terminal_safe(&database.display().to_string()),
            human_size(stats.bytes_before),
            human_size(stats.bytes_after),
        )
    })
}
