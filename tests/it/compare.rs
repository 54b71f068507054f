//! The comparison contract, row by row, through the real binary on real
//! repositories.

use crate::harness::{TestRepo, run};
use serde_json::{Value, json};

fn service<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == name)
        .unwrap_or_else(|| panic!("no service {name} in {report:#}"))
}

/// Compares one service whose config is `left` on one side and `right` on
/// the other, and returns its JSON entry.
fn compare_docs(left: &str, right: &str) -> Value {
    let mut repo = TestRepo::new();
    repo.write("a/svc/configuration.yml", left)
        .write("b/svc/configuration.yml", right);
    repo.commit("docs");
    let report = repo.compare_json(&["a", "b"]);
    service(&report, "svc").clone()
}

fn differences(left: &str, right: &str) -> Vec<Value> {
    let entry = compare_docs(left, right);
    entry["differences"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("{entry:#}"))
}

#[test]
fn every_status() {
    let mut repo = TestRepo::new();
    repo.write("left/same/configuration.yml", "a: 1\n")
        .write("right/same/configuration.yml", "a: 1\n")
        .write("left/cosmetic/configuration.yml", "a: 1\nb: 'x'\n")
        .write(
            "right/cosmetic/configuration.yml",
            "# comment\nb: x\na: 1\n",
        )
        .write("left/changed/configuration.yml", "a: 1\n")
        .write("right/changed/configuration.yml", "a: 2\n")
        .write("left/only-left/configuration.yml", "a: 1\n")
        .write("right/only-right/configuration.yml", "a: 1\n")
        .write("left/broken/configuration.yml", "a: 1\n")
        .write("right/broken/configuration.yml", "a: [1\n")
        .write("left/not-a-service/other.yml", "a: 1\n")
        .write("left/README.md", "ignored\n");
    repo.commit("statuses");
    let report = repo.compare_json(&["left", "right"]);
    let statuses: Vec<(&str, &str)> = report["services"]
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
        statuses,
        [
            ("broken", "error"),
            ("changed", "different"),
            ("cosmetic", "identical"),
            ("only-left", "missing_right"),
            ("only-right", "missing_left"),
            ("same", "identical"),
        ]
    );
    assert_eq!(
        report["summary"],
        json!({"services": 6, "identical": 2, "different": 1, "missing_left": 1,
               "missing_right": 1, "errors": 1, "differences": 1})
    );
    let broken = service(&report, "broken");
    let error = broken["error"].as_str().unwrap();
    assert!(error.starts_with("right: invalid YAML at line "), "{error}");
    assert!(error.contains("column"), "{error}");
    assert!(broken["left_blob"].is_string() && broken["right_blob"].is_string());
    assert!(broken.get("differences").is_none());
    let only_left = service(&report, "only-left");
    assert!(only_left["left_blob"].is_string() && only_left.get("right_blob").is_none());
    assert!(only_left.get("differences").is_none());
    assert_eq!(service(&report, "same")["differences"], json!([]));
    assert_eq!(service(&report, "cosmetic")["differences"], json!([]));
}

#[test]
fn every_kind_with_values_and_lines() {
    let left = "spec:\n  replicas: 3\ndebug: true\nport: \"80\"\nenv:\n  - name: A\n";
    let right = "spec:\n  replicas: 5\nport: 80\nenv:\n  - name: A\n  - {name: X, value: \"1\"}\n";
    assert_eq!(
        differences(left, right),
        [
            json!({"path": ["spec", "replicas"], "kind": "changed", "left": 3, "right": 5,
                   "left_line": 2, "right_line": 2, "left_type": "int", "right_type": "int"}),
            json!({"path": ["debug"], "kind": "removed", "left": true, "left_line": 3,
                   "left_type": "bool"}),
            json!({"path": ["port"], "kind": "type_changed", "left": "80", "right": 80,
                   "left_line": 4, "right_line": 3, "left_type": "string", "right_type": "int"}),
            json!({"path": ["env", 1], "kind": "added", "right": {"name": "X", "value": "1"},
                   "right_line": 6, "right_type": "mapping"}),
        ]
    );
}

#[test]
fn walk_order_is_depth_first_with_added_keys_last() {
    let left = "a: 1\nb: {x: 1, y: 2}\nc: [1, 2, 3]\n";
    let right = "z: 0\nb: {y: 3, w: 1}\nc: [1]\na: 1.0\n";
    let got: Vec<Value> = differences(left, right)
        .iter()
        .map(|d| json!([d["path"], d["kind"]]))
        .collect();
    assert_eq!(
        got,
        [
            json!([["a"], "type_changed"]),
            json!([["b", "x"], "removed"]),
            json!([["b", "y"], "changed"]),
            json!([["b", "w"], "added"]),
            json!([["c", 1], "removed"]),
            json!([["c", 2], "removed"]),
            json!([["z"], "added"]),
        ]
    );
}

#[test]
fn non_string_keys_are_typed_and_written_plainly() {
    let diffs = differences(
        "1: a\ntrue: b\nnull: c\n1.5: d\n",
        "\"1\": a\ntrue: B\n~: c\n1.5: d\n",
    );
    let got: Vec<(Value, Value)> = diffs
        .iter()
        .map(|d| (d["path"].clone(), d["kind"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            (json!(["1"]), json!("removed")),
            (json!(["true"]), json!("changed")),
            (json!(["1"]), json!("added")),
        ]
    );
}

#[test]
fn multi_document_files_are_sequences_of_documents() {
    let diffs = differences("a: 1\n---\nb: 2\n", "a: 1\n---\nb: 3\n---\nc: 4\n");
    assert_eq!(diffs[0]["path"], json!([1, "b"]));
    assert_eq!(diffs[0]["kind"], "changed");
    assert_eq!(diffs[1]["path"], json!([2]));
    assert_eq!(diffs[1]["kind"], "added");
    assert_eq!(diffs[1]["right"], json!({"c": 4}));
    assert_eq!(diffs.len(), 2);
    // No document at all is null; one document is itself.
    let diffs = differences("# only a comment\n", "--- 5\n");
    assert_eq!(diffs[0]["kind"], "type_changed");
    assert_eq!(diffs[0]["left"], Value::Null);
    assert_eq!(diffs[0]["right"], 5);
}

#[test]
fn anchors_and_merge_keys_are_applied() {
    let left = "base: &b {t: 1, r: 3}\nsvc:\n  <<: *b\n  r: 5\n";
    let right = "base: {t: 1, r: 3}\nsvc: {t: 1, r: 5}\n";
    assert_eq!(compare_docs(left, right)["status"], "identical");
    let left = "base: &b\n  t: 1\n  r: 3\nsvc:\n  <<: *b\n  u: 0\n";
    let right = "base: &b\n  t: 2\n  r: 3\nsvc:\n  <<: *b\n  u: 0\n";
    let diffs = differences(left, right);
    assert_eq!(diffs.len(), 2);
    assert_eq!(diffs[1]["path"], json!(["svc", "t"]));
    // A merged key reports its line in the merge source.
    assert_eq!(diffs[1]["left_line"], 2);
}

#[test]
fn tags_core_applied_others_kept() {
    assert_eq!(
        compare_docs("a: !!str 1\nb: !!int \"2\"\n", "a: \"1\"\nb: 2\n")["status"],
        "identical"
    );
    let diffs = differences("a: !Ref 80\nb: !Ref x\n", "a: !Ref 81\nb: !Sub x\n");
    assert_eq!(diffs[0]["path"], json!(["a"]));
    assert_eq!(diffs[0]["kind"], "changed");
    assert_eq!(diffs[0]["left"], 80);
    assert_eq!(diffs[1]["kind"], "changed");
    assert_eq!(diffs[1]["left"], json!({"tag": "!Ref", "value": "x"}));
    assert_eq!(diffs[1]["right"], json!({"tag": "!Sub", "value": "x"}));
}

#[test]
fn core_schema_scalars() {
    assert_eq!(
        compare_docs("a: 017\nb: 0o17\nc: 0x1F\n", "a: 17\nb: 15\nc: 31\n")["status"],
        "identical"
    );
    let diffs = differences("a: yes\nb: 1_000\nc: 1\n", "a: true\nb: 1000\nc: 1.0\n");
    let kinds: Vec<&str> = diffs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["type_changed", "type_changed", "type_changed"]);
}

#[test]
fn special_floats_and_big_integers() {
    assert_eq!(
        compare_docs("a: .nan\n", "a: .NaN\n")["status"],
        "identical"
    );
    let entry = compare_docs(
        "big: 123456789012345678901234567890\ninf: .inf\n",
        "big: 123456789012345678901234567891\ninf: -.inf\n",
    );
    let diffs = entry["differences"].as_array().unwrap();
    assert_eq!(diffs[1]["left"], ".inf");
    assert_eq!(diffs[1]["right"], "-.inf");
    // All digits, not a rounded float: check the raw text.
    let mut repo = TestRepo::new();
    repo.write(
        "a/s/configuration.yml",
        "big: 123456789012345678901234567890\n",
    )
    .write(
        "b/s/configuration.yml",
        "big: 123456789012345678901234567891\n",
    );
    repo.commit("big");
    let (code, stdout, _) = run(repo
        .confdiff()
        .args(["compare", "--format", "json", "a", "b"]));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("\"left\": 123456789012345678901234567890,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\"right\": 123456789012345678901234567891,"),
        "{stdout}"
    );
}

#[test]
fn duplicate_keys_are_invalid() {
    let entry = compare_docs("a: 1\n", "a: 1\na: 2\n");
    assert_eq!(entry["status"], "error");
    let error = entry["error"].as_str().unwrap();
    assert!(
        error.starts_with("right: invalid YAML at line 2 column 1"),
        "{error}"
    );
}
