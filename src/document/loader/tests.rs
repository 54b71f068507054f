//! Tests of the loader contract, through [`load`] and [`load_documents`].

use std::sync::{Mutex, MutexGuard};

use super::*;
use crate::document::value::{Integer, Mapping};

/// Held by the tests that build large inputs, so they do not run at the
/// same time: their timing assertions then measure the loader, not the
/// machine's load (the test harness runs tests in parallel).
static HEAVY: Mutex<()> = Mutex::new(());

/// Takes [`HEAVY`] (a panic in another heavy test does not matter here).
fn heavy() -> MutexGuard<'static, ()> {
    HEAVY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Loads text that must load.
fn node(text: &str) -> Node {
    match load(text.as_bytes()) {
        Ok(node) => node,
        Err(error) => panic!("{text:?} failed to load: {error}"),
    }
}

/// The compact JSON of a loaded text: a short way to state whole trees
/// (ints and floats stay apart: `1` vs `1.0`).
fn json(text: &str) -> String {
    node(text).value.to_json()
}

/// The error of a text that must fail.
fn error(text: &str) -> LoadError {
    match load(text.as_bytes()) {
        Ok(node) => panic!("{text:?} loaded as {}", node.value.to_json()),
        Err(error) => error,
    }
}

/// The line, column and message of an `Invalid` error.
fn invalid(text: &str) -> (usize, usize, String) {
    match error(text) {
        LoadError::Invalid {
            line,
            column,
            message,
        } => (line, column, message),
        other => panic!("{text:?}: expected Invalid, got {other:?}"),
    }
}

/// The entries of a mapping node.
fn mapping(node: &Node) -> &Mapping {
    match &node.value {
        Value::Mapping(m) => m,
        other => panic!("not a mapping: {other:?}"),
    }
}

/// The value under string key `key` of a mapping node.
fn get<'a>(node: &'a Node, key: &str) -> &'a Node {
    match mapping(node).get(&Value::String(key.into())) {
        Some((_, value)) => value,
        None => panic!("no key {key:?}"),
    }
}

fn small(n: i64) -> Value {
    Value::Int(Integer::Small(n))
}

fn string(s: &str) -> Value {
    Value::String(s.into())
}

// --- Streams, encoding ---------------------------------------------------

#[test]
fn empty_stream_is_null_at_line_one() {
    for text in ["", "# only a comment\n", "\n\n  \n", "# a\n# b\n"] {
        let root = node(text);
        assert_eq!(root.value, Value::Null, "{text:?}");
        assert_eq!(root.line, 1);
        assert!(load_documents(text.as_bytes()).unwrap().is_empty());
    }
}

#[test]
fn one_document_is_itself() {
    let root = node("# header\n\na: 1\n");
    assert_eq!(root.value.to_json(), r#"{"a":1}"#);
    assert_eq!(root.line, 3);
    assert_eq!(json("--- 5\n"), "5");
    assert_eq!(json("---\n...\n"), "null");
}

#[test]
fn several_documents_are_a_sequence() {
    let root = node("# c\n--- a\n---\nb: 2\n--- [3]\n");
    assert_eq!(root.value.to_json(), r#"["a",{"b":2},[3]]"#);
    assert_eq!(root.line, 2, "the line of the first document");
    let documents = load_documents(b"1\n---\n2\n").unwrap();
    assert_eq!(documents.len(), 2);
    assert_eq!(documents[1].line, 3);
    assert_eq!(json("---\n---\n"), "[null,null]");
}

#[test]
fn byte_order_mark_is_ignored() {
    assert_eq!(
        load(b"\xEF\xBB\xBFa: 1\n").unwrap().value.to_json(),
        r#"{"a":1}"#
    );
    assert_eq!(load(b"\xEF\xBB\xBF").unwrap().value, Value::Null);
}

#[test]
fn invalid_utf8_reports_its_offset() {
    let not_utf8 = |bytes: &[u8]| load(bytes).err();
    assert_eq!(
        not_utf8(b"a: \xFF\n"),
        Some(LoadError::NotUtf8 { offset: 3 })
    );
    assert_eq!(
        not_utf8(b"\xEF\xBB\xBFa: \xC3\n"),
        Some(LoadError::NotUtf8 { offset: 6 }),
        "offsets count the byte order mark"
    );
    assert_eq!(
        not_utf8(b"\xEF\xBB"),
        Some(LoadError::NotUtf8 { offset: 0 })
    );
}

#[test]
fn syntax_errors_carry_line_column_and_message() {
    let (line, column, message) = invalid("a: 1\nb: [1, 2\n");
    assert!(line >= 2 && column >= 1, "{line}:{column}");
    assert!(!message.is_empty());
    let (line, column, _) = invalid("a: b: c\n");
    assert_eq!((line, column), (1, 5));
}

// --- Scalars ------------------------------------------------------------

#[test]
fn plain_scalars_follow_the_core_schema() {
    let root = node(
        "n1: ~\nn2: null\nn3: Null\nn4: NULL\nn5:\n\
         b1: true\nb2: False\nb3: TRUE\n\
         i1: 017\ni2: -12\ni3: +7\ni4: 0o17\ni5: 0x1F\n\
         f1: 1.5\nf2: .5\nf3: 1e3\nf4: -.inf\nf5: .NaN\nf6: 1.\n\
         s1: yes\ns2: on\ns3: 0b101\ns4: 1_000\ns5: nULL\ns6: 0x\n",
    );
    for key in ["n1", "n2", "n3", "n4", "n5"] {
        assert_eq!(get(&root, key).value, Value::Null, "{key}");
    }
    assert_eq!(get(&root, "b1").value, Value::Bool(true));
    assert_eq!(get(&root, "b2").value, Value::Bool(false));
    assert_eq!(get(&root, "b3").value, Value::Bool(true));
    assert_eq!(get(&root, "i1").value, small(17));
    assert_eq!(get(&root, "i2").value, small(-12));
    assert_eq!(get(&root, "i3").value, small(7));
    assert_eq!(get(&root, "i4").value, small(15));
    assert_eq!(get(&root, "i5").value, small(31));
    assert_eq!(get(&root, "f1").value, Value::Float(1.5));
    assert_eq!(get(&root, "f2").value, Value::Float(0.5));
    assert_eq!(get(&root, "f3").value, Value::Float(1000.0));
    assert_eq!(get(&root, "f4").value, Value::Float(f64::NEG_INFINITY));
    assert_eq!(get(&root, "f5").value, Value::Float(f64::NAN));
    assert_eq!(get(&root, "f6").value, Value::Float(1.0));
    for (key, text) in [
        ("s1", "yes"),
        ("s2", "on"),
        ("s3", "0b101"),
        ("s4", "1_000"),
        ("s5", "nULL"),
        ("s6", "0x"),
    ] {
        assert_eq!(get(&root, key).value, string(text), "{key}");
    }
}

#[test]
fn quoted_and_block_scalars_are_strings() {
    assert_eq!(
        json("- '1'\n- \"true\"\n- ''\n- |\n  12\n- >-\n  null\n"),
        r#"["1","true","","12\n","null"]"#
    );
}

#[test]
fn integers_beyond_i64_keep_their_digits() {
    let root = node(
        "min: -9223372036854775808\nmax: 9223372036854775807\n\
         over: 9223372036854775808\nunder: -9223372036854775809\n\
         padded: +000123456789012345678901234567890\n\
         hex: 0xFFFFFFFFFFFFFFFF\noctal: 0o1000000000000000000000\n\
         hexsmall: 0x7fffffffffffffff\n",
    );
    assert_eq!(get(&root, "min").value, small(i64::MIN));
    assert_eq!(get(&root, "max").value, small(i64::MAX));
    let big = |digits: &str| Value::Int(Integer::Big(Box::new(digits.into())));
    assert_eq!(get(&root, "over").value, big("9223372036854775808"));
    assert_eq!(get(&root, "under").value, big("-9223372036854775809"));
    assert_eq!(
        get(&root, "padded").value,
        big("123456789012345678901234567890")
    );
    assert_eq!(get(&root, "hex").value, big("18446744073709551615"));
    assert_eq!(get(&root, "octal").value, big("9223372036854775808"));
    assert_eq!(get(&root, "hexsmall").value, small(i64::MAX));
    assert_eq!(
        root.value.to_json(),
        "{\"min\":-9223372036854775808,\"max\":9223372036854775807,\
         \"over\":9223372036854775808,\"under\":-9223372036854775809,\
         \"padded\":123456789012345678901234567890,\"hex\":18446744073709551615,\
         \"octal\":9223372036854775808,\"hexsmall\":9223372036854775807}"
    );
}

#[test]
fn overlong_hexadecimal_is_refused_not_retyped() {
    let text = format!("a: 0x{}\n", "f".repeat(5000));
    let (line, column, message) = invalid(&text);
    assert_eq!((line, column), (1, 4));
    assert!(message.contains("hexadecimal"), "{message}");
}

// --- Tags ---------------------------------------------------------------

#[test]
fn core_tags_are_applied() {
    assert_eq!(
        json(
            "- !!str 123\n- !!str\n- !!int \"42\"\n- !!float 1\n- !!float '0x10'\n- !!bool True\n\
             - !!null ''\n- !!seq [a]\n- !!map {a: 1}\n- !<tag:yaml.org,2002:int> 7\n"
        ),
        r#"["123","",42,1.0,16.0,true,null,["a"],{"a":1},7]"#
    );
}

#[test]
fn non_specific_tag_makes_a_string() {
    assert_eq!(json("- ! 12\n- ! true\n- ! [1]\n"), r#"["12","true",[1]]"#);
}

#[test]
fn core_tag_mismatches_are_invalid() {
    for (text, at) in [
        ("a: !!int abc\n", (1, 4)),
        ("a: !!int 1.5\n", (1, 4)),
        ("a: !!bool yes\n", (1, 4)),
        ("a: !!null 0\n", (1, 4)),
        ("a: !!float x\n", (1, 4)),
        ("a: !!map b\n", (1, 4)),
        ("a: !!seq b\n", (1, 4)),
        ("a:\n  - !!map [1]\n", (2, 5)),
        ("a: !!seq {b: 1}\n", (1, 4)),
        ("a: !!str [1]\n", (1, 4)),
    ] {
        let (line, column, _) = invalid(text);
        assert_eq!((line, column), at, "{text:?}");
    }
}

#[test]
fn other_tags_are_kept_on_untagged_content() {
    assert_eq!(
        json("port: !Ref 80\nlist: !Ref [a]\nq: !Ref '80'\n"),
        r#"{"port":{"tag":"!Ref","value":80},"list":{"tag":"!Ref","value":["a"]},"q":{"tag":"!Ref","value":"80"}}"#
    );
    assert_eq!(
        json("- !!binary aGk=\n- !!set {a: null}\n- !!omap [{a: 1}]\n- !!timestamp 2001-12-14\n"),
        r#"[{"tag":"!!binary","value":"aGk="},{"tag":"!!set","value":{"a":null}},{"tag":"!!omap","value":[{"a":1}]},{"tag":"!!timestamp","value":"2001-12-14"}]"#
    );
    let root = node("!Thing\nk: v\n");
    assert_eq!(root.line, 1);
    assert_eq!(
        root.value.to_json(),
        r#"{"tag":"!Thing","value":{"k":"v"}}"#
    );
}

#[test]
fn tag_forms_in_output() {
    assert_eq!(
        json(
            "%TAG !e! tag:example.com,2000:app/\n%TAG !c! tag:yaml.org,2002:\n---\n\
             - !e!foo 1\n- !<tag:example.com,2000:bar> 2\n- !<!local> 3\n- !c!int '4'\n- !e%21x 5\n"
        ),
        r#"[{"tag":"!<tag:example.com,2000:app/foo>","value":1},{"tag":"!<tag:example.com,2000:bar>","value":2},{"tag":"!local","value":3},4,{"tag":"!e!x","value":5}]"#
    );
}

// --- Mappings, keys, lines ----------------------------------------------

#[test]
fn lines_are_where_nodes_start() {
    let root = node("# c\na: 1\nb:\n  - x\n  - [y,\n     z]\nc:\n  d: e\n");
    assert_eq!(root.line, 2);
    let entries: Vec<_> = mapping(&root)
        .iter()
        .map(|(k, v)| (k.line, v.line))
        .collect();
    assert_eq!(entries, [(2, 2), (3, 4), (7, 8)]);
    let Value::Sequence(items) = &get(&root, "b").value else {
        panic!("b is a sequence")
    };
    assert_eq!(items[1].line, 5);
    let Value::Sequence(inner) = &items[1].value else {
        panic!("a flow sequence")
    };
    assert_eq!(inner[1].line, 6);
}

#[test]
fn duplicate_keys_are_invalid_at_the_second() {
    let (line, column, message) = invalid("a: 1\nb: 2\na: 3\n");
    assert_eq!((line, column), (3, 1));
    assert!(message.contains("\"a\""), "{message}");
    let (line, column, _) = invalid("x: {k: 1,  k: 2}\n");
    assert_eq!((line, column), (1, 12));
    let (line, _, message) = invalid("1: a\n0x1: b\n");
    assert_eq!(line, 2);
    assert!(message.contains("\"1\""), "{message}");
    let (line, _, _) = invalid("? [1, 2]\n: a\n? [1, 2]\n: b\n");
    assert_eq!(line, 3);
}

#[test]
fn keys_compare_typed() {
    let root = node("1: int\n\"1\": string\n1.0: float\ntrue: bool\n'true': s\n~: null\n");
    assert_eq!(mapping(&root).len(), 6);
}

// --- Aliases --------------------------------------------------------------

#[test]
fn aliases_copy_the_anchored_node_with_its_lines() {
    let root = node("base: &b\n  k: v\n  n: [1, 2]\nuse: *b\nscalar: &s 5\nagain: *s\n");
    assert_eq!(get(&root, "use").value, get(&root, "base").value);
    // An anchored node starts at its anchor.
    assert_eq!(get(&root, "base").line, 1);
    assert_eq!(get(&root, "use").line, 1);
    assert_eq!(get(get(&root, "use"), "n").line, 3);
    assert_eq!(get(&root, "again").value, small(5));
    assert_eq!(get(&root, "again").line, 5);
}

#[test]
fn aliases_as_keys_and_nested_aliases() {
    assert_eq!(
        json("- &k key\n- {*k : 1}\n- &outer [&inner x, *inner]\n- *outer\n- *inner\n"),
        r#"["key",{"key":1},["x","x"],["x","x"],"x"]"#
    );
}

#[test]
fn a_redefined_anchor_means_the_latest_definition() {
    assert_eq!(
        json("- &a 1\n- &b [*a]\n- &a 2\n- *a\n- *b\n"),
        "[1,[1],2,2,[1]]"
    );
}

#[test]
fn unknown_aliases_are_invalid() {
    let (line, column, _) = invalid("a: 1\nb: *nope\n");
    assert_eq!((line, column), (2, 4));
    let (line, column, message) = invalid("--- &a 1\n--- *a\n");
    assert_eq!((line, column), (2, 5));
    assert!(message.contains("not defined"), "{message}");
}

#[test]
fn billion_laughs_fails_fast() {
    let _heavy = heavy();
    let mut text = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let (previous, name) = (pair[0], pair[1]);
        let items = vec![format!("*{previous}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    // Before g, aliases have added 672,588 nodes; g's first `*f` would add
    // 597,871 more.
    assert_eq!(
        error(&text),
        LoadError::ExpansionTooLarge {
            line: 7,
            column: 8,
            limit: ExpansionLimit::Nodes(MAX_ALIAS_NODES),
        }
    );
    assert_eq!(
        error(&text).to_string(),
        "alias expansion exceeds the limit of 1000000 nodes at line 7 column 8"
    );
}

#[test]
fn alias_budget_is_checked_before_copying() {
    let _heavy = heavy();
    // An anchor of 100_001 nodes may be copied nine times (900_009 nodes),
    // not ten.
    let items = vec!["0"; 100_000].join(",");
    let mut text = format!("a: &a [{items}]\n");
    for i in 1..=9 {
        text.push_str(&format!("c{i}: *a\n"));
    }
    assert!(load(text.as_bytes()).is_ok());
    text.push_str("c10: *a\n");
    assert_eq!(
        error(&text),
        LoadError::ExpansionTooLarge {
            line: 11,
            column: 6,
            limit: ExpansionLimit::Nodes(MAX_ALIAS_NODES),
        }
    );
}

/// `copies` keys `cN: *a` after an anchor `a` written as `anchored`.
fn aliased(anchored: &str, copies: usize) -> String {
    let mut text = format!("a: &a {anchored}\n");
    for i in 1..=copies {
        text.push_str(&format!("c{i}: *a\n"));
    }
    text
}

#[test]
fn alias_text_budget_is_checked_before_copying() {
    let _heavy = heavy();
    // Sixteen copies of a 1 MiB string are exactly the budget.
    let mib = "x".repeat(MAX_ALIAS_BYTES / 16);
    let text = aliased(&mib, 16);
    let root = node(&text);
    assert_eq!(get(&root, "c16").value, string(&mib));
    // One byte more, through another anchor, is over it.
    let over = format!("{text}b: &b y\nd: *b\n");
    assert_eq!(
        error(&over),
        LoadError::ExpansionTooLarge {
            line: 19,
            column: 4,
            limit: ExpansionLimit::TextBytes(MAX_ALIAS_BYTES),
        }
    );
    assert_eq!(
        error(&over).to_string(),
        "alias expansion exceeds the limit of 16777216 bytes of text at line 19 column 4"
    );
    assert_eq!(
        error(&aliased(&mib, 17)),
        LoadError::ExpansionTooLarge {
            line: 18,
            column: 6,
            limit: ExpansionLimit::TextBytes(MAX_ALIAS_BYTES),
        }
    );
}

#[test]
fn aliased_keys_and_tags_count_towards_the_text_budget() {
    let _heavy = heavy();
    // An explicit key of 1 MiB - 1 bytes (an implicit one may have 1024) and
    // a value of two: just over 1 MiB a copy.
    let key = "k".repeat(MAX_ALIAS_BYTES / 16 - 1);
    let mapping = format!("{{? {key}: 12}}");
    assert!(load(aliased(&mapping, 15).as_bytes()).is_ok());
    assert!(matches!(
        error(&aliased(&mapping, 16)),
        LoadError::ExpansionTooLarge {
            line: 17,
            limit: ExpansionLimit::TextBytes(_),
            ..
        }
    ));
    // A kept tag `!ttt…` of 1 MiB on an empty string.
    let tag = format!("!{} ''", "t".repeat(MAX_ALIAS_BYTES / 16 - 1));
    assert!(load(aliased(&tag, 16).as_bytes()).is_ok());
    assert!(matches!(
        error(&aliased(&tag, 17)),
        LoadError::ExpansionTooLarge {
            line: 18,
            limit: ExpansionLimit::TextBytes(_),
            ..
        }
    ));
}

#[test]
fn alias_bomb_of_long_strings_fails_fast() {
    let _heavy = heavy();
    // 100 KB of file, 59,049 references to one 100,000-character string:
    // few nodes, but about 6 GB of text once expanded.
    let mut text = format!("a: &a \"{}\"\n", "x".repeat(100_000));
    let mut previous = "a";
    for name in ["b", "c", "d", "e", "f"] {
        let items = vec![format!("*{previous}"); 9].join(",");
        text.push_str(&format!("{name}: &{name} [{items}]\n"));
        previous = name;
    }
    // b adds 900,000 bytes, c 8,100,000; the first `*c` in d would add
    // 8,100,000 more.
    assert_eq!(
        error(&text),
        LoadError::ExpansionTooLarge {
            line: 4,
            column: 8,
            limit: ExpansionLimit::TextBytes(MAX_ALIAS_BYTES),
        }
    );
}

#[test]
fn alias_budgets_count_across_documents() {
    let _heavy = heavy();
    let mib = "x".repeat(MAX_ALIAS_BYTES / 16);
    let half = aliased(&mib, 8);
    let stream = format!("{half}---\n{half}");
    assert_eq!(load_documents(stream.as_bytes()).unwrap().len(), 2);
    let over = format!("{stream}---\n{}", aliased("y", 1));
    assert!(matches!(
        error(&over),
        LoadError::ExpansionTooLarge {
            limit: ExpansionLimit::TextBytes(_),
            ..
        }
    ));
}

// --- Merge keys -----------------------------------------------------------

#[test]
fn merge_keys_own_keys_win_then_sources_in_order() {
    let root = node(
        "one: &one {a: 1, b: 1}\n\
         two: &two\n  b: 2\n  c: 2\n\
         m:\n  c: own\n  <<: [*one, *two]\n  d: own\n",
    );
    let m = get(&root, "m");
    let keys: Vec<_> = mapping(m)
        .iter()
        .map(|(k, v)| (k.value.plain_form().into_owned(), v.value.to_json(), k.line))
        .collect();
    let expected = [
        ("c", "\"own\"", 6),
        ("d", "\"own\"", 8),
        ("a", "1", 1),
        ("b", "1", 1),
    ];
    assert_eq!(keys.len(), expected.len(), "{keys:?}");
    for (got, want) in keys.iter().zip(expected) {
        assert_eq!((got.0.as_str(), got.1.as_str(), got.2), want);
    }
    assert_eq!(get(m, "a").line, 1, "merged values keep their source lines");
}

#[test]
fn merge_of_a_single_mapping_and_nested_merges() {
    assert_eq!(
        json("base: &b {x: 1}\nmid: &m {<<: *b, y: 2}\ntop: {<<: *m, z: 3}\n"),
        r#"{"base":{"x":1},"mid":{"y":2,"x":1},"top":{"z":3,"y":2,"x":1}}"#
    );
    assert_eq!(json("<<: {a: 1}\n"), r#"{"a":1}"#);
    assert_eq!(json("a: 0\n<<: []\n"), r#"{"a":0}"#);
}

#[test]
fn quoted_merge_key_is_an_ordinary_key() {
    assert_eq!(
        json("base: &b {x: 1}\nm: {\"<<\": *b}\n"),
        r#"{"base":{"x":1},"m":{"<<":{"x":1}}}"#
    );
    assert_eq!(json("m: {!!str <<: 1}\n"), r#"{"m":{"<<":1}}"#);
}

#[test]
fn merge_values_must_be_mappings() {
    let (line, column, message) = invalid("a: {<<: 1}\n");
    assert_eq!((line, column), (1, 9));
    assert!(message.contains("merge key"), "{message}");
    let (line, column, _) = invalid("x: &x 1\na:\n  <<: [*x]\n");
    assert_eq!((line, column), (3, 7));
    let _ = invalid("a:\n  <<:\n");
    let _ = invalid("a: {<<: !t {b: 1}}\n");
}

#[test]
fn two_merge_keys_are_a_duplicate() {
    let (line, column, message) = invalid("b: &b {x: 1}\na:\n  <<: *b\n  <<: *b\n");
    assert_eq!((line, column), (4, 3));
    assert!(message.contains("<<"), "{message}");
}

// --- Depth ----------------------------------------------------------------

/// `depth` block sequences nested on one line, around a scalar.
fn nested_sequences(depth: usize) -> String {
    format!("{}x\n", "- ".repeat(depth))
}

/// `depth` block mappings, each indented one more than its parent.
fn nested_mappings(depth: usize) -> String {
    let mut text = String::new();
    for level in 0..depth {
        text.push_str(&" ".repeat(level));
        text.push_str("k:\n");
    }
    text
}

/// Nesting depth of a loaded value, without recursion.
fn depth_of(node: &Node) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(&node.value, 0)];
    while let Some((value, depth)) = pending.pop() {
        deepest = deepest.max(depth);
        match value {
            Value::Sequence(items) => pending.extend(items.iter().map(|n| (&n.value, depth + 1))),
            Value::Mapping(m) => pending.extend(m.iter().map(|(_, v)| (&v.value, depth + 1))),
            Value::Tagged(t) => pending.push((&t.value, depth)),
            _ => {}
        }
    }
    deepest
}

#[test]
fn nesting_exactly_max_depth_loads() {
    let _heavy = heavy();
    let root = node(&nested_sequences(MAX_DEPTH));
    assert_eq!(depth_of(&root), MAX_DEPTH);
    // Deep values clone, compare and drop without trouble.
    let copy = root.clone();
    assert_eq!(copy.value, root.value);
    drop(copy);
    let root = node(&nested_mappings(MAX_DEPTH));
    assert_eq!(depth_of(&root), MAX_DEPTH);
}

#[test]
fn nesting_beyond_max_depth_is_too_deep_at_the_start_event() {
    let _heavy = heavy();
    assert_eq!(
        error(&nested_sequences(MAX_DEPTH + 1)),
        LoadError::TooDeep {
            line: 1,
            column: 2 * MAX_DEPTH + 1,
            limit: MAX_DEPTH,
            nesting: Nesting::Collections,
        }
    );
    assert_eq!(
        error(&nested_mappings(MAX_DEPTH + 1)),
        LoadError::TooDeep {
            line: MAX_DEPTH + 1,
            column: MAX_DEPTH + 1,
            limit: MAX_DEPTH,
            nesting: Nesting::Collections,
        }
    );
    assert_eq!(
        error(&nested_sequences(MAX_DEPTH + 1)).to_string(),
        "nested deeper than 1000 levels at line 1 column 2001"
    );
}

/// `depth` flow sequences nested in one another, around a scalar.
fn nested_flow(depth: usize) -> String {
    format!("{}x{}\n", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn flow_nesting_exactly_max_flow_depth_loads() {
    assert_eq!(
        depth_of(&node(&nested_flow(MAX_FLOW_DEPTH))),
        MAX_FLOW_DEPTH
    );
    let mappings = format!(
        "{}x{}\n",
        "{a: ".repeat(MAX_FLOW_DEPTH),
        "}".repeat(MAX_FLOW_DEPTH)
    );
    assert_eq!(depth_of(&node(&mappings)), MAX_FLOW_DEPTH);
}

#[test]
fn flow_nesting_beyond_max_flow_depth_is_too_deep_at_its_bracket() {
    let flow_too_deep = |line, column| LoadError::TooDeep {
        line,
        column,
        limit: MAX_FLOW_DEPTH,
        nesting: Nesting::Flow,
    };
    assert_eq!(
        error(&nested_flow(MAX_FLOW_DEPTH + 1)),
        flow_too_deep(1, 256)
    );
    assert_eq!(
        error(&nested_flow(MAX_FLOW_DEPTH + 1)).to_string(),
        "flow collections nested deeper than 255 levels at line 1 column 256"
    );
    let mappings = "{a: ".repeat(MAX_FLOW_DEPTH + 1);
    assert_eq!(error(&mappings), flow_too_deep(1, 4 * MAX_FLOW_DEPTH + 1));
    let mixed = format!("k:\n  - {}", "[{a: ".repeat(200));
    // Level 256 is the `{` of the 128th `[{a: `, from column 5 on.
    assert_eq!(error(&mixed), flow_too_deep(2, 5 + 5 * 127 + 1));
    // Closed collections free their level again.
    let siblings = format!(
        "[{}, {}]\n",
        nested_flow(254).trim_end(),
        nested_flow(254).trim_end()
    );
    assert_eq!(depth_of(&node(&siblings)), MAX_FLOW_DEPTH);
}

#[test]
fn flow_levels_count_towards_max_depth() {
    let _heavy = heavy();
    let block = MAX_DEPTH - MAX_FLOW_DEPTH;
    let at_limit = format!("{}{}", "- ".repeat(block), nested_flow(MAX_FLOW_DEPTH));
    assert_eq!(depth_of(&node(&at_limit)), MAX_DEPTH);
    let over = format!("{}{}", "- ".repeat(block + 1), nested_flow(MAX_FLOW_DEPTH));
    assert!(matches!(
        error(&over),
        LoadError::TooDeep {
            line: 1,
            limit: MAX_DEPTH,
            nesting: Nesting::Collections,
            ..
        }
    ));
}

#[test]
fn very_deep_inputs_fail_cleanly() {
    let _heavy = heavy();
    assert!(matches!(
        error(&nested_sequences(30_000)),
        LoadError::TooDeep { .. }
    ));
    let multiline: String = (0..3_000)
        .map(|i| format!("{}-\n", " ".repeat(i)))
        .collect();
    assert!(matches!(error(&multiline), LoadError::TooDeep { .. }));
    assert!(matches!(
        error(&nested_mappings(10_000)),
        LoadError::TooDeep { .. }
    ));
    let flow = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
    assert!(matches!(error(&flow), LoadError::TooDeep { .. }));
    let flow = "{a: ".repeat(30_000);
    assert!(matches!(error(&flow), LoadError::TooDeep { .. }));
}

#[test]
fn aliases_cannot_nest_beyond_max_depth() {
    let inner = format!("{}x{}", "[".repeat(200), "]".repeat(200));
    // 200 levels, aliased inside 800 more: exactly the limit.
    let ok = format!("a: &a {inner}\nb:\n{}*a\n", "- ".repeat(799));
    assert_eq!(depth_of(&node(&ok)), MAX_DEPTH);
    let deep = format!("a: &a {inner}\nb:\n{}*a\n", "- ".repeat(800));
    assert!(matches!(error(&deep), LoadError::TooDeep { line: 3, .. }));
    // Chained anchors grow depth without any single deep text.
    let mut chain = String::from("a0: &a0 [x]\n");
    for i in 1..=10 {
        let nest = "[".repeat(150);
        let close = "]".repeat(150);
        chain.push_str(&format!("a{i}: &a{i} {nest}*a{}{close}\n", i - 1));
    }
    assert!(matches!(error(&chain), LoadError::TooDeep { .. }));
}

#[test]
fn many_mapping_keys_load_in_linear_time() {
    let _heavy = heavy();
    // Mapping keys used to collide in the hash table when the hash was
    // their length only; 5000 of them then took seconds.
    let text: String = (0..5000).map(|i| format!("? {{k{i}: 1}}\n: x\n")).collect();
    assert_eq!(mapping(&node(&text)).len(), 5000);
    let (line, _, _) = invalid("? {a: 1, b: 2}\n: x\n? {b: 2, a: 1}\n: y\n");
    assert_eq!(
        line, 3,
        "mapping keys equal in another order are duplicates"
    );
}
