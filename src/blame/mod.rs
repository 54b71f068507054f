//! Blame: which commit last changed the value at one path of one config
//! file, walking the first parents back from a revision.
//!
//! A commit's *state* at the path is `absent` (no file, not a regular
//! file, or no value there), `error` (the file does not load) or
//! `present` with the value. A *change* is a commit whose state differs
//! from its first parent's under the contract's equality (the diff
//! walk's: `1` and `1.0` differ, key order never counts); two error
//! states are the same state whatever their messages, and a root commit's
//! parent state is `absent`. The result is plain data for the printers.

mod walk;

use gix::ObjectId;

use crate::diff::{Path, PathSyntaxError, SideValue};
use crate::report::ErrorKind;
use crate::repository::{CommitInfo, RepositoryError};
use crate::side::SideSpec;

pub(crate) use walk::blame;

/// What the walk needs to know besides the repository, the target and
/// the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlameOptions {
    /// The config file name appended to a TARGET that is a folder.
    pub file: String,
    /// Larger files are an `error` state, as in a comparison.
    pub max_file_size: u64,
    /// Every change, newest first, instead of the newest only.
    pub all: bool,
}

impl Default for BlameOptions {
    fn default() -> Self {
        BlameOptions {
            file: "configuration.yml".to_owned(),
            max_file_size: crate::compare::DEFAULT_MAX_FILE_SIZE,
            all: false,
        }
    }
}

/// The value's state at one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlameState {
    /// No file, not a regular file, or no value at the path.
    Absent,
    /// The file does not load.
    Error {
        /// What kind of problem, as a comparison names it.
        kind: ErrorKind,
        /// Why, naming the file.
        message: String,
    },
    /// The value, in its JSON form, with its type and line.
    Present(SideValue),
}

impl BlameState {
    /// The contract's name of the state.
    pub fn name(&self) -> &'static str {
        match self {
            BlameState::Absent => "absent",
            BlameState::Error { .. } => "error",
            BlameState::Present(_) => "present",
        }
    }
}

/// A commit whose state differs from its first parent's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlameChange {
    /// The commit: its id, author, author time and subject.
    pub commit: CommitInfo,
    /// The state at its first parent (`absent` for a root commit).
    pub before: BlameState,
    /// The state at the commit.
    pub after: BlameState,
}

/// What `confdiff blame` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlameReport {
    /// The repository as the user named it.
    pub repository: String,
    /// The revision the walk started from, as given.
    pub rev: String,
    /// The commit it resolved to.
    pub commit: ObjectId,
    /// The file, from the repository root.
    pub file_path: String,
    /// The path inside the file.
    pub path: Path,
    /// The state at `commit`.
    pub current: BlameState,
    /// The changes, newest first: only the newest unless every change was
    /// asked for.
    pub changes: Vec<BlameChange>,
}

/// Why a blame could not run. Each message names what the user gave.
#[derive(Debug, thiserror::Error)]
pub enum BlameError {
    /// PATH does not parse.
    #[error(transparent)]
    Path(#[from] PathSyntaxError),
    /// TARGET cannot name anything in a tree.
    #[error("invalid TARGET '{given}': {reason}")]
    Target {
        /// TARGET as given.
        given: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// TARGET is not in the tree of the revision.
    #[error("'{target}' not found at {rev} ({commit})")]
    TargetNotFound {
        /// TARGET as given, without REV.
        target: String,
        /// The revision.
        rev: String,
        /// The commit it resolved to.
        commit: ObjectId,
    },
    /// No commit on the walk had a value at the path.
    #[error(
        "{path} was never present in {file_path} on the first-parent history of {rev} ({commit})"
    )]
    NeverPresent {
        /// The path, written as confdiff prints paths.
        path: String,
        /// The file, from the repository root.
        file_path: String,
        /// The revision.
        rev: String,
        /// The commit it resolved to.
        commit: ObjectId,
    },
    /// The repository, the revision or an object could not be read.
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}

/// `[REV:]TARGET` split at its first `:` (`rev` standing in for a
/// missing or empty REV), TARGET normalised as a side's folder is.
pub(crate) fn target(given: &str, rev: &str) -> Result<SideSpec, BlameError> {
    SideSpec::parse(given, rev).map_err(|e| BlameError::Target {
        given: e.given,
        reason: e.reason,
    })
}
