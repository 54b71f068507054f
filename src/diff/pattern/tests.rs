use super::*;
use crate::document::ValueType;

fn steps(text: &str) -> Vec<PatternStep> {
    Pattern::parse(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .steps
}

fn key(k: &str) -> PatternStep {
    PatternStep::Exact(Segment::Key(k.to_owned()))
}

fn error(text: &str) -> (usize, String) {
    let e = Pattern::parse(text).expect_err(text);
    (e.position, e.reason)
}

#[test]
fn wildcards_and_keyed_items() {
    use PatternStep::{AnyDepth, AnyOne};
    assert_eq!(steps("spec.*.image"), [key("spec"), AnyOne, key("image")]);
    assert_eq!(steps("env[*].value"), [key("env"), AnyOne, key("value")]);
    assert_eq!(steps("**.image"), [AnyDepth, key("image")]);
    assert_eq!(steps("a.**.b"), [key("a"), AnyDepth, key("b")]);
    assert_eq!(
        steps("metadata.annotations.**"),
        [key("metadata"), key("annotations"), AnyDepth]
    );
    let matched = |k: &str, v: &str| {
        PatternStep::Exact(Segment::Match {
            key: k.to_owned(),
            value: v.to_owned(),
        })
    };
    assert_eq!(
        steps("containers[name=app].image"),
        [key("containers"), matched("name", "app"), key("image")]
    );
    assert_eq!(
        steps(r#"c[name="a.b]"]"#),
        [key("c"), matched("name", "a.b]")]
    );
    assert_eq!(
        steps(r#"c["k.1"=v:1.2]"#),
        [key("c"), matched("k.1", "v:1.2")]
    );
    assert_eq!(
        steps(r#"labels["app.kubernetes.io/name"]"#),
        [key("labels"), key("app.kubernetes.io/name")]
    );
    assert_eq!(
        steps("shards[2 (int)]")[1],
        PatternStep::Exact(Segment::NonStringKey {
            plain: "2".into(),
            key_type: ValueType::Int
        })
    );
}

#[test]
fn json_pointers_with_escapes_and_wildcards() {
    use PatternStep::{AnyDepth, AnyOne, Pointer};
    assert_eq!(
        steps("/spec/replicas"),
        [Pointer("spec".into()), Pointer("replicas".into())]
    );
    assert_eq!(
        steps("/a~1b/~0c/~01"),
        [
            Pointer("a/b".into()),
            Pointer("~c".into()),
            Pointer("~1".into())
        ]
    );
    assert_eq!(steps("/**/image"), [AnyDepth, Pointer("image".into())]);
    assert_eq!(
        steps("/env/*/value"),
        [Pointer("env".into()), AnyOne, Pointer("value".into())]
    );
    assert_eq!(steps("/"), [Pointer(String::new())]);
    assert_eq!(
        error("/a/~x"),
        (4, "'~' starts an escape: ~0 for '~', ~1 for '/'".into())
    );
    assert_eq!(error("/a~").0, 3);
}

#[test]
fn bad_selectors_name_the_character() {
    assert_eq!(error("a.***").0, 3);
    assert_eq!(error("a.b*").0, 4);
    assert_eq!(error("a[name=]").0, 8);
    assert_eq!(error("a[name=x y]").0, 9);
    assert_eq!(error("a[name=x").0, 9);
    assert_eq!(error("a..b").0, 3);
}

#[test]
fn normalised_text_reads_back_as_itself() {
    for text in [
        "spec.*.image",
        "**.image",
        "a.**",
        "containers[name=app].image",
        r#"c[name="a b"]"#,
        r#"labels["app.kubernetes.io/name"]"#,
        "x[0].y",
        "(root)",
        "/a~1b/**",
    ] {
        let pattern = Pattern::parse(text).unwrap();
        assert_eq!(pattern.to_string(), text);
        assert_eq!(Pattern::parse(&pattern.to_string()).unwrap(), pattern);
    }
    assert_eq!(Pattern::parse("env[*]").unwrap().to_string(), "env.*");
}

#[test]
fn blame_paths_still_refuse_wildcards() {
    use crate::diff::Selector;
    assert!(
        Selector::parse("a.*")
            .unwrap_err()
            .reason
            .contains("reserved for wildcards")
    );
    assert!(
        Selector::parse("a[*]")
            .unwrap_err()
            .reason
            .contains("wildcards are not supported")
    );
    assert!(Selector::parse("a[name=x]").is_err());
}
