//! Where runs are saved: the default in the user's data folder,
//! `CONFDIFF_DB`, `--db`, and `--no-save`.

use std::path::Path;

use crate::harness::store::repo_with_services;
use crate::harness::{TestRepo, json_output, run};

/// `compare` with a home of its own and no `CONFDIFF_DB`.
fn compare_at_home(repo: &TestRepo, home: &Path) -> std::process::Command {
    let mut command = repo.confdiff();
    command
        .env_remove("CONFDIFF_DB")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .args(["compare", "implementation_1", "implementation_2"]);
    command
}

#[test]
fn the_default_database_is_in_the_user_data_folder_which_is_created() {
    let repo = repo_with_services(2);
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("data/confdiff/confdiff.db");
    let (code, stdout, stderr) = run(&mut compare_at_home(&repo, home.path()));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with(&format!("saved as run 1 in {}\n", db.display())),
        "{stdout}"
    );
    assert!(db.is_file());
    let report = json_output(
        compare_at_home(&repo, home.path()).args(["--format", "json"]),
        0,
    );
    assert_eq!(report["run_id"], 2);
}

#[test]
fn confdiff_db_overrides_the_default_and_db_overrides_both() {
    let repo = repo_with_services(2);
    let home = tempfile::tempdir().unwrap();
    let from_env = home.path().join("env.db");
    let from_flag = home.path().join("flag.db");
    let (code, stdout, stderr) =
        run(compare_at_home(&repo, home.path()).env("CONFDIFF_DB", &from_env));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with(&format!("in {}\n", from_env.display())),
        "{stdout}"
    );
    let (code, stdout, stderr) = run(compare_at_home(&repo, home.path())
        .env("CONFDIFF_DB", &from_env)
        .arg("--db")
        .arg(&from_flag));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.ends_with(&format!("in {}\n", from_flag.display())),
        "{stdout}"
    );
    assert!(from_env.is_file() && from_flag.is_file());
    assert!(
        !home.path().join("data").exists(),
        "the default was not used"
    );

    // runs and show read from the same places.
    let (code, stdout, _) = run(repo
        .confdiff()
        .env("CONFDIFF_DB", &from_env)
        .args(["show", "1"]));
    assert_eq!(code, 0);
    assert!(stdout.ends_with(&format!("saved as run 1 in {}\n", from_env.display())));
}

#[test]
fn no_save_saves_nothing_and_prints_a_null_run_id() {
    let repo = repo_with_services(2);
    let home = tempfile::tempdir().unwrap();
    let report = json_output(
        compare_at_home(&repo, home.path()).args(["--no-save", "--format", "json"]),
        0,
    );
    assert!(report["run_id"].is_null());
    let (code, stdout, _) = run(compare_at_home(&repo, home.path()).arg("--no-save"));
    assert_eq!(code, 0);
    assert!(!stdout.contains("saved as"), "{stdout}");
    assert!(!home.path().join("data").exists());
}
