//! The walk along first parents.
//!
//! Only commits on the first-parent chain are visited: a merge is one
//! step, whatever its other parents hold. At each commit the file's tree
//! entry decides cheaply whether the state can have changed: the same
//! entry as the commit after it means the same state, with nothing
//! loaded; and each blob is loaded at most once (a value that comes back,
//! or a file that goes back and forth, is looked up in a memo).

use std::collections::HashMap;
use std::rc::Rc;

use gix::ObjectId;

use super::{BlameChange, BlameError, BlameOptions, BlameReport, BlameState};
use crate::compare::{self, CompareOptions, SideProblem};
use crate::diff::{Selector, SideValue};
use crate::document::Value;
use crate::repository::{EntryKind, Repository, RepositoryError, TreeEntry};
use crate::side::SideSpec;

/// Blames the value `selector` finds in `target` (a file, or a folder
/// holding `options.file`) from `target.rev` back.
pub(crate) fn blame(
    repo: &Repository,
    target: &SideSpec,
    selector: &Selector,
    options: &BlameOptions,
) -> Result<BlameReport, BlameError> {
    let local = repo.local();
    let start = repo.commit_id(&target.rev)?;
    let mut commit = start;
    let (mut tree, mut first_parent) = repo.tree_and_first_parent(&local, commit)?;
    let file_path = file_path(repo, &local, start, tree, target, &options.file)?;
    let mut states = States {
        repo,
        local: &local,
        selector,
        load_options: CompareOptions {
            rules: crate::rules::Rules::default(),
            file: file_path.clone(),
            max_file_size: options.max_file_size,
        },
        memo: HashMap::new(),
        inflater: libdeflater::Decompressor::new(),
    };

    let mut entry = states.entry(tree)?;
    let mut state = states.state(entry)?;
    let current = state.shown();
    let mut seen_present = state.is_present();
    let mut changes = Vec::new();
    loop {
        let parent = match first_parent {
            None => None,
            Some(id) => {
                let (parent_tree, grandparent) = repo.tree_and_first_parent(&local, id)?;
                let parent_entry = if parent_tree == tree {
                    entry
                } else {
                    states.entry(parent_tree)?
                };
                let parent_state = if parent_entry == entry {
                    Rc::clone(&state)
                } else {
                    states.state(parent_entry)?
                };
                Some((id, parent_tree, grandparent, parent_entry, parent_state))
            }
        };
        let before = parent
            .as_ref()
            .map_or_else(|| Rc::new(Found::Absent), |(.., s)| Rc::clone(s));
        seen_present |= before.is_present();
        if *before != *state && (options.all || changes.is_empty()) {
            changes.push(BlameChange {
                commit: repo.commit_info(&local, commit)?,
                before: before.shown(),
                after: state.shown(),
            });
        }
        let Some((id, parent_tree, grandparent, parent_entry, parent_state)) = parent else {
            break;
        };
        // Without --all the walk stops at the newest change, unless no
        // state so far had a value: then it goes on to tell a path that
        // was never there from one that was.
        if !options.all && !changes.is_empty() && seen_present {
            break;
        }
        (commit, tree, first_parent) = (id, parent_tree, grandparent);
        (entry, state) = (parent_entry, parent_state);
    }
    if !seen_present {
        return Err(BlameError::NeverPresent {
            path: selector.path.to_string(),
            file_path,
            rev: target.rev.clone(),
            commit: start,
        });
    }
    Ok(BlameReport {
        repository: repo.name().to_owned(),
        rev: target.rev.clone(),
        commit: start,
        file_path,
        path: selector.path.clone(),
        current,
        changes,
    })
}

/// The file TARGET names at the start of the walk: itself, or the config
/// file in it when it is a folder there.
fn file_path(
    repo: &Repository,
    local: &gix::Repository,
    commit: ObjectId,
    tree: ObjectId,
    target: &SideSpec,
    file: &str,
) -> Result<String, BlameError> {
    if target.path.is_empty() {
        return Ok(file.to_owned());
    }
    match repo.entry_at(local, tree, &target.path)? {
        None => Err(BlameError::TargetNotFound {
            target: target.given_path.clone(),
            rev: target.rev.clone(),
            commit,
        }),
        Some(entry) if entry.kind == EntryKind::Directory => Ok(format!("{}/{file}", target.path)),
        Some(_) => Ok(target.path.clone()),
    }
}

/// A state as the walk compares it: a present value is kept as a value,
/// since equality is the documents', not their JSON text's.
#[derive(Debug)]
enum Found {
    Absent,
    Error(SideProblem),
    Present(Value, u32),
}

impl Found {
    fn is_present(&self) -> bool {
        matches!(self, Found::Present(..))
    }

    fn shown(&self) -> BlameState {
        match self {
            Found::Absent => BlameState::Absent,
            Found::Error(problem) => BlameState::Error {
                kind: problem.kind(),
                message: problem.to_string(),
            },
            Found::Present(value, line) => BlameState::Present(SideValue::of(value, *line)),
        }
    }
}

/// Lines never count, and one error is the same state as another.
impl PartialEq for Found {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Found::Absent, Found::Absent) | (Found::Error(_), Found::Error(_)) => true,
            (Found::Present(a, _), Found::Present(b, _)) => a == b,
            _ => false,
        }
    }
}

/// States by tree entry, each blob loaded once.
struct States<'a> {
    repo: &'a Repository,
    local: &'a gix::Repository,
    selector: &'a Selector,
    load_options: CompareOptions,
    memo: HashMap<ObjectId, Rc<Found>>,
    /// Blobs are read as a comparison reads them (see `compare::load_packed`).
    inflater: libdeflater::Decompressor,
}

impl States<'_> {
    /// The file's entry in root tree `tree`.
    fn entry(&self, tree: ObjectId) -> Result<Option<TreeEntry>, RepositoryError> {
        self.repo
            .entry_at(self.local, tree, &self.load_options.file)
    }

    fn state(&mut self, entry: Option<TreeEntry>) -> Result<Rc<Found>, RepositoryError> {
        let blob = match entry {
            Some(TreeEntry {
                kind: EntryKind::File,
                id,
            }) => id,
            _ => return Ok(Rc::new(Found::Absent)),
        };
        if let Some(found) = self.memo.get(&blob) {
            return Ok(Rc::clone(found));
        }
        let found = match compare::load_packed(
            self.repo,
            self.local,
            &mut self.inflater,
            blob,
            &self.load_options,
        ) {
            Ok(document) => match self.selector.find(&document) {
                Some((value, line)) => Found::Present(value.clone(), line),
                None => Found::Absent,
            },
            Err(SideProblem::Unreadable { blob, message }) => {
                return Err(RepositoryError::Read {
                    what: "blob",
                    id: blob,
                    message,
                });
            }
            Err(problem) => Found::Error(problem),
        };
        let found = Rc::new(found);
        self.memo.insert(blob, Rc::clone(&found));
        Ok(found)
    }
}
