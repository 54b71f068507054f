//! The example queries of the README's database section run, answer
//! correctly and use an index, against a real database saved by confdiff.

use std::path::Path;
use std::time::{Duration, SystemTime};

use confdiff::diff;
use confdiff::{ErrorKind, Outcome, Report, ServiceFailure, ServiceReport, SideReport};
use confdiff::{Integer, Mapping, Node, Value};
use confdiff::{RunMeta, Store};
use rusqlite::Connection;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// The ```sql blocks of the README that start with a `--` comment: the
/// example queries, keyed by that comment.
fn documented_queries() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(crate::harness::crate_root().join("README.md")).unwrap();
    text.split("```sql\n")
        .skip(1)
        .filter_map(|block| {
            let sql = block.split("```").next().unwrap().trim().to_owned();
            let title = sql.lines().next()?.strip_prefix("-- ")?.to_owned();
            Some((title, sql))
        })
        .collect()
}

fn query<'a>(queries: &'a [(String, String)], title_part: &str) -> &'a str {
    let found: Vec<&str> = queries
        .iter()
        .filter(|(title, _)| title.contains(title_part))
        .map(|(_, sql)| sql.as_str())
        .collect();
    assert_eq!(found.len(), 1, "one documented query about '{title_part}'");
    found[0]
}

fn mapping(entries: Vec<(&str, Node)>) -> Node {
    let mut mapping = Mapping::new();
    for (line, (key, value)) in (1..).zip(entries) {
        mapping
            .insert(Node::new(Value::String(key.into()), line), value)
            .unwrap();
    }
    Node::new(Value::Mapping(mapping), 1)
}

/// A config with `spec.replicas` and `spec.port`.
fn config(replicas: i64, port: i64) -> Node {
    let int = |n| Node::new(Value::Int(Integer::Small(n)), 3);
    mapping(vec![(
        "spec",
        mapping(vec![("replicas", int(replicas)), ("port", int(port))]),
    )])
}

fn different(name: &str, left: Node, right: Node) -> ServiceReport {
    ServiceReport {
        service: name.to_owned(),
        left_blob: Some("a".repeat(40)),
        right_blob: Some("b".repeat(40)),
        outcome: Outcome::Different(diff(&left, &right)),
    }
}

fn with_status(name: &str, outcome: Outcome) -> ServiceReport {
    ServiceReport {
        service: name.to_owned(),
        left_blob: Some("c".repeat(40)),
        right_blob: Some("c".repeat(40)),
        outcome,
    }
}

fn report(rev: &str, services: Vec<ServiceReport>) -> Report {
    let side = |path: &str| SideReport {
        rev: rev.to_owned(),
        commit: "d".repeat(40),
        path: path.to_owned(),
    };
    Report {
        run_id: None,
        repository: "platform".to_owned(),
        left: side("implementation_1"),
        right: side("implementation_2"),
        file: "configuration.yml".to_owned(),
        services,
        baseline: None,
        rules: None,
    }
}

/// Three runs: ten days ago and two days ago with an error, today without.
fn saved_database(db: &Path) {
    let broken = || {
        Outcome::Error(ServiceFailure {
            kind: ErrorKind::InvalidYaml,
            message: "right: invalid YAML at line 2 column 3: x".to_owned(),
        })
    };
    let now = SystemTime::now();
    let runs = [
        (
            now - 10 * DAY,
            report(
                "v1",
                vec![
                    different("orders", config(1, 80), config(4, 80)),
                    with_status("payments", broken()),
                ],
            ),
        ),
        (
            now - 2 * DAY,
            report(
                "v2",
                vec![
                    different("orders", config(1, 80), config(5, 80)),
                    with_status("payments", broken()),
                ],
            ),
        ),
        (
            now,
            report(
                "v3",
                vec![
                    different("billing", config(1, 80), config(1, 81)),
                    with_status("catalog", Outcome::Identical),
                    different("orders", config(1, 80), config(2, 8080)),
                    different("payments", config(2, 80), config(3, 80)),
                ],
            ),
        ),
    ];
    let mut store = Store::open(db).unwrap();
    for (started, report) in runs {
        store
            .save_run(&report, &RunMeta::new(started, Duration::from_millis(5)))
            .unwrap();
    }
}

fn rows(conn: &Connection, sql: &str) -> Vec<Vec<String>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let columns = stmt.column_count();
    stmt.query_map([], |row| {
        (0..columns)
            .map(|i| {
                let value: rusqlite::types::Value = row.get(i)?;
                Ok(match value {
                    rusqlite::types::Value::Null => "NULL".to_owned(),
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    rusqlite::types::Value::Text(t) => t,
                    other => format!("{other:?}"),
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The query plan's steps; a step `SCAN <table>` reads a whole table.
fn full_scans(conn: &Connection, sql: &str) -> Vec<String> {
    let plan = rows(conn, &format!("EXPLAIN QUERY PLAN {sql}"));
    plan.into_iter()
        .map(|row| row[3].clone())
        .filter(|step| step.starts_with("SCAN "))
        .collect()
}

#[test]
fn the_documented_queries_answer_from_a_saved_database() {
    let queries = documented_queries();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    saved_database(&db);
    let conn = Connection::open(&db).unwrap();

    let replicas = query(&queries, "spec.replicas");
    assert_eq!(
        rows(&conn, replicas),
        [
            ["orders", "changed", "1", "2", "1"],
            ["payments", "changed", "2", "3", "1"],
        ]
    );

    let errors = query(&queries, "last week");
    let found = rows(&conn, errors);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0][0].as_str(), found[0][3].as_str()), ("2", "v2"));
    assert_eq!(found[0][5], "1");

    let history = query(&queries, "history of one service");
    let found: Vec<(String, String)> = rows(&conn, history)
        .into_iter()
        .map(|row| (row[0].clone(), row[4].clone()))
        .collect();
    let expected = [("3", "different"), ("2", "error"), ("1", "error")]
        .map(|(id, status)| (id.to_owned(), status.to_owned()));
    assert_eq!(found, expected);

    for sql in [replicas, errors, history] {
        assert_eq!(full_scans(&conn, sql), Vec::<String>::new(), "{sql}");
    }
}
