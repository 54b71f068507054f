//! The walk itself.
//!
//! It recurses once per level of nesting, which the loader caps at
//! [`crate::document::MAX_DEPTH`]; the compare workers run with a stack
//! sized for that.

use crate::document::{Node, Value};

use super::{Difference, Kind, Path, Segment, SideValue};

/// Every difference between `left` and `right`, in the contract's
/// depth-first order. Empty when the documents are equal.
pub fn diff(left: &Node, right: &Node) -> Vec<Difference> {
    let mut walk = Walk {
        path: Vec::new(),
        out: Vec::new(),
    };
    walk.compare(&left.value, left.line, &right.value, right.line);
    walk.out
}

/// A step of the current path, borrowed from the left document: most
/// keys the walk visits hold no difference, so their written form is only
/// made when one is recorded.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a Value),
    Index(usize),
}

struct Walk<'a> {
    path: Vec<Step<'a>>,
    out: Vec<Difference>,
}

impl<'a> Walk<'a> {
    fn compare(&mut self, a: &'a Value, a_line: u32, b: &'a Value, b_line: u32) {
        match (a, b) {
            (Value::Mapping(a), Value::Mapping(b)) => {
                for (key, a_value) in a.iter() {
                    self.path.push(Step::Key(&key.value));
                    match b.get(&key.value) {
                        Some((b_key, b_value)) => {
                            self.compare(&a_value.value, key.line, &b_value.value, b_key.line);
                        }
                        None => self.record(Kind::Removed, Some((&a_value.value, key.line)), None),
                    }
                    self.path.pop();
                }
                for (key, b_value) in b.iter() {
                    if !a.contains_key(&key.value) {
                        self.path.push(Step::Key(&key.value));
                        self.record(Kind::Added, None, Some((&b_value.value, key.line)));
                        self.path.pop();
                    }
                }
            }
            (Value::Sequence(a), Value::Sequence(b)) => {
                for (i, (x, y)) in a.iter().zip(b).enumerate() {
                    self.path.push(Step::Index(i));
                    self.compare(&x.value, x.line, &y.value, y.line);
                    self.path.pop();
                }
                for (i, x) in a.iter().enumerate().skip(b.len()) {
                    self.path.push(Step::Index(i));
                    self.record(Kind::Removed, Some((&x.value, x.line)), None);
                    self.path.pop();
                }
                for (i, y) in b.iter().enumerate().skip(a.len()) {
                    self.path.push(Step::Index(i));
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
        let path = self
            .path
            .iter()
            .map(|step| match step {
                Step::Key(key) => Segment::key(key.plain_form().into_owned(), key.value_type()),
                Step::Index(i) => Segment::Index(*i),
            })
            .collect();
        self.out.push(Difference {
            path: Path(path),
            kind,
            left: left.map(side),
            right: right.map(side),
        });
    }
}
