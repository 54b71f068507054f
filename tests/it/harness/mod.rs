//! The one harness of the integration tests: real git repositories in
//! temp dirs, built with the git CLI, and the real confdiff binary run
//! against them with an environment that does not depend on the machine.
//! Every test runs the binary through [`confdiff`] (or a helper built on
//! it), so there is one place that says what a clean run is.
#![allow(dead_code)]

pub mod remote;
pub mod serve;
pub mod store;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

/// A git repository in a temp dir, removed on drop. Commits get fixed
/// names and dates, so the same steps give the same commit ids.
pub struct TestRepo {
    dir: TempDir,
    commits: u32,
}

impl TestRepo {
    /// An empty repository on branch `main`.
    pub fn new() -> Self {
        let repo = TestRepo {
            dir: tempfile::tempdir().expect("temp dir"),
            commits: 0,
        };
        repo.git(&["init", "--quiet", "--initial-branch=main"]);
        repo
    }

    /// The work tree.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders), relative to the work tree.
    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) -> &Self {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, contents).unwrap();
        self
    }

    /// Removes a file or folder from the work tree.
    pub fn remove(&self, path: &str) -> &Self {
        let full = self.path().join(path);
        if full.is_dir() {
            std::fs::remove_dir_all(full).unwrap();
        } else {
            std::fs::remove_file(full).unwrap();
        }
        self
    }

    /// Creates a symlink at `path` pointing to `target`.
    pub fn symlink(&self, path: &str, target: &str) -> &Self {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, full).unwrap();
        self
    }

    /// Records a submodule entry (mode 160000) at `path` in the index,
    /// with an empty folder in the work tree as git leaves one that is not
    /// checked out.
    pub fn submodule(&self, path: &str) -> &Self {
        std::fs::create_dir_all(self.path().join(path)).unwrap();
        let commit = "0123456789abcdef0123456789abcdef01234567";
        self.git(&[
            "update-index",
            "--add",
            "--cacheinfo",
            &format!("160000,{commit},{path}"),
        ]);
        self
    }

    /// Stages everything and commits; returns the new commit id.
    pub fn commit(&mut self, message: &str) -> String {
        self.commits += 1;
        self.git(&["add", "--all"]);
        let date = format!("2026-01-01T00:00:{:02}Z", self.commits % 60);
        let status = self
            .git_command(&["commit", "--quiet", "--allow-empty", "-m", message])
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .status()
            .unwrap();
        assert!(status.success(), "git commit failed");
        self.git(&["rev-parse", "HEAD"])
    }

    /// Tags HEAD.
    pub fn tag(&self, name: &str) -> &Self {
        self.git(&["tag", name]);
        self
    }

    /// Runs git in the work tree and returns its trimmed stdout.
    pub fn git(&self, args: &[&str]) -> String {
        git(self.path(), args)
    }

    fn git_command(&self, args: &[&str]) -> Command {
        git_command(self.path(), args)
    }

    /// confdiff, run in the work tree.
    pub fn confdiff(&self) -> Command {
        let mut command = confdiff();
        command.current_dir(self.path());
        command
    }

    /// `confdiff compare --format json ARGS --db DB` in the work tree,
    /// which must exit 0; its report.
    pub fn compare_json_into(&self, db: &Path, args: &[&str]) -> serde_json::Value {
        json_output(
            self.confdiff()
                .args(["compare", "--format", "json"])
                .args(args)
                .arg("--db")
                .arg(db),
            0,
        )
    }

    /// `confdiff compare --format json ARGS` in the work tree, which must
    /// exit 0; its report.
    pub fn compare_json(&self, args: &[&str]) -> serde_json::Value {
        json_output(
            self.confdiff()
                .args(["compare", "--format", "json"])
                .args(args),
            0,
        )
    }
}

/// git in `dir`, with no user or system configuration and fixed names.
pub fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("git");
    command
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    command
}

/// Runs git in `dir`, panicking with its stderr if it fails; its trimmed
/// stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir, args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// The confdiff binary with an environment that does not depend on the
/// machine: no colour, nothing inherited that could change its behaviour
/// (CONFDIFF_*, the user's git configuration, a credential prompt), no
/// standard input. Runs are saved in a database under the target folder
/// ([`harness_db`]) and mirrors cached there, never in the user's.
pub fn confdiff() -> Command {
    command_for(Path::new(env!("CARGO_BIN_EXE_confdiff")))
}

/// [`confdiff`]'s clean environment around another copy of the binary.
pub fn command_for(binary: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env("CONFDIFF_DB", harness_db())
        .env(
            "CONFDIFF_CACHE",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("confdiff-tests-cache"),
        )
        .env_remove("CONFDIFF_OFFLINE")
        .env_remove("CONFDIFF_TOKEN")
        .env_remove("GIT_ASKPASS")
        .env_remove("SSH_ASKPASS")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::null());
    command
}

/// The database tests save into when they do not pass `--db`.
pub fn harness_db() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("confdiff-tests.db")
}

/// Runs `command`, asserts its exit code, and returns its stdout as JSON.
pub fn json_output(command: &mut Command, code: i32) -> serde_json::Value {
    let output = captured(command);
    assert_exit(&output, code);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Runs `command` and returns (exit code, stdout, stderr).
pub fn run(command: &mut Command) -> (i32, String, String) {
    let output = captured(command);
    (
        output.status.code().unwrap_or(-1),
        stdout(&output),
        stderr(&output),
    )
}

/// Runs `command`, returning its output.
pub fn captured(command: &mut Command) -> Output {
    command.output().expect("the command runs")
}

/// An output's stdout, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// An output's stderr, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the exit code, showing both streams when it is wrong.
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// The checkout's own root, where testdata/ lives.
pub fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample platform under testdata/ committed into a fresh repository,
/// so commit ids (fixed dates and names) and the output are the same on
/// every run.
pub fn sample_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    copy_dir(&crate_root().join("testdata/sample"), repo.path());
    repo.commit("sample");
    repo
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
