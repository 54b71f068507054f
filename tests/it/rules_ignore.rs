//! `--ignore` and `--show-ignored`, selectors of every form, the rules in
//! the cache key and in stored runs.

use serde_json::json;

use super::rules_lists::{found, pair};
use crate::harness::{confdiff, json_output, run};

const LEFT: &str = "metadata:\n  annotations:\n    \"deploy.io/at\": \"1\"\n  name: x\nspec:\n  a:\n    image: i:1\n  b:\n    image: j:1\n\"a/b~c\": 1\nc:\n  - {name: app, image: x:1}\n";
const RIGHT: &str = "metadata:\n  annotations:\n    \"deploy.io/at\": \"2\"\n  name: y\nspec:\n  a:\n    image: i:2\n  b:\n    image: j:1\n\"a/b~c\": 2\nc:\n  - {name: app, image: x:2}\n";

fn paths_with(args: &[&str]) -> Vec<serde_json::Value> {
    let repo = pair(LEFT, RIGHT);
    let mut all = vec!["--no-save", "a", "b"];
    all.extend_from_slice(args);
    found(&repo.compare_json(&all))
        .into_iter()
        .map(|(p, _)| p)
        .collect()
}

#[test]
fn without_rules_every_difference_is_reported() {
    assert_eq!(
        paths_with(&[]),
        [
            json!(["metadata", "annotations", "deploy.io/at"]),
            json!(["metadata", "name"]),
            json!(["spec", "a", "image"]),
            json!(["a/b~c"]),
            json!(["c", 0, "image"]),
        ]
    );
}

#[test]
fn selectors_match_a_path_or_any_prefix() {
    let rest = |skip: &[usize]| -> Vec<serde_json::Value> {
        let all = paths_with(&[]);
        all.into_iter()
            .enumerate()
            .filter(|(i, _)| !skip.contains(i))
            .map(|(_, p)| p)
            .collect()
    };
    // A prefix, a quoted key with dots, `**` at the end, start and middle.
    assert_eq!(
        paths_with(&["--ignore", "metadata.annotations"]),
        rest(&[0])
    );
    assert_eq!(
        paths_with(&["--ignore", r#"metadata.annotations["deploy.io/at"]"#]),
        rest(&[0])
    );
    assert_eq!(paths_with(&["--ignore", "metadata.**"]), rest(&[0, 1]));
    assert_eq!(paths_with(&["--ignore", "**.image"]), rest(&[2, 4]));
    assert_eq!(paths_with(&["--ignore", "spec.**.image"]), rest(&[2]));
    assert_eq!(paths_with(&["--ignore", "spec.*.image"]), rest(&[2]));
    // `[k=v]` on a list compared index by index, `[*]`.
    assert_eq!(paths_with(&["--ignore", "c[name=app].image"]), rest(&[4]));
    assert_eq!(paths_with(&["--ignore", "c[*]"]), rest(&[4]));
    // JSON Pointers, with escapes and wildcards.
    assert_eq!(paths_with(&["--ignore", "/a~1b~0c"]), rest(&[3]));
    assert_eq!(paths_with(&["--ignore", "/c/0/image"]), rest(&[4]));
    assert_eq!(paths_with(&["--ignore", "/spec/**"]), rest(&[2]));
    assert_eq!(paths_with(&["--ignore", "**"]), rest(&[0, 1, 2, 3, 4]));
}

#[test]
fn ignored_differences_are_counted_and_shown_when_asked() {
    let repo = pair(LEFT, RIGHT);
    let report = repo.compare_json(&["--no-save", "a", "b", "--ignore", "**"]);
    assert_eq!(report["services"][0]["status"], "identical");
    assert_eq!(report["services"][0]["differences"], json!([]));
    assert_eq!(report["services"][0]["ignored"], 5);
    assert_eq!(report["summary"]["ignored"], 5);
    assert_eq!(report["summary"]["identical"], 1);
    let shown = repo.compare_json(&["--no-save", "a", "b", "--ignore", "spec", "--show-ignored"]);
    let list = shown["services"][0]["differences"].as_array().unwrap();
    assert_eq!(list.len(), 5);
    let last = &list[4];
    assert_eq!(last["path"], json!(["spec", "a", "image"]));
    assert_eq!(last["ignored"], true);
    assert_eq!(last["ignored_by"], json!(["spec"]));
    assert_eq!(shown["summary"]["differences"], 4);
}

#[test]
fn bad_selectors_exit_2_naming_the_position() {
    let repo = pair(LEFT, RIGHT);
    for (selector, message) in [
        (
            "a..b",
            "invalid selector 'a..b' in --ignore: a key is missing after '.' (at character 3)",
        ),
        ("a.b*", "(at character 4)"),
        (
            "/a/~2",
            "'~' starts an escape: ~0 for '~', ~1 for '/' (at character 4)",
        ),
        ("c[name=]", "a value is missing after '=' (at character 8)"),
    ] {
        let (code, out, err) =
            run(repo
                .confdiff()
                .args(["compare", "--no-save", "a", "b", "--ignore", selector]));
        assert_eq!(code, 2, "{selector}");
        assert!(out.is_empty());
        assert!(err.contains(message), "{selector}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}

#[test]
fn a_run_with_rules_never_serves_one_without() {
    let repo = pair(LEFT, RIGHT);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let ruled = repo.compare_json_into(&db, &["a", "b", "--ignore", "**"]);
    assert_eq!(ruled["summary"]["differences"], 0);
    let plain = repo.compare_json_into(&db, &["a", "b"]);
    assert_eq!(plain["summary"]["differences"], 5);
    assert!(plain.get("rules").is_none());
    let again = repo.compare_json_into(&db, &["a", "b", "--ignore", "**"]);
    assert_eq!(again["summary"]["differences"], 0);
}

#[test]
fn show_prints_a_run_with_rules_byte_for_byte() {
    let repo = pair(LEFT, RIGHT);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let args = ["--ignore", "spec", "--show-ignored", "--list-key", "c=name"];
    let mut compare = repo.confdiff();
    compare
        .args(["compare", "--format", "json", "a", "b"])
        .args(args)
        .arg("--db")
        .arg(&db);
    let first = compare.output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    let shown = confdiff()
        .args(["show", "1", "--format", "json", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    let printed: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(printed["run_id"], 1);
    assert_eq!(
        String::from_utf8(shown.stdout).unwrap(),
        String::from_utf8(first.stdout).unwrap()
    );
}

#[test]
fn history_counts_ignored_differences_as_compare_does() {
    let repo = pair(LEFT, RIGHT);
    let rows = |args: &[&str]| {
        let mut command = repo.confdiff();
        command
            .args(["history", "--no-save", "--format", "json", "a", "b"])
            .args(args);
        json_output(&mut command, 0)["rows"][0]["summary"].clone()
    };
    assert_eq!(rows(&[])["differences"], 5);
    assert_eq!(rows(&["--ignore", "spec"])["differences"], 4);
    let all = rows(&["--ignore", "**"]);
    assert_eq!(
        (all["identical"].clone(), all["differences"].clone()),
        (json!(1), json!(0))
    );
}
