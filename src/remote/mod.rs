//! Remote repositories: a URL given to `--repo` is read through a bare
//! mirror in the cache, cloned on first use and fetched before each later
//! one, or used as it is with `--offline`. This module hands the rest of
//! the program a local path and a name without credentials; the
//! comparison never knows the repository came from the network.

mod cache;
mod credentials;
mod diagnose;
mod lock;
mod mirror;
mod progress;
mod refs;
mod url;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;

pub use cache::{Cache, MirrorRecord, MirrorSummary, human_size};
pub use credentials::TOKEN_VAR;
pub use url::{RemoteUrl, RepoLocation, redact_text};

use cache::{read_record, write_record};
use credentials::{CredentialSource, scrub_secrets};
use lock::MirrorLock;
use progress::ProgressLine;
pub use progress::ProgressTree;

/// Why a remote repository could not be made available. Every message
/// names the URL without credentials, or the cache path.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// `--repo` could not be parsed as a URL.
    #[error("invalid repository URL '{url}': {reason}")]
    InvalidUrl {
        /// The URL without user information.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A URL scheme confdiff cannot fetch from.
    #[error("unsupported URL scheme '{scheme}' in '{url}': use https, http, ssh, git or file")]
    UnsupportedScheme {
        /// The URL without user information.
        url: String,
        /// The scheme.
        scheme: String,
    },
    /// No `--cache-dir`, no `CONFDIFF_CACHE` and no user cache folder.
    #[error("this system has no user cache folder: pass --cache-dir DIR or set CONFDIFF_CACHE")]
    NoCacheDir,
    /// The cache folder cannot be read or written.
    #[error("cannot use the cache at '{path}': {message}")]
    Cache {
        /// The file or folder.
        path: PathBuf,
        /// What the system said.
        message: String,
    },
    /// The mirror's lock cannot be taken.
    #[error("cannot lock '{path}': {message}")]
    Lock {
        /// The lock file.
        path: PathBuf,
        /// What the system said.
        message: String,
    },
    /// `--offline` and the URL has never been fetched into this cache.
    #[error(
        "no mirror of '{url}' in the cache ({path}) and --offline forbids fetching it: run `confdiff fetch {url}` on a connected machine and copy its cache folder here, or use --cache-dir"
    )]
    NoMirror {
        /// The URL without user information.
        url: String,
        /// Where the mirror would be.
        path: PathBuf,
    },
    /// Something other than a mirror sits where the mirror should be.
    #[error(
        "'{path}' is in the place of the mirror of '{url}' but is not a git repository; remove it and fetch again"
    )]
    NotAMirror {
        /// The URL without user information.
        url: String,
        /// The folder.
        path: PathBuf,
    },
    /// The first clone failed; nothing was left behind.
    #[error("cannot clone '{url}': {message}")]
    Clone {
        /// The URL without user information.
        url: String,
        /// Why, without credentials.
        message: String,
    },
    /// The fetch failed and a fresh mirror was required.
    #[error("cannot fetch '{url}': {message} (mirror last fetched: {last_fetch})")]
    Fetch {
        /// The URL without user information.
        url: String,
        /// Why, without credentials.
        message: String,
        /// When the mirror was last fetched, for people.
        last_fetch: String,
    },
}

impl RemoteError {
    fn cache(path: &Path, error: &std::io::Error) -> Self {
        RemoteError::Cache {
            path: path.to_owned(),
            message: error.to_string(),
        }
    }
}

/// Whether the network may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// Never touch the network; use the mirror as it is.
    Offline,
    /// Clone or fetch first. When the fetch fails and a mirror exists, go
    /// on with it unless `require_fresh`.
    Online {
        /// Fail rather than use a mirror that could not be updated.
        require_fresh: bool,
    },
}

/// How to get a mirror.
pub struct SyncOptions<'a> {
    /// Whether the network may be used.
    pub network: Network,
    /// Where clone and fetch progress goes, if anyone draws it.
    pub progress: Option<Arc<ProgressTree>>,
    /// The value of `CONFDIFF_TOKEN`, offered to https servers that ask.
    pub token: Option<String>,
    /// Called once if another process holds the mirror and this one waits.
    pub on_wait: &'a dyn Fn(&Path),
}

/// A mirror ready to read.
#[derive(Debug, Clone)]
pub struct Mirror {
    /// The mirror's folder: a bare repository.
    pub path: PathBuf,
    /// The URL without credentials, for reports.
    pub url: String,
    /// How up to date it is.
    pub state: MirrorState,
}

/// How a [`Mirror`] came to be ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MirrorState {
    /// Cloned just now.
    Cloned,
    /// Fetched just now.
    Fetched,
    /// Used as it is (`--offline`).
    Offline {
        /// When it was last fetched, if known.
        fetched_at: Option<Timestamp>,
    },
    /// The fetch failed; used as last fetched.
    Stale {
        /// Why the fetch failed, without credentials.
        reason: String,
        /// When it was last fetched, if known.
        fetched_at: Option<Timestamp>,
    },
}

/// Makes the mirror of `url` in `cache` ready: clones it, fetches into
/// it, or takes it as it is, as `options` say.
pub fn sync(url: &RemoteUrl, cache: &Cache, options: &SyncOptions) -> Result<Mirror, RemoteError> {
    let path = cache.mirror_path(url)?;
    let mirror = |state| Mirror {
        path: path.clone(),
        url: url.display().to_owned(),
        state,
    };
    let require_fresh = match options.network {
        Network::Offline => {
            return if is_mirror(&path) {
                Ok(mirror(MirrorState::Offline {
                    fetched_at: read_record(&path).map(|r| r.fetched_at),
                }))
            } else {
                Err(RemoteError::NoMirror {
                    url: url.display().to_owned(),
                    path,
                })
            };
        }
        Network::Online { require_fresh } => require_fresh,
    };

    let lock = MirrorLock::acquire(&path, options.on_wait)?;
    lock::clear_leftovers(&path)?;
    let credentials = CredentialSource::new(url, options.token.clone());
    let progress = ProgressLine::start(options.progress.clone());
    let scrub = |message: String| scrub_secrets(message, &credentials.secrets());

    if !path.exists() {
        if let Err(message) = mirror::clone(url, &path, &credentials, &progress) {
            // Nothing of a failed first clone stays in the cache: not the
            // lock file, not the folders made for it.
            lock.remove(&cache.repos_dir());
            return Err(RemoteError::Clone {
                url: url.display().to_owned(),
                message: scrub(message),
            });
        }
        drop(progress);
        record_fetch(&path, url)?;
        return Ok(mirror(MirrorState::Cloned));
    }
    if !is_mirror(&path) {
        return Err(RemoteError::NotAMirror {
            url: url.display().to_owned(),
            path,
        });
    }
    let fetched = mirror::fetch(url, &path, &credentials, &progress);
    drop(progress);
    match fetched {
        Ok(()) => {
            record_fetch(&path, url)?;
            Ok(mirror(MirrorState::Fetched))
        }
        Err(message) => {
            let fetched_at = read_record(&path).map(|r| r.fetched_at);
            if require_fresh {
                Err(RemoteError::Fetch {
                    url: url.display().to_owned(),
                    message: scrub(message),
                    last_fetch: describe_fetch_time(fetched_at),
                })
            } else {
                Ok(mirror(MirrorState::Stale {
                    reason: scrub(message),
                    fetched_at,
                }))
            }
        }
    }
}

/// A folder that git can read as a bare repository: it has `HEAD`,
/// `objects` and `refs`.
fn is_mirror(path: &Path) -> bool {
    path.join("HEAD").is_file() && path.join("objects").is_dir() && path.join("refs").is_dir()
}

fn record_fetch(path: &Path, url: &RemoteUrl) -> Result<(), RemoteError> {
    write_record(
        path,
        &MirrorRecord {
            url: url.display().to_owned(),
            fetched_at: Timestamp::now(),
        },
    )
}

/// "2024-05-01 12:00 UTC, 3 hours ago", or "unknown" for a mirror without
/// a record (one copied in by hand).
pub fn describe_fetch_time(fetched_at: Option<Timestamp>) -> String {
    let Some(at) = fetched_at else {
        return "unknown".to_owned();
    };
    let seconds = Timestamp::now().duration_since(at).as_secs();
    let age = match seconds {
        ..60 => "just now".to_owned(),
        60..3600 => plural(seconds / 60, "minute"),
        3600..172_800 => plural(seconds / 3600, "hour"),
        _ => plural(seconds / 86_400, "day"),
    };
    format!("{}, {age}", at.strftime("%Y-%m-%d %H:%M UTC"))
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit} ago")
    } else {
        format!("{n} {unit}s ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_times_read_like_people_say_them() {
        assert_eq!(describe_fetch_time(None), "unknown");
        let two_hours_ago = Timestamp::now() - jiff::SignedDuration::from_hours(2);
        let text = describe_fetch_time(Some(two_hours_ago));
        assert!(text.ends_with("UTC, 2 hours ago"), "{text}");
        let yesterday = Timestamp::now() - jiff::SignedDuration::from_hours(24 * 3);
        assert!(describe_fetch_time(Some(yesterday)).ends_with(", 3 days ago"));
    }

    #[test]
    fn offline_without_a_mirror_names_the_url_and_the_way_out() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::locate(Some(dir.path().into())).unwrap();
        let url = RemoteUrl::parse("https://alice:pw@example.com/acme/platform.git").unwrap();
        let options = SyncOptions {
            network: Network::Offline,
            progress: None,
            token: None,
            on_wait: &|_| {},
        };
        let message = sync(&url, &cache, &options).unwrap_err().to_string();
        assert!(
            message.contains("no mirror of 'https://example.com/acme/platform.git'"),
            "{message}"
        );
        assert!(message.contains("confdiff fetch"), "{message}");
        // Not just "pw": a random temp dir name may hold those letters.
        assert!(!message.contains(":pw@"), "{message}");
        assert!(!message.contains("alice"), "{message}");
    }
}
