//! A remote that refuses says why in the server's own words, on one line
//! with exit 2, and a failed first clone leaves nothing in the cache.
//! Before: an http error page was reduced to its status and the request
//! URL, a server that hung up was "failed to fill whole buffer", a SHA-256
//! remote was "A hash sized 64 hexadecimal characters is invalid", and the
//! lock file and the folders made for it stayed in the cache.
//! Every server runs on 127.0.0.1, started and stopped by the test.

use std::path::Path;

use crate::harness::remote::*;

/// `confdiff compare --repo URL`, expected to fail before comparing.
/// Returns its one line of stderr, after checking exit 2 and no stdout.
fn refused(cache: &Path, url: &str) -> String {
    let output = captured(confdiff(cache).args([
        "compare",
        "--repo",
        url,
        "implementation_1",
        "implementation_2",
    ]));
    assert_exit(&output, 2);
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 1, "one line: {message}");
    message.trim_end().to_owned()
}

fn text(status: &'static str, body: &str) -> Refusal {
    Refusal::Http {
        status,
        content_type: "text/plain; charset=utf-8",
        body: body.as_bytes().to_vec(),
    }
}

#[test]
fn an_http_error_page_is_shown_with_its_status() {
    let cases = [
        (
            text(
                "500 Internal Server Error",
                "internal error: the database is down\n",
            ),
            "the server answered HTTP 500 (Internal Server Error): internal error: the database is down",
        ),
        (
            text(
                "403 Forbidden",
                "access denied: you are not a member of acme\n",
            ),
            "the server answered HTTP 403 (Forbidden): access denied: you are not a member of acme",
        ),
        (
            text("404 Not Found", "Repository not found.\n"),
            "the server answered HTTP 404 (Not Found): Repository not found.",
        ),
        // An HTML page is not words for a terminal: the status alone.
        (
            Refusal::Http {
                status: "502 Bad Gateway",
                content_type: "text/html",
                body: b"<html><body><h1>502</h1></body></html>".to_vec(),
            },
            "the server answered HTTP 502 (Bad Gateway)",
        ),
    ];
    for (refusal, reason) in cases {
        let server = RefusingServer::start(refusal);
        let cache = tempfile::tempdir().unwrap();
        let url = server.url("http");
        assert_eq!(
            refused(cache.path(), &url),
            format!("confdiff: cannot clone '{url}': {reason}")
        );
        assert_eq!(tree(cache.path()), Vec::<String>::new(), "{url}");
    }
}

#[test]
fn an_err_line_from_an_http_git_server_is_shown() {
    let line = b"ERR repository disabled by the administrator\n";
    let mut body = format!("{:04x}", line.len() + 4).into_bytes();
    body.extend_from_slice(line);
    let server = RefusingServer::start(Refusal::Http {
        status: "200 OK",
        content_type: "application/x-git-upload-pack-advertisement",
        body,
    });
    let cache = tempfile::tempdir().unwrap();
    let url = server.url("http");
    assert_eq!(
        refused(cache.path(), &url),
        format!(
            "confdiff: cannot clone '{url}': the server answered: repository disabled by the administrator"
        )
    );
}

#[test]
fn a_server_that_hangs_up_is_named_not_a_buffer() {
    let server = RefusingServer::start(Refusal::HangUp);
    let cache = tempfile::tempdir().unwrap();
    let url = server.url("git");
    assert_eq!(
        refused(cache.path(), &url),
        format!(
            "confdiff: cannot clone '{url}': the server closed the connection without answering"
        )
    );
    assert!(server.requests.load(std::sync::atomic::Ordering::Relaxed) >= 1);
    assert_eq!(tree(cache.path()), Vec::<String>::new());
}

#[test]
fn git_servers_without_the_repository_say_so() {
    let upstream = Upstream::new();
    let daemon = GitDaemon::start(&upstream.served());
    let http = HttpServer::start(&upstream.served(), None, None);
    let cache = tempfile::tempdir().unwrap();

    let missing = format!("git://127.0.0.1:{}/missing.git", daemon.port);
    assert_eq!(
        refused(cache.path(), &missing),
        format!("confdiff: cannot clone '{missing}': no such repository: /missing.git")
    );
    // git http-backend answers 404 with an empty body.
    let missing = format!("http://127.0.0.1:{}/missing.git", http.port);
    assert_eq!(
        refused(cache.path(), &missing),
        format!(
            "confdiff: cannot clone '{missing}': the server answered HTTP 404 (Not Found): no repository at that URL"
        )
    );
    let dir = tempfile::tempdir().unwrap();
    let nowhere = format!("file://{}/nowhere.git", dir.path().display());
    assert_eq!(
        refused(cache.path(), &nowhere),
        format!(
            "confdiff: cannot clone '{nowhere}': '{}/nowhere.git' does not exist",
            dir.path().display()
        )
    );
    let not_a_repository = format!("file://{}", dir.path().display());
    assert_eq!(
        refused(cache.path(), &not_a_repository),
        format!(
            "confdiff: cannot clone '{not_a_repository}': '{}' is not a git repository",
            dir.path().display()
        )
    );
    assert_eq!(tree(cache.path()), Vec::<String>::new());
}

#[test]
fn a_sha256_remote_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir_all(work.join("implementation_1/svc")).unwrap();
    git(
        &work,
        &["init", "-q", "--object-format=sha256", "-b", "main"],
    );
    std::fs::write(
        work.join("implementation_1/svc/configuration.yml"),
        "a: 1\n",
    )
    .unwrap();
    git(&work, &["add", "--all"]);
    git(&work, &["commit", "-q", "-m", "first"]);
    let served = dir.path().join("served");
    std::fs::create_dir(&served).unwrap();
    git(
        &served,
        &[
            "clone",
            "-q",
            "--bare",
            work.to_str().unwrap(),
            "platform.git",
        ],
    );
    let daemon = GitDaemon::start(&served);
    let cache = tempfile::tempdir().unwrap();
    let reason = "SHA-256 repositories are not supported (the remote stores SHA-256 object ids)";
    for url in [
        daemon.url(),
        format!("file://{}", served.join("platform.git").display()),
    ] {
        assert_eq!(
            refused(cache.path(), &url),
            format!("confdiff: cannot clone '{url}': {reason}")
        );
    }
    assert_eq!(tree(cache.path()), Vec::<String>::new());
}

#[test]
fn a_failed_first_clone_beside_a_mirror_leaves_the_mirror_and_nothing_else() {
    let upstream = Upstream::new();
    let daemon = GitDaemon::start(&upstream.served());
    let cache = tempfile::tempdir().unwrap();
    let host = format!("repos/127.0.0.1_{}", daemon.port);
    let fetched = captured(confdiff(cache.path()).args(["fetch", &daemon.url()]));
    assert_exit(&fetched, 0);
    let before = tree(cache.path());
    assert!(
        before.contains(&format!("{host}/platform.git.lock")),
        "{before:?}"
    );

    // Another repository on the same host, and one in a folder of its own.
    for path in ["missing.git", "acme/missing.git"] {
        let url = format!("git://127.0.0.1:{}/{path}", daemon.port);
        refused(cache.path(), &url);
        assert_eq!(tree(cache.path()), before, "after {url}");
    }
    // Nobody listens.
    refused(cache.path(), "git://127.0.0.1:9/platform.git");
    assert_eq!(tree(cache.path()), before);
    // The mirror still works.
    let report = json(&captured(confdiff(cache.path()).args([
        "compare",
        "--offline",
        "--format",
        "json",
        "--repo",
        &daemon.url(),
        "implementation_1",
        "implementation_2",
    ])));
    assert_eq!(report["repository"], daemon.url().as_str());
}
