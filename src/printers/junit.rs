//! `--format junit`: a JUnit XML report, which CI dashboards show as a
//! test report: one test case per service, passing when identical, a
//! `<failure>` listing the differences (or saying which side is missing)
//! otherwise, an `<error>` for a service that could not be compared.
//!
//! XML 1.0 cannot hold most control characters even as references, so
//! text goes through [`terminal_safe`] (which writes them as visible
//! escapes) before the five markup characters are escaped.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::escape::terminal_safe;
use super::review;
use crate::report::{Outcome, Report};

/// Writes `report` as JUnit XML.
pub fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let report = &*review::unaccepted(report);
    let s = report.summary();
    let failures = s.different + s.missing_left + s.missing_right;
    let suite = format!(
        "{}:{} → {}:{}",
        report.left.rev, report.left.path, report.right.rev, report.right.path
    );
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"confdiff\" tests=\"{}\" failures=\"{failures}\" errors=\"{}\">",
        s.services, s.errors
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{}\" skipped=\"0\">",
        escape(&suite),
        s.services,
        s.errors
    );
    for service in &report.services {
        let open = format!(
            "    <testcase classname=\"{}\" name=\"{}\"",
            escape(&report.file),
            escape(&service.service)
        );
        match &service.outcome {
            Outcome::Identical => {
                let _ = writeln!(xml, "{open}/>");
            }
            Outcome::Different(differences) => {
                let _ = writeln!(
                    xml,
                    "{open}>\n      <failure type=\"different\" message=\"{} difference{}\">",
                    differences.len(),
                    if differences.len() == 1 { "" } else { "s" }
                );
                for difference in differences {
                    let lines = |v: &Option<crate::diff::SideValue>| {
                        v.as_ref().map_or("-".to_owned(), |v| v.line.to_string())
                    };
                    let _ = writeln!(
                        xml,
                        "{}: {} (lines {} → {})",
                        escape(&difference.path.to_string()),
                        escape(&review::describe(difference)),
                        lines(&difference.left),
                        lines(&difference.right)
                    );
                }
                xml.push_str("      </failure>\n    </testcase>\n");
            }
            Outcome::Error(failure) => {
                let _ = writeln!(
                    xml,
                    "{open}>\n      <error type=\"{}\" message=\"{}\"/>\n    </testcase>",
                    failure.kind.name(),
                    escape(&failure.message)
                );
            }
            outcome => {
                let _ = writeln!(
                    xml,
                    "{open}>\n      <failure type=\"{}\" message=\"{}\"/>\n    </testcase>",
                    outcome.status().name(),
                    escape(&review::describe_service(
                        service,
                        &report.left,
                        &report.right
                    ))
                );
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    out.write_all(xml.as_bytes())
}

/// Text for an attribute or element: control characters made visible,
/// then `& < > " '` as entities.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in terminal_safe(text).chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\u{fffe}' | '\u{ffff}' => escaped.push('\u{fffd}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_cannot_break_the_document() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert!(!escape("a\u{1}b").contains('\u{1}'));
    }
}
