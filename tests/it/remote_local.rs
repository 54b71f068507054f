//! Repositories on this machine: a `file://` URL is mirrored like any
//! remote; a plain path to a bare repository is read in place, with no
//! cache and no copy; a bundle gets a message saying how to use it.

use crate::harness::remote::*;

#[test]
fn a_file_url_is_mirrored_and_fetched_like_a_remote() {
    let mut upstream = Upstream::new();
    let cache = tempfile::tempdir().unwrap();
    let url = format!("file://{}", upstream.bare().display());

    let report = json(&captured(confdiff(cache.path()).args([
        "compare",
        "--format",
        "json",
        "--repo",
        &url,
        "v1.4.0:implementation_1",
        "main:implementation_2",
    ])));
    assert_eq!(report["repository"], url.as_str());
    let listing = stdout(&captured(confdiff(cache.path()).args(["fetch", "--list"])));
    let mirror = std::path::PathBuf::from(
        listing
            .lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .last()
            .unwrap(),
    );
    assert!(
        mirror.starts_with(cache.path().join("repos/file")),
        "{}",
        mirror.display()
    );
    assert_eq!(git(&mirror, &["rev-parse", "--is-bare-repository"]), "true");

    upstream.write("implementation_2/svc-z/configuration.yml", "z: 1\n");
    let next = upstream.commit("add svc-z");
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
    assert_eq!(report["right"]["commit"], next.as_str());
}

#[test]
fn a_plain_path_to_a_bare_repository_is_read_in_place() {
    let upstream = Upstream::new();
    let cache = tempfile::tempdir().unwrap();
    let path = upstream.bare().display().to_string();

    let report = json(&captured(confdiff(cache.path()).args([
        "compare",
        "--format",
        "json",
        "--repo",
        &path,
        "v1.4.0:implementation_1",
        "main:implementation_2",
    ])));
    assert_eq!(report["repository"], path.as_str(), "the path as given");
    assert_eq!(
        report["left"]["commit"],
        upstream.served_commit("v1.4.0").as_str()
    );
    assert!(
        !cache.path().join("repos").exists(),
        "no mirror of a local path"
    );

    // --offline changes nothing for a local path: it never needs the network.
    let output = captured(confdiff(cache.path()).args([
        "compare",
        "--offline",
        "--repo",
        &path,
        "implementation_1",
        "implementation_2",
    ]));
    assert_exit(&output, 0);
}

#[test]
fn fetch_mirrors_a_local_path_as_a_file_url() {
    let upstream = Upstream::new();
    let cache = tempfile::tempdir().unwrap();
    let output =
        captured(confdiff(cache.path()).args(["fetch", upstream.bare().to_str().unwrap()]));
    assert_exit(&output, 0);
    let url = format!("file://{}", upstream.bare().display());
    assert!(
        stdout(&output).starts_with(&format!("cloned {url} into ")),
        "{}",
        stdout(&output)
    );
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
    assert_eq!(report["repository"], url.as_str());
}

#[test]
fn a_bundle_is_refused_with_the_way_to_turn_it_into_a_mirror() {
    let upstream = Upstream::new();
    let bundle = upstream.dir.path().join("platform.bundle");
    git(
        &upstream.work(),
        &["bundle", "create", bundle.to_str().unwrap(), "--all"],
    );
    let cache = tempfile::tempdir().unwrap();
    let output = captured(confdiff(cache.path()).args([
        "compare",
        "--repo",
        bundle.to_str().unwrap(),
        "a",
        "b",
    ]));
    assert_exit(&output, 2);
    let message = stderr(&output);
    assert!(message.contains("git clone --mirror"), "{message}");
    assert!(
        message.lines().count() == 1,
        "one line, not the bundle's bytes: {message}"
    );

    // Done as the message says, the mirror works.
    let mirror = upstream.dir.path().join("platform.git");
    git(
        upstream.dir.path(),
        &[
            "clone",
            "-q",
            "--mirror",
            bundle.to_str().unwrap(),
            mirror.to_str().unwrap(),
        ],
    );
    let report = json(&captured(confdiff(cache.path()).args([
        "compare",
        "--format",
        "json",
        "--repo",
        mirror.to_str().unwrap(),
        "v1.4.0:implementation_1",
        "main:implementation_2",
    ])));
    assert_eq!(
        report["left"]["commit"],
        upstream.served_commit("v1.4.0").as_str()
    );
}

#[test]
fn an_unsupported_scheme_is_refused_by_name() {
    let cache = tempfile::tempdir().unwrap();
    let output = captured(confdiff(cache.path()).args([
        "compare",
        "--repo",
        "ftp://example.com/platform.git",
        "a",
        "b",
    ]));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("unsupported URL scheme 'ftp'"),
        "{}",
        stderr(&output)
    );
}
