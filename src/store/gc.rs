//! Cleaning up: removing old runs, the cached results nothing needs any
//! more, and the space they took.

use std::time::{Duration, SystemTime};

use rusqlite::{Connection, TransactionBehavior};

use super::{Store, StoreError, rfc3339_utc};

/// The blob pairs whose cached results are still needed: those of a
/// service in a saved run. This is the one place that says so; a table
/// that comes to refer to pairs as well (a history of a service across
/// commits) adds its `UNION SELECT left_blob, right_blob FROM …` here.
/// Every row must have both ids: `NOT IN` with a NULL would keep all.
const NEEDED_PAIRS: &str = "
    SELECT left_blob, right_blob FROM services
    WHERE left_blob IS NOT NULL AND right_blob IS NOT NULL";

/// What [`Store::gc`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GcStats {
    /// Runs removed, with their services and differences.
    pub runs_removed: u64,
    /// Cached pair results removed.
    pub cache_rows_removed: u64,
    /// The database's size before, in bytes (pages × page size).
    pub bytes_before: u64,
    /// Its size after compacting.
    pub bytes_after: u64,
}

impl Store {
    /// Removes the runs beyond the newest `keep_runs` and the runs that
    /// started more than `older_than_days` days ago (a run either names
    /// goes; neither given removes no run), then the cached results,
    /// under any options digest, of the blob pairs that no service of a
    /// remaining run has, in one transaction; then compacts the file
    /// (VACUUM). A failed removal removes nothing ([`StoreError::Gc`]); a
    /// failed compaction keeps the removal ([`StoreError::Compact`]). Run
    /// ids are never
    /// given out again, so `show ID` never shows another run than it did.
    pub fn gc(
        &mut self,
        keep_runs: Option<usize>,
        older_than_days: Option<u32>,
    ) -> Result<GcStats, StoreError> {
        let path = || self.path.clone();
        let bytes_before = database_bytes(&self.conn).map_err(|error| StoreError::Gc {
            path: path(),
            error,
        })?;
        // Pending runs need their cached results too: written first, the
        // query that finds the needed pairs sees their blobs.
        if self.version >= super::pending::PENDING_VERSION {
            super::pending::settle(&mut self.conn, usize::MAX).map_err(|error| StoreError::Gc {
                path: path(),
                error,
            })?;
        }
        let (runs_removed, cache_rows_removed) = remove(&mut self.conn, keep_runs, older_than_days)
            .map_err(|error| StoreError::Gc {
                path: path(),
                error,
            })?;
        let bytes_after = compact(&self.conn).map_err(|error| StoreError::Compact {
            path: path(),
            error,
        })?;
        Ok(GcStats {
            runs_removed,
            cache_rows_removed,
            bytes_before,
            bytes_after,
        })
    }
}

fn remove(
    conn: &mut Connection,
    keep_runs: Option<usize>,
    older_than_days: Option<u32>,
) -> rusqlite::Result<(u64, u64)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut runs = 0;
    // Services and differences go with their run (ON DELETE CASCADE).
    if let Some(keep) = keep_runs {
        let keep = i64::try_from(keep).unwrap_or(i64::MAX);
        runs += tx.execute(
            "DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?1)",
            [keep],
        )?;
    }
    if let Some(cutoff) = older_than_days.and_then(cutoff) {
        runs += tx.execute("DELETE FROM runs WHERE created_at < ?1", [cutoff])?;
    }
    let cached = tx.execute(
        &format!("DELETE FROM pair_cache WHERE (left_blob, right_blob) NOT IN ({NEEDED_PAIRS})"),
        [],
    )?;
    tx.commit()?;
    Ok((runs as u64, cached as u64))
}

/// `days` days before now, as `created_at` is written; `None` when that
/// is before any time a run can have (nothing is that old).
fn cutoff(days: u32) -> Option<String> {
    let before = SystemTime::now().checked_sub(Duration::from_secs(u64::from(days) * 86_400))?;
    // Timestamps are only written from the year -9999 on.
    jiff::Timestamp::try_from(before).ok()?;
    Some(rfc3339_utc(before))
}

/// VACUUM, then a checkpoint that empties the write-ahead log, so the
/// file itself shrinks when no other process is reading it; the size
/// after.
fn compact(conn: &Connection) -> rusqlite::Result<u64> {
    conn.execute_batch("VACUUM")?;
    // Busy (another reader) is no failure: the log is emptied later.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    database_bytes(conn)
}

fn database_bytes(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row(
        "SELECT (SELECT page_count FROM pragma_page_count())
              * (SELECT page_size FROM pragma_page_size())",
        [],
        |row| row.get::<_, i64>(0),
    )
    .map(|bytes| u64::try_from(bytes).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cutoff_too_far_back_removes_nothing_by_age() {
        assert_eq!(cutoff(u32::MAX), None);
        let week = cutoff(7).unwrap();
        assert_eq!(week.len(), "2025-01-31T09:05:00Z".len());
        assert!(week < rfc3339_utc(SystemTime::now()));
    }
}
