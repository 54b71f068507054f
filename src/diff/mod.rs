//! Differences: the contract's depth-first walk over two documents.

mod path;
mod pattern;
mod rules;
mod selector;
mod walk;

use serde_json::value::RawValue;

use crate::document::{Value, ValueType};

pub use path::{Path, PathFormatError, Segment};
pub use pattern::{Pattern, PatternStep};
pub use rules::{IgnoreMatcher, ListMatch, ListMatcher, WalkRules, WalkWarning};
pub use selector::{PathSyntaxError, Selector};
pub use walk::{diff, diff_with_rules};

/// What happened at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Only the right side has the value.
    Added,
    /// Only the left side has the value.
    Removed,
    /// Same type, different value (or different tags).
    Changed,
    /// Different types.
    TypeChanged,
}

impl Kind {
    /// The contract's name of the kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Changed => "changed",
            Kind::TypeChanged => "type_changed",
        }
    }

    /// The inverse of [`Kind::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "added" => Kind::Added,
            "removed" => Kind::Removed,
            "changed" => Kind::Changed,
            "type_changed" => Kind::TypeChanged,
            _ => return None,
        })
    }
}

/// One side's value at a difference, already in its JSON form: the walk
/// runs on worker threads, so the rendering happens there too, and the
/// store and printers only copy text.
#[derive(Debug, Clone)]
pub struct SideValue {
    /// The value's JSON text (compact), as the contract writes it.
    pub json: Box<RawValue>,
    /// The value's type, which JSON alone cannot always tell (`".inf"`).
    pub value_type: ValueType,
    /// 1-based line where the value (or its key) starts.
    pub line: u32,
}

impl SideValue {
    /// `value`, found at `line`, in the form the contract writes it. The
    /// one renderer of values: differences and blame both use it.
    pub fn of(value: &Value, line: u32) -> Self {
        SideValue {
            json: serde_json::value::to_raw_value(value)
                .expect("a document value always serializes to JSON"),
            value_type: value.value_type(),
            line,
        }
    }
}

impl PartialEq for SideValue {
    fn eq(&self, other: &Self) -> bool {
        self.json.get() == other.json.get()
            && self.value_type == other.value_type
            && self.line == other.line
    }
}

impl Eq for SideValue {}

/// One difference between the two documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Where.
    pub path: Path,
    /// What.
    pub kind: Kind,
    /// The left value; absent for `added`.
    pub left: Option<SideValue>,
    /// The right value; absent for `removed`.
    pub right: Option<SideValue>,
    /// The position, in the rules' ignore list, of the rule that ignores
    /// it; `None` for a reported difference (always, without rules).
    pub ignored_by: Option<u32>,
}
