//! The services of a side: sub-directories of DIR that hold the config file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use gix::ObjectId;
use gix::bstr::{BStr, BString};
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
    pub(super) fn from_git(kind: GitKind) -> Self {
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

/// Services by their folder name as git stores it (bytes, which need not
/// be UTF-8), in byte order.
pub type Services = BTreeMap<BString, ServiceEntry>;

/// A service's name as reports print and the store keeps it: the folder
/// name where it is UTF-8, with each byte that is not written `\xNN` and a
/// literal backslash written `\\`, so two folders never get one name and
/// the bytes can be read back from the name.
pub fn service_name(bytes: &BStr) -> String {
    let mut name = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                name.push_str("\\\\");
            } else {
                name.push(c);
            }
        }
        for byte in chunk.invalid() {
            let _ = write!(name, "\\x{byte:02x}");
        }
    }
    name
}

impl Repository {
    /// Lists the services of `side`: every immediate sub-directory of its
    /// tree that has an entry named `file`.
    pub fn services(&self, side: &ResolvedSide, file: &str) -> Result<Services, RepositoryError> {
        self.services_with(side, file, &mut SubtreeMemo::new())
    }

    /// [`Repository::services`], with the config entries of the service
    /// folders `memo` already holds (for `file`) taken from it: a folder's
    /// tree id names its content, so an entry holds in any repository.
    pub fn services_with(
        &self,
        side: &ResolvedSide,
        file: &str,
        memo: &mut SubtreeMemo,
    ) -> Result<Services, RepositoryError> {
        self.services_of_tree(&self.local(), side.tree, file, memo)
    }

    /// Lists the services of the folder `tree`. `memo` remembers each
    /// service folder's config entry by the folder's tree id, so walking
    /// many commits reads each service folder once, however many commits
    /// share it.
    pub(crate) fn services_of_tree(
        &self,
        repo: &gix::Repository,
        tree: ObjectId,
        file: &str,
        memo: &mut SubtreeMemo,
    ) -> Result<Services, RepositoryError> {
        let mut trees = TreeReader::new(self, repo);
        let mut folders = Vec::new();
        trees.entries(tree, |entry| {
            if entry.mode.is_tree() {
                folders.push((entry.filename.to_owned(), entry.oid.to_owned()));
            }
        })?;
        // Collected, then built at once: tree order is nearly byte order,
        // and a map built from a sorted list costs no search per entry
        // (inserting one by one was a tenth of a history's second run).
        let mut services = Vec::with_capacity(folders.len());
        for (name, service_id) in folders {
            let config = match memo.get(&service_id) {
                Some(config) => *config,
                None => {
                    let mut config = None;
                    trees.entries(service_id, |entry| {
                        if config.is_none() && entry.filename == file.as_bytes() {
                            config = Some(ServiceEntry {
                                kind: EntryKind::from_git(entry.mode.kind()),
                                id: entry.oid.to_owned(),
                            });
                        }
                    })?;
                    memo.insert(service_id, config);
                    config
                }
            };
            if let Some(config) = config {
                services.push((name, config));
            }
        }
        Ok(services.into_iter().collect())
    }
}

/// The largest tree read straight from a pack; a larger one goes through
/// the object database. A folder of 100,000 services is a tree of about
/// 4 MB.
const MAX_PACKED_TREE: u64 = 64 << 20;

/// Reads trees straight from a pack where it can (see
/// [`Repository::packed`]), through the object database otherwise.
struct TreeReader<'a> {
    repository: &'a Repository,
    repo: &'a gix::Repository,
    inflater: libdeflater::Decompressor,
}

impl<'a> TreeReader<'a> {
    fn new(repository: &'a Repository, repo: &'a gix::Repository) -> Self {
        TreeReader {
            repository,
            repo,
            inflater: libdeflater::Decompressor::new(),
        }
    }

    /// Calls `each` with every entry of tree `id`, in order.
    fn entries(
        &mut self,
        id: ObjectId,
        mut each: impl FnMut(gix::objs::tree::EntryRef<'_>),
    ) -> Result<(), RepositoryError> {
        let read_error = |message: String| RepositoryError::Read {
            what: "tree",
            id,
            message,
        };
        let packed = self.repository.packed(
            &id,
            super::PackedKind::Tree,
            MAX_PACKED_TREE,
            &mut self.inflater,
        );
        let data = match packed {
            // A tree that does not parse is read again the usual way, which
            // says what is wrong with it.
            Some(data)
                if gix::objs::TreeRefIter::from_bytes(&data, gix::hash::Kind::Sha1)
                    .all(|e| e.is_ok()) =>
            {
                data
            }
            _ => {
                self.repo
                    .find_tree(id)
                    .map_err(|e| read_error(describe(&e)))?
                    .detach()
                    .data
            }
        };
        for entry in gix::objs::TreeRefIter::from_bytes(&data, gix::hash::Kind::Sha1) {
            each(entry.map_err(|e| read_error(e.to_string()))?);
        }
        Ok(())
    }
}

impl Repository {
    /// Lists the services of `side` at any depth (`--recursive`): every
    /// folder below its tree that has an entry named `file`, named by its
    /// path from the side's folder (`team-a/billing`). A service folder's
    /// own sub-folders are looked into too, so services may nest.
    pub fn services_recursive(
        &self,
        side: &ResolvedSide,
        file: &str,
    ) -> Result<Services, RepositoryError> {
        let repo = self.local();
        let read_error = |id, e: gix::Error| RepositoryError::Read {
            what: "tree",
            id,
            message: describe(&e),
        };
        let mut services = Services::new();
        let mut folders: Vec<(BString, ObjectId)> = vec![(BString::default(), side.tree)];
        while let Some((prefix, tree)) = folders.pop() {
            let dir = repo.find_tree(tree).map_err(|e| read_error(tree, e))?;
            for entry in dir.iter() {
                let entry = entry.map_err(|e| read_error(tree, e))?;
                if !entry.mode().is_tree() {
                    continue;
                }
                let mut name = prefix.clone();
                if !name.is_empty() {
                    name.push(b'/');
                }
                name.extend_from_slice(entry.filename());
                let id = entry.object_id();
                let folder = repo.find_tree(id).map_err(|e| read_error(id, e))?;
                if let Some(config) = folder.find_entry(file) {
                    services.insert(
                        name.clone(),
                        ServiceEntry {
                            kind: EntryKind::from_git(config.mode().kind()),
                            id: config.object_id(),
                        },
                    );
                }
                folders.push((name, id));
            }
        }
        Ok(services)
    }
}

/// Service folder tree id → its config entry (`None`: it has none).
pub(crate) type SubtreeMemo = std::collections::HashMap<ObjectId, Option<ServiceEntry>>;

/// What a side's folder holds, for the hint when no service was found.
#[derive(Debug, Default)]
struct Holdings {
    /// The folder itself has an entry named like the config file.
    holds_file: bool,
    /// YAML file names in its sub-folders, with how many folders hold each.
    yaml_names: BTreeMap<String, usize>,
}

impl Repository {
    /// The error for two sides without a single service: what was looked
    /// for, and what the folders hold instead.
    pub(crate) fn nothing_to_compare(
        &self,
        left: &ResolvedSide,
        right: &ResolvedSide,
        file: &str,
    ) -> RepositoryError {
        let mut held = Holdings::default();
        let mut holding_dirs = Vec::new();
        for side in [left, right] {
            let one = self.holdings(side, file);
            if one.holds_file && !holding_dirs.contains(&side.spec.given_path) {
                holding_dirs.push(side.spec.given_path.clone());
            }
            held.holds_file |= one.holds_file;
            for (name, count) in one.yaml_names {
                *held.yaml_names.entry(name).or_default() += count;
            }
        }
        let hint = if let Some(dir) = holding_dirs.first() {
            format!(
                "'{dir}' itself holds {file}: give the folder that holds the service folders (its parent)"
            )
        } else if held.yaml_names.is_empty() {
            "their sub-folders hold no .yml or .yaml files".to_owned()
        } else {
            let mut names: Vec<(String, usize)> = held.yaml_names.into_iter().collect();
            names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let listed: Vec<String> = names
                .iter()
                .take(3)
                .map(|(name, count)| format!("{name} ({count})"))
                .collect();
            format!(
                "their sub-folders hold {}; pass --file {}",
                listed.join(", "),
                names[0].0
            )
        };
        RepositoryError::NothingToCompare {
            left: left.spec.to_string(),
            right: right.spec.to_string(),
            file: file.to_owned(),
            hint,
        }
    }

    /// Best effort: a folder that cannot be read gives no hint.
    fn holdings(&self, side: &ResolvedSide, file: &str) -> Holdings {
        let mut held = Holdings::default();
        let repo = self.local();
        let Ok(dir) = repo.find_tree(side.tree) else {
            return held;
        };
        held.holds_file = dir.find_entry(file).is_some();
        for entry in dir.iter().flatten() {
            if !entry.mode().is_tree() {
                continue;
            }
            let Ok(sub) = repo.find_tree(entry.object_id()) else {
                continue;
            };
            for inner in sub.iter().flatten() {
                let name = inner.filename();
                if inner.mode().is_blob() && (name.ends_with(b".yml") || name.ends_with(b".yaml")) {
                    *held.yaml_names.entry(service_name(name)).or_default() += 1;
                }
            }
        }
        held
    }
}

#[cfg(test)]
mod tests {
    use gix::bstr::ByteSlice;

    use super::*;

    #[test]
    fn names_that_are_not_utf8_stay_distinct_and_readable() {
        assert_eq!(service_name(b"billing".as_bstr()), "billing");
        assert_eq!(service_name(b"x\xff".as_bstr()), "x\\xff");
        assert_eq!(service_name(b"x\xfe".as_bstr()), "x\\xfe");
        assert_eq!(service_name("caf\u{e9}".as_bytes().as_bstr()), "caf\u{e9}");
        // A literal backslash is escaped, so "a\\xff" cannot collide with
        // the byte 0xff.
        assert_eq!(service_name(br"a\xff".as_bstr()), r"a\\xff");
        assert_ne!(
            service_name(br"a\xff".as_bstr()),
            service_name(b"a\xff".as_bstr())
        );
    }
}
