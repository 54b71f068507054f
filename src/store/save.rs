//! Saving a run: one immediate transaction, prepared statements, no commit
//! until the last row is in. A server's saves write the services as one
//! pending document instead of their rows (see [`super::pending`]).

use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior, params};

use super::{RunMeta, Store, StoreError, pending};
use crate::diff::SideValue;
use crate::report::{Outcome, Report, ServiceReport};

const INSERT_RUN: &str = "
    INSERT INTO runs (
        created_at, repository,
        left_rev, left_commit, left_path, right_rev, right_commit, right_path,
        file, tool_version, duration_ms,
        services, identical, different, missing_left, missing_right, errors, differences,
        rules, baseline
    ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";

const INSERT_SERVICE: &str = "
    INSERT INTO services (run_id, service, ordinal, status, left_blob, right_blob, error, error_kind)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

const INSERT_DIFFERENCE: &str = "
    INSERT INTO differences (
        run_id, service, ordinal, path, display_path, kind,
        left_value, left_type, left_line, right_value, right_type, right_line, key_types,
        ignored_by
    ) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

const INSERT_PENDING: &str = "INSERT INTO pending_rows (run_id, services) VALUES (?1, ?2)";

impl Store {
    /// Saves `report` as a new run and returns its id. The run is written
    /// in one transaction: on any error (disk full, read-only file, …) it
    /// is rolled back and the database is as it was.
    pub fn save_run(&mut self, report: &Report, meta: &RunMeta) -> Result<i64, StoreError> {
        save(&mut self.conn, report, meta, self.defer_rows).map_err(|error| StoreError::Save {
            path: self.path.clone(),
            error,
        })
    }
}

fn save(
    conn: &mut Connection,
    report: &Report,
    meta: &RunMeta,
    defer_rows: bool,
) -> rusqlite::Result<i64> {
    let hooks = TestHooks::from_env();
    // Immediate: take the write lock now, while waiting for it is still
    // allowed, rather than fail upgrading a read transaction later.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if hooks.database_full {
        // Below the current size SQLite pins the limit at the current
        // size: the next page the save needs fails with SQLITE_FULL.
        tx.pragma_update(None, "max_page_count", 1)?;
    }
    let summary = report.summary();
    tx.execute(
        INSERT_RUN,
        params![
            meta.created_at,
            report.repository,
            report.left.rev,
            report.left.commit,
            report.left.path,
            report.right.rev,
            report.right.commit,
            report.right.path,
            report.file,
            meta.tool_version,
            int(meta.duration_ms),
            int(summary.services),
            int(summary.identical),
            int(summary.different),
            int(summary.missing_left),
            int(summary.missing_right),
            int(summary.errors),
            int(summary.differences),
            report
                .rules
                .as_ref()
                .map(|rules| serde_json::to_string(rules).expect("rules always serialize")),
            report
                .baseline
                .as_ref()
                .map(|b| serde_json::to_string(b).expect("baseline marks serialize")),
        ],
    )?;
    let run_id = tx.last_insert_rowid();
    if defer_rows {
        let document = pending::encode(&report.services)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        tx.prepare_cached(INSERT_PENDING)?
            .execute(params![run_id, document])?;
    } else {
        hooks.entered(run_id);
        insert_rows(&tx, run_id, &report.services, &hooks)?;
    }
    tx.commit()?;
    Ok(run_id)
}

/// Writes the `services` and `differences` rows of run `run_id`.
pub(super) fn insert_rows(
    tx: &Connection,
    run_id: i64,
    services: &[ServiceReport],
    hooks: &TestHooks,
) -> rusqlite::Result<()> {
    let mut insert_service = tx.prepare_cached(INSERT_SERVICE)?;
    let mut insert_difference = tx.prepare_cached(INSERT_DIFFERENCE)?;
    for (ordinal, service) in services.iter().enumerate() {
        insert_service.execute(params![
            run_id,
            service.service,
            int(ordinal),
            service.outcome.status().name(),
            service.left_blob,
            service.right_blob,
            service.outcome.error().map(|e| &e.message),
            service.outcome.error().map(|e| e.kind.name()),
        ])?;
        // Every difference, the ignored ones (last) too.
        let differences = match &service.outcome {
            Outcome::Different(all) => all.as_slice(),
            _ => &[],
        };
        for (ordinal, difference) in differences.iter().enumerate() {
            let (left_value, left_type, left_line) = side_columns(difference.left.as_ref());
            let (right_value, right_type, right_line) = side_columns(difference.right.as_ref());
            insert_difference.execute(params![
                run_id,
                service.service,
                int(ordinal),
                difference.path.to_json(),
                difference.path.to_string(),
                difference.kind.name(),
                left_value,
                left_type,
                left_line,
                right_value,
                right_type,
                right_line,
                difference.path.key_types_json(),
                difference.ignored_by,
            ])?;
        }
        hooks.pause();
    }
    Ok(())
}

/// SQLite integers are signed 64-bit; counts and milliseconds never come
/// near the limit, which saturates rather than wraps.
fn int<T: TryInto<i64>>(n: T) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// A side's value, type name and line, or three NULLs.
fn side_columns(value: Option<&SideValue>) -> (Option<&str>, Option<&'static str>, Option<u32>) {
    match value {
        Some(v) => (Some(v.json.get()), Some(v.value_type.name()), Some(v.line)),
        None => (None, None, None),
    }
}

/// Test-only hooks, read from the environment; nothing but confdiff's own
/// tests sets these variables.
///
/// - `CONFDIFF_TEST_PAUSE_IN_SAVE_MS=N`: once the run's row is written,
///   print `confdiff: test hook: inside the save of run ID` to stderr and
///   sleep N ms after each service. The tests kill the process there to
///   check that a killed save leaves the whole run or none of it.
/// - `CONFDIFF_TEST_DATABASE_FULL=1`: cap the database at its current size
///   for this save, so SQLite fails it with SQLITE_FULL ("database or disk
///   is full") exactly as a full disk does; tests run as root on a disk
///   they cannot fill.
pub(super) struct TestHooks {
    pause: Option<Duration>,
    database_full: bool,
}

impl TestHooks {
    /// No hook: for rows written from pending runs.
    pub(super) fn none() -> Self {
        TestHooks {
            pause: None,
            database_full: false,
        }
    }

    fn from_env() -> Self {
        let pause = std::env::var("CONFDIFF_TEST_PAUSE_IN_SAVE_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map(Duration::from_millis);
        let database_full = std::env::var_os("CONFDIFF_TEST_DATABASE_FULL").is_some();
        TestHooks {
            pause,
            database_full,
        }
    }

    fn entered(&self, run_id: i64) {
        if self.pause.is_some() {
            eprintln!("confdiff: test hook: inside the save of run {run_id}");
        }
    }

    fn pause(&self) {
        if let Some(pause) = self.pause {
            std::thread::sleep(pause);
        }
    }
}
