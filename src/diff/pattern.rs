//! Rule selectors: paths with wildcards, which `--ignore`, `--list-key`
//! and `--ignore-order` match against the paths of a walk.
//!
//! The grammar is the PATH of [`super::Selector`] (the way confdiff
//! prints paths, or a JSON array) plus `*` (any one key or index, also
//! `[*]`), `**` (any number of steps, none included) and `[k=v]` (the
//! item of a sequence whose mapping has key `k` with the plain value `v`;
//! either may be quoted). A selector starting with `/` is an RFC 6901
//! JSON Pointer, whose tokens (with `~1` for `/` and `~0` for `~`) match
//! a key written so or, when all digits, an index; `*` and `**` tokens
//! are wildcards there too.

use std::fmt;

use crate::document::Value;

use super::selector::{Written, from_json};
use super::{Path, PathSyntaxError, Segment};

/// One step of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternStep {
    /// Exactly this key, index or key-matched item.
    Exact(Segment),
    /// A key written so, whatever its type (JSON array strings).
    Untyped(String),
    /// A JSON Pointer token: a key written so, or an index when it is
    /// all digits.
    Pointer(String),
    /// `*`: any one step.
    AnyOne,
    /// `**`: any number of steps, none included.
    AnyDepth,
}

/// A parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    steps: Vec<PatternStep>,
    /// The normalised text: the written form printed back, or the
    /// pointer as given.
    text: String,
}

impl Pattern {
    /// Parses a selector; the error names the position of the problem.
    pub fn parse(text: &str) -> Result<Pattern, PathSyntaxError> {
        let steps = if text.starts_with('/') {
            pointer(text)?
        } else if text.starts_with('[')
            && let Ok(serde_json::Value::Array(items)) = serde_json::from_str(text)
        {
            from_json(text, items)?
                .path
                .0
                .into_iter()
                .map(|segment| match segment {
                    Segment::Key(key) => PatternStep::Untyped(key),
                    other => PatternStep::Exact(other),
                })
                .collect()
        } else {
            Written::with_wildcards(text).parse_steps()?
        };
        let text = if text.starts_with('/') {
            text.to_owned()
        } else {
            written(&steps)
        };
        Ok(Pattern { steps, text })
    }

    /// Whether the selector matches `path` itself (`prefix: false`), or
    /// `path` or any prefix of it (`prefix: true`).
    pub(crate) fn matches<S: StepView>(&self, path: &[S], prefix: bool) -> bool {
        matches(&self.steps, path, prefix)
    }

    /// The steps.
    pub fn steps(&self) -> &[PatternStep] {
        &self.steps
    }
}

/// The normalised text.
impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A selector's steps written back the way confdiff prints paths.
fn written(steps: &[PatternStep]) -> String {
    if steps.is_empty() {
        return "(root)".to_owned();
    }
    let mut text = String::new();
    for (i, step) in steps.iter().enumerate() {
        let part = match step {
            PatternStep::Exact(segment) => Path(vec![segment.clone()]).to_string(),
            PatternStep::Untyped(key) | PatternStep::Pointer(key) => {
                Path(vec![Segment::Key(key.clone())]).to_string()
            }
            PatternStep::AnyOne => "*".to_owned(),
            PatternStep::AnyDepth => "**".to_owned(),
        };
        if i > 0 && !part.starts_with('[') {
            text.push('.');
        }
        text.push_str(&part);
    }
    text
}

/// `/spec/replicas`, `/metadata/annotations/**`, `/a~1b/~0c`.
fn pointer(text: &str) -> Result<Vec<PatternStep>, PathSyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    let bad = |at: usize, reason: &str| PathSyntaxError {
        given: text.to_owned(),
        position: at + 1,
        unit: "character",
        reason: reason.to_owned(),
    };
    let mut steps = Vec::new();
    let mut at = 1;
    loop {
        let mut token = String::new();
        while at < chars.len() && chars[at] != '/' {
            match chars[at] {
                '~' => match chars.get(at + 1) {
                    Some('0') => token.push('~'),
                    Some('1') => token.push('/'),
                    _ => return Err(bad(at, "'~' starts an escape: ~0 for '~', ~1 for '/'")),
                },
                c => {
                    token.push(c);
                    at += 1;
                    continue;
                }
            }
            at += 2;
        }
        steps.push(match token.as_str() {
            "*" => PatternStep::AnyOne,
            "**" => PatternStep::AnyDepth,
            _ => PatternStep::Pointer(token),
        });
        if at >= chars.len() {
            return Ok(steps);
        }
        at += 1;
    }
}

/// A step of a path being walked, as a selector sees it.
pub(crate) trait StepView {
    /// The mapping key, for a key step.
    fn key(&self) -> Option<&Value>;
    /// The index, for an index step.
    fn index(&self) -> Option<usize>;
    /// The key and its value, for a key-matched step.
    fn matched(&self) -> Option<(&str, &str)>;
    /// The items on the two sides, for an index step (either may be
    /// absent: an added or removed item).
    fn items(&self) -> [Option<&Value>; 2];
}

fn matches<S: StepView>(steps: &[PatternStep], path: &[S], prefix: bool) -> bool {
    match steps.split_first() {
        None => prefix || path.is_empty(),
        Some((PatternStep::AnyDepth, rest)) => {
            (0..=path.len()).any(|skip| matches(rest, &path[skip..], prefix))
        }
        Some((step, rest)) => match path.split_first() {
            Some((first, others)) => step_matches(step, first) && matches(rest, others, prefix),
            None => false,
        },
    }
}

fn step_matches<S: StepView>(step: &PatternStep, at: &S) -> bool {
    let key_plain = |text: &str| at.key().is_some_and(|k| k.plain_form() == text);
    match step {
        PatternStep::AnyOne => true,
        PatternStep::AnyDepth => unreachable!("handled by the caller"),
        PatternStep::Untyped(key) => key_plain(key),
        PatternStep::Pointer(token) => {
            key_plain(token)
                || (!token.is_empty()
                    && token.bytes().all(|b| b.is_ascii_digit())
                    && at.index().is_some_and(|i| token.parse() == Ok(i)))
        }
        PatternStep::Exact(Segment::Key(key)) => {
            matches!(at.key(), Some(Value::String(k)) if **k == **key)
        }
        PatternStep::Exact(Segment::NonStringKey { plain, key_type }) => at
            .key()
            .is_some_and(|k| k.value_type() == *key_type && k.plain_form() == plain.as_str()),
        PatternStep::Exact(Segment::Index(index)) => at.index() == Some(*index),
        PatternStep::Exact(Segment::Match { key, value }) => {
            at.matched() == Some((key.as_str(), value.as_str()))
                || at
                    .items()
                    .into_iter()
                    .flatten()
                    .any(|item| item_key(item, key).as_deref() == Some(value.as_str()))
        }
    }
}

/// The plain value of string key `key` in `item` (a mapping, possibly
/// tagged), when it has one and it is a scalar: what identifies the item
/// in `[key=value]`.
pub(crate) fn item_key(item: &Value, key: &str) -> Option<String> {
    let item = match item {
        Value::Tagged(tagged) => &tagged.value,
        other => other,
    };
    let Value::Mapping(mapping) = item else {
        return None;
    };
    let (_, value) = mapping.get(&Value::String(key.into()))?;
    match &value.value {
        Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => None,
        scalar => Some(scalar.plain_form().into_owned()),
    }
}

#[cfg(test)]
mod tests;
