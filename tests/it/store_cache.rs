//! The cache of pair results in a real database file: what goes in comes
//! back equal, and a row that was damaged or removed comes back as
//! missing, never as a wrong answer.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use gix::ObjectId;

use crate::harness::store::{count, oid};
use crate::harness::{confdiff, json_output, sample_repo};
use confdiff::{ErrorKind, Outcome, Segment, ServiceFailure, Store, diff, load};

const DIGEST: &str = "options-digest-1";

/// A key made of two distinct ids derived from `n`.
fn key(n: u32) -> (ObjectId, ObjectId) {
    (
        oid(&format!("{n:08x}{}", "a".repeat(32))),
        oid(&format!("{n:08x}{}", "b".repeat(32))),
    )
}

/// Differences of every kind and value type, with non-string keys of
/// every type, big integers, NaN and infinities, found by the real loader
/// and diff.
fn every_kind_differences() -> Vec<confdiff::Difference> {
    let left = r#"
replicas: 3
port: "80"
debug: true
gone: [1, 2]
id: 123456789012345678901234567890
ratio: 1.0
limit: .inf
ref: !Ref 80
secret: !Vault a
1: int key
true: bool key
null: null key
1.5: float key
!t k: tagged key
nested: {a: {b: [1, {c: "x\ny \"q\" é"}]}}
nothing: null
"#;
    let right = r#"
replicas: 5
port: 80
id: -98765432109876543210987654321
ratio: .nan
limit: -.inf
ref: !Ref 81
secret: !Sops a
"1": string key
1: int key 2
true: bool key 2
null: null key 2
1.5: float key 2
!t k: tagged key 2
nested: {a: {b: [1, {c: "x\ny \"q\" è"}, {d: ~}]}}
nothing: [a]
added: {x: 1}
"#;
    let differences = diff(
        &load(left.as_bytes()).unwrap(),
        &load(right.as_bytes()).unwrap(),
    );
    // The list really holds what this test is about.
    let kinds: BTreeSet<&str> = differences.iter().map(|d| d.kind.name()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["added", "changed", "removed", "type_changed"])
    );
    let types: BTreeSet<&str> = differences
        .iter()
        .flat_map(|d| [&d.left, &d.right])
        .flatten()
        .map(|side| side.value_type.name())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "bool", "float", "int", "mapping", "null", "sequence", "string", "tagged"
        ])
    );
    let key_types: BTreeSet<String> = differences
        .iter()
        .flat_map(|d| d.path.0.iter())
        .filter_map(|segment| match segment {
            Segment::NonStringKey { key_type, .. } => Some(key_type.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        key_types,
        BTreeSet::from(["bool", "float", "int", "null", "tagged"].map(str::to_owned))
    );
    let values: String = differences
        .iter()
        .flat_map(|d| [&d.left, &d.right])
        .flatten()
        .map(|side| side.json.get())
        .collect();
    for text in [
        "123456789012345678901234567890",
        "-98765432109876543210987654321",
        "\".nan\"",
        "\"-.inf\"",
    ] {
        assert!(values.contains(text), "no {text} in {values}");
    }
    differences
}

/// One entry of every outcome kind a pair can have: identical, different,
/// and an error of each kind.
fn every_outcome() -> Vec<((ObjectId, ObjectId), Outcome)> {
    let mut entries = vec![
        (key(1), Outcome::Identical),
        (key(2), Outcome::Different(every_kind_differences())),
    ];
    for (n, kind) in (3..).zip(ErrorKind::ALL) {
        let message = format!(
            "left: {} at line 3 column 5: \"quoted\", tab\t, newline\n, é ✓",
            kind.name()
        );
        entries.push((key(n), Outcome::Error(ServiceFailure { kind, message })));
    }
    entries
}

fn cached(db: &Path, keys: &[(ObjectId, ObjectId)]) -> HashMap<(ObjectId, ObjectId), Outcome> {
    Store::open_existing(db)
        .unwrap()
        .cached_outcomes(DIGEST, keys)
        .unwrap()
}

/// A database holding every outcome in the cache; the entries.
fn filled_database(db: &Path) -> Vec<((ObjectId, ObjectId), Outcome)> {
    let entries = every_outcome();
    Store::open(db)
        .unwrap()
        .cache_outcomes(DIGEST, &entries)
        .unwrap();
    entries
}

fn keys_of(entries: &[((ObjectId, ObjectId), Outcome)]) -> Vec<(ObjectId, ObjectId)> {
    entries.iter().map(|(key, _)| *key).collect()
}

#[test]
fn every_outcome_kind_comes_back_from_the_cache_equal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    let entries = filled_database(&db);
    let mut keys = keys_of(&entries);
    // Keys never cached, and a cached pair the other way round, are misses.
    keys.push(key(100));
    keys.push((key(1).1, key(1).0));

    let found = cached(&db, &keys);
    let expected: HashMap<_, _> = entries.into_iter().collect();
    assert_eq!(found, expected);

    // Another options digest has nothing cached.
    let store = Store::open_existing(&db).unwrap();
    assert!(store.cached_outcomes("other", &keys).unwrap().is_empty());
}

#[test]
fn caching_again_replaces_the_outcome_and_missing_services_are_never_cached() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    filled_database(&db);
    let mut store = Store::open(&db).unwrap();
    let rows = count(&db, "SELECT count(*) FROM pair_cache");
    store
        .cache_outcomes(
            DIGEST,
            &[
                (key(1), Outcome::Different(every_kind_differences())),
                (key(200), Outcome::MissingLeft),
                (key(201), Outcome::MissingRight),
            ],
        )
        .unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM pair_cache"), rows);
    let found = cached(&db, &[key(1), key(200), key(201)]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[&key(1)], Outcome::Different(every_kind_differences()));
}

#[test]
fn a_damaged_cache_row_comes_back_as_missing_and_is_replaced_when_cached_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    let entries = filled_database(&db);
    let keys = keys_of(&entries);
    let (identical, different) = (key(1), key(2));
    let (not_a_file, not_utf8, too_large, too_deep) = (key(3), key(4), key(5), key(6));

    let conn = rusqlite::Connection::open(&db).unwrap();
    let damage = |sql: &str, key: (ObjectId, ObjectId)| {
        let changed = conn
            .execute(
                &format!("UPDATE pair_cache SET {sql} WHERE left_blob = ?1 AND right_blob = ?2"),
                [key.0.to_string(), key.1.to_string()],
            )
            .unwrap();
        assert_eq!(changed, 1, "{sql}");
    };
    // A value edited in place: still valid JSON, another answer.
    damage(
        "outcome = replace(outcome, '\"value\":5', '\"value\":6')",
        different,
    );
    // The checksum edited.
    damage("checksum = checksum + 1", identical);
    // Columns of the wrong type.
    damage("outcome = CAST(outcome AS BLOB)", not_a_file);
    damage("checksum = 'not a number'", not_utf8);
    // Cut short.
    damage("outcome = substr(outcome, 1, 10)", too_large);
    // Moved to another key: its checksum is of the old one.
    damage(&format!("left_blob = '{}'", key(300).0), too_deep);
    drop(conn);

    let found = cached(
        &db,
        &[keys.clone(), vec![(key(300).0, too_deep.1)]].concat(),
    );
    let missing: BTreeSet<_> = keys.iter().filter(|k| !found.contains_key(k)).collect();
    assert_eq!(
        missing,
        BTreeSet::from([
            &identical,
            &different,
            &not_a_file,
            &not_utf8,
            &too_large,
            &too_deep
        ])
    );
    assert_eq!(
        found.len(),
        keys.len() - missing.len(),
        "the moved row is missing too"
    );
    // Every row left alone still reads back as it was written.
    for (key, outcome) in &entries {
        if let Some(found) = found.get(key) {
            assert_eq!(found, outcome);
        }
    }

    // Compared again, the pairs are cached again and read back whole.
    Store::open(&db)
        .unwrap()
        .cache_outcomes(DIGEST, &entries)
        .unwrap();
    let found = cached(&db, &keys);
    assert_eq!(found, entries.iter().cloned().collect());
}

#[test]
fn a_deleted_cache_row_comes_back_as_missing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    let entries = filled_database(&db);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let deleted = conn
        .execute(
            "DELETE FROM pair_cache WHERE left_blob = ?1",
            [key(2).0.to_string()],
        )
        .unwrap();
    assert_eq!(deleted, 1);
    drop(conn);
    let found = cached(&db, &keys_of(&entries));
    let expected: HashMap<_, _> = entries.into_iter().filter(|(k, _)| *k != key(2)).collect();
    assert_eq!(found, expected);
}

#[test]
fn twenty_thousand_hits_among_forty_thousand_keys_in_one_call() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cache.db");
    let entries: Vec<_> = (0..40_000)
        .step_by(2)
        .map(|n| {
            let outcome = match n % 3 {
                0 => Outcome::Identical,
                _ => Outcome::Error(ServiceFailure {
                    kind: ErrorKind::InvalidYaml,
                    message: format!("right: invalid YAML at line {n} column 1"),
                }),
            };
            (key(n), outcome)
        })
        .collect();
    Store::open(&db)
        .unwrap()
        .cache_outcomes(DIGEST, &entries)
        .unwrap();
    // Every other key is cached; some are asked for twice.
    let keys: Vec<_> = (0..40_000).chain(0..100).map(key).collect();
    let found = cached(&db, &keys);
    assert_eq!(found, entries.into_iter().collect());
}

#[test]
fn a_version_2_database_has_nothing_cached_and_migrates_to_3_keeping_its_runs() {
    let repo = sample_repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v2.db");
    let compare = || {
        json_output(
            repo.confdiff()
                .args(["compare", "--format", "json", "implementation_1"])
                .args(["implementation_2", "--db"])
                .arg(&db),
            0,
        )
    };
    let saved = compare();
    // Make it the version-2 database the previous confdiff wrote.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TABLE pending_rows; DROP TABLE pair_cache; DROP TABLE history_rows; DROP TABLE histories;
         ALTER TABLE runs DROP COLUMN baseline;
         ALTER TABLE runs DROP COLUMN rules; ALTER TABLE differences DROP COLUMN ignored_by;
         PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(conn);

    // Read as it is: nothing cached, nothing written.
    let store = Store::open_existing(&db).unwrap();
    assert!(store.cached_outcomes(DIGEST, &[key(1)]).unwrap().is_empty());
    let mut store = store;
    store.cache_outcomes(DIGEST, &[]).unwrap();
    drop(store);
    assert_eq!(count(&db, "PRAGMA user_version"), 2);
    let show = || {
        json_output(
            confdiff()
                .args(["show", "1", "--format", "json", "--db"])
                .arg(&db),
            0,
        )
    };
    assert_eq!(show(), saved);

    // Opened for writing, it is upgraded, and keeps what it had.
    let mut store = Store::open(&db).unwrap();
    assert_eq!(count(&db, "PRAGMA user_version"), 7);
    assert_eq!(confdiff::SCHEMA_VERSION, 7);
    store
        .cache_outcomes(DIGEST, &[(key(1), Outcome::Identical)])
        .unwrap();
    drop(store);
    assert_eq!(cached(&db, &[key(1)]).len(), 1);
    assert_eq!(show(), saved);
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), 1);
    compare();
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), 2);
}
