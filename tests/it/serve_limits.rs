//! `confdiff serve` under load: concurrent comparisons, the bounded
//! queue, and SIGTERM while comparisons run.

use std::time::Duration;

use serde_json::json;

use crate::harness::serve::{Server, large_repo};
use crate::harness::{captured, confdiff, sample_repo};

fn saved_runs(db: &std::path::Path) -> serde_json::Value {
    let output = captured(
        confdiff()
            .args(["runs", "--format", "json", "--limit", "0", "--db"])
            .arg(db),
    );
    assert_eq!(output.status.code(), Some(0));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn fifty_concurrent_comparisons_give_fifty_distinct_saved_runs() {
    let repo = sample_repo();
    let path = repo.path().canonicalize().unwrap().display().to_string();
    let server = Server::start(&["--allow-repo", &path, "--max-queue", "64"]);
    let ids: Vec<i64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..50)
            .map(|_| {
                scope.spawn(|| {
                    let answer = server.post(
                        "/api/comparisons",
                        &json!({"left": "implementation_1", "right": "implementation_2"}),
                    );
                    assert_eq!(answer.status, 201, "{}", answer.text());
                    answer.json()["run_id"].as_i64().unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 50, "{ids:?}");
    let runs = saved_runs(&server.db);
    assert_eq!(runs["total"], json!(50));
}

#[test]
fn beyond_the_queue_the_server_answers_503_with_retry_after() {
    let repo = large_repo(500, 60);
    let path = repo.path().canonicalize().unwrap().display().to_string();
    let server = Server::start(&[
        "--allow-repo",
        &path,
        "--max-concurrent",
        "1",
        "--max-queue",
        "0",
        "--sync-timeout",
        "0",
    ]);
    let body = json!({"left": "implementation_1", "right": "implementation_2"});
    let first = server.post("/api/comparisons", &body);
    assert_eq!(first.status, 202, "{}", first.text());
    let second = server.post("/api/comparisons", &body);
    let message = second.error(503);
    assert!(message.contains("busy"), "{message}");
    let retry: u64 = second.header("retry-after").unwrap().parse().unwrap();
    assert!(retry >= 1);
    // While it runs, nothing of it is listed or shown.
    assert_eq!(
        server.get(&first.header("location").unwrap()).json()["status"],
        "running"
    );
    assert_eq!(server.get("/api/runs").json()["total"], json!(0));
    let show = captured(confdiff().args(["show", "--db"]).arg(&server.db));
    assert_eq!(show.status.code(), Some(2));
    assert!(crate::harness::stderr(&show).contains("no run is saved"));
    let done = server.until_done(&first.header("location").unwrap());
    assert_eq!(done.status, 200, "{}", done.text());
    // The slot is free again.
    let third = server.post("/api/comparisons", &body);
    assert_eq!(third.status, 202, "{}", third.text());
}

#[test]
fn sigterm_lets_running_comparisons_finish_and_exits_0() {
    let repo = large_repo(500, 60);
    let path = repo.path().canonicalize().unwrap().display().to_string();
    let mut server = Server::start(&[
        "--allow-repo",
        &path,
        "--max-concurrent",
        "2",
        "--sync-timeout",
        "0",
        "--shutdown-grace",
        "120",
    ]);
    let body = json!({"left": "implementation_1", "right": "implementation_2"});
    let mut pending = Vec::new();
    for _ in 0..2 {
        let answer = server.post("/api/comparisons", &body);
        assert_eq!(answer.status, 202);
        pending.push(answer.header("location").unwrap());
    }
    // The signal comes while the comparisons run.
    for url in &pending {
        assert_eq!(server.get(url).json()["status"], "running", "{url}");
    }
    let code = server.terminate(Duration::from_secs(150));
    assert_eq!(code, Some(0), "{}", server.log());
    let runs = saved_runs(&server.db);
    assert_eq!(runs["total"], json!(2), "{}", server.log());
    for run in runs["runs"].as_array().unwrap() {
        let id = run["id"].to_string();
        let show = captured(
            confdiff()
                .args(["show", &id, "--format", "json", "--db"])
                .arg(&server.db),
        );
        assert_eq!(show.status.code(), Some(0));
        let report: serde_json::Value = serde_json::from_slice(&show.stdout).unwrap();
        assert_eq!(report["summary"]["services"], json!(500));
    }
}
