//! `confdiff show`.

use std::io::Write;
use std::num::NonZeroUsize;

use anyhow::Context;

use super::database::open_for_reading;
use super::saved_footer;
use crate::cli::ShowArgs;
use crate::exit_codes::ExitStatus;
use crate::printers::{self, PrintOptions};

/// Prints a saved run as `compare` printed it.
pub fn run(args: &ShowArgs) -> anyhow::Result<ExitStatus> {
    let store = open_for_reading(&args.db)?;
    let report = store.load_run(args.run)?;
    let print_options = PrintOptions {
        format: args.format.into(),
        color: args.color.resolve(),
        width: args
            .width
            .map(NonZeroUsize::get)
            .or_else(printers::terminal_width),
        full_values: args.full_values,
        footer: Some(saved_footer(&store, args.run)),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    printers::print(&report, &print_options, &mut out)
        .and_then(|()| out.flush())
        .context("cannot write the report")?;
    Ok(if args.exit_code && !report.all_identical() {
        ExitStatus::Differences
    } else {
        ExitStatus::Success
    })
}
