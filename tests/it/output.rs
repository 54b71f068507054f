//! Both output formats on the sample platform, and the habits of a good
//! command-line citizen: stable order, colour only when asked, quiet on a
//! closed pipe.

use std::io::Read;
use std::process::Stdio;

use crate::harness::{TestRepo, run, sample_repo};

fn sample_output(format: &str, extra: &[&str]) -> String {
    let repo = sample_repo();
    let (code, stdout, stderr) = run(repo
        .confdiff()
        .args(["compare", "--no-save", "--repo", ".", "--format", format])
        .args(extra)
        .args(["implementation_1", "implementation_2"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    stdout
}

#[test]
fn sample_json_snapshot() {
    insta::assert_snapshot!(sample_output("json", &[]));
}

#[test]
fn sample_human_snapshot() {
    insta::assert_snapshot!(sample_output("human", &[]));
}

#[test]
fn output_does_not_depend_on_jobs() {
    let one = sample_output("json", &["--jobs", "1"]);
    let three = sample_output("json", &["--jobs", "3"]);
    assert_eq!(one, three);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let plain = sample_output("human", &[]);
    assert!(!plain.contains('\x1b'), "NO_COLOR and a pipe: no escapes");
    let never = sample_output("human", &["--color", "never"]);
    assert_eq!(plain, never);
    let always = sample_output("human", &["--color", "always"]);
    assert!(always.contains("\x1b["), "--color always colours");
    let stripped = strip_ansi(&always);
    assert_eq!(stripped, plain, "colour adds escapes and nothing else");
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // Many services so the output is far larger than a pipe buffer.
    let mut repo = TestRepo::new();
    for i in 0..400 {
        repo.write(
            &format!("a/svc-{i:03}/configuration.yml"),
            format!("k: {i}\nl: [1, 2]\n"),
        )
        .write(&format!("b/svc-{i:03}/configuration.yml"), "k: x\nl: [3]\n");
    }
    repo.commit("many");
    for format in ["human", "json"] {
        let mut child = crate::harness::confdiff()
            .args(["compare", "--format", format, "a", "b"])
            .current_dir(repo.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{format}: {stderr}");
        assert!(stderr.is_empty(), "{format}: {stderr}");
    }
}
