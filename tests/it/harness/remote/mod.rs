//! Shared by the remote-repository tests, on top of the harness in
//! `tests/common`: a served bare repository built with the git CLI, the
//! servers that serve it on 127.0.0.1 (git daemon,
//! git http-backend behind a small Python server, a proxy that can stall),
//! and the confdiff binary with a private cache and a clean environment.
//! Every server is started by the test and stopped when dropped.
#![allow(dead_code)]

mod servers;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::TestRepo;
pub use super::{assert_exit, captured, git, stderr, stdout};

#[allow(unused_imports)] // each test file uses some of them
pub use servers::{
    GitDaemon, HttpServer, Refusal, RefusingServer, StallingProxy, TestCertificates,
};

/// A work repository (the harness's [`TestRepo`]) and the bare repository
/// it pushes to, which the servers serve as `platform.git` from `served/`.
pub struct Upstream {
    work: TestRepo,
    /// Holds `served/` and anything else a test needs beside it.
    pub dir: tempfile::TempDir,
}

impl Upstream {
    /// Two implementations of a few services, a tag `v1.4.0` and a branch
    /// `release/2.1`, pushed to `served/platform.git`.
    ///
    /// svc-a is the same file on both sides (identical without parsing),
    /// svc-b only in implementation_1, svc-c only in implementation_2.
    pub fn new() -> Self {
        let mut upstream = Upstream {
            work: TestRepo::new(),
            dir: tempfile::tempdir().unwrap(),
        };
        upstream.write("implementation_1/svc-a/configuration.yml", "replicas: 3\n");
        upstream.write("implementation_1/svc-b/configuration.yml", "port: 80\n");
        upstream.write("implementation_2/svc-a/configuration.yml", "replicas: 3\n");
        upstream.write("implementation_2/svc-c/configuration.yml", "port: 8080\n");
        upstream.commit("first");
        upstream.work.tag("v1.4.0");
        upstream.work.git(&["branch", "release/2.1"]);
        std::fs::create_dir_all(upstream.served()).unwrap();
        let work = upstream.work().display().to_string();
        git(
            &upstream.served(),
            &["clone", "-q", "--bare", &work, "platform.git"],
        );
        upstream
    }

    /// The folder the servers serve.
    pub fn served(&self) -> PathBuf {
        self.dir.path().join("served")
    }

    /// The served bare repository.
    pub fn bare(&self) -> PathBuf {
        self.served().join("platform.git")
    }

    /// The work tree commits are made in.
    pub fn work(&self) -> PathBuf {
        self.work.path().to_path_buf()
    }

    /// Writes a file in the work tree.
    pub fn write(&self, path: &str, text: &str) {
        self.work.write(path, text);
    }

    /// Commits everything in the work repository; returns the commit id.
    pub fn commit(&mut self, message: &str) -> String {
        self.work.commit(message)
    }

    /// Pushes `refspec` to the served repository.
    pub fn push(&self, refspec: &str) {
        git(
            &self.work(),
            &[
                "push",
                "-q",
                "--force",
                self.bare().to_str().unwrap(),
                refspec,
            ],
        );
    }

    /// The commit `rev` names in the served repository.
    pub fn served_commit(&self, rev: &str) -> String {
        git(&self.bare(), &["rev-parse", rev])
    }

    /// `git show-ref` of the served repository, as (name, id) lines.
    pub fn served_refs(&self) -> String {
        git(&self.bare(), &["show-ref"])
    }
}

/// confdiff (the harness's [`confdiff`](super::confdiff)) with `cache` as
/// its cache of mirrors.
pub fn confdiff(cache: &Path) -> Command {
    let mut command = super::confdiff();
    command.env("CONFDIFF_CACHE", cache);
    command
}

/// `confdiff compare --format json --repo URL EXTRA LEFT RIGHT` with
/// `cache` as the cache; its output, for the caller to check.
pub fn compare_json(cache: &Path, url: &str, extra: &[&str], left: &str, right: &str) -> Output {
    captured(
        confdiff(cache)
            .args(["compare", "--format", "json", "--repo", url])
            .args(extra)
            .args([left, right]),
    )
}

/// The JSON report of a successful `confdiff compare --format json`.
pub fn json(output: &Output) -> serde_json::Value {
    assert_exit(output, 0);
    serde_json::from_slice(&output.stdout).expect("stdout is one JSON document")
}

/// The service names and statuses of a JSON report.
pub fn statuses(report: &serde_json::Value) -> Vec<(String, String)> {
    report["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["service"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Where the mirror of a URL with `host_dir` (e.g. `127.0.0.1_9418`) lives.
pub fn mirror_path(cache: &Path, host_dir: &str) -> PathBuf {
    cache.join("repos").join(host_dir).join("platform.git")
}

/// Every file under `dir`, with its bytes, for looking for leaked secrets.
pub fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                files.push((path, bytes));
            }
        }
    }
    files
}

/// Whether `haystack` contains `needle`.
pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// Every file and folder under `dir`, relative to it, sorted: what a test
/// expects to be empty after a failed first clone.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut entries = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in read.flatten() {
            let path = entry.path();
            entries.push(path.strip_prefix(dir).unwrap().display().to_string());
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            }
        }
    }
    entries.sort();
    entries
}
