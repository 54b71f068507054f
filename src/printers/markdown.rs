//! `--format markdown`: a report to paste as a pull-request comment. A
//! summary table, then one table per service that is not identical (path,
//! left, right, lines). A service with many differences, and every service
//! of a long report, is folded in `<details>`, so the comment opens short.
//!
//! Everything from the repository goes into a code span or is escaped, so
//! no name or value can add markup, links or a table column.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::terminal_safe;
use super::review;
use crate::diff::Difference;
use crate::report::{Outcome, Report};

/// A service with more differences than this is folded.
const FOLD_DIFFERENCES: usize = 10;
/// A report with more services to show than this folds every one.
const FOLD_SERVICES: usize = 20;

/// Writes `report` as Markdown.
pub fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let report = &*review::unaccepted(report);
    let mut text = String::new();
    let s = report.summary();
    let _ = writeln!(
        text,
        "### confdiff: {} → {}\n",
        code(&side_label(&report.left)),
        code(&side_label(&report.right)),
    );
    text.push_str(
        "| Services | Identical | Different | Missing left | Missing right | Errors | Differences |\n",
    );
    text.push_str("|---:|---:|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        text,
        "| {} | {} | {} | {} | {} | {} | {} |",
        s.services,
        s.identical,
        s.different,
        s.missing_left,
        s.missing_right,
        s.errors,
        s.differences
    );
    let shown: Vec<_> = report
        .services
        .iter()
        .filter(|service| !matches!(service.outcome, Outcome::Identical))
        .collect();
    let fold_all = shown.len() > FOLD_SERVICES;
    for service in shown {
        let name = code(&service.service);
        match &service.outcome {
            Outcome::Different(differences) => {
                let heading = format!(
                    "{name}: different, {} difference{}",
                    differences.len(),
                    if differences.len() == 1 { "" } else { "s" }
                );
                let fold = fold_all || differences.len() > FOLD_DIFFERENCES;
                if fold {
                    let _ = write!(text, "\n<details><summary>{heading}</summary>\n\n");
                } else {
                    let _ = write!(text, "\n#### {heading}\n\n");
                }
                table(&mut text, differences);
                if fold {
                    text.push_str("\n</details>\n");
                }
            }
            _ => {
                let _ = write!(
                    text,
                    "\n#### {name}: {}\n",
                    escape(&review::describe_service(
                        service,
                        &report.left,
                        &report.right
                    ))
                );
            }
        }
    }
    out.write_all(text.as_bytes())
}

fn table(text: &mut String, differences: &[Difference]) {
    text.push_str("| Path | Kind | Left | Right | Lines |\n");
    text.push_str("|---|---|---|---|---|\n");
    for difference in differences {
        let value = |v: &Option<crate::diff::SideValue>| {
            v.as_ref()
                .map_or(String::new(), |v| code(&review::value(v)))
        };
        let line = |v: &Option<crate::diff::SideValue>| {
            v.as_ref().map_or("–".to_owned(), |v| v.line.to_string())
        };
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} → {} |",
            code(&difference.path.to_string()),
            difference.kind.name(),
            value(&difference.left),
            value(&difference.right),
            line(&difference.left),
            line(&difference.right),
        );
    }
}

fn side_label(side: &crate::report::SideReport) -> String {
    if side.rev.is_empty() {
        return side.path.clone();
    }
    format!("{}:{}", side.rev, side.path)
}

/// `text` as a code span: fenced by one more backtick than its longest run
/// of backticks, with `|` escaped (tables split on it even in code).
fn code(text: &str) -> String {
    let text = terminal_safe(text).replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Plain text with Markdown's and HTML's special characters escaped.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in terminal_safe(text).chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                escaped.push('\\');
                escaped.push(c);
            }
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_outgrow_the_backticks_inside() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a|b"), "`a\\|b`");
    }

    #[test]
    fn plain_text_cannot_add_markup() {
        assert_eq!(escape("<b>[x](y)</b>"), "&lt;b&gt;\\[x\\](y)&lt;/b&gt;");
    }
}
