//! The walk itself.
//!
//! It recurses once per level of nesting, which the loader caps at
//! [`crate::document::MAX_DEPTH`]; the compare workers run with a stack
//! sized for that.

use std::collections::{HashMap, HashSet};

use crate::document::{Node, Value};

use super::pattern::{StepView, item_key};
use super::rules::{ListMatch, WalkRules, WalkWarning};
use super::{Difference, Kind, Path, Segment, SideValue};

/// Every difference between `left` and `right`, in the contract's
/// depth-first order. Empty when the documents are equal.
pub fn diff(left: &Node, right: &Node) -> Vec<Difference> {
    let mut walk = Walk {
        path: Vec::new(),
        out: Vec::new(),
        rules: None,
        warnings: Vec::new(),
    };
    walk.compare(&left.value, left.line, &right.value, right.line);
    walk.out
}

/// The differences under `rules`: those reported first, in the walk's
/// order, then those an ignore rule matched (marked with it), in the
/// walk's order; and what the rules could not do. Without any rule this
/// is [`diff`].
pub fn diff_with_rules(
    left: &Node,
    right: &Node,
    rules: &WalkRules,
) -> (Vec<Difference>, Vec<WalkWarning>) {
    if rules.is_empty() {
        return (diff(left, right), Vec::new());
    }
    let mut walk = Walk {
        path: Vec::new(),
        out: Vec::new(),
        rules: Some(rules),
        warnings: Vec::new(),
    };
    walk.compare(&left.value, left.line, &right.value, right.line);
    let (mut reported, ignored): (Vec<_>, Vec<_>) = walk
        .out
        .into_iter()
        .partition(|d: &Difference| d.ignored_by.is_none());
    reported.extend(ignored);
    (reported, walk.warnings)
}

/// A step of the current path, borrowed from the left document: most
/// keys the walk visits hold no difference, so their written form is only
/// made when one is recorded. An index step keeps both items, which a
/// `[k=v]` selector looks into.
#[derive(Clone)]
enum Step<'a> {
    Key(&'a Value),
    Index(usize, [Option<&'a Value>; 2]),
    Matched(&'a str, String),
}

impl StepView for Step<'_> {
    fn key(&self) -> Option<&Value> {
        match self {
            Step::Key(key) => Some(key),
            _ => None,
        }
    }

    fn index(&self) -> Option<usize> {
        match self {
            Step::Index(i, _) => Some(*i),
            _ => None,
        }
    }

    fn matched(&self) -> Option<(&str, &str)> {
        match self {
            Step::Matched(key, value) => Some((key, value)),
            _ => None,
        }
    }

    fn items(&self) -> [Option<&Value>; 2] {
        match self {
            Step::Index(_, items) => *items,
            _ => [None, None],
        }
    }
}

struct Walk<'a> {
    path: Vec<Step<'a>>,
    out: Vec<Difference>,
    rules: Option<&'a WalkRules>,
    warnings: Vec<WalkWarning>,
}

impl<'a> Walk<'a> {
    fn compare(&mut self, a: &'a Value, a_line: u32, b: &'a Value, b_line: u32) {
        match (a, b) {
            (Value::Mapping(a), Value::Mapping(b)) => {
                for (i, (key, a_value)) in a.iter().enumerate() {
                    self.path.push(Step::Key(&key.value));
                    match b.get_near(&key.value, i) {
                        Some((b_key, b_value)) => {
                            self.compare(&a_value.value, key.line, &b_value.value, b_key.line);
                        }
                        None => self.record(Kind::Removed, Some((&a_value.value, key.line)), None),
                    }
                    self.path.pop();
                }
                for (i, (key, b_value)) in b.iter().enumerate() {
                    if !a.contains_key_near(&key.value, i) {
                        self.path.push(Step::Key(&key.value));
                        self.record(Kind::Added, None, Some((&b_value.value, key.line)));
                        self.path.pop();
                    }
                }
            }
            (Value::Sequence(a), Value::Sequence(b)) => {
                if let Some(rules) = self.rules
                    && self.by_rule(rules, a, b)
                {
                    return;
                }
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.path
                        .push(Step::Index(i, [Some(&x.value), Some(&y.value)]));
                    self.compare(&x.value, x.line, &y.value, y.line);
                    self.path.pop();
                }
                for (i, x) in a.iter().enumerate().skip(b.len()) {
                    self.path.push(Step::Index(i, [Some(&x.value), None]));
                    self.record(Kind::Removed, Some((&x.value, x.line)), None);
                    self.path.pop();
                }
                for (i, y) in b.iter().enumerate().skip(a.len()) {
                    self.path.push(Step::Index(i, [None, Some(&y.value)]));
                    self.record(Kind::Added, None, Some((&y.value, y.line)));
                    self.path.pop();
                }
            }
            (Value::Tagged(x), Value::Tagged(y)) => {
                if x.tag != y.tag {
                    self.record(Kind::Changed, Some((a, a_line)), Some((b, b_line)));
                } else {
                    self.compare(&x.value, a_line, &y.value, b_line);
                }
            }
            _ if a.value_type() != b.value_type() => {
                self.record(Kind::TypeChanged, Some((a, a_line)), Some((b, b_line)));
            }
            _ if a != b => self.record(Kind::Changed, Some((a, a_line)), Some((b, b_line))),
            _ => {}
        }
    }

    fn record(&mut self, kind: Kind, left: Option<(&Value, u32)>, right: Option<(&Value, u32)>) {
        let side = |(value, line): (&Value, u32)| SideValue::of(value, line);
        let ignored_by = self.rules.and_then(|rules| {
            rules
                .ignore
                .iter()
                .find(|rule| {
                    rule.kinds
                        .as_ref()
                        .is_none_or(|kinds| kinds.contains(&kind))
                        && rule.patterns.iter().any(|p| p.matches(&self.path, true))
                })
                .map(|rule| rule.index)
        });
        let path = self
            .path
            .iter()
            .map(|step| match step {
                Step::Key(key) => Segment::key(key.plain_form().into_owned(), key.value_type()),
                Step::Index(i, _) => Segment::Index(*i),
                Step::Matched(key, value) => Segment::Match {
                    key: (*key).to_owned(),
                    value: value.clone(),
                },
            })
            .collect();
        self.out.push(Difference {
            path: Path(path),
            kind,
            left: left.map(side),
            right: right.map(side),
            ignored_by,
        });
    }

    /// Walks two sequences as a list rule says, when one applies; `false`
    /// leaves them to the walk index by index.
    fn by_rule(&mut self, rules: &'a WalkRules, a: &'a [Node], b: &'a [Node]) -> bool {
        let chosen = rules
            .lists
            .iter()
            .find(|rule| rule.pattern.matches(&self.path, false));
        match chosen.map(|rule| &rule.how) {
            Some(ListMatch::Unordered) => {
                self.unordered(a, b);
                true
            }
            Some(ListMatch::Key(key)) => match keyed(a, b, key) {
                Ok(keys) => {
                    self.by_key(key, a, b, keys);
                    true
                }
                Err(why) => {
                    self.warnings.push(WalkWarning {
                        path: self.written_path(),
                        message: format!(
                            "cannot match the items by '{key}' ({why}); compared index by index"
                        ),
                    });
                    false
                }
            },
            None => {
                for key in &rules.auto_keys {
                    if let Ok(keys) = keyed(a, b, key) {
                        self.by_key(key, a, b, keys);
                        return true;
                    }
                }
                false
            }
        }
    }

    /// For each left item in order, the right item with its key value,
    /// or `removed`; then each right item left over is `added`, in order.
    fn by_key(&mut self, key: &'a str, a: &'a [Node], b: &'a [Node], keys: Keys) {
        let (left_keys, right_keys) = keys;
        let right_at: HashMap<&str, usize> = right_keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let mut matched = vec![false; b.len()];
        for (x, value) in a.iter().zip(&left_keys) {
            self.path.push(Step::Matched(key, value.clone()));
            match right_at.get(value.as_str()) {
                Some(&j) => {
                    matched[j] = true;
                    let y = &b[j];
                    self.compare(&x.value, x.line, &y.value, y.line);
                }
                None => self.record(Kind::Removed, Some((&x.value, x.line)), None),
            }
            self.path.pop();
        }
        for ((y, value), seen) in b.iter().zip(right_keys).zip(matched) {
            if !seen {
                self.path.push(Step::Matched(key, value));
                self.record(Kind::Added, None, Some((&y.value, y.line)));
                self.path.pop();
            }
        }
    }

    /// Multisets: each left item, in order, takes the first equal right
    /// item not yet taken; the left items left over are `removed` at
    /// their index, then the right ones `added` at theirs.
    fn unordered(&mut self, a: &'a [Node], b: &'a [Node]) {
        let mut free: HashMap<&Value, Vec<usize>> = HashMap::new();
        for (j, y) in b.iter().enumerate().rev() {
            free.entry(&y.value).or_default().push(j);
        }
        let mut taken = vec![false; b.len()];
        let mut unmatched = Vec::new();
        for (i, x) in a.iter().enumerate() {
            match free.get_mut(&x.value).and_then(Vec::pop) {
                Some(j) => taken[j] = true,
                None => unmatched.push(i),
            }
        }
        for i in unmatched {
            let x = &a[i];
            self.path.push(Step::Index(i, [Some(&x.value), None]));
            self.record(Kind::Removed, Some((&x.value, x.line)), None);
            self.path.pop();
        }
        for (j, y) in b.iter().enumerate() {
            if !taken[j] {
                self.path.push(Step::Index(j, [None, Some(&y.value)]));
                self.record(Kind::Added, None, Some((&y.value, y.line)));
                self.path.pop();
            }
        }
    }

    fn written_path(&self) -> String {
        let path = self
            .path
            .iter()
            .map(|step| match step {
                Step::Key(key) => Segment::key(key.plain_form().into_owned(), key.value_type()),
                Step::Index(i, _) => Segment::Index(*i),
                Step::Matched(key, value) => Segment::Match {
                    key: (*key).to_owned(),
                    value: value.clone(),
                },
            })
            .collect();
        Path(path).to_string()
    }
}

/// The key values of both sides' items.
type Keys = (Vec<String>, Vec<String>);

/// The value of `key` in every item of both sides, when every item is a
/// mapping with `key` holding a scalar and the values are unique on each
/// side; else why not.
fn keyed(a: &[Node], b: &[Node], key: &str) -> Result<Keys, String> {
    let side = |items: &[Node], name: &str| -> Result<Vec<String>, String> {
        let mut seen = HashSet::new();
        items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let value = item_key(&item.value, key).ok_or_else(|| {
                    format!("{name} item {i} is not a mapping with a plain '{key}'")
                })?;
                if !seen.insert(value.clone()) {
                    return Err(format!("{name} has '{key}' {value} twice"));
                }
                Ok(value)
            })
            .collect()
    };
    Ok((side(a, "the left side")?, side(b, "the right side")?))
}
