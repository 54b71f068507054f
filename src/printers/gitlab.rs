//! `--format gitlab`: a GitLab Code Quality report, the JSON array GitLab
//! reads from a job's `codequality` artifact and shows in the merge
//! request, on the changed line: one issue per difference, per missing
//! service and per error service.
//!
//! GitLab tells issues apart, between the target branch and the merge
//! request, by their `fingerprint`: it is a digest of what the issue is
//! (service, path, kind and values), never of where it is, so a moved
//! line keeps its issue.

use std::io::{self, Write};

use serde::Serialize;

use super::review::{self, Side};
use crate::report::{Outcome, Report};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// Writes `report` as a Code Quality report.
pub fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let report = &*review::unaccepted(report);
    let mut issues = Vec::new();
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
                    let raw = |v: &Option<crate::diff::SideValue>| {
                        v.as_ref().map_or("", |v| v.json.get()).to_owned()
                    };
                    issues.push(Issue {
                        description: format!(
                            "{}: {} {}",
                            service.service,
                            difference.path,
                            review::describe(difference)
                        ),
                        check_name: format!("confdiff/{}", difference.kind.name()),
                        fingerprint: fingerprint(&[
                            &service.service,
                            &difference.path.to_string(),
                            difference.kind.name(),
                            &raw(&difference.left),
                            &raw(&difference.right),
                        ]),
                        severity: "minor",
                        location: Location {
                            path: file_of(side),
                            lines: Lines { begin: line },
                        },
                    });
                }
            }
            outcome => {
                let status = outcome.status().name();
                issues.push(Issue {
                    description: format!(
                        "{}: {}",
                        service.service,
                        review::describe_service(service, &report.left, &report.right)
                    ),
                    check_name: format!("confdiff/{status}"),
                    fingerprint: fingerprint(&[&service.service, status]),
                    severity: if matches!(outcome, Outcome::Error(_)) {
                        "major"
                    } else {
                        "minor"
                    },
                    location: Location {
                        path: file_of(review::service_side(service)),
                        lines: Lines { begin: 1 },
                    },
                });
            }
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// A stable digest of the parts (SHA-1 of their NUL-joined text, as hex).
fn fingerprint(parts: &[&str]) -> String {
    let text = parts.join("\0");
    gix::objs::compute_hash(
        gix::hash::Kind::Sha1,
        gix::objs::Kind::Blob,
        text.as_bytes(),
    )
    .map(|id| id.to_string())
    .unwrap_or_else(|_| format!("{:08x}", crc32fast::hash(text.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_tell_parts_apart() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["a", "b"]), fingerprint(&["ab", ""]));
        assert_eq!(fingerprint(&["a"]).len(), 40);
    }
}
