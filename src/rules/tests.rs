use proptest::prelude::*;

use super::*;
use crate::diff::diff_with_rules;
use crate::document::load;

fn rules(spec: RuleSpec) -> Rules {
    Rules::new(spec).unwrap()
}

fn ignore(path: &str) -> IgnoreSpec {
    IgnoreSpec {
        paths: vec![path.to_owned()],
        ..IgnoreSpec::default()
    }
}

#[test]
fn no_rule_keeps_the_cache_key_of_before() {
    assert_eq!(Rules::default().cache_key(), "");
    let with = rules(RuleSpec {
        ignore: vec![ignore("a")],
        ..RuleSpec::default()
    });
    assert!(with.cache_key().starts_with(";rules="));
    // Where the rules were read from is no part of the key.
    let elsewhere = rules(RuleSpec {
        config: Some("x.toml".into()),
        ignore: vec![ignore("a")],
        ..RuleSpec::default()
    });
    assert_eq!(with.cache_key(), elsewhere.cache_key());
}

#[test]
fn a_json_body_is_checked_like_the_command_line() {
    let good: Rules =
        serde_json::from_str(r#"{"ignore":[{"paths":["metadata.annotations.**"]}]}"#).unwrap();
    assert_eq!(good.spec().ignore[0].paths, ["metadata.annotations.**"]);
    let bad = serde_json::from_str::<Rules>(r#"{"ignore":[{"paths":["a..b"]}]}"#).unwrap_err();
    assert!(
        bad.to_string().contains("a key is missing after '.'"),
        "{bad}"
    );
    assert!(serde_json::from_str::<Rules>(r#"{"ignroe":[]}"#).is_err());
    let lists = Rules::new(RuleSpec {
        lists: vec![ListSpec {
            path: "a".into(),
            key: None,
            order: Some("sorted".into()),
        }],
        ..RuleSpec::default()
    })
    .unwrap_err();
    assert_eq!(
        lists.to_string(),
        "invalid lists[0].order: 'sorted' is not an order rule: the only one is \"ignore\""
    );
}

fn keyed_list(items: &[(u8, u8)]) -> String {
    let mut yaml = String::from("items:\n");
    for (name, value) in items {
        yaml.push_str(&format!("  - name: n{name}\n    value: {value}\n"));
    }
    if items.is_empty() {
        yaml = "items: []\n".to_owned();
    }
    yaml
}

proptest! {
    #[test]
    fn a_reordered_keyed_list_has_no_difference(
        values in proptest::collection::vec(any::<u8>(), 0..12),
        seed in any::<u64>(),
    ) {
        let items: Vec<(u8, u8)> = values.iter().enumerate().map(|(i, v)| (i as u8, *v)).collect();
        let mut shuffled = items.clone();
        let len = shuffled.len().max(1);
        shuffled.rotate_left((seed as usize) % len);
        let other = (seed as usize / 7) % len;
        if other < shuffled.len() { shuffled.swap(0, other); }
        let rules = rules(RuleSpec {
            lists: vec![ListSpec { path: "items".into(), key: Some("name".into()), order: None }],
            ..RuleSpec::default()
        });
        let left = load(keyed_list(&items).as_bytes()).unwrap();
        let right = load(keyed_list(&shuffled).as_bytes()).unwrap();
        let (differences, warnings) = diff_with_rules(&left, &right, rules.walk());
        prop_assert!(differences.is_empty(), "{differences:?}");
        prop_assert!(warnings.is_empty());
    }

    #[test]
    fn ignoring_everything_leaves_nothing_reported(
        a in proptest::collection::vec((any::<u8>(), any::<u8>()), 0..8),
        b in proptest::collection::vec((any::<u8>(), any::<u8>()), 0..8),
    ) {
        let left = load(keyed_list(&a).as_bytes()).unwrap();
        let right = load(keyed_list(&b).as_bytes()).unwrap();
        let plain = crate::diff::diff(&left, &right);
        let rules = rules(RuleSpec { ignore: vec![ignore("**")], ..RuleSpec::default() });
        let (all, _) = diff_with_rules(&left, &right, rules.walk());
        prop_assert_eq!(all.len(), plain.len());
        prop_assert!(all.iter().all(|d| d.ignored_by == Some(0)));
    }
}
