//! The benchmark's repository generator (`benches/gen.py`, run with
//! python3) makes what its manifest says: confdiff finds exactly the
//! identical, cosmetically different and semantically different services it
//! made, at HEAD and between its history tags, and the same seed always
//! gives the same repository.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::{TestRepo, crate_root};
use serde_json::Value;

/// Runs gen.py with `args` and returns its stdout (the fast-import stream)
/// and its manifest.
fn generate(args: &[&str]) -> (Vec<u8>, Value) {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("manifest.json");
    let output = Command::new("python3")
        .arg(crate_root().join("benches/gen.py"))
        .args(args)
        .arg("--manifest")
        .arg(&manifest)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "gen.py {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let manifest = serde_json::from_slice(&std::fs::read(manifest).unwrap()).unwrap();
    (output.stdout, manifest)
}

/// A repository holding what gen.py makes with `args`, and the manifest.
fn generated_repo(args: &[&str]) -> (TestRepo, Value) {
    let (stream, manifest) = generate(args);
    let repo = TestRepo::new();
    import(repo.path(), &stream);
    (repo, manifest)
}

fn import(repo: &Path, stream: &[u8]) {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stream).unwrap();
    assert!(child.wait().unwrap().success(), "git fast-import failed");
}

/// The summary counts that the manifest's expectation names.
fn assert_summary(report: &Value, expected: &Value, what: &str) {
    for (key, count) in expected.as_object().unwrap() {
        assert_eq!(
            &report["summary"][key], count,
            "{what}: summary.{key} (summary {})",
            report["summary"]
        );
    }
}

#[test]
fn every_kind_of_generated_service_compares_as_made() {
    let (repo, manifest) = generated_repo(&["--services", "60", "--seed", "7"]);
    let report = repo.compare_json(&["implementation_1", "implementation_2"]);
    assert_summary(&report, &manifest["expected_head"], "HEAD");
    assert_eq!(report["summary"]["services"], 60);

    let kinds = manifest["service_kinds"].as_object().unwrap();
    for kind in ["identical", "cosmetic", "semantic"] {
        assert!(
            kinds.values().filter(|k| *k == kind).count() >= 10,
            "too few {kind} services to show anything: {}",
            manifest["kinds"]
        );
    }
    for service in report["services"].as_array().unwrap() {
        let name = service["service"].as_str().unwrap();
        let same_blob = service["left_blob"] == service["right_blob"];
        let differences = service["differences"].as_array().unwrap().len();
        match kinds[name].as_str().unwrap() {
            "identical" => {
                assert!(same_blob, "{name}: identical service with two blobs");
                assert_eq!(service["status"], "identical", "{name}");
            }
            "cosmetic" => {
                assert!(!same_blob, "{name}: cosmetic copy is the same blob");
                assert_eq!(service["status"], "identical", "{name}: {service}");
            }
            "semantic" => {
                assert_eq!(service["status"], "different", "{name}");
                assert!(differences >= 1, "{name}");
            }
            other => panic!("{name}: unknown kind {other}"),
        }
    }
}

#[test]
fn history_tags_compare_as_the_manifest_says() {
    let args = [
        "--services",
        "40",
        "--seed",
        "3",
        "--history",
        "30",
        "--tag-every",
        "10",
    ];
    let (repo, manifest) = generated_repo(&args);
    assert_eq!(repo.git(&["rev-list", "--count", "main"]), "31");
    let tags: Vec<&str> = manifest["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0"]);
    assert_eq!(repo.git(&["tag"]).lines().collect::<Vec<_>>(), tags);

    let head = repo.compare_json(&["implementation_1", "implementation_2"]);
    assert_summary(&head, &manifest["expected_head"], "HEAD");

    let mut changed_somewhere = false;
    for tag in &manifest["tags"].as_array().unwrap()[1..] {
        let name = tag["name"].as_str().unwrap();
        for side in ["implementation_1", "implementation_2"] {
            let changed = tag["changed_since_first_tag"][side].as_u64().unwrap();
            changed_somewhere |= changed > 0;
            let report = repo.compare_json(&[&format!("v1.0.0:{side}"), &format!("{name}:{side}")]);
            let expected = serde_json::json!({
                "services": 40, "different": changed, "identical": 40 - changed, "errors": 0,
            });
            assert_summary(&report, &expected, &format!("{side} v1.0.0..{name}"));
        }
    }
    assert!(changed_somewhere, "the history changed nothing");
}

#[test]
fn the_same_seed_gives_the_same_repository() {
    let args = |seed: &'static str, jobs: &'static str| {
        [
            "--services",
            "30",
            "--history",
            "5",
            "--seed",
            seed,
            "--jobs",
            jobs,
        ]
    };
    let (one, one_manifest) = generate(&args("5", "1"));
    let (two, two_manifest) = generate(&args("5", "2"));
    assert!(one == two, "same seed, different streams");
    assert_eq!(one_manifest, two_manifest);
    let (other, _) = generate(&args("6", "1"));
    assert!(one != other, "another seed gave the same stream");
}

#[test]
fn generated_configs_are_about_the_size_asked_for() {
    let (repo, _) = generated_repo(&["--services", "12", "--kb", "3"]);
    let sizes: Vec<u64> = repo
        .git(&["ls-tree", "-r", "-l", "HEAD", "implementation_1"])
        .lines()
        .filter(|line| line.ends_with("/configuration.yml"))
        .map(|line| line.split_whitespace().nth(3).unwrap().parse().unwrap())
        .collect();
    assert_eq!(sizes.len(), 12);
    for size in sizes {
        assert!(
            (2_500..=4_200).contains(&size),
            "a 3 KB config is {size} bytes"
        );
    }
}
