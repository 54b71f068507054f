//! The JSON document: a public contract read by scripts.
//!
//! The wire types below borrow from the [`Report`] and only serialize; the
//! field names and their order are the contract's. Values are copied into
//! the output as the JSON text the diff produced, so a run loaded back
//! from the store prints byte for byte as it first did.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use crate::baseline::ServiceMarks;
use crate::diff::{Difference, Path};
use crate::report::{Report, SideReport, Summary};
use crate::rules::RuleSpec;

/// Writes `report` as the contract's JSON document, followed by a newline.
pub fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let wire = WireReport::from(report);
    serde_json::to_writer_pretty(&mut *out, &wire).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// Writes the one service of `report` named `name` as it appears in the
/// report's `services` list, followed by a newline; `Ok(false)` when the
/// report has no such service.
pub fn print_service(report: &Report, name: &str, out: &mut dyn Write) -> io::Result<bool> {
    let Some(found) = report.services.iter().position(|s| s.service == name) else {
        return Ok(false);
    };
    serde_json::to_writer_pretty(&mut *out, &service(report, found)).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    Ok(true)
}

#[derive(Serialize)]
struct WireReport<'a> {
    run_id: Option<i64>,
    /// `null` for files on disk, which are in no repository.
    repository: Option<&'a str>,
    left: WireSide<'a>,
    right: WireSide<'a>,
    file: &'a str,
    summary: WireSummary,
    services: Vec<WireService<'a>>,
    // With a baseline only: its file, and the entries that matched nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stale_accepted: Option<&'a [serde_json::Value]>,
    // Added with comparison rules: present only when rules were set.
    #[serde(skip_serializing_if = "Option::is_none")]
    rules: Option<&'a RuleSpec>,
}

#[derive(Serialize)]
struct WireSummary {
    #[serde(flatten)]
    counts: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    ignored: Option<usize>,
}

/// A side as the contract writes it; other documents (patches) reuse it.
/// A side read from disk (`confdiff files`) has no revision or commit:
/// both are `null`.
#[derive(Serialize)]
pub(super) struct WireSide<'a> {
    rev: Option<&'a str>,
    commit: Option<&'a str>,
    path: &'a str,
}

impl<'a> WireSide<'a> {
    pub(super) fn of(side: &'a SideReport) -> Self {
        let given = |text: &'a str| (!text.is_empty()).then_some(text);
        WireSide {
            rev: given(&side.rev),
            commit: given(&side.commit),
            path: &side.path,
        }
    }
}

#[derive(Serialize)]
struct WireService<'a> {
    service: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    left_blob: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    right_blob: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_kind: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    differences: Option<Vec<WireDifference<'a>>>,
    // With a baseline only: how many differences (or, for a missing
    // service, the service itself) it accepts, and a missing service's
    // reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ignored: Option<usize>,
}

#[derive(Serialize)]
struct WireDifference<'a> {
    path: &'a Path,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    left: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    right: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    left_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    right_line: Option<u32>,
    // Added to the contract after the fields above, which keep their
    // order: JSON alone cannot tell `.inf` from `".inf"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    left_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    right_type: Option<&'static str>,
    // Only on a difference a baseline accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted_reason: Option<&'a str>,
    // With --show-ignored: the differences a rule ignored, marked.
    #[serde(skip_serializing_if = "Option::is_none")]
    ignored: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ignored_by: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl<'a> From<&'a Report> for WireReport<'a> {
    fn from(report: &'a Report) -> Self {
        WireReport {
            run_id: report.run_id,
            repository: (!report.repository.is_empty()).then_some(report.repository.as_str()),
            left: side(&report.left),
            right: side(&report.right),
            file: &report.file,
            summary: WireSummary {
                counts: report.summary(),
                ignored: report.rules.as_ref().map(|_| report.ignored()),
            },
            rules: report.rules.as_ref(),
            services: (0..report.services.len())
                .map(|i| service(report, i))
                .collect(),
            baseline: report.baseline.as_ref().map(|b| b.file.as_str()),
            stale_accepted: report.baseline.as_ref().map(|b| b.stale.as_slice()),
        }
    }
}

/// Service `i` of `report`, with what its baseline accepts.
fn service(report: &Report, i: usize) -> WireService<'_> {
    let service = &report.services[i];
    let marks = report.baseline.as_ref().map(|b| &b.services[i]);
    WireService {
        service: &service.service,
        status: service.outcome.status().name(),
        left_blob: service.left_blob.as_deref(),
        right_blob: service.right_blob.as_deref(),
        error: service.outcome.error().map(|e| e.message.as_str()),
        error_kind: service.outcome.error().map(|e| e.kind.name()),
        differences: service.outcome.differences().map(|list| {
            let mut wire: Vec<_> = list
                .iter()
                .enumerate()
                .map(|(d, item)| {
                    let reason = marks.and_then(|m| m.differences[d].as_ref());
                    difference(item, reason)
                })
                .collect();
            if let Some(rules) = report.rules.as_ref().filter(|r| r.show_ignored) {
                wire.extend(service.outcome.ignored().iter().map(|d| {
                    let rule = d.ignored_by.and_then(|i| rules.ignore.get(i as usize));
                    WireDifference {
                        ignored: Some(true),
                        ignored_by: rule.map(|r| r.paths.as_slice()),
                        reason: rule.and_then(|r| r.reason.as_deref()),
                        ..difference(d, None)
                    }
                }));
            }
            wire
        }),
        accepted: marks.map(ServiceMarks::accepted),
        accepted_reason: marks
            .and_then(|m| m.service.as_ref())
            .and_then(Option::as_deref),
        ignored: report
            .rules
            .as_ref()
            .and(service.outcome.differences())
            .map(|_| service.outcome.ignored().len()),
    }
}

fn side(side: &SideReport) -> WireSide<'_> {
    WireSide::of(side)
}

/// A difference; `accepted` is its baseline entry's reason, when a
/// baseline accepts it.
fn difference<'a>(
    difference: &'a Difference,
    accepted: Option<&'a Option<String>>,
) -> WireDifference<'a> {
    WireDifference {
        path: &difference.path,
        kind: difference.kind.name(),
        left: difference.left.as_ref().map(|v| &*v.json),
        right: difference.right.as_ref().map(|v| &*v.json),
        left_line: difference.left.as_ref().map(|v| v.line),
        right_line: difference.right.as_ref().map(|v| v.line),
        left_type: difference.left.as_ref().map(|v| v.value_type.name()),
        right_type: difference.right.as_ref().map(|v| v.value_type.name()),
        accepted: accepted.map(|_| true),
        accepted_reason: accepted.and_then(Option::as_deref),
        ignored: None,
        ignored_by: None,
        reason: None,
    }
}
