//! Conformance of the loader against the official YAML test suite.
//!
//! Every case with `in.json` and no `error` file must load to the JSON
//! documents; every case with `error` must be rejected with a line and
//! column. Cases that do not are listed in [`KNOWN_FAILURES`] with the
//! reason, and the test fails when the list and the results disagree in
//! either direction, so the list stays honest.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use confdiff::{Integer, LoadError, Node, Value, load_documents};
use serde_json::Value as Json;

/// The suite's data release, kept in the repository with its license.
pub const SUITE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/yaml-test-suite");

/// Cases the loader is known to get wrong, with why.
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// Cases with a JSON equivalent that must be present.
const MIN_JSON_CASES: usize = 279;
/// Error cases that must be present.
const MIN_ERROR_CASES: usize = 94;

#[test]
fn yaml_test_suite() {
    let cases = case_dirs();
    let mut failures = BTreeSet::new();
    let (mut json_cases, mut json_passed) = (0, 0);
    let (mut error_cases, mut error_passed) = (0, 0);
    for dir in &cases {
        let id = case_id(dir);
        let result = if dir.join("error").exists() {
            error_cases += 1;
            check_error_case(dir)
        } else if dir.join("in.json").exists() {
            json_cases += 1;
            check_json_case(dir)
        } else {
            continue;
        };
        match result {
            Ok(()) if dir.join("error").exists() => error_passed += 1,
            Ok(()) => json_passed += 1,
            Err(why) => {
                println!("FAIL {id}: {why}");
                failures.insert(id);
            }
        }
    }
    println!(
        "yaml-test-suite: {json_passed}/{json_cases} valid cases load to their JSON, \
         {error_passed}/{error_cases} invalid cases are rejected"
    );

    assert!(
        json_cases >= MIN_JSON_CASES && error_cases >= MIN_ERROR_CASES,
        "the suite at {SUITE} looks incomplete: {json_cases} JSON cases, {error_cases} error cases"
    );
    let known: BTreeSet<String> = KNOWN_FAILURES
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    let unexpected: Vec<_> = failures.difference(&known).collect();
    let fixed: Vec<_> = known.difference(&failures).collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "failing but not in KNOWN_FAILURES: {unexpected:?}; \
         in KNOWN_FAILURES but passing (remove them): {fixed:?}"
    );
}

/// The case folders, sorted; a missing suite is a failure, never a skip.
fn case_dirs() -> Vec<PathBuf> {
    let root = Path::new(SUITE).join("cases");
    let entries = fs::read_dir(&root).unwrap_or_else(|e| {
        panic!(
            "the YAML test suite is missing at {} ({e}); it is part of the \
             repository, under testdata/yaml-test-suite",
            root.display()
        )
    });
    let mut dirs: Vec<PathBuf> = entries
        .map(|entry| entry.expect("readable suite folder").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// The case id: its folder name (`2G84-01` for a sub-case).
fn case_id(dir: &Path) -> String {
    dir.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// An invalid case must give an error with a line and a column.
fn check_error_case(dir: &Path) -> Result<(), String> {
    let bytes = fs::read(dir.join("in.yaml")).map_err(|e| e.to_string())?;
    match load_documents(&bytes) {
        Ok(documents) => Err(format!("accepted as {}", to_json(&documents))),
        Err(LoadError::Invalid { line, column, .. } | LoadError::TooDeep { line, column, .. })
            if line >= 1 && column >= 1 =>
        {
            Ok(())
        }
        Err(other) => Err(format!("rejected without a position: {other:?}")),
    }
}

/// A valid case must load to the documents of its `in.json`.
fn check_json_case(dir: &Path) -> Result<(), String> {
    let bytes = fs::read(dir.join("in.yaml")).map_err(|e| e.to_string())?;
    let json = fs::read_to_string(dir.join("in.json")).map_err(|e| e.to_string())?;
    let expected = serde_json::Deserializer::from_str(&json)
        .into_iter::<Json>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("bad in.json: {e}"))?;
    let documents = load_documents(&bytes).map_err(|e| format!("rejected: {e}"))?;
    let matches = documents.len() == expected.len()
        && documents
            .iter()
            .zip(&expected)
            .all(|(node, json)| same(&node.value, json));
    if matches {
        Ok(())
    } else {
        Err(format!(
            "loaded {} but in.json has {}",
            to_json(&documents),
            serde_json::to_string(&expected).unwrap_or_default()
        ))
    }
}

/// The loaded documents as JSON text, for messages.
fn to_json(documents: &[Node]) -> String {
    let values: Vec<String> = documents.iter().map(|d| d.value.to_json()).collect();
    format!("[{}]", values.join(","))
}

/// The contract's equality, adapted to JSON: numbers compare by value
/// whether int or float, tags are ignored (JSON has none), object keys are
/// the YAML keys' plain forms, and mapping order does not matter.
fn same(value: &Value, json: &Json) -> bool {
    match (untagged(value), json) {
        (Value::Null, Json::Null) => true,
        (Value::Bool(a), Json::Bool(b)) => a == b,
        (Value::Int(n), Json::Number(m)) => int_equals(n, m),
        (Value::Float(x), Json::Number(m)) => m.as_f64() == Some(*x),
        (Value::String(a), Json::String(b)) => **a == **b,
        (Value::Sequence(items), Json::Array(array)) => {
            items.len() == array.len()
                && items
                    .iter()
                    .zip(array)
                    .all(|(item, json)| same(&item.value, json))
        }
        (Value::Mapping(mapping), Json::Object(object)) => {
            mapping.len() == object.len()
                && mapping.iter().all(|(key, value)| {
                    let key = untagged(&key.value).plain_form();
                    object
                        .get(key.as_ref())
                        .is_some_and(|json| same(&value.value, json))
                })
        }
        _ => false,
    }
}

/// The value under any tags.
fn untagged(value: &Value) -> &Value {
    match value {
        Value::Tagged(tagged) => untagged(&tagged.value),
        other => other,
    }
}

/// An integer equals a JSON number of the same value.
fn int_equals(n: &Integer, json: &serde_json::Number) -> bool {
    match n {
        Integer::Small(n) => {
            json.as_i64() == Some(*n) || (!json.is_i64() && json.as_f64() == Some(*n as f64))
        }
        Integer::Big(digits) => {
            json.to_string() == digits.as_str()
                || json
                    .as_f64()
                    .is_some_and(|x| digits.parse::<f64>().ok() == Some(x))
        }
    }
}

/// The comparison must be strict enough for the counts above to mean
/// something.
#[test]
fn comparison_is_strict() {
    let load = |yaml: &str| {
        let mut documents = load_documents(yaml.as_bytes()).expect("loads");
        assert_eq!(documents.len(), 1);
        documents.remove(0).value
    };
    let json = |text: &str| serde_json::from_str::<Json>(text).expect("JSON");
    let agree = [
        ("1", "1"),
        ("1.0", "1"),
        ("1", "1.0"),
        ("18446744073709551616", "18446744073709551616"),
        ("{b: 2, a: [x, ~]}", r#"{"a": ["x", null], "b": 2}"#),
        ("{1: a}", r#"{"1": "a"}"#),
        ("!foo x", r#""x""#),
    ];
    for (yaml, expected) in agree {
        assert!(same(&load(yaml), &json(expected)), "{yaml} vs {expected}");
    }
    let differ = [
        ("1", "2"),
        ("1.5", "1"),
        ("'1'", "1"),
        ("1", r#""1""#),
        ("~", r#""""#),
        ("true", r#""true""#),
        ("[a, b]", r#"["b", "a"]"#),
        ("[a]", r#"["a", "a"]"#),
        ("{a: 1}", r#"{"a": 1, "b": 2}"#),
        ("{a: 1, c: 2}", r#"{"a": 1, "b": 2}"#),
        ("{a: 1}", r#"{"a": "1"}"#),
    ];
    for (yaml, expected) in differ {
        assert!(!same(&load(yaml), &json(expected)), "{yaml} vs {expected}");
    }
}
