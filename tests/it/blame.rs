//! `confdiff blame`: the commit that last changed one value, walking the
//! first parents of real repositories with scripted histories.

use serde_json::{Value, json};

use crate::harness::{TestRepo, json_output, run};

const BILLING: &str = "implementation_2/billing/configuration.yml";

/// `confdiff blame --format json ARGS`, which must exit 0.
fn blame(repo: &TestRepo, args: &[&str]) -> Value {
    json_output(
        repo.confdiff()
            .args(["blame", "--format", "json"])
            .args(args),
        0,
    )
}

/// `confdiff blame ARGS`, which must exit 2 with one line on stderr and
/// nothing on stdout; that line.
fn blame_fails(repo: &TestRepo, args: &[&str]) -> String {
    let (code, stdout, stderr) = run(repo.confdiff().arg("blame").args(args));
    assert_eq!(code, 2, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    stderr
}

/// The commits of the changes, newest first.
fn change_commits(report: &Value) -> Vec<&str> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["commit"].as_str().unwrap())
        .collect()
}

fn present(value: Value, line: u32, value_type: &str) -> Value {
    json!({"state": "present", "value": value, "line": line, "value_type": value_type})
}

#[test]
fn commits_that_leave_the_value_alone_are_not_changes() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    let added = repo.commit("Add billing");
    repo.write(BILLING, "spec:\n  replicas: 5\n");
    let raised = repo.commit("Raise billing replicas");
    // Another file, then other keys of the same file, then the same value
    // written differently (a comment, another key order): none is a
    // change.
    repo.write("implementation_1/api/configuration.yml", "replicas: 9\n");
    repo.commit("Add api");
    repo.write(BILLING, "spec:\n  image: billing:2\n  replicas: 5\n");
    repo.commit("Pin the billing image");
    repo.write(
        BILLING,
        "# billing\nspec:\n  replicas: 5 # raised\n  image: billing:2\n",
    );
    let head = repo.commit("Comment billing");

    let report = blame(&repo, &["implementation_2/billing", "spec.replicas"]);
    assert_eq!(
        report,
        json!({
            "repository": repo.path().display().to_string(),
            "rev": "HEAD",
            "commit": head,
            "file_path": BILLING,
            "path": ["spec", "replicas"],
            "current": present(json!(5), 3, "int"),
            "changes": [{
                "commit": raised,
                "author": "Test",
                "author_time": "2026-01-01T00:00:02Z",
                "subject": "Raise billing replicas",
                "before": present(json!(3), 2, "int"),
                "after": present(json!(5), 2, "int"),
            }],
        })
    );
    let all = blame(
        &repo,
        &["--all", "implementation_2/billing", "spec.replicas"],
    );
    assert_eq!(change_commits(&all), [raised.as_str(), added.as_str()]);
    assert_eq!(all["changes"][1]["before"], json!({"state": "absent"}));
}

#[test]
fn json_fields_come_in_the_contract_order() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    repo.commit("Add billing");
    let (code, stdout, _) =
        run(repo
            .confdiff()
            .args(["blame", "--format", "json", BILLING, "spec.replicas"]));
    assert_eq!(code, 0);
    let order = |keys: &[&str], text: &str| {
        let positions: Vec<usize> = keys
            .iter()
            .map(|k| {
                text.find(&format!("\"{k}\":"))
                    .unwrap_or_else(|| panic!("{k}"))
            })
            .collect();
        assert!(positions.is_sorted(), "{keys:?} out of order in {text}");
    };
    order(
        &[
            "repository",
            "rev",
            "commit",
            "file_path",
            "path",
            "current",
            "changes",
        ],
        &stdout,
    );
    let change = &stdout[stdout.find("\"changes\"").unwrap()..];
    order(
        &[
            "commit",
            "author",
            "author_time",
            "subject",
            "before",
            "after",
        ],
        change,
    );
    let current = &stdout[stdout.find("\"current\"").unwrap()..];
    order(&["state", "value", "line", "value_type"], current);
}

#[test]
fn all_lists_every_change_newest_first() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    let added = repo.commit("Add billing");
    repo.write(BILLING, "spec:\n  replicas: 5\n");
    let raised = repo.commit("Raise to 5");
    repo.write("README.md", "billing\n");
    repo.commit("Readme");
    // Back to an earlier blob: its state comes from the memo and must
    // still count as a change.
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    let lowered = repo.commit("Back to 3");

    let newest = blame(&repo, &[BILLING, "spec.replicas"]);
    assert_eq!(change_commits(&newest), [lowered.as_str()]);
    let all = blame(&repo, &["--all", BILLING, "spec.replicas"]);
    assert_eq!(
        change_commits(&all),
        [lowered.as_str(), raised.as_str(), added.as_str()]
    );
    let values: Vec<(&Value, &Value)> = all["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (&c["before"]["value"], &c["after"]["value"]))
        .collect();
    assert_eq!(
        values,
        [
            (&json!(5), &json!(3)),
            (&json!(3), &json!(5)),
            (&Value::Null, &json!(3))
        ]
    );
    assert_eq!(all["changes"][2]["before"]["state"], "absent");
}

#[test]
fn equality_is_type_strict() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "port: 80\n");
    repo.commit("int");
    repo.write(BILLING, "port: 80.0\n");
    let float = repo.commit("float");
    repo.write(BILLING, "port: \"80\"\n");
    let string = repo.commit("string");
    let all = blame(&repo, &["--all", BILLING, "port"]);
    assert_eq!(change_commits(&all)[..2], [string.as_str(), float.as_str()]);
    assert_eq!(
        all["changes"][0]["after"],
        present(json!("80"), 1, "string")
    );
    assert_eq!(
        all["changes"][0]["before"],
        present(json!(80.0), 1, "float")
    );
}

#[test]
fn a_removed_path_is_a_change_to_absent() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n  debug: true\n")
        .write("implementation_2/billing/README.md", "billing\n");
    repo.commit("Add billing");
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    let removed = repo.commit("Drop debug");
    repo.write(BILLING, "spec:\n  replicas: 4\n");
    repo.commit("Raise replicas");

    let report = blame(&repo, &[BILLING, "spec.debug"]);
    assert_eq!(report["current"], json!({"state": "absent"}));
    assert_eq!(change_commits(&report), [removed.as_str()]);
    assert_eq!(
        report["changes"][0]["before"],
        present(json!(true), 3, "bool")
    );
    assert_eq!(report["changes"][0]["after"], json!({"state": "absent"}));

    // The whole file going away is the same: absent (the folder, still
    // there, is the TARGET).
    repo.remove(BILLING);
    let deleted = repo.commit("Retire billing");
    let report = blame(
        &repo,
        &[BILLING.rsplit_once('/').unwrap().0, "spec.replicas"],
    );
    assert_eq!(change_commits(&report), [deleted.as_str()]);
    assert_eq!(report["changes"][0]["after"], json!({"state": "absent"}));
    assert_eq!(report["file_path"], BILLING);
}

#[test]
fn a_file_that_stops_loading_is_an_error_state_until_it_loads_again() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    let added = repo.commit("Add billing");
    repo.write(BILLING, "spec:\n  replicas: [3\n");
    let broken = repo.commit("Break billing");
    // Broken differently: still the error state, not a change.
    repo.write(BILLING, "spec:\n  replicas: {3\n");
    repo.commit("Break billing differently");
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    let fixed = repo.commit("Fix billing");

    let all = blame(&repo, &["--all", BILLING, "spec.replicas"]);
    assert_eq!(
        change_commits(&all),
        [fixed.as_str(), broken.as_str(), added.as_str()]
    );
    let error = &all["changes"][0]["before"];
    assert_eq!(error["state"], "error");
    assert_eq!(error["error_kind"], "invalid_yaml");
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .starts_with("invalid YAML at line"),
        "{error}"
    );
    assert_eq!(all["changes"][0]["after"], present(json!(3), 2, "int"));
    assert_eq!(all["changes"][1]["before"], present(json!(3), 2, "int"));
    assert_eq!(all["changes"][1]["after"]["state"], "error");

    // At the broken revision the current state is the error itself.
    let at_broken = blame(&repo, &["--rev", &broken, BILLING, "spec.replicas"]);
    assert_eq!(at_broken["current"]["state"], "error");
    assert_eq!(change_commits(&at_broken), [broken.as_str()]);
}

#[test]
fn a_file_over_the_size_limit_is_an_error_state() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "replicas: 3\n");
    let small = repo.commit("small");
    repo.write(
        BILLING,
        format!("replicas: 3\npadding: \"{}\"\n", "x".repeat(200)),
    );
    let large = repo.commit("large");
    let all = blame(
        &repo,
        &["--all", "--max-file-size", "100", BILLING, "replicas"],
    );
    assert_eq!(change_commits(&all), [large.as_str(), small.as_str()]);
    assert_eq!(all["current"]["error_kind"], "too_large");
    assert!(
        all["current"]["error"]
            .as_str()
            .unwrap()
            .contains("over the limit of 100 bytes"),
        "{all}"
    );
    // Without the limit the two versions hold the same value.
    let all = blame(&repo, &["--all", BILLING, "replicas"]);
    assert_eq!(change_commits(&all), [small.as_str()]);
}

#[test]
fn a_config_that_is_not_a_regular_file_is_absent() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "replicas: 3\n")
        .write("common/billing.yml", "replicas: 3\n");
    let added = repo.commit("Add billing");
    repo.remove(BILLING)
        .symlink(BILLING, "../../common/billing.yml");
    let linked = repo.commit("Link billing");
    let report = blame(&repo, &["implementation_2/billing", "replicas"]);
    assert_eq!(report["current"], json!({"state": "absent"}));
    assert_eq!(change_commits(&report), [linked.as_str()]);
    assert_eq!(report["changes"][0]["before"], present(json!(3), 1, "int"));
    let all = blame(&repo, &["--all", "implementation_2/billing", "replicas"]);
    assert_eq!(change_commits(&all), [linked.as_str(), added.as_str()]);
}

#[test]
fn a_service_folder_and_its_file_give_the_same_blame() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n").write(
        "implementation_2/billing/values.yaml",
        "spec:\n  replicas: 7\n",
    );
    repo.commit("Add billing");
    repo.write(BILLING, "spec:\n  replicas: 5\n");
    repo.commit("Raise billing");

    let folder = blame(
        &repo,
        &["--all", "implementation_2/billing", "spec.replicas"],
    );
    let file = blame(&repo, &["--all", BILLING, "spec.replicas"]);
    let dotted = blame(
        &repo,
        &["--all", "./implementation_2/billing/", "spec.replicas"],
    );
    assert_eq!(folder, file);
    assert_eq!(folder, dotted);
    assert_eq!(folder["file_path"], BILLING);
    assert_eq!(folder["changes"].as_array().unwrap().len(), 2);

    // --file names the config file of a folder.
    let values = blame(
        &repo,
        &[
            "--file",
            "values.yaml",
            "implementation_2/billing",
            "spec.replicas",
        ],
    );
    assert_eq!(values["file_path"], "implementation_2/billing/values.yaml");
    assert_eq!(values["current"]["value"], 7);
}

#[test]
fn rev_prefix_and_rev_option_start_the_walk_at_the_same_commit() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    let added = repo.commit("Add billing");
    repo.write(BILLING, "spec:\n  replicas: 4\n");
    let four = repo.commit("Raise to 4");
    repo.tag("v1");
    repo.write(BILLING, "spec:\n  replicas: 5\n");
    repo.commit("Raise to 5");

    let prefixed = blame(&repo, &[&format!("v1:{BILLING}"), "spec.replicas"]);
    let option = blame(&repo, &["--rev", "v1", BILLING, "spec.replicas"]);
    assert_eq!(prefixed, option);
    assert_eq!(prefixed["rev"], "v1");
    assert_eq!(prefixed["commit"], four);
    assert_eq!(prefixed["current"]["value"], 4);
    assert_eq!(change_commits(&prefixed), [four.as_str()]);
    // An explicit REV: wins over --rev; HEAD~N works as anywhere else.
    let explicit = blame(
        &repo,
        &["--rev", "v1", &format!("HEAD~2:{BILLING}"), "spec.replicas"],
    );
    assert_eq!(explicit["rev"], "HEAD~2");
    assert_eq!(explicit["commit"], added);
    assert_eq!(change_commits(&explicit), [added.as_str()]);
}

#[test]
fn a_json_array_path_and_a_printed_path_give_the_same_result() {
    let mut repo = TestRepo::new();
    let doc = |name: &str| {
        format!(
            "spec:\n  ports:\n    - name: {name}\n      port: 80\nlabels:\n  app.kubernetes.io/name: billing\n"
        )
    };
    repo.write(BILLING, doc("http"));
    repo.commit("Add billing");
    repo.write(BILLING, doc("web"));
    repo.commit("Rename the port");
    for (printed, array) in [
        ("spec.ports[0].name", r#"["spec","ports",0,"name"]"#),
        ("spec.ports[0]", r#"["spec", "ports", 0]"#),
        (
            r#"labels["app.kubernetes.io/name"]"#,
            r#"["labels","app.kubernetes.io/name"]"#,
        ),
        ("(root)", "[]"),
    ] {
        let a = blame(&repo, &["--all", BILLING, printed]);
        let b = blame(&repo, &["--all", BILLING, array]);
        assert_eq!(a, b, "{printed} vs {array}");
    }
    let name = blame(&repo, &[BILLING, "spec.ports[0].name"]);
    assert_eq!(name["path"], json!(["spec", "ports", 0, "name"]));
    assert_eq!(name["current"], present(json!("web"), 3, "string"));
}

#[test]
fn quoted_keys_with_dots_are_one_key() {
    let mut repo = TestRepo::new();
    repo.write(
        BILLING,
        "labels:\n  app.kubernetes.io/name: billing\n  app: other\n",
    );
    let added = repo.commit("Add billing");
    repo.write(
        BILLING,
        "labels:\n  app.kubernetes.io/name: billing-v2\n  app: other\n",
    );
    let renamed = repo.commit("Rename billing");
    let report = blame(
        &repo,
        &["--all", BILLING, r#"labels["app.kubernetes.io/name"]"#],
    );
    assert_eq!(change_commits(&report), [renamed.as_str(), added.as_str()]);
    assert_eq!(report["path"], json!(["labels", "app.kubernetes.io/name"]));
    assert_eq!(report["current"]["value"], "billing-v2");
    // Unquoted, the dots are steps into keys that are not there.
    let stderr = blame_fails(&repo, &[BILLING, "labels.app.kubernetes.io/name"]);
    assert!(stderr.contains("never present"), "{stderr}");
}

#[test]
fn non_string_keys_are_matched_by_type() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "shards:\n  2: us-east\n  \"2\": eu-west\n");
    repo.commit("Add shards");
    repo.write(BILLING, "shards:\n  2: us-west\n  \"2\": eu-west\n");
    let moved = repo.commit("Move shard 2");
    let int = blame(&repo, &[BILLING, "shards[2 (int)]"]);
    assert_eq!(int["current"]["value"], "us-west");
    assert_eq!(change_commits(&int), [moved.as_str()]);
    let string = blame(&repo, &[BILLING, r#"shards["2"]"#]);
    assert_eq!(string["current"]["value"], "eu-west");
    // A JSON string means the string key when there is one.
    let array = blame(&repo, &[BILLING, r#"["shards","2"]"#]);
    assert_eq!(array, string);
}

#[test]
fn a_path_never_present_exits_2_naming_path_and_file() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    repo.commit("Add billing");
    repo.write(BILLING, "spec:\n  replicas: 4\n");
    repo.commit("Raise billing");
    let stderr = blame_fails(&repo, &["implementation_2/billing", "spec.image"]);
    assert!(
        stderr.contains("spec.image was never present in"),
        "{stderr}"
    );
    assert!(stderr.contains(BILLING), "{stderr}");

    // A file that never loaded has had no value either.
    let mut broken = TestRepo::new();
    broken.write(BILLING, "a: [\n");
    broken.commit("broken");
    broken.remove(BILLING);
    broken.commit("gone");
    broken.write(BILLING, "b: 1\n");
    broken.commit("back");
    let stderr = blame_fails(&broken, &[BILLING, "a"]);
    assert!(stderr.contains("a was never present in"), "{stderr}");
}

#[test]
fn bad_path_syntax_exits_2_naming_the_position() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    repo.commit("Add billing");
    for (path, position) in [
        ("spec..replicas", "at character 6"),
        ("spec.ports[x]", "at character 12"),
        (r#"labels["app"#, "at character 8"),
        (r#"["spec", true]"#, "at element 2"),
    ] {
        let stderr = blame_fails(&repo, &[BILLING, path]);
        assert!(stderr.contains("invalid PATH"), "{path}: {stderr}");
        assert!(stderr.contains(position), "{path}: {stderr}");
    }
}

#[test]
fn unknown_revisions_and_missing_targets_exit_2() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    repo.commit("Add billing");
    let stderr = blame_fails(&repo, &["nope:implementation_2/billing", "spec.replicas"]);
    assert!(stderr.contains("unknown revision 'nope'"), "{stderr}");
    let stderr = blame_fails(&repo, &["--rev", "nope", BILLING, "spec.replicas"]);
    assert!(stderr.contains("unknown revision 'nope'"), "{stderr}");
    let stderr = blame_fails(&repo, &["implementation_2/payments", "spec.replicas"]);
    assert!(
        stderr.contains("'implementation_2/payments' not found at HEAD"),
        "{stderr}"
    );
    let stderr = blame_fails(&repo, &["--file", "a/b.yml", BILLING, "spec"]);
    assert!(stderr.contains("invalid --file 'a/b.yml'"), "{stderr}");
    let stderr = blame_fails(&repo, &["../x", "spec"]);
    assert!(stderr.contains("invalid TARGET '../x'"), "{stderr}");
}

#[test]
fn merges_walk_only_the_first_parent_chain() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    let added = repo.commit("Add billing");
    repo.git(&["checkout", "--quiet", "-b", "tuning"]);
    repo.write(BILLING, "spec:\n  replicas: 4\n");
    let side_four = repo.commit("Try 4");
    repo.write(BILLING, "spec:\n  replicas: 6\n");
    let side_six = repo.commit("Try 6");
    repo.git(&["checkout", "--quiet", "main"]);
    repo.write("README.md", "billing\n");
    repo.commit("Readme");
    repo.git(&[
        "merge",
        "--quiet",
        "--no-ff",
        "-m",
        "Merge tuning",
        "tuning",
    ]);
    let merge = repo.git(&["rev-parse", "HEAD"]);

    let all = blame(&repo, &["--all", BILLING, "spec.replicas"]);
    assert_eq!(change_commits(&all), [merge.as_str(), added.as_str()]);
    assert_eq!(all["changes"][0]["subject"], "Merge tuning");
    assert_eq!(all["changes"][0]["before"]["value"], 3);
    assert_eq!(all["changes"][0]["after"]["value"], 6);
    for side in [&side_four, &side_six] {
        assert!(!change_commits(&all).contains(&side.as_str()));
    }
    // From the branch itself its own commits are the first parents.
    let branch = blame(
        &repo,
        &["--all", "tuning:implementation_2/billing", "spec.replicas"],
    );
    assert_eq!(
        change_commits(&branch),
        [side_six.as_str(), side_four.as_str(), added.as_str()]
    );
}

#[test]
fn human_output_shows_the_current_value_then_each_change() {
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  port: \"80\"\n");
    let added = repo.commit("Add billing");
    repo.write(BILLING, "spec:\n  port: 80\n");
    let typed = repo.commit("Port as a number\n\nThe chart wants an int.");
    repo.write(BILLING, "spec:\n  tier: a\n  port: \"\\e[2Jgone\"\n");
    let hostile = repo.commit("Hostile \u{1b}[31mred");
    let (code, stdout, stderr) =
        run(repo
            .confdiff()
            .args(["blame", "--all", BILLING, "spec.port"]));
    assert_eq!(code, 0, "{stderr}");
    let head = &hostile[..7];
    let expected = format!(
        "spec.port  in {BILLING}  at HEAD ({head})\n\
         current: \"\\u001b[2Jgone\"  (line 3)\n\
         \n\
         {head}  2026-01-01  Test  Hostile \\x1b[31mred\n  \
         80 (int) → \"\\u001b[2Jgone\" (string)  (line 3)\n\
         \n\
         {}  2026-01-01  Test  Port as a number\n  \
         \"80\" (string) → 80 (int)  (line 2)\n\
         \n\
         {}  2026-01-01  Test  Add billing\n  \
         (absent) → \"80\"  (line 2)\n",
        &typed[..7],
        &added[..7],
    );
    assert_eq!(stdout, expected);
    assert!(!stdout.contains('\u{1b}'));
}

#[test]
fn a_url_is_blamed_through_its_mirror() {
    use crate::harness::remote::{self, Upstream};
    let mut upstream = Upstream::new();
    upstream.write("implementation_1/svc-a/configuration.yml", "replicas: 4\n");
    let raised = upstream.commit("Raise svc-a");
    upstream.push("main");
    let cache = tempfile::tempdir().unwrap();
    let url = format!("file://{}", upstream.bare().display());
    let report = remote::json(&remote::captured(remote::confdiff(cache.path()).args([
        "blame",
        "--format",
        "json",
        "--repo",
        &url,
        "--all",
        "implementation_1/svc-a",
        "replicas",
    ])));
    assert_eq!(report["repository"], url.as_str());
    assert_eq!(report["changes"][0]["commit"], raised.as_str());
    assert_eq!(report["changes"].as_array().unwrap().len(), 2);
    // The mirror is there for offline use afterwards.
    let offline = remote::json(&remote::captured(remote::confdiff(cache.path()).args([
        "blame",
        "--format",
        "json",
        "--repo",
        &url,
        "--offline",
        "v1.4.0:implementation_1/svc-a",
        "replicas",
    ])));
    assert_eq!(offline["current"]["value"], 3);
}

#[test]
fn the_engine_blames_without_the_command_line() {
    use confdiff::{
        BlameError, BlameRequest, BlameState, Engine, EngineConfig, EngineError, RemoteAccess,
        RepositorySource,
    };
    let mut repo = TestRepo::new();
    repo.write(BILLING, "spec:\n  replicas: 3\n");
    repo.commit("Add billing");
    repo.write(BILLING, "spec:\n  replicas: 5\n");
    let raised = repo.commit("Raise billing");
    let engine = Engine::new(EngineConfig::default()).unwrap();
    let source = RepositorySource::Given {
        location: repo.path().display().to_string(),
        access: RemoteAccess::default(),
    };
    let request = BlameRequest {
        repository: source.clone(),
        ..BlameRequest::new("implementation_2/billing", "spec.replicas")
    };
    let report = engine.blame(&request).unwrap();
    assert_eq!(report.file_path, BILLING);
    assert_eq!(report.changes.len(), 1);
    assert_eq!(report.changes[0].commit.id.to_string(), raised);
    assert_eq!(report.changes[0].commit.subject, "Raise billing");
    match &report.changes[0].after {
        BlameState::Present(value) => assert_eq!(value.json.get(), "5"),
        other => panic!("{other:?}"),
    }

    let request = BlameRequest {
        repository: source,
        ..BlameRequest::new(BILLING, "spec.image")
    };
    match engine.blame(&request) {
        Err(EngineError::Blame(BlameError::NeverPresent {
            path, file_path, ..
        })) => {
            assert_eq!((path.as_str(), file_path.as_str()), ("spec.image", BILLING));
        }
        other => panic!("{other:?}"),
    }
}
