//! Printers: render a [`Report`] for people or for programs. Both write to
//! any `Write`, so the command line, tests and a server share them.

pub(crate) mod escape;
mod human;
mod json;
mod runs;

use std::io::{self, Write};

use crate::report::Report;

pub use escape::{Escaped, terminal_safe};
pub use runs::print_runs;

/// The output format, chosen in exactly one place: [`print`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Aligned, optionally coloured text.
    #[default]
    Human,
    /// The JSON contract.
    Json,
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
}

/// Writes `report` in the chosen format.
pub fn print(report: &Report, options: &PrintOptions, out: &mut dyn Write) -> io::Result<()> {
    match options.format {
        Format::Human => human::print(report, options.color, options.footer.as_deref(), out),
        Format::Json => json::print(report, out),
    }
}
