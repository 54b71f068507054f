//! Blobs and trees read straight from the repository's packs, inflated in
//! one call each into a buffer of their known size.
//!
//! Inflating was a third of a comparison on one thread: the object
//! database's streaming inflater builds its tables and moves its window
//! for every object. A pack entry gives its exact size, so a one-shot
//! inflater can write it in place; a delta is applied to its base, read the
//! same way. Anything this does not find or cannot read (loose objects,
//! alternates, packs added after the first read, commits and tags, an
//! object over the caller's size limit, and any entry or delta that is not
//! what it claims) is left to the object database, which also gives the
//! errors their words.
//!
//! Every blob and tree goes this way, not only some: objects of both kinds
//! share the pack's pages, and reading some through the object database's
//! own mapping of the file held those pages twice (12 MB more at 10,000
//! services).

use std::path::Path;
use std::sync::OnceLock;

use gix::ObjectId;
use gix::odb::pack;

/// The packs of a repository's own object directory, opened on first use.
#[derive(Default)]
pub(crate) struct Packs {
    opened: OnceLock<Vec<Pack>>,
}

/// One pack: its index, its data, and where each entry ends.
struct Pack {
    index: pack::index::File,
    data: pack::data::File,
    /// Every entry's offset in the data, sorted, then the end of the last
    /// entry: an entry runs to the next offset.
    bounds: Vec<u64>,
}

/// What an object read from a pack must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Blob,
    Tree,
}

/// Deltas followed before giving up on an object: git's own packs stay
/// at 50.
const MAX_CHAIN: usize = 64;

impl Packs {
    /// The packs under `objects` (`objects/pack/*.idx` with their `.pack`);
    /// one that cannot be opened is skipped, and its objects are read the
    /// usual way.
    fn open(objects: &Path) -> Vec<Pack> {
        let Ok(dir) = std::fs::read_dir(objects.join("pack")) else {
            return Vec::new();
        };
        let mut packs = Vec::new();
        for entry in dir.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|ext| ext != "idx") {
                continue;
            }
            let hash = gix::hash::Kind::Sha1;
            let (Ok(index), Ok(data)) = (
                pack::index::File::at(&path, hash),
                pack::data::File::at(path.with_extension("pack"), hash),
            ) else {
                continue;
            };
            if index.num_objects() != data.num_objects() {
                continue;
            }
            let mut bounds = index.sorted_offsets();
            bounds.push(data.pack_end() as u64);
            packs.push(Pack {
                index,
                data,
                bounds,
            });
        }
        packs
    }

    /// The bytes of `id`, an object of `kind` in a pack under `objects`,
    /// if a pack holds it and it and every base it is a delta of are at
    /// most `limit` bytes; `None` sends the caller to the object database.
    pub(crate) fn read(
        &self,
        objects: &Path,
        id: &ObjectId,
        kind: Kind,
        limit: u64,
        inflater: &mut libdeflater::Decompressor,
    ) -> Option<Vec<u8>> {
        let packs = self.opened.get_or_init(|| Packs::open(objects));
        let (pack, index) = packs
            .iter()
            .find_map(|pack| Some((pack, pack.index.lookup(id)?)))?;
        let offset = pack.index.pack_offset_at_index(index);
        let (found, bytes) = pack.resolve(offset, limit, inflater)?;
        (found == kind).then_some(bytes)
    }
}

impl Pack {
    /// The object at `offset`: its kind and bytes, with its deltas
    /// applied.
    fn resolve(
        &self,
        offset: u64,
        limit: u64,
        inflater: &mut libdeflater::Decompressor,
    ) -> Option<(Kind, Vec<u8>)> {
        use pack::data::entry::Header;
        // The deltas from the object down to its base, then the base. A
        // crafted chain of deltas, each under the limit, could still hold
        // many times it at once: the chain as a whole gets twice the
        // limit, which real chains (deltas of a few hundred bytes) never
        // come near.
        let mut deltas = Vec::new();
        let mut held = 0u64;
        let mut at = offset;
        let (kind, mut bytes) = loop {
            let entry = self.data.entry(at).ok()?;
            held = held.saturating_add(entry.decompressed_size);
            if held > limit.saturating_mul(2) {
                return None;
            }
            let inflated = self.inflate(at, &entry, limit, inflater);
            match entry.header {
                Header::Blob => break (Kind::Blob, inflated?),
                Header::Tree => break (Kind::Tree, inflated?),
                Header::OfsDelta { base_distance } => {
                    deltas.push(inflated?);
                    at = Header::verified_base_pack_offset(at, base_distance)?;
                }
                Header::RefDelta { base_id } => {
                    deltas.push(inflated?);
                    at = self.index.pack_offset_at_index(self.index.lookup(base_id)?);
                }
                Header::Commit | Header::Tag => return None,
            }
            if deltas.len() > MAX_CHAIN {
                return None;
            }
        };
        for delta in deltas.iter().rev() {
            bytes = apply(&bytes, delta, limit)?;
        }
        Some((kind, bytes))
    }

    /// The inflated data of the entry at `offset`, if it is at most
    /// `limit` bytes and inflates to exactly its stated size.
    fn inflate(
        &self,
        offset: u64,
        entry: &pack::data::Entry,
        limit: u64,
        inflater: &mut libdeflater::Decompressor,
    ) -> Option<Vec<u8>> {
        if entry.decompressed_size > limit {
            return None;
        }
        let next = self.bounds.partition_point(|&bound| bound <= offset);
        let end = *self.bounds.get(next)?;
        let compressed = self.data.entry_slice(entry.data_offset..end)?;
        let mut bytes = vec![0; usize::try_from(entry.decompressed_size).ok()?];
        let written = inflater.zlib_decompress(compressed, &mut bytes).ok()?;
        (written == bytes.len()).then_some(bytes)
    }
}

/// `base` with git's `delta` applied, or `None` if the delta does not fit
/// its base, claims a result over `limit` bytes, or does not make the
/// result it claims.
fn apply(base: &[u8], delta: &[u8], limit: u64) -> Option<Vec<u8>> {
    let mut at = 0;
    let mut size = || -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *delta.get(at)?;
            at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    };
    let base_size = size()?;
    let result_size = size()?;
    if base_size != base.len() as u64 || result_size > limit {
        return None;
    }
    let mut out = Vec::with_capacity(usize::try_from(result_size).ok()?);
    while let Some(&op) = delta.get(at) {
        at += 1;
        if op & 0x80 != 0 {
            // Copy from the base: which of four offset bytes and three
            // size bytes follow, each bit says.
            let mut field = |bits: u8, first: u32| -> Option<usize> {
                let mut value = 0usize;
                for i in 0..bits {
                    if op & (1 << (first + u32::from(i))) != 0 {
                        value |= usize::from(*delta.get(at)?) << (8 * i);
                        at += 1;
                    }
                }
                Some(value)
            };
            let start = field(4, 0)?;
            let length = match field(3, 4)? {
                0 => 0x10000,
                n => n,
            };
            out.extend_from_slice(base.get(start..start.checked_add(length)?)?);
        } else if op != 0 {
            let length = usize::from(op);
            out.extend_from_slice(delta.get(at..at + length)?);
            at += length;
        } else {
            return None;
        }
        if out.len() as u64 > result_size {
            return None;
        }
    }
    (out.len() as u64 == result_size).then_some(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::Command;

    use super::*;

    fn git(dir: &Path, args: &[&str]) -> String {
        let output = Command::new("git")
            .current_dir(dir)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "gc.auto=0",
            ])
            .args(args)
            .output()
            .expect("git runs");
        assert!(output.status.success(), "git {args:?}: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    }

    /// A delta: the two sizes, then its instructions.
    fn delta(base: usize, result: usize, ops: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for mut n in [base, result] {
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        out.extend_from_slice(ops);
        out
    }

    #[test]
    fn a_delta_copies_from_its_base_and_inserts_its_own_bytes() {
        let base = b"replicas: 3\nimage: app:1.0\n";
        // Copy 12 bytes from 0, insert "port: 80\n", copy 15 from 12.
        let mut ops = vec![0x90, 12];
        ops.push(9);
        ops.extend_from_slice(b"port: 80\n");
        ops.extend_from_slice(&[0x91, 12, 15]);
        let result = apply(base, &delta(base.len(), 36, &ops), u64::MAX).unwrap();
        assert_eq!(result, b"replicas: 3\nport: 80\nimage: app:1.0\n");
    }

    #[test]
    fn a_copy_of_size_zero_copies_64_kib() {
        let base = vec![7u8; 0x10000];
        let result = apply(&base, &delta(base.len(), 0x10000, &[0x80]), u64::MAX).unwrap();
        assert_eq!(result, base);
    }

    #[test]
    fn a_delta_that_lies_is_refused() {
        let base = b"abcdef";
        let refused = [
            // The base it names is not this one's size.
            delta(5, 3, &[0x90, 3]),
            // A copy past the end of the base.
            delta(6, 4, &[0x91, 4, 4]),
            // An insert past the end of the delta.
            delta(6, 4, &[4, b'x']),
            // The reserved instruction 0.
            delta(6, 1, &[0]),
            // Fewer bytes than it claims, and more.
            delta(6, 4, &[0x90, 3]),
            delta(6, 2, &[0x90, 3]),
            // Truncated sizes.
            vec![0x86],
        ];
        for bad in &refused {
            assert_eq!(apply(base, bad, u64::MAX), None, "{bad:?}");
        }
        // A result over the limit is not even started.
        assert_eq!(apply(base, &delta(6, 3, &[0x90, 3]), 2), None);
        assert_eq!(
            apply(base, &delta(6, 3, &[0x90, 3]), 3),
            Some(b"abc".to_vec())
        );
    }

    /// Every blob and tree of a repository whose pack holds deltas of
    /// blobs and of trees, read from the pack, is what git prints for it.
    #[test]
    fn every_packed_blob_and_tree_reads_as_git_prints_it() {
        let dir = tempfile::tempdir().unwrap();
        let dir = dir.path();
        git(dir, &["init", "-q", "--initial-branch=main"]);
        let config = |service: usize, round: usize| {
            let mut text = String::new();
            text.push_str(&format!("service: svc{service}\nround: {round}\n"));
            for key in 0..40 {
                text.push_str(&format!("key_{key}: a value shared by every service\n"));
            }
            text
        };
        for round in 0..6 {
            // One service changes a round, so the folder's trees differ
            // in one entry and are stored as deltas of each other.
            for service in (0..12).filter(|&s| round == 0 || s == round) {
                let folder = dir.join(format!("implementation_1/svc{service}"));
                std::fs::create_dir_all(&folder).unwrap();
                std::fs::write(folder.join("configuration.yml"), config(service, round)).unwrap();
            }
            git(dir, &["add", "--all"]);
            git(dir, &["commit", "-q", "-m", &format!("round {round}")]);
        }
        git(
            dir,
            &[
                "repack",
                "-a",
                "-d",
                "-f",
                "-q",
                "--window=50",
                "--depth=50",
            ],
        );

        let index = std::fs::read_dir(dir.join(".git/objects/pack"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "idx"))
            .unwrap();
        let verify = git(dir, &["verify-pack", "-v", index.to_str().unwrap()]);
        // `<id> <type> <size> <packed> <offset> [<depth> <base>]`
        let objects: Vec<(String, String, bool)> = verify
            .lines()
            .filter_map(|line| {
                let fields: Vec<&str> = line.split_whitespace().collect();
                (fields.len() >= 5 && matches!(fields[1], "blob" | "tree"))
                    .then(|| (fields[0].to_owned(), fields[1].to_owned(), fields.len() > 5))
            })
            .collect();
        for kind in ["blob", "tree"] {
            assert!(
                objects.iter().any(|(_, k, delta)| k == kind && *delta),
                "the pack should hold {kind} deltas:\n{verify}"
            );
        }

        let packs = Packs::default();
        let mut inflater = libdeflater::Decompressor::new();
        let objects_dir = dir.join(".git/objects");
        for (id, kind, _) in &objects {
            let oid = ObjectId::from_hex(id.as_bytes()).unwrap();
            let (asked, other) = match kind.as_str() {
                "blob" => (Kind::Blob, Kind::Tree),
                _ => (Kind::Tree, Kind::Blob),
            };
            let read = packs
                .read(&objects_dir, &oid, asked, u64::MAX, &mut inflater)
                .unwrap_or_else(|| panic!("{kind} {id} should be read from the pack"));
            let printed = Command::new("git")
                .current_dir(dir)
                .args(["cat-file", kind, id])
                .output()
                .unwrap()
                .stdout;
            assert_eq!(read, printed, "{kind} {id}");
            // Asked as the other kind, or under a limit it exceeds, it is
            // left to the object database.
            assert_eq!(
                packs.read(&objects_dir, &oid, other, u64::MAX, &mut inflater),
                None
            );
            let limit = printed.len() as u64 - 1;
            assert_eq!(
                packs.read(&objects_dir, &oid, asked, limit, &mut inflater),
                None
            );
        }
        // An id no pack holds.
        let missing = ObjectId::from_hex(b"0123456789012345678901234567890123456789").unwrap();
        assert_eq!(
            packs.read(&objects_dir, &missing, Kind::Blob, u64::MAX, &mut inflater),
            None
        );
    }
}
