//! Bad input that stops a comparison before it starts: exit 2 and a
//! message naming what is wrong.

use crate::harness::{TestRepo, confdiff, run};

fn small_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    repo.write("implementation_1/svc/configuration.yml", "a: 1\n")
        .write("implementation_2/svc/configuration.yml", "a: 1\n")
        .write("README.md", "not a directory\n");
    repo.commit("init");
    repo
}

#[test]
fn missing_repository_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere");
    let (code, stdout, stderr) = run(confdiff()
        .args(["compare", "--repo"])
        .arg(&missing)
        .args(["a", "b"]));
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains(&missing.display().to_string()), "{stderr}");
    assert!(stderr.contains("does not exist"), "{stderr}");
}

#[test]
fn a_folder_that_is_not_a_repository_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(confdiff()
        .args(["compare", "--repo"])
        .arg(dir.path())
        .args(["a", "b"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&dir.path().display().to_string()),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

#[test]
fn a_file_given_as_repository_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("repo.bundle");
    std::fs::write(&bundle, b"# v2 git bundle\n").unwrap();
    let (code, _, stderr) = run(confdiff()
        .args(["compare", "--repo"])
        .arg(&bundle)
        .args(["a", "b"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("repo.bundle"), "{stderr}");
    assert!(stderr.contains("git clone --mirror"), "{stderr}");
}

#[test]
fn a_corrupt_repository_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git/objects")).unwrap();
    std::fs::write(dir.path().join(".git/HEAD"), "garbage").unwrap();
    let (code, _, stderr) = run(confdiff()
        .args(["compare", "--repo"])
        .arg(dir.path())
        .args(["a", "b"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&dir.path().display().to_string()),
        "{stderr}"
    );
}

#[test]
fn outside_any_repository_without_repo_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(confdiff()
        .current_dir(dir.path())
        .args(["compare", "a", "b"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--repo"), "{stderr}");
}

#[test]
fn unknown_revision_is_named() {
    let repo = small_repo();
    for side in [
        "no-such-branch:implementation_1",
        "deadbeef:implementation_1",
    ] {
        let (code, stdout, stderr) =
            run(repo.confdiff().args(["compare", side, "implementation_2"]));
        assert_eq!(code, 2, "{side}");
        assert!(stdout.is_empty());
        let rev = side.split(':').next().unwrap();
        assert!(stderr.contains(&format!("'{rev}'")), "{stderr}");
    }
    let (code, _, stderr) = run(repo.confdiff().args([
        "compare",
        "--rev",
        "v9",
        "implementation_1",
        "implementation_2",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("'v9'"), "{stderr}");
}

#[test]
fn missing_directory_names_path_and_commit() {
    let repo = small_repo();
    let head = repo.git(&["rev-parse", "HEAD"]);
    let (code, _, stderr) =
        run(repo
            .confdiff()
            .args(["compare", "implementation_1", "implementation_3"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("'implementation_3'"), "{stderr}");
    assert!(stderr.contains(&head), "{stderr}");
}

#[test]
fn a_file_given_as_directory_names_path_and_commit() {
    let repo = small_repo();
    let head = repo.git(&["rev-parse", "HEAD"]);
    let (code, _, stderr) = run(repo
        .confdiff()
        .args(["compare", "README.md", "implementation_2"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("'README.md' is not a directory"),
        "{stderr}"
    );
    assert!(stderr.contains(&head), "{stderr}");
}

#[test]
fn bad_arguments_exit_2() {
    let repo = small_repo();
    for args in [
        vec![
            "compare",
            "--file",
            "a/b.yml",
            "implementation_1",
            "implementation_2",
        ],
        vec![
            "compare",
            "--jobs",
            "0",
            "implementation_1",
            "implementation_2",
        ],
        vec![
            "compare",
            "--format",
            "xml",
            "implementation_1",
            "implementation_2",
        ],
        vec!["compare", "a/../b", "implementation_2"],
        vec!["compare", "implementation_1"],
    ] {
        let (code, stdout, stderr) = run(repo.confdiff().args(&args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}");
        assert!(!stderr.is_empty(), "{args:?}");
    }
}
