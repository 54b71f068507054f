//! Blobs and trees read straight from packs: a repository gives the same
//! comparison loose and packed with deltas, at every commit; a damaged
//! pack entry is a service that cannot be read, never a different value;
//! and a blob over `--max-file-size` is refused before it is inflated,
//! whether the pack stores it whole or as a delta.

use serde_json::Value;

use crate::harness::TestRepo;

/// Twelve services on two sides over six commits, each commit changing
/// one service, so a repack stores blobs and trees as deltas.
fn history_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    let config = |service: usize, round: usize, side: usize| {
        let mut text = format!("service: svc{service}\nround: {round}\nside: {side}\n");
        for key in 0..40 {
            text.push_str(&format!("key_{key}: a value every service shares\n"));
        }
        text
    };
    for round in 0..6 {
        for service in (0..12).filter(|&s| round == 0 || s == round) {
            for side in [1, 2] {
                repo.write(
                    &format!("implementation_{side}/svc{service}/configuration.yml"),
                    config(service, round, side * usize::from(service % 3 == 0)),
                );
            }
        }
        repo.commit(&format!("round {round}"));
    }
    repo
}

/// The comparisons at each commit.
fn comparisons(repo: &TestRepo, extra: &[&str]) -> Vec<Value> {
    (0..6)
        .map(|back| {
            let left = format!("main~{back}:implementation_1");
            let right = format!("main~{back}:implementation_2");
            // Never from the result cache: every blob is read.
            let mut args = vec!["--no-save", left.as_str(), right.as_str()];
            args.extend_from_slice(extra);
            repo.compare_json(&args)
        })
        .collect()
}

/// `git verify-pack -v` of the repository's one pack.
fn verify_pack(repo: &TestRepo) -> String {
    let index = std::fs::read_dir(repo.path().join(".git/objects/pack"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "idx"))
        .expect("a pack");
    repo.git(&["verify-pack", "-v", index.to_str().unwrap()])
}

fn repack(repo: &TestRepo) {
    repo.git(&[
        "repack",
        "-a",
        "-d",
        "-f",
        "-q",
        "--window=50",
        "--depth=50",
    ]);
    repo.git(&["prune-packed"]);
    let listing = verify_pack(repo);
    for kind in [" blob ", " tree "] {
        assert!(
            listing
                .lines()
                .any(|l| l.contains(kind) && l.split_whitespace().count() > 5),
            "expected {kind}deltas:\n{listing}"
        );
    }
}

#[test]
fn a_packed_repository_compares_as_it_did_loose() {
    let repo = history_repo();
    let loose = comparisons(&repo, &[]);
    assert!(
        loose.iter().any(|report| report["services"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["status"] == "different")),
        "some services differ"
    );
    repack(&repo);
    assert_eq!(comparisons(&repo, &[]), loose);
}

#[test]
fn a_limit_refuses_packed_blobs_whole_or_delta() {
    let repo = history_repo();
    repack(&repo);
    for report in comparisons(&repo, &["--max-file-size", "100"]) {
        for service in report["services"].as_array().unwrap() {
            // Equal blobs are never read.
            if service["status"] != "identical" {
                assert_eq!(service["status"], "error", "{service}");
                assert_eq!(service["error_kind"], "too_large", "{service}");
            }
        }
    }
}

#[test]
fn a_damaged_pack_entry_is_unreadable_not_a_different_value() {
    let repo = history_repo();
    repack(&repo);
    let before = repo.compare_json(&["--no-save", "implementation_1", "implementation_2"]);
    let svc0 = before["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "svc0")
        .expect("svc0")
        .clone();
    assert_eq!(svc0["status"], "different", "{svc0}");
    let blob = svc0["right_blob"].as_str().unwrap();
    // `<id> <type> <size> <size in pack> <offset> ...`: a byte in the
    // middle of the entry's compressed data.
    let listing = verify_pack(&repo);
    let line = listing
        .lines()
        .find(|l| l.starts_with(blob))
        .expect("the blob is packed");
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(3)
        .take(2)
        .map(|n| n.parse().unwrap())
        .collect();
    let (in_pack, offset) = (fields[0], fields[1]);
    let pack = std::fs::read_dir(repo.path().join(".git/objects/pack"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pack"))
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    let at = usize::try_from(offset + in_pack / 2 + 1).unwrap();
    bytes[at] ^= 0x55;
    // Packs are written read-only.
    let mut permissions = std::fs::metadata(&pack).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&pack, permissions).unwrap();
    std::fs::write(&pack, bytes).unwrap();

    let after = repo.compare_json(&["--no-save", "implementation_1", "implementation_2"]);
    assert_eq!(
        after["services"].as_array().unwrap().len(),
        before["services"].as_array().unwrap().len()
    );
    for (was, now) in before["services"]
        .as_array()
        .unwrap()
        .iter()
        .zip(after["services"].as_array().unwrap())
    {
        // svc0 cannot be read, nor can a blob stored as a delta of its
        // blob; every other service compares as before.
        if now["service"] == "svc0" || now != was {
            assert_eq!(now["status"], "error", "{now}");
            assert_eq!(now["error_kind"], "unreadable", "{now}");
        }
    }
}
