//! Paths into a document, and the way people write them.

use std::fmt::{self, Write as _};

use serde::Serialize;

use crate::printers::escape;

/// One step into a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Segment {
    /// A mapping key in its plain form (`1`, `true`, `name`).
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// A path from the document root; empty for the root itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Path(pub Vec<Segment>);

impl Path {
    /// The path as a JSON array, the form the contract and the store use.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("paths always serialize")
    }
}

/// `spec.ports[0].name`, `labels["app.kubernetes.io/name"]`, `(root)`.
/// Safe for a terminal: a quoted key's control characters are escapes.
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
            }
        }
        Ok(())
    }
}

/// Keys that read unambiguously after a dot: identifiers, with `-` allowed
/// since configuration keys use it a lot. A key that looks like a number
/// is quoted so it cannot be taken for an index.
fn is_bare_key(key: &str) -> bool {
    let mut chars = key.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_owned())
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
    fn written_keys_never_hold_raw_controls() {
        let path = Path(vec![key("a\u{1b}[31m\n\u{9b}\u{7f}\u{202e}\"\\")]);
        assert_eq!(path.to_string(), r#"["a\x1b[31m\n\u{9b}\x7f\u{202e}\"\\"]"#);
    }

    #[test]
    fn json_form_mixes_strings_and_integers() {
        let path = Path(vec![key("env"), Segment::Index(2)]);
        assert_eq!(path.to_json(), r#"["env",2]"#);
    }
}
