//! The result cache: pairs of blobs compared once are answered from the
//! run database the next time, a damaged cache only costs a recomputation,
//! and `--no-save` uses no database at all.

use std::path::Path;

use serde_json::Value;

use crate::harness::{TestRepo, json_output};

fn repo() -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("a/billing/configuration.yml", "replicas: 3\nport: 80\n")
        .write("b/billing/configuration.yml", "replicas: 5\nport: 80\n")
        .write("a/same/configuration.yml", "x: 1\n")
        .write("b/same/configuration.yml", "x: 1\n");
    repo.commit("two services");
    repo
}

fn compare(repo: &TestRepo, db: Option<&Path>) -> Value {
    let mut command = repo.confdiff();
    command.args(["compare", "--format", "json", "a", "b"]);
    match db {
        Some(db) => command.arg("--db").arg(db),
        None => command.arg("--no-save"),
    };
    json_output(&mut command, 0)
}

fn services(report: &Value) -> Value {
    report["services"].clone()
}

/// Removes the loose object `id` from the repository.
fn delete_object(repo: &TestRepo, id: &str) {
    let path = repo
        .path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..]);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[test]
fn a_pair_compared_once_is_answered_without_reading_its_blobs() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let first = compare(&repo, Some(&db));
    let billing_right = first["services"][0]["right_blob"]
        .as_str()
        .unwrap()
        .to_owned();
    // With the blob gone, only the cache can still answer.
    delete_object(&repo, &billing_right);
    let second = compare(&repo, Some(&db));
    assert_eq!(services(&second), services(&first));
    let uncached = compare(&repo, None);
    assert_eq!(uncached["services"][0]["status"], "error", "{uncached}");
    assert_eq!(uncached["services"][0]["error_kind"], "unreadable");
}

#[test]
fn a_damaged_or_deleted_cache_row_costs_only_a_recomputation() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let first = compare(&repo, Some(&db));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM pair_cache", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1, "one pair was loaded: billing (same is one blob)");
    // A wrong answer in the row, as a bad disk or a hand edit would leave.
    conn.execute(
        "UPDATE pair_cache SET outcome = replace(outcome, '5', '7')",
        [],
    )
    .unwrap();
    drop(conn);
    assert_eq!(services(&compare(&repo, Some(&db))), services(&first));
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("DELETE FROM pair_cache", []).unwrap();
    drop(conn);
    assert_eq!(services(&compare(&repo, Some(&db))), services(&first));
}

#[test]
fn no_save_reads_and_writes_no_database() {
    let repo = repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let mut command = repo.confdiff();
    command
        .args(["compare", "--no-save", "a", "b", "--db"])
        .arg(&db);
    json_output(command.args(["--format", "json"]), 0);
    assert!(!db.exists(), "--no-save created the database");
}

#[test]
fn a_second_identical_history_compares_no_pair() {
    let mut repo = repo();
    for i in 0..5 {
        repo.write(
            "b/billing/configuration.yml",
            format!("replicas: {i}\nport: 80\n"),
        );
        repo.commit(&format!("replicas {i}"));
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let history = |db: &Path| {
        json_output(
            repo.confdiff()
                .args(["history", "--format", "json", "a", "b", "--db"])
                .arg(db),
            0,
        )
    };
    let first = history(&db);
    // 3 against 5, 0, 1, 2 and 4 (replicas 3 is the left blob itself).
    assert_eq!(first["stats"]["pairs_compared"], 5);
    let second = history(&db);
    assert_eq!(second["stats"]["pairs_compared"], 0, "{}", second["stats"]);
    assert_eq!(second["rows"], first["rows"]);
    // The cache lives in the database: another one starts empty.
    let other = dir.path().join("other.db");
    assert_eq!(history(&other)["stats"]["pairs_compared"], 5);
}
