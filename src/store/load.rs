//! Reading runs back: a whole report, or the list of runs.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, Row};
use serde_json::value::RawValue;

use super::{RunSummary, Store, StoreError};
use crate::compare::kind_of_message;
use crate::diff::{Difference, Kind, Path, SideValue};
use crate::document::ValueType;
use crate::report::{
    ErrorKind, Outcome, Report, ServiceFailure, ServiceReport, SideReport, Status, Summary,
};

const RUN_COLUMNS: &str = "
    id, created_at, repository,
    left_rev, left_commit, left_path, right_rev, right_commit, right_path,
    file, tool_version, duration_ms,
    services, identical, different, missing_left, missing_right, errors, differences";

impl Store {
    /// The saved runs, newest first; at most `limit` of them.
    pub fn list_runs(&self, limit: Option<usize>) -> Result<Vec<RunSummary>, StoreError> {
        let read = |error| StoreError::Read {
            path: self.path.clone(),
            error,
        };
        // SQLite reads a negative LIMIT as "no limit".
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT ?1"
            ))
            .map_err(read)?;
        let rows = stmt.query_map([limit], run_summary).map_err(read)?;
        rows.collect::<Result<_, _>>().map_err(read)
    }

    /// The newest run's id, or `None` when no run is saved.
    pub fn newest_run(&self) -> Result<Option<i64>, StoreError> {
        self.conn
            .query_row("SELECT max(id) FROM runs", [], |row| row.get(0))
            .map_err(|error| StoreError::Read {
                path: self.path.clone(),
                error,
            })
    }

    /// How many runs are saved.
    pub fn count_runs(&self) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM runs", [], |row| unsigned(row, 0))
            .map_err(|error| StoreError::Read {
                path: self.path.clone(),
                error,
            })
    }

    /// Run `id` as the report that was saved, with `run_id` set: it prints
    /// exactly as it did when it was compared.
    pub fn load_run(&self, id: i64) -> Result<Report, StoreError> {
        let read = |error| StoreError::Read {
            path: self.path.clone(),
            error,
        };
        let damaged = |detail: String| StoreError::Damaged {
            id,
            path: self.path.clone(),
            detail,
        };
        let run = self
            .conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"),
                [id],
                run_summary,
            )
            .optional()
            .map_err(read)?
            .ok_or_else(|| StoreError::NoSuchRun {
                id,
                path: self.path.clone(),
            })?;

        let services = match self.pending_services(id)? {
            Some(services) => services,
            None => self.service_rows(id)?,
        };
        let rules = if self.version >= 5 {
            let text: Option<String> = self
                .conn
                .query_row("SELECT rules FROM runs WHERE id = ?1", [id], |row| {
                    row.get(0)
                })
                .map_err(read)?;
            text.map(|text| {
                serde_json::from_str(&text)
                    .map_err(|e| damaged(format!("its rules are not readable: {e}")))
            })
            .transpose()?
        } else {
            None
        };
        // A database read as it is, before migration 6, has no marks.
        let has_marks = self.version >= 6;
        let baseline: Option<String> = if has_marks {
            self.conn
                .query_row("SELECT baseline FROM runs WHERE id = ?1", [run.id], |row| {
                    row.get(0)
                })
                .map_err(read)?
        } else {
            None
        };
        let baseline = baseline
            .map(|text| {
                serde_json::from_str::<crate::baseline::Applied>(&text)
                    .map_err(|e| damaged(format!("its baseline marks do not read: {e}")))
            })
            .transpose()?;
        if baseline
            .as_ref()
            .is_some_and(|b| b.services.len() != services.len())
        {
            return Err(damaged(
                "its baseline marks do not fit its services".to_owned(),
            ));
        }
        Ok(Report {
            rules,
            run_id: Some(run.id),
            repository: run.repository,
            left: run.left,
            right: run.right,
            file: run.file,
            services,
            baseline,
        })
    }

    /// The services of run `id` from the `services` and `differences`
    /// tables.
    fn service_rows(&self, id: i64) -> Result<Vec<ServiceReport>, StoreError> {
        let read = |error| StoreError::Read {
            path: self.path.clone(),
            error,
        };
        let damaged = |detail: String| StoreError::Damaged {
            id,
            path: self.path.clone(),
            detail,
        };
        let mut differences: HashMap<String, Vec<Difference>> = HashMap::new();
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT service, path, kind,
                        left_value, left_type, left_line, right_value, right_type, right_line,
                        {key_types}, {ignored_by}
                 FROM differences WHERE run_id = ?1 ORDER BY service, ordinal",
                key_types = if self.version >= 2 {
                    "key_types"
                } else {
                    "NULL"
                },
                ignored_by = if self.version >= 5 {
                    "ignored_by"
                } else {
                    "NULL"
                },
            ))
            .map_err(read)?;
        let mut rows = stmt.query([id]).map_err(read)?;
        while let Some(row) = rows.next().map_err(read)? {
            let service: String = row.get(0).map_err(read)?;
            let difference = difference(row)
                .map_err(read)?
                .map_err(|detail| damaged(format!("service '{service}': {detail}")))?;
            differences.entry(service).or_default().push(difference);
        }

        // A database opened read-only is not migrated: before version 2 it
        // has no kinds, which the messages then tell.
        let error_kind = if self.version >= 2 {
            "error_kind"
        } else {
            "NULL"
        };
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT service, status, left_blob, right_blob, error, {error_kind}
                 FROM services WHERE run_id = ?1 ORDER BY ordinal"
            ))
            .map_err(read)?;
        let mut rows = stmt.query([id]).map_err(read)?;
        let mut services = Vec::new();
        while let Some(row) = rows.next().map_err(read)? {
            let service: String = row.get(0).map_err(read)?;
            let status: String = row.get(1).map_err(read)?;
            let error: Option<String> = row.get(4).map_err(read)?;
            let kind: Option<String> = row.get(5).map_err(read)?;
            let found = differences.remove(&service);
            let outcome = match (Status::from_name(&status), error) {
                (Some(Status::Identical), _) if found.is_none() => Outcome::Identical,
                // Identical under rules that ignored every difference.
                (Some(Status::Identical), _)
                    if found
                        .as_ref()
                        .is_some_and(|all| all.iter().all(|d| d.ignored_by.is_some())) =>
                {
                    Outcome::Different(found.unwrap_or_default())
                }
                (Some(Status::Different), _) => Outcome::Different(found.unwrap_or_default()),
                (Some(Status::MissingLeft), _) => Outcome::MissingLeft,
                (Some(Status::MissingRight), _) => Outcome::MissingRight,
                (Some(Status::Error), Some(message)) => {
                    let kind = match kind {
                        None => kind_of_message(&message),
                        Some(name) => ErrorKind::from_name(&name).ok_or_else(|| {
                            damaged(format!(
                                "service '{service}' has unknown error kind '{name}'"
                            ))
                        })?,
                    };
                    Outcome::Error(ServiceFailure { kind, message })
                }
                _ => {
                    return Err(damaged(format!(
                        "service '{service}' has status '{status}' with rows that do not fit it"
                    )));
                }
            };
            services.push(ServiceReport {
                service,
                left_blob: row.get(2).map_err(read)?,
                right_blob: row.get(3).map_err(read)?,
                outcome,
            });
        }
        if let Some(orphan) = differences.keys().next() {
            return Err(damaged(format!(
                "differences of service '{orphan}', which the run does not have"
            )));
        }
        Ok(services)
    }
}

fn run_summary(row: &Row<'_>) -> rusqlite::Result<RunSummary> {
    Ok(RunSummary {
        id: row.get(0)?,
        created_at: row.get(1)?,
        repository: row.get(2)?,
        left: SideReport {
            rev: row.get(3)?,
            commit: row.get(4)?,
            path: row.get(5)?,
        },
        right: SideReport {
            rev: row.get(6)?,
            commit: row.get(7)?,
            path: row.get(8)?,
        },
        file: row.get(9)?,
        tool_version: row.get(10)?,
        duration_ms: unsigned(row, 11)?,
        summary: Summary {
            services: unsigned(row, 12)?,
            identical: unsigned(row, 13)?,
            different: unsigned(row, 14)?,
            missing_left: unsigned(row, 15)?,
            missing_right: unsigned(row, 16)?,
            errors: unsigned(row, 17)?,
            differences: unsigned(row, 18)?,
            accepted: None,
        },
    })
}

/// A count or duration column, which SQLite stores as a signed integer.
fn unsigned<T: TryFrom<i64>>(row: &Row<'_>, index: usize) -> rusqlite::Result<T> {
    let value: i64 = row.get(index)?;
    T::try_from(value).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(index, value))
}

/// A difference row (columns 1..=9 of the differences query); the inner
/// error says what is wrong with a row SQLite read fine.
fn difference(row: &Row<'_>) -> rusqlite::Result<Result<Difference, String>> {
    let path: String = row.get(1)?;
    let kind: String = row.get(2)?;
    let left = side_value(row.get(3)?, row.get(4)?, row.get(5)?);
    let right = side_value(row.get(6)?, row.get(7)?, row.get(8)?);
    let key_types: Option<String> = row.get(9)?;
    let ignored_by: Option<u32> = row.get(10)?;
    Ok((|| {
        Ok(Difference {
            path: Path::from_stored(&path, key_types.as_deref()).map_err(|e| e.to_string())?,
            kind: Kind::from_name(&kind).ok_or_else(|| format!("unknown kind '{kind}'"))?,
            left: left?,
            right: right?,
            ignored_by,
        })
    })())
}

fn side_value(
    json: Option<String>,
    value_type: Option<String>,
    line: Option<u32>,
) -> Result<Option<SideValue>, String> {
    let (json, value_type, line) = match (json, value_type, line) {
        (None, None, None) => return Ok(None),
        (Some(json), Some(value_type), Some(line)) => (json, value_type, line),
        _ => return Err("a value without its type or line".to_owned()),
    };
    Ok(Some(SideValue {
        json: RawValue::from_string(json).map_err(|e| format!("a value is not JSON: {e}"))?,
        value_type: ValueType::from_name(&value_type)
            .ok_or_else(|| format!("unknown value type '{value_type}'"))?,
        line,
    }))
}
