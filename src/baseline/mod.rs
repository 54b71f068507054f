//! A baseline of accepted differences: the known, reviewed state of two
//! implementations, kept in a file beside the code, so CI fails only on
//! drift nobody has accepted yet.
//!
//! The file (`.confdiff-baseline.json` by default) is a stable, sorted,
//! pretty JSON document meant to be reviewed and committed: one entry per
//! accepted difference (service, path, kind, left and right values) and
//! one per accepted missing service (service and status), each with its
//! reason and when it was accepted. Error services are never accepted: a
//! file that does not load is never a known state.
//!
//! A difference is accepted when an entry has the same service, path,
//! kind and values; entries that matched nothing are *stale*, reported so
//! the baseline shrinks as the implementations converge.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::diff::{Difference, Kind};
use crate::report::{Outcome, Report, Status};

/// The baseline file's version; a file of another version is refused.
const VERSION: u32 = 1;

/// The file `accept` writes and `--baseline` reads when no other is named.
pub const DEFAULT_BASELINE: &str = ".confdiff-baseline.json";

/// A baseline, as its file holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    entries: Vec<Entry>,
}

/// One accepted difference or missing service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The service, as reports name it.
    pub service: String,
    /// `missing_left` or `missing_right`, for an accepted missing service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The difference's path, as the JSON document writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Value>,
    /// The difference's kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The left value (absent for `added`; `null` is a value).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub left: Option<Value>,
    /// The right value (absent for `removed`).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub right: Option<Value>,
    /// Why it was accepted.
    #[serde(default)]
    pub reason: Option<String>,
    /// When, UTC, RFC 3339.
    pub accepted_at: String,
}

/// A field that is there, even as `null`, is `Some`.
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    entries: Vec<Entry>,
}

/// Why a baseline file could not be read or written. Each message names
/// the file.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// `--baseline` names a file that is not there.
    #[error(
        "baseline file '{path}' does not exist: create it with `confdiff accept --baseline {path}`"
    )]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// A request names a baseline file that is not committed at its
    /// revision.
    #[error(
        "baseline file '{path}' is not in the repository at {rev}: commit one that `confdiff accept` wrote"
    )]
    NotCommitted {
        /// The revision it was looked for at.
        rev: String,
        /// The path in the repository.
        path: String,
    },
    /// The file could not be read or written.
    #[error("cannot {action} baseline file '{path}': {message}")]
    Io {
        /// `read` or `write`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// What the system said.
        message: String,
    },
    /// The file is not a baseline.
    #[error("baseline file '{path}' is not valid: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong, and where.
        message: String,
    },
}

impl Entry {
    /// What the entry stands for, without its reason or date: equal for
    /// an entry and the difference (or service) it accepts.
    fn identity(&self) -> String {
        identity(
            &self.service,
            self.status.as_deref(),
            self.path.as_ref(),
            self.kind.as_deref(),
            self.left.as_ref(),
            self.right.as_ref(),
        )
    }

    /// Checks that the entry is one of the two shapes.
    fn check(&self) -> Result<(), String> {
        match (&self.status, &self.path, &self.kind) {
            (Some(status), None, None) => {
                if self.left.is_some() || self.right.is_some() {
                    return Err("an entry with a status has no left or right value".into());
                }
                match status.as_str() {
                    "missing_left" | "missing_right" => Ok(()),
                    other => Err(format!(
                        "status '{other}' cannot be accepted: only missing_left and missing_right"
                    )),
                }
            }
            (None, Some(path), Some(kind)) => {
                if !path.is_array() {
                    return Err("path is not a JSON array".into());
                }
                let kind = Kind::from_name(kind).ok_or_else(|| {
                    format!("kind '{kind}' is not one of added, removed, changed, type_changed")
                })?;
                let (left, right) = match kind {
                    Kind::Added => (false, true),
                    Kind::Removed => (true, false),
                    Kind::Changed | Kind::TypeChanged => (true, true),
                };
                if self.left.is_some() != left || self.right.is_some() != right {
                    return Err(format!(
                        "a '{}' difference has {}",
                        kind.name(),
                        match (left, right) {
                            (false, true) => "a right value and no left value",
                            (true, false) => "a left value and no right value",
                            _ => "both a left and a right value",
                        }
                    ));
                }
                Ok(())
            }
            _ => Err("an entry has either a status, or a path and a kind".into()),
        }
    }

    fn sort_key(&self) -> (String, String) {
        (self.service.clone(), self.identity())
    }
}

fn identity(
    service: &str,
    status: Option<&str>,
    path: Option<&Value>,
    kind: Option<&str>,
    left: Option<&Value>,
    right: Option<&Value>,
) -> String {
    serde_json::to_string(&(service, status, path, kind, left, right))
        .expect("JSON values always serialize")
}

/// The identity of a difference of `service`.
fn difference_identity(service: &str, difference: &Difference) -> String {
    let value = |v: &Option<crate::diff::SideValue>| {
        v.as_ref()
            .map(|v| serde_json::from_str::<Value>(v.json.get()).expect("values are JSON text"))
    };
    let path = serde_json::to_value(&difference.path).expect("paths serialize");
    identity(
        service,
        None,
        Some(&path),
        Some(difference.kind.name()),
        value(&difference.left).as_ref(),
        value(&difference.right).as_ref(),
    )
}

/// A missing service's status name, if it is one.
fn missing_status(outcome: &Outcome) -> Option<&'static str> {
    match outcome.status() {
        Status::MissingLeft | Status::MissingRight => Some(outcome.status().name()),
        _ => None,
    }
}

/// What a baseline says of a report: for each service (in the report's
/// order) which differences are accepted, whether the service itself (a
/// missing one) is, and the entries that matched nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// The baseline file, as given.
    pub file: String,
    /// One per service of the report.
    pub services: Vec<ServiceMarks>,
    /// Entries that matched nothing, in the file's order, as JSON.
    pub stale: Vec<Value>,
}

/// Which of a service's differences a baseline accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceMarks {
    /// One per difference: its entry's reason when accepted (`Some(None)`
    /// for an entry without one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differences: Vec<Option<Option<String>>>,
    /// For a missing service: its entry's reason when accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Option<String>>,
}

impl ServiceMarks {
    /// How many of the service's differences (or the service itself) are
    /// accepted.
    pub fn accepted(&self) -> usize {
        self.differences.iter().filter(|d| d.is_some()).count()
            + usize::from(self.service.is_some())
    }

    /// Whether difference `i` is accepted.
    pub fn is_accepted(&self, i: usize) -> bool {
        self.differences.get(i).is_some_and(Option::is_some)
    }
}

/// What `accept` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AcceptStats {
    /// Entries added.
    pub added: usize,
    /// Entries that were there already.
    pub kept: usize,
    /// Entries removed by `--prune`.
    pub pruned: usize,
    /// Entries in the file now.
    pub total: usize,
}

impl Baseline {
    /// Reads a baseline file; `missing_ok` gives an empty baseline for a
    /// file that is not there (what `accept` starts from).
    pub fn load(path: &Path, missing_ok: bool) -> Result<Baseline, BaselineError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return if missing_ok {
                    Ok(Baseline::default())
                } else {
                    Err(BaselineError::Missing { path: path.into() })
                };
            }
            Err(e) => {
                return Err(BaselineError::Io {
                    action: "read",
                    path: path.into(),
                    message: e.to_string(),
                });
            }
        };
        Baseline::parse(&text, path)
    }

    /// The baseline document `text`, read from `path` (named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Baseline, BaselineError> {
        let invalid = |message: String| BaselineError::Invalid {
            path: path.into(),
            message,
        };
        let file: File = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if file.version != VERSION {
            return Err(invalid(format!(
                "version {} is not {VERSION}, the version this confdiff reads",
                file.version
            )));
        }
        for (i, entry) in file.entries.iter().enumerate() {
            entry.check().map_err(|message| {
                invalid(format!("entry {} ({}): {message}", i + 1, entry.service))
            })?;
        }
        Ok(Baseline {
            entries: file.entries,
        })
    }

    /// The entries, sorted.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Writes the file whole or not at all: into a temporary file beside
    /// it, then renamed over it.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let io = |e: std::io::Error| BaselineError::Io {
            action: "write",
            path: path.into(),
            message: e.to_string(),
        };
        let file = File {
            version: VERSION,
            entries: self.entries.clone(),
        };
        let mut text = serde_json::to_string_pretty(&file).expect("a baseline serializes");
        text.push('\n');
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        temp.write_all(text.as_bytes()).map_err(io)?;
        temp.as_file().sync_all().map_err(io)?;
        temp.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }

    /// Adds the differences and missing services of `report` whose service
    /// `chosen` accepts; with `prune`, removes the entries of chosen
    /// services that `report` no longer has.
    pub fn accept(
        &mut self,
        report: &Report,
        chosen: &dyn Fn(&str) -> bool,
        reason: Option<&str>,
        now: &str,
        prune: bool,
    ) -> AcceptStats {
        let mut seen: HashMap<String, Entry> = HashMap::new();
        for service in report.services.iter().filter(|s| chosen(&s.service)) {
            if let Some(status) = missing_status(&service.outcome) {
                let entry = Entry {
                    service: service.service.clone(),
                    status: Some(status.to_owned()),
                    path: None,
                    kind: None,
                    left: None,
                    right: None,
                    reason: reason.map(str::to_owned),
                    accepted_at: now.to_owned(),
                };
                seen.insert(entry.identity(), entry);
            }
            for difference in service.outcome.differences().unwrap_or_default() {
                let value = |v: &Option<crate::diff::SideValue>| {
                    v.as_ref()
                        .map(|v| serde_json::from_str(v.json.get()).expect("values are JSON"))
                };
                let entry = Entry {
                    service: service.service.clone(),
                    status: None,
                    path: Some(serde_json::to_value(&difference.path).expect("paths serialize")),
                    kind: Some(difference.kind.name().to_owned()),
                    left: value(&difference.left),
                    right: value(&difference.right),
                    reason: reason.map(str::to_owned),
                    accepted_at: now.to_owned(),
                };
                seen.insert(entry.identity(), entry);
            }
        }
        let mut stats = AcceptStats::default();
        let before = self.entries.len();
        if prune {
            self.entries
                .retain(|entry| !chosen(&entry.service) || seen.contains_key(&entry.identity()));
            stats.pruned = before - self.entries.len();
        }
        let existing: std::collections::HashSet<String> =
            self.entries.iter().map(Entry::identity).collect();
        for (identity, entry) in seen {
            if existing.contains(&identity) {
                stats.kept += 1;
            } else {
                stats.added += 1;
                self.entries.push(entry);
            }
        }
        self.entries.sort_by_key(Entry::sort_key);
        stats.total = self.entries.len();
        stats
    }

    /// What the baseline accepts of `report`.
    pub fn apply(&self, report: &Report, file: &str) -> Applied {
        let index: HashMap<String, usize> = self
            .entries
            .iter()
            .enumerate()
            .map(|(i, entry)| (entry.identity(), i))
            .collect();
        let mut used = vec![false; self.entries.len()];
        let mut take = |identity: String| {
            index.get(&identity).map(|&i| {
                used[i] = true;
                self.entries[i].reason.clone()
            })
        };
        let services = report
            .services
            .iter()
            .map(|service| ServiceMarks {
                differences: service
                    .outcome
                    .differences()
                    .unwrap_or_default()
                    .iter()
                    .map(|d| take(difference_identity(&service.service, d)))
                    .collect(),
                service: missing_status(&service.outcome).and_then(|status| {
                    take(identity(
                        &service.service,
                        Some(status),
                        None,
                        None,
                        None,
                        None,
                    ))
                }),
            })
            .collect();
        let stale = self
            .entries
            .iter()
            .zip(used)
            .filter(|(_, used)| !used)
            .map(|(entry, _)| serde_json::to_value(entry).expect("entries serialize"))
            .collect();
        Applied {
            file: file.to_owned(),
            services,
            stale,
        }
    }
}
