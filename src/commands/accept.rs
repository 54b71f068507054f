//! `confdiff accept`.

use anyhow::Context;
use globset::{Glob, GlobSetBuilder};

use super::database::open_for_reading;
use crate::baseline::Baseline;
use crate::cli::AcceptArgs;
use crate::exit_codes::ExitStatus;
use crate::store::SavedKind;

/// Adds a saved run's differences to the baseline file and says what
/// changed in it.
pub fn run(args: &AcceptArgs) -> anyhow::Result<ExitStatus> {
    let mut globs = GlobSetBuilder::new();
    for pattern in &args.service {
        let glob =
            Glob::new(pattern).with_context(|| format!("invalid --service glob '{pattern}'"))?;
        globs.add(glob);
    }
    let globs = globs.build().context("invalid --service globs")?;
    let chosen = |name: &str| args.service.is_empty() || globs.is_match(name);

    let engine = open_for_reading(&args.db)?;
    let database = engine.database_path().unwrap_or_default();
    let id = match args.run {
        Some(id) => id,
        None => engine
            .newest_run()?
            .ok_or_else(|| anyhow::anyhow!("no run is saved in {} yet", database.display()))?,
    };
    if engine.saved_kind(id)? == Some(SavedKind::History) {
        anyhow::bail!("{id} is a history: accept takes a comparison run (see `confdiff runs`)");
    }
    let report = engine.load_run(id)?;
    let mut baseline = Baseline::load(&args.baseline, true)?;
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let stats = baseline.accept(&report, &chosen, args.reason.as_deref(), &now, args.prune);
    baseline.save(&args.baseline)?;
    println!(
        "{}: {} added, {} already there, {} pruned ({} in all, from run {id})",
        args.baseline.display(),
        stats.added,
        stats.kept,
        stats.pruned,
        stats.total
    );
    Ok(ExitStatus::Success)
}
