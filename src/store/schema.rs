//! The schema, created and upgraded by an append-only list of migrations
//! keyed on `PRAGMA user_version`.
//!
//! Migration N (1-based) takes a database from `user_version` N-1 to N.
//! A released migration is never edited, only followed by a new one: a
//! database in the field may be at any version, and the list is the only
//! record of how it got there.

use rusqlite::{Connection, TransactionBehavior};

/// Stamped into the file header so a confdiff database can be told from
/// another program's SQLite file ("CfDf").
pub const APPLICATION_ID: i64 = 0x4366_4466;

/// The migrations, oldest first. Append only.
pub const MIGRATIONS: &[&str] = &[
    // 1: runs, their per-service results and their differences.
    r#"
    CREATE TABLE runs (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at      TEXT    NOT NULL,   -- UTC, RFC 3339: 2025-01-31T09:05:00Z
        repository      TEXT    NOT NULL,
        left_rev        TEXT    NOT NULL,
        left_commit     TEXT    NOT NULL,
        left_path       TEXT    NOT NULL,
        right_rev       TEXT    NOT NULL,
        right_commit    TEXT    NOT NULL,
        right_path      TEXT    NOT NULL,
        file            TEXT    NOT NULL,
        tool_version    TEXT    NOT NULL,
        duration_ms     INTEGER NOT NULL,
        services        INTEGER NOT NULL,
        identical       INTEGER NOT NULL,
        different       INTEGER NOT NULL,
        missing_left    INTEGER NOT NULL,
        missing_right   INTEGER NOT NULL,
        errors          INTEGER NOT NULL,
        differences     INTEGER NOT NULL
    );
    CREATE INDEX runs_by_time ON runs (created_at);

    CREATE TABLE services (
        run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        service     TEXT    NOT NULL,
        ordinal     INTEGER NOT NULL,       -- position in the report
        status      TEXT    NOT NULL CHECK (status IN
                        ('identical', 'different', 'missing_left', 'missing_right', 'error')),
        left_blob   TEXT,
        right_blob  TEXT,
        error       TEXT,
        PRIMARY KEY (run_id, service)
    ) WITHOUT ROWID;
    CREATE INDEX services_by_name ON services (service, run_id);

    CREATE TABLE differences (
        run_id          INTEGER NOT NULL,
        service         TEXT    NOT NULL,
        ordinal         INTEGER NOT NULL,   -- position in the service's list
        path            TEXT    NOT NULL,   -- JSON array: ["spec","ports",0]
        display_path    TEXT    NOT NULL,   -- spec.ports[0]
        kind            TEXT    NOT NULL CHECK (kind IN
                            ('added', 'removed', 'changed', 'type_changed')),
        left_value      TEXT,               -- JSON text, NULL for added
        left_type       TEXT,
        left_line       INTEGER,
        right_value     TEXT,               -- JSON text, NULL for removed
        right_type      TEXT,
        right_line      INTEGER,
        PRIMARY KEY (run_id, service, ordinal),
        FOREIGN KEY (run_id, service) REFERENCES services (run_id, service) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE INDEX differences_by_path ON differences (display_path, run_id);
    "#,
    // 2: the kind of each error service, and the types of non-string keys
    // in difference paths. Rows saved before are NULL in both: their kind
    // is read from the message's wording, and their keys are all strings.
    r#"
    ALTER TABLE services ADD COLUMN error_kind TEXT;
    ALTER TABLE differences ADD COLUMN key_types TEXT;
    "#,
    // 3: histories, one record each with one row per commit. Their ids
    // are taken from the runs' sequence, so a run and a history never
    // share an id and `show ID` needs no kind.
    r#"
    CREATE TABLE histories (
        id              INTEGER PRIMARY KEY,
        created_at      TEXT    NOT NULL,
        repository      TEXT    NOT NULL,
        file            TEXT    NOT NULL,
        range_given     TEXT    NOT NULL,
        first_parent    INTEGER NOT NULL,
        left_rev        TEXT,               -- NULL when the side follows the range
        left_commit     TEXT,
        left_path       TEXT    NOT NULL,
        right_rev       TEXT,
        right_commit    TEXT,
        right_path      TEXT    NOT NULL,
        tool_version    TEXT    NOT NULL,
        duration_ms     INTEGER NOT NULL,
        commits         INTEGER NOT NULL,
        pairs_compared  INTEGER NOT NULL,
        pairs_reused    INTEGER NOT NULL
    );
    CREATE INDEX histories_by_time ON histories (created_at);

    CREATE TABLE history_rows (
        history_id      INTEGER NOT NULL REFERENCES histories (id) ON DELETE CASCADE,
        ordinal         INTEGER NOT NULL,   -- position in the range, oldest first
        commit_id       TEXT    NOT NULL,
        author          TEXT    NOT NULL,
        author_time     TEXT    NOT NULL,
        subject         TEXT    NOT NULL,
        left_commit     TEXT    NOT NULL,
        right_commit    TEXT    NOT NULL,
        services        INTEGER NOT NULL,
        identical       INTEGER NOT NULL,
        different       INTEGER NOT NULL,
        missing_left    INTEGER NOT NULL,
        missing_right   INTEGER NOT NULL,
        errors          INTEGER NOT NULL,
        differences     INTEGER NOT NULL,
        changes         TEXT    NOT NULL,   -- JSON array, as the history's JSON prints it
        PRIMARY KEY (history_id, ordinal)
    ) WITHOUT ROWID;
    "#,
    // 4: the cache of pair results: what comparing two blobs gave under
    // the options the digest stands for. Without rowid: the lookup is
    // one search instead of two (measured 3 to 6 times faster on 20,000 keys),
    // and nearly every outcome is far smaller than a page.
    r#"
    CREATE TABLE pair_cache (
        left_blob   TEXT    NOT NULL,       -- blob ids, hex, as in services
        right_blob  TEXT    NOT NULL,
        options     TEXT    NOT NULL,       -- digest of the options and result format
        outcome     TEXT    NOT NULL,       -- JSON: status, differences or error
        checksum    INTEGER NOT NULL,       -- over the key and the outcome text
        PRIMARY KEY (left_blob, right_blob, options)
    ) WITHOUT ROWID;
    "#,
    // 5: the rules a run was compared under (normalised JSON, NULL for
    // none), and for each difference a rule ignored, the rule's position
    // in them (NULL for a reported difference).
    r#"
    ALTER TABLE runs ADD COLUMN rules TEXT;
    ALTER TABLE differences ADD COLUMN ignored_by INTEGER;
    "#,
    // 6: what a baseline of accepted differences said of a run (JSON:
    // the file, per service the accepted differences with their reasons,
    // the stale entries); NULL for a run compared without one.
    r#"
    ALTER TABLE runs ADD COLUMN baseline TEXT;
    "#,
    // 7: runs a server saved whose service and difference rows are not
    // written yet: the services as one JSON document, which the server's
    // background thread (or the next process to open the database for
    // writing) moves into `services` and `differences`, many runs in one
    // transaction, and removes from here. A save then appends two rows
    // instead of touching a page of each secondary index per service.
    r#"
    CREATE TABLE pending_rows (
        run_id      INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        services    TEXT    NOT NULL
    );
    "#,
];

/// The schema version this binary creates and understands.
pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// Why migrating failed: the version it was going to, and SQLite's error.
#[derive(Debug)]
pub struct MigrationFailure {
    /// The version being migrated to when it failed (or the version found,
    /// when the database was upgraded by a newer binary meanwhile).
    pub version: i64,
    /// What SQLite said.
    pub error: rusqlite::Error,
}

/// What [`migrate`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Migrated {
    /// The database is now at [`LATEST_VERSION`].
    Current,
    /// Another process upgraded it past what this binary knows.
    TooNew(i64),
}

/// The database's `user_version`.
pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Brings the database up to [`LATEST_VERSION`].
pub fn migrate(conn: &mut Connection) -> Result<Migrated, MigrationFailure> {
    migrate_with(conn, MIGRATIONS)
}

/// Applies the migrations of `list` the database does not have yet, all in
/// one transaction: an upgrade happens entirely or not at all. The version
/// is read again inside the (immediate, so write-locked) transaction, since
/// another process may have migrated the file since it was opened.
pub fn migrate_with(conn: &mut Connection, list: &[&str]) -> Result<Migrated, MigrationFailure> {
    let latest = list.len() as i64;
    let fail = |version| move |error| MigrationFailure { version, error };
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(fail(latest))?;
    let found = user_version(&tx).map_err(fail(latest))?;
    if found > latest {
        return Ok(Migrated::TooNew(found));
    }
    if found == latest {
        return Ok(Migrated::Current);
    }
    for (index, sql) in list.iter().enumerate().skip(found as usize) {
        let version = index as i64 + 1;
        tx.execute_batch(sql).map_err(fail(version))?;
        // PRAGMA takes no parameters; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {version}"))
            .map_err(fail(version))?;
    }
    tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}"))
        .map_err(fail(latest))?;
    tx.commit().map_err(fail(latest))?;
    Ok(Migrated::Current)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn a_new_database_gets_every_migration() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(user_version(&conn).unwrap(), 0);
        assert_eq!(migrate(&mut conn).unwrap(), Migrated::Current);
        assert_eq!(user_version(&conn).unwrap(), LATEST_VERSION);
        let id: i64 = conn
            .pragma_query_value(None, "application_id", |row| row.get(0))
            .unwrap();
        assert_eq!(id, APPLICATION_ID);
        assert_eq!(
            tables(&conn),
            [
                "differences",
                "histories",
                "history_rows",
                "pair_cache",
                "pending_rows",
                "runs",
                "services",
                "sqlite_sequence"
            ]
        );
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO runs VALUES (NULL, 't', 'r', 'a', 'c', 'p', 'b', 'c', 'q', 'f', 'v', 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL)",
        )
        .unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), Migrated::Current);
        let runs: i64 = conn
            .query_row("SELECT count(*) FROM runs", [], |row| row.get(0))
            .unwrap();
        assert_eq!(runs, 1);
    }

    #[test]
    fn only_the_missing_migrations_run_in_order() {
        let mut conn = Connection::open_in_memory().unwrap();
        let list = [
            "CREATE TABLE a (x INTEGER)",
            "ALTER TABLE a ADD COLUMN y TEXT",
        ];
        migrate_with(&mut conn, &list[..1]).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 1);
        conn.execute_batch("INSERT INTO a (x) VALUES (7)").unwrap();
        migrate_with(&mut conn, &list).unwrap();
        assert_eq!(user_version(&conn).unwrap(), 2);
        let (x, y): (i64, Option<String>) = conn
            .query_row("SELECT x, y FROM a", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .unwrap();
        assert_eq!((x, y), (7, None));
    }

    #[test]
    fn a_failing_migration_leaves_the_database_as_it_was() {
        let mut conn = Connection::open_in_memory().unwrap();
        let list = [
            "CREATE TABLE a (x INTEGER)",
            "CREATE TABLE b (",
            "CREATE TABLE c (z)",
        ];
        let failure = migrate_with(&mut conn, &list).unwrap_err();
        assert_eq!(failure.version, 2);
        assert_eq!(user_version(&conn).unwrap(), 0);
        assert!(tables(&conn).is_empty(), "{:?}", tables(&conn));
    }

    #[test]
    fn a_newer_database_is_reported_not_touched() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), Migrated::TooNew(99));
        assert_eq!(user_version(&conn).unwrap(), 99);
        assert!(tables(&conn).is_empty());
    }

    #[test]
    fn the_schema_accepts_only_contract_names() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO runs VALUES (1, 't', 'r', 'a', 'c', 'p', 'b', 'c', 'q', 'f', 'v', 1, 0, 0, 0, 0, 0, 0, 0, NULL, NULL)",
        )
        .unwrap();
        let bad_status =
            conn.execute_batch("INSERT INTO services VALUES (1, 's', 0, 'same', NULL, NULL, NULL)");
        assert!(bad_status.is_err());
    }
}
