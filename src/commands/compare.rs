//! `confdiff compare`.

use std::io::Write;
use std::num::NonZeroUsize;
use std::time::{Instant, SystemTime};

use anyhow::Context;

use super::database::open_for_saving;
use super::saved_footer;
use crate::cli::CompareArgs;
use crate::compare::compare;
use crate::exit_codes::ExitStatus;
use crate::printers::{self, PrintOptions};
use crate::side::SideSpec;
use crate::store::RunMeta;

/// Compares, saves, prints, and tells how to exit.
pub fn run(args: &CompareArgs) -> anyhow::Result<ExitStatus> {
    let options = args.compare_options()?;
    let left = SideSpec::parse(&args.left, &args.rev)?;
    let right = SideSpec::parse(&args.right, &args.rev)?;
    // The database is opened (and checked) before any comparison work: a
    // run that cannot be saved should fail in a moment, not after it.
    let mut store = if args.no_save {
        None
    } else {
        Some(open_for_saving(&args.db)?)
    };

    let started_at = SystemTime::now();
    let clock = Instant::now();
    let repo = super::open::repository(&args.source)?;
    let mut report = compare(&repo, &left, &right, &options)?;
    let meta = RunMeta::new(started_at, clock.elapsed());

    // A failed save still prints the result (with run_id null) before
    // reporting the failure: the comparison itself is not lost.
    let mut footer = None;
    let mut save_error = None;
    if let Some(store) = store.as_mut() {
        match store.save_run(&report, &meta) {
            Ok(run_id) => {
                report.run_id = Some(run_id);
                footer = Some(saved_footer(store, run_id));
            }
            Err(error) => save_error = Some(error),
        }
    }

    let print_options = PrintOptions {
        format: args.format.into(),
        color: args.color.resolve(),
        width: args
            .width
            .map(NonZeroUsize::get)
            .or_else(printers::terminal_width),
        full_values: args.full_values,
        footer,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    printers::print(&report, &print_options, &mut out)
        .and_then(|()| out.flush())
        .context("cannot write the report")?;

    if let Some(error) = save_error {
        return Err(error.into());
    }
    Ok(if args.exit_code && !report.all_identical() {
        ExitStatus::Differences
    } else {
        ExitStatus::Success
    })
}
