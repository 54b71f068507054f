//! The review formats, each read back by a parser of its own kind: the
//! GitHub workflow-command syntax, the GitLab Code Quality fields, the
//! Markdown tables, JUnit XML, and JSON Patches applied with a JSON-patch
//! implementation to the left documents, giving the right ones.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use crate::harness::{TestRepo, captured, run, sample_repo, stdout};

const SIDES: [&str; 2] = ["implementation_1", "implementation_2"];

fn formatted(repo: &TestRepo, format: &str) -> String {
    let output = captured(
        repo.confdiff()
            .args(["compare", "--no-save", "--format", format])
            .args(SIDES),
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    stdout(&output)
}

fn counts(repo: &TestRepo) -> Value {
    let report = repo.compare_json(&["--no-save", SIDES[0], SIDES[1]]);
    report["summary"].clone()
}

/// A workflow command: `::level key=value,key=value::message`, with the
/// runner's escapes undone.
struct WorkflowCommand {
    level: String,
    properties: BTreeMap<String, String>,
    message: String,
}

fn unescape(text: &str) -> String {
    text.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn parse_command(line: &str) -> WorkflowCommand {
    let rest = line.strip_prefix("::").expect("a command starts with ::");
    let (head, message) = rest.split_once("::").expect("a command has a message");
    let (level, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("a property is key=value");
            (k.to_owned(), unescape(v))
        })
        .collect();
    WorkflowCommand {
        level: level.to_owned(),
        properties,
        message: unescape(message),
    }
}

fn file_line(repo: &TestRepo, file: &str, line: usize) -> String {
    let text = std::fs::read_to_string(repo.path().join(file)).unwrap();
    text.lines().nth(line - 1).unwrap_or_default().to_owned()
}

#[test]
fn github_annotations_point_at_the_line_of_each_difference() {
    let repo = sample_repo();
    let text = formatted(&repo, "github");
    let commands: Vec<WorkflowCommand> = text.lines().map(parse_command).collect();
    let summary = counts(&repo);
    let expected = summary["differences"].as_u64().unwrap()
        + summary["missing_left"].as_u64().unwrap()
        + summary["missing_right"].as_u64().unwrap()
        + summary["errors"].as_u64().unwrap()
        + 1;
    assert_eq!(commands.len() as u64, expected, "{text}");
    for command in &commands[..commands.len() - 1] {
        assert!(["warning", "error"].contains(&command.level.as_str()));
        let file = &command.properties["file"];
        assert!(repo.path().join(file).is_file(), "{file} is a file");
        if let Some(line) = command.properties.get("line") {
            let line: usize = line.parse().unwrap();
            assert!(line >= 1);
            assert!(!file_line(&repo, file, line).is_empty(), "{file}:{line}");
        }
    }
    // The issue's own example: replicas 3 → 5, on the right file's line.
    let replicas = commands
        .iter()
        .find(|c| c.properties.get("title").map(String::as_str) == Some("spec.replicas"))
        .expect("an annotation for spec.replicas");
    assert_eq!(
        replicas.properties["file"],
        "implementation_2/api-gateway/configuration.yml"
    );
    assert_eq!(replicas.message, "changed 3 → 5");
    let line: usize = replicas.properties["line"].parse().unwrap();
    assert!(file_line(&repo, &replicas.properties["file"], line).contains("replicas: 5"));
    // A removed value points at the left file, where it still is.
    let removed = commands
        .iter()
        .find(|c| c.message.starts_with("removed"))
        .expect("a removed difference");
    assert!(removed.properties["file"].starts_with("implementation_1/"));
    let error = commands.iter().find(|c| c.level == "error").unwrap();
    assert!(error.message.contains("invalid_yaml"), "{}", error.message);
    let last = commands.last().unwrap();
    assert_eq!(last.level, "notice");
    assert!(last.message.contains("12 services"), "{}", last.message);
}

#[test]
fn github_properties_escape_what_would_split_the_command() {
    let mut repo = TestRepo::new();
    repo.write("implementation_1/a,b:c/configuration.yml", "k: \"50%\"\n")
        .write("implementation_2/a,b:c/configuration.yml", "k: \"60%\"\n");
    repo.commit("names with separators");
    let text = formatted(&repo, "github");
    let first = text.lines().next().unwrap();
    assert!(first.contains("a%2Cb%3Ac"), "{first}");
    let command = parse_command(first);
    assert_eq!(
        command.properties["file"],
        "implementation_2/a,b:c/configuration.yml"
    );
    assert_eq!(command.message, "changed \"50%\" → \"60%\"");
}

#[test]
fn gitlab_code_quality_has_the_fields_gitlab_reads() {
    let repo = sample_repo();
    let issues: Vec<Value> = serde_json::from_str(&formatted(&repo, "gitlab")).unwrap();
    let summary = counts(&repo);
    let expected = summary["differences"].as_u64().unwrap()
        + summary["missing_left"].as_u64().unwrap()
        + summary["missing_right"].as_u64().unwrap()
        + summary["errors"].as_u64().unwrap();
    assert_eq!(issues.len() as u64, expected);
    let mut fingerprints = HashSet::new();
    for issue in &issues {
        assert!(issue["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert!(
            issue["check_name"]
                .as_str()
                .unwrap()
                .starts_with("confdiff/")
        );
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&issue["severity"].as_str().unwrap())
        );
        assert!(fingerprints.insert(issue["fingerprint"].as_str().unwrap().to_owned()));
        let path = issue["location"]["path"].as_str().unwrap();
        assert!(repo.path().join(path).is_file(), "{path}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
}

/// The rows of every Markdown table in `text`, split into cells (the
/// separator rows dropped), table by table.
fn tables(text: &str) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    let mut current: Vec<Vec<String>> = Vec::new();
    for line in text.lines() {
        if let Some(inner) = line.strip_prefix('|').and_then(|l| l.strip_suffix('|')) {
            if inner.trim_start().starts_with("---") {
                continue;
            }
            // Split on | that is not escaped.
            let mut cells = Vec::new();
            let mut cell = String::new();
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\\' if chars.peek() == Some(&'|') => {
                        cell.push('|');
                        chars.next();
                    }
                    '|' => cells.push(std::mem::take(&mut cell).trim().to_owned()),
                    c => cell.push(c),
                }
            }
            cells.push(cell.trim().to_owned());
            current.push(cells);
        } else if !current.is_empty() {
            tables.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        tables.push(current);
    }
    tables
}

#[test]
fn markdown_has_a_summary_table_and_a_table_per_different_service() {
    let repo = sample_repo();
    let text = formatted(&repo, "markdown");
    let report = repo.compare_json(&["--no-save", SIDES[0], SIDES[1]]);
    let tables = tables(&text);
    let summary = &tables[0];
    assert_eq!(summary[0][0], "Services");
    let numbers: Vec<u64> = summary[1].iter().map(|n| n.parse().unwrap()).collect();
    let s = &report["summary"];
    assert_eq!(
        numbers,
        [
            "services",
            "identical",
            "different",
            "missing_left",
            "missing_right",
            "errors",
            "differences"
        ]
        .map(|k| s[k].as_u64().unwrap())
    );
    let different: Vec<&Value> = report["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "different")
        .collect();
    assert_eq!(tables.len(), 1 + different.len());
    for (table, service) in tables[1..].iter().zip(different) {
        assert_eq!(table[0], ["Path", "Kind", "Left", "Right", "Lines"]);
        let differences = service["differences"].as_array().unwrap();
        assert_eq!(table.len() - 1, differences.len());
        for (row, difference) in table[1..].iter().zip(differences) {
            assert_eq!(row[1], difference["kind"].as_str().unwrap());
        }
    }
    assert!(
        text.contains("`spec.replicas` | changed | `3` | `5`"),
        "{text}"
    );
}

#[test]
fn markdown_folds_a_service_with_many_differences() {
    let mut repo = TestRepo::new();
    let left: String = (0..30).map(|i| format!("k{i}: {i}\n")).collect();
    let right: String = (0..30).map(|i| format!("k{i}: {}\n", i + 1)).collect();
    repo.write("implementation_1/big/configuration.yml", left)
        .write("implementation_2/big/configuration.yml", right)
        .write("implementation_1/small/configuration.yml", "a: 1\n")
        .write("implementation_2/small/configuration.yml", "a: 2\n");
    repo.commit("one big change");
    let text = formatted(&repo, "markdown");
    assert!(
        text.contains("<details><summary>`big`: different, 30 differences</summary>"),
        "{text}"
    );
    assert!(
        text.contains("#### `small`: different, 1 difference\n"),
        "{text}"
    );
}

#[test]
fn junit_has_a_test_case_per_service_and_a_failure_per_non_identical_one() {
    let repo = sample_repo();
    let xml = formatted(&repo, "junit");
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let report = repo.compare_json(&["--no-save", SIDES[0], SIDES[1]]);
    let services = report["services"].as_array().unwrap();
    let cases: Vec<_> = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), services.len());
    for (case, service) in cases.iter().zip(services) {
        assert_eq!(case.attribute("name"), service["service"].as_str());
        let failure = case.children().find(|n| n.has_tag_name("failure"));
        let error = case.children().find(|n| n.has_tag_name("error"));
        match service["status"].as_str().unwrap() {
            "identical" => assert!(failure.is_none() && error.is_none()),
            "error" => assert_eq!(
                error.unwrap().attribute("type"),
                service["error_kind"].as_str()
            ),
            "different" => {
                let failure = failure.unwrap();
                let listed = failure.text().unwrap_or_default().trim().lines().count();
                assert_eq!(listed, service["differences"].as_array().unwrap().len());
            }
            status => assert_eq!(failure.unwrap().attribute("type"), Some(status)),
        }
    }
    let suites = document.root_element();
    let s = &report["summary"];
    assert_eq!(
        suites.attribute("tests"),
        Some(s["services"].to_string().as_str())
    );
    assert_eq!(
        suites.attribute("errors"),
        Some(s["errors"].to_string().as_str())
    );
}

#[test]
fn junit_stays_well_formed_with_markup_and_controls_in_names_and_values() {
    let mut repo = TestRepo::new();
    repo.write(
        "implementation_1/<&\">/configuration.yml",
        "k: \"\\e[31m<b>\"\n",
    )
    .write(
        "implementation_2/<&\">/configuration.yml",
        "k: \"]]>\\x01\"\n",
    );
    repo.commit("markup");
    let xml = formatted(&repo, "junit");
    let document = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let case = document
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(case.attribute("name"), Some("<&\">"));
}

/// The left and right documents of `service`, in the contract's JSON form.
fn document(repo: &TestRepo, side: &str, service: &str) -> Value {
    let bytes = std::fs::read(
        repo.path()
            .join(side)
            .join(service)
            .join("configuration.yml"),
    )
    .unwrap();
    serde_json::to_value(&confdiff::load(&bytes).unwrap().value).unwrap()
}

#[test]
fn each_patch_turns_the_left_document_into_the_right_one() {
    let mut repo = TestRepo::new();
    let cases = [
        // A list that loses items (removed from the highest index down).
        ("shrink", "items: [a, b, c, d, e]\n", "items: [a, x]\n"),
        ("grow", "items: [a]\nk: 1\n", "items: [a, b, c]\nk: 2\n"),
        (
            "nested",
            "spec:\n  ports:\n    - {name: http, port: 80}\n    - {name: tls, port: 443}\n  a/b: 1\n  m~n: 2\n",
            "spec:\n  ports:\n    - {name: http, port: 8080}\n  a/b: 3\n  m~n: 4\n  new: {x: [1]}\n",
        ),
        ("types", "v: \"1\"\nw: [1]\n", "v: 1\nw: {a: 1}\n"),
        ("root", "[1, 2]\n", "{a: 1}\n"),
    ];
    for (service, left, right) in cases {
        repo.write(
            &format!("implementation_1/{service}/configuration.yml"),
            left,
        )
        .write(
            &format!("implementation_2/{service}/configuration.yml"),
            right,
        );
    }
    repo.commit("patches");
    let document_of: Value = serde_json::from_str(&formatted(&repo, "patch")).unwrap();
    let patches = document_of["patches"].as_array().unwrap();
    assert_eq!(patches.len(), cases.len());
    assert_eq!(document_of["left"]["path"], "implementation_1");
    for patch in patches {
        let service = patch["service"].as_str().unwrap();
        let mut left = document(&repo, SIDES[0], service);
        let operations: json_patch::Patch =
            serde_json::from_value(patch["patch"].clone()).expect("an RFC 6902 patch");
        json_patch::patch(&mut left, &operations)
            .unwrap_or_else(|e| panic!("{service}: the patch applies: {e}"));
        assert_eq!(left, document(&repo, SIDES[1], service), "{service}");
    }
}

#[test]
fn show_prints_every_format_from_the_stored_run() {
    let repo = sample_repo();
    let db = tempfile::tempdir().unwrap();
    let db = db.path().join("runs.db");
    let saved = repo.compare_json_into(&db, &[SIDES[0], SIDES[1]]);
    let id = saved["run_id"].to_string();
    for format in ["github", "gitlab", "markdown", "junit", "patch"] {
        let compared = formatted(&repo, format);
        let output = captured(
            repo.confdiff()
                .args(["show", &id, "--format", format, "--db"])
                .arg(&db),
        );
        assert_eq!(stdout(&output), compared, "{format}");
    }
}

#[test]
fn a_history_has_no_review_format() {
    let repo = sample_repo();
    let db = tempfile::tempdir().unwrap();
    let db = db.path().join("runs.db");
    let (code, _, _) = run(repo
        .confdiff()
        .args(["history", "--db"])
        .arg(&db)
        .args(SIDES));
    assert_eq!(code, 0);
    let (code, out, err) = run(repo
        .confdiff()
        .args(["show", "--format", "github", "--db"])
        .arg(&db));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("a history has no github form"), "{err}");
}
