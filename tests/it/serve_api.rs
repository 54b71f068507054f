//! `confdiff serve`'s JSON API against the real binary: every endpoint and
//! status, and answers byte for byte what the command line prints for the
//! same database.

use serde_json::json;

use crate::harness::serve::Server;
use crate::harness::{TestRepo, captured, confdiff, sample_repo, stderr};

fn cli_stdout(args: &[&str], db: &std::path::Path) -> Vec<u8> {
    let output = captured(confdiff().args(args).arg("--db").arg(db));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    output.stdout
}

fn repo_path(repo: &TestRepo) -> String {
    repo.path().canonicalize().unwrap().display().to_string()
}

#[test]
fn a_comparison_answers_what_show_and_compare_print() {
    let repo = sample_repo();
    let path = repo_path(&repo);
    let server = Server::start(&["--allow-repo", &path]);
    let answer = server.post(
        "/api/comparisons",
        &json!({"left": "implementation_1", "right": "implementation_2"}),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    let id = answer.json()["run_id"].as_i64().unwrap();
    assert_eq!(
        answer.header("location").unwrap(),
        format!("/api/runs/{id}")
    );
    let show = cli_stdout(&["show", &id.to_string(), "--format", "json"], &server.db);
    assert_eq!(answer.text(), String::from_utf8(show.clone()).unwrap());
    assert_eq!(server.get(&format!("/api/runs/{id}")).body, show);

    // The command line comparing the same input in the same database
    // prints the same document under the next run id.
    let cli = repo.compare_json_into(
        &server.db,
        &["--repo", &path, "implementation_1", "implementation_2"],
    );
    let mut api = answer.json();
    api["run_id"] = cli["run_id"].clone();
    assert_eq!(api, cli);

    let runs = server.get("/api/runs");
    assert_eq!(runs.status, 200);
    assert_eq!(
        runs.body,
        cli_stdout(&["runs", "--format", "json"], &server.db)
    );
    let one = server.get("/api/runs?limit=1&offset=1");
    assert_eq!(one.json()["runs"][0]["id"], json!(id), "{}", one.text());

    let service = server.get(&format!("/api/runs/{id}/services/billing"));
    assert_eq!(service.status, 200, "{}", service.text());
    let listed = api["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "billing")
        .unwrap()
        .clone();
    assert_eq!(service.json(), listed);
    let missing = server.get(&format!("/api/runs/{id}/services/no-such-service"));
    assert!(missing.error(404).contains("no-such-service"));
}

#[test]
fn the_old_backends_call_with_two_identifiers_works_with_one_allowed_repository() {
    let repo = sample_repo();
    let server = Server::start(&["--allow-repo", &repo_path(&repo)]);
    let answer = server.post(
        "/api/comparisons",
        &json!({"left": "HEAD:implementation_1", "right": "implementation_2", "rev": "HEAD",
                "file": "configuration.yml", "fetch": true}),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
}

#[test]
fn bad_bodies_are_400_naming_the_field_and_big_ones_413() {
    let repo = sample_repo();
    let server = Server::start(&["--allow-repo", &repo_path(&repo)]);
    let unknown = server.post(
        "/api/comparisons",
        &json!({"left": "a", "right": "b", "ignore_case": true}),
    );
    assert!(unknown.error(400).contains("ignore_case"));
    let missing = server.post("/api/comparisons", &json!({"left": "a"}));
    assert!(missing.error(400).contains("`right`"));
    let wrong_type = server.post("/api/comparisons", &json!({"left": "a", "right": 3}));
    assert!(wrong_type.error(400).contains("invalid type"));
    let malformed = server.request("POST", "/api/comparisons", Some(b"{\"left\":"), None);
    assert!(malformed.error(400).contains("JSON"));
    let file = server.post(
        "/api/comparisons",
        &json!({"left": "a", "right": "b", "file": "../etc/passwd"}),
    );
    assert!(file.error(400).contains("`file`"));
    let big = format!("{{\"left\":\"{}\",\"right\":\"b\"}}", "x".repeat(70 * 1024));
    let too_large = server.request("POST", "/api/comparisons", Some(big.as_bytes()), None);
    assert!(too_large.error(413).contains("65536"));
    let history = server.post(
        "/api/histories",
        &json!({"left": "a", "right": "b", "lst": 2}),
    );
    assert!(history.error(400).contains("lst"));
}

#[test]
fn a_comparison_that_cannot_run_is_422_with_the_command_lines_message() {
    let repo = sample_repo();
    let path = repo_path(&repo);
    let server = Server::start(&["--allow-repo", &path]);
    for (left, right) in [
        ("no-such-rev:implementation_1", "implementation_2"),
        ("implementation_1", "no_such_folder"),
    ] {
        let answer = server.post("/api/comparisons", &json!({"left": left, "right": right}));
        let message = answer.error(422);
        let cli =
            captured(
                repo.confdiff()
                    .args(["compare", "--no-save", "--repo", &path, left, right]),
            );
        assert_eq!(cli.status.code(), Some(2));
        assert_eq!(
            format!("confdiff: {message}\n"),
            stderr(&cli),
            "for {left} {right}"
        );
    }
    let runs = server.get("/api/runs");
    assert_eq!(runs.json()["total"], json!(0), "{}", runs.text());
}

#[test]
fn missing_runs_and_routes_are_404_with_a_json_error() {
    let repo = sample_repo();
    let server = Server::start(&["--allow-repo", &repo_path(&repo)]);
    assert!(server.get("/api/runs/42").error(404).contains("no run 42"));
    assert!(server.get("/api/runs/abc").error(404).contains("abc"));
    assert!(
        server
            .get("/api/runs/pending-9")
            .error(404)
            .contains("pending-9")
    );
    assert!(server.get("/api/histories/7").error(404).contains("7"));
    server.get("/api/nothing-here").error(404);
    server.request("DELETE", "/api/runs", None, None).error(405);
    assert_eq!(server.get("/runs/42").status, 404);
}

#[test]
fn repositories_off_the_allow_list_are_403_before_anything_is_read() {
    let allowed = sample_repo();
    let other = sample_repo();
    let server = Server::start(&["--allow-repo", &repo_path(&allowed)]);
    let body = |repository: &str| json!({"repository": repository, "left": "implementation_1", "right": "implementation_2"});
    let message = server
        .post("/api/comparisons", &body(&repo_path(&other)))
        .error(403);
    assert!(message.contains("allow list"), "{message}");
    server
        .post("/api/comparisons", &body("/no/such/repository"))
        .error(403);
    server
        .post(
            "/api/comparisons",
            &body("https://user:secret@example.invalid/acme/platform.git"),
        )
        .error(403);
    assert!(
        !server.log().contains("secret"),
        "credentials in the log: {}",
        server.log()
    );
    // The allowed one, written another way, is the same repository.
    let roundabout = format!("{}/implementation_1/..", repo_path(&allowed));
    assert_eq!(
        server.post("/api/comparisons", &body(&roundabout)).status,
        201
    );
    let blame = server.get(&format!(
        "/api/blame?repository={}&target=implementation_2/billing&path=replicas",
        repo_path(&other)
    ));
    blame.error(403);
}

#[test]
fn two_allowed_repositories_need_the_repository_field() {
    let one = sample_repo();
    let two = sample_repo();
    let server = Server::start(&[
        "--allow-repo",
        &repo_path(&one),
        "--allow-repo",
        &repo_path(&two),
    ]);
    let message = server
        .post(
            "/api/comparisons",
            &json!({"left": "implementation_1", "right": "implementation_2"}),
        )
        .error(400);
    assert!(message.contains("`repository`"), "{message}");
}

#[test]
fn with_a_token_file_every_request_needs_the_token_and_the_log_never_shows_it() {
    let repo = sample_repo();
    let dir = tempfile::tempdir().unwrap();
    let token = "s3cr3t-token-value-0123456789";
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let server = Server::start(&[
        "--allow-repo",
        &repo_path(&repo),
        "--token-file",
        token_file.to_str().unwrap(),
    ]);
    let body = json!({"left": "implementation_1", "right": "implementation_2"}).to_string();
    for wrong in [None, Some("nope"), Some("s3cr3t-token-value-012345678")] {
        let answer = server.request("POST", "/api/comparisons", Some(body.as_bytes()), wrong);
        assert!(answer.error(401).contains("Authorization"));
    }
    server.get("/healthz").error(401);
    server.get("/").error(401);
    let answer = server.request(
        "POST",
        "/api/comparisons",
        Some(body.as_bytes()),
        Some(token),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    let health = server.request("GET", "/healthz", None, Some(token));
    assert_eq!(health.status, 200);
    let log = server.log();
    assert!(log.contains("POST /api/comparisons 401"), "{log}");
    assert!(!log.contains(token), "the token is in the log: {log}");
}

#[test]
fn a_non_loopback_listen_address_needs_a_token_file() {
    let repo = sample_repo();
    let output = captured(confdiff().args([
        "serve",
        "--listen",
        "0.0.0.0:0",
        "--allow-repo",
        &repo_path(&repo),
    ]));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--listen 0.0.0.0:0 is not a loopback address"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn past_the_sync_timeout_a_comparison_answers_202_and_its_url_gives_the_run() {
    let repo = sample_repo();
    let server = Server::start(&["--allow-repo", &repo_path(&repo), "--sync-timeout", "0"]);
    let answer = server.post(
        "/api/comparisons",
        &json!({"left": "implementation_1", "right": "implementation_2"}),
    );
    assert_eq!(answer.status, 202, "{}", answer.text());
    let location = answer.header("location").unwrap();
    assert!(location.starts_with("/api/runs/pending-"), "{location}");
    assert_eq!(answer.json()["status"], "running");
    let done = server.until_done(&location);
    assert_eq!(done.status, 200, "{}", done.text());
    let id = done.json()["run_id"].as_i64().unwrap();
    assert_eq!(
        done.header("content-location").unwrap(),
        format!("/api/runs/{id}")
    );
    assert_eq!(
        done.body,
        cli_stdout(&["show", &id.to_string(), "--format", "json"], &server.db)
    );

    let failing = server.post(
        "/api/comparisons",
        &json!({"left": "no-such-rev:implementation_1", "right": "implementation_2"}),
    );
    assert_eq!(failing.status, 202);
    let failed = server.until_done(&failing.header("location").unwrap());
    assert!(failed.error(422).contains("no-such-rev"));
}

#[test]
fn histories_and_blame_answer_the_history_and_blame_documents() {
    let mut repo = sample_repo();
    repo.write(
        "implementation_2/billing/configuration.yml",
        "replicas: 9\n",
    );
    repo.commit("billing scaled");
    let path = repo_path(&repo);
    let server = Server::start(&["--allow-repo", &path]);
    let answer = server.post(
        "/api/histories",
        &json!({"left": "implementation_1", "right": "implementation_2", "range": "HEAD"}),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    let id = answer.json()["history_id"].as_i64().unwrap();
    assert_eq!(
        answer.header("location").unwrap(),
        format!("/api/histories/{id}")
    );
    let show = cli_stdout(&["show", &id.to_string(), "--format", "json"], &server.db);
    assert_eq!(answer.body, show);
    assert_eq!(server.get(&format!("/api/histories/{id}")).body, show);
    assert!(
        server
            .get(&format!("/api/runs/{id}"))
            .error(404)
            .contains("history")
    );

    let blame = server.get("/api/blame?target=implementation_2/billing&path=replicas&all=true");
    assert_eq!(blame.status, 200, "{}", blame.text());
    let cli = captured(repo.confdiff().args([
        "blame",
        "--repo",
        &path,
        "--format",
        "json",
        "--all",
        "implementation_2/billing",
        "replicas",
    ]));
    assert_eq!(blame.body, cli.stdout);
    let never = server.get("/api/blame?target=implementation_2/billing&path=no.such.key");
    never.error(422);
    let unknown = server.get("/api/blame?target=x&path=y&colour=1");
    assert!(unknown.error(400).contains("colour"));
}

#[test]
fn health_metrics_and_the_openapi_document_are_served() {
    let repo = sample_repo();
    let server = Server::start(&["--allow-repo", &repo_path(&repo)]);
    assert_eq!(server.get("/healthz").json(), json!({"status": "ok"}));
    server.post(
        "/api/comparisons",
        &json!({"left": "implementation_1", "right": "implementation_2"}),
    );
    server.post(
        "/api/comparisons",
        &json!({"left": "implementation_1", "right": "implementation_2"}),
    );
    let metrics = server.get("/metrics").text();
    for expected in [
        "confdiff_http_requests_total{route=\"/api/comparisons\",status=\"201\"} 2",
        "confdiff_comparison_duration_seconds_count 2",
        "confdiff_pairs_compared_total",
        "confdiff_pairs_reused_total",
        "confdiff_queue_depth 0",
    ] {
        assert!(metrics.contains(expected), "{expected} not in:\n{metrics}");
    }
    let reused: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("confdiff_pairs_reused_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        reused > 0.0,
        "the second comparison reused nothing:\n{metrics}"
    );
    let openapi = server.get("/api/openapi.json").json();
    assert_eq!(openapi["openapi"], "3.1.0");
    assert!(openapi["paths"]["/api/comparisons"]["post"].is_object());
}

/// The request body takes the comparison rules as the JSON document's
/// `rules` writes them, and the answer is what `compare` gives with the
/// same rules on the command line; a bad selector is a 400 naming it.
#[test]
fn a_comparison_takes_the_rules_compare_takes() {
    let repo = sample_repo();
    let path = repo_path(&repo);
    let server = Server::start(&["--allow-repo", &path]);
    let answer = server.post(
        "/api/comparisons",
        &json!({"left": "implementation_1", "right": "implementation_2",
                "rules": {"ignore": [{"paths": ["spec.replicas"]}]}}),
    );
    assert_eq!(answer.status, 201, "{}", answer.text());
    let api = answer.json();
    let cli = repo.compare_json(&[
        "--no-save",
        "--no-config",
        "--repo",
        &path,
        "--ignore",
        "spec.replicas",
        "implementation_1",
        "implementation_2",
    ]);
    assert_eq!(api["summary"], cli["summary"]);
    assert_eq!(api["services"], cli["services"]);
    assert_eq!(api["summary"]["ignored"], 1);

    let bad = server.post(
        "/api/comparisons",
        &json!({"left": "implementation_1", "right": "implementation_2",
                "rules": {"ignore": [{"paths": ["spec..replicas"]}]}}),
    );
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(bad.error(400).contains("spec..replicas"), "{}", bad.text());
}

#[test]
fn a_comparison_reads_a_baseline_committed_in_the_repository() {
    let mut repo = sample_repo();
    let path = repo_path(&repo);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    repo.compare_json_into(&db, &["implementation_1", "implementation_2"]);
    let accepted = captured(repo.confdiff().args(["accept", "--db"]).arg(&db).args([
        "--service",
        "api-*",
        "--reason",
        "migrating",
    ]));
    assert_eq!(accepted.status.code(), Some(0), "{}", stderr(&accepted));
    let server = Server::start(&["--allow-repo", &path]);
    let body = json!({"left": "implementation_1", "right": "implementation_2",
                      "baseline": ".confdiff-baseline.json"});
    // Written in the work tree but not committed: nothing to read at HEAD.
    let uncommitted = server.post("/api/comparisons", &body);
    assert_eq!(uncommitted.status, 422, "{}", uncommitted.text());
    assert!(
        uncommitted
            .error(422)
            .contains("baseline file '.confdiff-baseline.json' is not in the repository at HEAD"),
        "{}",
        uncommitted.text()
    );
    repo.commit("accept the api services");
    let answer = server.post("/api/comparisons", &body);
    assert_eq!(answer.status, 201, "{}", answer.text());
    let api = answer.json();
    let cli = repo.compare_json(&[
        "--no-save",
        "--no-config",
        "--baseline",
        ".confdiff-baseline.json",
        "implementation_1",
        "implementation_2",
    ]);
    assert!(api["summary"]["accepted"].as_u64().unwrap() > 0, "{api}");
    assert_eq!(api["summary"], cli["summary"]);
    assert_eq!(api["services"], cli["services"]);
    assert_eq!(api["baseline"], "HEAD:.confdiff-baseline.json");
    let id = api["run_id"].as_i64().unwrap();
    let show = cli_stdout(&["show", &id.to_string(), "--format", "json"], &server.db);
    assert_eq!(answer.text(), String::from_utf8(show).unwrap());

    let absolute = server.post(
        "/api/comparisons",
        &json!({"left": "implementation_1", "right": "implementation_2",
                "baseline": "/etc/passwd"}),
    );
    assert_eq!(absolute.status, 400, "{}", absolute.text());
    assert!(absolute.error(400).contains("field `baseline`"));
    std::fs::write(
        repo.path().join("bad.json"),
        "{\"version\": 7, \"entries\": []}",
    )
    .unwrap();
    repo.commit("a bad baseline");
    let bad = server.post(
        "/api/comparisons",
        &json!({"left": "implementation_1", "right": "implementation_2",
                "baseline": "bad.json"}),
    );
    assert_eq!(bad.status, 422, "{}", bad.text());
    assert!(
        bad.error(422)
            .contains("baseline file 'HEAD:bad.json' is not valid: version 7"),
        "{}",
        bad.text()
    );
}

#[test]
fn while_serving_saved_runs_reach_the_database_file_itself_not_only_its_log() {
    let repo = sample_repo();
    let path = repo_path(&repo);
    let server = Server::start(&["--allow-repo", &path]);
    let body = json!({"left": "implementation_1", "right": "implementation_2"});
    for _ in 0..3 {
        assert_eq!(server.post("/api/comparisons", &body).status, 201);
    }
    // The saves only append to the log (`-wal`); the server's checkpoint
    // thread copies it into the file. A copy of the file alone, without its
    // log, holds the runs once that has happened.
    let copy = tempfile::tempdir().unwrap();
    let alone = copy.path().join("alone.db");
    // The same thread writes the runs' service rows, which a save leaves
    // pending: they are there too.
    let runs_in_file = || {
        std::fs::copy(&server.db, &alone).unwrap();
        let conn = rusqlite::Connection::open(&alone).unwrap();
        conn.query_row("SELECT count(DISTINCT run_id) FROM services", [], |row| {
            row.get::<_, i64>(0)
        })
        .unwrap_or(0)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while runs_in_file() < 3 {
        assert!(
            std::time::Instant::now() < deadline,
            "the runs never reached the database file while the server ran"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Every column of run `id`'s service and difference rows but the run id,
/// in order.
fn run_rows(db: &std::path::Path, id: i64) -> Vec<Vec<rusqlite::types::Value>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut rows = Vec::new();
    for sql in [
        "SELECT service, ordinal, status, left_blob, right_blob, error, error_kind
         FROM services WHERE run_id = ?1 ORDER BY ordinal",
        "SELECT service, ordinal, path, display_path, kind, left_value, left_type, left_line,
                right_value, right_type, right_line, key_types, ignored_by
         FROM differences WHERE run_id = ?1 ORDER BY service, ordinal",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let width = stmt.column_count();
        let mut found = stmt.query([id]).unwrap();
        while let Some(row) = found.next().unwrap() {
            rows.push((0..width).map(|i| row.get(i).unwrap()).collect());
        }
    }
    rows
}

fn pending_runs(db: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT count(*) FROM pending_rows", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn a_servers_runs_wait_whole_in_one_row_and_get_the_rows_a_direct_save_writes() {
    let mut repo = sample_repo();
    repo.write("implementation_1/broken/configuration.yml", "a: [\n")
        .write("implementation_2/broken/configuration.yml", "a: 1\n")
        .write(
            "implementation_1/shards/configuration.yml",
            "shards:\n  1: a\n  2: b\n",
        )
        .write(
            "implementation_2/shards/configuration.yml",
            "shards:\n  1: a\n  2: c\n",
        );
    repo.commit("an error and integer keys");
    let path = repo_path(&repo);
    let sides = ["implementation_1", "implementation_2"];
    let direct_dir = tempfile::tempdir().unwrap();
    let direct = direct_dir.path().join("direct.db");
    let mut args = vec!["--no-config", "--repo", &path, "--ignore", "spec.replicas"];
    args.extend(sides);
    let cli = repo.compare_json_into(&direct, &args);
    let cli_id = cli["run_id"].as_i64().unwrap();
    let expected = run_rows(&direct, cli_id);
    let statuses: std::collections::BTreeSet<String> = expected
        .iter()
        .filter(|row| row.len() == 7)
        .map(|row| format!("{:?}", row[2]))
        .collect();
    assert!(
        statuses.len() >= 4,
        "every kind of service row: {statuses:?}"
    );

    let body = json!({"left": sides[0], "right": sides[1],
                      "rules": {"ignore": [{"paths": ["spec.replicas"]}]}});
    let never = [("CONFDIFF_TEST_CHECKPOINT_EVERY_MS", "3600000")];
    let mut server = Server::start_with_env(&never, &["--allow-repo", &path]);
    let first = server.post("/api/comparisons", &body);
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(server.post("/api/comparisons", &body).status, 201);
    let id = first.json()["run_id"].as_i64().unwrap();

    // Saved as its run row and one pending document, nothing else yet;
    // shown from that document exactly as it was answered.
    assert_eq!(pending_runs(&server.db), 2);
    assert!(run_rows(&server.db, id).is_empty());
    let show =
        |db: &std::path::Path| cli_stdout(&["show", &id.to_string(), "--format", "json"], db);
    assert_eq!(show(&server.db), first.body);
    assert_eq!(server.get(&format!("/api/runs/{id}")).body, first.body);
    let mut api = first.json();
    api["run_id"] = cli["run_id"].clone();
    assert_eq!(api["services"], cli["services"]);

    // Killed before its thread ran: the runs are still whole, and the
    // next process to write to the database writes their rows.
    server.kill();
    assert_eq!(pending_runs(&server.db), 2);
    let db = server.db.clone();
    repo.compare_json_into(&db, &args);
    assert_eq!(pending_runs(&db), 0);
    assert_eq!(run_rows(&db, id), expected);
    assert_eq!(run_rows(&db, id + 1), expected);
    assert_eq!(show(&db), first.body);

    // A server stopped by SIGTERM writes them itself on its way out.
    let mut server = Server::start_with_env(&never, &["--allow-repo", &path]);
    let answer = server.post("/api/comparisons", &body);
    assert_eq!(answer.status, 201, "{}", answer.text());
    let id = answer.json()["run_id"].as_i64().unwrap();
    assert_eq!(pending_runs(&server.db), 1);
    assert_eq!(
        server.terminate(std::time::Duration::from_secs(30)),
        Some(0)
    );
    assert_eq!(pending_runs(&server.db), 0);
    assert_eq!(run_rows(&server.db, id), expected);
    assert_eq!(
        cli_stdout(&["show", &id.to_string(), "--format", "json"], &server.db),
        answer.body
    );
}
