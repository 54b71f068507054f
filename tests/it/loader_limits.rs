//! The loader's limits seen through `compare`: a file over one of them is
//! that service's `error`, found before the loader spends memory on it,
//! and every other service is still compared.

use crate::harness::TestRepo;
use serde_json::Value;

/// A repository with a healthy service `ok` (different on the two sides)
/// and a service `bad` whose right config is `bad_right`.
fn repo_with_bad_right(bad_right: &str) -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("a/ok/configuration.yml", "x: 1\n")
        .write("b/ok/configuration.yml", "x: 2\n")
        .write("a/bad/configuration.yml", "x: 1\n")
        .write("b/bad/configuration.yml", bad_right);
    repo.commit("bad right");
    repo
}

/// `compare --format json a b` in `repo`, which must exit 0.
fn compare(repo: &TestRepo) -> Value {
    repo.compare_json(&["a", "b"])
}

/// The error of service `bad`, checking that `ok` was still compared.
fn bad_error(report: &Value) -> String {
    let services = report["services"].as_array().unwrap();
    assert_eq!(services[1]["service"], "ok");
    assert_eq!(services[1]["status"], "different", "{report}");
    assert_eq!(services[0]["service"], "bad");
    assert_eq!(services[0]["status"], "error", "{report}");
    let error = services[0]["error"].as_str().unwrap().to_owned();
    let kind = if error.contains("nested deeper") {
        "too_deep"
    } else {
        "too_large"
    };
    assert_eq!(services[0]["error_kind"], kind, "{error}");
    error
}

/// An anchor holding a 100,000-character string and five levels of nine
/// aliases each: a 100 KB file whose 59,049 references stay far below the
/// node budget but would expand to about 6 GB of text.
fn text_alias_bomb() -> String {
    let mut bomb = format!("a: &a \"{}\"\n", "x".repeat(100_000));
    let mut previous = "a";
    for name in ["b", "c", "d", "e", "f"] {
        let items = vec![format!("*{previous}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{items}]\n"));
        previous = name;
    }
    bomb
}

#[test]
fn alias_bomb_of_long_strings_is_an_error_not_gigabytes() {
    let bomb = text_alias_bomb();
    assert!(bomb.len() < 101_000);
    let error = bad_error(&compare(&repo_with_bad_right(&bomb)));
    // The first `*c` of `d` takes the copies past 16 MiB of text.
    assert_eq!(
        error,
        "right: alias expansion exceeds the limit of 16777216 bytes of text at line 4 column 8"
    );
}

#[test]
fn alias_bomb_of_many_nodes_names_the_node_limit() {
    let mut bomb = String::from("a: &a [0,0,0,0,0,0,0,0,0]\n");
    let mut previous = "a";
    for name in ["b", "c", "d", "e", "f", "g"] {
        let items = vec![format!("*{previous}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{items}]\n"));
        previous = name;
    }
    let error = bad_error(&compare(&repo_with_bad_right(&bomb)));
    assert_eq!(
        error,
        "right: alias expansion exceeds the limit of 1000000 nodes at line 7 column 8"
    );
}

#[test]
fn aliases_of_long_strings_within_the_budget_still_compare() {
    // 100 copies of a 100,000-character string: 10 MB of text, allowed.
    let long = "y".repeat(100_000);
    let mut config = format!("base: &base \"{long}\"\n");
    for i in 0..100 {
        config.push_str(&format!("copy{i}: *base\n"));
    }
    let mut repo = TestRepo::new();
    repo.write("a/s/configuration.yml", &config)
        .write("b/s/configuration.yml", format!("{config}extra: 1\n"));
    repo.commit("long aliases");
    let report = compare(&repo);
    let service = &report["services"][0];
    assert_eq!(service["status"], "different", "{service}");
    let differences = service["differences"].as_array().unwrap();
    assert_eq!(differences.len(), 1, "{service}");
    assert_eq!(differences[0]["path"], serde_json::json!(["extra"]));
}

#[test]
fn flow_nesting_past_the_parser_counter_is_too_deep() {
    let deep = |levels: usize| format!("{}1{}\n", "[".repeat(levels), "]".repeat(levels));
    let error = bad_error(&compare(&repo_with_bad_right(&deep(256))));
    assert_eq!(
        error,
        "right: flow collections nested deeper than 255 levels at line 1 column 256"
    );
    let error = bad_error(&compare(&repo_with_bad_right(&format!(
        "a:\n  b: {}",
        deep(100_000)
    ))));
    assert_eq!(
        error,
        "right: flow collections nested deeper than 255 levels at line 2 column 261"
    );
    // 255 flow levels load and diff.
    let mut repo = TestRepo::new();
    repo.write("a/s/configuration.yml", deep(255))
        .write("b/s/configuration.yml", deep(255).replace('1', "2"));
    repo.commit("255 flow levels");
    let report = compare(&repo);
    let service = &report["services"][0];
    assert_eq!(service["status"], "different", "{service}");
    assert_eq!(
        service["differences"][0]["path"].as_array().unwrap().len(),
        255
    );
}
