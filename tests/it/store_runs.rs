//! `confdiff runs` lists what was saved, newest first, for people and
//! for scripts; `show --exit-code` answers from a saved run.

use std::path::Path;

use crate::harness::store::repo_with_services;
use crate::harness::{TestRepo, confdiff, run};
use confdiff::Store;
use serde::Deserialize;

#[test]
fn show_exit_code_tells_whether_the_run_had_differences() {
    let repo = repo_with_services(3);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let (code, _, stderr) = run(repo
        .confdiff()
        .args(["compare", "implementation_1", "implementation_2", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, _) = run(confdiff()
        .args(["show", "1", "--exit-code", "--db"])
        .arg(&db));
    assert_eq!(code, 1, "the run has services missing on one side");
    let (code, _, _) = run(confdiff().args(["show", "1", "--db"]).arg(&db));
    assert_eq!(code, 0);

    let (code, _, stderr) = run(repo
        .confdiff()
        .args(["compare", "implementation_1", "implementation_1", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, _) = run(confdiff()
        .args(["show", "2", "--exit-code", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "every service is identical");
}

/// `runs --format json`, read as a script would.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunList {
    total: u64,
    runs: Vec<RunEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunEntry {
    id: i64,
    created_at: String,
    repository: String,
    left: RunSide,
    right: RunSide,
    file: String,
    tool_version: String,
    #[allow(dead_code)]
    duration_ms: u64,
    summary: RunCounts,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RunSide {
    rev: String,
    commit: String,
    path: String,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RunCounts {
    services: u64,
    identical: u64,
    different: u64,
    missing_left: u64,
    missing_right: u64,
    errors: u64,
    differences: u64,
}

/// Saves three runs of `repo` into `db`: the implementations, then the
/// left one with itself at HEAD~0 and by tag.
fn three_runs(repo: &TestRepo, db: &Path) {
    for sides in [
        ["implementation_1", "implementation_2"],
        ["implementation_1", "v1:implementation_1"],
        ["implementation_2", "implementation_1"],
    ] {
        let (code, _, stderr) = run(repo
            .confdiff()
            .arg("compare")
            .args(sides)
            .arg("--db")
            .arg(db));
        assert_eq!(code, 0, "{stderr}");
    }
}

#[test]
fn runs_json_lists_newest_first_with_sides_and_counts() {
    let repo = repo_with_services(3);
    repo.tag("v1");
    let commit = repo.git(&["rev-parse", "HEAD"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    three_runs(&repo, &db);

    let (code, stdout, stderr) = run(confdiff()
        .args(["runs", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let list: RunList = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list.total, 3);
    let ids: Vec<i64> = list.runs.iter().map(|r| r.id).collect();
    assert_eq!(ids, [3, 2, 1]);
    let middle = &list.runs[1];
    assert_eq!(
        middle.right,
        RunSide {
            rev: "v1".into(),
            commit: commit.clone(),
            path: "implementation_1".into()
        }
    );
    assert_eq!(middle.left.rev, "HEAD");
    assert_eq!(middle.left.commit, commit);
    assert_eq!(middle.file, "configuration.yml");
    assert_eq!(middle.tool_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(middle.repository, repo.path().display().to_string());
    assert_eq!(middle.summary.services, 5);
    assert_eq!(middle.summary.identical, 5);
    let first = &list.runs[2];
    assert_eq!(
        first.summary,
        RunCounts {
            services: 6,
            identical: 1,
            different: 2,
            missing_left: 1,
            missing_right: 1,
            errors: 1,
            differences: 2
        }
    );
    assert!(
        first.created_at.len() == 20
            && first.created_at.ends_with('Z')
            && first.created_at.parse::<jiff::Timestamp>().is_ok(),
        "{}",
        first.created_at
    );

    let (code, stdout, _) = run(confdiff()
        .args(["runs", "--format", "json", "--limit", "1", "--db"])
        .arg(&db));
    assert_eq!(code, 0);
    let list: RunList = serde_json::from_str(&stdout).unwrap();
    assert_eq!((list.total, list.runs.len(), list.runs[0].id), (3, 1, 3));
}

#[test]
fn runs_human_is_a_table_newest_first() {
    let repo = repo_with_services(3);
    repo.tag("v1");
    let short = repo.git(&["rev-parse", "--short=7", "HEAD"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    three_runs(&repo, &db);

    let (code, stdout, stderr) = run(confdiff().args(["runs", "--db"]).arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[0].starts_with("run  time (UTC)"), "{stdout}");
    let ids: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, ["3", "2", "1"]);
    assert!(
        lines[2].contains(&format!("HEAD:implementation_1 ({short})"))
            && lines[2].contains(&format!("v1:implementation_1 ({short})"))
            && lines[2].contains("5 services: 5 identical"),
        "{stdout}"
    );
    assert!(
        lines[3].contains("1 missing on the left, 1 missing on the right, 1 error"),
        "{stdout}"
    );

    let (code, stdout, _) = run(confdiff().args(["runs", "--limit", "2", "--db"]).arg(&db));
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert!(
        stdout.ends_with("(the newest 2 of 3 runs; --limit N shows more)\n"),
        "{stdout}"
    );
}

#[test]
fn runs_of_an_empty_database_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    drop(Store::open(&db).unwrap());
    let (code, stdout, _) = run(confdiff().args(["runs", "--db"]).arg(&db));
    assert_eq!((code, stdout.as_str()), (0, "no runs saved yet\n"));
    let (code, stdout, _) = run(confdiff()
        .args(["runs", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(code, 0);
    let list: RunList = serde_json::from_str(&stdout).unwrap();
    assert_eq!((list.total, list.runs.len()), (0, 0));
}
