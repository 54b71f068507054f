//! Printers: render a [`Report`] for people or for programs. Both write to
//! any `Write`, so the command line, tests and a server share them.

mod blame;
pub(crate) mod escape;
mod fit;
mod github;
mod gitlab;
mod history;
mod human;
mod json;
mod junit;
mod markdown;
mod patch;
mod plot;
mod review;
mod runs;

use std::io::{self, Write};

use crate::report::Report;

pub use blame::print_blame;
pub use escape::{Escaped, terminal_safe};
pub use history::print_history;
pub use json::print_service;
pub use plot::plot_history;
pub use runs::print_runs;

/// The output format, chosen in exactly one place: [`print`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned, optionally coloured text.
    #[default]
    Human,
    /// The JSON contract.
    Json,
    /// Comma-separated values, one line per row (histories).
    Csv,
    /// GitHub Actions workflow commands: an annotation per difference.
    Github,
    /// A GitLab Code Quality report.
    Gitlab,
    /// Markdown tables, for a pull-request comment.
    Markdown,
    /// A JUnit XML report: a test case per service.
    Junit,
    /// RFC 6902 JSON Patches from the left documents to the right ones.
    Patch,
}

impl Format {
    /// The format's name, as `--format` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Github => "github",
            Format::Gitlab => "gitlab",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Patch => "patch",
        }
    }
}

/// The error for a format that `what` has no form in.
pub(crate) fn no_such_form(what: &str, format: Format, has: &str) -> io::Error {
    io::Error::other(format!(
        "{what} has no {} form; use --format {has}",
        format.name()
    ))
}

/// How to print.
#[derive(Debug, Clone, Default)]
pub struct PrintOptions {
    /// Human or JSON.
    pub format: Format,
    /// Colour the human output.
    pub color: bool,
    /// A last line for human output, such as where the run was saved.
    pub footer: Option<String>,
    /// Fit each difference line of the human output in this many
    /// characters: paths shortened in the middle, values at the end, line
    /// numbers never. `None` keeps the fixed layout (values cut at 48
    /// characters), for output that goes to no terminal.
    pub width: Option<usize>,
    /// Never shorten values or paths, whatever the width.
    pub full_values: bool,
    /// List the differences a baseline accepts instead of counting them.
    pub show_accepted: bool,
}

/// The width of the terminal stdout is, or `None` when stdout is not a
/// terminal: the width the human output fits when no `--width` is given.
pub fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size_of(std::io::stdout()).map(|(width, _)| usize::from(width.0))
}

/// Writes `report` in the chosen format.
pub fn print(report: &Report, options: &PrintOptions, out: &mut dyn Write) -> io::Result<()> {
    match options.format {
        Format::Human => human::print(report, options, out),
        Format::Json => json::print(report, out),
        Format::Github => github::print(report, out),
        Format::Gitlab => gitlab::print(report, out),
        Format::Markdown => markdown::print(report, out),
        Format::Junit => junit::print(report, out),
        Format::Patch => patch::print(report, out),
        Format::Csv => Err(no_such_form("a comparison", Format::Csv, "human or json")),
    }
}
