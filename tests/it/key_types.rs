//! A mapping key that is not a string shows its type in the human output:
//! `1:` and `"1":` used to print alike as `["1"]`. The JSON path stays the
//! key's plain text.

use crate::harness::{TestRepo, run};

#[test]
fn int_and_string_keys_with_the_same_text_print_differently() {
    let mut repo = TestRepo::new();
    repo.write(
        "a/svc/configuration.yml",
        "shards:\n  1: eu\n  2: us\nflags:\n  true: on\n  null: x\n  1.5: y\n",
    )
    .write(
        "b/svc/configuration.yml",
        "shards:\n  1: eu\n  \"2\": us\nflags:\n  true: off\n  \"null\": x\n  1.5: z\n",
    );
    repo.commit("keys");
    let (code, stdout, stderr) = run(repo.confdiff().args(["compare", "--no-save", "a", "b"]));
    assert_eq!(code, 0, "{stderr}");
    let paths: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("  "))
        .map(|l| l[4..].split("  ").next().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "shards[2 (int)]",
            r#"shards["2"]"#,
            "flags[true (bool)]",
            "flags[null (null)]",
            "flags[1.5 (float)]",
            "flags.null",
        ],
        "{stdout}"
    );

    let json = repo.compare_json(&["--no-save", "a", "b"]);
    let json_paths: Vec<&serde_json::Value> = json["services"][0]["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["path"])
        .collect();
    let expected = [
        serde_json::json!(["shards", "2"]),
        serde_json::json!(["shards", "2"]),
        serde_json::json!(["flags", "true"]),
        serde_json::json!(["flags", "null"]),
        serde_json::json!(["flags", "1.5"]),
        serde_json::json!(["flags", "null"]),
    ];
    assert_eq!(json_paths, expected.iter().collect::<Vec<_>>());
}
