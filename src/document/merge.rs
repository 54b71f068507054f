//! Merge keys (`<<: *defaults`), the YAML 1.1 extension configuration
//! files rely on to share settings.
//!
//! A mapping's own keys keep their order and win; merged keys that are not
//! already present follow, in the order of the merge sources, an earlier
//! source winning over a later one. Merged entries are moved, not copied,
//! so they keep the lines of the source they came from.

use super::value::{Mapping, Node, Value};

/// Whether a key is a merge key: only the plain, untagged scalar `<<` is;
/// a quoted `"<<"` is an ordinary key.
pub(super) fn is_merge_key(text: &str, plain: bool, tagged: bool) -> bool {
    plain && !tagged && text == "<<"
}

/// The mappings a merge key's value contributes: the mapping itself, or the
/// mappings of a sequence in order. Anything else is an error.
pub(super) fn sources(value: Node) -> Result<Vec<Mapping>, String> {
    match value.value {
        Value::Mapping(mapping) => Ok(vec![mapping]),
        Value::Sequence(items) => items
            .into_iter()
            .map(|item| match item.value {
                Value::Mapping(mapping) => Ok(mapping),
                other => Err(not_a_mapping(&other, " in its sequence")),
            })
            .collect(),
        other => Err(not_a_mapping(&other, "")),
    }
}

/// The error for a merge source that is not a mapping.
fn not_a_mapping(value: &Value, place: &str) -> String {
    format!(
        "merge key `<<` needs a mapping or a sequence of mappings, found a {}{place}",
        value.value_type()
    )
}

/// Appends the entries of `sources` whose keys `mapping` does not have yet.
pub(super) fn apply(mapping: &mut Mapping, sources: Vec<Mapping>) {
    for source in sources {
        for (key, value) in source {
            // A key already present (the mapping's own, or an earlier
            // source's) wins, so the rejected key is simply dropped.
            let _ = mapping.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str, line: u32) -> Node {
        Node::new(Value::String(text.into()), line)
    }

    fn mapping(entries: &[(&str, &str, u32)]) -> Mapping {
        entries
            .iter()
            .map(|&(k, v, line)| (s(k, line), s(v, line)))
            .collect()
    }

    #[test]
    fn own_keys_win_then_sources_in_order() {
        let mut own = mapping(&[("b", "own", 1), ("a", "own", 2)]);
        let first = mapping(&[("c", "first", 10), ("b", "first", 11)]);
        let second = mapping(&[("d", "second", 20), ("c", "second", 21)]);
        apply(&mut own, vec![first, second]);
        let entries: Vec<_> = own
            .iter()
            .map(|(k, v)| {
                (
                    k.value.plain_form().into_owned(),
                    v.value.plain_form().into_owned(),
                    k.line,
                )
            })
            .collect();
        let expected = [
            ("b", "own", 1),
            ("a", "own", 2),
            ("c", "first", 10),
            ("d", "second", 20),
        ];
        assert_eq!(entries.len(), expected.len());
        for ((k, v, line), (ek, ev, eline)) in entries.iter().zip(expected) {
            assert_eq!((k.as_str(), v.as_str(), *line), (ek, ev, eline));
        }
    }

    #[test]
    fn sources_must_be_mappings() {
        let m = Node::new(Value::Mapping(mapping(&[("a", "b", 1)])), 1);
        assert_eq!(sources(m.clone()).unwrap().len(), 1);
        let seq = Node::new(Value::Sequence(Box::new([m.clone(), m])), 1);
        assert_eq!(sources(seq).unwrap().len(), 2);
        assert!(sources(s("x", 1)).unwrap_err().contains("found a string"));
        let bad = Node::new(Value::Sequence(Box::new([s("x", 1)])), 1);
        assert!(sources(bad).unwrap_err().contains("in its sequence"));
        assert!(sources(Node::new(Value::Null, 1)).is_err());
    }

    #[test]
    fn only_the_plain_untagged_form_merges() {
        assert!(is_merge_key("<<", true, false));
        assert!(!is_merge_key("<<", false, false));
        assert!(!is_merge_key("<<", true, true));
        assert!(!is_merge_key("<", true, false));
    }
}
