//! Never lose or half-write a run: each rule of the store is a test
//! against a real database file and the real binary.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::harness::store::{
    chmod, confdiff_unprivileged, count, integrity_check, open_to_everyone, repo_with_services,
};
use crate::harness::{TestRepo, confdiff, json_output, run};
use confdiff::Store;

const PAUSE_ENV: &str = "CONFDIFF_TEST_PAUSE_IN_SAVE_MS";

/// `compare` of the two implementations of `repo` into `db`, as JSON.
fn compare_into(repo: &TestRepo, db: &Path) -> std::process::Command {
    let mut command = repo.confdiff();
    command
        .args([
            "compare",
            "implementation_1",
            "implementation_2",
            "--format",
            "json",
            "--db",
        ])
        .arg(db);
    command
}

/// The same, as a plain child process with piped output.
fn spawn_compare(repo: &TestRepo, db: &Path, pause_ms: u64) -> Child {
    repo.confdiff()
        .args([
            "compare",
            "implementation_1",
            "implementation_2",
            "--format",
            "json",
            "--db",
        ])
        .arg(db)
        .env(PAUSE_ENV, pause_ms.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every run in `db` is whole: its rows add up to its counts, and it loads
/// back to exactly the report of `expected` (the same comparison).
fn assert_every_run_whole(db: &Path, expected: &serde_json::Value) {
    assert_eq!(integrity_check(db), "ok");
    let store = Store::open_existing(db).unwrap();
    for run in store.list_runs(None).unwrap() {
        let services = count(
            db,
            &format!("SELECT count(*) FROM services WHERE run_id = {}", run.id),
        );
        let differences = count(
            db,
            &format!("SELECT count(*) FROM differences WHERE run_id = {}", run.id),
        );
        assert_eq!(services as usize, run.summary.services, "run {}", run.id);
        assert_eq!(
            differences as usize, run.summary.differences,
            "run {}",
            run.id
        );
        let report = store.load_run(run.id).unwrap();
        let mut printed = Vec::new();
        confdiff::print(&report, &Default::default(), &mut Vec::new()).unwrap();
        confdiff::print(
            &report,
            &confdiff::PrintOptions {
                format: confdiff::Format::Json,
                ..Default::default()
            },
            &mut printed,
        )
        .unwrap();
        let mut loaded: serde_json::Value = serde_json::from_slice(&printed).unwrap();
        loaded["run_id"] = serde_json::Value::Null;
        assert_eq!(
            &loaded, expected,
            "run {} differs from the comparison",
            run.id
        );
    }
}

/// What the comparison gives, with `run_id` cleared.
fn reference_report(repo: &TestRepo, db: &Path) -> serde_json::Value {
    let mut report = json_output(&mut compare_into(repo, db), 0);
    report["run_id"] = serde_json::Value::Null;
    report
}

#[test]
fn a_save_killed_at_any_moment_leaves_the_whole_run_or_none() {
    let repo = repo_with_services(30);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let expected = reference_report(&repo, &db);
    let mut killed_inside = 0;

    // Killed inside the transaction: after the hook says the run's row is
    // written, at a different point of the service rows each time (30
    // services with a 20 ms pause after each take at least 600 ms).
    for attempt in 0..12u64 {
        let runs_before = count(&db, "SELECT count(*) FROM runs");
        let mut child = spawn_compare(&repo, &db, 20);
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let run_id: i64 = line
            .trim()
            .strip_prefix("confdiff: test hook: inside the save of run ")
            .unwrap_or_else(|| panic!("unexpected stderr: {line}"))
            .parse()
            .unwrap();
        std::thread::sleep(Duration::from_millis(attempt * 25));
        child.kill().unwrap();
        let status = child.wait().unwrap();
        let saved = count(
            &db,
            &format!("SELECT count(*) FROM runs WHERE id = {run_id}"),
        );
        if !status.success() && saved == 0 {
            killed_inside += 1;
            assert_eq!(count(&db, "SELECT count(*) FROM runs"), runs_before);
            assert_eq!(
                count(
                    &db,
                    &format!("SELECT count(*) FROM services WHERE run_id = {run_id}")
                ),
                0
            );
        }
        assert_every_run_whole(&db, &expected);
    }
    assert!(
        killed_inside > 0,
        "no kill landed inside a save; the test proved nothing"
    );

    // Killed blind, at moments spread over the whole process: opening the
    // database, comparing, saving, committing, printing.
    for attempt in 0..10u64 {
        let mut child = spawn_compare(&repo, &db, 1);
        std::thread::sleep(Duration::from_millis(attempt * 15));
        child.kill().unwrap();
        child.wait().unwrap();
        assert_every_run_whole(&db, &expected);
    }

    // And the database still takes runs.
    let report = json_output(&mut compare_into(&repo, &db), 0);
    assert!(report["run_id"].as_i64().is_some());
    assert_every_run_whole(&db, &expected);
}

/// Starts four saves into `db` at once and checks that all succeed with
/// four different run ids.
fn four_saves_at_once(repo: &TestRepo, db: &Path, pause_ms: u64, round: usize) {
    let children: Vec<Child> = (0..4).map(|_| spawn_compare(repo, db, pause_ms)).collect();
    let mut ids = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        ids.push(report["run_id"].as_i64().unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 4, "round {round}: ids {ids:?}");
}

#[test]
fn four_processes_saving_at_once_all_succeed() {
    let repo = repo_with_services(20);
    let dir = tempfile::tempdir().unwrap();
    let expected = reference_report(&repo, &dir.path().join("reference.db"));

    // Into a database none of them has created yet: they also race to
    // create the file, switch it to WAL and write the schema. The race is
    // narrow, so it runs many times.
    for round in 0..25 {
        let db = dir.path().join(format!("new-{round}.db"));
        four_saves_at_once(&repo, &db, 0, round);
        assert_eq!(count(&db, "SELECT count(*) FROM runs"), 4);
        assert_every_run_whole(&db, &expected);
    }

    // Into one database, with saves that pause 5 ms per service: they
    // overlap, and all but one must wait for the write lock.
    let db = dir.path().join("shared.db");
    for round in 0..2 {
        four_saves_at_once(&repo, &db, 5, round);
    }
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), 8);
    assert_every_run_whole(&db, &expected);
}

/// Runs `compare` with `db` against a repository that does not exist: the
/// database error must come first, since the database is checked before
/// any comparison work.
fn compare_before_repository(db: &Path) -> (i32, String, String) {
    let missing_repo = Path::new("/nonexistent/confdiff-repository");
    run(confdiff()
        .args(["compare", "--repo"])
        .arg(missing_repo)
        .args(["a", "b", "--db"])
        .arg(db))
}

#[test]
fn a_database_in_a_missing_folder_is_refused_before_comparing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("missing");
    let db = folder.join("runs.db");
    let (code, stdout, stderr) = compare_before_repository(&db);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains(&db.display().to_string()), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!folder.exists(), "a folder the user named is not created");
}

#[test]
fn a_database_under_a_file_is_refused_before_comparing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "not a folder\n").unwrap();
    let db = file.join("runs.db");
    let (code, _, stderr) = compare_before_repository(&db);
    assert_eq!(code, 2);
    assert!(stderr.contains(&db.display().to_string()), "{stderr}");
    assert!(stderr.contains("is not a folder"), "{stderr}");
    assert_eq!(std::fs::read(&file).unwrap(), b"not a folder\n");
}

#[test]
fn a_database_in_an_unwritable_folder_is_refused_before_comparing() {
    let dir = tempfile::tempdir().unwrap();
    open_to_everyone(dir.path());
    let folder = dir.path().join("locked");
    std::fs::create_dir(&folder).unwrap();
    chmod(&folder, 0o555);
    let db = folder.join("runs.db");
    let output = confdiff_unprivileged(dir.path())
        .args([
            "compare",
            "--repo",
            "/nonexistent/confdiff-repository",
            "a",
            "b",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(output.stdout.is_empty());
    assert!(stderr.contains(&db.display().to_string()), "{stderr}");
    assert!(stderr.contains("writable"), "{stderr}");
    assert!(!stderr.contains("confdiff-repository"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        0,
        "nothing created"
    );
}

/// A file's bytes, and the names in its folder, to show nothing changed.
fn snapshot(path: &Path) -> (Vec<u8>, Vec<String>) {
    let mut names: Vec<String> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    (std::fs::read(path).unwrap(), names)
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in [
        (
            "config.yml",
            "services:\n  - name: api\n    replicas: 3\n".repeat(40),
        ),
        ("short.txt", "hello\n".to_owned()),
    ] {
        let db = dir.path().join(name);
        std::fs::write(&db, &contents).unwrap();
        let before = snapshot(&db);
        let (code, stdout, stderr) = compare_before_repository(&db);
        assert_eq!(code, 2);
        assert!(stdout.is_empty());
        assert!(stderr.contains(&db.display().to_string()), "{stderr}");
        assert!(stderr.contains("not an SQLite database"), "{stderr}");
        assert_eq!(snapshot(&db), before, "{name} was changed");
        for command in [vec!["runs"], vec!["show", "1"]] {
            let (code, _, stderr) = run(confdiff().args(&command).arg("--db").arg(&db));
            assert_eq!(code, 2, "{command:?}");
            assert!(stderr.contains("not an SQLite database"), "{stderr}");
        }
        assert_eq!(snapshot(&db), before, "{name} was changed");
    }
}

#[test]
fn another_programs_sqlite_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    for (name, sql) in [
        (
            "notes.db",
            "CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me');",
        ),
        // No tables, but a version of its own: not an empty file either.
        ("versioned.db", "PRAGMA user_version = 1;"),
    ] {
        let db = dir.path().join(name);
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(sql).unwrap();
        drop(conn);
        let before = snapshot(&db);
        let (code, _, stderr) = compare_before_repository(&db);
        assert_eq!(code, 2, "{name}");
        assert!(stderr.contains(&db.display().to_string()), "{stderr}");
        assert!(stderr.contains("another program"), "{stderr}");
        assert_eq!(snapshot(&db), before, "{name} was changed");
    }
}

#[test]
fn a_database_from_a_newer_confdiff_is_refused_and_untouched() {
    let repo = repo_with_services(2);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    json_output(&mut compare_into(&repo, &db), 0);
    let newer = confdiff::SCHEMA_VERSION + 1;
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!("PRAGMA user_version = {newer}"))
        .unwrap();
    drop(conn);
    let before = snapshot(&db);

    let (code, stdout, stderr) = compare_before_repository(&db);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains(&db.display().to_string()), "{stderr}");
    assert!(
        stderr.contains(&format!("schema version {newer}, newer than")),
        "{stderr}"
    );
    for command in [vec!["runs"], vec!["show", "1"]] {
        let (code, _, stderr) = run(confdiff().args(&command).arg("--db").arg(&db));
        assert_eq!(code, 2, "{command:?}");
        assert!(stderr.contains("newer than"), "{stderr}");
    }
    assert_eq!(snapshot(&db), before);
}

#[test]
fn show_of_a_missing_run_names_it_and_the_database() {
    let repo = repo_with_services(2);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    json_output(&mut compare_into(&repo, &db), 0);
    let (code, stdout, stderr) = run(confdiff().args(["show", "42", "--db"]).arg(&db));
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert_eq!(stderr, format!("confdiff: no run 42 in {}\n", db.display()));
}

#[test]
fn runs_and_show_on_a_database_never_created_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let in_missing_folder = dir.path().join("missing/never.db");
    for db in [&db, &in_missing_folder] {
        for command in [vec!["runs"], vec!["show", "1"]] {
            let (code, _, stderr) = run(confdiff().args(&command).arg("--db").arg(db));
            assert_eq!(code, 2, "{command:?}");
            assert!(stderr.contains("no database at"), "{stderr}");
            assert!(stderr.contains(&db.display().to_string()), "{stderr}");
        }
    }
    assert!(!db.exists(), "reading must not create the database");
    assert!(!dir.path().join("missing").exists());
}

/// The checks after a save that failed: exit 2, the result on stdout
/// with `run_id` null, the reason on stderr, and the database unchanged.
fn assert_failed_save(
    output: &std::process::Output,
    db: &Path,
    before: &[u8],
    runs_before: i64,
    reason: &str,
) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["run_id"].is_null());
    assert!(report["summary"]["services"].as_u64().unwrap() > 0);
    assert!(stderr.contains(&db.display().to_string()), "{stderr}");
    assert!(stderr.contains(reason), "{stderr}");
    assert!(stderr.contains("nothing of this run was saved"), "{stderr}");
    assert_eq!(std::fs::read(db).unwrap(), before, "the database changed");
    assert_eq!(count(db, "SELECT count(*) FROM runs"), runs_before);
    assert_eq!(integrity_check(db), "ok");
}

#[test]
fn a_full_disk_at_save_time_prints_the_result_and_saves_nothing() {
    // Enough services that the save needs pages the database does not
    // have; the hook caps the file at its current size, which SQLite
    // then reports exactly as it reports a full disk.
    let repo = repo_with_services(300);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    json_output(&mut compare_into(&repo, &db), 0);
    let before = std::fs::read(&db).unwrap();
    let output = compare_into(&repo, &db)
        .env("CONFDIFF_TEST_DATABASE_FULL", "1")
        .output()
        .unwrap();
    assert_failed_save(&output, &db, &before, 1, "database or disk is full");
}

#[test]
fn a_read_only_database_at_save_time_prints_the_result_and_saves_nothing() {
    let repo = repo_with_services(5);
    let dir = tempfile::tempdir().unwrap();
    open_to_everyone(repo.path());
    open_to_everyone(dir.path());
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("runs.db");
    json_output(&mut compare_into(&repo, &db), 0);
    // The file is read-only to the process; its folder is not, so SQLite
    // can open it (for reading) and the comparison runs.
    chmod(&folder, 0o777);
    chmod(&db, 0o444);
    let before = std::fs::read(&db).unwrap();
    let output = confdiff_unprivileged(dir.path())
        .current_dir(repo.path())
        .args([
            "compare",
            "implementation_1",
            "implementation_2",
            "--format",
            "json",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert_failed_save(&output, &db, &before, 1, "readonly database");
}
