//! `confdiff fetch`: clone or update mirrors ahead of time, or list them.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context;

use super::stderr::Stderr;
use crate::cli::FetchArgs;
use crate::engine::{Engine, EngineConfig, RemoteAccess};
use crate::exit_codes::ExitStatus;
use crate::printers::terminal_safe;
use crate::remote::{self, MirrorState, MirrorSummary, human_size};

/// Fetches each URL (all of them, even after a failure), or lists.
pub fn run(args: &FetchArgs) -> anyhow::Result<ExitStatus> {
    let engine = Engine::new(EngineConfig {
        jobs: std::num::NonZeroUsize::new(1),
        store: None,
        observer: Arc::new(Stderr::default()),
        ..EngineConfig::default()
    })?;
    if args.list {
        let (root, mirrors) = engine.mirrors(args.cache_dir.clone())?;
        return list(&root, &mirrors);
    }
    let urls = args.urls()?;
    let access = RemoteAccess {
        cache_dir: args.cache_dir.clone(),
        token: std::env::var(remote::TOKEN_VAR).ok(),
        ..RemoteAccess::default()
    };
    let stdout = std::io::stdout();
    let mut failed = 0;
    for given in &urls {
        match engine.fetch(given, &access) {
            Ok(mirror) => {
                let verb = match mirror.state {
                    MirrorState::Cloned => "cloned",
                    _ => "fetched",
                };
                let mut out = stdout.lock();
                writeln!(out, "{verb} {} into {}", mirror.url, mirror.path.display())
                    .and_then(|()| out.flush())
                    .context("cannot write to stdout")?;
            }
            Err(err) => {
                eprintln!("confdiff: {}", terminal_safe(&err.to_string()));
                failed += 1;
            }
        }
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} repositories could not be fetched",
            urls.len()
        );
    }
    Ok(ExitStatus::Success)
}

/// One line per mirror: URL, size, last fetch, folder; aligned.
fn list(root: &Path, mirrors: &[MirrorSummary]) -> anyhow::Result<ExitStatus> {
    if mirrors.is_empty() {
        eprintln!("confdiff: no mirrors in {}", root.display());
        return Ok(ExitStatus::Success);
    }
    let rows: Vec<[String; 4]> = mirrors
        .iter()
        .map(|m| {
            [
                m.record
                    .as_ref()
                    .map_or_else(|| "(unknown URL)".to_owned(), |r| r.url.clone()),
                human_size(m.size),
                remote::describe_fetch_time(m.record.as_ref().map(|r| r.fetched_at)),
                m.path.display().to_string(),
            ]
        })
        .collect();
    let header = ["URL", "SIZE", "LAST FETCH", "MIRROR"].map(str::to_owned);
    let mut widths = [0usize; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:w0$}  {:>w1$}  {:w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
