//! What the review formats (GitHub annotations, GitLab Code Quality,
//! Markdown, JUnit) share: where a difference is best shown — which file,
//! which line — and one short sentence that says what changed.
//!
//! A reviewer reads a pull request on the new side, so a difference points
//! at the right file's line, except a `removed` one, which only the left
//! file has.

use std::borrow::Cow;

use crate::diff::{Difference, Kind, SideValue};
use crate::report::{Outcome, Report, ServiceReport, SideReport};

use super::escape::terminal_safe;

/// Values longer than this many characters are shortened with `…` in a
/// one-line description.
const MAX_VALUE_CHARS: usize = 120;

/// What needs a reviewer's attention: `report` without what its baseline
/// accepts, or its rules ignore. Accepted differences are left out, and a service with nothing
/// left (all its differences, or its missing side, accepted) counts as
/// identical, so an accepted difference gets no annotation, issue, row or
/// failure.
pub(super) fn unaccepted(report: &Report) -> Cow<'_, Report> {
    if report.baseline.is_none() && report.rules.is_none() {
        return Cow::Borrowed(report);
    }
    let mut open = report.clone();
    open.baseline = None;
    for (i, service) in open.services.iter_mut().enumerate() {
        let outcome = match &service.outcome {
            Outcome::Different(_) => {
                // Only the reported differences: what rules ignored is
                // never shown here.
                let reported = service.outcome.differences().unwrap_or_default();
                let left: Vec<Difference> = reported
                    .iter()
                    .enumerate()
                    .filter(|(d, _)| !report.is_accepted(i, *d))
                    .map(|(_, d)| d.clone())
                    .collect();
                if left.is_empty() {
                    Outcome::Identical
                } else {
                    Outcome::Different(left)
                }
            }
            Outcome::MissingLeft | Outcome::MissingRight if report.is_service_accepted(i) => {
                Outcome::Identical
            }
            other => other.clone(),
        };
        service.outcome = outcome;
    }
    Cow::Owned(open)
}

/// Which side of the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Left,
    Right,
}

/// The repository path of `service`'s config file on `side`: the side's
/// directory as given, written without `./` or a trailing `/`. A side of
/// `confdiff files` that is itself a file (it has no commit) is that file.
pub(super) fn file_path(side: &SideReport, service: &str, file: &str) -> String {
    if side.commit.is_empty() && std::path::Path::new(&side.path).is_file() {
        return side.path.clone();
    }
    let mut parts: Vec<&str> = side
        .path
        .split('/')
        .filter(|part| !part.is_empty() && *part != ".")
        .collect();
    parts.push(service);
    parts.push(file);
    parts.join("/")
}

/// The side and line a difference is shown at.
pub(super) fn anchor(difference: &Difference) -> (Side, u32) {
    match (&difference.right, &difference.left) {
        (Some(right), _) if difference.kind != Kind::Removed => (Side::Right, right.line),
        (_, Some(left)) => (Side::Left, left.line),
        (Some(right), None) => (Side::Right, right.line),
        (None, None) => (Side::Right, 1),
    }
}

/// The side a service's one annotation points at: the side that has the
/// file, and for an error the side whose file failed.
pub(super) fn service_side(service: &ServiceReport) -> Side {
    match &service.outcome {
        Outcome::MissingRight => Side::Left,
        Outcome::Error(failure) if failure.message.starts_with("left:") => Side::Left,
        _ => Side::Right,
    }
}

/// A value's JSON text, shortened, safe for any log or page.
pub(super) fn value(value: &SideValue) -> String {
    shorten(&terminal_safe(value.json.get()), MAX_VALUE_CHARS)
}

/// `changed 3 → 5`, `added {"a":1}`, `removed [1,2]`.
pub(super) fn describe(difference: &Difference) -> String {
    let kind = difference.kind.name();
    match (&difference.left, &difference.right) {
        (Some(left), Some(right)) => format!("{kind} {} → {}", value(left), value(right)),
        (Some(left), None) => format!("{kind} {}", value(left)),
        (None, Some(right)) => format!("{kind} {}", value(right)),
        (None, None) => kind.to_owned(),
    }
}

/// What a service that is not `different` is, in a few words.
pub(super) fn describe_service(
    service: &ServiceReport,
    left: &SideReport,
    right: &SideReport,
) -> String {
    match &service.outcome {
        Outcome::MissingLeft => format!("missing_left: only {} has this service", right.path),
        Outcome::MissingRight => format!("missing_right: only {} has this service", left.path),
        Outcome::Error(failure) => format!("error ({}): {}", failure.kind.name(), failure.message),
        Outcome::Identical => "identical".to_owned(),
        Outcome::Different(differences) => format!("different: {} differences", differences.len()),
    }
}

/// `text` cut to `max` characters, ending in `…` when it was cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(max.saturating_sub(1)).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(path: &str) -> SideReport {
        SideReport {
            rev: "HEAD".into(),
            commit: "0".repeat(40),
            path: path.into(),
        }
    }

    #[test]
    fn file_paths_drop_dot_and_trailing_slashes() {
        let file = "configuration.yml";
        assert_eq!(
            file_path(&side("./implementation_1/"), "billing", file),
            "implementation_1/billing/configuration.yml"
        );
        assert_eq!(
            file_path(&side("."), "billing", file),
            "billing/configuration.yml"
        );
        assert_eq!(
            file_path(&side("platform//impl"), "a", file),
            "platform/impl/a/configuration.yml"
        );
    }

    #[test]
    fn long_values_are_shortened_with_an_ellipsis() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        assert_eq!(shorten("abcdefg", 6), "abcde…");
    }
}
