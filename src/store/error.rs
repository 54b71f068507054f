//! Why the store could not do what was asked. Every message names the
//! database file, so the user knows which `--db` to fix.

use std::path::PathBuf;

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `--db ""` or an empty `CONFDIFF_DB`.
    #[error("the database path is empty; pass --db PATH")]
    EmptyPath,
    /// The database's folder does not exist. confdiff creates only its
    /// default folder; a folder the user named is theirs to create.
    #[error(
        "cannot open database '{path}': folder '{folder}' does not exist (create it, or pass --db with another path)"
    )]
    MissingFolder {
        /// The database path.
        path: PathBuf,
        /// Its folder.
        folder: PathBuf,
    },
    /// Something that is not a folder stands where the folder should be.
    #[error("cannot open database '{path}': '{folder}' is not a folder")]
    FolderNotADirectory {
        /// The database path.
        path: PathBuf,
        /// What stands in for its folder.
        folder: PathBuf,
    },
    /// The database path names a folder.
    #[error("cannot open database '{path}': it is a folder, not a file")]
    IsAFolder {
        /// The database path.
        path: PathBuf,
    },
    /// `runs` or `show` on a database that was never created.
    #[error(
        "no database at '{path}': nothing has been saved there yet (compare saves every run there)"
    )]
    NoDatabase {
        /// The database path.
        path: PathBuf,
    },
    /// The file exists but is not SQLite.
    #[error("'{path}' is not an SQLite database; pass --db with another path")]
    NotADatabase {
        /// The database path.
        path: PathBuf,
    },
    /// An SQLite file that some other program owns.
    #[error(
        "'{path}' is an SQLite database of another program, not a confdiff one; pass --db with another path"
    )]
    Foreign {
        /// The database path.
        path: PathBuf,
    },
    /// A database written by a newer confdiff.
    #[error(
        "database '{path}' has schema version {found}, newer than version {known} that this confdiff ({tool_version}) knows; use a newer confdiff"
    )]
    TooNew {
        /// The database path.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// The newest version this binary can migrate to.
        known: i64,
        /// This binary's version.
        tool_version: &'static str,
    },
    /// The file could not be opened or read as a database.
    #[error("cannot open database '{path}': {reason}")]
    Open {
        /// The database path.
        path: PathBuf,
        /// What SQLite or the system said, with a hint where one helps.
        reason: String,
    },
    /// Creating or upgrading the schema failed; nothing of it was kept.
    #[error("cannot upgrade database '{path}' to schema version {version}: {error}")]
    Migrate {
        /// The database path.
        path: PathBuf,
        /// The version being migrated to.
        version: i64,
        /// What SQLite said.
        error: rusqlite::Error,
    },
    /// Saving a run failed; the transaction was rolled back, so the
    /// database holds nothing of this run.
    #[error("cannot save the run in database '{path}': {error}; nothing of this run was saved")]
    Save {
        /// The database path.
        path: PathBuf,
        /// What SQLite said ("database or disk is full", …).
        error: rusqlite::Error,
    },
    /// Writing results to the cache failed; the transaction was rolled
    /// back, so the cache is as it was.
    #[error(
        "cannot save results in the cache of database '{path}': {error}; the cache is as it was"
    )]
    CacheWrite {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        error: rusqlite::Error,
    },
    /// Removing runs or cached results failed; nothing was removed.
    #[error("cannot clean up database '{path}': {error}; nothing was removed")]
    Gc {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        error: rusqlite::Error,
    },
    /// The runs and cached results were removed, but compacting the file
    /// (VACUUM, which needs free space about the database's size) failed.
    #[error(
        "removed the runs and cached results from database '{path}', but could not compact it: {error}"
    )]
    Compact {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        error: rusqlite::Error,
    },
    /// Reading saved runs failed.
    #[error("cannot read database '{path}': {error}")]
    Read {
        /// The database path.
        path: PathBuf,
        /// What SQLite said.
        error: rusqlite::Error,
    },
    /// `show` of a run id that is not in the database.
    #[error("no run {id} in {path}")]
    NoSuchRun {
        /// The run id asked for.
        id: i64,
        /// The database path.
        path: PathBuf,
    },
    /// A saved row that cannot be turned back into a report.
    #[error("run {id} in database '{path}' is damaged: {detail}")]
    Damaged {
        /// The run id.
        id: i64,
        /// The database path.
        path: PathBuf,
        /// What is wrong with it.
        detail: String,
    },
}
