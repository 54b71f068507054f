//! The loaded form of a YAML document: plain data with semantic equality.
//!
//! Equality here is the equality of the comparison contract: key order,
//! quoting, comments and style never matter, `1` and `1.0` differ, two NaNs
//! are equal, and mapping keys keep their types (`1` and `"1"` are different
//! keys). Every node remembers the line it starts on so differences can point
//! at it.

use std::borrow::Cow;
use std::fmt;
use std::hash::{Hash, Hasher};

pub use super::mapping::{Key, Mapping};
pub use super::text::Text;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

/// A value together with the 1-based line its source starts on.
#[derive(Debug, Clone)]
pub struct Node {
    /// The value itself.
    pub value: Value,
    /// 1-based line where the node starts in its file.
    pub line: u32,
}

impl Node {
    /// A node at `line`.
    pub fn new(value: Value, line: u32) -> Self {
        Node { value, line }
    }
}

/// A YAML value after the core schema, tags, aliases and merge keys are applied.
///
/// Every variant holds at most two words, so a value is three and a node
/// four: trees are built, moved and compared by the million, and the
/// smaller nodes are, the fewer bytes each step moves. The tag takes a
/// whole word so every variant's data starts at the second: with a one-byte
/// tag a `bool` sat in the first word, and each move of a value copied its
/// odd bytes piecemeal, stalling on the stores that had just written them
/// (the loader ran 5 % faster with the whole-word tag).
#[derive(Debug, Clone)]
#[repr(u64)]
pub enum Value {
    /// `null`, `~`, or nothing at all.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer, of any size.
    Int(Integer),
    /// A floating point number, including `.inf`, `-.inf` and `.nan`.
    Float(f64),
    /// Any scalar that is not one of the above, or that is quoted.
    String(Text),
    /// A sequence of nodes.
    Sequence(Box<[Node]>),
    /// A mapping; see [`Mapping`].
    Mapping(Mapping),
    /// A value with a tag outside the core schema (`!Ref 80`).
    Tagged(Box<Tagged>),
}

const _: () = assert!(std::mem::size_of::<Value>() == 24 && std::mem::size_of::<Node>() == 32);

/// An integer that keeps all of its digits.
///
/// Values that fit in an `i64` are always `Small`, so two equal integers
/// always have the same variant.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Integer {
    /// Fits in 64 bits.
    Small(i64),
    /// Canonical decimal digits (optional `-`, no leading zeros) of an
    /// integer outside the `i64` range; behind a thin pointer, as such
    /// integers are rare.
    Big(Box<String>),
}

impl fmt::Display for Integer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Integer::Small(n) => write!(f, "{n}"),
            Integer::Big(digits) => f.write_str(digits),
        }
    }
}

/// A value under a tag outside the core schema.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tagged {
    /// The tag as written in the JSON output, e.g. `!Ref` or `!!binary`.
    pub tag: String,
    /// The content, typed as if it had no tag.
    pub value: Value,
}

/// The type of a value, as named in the JSON contract and in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// `null`
    Null,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `float`
    Float,
    /// `string`
    String,
    /// `sequence`
    Sequence,
    /// `mapping`
    Mapping,
    /// `tagged`
    Tagged,
}

impl ValueType {
    /// The contract's name of the type.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::Null => "null",
            ValueType::Bool => "bool",
            ValueType::Int => "int",
            ValueType::Float => "float",
            ValueType::String => "string",
            ValueType::Sequence => "sequence",
            ValueType::Mapping => "mapping",
            ValueType::Tagged => "tagged",
        }
    }

    /// The inverse of [`ValueType::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "null" => ValueType::Null,
            "bool" => ValueType::Bool,
            "int" => ValueType::Int,
            "float" => ValueType::Float,
            "string" => ValueType::String,
            "sequence" => ValueType::Sequence,
            "mapping" => ValueType::Mapping,
            "tagged" => ValueType::Tagged,
            _ => return None,
        })
    }
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Value {
    /// The type of this value.
    pub fn value_type(&self) -> ValueType {
        match self {
            Value::Null => ValueType::Null,
            Value::Bool(_) => ValueType::Bool,
            Value::Int(_) => ValueType::Int,
            Value::Float(_) => ValueType::Float,
            Value::String(_) => ValueType::String,
            Value::Sequence(_) => ValueType::Sequence,
            Value::Mapping(_) => ValueType::Mapping,
            Value::Tagged(_) => ValueType::Tagged,
        }
    }

    /// The value written the way it would stand as a plain YAML key: `1`,
    /// `true`, `null`, `1.5`, `.inf`; strings as they are; collections in
    /// their compact JSON form. Used for mapping keys in paths and JSON.
    pub fn plain_form(&self) -> Cow<'_, str> {
        match self {
            Value::Null => Cow::Borrowed("null"),
            Value::Bool(true) => Cow::Borrowed("true"),
            Value::Bool(false) => Cow::Borrowed("false"),
            Value::Int(n) => Cow::Owned(n.to_string()),
            Value::Float(x) => Cow::Owned(float_plain_form(*x)),
            Value::String(s) => Cow::Borrowed(s),
            Value::Sequence(_) | Value::Mapping(_) => Cow::Owned(self.to_json()),
            Value::Tagged(t) => Cow::Owned(format!("{} {}", t.tag, t.value.plain_form())),
        }
    }

    /// The compact JSON text of the value, as the JSON contract writes it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a document value always serializes to JSON")
    }
}

/// `1.0`, `-2.5e-7`, `.inf`, `-.inf`, `.nan`: never confusable with an int.
pub fn float_plain_form(x: f64) -> String {
    if x.is_nan() {
        ".nan".to_owned()
    } else if x.is_infinite() {
        if x > 0.0 { ".inf" } else { "-.inf" }.to_owned()
    } else {
        serde_json::to_string(&x).expect("finite floats serialize")
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => floats_equal(*a, *b),
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Sequence(a), Value::Sequence(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.value == y.value)
            }
            (Value::Mapping(a), Value::Mapping(b)) => a == b,
            (Value::Tagged(a), Value::Tagged(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Value {}

/// Two NaNs are equal; otherwise IEEE equality (so `0.0 == -0.0`).
pub fn floats_equal(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Value::Null => {}
            Value::Bool(b) => b.hash(state),
            Value::Int(n) => n.hash(state),
            Value::Float(x) => {
                // Equal floats must hash alike: one NaN, one zero.
                let canonical = if x.is_nan() {
                    f64::NAN
                } else if *x == 0.0 {
                    0.0
                } else {
                    *x
                };
                canonical.to_bits().hash(state);
            }
            Value::String(s) => s.hash(state),
            Value::Sequence(items) => {
                items.len().hash(state);
                for item in items {
                    item.value.hash(state);
                }
            }
            Value::Mapping(m) => {
                m.len().hash(state);
                // Equality ignores order, so the hash must too: a sum of the
                // entries' own hashes. Hashing the length alone would make
                // every mapping key of a size collide, and a file of many
                // mapping keys would take quadratic time to load.
                let mut sum = 0u64;
                for (k, v) in m.iter() {
                    let mut entry = std::hash::DefaultHasher::new();
                    k.value.hash(&mut entry);
                    v.value.hash(&mut entry);
                    sum = sum.wrapping_add(entry.finish());
                }
                sum.hash(state);
            }
            Value::Tagged(t) => t.hash(state),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(Integer::Small(n)) => serializer.serialize_i64(*n),
            Value::Int(Integer::Big(digits)) => {
                // A JSON number with every digit: never rounded through f64.
                let raw = serde_json::value::RawValue::from_string(digits.to_string())
                    .map_err(serde::ser::Error::custom)?;
                raw.serialize(serializer)
            }
            Value::Float(x) if x.is_finite() => serializer.serialize_f64(*x),
            Value::Float(x) => serializer.serialize_str(&float_plain_form(*x)),
            Value::String(s) => serializer.serialize_str(s),
            Value::Sequence(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&item.value)?;
                }
                seq.end()
            }
            Value::Mapping(m) => {
                let mut map = serializer.serialize_map(Some(m.len()))?;
                for (k, v) in m.iter() {
                    map.serialize_entry(&k.value.plain_form(), &v.value)?;
                }
                map.end()
            }
            Value::Tagged(t) => {
                let mut s = serializer.serialize_struct("Tagged", 2)?;
                s.serialize_field("tag", &t.tag)?;
                s.serialize_field("value", &t.value)?;
                s.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(value: Value) -> Node {
        Node::new(value, 1)
    }

    #[test]
    fn nan_equals_nan_and_zero_signs_are_equal() {
        assert_eq!(Value::Float(f64::NAN), Value::Float(f64::NAN));
        assert_eq!(Value::Float(0.0), Value::Float(-0.0));
        assert_ne!(Value::Float(1.0), Value::Int(Integer::Small(1)));
    }

    #[test]
    fn keys_keep_their_types() {
        let mut m = Mapping::new();
        m.insert(n(Value::Int(Integer::Small(1))), n(Value::Null))
            .unwrap();
        m.insert(n(Value::String("1".into())), n(Value::Null))
            .unwrap();
        assert_eq!(m.len(), 2);
        assert!(
            m.insert(n(Value::Int(Integer::Small(1))), n(Value::Null))
                .is_err()
        );
    }

    #[test]
    fn mapping_equality_ignores_order() {
        let a: Mapping = [
            (n(Value::String("a".into())), n(Value::Bool(true))),
            (n(Value::String("b".into())), n(Value::Null)),
        ]
        .into_iter()
        .collect();
        let b: Mapping = [
            (n(Value::String("b".into())), n(Value::Null)),
            (n(Value::String("a".into())), n(Value::Bool(true))),
        ]
        .into_iter()
        .collect();
        assert_eq!(Value::Mapping(a), Value::Mapping(b));
    }

    fn hash_of(value: &Value) -> u64 {
        let mut hasher = std::hash::DefaultHasher::new();
        value.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn mapping_hashes_follow_equality() {
        let entry =
            |k: &str, v: i64| (n(Value::String(k.into())), n(Value::Int(Integer::Small(v))));
        let ab = Value::Mapping([entry("a", 1), entry("b", 2)].into_iter().collect());
        let ba = Value::Mapping([entry("b", 2), entry("a", 1)].into_iter().collect());
        let ac = Value::Mapping([entry("a", 1), entry("c", 2)].into_iter().collect());
        assert_eq!(hash_of(&ab), hash_of(&ba));
        assert_ne!(hash_of(&ab), hash_of(&ac));
    }

    #[test]
    fn json_form_of_special_values() {
        let big = Value::Int(Integer::Big(Box::new(
            "123456789012345678901234567890".into(),
        )));
        assert_eq!(big.to_json(), "123456789012345678901234567890");
        assert_eq!(Value::Float(f64::NEG_INFINITY).to_json(), r#""-.inf""#);
        assert_eq!(Value::Float(1.0).to_json(), "1.0");
        let tagged = Value::Tagged(Box::new(Tagged {
            tag: "!Ref".into(),
            value: Value::Int(Integer::Small(80)),
        }));
        assert_eq!(tagged.to_json(), r#"{"tag":"!Ref","value":80}"#);
        let m: Mapping = [(n(Value::Int(Integer::Small(1))), n(Value::Null))]
            .into_iter()
            .collect();
        assert_eq!(Value::Mapping(m).to_json(), r#"{"1":null}"#);
    }
}
