//! A baseline of accepted differences: `confdiff accept` writes it,
//! `compare --baseline` marks what it lists, and `--exit-code` fails only
//! on what it does not.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::harness::{TestRepo, captured, json_output, run, stdout};

/// billing differs (replicas), orders only on the left, search the same.
fn platform() -> (TestRepo, tempfile::TempDir) {
    let mut repo = TestRepo::new();
    repo.write(
        "implementation_1/billing/configuration.yml",
        "replicas: 3\nport: 80\n",
    )
    .write(
        "implementation_2/billing/configuration.yml",
        "replicas: 5\nport: 80\n",
    )
    .write("implementation_1/orders/configuration.yml", "queue: q\n")
    .write("implementation_1/search/configuration.yml", "a: 1\n")
    .write("implementation_2/search/configuration.yml", "a: 1\n");
    repo.commit("start");
    (repo, tempfile::tempdir().unwrap())
}

fn db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("runs.db")
}

fn baseline_file(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("baseline.json")
}

fn accept(repo: &TestRepo, dir: &tempfile::TempDir, extra: &[&str]) -> String {
    let output = captured(
        repo.confdiff()
            .arg("accept")
            .arg("--db")
            .arg(db(dir))
            .arg("--baseline")
            .arg(baseline_file(dir))
            .args(extra),
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    stdout(&output)
}

fn compare_with_baseline(repo: &TestRepo, dir: &tempfile::TempDir, code: i32) -> Value {
    json_output(
        repo.confdiff()
            .args(["compare", "--format", "json", "--exit-code", "--db"])
            .arg(db(dir))
            .arg("--baseline")
            .arg(baseline_file(dir))
            .args(["implementation_1", "implementation_2"]),
        code,
    )
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn accept_then_clean_then_one_new_value_fails_with_just_it_and_one_stale_entry() {
    let (mut repo, dir) = platform();
    repo.compare_json_into(&db(&dir), &["implementation_1", "implementation_2"]);
    let said = accept(&repo, &dir, &["--reason", "migrates in Q3"]);
    assert!(said.contains("2 added"), "{said}");
    let file = read(&baseline_file(&dir));
    assert_eq!(file["version"], 1);
    let entries = file["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{file}");
    assert_eq!(entries[0]["service"], "billing");
    assert_eq!(entries[0]["path"], serde_json::json!(["replicas"]));
    assert_eq!(entries[0]["kind"], "changed");
    assert_eq!(
        (entries[0]["left"].clone(), entries[0]["right"].clone()),
        (3.into(), 5.into())
    );
    assert_eq!(entries[0]["reason"], "migrates in Q3");
    assert_eq!(entries[1]["service"], "orders");
    assert_eq!(entries[1]["status"], "missing_right");

    let clean = compare_with_baseline(&repo, &dir, 0);
    assert_eq!(clean["summary"]["accepted"], 2);
    assert_eq!(clean["stale_accepted"], serde_json::json!([]));
    let billing = &clean["services"][0];
    assert_eq!(billing["accepted"], 1);
    assert_eq!(billing["differences"][0]["accepted"], true);
    assert_eq!(
        billing["differences"][0]["accepted_reason"],
        "migrates in Q3"
    );
    assert_eq!(clean["services"][1]["accepted_reason"], "migrates in Q3");

    repo.write(
        "implementation_2/billing/configuration.yml",
        "replicas: 6\nport: 80\n",
    );
    repo.commit("six");
    let drifted = compare_with_baseline(&repo, &dir, 1);
    let billing = &drifted["services"][0];
    assert_eq!(billing["accepted"], 0);
    assert_eq!(billing["differences"].as_array().unwrap().len(), 1);
    assert_eq!(billing["differences"][0]["right"], 6);
    assert!(billing["differences"][0].get("accepted").is_none());
    let stale = drifted["stale_accepted"].as_array().unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["right"], 5);

    // show prints the stored run byte for byte, marks and all.
    let id = drifted["run_id"].to_string();
    let (code, shown, _) = run(repo
        .confdiff()
        .args(["show", &id, "--format", "json", "--db"])
        .arg(db(&dir)));
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Value>(&shown).unwrap(), drifted);

    // The human output names the stale entry; github has one annotation
    // for the new value, none for the accepted missing service.
    let (_, human, _) = run(repo
        .confdiff()
        .args(["compare", "--no-save", "--baseline"])
        .arg(baseline_file(&dir))
        .args(["implementation_1", "implementation_2"]));
    assert!(human.contains("1 entry is stale"), "{human}");
    let (_, github, _) = run(repo
        .confdiff()
        .args(["compare", "--no-save", "--format", "github", "--baseline"])
        .arg(baseline_file(&dir))
        .args(["implementation_1", "implementation_2"]));
    let annotations: Vec<&str> = github
        .lines()
        .filter(|l| l.starts_with("::warning"))
        .collect();
    assert_eq!(annotations.len(), 1, "{github}");
    assert!(annotations[0].contains("changed 3 → 6"), "{github}");
}

#[test]
fn accepting_again_keeps_the_file_byte_for_byte_and_prune_drops_what_is_gone() {
    let (mut repo, dir) = platform();
    repo.compare_json_into(&db(&dir), &["implementation_1", "implementation_2"]);
    accept(&repo, &dir, &[]);
    let first = std::fs::read(baseline_file(&dir)).unwrap();
    let said = accept(&repo, &dir, &[]);
    assert!(said.contains("0 added, 2 already there"), "{said}");
    assert_eq!(std::fs::read(baseline_file(&dir)).unwrap(), first);

    repo.write("implementation_2/orders/configuration.yml", "queue: q\n");
    repo.commit("orders migrated");
    repo.compare_json_into(&db(&dir), &["implementation_1", "implementation_2"]);
    let said = accept(&repo, &dir, &["--prune"]);
    assert!(said.contains("1 pruned"), "{said}");
    let entries = read(&baseline_file(&dir))["entries"].clone();
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(entries[0]["service"], "billing");
}

#[test]
fn service_globs_choose_what_is_accepted_and_errors_never_are() {
    let (mut repo, dir) = platform();
    repo.write("implementation_1/broken/configuration.yml", "a: 1\n")
        .write("implementation_2/broken/configuration.yml", "a: [\n");
    repo.commit("broken");
    repo.compare_json_into(&db(&dir), &["implementation_1", "implementation_2"]);
    accept(&repo, &dir, &["--service", "b*"]);
    let entries = read(&baseline_file(&dir))["entries"].clone();
    let services: Vec<&str> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["billing"], "broken is an error: never accepted");
    // orders is not accepted and broken is an error: still exit 1.
    let report = compare_with_baseline(&repo, &dir, 1);
    assert_eq!(report["summary"]["accepted"], 1);
}

#[test]
fn a_bad_baseline_file_exits_2_naming_the_file_and_the_entry() {
    let (repo, dir) = platform();
    let file = baseline_file(&dir);
    let cases = [
        (None, "does not exist"),
        (Some("{not json"), "is not valid"),
        (
            Some(r#"{"version": 2, "entries": []}"#),
            "version 2 is not 1",
        ),
        (
            Some(
                r#"{"version": 1, "entries": [{"service": "billing", "path": ["replicas"], "kind": "moved", "left": 1, "right": 2, "accepted_at": "x"}]}"#,
            ),
            "entry 1 (billing): kind 'moved'",
        ),
        (
            Some(
                r#"{"version": 1, "entries": [{"service": "billing", "path": ["replicas"], "kind": "added", "left": 1, "accepted_at": "x"}]}"#,
            ),
            "a 'added' difference has a right value and no left value",
        ),
    ];
    for (text, message) in cases {
        match text {
            Some(text) => std::fs::write(&file, text).unwrap(),
            None => {
                let _ = std::fs::remove_file(&file);
            }
        }
        let (code, out, err) = run(repo
            .confdiff()
            .args(["compare", "--no-save", "--baseline"])
            .arg(&file)
            .args(["implementation_1", "implementation_2"]));
        assert_eq!(code, 2, "{err}");
        assert!(out.is_empty());
        assert!(err.contains(&*file.to_string_lossy()), "{err}");
        assert!(err.contains(message), "{message}: {err}");
    }
}

#[test]
fn the_config_file_names_the_baseline_relative_to_itself_and_the_option_wins() {
    let (mut repo, dir) = platform();
    repo.compare_json_into(&db(&dir), &["implementation_1", "implementation_2"]);
    let committed = repo.path().join("ci").join("accepted.json");
    std::fs::create_dir_all(committed.parent().unwrap()).unwrap();
    let said = captured(
        repo.confdiff()
            .args(["accept", "--db"])
            .arg(db(&dir))
            .arg("--baseline")
            .arg(&committed)
            .args(["--reason", "known"]),
    );
    assert_eq!(said.status.code(), Some(0), "{said:?}");
    repo.write("ci/.confdiff.toml", "baseline = \"accepted.json\"\n");
    repo.commit("baseline");
    let compare = |extra: &[&str], code: i32| {
        json_output(
            repo.confdiff()
                .args(["compare", "--no-save", "--format", "json", "--exit-code"])
                .args(["--config", "ci/.confdiff.toml"])
                .args(extra)
                .args(["implementation_1", "implementation_2"]),
            code,
        )
    };
    let marked = compare(&[], 0);
    assert_eq!(marked["summary"]["accepted"], 2, "{marked}");
    assert!(
        marked["baseline"]
            .as_str()
            .unwrap()
            .ends_with("ci/accepted.json"),
        "{marked}"
    );
    // `--baseline` replaces the file's; an empty baseline accepts nothing.
    std::fs::write(baseline_file(&dir), r#"{"version": 1, "entries": []}"#).unwrap();
    let other = baseline_file(&dir);
    let replaced = compare(&["--baseline", other.to_str().unwrap()], 1);
    assert_eq!(replaced["summary"]["accepted"], 0, "{replaced}");
    // A config file naming a baseline that is not there is exit 2 naming it.
    repo.write("ci/.confdiff.toml", "baseline = \"gone.json\"\n");
    let (code, out, err) = run(repo.confdiff().args([
        "compare",
        "--no-save",
        "--config",
        "ci/.confdiff.toml",
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("ci/gone.json"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn the_work_tree_config_file_baseline_applies_to_files_too_and_no_config_drops_it() {
    let (repo, dir) = platform();
    repo.compare_json_into(&db(&dir), &["implementation_1", "implementation_2"]);
    let said = captured(
        repo.confdiff()
            .args(["accept", "--db"])
            .arg(db(&dir))
            .args(["--baseline", ".confdiff-baseline.json"]),
    );
    assert_eq!(said.status.code(), Some(0), "{said:?}");
    repo.write(".confdiff.toml", "baseline = \".confdiff-baseline.json\"\n");
    let files = json_output(
        repo.confdiff()
            .args(["files", "--no-save", "--format", "json", "--exit-code"])
            .args(["implementation_1", "implementation_2"]),
        0,
    );
    assert_eq!(files["summary"]["accepted"], 2, "{files}");
    let unconfigured = json_output(
        repo.confdiff()
            .args(["files", "--no-save", "--format", "json", "--exit-code"])
            .args(["--no-config", "implementation_1", "implementation_2"]),
        1,
    );
    // Without a baseline the document has none of its fields.
    assert!(unconfigured.get("baseline").is_none(), "{unconfigured}");
    assert!(
        unconfigured["summary"].get("accepted").is_none(),
        "{unconfigured}"
    );
}
