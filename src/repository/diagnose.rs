//! Why opening a repository or resolving a side failed, when gix's own
//! answer would mislead: a SHA-256 repository ("not enabled in this
//! build", or no repository at all when found from the current folder),
//! history cut off by a shallow clone ("ancestor number 5 is out of
//! range"), or a directory inside a submodule ("not found"). Each check
//! runs only after something failed, so the common path pays nothing.

use std::path::{Path, PathBuf};

/// The git folder of the repository at `path`, a work tree (with a `.git`
/// folder, or a `.git` file pointing elsewhere) or a git folder itself.
pub fn git_dir_of(path: &Path) -> PathBuf {
    let dot_git = path.join(".git");
    if dot_git.is_dir() {
        return dot_git;
    }
    if dot_git.is_file()
        && let Ok(git_dir) = gix::discover::path::from_gitdir_file(&dot_git)
    {
        return git_dir;
    }
    path.to_owned()
}

/// Whether the repository whose git folder is `git_dir` stores SHA-256
/// object ids (`git init --object-format=sha256`). A linked work tree's
/// configuration lives in the common git folder.
pub fn uses_sha256(git_dir: &Path) -> bool {
    let common = std::fs::read_to_string(git_dir.join("commondir"))
        .map(|dir| git_dir.join(dir.trim()))
        .unwrap_or_else(|_| git_dir.to_owned());
    let Ok(config) =
        gix::config::File::from_path_no_includes(common.join("config"), gix::config::Source::Local)
    else {
        return false;
    };
    config
        .string("extensions.objectFormat")
        .is_some_and(|format| format.eq_ignore_ascii_case(b"sha256"))
}

/// Whether `rev`, which did not resolve in the shallow repository `repo`,
/// failed for want of history rather than for a wrong name: a commit id
/// (the commit may lie beyond the shallow boundary), or a walk (`X~5`,
/// `X^2`) from a name that does resolve.
pub fn needs_missing_history(repo: &gix::Repository, rev: &str) -> bool {
    if rev.len() >= 4 && rev.len() <= 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true;
    }
    let walk = rev
        .char_indices()
        .find(|&(i, c)| c == '~' || (c == '^' && !rev[i + 1..].starts_with('{')));
    match walk {
        Some((start, _)) => start > 0 && repo.rev_parse_single(&rev[..start]).is_ok(),
        None => false,
    }
}

/// The leading part of `path` (slash-separated, from the root of `root`)
/// that is a submodule (a gitlink entry), if any: the reason `path` cannot
/// be read as a directory of this repository.
pub fn submodule_on_path(root: &gix::Tree<'_>, path: &str) -> Option<String> {
    let mut tree = root.clone();
    let mut walked = String::new();
    for component in path.split('/') {
        if !walked.is_empty() {
            walked.push('/');
        }
        walked.push_str(component);
        let entry = tree.find_entry(component)?;
        let mode = entry.mode();
        if mode.is_commit() {
            return Some(walked);
        }
        if !mode.is_tree() {
            return None;
        }
        tree = entry.object().ok()?.try_into_tree().ok()?;
    }
    None
}
