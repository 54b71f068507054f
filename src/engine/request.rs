//! Requests: plain data saying what to compare and where, built by any
//! front end (command-line arguments, a JSON body) and checked by the
//! engine.

use std::path::PathBuf;

use crate::blame::BlameOptions;
use crate::compare::CompareOptions;
use crate::remote::Network;
use crate::repository::CommitRange;

/// The repository a request reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RepositorySource {
    /// The repository around the current directory, found as git finds it.
    #[default]
    Discover,
    /// A path or URL as the user wrote it, and how to reach it if remote.
    Given {
        /// A local path, or a URL (`https://`, `ssh://`, `git@host:path`, …).
        location: String,
        /// How a remote is reached; ignored for local paths.
        access: RemoteAccess,
    },
}

/// How a remote repository is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAccess {
    /// The cache folder; `None` for the user's cache folder.
    pub cache_dir: Option<PathBuf>,
    /// Whether the network may be used.
    pub network: Network,
    /// A token offered to https servers that ask for credentials.
    pub token: Option<String>,
}

impl Default for RemoteAccess {
    fn default() -> Self {
        RemoteAccess {
            cache_dir: None,
            network: Network::Online {
                require_fresh: false,
            },
            token: None,
        }
    }
}

/// One comparison of two sides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRequest {
    /// Where the sides are read.
    pub repository: RepositorySource,
    /// The left side, `[REV:]DIR`.
    pub left: String,
    /// The right side, `[REV:]DIR`.
    pub right: String,
    /// The revision of a side written without one.
    pub rev: String,
    /// What to compare in each service folder, and the limits.
    pub options: CompareOptions,
    /// A baseline of accepted differences to mark the result with.
    pub baseline: Option<BaselineSource>,
}

/// Where a comparison's baseline is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselineSource {
    /// A file on disk, as the command line names one.
    File(PathBuf),
    /// A file committed in the compared repository, read at `rev`: what a
    /// server reads, which opens no file a client names.
    Committed {
        /// The revision it is read at.
        rev: String,
        /// Its path in the repository.
        path: String,
    },
}

impl CompareRequest {
    /// `left` against `right` at HEAD of the repository around the current
    /// directory, with the default options.
    pub fn new(left: impl Into<String>, right: impl Into<String>) -> Self {
        CompareRequest {
            repository: RepositorySource::Discover,
            left: left.into(),
            right: right.into(),
            rev: "HEAD".to_owned(),
            options: CompareOptions::default(),
            baseline: None,
        }
    }
}

/// Two files, or two directories of service folders, on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilesRequest {
    /// The paths, and the name of a single file's service.
    pub spec: crate::files::FilesSpec,
    /// What to compare in each service folder, and the limits.
    pub options: CompareOptions,
    /// A baseline file of accepted differences to mark the result with.
    pub baseline: Option<PathBuf>,
}

/// A history: two sides compared at every commit of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRequest {
    /// Where the sides are read.
    pub repository: RepositorySource,
    /// The left side: `DIR` follows the range, `REV:DIR` is pinned.
    pub left: String,
    /// The right side, the same way.
    pub right: String,
    /// The commits.
    pub range: CommitRange,
    /// What to compare in each service folder, and the limits.
    pub options: CompareOptions,
}

/// One blame: which commit last changed the value at a path of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlameRequest {
    /// Where the file is read.
    pub repository: RepositorySource,
    /// `[REV:]TARGET`: a file from the repository root, or a service
    /// folder (a tree at REV) that holds [`BlameOptions::file`].
    pub target: String,
    /// The revision the walk starts from when TARGET has no `REV:`.
    pub rev: String,
    /// The path inside the file, written as confdiff prints paths
    /// (`spec.ports[0].name`) or as a JSON array (`["spec","replicas"]`).
    pub path: String,
    /// The file name for a folder, the size limit, and whether to list
    /// every change.
    pub options: BlameOptions,
}

impl BlameRequest {
    /// `path` of `target` from HEAD of the repository around the current
    /// directory, the newest change only.
    pub fn new(target: impl Into<String>, path: impl Into<String>) -> Self {
        BlameRequest {
            repository: RepositorySource::Discover,
            target: target.into(),
            rev: "HEAD".to_owned(),
            path: path.into(),
            options: BlameOptions::default(),
        }
    }
}
