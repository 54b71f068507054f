//! Nothing is lost in storage: a saved run prints back exactly as
//! `compare` printed it, and `runs` lists what was saved.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use common::store::{repo_with_services, sample_repo};
use common::{TestRepo, confdiff, run};
use confdiff::diff::diff;
use confdiff::document::{Integer, Mapping, Node, Tagged, Value};
use confdiff::printers::{self, Format, PrintOptions};
use confdiff::report::{Outcome, Report, ServiceReport, SideReport};
use confdiff::store::{RunMeta, Store};
use serde::Deserialize;

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

/// A scalar node.
fn node(value: Value, line: u32) -> Node {
    Node::new(value, line)
}

fn string(s: &str) -> Value {
    Value::String(s.to_owned())
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
    let big = |digits: &str| Value::Int(Integer::Big(digits.into()));
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
                Value::Sequence(vec![
                    node(string("A=1"), 12),
                    node(string("B=\"quoted\"\n"), 13),
                ]),
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
                Value::Sequence(vec![
                    node(string("A=1"), 12),
                    node(string("B=\"quoted\"\n"), 13),
                    node(mapping(vec![(string("name"), node(string("X"), 15))]), 15),
                ]),
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
                Outcome::Error("right: configuration.yml is a symbolic link".to_owned()),
            ),
            service(
                "f-error-both",
                blob('0'),
                blob('9'),
                Outcome::Error(
                    "left: invalid YAML at line 3 column 5: \"x\"; right: not UTF-8".to_owned(),
                ),
            ),
        ],
    }
}

fn printed(report: &Report, format: Format, footer: Option<String>) -> Vec<u8> {
    let mut out = Vec::new();
    let options = PrintOptions {
        format,
        color: true,
        footer,
    };
    printers::print(report, &options, &mut out).unwrap();
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

#[test]
fn show_exit_code_tells_whether_the_run_had_differences() {
    let repo = repo_with_services(3);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let (code, _, stderr) = run(repo
        .confdiff()
        .args(["compare", "implementation_1", "implementation_2", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, _) = run(confdiff()
        .args(["show", "1", "--exit-code", "--db"])
        .arg(&db));
    assert_eq!(code, 1, "the run has services missing on one side");
    let (code, _, _) = run(confdiff().args(["show", "1", "--db"]).arg(&db));
    assert_eq!(code, 0);

    let (code, _, stderr) = run(repo
        .confdiff()
        .args(["compare", "implementation_1", "implementation_1", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, _) = run(confdiff()
        .args(["show", "2", "--exit-code", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "every service is identical");
}

/// `runs --format json`, read as a script would.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunList {
    total: u64,
    runs: Vec<RunEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunEntry {
    id: i64,
    created_at: String,
    repository: String,
    left: RunSide,
    right: RunSide,
    file: String,
    tool_version: String,
    #[allow(dead_code)]
    duration_ms: u64,
    summary: RunCounts,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RunSide {
    rev: String,
    commit: String,
    path: String,
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
struct RunCounts {
    services: u64,
    identical: u64,
    different: u64,
    missing_left: u64,
    missing_right: u64,
    errors: u64,
    differences: u64,
}

/// Saves three runs of `repo` into `db`: the implementations, then the
/// left one with itself at HEAD~0 and by tag.
fn three_runs(repo: &TestRepo, db: &Path) {
    for sides in [
        ["implementation_1", "implementation_2"],
        ["implementation_1", "v1:implementation_1"],
        ["implementation_2", "implementation_1"],
    ] {
        let (code, _, stderr) = run(repo
            .confdiff()
            .arg("compare")
            .args(sides)
            .arg("--db")
            .arg(db));
        assert_eq!(code, 0, "{stderr}");
    }
}

#[test]
fn runs_json_lists_newest_first_with_sides_and_counts() {
    let repo = repo_with_services(3);
    repo.tag("v1");
    let commit = repo.git(&["rev-parse", "HEAD"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    three_runs(&repo, &db);

    let (code, stdout, stderr) = run(confdiff()
        .args(["runs", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let list: RunList = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list.total, 3);
    let ids: Vec<i64> = list.runs.iter().map(|r| r.id).collect();
    assert_eq!(ids, [3, 2, 1]);
    let middle = &list.runs[1];
    assert_eq!(
        middle.right,
        RunSide {
            rev: "v1".into(),
            commit: commit.clone(),
            path: "implementation_1".into()
        }
    );
    assert_eq!(middle.left.rev, "HEAD");
    assert_eq!(middle.left.commit, commit);
    assert_eq!(middle.file, "configuration.yml");
    assert_eq!(middle.tool_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(middle.repository, repo.path().display().to_string());
    assert_eq!(middle.summary.services, 5);
    assert_eq!(middle.summary.identical, 5);
    let first = &list.runs[2];
    assert_eq!(
        first.summary,
        RunCounts {
            services: 6,
            identical: 3,
            different: 0,
            missing_left: 1,
            missing_right: 1,
            errors: 1,
            differences: 0
        }
    );
    assert!(
        first.created_at.len() == 20
            && first.created_at.ends_with('Z')
            && first.created_at.parse::<jiff::Timestamp>().is_ok(),
        "{}",
        first.created_at
    );

    let (code, stdout, _) = run(confdiff()
        .args(["runs", "--format", "json", "--limit", "1", "--db"])
        .arg(&db));
    assert_eq!(code, 0);
    let list: RunList = serde_json::from_str(&stdout).unwrap();
    assert_eq!((list.total, list.runs.len(), list.runs[0].id), (3, 1, 3));
}

#[test]
fn runs_human_is_a_table_newest_first() {
    let repo = repo_with_services(3);
    repo.tag("v1");
    let short = repo.git(&["rev-parse", "--short=7", "HEAD"]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    three_runs(&repo, &db);

    let (code, stdout, stderr) = run(confdiff().args(["runs", "--db"]).arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[0].starts_with("run  time (UTC)"), "{stdout}");
    let ids: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, ["3", "2", "1"]);
    assert!(
        lines[2].contains(&format!("HEAD:implementation_1 ({short})"))
            && lines[2].contains(&format!("v1:implementation_1 ({short})"))
            && lines[2].contains("5 services: 5 identical"),
        "{stdout}"
    );
    assert!(
        lines[3].contains("1 missing on the left, 1 missing on the right, 1 error"),
        "{stdout}"
    );

    let (code, stdout, _) = run(confdiff().args(["runs", "--limit", "2", "--db"]).arg(&db));
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    assert!(
        stdout.ends_with("(the newest 2 of 3 runs; --limit N shows more)\n"),
        "{stdout}"
    );
}

#[test]
fn runs_of_an_empty_database_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    drop(Store::open(&db).unwrap());
    let (code, stdout, _) = run(confdiff().args(["runs", "--db"]).arg(&db));
    assert_eq!((code, stdout.as_str()), (0, "no runs saved yet\n"));
    let (code, stdout, _) = run(confdiff()
        .args(["runs", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(code, 0);
    let list: RunList = serde_json::from_str(&stdout).unwrap();
    assert_eq!((list.total, list.runs.len()), (0, 0));
}
