//! What `--repo` names: a local path opened in place, or a remote URL that
//! is mirrored into the cache. Credentials are split off the URL here, once,
//! so nothing downstream can print or store them by accident.

use std::path::PathBuf;

use gix::url::Scheme;

use super::RemoteError;

/// Where a repository lives.
#[derive(Debug, Clone)]
pub enum RepoLocation {
    /// A path on this machine (work tree or bare repository), read in place.
    Local(PathBuf),
    /// A URL (`https://`, `http://`, `ssh://`, `git://`, `file://` or
    /// scp-like `git@host:org/repo.git`), read through a mirror in the cache.
    Remote(Box<RemoteUrl>),
}

impl RepoLocation {
    /// Classifies `input` the way git does: `scheme://…` is a URL; a colon
    /// before the first slash (`host:path`, `user@host:path`) is ssh; anything
    /// else is a local path (write `./a:b` for a local path with a colon).
    pub fn parse(input: &str) -> Result<Self, RemoteError> {
        let url = gix::url::parse(input).map_err(|e| RemoteError::InvalidUrl {
            url: redact_text(input),
            reason: scrub(&crate::repository::describe(&e), input),
        })?;
        if url.scheme == Scheme::File && url.serialize_alternative_form {
            return Ok(RepoLocation::Local(PathBuf::from(input)));
        }
        RemoteUrl::from_parsed(url, input).map(|url| RepoLocation::Remote(Box::new(url)))
    }
}

/// A user name and password that came with a URL.
#[derive(Clone, PartialEq, Eq)]
pub struct UrlCredentials {
    /// The user name.
    pub username: String,
    /// The password, if the URL had one.
    pub password: Option<String>,
}

impl std::fmt::Debug for UrlCredentials {
    /// Never prints the secret, so a `{:?}` in a log cannot leak it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlCredentials")
            .field("username", &"<redacted>")
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// A remote URL, split into what is safe to show and what is secret.
#[derive(Debug, Clone)]
pub struct RemoteUrl {
    /// What to connect to: no password ever, and a user name only for ssh,
    /// where it picks the account rather than proving anything.
    connect: gix::Url,
    /// How the URL is printed and stored: without any user information.
    display: String,
    /// The user information the URL came with, offered to an http(s)
    /// server only when it asks for credentials.
    credentials: Option<UrlCredentials>,
}

impl RemoteUrl {
    /// Parses a URL, refusing local paths (see [`RepoLocation::parse`] for
    /// those).
    pub fn parse(input: &str) -> Result<Self, RemoteError> {
        match RepoLocation::parse(input)? {
            RepoLocation::Remote(url) => Ok(*url),
            RepoLocation::Local(path) => Self::from_local_path(&path),
        }
    }

    /// A `file://` URL for a local repository, so that `confdiff fetch PATH`
    /// can mirror it like any remote.
    pub fn from_local_path(path: &std::path::Path) -> Result<Self, RemoteError> {
        let absolute = std::path::absolute(path).map_err(|e| RemoteError::InvalidUrl {
            url: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let text = format!("file://{}", absolute.display());
        let url = gix::url::parse(text.as_str()).map_err(|e| RemoteError::InvalidUrl {
            url: text.clone(),
            reason: crate::repository::describe(&e),
        })?;
        Self::from_parsed(url, &text)
    }

    fn from_parsed(mut url: gix::Url, input: &str) -> Result<Self, RemoteError> {
        match url.scheme {
            Scheme::File | Scheme::Git | Scheme::Ssh | Scheme::Http | Scheme::Https => {}
            ref other => {
                return Err(RemoteError::UnsupportedScheme {
                    url: redact_text(input),
                    scheme: other.as_str().to_owned(),
                });
            }
        }
        let user = url.user.take();
        let password = url.password.take();
        let mut display_url = url.clone();
        // `alternative form` is the scp-like spelling; keep it when the user
        // wrote it so `git@host:org/repo.git` shows as `host:org/repo.git`.
        display_url.serialize_alternative_form = url.serialize_alternative_form;
        let display = display_url.to_bstring().to_string();
        let credentials = match url.scheme {
            Scheme::Ssh => {
                url.user = user;
                None
            }
            Scheme::Http | Scheme::Https => {
                user.map(|username| UrlCredentials { username, password })
            }
            _ => None,
        };
        Ok(RemoteUrl {
            connect: url,
            display,
            credentials,
        })
    }

    /// The URL without user information: what reports, the mirror and every
    /// message show.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// What to connect to: no password, and a user name only for ssh.
    pub(crate) fn connect_url(&self) -> &gix::Url {
        &self.connect
    }

    /// The credentials the URL came with, if any.
    pub(crate) fn credentials(&self) -> Option<&UrlCredentials> {
        self.credentials.as_ref()
    }

    /// The URL scheme (`https`, `ssh`, …).
    pub fn scheme(&self) -> &str {
        self.connect.scheme.as_str()
    }

    /// The mirror's place under the cache's `repos/` folder:
    /// `<host>[_<port>]/<path>.git`, or `file/<path>.git` for `file://`.
    /// Every component is cleaned so that no URL can name a place outside
    /// the cache (`..` is dropped, unusual characters become `_`).
    pub fn cache_key(&self) -> Result<PathBuf, RemoteError> {
        let host = match (&self.connect.scheme, self.connect.host()) {
            (Scheme::File, _) => "file".to_owned(),
            (_, Some(host)) => {
                let host = clean_component(&host.to_ascii_lowercase());
                match self.connect.port {
                    Some(port) => format!("{host}_{port}"),
                    None => host,
                }
            }
            (_, None) => {
                return Err(RemoteError::InvalidUrl {
                    url: self.display.clone(),
                    reason: "the URL names no host".into(),
                });
            }
        };
        let path = self.connect.path.to_string();
        let mut components: Vec<String> = path
            .split(['/', '\\'])
            .filter(|c| !c.is_empty() && *c != "." && *c != ".." && *c != "~")
            .map(clean_component)
            .collect();
        let Some(last) = components.pop() else {
            return Err(RemoteError::InvalidUrl {
                url: self.display.clone(),
                reason: "the URL names no repository path".into(),
            });
        };
        let mut key = PathBuf::from(host);
        for component in components {
            // A folder named like a mirror would nest one mirror inside
            // another; keep the two apart.
            if component.ends_with(".git") {
                key.push(format!("{component}_"));
            } else {
                key.push(component);
            }
        }
        let stem = last.strip_suffix(".git").unwrap_or(&last);
        let stem = if stem.is_empty() { "_" } else { stem };
        key.push(format!("{stem}.git"));
        Ok(key)
    }
}

/// Keeps letters, digits and `.-_+@~`; anything else becomes `_`. A
/// leading dot is escaped so that no component hides or names a temporary
/// clone.
fn clean_component(component: &str) -> String {
    let cleaned: String = component
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '+' | '@' | '~') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match cleaned.strip_prefix('.') {
        Some(rest) => format!("_{rest}"),
        None => cleaned,
    }
}

/// The user information of text that looks like a URL: `user:pw` in
/// `scheme://user:pw@host/…`, `user` in `user@host:path`.
fn userinfo(input: &str) -> Option<&str> {
    let rest = input.find("://").map_or(input, |at| &input[at + 3..]);
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let authority = if rest.len() == input.len() {
        // scp-like: only what comes before the colon is the authority.
        authority.split(':').next().unwrap_or(authority)
    } else {
        authority
    };
    authority.rfind('@').map(|at| &authority[..at])
}

/// Removes the user information from text that looks like a URL, for
/// messages about input too broken to parse.
pub fn redact_text(input: &str) -> String {
    match userinfo(input) {
        Some(info) => input.replacen(&format!("{info}@"), "", 1),
        None => input.to_owned(),
    }
}

/// Removes the user information of `input` from `message`, in case a
/// library quoted the input back.
fn scrub(message: &str, input: &str) -> String {
    match userinfo(input) {
        Some(info) if !info.is_empty() => message
            .replace(input, &redact_text(input))
            .replace(info, "***"),
        _ => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(input: &str) -> RemoteUrl {
        match RepoLocation::parse(input).unwrap() {
            RepoLocation::Remote(url) => *url,
            RepoLocation::Local(path) => panic!("{input} parsed as local path {path:?}"),
        }
    }

    #[test]
    fn local_paths_stay_local() {
        for input in [
            "/srv/git/platform.git",
            "platform.git",
            "./a:b",
            "../x",
            ".",
        ] {
            assert!(
                matches!(RepoLocation::parse(input).unwrap(), RepoLocation::Local(_)),
                "{input}"
            );
        }
    }

    #[test]
    fn urls_of_every_supported_scheme_are_remote() {
        for (input, scheme) in [
            ("https://example.com/acme/platform.git", "https"),
            ("http://example.com/acme/platform", "http"),
            ("ssh://git@example.com/acme/platform.git", "ssh"),
            ("git@example.com:acme/platform.git", "ssh"),
            ("git://127.0.0.1:9418/platform.git", "git"),
            ("file:///srv/git/platform.git", "file"),
        ] {
            assert_eq!(remote(input).scheme(), scheme, "{input}");
        }
    }

    #[test]
    fn display_drops_every_kind_of_user_information() {
        let cases = [
            (
                "https://alice:s3cret@example.com/acme/platform.git",
                "https://example.com/acme/platform.git",
            ),
            (
                "https://ghp_token@example.com/acme/platform.git",
                "https://example.com/acme/platform.git",
            ),
            (
                "ssh://git@example.com:2222/acme/platform.git",
                "ssh://example.com:2222/acme/platform.git",
            ),
            (
                "git@example.com:acme/platform.git",
                "example.com:acme/platform.git",
            ),
            (
                "git://127.0.0.1:9418/platform.git",
                "git://127.0.0.1:9418/platform.git",
            ),
        ];
        for (input, shown) in cases {
            let url = remote(input);
            assert_eq!(url.display(), shown, "{input}");
            let connect = url.connect_url().to_bstring().to_string();
            assert!(
                !connect.contains("s3cret") && !connect.contains("ghp_token"),
                "{connect}"
            );
        }
    }

    #[test]
    fn http_user_information_becomes_credentials_and_ssh_keeps_its_user_to_connect() {
        let url = remote("https://alice:s3cret@example.com/acme/platform.git");
        assert_eq!(
            url.credentials(),
            Some(&UrlCredentials {
                username: "alice".into(),
                password: Some("s3cret".into())
            })
        );
        let ssh = remote("git@example.com:acme/platform.git");
        assert_eq!(ssh.credentials(), None);
        assert_eq!(ssh.connect_url().user(), Some("git"));
    }

    #[test]
    fn debug_output_hides_credentials() {
        let url = remote("https://alice:s3cret@example.com/acme/platform.git");
        let debug = format!("{url:?}");
        assert!(
            !debug.contains("s3cret") && !debug.contains("alice"),
            "{debug}"
        );
    }

    #[test]
    fn cache_keys_follow_host_and_path() {
        let cases = [
            (
                "https://Example.com/acme/platform.git",
                "example.com/acme/platform.git",
            ),
            (
                "https://example.com/acme/platform",
                "example.com/acme/platform.git",
            ),
            (
                "git@example.com:acme/platform.git",
                "example.com/acme/platform.git",
            ),
            (
                "git://127.0.0.1:9418/platform.git",
                "127.0.0.1_9418/platform.git",
            ),
            ("file:///srv/git/platform.git", "file/srv/git/platform.git"),
            (
                "https://example.com/a/../../etc/passwd",
                "example.com/a/etc/passwd.git",
            ),
            (
                "https://example.com/a.git/b.git",
                "example.com/a.git_/b.git",
            ),
            ("https://example.com/.hidden/x", "example.com/_hidden/x.git"),
        ];
        for (input, key) in cases {
            assert_eq!(
                remote(input).cache_key().unwrap(),
                PathBuf::from(key),
                "{input}"
            );
        }
    }

    #[test]
    fn a_url_without_a_path_has_no_cache_key() {
        let err = remote("https://example.com/").cache_key().unwrap_err();
        assert!(err.to_string().contains("no repository path"), "{err}");
    }

    #[test]
    fn unsupported_schemes_are_refused_by_name() {
        let err = RepoLocation::parse("ftp://alice:s3cret@example.com/x.git").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("ftp"), "{message}");
        assert!(!message.contains("s3cret"), "{message}");
    }

    #[test]
    fn text_redaction_handles_broken_urls() {
        assert_eq!(
            redact_text("https://alice:s3cret@exa mple.com:x/y"),
            "https://exa mple.com:x/y"
        );
        assert_eq!(redact_text("git@host:org/repo.git"), "host:org/repo.git");
        assert_eq!(redact_text("/srv/a@b/repo"), "/srv/a@b/repo");
        assert_eq!(
            scrub(
                "bad url https://alice:s3cret@h/x",
                "https://alice:s3cret@h/x"
            ),
            "bad url https://h/x"
        );
        assert_eq!(
            scrub("user alice:s3cret rejected", "https://alice:s3cret@h/x"),
            "user *** rejected"
        );
    }
}
