//! `confdiff show`.

use std::num::NonZeroUsize;

use super::database::open_for_reading;
use super::{exit_status, saved_footer, to_stdout};
use crate::cli::ShowArgs;
use crate::exit_codes::ExitStatus;
use crate::printers::{self, PrintOptions};
use crate::store::SavedKind;

/// Prints a saved run (the newest without an id) as `compare` printed it.
pub fn run(args: &ShowArgs) -> anyhow::Result<ExitStatus> {
    let engine = open_for_reading(&args.db)?;
    let database = engine.database_path().unwrap_or_default();
    let id = match args.run {
        Some(id) => id,
        None => engine
            .newest_run()?
            .ok_or_else(|| anyhow::anyhow!("no run is saved in {} yet", database.display()))?,
    };
    if engine.saved_kind(id)? == Some(SavedKind::History) {
        let history = engine.load_history(id)?;
        to_stdout(|out| printers::print_history(&history, args.format.into(), out))?;
        return Ok(ExitStatus::Success);
    }
    let report = engine.load_run(id)?;
    let options = PrintOptions {
        format: args.format.into(),
        color: args.color.resolve(),
        width: args
            .width
            .map(NonZeroUsize::get)
            .or_else(printers::terminal_width),
        full_values: args.full_values,
        show_accepted: args.show_accepted,
        footer: Some(saved_footer(&database, id)),
    };
    to_stdout(|out| printers::print(&report, &options, out))?;
    Ok(exit_status(args.exit_code, &report))
}
