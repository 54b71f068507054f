//! `confdiff compare`.

use std::io::Write;

use anyhow::Context;

use crate::cli::CompareArgs;
use crate::compare::compare;
use crate::exit_codes::ExitStatus;
use crate::printers::{self, PrintOptions};
use crate::side::SideSpec;

/// Compares, prints, and tells how to exit.
pub fn run(args: &CompareArgs) -> anyhow::Result<ExitStatus> {
    let options = args.compare_options()?;
    let left = SideSpec::parse(&args.left, &args.rev)?;
    let right = SideSpec::parse(&args.right, &args.rev)?;
    let repo = super::open::repository(&args.source)?;
    let report = compare(&repo, &left, &right, &options)?;

    let print_options = PrintOptions {
        format: args.format.into(),
        color: args.color.resolve(),
        footer: None,
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
