//! The rules a walk applies, compiled: which differences are ignored, and
//! how the sequences at some paths are matched. Built by
//! [`crate::rules::Rules`] from what the user wrote; the walk only reads
//! them.

use super::Kind;
use super::pattern::Pattern;

/// Everything the walk needs to know about the rules in effect.
#[derive(Debug, Clone, Default)]
pub struct WalkRules {
    /// `--ignore` and `[[ignore]]`, in the order given.
    pub ignore: Vec<IgnoreMatcher>,
    /// `--list-key`, `--ignore-order` and `[[list]]`: the first whose
    /// selector matches a sequence's path decides how it is matched.
    pub lists: Vec<ListMatcher>,
    /// `--list-keys`: the candidate keys tried, in order, on every other
    /// sequence of mappings; empty for index by index.
    pub auto_keys: Vec<String>,
}

impl WalkRules {
    /// Whether the walk needs no rule at all: then it is the plain walk.
    pub fn is_empty(&self) -> bool {
        self.ignore.is_empty() && self.lists.is_empty() && self.auto_keys.is_empty()
    }
}

/// One ignore rule.
#[derive(Debug, Clone)]
pub struct IgnoreMatcher {
    /// Its position in the rules' ignore list, which differences it
    /// ignores are marked with.
    pub index: u32,
    /// A difference is ignored when any of these matches its path or a
    /// prefix of it.
    pub patterns: Vec<Pattern>,
    /// Only differences of these kinds; `None` for all.
    pub kinds: Option<Vec<Kind>>,
}

/// How the sequences at some paths are matched.
#[derive(Debug, Clone)]
pub struct ListMatcher {
    /// The paths of the sequences.
    pub pattern: Pattern,
    /// By which rule.
    pub how: ListMatch,
}

/// A way to match the items of two sequences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListMatch {
    /// By the value of this key in each item.
    Key(String),
    /// As multisets: equal items pair up, whatever their order.
    Unordered,
}

/// Something the walk had to decide against a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkWarning {
    /// The sequence's path, as people write it.
    pub path: String,
    /// What happened.
    pub message: String,
}
