//! The result of `confdiff blame`, for people or programs.
//!
//! Human output: the path, the file and the revision, the current value
//! and its line, then one block per change, newest first (short id, date,
//! author, subject, and `before → after`). Values are written as the
//! compare output writes them and cut at the same length; the JSON output
//! keeps them whole. Everything from the repository or the user is made
//! terminal-safe.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use super::Format;
use super::escape::{Escaped, terminal_safe};
use super::fit;
use super::human::{MAX_VALUE_CHARS, value_text};
use crate::blame::{BlameChange, BlameReport, BlameState};
use crate::diff::Path;

/// Writes `report` in `format`.
pub fn print_blame(report: &BlameReport, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Human => human(report, out),
        Format::Json => json(report, out),
        other => Err(super::no_such_form("a blame", other, "human or json")),
    }
}

fn human(report: &BlameReport, out: &mut dyn Write) -> io::Result<()> {
    let commit = report.commit.to_string();
    writeln!(
        out,
        "{}  in {}  at {} ({})",
        report.path,
        Escaped(&report.file_path),
        Escaped(&report.rev),
        short(&commit)
    )?;
    writeln!(out, "current: {}", state_with_line(&report.current))?;
    for change in &report.changes {
        writeln!(out)?;
        print_change(change, out)?;
    }
    Ok(())
}

fn print_change(change: &BlameChange, out: &mut dyn Write) -> io::Result<()> {
    let commit = change.commit.id.to_string();
    let time = &change.commit.author_time;
    writeln!(
        out,
        "{}  {}  {}  {}",
        short(&commit),
        Escaped(time.get(..10).unwrap_or(time)),
        Escaped(&change.commit.author),
        Escaped(&change.commit.subject)
    )?;
    let with_types = match (&change.before, &change.after) {
        (BlameState::Present(a), BlameState::Present(b)) => a.value_type != b.value_type,
        _ => false,
    };
    let line = match &change.after {
        BlameState::Present(value) => format!("  (line {})", value.line),
        _ => String::new(),
    };
    writeln!(
        out,
        "  {} → {}{line}",
        state_text(&change.before, with_types),
        state_text(&change.after, with_types)
    )
}

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// The current state, with the line of a present value.
fn state_with_line(state: &BlameState) -> String {
    match state {
        BlameState::Present(value) => {
            format!("{}  (line {})", state_text(state, false), value.line)
        }
        _ => state_text(state, false),
    }
}

/// A value as the compare output shows it (with its type when asked),
/// `(absent)`, or `(error: …)`.
fn state_text(state: &BlameState, with_type: bool) -> String {
    match state {
        BlameState::Absent => "(absent)".to_owned(),
        BlameState::Error { message, .. } => format!("(error: {})", terminal_safe(message)),
        BlameState::Present(value) => {
            let text = terminal_safe(&value_text(value)).into_owned();
            let text = fit::shorten_end(&text, MAX_VALUE_CHARS);
            if with_type {
                format!("{text} ({})", value.value_type)
            } else {
                text.into_owned()
            }
        }
    }
}

#[derive(Serialize)]
struct WireBlame<'a> {
    repository: &'a str,
    rev: &'a str,
    commit: String,
    file_path: &'a str,
    path: &'a Path,
    current: WireState<'a>,
    changes: Vec<WireChange<'a>>,
}

#[derive(Serialize)]
struct WireState<'a> {
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    // Added after the contract's fields: JSON alone cannot tell `.inf`
    // from `".inf"`, and an error state says why.
    #[serde(skip_serializing_if = "Option::is_none")]
    value_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_kind: Option<&'static str>,
}

#[derive(Serialize)]
struct WireChange<'a> {
    commit: String,
    author: &'a str,
    author_time: &'a str,
    subject: &'a str,
    before: WireState<'a>,
    after: WireState<'a>,
}

fn state(state: &BlameState) -> WireState<'_> {
    let (value, error) = match state {
        BlameState::Absent => (None, None),
        BlameState::Error { kind, message } => (None, Some((message.as_str(), kind.name()))),
        BlameState::Present(value) => (Some(value), None),
    };
    WireState {
        state: state.name(),
        value: value.map(|v| &*v.json),
        line: value.map(|v| v.line),
        value_type: value.map(|v| v.value_type.name()),
        error: error.map(|(message, _)| message),
        error_kind: error.map(|(_, kind)| kind),
    }
}

fn json(report: &BlameReport, out: &mut dyn Write) -> io::Result<()> {
    let wire = WireBlame {
        repository: &report.repository,
        rev: &report.rev,
        commit: report.commit.to_string(),
        file_path: &report.file_path,
        path: &report.path,
        current: state(&report.current),
        changes: report
            .changes
            .iter()
            .map(|change| WireChange {
                commit: change.commit.id.to_string(),
                author: &change.commit.author,
                author_time: &change.commit.author_time,
                subject: &change.commit.subject,
                before: state(&change.before),
                after: state(&change.after),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &wire).map_err(io::Error::from)?;
    out.write_all(b"\n")
}
