//! Configs that cannot be compared: the service is `error`, naming the
//! side, and every other service is still compared.

use crate::harness::{TestRepo, json_output};
use serde_json::Value;

/// A repository with a healthy service `ok` (different on the two sides)
/// and a service `bad` whose right config is `bad_right`.
fn repo_with_bad_right(bad_right: &[u8]) -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("a/ok/configuration.yml", "x: 1\n")
        .write("b/ok/configuration.yml", "x: 2\n")
        .write("a/bad/configuration.yml", "x: 1\n")
        .write("b/bad/configuration.yml", bad_right);
    repo.commit("bad right");
    repo
}

fn compare(repo: &TestRepo, extra: &[&str]) -> Value {
    let mut command = repo.confdiff();
    command
        .args(["compare", "--format", "json"])
        .args(extra)
        .args(["a", "b"]);
    json_output(&mut command, 0)
}

fn bad_error(report: &Value) -> String {
    let services = report["services"].as_array().unwrap();
    assert_eq!(services[1]["service"], "ok");
    assert_eq!(
        services[1]["status"], "different",
        "the healthy service is still compared"
    );
    assert_eq!(services[0]["service"], "bad");
    assert_eq!(services[0]["status"], "error");
    services[0]["error"].as_str().unwrap().to_owned()
}

#[test]
fn invalid_yaml_names_side_line_and_column() {
    let report = compare(&repo_with_bad_right(b"a: 1\nb: [unclosed\n"), &[]);
    let error = bad_error(&report);
    assert!(error.starts_with("right: invalid YAML at line "), "{error}");
    assert!(error.contains(" column "), "{error}");
}

#[test]
fn not_utf8_and_binary_files() {
    let error = bad_error(&compare(&repo_with_bad_right(b"a: caf\xe9\n"), &[]));
    assert!(error.starts_with("right: not UTF-8"), "{error}");
    let error = bad_error(&compare(
        &repo_with_bad_right(b"\x00\x01\x02binary\xff\xfe"),
        &[],
    ));
    assert!(error.starts_with("right: "), "{error}");
    // A UTF-8 byte order mark is fine.
    let mut repo = TestRepo::new();
    repo.write("a/s/configuration.yml", "x: 1\n")
        .write("b/s/configuration.yml", b"\xef\xbb\xbfx: 1\n");
    repo.commit("bom");
    assert_eq!(compare(&repo, &[])["services"][0]["status"], "identical");
}

#[test]
fn files_over_the_size_limit() {
    let report = compare(
        &repo_with_bad_right(b"x: 1\npadding: 0123456789\n"),
        &["--max-file-size", "12"],
    );
    let error = bad_error(&report);
    assert!(
        error.starts_with("right: configuration.yml is 25 bytes"),
        "{error}"
    );
    assert!(error.contains("--max-file-size"), "{error}");
}

#[test]
fn symlinks_submodules_and_directories() {
    let mut repo = TestRepo::new();
    repo.write("a/link/configuration.yml", "x: 1\n")
        .write("b/link/target.yml", "x: 1\n")
        .symlink("b/link/configuration.yml", "target.yml")
        .write("a/dir/configuration.yml", "x: 1\n")
        .write("b/dir/configuration.yml/inner.yml", "x: 1\n")
        .write("a/both/x", "")
        .write("b/both/x", "")
        .symlink("a/both/configuration.yml", "x")
        .symlink("b/both/configuration.yml", "x");
    repo.submodule("a/sub/configuration.yml")
        .write("b/sub/configuration.yml", "x: 1\n");
    repo.commit("odd entries");
    let report = compare(&repo, &[]);
    let error = |name: &str| {
        let s = report["services"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["service"] == name)
            .unwrap();
        assert_eq!(s["status"], "error", "{s}");
        s["error"].as_str().unwrap().to_owned()
    };
    assert_eq!(error("link"), "right: configuration.yml is a symlink");
    assert_eq!(error("dir"), "right: configuration.yml is a directory");
    assert_eq!(error("sub"), "left: configuration.yml is a submodule");
    // Equal symlinks are still not comparable, and the left side comes first.
    assert_eq!(
        error("both"),
        "left: configuration.yml is a symlink; right: configuration.yml is a symlink"
    );
}

#[test]
fn alias_bomb_fails_fast() {
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let mut previous = "a";
    for name in names {
        bomb.push_str(&format!("{name}: &{name} [*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous},*{previous}]\n"));
        previous = name;
    }
    let error = bad_error(&compare(&repo_with_bad_right(bomb.as_bytes()), &[]));
    assert!(
        error.starts_with("right: alias expansion exceeds the limit of 1000000 nodes at line "),
        "{error}"
    );
}

#[test]
fn nesting_beyond_the_limit_is_an_error_not_a_crash() {
    let deep_flow = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let error = bad_error(&compare(&repo_with_bad_right(deep_flow.as_bytes()), &[]));
    // The parser counts flow nesting in a byte, so its limit comes first.
    assert_eq!(
        error,
        "right: flow collections nested deeper than 255 levels at line 1 column 256"
    );

    let deep_block: String = (0..1_200)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    let error = bad_error(&compare(&repo_with_bad_right(deep_block.as_bytes()), &[]));
    assert!(error.starts_with("right: nested deeper than"), "{error}");

    let dashes = format!("{}x\n", "- ".repeat(30_000));
    let error = bad_error(&compare(&repo_with_bad_right(dashes.as_bytes()), &[]));
    assert!(error.starts_with("right: nested deeper than"), "{error}");
}

#[test]
fn documents_at_the_depth_limit_load_and_diff() {
    // 1000 levels load, and the diff walk over them does not overflow.
    // They are block sequences: flow collections stop at 255 levels.
    let depth = 1000;
    let doc = |levels: usize, leaf: &str| format!("{}{leaf}\n", "- ".repeat(levels));
    let flow = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    let mut repo = TestRepo::new();
    repo.write("a/s/configuration.yml", doc(depth, "1"))
        .write("b/s/configuration.yml", doc(depth, "2"))
        .write("a/t/configuration.yml", doc(depth, "1"))
        .write("b/t/configuration.yml", doc(depth - 1, "1"))
        .write("a/u/configuration.yml", doc(depth, "1"))
        .write("b/u/configuration.yml", &flow);
    repo.commit("deep");
    let report = compare(&repo, &[]);
    let s = &report["services"][0];
    assert_eq!(s["status"], "different", "{s}");
    assert_eq!(s["differences"][0]["path"].as_array().unwrap().len(), depth);
    let t = &report["services"][1];
    assert_eq!(t["status"], "different", "{t}");
    let u = &report["services"][2];
    assert_eq!(u["status"], "error", "{u}");
    assert_eq!(
        u["error"],
        "right: flow collections nested deeper than 255 levels at line 1 column 256"
    );
}
