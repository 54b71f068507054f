//! `--repo http://…` and `https://…` against `git http-backend` behind a
//! small Python server on 127.0.0.1 (https with a certificate authority
//! made for the test and trusted through `SSL_CERT_FILE`), with and
//! without Basic authentication, and the credentials never showing up
//! anywhere: not on stdout (JSON or human), not on stderr, not in any file
//! of the cache (the mirror's config included).

use crate::harness::remote::*;

const USER: &str = "alice";
const SECRET: &str = "s3cret-Pa55";

/// Asserts that `secret` appears in no output and no cached file.
fn assert_never_leaked(secret: &str, outputs: &[&std::process::Output], cache: &std::path::Path) {
    for output in outputs {
        assert!(
            !contains(&output.stdout, secret),
            "stdout leaks: {}",
            stdout(output)
        );
        assert!(
            !contains(&output.stderr, secret),
            "stderr leaks: {}",
            stderr(output)
        );
    }
    for (path, bytes) in all_files(cache) {
        assert!(
            !contains(&bytes, secret),
            "{} leaks the secret",
            path.display()
        );
    }
}

#[test]
fn clone_and_fetch_over_smart_http() {
    let mut upstream = Upstream::new();
    let server = HttpServer::start(&upstream.served(), None, None);
    let cache = tempfile::tempdir().unwrap();
    let url = server.url(None);

    let report = json(&captured(confdiff(cache.path()).args([
        "compare",
        "--format",
        "json",
        "--repo",
        &url,
        "v1.4.0:implementation_1",
        "release/2.1:implementation_2",
    ])));
    assert_eq!(report["repository"], url.as_str());
    assert_eq!(
        report["left"]["commit"],
        upstream.served_commit("main").as_str()
    );
    let mirror = mirror_path(cache.path(), &format!("127.0.0.1_{}", server.port));
    assert_eq!(git(&mirror, &["rev-parse", "--is-bare-repository"]), "true");

    upstream.write("implementation_1/svc-h/configuration.yml", "h: 1\n");
    let next = upstream.commit("add svc-h");
    upstream.push("main");
    let report = json(&captured(confdiff(cache.path()).args([
        "compare",
        "--format",
        "json",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ])));
    assert_eq!(report["left"]["commit"], next.as_str());
}

#[test]
fn credentials_in_the_url_are_used_over_https_and_never_shown_or_stored() {
    let upstream = Upstream::new();
    let certificates = TestCertificates::new();
    let server = HttpServer::start(
        &upstream.served(),
        Some(&format!("{USER}:{SECRET}")),
        Some(&certificates),
    );
    let cache = tempfile::tempdir().unwrap();
    // The run database sits in the cache folder, so the leak check below
    // reads its rows too.
    let database = cache.path().join("runs.db");
    let confdiff = |cache: &std::path::Path| {
        let mut command = confdiff(cache);
        command
            .env("SSL_CERT_FILE", certificates.ca())
            .env("CONFDIFF_DB", &database);
        command
    };
    let with_credentials = server.url(Some(&format!("{USER}:{SECRET}")));
    let shown = server.url(None);

    let json_run = captured(confdiff(cache.path()).args([
        "compare",
        "--format",
        "json",
        "--repo",
        &with_credentials,
        "implementation_1",
        "implementation_2",
    ]));
    let report = json(&json_run);
    assert_eq!(
        report["repository"],
        shown.as_str(),
        "the URL without user information"
    );
    let human_run = captured(confdiff(cache.path()).args([
        "compare",
        "--repo",
        &with_credentials,
        "implementation_1",
        "implementation_2",
    ]));
    assert_exit(&human_run, 0);
    let fetch_run = captured(confdiff(cache.path()).args(["fetch", &with_credentials]));
    assert_exit(&fetch_run, 0);
    assert!(
        stdout(&fetch_run).starts_with(&format!("fetched {shown} into ")),
        "{}",
        stdout(&fetch_run)
    );
    let list_run = captured(confdiff(cache.path()).args(["fetch", "--list"]));
    assert!(stdout(&list_run).contains(&shown), "{}", stdout(&list_run));

    let mirror = mirror_path(cache.path(), &format!("127.0.0.1_{}", server.port));
    assert_eq!(git(&mirror, &["config", "remote.origin.url"]), shown);

    // A wrong password: a clear failure that does not echo it either.
    let wrong = server.url(Some(&format!("{USER}:wrong-{SECRET}")));
    let fresh_cache = tempfile::tempdir().unwrap();
    let refused = captured(confdiff(fresh_cache.path()).args([
        "compare",
        "--repo",
        &wrong,
        "implementation_1",
        "implementation_2",
    ]));
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains(&format!("cannot clone '{shown}'")),
        "{}",
        stderr(&refused)
    );
    assert!(!mirror_path(fresh_cache.path(), &format!("127.0.0.1_{}", server.port)).exists());

    // The server is gone: the warning names the URL without credentials.
    drop(server);
    let fallback = captured(confdiff(cache.path()).args([
        "compare",
        "--repo",
        &with_credentials,
        "implementation_1",
        "implementation_2",
    ]));
    assert_exit(&fallback, 0);
    assert!(
        stderr(&fallback).contains(&format!("cannot fetch '{shown}'")),
        "{}",
        stderr(&fallback)
    );
    let strict = captured(confdiff(cache.path()).args([
        "compare",
        "--require-fresh",
        "--repo",
        &with_credentials,
        "a",
        "b",
    ]));
    assert_exit(&strict, 2);

    let saved: Vec<String> = {
        let db = rusqlite::Connection::open(&database).unwrap();
        let mut select = db.prepare("SELECT repository FROM runs").unwrap();
        select
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert_eq!(
        saved.len(),
        3,
        "the JSON, human and fallback runs are saved"
    );
    assert!(saved.iter().all(|url| *url == shown), "{saved:?}");

    let outputs = [
        &json_run, &human_run, &fetch_run, &list_run, &refused, &fallback, &strict,
    ];
    assert_never_leaked(SECRET, &outputs, cache.path());
    assert_never_leaked(SECRET, &outputs, fresh_cache.path());
    assert_never_leaked(&format!("{USER}:"), &outputs, cache.path());
}

#[test]
fn a_token_from_the_environment_authenticates_https_remotes() {
    let upstream = Upstream::new();
    let token = "tok-0123456789abcdef";
    let certificates = TestCertificates::new();
    let server = HttpServer::start(
        &upstream.served(),
        Some(&format!("x-access-token:{token}")),
        Some(&certificates),
    );
    let cache = tempfile::tempdir().unwrap();
    let url = server.url(None);
    let confdiff = |cache: &std::path::Path| {
        let mut command = confdiff(cache);
        command.env("SSL_CERT_FILE", certificates.ca());
        command
    };

    let denied = captured(confdiff(cache.path()).args([
        "compare",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ]));
    assert_exit(&denied, 2);
    assert!(
        stderr(&denied).contains(&format!("cannot clone '{url}'")),
        "{}",
        stderr(&denied)
    );

    let allowed = captured(confdiff(cache.path()).env("CONFDIFF_TOKEN", token).args([
        "compare",
        "--format",
        "json",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(json(&allowed)["repository"], url.as_str());
    assert_never_leaked(token, &[&denied, &allowed], cache.path());
}

#[test]
fn git_credential_mechanisms_answer_when_confdiff_has_no_credentials() {
    let upstream = Upstream::new();
    let certificates = TestCertificates::new();
    let server = HttpServer::start(
        &upstream.served(),
        Some(&format!("{USER}:{SECRET}")),
        Some(&certificates),
    );
    let cache = tempfile::tempdir().unwrap();
    let askpass = upstream.dir.path().join("askpass.sh");
    std::fs::write(
        &askpass,
        format!("#!/bin/sh\ncase \"$1\" in Username*) echo {USER} ;; *) echo {SECRET} ;; esac\n"),
    )
    .unwrap();
    std::fs::set_permissions(
        &askpass,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let url = server.url(None);

    let output = captured(
        confdiff(cache.path())
            .env("SSL_CERT_FILE", certificates.ca())
            .env("GIT_ASKPASS", &askpass)
            // gix disables every prompt, askpass included, with this set.
            .env_remove("GIT_TERMINAL_PROMPT")
            .args([
                "compare",
                "--format",
                "json",
                "--repo",
                &url,
                "implementation_1",
                "implementation_2",
            ]),
    );
    assert_eq!(json(&output)["repository"], url.as_str());
    assert_never_leaked(SECRET, &[&output], cache.path());
}

#[test]
fn an_untrusted_certificate_is_refused() {
    let upstream = Upstream::new();
    let certificates = TestCertificates::new();
    let server = HttpServer::start(&upstream.served(), None, Some(&certificates));
    let cache = tempfile::tempdir().unwrap();
    let url = server.url(None);
    let output = captured(
        confdiff(cache.path())
            .env("SSL_CERT_FILE", "/nonexistent/ca.pem")
            .args([
                "compare",
                "--repo",
                &url,
                "implementation_1",
                "implementation_2",
            ]),
    );
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains(&format!("cannot clone '{url}'")),
        "{}",
        stderr(&output)
    );
    // Trusted, it works.
    let output = captured(
        confdiff(cache.path())
            .env("SSL_CERT_FILE", certificates.ca())
            .args([
                "compare",
                "--format",
                "json",
                "--repo",
                &url,
                "implementation_1",
                "implementation_2",
            ]),
    );
    assert_eq!(json(&output)["repository"], url.as_str());
}

#[test]
fn credentials_are_not_sent_in_clear_text_over_http() {
    let upstream = Upstream::new();
    let server = HttpServer::start(&upstream.served(), Some(&format!("{USER}:{SECRET}")), None);
    let cache = tempfile::tempdir().unwrap();
    let output = captured(confdiff(cache.path()).args([
        "compare",
        "--repo",
        &server.url(Some(&format!("{USER}:{SECRET}"))),
        "implementation_1",
        "implementation_2",
    ]));
    assert_exit(&output, 2);
    let message = stderr(&output);
    assert!(
        message.contains(&format!("cannot clone '{}'", server.url(None))),
        "{message}"
    );
    assert!(message.contains("clear text"), "{message}");
    assert_never_leaked(SECRET, &[&output], cache.path());
}
