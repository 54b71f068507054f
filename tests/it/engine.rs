//! The engine used as a library, the way a server or a history walk uses
//! it: built once, called from many threads, no binary involved.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use confdiff::{
    CompareRequest, Engine, EngineConfig, EngineError, Notice, Observer, RemoteAccess,
    RepositoryError, RepositorySource, Status, Store,
};

use crate::harness::{TestRepo, sample_repo};

/// Keeps every notice, to check none reach the terminal on their own.
#[derive(Default)]
struct Recorder(Mutex<Vec<String>>);

impl Observer for Recorder {
    fn notice(&self, notice: &Notice<'_>) {
        self.0.lock().unwrap().push(notice.to_string());
    }
}

fn request(repo: &std::path::Path, left: &str, right: &str) -> CompareRequest {
    CompareRequest {
        repository: RepositorySource::Given {
            location: repo.display().to_string(),
            access: RemoteAccess::default(),
        },
        ..CompareRequest::new(left, right)
    }
}

#[test]
fn one_engine_serves_concurrent_requests_and_saves_each_run() {
    let repo = sample_repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let observer = Arc::new(Recorder::default());
    let engine = Engine::new(EngineConfig {
        jobs: NonZeroUsize::new(2),
        store: Some(Store::open(&db).unwrap()),
        observer: observer.clone(),
        remember_recent: true,
    })
    .unwrap();
    let request = request(repo.path(), "implementation_1", "implementation_2");

    let reports: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| scope.spawn(|| engine.run_comparison(&request).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut ids: Vec<i64> = reports.iter().map(|c| c.report.run_id.unwrap()).collect();
    ids.sort();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6], "six distinct saved runs");
    for comparison in &reports {
        assert!(comparison.save_error.is_none());
        let loaded = engine.load_run(comparison.report.run_id.unwrap()).unwrap();
        assert_eq!(loaded, comparison.report, "a saved run reads back whole");
        assert_eq!(loaded.summary().services, 12);
    }
    let (runs, total) = engine.list_runs(Some(2)).unwrap();
    assert_eq!((runs.len(), total), (2, 6));
    assert_eq!(engine.newest_run().unwrap(), Some(6));
    assert!(observer.0.lock().unwrap().is_empty());
}

#[test]
fn requests_fail_with_typed_errors_naming_what_is_wrong() {
    let repo = sample_repo();
    let engine = Engine::new(EngineConfig::default()).unwrap();
    let error = engine
        .run_comparison(&request(
            repo.path(),
            "no-such-rev:implementation_1",
            "implementation_2",
        ))
        .unwrap_err();
    assert!(
        matches!(&error, EngineError::Repository(RepositoryError::UnknownRevision { rev, .. }) if rev == "no-such-rev"),
        "{error:?}"
    );
    let error = engine
        .run_comparison(&request(repo.path(), "implementation_1", "missing"))
        .unwrap_err();
    assert!(
        error.to_string().contains("directory 'missing' not found"),
        "{error}"
    );
    assert!(matches!(engine.load_run(1), Err(EngineError::NoStore)));

    let report = engine
        .run_comparison(&request(
            repo.path(),
            "implementation_1",
            "implementation_1",
        ))
        .unwrap()
        .report;
    assert!(report.run_id.is_none(), "no database, nothing saved");
    assert!(report.services.iter().all(|s| s.outcome.status() == Status::Identical || s.outcome.status() == Status::Error));
}

#[test]
fn an_engine_that_keeps_what_it_read_still_sees_new_commits_and_a_repository_replaced() {
    let mut repo = TestRepo::new();
    repo.write("a/billing/configuration.yml", "replicas: 3\n")
        .write("b/billing/configuration.yml", "replicas: 5\n");
    repo.commit("start");
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::new(EngineConfig {
        store: Some(Store::open(&dir.path().join("runs.db")).unwrap()),
        remember_recent: true,
        ..EngineConfig::default()
    })
    .unwrap();
    let path = repo.path().to_path_buf();
    let compare = |engine: &Engine| engine.run_comparison(&request(&path, "a", "b"));
    let first = compare(&engine).unwrap();
    assert_eq!(first.pairs_compared, 1);
    let again = compare(&engine).unwrap();
    assert_eq!((again.pairs_compared, again.pairs_reused), (0, 1));
    assert_eq!(again.report.services, first.report.services);

    // A new commit, and a new service: the repository kept open sees both.
    repo.write("b/billing/configuration.yml", "replicas: 7\n")
        .write("a/orders/configuration.yml", "queue: q\n");
    let head = repo.commit("more");
    let newer = compare(&engine).unwrap();
    assert_eq!(newer.report.left.commit, head);
    assert_eq!(newer.report.services.len(), 2);
    let billing = &newer.report.services[0];
    assert_eq!(
        billing.outcome.differences().unwrap()[0]
            .right
            .as_ref()
            .unwrap()
            .json
            .get(),
        "7"
    );

    // The folder removed: a first open's error. Made again with other
    // content: that content.
    std::fs::remove_dir_all(repo.path()).unwrap();
    let error = compare(&engine).unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
    std::fs::create_dir_all(repo.path()).unwrap();
    repo.git(&["init", "--quiet", "--initial-branch=main"]);
    repo.write("a/web/configuration.yml", "port: 80\n")
        .write("b/web/configuration.yml", "port: 81\n");
    repo.commit("another repository at the same path");
    let replaced = compare(&engine).unwrap();
    assert_eq!(replaced.report.services.len(), 1);
    assert_eq!(replaced.report.services[0].service, "web");
}
