//! Repositories confdiff cannot read, or cannot read that far, each
//! refused with one line that says why and exit 2: a SHA-256 repository
//! (was "no git repository" from the current folder and an internal gix
//! message with --repo), a shallow clone without the asked commit (was
//! "ancestor number 5 is out of range") and a directory under a submodule
//! (was "directory not found" or "cannot read tree").

use std::path::Path;

use crate::harness::git;
use crate::harness::{TestRepo, confdiff, run};

/// Asserts a refusal: exit 2, nothing on stdout, one line on stderr that
/// contains every one of `parts`. Returns the line.
fn assert_refused(result: (i32, String, String), parts: &[&str]) -> String {
    let (code, stdout, stderr) = result;
    assert_eq!(code, 2, "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout, "");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for part in parts {
        assert!(stderr.contains(part), "{part:?} not in: {stderr}");
    }
    stderr.trim_end().to_owned()
}

/// A SHA-256 repository with one service on two sides, made by git.
fn sha256_repository(dir: &Path) {
    git(
        dir,
        &["init", "-q", "--object-format=sha256", "-b", "main", "."],
    );
    for side in ["implementation_1", "implementation_2"] {
        std::fs::create_dir_all(dir.join(side).join("svc")).unwrap();
        std::fs::write(dir.join(side).join("svc/configuration.yml"), "a: 1\n").unwrap();
    }
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "-q", "-m", "first"]);
}

#[test]
fn a_sha256_repository_is_refused_by_name_found_from_the_folder_or_given() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("platform");
    std::fs::create_dir(&repo).unwrap();
    sha256_repository(&repo);
    let expected = format!(
        "confdiff: cannot read repository '{}': SHA-256 repositories are not supported",
        repo.display()
    );

    // Found from the work tree and from a folder inside it: not "no git
    // repository".
    for cwd in [repo.clone(), repo.join("implementation_1")] {
        let line = assert_refused(
            run(confdiff().current_dir(&cwd).args([
                "compare",
                "implementation_1",
                "implementation_2",
            ])),
            &[],
        );
        assert_eq!(line, expected, "from {}", cwd.display());
    }

    // Given with --repo, as a work tree or as its git folder.
    for given in [repo.clone(), repo.join(".git")] {
        let line = assert_refused(
            run(confdiff()
                .args(["compare", "--repo"])
                .arg(&given)
                .args(["implementation_1", "implementation_2"])),
            &[],
        );
        assert_eq!(
            line,
            format!(
                "confdiff: cannot read repository '{}': SHA-256 repositories are not supported",
                given.display()
            )
        );
    }
}

#[test]
fn a_shallow_clone_without_the_commit_says_the_history_is_shallow() {
    let mut origin = TestRepo::new();
    for i in 0..6 {
        origin.write(
            "implementation_1/svc/configuration.yml",
            format!("n: {i}\n"),
        );
        origin.commit(&format!("commit {i}"));
    }
    let dir = tempfile::tempdir().unwrap();
    let source = format!("file://{}", origin.path().display());
    git(
        dir.path(),
        &["clone", "-q", "--depth", "1", &source, "shallow"],
    );
    let shallow = dir.path().join("shallow");
    let compare = |left: &str| {
        run(confdiff().current_dir(&shallow).args([
            "compare",
            "--no-save",
            left,
            "HEAD:implementation_1",
        ]))
    };

    for rev in ["HEAD~5", "HEAD^", "HEAD~1", "main~2"] {
        let line = assert_refused(compare(&format!("{rev}:implementation_1")), &[]);
        assert_eq!(
            line,
            format!(
                "confdiff: unknown revision '{rev}': the repository is shallow and does not have that commit; fetch more history (git fetch --unshallow)"
            )
        );
    }
    // A commit the clone left out, by id.
    let old = origin.git(&["rev-parse", "HEAD~3"]);
    assert_refused(
        compare(&format!("{}:implementation_1", &old[..12])),
        &["the repository is shallow", "git fetch --unshallow"],
    );
    // A name that does not exist is still just unknown.
    let line = assert_refused(compare("no-such-branch:implementation_1"), &[]);
    assert!(!line.contains("shallow"), "{line}");
    assert!(line.contains("unknown revision 'no-such-branch'"), "{line}");
    // What the clone has still compares.
    let (code, _, stderr) = compare("HEAD:implementation_1");
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_directory_under_a_submodule_names_the_submodule() {
    let mut repo = TestRepo::new();
    repo.write("implementation_1/svc/configuration.yml", "a: 1\n")
        .submodule("vendor/platform");
    let commit = repo.commit("with a submodule");
    let compare = |left: &str| {
        run(repo
            .confdiff()
            .args(["compare", "--no-save", left, "implementation_1"]))
    };

    for dir in [
        "vendor/platform/implementation_1",
        "vendor/platform",
        "vendor/platform/a/b",
    ] {
        let line = assert_refused(compare(dir), &[]);
        assert_eq!(
            line,
            format!(
                "confdiff: directory '{dir}' at HEAD ({commit}): 'vendor/platform' is a submodule, and confdiff cannot read inside submodules (run it in the submodule's own repository)"
            )
        );
    }
    // A folder that is simply not there is still "not found".
    assert_refused(
        compare("vendor/other/implementation_1"),
        &["directory 'vendor/other/implementation_1' not found at HEAD"],
    );
}
