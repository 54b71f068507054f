//! A clone or fetch killed midway. A proxy in front of `git daemon` stops
//! forwarding partway through the pack, the test kills confdiff there
//! (SIGKILL: no clean-up code runs), and the next run must work.

use std::process::Stdio;

use crate::harness::remote::*;

/// Enough random data that the pack is far larger than what the proxy
/// lets through before stalling.
fn add_bulk(upstream: &mut Upstream, name: &str) -> String {
    let mut data = String::new();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ name.len() as u64;
    for i in 0..40_000 {
        // xorshift: incompressible enough to keep the pack big.
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        data.push_str(&format!("k{i}: \"{x:016x}\"\n"));
    }
    upstream.write(&format!("implementation_1/{name}/configuration.yml"), &data);
    upstream.commit(&format!("add {name}"))
}

/// Starts `confdiff fetch url`, waits until the proxy stalls it, kills it.
fn kill_midway(cache: &std::path::Path, proxy: &StallingProxy) {
    proxy.stall_after(8 * 1024);
    let mut child = confdiff(cache)
        .args(["fetch", &proxy.url()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    proxy.wait_for_stall();
    child.kill().unwrap();
    child.wait().unwrap();
    proxy.pass_everything();
}

#[test]
fn a_fetch_killed_midway_leaves_a_mirror_the_next_run_uses_and_updates() {
    let mut upstream = Upstream::new();
    let daemon = GitDaemon::start(&upstream.served());
    let proxy = StallingProxy::start(daemon.port);
    let cache = tempfile::tempdir().unwrap();
    let url = proxy.url();
    let mirror = mirror_path(cache.path(), &format!("127.0.0.1_{}", proxy.port));

    assert_exit(&captured(confdiff(cache.path()).args(["fetch", &url])), 0);
    let before = upstream.served_commit("main");
    let after = add_bulk(&mut upstream, "svc-bulk");
    upstream.push("main");

    kill_midway(cache.path(), &proxy);

    // The kill landed while the pack was being written: its temporary
    // file is still there.
    assert!(
        !temporary_packs(&mirror).is_empty(),
        "killed midway through the pack"
    );

    // The mirror is still the one from before, whole.
    git(&mirror, &["fsck", "--full"]);
    assert_eq!(git(&mirror, &["rev-parse", "main"]), before);
    let report = json(&captured(confdiff(cache.path()).args([
        "compare",
        "--offline",
        "--format",
        "json",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ])));
    assert_eq!(report["left"]["commit"], before.as_str());

    // The next run fetches and sees the new commit.
    let report = json(&captured(confdiff(cache.path()).args([
        "compare",
        "--format",
        "json",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ])));
    assert_eq!(report["left"]["commit"], after.as_str());
    assert!(statuses(&report).contains(&("svc-bulk".to_owned(), "missing_right".to_owned())));
    git(&mirror, &["fsck", "--full"]);
    assert!(
        temporary_packs(&mirror).is_empty(),
        "the unfinished pack is cleared"
    );
}

/// Unfinished packs in the mirror (gix names them `.tmp*`).
fn temporary_packs(mirror: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(mirror.join("objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".tmp") || name.starts_with("tmp_"))
        .collect()
}

#[test]
fn a_first_clone_killed_midway_leaves_no_mirror_and_the_next_run_clones() {
    let mut upstream = Upstream::new();
    add_bulk(&mut upstream, "svc-bulk");
    upstream.push("main");
    let daemon = GitDaemon::start(&upstream.served());
    let proxy = StallingProxy::start(daemon.port);
    let cache = tempfile::tempdir().unwrap();
    let url = proxy.url();
    let mirror = mirror_path(cache.path(), &format!("127.0.0.1_{}", proxy.port));

    kill_midway(cache.path(), &proxy);
    assert!(
        !mirror.exists(),
        "no half-made mirror where the next run looks"
    );
    let offline =
        captured(confdiff(cache.path()).args(["compare", "--offline", "--repo", &url, "a", "b"]));
    assert_exit(&offline, 2);
    assert!(
        stderr(&offline).contains("no mirror of"),
        "{}",
        stderr(&offline)
    );

    let report = json(&captured(confdiff(cache.path()).args([
        "compare",
        "--format",
        "json",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ])));
    assert_eq!(
        report["left"]["commit"],
        upstream.served_commit("main").as_str()
    );
    let leftovers: Vec<_> = std::fs::read_dir(mirror.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "the killed clone's folder is cleared: {leftovers:?}"
    );
}

#[test]
fn lock_files_left_by_a_killed_fetch_do_not_block_the_next_one() {
    let mut upstream = Upstream::new();
    let daemon = GitDaemon::start(&upstream.served());
    let cache = tempfile::tempdir().unwrap();
    let url = daemon.url();
    let mirror = mirror_path(cache.path(), &format!("127.0.0.1_{}", daemon.port));
    assert_exit(&captured(confdiff(cache.path()).args(["fetch", &url])), 0);

    // What a fetch killed while updating references leaves behind.
    std::fs::write(mirror.join("packed-refs.lock"), "").unwrap();
    std::fs::create_dir_all(mirror.join("refs/heads")).unwrap();
    std::fs::write(mirror.join("refs/heads/main.lock"), "").unwrap();
    std::fs::write(mirror.join("HEAD.lock"), "").unwrap();

    upstream.write("implementation_2/svc-n/configuration.yml", "n: 1\n");
    let next = upstream.commit("add svc-n");
    upstream.push("main");
    let output = captured(confdiff(cache.path()).args([
        "compare",
        "--require-fresh",
        "--format",
        "json",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(json(&output)["right"]["commit"], next.as_str());
    for lock in ["packed-refs.lock", "refs/heads/main.lock", "HEAD.lock"] {
        assert!(!mirror.join(lock).exists(), "{lock}");
    }
}
