//! The store: every comparison saved in an embedded SQLite database, so it
//! can be listed, shown again and queried later.
//!
//! All SQL lives in this module; the rest of the program calls [`Store`]
//! methods with plain data ([`Report`], [`RunMeta`]) and gets plain data
//! back ([`Report`], [`RunSummary`]).
//!
//! What keeps a run whole: the file is in WAL mode with a busy timeout, so
//! several processes can save at once; each run is written in one
//! immediate transaction, so a process killed at any moment leaves the
//! whole run or none of it; the schema is created and upgraded by
//! [`schema`]'s migrations in one transaction; and a file that is not ours
//! (not SQLite, another program's, a newer schema) is refused before
//! anything is written to it.
//!
//! Beside the runs, [`cache`] keeps what each pair of blobs compared to
//! (read back only when its checksum verifies), and [`gc`] removes old
//! runs and the cached results no run needs.

mod cache;
mod error;
mod gc;
mod history;
mod load;
mod payload;
mod pending;
mod save;
mod schema;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::report::{SideReport, Summary};
use schema::{APPLICATION_ID, LATEST_VERSION, Migrated};

pub use error::StoreError;
pub use gc::GcStats;
pub use history::{HistorySummary, SavedKind};
/// The schema version this binary creates and reads (`PRAGMA user_version`).
pub use schema::LATEST_VERSION as SCHEMA_VERSION;

/// How long a save or an open waits for another process's transaction
/// before giving up. Saves are one short transaction each, so waiting
/// this long only happens behind a very large run.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// Pending runs written per transaction when a database is opened for
/// writing.
const SETTLE_AT_OPEN: usize = 256;

/// The database file's name inside confdiff's data folder.
const DEFAULT_FILE_NAME: &str = "confdiff.db";

/// The default database: `<user data dir>/confdiff/confdiff.db`
/// (`~/.local/share/confdiff/confdiff.db` on Linux), or `None` when the
/// system has no data folder for this user.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("confdiff").join(DEFAULT_FILE_NAME))
}

/// What a run's row records besides the report itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMeta {
    /// When the comparison started, UTC, RFC 3339 to the second
    /// (`2025-01-31T09:05:00Z`), so text order is time order.
    pub created_at: String,
    /// How long the comparison took, in milliseconds.
    pub duration_ms: u64,
    /// The confdiff version that compared.
    pub tool_version: String,
}

impl RunMeta {
    /// The metadata of a comparison by this binary that started at
    /// `started` and took `duration`.
    pub fn new(started: SystemTime, duration: Duration) -> Self {
        RunMeta {
            created_at: rfc3339_utc(started),
            duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// `2025-01-31T09:05:00Z`.
fn rfc3339_utc(time: SystemTime) -> String {
    let timestamp = jiff::Timestamp::try_from(time).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// One saved run, as `confdiff runs` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    /// The run's id.
    pub id: i64,
    /// When it started, UTC, RFC 3339.
    pub created_at: String,
    /// The repository as the user named it.
    pub repository: String,
    /// The left side.
    pub left: SideReport,
    /// The right side.
    pub right: SideReport,
    /// The config file name compared.
    pub file: String,
    /// The confdiff version that compared.
    pub tool_version: String,
    /// How long the comparison took, in milliseconds.
    pub duration_ms: u64,
    /// The counts the report had.
    pub summary: Summary,
}

/// An open confdiff database. One thread owns it; the comparison's worker
/// threads never see it.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The schema version the file has: [`LATEST_VERSION`] once opened
    /// for writing, possibly older when opened read-only.
    version: i64,
    /// Whether a save leaves its service and difference rows pending
    /// ([`pending`]): set for a server by [`Store::prepare_for_serving`].
    defer_rows: bool,
}

/// WAL pages past which the connection that commits copies the log into
/// the database itself (SQLite's own default is 1,000). A long-running
/// writer hands that work to a [`Checkpointer`] on another thread; this
/// is only the bound the log grows to when that one falls behind.
const DEFERRED_CHECKPOINT_PAGES: i64 = 16_000;

/// Copies the write-ahead log into the database on a connection of its
/// own, so that a server's saves do not: a save then only appends its
/// pages to the log. A checkpoint never blocks a save, and a save never
/// waits for one.
pub struct Checkpointer {
    conn: Connection,
    path: PathBuf,
}

impl Checkpointer {
    /// Flushes the log to the disk and copies what no reader still needs
    /// from it into the database (`PRAGMA wal_checkpoint(PASSIVE)`): pages
    /// that readers still see stay in the log for the next call.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
            .map_err(|error| StoreError::Read {
                path: self.path.clone(),
                error,
            })
    }
}

/// How a database is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// For writing, creating the file when it does not exist.
    Create,
    /// For writing; the database must exist.
    Modify,
    /// For reading only; the database must exist.
    Read,
}

impl Store {
    /// Opens the database at `path`, creating the file (not its folder)
    /// when it does not exist, and brings its schema up to date. Fails,
    /// without writing anything, on a file that is not a confdiff
    /// database or whose schema is newer than this binary knows.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Self::open_with(path, Mode::Create)
    }

    /// Opens an existing database for writing, and brings its schema up
    /// to date, as [`Store::open`] does; but a missing file (or an empty
    /// one) is [`StoreError::NoDatabase`] and is not created: for
    /// commands that only make sense where runs were saved (`gc`).
    pub fn open_existing_writable(path: &Path) -> Result<Store, StoreError> {
        Self::open_with(path, Mode::Modify)
    }

    /// Opens an existing database read-only, for reading what was saved:
    /// nothing is written to it or beside it, so it works on read-only
    /// media and in folders the user cannot write. A missing file is
    /// [`StoreError::NoDatabase`]; an older schema is read as it is.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        Self::open_with(path, Mode::Read)
    }

    /// The database file, as it was given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sets the connection up for a server, which saves run after run:
    /// copying the log into the database, and flushing it to the disk,
    /// are left to the [`Checkpointer`] this returns (to be called on
    /// another thread every so often) instead of being done in the saves.
    /// A saved run is still whole and seen by every reader from its commit
    /// on, and still survives the process being killed; only a crash of
    /// the whole machine before the next checkpoint can lose it (never
    /// half of it).
    ///
    /// Its saves also leave the service and difference rows pending, for
    /// the caller to write many runs at a time with
    /// [`Store::settle_pending`] on the same thread as the checkpoints
    /// (see [`pending`] for why).
    pub fn prepare_for_serving(&mut self) -> Result<Checkpointer, StoreError> {
        let failed = |error| StoreError::Open {
            path: self.path.clone(),
            reason: open_reason(&self.path, &error),
        };
        self.conn
            .pragma_update(None, "wal_autocheckpoint", DEFERRED_CHECKPOINT_PAGES)
            .map_err(failed)?;
        // In WAL mode, NORMAL syncs the log at checkpoints, not at each
        // commit; the checkpointer's connection keeps FULL.
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(failed)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).map_err(failed)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(failed)?;
        self.defer_rows = self.version >= pending::PENDING_VERSION;
        Ok(Checkpointer {
            conn,
            path: self.path.clone(),
        })
    }

    fn open_with(path: &Path, mode: Mode) -> Result<Store, StoreError> {
        check_location(path, mode)?;
        let owned = || path.to_path_buf();
        let open_error = |error: rusqlite::Error| StoreError::Open {
            path: owned(),
            reason: open_reason(path, &error),
        };
        let create = match mode {
            Mode::Read => return Self::open_read_only(path),
            Mode::Modify => OpenFlags::empty(),
            Mode::Create => OpenFlags::SQLITE_OPEN_CREATE,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | create;
        let mut conn = Connection::open_with_flags(path, flags).map_err(open_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;

        // Read before writing anything: this fails on a file that is not
        // SQLite and tells another program's database from ours. One
        // statement, so one snapshot: another process may be creating the
        // schema right now.
        let not_ours = |error: rusqlite::Error| match error.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path: owned() },
            _ => open_error(error),
        };
        let identity = retry_busy(|| identify(&conn)).map_err(not_ours)?;
        // Only an empty file may become ours, and only when asked to
        // create one; anything else must carry our application id.
        if identity.is_empty() && mode == Mode::Modify {
            return Err(StoreError::NoDatabase { path: owned() });
        }
        if identity.application_id != APPLICATION_ID && !identity.is_empty() {
            return Err(StoreError::Foreign { path: owned() });
        }
        let too_new = |found| StoreError::TooNew {
            path: owned(),
            found,
            known: LATEST_VERSION,
            tool_version: env!("CARGO_PKG_VERSION"),
        };
        let version = identity.version;
        if version > LATEST_VERSION {
            return Err(too_new(version));
        }

        // WAL lets readers and one writer work at once, and keeps a run
        // being written invisible until its commit. The setting is stored
        // in the file, so this writes only the first time.
        let mode: String = retry_busy(|| {
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        })
        .map_err(open_error)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Open {
                path: owned(),
                reason: format!("cannot switch it to WAL mode (it stays in {mode} mode)"),
            });
        }
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(open_error)?;
        if version < LATEST_VERSION {
            match schema::migrate(&mut conn) {
                Ok(Migrated::Current) => {}
                Ok(Migrated::TooNew(found)) => return Err(too_new(found)),
                Err(failure) => {
                    return Err(StoreError::Migrate {
                        path: owned(),
                        version: failure.version,
                        error: failure.error,
                    });
                }
            }
        }
        let mut store = Store {
            conn,
            path: owned(),
            version: LATEST_VERSION,
            defer_rows: false,
        };
        // What a server stopped before writing: every writer settles it,
        // so hand-written SQL never waits on a server that is gone. Only
        // an aid: pending runs read whole as they are, so a database that
        // cannot take the rows now (full, read-only) still opens, and a
        // save that cannot be written says so itself.
        while matches!(store.settle_pending(SETTLE_AT_OPEN), Ok(SETTLE_AT_OPEN)) {}
        Ok(store)
    }

    /// For reading only: no WAL switch, no migration, no write. Where the
    /// file can be written it is opened as usual, so that SQLite removes
    /// its `-wal` and `-shm` files again when done; where it cannot (a
    /// read-only folder or medium), it is opened read-only, and as
    /// immutable when SQLite cannot even create the `-shm` file a WAL
    /// database needs — which is what the file is there.
    fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let owned = || path.to_path_buf();
        let no_mutex = OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let attempt =
            |conn: rusqlite::Result<Connection>| -> rusqlite::Result<(Connection, Identity)> {
                let conn = conn?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                let identity = retry_busy(|| identify(&conn))?;
                Ok((conn, identity))
            };
        let refused = |error: &rusqlite::Error| {
            matches!(
                error.sqlite_error_code(),
                Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied)
            )
        };
        let opened = attempt(Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | no_mutex,
        ))
        .or_else(|error| {
            if !refused(&error) {
                return Err(error);
            }
            attempt(Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | no_mutex,
            ))
        })
        .or_else(|error| {
            if !refused(&error) {
                return Err(error);
            }
            attempt(Connection::open_with_flags(
                immutable_uri(path),
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | no_mutex,
            ))
        });
        let (conn, identity) = opened.map_err(|error| match error.sqlite_error_code() {
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase { path: owned() },
            _ => StoreError::Open {
                path: owned(),
                reason: format!("{error} (is the file readable?)"),
            },
        })?;
        if identity.application_id != APPLICATION_ID {
            return Err(if identity.is_empty() {
                StoreError::NoDatabase { path: owned() }
            } else {
                StoreError::Foreign { path: owned() }
            });
        }
        if identity.version > LATEST_VERSION {
            return Err(StoreError::TooNew {
                path: owned(),
                found: identity.version,
                known: LATEST_VERSION,
                tool_version: env!("CARGO_PKG_VERSION"),
            });
        }
        Ok(Store {
            conn,
            path: owned(),
            version: identity.version,
            defer_rows: false,
        })
    }
}

/// What a file says about itself before anything is written to it.
struct Identity {
    version: i64,
    application_id: i64,
    has_tables: bool,
}

impl Identity {
    fn is_empty(&self) -> bool {
        !self.has_tables && self.application_id == 0 && self.version == 0
    }
}

/// Reads the identity in one statement, so one snapshot: another process
/// may be creating the schema right now. Fails on a file that is not
/// SQLite.
fn identify(conn: &Connection) -> rusqlite::Result<Identity> {
    conn.query_row(
        "SELECT (SELECT user_version FROM pragma_user_version),
                (SELECT application_id FROM pragma_application_id),
                EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table')",
        [],
        |row| {
            Ok(Identity {
                version: row.get(0)?,
                application_id: row.get(1)?,
                has_tables: row.get(2)?,
            })
        },
    )
}

/// `file:PATH?immutable=1`, with the characters a URI gives meaning to
/// escaped.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'%' | b'?' | b'#' => uri.push_str(&format!("%{byte:02X}")),
            _ => uri.push(char::from(*byte)),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Runs `step` again while SQLite answers SQLITE_BUSY, up to
/// [`BUSY_TIMEOUT`]. SQLite returns BUSY at once, without calling the busy
/// handler, where waiting could deadlock: switching a new file to WAL while
/// another process is creating the same file is such a place.
fn retry_busy<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match step() {
            Err(error)
                if error.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            result => return result,
        }
    }
}

/// Checks what the file system can tell before SQLite sees the path, for
/// messages that say what is actually wrong.
fn check_location(path: &Path, mode: Mode) -> Result<(), StoreError> {
    if path.as_os_str().is_empty() {
        return Err(StoreError::EmptyPath);
    }
    let owned = || path.to_path_buf();
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => return Err(StoreError::IsAFolder { path: owned() }),
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && mode != Mode::Create => {
            return Err(StoreError::NoDatabase { path: owned() });
        }
        Err(_) => {}
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    match std::fs::metadata(folder) {
        Ok(meta) if !meta.is_dir() => Err(StoreError::FolderNotADirectory {
            path: owned(),
            folder: folder.to_path_buf(),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::MissingFolder {
            path: owned(),
            folder: folder.to_path_buf(),
        }),
        // A path through a file ("file/sub/x.db") reads as "not a
        // directory" from the system.
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            Err(StoreError::FolderNotADirectory {
                path: owned(),
                folder: folder.to_path_buf(),
            })
        }
        Err(e) => Err(StoreError::Open {
            path: owned(),
            reason: format!("cannot read folder '{}': {e}", folder.display()),
        }),
    }
}

/// SQLite's "unable to open database file" says nothing about why; when
/// the file does not exist yet, the reason is almost always its folder.
fn open_reason(path: &Path, error: &rusqlite::Error) -> String {
    let cannot_open = error.sqlite_error_code() == Some(ErrorCode::CannotOpen);
    if cannot_open && !path.exists() {
        format!("{error} (cannot create the file: is its folder writable?)")
    } else if cannot_open {
        format!("{error} (is the file and its folder readable and writable?)")
    } else {
        error.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_at_is_rfc3339_utc_to_the_second() {
        let time = SystemTime::UNIX_EPOCH + Duration::from_millis(1_738_314_300_750);
        assert_eq!(rfc3339_utc(time), "2025-01-31T09:05:00Z");
    }
}
