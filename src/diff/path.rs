//! Paths into a document, and the way people write them.
//!
//! The JSON form of a path writes every key as text (`1:` and `"1":` both
//! as `"1"`), as the contract has always done; the written form tells the
//! two apart (`shards[1 (int)]`, `shards["1"]`). The store keeps the JSON
//! form plus [`Path::key_types_json`], and [`Path::from_stored`] rebuilds
//! the path from the two.

use std::fmt::{self, Write as _};

use serde::{Serialize, Serializer};

use crate::document::ValueType;
use crate::printers::escape;

/// One step into a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// A string mapping key.
    Key(String),
    /// A mapping key of another type (`1:`, `true:`, `null:`, `1.5:`,
    /// `!Tag x:`), in its plain YAML form. `1:` and `"1":` are different
    /// keys that JSON writes alike, so the type is kept beside the text.
    NonStringKey {
        /// The key's plain form: `1`, `true`, `null`, `.inf`.
        plain: String,
        /// Its type; never [`ValueType::String`].
        key_type: ValueType,
    },
    /// A sequence index.
    Index(usize),
    /// The item of a sequence matched by a key (`--list-key`,
    /// `--list-keys`): the item whose mapping has `key` with the plain
    /// value `value`. Written `containers[name=app]`; in JSON the object
    /// `{"key": "name", "value": "app"}`.
    Match {
        /// The key that identifies the items (`name`).
        key: String,
        /// Its plain value in this item (`app`).
        value: String,
    },
}

impl Segment {
    /// A mapping key from its plain form and type: a [`Segment::Key`] for
    /// a string, else a [`Segment::NonStringKey`].
    pub fn key(plain: String, key_type: ValueType) -> Self {
        match key_type {
            ValueType::String => Segment::Key(plain),
            key_type => Segment::NonStringKey { plain, key_type },
        }
    }
}

/// Keys as strings (whatever their type), indexes as integers.
impl Serialize for Segment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Segment::Key(plain) | Segment::NonStringKey { plain, .. } => {
                serializer.serialize_str(plain)
            }
            Segment::Index(index) => serializer.serialize_u64(*index as u64),
            Segment::Match { key, value } => {
                use serde::ser::SerializeStruct;
                let mut step = serializer.serialize_struct("Match", 2)?;
                step.serialize_field("key", key)?;
                step.serialize_field("value", value)?;
                step.end()
            }
        }
    }
}

/// A path from the document root; empty for the root itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Path(pub Vec<Segment>);

/// A stored path that cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathFormatError {
    /// The JSON form is not an array of strings, non-negative integers
    /// and `{"key": …, "value": …}` objects.
    #[error("path {json} is not a JSON array of keys and indexes")]
    NotAPath {
        /// The stored JSON form.
        json: String,
    },
    /// The key types do not belong to the path.
    #[error("key types {key_types} do not fit path {json}: {reason}")]
    KeyTypes {
        /// The stored JSON form of the path.
        json: String,
        /// The stored key types.
        key_types: String,
        /// What is wrong with them.
        reason: &'static str,
    },
}

impl Path {
    /// The path as a JSON array, the form the contract and the store use.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("paths always serialize")
    }

    /// What [`Path::to_json`] loses: a JSON array with the type name of
    /// each non-string key and `null` for every other segment
    /// (`[null,"int"]` for `shards[2 (int)]`), or `None` when no key is
    /// anything but a string, which is nearly always.
    pub fn key_types_json(&self) -> Option<String> {
        if !self
            .0
            .iter()
            .any(|s| matches!(s, Segment::NonStringKey { .. }))
        {
            return None;
        }
        let mut json = String::from("[");
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            match segment {
                Segment::NonStringKey { key_type, .. } => {
                    json.push('"');
                    json.push_str(key_type.name());
                    json.push('"');
                }
                _ => json.push_str("null"),
            }
        }
        json.push(']');
        Some(json)
    }

    /// The path stored as `json` ([`Path::to_json`]) and `key_types`
    /// ([`Path::key_types_json`]; `None` when every key is a string, as in
    /// runs saved before key types were kept).
    pub fn from_stored(json: &str, key_types: Option<&str>) -> Result<Path, PathFormatError> {
        let not_a_path = || PathFormatError::NotAPath {
            json: json.to_owned(),
        };
        let items: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|_| not_a_path())?;
        let types: Vec<Option<String>> = match key_types {
            None => vec![None; items.len()],
            Some(text) => {
                let bad = |reason| PathFormatError::KeyTypes {
                    json: json.to_owned(),
                    key_types: text.to_owned(),
                    reason,
                };
                let types: Vec<Option<String>> = serde_json::from_str(text)
                    .map_err(|_| bad("not a JSON array of type names and nulls"))?;
                if types.len() != items.len() {
                    return Err(bad("not one entry per segment"));
                }
                types
            }
        };
        items
            .into_iter()
            .zip(types)
            .map(|(item, key_type)| {
                let bad = |reason| PathFormatError::KeyTypes {
                    json: json.to_owned(),
                    key_types: key_types.unwrap_or_default().to_owned(),
                    reason,
                };
                match (item, key_type) {
                    (serde_json::Value::String(key), None) => Ok(Segment::Key(key)),
                    (serde_json::Value::String(plain), Some(name)) => {
                        match ValueType::from_name(&name) {
                            Some(ValueType::String) | None => {
                                Err(bad("a key type that is not a non-string type name"))
                            }
                            Some(key_type) => Ok(Segment::NonStringKey { plain, key_type }),
                        }
                    }
                    (serde_json::Value::Number(n), None) => n
                        .as_u64()
                        .and_then(|n| usize::try_from(n).ok())
                        .map(Segment::Index)
                        .ok_or_else(not_a_path),
                    (serde_json::Value::Number(_), Some(_)) => Err(bad("a key type for an index")),
                    (serde_json::Value::Object(step), None) => {
                        match_step(step).ok_or_else(not_a_path)
                    }
                    (serde_json::Value::Object(_), Some(_)) => {
                        Err(bad("a key type for a key-matched item"))
                    }
                    _ => Err(not_a_path()),
                }
            })
            .collect::<Result<_, _>>()
            .map(Path)
    }
}

/// A key-matched step read back from `{"key": "name", "value": "app"}`.
fn match_step(step: serde_json::Map<String, serde_json::Value>) -> Option<Segment> {
    if step.len() != 2 {
        return None;
    }
    match (step.get("key")?, step.get("value")?) {
        (serde_json::Value::String(key), serde_json::Value::String(value)) => {
            Some(Segment::Match {
                key: key.clone(),
                value: value.clone(),
            })
        }
        _ => None,
    }
}

/// `spec.ports[0].name`, `labels["app.kubernetes.io/name"]`,
/// `shards[2 (int)]`, `(root)`. A string key is bare after a dot when it
/// reads unambiguously, else quoted in brackets; a key of another type is
/// bracketed unquoted with its type, so it can be taken neither for an
/// index nor for a string key. Safe for a terminal: control characters
/// in keys are escapes.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(root)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) if is_bare_key(key) => {
                    if i > 0 {
                        f.write_char('.')?;
                    }
                    f.write_str(key)?;
                }
                Segment::Key(key) => {
                    f.write_char('[')?;
                    escape::write_quoted(key, f)?;
                    f.write_char(']')?;
                }
                Segment::NonStringKey { plain, key_type } => {
                    f.write_char('[')?;
                    escape::write_escaped(plain, f)?;
                    write!(f, " ({key_type})]")?;
                }
                Segment::Match { key, value } => {
                    f.write_char('[')?;
                    write_match_part(key, is_bare_key(key), f)?;
                    f.write_char('=')?;
                    write_match_part(value, is_bare_value(value), f)?;
                    f.write_char(']')?;
                }
            }
        }
        Ok(())
    }
}

/// Keys that read unambiguously after a dot: identifiers, with `-` allowed
/// since configuration keys use it a lot. A key that looks like a number
/// is quoted so it cannot be taken for an index.
pub(super) fn is_bare_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// One side of `[key=value]`: bare when it reads unambiguously, else
/// quoted with the written form's escapes.
fn write_match_part(text: &str, bare: bool, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if bare {
        f.write_str(text)
    } else {
        escape::write_quoted(text, f)
    }
}

/// Values that read unambiguously after `=` inside brackets: what a bare
/// key allows plus `.`, `/` and `:` (`image=nginx:1.25`, `v=1.2`), and
/// not starting with a quote.
pub(super) fn is_bare_value(value: &str) -> bool {
    !value.is_empty()
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/' | ':' | '@' | '+')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_owned())
    }

    fn typed(plain: &str, key_type: ValueType) -> Segment {
        Segment::key(plain.to_owned(), key_type)
    }

    #[test]
    fn written_as_people_write_them() {
        let path = Path(vec![
            key("spec"),
            key("ports"),
            Segment::Index(0),
            key("name"),
        ]);
        assert_eq!(path.to_string(), "spec.ports[0].name");
        let path = Path(vec![key("labels"), key("app.kubernetes.io/name")]);
        assert_eq!(path.to_string(), r#"labels["app.kubernetes.io/name"]"#);
        assert_eq!(Path(vec![key("1")]).to_string(), r#"["1"]"#);
        assert_eq!(Path(vec![Segment::Index(2)]).to_string(), "[2]");
        assert_eq!(Path::default().to_string(), "(root)");
    }

    #[test]
    fn non_string_keys_show_their_type() {
        let int = Path(vec![key("shards"), typed("2", ValueType::Int)]);
        let string = Path(vec![key("shards"), key("2")]);
        let index = Path(vec![key("shards"), Segment::Index(2)]);
        assert_eq!(int.to_string(), "shards[2 (int)]");
        assert_eq!(string.to_string(), r#"shards["2"]"#);
        assert_eq!(index.to_string(), "shards[2]");
        assert_ne!(int, string);
        let cases = [
            (ValueType::Bool, "true", "[true (bool)]"),
            (ValueType::Null, "null", "[null (null)]"),
            (ValueType::Float, ".inf", "[.inf (float)]"),
            (ValueType::Tagged, "!Ref 80", "[!Ref 80 (tagged)]"),
            (ValueType::Sequence, "[1,2]", "[[1,2] (sequence)]"),
        ];
        for (key_type, plain, written) in cases {
            assert_eq!(Path(vec![typed(plain, key_type)]).to_string(), written);
        }
        let hostile = Path(vec![typed("!t a\u{1b}[2J\u{9b}", ValueType::Tagged)]);
        assert_eq!(hostile.to_string(), r"[!t a\x1b[2J\u{9b} (tagged)]");
    }

    #[test]
    fn a_string_key_is_never_typed() {
        assert_eq!(typed("2", ValueType::String), key("2"));
    }

    #[test]
    fn written_keys_never_hold_raw_controls() {
        let path = Path(vec![key("a\u{1b}[31m\n\u{9b}\u{7f}\u{202e}\"\\")]);
        assert_eq!(path.to_string(), r#"["a\x1b[31m\n\u{9b}\x7f\u{202e}\"\\"]"#);
    }

    #[test]
    fn json_form_writes_every_key_as_text() {
        let path = Path(vec![key("env"), Segment::Index(2)]);
        assert_eq!(path.to_json(), r#"["env",2]"#);
        let path = Path(vec![
            key("shards"),
            typed("2", ValueType::Int),
            typed("true", ValueType::Bool),
        ]);
        assert_eq!(path.to_json(), r#"["shards","2","true"]"#);
    }

    #[test]
    fn key_types_only_when_a_key_is_not_a_string() {
        let plain = Path(vec![key("a"), key("1"), Segment::Index(0)]);
        assert_eq!(plain.key_types_json(), None);
        let path = Path(vec![
            key("shards"),
            typed("2", ValueType::Int),
            Segment::Index(0),
            typed("null", ValueType::Null),
        ]);
        assert_eq!(
            path.key_types_json().as_deref(),
            Some(r#"[null,"int",null,"null"]"#)
        );
    }

    #[test]
    fn stored_paths_read_back_as_written() {
        let paths = [
            Path::default(),
            Path(vec![key("spec"), key("1"), Segment::Index(3)]),
            Path(vec![
                key("shards"),
                typed("2", ValueType::Int),
                Segment::Index(0),
                typed("1.5", ValueType::Float),
                typed("!Ref x", ValueType::Tagged),
            ]),
        ];
        for path in paths {
            let stored = Path::from_stored(&path.to_json(), path.key_types_json().as_deref());
            assert_eq!(stored, Ok(path.clone()));
            assert_eq!(stored.unwrap().to_string(), path.to_string());
        }
    }

    #[test]
    fn a_run_saved_without_key_types_reads_back_with_string_keys() {
        assert_eq!(
            Path::from_stored(r#"["shards","2"]"#, None),
            Ok(Path(vec![key("shards"), key("2")]))
        );
    }

    #[test]
    fn damaged_stored_paths_are_refused_saying_what_is_wrong() {
        for json in ["[1.5]", "[-1]", "{}", "[null]", "not json"] {
            assert_eq!(
                Path::from_stored(json, None),
                Err(PathFormatError::NotAPath {
                    json: json.to_owned()
                })
            );
        }
        let bad = [
            (
                r#"["a"]"#,
                r#"{"a":1}"#,
                "not a JSON array of type names and nulls",
            ),
            (r#"["a","b"]"#, r#"[null]"#, "not one entry per segment"),
            (
                r#"["a"]"#,
                r#"["string"]"#,
                "a key type that is not a non-string type name",
            ),
            (
                r#"["a"]"#,
                r#"["integer"]"#,
                "a key type that is not a non-string type name",
            ),
            (r#"[0]"#, r#"["int"]"#, "a key type for an index"),
        ];
        for (json, key_types, reason) in bad {
            let error = Path::from_stored(json, Some(key_types)).unwrap_err();
            assert_eq!(
                error,
                PathFormatError::KeyTypes {
                    json: json.to_owned(),
                    key_types: key_types.to_owned(),
                    reason
                }
            );
            assert_eq!(
                error.to_string(),
                format!("key types {key_types} do not fit path {json}: {reason}")
            );
        }
    }
}
