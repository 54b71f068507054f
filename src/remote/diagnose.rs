//! What to tell the user when a clone or fetch fails: the server's own
//! words where it said something, else what happened in plain terms.
//!
//! gix's error is right but often not what a person can act on:
//!
//! - an http server's error page ("Repository not found.", "the database is
//!   down") is dropped, leaving "HTTP status server error (500 …) for url
//!   (…/info/refs?service=git-upload-pack)"; an `ERR` line in a 200
//!   answer becomes "Capabilities were missing entirely";
//! - a server or ssh that hangs up without a word is "failed to fill whole
//!   buffer";
//! - a SHA-256 remote is "A hash sized 64 hexadecimal characters is
//!   invalid";
//! - a `file://` path that is not there is "No such file or directory".
//!
//! For http(s) the server is asked once more, the way git reads the body of
//! an error answer, and its text (a `text/plain` body or an `ERR` line) is
//! shown. Only after a failure, so a working fetch pays nothing.

use std::io::Read;
use std::time::Duration;

use super::credentials::CredentialSource;
use super::url::RemoteUrl;

/// How long the second look at an http server may take.
const ASK_AGAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of an error page is read, and how much of it shown.
const BODY_LIMIT: u64 = 64 * 1024;
const SHOWN_LIMIT: usize = 300;

/// The message for a failed clone or fetch of `url`.
pub fn explain(error: &gix::Error, url: &RemoteUrl, credentials: &CredentialSource) -> String {
    let texts: Vec<String> = error.iter_errors().map(|e| e.to_string()).collect();
    let said = |needle: &str| texts.iter().any(|text| text.contains(needle));
    if said("A hash sized 64 hexadecimal characters is invalid") {
        return "SHA-256 repositories are not supported (the remote stores SHA-256 object ids)"
            .to_owned();
    }
    let scheme = url.scheme();
    if scheme == "http" || scheme == "https" {
        let status = error
            .downcast_any_ref::<reqwest::Error>()
            .and_then(reqwest::Error::status);
        let refused = status.is_some_and(|s| s != reqwest::StatusCode::UNAUTHORIZED)
            || said("Capabilities were missing entirely");
        if refused {
            return explain_http(url, credentials, status);
        }
    }
    if said("Failed to decode the first four hex bytes") {
        return "the server did not answer in git's protocol (is it a git server?)".to_owned();
    }
    let hung_up = error.iter_errors().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof)
    }) || said("failed to fill whole buffer");
    if hung_up {
        return match scheme {
            "ssh" => "the connection closed before the server answered (anything ssh or the server said is printed above)".to_owned(),
            "file" => "git upload-pack ended before it answered".to_owned(),
            _ => "the server closed the connection without answering".to_owned(),
        };
    }
    if scheme == "file"
        && let Some(message) = explain_local_path(url)
    {
        return message;
    }
    crate::repository::describe(error)
}

/// What an http(s) server said when it refused: its answer to the same
/// first request once more, else the status gix saw.
fn explain_http(
    url: &RemoteUrl,
    credentials: &CredentialSource,
    status: Option<reqwest::StatusCode>,
) -> String {
    let again = ask_again(url, credentials);
    let status = again.as_ref().map(|a| a.status).or(status);
    let text = again.and_then(|a| a.text);
    match (status, text) {
        (Some(status), Some(text)) if !status.is_success() => {
            format!("the server answered {}: {text}", describe_status(status))
        }
        (_, Some(text)) => format!("the server answered: {text}"),
        (Some(status), None) if status == reqwest::StatusCode::NOT_FOUND => format!(
            "the server answered {}: no repository at that URL",
            describe_status(status)
        ),
        (Some(status), None) => format!("the server answered {}", describe_status(status)),
        (None, None) => "the server's answer was not a git answer".to_owned(),
    }
}

fn describe_status(status: reqwest::StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("HTTP {} ({reason})", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}

/// A second answer from the server.
struct Answer {
    status: reqwest::StatusCode,
    /// What it said in words: a `text/plain` error body or an `ERR` line.
    text: Option<String>,
}

/// Asks the server for the same reference advertisement gix asked for
/// first, with the same credentials over https (never over plain http),
/// and reads what it says.
fn ask_again(url: &RemoteUrl, credentials: &CredentialSource) -> Option<Answer> {
    let client = reqwest::blocking::Client::builder()
        .timeout(ASK_AGAIN_TIMEOUT)
        .user_agent(concat!(
            "git/2.0 (confdiff ",
            env!("CARGO_PKG_VERSION"),
            ")"
        ))
        .build()
        .ok()?;
    let base = url.display().trim_end_matches('/');
    let mut request = client
        .get(format!("{base}/info/refs?service=git-upload-pack"))
        .header("Git-Protocol", "version=2");
    if url.scheme() == "https"
        && let Some(account) = credentials.account()
    {
        request = request.basic_auth(account.username, Some(account.password));
    }
    let response = request.send().ok()?;
    let status = response.status();
    let plain_text = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("text/plain"));
    let mut body = Vec::new();
    response.take(BODY_LIMIT).read_to_end(&mut body).ok()?;
    let text = if status.is_success() {
        err_line(&body)
    } else if plain_text {
        one_line(&String::from_utf8_lossy(&body))
    } else {
        None
    };
    Some(Answer { status, text })
}

/// The text of an `ERR` packet line among the first lines of a git
/// answer: how a git server refuses with a reason.
fn err_line(body: &[u8]) -> Option<String> {
    let mut rest = body;
    for _ in 0..4 {
        let len = usize::from_str_radix(std::str::from_utf8(rest.get(..4)?).ok()?, 16).ok()?;
        if len < 4 {
            // A flush or delimiter packet.
            rest = &rest[4..];
            continue;
        }
        let payload = rest.get(4..len)?;
        if let Some(text) = payload.strip_prefix(b"ERR ") {
            return one_line(&String::from_utf8_lossy(text));
        }
        rest = &rest[len..];
    }
    None
}

/// `text` on one line: its non-empty lines joined, shortened to fit a
/// message. `None` for a text with nothing in it.
fn one_line(text: &str) -> Option<String> {
    let joined = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if joined.is_empty() {
        return None;
    }
    if joined.chars().count() <= SHOWN_LIMIT {
        return Some(joined);
    }
    let short: String = joined.chars().take(SHOWN_LIMIT).collect();
    Some(format!("{short}…"))
}

/// For a `file://` URL: the path is missing, or is not a repository.
fn explain_local_path(url: &RemoteUrl) -> Option<String> {
    let path = std::path::PathBuf::from(url.connect_url().path.to_string());
    if !path.exists() {
        Some(format!("'{}' does not exist", path.display()))
    } else if gix::discover::is_git(&path).is_err() && !path.join(".git").exists() {
        Some(format!("'{}' is not a git repository", path.display()))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_err_packet_is_read_past_the_service_header() {
        let line = b"# service=git-upload-pack\n";
        let mut body = format!("{:04x}", line.len() + 4).into_bytes();
        body.extend_from_slice(line);
        body.extend_from_slice(b"0000");
        let err = b"ERR repository disabled\n";
        body.extend_from_slice(format!("{:04x}", err.len() + 4).as_bytes());
        body.extend_from_slice(err);
        assert_eq!(err_line(&body).as_deref(), Some("repository disabled"));
        assert_eq!(err_line(b"0010not an error"), None);
        assert_eq!(err_line(b"<html>"), None);
    }

    #[test]
    fn a_long_page_is_one_shortened_line() {
        assert_eq!(
            one_line("  Not found.\n\n  Try again.\n").unwrap(),
            "Not found. Try again."
        );
        assert_eq!(one_line("\n \n"), None);
        let long = "x".repeat(1000);
        assert_eq!(one_line(&long).unwrap().chars().count(), SHOWN_LIMIT + 1);
    }
}
