//! Properties of the loader over generated input: it never panics, and
//! scalars written the usual ways come back with their type and value.

use confdiff::{Integer, Value, load};
use proptest::prelude::*;

/// Text made mostly of YAML's structural characters, to reach odd parser
/// states.
fn yamlish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("- "),
            Just(": "),
            Just("? "),
            Just("\n"),
            Just("  "),
            Just("["),
            Just("]"),
            Just("{"),
            Just("}"),
            Just(", "),
            Just("&a "),
            Just("*a"),
            Just("<<: "),
            Just("!t "),
            Just("!!int "),
            Just("'q'"),
            Just("\"d\""),
            Just("|\n"),
            Just("---\n"),
            Just("...\n"),
            Just("#c"),
            Just("%TAG ! x:\n"),
            Just("x"),
            Just("1"),
            Just("0x1F"),
            Just("~"),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn never_panics_on_yamlish_text(text in yamlish()) {
        let _ = load(text.as_bytes());
    }

    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = load(&bytes);
    }

    #[test]
    fn integers_round_trip(n in any::<i64>()) {
        let node = load(format!("v: {n}\n").as_bytes()).unwrap();
        let Value::Mapping(m) = node.value else { panic!("a mapping") };
        let (_, v) = m.get(&Value::String("v".into())).unwrap();
        prop_assert_eq!(&v.value, &Value::Int(Integer::Small(n)));
    }

    #[test]
    fn wide_integers_keep_their_digits(n in any::<i128>()) {
        let node = load(n.to_string().as_bytes()).unwrap();
        let expected = match i64::try_from(n) {
            Ok(small) => Integer::Small(small),
            Err(_) => Integer::Big(n.to_string().into()),
        };
        prop_assert_eq!(node.value, Value::Int(expected));
        let hex = load(format!("0x{:x}", n.unsigned_abs()).as_bytes()).unwrap();
        prop_assert_eq!(hex.value.to_json(), n.unsigned_abs().to_string());
    }

    #[test]
    fn floats_round_trip(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        let node = load(format!("{x:?}").as_bytes()).unwrap();
        prop_assert_eq!(node.value, Value::Float(x));
    }

    #[test]
    fn double_quoted_strings_round_trip(s in "\\PC*") {
        // A JSON string is a YAML double-quoted scalar.
        let text = serde_json::to_string(&s).unwrap();
        let node = load(text.as_bytes()).unwrap();
        prop_assert_eq!(node.value, Value::String(s.into()));
    }
}
