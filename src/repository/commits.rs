//! Commits: a range walked as `git rev-list --topo-order` walks it, what
//! each commit says about itself, a folder's tree at a commit, and one
//! commit's step back along first parents with the entry a path names.

use gix::ObjectId;
use gix::traverse::commit::Parents;
use gix::traverse::commit::topo::{Builder, Sorting};

use super::{EntryKind, Repository, RepositoryError, describe, diagnose};

/// A range as the user wrote it: `A..B` (reachable from B, not from A) or
/// one revision (it and all its ancestors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitRange {
    /// The range as given.
    pub given: String,
    /// Only the first parent of each commit.
    pub first_parent: bool,
    /// Only the newest this many commits of the range.
    pub last: Option<usize>,
}

/// What a commit says about itself, for rows people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    /// The commit.
    pub id: ObjectId,
    /// The author's name.
    pub author: String,
    /// When it was authored, UTC, RFC 3339 to the second.
    pub author_time: String,
    /// The first line of the message.
    pub subject: String,
}

impl Repository {
    /// The commits of `range`, oldest first: `git rev-list --topo-order
    /// --reverse [--first-parent] [-n N] RANGE`.
    pub fn commits(&self, range: &CommitRange) -> Result<Vec<ObjectId>, RepositoryError> {
        let repo = self.local();
        let (ends, tip) = match range.given.split_once("..") {
            Some((from, to)) => {
                let from = if from.is_empty() { "HEAD" } else { from };
                let to = if to.is_empty() { "HEAD" } else { to };
                (vec![self.commit_id(from)?], self.commit_id(to)?)
            }
            None => (Vec::new(), self.commit_id(&range.given)?),
        };
        // The walk would still yield a tip that is also an end.
        if ends.contains(&tip) {
            return Ok(Vec::new());
        }
        let parents = if range.first_parent {
            Parents::First
        } else {
            Parents::All
        };
        let walk_error = |message: String| RepositoryError::Walk {
            range: range.given.clone(),
            message,
        };
        let walk = Builder::from_iters(&repo.objects, [tip], Some(ends))
            .sorting(Sorting::TopoOrder)
            .parents(parents)
            .build()
            .map_err(|e| walk_error(e.to_string()))?;
        let mut commits = Vec::new();
        for info in walk {
            if range.last.is_some_and(|n| commits.len() >= n) {
                break;
            }
            commits.push(info.map_err(|e| walk_error(e.to_string()))?.id);
        }
        commits.reverse();
        Ok(commits)
    }

    /// The commit `rev` names. Beyond a shallow clone's boundary the
    /// commit is missing rather than unknown, and the error says so.
    pub fn commit_id(&self, rev: &str) -> Result<ObjectId, RepositoryError> {
        let repo = self.local();
        let shallow = || repo.is_shallow().unwrap_or(false);
        let id = repo.rev_parse_single(rev).map_err(|e| {
            if shallow() && diagnose::needs_missing_history(&repo, rev) {
                RepositoryError::Shallow {
                    rev: rev.to_owned(),
                }
            } else {
                RepositoryError::UnknownRevision {
                    rev: rev.to_owned(),
                    message: describe(&e),
                }
            }
        })?;
        let not_a_commit = |e: gix::Error| RepositoryError::NotACommit {
            rev: rev.to_owned(),
            message: describe(&e),
        };
        // `HEAD^` names the parent's id without reading it; beyond a
        // shallow boundary that object is simply not there.
        let object = id.object().map_err(|e| {
            if shallow() {
                RepositoryError::Shallow {
                    rev: rev.to_owned(),
                }
            } else {
                not_a_commit(e)
            }
        })?;
        Ok(object.peel_to_commit().map_err(not_a_commit)?.id)
    }

    /// Author, time and subject of `id`.
    pub fn commit_info(
        &self,
        repo: &gix::Repository,
        id: ObjectId,
    ) -> Result<CommitInfo, RepositoryError> {
        let read_error = |e: String| RepositoryError::Read {
            what: "commit",
            id,
            message: e,
        };
        let commit = repo.find_commit(id).map_err(|e| read_error(describe(&e)))?;
        let author = commit.author().map_err(|e| read_error(e.to_string()))?;
        let seconds = author.time().map(|t| t.seconds).unwrap_or_default();
        let author_time = jiff::Timestamp::from_second(seconds)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let message = commit.message_raw_sloppy();
        let subject =
            String::from_utf8_lossy(message.split(|&b| b == b'\n').next().unwrap_or_default())
                .trim_end()
                .to_owned();
        Ok(CommitInfo {
            id,
            author: String::from_utf8_lossy(author.name).into_owned(),
            author_time,
            subject,
        })
    }

    /// The tree of folder `path` (normalised; empty for the root) at
    /// commit `id`, or `None` when there is no such folder there.
    pub(crate) fn tree_at(
        &self,
        repo: &gix::Repository,
        id: ObjectId,
        path: &str,
    ) -> Result<Option<ObjectId>, RepositoryError> {
        let read_error = |e: gix::Error| RepositoryError::Read {
            what: "tree of commit",
            id,
            message: describe(&e),
        };
        let commit = repo.find_commit(id).map_err(&read_error)?;
        let root = commit.tree().map_err(&read_error)?;
        if path.is_empty() {
            return Ok(Some(root.id));
        }
        let entry = root.lookup_entry_by_path(path).map_err(&read_error)?;
        Ok(entry
            .filter(|entry| entry.mode().is_tree())
            .map(|entry| entry.object_id()))
    }

    /// The root tree of commit `id` and its first parent (`None` for a
    /// root commit): one step of a walk along first parents.
    pub(crate) fn tree_and_first_parent(
        &self,
        repo: &gix::Repository,
        id: ObjectId,
    ) -> Result<(ObjectId, Option<ObjectId>), RepositoryError> {
        let read_error = |message: String| RepositoryError::Read {
            what: "commit",
            id,
            message,
        };
        let commit = repo.find_commit(id).map_err(|e| read_error(describe(&e)))?;
        let decoded = commit.decode().map_err(|e| read_error(e.to_string()))?;
        Ok((decoded.tree(), decoded.parents().next()))
    }

    /// The entry at `path` (`/`-separated, from the root, not empty) in
    /// root tree `tree`, or `None` when there is none.
    pub(crate) fn entry_at(
        &self,
        repo: &gix::Repository,
        tree: ObjectId,
        path: &str,
    ) -> Result<Option<TreeEntry>, RepositoryError> {
        let read_error = |e: gix::Error| RepositoryError::Read {
            what: "tree",
            id: tree,
            message: describe(&e),
        };
        let root = repo.find_tree(tree).map_err(&read_error)?;
        let entry = root.lookup_entry(path.split('/')).map_err(&read_error)?;
        Ok(entry.map(|entry| TreeEntry {
            kind: EntryKind::from_git(entry.mode().kind()),
            id: entry.object_id(),
        }))
    }
}

/// What a path names in a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeEntry {
    /// What the entry is.
    pub kind: EntryKind,
    /// The object it points to.
    pub id: ObjectId,
}
