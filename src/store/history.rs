//! Saving and reading histories: one record and one row per commit,
//! written in one transaction like a run.

use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde_json::json;

use super::{RunMeta, Store, StoreError};
use crate::history::{HistoryReport, HistoryRow, HistorySide, HistoryStats, ServiceChange};
use crate::report::{Status, Summary};

/// A saved history, as `confdiff runs` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistorySummary {
    /// Its id (shared with runs: no run has it).
    pub id: i64,
    /// When it started, UTC, RFC 3339.
    pub created_at: String,
    /// The repository as the user named it.
    pub repository: String,
    /// The range as given.
    pub range: String,
    /// The left side.
    pub left: HistorySide,
    /// The right side.
    pub right: HistorySide,
    /// What the walk did.
    pub stats: HistoryStats,
}

/// What a saved id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavedKind {
    /// A comparison.
    Run,
    /// A history.
    History,
}

impl Store {
    /// Saves `history` and returns its id, taken from the runs' sequence.
    pub fn save_history(
        &mut self,
        history: &HistoryReport,
        meta: &RunMeta,
    ) -> Result<i64, StoreError> {
        let mut save = || -> rusqlite::Result<i64> {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT 'runs', 0
                 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'runs')",
                [],
            )?;
            let id: i64 = tx.query_row(
                "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'runs' RETURNING seq",
                [],
                |row| row.get(0),
            )?;
            let side = |s: &HistorySide| {
                (
                    s.rev.clone(),
                    s.commit.map(|c| c.to_string()),
                    s.path.clone(),
                )
            };
            let (left_rev, left_commit, left_path) = side(&history.left);
            let (right_rev, right_commit, right_path) = side(&history.right);
            tx.execute(
                "INSERT INTO histories (id, created_at, repository, file, range_given, first_parent,
                    left_rev, left_commit, left_path, right_rev, right_commit, right_path,
                    tool_version, duration_ms, commits, pairs_compared, pairs_reused)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                params![
                    id,
                    meta.created_at,
                    history.repository,
                    history.file,
                    history.range,
                    history.first_parent,
                    left_rev,
                    left_commit,
                    left_path,
                    right_rev,
                    right_commit,
                    right_path,
                    meta.tool_version,
                    int(meta.duration_ms),
                    int(history.stats.commits),
                    int(history.stats.pairs_compared),
                    int(history.stats.pairs_reused),
                ],
            )?;
            {
                let mut insert = tx.prepare(
                    "INSERT INTO history_rows (history_id, ordinal, commit_id, author, author_time,
                        subject, left_commit, right_commit, services, identical, different,
                        missing_left, missing_right, errors, differences, changes)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                )?;
                for (ordinal, row) in history.rows.iter().enumerate() {
                    let s = &row.summary;
                    insert.execute(params![
                        id,
                        int(ordinal),
                        row.commit.to_string(),
                        row.author,
                        row.author_time,
                        row.subject,
                        row.left_commit.to_string(),
                        row.right_commit.to_string(),
                        int(s.services),
                        int(s.identical),
                        int(s.different),
                        int(s.missing_left),
                        int(s.missing_right),
                        int(s.errors),
                        int(s.differences),
                        changes_json(&row.changes),
                    ])?;
                }
            }
            tx.commit()?;
            Ok(id)
        };
        save().map_err(|error| StoreError::Save {
            path: self.path.clone(),
            error,
        })
    }

    /// Whether `id` is a saved run, a saved history, or nothing.
    pub fn saved_kind(&self, id: i64) -> Result<Option<SavedKind>, StoreError> {
        let read = |error| StoreError::Read {
            path: self.path.clone(),
            error,
        };
        if self.version >= 3 {
            let history: Option<i64> = self
                .conn
                .query_row("SELECT id FROM histories WHERE id = ?1", [id], |row| {
                    row.get(0)
                })
                .optional()
                .map_err(read)?;
            if history.is_some() {
                return Ok(Some(SavedKind::History));
            }
        }
        let run: Option<i64> = self
            .conn
            .query_row("SELECT id FROM runs WHERE id = ?1", [id], |row| row.get(0))
            .optional()
            .map_err(read)?;
        Ok(run.map(|_| SavedKind::Run))
    }

    /// The newest saved id, run or history.
    pub fn newest_saved(&self) -> Result<Option<i64>, StoreError> {
        let sql = if self.version >= 3 {
            "SELECT max(id) FROM (SELECT id FROM runs UNION ALL SELECT id FROM histories)"
        } else {
            "SELECT max(id) FROM runs"
        };
        self.conn
            .query_row(sql, [], |row| row.get(0))
            .map_err(|error| StoreError::Read {
                path: self.path.clone(),
                error,
            })
    }

    /// The saved histories, newest first; at most `limit` of them.
    pub fn list_histories(&self, limit: Option<usize>) -> Result<Vec<HistorySummary>, StoreError> {
        if self.version < 3 {
            return Ok(Vec::new());
        }
        let read = |error| StoreError::Read {
            path: self.path.clone(),
            error,
        };
        let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {HISTORY_COLUMNS} FROM histories ORDER BY id DESC LIMIT ?1"
            ))
            .map_err(read)?;
        let rows = stmt.query_map([limit], history_summary).map_err(read)?;
        let mut list = Vec::new();
        for row in rows {
            let (summary, _, _) = row.map_err(read)?;
            list.push(summary);
        }
        Ok(list)
    }

    /// History `id`, as it was reported.
    pub fn load_history(&self, id: i64) -> Result<HistoryReport, StoreError> {
        let read = |error| StoreError::Read {
            path: self.path.clone(),
            error,
        };
        let damaged = |detail: String| StoreError::Damaged {
            id,
            path: self.path.clone(),
            detail,
        };
        let no_such = || StoreError::NoSuchRun {
            id,
            path: self.path.clone(),
        };
        if self.version < 3 {
            return Err(no_such());
        }
        let found = self
            .conn
            .query_row(
                &format!("SELECT {HISTORY_COLUMNS} FROM histories WHERE id = ?1"),
                [id],
                history_summary,
            )
            .optional()
            .map_err(read)?
            .ok_or_else(no_such)?;
        let (summary, file, first_parent) = found;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT commit_id, author, author_time, subject, left_commit, right_commit,
                        services, identical, different, missing_left, missing_right, errors,
                        differences, changes
                 FROM history_rows WHERE history_id = ?1 ORDER BY ordinal",
            )
            .map_err(read)?;
        let mut rows = stmt.query([id]).map_err(read)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(read)? {
            let oid = |index: usize| -> Result<gix::ObjectId, StoreError> {
                let text: String = row.get(index).map_err(read)?;
                gix::ObjectId::from_hex(text.as_bytes())
                    .map_err(|_| damaged(format!("'{text}' is not a commit id")))
            };
            let count = |index: usize| -> Result<usize, StoreError> {
                let n: i64 = row.get(index).map_err(read)?;
                usize::try_from(n).map_err(|_| damaged(format!("a negative count {n}")))
            };
            let changes: String = row.get(13).map_err(read)?;
            out.push(HistoryRow {
                commit: oid(0)?,
                author: row.get(1).map_err(read)?,
                author_time: row.get(2).map_err(read)?,
                subject: row.get(3).map_err(read)?,
                left_commit: oid(4)?,
                right_commit: oid(5)?,
                summary: Summary {
                    services: count(6)?,
                    identical: count(7)?,
                    different: count(8)?,
                    missing_left: count(9)?,
                    missing_right: count(10)?,
                    errors: count(11)?,
                    differences: count(12)?,
                    accepted: None,
                },
                changes: parse_changes(&changes).map_err(damaged)?,
            });
        }
        Ok(HistoryReport {
            history_id: Some(summary.id),
            repository: summary.repository,
            file,
            range: summary.range,
            first_parent,
            left: summary.left,
            right: summary.right,
            rows: out,
            stats: summary.stats,
        })
    }
}

const HISTORY_COLUMNS: &str = "
    id, created_at, repository, file, range_given, first_parent,
    left_rev, left_commit, left_path, right_rev, right_commit, right_path,
    commits, pairs_compared, pairs_reused";

/// The list entry, the file name and first-parent flag of a history row.
fn history_summary(row: &rusqlite::Row<'_>) -> rusqlite::Result<(HistorySummary, String, bool)> {
    let side = |rev: usize| -> rusqlite::Result<HistorySide> {
        let commit: Option<String> = row.get(rev + 1)?;
        Ok(HistorySide {
            rev: row.get(rev)?,
            commit: commit.and_then(|c| gix::ObjectId::from_hex(c.as_bytes()).ok()),
            path: row.get(rev + 2)?,
        })
    };
    let count = |index: usize| -> rusqlite::Result<usize> {
        let n: i64 = row.get(index)?;
        usize::try_from(n).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(index, n))
    };
    Ok((
        HistorySummary {
            id: row.get(0)?,
            created_at: row.get(1)?,
            repository: row.get(2)?,
            range: row.get(4)?,
            left: side(6)?,
            right: side(9)?,
            stats: HistoryStats {
                commits: count(12)?,
                pairs_compared: count(13)?,
                pairs_reused: count(14)?,
            },
        },
        row.get(3)?,
        row.get(5)?,
    ))
}

fn changes_json(changes: &[ServiceChange]) -> String {
    let list: Vec<serde_json::Value> = changes
        .iter()
        .map(|c| {
            json!({
                "service": c.service,
                "from": c.from.map(Status::name),
                "to": c.to.map(Status::name),
                "differences": c.differences,
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

fn parse_changes(text: &str) -> Result<Vec<ServiceChange>, String> {
    let bad = || format!("changes {text} are not what confdiff saves");
    let list: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|_| bad())?;
    let status = |value: &serde_json::Value| -> Result<Option<Status>, String> {
        match value {
            serde_json::Value::Null => Ok(None),
            serde_json::Value::String(name) => Status::from_name(name).map(Some).ok_or_else(bad),
            _ => Err(bad()),
        }
    };
    list.iter()
        .map(|item| {
            Ok(ServiceChange {
                service: item["service"].as_str().ok_or_else(bad)?.to_owned(),
                from: status(&item["from"])?,
                to: status(&item["to"])?,
                differences: match &item["differences"] {
                    serde_json::Value::Null => None,
                    n => Some(
                        n.as_u64()
                            .and_then(|n| usize::try_from(n).ok())
                            .ok_or_else(bad)?,
                    ),
                },
            })
        })
        .collect()
}

fn int<T: TryInto<i64>>(n: T) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}
