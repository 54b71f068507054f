//! `--list-key`, `--ignore-order` and `--list-keys`: hand-computed
//! differences of reordered, added, removed and duplicated items.

use serde_json::{Value, json};

use crate::harness::{TestRepo, captured, stderr};

/// A repository with `left` and `right` as service `svc` of `a` and `b`.
pub fn pair(left: &str, right: &str) -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("a/svc/configuration.yml", left)
        .write("b/svc/configuration.yml", right);
    repo.commit("two sides");
    repo
}

/// `(path, kind)` of each reported difference of the only service.
pub fn found(report: &Value) -> Vec<(Value, String)> {
    report["services"][0]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].clone(), d["kind"].as_str().unwrap().to_owned()))
        .collect()
}

const LEFT: &str = "containers:\n  - name: app\n    image: a:1\n  - name: side\n    image: s:1\n  - name: gone\n    image: g:1\n";
const RIGHT: &str = "containers:\n  - name: new\n    image: n:1\n  - name: side\n    image: s:1\n  - name: app\n    image: a:2\n";

#[test]
fn keyed_items_are_matched_by_key_and_added_and_removed_in_order() {
    let repo = pair(LEFT, RIGHT);
    let report = repo.compare_json(&["--no-save", "a", "b", "--list-key", "containers=name"]);
    let key = |v: &str| json!({"key": "name", "value": v});
    assert_eq!(
        found(&report),
        [
            (
                json!(["containers", key("app"), "image"]),
                "changed".to_owned()
            ),
            (json!(["containers", key("gone")]), "removed".to_owned()),
            (json!(["containers", key("new")]), "added".to_owned()),
        ]
    );
    let changed = &report["services"][0]["differences"][0];
    assert_eq!(
        (changed["left_line"].clone(), changed["right_line"].clone()),
        (json!(3), json!(7))
    );
    assert_eq!(
        report["rules"]["lists"],
        json!([{"path": "containers", "key": "name"}])
    );
}

#[test]
fn human_output_writes_keyed_steps_as_selectors() {
    let repo = pair(LEFT, RIGHT);
    let output = captured(repo.confdiff().args([
        "compare",
        "--no-save",
        "a",
        "b",
        "--list-key",
        "**.containers=name",
    ]));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("containers[name=app].image"), "{text}");
    assert!(text.contains("containers[name=gone]"), "{text}");
}

#[test]
fn a_reordered_keyed_list_is_identical() {
    let repo = pair(
        "c:\n  - {name: x, v: 1}\n  - {name: y, v: 2}\n",
        "c:\n  - {name: y, v: 2}\n  - {name: x, v: 1}\n",
    );
    let report = repo.compare_json(&["--no-save", "a", "b", "--list-key", "c=name"]);
    assert_eq!(report["services"][0]["status"], "identical");
    let plain = repo.compare_json(&["--no-save", "a", "b"]);
    assert_eq!(plain["summary"]["differences"], 4);
    assert!(plain.get("rules").is_none());
}

#[test]
fn duplicate_keys_fall_back_to_index_with_a_warning() {
    let repo = pair(
        "c:\n  - {name: x, v: 1}\n  - {name: x, v: 2}\n",
        "c:\n  - {name: x, v: 2}\n  - {name: x, v: 1}\n",
    );
    let output = captured(repo.confdiff().args([
        "compare",
        "--no-save",
        "--format",
        "json",
        "a",
        "b",
        "--list-key",
        "c=name",
    ]));
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        found(&report),
        [
            (json!(["c", 0, "v"]), "changed".to_owned()),
            (json!(["c", 1, "v"]), "changed".to_owned()),
        ]
    );
    let err = stderr(&output);
    assert!(
        err.contains("svc: c: cannot match the items by 'name' (the left side has 'name' x twice); compared index by index"),
        "{err}"
    );
}

#[test]
fn multisets_pair_equal_items_and_keep_repeats() {
    // Left 1 2 2 3, right 2 1 4 2 2: each left item takes the first equal
    // free right item; 3 (left index 3) is removed, then 4 (right 2) and
    // the third 2 (right 4) are added.
    let repo = pair("p: [1, 2, 2, 3]\n", "p: [2, 1, 4, 2, 2]\n");
    let report = repo.compare_json(&["--no-save", "a", "b", "--ignore-order", "p"]);
    assert_eq!(
        found(&report),
        [
            (json!(["p", 3]), "removed".to_owned()),
            (json!(["p", 2]), "added".to_owned()),
            (json!(["p", 4]), "added".to_owned()),
        ]
    );
}

#[test]
fn list_keys_auto_takes_the_first_key_that_identifies_every_item() {
    // `name` repeats, so `id` is taken.
    let repo = pair(
        "l:\n  - {name: a, id: 1, v: x}\n  - {name: a, id: 2, v: y}\n",
        "l:\n  - {name: a, id: 2, v: y}\n  - {name: a, id: 1, v: z}\n",
    );
    let report = repo.compare_json(&["--no-save", "a", "b", "--list-keys", "auto"]);
    assert_eq!(
        found(&report),
        [(
            json!(["l", {"key": "id", "value": "1"}, "v"]),
            "changed".to_owned()
        )]
    );
    // `name` alone keys nothing: index by index, `id` and `v` of both.
    let only_name = repo.compare_json(&["--no-save", "a", "b", "--list-keys", "name"]);
    assert_eq!(only_name["summary"]["differences"], 4);
}
