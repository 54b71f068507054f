//! A history for people (the rows with changes, quiet stretches folded),
//! for programs (the JSON contract), and for spreadsheets (CSV).

use std::io::{self, Write};

use serde::Serialize;

use super::Format;
use super::escape::terminal_safe;
use super::human::summary_line;
use crate::history::{HistoryReport, HistoryRow, HistorySide, HistoryStats, ServiceChange};
use crate::report::{Status, Summary};

/// Writes `history` in `format`.
pub fn print_history(
    history: &HistoryReport,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human(history, out),
        Format::Json => json(history, out),
        Format::Csv => csv(history, out),
        other => Err(super::no_such_form(
            "a history",
            other,
            "human, json or csv",
        )),
    }
}

#[derive(Serialize)]
struct WireHistory<'a> {
    history_id: Option<i64>,
    repository: &'a str,
    file: &'a str,
    range: &'a str,
    first_parent: bool,
    left: WireSide<'a>,
    right: WireSide<'a>,
    rows: Vec<WireRow<'a>>,
    stats: WireStats,
}

#[derive(Serialize)]
struct WireSide<'a> {
    rev: Option<&'a str>,
    commit: Option<String>,
    path: &'a str,
}

#[derive(Serialize)]
struct WireRow<'a> {
    commit: String,
    author: &'a str,
    author_time: &'a str,
    subject: &'a str,
    left_commit: String,
    right_commit: String,
    summary: Summary,
    changes: Vec<WireChange<'a>>,
}

#[derive(Serialize)]
struct WireChange<'a> {
    service: &'a str,
    from: Option<&'static str>,
    to: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    differences: Option<usize>,
}

#[derive(Serialize)]
struct WireStats {
    commits: usize,
    pairs_compared: usize,
    pairs_reused: usize,
}

fn side(side: &HistorySide) -> WireSide<'_> {
    WireSide {
        rev: side.rev.as_deref(),
        commit: side.commit.map(|c| c.to_string()),
        path: &side.path,
    }
}

fn json(history: &HistoryReport, out: &mut dyn Write) -> io::Result<()> {
    let HistoryStats {
        commits,
        pairs_compared,
        pairs_reused,
    } = history.stats;
    let wire = WireHistory {
        history_id: history.history_id,
        repository: &history.repository,
        file: &history.file,
        range: &history.range,
        first_parent: history.first_parent,
        left: side(&history.left),
        right: side(&history.right),
        rows: history
            .rows
            .iter()
            .map(|row| WireRow {
                commit: row.commit.to_string(),
                author: &row.author,
                author_time: &row.author_time,
                subject: &row.subject,
                left_commit: row.left_commit.to_string(),
                right_commit: row.right_commit.to_string(),
                summary: row.summary,
                changes: row
                    .changes
                    .iter()
                    .map(|c| WireChange {
                        service: &c.service,
                        from: c.from.map(Status::name),
                        to: c.to.map(Status::name),
                        differences: c.differences,
                    })
                    .collect(),
            })
            .collect(),
        stats: WireStats {
            commits,
            pairs_compared,
            pairs_reused,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &wire).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// `DIR` (following) or `REV:DIR (abc1234)` (pinned).
fn side_label(side: &HistorySide) -> String {
    match (&side.rev, side.commit) {
        (Some(rev), Some(commit)) => {
            let short = commit.to_hex_with_len(7);
            format!(
                "{}:{} ({short})",
                terminal_safe(rev),
                terminal_safe(&side.path)
            )
        }
        _ => format!("{} (follows the range)", terminal_safe(&side.path)),
    }
}

fn human(history: &HistoryReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{}  →  {}   ({}, {}{})",
        side_label(&history.left),
        side_label(&history.right),
        terminal_safe(&history.file),
        terminal_safe(&history.range),
        if history.first_parent {
            ", first parent"
        } else {
            ""
        }
    )?;
    writeln!(out)?;
    let last = history.rows.len().saturating_sub(1);
    let mut quiet = 0;
    for (i, row) in history.rows.iter().enumerate() {
        if i != 0 && i != last && row.changes.is_empty() {
            quiet += 1;
            continue;
        }
        fold(quiet, out)?;
        quiet = 0;
        human_row(row, out)?;
    }
    writeln!(out)?;
    let s = &history.stats;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "{}; {} compared, {} reused",
        plural(s.commits, "commit"),
        plural(s.pairs_compared, "pair"),
        s.pairs_reused
    )?;
    if let Some(id) = history.history_id {
        writeln!(out, "saved as history {id}")?;
    }
    Ok(())
}

fn fold(quiet: usize, out: &mut dyn Write) -> io::Result<()> {
    match quiet {
        0 => Ok(()),
        1 => writeln!(out, "  … 1 commit without changes"),
        n => writeln!(out, "  … {n} commits without changes"),
    }
}

fn human_row(row: &HistoryRow, out: &mut dyn Write) -> io::Result<()> {
    let date = row.author_time.get(..10).unwrap_or(&row.author_time);
    writeln!(
        out,
        "{} {}  {}",
        row.commit.to_hex_with_len(7),
        terminal_safe(date),
        terminal_safe(&row.subject)
    )?;
    writeln!(out, "    {}", summary_line(&row.summary))?;
    if !row.changes.is_empty() {
        let changed: Vec<String> = row.changes.iter().map(change_text).collect();
        writeln!(out, "    {}", changed.join(", "))?;
    }
    Ok(())
}

/// `billing identical→different`, `orders (new)→missing_left`.
fn change_text(change: &ServiceChange) -> String {
    let name = |status: Option<Status>| status.map_or("absent", Status::name);
    format!(
        "{} {}→{}",
        terminal_safe(&change.service),
        name(change.from),
        name(change.to)
    )
}

fn csv(history: &HistoryReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "commit,author,author_time,subject,services,identical,different,missing_left,missing_right,errors,differences,changes"
    )?;
    for row in &history.rows {
        let s = &row.summary;
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            row.commit,
            csv_field(&row.author),
            row.author_time,
            csv_field(&row.subject),
            s.services,
            s.identical,
            s.different,
            s.missing_left,
            s.missing_right,
            s.errors,
            s.differences,
            row.changes.len()
        )?;
    }
    Ok(())
}

/// RFC 4180: quoted when it holds a comma, quote or line break; quotes
/// doubled.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
