//! `--format patch`: per `different` service, an RFC 6902 JSON Patch that
//! turns the left document (in the contract's JSON form) into the right
//! one. Each difference is one operation at its path as a JSON Pointer
//! (RFC 6901): `added` → `add`, `removed` → `remove`, `changed` and
//! `type_changed` → `replace`.
//!
//! The contract lists the items a sequence lost in ascending index order;
//! a patch applies operations one after the other, so removing index 2
//! first would shift index 3. Each run of removals from one sequence is
//! therefore written from the highest index down.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::value::RawValue;

use super::json::WireSide;
use crate::diff::{Difference, Kind, Segment};
use crate::report::{Report, Status};

#[derive(Serialize)]
struct Patches<'a> {
    left: WireSide<'a>,
    right: WireSide<'a>,
    patches: Vec<ServicePatch<'a>>,
}

#[derive(Serialize)]
struct ServicePatch<'a> {
    service: &'a str,
    patch: Vec<Operation<'a>>,
}

#[derive(Serialize)]
struct Operation<'a> {
    op: &'static str,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a RawValue>,
}

/// Writes `report`'s patches.
pub fn print(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut patches = Vec::new();
    for service in &report.services {
        let differences = match service.outcome.status() {
            Status::Different => service.outcome.differences().unwrap_or_default(),
            _ => continue,
        };
        // An item matched by key has no index a pointer could name.
        if let Some(keyed) = differences
            .iter()
            .find(|d| d.path.0.iter().any(|s| matches!(s, Segment::Match { .. })))
        {
            return Err(io::Error::other(format!(
                "a JSON Patch cannot point at {} (an item matched by key in {}): use --format json, or compare without --list-key/--list-keys",
                keyed.path, service.service
            )));
        }
        patches.push(ServicePatch {
            service: &service.service,
            patch: operations(differences),
        });
    }
    let document = Patches {
        left: WireSide::of(&report.left),
        right: WireSide::of(&report.right),
        patches,
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

fn operations(differences: &[Difference]) -> Vec<Operation<'_>> {
    let mut operations: Vec<Operation<'_>> = Vec::with_capacity(differences.len());
    let mut i = 0;
    while i < differences.len() {
        let difference = &differences[i];
        if difference.kind == Kind::Removed && is_index(difference) {
            // The run of removals from the same sequence, highest first.
            let parent = &difference.path.0[..difference.path.0.len() - 1];
            let end = differences[i..]
                .iter()
                .position(|d| {
                    !(d.kind == Kind::Removed
                        && is_index(d)
                        && &d.path.0[..d.path.0.len() - 1] == parent)
                })
                .map_or(differences.len(), |n| i + n);
            operations.extend(differences[i..end].iter().rev().map(operation));
            i = end;
        } else {
            operations.push(operation(difference));
            i += 1;
        }
    }
    operations
}

fn is_index(difference: &Difference) -> bool {
    matches!(difference.path.0.last(), Some(Segment::Index(_)))
}

fn operation(difference: &Difference) -> Operation<'_> {
    let (op, value) = match difference.kind {
        Kind::Added => ("add", difference.right.as_ref()),
        Kind::Removed => ("remove", None),
        Kind::Changed | Kind::TypeChanged => ("replace", difference.right.as_ref()),
    };
    Operation {
        op,
        path: pointer(&difference.path.0),
        value: value.map(|v| &*v.json),
    }
}

/// The path as a JSON Pointer: `/spec/ports/0`, with `~` written `~0`
/// and `/` written `~1`. Keys of other types are written as the contract's
/// JSON writes them, in their plain form.
fn pointer(segments: &[Segment]) -> String {
    let mut pointer = String::new();
    for segment in segments {
        pointer.push('/');
        let text = match segment {
            Segment::Key(key) => key.as_str(),
            Segment::NonStringKey { plain, .. } => plain.as_str(),
            Segment::Index(index) => {
                pointer.push_str(&index.to_string());
                continue;
            }
            Segment::Match { .. } => unreachable!("checked by the caller"),
        };
        pointer.push_str(&text.replace('~', "~0").replace('/', "~1"));
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let path = [
            Segment::Key("a/b".into()),
            Segment::Key("m~n".into()),
            Segment::Index(3),
        ];
        assert_eq!(pointer(&path), "/a~1b/m~0n/3");
        assert_eq!(pointer(&[]), "");
    }
}
