//! `confdiff history` on real repositories with scripted histories.

use serde_json::Value;

use crate::harness::{TestRepo, confdiff, json_output, run};

/// implementation_1 and implementation_2 over five commits:
/// 1. billing and orders the same on both sides
/// 2. implementation_2 raises billing's replicas      (billing → different)
/// 3. only a README changes                          (no change)
/// 4. billing's key moves to another line, same value (no change)
/// 5. implementation_2 gets a new service, payments    (payments appears)
fn scripted() -> (TestRepo, Vec<String>) {
    let mut repo = TestRepo::new();
    let mut commits = Vec::new();
    for side in ["implementation_1", "implementation_2"] {
        repo.write(
            &format!("{side}/billing/configuration.yml"),
            "replicas: 3\nport: 80\n",
        )
        .write(&format!("{side}/orders/configuration.yml"), "queue: q\n");
    }
    commits.push(repo.commit("Start"));
    repo.tag("v1.0");
    repo.write(
        "implementation_2/billing/configuration.yml",
        "replicas: 5\nport: 80\n",
    );
    commits.push(repo.commit("Raise billing replicas"));
    repo.write("README.md", "platform\n");
    commits.push(repo.commit("Readme"));
    repo.write(
        "implementation_2/billing/configuration.yml",
        "# moved down a line\nreplicas: 5\nport: 80\n",
    );
    commits.push(repo.commit("Comment billing"));
    repo.write(
        "implementation_2/payments/configuration.yml",
        "currency: EUR\n",
    );
    commits.push(repo.commit("Add payments"));
    (repo, commits)
}

fn history_json(repo: &TestRepo, args: &[&str]) -> Value {
    json_output(
        repo.confdiff()
            .args(["history", "--format", "json"])
            .args(args),
        0,
    )
}

fn changes(row: &Value) -> Vec<String> {
    row["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}→{} {}",
                c["service"].as_str().unwrap(),
                c["from"].as_str().unwrap_or("null"),
                c["to"].as_str().unwrap_or("null"),
                c.get("differences")
                    .map_or("-".to_owned(), Value::to_string)
            )
        })
        .collect()
}

#[test]
fn rows_say_when_and_how_the_implementations_drifted() {
    let (repo, commits) = scripted();
    let history = history_json(
        &repo,
        &["--no-save", "implementation_1", "implementation_2"],
    );
    // The contract's fields, in the contract's order.
    let (_, printed, _) = run(repo.confdiff().args([
        "history",
        "--no-save",
        "--format",
        "json",
        "implementation_1",
        "implementation_2",
    ]));
    let at = |key: &str| {
        printed
            .find(&format!(
                "
  \"{key}\": "
            ))
            .unwrap_or_else(|| panic!("{key}"))
    };
    let order = [
        "history_id",
        "repository",
        "file",
        "range",
        "first_parent",
        "left",
        "right",
        "rows",
        "stats",
    ];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{printed}");
    assert_eq!(history["range"], "HEAD");
    assert_eq!(
        history["left"],
        serde_json::json!({"rev": null, "commit": null, "path": "implementation_1"})
    );
    let rows = history["rows"].as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["commit"].as_str().unwrap()).collect();
    assert_eq!(ids, commits.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(rows[1]["subject"], "Raise billing replicas");
    assert_eq!(rows[1]["author"], "Test");
    assert_eq!(rows[1]["author_time"], "2026-01-01T00:00:02Z");
    assert_eq!(rows[1]["left_commit"], commits[1].as_str());
    let all: Vec<Vec<String>> = rows.iter().map(changes).collect();
    assert_eq!(
        all,
        [
            vec![],
            vec!["billing identical→different 1".to_owned()],
            vec![],
            vec![],
            vec!["payments null→missing_left -".to_owned()],
        ]
    );
    // Each row's summary is what compare prints for that commit.
    for (row, commit) in rows.iter().zip(&commits) {
        let report = repo.compare_json(&[
            "--no-save",
            &format!("{commit}:implementation_1"),
            &format!("{commit}:implementation_2"),
        ]);
        assert_eq!(row["summary"], report["summary"], "{commit}");
    }
    assert_eq!(history["stats"]["commits"], 5);
    assert_eq!(
        history["stats"]["pairs_compared"], 2,
        "billing 3→5 and its commented copy"
    );
}

#[test]
fn quiet_commits_fold_into_one_line_and_the_ends_always_show() {
    let (repo, commits) = scripted();
    let (code, out, stderr) = run(repo.confdiff().args([
        "history",
        "--no-save",
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let short = |i: usize| commits[i][..7].to_owned();
    assert!(
        out.contains(&format!("{} 2026-01-01  Start", short(0))),
        "{out}"
    );
    assert!(out.contains("billing identical→different"), "{out}");
    assert!(out.contains("… 2 commits without changes"), "{out}");
    assert!(!out.contains(&short(2)), "folded: {out}");
    assert!(
        out.contains(&format!("{} 2026-01-01  Add payments", short(4))),
        "{out}"
    );
    assert!(out.contains("payments absent→missing_left"), "{out}");
}

#[test]
fn a_pinned_side_stays_at_its_revision() {
    let (repo, commits) = scripted();
    let history = history_json(
        &repo,
        &[
            "--no-save",
            "--range",
            "v1.0..HEAD",
            "v1.0:implementation_2",
            "implementation_2",
        ],
    );
    assert_eq!(history["left"]["rev"], "v1.0");
    assert_eq!(history["left"]["commit"], commits[0].as_str());
    assert_eq!(history["right"]["rev"], Value::Null);
    let rows = history["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "v1.0 itself is not in v1.0..HEAD");
    assert!(rows.iter().all(|r| r["left_commit"] == commits[0].as_str()));
    assert_eq!(rows[0]["summary"]["different"], 1);
    assert_eq!(rows[3]["summary"]["missing_left"], 1);
    assert_eq!(changes(&rows[3]), ["payments null→missing_left -"]);
}

#[test]
fn a_dir_that_appears_midway_has_no_services_before() {
    let mut repo = TestRepo::new();
    repo.write("implementation_1/svc/configuration.yml", "a: 1\n");
    repo.commit("one side only");
    repo.write("implementation_2/svc/configuration.yml", "a: 1\n");
    repo.commit("the other side too");
    let history = history_json(
        &repo,
        &["--no-save", "implementation_1", "implementation_2"],
    );
    let rows = history["rows"].as_array().unwrap();
    assert_eq!(rows[0]["summary"]["missing_right"], 1);
    assert_eq!(changes(&rows[1]), ["svc missing_right→identical 0"]);
}

#[test]
fn the_commits_are_those_git_rev_list_gives() {
    let mut repo = TestRepo::new();
    for side in ["a", "b"] {
        repo.write(&format!("{side}/s/configuration.yml"), "v: 0\n");
    }
    repo.commit("root");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.write("b/s/configuration.yml", "v: 1\n");
    repo.commit("topic 1");
    repo.write("b/t/configuration.yml", "v: 1\n");
    repo.commit("topic 2");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("a/s/configuration.yml", "v: 2\n");
    repo.commit("main 1");
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge topic", "topic"]);
    repo.write("a/u/configuration.yml", "v: 3\n");
    repo.commit("after");
    for (extra, git_args) in [
        (
            vec![],
            vec!["rev-list", "--topo-order", "--reverse", "HEAD"],
        ),
        (
            vec!["--first-parent"],
            vec![
                "rev-list",
                "--topo-order",
                "--reverse",
                "--first-parent",
                "HEAD",
            ],
        ),
        (
            vec!["--range", "topic..main"],
            vec!["rev-list", "--topo-order", "--reverse", "topic..main"],
        ),
        (
            vec!["--last", "3"],
            vec!["rev-list", "--topo-order", "--reverse", "-n", "3", "HEAD"],
        ),
    ] {
        let mut args = vec!["--no-save", "a", "b"];
        args.extend(&extra);
        let history = history_json(&repo, &args);
        let ours: Vec<&str> = history["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["commit"].as_str().unwrap())
            .collect();
        let git = repo.git(&git_args);
        assert_eq!(ours, git.lines().collect::<Vec<_>>(), "{extra:?}");
        assert_eq!(history["first_parent"], extra.contains(&"--first-parent"));
    }
}

#[test]
fn a_saved_history_is_listed_and_shown_again_byte_for_byte() {
    let (repo, _) = scripted();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    // A run first, so the history's id comes after it.
    repo.compare_json_into(&db, &["implementation_1", "implementation_2"]);
    let (code, printed, stderr) = run(repo
        .confdiff()
        .args([
            "history",
            "--format",
            "json",
            "implementation_1",
            "implementation_2",
            "--db",
        ])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let history: Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(history["history_id"], 2);
    let (_, shown, _) = run(confdiff()
        .args(["show", "2", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(shown, printed);
    let (_, newest, _) = run(confdiff()
        .args(["show", "--format", "json", "--db"])
        .arg(&db));
    assert_eq!(newest, printed, "show without an id: the newest, a history");
    let (_, human, _) = run(repo
        .confdiff()
        .args(["history", "implementation_1", "implementation_2", "--db"])
        .arg(&db));
    let (_, human_shown, _) = run(confdiff().args(["show", "3", "--db"]).arg(&db));
    assert_eq!(human_shown, human);
    let runs = json_output(
        confdiff()
            .args(["runs", "--format", "json", "--db"])
            .arg(&db),
        0,
    );
    let ids: Vec<i64> = runs["histories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [3, 2]);
    assert_eq!(runs["runs"][0]["id"], 1);
    // The next run does not reuse a history's id.
    let next = repo.compare_json_into(&db, &["implementation_1", "implementation_2"]);
    assert_eq!(next["run_id"], 4);
}

#[test]
fn csv_has_a_line_per_commit_and_the_chart_is_svg() {
    let (repo, commits) = scripted();
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("drift.svg");
    let (code, csv, stderr) = run(repo
        .confdiff()
        .args([
            "history",
            "--no-save",
            "--format",
            "csv",
            "implementation_1",
            "implementation_2",
            "--plot",
        ])
        .arg(&svg));
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + commits.len());
    assert!(lines[0].starts_with("commit,author,author_time,subject,services,identical,different"));
    assert!(lines[2].starts_with(&format!(
        "{},Test,2026-01-01T00:00:02Z,Raise billing replicas,2,1,1,0,0,0,1,",
        commits[1]
    )));
    let parsed = std::process::Command::new("python3")
        .args(["-c", "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); print(d.documentElement.tagName, len(d.getElementsByTagName('polyline')) + len(d.getElementsByTagName('path')))"])
        .arg(&svg)
        .output()
        .unwrap();
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    let text = String::from_utf8_lossy(&parsed.stdout);
    assert!(text.starts_with("svg "), "{text}");
    let chart = std::fs::read_to_string(&svg).unwrap();
    for label in [
        "identical",
        "different",
        "missing",
        "errors",
        &commits[0][..7],
    ] {
        assert!(chart.contains(label), "{label}");
    }
}

#[test]
fn bad_histories_exit_2_naming_the_problem() {
    let (repo, _) = scripted();
    let (code, _, stderr) = run(repo.confdiff().args([
        "history",
        "--no-save",
        "v1.0:implementation_1",
        "HEAD:implementation_2",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("both sides are pinned"), "{stderr}");
    let (code, _, stderr) = run(repo.confdiff().args([
        "history",
        "--no-save",
        "--range",
        "HEAD..HEAD",
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the range 'HEAD..HEAD' has no commits"),
        "{stderr}"
    );
    let (code, _, stderr) = run(repo.confdiff().args([
        "history",
        "--no-save",
        "--range",
        "nope..HEAD",
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown revision 'nope'"), "{stderr}");
}

/// The walk works in batches of 64 commits, building the rows of one
/// batch while the next one's pairs are diffed: a range of 150 commits
/// (three batches) must give, at every commit, the summary that `compare`
/// gives for that commit, and as changes exactly the services edited
/// there — across both batch boundaries.
#[test]
fn rows_across_batch_boundaries_match_a_compare_of_each_commit() {
    let mut repo = TestRepo::new();
    let services = ["api", "billing", "orders", "search"];
    for side in ["implementation_1", "implementation_2"] {
        for service in services {
            repo.write(
                &format!("{side}/{service}/configuration.yml"),
                "replicas: 0\n",
            );
        }
    }
    let mut commits = vec![repo.commit("Start")];
    for n in 1..150 {
        let service = services[n % services.len()];
        // Even commits move implementation_2 away, odd ones bring it
        // back for another service: statuses flip both ways.
        repo.write(
            &format!("implementation_2/{service}/configuration.yml"),
            format!("replicas: {}\n", n % 3),
        );
        commits.push(repo.commit(&format!("Edit {service} {n}")));
    }
    let history = history_json(&repo, &["implementation_1", "implementation_2"]);
    let rows = history["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 150);
    for (n, row) in rows.iter().enumerate() {
        assert_eq!(row["commit"], commits[n], "row {n}");
    }
    for n in [0, 1, 62, 63, 64, 65, 127, 128, 129, 149] {
        let at = &commits[n];
        let report = repo.compare_json(&[
            "--no-save",
            &format!("{at}:implementation_1"),
            &format!("{at}:implementation_2"),
        ]);
        assert_eq!(rows[n]["summary"], report["summary"], "row {n}");
    }
    // Each row's changes: the edited service, unless its new value is
    // the one it had (implementation_1 stays at 0).
    let mut values = [0; 4];
    for (n, row) in rows.iter().enumerate().skip(1) {
        let index = n % services.len();
        let (before, after) = (values[index], n % 3);
        values[index] = after;
        let status = |value| if value == 0 { "identical" } else { "different" };
        let expected: Vec<String> = if before == after {
            Vec::new()
        } else {
            vec![format!(
                "{} {}→{} {}",
                services[index],
                status(before),
                status(after),
                usize::from(after != 0)
            )]
        };
        assert_eq!(changes(row), expected, "row {n}");
    }
}
