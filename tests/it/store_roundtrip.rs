//! Nothing is lost in storage: a saved run prints back exactly as
//! `compare` printed it, whatever the run holds.

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::harness::sample_repo;
use crate::harness::{TestRepo, confdiff, run};
use confdiff::diff;
use confdiff::{ErrorKind, Outcome, Report, ServiceFailure, ServiceReport, SideReport};
use confdiff::{Format, PrintOptions};
use confdiff::{Integer, Mapping, Node, Tagged, Value};
use confdiff::{RunMeta, Store};

/// `compare` then `show` of the same run, in `format`: both outputs, which
/// must be the same bytes.
fn compare_then_show(repo: &TestRepo, db: &Path, format: &str) -> (String, String) {
    let (code, compared, stderr) = run(repo
        .confdiff()
        .args([
            "compare",
            "implementation_1",
            "implementation_2",
            "--format",
            format,
        ])
        .arg("--db")
        .arg(db));
    assert_eq!(code, 0, "{stderr}");
    let id = Store::open_existing(db)
        .unwrap()
        .list_runs(Some(1))
        .unwrap()[0]
        .id;
    let (code, shown, stderr) = run(confdiff()
        .args(["show", &id.to_string(), "--format", format, "--db"])
        .arg(db));
    assert_eq!(code, 0, "{stderr}");
    (compared, shown)
}

#[test]
fn show_json_is_byte_identical_to_compare_json_on_the_sample() {
    let repo = sample_repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let (compared, shown) = compare_then_show(&repo, &db, "json");
    assert_eq!(shown, compared);
    let report: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(report["run_id"], 1);
    assert!(report["summary"]["services"].as_u64().unwrap() >= 10);
}

#[test]
fn show_human_prints_what_compare_printed_with_where_it_was_saved() {
    let repo = sample_repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    compare_then_show(&repo, &db, "json");
    let (compared, shown) = compare_then_show(&repo, &db, "human");
    assert_eq!(shown, compared);
    let footer = format!("saved as run 2 in {}\n", db.display());
    assert!(shown.ends_with(&footer), "{shown}");
}

/// A repository whose comparison has every status and kind, tags, big
/// integers, NaN and infinities, non-string keys, merge keys and a
/// multi-document file.
fn every_status_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    let left = r#"# left
spec:
  replicas: 3
  port: "80"
debug: true
id: 123456789012345678901234567890
ratio: .nan
limit: .inf
drift: 1.0
ref: !Ref 80
secret: !Vault a
1: int key
true: null
defaults: &defaults
  timeout: 30
  retries: 2
client:
  <<: *defaults
  retries: 5
env:
  - A=1
labels:
  app.kubernetes.io/name: héllo
"#;
    let right = r#"spec:
  replicas: 5
  port: 80
id: -98765432109876543210987654321
ratio: .nan
limit: -.inf
drift: .nan
ref: !Ref 81
secret: !Sops a
"1": string key
true: null
defaults: &defaults
  timeout: 60
  retries: 2
client:
  <<: *defaults
  retries: 5
env:
  - A=1
  - {name: X, value: "1"}
labels:
  app.kubernetes.io/name: "hello \"quoted\"\n"
null: 1.5
"#;
    repo.write("implementation_1/different/configuration.yml", left)
        .write("implementation_2/different/configuration.yml", right)
        .write(
            "implementation_1/identical/configuration.yml",
            "a: 1 # one\n",
        )
        .write("implementation_2/identical/configuration.yml", "{a: 1}\n")
        .write(
            "implementation_1/multi/configuration.yml",
            "a: 1\n---\nb: 2\n",
        )
        .write(
            "implementation_2/multi/configuration.yml",
            "a: 1\n---\nb: 3\n---\nc: 4\n",
        )
        .write("implementation_1/only-left/configuration.yml", "a: 1\n")
        .write("implementation_2/only-right/configuration.yml", "a: 1\n")
        .write("implementation_1/broken/configuration.yml", "a: 1\n")
        .write("implementation_2/broken/configuration.yml", "a: [1\n")
        .write("implementation_1/linked/configuration.yml", "a: 1\n")
        .symlink(
            "implementation_2/linked/configuration.yml",
            "../elsewhere.yml",
        );
    repo.commit("every status");
    repo
}

#[test]
fn show_json_is_byte_identical_on_every_status_kind_and_value() {
    let repo = every_status_repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let (compared, shown) = compare_then_show(&repo, &db, "json");
    assert_eq!(shown, compared);

    // The run really holds what this test is about.
    let report: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let services = report["services"].as_array().unwrap();
    let statuses: Vec<&str> = services
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    for status in [
        "identical",
        "different",
        "missing_left",
        "missing_right",
        "error",
    ] {
        assert!(statuses.contains(&status), "no {status} in {statuses:?}");
    }
    let kinds: Vec<&str> = services
        .iter()
        .filter_map(|s| s["differences"].as_array())
        .flatten()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    for kind in ["added", "removed", "changed", "type_changed"] {
        assert!(kinds.contains(&kind), "no {kind} in {kinds:?}");
    }
    for text in [
        "123456789012345678901234567890",
        "-98765432109876543210987654321",
        "\"!Vault\"",
        "\"!Sops\"",
        "\".nan\"",
        "\"-.inf\"",
    ] {
        assert!(shown.contains(text), "no {text} in the output");
    }
    let differences = &services
        .iter()
        .find(|s| s["service"] == "different")
        .unwrap()["differences"];
    let at = |path: serde_json::Value, kind: &str| {
        differences
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == path && d["kind"] == kind)
    };
    assert!(at(serde_json::json!(["1"]), "removed"), "int key 1");
    assert!(at(serde_json::json!(["1"]), "added"), "string key \"1\"");
    assert!(at(serde_json::json!(["null"]), "added"), "null key");
    assert!(
        at(serde_json::json!(["client", "timeout"]), "changed"),
        "merge key"
    );

    let (compared, shown) = compare_then_show(&repo, &db, "human");
    assert_eq!(shown, compared);
}

/// A scalar node.
fn node(value: Value, line: u32) -> Node {
    Node::new(value, line)
}

fn string(s: &str) -> Value {
    Value::String(s.into())
}

fn mapping(entries: Vec<(Value, Node)>) -> Value {
    let mut mapping = Mapping::new();
    for (line, (key, value)) in (1..).zip(entries) {
        mapping.insert(node(key, line), value).unwrap();
    }
    Value::Mapping(mapping)
}

/// Two documents whose differences hold every kind, a tag, a big integer,
/// NaN and infinities, non-string keys, unicode and escapes.
fn every_kind_documents() -> (Node, Node) {
    let big = |digits: &str| Value::Int(Integer::Big(Box::new(digits.into())));
    let tagged = |tag: &str, value| {
        Value::Tagged(Box::new(Tagged {
            tag: tag.into(),
            value,
        }))
    };
    let left = mapping(vec![
        (string("replicas"), node(Value::Int(Integer::Small(3)), 1)),
        (string("port"), node(string("80"), 2)),
        (string("debug"), node(Value::Bool(true), 3)),
        (Value::Int(Integer::Small(1)), node(string("int key"), 4)),
        (Value::Bool(true), node(Value::Null, 5)),
        (string("ratio"), node(Value::Float(f64::NAN), 6)),
        (string("limit"), node(Value::Float(f64::INFINITY), 7)),
        (string("id"), node(big("123456789012345678901234567890"), 8)),
        (
            string("ref"),
            node(tagged("!Ref", Value::Int(Integer::Small(80))), 9),
        ),
        (string("secret"), node(tagged("!Vault", string("a")), 10)),
        (
            string("env"),
            node(
                Value::Sequence(Box::new([
                    node(string("A=1"), 12),
                    node(string("B=\"quoted\"\n"), 13),
                ])),
                11,
            ),
        ),
        (
            string("app.kubernetes.io/name"),
            node(string("héllo ✓"), 14),
        ),
    ]);
    let right = mapping(vec![
        (string("replicas"), node(Value::Int(Integer::Small(5)), 1)),
        (string("port"), node(Value::Int(Integer::Small(80)), 2)),
        (string("1"), node(string("string key"), 4)),
        (Value::Bool(true), node(Value::Null, 5)),
        (string("ratio"), node(Value::Float(f64::NAN), 6)),
        (string("limit"), node(Value::Float(f64::NEG_INFINITY), 7)),
        (string("id"), node(big("-98765432109876543210987654321"), 8)),
        (
            string("ref"),
            node(tagged("!Ref", Value::Int(Integer::Small(81))), 9),
        ),
        (string("secret"), node(tagged("!Sops", string("a")), 10)),
        (
            string("env"),
            node(
                Value::Sequence(Box::new([
                    node(string("A=1"), 12),
                    node(string("B=\"quoted\"\n"), 13),
                    node(mapping(vec![(string("name"), node(string("X"), 15))]), 15),
                ])),
                11,
            ),
        ),
        (
            string("app.kubernetes.io/name"),
            node(string("hello ✓"), 16),
        ),
        (Value::Null, node(Value::Float(1.5), 17)),
    ]);
    (node(left, 1), node(right, 1))
}

/// A report with every status, and differences of every kind and value.
fn every_status_report() -> Report {
    let (left, right) = every_kind_documents();
    let differences = diff(&left, &right);
    let kinds: Vec<&str> = differences.iter().map(|d| d.kind.name()).collect();
    for kind in ["added", "removed", "changed", "type_changed"] {
        assert!(kinds.contains(&kind), "no {kind} in {kinds:?}");
    }
    let blob = |c: char| Some(c.to_string().repeat(40));
    let service = |name: &str, left, right, outcome| ServiceReport {
        service: name.to_owned(),
        left_blob: left,
        right_blob: right,
        outcome,
    };
    Report {
        run_id: None,
        repository: "https://example.com/acme/platform.git".to_owned(),
        left: SideReport {
            rev: "v1.4.0".to_owned(),
            commit: "1".repeat(40),
            path: "./implementation_1/".to_owned(),
        },
        right: SideReport {
            rev: "main".to_owned(),
            commit: "2".repeat(40),
            path: "implementation_2".to_owned(),
        },
        rules: None,
        file: "configuration.yml".to_owned(),
        services: vec![
            service("a-identical", blob('a'), blob('a'), Outcome::Identical),
            service(
                "b-different",
                blob('b'),
                blob('c'),
                Outcome::Different(differences),
            ),
            service("c-missing-left", None, blob('d'), Outcome::MissingLeft),
            service("d-missing-right", blob('e'), None, Outcome::MissingRight),
            service(
                "e-error",
                blob('f'),
                None,
                Outcome::Error(ServiceFailure {
                    kind: ErrorKind::NotAFile,
                    message: "right: configuration.yml is a symbolic link".to_owned(),
                }),
            ),
            service(
                "f-error-both",
                blob('0'),
                blob('9'),
                Outcome::Error(ServiceFailure {
                    kind: ErrorKind::InvalidYaml,
                    message: "left: invalid YAML at line 3 column 5: \"x\"; right: not UTF-8"
                        .to_owned(),
                }),
            ),
        ],
        baseline: None,
    }
}

fn printed(report: &Report, format: Format, footer: Option<String>) -> Vec<u8> {
    let mut out = Vec::new();
    let options = PrintOptions {
        format,
        color: true,
        footer,
        ..PrintOptions::default()
    };
    confdiff::print(report, &options, &mut out).unwrap();
    out
}

#[test]
fn every_status_kind_and_value_survives_the_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let mut report = every_status_report();
    let mut store = Store::open(&db).unwrap();
    let meta = RunMeta::new(SystemTime::now(), Duration::from_millis(1234));
    let id = store.save_run(&report, &meta).unwrap();
    report.run_id = Some(id);
    drop(store);

    let store = Store::open_existing(&db).unwrap();
    let loaded = store.load_run(id).unwrap();
    assert_eq!(loaded, report);
    assert_eq!(
        String::from_utf8(printed(&loaded, Format::Json, None)).unwrap(),
        String::from_utf8(printed(&report, Format::Json, None)).unwrap()
    );
    let footer = Some(format!("saved as run {id} in {}", db.display()));
    assert_eq!(
        printed(&loaded, Format::Human, footer.clone()),
        printed(&report, Format::Human, footer)
    );

    // The values are stored as the JSON text the contract prints.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let id_values: (String, String) = conn
        .query_row(
            "SELECT left_value, right_value FROM differences WHERE display_path = 'id'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        id_values,
        (
            "123456789012345678901234567890".to_owned(),
            "-98765432109876543210987654321".to_owned()
        )
    );
    let ratio: i64 = conn
        .query_row(
            "SELECT count(*) FROM differences WHERE display_path = 'ratio'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(ratio, 0, "NaN equals NaN");
}
