//! Sides at different revisions: branches, tags, short ids, HEAD~N, --rev.

use crate::harness::{TestRepo, json_output, run};
use serde_json::{Value, json};

/// Three commits of one implementation: replicas 1, then 2 (tagged v1),
/// then 3, plus a second implementation that never changes.
fn history() -> (TestRepo, Vec<String>) {
    let mut repo = TestRepo::new();
    let mut commits = Vec::new();
    for replicas in 1..=3 {
        repo.write(
            "implementation_1/api/configuration.yml",
            format!("replicas: {replicas}\n"),
        )
        .write("implementation_2/api/configuration.yml", "replicas: 2\n");
        commits.push(repo.commit(&format!("replicas {replicas}")));
        if replicas == 2 {
            repo.tag("v1");
        }
    }
    (repo, commits)
}

fn change(repo: &TestRepo, args: &[&str]) -> Value {
    let report = repo.compare_json(args);
    let diffs = &report["services"][0]["differences"];
    json!({"left": report["left"], "right": report["right"], "diffs": diffs})
}

#[test]
fn one_implementation_across_tags_and_branches() {
    let (repo, commits) = history();
    let got = change(&repo, &["v1:implementation_1", "main:implementation_1"]);
    assert_eq!(
        got["left"],
        json!({"rev": "v1", "commit": commits[1], "path": "implementation_1"})
    );
    assert_eq!(
        got["right"],
        json!({"rev": "main", "commit": commits[2], "path": "implementation_1"})
    );
    assert_eq!(got["diffs"][0]["left"], 2);
    assert_eq!(got["diffs"][0]["right"], 3);
}

#[test]
fn short_ids_and_relative_revisions() {
    let (repo, commits) = history();
    let short = &commits[0][..7];
    let got = change(
        &repo,
        &[
            &format!("{short}:implementation_1"),
            "HEAD~1:implementation_2",
        ],
    );
    assert_eq!(got["left"]["commit"], commits[0]);
    assert_eq!(got["left"]["rev"], short);
    assert_eq!(got["right"]["commit"], commits[1]);
    assert_eq!(got["diffs"][0]["left"], 1);
    assert_eq!(got["diffs"][0]["right"], 2);
}

#[test]
fn rev_applies_to_sides_without_one() {
    let (repo, commits) = history();
    let got = change(
        &repo,
        &["--rev", "v1", "implementation_1", "implementation_2"],
    );
    assert_eq!(got["left"]["rev"], "v1");
    assert_eq!(got["left"]["commit"], commits[1]);
    assert_eq!(got["diffs"], json!([]));
    // An empty REV means --rev too, and an explicit REV wins over it.
    let got = change(
        &repo,
        &["--rev", "v1", ":implementation_1", "HEAD:implementation_1"],
    );
    assert_eq!(got["left"]["commit"], commits[1]);
    assert_eq!(got["right"]["commit"], commits[2]);
}

#[test]
fn default_rev_is_head_and_paths_are_echoed_as_given() {
    let (repo, commits) = history();
    let mut command = repo.confdiff();
    command.args([
        "compare",
        "--format",
        "json",
        "./implementation_1/",
        "implementation_2",
    ]);
    let report = json_output(&mut command, 0);
    assert_eq!(
        report["left"],
        json!({"rev": "HEAD", "commit": commits[2], "path": "./implementation_1/"})
    );
    assert_eq!(report["services"][0]["status"], "different");
}

#[test]
fn the_root_of_the_tree_is_a_side_too() {
    let mut repo = TestRepo::new();
    repo.write("svc/configuration.yml", "a: 1\n");
    repo.commit("one");
    repo.write("svc/configuration.yml", "a: 2\n");
    repo.commit("two");
    let got = change(&repo, &["HEAD~1:.", "HEAD:"]);
    assert_eq!(got["diffs"][0]["path"], json!(["a"]));
}

#[test]
fn equal_blobs_across_history_need_no_parsing() {
    // The same invalid bytes on both sides are the same blob: identical.
    let mut repo = TestRepo::new();
    repo.write("impl/svc/configuration.yml", "a: [\n");
    repo.commit("one");
    repo.write("impl/other.txt", "x");
    repo.commit("two");
    let mut command = repo.confdiff();
    command.args(["compare", "--format", "json", "HEAD~1:impl", "HEAD:impl"]);
    let report = json_output(&mut command, 0);
    assert_eq!(report["services"][0]["status"], "identical");
}

#[test]
fn exit_code_flag() {
    let (repo, _) = history();
    let (code, _, _) = run(repo.confdiff().args([
        "compare",
        "--exit-code",
        "v1:implementation_1",
        "implementation_2",
    ]));
    assert_eq!(code, 0, "identical services: exit 0");
    let (code, stdout, _) = run(repo.confdiff().args([
        "compare",
        "--exit-code",
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(code, 1, "differences with --exit-code: exit 1");
    assert!(
        stdout.contains("api"),
        "the report is still printed: {stdout}"
    );
    let (code, _, _) =
        run(repo
            .confdiff()
            .args(["compare", "implementation_1", "implementation_2"]));
    assert_eq!(code, 0, "differences without --exit-code: exit 0");
}
