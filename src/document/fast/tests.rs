//! Differential tests: wherever the fast path gives events, they must be
//! the parser's events, with the parser's lines, and load to the same tree.

use std::path::Path;

use proptest::prelude::*;
use saphyr_parser::{Event, Parser, Span};

use super::tree::kept_stacks;
use super::{events, load};
use crate::document::loader::{load_documents, load_documents_with_parser};
use crate::document::value::{Node, Value};

/// Events with the line of each node event (0 for the others: the
/// builder reads the position of nodes only).
type Lined<'a> = Vec<(Event<'a>, usize)>;

/// The line the builder reads from an event, or 0.
fn node_line(event: &Event<'_>, span: Span) -> usize {
    match event {
        Event::Scalar(..)
        | Event::Alias(_)
        | Event::SequenceStart(..)
        | Event::MappingStart(..) => span.start.line(),
        _ => 0,
    }
}

/// The parser's events, or `None` when it refuses the text.
fn parser_events(text: &str) -> Option<Lined<'_>> {
    Parser::new_from_str(text)
        .map(|next| next.map(|(event, span)| (node_line(&event, span), event)))
        .map(|next| next.map(|(line, event)| (event, line)))
        .collect::<Result<_, _>>()
        .ok()
}

/// The fast path's events.
fn fast_events(text: &str) -> Option<Lined<'_>> {
    Some(
        events(text)?
            .into_iter()
            .map(|(event, span)| {
                let line = node_line(&event, span);
                (event, line)
            })
            .collect(),
    )
}

/// Whether two trees are the same: values, order, and lines everywhere.
fn same_tree(a: &Node, b: &Node) -> bool {
    a.line == b.line && same_value(&a.value, &b.value)
}

/// [`same_tree`] for values.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Sequence(x), Value::Sequence(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_tree(p, q))
        }
        (Value::Mapping(x), Value::Mapping(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((k, v), (l, w))| same_tree(k, l) && same_tree(v, w))
        }
        (Value::Tagged(x), Value::Tagged(y)) => x.tag == y.tag && same_value(&x.value, &y.value),
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        _ => a == b,
    }
}

/// How far the fast path took a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Taken {
    /// It did not read it: outside the subset, or not YAML.
    NotRead,
    /// It read it, but the tree breaks a rule of the loader.
    Read,
    /// It read it and built its tree.
    Built,
}

/// Checks the law on one text; says how far the fast path took it.
///
/// The fast path's tree must be the parser's path's, lines included, and
/// it may refuse only files that the parser's path refuses as well: its
/// builder gives up exactly where the general one fails (but for copies of
/// anchors past the budgets, which no ordinary file comes near; see
/// [`nested_anchors_are_copied_within_the_budgets`]).
fn check(text: &str) -> Taken {
    let fast = fast_events(text);
    if let Some(fast) = &fast {
        let parsed = parser_events(text);
        assert_eq!(
            Some(fast),
            parsed.as_ref(),
            "fast path events differ from the parser's for {text:?}"
        );
    }
    let full = load_documents_with_parser(text.as_bytes());
    let direct = load(text);
    match (&direct, &full) {
        (Some(a), Ok(b)) => assert!(
            same_trees(a, b),
            "the fast path's tree differs for {text:?}: {a:?} vs {b:?}"
        ),
        (Some(a), Err(b)) => {
            panic!("the fast path loaded {text:?} as {a:?}, the parser failed: {b}")
        }
        (None, Ok(_)) => assert!(
            fast.is_none(),
            "the fast path read {text:?} but did not build the tree that loads"
        ),
        (None, Err(_)) => {}
    }
    let loaded = load_documents(text.as_bytes());
    match (&loaded, &full) {
        (Ok(a), Ok(b)) => assert!(
            same_trees(a, b),
            "trees differ for {text:?}: {a:?} vs {b:?}"
        ),
        (Err(a), Err(b)) => assert_eq!(a, b, "errors differ for {text:?}"),
        _ => panic!("one path failed for {text:?}: {loaded:?} vs {full:?}"),
    }
    match (fast, direct) {
        (_, Some(_)) => Taken::Built,
        (Some(_), None) => Taken::Read,
        (None, None) => Taken::NotRead,
    }
}

/// [`same_tree`] for the documents of a stream.
fn same_trees(a: &[Node], b: &[Node]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_tree(x, y))
}

/// Every `.yaml` file under `dir`, recursively.
fn yaml_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "yml")
        {
            out.push(path);
        }
    }
}

#[test]
fn real_documents_load_alike() {
    let mut files = Vec::new();
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata"),
        &mut files,
    );
    yaml_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"),
        &mut files,
    );
    assert!(files.len() > 100, "only {} files found", files.len());
    let mut fast = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        if let Ok(text) = std::str::from_utf8(&bytes)
            && check(text) == Taken::Built
        {
            fast += 1;
        }
    }
    assert!(fast > 0, "the fast path took none of {} files", files.len());
}

#[test]
fn a_typical_config_takes_the_fast_path() {
    let text = "\
# Service settings
apiVersion: v1
metadata:
  name: api  # the name
  labels: {app: api, tier: \"web\"}
spec:
  replicas: 3
  ports:
  - name: http
    containerPort: 8080
  - {name: metrics, containerPort: 9090}
  args: ['--port', \"8080\", it''s]
pool: &pool
  min: 1
  max: 2
other:
  <<: *pool
  note: |
    line one
      indented

    after a blank
  folded: >-
    one
    two

    three
empty:
";
    assert_eq!(check(text), Taken::Built, "the fast path gave up");
}

/// Lines for generated documents: fragments that are often valid YAML
/// together and often not, at random indentation.
fn fragment() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "a", "b", "a b", "<<", "-x", "1", "0x1F", "true", "null", "~", "'q'", "\"dq\"", "'it''s'",
        "a:b", "a#b", "\"k\"", "?", "---", "...", "[x]", "&a k", "*a", "k ", "- k",
    ]);
    let values = prop::sample::select(vec![
        "",
        " v",
        " 1.5",
        " -2",
        " null",
        " 'it''s'",
        " \"x y\"",
        " \"a\\\"b\"",
        " {a: b, c: [1, 2]}",
        " {a: b, }",
        " [a, [b, c], {d: e}]",
        " []",
        " {}",
        " [a: b]",
        " {\"a\":b}",
        " {a : b}",
        " [a,b]",
        " *a",
        " *b",
        " &a v",
        " &b",
        " &a {x: 1}",
        " |",
        " |-",
        " |+",
        " >",
        " >-",
        " |2",
        " - a",
        " a: b",
        " x # c",
        " x #",
        " x#y",
        " a - b",
        " 'unclosed",
        " \"unclosed",
        " !tag v",
        " ? x",
        " [a, b",
        " {a: [b}",
        " ,x",
        " -",
        " -1",
        " x:",
        " x :y",
        "  # only a comment",
    ]);
    let line = prop_oneof![
        4 => (0usize..7, keys.clone(), values).prop_map(|(indent, key, value)| {
            format!("{}{key}:{value}", " ".repeat(indent))
        }),
        2 => (0usize..7, prop::sample::select(vec!["- ", "-", "- - ", "-  "]), keys.clone())
            .prop_map(|(indent, dash, item)| format!("{}{dash}{item}", " ".repeat(indent))),
        1 => (0usize..7, prop::sample::select(vec![
            "text", "more text", "# comment", "", "   ", "  trailing  ", "x # c", "'q'",
        ]))
            .prop_map(|(indent, text)| format!("{}{text}", " ".repeat(indent))),
    ];
    line
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn generated_documents_load_alike(
        lines in prop::collection::vec(fragment(), 1..12),
        final_newline in any::<bool>(),
    ) {
        let mut text = lines.join("\n");
        if final_newline {
            text.push('\n');
        }
        check(&text);
    }
}

/// The law on every config file the benchmark's generator makes
/// (`benches/gen.py`, run with python3, as the benchmark and CI run it):
/// the files the speed figures are measured on all take the fast path and
/// load as the parser loads them.
#[test]
fn the_benchmark_corpus_takes_the_fast_path_and_loads_alike() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new("python3")
        .arg(root.join("benches/gen.py"))
        .args(["--services", "60", "--history", "20", "--jobs", "1"])
        .output()
        .expect("python3 runs benches/gen.py");
    assert!(output.status.success(), "gen.py failed");
    // The fast-import stream: each blob is `blob\nmark :N\ndata SIZE\n`
    // and SIZE bytes; a commit names the config files' marks in lines
    // `M 100644 :N implementation_1/<service>/configuration.yml`.
    let stream = output.stdout;
    let text = String::from_utf8_lossy(&stream);
    let configs: std::collections::HashSet<&str> = text
        .lines()
        .filter(|line| line.starts_with("M ") && line.ends_with("/configuration.yml"))
        .filter_map(|line| line.split(' ').nth(2)?.strip_prefix(':'))
        .collect();
    let (mut blobs, mut fast, mut at) = (0, 0, 0);
    while let Some(found) = find(&stream[at..], b"blob\nmark :") {
        let mark_at = at + found + b"blob\nmark :".len();
        let mark_end = mark_at + find(&stream[mark_at..], b"\n").unwrap();
        let mark = std::str::from_utf8(&stream[mark_at..mark_end]).unwrap();
        let data = mark_end + find(&stream[mark_end..], b"data ").unwrap() + 5;
        let newline = data + find(&stream[data..], b"\n").unwrap();
        let size: usize = std::str::from_utf8(&stream[data..newline])
            .unwrap()
            .parse()
            .unwrap();
        let body = &stream[newline + 1..newline + 1 + size];
        at = newline + 1 + size;
        if !configs.contains(mark) {
            continue;
        }
        blobs += 1;
        if check(std::str::from_utf8(body).unwrap()) == Taken::Built {
            fast += 1;
        }
    }
    assert!(blobs >= 100, "only {blobs} config files in the stream");
    assert_eq!(
        fast, blobs,
        "{fast} of {blobs} config files took the fast path"
    );
}

/// Where `needle` first starts in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A document tree for the generator of mostly valid documents.
#[derive(Debug, Clone)]
enum Tree {
    /// A scalar as written after `key:` or `-`, with its leading space.
    Scalar(String),
    /// A block scalar: header (`|`, `>-`, …) and content lines.
    Block(String, Vec<String>),
    /// A block mapping.
    Mapping(Vec<(String, Tree)>),
    /// A block sequence.
    Sequence(Vec<Tree>),
}

/// Scalars as written in a value position, most valid, some not.
fn scalar_text() -> impl Strategy<Value = String> {
    let valid = prop::sample::select(vec![
        " v",
        " a b",
        " 1",
        " -1",
        " +1",
        " 017",
        " 0x1F",
        " 0o17",
        " 1e3",
        " -.5",
        " .inf",
        " -.Inf",
        " .nan",
        " 1.5",
        " 12345678901234567890123",
        " true",
        " False",
        " ~",
        " null",
        " 'x''y'",
        " 'q'",
        " \"a b\"",
        " \"\"",
        " ''",
        " a#b",
        " x # comment",
        " *a",
        " *b",
        " &a v",
        " &b 1",
        " [a, b]",
        " {a: 1, b: [x, {c: d}]}",
        " []",
        " {}",
        " a:b",
        " http://x.y/z",
        " -x",
        " {a: b} # c",
        " 'a' # c",
        "",
        " [a, \"b\", 'c', -1, {x: y}]",
        " a[0]",
        " x{y}",
        " a,b",
        " 'a:b'",
        " \"#x\"",
        " a - b",
        " {a: \"x, y\", 'b': 'it''s'}",
    ]);
    let odd = prop::sample::select(vec![
        " -",
        " - ",
        " a: ",
        " x: y",
        " - x",
        " [a, b]x",
        " \"x\" y",
        " {a: b, }",
        " [a: b]",
        " {a : b}",
        " &a *b",
        " [a,b]",
        " {\"a\":1}",
        " a\tb",
        " !t v",
        " ? x",
        " \"a\\\"b\"",
        " 'a\"",
        " x:",
    ]);
    prop_oneof![12 => valid, 1 => odd].prop_map(str::to_owned)
}

/// Mapping keys, a few that clash (`a`, `"a"`) so duplicates happen.
fn key_text() -> impl Strategy<Value = String> {
    let keys = prop::sample::select(vec![
        "a",
        "b",
        "c",
        "d",
        "e",
        "f",
        "g",
        "h",
        "<<",
        "\"q\"",
        "'r'",
        "1",
        "true",
        "null",
        "k y",
        "-k",
        "x.y/z",
        "\"<<\"",
        "app.kubernetes.io/name",
        "k9",
    ]);
    let odd = prop::sample::select(vec![
        "\"a\"", "? a", "[k]", "a #b", "k ", "*a", "&x k", "!t k",
    ]);
    prop_oneof![20 => keys, 1 => odd].prop_map(str::to_owned)
}

/// Content lines of block scalars.
fn block_lines() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        prop::sample::select(vec![
            "text",
            "more text",
            "",
            "  indented",
            "# not a comment",
            "trailing ",
            "x: y",
            "   ",
            "text",
            "words and words",
            "text",
        ])
        .prop_map(str::to_owned),
        0..5,
    )
}

/// Document trees of a few levels.
fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        6 => scalar_text().prop_map(Tree::Scalar),
        1 => (
            prop::sample::select(vec![" |", " >", " |-", " >-", " |+", " |2", " | # c"]),
            block_lines()
        )
            .prop_map(|(header, lines)| Tree::Block(header.to_owned(), lines)),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec((key_text(), inner.clone()), 1..5).prop_map(Tree::Mapping),
            prop::collection::vec(inner, 1..5).prop_map(Tree::Sequence),
        ]
    })
}

/// Writes `tree` as the value after a key or dash at column `indent`;
/// `indentless` puts a sequence under a key at the key's own column.
fn render(tree: &Tree, indent: usize, indentless: bool, anchor: &str, out: &mut String) {
    match tree {
        Tree::Scalar(text) => {
            out.push_str(text);
            out.push('\n');
        }
        Tree::Block(header, lines) => {
            out.push_str(header);
            out.push('\n');
            for line in lines {
                if !line.is_empty() {
                    out.push_str(&" ".repeat(indent + 2));
                }
                out.push_str(line);
                out.push('\n');
            }
        }
        Tree::Mapping(entries) => {
            out.push_str(anchor);
            out.push('\n');
            for (key, value) in entries {
                out.push_str(&" ".repeat(indent + 2));
                out.push_str(key);
                out.push(':');
                render(value, indent + 2, key.len() % 2 == 0, "", out);
            }
        }
        Tree::Sequence(items) => {
            out.push_str(anchor);
            out.push('\n');
            let col = if indentless { indent } else { indent + 2 };
            for item in items {
                out.push_str(&" ".repeat(col));
                out.push('-');
                render(item, col, false, "", out);
            }
        }
    }
}

/// What [`generated_trees_load_alike`] generates: top-level entries, and
/// whether a comment comes first.
fn tree_documents() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((key_text(), tree(), any::<bool>()), 1..6),
        any::<bool>(),
    )
        .prop_map(|(entries, comment)| {
            let mut text = String::new();
            if comment {
                text.push_str("# a comment\n");
            }
            for (i, (key, value, anchored)) in entries.iter().enumerate() {
                text.push_str(key);
                text.push(':');
                let anchor = match (anchored, i % 2) {
                    (false, _) => "",
                    (true, 0) => " &a",
                    (true, _) => " &b",
                };
                render(value, 0, i % 3 == 0, anchor, &mut text);
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn generated_trees_load_alike(text in tree_documents()) {
        check(&text);
    }
}

/// The generated trees must exercise the fast path, not only its refusals.
#[test]
fn generated_trees_often_take_the_fast_path() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = tree_documents();
    let total = 500;
    let taken: Vec<Taken> = (0..total)
        .map(|_| check(&strategy.new_tree(&mut runner).unwrap().current()))
        .collect();
    let read = taken.iter().filter(|&&t| t != Taken::NotRead).count();
    let built = taken.iter().filter(|&&t| t == Taken::Built).count();
    // Many generated documents are invalid (duplicate keys, bad merges,
    // aliases before their anchors) and must be refused; the rest load.
    assert!(
        read * 10 > total,
        "only {read} of {total} were read by the fast path"
    );
    assert!(
        built * 20 > total,
        "only {built} of {total} were built by the fast path"
    );
}

/// Files the fast path reads but whose trees break a rule of the loader:
/// its builder gives them up, and the parser's path says what is wrong.
#[test]
fn files_that_break_a_rule_are_left_to_the_parser() {
    let refused = [
        "a: 1\nb: 2\na: 3\n",
        "a: 1\n\"a\": 2\n",
        "m: &m {x: 1}\nn:\n  <<: *m\n  <<: *m\n",
        "n:\n  <<: 1\n",
        "n:\n  <<: [{a: 1}, b]\n",
        "a: &x\n  b: *x\n",
    ];
    let overlong = format!("big: 0x{}\n", "f".repeat(2000));
    for text in refused.iter().copied().chain([overlong.as_str()]) {
        assert!(fast_events(text).is_some(), "not read: {text:?}");
        assert_eq!(check(text), Taken::Read, "{text:?}");
        assert!(load_documents(text.as_bytes()).is_err());
    }
}

/// The alias budgets hold on the fast path as they do on the parser's: a
/// file that expands past them is refused, with the parser's error.
#[test]
fn alias_budgets_hold_on_the_fast_path() {
    let items: Vec<String> = (0..1000).map(|i| format!("  - {i}\n")).collect();
    let mut text = format!("a: &a\n{}", items.concat());
    let within = text.clone() + "b: *a\n";
    assert_eq!(check(&within), Taken::Built);
    for i in 0..1000 {
        text.push_str(&format!("k{i}: *a\n"));
    }
    assert!(fast_events(&text).is_some());
    assert_eq!(check(&text), Taken::Read, "expanded past the node budget");
    assert!(matches!(
        load_documents(text.as_bytes()),
        Err(crate::document::LoadError::ExpansionTooLarge { .. })
    ));
}

/// Anchors, aliases and merge keys load on the fast path: the benchmark's
/// files use all three.
#[test]
fn aliases_and_merges_take_the_fast_path() {
    for text in [
        "pool: &pool\n  min: 1\n  max: 2\nreplica: *pool\n",
        "d: &d {t: 1, r: 2}\nroutes:\n- path: /a\n  <<: *d\n  t: 5\n",
        "a: &a {x: 1}\nb: &b\n  y: 2\n  x: 3\nc:\n  <<:\n  - *a\n  - *b\n  z: 0\n",
        "a: &a\n  b: &b [1, 2]\n  c: *b\nd: *a\ne: *b\n",
        "s: &s text\nt: *s\nl:\n- *s\nu: &s other\nv: *s\n",
    ] {
        assert_eq!(check(text), Taken::Built, "not on the fast path: {text:?}");
    }
}

/// Anchors nested in anchors: the fast path copies each anchored node, so
/// a file that would make those copies larger than the alias budgets is
/// left to the parser (whose anchors cost nothing until used); it loads
/// all the same.
#[test]
fn nested_anchors_are_copied_within_the_budgets() {
    let nested = |levels: usize| {
        let mut text = String::new();
        for level in 0..levels {
            text.push_str(&format!("{}k{level}: &a{level}\n", "  ".repeat(level)));
        }
        text.push_str(&format!(
            "{}leaf: {}\n",
            "  ".repeat(levels),
            "x".repeat(200_000)
        ));
        text
    };
    assert_eq!(check(&nested(50)), Taken::Built);
    // The one refusal of a file that loads: not through `check`, whose law
    // is that the fast path refuses only what the parser's path refuses.
    let many = nested(100);
    assert!(fast_events(&many).is_some());
    assert!(load(&many).is_none(), "kept copies past the budgets");
    let loaded = load_documents(many.as_bytes()).unwrap();
    let full = load_documents_with_parser(many.as_bytes()).unwrap();
    assert!(same_trees(&loaded, &full));
}

/// The builder's stacks are kept from one load to the next on a thread: a
/// file refused deep inside open collections must leave nothing on them
/// for the next file, whether the stacks were kept or (after a file with
/// many children) dropped.
#[test]
fn a_refused_file_leaves_nothing_for_the_next_load() {
    let next = "a:\n  b: [1, 2]\n  c:\n  - x\n  - y: z\n";
    let expected = load_documents_with_parser(next.as_bytes()).unwrap();
    let wide: String = (0..40_000).map(|i| format!("k{i}: {i}\n")).collect();
    let refused = [
        // A duplicate key three collections deep, after items and entries.
        "top:\n  list:\n  - 1\n  - m:\n      k: 1\n      k: 2\n".to_owned(),
        // Many children on the stacks, then a duplicate key.
        format!("{wide}k0: again\n"),
    ];
    for text in &refused {
        assert!(
            load(text).is_none(),
            "the fast path built {:?}",
            &text[..40]
        );
        let (held, room) = kept_stacks();
        assert_eq!(held, 0, "nodes left on the stacks after {:?}", &text[..40]);
        assert!(room <= 1 << 12, "{room} children of room kept");
        let loaded = load(next).expect("the fast path reads the next file");
        assert!(
            same_trees(&loaded, &expected),
            "after {:?}: {loaded:?}",
            &text[..40]
        );
    }
    assert!(load(&wide).is_some_and(|documents| documents.len() == 1));
    assert_eq!(kept_stacks(), (0, 0), "the stacks of a huge file are kept");
}
