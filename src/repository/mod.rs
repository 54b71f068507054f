//! Repository: opening a git repository and resolving each side to the
//! tree of a directory at a commit. Nothing is checked out; every read goes
//! to the object database.

mod commits;
mod diagnose;
mod packed;
mod services;

use std::path::{Path, PathBuf};

use gix::ObjectId;

use crate::side::SideSpec;

pub use commits::{CommitInfo, CommitRange, TreeEntry};
pub(crate) use packed::Kind as PackedKind;
pub(crate) use services::SubtreeMemo;
pub use services::{EntryKind, ServiceEntry, Services, service_name};

/// Why a repository or a side could not be read. Each variant names what
/// the user gave, so the message alone says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum RepositoryError {
    /// `--service` globs that match no service of either side.
    #[error("no service matches --service {globs} ({found} found without it)")]
    NoServiceSelected {
        /// The globs, as given.
        globs: String,
        /// How many services the larger side has.
        found: usize,
    },
    /// `--repo` does not exist.
    #[error("repository '{path}' does not exist")]
    Missing {
        /// The path as given.
        path: PathBuf,
    },
    /// `--repo` exists but is not a directory (a bundle, say).
    #[error(
        "repository '{path}' is a file, not a directory (a git bundle must first become a mirror: git clone --mirror FILE DIR)"
    )]
    NotADirectory {
        /// The path as given.
        path: PathBuf,
    },
    /// `--repo` could not be opened as a git repository.
    #[error("cannot open repository '{path}': {message}")]
    Open {
        /// The path as given.
        path: PathBuf,
        /// What git reported.
        message: String,
    },
    /// The repository stores SHA-256 object ids; gix is built for SHA-1.
    #[error("cannot read repository '{path}': SHA-256 repositories are not supported")]
    Sha256 {
        /// The repository as given, or the one found from the current
        /// directory.
        path: PathBuf,
    },
    /// No `--repo` and no repository around the current directory.
    #[error("no git repository in '{dir}' or any folder above it; pass --repo PATH")]
    NotDiscovered {
        /// The directory searched from.
        dir: PathBuf,
    },
    /// A revision that does not resolve.
    #[error("unknown revision '{rev}': {message}")]
    UnknownRevision {
        /// The revision as given.
        rev: String,
        /// What git reported.
        message: String,
    },
    /// A revision that needs history a shallow clone does not have.
    #[error(
        "unknown revision '{rev}': the repository is shallow and does not have that commit; fetch more history (git fetch --unshallow)"
    )]
    Shallow {
        /// The revision as given.
        rev: String,
    },
    /// A revision that resolves to something other than a commit.
    #[error("revision '{rev}' does not name a commit: {message}")]
    NotACommit {
        /// The revision as given.
        rev: String,
        /// What git reported.
        message: String,
    },
    /// DIR is not in the commit's tree.
    #[error("directory '{path}' not found at {rev} ({commit})")]
    DirectoryNotFound {
        /// The directory as given.
        path: String,
        /// The revision as given.
        rev: String,
        /// The commit it resolved to.
        commit: ObjectId,
    },
    /// DIR names something that is not a directory.
    #[error("'{path}' is not a directory at {rev} ({commit})")]
    NotADirectoryInTree {
        /// The directory as given.
        path: String,
        /// The revision as given.
        rev: String,
        /// The commit it resolved to.
        commit: ObjectId,
    },
    /// Neither side has a single service: most often a wrong `--file` or
    /// a DIR one level too deep. Silence here would pass CI on nothing.
    #[error(
        "nothing to compare: no folder in {left} or {right} holds a file named '{file}'; {hint}"
    )]
    NothingToCompare {
        /// The left side, `REV:DIR`.
        left: String,
        /// The right side, `REV:DIR`.
        right: String,
        /// The config file name looked for.
        file: String,
        /// What the folders hold instead.
        hint: String,
    },
    /// DIR is, or is inside, a submodule: its files are in another
    /// repository.
    #[error(
        "directory '{path}' at {rev} ({commit}): '{submodule}' is a submodule, and confdiff cannot read inside submodules (run it in the submodule's own repository)"
    )]
    InSubmodule {
        /// The directory as given.
        path: String,
        /// The submodule's path in the tree.
        submodule: String,
        /// The revision as given.
        rev: String,
        /// The commit it resolved to.
        commit: ObjectId,
    },
    /// A range of commits could not be walked.
    #[error("cannot walk the commits of '{range}': {message}")]
    Walk {
        /// The range as given.
        range: String,
        /// What git reported.
        message: String,
    },
    /// An object that should be there cannot be read.
    #[error("cannot read {what} {id}: {message}")]
    Read {
        /// What kind of object was being read.
        what: &'static str,
        /// Its id.
        id: ObjectId,
        /// What git reported.
        message: String,
    },
}

/// An open repository, shareable across worker threads.
pub struct Repository {
    shared: gix::ThreadSafeRepository,
    /// How the repository is named in reports.
    name: String,
    /// Its packs, read directly for blobs and trees (see `packed.rs`).
    packs: packed::Packs,
}

/// A side resolved against the repository.
#[derive(Debug, Clone)]
pub struct ResolvedSide {
    /// The side as the user wrote it.
    pub spec: SideSpec,
    /// The commit its revision resolved to.
    pub commit: ObjectId,
    /// The tree of its directory at that commit.
    pub tree: ObjectId,
}

/// Delta chains of configuration blobs are short but many; a larger delta
/// base cache makes reading thousands of packed blobs about four times
/// faster than git's default.
const OPEN_OVERRIDES: [&str; 1] = ["core.deltaBaseCacheLimit=32m"];

impl Repository {
    /// Opens the repository at `path` (a work tree or a bare repository),
    /// or, without a path, the one around the current directory.
    pub fn open(path: Option<&Path>) -> Result<Self, RepositoryError> {
        match path {
            Some(path) => Self::open_at(path, path.display().to_string()),
            None => Self::discover(),
        }
    }

    /// Opens the repository at `path`, naming it `name` in reports.
    pub fn open_at(path: &Path, name: String) -> Result<Self, RepositoryError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(RepositoryError::Missing { path: path.into() });
            }
            Err(e) => {
                return Err(RepositoryError::Open {
                    path: path.into(),
                    message: e.to_string(),
                });
            }
            Ok(meta) if !meta.is_dir() => {
                return Err(RepositoryError::NotADirectory { path: path.into() });
            }
            Ok(_) => {}
        }
        let options = gix::open::Options::isolated().config_overrides(OPEN_OVERRIDES);
        let repo = gix::open_opts(path, options).map_err(|e| {
            if diagnose::uses_sha256(&diagnose::git_dir_of(path)) {
                RepositoryError::Sha256 { path: path.into() }
            } else {
                RepositoryError::Open {
                    path: path.into(),
                    message: describe(&e),
                }
            }
        })?;
        // Reading objects must not depend on the object database being
        // checked out: a clean error now beats a confusing one later.
        if let Err(e) = std::fs::read_dir(repo.objects.store_ref().path()) {
            return Err(RepositoryError::Open {
                path: path.into(),
                message: format!("cannot read its objects: {e}"),
            });
        }
        Ok(Repository {
            shared: repo.into_sync(),
            name,
            packs: packed::Packs::default(),
        })
    }

    fn discover() -> Result<Self, RepositoryError> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let found = match gix::discover(&cwd) {
            Ok(found) => found,
            Err(error) => return Err(Self::why_not_discovered(cwd, &error)),
        };
        let top = found
            .workdir()
            .unwrap_or_else(|| found.git_dir())
            .to_path_buf();
        let git_dir = found.git_dir().to_path_buf();
        drop(found);
        Self::open_at(&git_dir, top.display().to_string())
    }

    /// The error for a failed discovery from `cwd`: a repository that is
    /// there but cannot be opened is named with the reason, so that a
    /// SHA-256 or broken repository is not reported as no repository.
    fn why_not_discovered(cwd: PathBuf, error: &gix::Error) -> RepositoryError {
        let Ok((found, _trust)) = gix::discover::upwards(&cwd) else {
            return RepositoryError::NotDiscovered { dir: cwd };
        };
        let (git_dir, work_tree) = found.into_repository_and_work_tree_directories();
        let path = work_tree.unwrap_or_else(|| git_dir.clone());
        if diagnose::uses_sha256(&git_dir) {
            RepositoryError::Sha256 { path }
        } else {
            RepositoryError::Open {
                path,
                message: describe(error),
            }
        }
    }

    /// How the repository is named in reports: the path or URL as the user
    /// gave it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bytes of `id`, an object of `kind`, read straight from a pack
    /// of the repository's own if one holds it and it is at most `limit`
    /// bytes; `None` means: ask the object database (see `packed.rs`).
    pub(crate) fn packed(
        &self,
        id: &ObjectId,
        kind: PackedKind,
        limit: u64,
        inflater: &mut libdeflater::Decompressor,
    ) -> Option<Vec<u8>> {
        self.packs
            .read(self.shared.objects.path(), id, kind, limit, inflater)
    }

    /// A handle for the current thread. Each handle has its own caches, so
    /// a worker should take one and keep it for a run of objects.
    pub fn local(&self) -> gix::Repository {
        self.shared.to_thread_local()
    }

    /// Resolves `spec` to a commit and the tree of its directory.
    pub fn resolve(&self, spec: &SideSpec) -> Result<ResolvedSide, RepositoryError> {
        let repo = self.local();
        let commit_id = self.commit_id(&spec.rev)?;
        let commit = repo
            .find_commit(commit_id)
            .map_err(|e| RepositoryError::NotACommit {
                rev: spec.rev.clone(),
                message: describe(&e),
            })?;
        let read_error = |what, id, e: gix::Error| RepositoryError::Read {
            what,
            id,
            message: describe(&e),
        };
        let root = commit
            .tree()
            .map_err(|e| read_error("tree of commit", commit_id, e))?;
        if spec.path.is_empty() {
            return Ok(ResolvedSide {
                spec: spec.clone(),
                commit: commit_id,
                tree: root.id,
            });
        }
        let in_submodule = |submodule| RepositoryError::InSubmodule {
            path: spec.given_path.clone(),
            submodule,
            rev: spec.rev.clone(),
            commit: commit_id,
        };
        let entry = match root.lookup_entry_by_path(&spec.path) {
            Ok(Some(entry)) => entry,
            // A path through a submodule is not found, or fails when gix
            // reads the submodule's commit (not in this repository) as a
            // tree.
            failed => {
                if let Some(submodule) = diagnose::submodule_on_path(&root, &spec.path) {
                    return Err(in_submodule(submodule));
                }
                return Err(match failed {
                    Err(e) => read_error("tree of commit", commit_id, e),
                    Ok(_) => RepositoryError::DirectoryNotFound {
                        path: spec.given_path.clone(),
                        rev: spec.rev.clone(),
                        commit: commit_id,
                    },
                });
            }
        };
        if entry.mode().is_commit() {
            return Err(in_submodule(spec.path.clone()));
        }
        if !entry.mode().is_tree() {
            return Err(RepositoryError::NotADirectoryInTree {
                path: spec.given_path.clone(),
                rev: spec.rev.clone(),
                commit: commit_id,
            });
        }
        Ok(ResolvedSide {
            spec: spec.clone(),
            commit: commit_id,
            tree: entry.object_id(),
        })
    }
}

impl Repository {
    /// The bytes of the regular file at `path` in the tree of `rev`, or
    /// `None` when there is none (nothing there, a folder, a link, a
    /// submodule). Files over `limit` bytes are an error before they are
    /// read.
    pub fn read_committed(
        &self,
        rev: &str,
        path: &str,
        limit: u64,
    ) -> Result<Option<Vec<u8>>, RepositoryError> {
        let repo = self.local();
        let commit_id = self.commit_id(rev)?;
        let read_error = |what, id, e: gix::Error| RepositoryError::Read {
            what,
            id,
            message: describe(&e),
        };
        let root = repo
            .find_commit(commit_id)
            .map_err(|e| RepositoryError::NotACommit {
                rev: rev.to_owned(),
                message: describe(&e),
            })?
            .tree()
            .map_err(|e| read_error("tree of commit", commit_id, e))?;
        let entry = match root.lookup_entry_by_path(path) {
            Ok(Some(entry)) if entry.mode().is_blob() => entry,
            _ => return Ok(None),
        };
        let id = entry.object_id();
        let header = repo
            .find_header(id)
            .map_err(|e| read_error("file", id, e))?;
        if header.size() > limit {
            return Err(RepositoryError::Read {
                what: "file",
                id,
                message: format!(
                    "{path} is {} bytes, over the limit of {limit}",
                    header.size()
                ),
            });
        }
        let mut blob = repo.find_blob(id).map_err(|e| read_error("file", id, e))?;
        Ok(Some(blob.take_data()))
    }
}

/// gix errors print only their top line, and the whole chain repeats
/// itself; the deepest cause ("the ref partially named 'x' could not be
/// found", "Permission denied") is what a user needs next to the path or
/// revision our own message already names.
pub(crate) fn describe(error: &gix::Error) -> String {
    error
        .iter_errors()
        .map(|cause| cause.to_string())
        .filter(|text| !text.is_empty())
        .last()
        .unwrap_or_else(|| error.to_string())
}
