//! The human output fits a width: `--width N`, or the terminal's when
//! stdout is one. Each difference line fits in N characters (the path
//! shortened in the middle, values at their ends, the location never);
//! `--full-values` shortens nothing; without a width the output is what it
//! always was (values cut at 48 characters).

use std::path::Path;

use crate::harness::{TestRepo, command_for, run};

const WIDTH: usize = 60;

/// The path of the changed image, 38 characters.
const IMAGE_PATH: &str = "spec.template.spec.containers[0].image";

fn long_value(letter: char) -> String {
    std::iter::repeat_n(letter, 300).collect()
}

/// One service with a long path, long values, a short change and a
/// 300-character value; every difference is on the same line on both
/// sides.
fn long_repo() -> TestRepo {
    let mut repo = TestRepo::new();
    for (side, image, replicas, letter) in [("a", "1.0.0", 3, 'x'), ("b", "2.0.0", 5, 'y')] {
        repo.write(
            &format!("{side}/svc/configuration.yml"),
            format!(
                "spec:\n  replicas: {replicas}\n  template:\n    spec:\n      containers:\n        \
                 - name: app\n          image: registry.example.com/platform/payments-api-server:{image}-with-a-long-build-suffix\n\
                 blob: {}\n",
                long_value(letter)
            ),
        );
    }
    repo.commit("long");
    repo
}

fn human(repo: &TestRepo, extra: &[&str]) -> String {
    let (code, stdout, stderr) = run(repo
        .confdiff()
        .args(["compare", "--no-save", "a", "b"])
        .args(extra));
    assert_eq!(code, 0, "{stderr}");
    stdout
}

/// The difference lines (they start with two spaces).
fn difference_lines(output: &str) -> Vec<&str> {
    output.lines().filter(|l| l.starts_with("  ")).collect()
}

fn width(line: &str) -> usize {
    line.chars().count()
}

#[test]
fn width_60_fits_every_line_shortening_paths_in_the_middle_and_values_at_the_end() {
    let repo = long_repo();
    let output = human(&repo, &["--width", &WIDTH.to_string()]);
    for line in output.lines() {
        assert!(
            width(line) <= WIDTH,
            "{} wide: {line:?}\n{output}",
            width(line)
        );
    }
    let lines = difference_lines(&output);
    assert_eq!(lines.len(), 3, "{output}");

    let replicas = lines[0];
    assert!(
        replicas.starts_with("  ~ spec.replicas") && replicas.contains("  3 → 5  "),
        "a short change is kept whole: {replicas:?}"
    );
    assert!(replicas.ends_with("  configuration.yml:2"), "{replicas:?}");

    let image = lines[1];
    let path = image[4..].split("  ").next().unwrap();
    assert!(
        path.starts_with("spec.") && path.contains('…') && path.ends_with("s[0].image"),
        "the image path loses its middle: {image:?}"
    );
    assert!(
        width(path) < IMAGE_PATH.len() && width(path) <= WIDTH * 2 / 5,
        "{path:?}"
    );
    assert!(
        image.contains("  \"regis") && image.contains("… → \"regis"),
        "both values are cut: {image:?}"
    );
    assert!(image.ends_with("…  configuration.yml:7"), "{image:?}");

    let blob = lines[2];
    assert!(
        blob.contains(" \"xxxx") && blob.contains("… → \"yyyy"),
        "{blob:?}"
    );
    assert!(blob.ends_with("…  configuration.yml:8"), "{blob:?}");
}

#[test]
fn full_values_shows_a_300_character_value_and_the_path_whole() {
    let repo = long_repo();
    let whole = format!("\"{}\" → \"{}\"", long_value('x'), long_value('y'));
    for extra in [&["--full-values"][..], &["--full-values", "--width", "60"]] {
        let output = human(&repo, extra);
        let lines = difference_lines(&output);
        assert!(
            lines[1].starts_with(&format!("  ~ {IMAGE_PATH}  ")),
            "{extra:?}: {output}"
        );
        assert!(
            lines[1].contains("-with-a-long-build-suffix\" → \"registry"),
            "{output}"
        );
        assert!(lines[2].contains(&whole), "{extra:?}: {}", lines[2]);
        assert!(lines[2].ends_with("  configuration.yml:8"), "{}", lines[2]);
        assert!(
            !output.contains('…'),
            "{extra:?} shortens nothing: {output}"
        );
    }
}

#[test]
fn without_a_width_values_are_cut_at_48_characters_as_before() {
    let repo = long_repo();
    let output = human(&repo, &[]);
    let lines = difference_lines(&output);
    let cut = |letter: char| format!("\"{}…", std::iter::repeat_n(letter, 46).collect::<String>());
    assert!(
        lines[2].contains(&format!("{} → {}", cut('x'), cut('y'))),
        "{}",
        lines[2]
    );
    assert!(
        lines[1].starts_with(&format!("  ~ {IMAGE_PATH}")),
        "{output}"
    );
}

#[test]
fn show_fits_the_width_too() {
    let repo = long_repo();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("runs.db");
    let (code, _, stderr) = run(repo.confdiff().args(["compare", "a", "b", "--db"]).arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let (code, shown, stderr) = run(repo
        .confdiff()
        .args(["show", "1", "--width", "60", "--db"])
        .arg(&db));
    assert_eq!(code, 0, "{stderr}");
    let lines = difference_lines(&shown);
    assert_eq!(lines.len(), 3, "{shown}");
    for line in &lines {
        assert!(width(line) <= WIDTH, "{line:?}");
    }
    let compared = human(&repo, &["--width", "60"]);
    assert_eq!(lines, difference_lines(&compared));
}

#[test]
fn a_terminal_stdout_gives_the_width() {
    // `script` runs confdiff with a pseudo-terminal as stdout; `stty`
    // sets that terminal 70 columns wide.
    let repo = long_repo();
    let binary = env!("CARGO_BIN_EXE_confdiff");
    let inner =
        format!("stty cols 70 rows 40; exec '{binary}' compare --no-save --color never a b");
    // The harness's clean environment, which script hands on to confdiff.
    let (code, stdout, stderr) = run(command_for(Path::new("script"))
        .args(["--quiet", "--return", "--command", &inner, "/dev/null"])
        .current_dir(repo.path()));
    assert_eq!(code, 0, "{stderr}");
    let output = stdout.replace("\r\n", "\n");
    let lines = difference_lines(&output);
    assert_eq!(lines.len(), 3, "{output}");
    for line in &lines {
        assert!(width(line) <= 70, "{} wide: {line:?}", width(line));
    }
    assert!(
        width(lines[2]) > 60,
        "the terminal's 70 columns are used: {output}"
    );
}

#[test]
fn width_zero_is_refused() {
    let repo = long_repo();
    let (code, stdout, stderr) =
        run(repo
            .confdiff()
            .args(["compare", "--no-save", "--width", "0", "a", "b"]));
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.is_empty());
    assert!(stderr.contains("'--width <N>'"), "{stderr}");
}
