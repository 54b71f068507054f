//! A fetch into a mirror writes only the references that moved. A fetch
//! with nothing new used to rewrite every reference (a lock file per
//! reference and a new packed-refs), which took seconds with thousands of
//! tags; now it leaves every file of the mirror but its fetch record as it
//! was, while moved, new and deleted branches and tags still follow the
//! remote. Served by a real `git daemon` on 127.0.0.1.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::harness::remote::*;

/// Every file of the mirror but its fetch record, with what tells a
/// rewrite: inode (a rename replaces it), modification time and bytes.
fn snapshot(mirror: &Path) -> BTreeMap<PathBuf, (u64, SystemTime, Vec<u8>)> {
    all_files(mirror)
        .into_iter()
        .filter(|(path, _)| !path.ends_with("confdiff-mirror.json"))
        .map(|(path, bytes)| {
            let meta = std::fs::metadata(&path).unwrap();
            (path, (meta.ino(), meta.modified().unwrap(), bytes))
        })
        .collect()
}

/// The files that differ between two snapshots: added, removed or
/// rewritten. Empty when nothing was written.
fn written(
    before: &BTreeMap<PathBuf, (u64, SystemTime, Vec<u8>)>,
    after: &BTreeMap<PathBuf, (u64, SystemTime, Vec<u8>)>,
) -> Vec<PathBuf> {
    before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// An annotated tag `name` on the work repository's HEAD, moved if it
/// exists.
fn annotated_tag(upstream: &Upstream, name: &str) {
    git(
        &upstream.work(),
        &["tag", "-f", "-a", "-m", &format!("release {name}"), name],
    );
}

fn fetch(cache: &Path, url: &str) {
    let output = captured(confdiff(cache).args(["fetch", url]));
    assert_exit(&output, 0);
}

/// What the mirror holds under refs/heads and refs/tags, as `show-ref`
/// prints it: the same as the served repository when it follows.
fn mirror_refs(mirror: &Path) -> String {
    git(mirror, &["show-ref", "--heads", "--tags"])
}

#[test]
fn a_fetch_with_nothing_new_rewrites_no_reference_and_moved_ones_still_follow() {
    let mut upstream = Upstream::new();
    for i in 0..200 {
        annotated_tag(&upstream, &format!("v0.{i}"));
    }
    upstream.push("--tags");
    let daemon = GitDaemon::start(&upstream.served());
    let cache = tempfile::tempdir().unwrap();
    let url = daemon.url();
    let mirror = mirror_path(cache.path(), &format!("127.0.0.1_{}", daemon.port));
    fetch(cache.path(), &url);
    assert_eq!(mirror_refs(&mirror), upstream.served_refs());

    // Nothing new, twice, through `fetch` and through `compare`: no file
    // of the mirror is written, packed-refs included.
    let before = snapshot(&mirror);
    assert!(before.keys().any(|p| p.ends_with("packed-refs")));
    fetch(cache.path(), &url);
    let compared = captured(confdiff(cache.path()).args([
        "compare",
        "--no-save",
        "--repo",
        &url,
        "implementation_1",
        "implementation_2",
    ]));
    assert_exit(&compared, 0);
    assert_eq!(
        written(&before, &snapshot(&mirror)),
        Vec::<PathBuf>::new(),
        "a fetch with nothing new wrote into the mirror"
    );

    // Upstream moves: a new commit on main, a tag moved to it, a new tag,
    // a new branch, a deleted branch and a deleted tag.
    upstream.write("implementation_1/svc-a/configuration.yml", "replicas: 4\n");
    let next = upstream.commit("scale svc-a");
    annotated_tag(&upstream, "v0.7");
    annotated_tag(&upstream, "v2.0.0");
    git(&upstream.work(), &["branch", "hotfix"]);
    upstream.push("main");
    upstream.push("hotfix");
    upstream.push("+refs/tags/v0.7:refs/tags/v0.7");
    upstream.push("refs/tags/v2.0.0");
    upstream.push(":release/2.1");
    upstream.push(":refs/tags/v0.3");
    fetch(cache.path(), &url);
    assert_eq!(mirror_refs(&mirror), upstream.served_refs());
    assert_eq!(git(&mirror, &["rev-parse", "origin/main"]), next);
    assert_eq!(git(&mirror, &["rev-parse", "origin/hotfix"]), next);
    assert_eq!(git(&mirror, &["rev-parse", "v0.7^{commit}"]), next);
    assert!(
        !git(&mirror, &["for-each-ref", "--format=%(refname)"]).contains("release/2.1"),
        "the deleted branch is pruned, origin/ name included"
    );
    assert!(
        std::fs::read_dir(mirror.join("objects/pack"))
            .unwrap()
            .all(|e| !e.unwrap().file_name().to_string_lossy().ends_with(".keep")),
        "no .keep file is left once the references hold the new pack"
    );
    git(&mirror, &["fsck", "--full", "--strict"]);

    // A tag moved back to a commit the mirror already has: no pack to
    // fetch, the tag still follows.
    let first = upstream.served_commit("v1.4.0");
    git(&upstream.work(), &["tag", "-f", "v2.0.0", &first]);
    upstream.push("+refs/tags/v2.0.0:refs/tags/v2.0.0");
    fetch(cache.path(), &url);
    assert_eq!(mirror_refs(&mirror), upstream.served_refs());
    assert_eq!(git(&mirror, &["rev-parse", "v2.0.0"]), first);

    // And once more with nothing new: still nothing written.
    let before = snapshot(&mirror);
    fetch(cache.path(), &url);
    assert_eq!(written(&before, &snapshot(&mirror)), Vec::<PathBuf>::new());
}
