//! PATH arguments: a path into a document as the user gives it on the
//! command line, and where it leads in a loaded document.
//!
//! Two forms are read. The written form is the one confdiff prints
//! ([`Path`]'s `Display`): `spec.ports[0].name`,
//! `labels["app.kubernetes.io/name"]`, `shards[2 (int)]`, `(root)`. The
//! JSON form is the contract's array: `["spec","replicas"]`, strings for
//! keys and integers for indexes. Text that parses as a JSON array is read
//! as one; where both forms could apply (`[0]`, `["a"]`) they mean the
//! same path.
//!
//! `*` is refused in bare keys, so wildcard selectors can be added later
//! without changing the meaning of a PATH that works today.

use crate::document::{Node, Value, ValueType};

use super::pattern::PatternStep;
use super::{Path, Segment};

/// A PATH that does not parse. `position` is the 1-based character of
/// the problem (for the JSON form, the 1-based element).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid PATH '{given}': {reason} (at {unit} {position})")]
pub struct PathSyntaxError {
    /// The PATH as given.
    pub given: String,
    /// Where the problem is, 1-based.
    pub position: usize,
    /// `character` for the written form, `element` for the JSON form.
    pub unit: &'static str,
    /// What is wrong there.
    pub reason: String,
}

/// A parsed PATH: the path, and how its keys match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// The path, with the key types the written form gives.
    pub path: Path,
    /// Given as a JSON array, whose strings cannot say a key's type (the
    /// compare output writes `shards[2 (int)]` as `["shards","2"]`): a
    /// string then matches the string key, or failing that the one key
    /// of another type written the same.
    pub untyped_keys: bool,
}

impl Selector {
    /// Parses `text` in either form.
    pub fn parse(text: &str) -> Result<Selector, PathSyntaxError> {
        if text.starts_with('[')
            && let Ok(serde_json::Value::Array(items)) = serde_json::from_str(text)
        {
            return from_json(text, items);
        }
        let path = Written::new(text).parse()?;
        Ok(Selector {
            path,
            untyped_keys: false,
        })
    }

    /// The value the path leads to in `root` and the line it starts on
    /// (a mapping entry's key line, as differences give it), or `None`
    /// when it leads nowhere. A tagged collection is looked into as the
    /// diff walk looks into it: the tag adds no step.
    pub fn find<'a>(&self, root: &'a Node) -> Option<(&'a Value, u32)> {
        let mut value = &root.value;
        let mut line = root.line;
        for segment in &self.path.0 {
            if let Value::Tagged(tagged) = value {
                value = &tagged.value;
            }
            let (next, next_line) = match (segment, value) {
                (Segment::Index(i), Value::Sequence(items)) => {
                    let item = items.get(*i)?;
                    (&item.value, item.line)
                }
                (Segment::Key(key), Value::Mapping(mapping)) => {
                    match mapping.get(&Value::String(key.as_str().into())) {
                        Some((key, value)) => (&value.value, key.line),
                        None if self.untyped_keys => {
                            let mut same = mapping
                                .iter()
                                .filter(|(k, _)| k.value.plain_form() == key.as_str());
                            match (same.next(), same.next()) {
                                (Some((k, v)), None) => (&v.value, k.line),
                                _ => return None,
                            }
                        }
                        None => return None,
                    }
                }
                (Segment::NonStringKey { plain, key_type }, Value::Mapping(mapping)) => {
                    let (k, v) = mapping.iter().find(|(k, _)| {
                        k.value.value_type() == *key_type && k.value.plain_form() == plain.as_str()
                    })?;
                    (&v.value, k.line)
                }
                (Segment::Match { key, value }, Value::Sequence(items)) => {
                    let item = items.iter().find(|item| {
                        super::pattern::item_key(&item.value, key).as_deref() == Some(value)
                    })?;
                    (&item.value, item.line)
                }
                _ => return None,
            };
            value = next;
            line = next_line;
        }
        Some((value, line))
    }
}

pub(super) fn from_json(
    text: &str,
    items: Vec<serde_json::Value>,
) -> Result<Selector, PathSyntaxError> {
    let segments = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            match item {
                serde_json::Value::String(key) => Ok(Segment::Key(key)),
                serde_json::Value::Number(n) => n
                    .as_u64()
                    .and_then(|n| usize::try_from(n).ok())
                    .map(Segment::Index)
                    .ok_or_else(|| format!("index {n} is not a whole number from 0 up")),
                other => Err(format!(
                    "{other} is neither a key (a string) nor an index (an integer)"
                )),
            }
            .map_err(|reason| PathSyntaxError {
                given: text.to_owned(),
                position: i + 1,
                unit: "element",
                reason,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Selector {
        path: Path(segments),
        untyped_keys: true,
    })
}

/// The type names a bracketed key may carry: every type but `string`.
const KEY_TYPES: [ValueType; 7] = [
    ValueType::Null,
    ValueType::Bool,
    ValueType::Int,
    ValueType::Float,
    ValueType::Sequence,
    ValueType::Mapping,
    ValueType::Tagged,
];

/// The written form, read one character at a time. With `wildcards`
/// (rule selectors) it also reads `*`, `**`, `[*]` and `[k=v]`; without
/// (a blame PATH) those are refused as they always were.
pub(super) struct Written<'a> {
    given: &'a str,
    chars: Vec<char>,
    at: usize,
    wildcards: bool,
}

type Parsed<T> = Result<T, (usize, String)>;

impl<'a> Written<'a> {
    fn new(given: &'a str) -> Self {
        Written {
            given,
            chars: given.chars().collect(),
            at: 0,
            wildcards: false,
        }
    }

    /// A reader of rule selectors: wildcards and `[k=v]` allowed.
    pub(super) fn with_wildcards(given: &'a str) -> Self {
        Written {
            wildcards: true,
            ..Written::new(given)
        }
    }

    fn parse(self) -> Result<Path, PathSyntaxError> {
        self.parse_steps().map(|steps| {
            Path(
                steps
                    .into_iter()
                    .map(|step| match step {
                        PatternStep::Exact(segment) => segment,
                        _ => unreachable!("only a reader with wildcards makes wildcard steps"),
                    })
                    .collect(),
            )
        })
    }

    /// The steps of the written form, wildcards included when allowed.
    pub(super) fn parse_steps(mut self) -> Result<Vec<PatternStep>, PathSyntaxError> {
        self.segments().map_err(|(at, reason)| PathSyntaxError {
            given: self.given.to_owned(),
            position: at + 1,
            unit: "character",
            reason,
        })
    }

    fn segments(&mut self) -> Parsed<Vec<PatternStep>> {
        if self.given == "(root)" {
            return Ok(Vec::new());
        }
        if self.chars.is_empty() {
            return Err((0, "empty; write (root) for the whole document".to_owned()));
        }
        let mut segments = Vec::new();
        if self.peek() != Some('[') {
            segments.push(self.bare_key()?);
        }
        while let Some(c) = self.peek() {
            match c {
                '.' => {
                    self.at += 1;
                    segments.push(self.bare_key()?);
                }
                '[' => segments.push(self.bracket()?),
                _ => unreachable!("a key stops only at '.', '[' or the end"),
            }
        }
        Ok(segments)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    /// A key after a dot (or first): everything up to the next `.` or
    /// `[`, which must not need quotes; with wildcards, `*` or `**`.
    fn bare_key(&mut self) -> Parsed<PatternStep> {
        let start = self.at;
        if self.wildcards && self.peek() == Some('*') {
            let stars = self.chars[start..]
                .iter()
                .take_while(|&&c| c == '*')
                .count();
            let end = start + stars;
            if stars <= 2 && matches!(self.chars.get(end), None | Some('.') | Some('[')) {
                self.at = end;
                return Ok(if stars == 1 {
                    PatternStep::AnyOne
                } else {
                    PatternStep::AnyDepth
                });
            }
            return Err((
                start,
                "'*' is a whole step ('*' one step, '**' any number); write [\"…\"] for a key with '*' in it"
                    .to_owned(),
            ));
        }
        while let Some(c) = self.peek() {
            match c {
                '.' | '[' => break,
                '*' if self.wildcards => {
                    return Err((
                        self.at,
                        "'*' is a whole step ('*' one step, '**' any number); write [\"…\"] for a key with '*' in it"
                            .to_owned(),
                    ));
                }
                ']' | '"' | '\'' | '*' => {
                    let what = if c == '*' {
                        "'*' is reserved for wildcards"
                    } else {
                        "a key with brackets or quotes must be quoted"
                    };
                    return Err((self.at, format!("{what}: write [\"…\"] for such a key")));
                }
                c if c.is_whitespace() || c.is_control() => {
                    return Err((
                        self.at,
                        "a key with spaces or control characters must be quoted: write [\"…\"]"
                            .to_owned(),
                    ));
                }
                _ => self.at += 1,
            }
        }
        let key: String = self.chars[start..self.at].iter().collect();
        if key.is_empty() {
            let reason = if start == 0 {
                "a path cannot start with '.'"
            } else {
                "a key is missing after '.'"
            };
            return Err((start, reason.to_owned()));
        }
        if key.chars().all(|c| c.is_ascii_digit()) {
            return Err((
                start,
                format!("write [{key}] for an index or [\"{key}\"] for a key named {key}"),
            ));
        }
        Ok(PatternStep::Exact(Segment::Key(key)))
    }

    /// `[0]`, `["a.b"]` or `[2 (int)]`; with wildcards also `[*]` and
    /// `[k=v]`.
    fn bracket(&mut self) -> Parsed<PatternStep> {
        let open = self.at;
        self.at += 1;
        if self.peek() == Some('"') {
            let key = self.quoted()?;
            if self.wildcards && self.peek() == Some('=') {
                return self.match_value(key);
            }
            if self.peek() != Some(']') {
                return Err((self.at, "expected ']' after the quoted key".to_owned()));
            }
            self.at += 1;
            return Ok(PatternStep::Exact(Segment::Key(key)));
        }
        if self.wildcards && self.chars[self.at..].starts_with(&['*', ']']) {
            self.at += 2;
            return Ok(PatternStep::AnyOne);
        }
        if let Some((close, key_type)) = self.typed_end() {
            let plain = unescape_plain(&self.chars[self.at..close]);
            self.at = close + key_type.name().len() + 4;
            return Ok(PatternStep::Exact(Segment::NonStringKey {
                plain,
                key_type,
            }));
        }
        if self.wildcards
            && let Some(key) = self.bare_match_key()
        {
            return self.match_value(key);
        }
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        match self.peek() {
            Some(']') if self.at > start => {
                let digits: String = self.chars[start..self.at].iter().collect();
                let index = digits
                    .parse()
                    .map_err(|_| (start, format!("index {digits} is too large")))?;
                self.at += 1;
                Ok(PatternStep::Exact(Segment::Index(index)))
            }
            None if self.at > start => Err((open, "'[' is never closed".to_owned())),
            _ if self.chars[start..].starts_with(&['*']) => Err((
                start,
                "wildcards are not supported; write [\"*\"] for a key named *".to_owned(),
            )),
            _ if self.typed_as_string() => Err((
                start,
                "a string key is written quoted, not typed: [\"…\"]".to_owned(),
            )),
            _ => Err((
                start,
                "expected an index [0], a quoted key [\"a.b\"] or a typed key [2 (int)]".to_owned(),
            )),
        }
    }

    /// `k` of `[k=v]` written bare (an identifier, `-` allowed), when the
    /// bracket holds one; `self.at` is then at the `=`.
    fn bare_match_key(&mut self) -> Option<String> {
        let start = self.at;
        let len = self.chars[start..]
            .iter()
            .take_while(|&&c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            .count();
        if len == 0 || self.chars.get(start + len) != Some(&'=') {
            return None;
        }
        self.at = start + len;
        Some(self.chars[start..self.at].iter().collect())
    }

    /// `=v]` after the key of `[k=v]`: `v` quoted, or bare up to `]`.
    fn match_value(&mut self, key: String) -> Parsed<PatternStep> {
        self.at += 1;
        let value = if self.peek() == Some('"') {
            self.quoted()?
        } else {
            let start = self.at;
            while let Some(c) = self.peek() {
                match c {
                    ']' => break,
                    '[' | '"' | '\'' | '=' => {
                        return Err((
                            self.at,
                            "a value with brackets, quotes or '=' must be quoted: [k=\"…\"]"
                                .to_owned(),
                        ));
                    }
                    c if c.is_whitespace() || c.is_control() => {
                        return Err((
                            self.at,
                            "a value with spaces or control characters must be quoted: [k=\"…\"]"
                                .to_owned(),
                        ));
                    }
                    _ => self.at += 1,
                }
            }
            if self.at == start {
                return Err((start, "a value is missing after '='".to_owned()));
            }
            self.chars[start..self.at].iter().collect()
        };
        if self.peek() != Some(']') {
            return Err((self.at, "expected ']' after the value of [k=v]".to_owned()));
        }
        self.at += 1;
        Ok(PatternStep::Exact(Segment::Match { key, value }))
    }

    /// Where ` (TYPE)]` closes a typed key opened just before `self.at`:
    /// the first such ending followed by the end of the path, `.` or `[`
    /// (a key of a collection type can hold brackets and spaces itself).
    fn typed_end(&self) -> Option<(usize, ValueType)> {
        (self.at + 1..self.chars.len()).find_map(|close| {
            if self.chars[close] != ' ' {
                return None;
            }
            KEY_TYPES.into_iter().find_map(|key_type| {
                let ending: Vec<char> = format!(" ({key_type})]").chars().collect();
                let after = close + ending.len();
                let fits = self.chars[close..].starts_with(&ending)
                    && matches!(self.chars.get(after), None | Some('.') | Some('['));
                fits.then_some((close, key_type))
            })
        })
    }

    fn typed_as_string(&self) -> bool {
        let rest: String = self.chars[self.at..].iter().collect();
        rest.contains(" (string)]")
    }

    /// A key in double quotes, with the escapes the written form uses:
    /// `\"`, `\\`, `\n`, `\t`, `\r`, `\xNN` and `\u{…}`.
    fn quoted(&mut self) -> Parsed<String> {
        let open = self.at;
        self.at += 1;
        let mut key = String::new();
        loop {
            match self.peek() {
                None => return Err((open, "the quoted key is never closed".to_owned())),
                Some('"') => {
                    self.at += 1;
                    return Ok(key);
                }
                Some('\\') => {
                    let (c, len) = escape_at(&self.chars[self.at..], true).ok_or_else(|| {
                        (
                            self.at,
                            "unknown escape: use \\\", \\\\, \\n, \\t, \\r, \\xNN or \\u{…}"
                                .to_owned(),
                        )
                    })?;
                    key.push(c);
                    self.at += len;
                }
                Some(c) => {
                    key.push(c);
                    self.at += 1;
                }
            }
        }
    }
}

/// The character an escape at the start of `chars` (a backslash) stands
/// for, and how many characters it takes; `None` if it is not one.
/// `quoted` also allows `\"` and `\\`.
fn escape_at(chars: &[char], quoted: bool) -> Option<(char, usize)> {
    match chars.get(1)? {
        '"' | '\\' if quoted => Some((chars[1], 2)),
        'n' => Some(('\n', 2)),
        't' => Some(('\t', 2)),
        'r' => Some(('\r', 2)),
        'x' => {
            let hex: String = chars.get(2..4)?.iter().collect();
            let byte = u8::from_str_radix(&hex, 16).ok().filter(u8::is_ascii)?;
            Some((char::from(byte), 4))
        }
        'u' if chars.get(2) == Some(&'{') => {
            let close = chars.iter().position(|&c| c == '}')?;
            let hex: String = chars[3..close].iter().collect();
            let c = u32::from_str_radix(&hex, 16)
                .ok()
                .and_then(char::from_u32)?;
            Some((c, close + 1))
        }
        _ => None,
    }
}

/// A typed key's plain form as written: escapes of control characters
/// turned back into them; any other backslash is itself.
fn unescape_plain(chars: &[char]) -> String {
    let mut plain = String::new();
    let mut at = 0;
    while at < chars.len() {
        match (chars[at], escape_at(&chars[at..], false)) {
            ('\\', Some((c, len))) => {
                plain.push(c);
                at += len;
            }
            (c, _) => {
                plain.push(c);
                at += 1;
            }
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::load;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_owned())
    }

    fn typed(plain: &str, key_type: ValueType) -> Segment {
        Segment::key(plain.to_owned(), key_type)
    }

    fn written(text: &str) -> Path {
        let selector = Selector::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(!selector.untyped_keys, "{text}");
        selector.path
    }

    fn error(text: &str) -> PathSyntaxError {
        Selector::parse(text).expect_err(text)
    }

    #[test]
    fn reads_paths_as_confdiff_writes_them() {
        assert_eq!(
            written("spec.ports[0].name"),
            Path(vec![
                key("spec"),
                key("ports"),
                Segment::Index(0),
                key("name")
            ])
        );
        assert_eq!(
            written(r#"labels["app.kubernetes.io/name"]"#),
            Path(vec![key("labels"), key("app.kubernetes.io/name")])
        );
        assert_eq!(
            written("shards[2 (int)]"),
            Path(vec![key("shards"), typed("2", ValueType::Int)])
        );
        assert_eq!(
            written(r#"shards["2"]"#),
            Path(vec![key("shards"), key("2")])
        );
        assert_eq!(
            written("[1].flags"),
            Path(vec![Segment::Index(1), key("flags")])
        );
        assert_eq!(written("(root)"), Path::default());
        assert_eq!(
            written("app-name.x_1"),
            Path(vec![key("app-name"), key("x_1")])
        );
    }

    #[test]
    fn every_printed_path_reads_back_as_itself() {
        let paths = [
            Path(vec![key("a"), Segment::Index(3), key("b-c")]),
            Path(vec![key("x y"), key(""), key("1"), key("a\"b\\c")]),
            Path(vec![key("ctl\u{1b}[2J\n\u{9b}\u{202e}")]),
            Path(vec![
                typed("null", ValueType::Null),
                typed("true", ValueType::Bool),
                typed("-12", ValueType::Int),
                typed(".inf", ValueType::Float),
                typed("!Ref 80", ValueType::Tagged),
                typed("[1,2]", ValueType::Sequence),
                typed(r#"{"a":[1]}"#, ValueType::Mapping),
                Segment::Index(0),
            ]),
            Path(vec![typed("!t a\u{1b}b", ValueType::Tagged), key("z")]),
            Path::default(),
        ];
        for path in paths {
            let text = path.to_string();
            assert_eq!(written(&text), path, "{text}");
        }
    }

    #[test]
    fn json_arrays_are_keys_and_indexes() {
        let selector = Selector::parse(r#"["spec","replicas"]"#).unwrap();
        assert_eq!(selector.path, Path(vec![key("spec"), key("replicas")]));
        assert!(selector.untyped_keys);
        let selector = Selector::parse(r#"["a.b", 0, "[x]"]"#).unwrap();
        assert_eq!(
            selector.path,
            Path(vec![key("a.b"), Segment::Index(0), key("[x]")])
        );
        assert_eq!(Selector::parse("[]").unwrap().path, Path::default());
        // Both forms read `[0]` and `["a"]` alike.
        for text in ["[0]", r#"["a"]"#, r#"["a\\b"]"#] {
            let json = Selector::parse(text).unwrap();
            assert!(json.untyped_keys);
            assert_eq!(Written::new(text).parse().unwrap(), json.path, "{text}");
        }
    }

    #[test]
    fn bad_json_elements_are_named_by_position() {
        let e = error(r#"["a", -1]"#);
        assert_eq!((e.unit, e.position), ("element", 2));
        assert_eq!(
            e.to_string(),
            r#"invalid PATH '["a", -1]': index -1 is not a whole number from 0 up (at element 2)"#
        );
        let e = error(r#"[null]"#);
        assert_eq!(e.position, 1);
        assert!(e.reason.contains("neither a key"), "{e}");
        assert_eq!(error("[1.5]").position, 1);
    }

    #[test]
    fn bad_written_paths_name_the_character() {
        let cases = [
            ("spec..replicas", 6, "a key is missing after '.'"),
            ("spec.", 6, "a key is missing after '.'"),
            (".spec", 1, "cannot start with '.'"),
            ("", 1, "empty"),
            ("spec.ports.0", 12, "write [0] for an index"),
            ("a[", 3, "expected an index"),
            ("a[12", 2, "never closed"),
            ("a[x]", 3, "expected an index"),
            ("a[\"x", 3, "never closed"),
            ("a[\"x\"", 6, "expected ']'"),
            ("a[\"x\\q\"]", 5, "unknown escape"),
            ("a[*]", 3, "wildcards are not supported"),
            ("a.*", 3, "reserved for wildcards"),
            ("a b", 2, "must be quoted"),
            ("a]", 2, "must be quoted"),
            ("a[2 (string)]", 3, "written quoted"),
            ("a[99999999999999999999999]", 3, "too large"),
        ];
        for (text, position, reason) in cases {
            let e = error(text);
            assert_eq!((e.unit, e.position), ("character", position), "{text}: {e}");
            assert!(e.reason.contains(reason), "{text}: {e}");
        }
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        assert_eq!(error("é..x").position, 3);
    }

    fn doc(yaml: &str) -> Node {
        load(yaml.as_bytes()).unwrap()
    }

    fn found(selector: &str, node: &Node) -> Option<(String, u32)> {
        let selector = Selector::parse(selector).unwrap();
        selector.find(node).map(|(v, line)| (v.to_json(), line))
    }

    #[test]
    fn finds_values_and_their_lines() {
        let node =
            doc("spec:\n  replicas: 3\n  ports:\n    - name: http\n      port: 80\n\"a.b\": 1\n");
        assert_eq!(found("spec.replicas", &node), Some(("3".into(), 2)));
        assert_eq!(
            found("spec.ports[0].name", &node),
            Some(("\"http\"".into(), 4))
        );
        assert_eq!(found("spec.ports[0]", &node).unwrap().1, 4);
        assert_eq!(found(r#"["a.b"]"#, &node), Some(("1".into(), 6)));
        assert_eq!(found("(root)", &node).unwrap().1, 1);
        assert_eq!(found("spec.ports[1]", &node), None);
        assert_eq!(found("spec.replicas.x", &node), None);
        assert_eq!(found("spec[0]", &node), None);
    }

    #[test]
    fn keys_keep_their_types() {
        let node = doc("shards:\n  2: int\n  \"2\": string\n  true: bool\n");
        assert_eq!(found("shards[2 (int)]", &node).unwrap().0, "\"int\"");
        assert_eq!(found(r#"shards["2"]"#, &node).unwrap().0, "\"string\"");
        assert_eq!(found("shards[true (bool)]", &node).unwrap().0, "\"bool\"");
        assert_eq!(found("shards[2]", &node), None);
        // A JSON string prefers the string key ...
        assert_eq!(found(r#"["shards","2"]"#, &node).unwrap().0, "\"string\"");
        // ... and else matches the one key written so.
        assert_eq!(found(r#"["shards","true"]"#, &node).unwrap().0, "\"bool\"");
        let only_int = doc("shards:\n  2: int\n");
        assert_eq!(found(r#"["shards","2"]"#, &only_int).unwrap().0, "\"int\"");
        assert_eq!(found(r#"shards["2"]"#, &only_int), None);
    }

    #[test]
    fn tags_add_no_step() {
        let node = doc("db: !Vault\n  path: secret/db\n");
        assert_eq!(found("db.path", &node).unwrap().0, "\"secret/db\"");
    }
}
