//! Tags: the core ones are applied (they only choose a type), every other
//! one is kept on the value so a diff can show it.

use saphyr_parser::Tag;

use super::scalar;
use super::value::{Tagged, Value};

/// The prefix every core schema tag resolves to (what `!!` stands for
/// unless a `%TAG` directive says otherwise).
const CORE_PREFIX: &str = "tag:yaml.org,2002:";

/// What a tag means to the loader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TagKind {
    /// The non-specific tag `!`: a scalar is a string, a collection is
    /// what it looks like.
    NonSpecific,
    /// A core schema type, applied instead of kept.
    Core(CoreType),
    /// Any other tag, in its written form: `!local`, `!!binary`, or
    /// `!<full-tag>` for a tag that resolved through a `%TAG` prefix or was
    /// written verbatim.
    Other(String),
}

/// The types the core schema tags name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CoreType {
    /// `!!str`
    Str,
    /// `!!int`
    Int,
    /// `!!float`
    Float,
    /// `!!bool`
    Bool,
    /// `!!null`
    Null,
    /// `!!seq`
    Seq,
    /// `!!map`
    Map,
}

impl CoreType {
    /// The short form, for messages.
    fn name(self) -> &'static str {
        match self {
            CoreType::Str => "!!str",
            CoreType::Int => "!!int",
            CoreType::Float => "!!float",
            CoreType::Bool => "!!bool",
            CoreType::Null => "!!null",
            CoreType::Seq => "!!seq",
            CoreType::Map => "!!map",
        }
    }
}

/// The kind of collection a tag is put on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CollectionKind {
    /// A sequence.
    Sequence,
    /// A mapping.
    Mapping,
}

/// Classifies a tag by its fully resolved text (the parser has already
/// applied `%TAG` prefixes and `%`-escapes), so `!!int`, `!<tag:yaml.org,2002:int>`
/// and a `%TAG` handle bound to the core prefix all mean the same type, as
/// YAML says they do.
pub(super) fn classify(tag: &Tag) -> TagKind {
    let full = format!("{}{}", tag.handle, tag.suffix);
    if full == "!" {
        return TagKind::NonSpecific;
    }
    if let Some(name) = full.strip_prefix(CORE_PREFIX) {
        let core = match name {
            "str" => CoreType::Str,
            "int" => CoreType::Int,
            "float" => CoreType::Float,
            "bool" => CoreType::Bool,
            "null" => CoreType::Null,
            "seq" => CoreType::Seq,
            "map" => CoreType::Map,
            _ => return TagKind::Other(format!("!!{name}")),
        };
        return TagKind::Core(core);
    }
    if full.starts_with('!') {
        // A local tag: `!Ref`, or a `%TAG` handle bound to a `!` prefix.
        TagKind::Other(full)
    } else {
        TagKind::Other(format!("!<{full}>"))
    }
}

/// The value of a scalar with its text, whether it was plain, and its tag.
///
/// Quoted and block scalars are strings unless a core tag says otherwise;
/// a kept tag wraps the value the scalar would have without it.
pub(super) fn scalar_value(text: &str, plain: bool, tag: Option<&Tag>) -> Result<Value, String> {
    let untagged = || {
        if plain {
            scalar::resolve_plain(text)
        } else {
            Ok(Value::String(text.into()))
        }
    };
    match tag.map(classify) {
        None => untagged(),
        Some(TagKind::NonSpecific) => Ok(Value::String(text.into())),
        Some(TagKind::Core(core)) => core_scalar(core, text),
        Some(TagKind::Other(tag)) => Ok(Value::Tagged(Box::new(Tagged {
            tag,
            value: untagged()?,
        }))),
    }
}

/// A scalar under a core tag: its text must be one of that type's forms.
fn core_scalar(core: CoreType, text: &str) -> Result<Value, String> {
    let value = match core {
        CoreType::Str => Some(Value::String(text.into())),
        CoreType::Int => scalar::parse_int(text)?.map(Value::Int),
        CoreType::Float => match scalar::parse_int_as_float(text)? {
            Some(x) => Some(Value::Float(x)),
            None => scalar::parse_float(text).map(Value::Float),
        },
        CoreType::Bool => scalar::parse_bool(text).map(Value::Bool),
        CoreType::Null => scalar::is_null(text).then_some(Value::Null),
        CoreType::Seq | CoreType::Map => {
            return Err(format!("tag {} cannot be put on a scalar", core.name()));
        }
    };
    value.ok_or_else(|| format!("{text:?} is not a valid {}", core.name()))
}

/// The tag a collection keeps, if any: `None` for no tag, `!`, or the core
/// tag of its own kind; an error for a core tag of another type.
pub(super) fn collection_tag(
    kind: CollectionKind,
    tag: Option<&Tag>,
) -> Result<Option<String>, String> {
    match tag.map(classify) {
        None | Some(TagKind::NonSpecific) => Ok(None),
        Some(TagKind::Core(CoreType::Seq)) if kind == CollectionKind::Sequence => Ok(None),
        Some(TagKind::Core(CoreType::Map)) if kind == CollectionKind::Mapping => Ok(None),
        Some(TagKind::Core(core)) => Err(format!(
            "tag {} cannot be put on a {}",
            core.name(),
            match kind {
                CollectionKind::Sequence => "sequence",
                CollectionKind::Mapping => "mapping",
            }
        )),
        Some(TagKind::Other(tag)) => Ok(Some(tag)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::value::Integer;

    fn tag(handle: &str, suffix: &str) -> Tag {
        Tag {
            handle: handle.to_owned(),
            suffix: suffix.to_owned(),
        }
    }

    #[test]
    fn classification_by_resolved_text() {
        assert_eq!(classify(&tag("", "!")), TagKind::NonSpecific);
        assert_eq!(
            classify(&tag(CORE_PREFIX, "int")),
            TagKind::Core(CoreType::Int)
        );
        // Verbatim `!<tag:yaml.org,2002:str>` comes with an empty handle.
        assert_eq!(
            classify(&tag("", "tag:yaml.org,2002:str")),
            TagKind::Core(CoreType::Str)
        );
        assert_eq!(
            classify(&tag(CORE_PREFIX, "binary")),
            TagKind::Other("!!binary".into())
        );
        assert_eq!(classify(&tag("!", "Ref")), TagKind::Other("!Ref".into()));
        assert_eq!(classify(&tag("", "!bar")), TagKind::Other("!bar".into()));
        assert_eq!(
            classify(&tag("tag:example.com,2000:app/", "foo")),
            TagKind::Other("!<tag:example.com,2000:app/foo>".into())
        );
    }

    #[test]
    fn core_tags_check_the_text() {
        let int = tag(CORE_PREFIX, "int");
        assert_eq!(
            scalar_value("42", false, Some(&int)),
            Ok(Value::Int(Integer::Small(42)))
        );
        assert!(scalar_value("abc", true, Some(&int)).is_err());
        assert!(scalar_value("1.5", true, Some(&int)).is_err());
        let float = tag(CORE_PREFIX, "float");
        assert_eq!(scalar_value("1", true, Some(&float)), Ok(Value::Float(1.0)));
        assert_eq!(
            scalar_value("0x10", true, Some(&float)),
            Ok(Value::Float(16.0))
        );
        assert!(scalar_value("one", true, Some(&float)).is_err());
        let bool_tag = tag(CORE_PREFIX, "bool");
        assert_eq!(
            scalar_value("True", false, Some(&bool_tag)),
            Ok(Value::Bool(true))
        );
        assert!(scalar_value("yes", true, Some(&bool_tag)).is_err());
        let null = tag(CORE_PREFIX, "null");
        assert_eq!(scalar_value("", true, Some(&null)), Ok(Value::Null));
        assert!(scalar_value("nil", true, Some(&null)).is_err());
        let map = tag(CORE_PREFIX, "map");
        assert!(scalar_value("a", true, Some(&map)).is_err());
        let string = tag(CORE_PREFIX, "str");
        assert_eq!(
            scalar_value("123", true, Some(&string)),
            Ok(Value::String("123".into()))
        );
    }

    #[test]
    fn kept_tags_type_their_content_as_untagged() {
        let local = tag("!", "Ref");
        let expect = |value| {
            Ok(Value::Tagged(Box::new(Tagged {
                tag: "!Ref".into(),
                value,
            })))
        };
        assert_eq!(
            scalar_value("80", true, Some(&local)),
            expect(Value::Int(Integer::Small(80)))
        );
        assert_eq!(
            scalar_value("80", false, Some(&local)),
            expect(Value::String("80".into()))
        );
        assert_eq!(
            scalar_value("80", true, Some(&tag("", "!"))),
            Ok(Value::String("80".into()))
        );
    }

    #[test]
    fn collection_tags() {
        use CollectionKind::{Mapping, Sequence};
        let seq = tag(CORE_PREFIX, "seq");
        let map = tag(CORE_PREFIX, "map");
        assert_eq!(collection_tag(Sequence, Some(&seq)), Ok(None));
        assert_eq!(collection_tag(Mapping, Some(&map)), Ok(None));
        assert!(collection_tag(Sequence, Some(&map)).is_err());
        assert!(collection_tag(Mapping, Some(&tag(CORE_PREFIX, "str"))).is_err());
        assert_eq!(collection_tag(Mapping, Some(&tag("", "!"))), Ok(None));
        assert_eq!(
            collection_tag(Sequence, Some(&tag(CORE_PREFIX, "set"))),
            Ok(Some("!!set".into()))
        );
    }
}
