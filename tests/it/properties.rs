//! Laws of the comparison: a document equals itself, and swapping the
//! sides swaps added/removed and left/right while keeping the paths.

use confdiff::load;
use confdiff::{Difference, Kind, diff};
use proptest::prelude::*;
use serde_json::Value;

/// JSON documents (JSON is YAML) with every scalar type and nesting.
fn document() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1.0e9f64..1.0e9).prop_map(Value::from),
        "[a-z]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map("[a-e]{1,2}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn parse(doc: &Value) -> confdiff::Node {
    load(doc.to_string().as_bytes()).expect("JSON is valid YAML")
}

/// A difference seen from the other side.
fn swapped(d: &Difference) -> (String, &'static str, Option<String>, Option<String>) {
    let kind = match d.kind {
        Kind::Added => Kind::Removed,
        Kind::Removed => Kind::Added,
        other => other,
    };
    let text = |v: &Option<confdiff::SideValue>| v.as_ref().map(|v| v.json.get().to_owned());
    (d.path.to_json(), kind.name(), text(&d.right), text(&d.left))
}

fn plain(d: &Difference) -> (String, &'static str, Option<String>, Option<String>) {
    let text = |v: &Option<confdiff::SideValue>| v.as_ref().map(|v| v.json.get().to_owned());
    (
        d.path.to_json(),
        d.kind.name(),
        text(&d.left),
        text(&d.right),
    )
}

proptest! {
    #[test]
    fn a_document_has_no_differences_with_itself(doc in document()) {
        let node = parse(&doc);
        prop_assert!(diff(&node, &node).is_empty());
        // Reformatted (pretty JSON, other lines) it is still the same document.
        let pretty = load(serde_json::to_string_pretty(&doc).unwrap().as_bytes()).unwrap();
        prop_assert!(diff(&node, &pretty).is_empty());
    }

    #[test]
    fn swapping_sides_swaps_kinds_and_values(a in document(), b in document()) {
        let (a, b) = (parse(&a), parse(&b));
        let mut forward: Vec<_> = diff(&a, &b).iter().map(swapped).collect();
        let mut backward: Vec<_> = diff(&b, &a).iter().map(plain).collect();
        forward.sort();
        backward.sort();
        prop_assert_eq!(forward, backward);
    }
}
