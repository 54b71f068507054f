//! `confdiff gc`: old runs go, the cached results the remaining runs need
//! stay, the rest of the cache goes, and the file shrinks; on real
//! databases written by real comparisons.

use std::collections::BTreeSet;
use std::path::Path;

use gix::ObjectId;

use crate::harness::store::{blob_pairs, count, integrity_check, oid, repo_with_services};
use crate::harness::{TestRepo, confdiff, run};
use confdiff::{Outcome, RunMeta, Store};

const DIGEST: &str = "options-digest-1";

/// A pair no run has.
fn unrelated(n: u32) -> (ObjectId, ObjectId) {
    (
        oid(&format!("{n:08x}{}", "e".repeat(32))),
        oid(&format!("{n:08x}{}", "f".repeat(32))),
    )
}

/// Four runs of three services: `broken` (an error) and `same` are the
/// same pairs in every run, `moving` has a new right blob each time.
/// Returns the repository (kept alive) and each run's pairs, in report
/// order: broken, moving, same.
fn four_runs(db: &Path) -> (TestRepo, Vec<Vec<(ObjectId, ObjectId)>>) {
    let mut repo = TestRepo::new();
    repo.write("implementation_1/same/configuration.yml", "a: 1\n")
        .write("implementation_2/same/configuration.yml", "a: 2\n")
        .write("implementation_1/moving/configuration.yml", "replicas: 0\n")
        .write("implementation_1/broken/configuration.yml", "a: 1\n")
        .write("implementation_2/broken/configuration.yml", "a: [1\n");
    let mut pairs = Vec::new();
    for k in 1..=4 {
        repo.write(
            "implementation_2/moving/configuration.yml",
            format!("replicas: {k}\n"),
        );
        repo.commit(&format!("replicas {k}"));
        let (code, _, stderr) = run(repo
            .confdiff()
            .args(["compare", "implementation_1", "implementation_2", "--db"])
            .arg(db));
        assert_eq!(code, 0, "{stderr}");
        pairs.push(blob_pairs(db, k));
    }
    assert!(pairs.iter().all(|run| run.len() == 3), "{pairs:?}");
    (repo, pairs)
}

/// Caches every pair of every run, and two pairs no run has; the pair of
/// `broken`, which every run needs, also under an older digest.
fn cache_everything(db: &Path, runs: &[Vec<(ObjectId, ObjectId)>]) {
    // Only the rows made here: the compares that made the runs cached
    // their own results under the real options.
    rusqlite::Connection::open(db)
        .unwrap()
        .execute("DELETE FROM pair_cache", [])
        .unwrap();
    let mut store = Store::open(db).unwrap();
    let mut entries: Vec<_> = runs
        .iter()
        .flatten()
        .map(|pair| (*pair, Outcome::Identical))
        .collect();
    entries.push((unrelated(1), Outcome::Identical));
    entries.push((unrelated(2), Outcome::Identical));
    store.cache_outcomes(DIGEST, &entries).unwrap();
    store
        .cache_outcomes("older-digest", &[(runs[0][0], Outcome::Identical)])
        .unwrap();
}

fn cached_pairs(db: &Path) -> BTreeSet<(String, String, String)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT left_blob, right_blob, options FROM pair_cache")
        .unwrap();
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn row(pair: &(ObjectId, ObjectId), digest: &str) -> (String, String, String) {
    (pair.0.to_string(), pair.1.to_string(), digest.to_owned())
}

fn gc(db: &Path, args: &[&str]) -> (i32, String, String) {
    run(confdiff().arg("gc").args(args).arg("--db").arg(db))
}

fn run_ids(db: &Path) -> Vec<i64> {
    Store::open_existing(db)
        .unwrap()
        .list_runs(None)
        .unwrap()
        .iter()
        .map(|run| run.id)
        .collect()
}

#[test]
fn keep_runs_keeps_the_newest_runs_and_the_cached_results_they_need() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let (repo, runs) = four_runs(&db);
    cache_everything(&db, &runs);
    assert_eq!(runs[0][0], runs[3][0]);
    assert_eq!(runs[0][2], runs[3][2]);
    assert_ne!(runs[0][1], runs[3][1]);
    let differences_before = count(&db, "SELECT count(*) FROM differences WHERE run_id > 2");

    let (code, stdout, stderr) = gc(&db, &["--keep-runs", "2"]);
    assert_eq!(code, 0, "{stderr}");
    // Removed: runs 1 and 2, the `moving` pairs of those runs, the two
    // pairs no run has.
    let prefix = format!(
        "removed 2 runs and 4 cached results from {} (",
        db.display()
    );
    assert!(stdout.starts_with(&prefix), "{stdout}");
    assert!(
        stdout.ends_with(")\n") && stdout.contains(" → "),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1);
    assert_eq!(stderr, "");

    assert_eq!(run_ids(&db), [4, 3]);
    let mut expected: BTreeSet<_> = runs[2..]
        .iter()
        .flatten()
        .map(|pair| row(pair, DIGEST))
        .collect();
    expected.insert(row(&runs[0][0], "older-digest"));
    assert_eq!(cached_pairs(&db), expected);
    // What is kept still reads back.
    let store = Store::open_existing(&db).unwrap();
    assert_eq!(store.cached_outcomes(DIGEST, &runs[3]).unwrap().len(), 3);
    assert!(
        store
            .cached_outcomes(DIGEST, &runs[0][1..2])
            .unwrap()
            .is_empty()
    );
    drop(store);

    // The removed runs left nothing behind; the kept ones lost nothing.
    assert_eq!(
        count(&db, "SELECT count(*) FROM services WHERE run_id <= 2"),
        0
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM differences WHERE run_id <= 2"),
        0
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM differences"),
        differences_before
    );
    assert_eq!(integrity_check(&db), "ok");
    assert_eq!(
        count(&db, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    let (code, _, stderr) = run(confdiff().args(["show", "1", "--db"]).arg(&db));
    assert_eq!(code, 2);
    assert!(stderr.contains("no run 1 in"), "{stderr}");
    let (code, _, stderr) = run(confdiff().args(["show", "3", "--db"]).arg(&db));
    assert_eq!(code, 0, "{stderr}");

    // A new run never takes a removed run's id.
    let (code, _, stderr) = run(repo
        .confdiff()
        .args(["compare", "implementation_1", "implementation_2", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(run_ids(&db), [5, 4, 3]);
}

#[test]
fn gc_without_options_removes_only_the_cached_results_no_run_needs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let (_repo, runs) = four_runs(&db);
    cache_everything(&db, &runs);
    let before = cached_pairs(&db);

    let (code, stdout, stderr) = gc(&db, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("removed 0 runs and 2 cached results from "),
        "{stdout}"
    );
    assert_eq!(run_ids(&db), [4, 3, 2, 1]);
    let mut expected = before;
    expected.remove(&row(&unrelated(1), DIGEST));
    expected.remove(&row(&unrelated(2), DIGEST));
    assert_eq!(cached_pairs(&db), expected);

    // Nothing left to remove.
    let (code, stdout, _) = gc(&db, &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("removed 0 runs and 0 cached results from "),
        "{stdout}"
    );
    assert_eq!(integrity_check(&db), "ok");
}

/// Runs 1 (now, compared), 2 (2020), 3 (ten days ago) and 4 (now), the
/// last three saved as copies of the first.
fn runs_of_several_ages(db: &Path) -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("implementation_1/a/configuration.yml", "a: 1\n")
        .write("implementation_2/a/configuration.yml", "a: 2\n");
    repo.commit("one service");
    let (code, _, stderr) = run(repo
        .confdiff()
        .args(["compare", "implementation_1", "implementation_2", "--db"])
        .arg(db));
    assert_eq!(code, 0, "{stderr}");
    let mut store = Store::open(db).unwrap();
    let report = store.load_run(1).unwrap();
    let now = std::time::SystemTime::now();
    let ten_days = std::time::Duration::from_secs(10 * 86_400);
    for created_at in [
        "2020-01-01T00:00:00Z".to_owned(),
        RunMeta::new(now - ten_days, Default::default()).created_at,
        RunMeta::new(now, Default::default()).created_at,
    ] {
        let meta = RunMeta {
            created_at,
            ..RunMeta::new(now, Default::default())
        };
        store.save_run(&report, &meta).unwrap();
    }
    repo
}

#[test]
fn older_than_removes_the_runs_made_before_that_many_days() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let _repo = runs_of_several_ages(&db);
    let (code, stdout, stderr) = gc(&db, &["--older-than", "7"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("removed 2 runs and 0 cached results"),
        "{stdout}"
    );
    assert_eq!(run_ids(&db), [4, 1]);

    let (code, stdout, _) = gc(&db, &["--older-than", "36500"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("removed 0 runs"), "{stdout}");
    assert_eq!(run_ids(&db), [4, 1]);
}

#[test]
fn with_both_options_a_run_either_names_is_removed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let _repo = runs_of_several_ages(&db);
    // --keep-runs 3 names run 1; --older-than 7 names runs 2 and 3.
    let (code, stdout, stderr) = gc(&db, &["--keep-runs", "3", "--older-than", "7"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("removed 3 runs"), "{stdout}");
    assert_eq!(run_ids(&db), [4]);
}

#[test]
fn gc_compacts_the_file_to_the_size_it_reports() {
    let repo = repo_with_services(300);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    for _ in 0..3 {
        let (code, _, stderr) = run(repo
            .confdiff()
            .args(["compare", "implementation_1", "implementation_2", "--db"])
            .arg(&db));
        assert_eq!(code, 0, "{stderr}");
    }
    let stats = Store::open_existing_writable(&db)
        .unwrap()
        .gc(Some(1), None)
        .unwrap();
    assert_eq!(stats.runs_removed, 2);
    assert_eq!(stats.cache_rows_removed, 0);
    assert!(stats.bytes_after < stats.bytes_before, "{stats:?}");
    // The store is closed: the file is the size reported, its log empty.
    assert_eq!(std::fs::metadata(&db).unwrap().len(), stats.bytes_after);
    let wal = dir.path().join("runs.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).unwrap().len() == 0);
    assert_eq!(integrity_check(&db), "ok");
    assert_eq!(run_ids(&db), [3]);
}

#[test]
fn gc_on_a_missing_or_empty_database_exits_2_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let (code, stdout, stderr) = gc(&db, &["--keep-runs", "1"]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "confdiff: no database at '{}': nothing has been saved there yet (compare saves every run there)\n",
            db.display()
        )
    );
    assert!(!db.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    std::fs::write(&db, "").unwrap();
    let (code, _, stderr) = gc(&db, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no database at"), "{stderr}");
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
}

#[test]
fn gc_refuses_counts_that_are_not_whole_numbers_of_at_least_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let _repo = runs_of_several_ages(&db);
    let before = std::fs::read(&db).unwrap();
    for (option, value) in [
        ("--keep-runs", "0"),
        ("--keep-runs=-1", ""),
        ("--keep-runs", "ten"),
        ("--older-than", "0"),
        ("--older-than", "1.5"),
        ("--older-than", "99999999999"),
    ] {
        let args: Vec<&str> = [option, value]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let (code, stdout, stderr) = gc(&db, &args);
        assert_eq!(code, 2, "{option} {value}: {stderr}");
        assert_eq!(stdout, "");
        let name = option.split('=').next().unwrap();
        assert!(stderr.contains(name), "{option} {value}: {stderr}");
        assert!(
            stderr.contains("must be a whole number, at least 1") || stderr.contains("too large"),
            "{option} {value}: {stderr}"
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(run_ids(&db), [4, 3, 2, 1]);
}
