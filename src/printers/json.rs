//! The JSON document: a public contract read by scripts.
//!
//! The wire types below borrow from the [`Report`] and only serialize; the
//! field names and their order are the contract's. Values are copied into
//! the output as the JSON text the diff produced, so a run loaded back
//! from the store prints byte for byte as it first did.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use crate::diff::{Difference, Path};
use crate::report::{Report, SideReport, Summary};
use crate::rules::RuleSpec;

/// Writes `report` as the contract's JSON document, followed by a newline.
pub fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let wire = WireReport::from(report);
    serde_json::to_writer_pretty(&mut *out, &wire).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct WireReport<'a> {
    run_id: Option<i64>,
    repository: &'a str,
    left: WireSide<'a>,
    right: WireSide<'a>,
    file: &'a str,
    summary: WireSummary,
    services: Vec<WireService<'a>>,
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

#[derive(Serialize)]
struct WireSide<'a> {
    rev: &'a str,
    commit: &'a str,
    path: &'a str,
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
            repository: &report.repository,
            left: side(&report.left),
            right: side(&report.right),
            file: &report.file,
            summary: WireSummary {
                counts: report.summary(),
                ignored: report.rules.as_ref().map(|_| report.ignored()),
            },
            rules: report.rules.as_ref(),
            services: report
                .services
                .iter()
                .map(|service| WireService {
                    ignored: report
                        .rules
                        .as_ref()
                        .and(service.outcome.differences())
                        .map(|_| service.outcome.ignored().len()),
                    service: &service.service,
                    status: service.outcome.status().name(),
                    left_blob: service.left_blob.as_deref(),
                    right_blob: service.right_blob.as_deref(),
                    error: service.outcome.error().map(|e| e.message.as_str()),
                    error_kind: service.outcome.error().map(|e| e.kind.name()),
                    differences: service.outcome.differences().map(|list| {
                        let mut wire: Vec<_> = list.iter().map(difference).collect();
                        if let Some(rules) = report.rules.as_ref().filter(|r| r.show_ignored) {
                            wire.extend(service.outcome.ignored().iter().map(|d| {
                                let rule = d.ignored_by.and_then(|i| rules.ignore.get(i as usize));
                                WireDifference {
                                    ignored: Some(true),
                                    ignored_by: rule.map(|r| r.paths.as_slice()),
                                    reason: rule.and_then(|r| r.reason.as_deref()),
                                    ..difference(d)
                                }
                            }));
                        }
                        wire
                    }),
                })
                .collect(),
        }
    }
}

fn side(side: &SideReport) -> WireSide<'_> {
    WireSide {
        rev: &side.rev,
        commit: &side.commit,
        path: &side.path,
    }
}

fn difference(difference: &Difference) -> WireDifference<'_> {
    WireDifference {
        path: &difference.path,
        kind: difference.kind.name(),
        left: difference.left.as_ref().map(|v| &*v.json),
        right: difference.right.as_ref().map(|v| &*v.json),
        left_line: difference.left.as_ref().map(|v| v.line),
        right_line: difference.right.as_ref().map(|v| v.line),
        left_type: difference.left.as_ref().map(|v| v.value_type.name()),
        right_type: difference.right.as_ref().map(|v| v.value_type.name()),
        ignored: None,
        ignored_by: None,
        reason: None,
    }
}
