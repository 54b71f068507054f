//! `--repo git://…` against a real `git daemon` on 127.0.0.1: the first use
//! clones a bare mirror, later uses fetch into it, and when the daemon is
//! gone the mirror still answers (`--offline`, the unreachable-remote
//! fallback), unless `--require-fresh`.

use crate::harness::remote::*;

#[test]
fn clone_compare_fetch_then_work_offline_and_through_an_outage() {
    let mut upstream = Upstream::new();
    let mut daemon = GitDaemon::start(&upstream.served());
    let cache = tempfile::tempdir().unwrap();
    let url = daemon.url();
    let mirror = mirror_path(cache.path(), &format!("127.0.0.1_{}", daemon.port));

    // First use: clone, then compare.
    let output = compare_json(
        cache.path(),
        &url,
        &[],
        "implementation_1",
        "implementation_2",
    );
    let report = json(&output);
    assert_eq!(
        report["repository"],
        url.as_str(),
        "the URL, not the cache path"
    );
    assert_eq!(
        report["left"]["commit"],
        upstream.served_commit("main").as_str()
    );
    assert_eq!(
        statuses(&report),
        [
            ("svc-a".to_owned(), "identical".to_owned()),
            ("svc-b".to_owned(), "missing_right".to_owned()),
            ("svc-c".to_owned(), "missing_left".to_owned()),
        ]
    );
    assert_eq!(
        stderr(&output),
        "",
        "no progress when stderr is not a terminal"
    );

    // A bare mirror, no working tree.
    assert_eq!(git(&mirror, &["rev-parse", "--is-bare-repository"]), "true");
    assert!(!mirror.join("implementation_1").exists());
    assert_eq!(git(&mirror, &["config", "remote.origin.url"]), url);

    // Revision names from the remote resolve as they do there.
    let first = upstream.served_commit("main");
    for rev in ["v1.4.0", "release/2.1", "origin/main", "main", &first[..10]] {
        let report = json(&compare_json(
            cache.path(),
            &url,
            &[],
            &format!("{rev}:implementation_1"),
            "main:implementation_1",
        ));
        assert_eq!(report["left"]["commit"], first.as_str(), "{rev}");
    }

    // Upstream moves on: a new commit on main, a deleted branch.
    upstream.write("implementation_2/svc-d/configuration.yml", "debug: true\n");
    upstream.write("implementation_2/svc-a/configuration.yml", "replicas: 5\n");
    let second = upstream.commit("add svc-d, scale svc-a");
    upstream.push("main");
    upstream.push(":release/2.1");
    let report = json(&compare_json(
        cache.path(),
        &url,
        &[],
        "implementation_1",
        "implementation_2",
    ));
    assert_eq!(
        report["right"]["commit"],
        second.as_str(),
        "fetched before comparing"
    );
    assert!(statuses(&report).contains(&("svc-d".to_owned(), "missing_left".to_owned())));
    let svc_a = &report["services"][0];
    assert_eq!(svc_a["status"], "different");
    assert_eq!(
        svc_a["differences"][0]["path"],
        serde_json::json!(["replicas"])
    );
    assert_eq!(svc_a["differences"][0]["left"], 3);
    assert_eq!(svc_a["differences"][0]["right"], 5);
    let report = json(&compare_json(
        cache.path(),
        &url,
        &[],
        "v1.4.0:implementation_2",
        "origin/main:implementation_2",
    ));
    assert_eq!(report["left"]["commit"], first.as_str());
    assert_eq!(report["right"]["commit"], second.as_str());

    // The deleted branch is pruned from the mirror.
    let output = compare_json(
        cache.path(),
        &url,
        &[],
        "release/2.1:implementation_1",
        "main:implementation_1",
    );
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("unknown revision 'release/2.1'"),
        "{}",
        stderr(&output)
    );

    // The daemon goes away.
    daemon.stop();

    // --offline and CONFDIFF_OFFLINE=1: no network, no warning.
    let offline = compare_json(
        cache.path(),
        &url,
        &["--offline"],
        "v1.4.0:implementation_1",
        "main:implementation_1",
    );
    let report = json(&offline);
    assert_eq!(report["right"]["commit"], second.as_str());
    assert_eq!(stderr(&offline), "");
    let from_env = captured(confdiff(cache.path()).env("CONFDIFF_OFFLINE", "1").args([
        "compare",
        "--format",
        "json",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(json(&from_env)["right"]["commit"], second.as_str());
    assert_eq!(stderr(&from_env), "");

    // Unreachable: a warning with the last fetch time, then the mirror.
    let fallback = compare_json(
        cache.path(),
        &url,
        &[],
        "implementation_1",
        "implementation_2",
    );
    let report = json(&fallback);
    assert_eq!(report["right"]["commit"], second.as_str());
    let warning = stderr(&fallback);
    assert!(
        warning.starts_with(&format!("confdiff: warning: cannot fetch '{url}'")),
        "{warning}"
    );
    assert!(warning.contains("last fetched: 2"), "{warning}");
    assert!(warning.contains(" UTC, "), "{warning}");

    // --require-fresh: exit 2, nothing on stdout.
    let fresh = compare_json(
        cache.path(),
        &url,
        &["--require-fresh"],
        "implementation_1",
        "implementation_2",
    );
    assert_exit(&fresh, 2);
    assert_eq!(stdout(&fresh), "");
    assert!(
        stderr(&fresh).contains(&format!("cannot fetch '{url}'")),
        "{}",
        stderr(&fresh)
    );

    // The human output works from the mirror too.
    let human = captured(confdiff(cache.path()).args([
        "compare",
        "--offline",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ]));
    assert_exit(&human, 0);
    assert!(stdout(&human).contains("svc-d"), "{}", stdout(&human));
}

#[test]
fn offline_without_a_mirror_fails_naming_the_url_and_the_way_out() {
    let cache = tempfile::tempdir().unwrap();
    let url = "git://127.0.0.1:9/platform.git";
    let output = compare_json(
        cache.path(),
        url,
        &["--offline"],
        "implementation_1",
        "implementation_2",
    );
    assert_exit(&output, 2);
    assert_eq!(stdout(&output), "");
    let message = stderr(&output);
    assert!(
        message.contains(&format!("no mirror of '{url}'")),
        "{message}"
    );
    assert!(
        message.contains(&format!("confdiff fetch {url}")),
        "{message}"
    );
    assert!(
        !cache.path().join("repos").exists(),
        "--offline creates nothing"
    );
}

#[test]
fn fetch_ahead_carry_the_cache_and_compare_air_gapped() {
    let upstream = Upstream::new();
    let mut daemon = GitDaemon::start(&upstream.served());
    let connected = tempfile::tempdir().unwrap();
    let url = daemon.url();

    let output = captured(confdiff(connected.path()).args(["fetch", &url]));
    assert_exit(&output, 0);
    assert!(
        stdout(&output).starts_with(&format!("cloned {url} into ")),
        "{}",
        stdout(&output)
    );
    let output = captured(confdiff(connected.path()).args(["fetch", &url]));
    assert_exit(&output, 0);
    assert!(
        stdout(&output).starts_with(&format!("fetched {url} into ")),
        "{}",
        stdout(&output)
    );

    let listing = captured(confdiff(connected.path()).args(["fetch", "--list"]));
    assert_exit(&listing, 0);
    let lines: Vec<String> = stdout(&listing).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with("URL") && lines[0].contains("SIZE") && lines[0].contains("LAST FETCH")
    );
    assert!(lines[1].starts_with(&url), "{}", lines[1]);
    assert!(
        lines[1].contains("KiB") && lines[1].contains("UTC, just now"),
        "{}",
        lines[1]
    );

    // Carry the cache folder to a machine without the network.
    daemon.stop();
    let air_gapped = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(connected.path().join("repos"))
        .arg(air_gapped.path())
        .status()
        .unwrap();
    assert!(status.success());
    let report = json(&captured(confdiff(air_gapped.path()).args([
        "compare",
        "--offline",
        "--format",
        "json",
        "--repo",
        &url,
        "v1.4.0:implementation_1",
        "main:implementation_1",
    ])));
    assert_eq!(report["repository"], url.as_str());
    assert_eq!(
        report["left"]["commit"],
        upstream.served_commit("main").as_str()
    );

    // `confdiff fetch` needs the network: exit 2 when it cannot update.
    let output = captured(confdiff(air_gapped.path()).args(["fetch", &url]));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains(&format!("cannot fetch '{url}'")),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_empty_cache_lists_nothing_on_stdout() {
    let cache = tempfile::tempdir().unwrap();
    let output = captured(confdiff(cache.path()).args(["fetch", "--list"]));
    assert_exit(&output, 0);
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("no mirrors"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_failed_first_clone_leaves_nothing_behind() {
    let upstream = Upstream::new();
    let daemon = GitDaemon::start(&upstream.served());
    let cache = tempfile::tempdir().unwrap();
    let host_dir = cache
        .path()
        .join("repos")
        .join(format!("127.0.0.1_{}", daemon.port));

    // The server answers, but has no such repository.
    let missing = format!("git://127.0.0.1:{}/missing.git", daemon.port);
    let output = compare_json(
        cache.path(),
        &missing,
        &[],
        "implementation_1",
        "implementation_2",
    );
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains(&format!("cannot clone '{missing}'")),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("no such repository: /missing.git"),
        "the server's own words: {}",
        stderr(&output)
    );
    assert!(!host_dir.exists(), "no lock file, no folder left");
    assert_eq!(tree(cache.path()), Vec::<String>::new());

    // Nobody listens.
    let refused = "git://127.0.0.1:9/platform.git";
    let output = captured(confdiff(cache.path()).args(["fetch", refused]));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains(&format!("cannot clone '{refused}'")),
        "{}",
        stderr(&output)
    );
    assert!(!mirror_path(cache.path(), "127.0.0.1_9").exists());
    assert_eq!(tree(cache.path()), Vec::<String>::new());
    assert!(stderr(&output).contains("1 of 1 repositories could not be fetched"));
}

#[test]
fn concurrent_fetches_of_one_mirror_wait_for_each_other() {
    let mut upstream = Upstream::new();
    let daemon = GitDaemon::start(&upstream.served());
    let cache = tempfile::tempdir().unwrap();
    let url = daemon.url();
    let mirror = mirror_path(cache.path(), &format!("127.0.0.1_{}", daemon.port));

    let race = |round: &str| {
        let children: Vec<_> = (0..4)
            .map(|_| {
                confdiff(cache.path())
                    .args(["fetch", &url])
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert_exit(&output, 0);
            assert!(
                stdout(&output).contains(&url),
                "{round}: {}",
                stdout(&output)
            );
        }
        git(&mirror, &["fsck", "--full", "--strict"]);
    };

    // Four first clones at once: one clones, the others wait, then fetch.
    race("first clone");
    assert_eq!(
        git(&mirror, &["rev-parse", "main"]),
        upstream.served_commit("main")
    );

    upstream.write("implementation_1/svc-e/configuration.yml", "x: 1\n");
    let next = upstream.commit("add svc-e");
    upstream.push("main");
    race("fetch");
    assert_eq!(git(&mirror, &["rev-parse", "main"]), next);
    assert_eq!(
        git(&mirror, &["show-ref", "--heads", "--tags"]),
        upstream.served_refs()
    );
}

#[test]
fn the_mirror_follows_the_default_branch_and_force_pushes() {
    let mut upstream = Upstream::new();
    let daemon = GitDaemon::start(&upstream.served());
    let cache = tempfile::tempdir().unwrap();
    let url = daemon.url();
    let commit_of = |left: &str| -> String {
        let report = json(&compare_json(
            cache.path(),
            &url,
            &[],
            left,
            "main:implementation_2",
        ));
        report["left"]["commit"].as_str().unwrap().to_owned()
    };
    let first = upstream.served_commit("main");
    assert_eq!(
        commit_of("implementation_1"),
        first,
        "HEAD is the remote's default branch"
    );

    // The remote switches its default branch to a new one.
    git(&upstream.work(), &["checkout", "-q", "-b", "trunk"]);
    upstream.write("implementation_1/svc-t/configuration.yml", "t: 1\n");
    let trunk = upstream.commit("trunk");
    upstream.push("trunk");
    git(
        &upstream.bare(),
        &["symbolic-ref", "HEAD", "refs/heads/trunk"],
    );
    assert_eq!(commit_of("implementation_1"), trunk, "HEAD follows");
    assert_eq!(
        commit_of("origin:implementation_1"),
        trunk,
        "origin is the default branch"
    );
    assert_eq!(commit_of("origin/trunk:implementation_1"), trunk);

    // main is rewritten upstream: the mirror follows.
    git(&upstream.work(), &["checkout", "-q", "main"]);
    upstream.write("implementation_1/svc-m/configuration.yml", "m: 1\n");
    let doomed = upstream.commit("soon gone");
    upstream.push("main");
    assert_eq!(commit_of("main:implementation_1"), doomed);
    git(&upstream.work(), &["reset", "-q", "--hard", &first]);
    upstream.push("main");
    assert_eq!(commit_of("main:implementation_1"), first);
    // The rewritten-away commit stays readable by id.
    assert_eq!(commit_of(&format!("{doomed}:implementation_1")), doomed);
}
