//! Mappings: entries in document order, looked up by typed key.
//!
//! Most configuration mappings have a handful of entries, and building a
//! hash table for each was a tenth of the loading time (plus its
//! allocation and its drop). A mapping therefore keeps up to
//! [`FEW_ENTRIES`] entries in a plain vector, found by comparing keys, and
//! moves to a hash table only when it grows past that.

use std::borrow::Borrow;
use std::hash::{BuildHasher, Hash, Hasher};

use indexmap::IndexMap;
use indexmap::map::RawEntryApiV1;
use indexmap::map::raw_entry_v1::RawEntryMut;

use super::value::{Node, Value};

/// Entries kept without a hash table. Keys of configuration mappings are
/// short and mostly differ in length, so comparing them is cheap; at 8 the
/// tables built for the many mappings of 9 to 16 entries (labels, probes,
/// environments) cost more than all the linear searches they saved.
const FEW_ENTRIES: usize = 16;

/// A mapping key: the key's node, hashed and compared by its value only.
#[derive(Debug, Clone)]
pub struct Key(pub Node);

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.0.value == other.0.value
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.value.hash(state);
    }
}

impl Borrow<Value> for Key {
    fn borrow(&self) -> &Value {
        &self.0.value
    }
}

/// A YAML mapping: entries in document order, looked up by typed key.
///
/// Large mappings hash their keys with foldhash: SipHash was a tenth of
/// the loading time. Its seed is random per process, so crafted keys
/// cannot collide on purpose.
#[derive(Debug, Clone, Default)]
pub struct Mapping {
    entries: Entries,
}

/// Where a mapping keeps its entries: two words, so a mapping sits in its
/// value without a box of its own (one allocation a mapping fewer).
#[derive(Debug, Clone)]
enum Entries {
    /// At most [`FEW_ENTRIES`], with distinct keys, in order, in a slice
    /// of their exact size (loaded mappings are built whole, once).
    Few(Box<[(Node, Node)]>),
    /// More, in a hash table that keeps their order.
    Many(Box<Table>),
}

/// The hash table of a large mapping.
type Table = IndexMap<Key, Node, foldhash::fast::RandomState>;

const _: () = assert!(std::mem::size_of::<Mapping>() == 16);

impl Default for Entries {
    fn default() -> Self {
        Entries::Few(Box::default())
    }
}

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an entry at the end. Gives the key back when it is already
    /// present: the caller decides whether that is an error (a duplicate
    /// key) or a merged key that loses.
    pub fn insert(&mut self, key: Node, value: Node) -> Result<(), Node> {
        match &mut self.entries {
            Entries::Few(entries) => {
                if entries.iter().any(|(k, _)| same_key(&k.value, &key.value)) {
                    return Err(key);
                }
                // Growing one entry at a time happens only for the parser's
                // builder and for merges (loaded mappings come whole): one
                // allocation of the new size, moved into as it is.
                let mut grown = Vec::with_capacity(entries.len() + 1);
                grown.extend(std::mem::take(entries).into_vec());
                if grown.len() < FEW_ENTRIES {
                    grown.push((key, value));
                    *entries = grown.into_boxed_slice();
                    return Ok(());
                }
                let mut table =
                    IndexMap::with_capacity_and_hasher(2 * FEW_ENTRIES, Default::default());
                for (k, v) in grown {
                    insert_new(&mut table, k, v);
                }
                insert_new(&mut table, key, value);
                self.entries = Entries::Many(Box::new(table));
                Ok(())
            }
            Entries::Many(table) => {
                // One hash for the lookup and the insertion: `Key` hashes
                // exactly as its value does.
                let hash = table.hasher().hash_one(&key.value);
                match table
                    .raw_entry_mut_v1()
                    .from_hash(hash, |k| k.0.value == key.value)
                {
                    RawEntryMut::Occupied(_) => Err(key),
                    RawEntryMut::Vacant(slot) => {
                        slot.insert_hashed_nocheck(hash, Key(key), value);
                        Ok(())
                    }
                }
            }
        }
    }

    /// The mapping of `entries`, in their order, when no two keys are
    /// equal; `None` when some are. It holds what inserting the entries one
    /// by one would, in the storage that would give, without growing it
    /// entry by entry.
    pub(super) fn from_distinct(entries: Vec<(Node, Node)>) -> Option<Self> {
        if entries.len() <= FEW_ENTRIES {
            for (i, (key, _)) in entries.iter().enumerate() {
                if entries[..i]
                    .iter()
                    .any(|(k, _)| same_key(&k.value, &key.value))
                {
                    return None;
                }
            }
            return Some(Mapping {
                entries: Entries::Few(entries.into_boxed_slice()),
            });
        }
        let mut table = IndexMap::with_capacity_and_hasher(entries.len(), Default::default());
        for (key, value) in entries {
            if table.insert(Key(key), value).is_some() {
                return None;
            }
        }
        Some(Mapping {
            entries: Entries::Many(Box::new(table)),
        })
    }

    /// The value and key node for `key`, if present.
    pub fn get(&self, key: &Value) -> Option<(&Node, &Node)> {
        self.get_near(key, 0)
    }

    /// [`Self::get`], looking first at entry `hint`: two versions of a
    /// mapping mostly keep their keys in the same order, and a comparison
    /// walking one that asks the other for the key at the same position
    /// then finds it at once instead of searching.
    pub fn get_near(&self, key: &Value, hint: usize) -> Option<(&Node, &Node)> {
        match &self.entries {
            Entries::Few(entries) => {
                if let Some((k, v)) = entries.get(hint)
                    && same_key(&k.value, key)
                {
                    return Some((k, v));
                }
                entries
                    .iter()
                    .find(|(k, _)| same_key(&k.value, key))
                    .map(|(k, v)| (k, v))
            }
            Entries::Many(table) => table.get_key_value(key).map(|(k, v)| (&k.0, v)),
        }
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &Value) -> bool {
        self.get(key).is_some()
    }

    /// Whether `key` is present, looking first at entry `hint` (see
    /// [`Self::get_near`]).
    pub fn contains_key_near(&self, key: &Value, hint: usize) -> bool {
        self.get_near(key, hint).is_some()
    }

    /// Entries as `(key node, value node)`, in document order.
    pub fn iter(&self) -> impl Iterator<Item = (&Node, &Node)> {
        let (few, many) = match &self.entries {
            Entries::Few(entries) => (Some(entries.iter().map(|(k, v)| (k, v))), None),
            Entries::Many(table) => (None, Some(table.iter().map(|(k, v)| (&k.0, v)))),
        };
        few.into_iter().flatten().chain(many.into_iter().flatten())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        match &self.entries {
            Entries::Few(entries) => entries.len(),
            Entries::Many(table) => table.len(),
        }
    }

    /// Whether the mapping has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `a == b`, with the common case of two string keys compared in place:
/// the call to the general equality cost more than the comparison.
#[inline]
fn same_key(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(a), Value::String(b)) => a == b,
        (Value::String(_), _) | (_, Value::String(_)) => false,
        _ => a == b,
    }
}

/// Inserts an entry whose key the table does not hold yet.
fn insert_new(table: &mut Table, key: Node, value: Node) {
    table.insert(Key(key), value);
}

/// The owned entries of a [`Mapping`], in document order.
pub struct IntoIter(IntoIterInner);

/// The two kinds of storage behind [`IntoIter`].
enum IntoIterInner {
    /// From a small mapping.
    Few(std::vec::IntoIter<(Node, Node)>),
    /// From a hash table.
    Many(indexmap::map::IntoIter<Key, Node>),
}

impl Iterator for IntoIter {
    type Item = (Node, Node);

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IntoIterInner::Few(entries) => entries.next(),
            IntoIterInner::Many(table) => table.next().map(|(k, v)| (k.0, v)),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            IntoIterInner::Few(entries) => entries.size_hint(),
            IntoIterInner::Many(table) => table.size_hint(),
        }
    }
}

impl DoubleEndedIterator for IntoIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            IntoIterInner::Few(entries) => entries.next_back(),
            IntoIterInner::Many(table) => table.next_back().map(|(k, v)| (k.0, v)),
        }
    }
}

impl ExactSizeIterator for IntoIter {}

impl IntoIterator for Mapping {
    type Item = (Node, Node);
    type IntoIter = IntoIter;

    /// Entries as owned `(key node, value node)`, in document order, so a
    /// merge can move them into another mapping without copying.
    fn into_iter(self) -> Self::IntoIter {
        IntoIter(match self.entries {
            Entries::Few(entries) => IntoIterInner::Few(entries.into_vec().into_iter()),
            Entries::Many(table) => IntoIterInner::Many((*table).into_iter()),
        })
    }
}

impl PartialEq for Mapping {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(k, v)| other.get(&k.value).is_some_and(|(_, w)| w.value == v.value))
    }
}

impl Eq for Mapping {}

impl FromIterator<(Node, Node)> for Mapping {
    /// Later duplicates are dropped; use [`Mapping::insert`] to see them.
    fn from_iter<I: IntoIterator<Item = (Node, Node)>>(iter: I) -> Self {
        let mut mapping = Mapping::new();
        for (k, v) in iter {
            let _ = mapping.insert(k, v);
        }
        mapping
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::value::Integer;

    fn n(value: Value) -> Node {
        Node::new(value, 1)
    }

    fn key(i: i64) -> Node {
        n(Value::Int(Integer::Small(i)))
    }

    #[test]
    fn order_and_duplicates_survive_the_move_to_a_table() {
        let mut m = Mapping::new();
        for i in 0..(3 * FEW_ENTRIES as i64) {
            m.insert(key(i), n(Value::Null)).unwrap();
            assert!(m.insert(key(i), n(Value::Bool(true))).is_err());
            assert!(m.insert(key(0), n(Value::Bool(true))).is_err());
            assert_eq!(m.len(), i as usize + 1);
        }
        let keys: Vec<i64> = m
            .iter()
            .map(|(k, _)| match k.value {
                Value::Int(Integer::Small(i)) => i,
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(keys, (0..(3 * FEW_ENTRIES as i64)).collect::<Vec<_>>());
        assert!(m.contains_key(&Value::Int(Integer::Small(20))));
        assert!(!m.contains_key(&Value::String("20".into())));
        let owned: Vec<_> = m.clone().into_iter().collect();
        assert_eq!(owned.len(), m.len());
        let small: Mapping = m.into_iter().rev().collect();
        assert_eq!(small.len(), 3 * FEW_ENTRIES);
    }

    /// Collecting keeps the first of equal keys, before and after the
    /// mapping moves to a table, and the order of the rest.
    #[test]
    fn collecting_drops_later_duplicates() {
        for size in [2, FEW_ENTRIES, 3 * FEW_ENTRIES] {
            let entries = (0..size as i64)
                .flat_map(|i| [(key(i), n(Value::Bool(true))), (key(i / 2), n(Value::Null))]);
            let m: Mapping = entries.collect();
            assert_eq!(m.len(), size);
            for (i, (k, v)) in m.iter().enumerate() {
                assert!(same_key(&k.value, &key(i as i64).value), "{i} of {size}");
                assert!(matches!(v.value, Value::Bool(true)), "{i} of {size}");
            }
        }
    }

    /// A hint only says where to look first: a wrong or out-of-range one
    /// still finds the key (or not), in both kinds of storage.
    #[test]
    fn a_lookup_near_a_hint_finds_what_a_plain_lookup_finds() {
        for size in [3, FEW_ENTRIES, 2 * FEW_ENTRIES] {
            let mut m = Mapping::new();
            for i in 0..size as i64 {
                m.insert(key(i), n(Value::Int(Integer::Small(-i)))).unwrap();
            }
            for i in 0..size as i64 + 2 {
                for hint in [0, i as usize, size - 1, size, usize::MAX] {
                    let near = m
                        .get_near(&key(i).value, hint)
                        .map(|(_, v)| v.value.clone());
                    let plain = m.get(&key(i).value).map(|(_, v)| v.value.clone());
                    assert_eq!(near, plain, "key {i} hint {hint} of {size}");
                    assert_eq!(near.is_some(), i < size as i64);
                    assert_eq!(m.contains_key_near(&key(i).value, hint), i < size as i64);
                }
            }
            // A string key never matches the integer at the hinted place.
            assert!(!m.contains_key_near(&Value::String("1".into()), 1));
        }
    }

    #[test]
    fn a_small_and_a_large_mapping_compare_by_content() {
        let big: Mapping = (0..20).map(|i| (key(i), n(Value::Null))).collect();
        let mut also_big: Mapping = (0..20).rev().map(|i| (key(i), n(Value::Null))).collect();
        assert_eq!(big, also_big);
        also_big.insert(key(99), n(Value::Null)).unwrap();
        assert_ne!(big, also_big);
        let few: Mapping = (0..3).map(|i| (key(i), n(Value::Null))).collect();
        assert_ne!(few, big);
    }
}
