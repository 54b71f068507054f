//! Hostile and unusual input found by trying confdiff as a new user: each
//! test is named after what broke.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use serde_json::Value;

use crate::harness::store::{chmod, confdiff_unprivileged, open_to_everyone};
use crate::harness::{TestRepo, confdiff, json_output, run, sample_repo};

/// Writes `contents` at `dir/<name bytes>/configuration.yml`.
fn write_service(repo: &TestRepo, dir: &str, name: &[u8], contents: &str) {
    let folder = repo.path().join(dir).join(OsStr::from_bytes(name));
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("configuration.yml"), contents).unwrap();
}

fn statuses(report: &Value) -> Vec<(String, String)> {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["service"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn service_names_that_are_not_utf8_are_never_merged() {
    let mut repo = TestRepo::new();
    write_service(&repo, "a", b"x\xff", "v: 1\n");
    write_service(&repo, "b", b"x\xff", "v: 1\n");
    write_service(&repo, "a", b"x\xfe", "v: 1\n");
    write_service(&repo, "b", b"x\xfe", "v: 2\n");
    write_service(&repo, "a", b"only\xfd", "v: 1\n");
    write_service(&repo, "b", b"only\xfc", "v: 1\n");
    write_service(&repo, "a", br"back\slash", "v: 1\n");
    write_service(&repo, "b", br"back\slash", "v: 1\n");
    repo.commit("names that are bytes");
    let report = repo.compare_json(&["a", "b"]);
    // Sorted by their bytes: '\' (0x5c) < 'o' < 'x'; 0xfe < 0xff.
    assert_eq!(
        statuses(&report),
        [
            (r"back\\slash".to_owned(), "identical".to_owned()),
            (r"only\xfc".to_owned(), "missing_left".to_owned()),
            (r"only\xfd".to_owned(), "missing_right".to_owned()),
            (r"x\xfe".to_owned(), "different".to_owned()),
            (r"x\xff".to_owned(), "identical".to_owned()),
        ]
    );
    // The saved run keeps the same distinct names.
    let id = report["run_id"].as_i64().unwrap();
    let shown = json_output(
        confdiff().args(["show", &id.to_string(), "--format", "json"]),
        0,
    );
    assert_eq!(statuses(&shown), statuses(&report));
}

#[test]
fn a_typo_in_file_is_not_a_silent_pass() {
    let repo = sample_repo();
    let (code, stdout, stderr) = run(repo.confdiff().args([
        "compare",
        "--exit-code",
        "--no-save",
        "--file",
        "configuration.yaml",
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("nothing to compare")
            && stderr.contains("'configuration.yaml'")
            && stderr.contains("configuration.yml (")
            && stderr.contains("pass --file configuration.yml"),
        "{stderr}"
    );
}

#[test]
fn a_dir_one_level_too_deep_is_not_a_silent_pass() {
    let repo = sample_repo();
    let (code, _, stderr) = run(repo.confdiff().args([
        "compare",
        "--no-save",
        "implementation_1/api-gateway",
        "implementation_2/api-gateway",
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("'implementation_1/api-gateway' itself holds configuration.yml"),
        "{stderr}"
    );
}

#[test]
fn runs_and_show_work_in_a_read_only_folder() {
    let repo = sample_repo();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("media");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("runs.db");
    let saved = repo.compare_json_into(&db, &["implementation_1", "implementation_2"]);
    open_to_everyone(dir.path());
    chmod(&db, 0o444);
    chmod(&folder, 0o555);
    let before: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();

    let listed = confdiff_unprivileged(dir.path())
        .args(["runs", "--format", "json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let runs: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(runs["runs"][0]["id"], saved["run_id"], "{runs}");

    let shown = confdiff_unprivileged(dir.path())
        .args(["show", "--format", "json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(shown, saved);

    let after: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(before, after, "nothing was created beside the database");
    chmod(&folder, 0o755);
}

#[test]
fn jobs_100000_starts_no_more_threads_than_useful() {
    let repo = sample_repo();
    let (code, many, stderr) = run(repo.confdiff().args([
        "compare",
        "--no-save",
        "--jobs",
        "100000",
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let (_, one, _) = run(repo.confdiff().args([
        "compare",
        "--no-save",
        "--jobs",
        "1",
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(many, one);
    let (_, help, _) = run(confdiff().args(["compare", "--help"]));
    assert!(help.contains("At most one per core"), "{help}");
}

#[test]
fn max_file_size_takes_units_and_refuses_negatives() {
    let repo = sample_repo();
    let with = |size: &str| {
        run(repo.confdiff().args([
            "compare",
            "--no-save",
            "--format",
            "json",
            "--max-file-size",
            size,
            "implementation_1",
            "implementation_2",
        ]))
    };
    let (code, stdout, stderr) = with("1KiB");
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert!(report["summary"]["errors"].as_u64().unwrap() >= 1);
    let (code, stdout, _) = with("1M");
    assert_eq!(code, 0);
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 1, "only the invalid file");
    for bad in ["-1", "0"] {
        let (code, _, stderr) = with(bad);
        assert_eq!(code, 2);
        assert!(stderr.contains("must be a positive size"), "{stderr}");
        assert!(stderr.contains("--max-file-size"), "{stderr}");
    }
}

#[test]
fn an_argument_that_is_not_utf8_is_named() {
    let repo = sample_repo();
    let output = repo
        .confdiff()
        .arg("compare")
        .arg(OsStr::from_bytes(b"implementation_\xff"))
        .arg("implementation_2")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("confdiff: LEFT is not UTF-8"),
        "{stderr}"
    );
    let output = repo
        .confdiff()
        .args(["compare", "--file"])
        .arg(OsStr::from_bytes(b"conf\xfe.yml"))
        .args(["a", "b"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("confdiff: --file is not UTF-8"),
        "{stderr}"
    );
}

#[test]
fn show_without_an_id_shows_the_newest_run() {
    let repo = sample_repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let (code, _, stderr) = run(confdiff().arg("show").arg("--db").arg(&db));
    assert_eq!(code, 2);
    assert!(stderr.contains("no database at"), "{stderr}");
    let mut last = Value::Null;
    for left in ["implementation_1", "implementation_2"] {
        last = json_output(
            repo.confdiff()
                .args([
                    "compare",
                    "--format",
                    "json",
                    left,
                    "implementation_2",
                    "--db",
                ])
                .arg(&db),
            0,
        );
    }
    let shown = json_output(
        confdiff()
            .args(["show", "--format", "json", "--db"])
            .arg(&db),
        0,
    );
    assert_eq!(shown, last);
    assert_eq!(shown["run_id"], 2);
}

#[test]
fn every_error_service_says_its_kind() {
    let mut repo = TestRepo::new();
    let bad: [(&str, &[u8]); 4] = [
        ("invalid", b"a: [\n"),
        ("latin1", b"a: caf\xe9\n"),
        ("deep", &[b'-', b' '].repeat(1200)),
        ("large", &b"x: 1\n".repeat(800)),
    ];
    for (name, right) in bad {
        repo.write(&format!("a/{name}/configuration.yml"), "x: 0\n")
            .write(&format!("b/{name}/configuration.yml"), right);
    }
    repo.write("a/link/configuration.yml", "x: 0\n")
        .symlink("b/link/configuration.yml", "../elsewhere.yml");
    repo.commit("every kind of error");
    let report = repo.compare_json(&["--max-file-size", "3000", "a", "b"]);
    let kinds: Vec<(&str, &str)> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["service"].as_str().unwrap(),
                s["error_kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("deep", "too_deep"),
            ("invalid", "invalid_yaml"),
            ("large", "too_large"),
            ("latin1", "not_utf8"),
            ("link", "not_a_file"),
        ]
    );
    let id = report["run_id"].as_i64().unwrap().to_string();
    let shown = json_output(confdiff().args(["show", &id, "--format", "json"]), 0);
    assert_eq!(shown, report);
}

#[test]
fn a_database_from_before_error_kinds_reads_and_upgrades() {
    let repo = sample_repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    let saved = repo.compare_json_into(&db, &["implementation_1", "implementation_2"]);
    // Make it the version-1 database an earlier confdiff wrote.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let later: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('runs', 'services', 'differences', 'sqlite_sequence')")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in later.iter().rev() {
        conn.execute_batch(&format!("DROP TABLE {table}")).unwrap();
    }
    conn.execute_batch(
        "ALTER TABLE runs DROP COLUMN baseline;
         ALTER TABLE services DROP COLUMN error_kind;
         ALTER TABLE differences DROP COLUMN key_types;
         ALTER TABLE runs DROP COLUMN rules;
         ALTER TABLE differences DROP COLUMN ignored_by;
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let show = || {
        json_output(
            confdiff()
                .args(["show", "1", "--format", "json", "--db"])
                .arg(&db),
            0,
        )
    };
    assert_eq!(show(), saved, "read as it is, the kind told by the message");
    assert_eq!(
        crate::harness::store::count(&db, "PRAGMA user_version"),
        1,
        "reading did not migrate"
    );
    repo.compare_json_into(&db, &["implementation_1", "implementation_2"]);
    assert_eq!(
        crate::harness::store::count(&db, "PRAGMA user_version"),
        confdiff::SCHEMA_VERSION
    );
    assert_eq!(show(), saved);
}

#[test]
fn completions_and_the_man_page_cover_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, stderr) = run(confdiff().args(["completions", shell]));
        assert_eq!(code, 0, "{stderr}");
        for command in ["compare", "history", "blame", "runs", "show", "fetch", "gc"] {
            assert!(script.contains(command), "{shell}: {command}");
        }
    }
    let (code, man, _) = run(confdiff().arg("man"));
    assert_eq!(code, 0);
    assert!(
        man.starts_with(".ie") || man.contains(".TH confdiff"),
        "{man}"
    );
    assert!(man.contains("compare"));
    for command in [
        "compare",
        "history",
        "blame",
        "runs",
        "show",
        "fetch",
        "gc",
        "completions",
        "man",
    ] {
        let (_, help, _) = run(confdiff().args([command, "--help"]));
        let examples = help
            .split("Examples:")
            .nth(1)
            .unwrap_or_else(|| panic!("{command}: {help}"));
        let count = examples
            .lines()
            .filter(|l| l.starts_with("  confdiff "))
            .count();
        assert!((2..=3).contains(&count), "{command}: {count} examples");
    }
}
