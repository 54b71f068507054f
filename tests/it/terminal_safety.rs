//! Nothing from the repository or the user reaches the terminal raw: a
//! service folder, key, value, directory, file name, repository path or
//! error message holding an escape sequence, a newline, a C1 control or a
//! bidirectional override is shown as visible escapes by `compare`, `show`
//! and `runs`, and every printed line is one line.

use std::path::PathBuf;

use tempfile::TempDir;

use crate::harness::{TestRepo, run};

/// `--file`: the name shows in the header, each location and an error.
const FILE: &str = "conf\u{1b}[5m.yml";
const LEFT: &str = "l\u{1b}[1m";
const RIGHT: &str = "r\u{202e}";

/// A repository whose names and contents hold every kind of character a
/// terminal acts on, reached through a folder whose name holds one too.
struct Hostile {
    _repo: TestRepo,
    dir: TempDir,
    repo_link: PathBuf,
}

impl Hostile {
    fn new() -> Self {
        let mut repo = TestRepo::new();
        for (side, word) in [(LEFT, "one"), (RIGHT, "two")] {
            repo.write(
                &format!("{side}/\u{1b}[31mred/{FILE}"),
                format!("k: {word}\n"),
            );
            // YAML escapes: \e is ESC, \x9b the C1 CSI, \a BEL.
            repo.write(
                &format!("{side}/a\nb/{FILE}"),
                format!("\"k\\e[31m\\x9b\": \"v\\e]0;t\\a\\x9b\\u202e{word}\"\n"),
            );
        }
        repo.write(&format!("{LEFT}/sym\u{7}link/{FILE}"), "k: 1\n");
        repo.write(&format!("{RIGHT}/target.yml"), "k: 1\n");
        repo.symlink(&format!("{RIGHT}/sym\u{7}link/{FILE}"), "../target.yml");
        repo.write(&format!("{LEFT}/only\r-left/{FILE}"), "k: 1\n");
        repo.commit("hostile names");
        let dir = tempfile::tempdir().unwrap();
        let repo_link = dir.path().join("repo\u{1b}[2J\u{9b}");
        std::os::unix::fs::symlink(repo.path(), &repo_link).unwrap();
        Hostile {
            _repo: repo,
            dir,
            repo_link,
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("runs.db")
    }

    /// Runs confdiff with `args` and this database; its stdout, which must
    /// come with exit 0.
    fn confdiff(&self, args: &[&str]) -> String {
        let (code, stdout, stderr) = run(crate::harness::confdiff()
            .current_dir(self.dir.path())
            .args(args)
            .arg("--db")
            .arg(self.db()));
        assert_eq!(code, 0, "{stderr}");
        stdout
    }
}

/// No character a terminal acts on, apart from the line ends.
fn assert_terminal_safe(output: &str, what: &str) {
    let raw: Vec<char> = output
        .chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c)
        })
        .collect();
    assert!(
        raw.is_empty(),
        "{what} sends {raw:?} to the terminal raw:\n{output}"
    );
}

fn lines(output: &str) -> Vec<&str> {
    output.lines().collect()
}

/// What `compare` and `show` print for the hostile repository, line by
/// line: one line per service, difference and header, none split.
fn assert_report_lines(output: &str, what: &str) {
    assert_terminal_safe(output, what);
    let lines = lines(output);
    assert_eq!(lines.len(), 11, "{what} has split lines:\n{output}");
    assert!(
        lines[0].starts_with(r"HEAD:l\x1b[1m (") && lines[0].contains(r"HEAD:r\u{202e} ("),
        "{what}: {}",
        lines[0]
    );
    assert!(lines[0].ends_with(r"(conf\x1b[5m.yml)"), "{}", lines[0]);
    assert_eq!(lines[2], r"\x1b[31mred  1 difference");
    assert!(
        lines[3].starts_with("  ~ k  \"one\" → \"two\""),
        "{}",
        lines[3]
    );
    assert!(lines[3].ends_with(r"conf\x1b[5m.yml:1"), "{}", lines[3]);
    assert_eq!(lines[4], r"a\nb  1 difference");
    assert!(
        lines[5].starts_with(r#"  ~ ["k\x1b[31m\u{9b}"]  "#),
        "{what}: {}",
        lines[5]
    );
    assert!(
        lines[5].contains(r#"\u001b]0;t\u0007\u{9b}\u{202e}one"#),
        "{what}: {}",
        lines[5]
    );
    assert_eq!(
        lines[6],
        r"only\r-left  missing on the right (only in l\x1b[1m)"
    );
    assert_eq!(
        lines[7],
        r"sym\x07link  error: right: conf\x1b[5m.yml is a symlink"
    );
}

#[test]
fn hostile_names_keys_and_values_do_not_reach_the_terminal_raw() {
    let hostile = Hostile::new();
    let repo = hostile.repo_link.to_str().unwrap();
    let compared = hostile.confdiff(&["compare", "--repo", repo, "--file", FILE, LEFT, RIGHT]);
    assert_report_lines(&compared, "compare");

    let shown = hostile.confdiff(&["show", "1"]);
    assert_report_lines(&shown, "show");
    assert_eq!(shown, compared, "show prints the run as compare did");

    let listed = hostile.confdiff(&["runs"]);
    assert_terminal_safe(&listed, "runs");
    let rows = lines(&listed);
    assert_eq!(rows.len(), 2, "runs has split lines:\n{listed}");
    assert!(rows[1].contains(r"repo\x1b[2J\u{9b}"), "{listed}");
    assert!(rows[1].contains(r"HEAD:l\x1b[1m ("), "{listed}");
    assert!(rows[1].contains(r"HEAD:r\u{202e} ("), "{listed}");
}

#[test]
fn json_output_keeps_hostile_text_exactly() {
    // The JSON contract is for programs: the text is kept as it is (JSON
    // escaping makes it safe to carry), only the human output escapes.
    let hostile = Hostile::new();
    let repo = hostile.repo_link.to_str().unwrap();
    let json: serde_json::Value = serde_json::from_str(&hostile.confdiff(&[
        "compare",
        "--no-save",
        "--format",
        "json",
        "--repo",
        repo,
        "--file",
        FILE,
        LEFT,
        RIGHT,
    ]))
    .unwrap();
    assert_eq!(json["repository"], repo);
    assert_eq!(json["file"], FILE);
    assert_eq!(json["left"]["path"], LEFT);
    let names: Vec<&str> = json["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["\u{1b}[31mred", "a\nb", "only\r-left", "sym\u{7}link"]
    );
    let difference = &json["services"][1]["differences"][0];
    assert_eq!(difference["path"][0], "k\u{1b}[31m\u{9b}");
    assert_eq!(difference["right"], "v\u{1b}]0;t\u{7}\u{9b}\u{202e}two");
}
