//! The YAML test suite through the whole tool: every case becomes a service
//! in a real repository, with `in.yaml` on both sides and a comment line
//! added on the right so the blob ids differ and both files are parsed.
//! Every valid case must come out `identical`, every error case `error`.

use std::collections::BTreeMap;

use crate::harness::{TestRepo, json_output};

#[test]
fn every_suite_case_through_the_binary() {
    let mut repo = TestRepo::new();
    let mut expected = BTreeMap::new();
    let cases = std::path::Path::new(crate::yaml_suite::SUITE).join("cases");
    let entries = std::fs::read_dir(&cases).unwrap_or_else(|e| {
        panic!(
            "the YAML test suite is missing at {} ({e})",
            cases.display()
        )
    });
    for entry in entries {
        let dir = entry.unwrap().path();
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        let status = if dir.join("error").exists() {
            "error"
        } else if dir.join("in.json").exists() {
            "identical"
        } else {
            continue;
        };
        let yaml = std::fs::read(dir.join("in.yaml")).unwrap();
        repo.write(&format!("left/{id}/configuration.yml"), &yaml)
            .write(
                &format!("right/{id}/configuration.yml"),
                with_leading_comment(&yaml),
            );
        expected.insert(id, status);
    }
    assert_eq!(
        expected.values().filter(|s| **s == "identical").count(),
        279
    );
    assert_eq!(expected.values().filter(|s| **s == "error").count(), 94);
    repo.commit("yaml test suite");

    let mut command = repo.confdiff();
    command.args(["compare", "--format", "json", "left", "right"]);
    let report = json_output(&mut command, 0);
    let services = report["services"].as_array().unwrap();
    assert_eq!(services.len(), expected.len());
    let mut wrong = Vec::new();
    for service in services {
        let id = service["service"].as_str().unwrap();
        if service["status"] != expected[id] {
            wrong.push(format!("{id}: {service}"));
        }
        if service["status"] == "error" {
            let error = service["error"].as_str().unwrap();
            assert!(
                error.starts_with("left: ") && error.contains("; right: "),
                "{id}: {error}"
            );
            assert!(
                error.contains(" line ") && error.contains(" column "),
                "{id}: {error}"
            );
        }
    }
    assert!(
        wrong.is_empty(),
        "cases with the wrong status:\n{}",
        wrong.join("\n")
    );
}

/// `# comment` + the case, after a byte order mark if the case has one.
fn with_leading_comment(yaml: &[u8]) -> Vec<u8> {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let (bom, rest) = match yaml.strip_prefix(BOM) {
        Some(rest) => (BOM, rest),
        None => (&b""[..], yaml),
    };
    [
        bom,
        b"# an extra comment changes the blob, not the document\n",
        rest,
    ]
    .concat()
}
