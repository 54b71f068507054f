//! `--format github`: GitHub Actions workflow commands. Each difference
//! becomes a `::warning` on the line it is at, so the pull request shows
//! it beside the changed line; each missing service a `::warning` and each
//! error service an `::error` on its file; then a one-line `::notice` with
//! the counts.
//!
//! The runner reads one command per line and splits on `::`, `,` and `:`,
//! so every value is written with the runner's escapes (`%25`, `%0D`,
//! `%0A`, and in properties `%3A`, `%2C`) after [`terminal_safe`] has made
//! control characters visible.

use std::io::{self, Write};

use super::escape::terminal_safe;
use super::review::{self, Side};
use crate::report::{Outcome, Report};

/// Writes `report` as workflow commands.
pub fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let report = &*review::unaccepted(report);
    for service in &report.services {
        let file_of = |side: Side| {
            let dir = match side {
                Side::Left => &report.left,
                Side::Right => &report.right,
            };
            review::file_path(dir, &service.service, &report.file)
        };
        match &service.outcome {
            Outcome::Identical => {}
            Outcome::Different(differences) => {
                for difference in differences {
                    let (side, line) = review::anchor(difference);
                    command(
                        out,
                        "warning",
                        &file_of(side),
                        Some(line),
                        &difference.path.to_string(),
                        &review::describe(difference),
                    )?;
                }
            }
            outcome => {
                let level = if matches!(outcome, Outcome::Error(_)) {
                    "error"
                } else {
                    "warning"
                };
                command(
                    out,
                    level,
                    &file_of(review::service_side(service)),
                    None,
                    &service.service,
                    &review::describe_service(service, &report.left, &report.right),
                )?;
            }
        }
    }
    let s = report.summary();
    writeln!(
        out,
        "::notice title=confdiff::{}",
        data(&format!(
            "{} → {}: {} services, {} identical, {} different ({} differences), {} missing left, {} missing right, {} errors",
            report.left.path,
            report.right.path,
            s.services,
            s.identical,
            s.different,
            s.differences,
            s.missing_left,
            s.missing_right,
            s.errors
        ))
    )
}

fn command(
    out: &mut dyn Write,
    level: &str,
    file: &str,
    line: Option<u32>,
    title: &str,
    message: &str,
) -> io::Result<()> {
    write!(out, "::{level} file={}", property(file))?;
    if let Some(line) = line {
        write!(out, ",line={line}")?;
    }
    writeln!(out, ",title={}::{}", property(title), data(message))
}

/// A command's message, escaped as the runner unescapes it.
fn data(text: &str) -> String {
    terminal_safe(text)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value, escaped as the runner unescapes it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_in_values_are_escaped() {
        assert_eq!(property("a:b,c%d"), "a%3Ab%2Cc%25d");
        assert_eq!(data("50% → 60%"), "50%25 → 60%25");
    }

    #[test]
    fn control_characters_are_made_visible_before_escaping() {
        let escaped = data("a\nb");
        assert!(!escaped.contains('\n'), "{escaped}");
    }
}
