//! The list of saved runs (`confdiff runs`), for people or programs.

use std::io::{self, Write};

use serde::Serialize;

use super::Format;
use super::escape::terminal_safe;
use super::human::{side_label, summary_line};
use crate::history::HistorySide;
use crate::report::{SideReport, Summary};
use crate::store::{HistorySummary, RunSummary};

/// Writes `runs` (newest first) in `format`; `total` is how many runs the
/// database holds, so a cut list can say so.
pub fn print_runs(
    runs: &[RunSummary],
    total: u64,
    histories: &[HistorySummary],
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => {
            human(runs, total, out)?;
            human_histories(histories, out)
        }
        Format::Json => json(runs, total, histories, out),
        other => Err(super::no_such_form(
            "the list of runs",
            other,
            "human or json",
        )),
    }
}

/// The saved histories, after the runs, only when there are some.
fn human_histories(histories: &[HistorySummary], out: &mut dyn Write) -> io::Result<()> {
    if histories.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "histories (confdiff show ID prints one):")?;
    for h in histories {
        writeln!(
            out,
            "{:>5}  {}  {}  {} → {}  {}  {} commits",
            h.id,
            terminal_safe(&h.created_at),
            terminal_safe(&h.repository),
            history_side(&h.left),
            history_side(&h.right),
            terminal_safe(&h.range),
            h.stats.commits
        )?;
    }
    Ok(())
}

fn history_side(side: &HistorySide) -> String {
    match &side.rev {
        Some(rev) => format!("{}:{}", terminal_safe(rev), terminal_safe(&side.path)),
        None => terminal_safe(&side.path).into_owned(),
    }
}

/// An aligned table; every cell that comes from the database is safe for
/// a terminal, so widths are counted on what is shown.
fn human(runs: &[RunSummary], total: u64, out: &mut dyn Write) -> io::Result<()> {
    if runs.is_empty() {
        return writeln!(out, "no runs saved yet");
    }
    let rows: Vec<[String; 6]> = runs
        .iter()
        .map(|run| {
            [
                run.id.to_string(),
                terminal_safe(&run.created_at).into_owned(),
                terminal_safe(&run.repository).into_owned(),
                side_label(&run.left),
                side_label(&run.right),
                summary_line(&run.summary),
            ]
        })
        .collect();
    let header = ["run", "time (UTC)", "repository", "left", "right", "result"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 6], out: &mut dyn Write| {
        // Ids right-aligned, the rest left-aligned; no padding after the
        // last column.
        write!(out, "{:>w$}", cells[0], w = widths[0])?;
        for (cell, width) in cells[1..5].iter().zip(&widths[1..5]) {
            write!(out, "  {cell:<width$}")?;
        }
        writeln!(out, "  {}", cells[5])
    };
    line(header, out)?;
    for row in &rows {
        line(row.each_ref().map(String::as_str), out)?;
    }
    let shown = runs.len() as u64;
    if total > shown {
        writeln!(
            out,
            "(the newest {shown} of {total} runs; --limit N shows more)"
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct WireRuns<'a> {
    total: u64,
    runs: Vec<WireRun<'a>>,
    /// Only when some are saved, so a database of runs lists as before.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    histories: Vec<WireHistory<'a>>,
}

#[derive(Serialize)]
struct WireHistory<'a> {
    id: i64,
    created_at: &'a str,
    repository: &'a str,
    range: &'a str,
    left: WireHistorySide<'a>,
    right: WireHistorySide<'a>,
    commits: usize,
}

#[derive(Serialize)]
struct WireHistorySide<'a> {
    rev: Option<&'a str>,
    commit: Option<String>,
    path: &'a str,
}

fn wire_history_side(side: &HistorySide) -> WireHistorySide<'_> {
    WireHistorySide {
        rev: side.rev.as_deref(),
        commit: side.commit.map(|c| c.to_string()),
        path: &side.path,
    }
}

#[derive(Serialize)]
struct WireRun<'a> {
    id: i64,
    created_at: &'a str,
    repository: &'a str,
    left: WireSide<'a>,
    right: WireSide<'a>,
    file: &'a str,
    tool_version: &'a str,
    duration_ms: u64,
    summary: Summary,
}

#[derive(Serialize)]
struct WireSide<'a> {
    rev: &'a str,
    commit: &'a str,
    path: &'a str,
}

fn side(side: &SideReport) -> WireSide<'_> {
    WireSide {
        rev: &side.rev,
        commit: &side.commit,
        path: &side.path,
    }
}

fn json(
    runs: &[RunSummary],
    total: u64,
    histories: &[HistorySummary],
    out: &mut dyn Write,
) -> io::Result<()> {
    let wire = WireRuns {
        total,
        runs: runs
            .iter()
            .map(|run| WireRun {
                id: run.id,
                created_at: &run.created_at,
                repository: &run.repository,
                left: side(&run.left),
                right: side(&run.right),
                file: &run.file,
                tool_version: &run.tool_version,
                duration_ms: run.duration_ms,
                summary: run.summary,
            })
            .collect(),
        histories: histories
            .iter()
            .map(|h| WireHistory {
                id: h.id,
                created_at: &h.created_at,
                repository: &h.repository,
                range: &h.range,
                left: wire_history_side(&h.left),
                right: wire_history_side(&h.right),
                commits: h.stats.commits,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &wire).map_err(io::Error::from)?;
    out.write_all(b"\n")
}
