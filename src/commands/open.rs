//! Opening the repository a command reads: a local path in place, or a URL
//! through its cached mirror, telling on stderr when the mirror could not
//! be updated.

use std::io::IsTerminal;
use std::path::Path;

use crate::cli::RepoArgs;
use crate::remote::{self, Cache, Mirror, MirrorState, Network, RepoLocation, SyncOptions};
use crate::repository::Repository;

/// The repository `args` name; a URL's mirror is cloned or fetched first
/// as `--offline` / `--require-fresh` say. Reports name a mirror by its URL
/// without credentials, never by its place in the cache.
pub fn repository(args: &RepoArgs) -> anyhow::Result<Repository> {
    let Some(given) = args.repo.as_deref() else {
        return Ok(Repository::open(None)?);
    };
    match RepoLocation::parse(given)? {
        RepoLocation::Local(path) => Ok(Repository::open(Some(&path))?),
        RepoLocation::Remote(url) => {
            let cache = Cache::locate(args.cache_dir.clone())?;
            let mirror = remote::sync(&url, &cache, &sync_options(args.network()))?;
            warn_if_stale(&mirror);
            Ok(Repository::open_at(&mirror.path, mirror.url)?)
        }
    }
}

/// How commands get mirrors: progress only on a terminal, the token from
/// the environment, and a note when waiting for another process.
pub fn sync_options(network: Network) -> SyncOptions<'static> {
    SyncOptions {
        network,
        progress: std::io::stderr().is_terminal(),
        token: std::env::var(remote::TOKEN_VAR).ok(),
        on_wait: &announce_wait,
    }
}

fn announce_wait(lock: &Path) {
    eprintln!(
        "confdiff: waiting for another confdiff process to finish with this mirror (lock: {})",
        lock.display()
    );
}

fn warn_if_stale(mirror: &Mirror) {
    if let MirrorState::Stale { reason, fetched_at } = &mirror.state {
        eprintln!(
            "confdiff: warning: cannot fetch '{}' ({reason}); using the mirror as it is (last fetched: {})",
            mirror.url,
            remote::describe_fetch_time(*fetched_at)
        );
    }
}
