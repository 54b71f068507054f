//! `confdiff files`: files and directories on disk, compared as `compare`
//! compares trees, under the blob ids git gives them; and the same as
//! git's difftool and external diff driver.

use std::path::Path;

use serde_json::Value;

use crate::harness::{
    TestRepo, confdiff, git, git_command, harness_db, json_output, run, sample_repo,
};

fn files_json(dir: &Path, args: &[&str]) -> Value {
    json_output(
        confdiff()
            .current_dir(dir)
            .args(["files", "--no-save", "--format", "json"])
            .args(args),
        0,
    )
}

/// A report without what names the sides: what both commands must agree on.
fn services(report: &Value) -> Value {
    serde_json::json!({"summary": report["summary"], "services": report["services"]})
}

#[test]
fn two_directories_give_what_compare_gives_for_the_same_content_committed() {
    let repo = sample_repo();
    let on_disk = files_json(repo.path(), &["implementation_1", "implementation_2"]);
    let committed = repo.compare_json(&["--no-save", "implementation_1", "implementation_2"]);
    assert_eq!(services(&on_disk), services(&committed));
    assert_eq!(on_disk["repository"], Value::Null);
    assert_eq!(on_disk["left"]["rev"], Value::Null);
    assert_eq!(on_disk["left"]["commit"], Value::Null);
    assert_eq!(on_disk["left"]["path"], "implementation_1");
}

#[test]
fn two_files_are_one_service_named_by_the_file_with_git_blob_ids() {
    let repo = sample_repo();
    let left = "implementation_1/api-gateway/configuration.yml";
    let right = "implementation_2/api-gateway/configuration.yml";
    let report = files_json(repo.path(), &[left, right]);
    let service = &report["services"][0];
    assert_eq!(report["services"].as_array().unwrap().len(), 1);
    assert_eq!(service["service"], "configuration.yml");
    assert_eq!(
        service["left_blob"],
        git(repo.path(), &["hash-object", left])
    );
    assert_eq!(
        service["right_blob"],
        git(repo.path(), &["hash-object", right])
    );
    let committed = repo.compare_json(&["--no-save", "implementation_1", "implementation_2"]);
    let api = committed["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "api-gateway")
        .unwrap();
    assert_eq!(service["differences"], api["differences"]);
}

#[test]
fn an_uncommitted_edit_in_the_work_tree_is_compared() {
    let repo = sample_repo();
    let file = "implementation_2/auth-service/configuration.yml";
    let text = std::fs::read_to_string(repo.path().join(file)).unwrap();
    repo.write(file, format!("{text}uncommitted: true\n"));
    let on_disk = files_json(repo.path(), &["implementation_1", "implementation_2"]);
    let auth = on_disk["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "auth-service")
        .unwrap();
    assert_eq!(auth["status"], "different");
    assert_eq!(
        auth["differences"][0]["path"],
        serde_json::json!(["uncommitted"])
    );
    assert_eq!(auth["right_blob"], git(repo.path(), &["hash-object", file]));
    // The committed tree still has the old file.
    let committed = repo.compare_json(&["--no-save", "implementation_1", "implementation_2"]);
    let auth = committed["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "auth-service")
        .unwrap();
    assert_eq!(auth["status"], "identical");
}

#[test]
fn results_of_files_on_disk_answer_a_later_compare_from_the_cache() {
    let repo = sample_repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let on_disk = json_output(
        confdiff()
            .current_dir(repo.path())
            .args(["files", "--format", "json", "--db"])
            .arg(&db)
            .args(["implementation_1", "implementation_2"]),
        0,
    );
    assert!(on_disk["run_id"].is_i64(), "the run is saved");
    // Remove a blob that only a cached result can still stand for.
    let blob = on_disk["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "api-gateway")
        .unwrap()["right_blob"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::remove_file(
        repo.path()
            .join(".git/objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .unwrap();
    let committed = repo.compare_json_into(&db, &["implementation_1", "implementation_2"]);
    assert_eq!(services(&committed), services(&on_disk));
}

#[test]
fn as_git_difftool() {
    let mut repo = sample_repo();
    let file = "implementation_2/billing/configuration.yml";
    let text = std::fs::read_to_string(repo.path().join(file)).unwrap();
    repo.write(file, format!("{text}added_by_edit: 1\n"));
    repo.commit("edit billing");
    let tool = format!(
        "{} files --no-save --format json",
        env!("CARGO_BIN_EXE_confdiff")
    );
    let output = git_command(
        repo.path(),
        &["difftool", "-y", "-x", &tool, "HEAD~1", "HEAD"],
    )
    .env("CONFDIFF_DB", harness_db())
    .output()
    .unwrap();
    assert!(output.status.success(), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let service = &report["services"][0];
    assert_eq!(service["status"], "different");
    assert_eq!(
        service["differences"][0]["path"],
        serde_json::json!(["added_by_edit"])
    );
}

#[test]
fn as_git_external_diff_with_an_added_file() {
    let mut repo = sample_repo();
    let edited = "implementation_2/billing/configuration.yml";
    let text = std::fs::read_to_string(repo.path().join(edited)).unwrap();
    repo.write(edited, format!("{text}added_by_edit: 1\n"));
    repo.write("implementation_2/new/configuration.yml", "a: 1\n");
    repo.commit("edit billing, add new");
    let driver = format!(
        "{} files --no-save --format json",
        env!("CARGO_BIN_EXE_confdiff")
    );
    let output = git_command(repo.path(), &["diff", "HEAD~1", "HEAD"])
        .env("GIT_EXTERNAL_DIFF", &driver)
        .env("CONFDIFF_DB", harness_db())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let reports: Vec<Value> = serde_json::Deserializer::from_slice(&output.stdout)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(reports.len(), 2, "one call per changed file");
    let by_name = |name: &str| {
        reports
            .iter()
            .map(|r| &r["services"][0])
            .find(|s| s["service"] == name)
            .unwrap_or_else(|| panic!("{name} in {reports:?}"))
            .clone()
    };
    assert_eq!(by_name(edited)["status"], "different");
    assert_eq!(
        by_name("implementation_2/new/configuration.yml")["status"],
        "missing_left"
    );
}

#[test]
fn bad_paths_exit_2_naming_the_problem() {
    let repo = TestRepo::new();
    repo.write("a/configuration.yml", "a: 1\n")
        .write("b.yml", "a: 1\n")
        .write("empty_left/x/other.yml", "")
        .write("empty_right/y/other.yml", "");
    let cases: [(&[&str], &str); 4] = [
        (&["a", "b.yml"], "'b.yml' is a file and 'a' is a directory"),
        (&["nope.yml", "b.yml"], "'nope.yml' does not exist"),
        (
            &["a", "b.yml", "c"],
            "give two paths (A B) or git's seven external diff arguments, not 3",
        ),
        (
            &["empty_left", "empty_right"],
            "has a folder with a configuration.yml",
        ),
    ];
    for (args, message) in cases {
        let (code, out, err) = run(confdiff()
            .current_dir(repo.path())
            .args(["files", "--no-save"])
            .args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_symlink_and_an_oversized_file_are_service_errors_as_in_a_tree() {
    let repo = TestRepo::new();
    repo.write(
        "l/big/configuration.yml",
        format!("a: \"{}\"\n", "x".repeat(4000)),
    )
    .write(
        "r/big/configuration.yml",
        format!("a: \"{}\"\n", "y".repeat(4000)),
    )
    .write("l/link/configuration.yml", "a: 1\n")
    .write("r/link/target.yml", "a: 1\n")
    .symlink("r/link/configuration.yml", "target.yml");
    let report = files_json(repo.path(), &["--max-file-size", "1k", "l", "r"]);
    let services = report["services"].as_array().unwrap();
    assert_eq!(services[0]["service"], "big");
    assert_eq!(services[0]["error_kind"], "too_large");
    assert_eq!(services[1]["service"], "link");
    assert_eq!(services[1]["error_kind"], "not_a_file");
}

#[test]
fn files_take_the_rules_compare_takes() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "a/billing/configuration.yml",
        "replicas: 3\nlabels: {team: x}\n",
    );
    write(
        "b/billing/configuration.yml",
        "replicas: 5\nlabels: {team: y}\n",
    );
    write("a/web/configuration.yml", "port: 80\n");
    write("b/web/configuration.yml", "port: 81\n");
    let report = files_json(
        dir.path(),
        &[
            "--no-config",
            "--ignore",
            "labels.**",
            "--service",
            "bill*",
            "a",
            "b",
        ],
    );
    assert_eq!(report["services"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["services"][0]["service"], "billing");
    let differences = report["services"][0]["differences"].as_array().unwrap();
    assert_eq!(differences.len(), 1, "{report}");
    assert_eq!(differences[0]["path"], serde_json::json!(["replicas"]));
    assert_eq!(report["rules"]["ignore"][0]["paths"][0], "labels.**");
    assert_eq!(report["rules"]["services"][0], "bill*");
    // The same rules in a config file in the directory files runs in.
    write(
        ".confdiff.toml",
        "[[ignore]]\npath = \"labels.**\"\nreason = \"set by the deploy tool\"\n",
    );
    let configured = files_json(
        dir.path(),
        &["a/billing/configuration.yml", "b/billing/configuration.yml"],
    );
    assert_eq!(configured["summary"]["differences"], 1, "{configured}");
    assert_eq!(configured["rules"]["config"], ".confdiff.toml");
    for (args, message) in [
        (
            &["--recursive", "a", "b"][..],
            "files does not take --recursive",
        ),
        (
            &["--service", "nothing*", "a", "b"][..],
            "no service matches --service nothing*",
        ),
    ] {
        let (code, out, err) = run(confdiff()
            .current_dir(dir.path())
            .args(["files", "--no-save"])
            .args(args));
        assert_eq!(code, 2, "{err}");
        assert!(out.is_empty());
        assert!(err.contains(message), "{err}");
    }
}
