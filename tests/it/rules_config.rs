//! `.confdiff.toml`, `--config`, `--no-config`; `--service` and
//! `--recursive`.

use serde_json::json;

use super::rules_lists::pair;
use crate::harness::{TestRepo, run};

#[test]
fn the_work_tree_config_file_applies_and_is_named_in_the_rules() {
    let mut repo = TestRepo::new();
    repo.write("a/billing-api/configuration.yml", "x: 1\ny: 1\n")
        .write("b/billing-api/configuration.yml", "x: 2\ny: 2\n")
        .write("a/web/configuration.yml", "x: 1\n")
        .write("b/web/configuration.yml", "x: 2\n")
        .write(
            ".confdiff.toml",
            "[[ignore]]\npath = \"x\"\nservices = [\"billing-*\"]\nreason = \"set by the deploy tool\"\n",
        );
    repo.commit("rules");
    let report = repo.compare_json(&["--no-save", "a", "b", "--show-ignored"]);
    assert_eq!(
        report["services"][0]["differences"][0]["path"],
        json!(["y"])
    );
    assert_eq!(
        report["services"][0]["differences"][1]["reason"],
        "set by the deploy tool"
    );
    assert_eq!(
        report["services"][1]["differences"][0]["path"],
        json!(["x"])
    );
    assert_eq!(report["services"][1]["ignored"], 0);
    assert!(
        report["rules"]["config"]
            .as_str()
            .unwrap()
            .ends_with(".confdiff.toml")
    );
    let none = repo.compare_json(&["--no-save", "a", "b", "--no-config"]);
    assert!(none.get("rules").is_none());
    assert_eq!(none["summary"]["differences"], 3);
}

#[test]
fn config_file_errors_name_the_file_line_and_key() {
    let repo = pair("x: 1\n", "x: 2\n");
    std::fs::write(
        repo.path().join("bad.toml"),
        "[[ignore]]\npath = \"x\"\nkinds = [\"moved\"]\n",
    )
    .unwrap();
    let (code, out, err) =
        run(repo
            .confdiff()
            .args(["compare", "--no-save", "a", "b", "--config", "bad.toml"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(
        err.trim_end(),
        "confdiff: bad.toml line 3, key kinds: unknown kind 'moved': use added, removed, changed or type_changed"
    );
}

#[test]
fn service_globs_choose_the_services() {
    let mut repo = TestRepo::new();
    for name in ["billing-api", "billing-web", "web"] {
        repo.write(&format!("a/{name}/configuration.yml"), "x: 1\n")
            .write(&format!("b/{name}/configuration.yml"), "x: 2\n");
    }
    repo.commit("three");
    let report = repo.compare_json(&["--no-save", "a", "b", "--service", "billing-*"]);
    let names: Vec<&str> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["billing-api", "billing-web"]);
    let (code, _, err) =
        run(repo
            .confdiff()
            .args(["compare", "--no-save", "a", "b", "--service", "nothing*"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("no service matches --service nothing* (3 found without it)"),
        "{err}"
    );
}

#[test]
fn recursive_finds_nested_and_overlapping_service_folders() {
    let mut repo = TestRepo::new();
    for side in ["a", "b"] {
        repo.write(
            &format!("{side}/team-a/billing/configuration.yml"),
            "x: 1\n",
        )
        .write(&format!("{side}/team-a/configuration.yml"), "y: 1\n")
        .write(
            &format!("{side}/team-a/billing/deep/er/configuration.yml"),
            "z: 1\n",
        );
    }
    repo.write("b/team-a/billing/deep/er/configuration.yml", "z: 2\n");
    repo.commit("nested");
    let report = repo.compare_json(&["--no-save", "a", "b", "--recursive"]);
    let names: Vec<(&str, &str)> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["service"].as_str().unwrap(),
                s["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("team-a", "identical"),
            ("team-a/billing", "identical"),
            ("team-a/billing/deep/er", "different"),
        ]
    );
    let flat = repo.compare_json(&["--no-save", "a", "b"]);
    assert_eq!(flat["services"].as_array().unwrap().len(), 1);
}
