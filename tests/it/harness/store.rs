//! Helpers for the store's tests: real database files, checked with
//! rusqlite, and child processes that run without root's privileges.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use super::TestRepo;

/// `nobody`: who the tests become when the file system must refuse them.
const UNPRIVILEGED: u32 = 65534;

/// Whether this process runs as root, whom permission bits do not stop.
pub fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(1)
        == 0
}

/// confdiff as a plain `std::process::Command`, run as `nobody` when the
/// tests run as root, so that read-only files and folders really refuse
/// writes. The binary is linked (or copied) into `dir` first, since the
/// build folder may be private to root; `dir` and everything the command
/// must read have to be world-readable (see [`open_to_everyone`]).
pub fn confdiff_unprivileged(dir: &Path) -> Command {
    let binary = dir.join("confdiff");
    if !binary.exists() {
        let built = Path::new(env!("CARGO_BIN_EXE_confdiff"));
        std::fs::hard_link(built, &binary)
            .or_else(|_| std::fs::copy(built, &binary).map(drop))
            .unwrap();
        chmod(&binary, 0o755);
    }
    let mut command = super::command_for(&binary);
    command.env_remove("CONFDIFF_DB");
    if is_root() {
        command.uid(UNPRIVILEGED).gid(UNPRIVILEGED);
    }
    command
}

/// Makes `dir` and everything below it readable (and folders enterable)
/// by everyone; temp dirs start private.
pub fn open_to_everyone(dir: &Path) {
    let mode = |path: &Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    mode(dir, 0o755);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            open_to_everyone(&path);
        } else if meta.is_file() {
            mode(&path, meta.mode() | 0o444);
        }
    }
}

/// Sets a file's or folder's permission bits.
pub fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `PRAGMA integrity_check` of the database at `path`.
pub fn integrity_check(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap()
}

/// One integer from the database at `path`.
pub fn count(path: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row(sql, [], |row| row.get(0)).unwrap()
}

/// A repository with `n` services on each side, plus one missing on each
/// side and one whose config is a symlink (an `error`), so a run writes
/// rows of every status the loader does not decide.
pub fn repo_with_services(n: usize) -> TestRepo {
    let mut repo = TestRepo::new();
    for i in 0..n {
        repo.write(
            &format!("implementation_1/svc-{i:04}/configuration.yml"),
            format!("name: svc-{i:04}\nspec:\n  replicas: 1\n  port: {i}\n"),
        )
        .write(
            &format!("implementation_2/svc-{i:04}/configuration.yml"),
            format!(
                "name: svc-{i:04}\nspec:\n  replicas: {}\n  port: {i}\n",
                1 + i % 3
            ),
        );
    }
    repo.write("implementation_1/only-left/configuration.yml", "a: 1\n")
        .write("implementation_2/only-right/configuration.yml", "a: 1\n")
        .write("implementation_1/linked/configuration.yml", "a: 1\n")
        .symlink(
            "implementation_2/linked/configuration.yml",
            "../elsewhere.yml",
        );
    repo.commit("services");
    repo
}

/// The (left blob, right blob) pairs of run `run`'s services that have
/// both, in report order: the keys its pair results are cached under.
pub fn blob_pairs(path: &Path, run: i64) -> Vec<(gix::ObjectId, gix::ObjectId)> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT left_blob, right_blob FROM services
             WHERE run_id = ?1 AND left_blob IS NOT NULL AND right_blob IS NOT NULL
             ORDER BY ordinal",
        )
        .unwrap();
    stmt.query_map([run], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
    })
    .unwrap()
    .map(|pair| {
        let (left, right) = pair.unwrap();
        (oid(&left), oid(&right))
    })
    .collect()
}

/// An object id from its hex form.
pub fn oid(hex: &str) -> gix::ObjectId {
    gix::ObjectId::from_hex(hex.as_bytes()).unwrap()
}
