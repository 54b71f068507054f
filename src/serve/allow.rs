//! The allow list: the only repositories the server compares. Checked
//! before any git or file access beyond resolving a local path to its
//! canonical form, so a caller cannot make the server open, clone or
//! fetch anything else.

use std::path::PathBuf;

use super::error::ApiError;
use crate::remote::{RemoteUrl, RepoLocation, redact_text};

/// One allowed repository.
#[derive(Debug, Clone)]
pub struct Allowed {
    /// How it is matched: the canonical path of a local repository, the
    /// credential-free form of a URL.
    key: String,
    /// What the engine opens: the path or URL as the operator gave it
    /// (a URL may carry credentials, which never leave this struct).
    location: String,
}

impl Allowed {
    /// How pages and messages show it.
    pub fn shown(&self) -> &str {
        &self.key
    }

    /// What the engine opens.
    pub fn location(&self) -> &str {
        &self.location
    }
}

/// Why an `--allow-repo` entry cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AllowError {
    /// A local path that does not exist (or cannot be resolved).
    #[error("--allow-repo '{path}': {reason}")]
    Path {
        /// The path as given.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// A URL that does not parse.
    #[error("--allow-repo '{url}': {reason}")]
    Url {
        /// The URL without credentials.
        url: String,
        /// Why it does not parse.
        reason: String,
    },
}

/// The repositories the server may compare.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    entries: Vec<Allowed>,
}

impl AllowList {
    /// Builds the list from `--allow-repo` values.
    pub fn new(given: &[String]) -> Result<AllowList, AllowError> {
        let mut entries = Vec::new();
        for location in given {
            let key = match RepoLocation::parse(location) {
                Ok(RepoLocation::Local(path)) => canonical(&path)
                    .map_err(|reason| AllowError::Path {
                        path: location.clone(),
                        reason,
                    })?
                    .display()
                    .to_string(),
                Ok(RepoLocation::Remote(url)) => url.display().to_owned(),
                Err(error) => {
                    return Err(AllowError::Url {
                        url: redact_text(location),
                        reason: error.to_string(),
                    });
                }
            };
            if !entries.iter().any(|e: &Allowed| e.key == key) {
                entries.push(Allowed {
                    key,
                    location: location.clone(),
                });
            }
        }
        Ok(AllowList { entries })
    }

    /// The allowed repositories, in the order given.
    pub fn entries(&self) -> &[Allowed] {
        &self.entries
    }

    /// The allowed repository `given` names; with no `given`, the one
    /// repository when exactly one is allowed. Anything else is 403 (400
    /// when the choice is ambiguous).
    pub fn check(&self, given: Option<&str>) -> Result<&Allowed, ApiError> {
        let Some(given) = given else {
            return match self.entries.as_slice() {
                [only] => Ok(only),
                _ => Err(ApiError::BadRequest(format!(
                    "field `repository` is required: this server allows {} repositories",
                    self.entries.len()
                ))),
            };
        };
        let forbidden = || ApiError::Forbidden(redact_text(given));
        let key = match RepoLocation::parse(given) {
            Ok(RepoLocation::Local(path)) => canonical(&path)
                .map_err(|_| forbidden())?
                .display()
                .to_string(),
            Ok(RepoLocation::Remote(url)) => url.display().to_owned(),
            Err(_) => return Err(forbidden()),
        };
        self.entries
            .iter()
            .find(|entry| entry.key == key || remote_key(&entry.location) == Some(key.clone()))
            .ok_or_else(forbidden)
    }
}

/// The credential-free form of a URL entry, when it is one.
fn remote_key(location: &str) -> Option<String> {
    RemoteUrl::parse(location)
        .ok()
        .map(|url| url.display().to_owned())
}

fn canonical(path: &std::path::Path) -> Result<PathBuf, String> {
    std::fs::canonicalize(path).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_match_without_their_credentials() {
        let list =
            AllowList::new(&["https://user:secret@example.com/acme/platform.git".into()]).unwrap();
        let allowed = list
            .check(Some("https://example.com/acme/platform.git"))
            .unwrap();
        assert_eq!(allowed.shown(), "https://example.com/acme/platform.git");
        assert!(
            list.check(Some("https://example.com/acme/other.git"))
                .is_err()
        );
    }

    #[test]
    fn local_paths_match_by_canonical_path() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("repo");
        std::fs::create_dir(&nested).unwrap();
        let list = AllowList::new(&[nested.display().to_string()]).unwrap();
        let roundabout = format!("{}/repo/../repo/.", dir.path().display());
        assert!(list.check(Some(&roundabout)).is_ok());
        assert!(matches!(
            list.check(Some(&dir.path().display().to_string())),
            Err(ApiError::Forbidden(_))
        ));
        assert!(list.check(None).is_ok());
    }
}
