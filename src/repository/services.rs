//! The services of a side: sub-directories of DIR that hold the config file.

use std::collections::BTreeMap;

use gix::ObjectId;
use gix::object::tree::EntryKind as GitKind;

use super::{Repository, RepositoryError, ResolvedSide, describe};

/// What a service's config entry is in the tree. Only regular files can be
/// compared; the others are reported as errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// A blob, mode 100644 or 100755.
    File,
    /// A symbolic link.
    Symlink,
    /// A submodule (a commit entry).
    Submodule,
    /// A directory.
    Directory,
}

impl EntryKind {
    fn from_git(kind: GitKind) -> Self {
        match kind {
            GitKind::Blob | GitKind::BlobExecutable => EntryKind::File,
            GitKind::Link => EntryKind::Symlink,
            GitKind::Commit => EntryKind::Submodule,
            GitKind::Tree => EntryKind::Directory,
        }
    }

    /// "a symlink", "a submodule", … for messages.
    pub fn describe(self) -> &'static str {
        match self {
            EntryKind::File => "a regular file",
            EntryKind::Symlink => "a symlink",
            EntryKind::Submodule => "a submodule",
            EntryKind::Directory => "a directory",
        }
    }
}

/// A service's config entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceEntry {
    /// What the entry is.
    pub kind: EntryKind,
    /// The object it points to (the blob for a file).
    pub id: ObjectId,
}

/// Services by name, in byte order.
pub type Services = BTreeMap<String, ServiceEntry>;

impl Repository {
    /// Lists the services of `side`: every immediate sub-directory of its
    /// tree that has an entry named `file`.
    pub fn services(&self, side: &ResolvedSide, file: &str) -> Result<Services, RepositoryError> {
        let repo = self.local();
        let read_error = |id, e: gix::Error| RepositoryError::Read {
            what: "tree",
            id,
            message: describe(&e),
        };
        let dir = repo
            .find_tree(side.tree)
            .map_err(|e| read_error(side.tree, e))?;
        let mut services = Services::new();
        for entry in dir.iter() {
            let entry = entry.map_err(|e| read_error(side.tree, e))?;
            if !entry.mode().is_tree() {
                continue;
            }
            let service_id = entry.object_id();
            let service = repo
                .find_tree(service_id)
                .map_err(|e| read_error(service_id, e))?;
            if let Some(config) = service.find_entry(file) {
                services.insert(
                    entry.filename().to_string(),
                    ServiceEntry {
                        kind: EntryKind::from_git(config.mode().kind()),
                        id: config.object_id(),
                    },
                );
            }
        }
        Ok(services)
    }
}
