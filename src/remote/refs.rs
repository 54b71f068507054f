//! Keeping a mirror's references equal to the remote's after a fetch.
//!
//! gix's fetch writes one reference edit per advertised reference, moved
//! or not, and locks each of them: with thousands of tags a fetch with
//! nothing new spent seconds creating and removing lock files. So confdiff
//! moves the references itself: [`missing_objects`] says which advertised
//! references need a pack, and [`update`] compares what the remote
//! advertised with what the mirror holds, in one pass over each, and
//! writes one transaction with only the references that moved, appeared
//! or disappeared (like `git fetch --prune --prune-tags`), `HEAD`
//! following the remote's default branch. Nothing that did not move is
//! touched.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use gix::bstr::{BStr, BString, ByteSlice};
use gix::lock::acquire::Fail;
use gix::objs::Exists;
use gix::protocol::handshake::Ref;
use gix::refs::file::transaction::PackedRefs;
use gix::refs::transaction::{Change, LogChange, PreviousValue, RefEdit, RefLog};
use gix::refs::{FullName, Target};

/// The fetch refspecs written in every mirror's config, for people who
/// run git in it. Branches land under their own names so `main` and
/// `release/2.1` resolve as they do on the remote; tags too; and each
/// branch also as `origin/<branch>`, because that is how people name the
/// remote's branches in their own clones. All forced: the mirror follows
/// the remote, rewritten history included. [`update`] keeps exactly this
/// layout.
pub const FETCH_REFSPECS: [&str; 3] = [
    "+refs/heads/*:refs/heads/*",
    "+refs/tags/*:refs/tags/*",
    "+refs/heads/*:refs/remotes/origin/*",
];

/// The namespaces [`FETCH_REFSPECS`] write, and so the ones pruned.
const MIRRORED: [&str; 3] = ["refs/heads/", "refs/tags/", "refs/remotes/origin/"];

/// Where a branch is also kept.
const ORIGIN_PREFIX: &str = "refs/remotes/origin/";

/// Kept by [`update`] as the remote's default branch, not a branch of the
/// remote.
const REMOTE_HEAD: &str = "refs/remotes/origin/HEAD";

/// How long to wait for a git lock file. The mirror lock already keeps
/// other confdiff processes out; these are git's defaults.
const REF_LOCK_WAIT: Duration = Duration::from_millis(100);
const PACKED_REFS_LOCK_WAIT: Duration = Duration::from_secs(1);

/// The names of the advertised branches and tags whose objects the mirror
/// does not have: what a pack must bring before [`update`] can move them.
pub fn missing_objects(repo: &gix::Repository, remote_refs: &[Ref]) -> Vec<BString> {
    remote_refs
        .iter()
        .filter_map(|remote| match remote.unpack() {
            (name, Some(id), _)
                if (name.starts_with(b"refs/heads/") || name.starts_with(b"refs/tags/"))
                    && !repo.objects.exists(id) =>
            {
                Some(name.to_owned())
            }
            _ => None,
        })
        .collect()
}

/// `advertised` with each reference that `later` advertises replaced by
/// its value there: the objects of a second connection's pack match the
/// second connection's advertisement.
pub fn merge_advertised(advertised: &mut [Ref], later: &[Ref]) {
    let later_by_name: HashMap<&BStr, &Ref> = later.iter().map(|r| (r.unpack().0, r)).collect();
    for remote in advertised.iter_mut() {
        if let Some(newer) = later_by_name.get(remote.unpack().0) {
            *remote = (*newer).clone();
        }
    }
}

/// How many references an [`update`] wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RefChanges {
    /// Created or moved.
    pub updated: usize,
    /// Deleted because the remote no longer has them.
    pub deleted: usize,
}

/// Makes the mirrored namespaces and `HEAD` of `repo` what `remote_refs`
/// (the references the remote advertised) say, writing only the
/// references that differ, in one transaction: every reference moves
/// atomically, and each edit expects the value read here, so nothing is
/// overwritten that changed meanwhile. A reference whose object is not in
/// the object database (the remote did not send it) is left as it is.
pub fn update(repo: &gix::Repository, remote_refs: &[Ref]) -> gix::Result<RefChanges> {
    let wanted = wanted(remote_refs);
    let current = current(repo)?;
    let mut edits = Vec::new();
    let mut changes = RefChanges::default();
    for (name, new) in &wanted {
        let expected = match current.get(name) {
            Some(now) if now == new => continue,
            Some(now) => PreviousValue::MustExistAndMatch(now.clone()),
            None => PreviousValue::MustNotExist,
        };
        if let Target::Object(id) = new
            && !repo.objects.exists(id)
        {
            continue;
        }
        edits.push(RefEdit {
            change: Change::Update {
                log: LogChange {
                    mode: RefLog::AndReference,
                    force_create_reflog: false,
                    message: "confdiff: fetch".into(),
                },
                expected,
                new: new.clone(),
            },
            name: name.clone(),
            deref: false,
        });
        changes.updated += 1;
    }
    let default_branch_known = wanted.keys().any(|name| name.as_bstr() == "HEAD");
    for (name, now) in &current {
        let keep = wanted.contains_key(name)
            || name.as_bstr() == "HEAD"
            // Without a default branch from the remote, origin/HEAD stays
            // what it was, as HEAD does.
            || (name.as_bstr() == REMOTE_HEAD && !default_branch_known);
        if keep {
            continue;
        }
        edits.push(RefEdit {
            change: Change::Delete {
                expected: PreviousValue::MustExistAndMatch(now.clone()),
                log: RefLog::AndReference,
            },
            name: name.clone(),
            deref: false,
        });
        changes.deleted += 1;
    }
    if edits.is_empty() {
        return Ok(changes);
    }
    let committer = repo.committer().transpose()?;
    repo.refs
        .transaction()
        // New and moved references go straight into packed-refs (one
        // file rewritten once), as they do in a fresh clone.
        .packed_refs(
            PackedRefs::DeletionsAndNonSymbolicUpdatesRemoveLooseSourceReference(Box::new(
                &repo.objects,
            )),
        )
        .prepare(
            edits,
            Fail::AfterDurationWithBackoff(REF_LOCK_WAIT),
            Fail::AfterDurationWithBackoff(PACKED_REFS_LOCK_WAIT),
        )?
        .commit(committer)?;
    Ok(changes)
}

/// The references the mirror should hold: each branch under its own name
/// and as `origin/<branch>`, each tag, and, when the remote says which
/// branch is its default, `HEAD` and `origin/HEAD` pointing at it. When it
/// does not say, `HEAD` is absent here and left as it is. A name git
/// cannot store is left out.
fn wanted(remote_refs: &[Ref]) -> BTreeMap<FullName, Target> {
    let mut wanted = BTreeMap::new();
    let mut add = |name: BString, target: Target| {
        if let Ok(name) = FullName::try_from(name) {
            wanted.insert(name, target);
        }
    };
    let mut default_branch = None;
    for remote in remote_refs {
        let (name, id, _peeled) = remote.unpack();
        if name == "HEAD" {
            if let Ref::Symbolic { target, .. } | Ref::Unborn { target, .. } = remote {
                default_branch = target.strip_prefix(b"refs/heads/").map(BStr::new);
            }
            continue;
        }
        // An unborn branch other than HEAD has nothing to point at.
        let Some(id) = id else { continue };
        let target = Target::Object(id.to_owned());
        if let Some(branch) = name.strip_prefix(b"refs/heads/") {
            add(origin(branch.as_bstr()), target.clone());
            add(name.to_owned(), target);
        } else if name.starts_with(b"refs/tags/") {
            add(name.to_owned(), target);
        }
    }
    if let Some(branch) = default_branch
        && let (Ok(head), Ok(remote_head)) = (
            FullName::try_from(BString::from([b"refs/heads/", branch.as_bytes()].concat())),
            FullName::try_from(origin(branch)),
        )
    {
        add("HEAD".into(), Target::Symbolic(head));
        add(REMOTE_HEAD.into(), Target::Symbolic(remote_head));
    }
    wanted
}

fn origin(branch: &BStr) -> BString {
    BString::from([ORIGIN_PREFIX.as_bytes(), branch.as_bytes()].concat())
}

/// What the mirror holds now in the mirrored namespaces, and `HEAD`: one
/// walk over the references (packed-refs read once), no lookup per name.
fn current(repo: &gix::Repository) -> gix::Result<HashMap<FullName, Target>> {
    let mut current = HashMap::new();
    let platform = repo.references()?;
    for prefix in MIRRORED {
        for reference in platform.prefixed(prefix)? {
            let reference = reference?;
            current.insert(reference.name().to_owned(), reference.target().into_owned());
        }
    }
    if let Some(head) = repo.try_find_reference("HEAD")? {
        current.insert(head.name().to_owned(), head.target().into_owned());
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let output = Command::new("git")
            .current_dir(dir)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_AUTHOR_NAME", "T")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "T")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .unwrap();
        assert!(output.status.success(), "git {args:?}");
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// A bare repository with one commit on main and an annotated tag,
    /// and what a remote holding the same would advertise.
    fn mirror_and_advertisement() -> (tempfile::TempDir, Vec<Ref>) {
        let dir = tempfile::tempdir().unwrap();
        git(dir.path(), &["init", "-q", "--bare", "-b", "main"]);
        let tree = git(
            dir.path(),
            &["hash-object", "-t", "tree", "-w", "/dev/null"],
        );
        let commit = git(dir.path(), &["commit-tree", &tree, "-m", "first"]);
        git(dir.path(), &["update-ref", "refs/heads/main", &commit]);
        git(dir.path(), &["tag", "-a", "-m", "v1", "v1", &commit]);
        let tag = git(dir.path(), &["rev-parse", "v1"]);
        let id = |hex: &str| gix::ObjectId::from_hex(hex.as_bytes()).unwrap();
        let advertised = vec![
            Ref::Symbolic {
                full_ref_name: "HEAD".into(),
                target: "refs/heads/main".into(),
                tag: None,
                object: id(&commit),
            },
            Ref::Direct {
                full_ref_name: "refs/heads/main".into(),
                object: id(&commit),
            },
            Ref::Peeled {
                full_ref_name: "refs/tags/v1".into(),
                tag: id(&tag),
                object: id(&commit),
            },
        ];
        (dir, advertised)
    }

    #[test]
    fn only_references_that_differ_are_written() {
        let (dir, advertised) = mirror_and_advertisement();
        let repo = gix::open(dir.path()).unwrap();
        // origin/main and origin/HEAD are new; main, v1 and HEAD are right.
        assert_eq!(
            update(&repo, &advertised).unwrap(),
            RefChanges {
                updated: 2,
                deleted: 0
            }
        );
        assert_eq!(
            git(dir.path(), &["symbolic-ref", "refs/remotes/origin/HEAD"]),
            "refs/remotes/origin/main"
        );
        let repo = gix::open(dir.path()).unwrap();
        assert_eq!(
            update(&repo, &advertised).unwrap(),
            RefChanges::default(),
            "nothing moved, nothing written"
        );
        // The remote deleted its tag.
        assert_eq!(
            update(&repo, &advertised[..2]).unwrap(),
            RefChanges {
                updated: 0,
                deleted: 1
            }
        );
        assert_eq!(git(dir.path(), &["tag", "--list"]), "");
    }

    #[test]
    fn an_object_the_mirror_lacks_is_reported_missing_and_its_reference_left_alone() {
        let (dir, mut advertised) = mirror_and_advertisement();
        let repo = gix::open(dir.path()).unwrap();
        let absent = gix::ObjectId::from_hex(b"1111111111111111111111111111111111111111").unwrap();
        advertised.push(Ref::Direct {
            full_ref_name: "refs/heads/next".into(),
            object: absent,
        });
        assert_eq!(missing_objects(&repo, &advertised), ["refs/heads/next"]);
        update(&repo, &advertised).unwrap();
        assert!(
            repo.try_find_reference("refs/heads/next")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_later_advertisement_wins_for_the_names_it_has() {
        let (_dir, advertised) = mirror_and_advertisement();
        let mut merged = advertised.clone();
        let moved = Ref::Direct {
            full_ref_name: "refs/heads/main".into(),
            object: gix::ObjectId::from_hex(b"2222222222222222222222222222222222222222").unwrap(),
        };
        merge_advertised(&mut merged, std::slice::from_ref(&moved));
        assert_eq!(merged[1], moved);
        assert_eq!(merged[2], advertised[2]);
    }
}
