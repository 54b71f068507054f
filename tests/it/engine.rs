//! The engine used as a library, the way a server or a history walk uses
//! it: built once, called from many threads, no binary involved.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use confdiff::{
    CompareRequest, Engine, EngineConfig, EngineError, Notice, Observer, RemoteAccess,
    RepositoryError, RepositorySource, Status, Store,
};

use crate::harness::sample_repo;

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
