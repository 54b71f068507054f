//! Every difference in the JSON names the type of each side's value, which
//! its JSON alone cannot always tell (`.inf` is written as `".inf"`).

use crate::harness::{TestRepo, json_output};

#[test]
fn type_changed_between_inf_and_the_string_inf_names_both_types() {
    let mut repo = TestRepo::new();
    repo.write("a/svc/configuration.yml", "x: .inf\ngone: 1\n")
        .write("b/svc/configuration.yml", "x: \".inf\"\nnew: [1]\n");
    repo.commit("inf");
    let db = tempfile::tempdir().unwrap();
    let db = db.path().join("runs.db");
    let compared = repo.compare_json_into(&db, &["a", "b"]);
    let differences = &compared["services"][0]["differences"];
    let x = &differences[0];
    assert_eq!(x["path"], serde_json::json!(["x"]));
    assert_eq!(x["kind"], "type_changed");
    assert_eq!(x["left"], ".inf", "JSON writes both as a string");
    assert_eq!(x["right"], ".inf");
    assert_eq!(x["left_type"], "float");
    assert_eq!(x["right_type"], "string");

    let removed = differences[1].as_object().unwrap();
    assert_eq!(removed["kind"], "removed");
    assert_eq!(removed["left_type"], "int");
    assert!(!removed.contains_key("right_type"), "{removed:?}");
    let added = differences[2].as_object().unwrap();
    assert_eq!(added["kind"], "added");
    assert_eq!(added["right_type"], "sequence");
    assert!(!added.contains_key("left_type"), "{added:?}");

    // The saved run carries the types back.
    let shown = json_output(
        repo.confdiff()
            .args(["show", "1", "--format", "json", "--db"])
            .arg(&db),
        0,
    );
    assert_eq!(shown["services"], compared["services"]);
}
