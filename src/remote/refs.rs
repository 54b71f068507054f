//! Keeping a mirror's references equal to the remote's after a fetch:
//! branches and tags deleted upstream are deleted here too (gix's fetch
//! only adds and updates), and `HEAD` follows the remote's default branch.

use std::collections::HashSet;

use gix::bstr::{BStr, ByteSlice};
use gix::error::ResultExt;
use gix::protocol::fetch::RefMap;
use gix::protocol::handshake::Ref;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::{FullName, Target};

/// The fetch refspecs of every mirror. Branches land under their own names
/// so `main` and `release/2.1` resolve as they do on the remote; tags too;
/// and each branch also as `origin/<branch>`, because that is how people
/// name the remote's branches in their own clones. All forced: the mirror
/// follows the remote, rewritten history included.
pub const FETCH_REFSPECS: [&str; 3] = [
    "+refs/heads/*:refs/heads/*",
    "+refs/tags/*:refs/tags/*",
    "+refs/heads/*:refs/remotes/origin/*",
];

/// The namespaces the refspecs above write, and so the ones pruned.
const MIRRORED: [&str; 3] = ["refs/heads/", "refs/tags/", "refs/remotes/origin/"];

/// Kept by [`follow_remote_head`], not a branch of the remote.
const REMOTE_HEAD: &str = "refs/remotes/origin/HEAD";

/// Deletes the references in the mirrored namespaces that the fetch did
/// not map from a reference the remote advertised. Returns how many.
pub fn prune(repo: &gix::Repository, ref_map: &RefMap) -> gix::Result<usize> {
    let wanted: HashSet<&BStr> = ref_map
        .mappings
        .iter()
        .filter_map(|mapping| mapping.local.as_ref().map(|name| name.as_bstr()))
        .collect();
    let platform = repo.references()?;
    let mut edits = Vec::new();
    for prefix in MIRRORED {
        for reference in platform.prefixed(prefix)? {
            let reference = reference?;
            let name = reference.name();
            if name.as_bstr() != REMOTE_HEAD && !wanted.contains(name.as_bstr()) {
                edits.push(RefEdit {
                    change: Change::Delete {
                        expected: PreviousValue::Any,
                        log: RefLog::AndReference,
                    },
                    name: name.to_owned(),
                    deref: false,
                });
            }
        }
    }
    let count = edits.len();
    if count > 0 {
        repo.edit_references(edits)?;
    }
    Ok(count)
}

/// Points `HEAD` at the remote's default branch, and
/// `refs/remotes/origin/HEAD` at its `origin/` name, when the remote
/// advertised one (it may have changed since the clone). A revision-less
/// side then means what it means on the remote.
pub fn follow_remote_head(repo: &gix::Repository, ref_map: &RefMap) -> gix::Result<()> {
    let Some(target) = ref_map.remote_refs.iter().find_map(|r| match r {
        Ref::Symbolic {
            full_ref_name,
            target,
            ..
        }
        | Ref::Unborn {
            full_ref_name,
            target,
        } if full_ref_name == "HEAD" => Some(target),
        _ => None,
    }) else {
        return Ok(());
    };
    let Some(branch) = target.strip_prefix(b"refs/heads/") else {
        return Ok(());
    };
    let wanted = [
        ("HEAD".to_owned(), target.to_str_lossy().into_owned()),
        (
            REMOTE_HEAD.to_owned(),
            format!("refs/remotes/origin/{}", branch.to_str_lossy()),
        ),
    ];
    let mut edits = Vec::new();
    for (name, target) in wanted {
        let current = repo
            .try_find_reference(name.as_str())?
            .and_then(|r| match r.target() {
                gix::refs::TargetRef::Symbolic(current) => Some(current.as_bstr().to_owned()),
                gix::refs::TargetRef::Object(_) => None,
            });
        if current.as_ref().is_some_and(|c| c == target.as_bytes()) {
            continue;
        }
        edits.push(RefEdit {
            change: Change::Update {
                log: LogChange {
                    mode: RefLog::AndReference,
                    force_create_reflog: false,
                    message: "confdiff: follow the remote's default branch".into(),
                },
                expected: PreviousValue::Any,
                new: Target::Symbolic(FullName::try_from(target.as_str()).or_error()?),
            },
            name: FullName::try_from(name.as_str()).or_error()?,
            deref: false,
        });
    }
    if !edits.is_empty() {
        repo.edit_references(edits)?;
    }
    Ok(())
}
