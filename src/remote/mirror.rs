//! Cloning and fetching a bare mirror with gix. No working tree is ever
//! written; only objects and references.
//!
//! A first clone goes into a hidden folder beside the mirror's place and is
//! renamed into it only once complete, so a failed or killed clone never
//! leaves a half-made mirror where the next run would look.
//!
//! A fetch writes the new pack before it moves any reference, and each
//! reference update is atomic, so a fetch killed midway leaves the mirror
//! as it was, plus perhaps an unused pack, plus git's lock files, which the
//! next run clears under the mirror lock (see [`super::lock`]).

use std::path::Path;
use std::sync::atomic::AtomicBool;

use gix::bstr::{BString, ByteSlice};
use gix::remote::Direction;
use gix::remote::fetch::Tags;
use gix::sec::trust::DefaultForLevel;

use super::credentials::CredentialSource;
use super::diagnose;
use super::progress::ProgressLine;
use super::refs::{self, FETCH_REFSPECS};
use super::url::RemoteUrl;

/// confdiff never asks gix to stop early: an interrupted process is a
/// killed one, and the steps above make that safe.
static NEVER_INTERRUPT: AtomicBool = AtomicBool::new(false);

/// The remote's name in the mirror's config.
const REMOTE_NAME: &str = "origin";

/// Clones `url` as a bare mirror into `dest`, which must not exist yet.
/// On failure nothing is left at `dest` or beside it.
pub fn clone(
    url: &RemoteUrl,
    dest: &Path,
    credentials: &CredentialSource,
    progress: &ProgressLine,
) -> Result<(), String> {
    let parent = dest
        .parent()
        .ok_or_else(|| format!("'{}' has no parent folder", dest.display()))?;
    let name = dest.file_name().unwrap_or_default().to_string_lossy();
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create '{}': {e}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.clone-"))
        .tempdir_in(parent)
        .map_err(|e| format!("cannot create a folder in '{}': {e}", parent.display()))?;

    let authenticator_source = credentials.clone();
    let mut prepare = gix::prepare_clone_bare(url.connect_url().clone(), staging.path())
        .map_err(|e| describe(&e))?
        // gix writes no fetch refspecs for a bare clone; without them a
        // later fetch has nothing to do.
        .configure_remote(|remote| {
            Ok(remote
                .with_refspecs(FETCH_REFSPECS, Direction::Fetch)?
                .with_fetch_tags(Tags::All))
        })
        .configure_connection(move |connection| {
            let fallback = connection.configured_credentials_for_current_url();
            connection.set_credentials(authenticator_source.authenticator(fallback));
            Ok(())
        });
    let (mut repo, outcome) = prepare
        .fetch_only(progress.item("clone"), &NEVER_INTERRUPT)
        .map_err(|e| diagnose::explain(&e, url, credentials))?;
    repo.committer_or_set_generic_fallback()
        .map_err(|e| describe(&e))?;
    // The clone wrote the branches and tags; this adds what gix leaves
    // out (`origin/HEAD`), so that the first fetch has nothing to write.
    refs::update(&repo, &outcome.ref_map.remote_refs).map_err(|e| describe(&e))?;
    drop(repo);
    drop(prepare);
    store_display_url(staging.path(), url)?;

    let staged = staging.keep();
    std::fs::rename(&staged, dest).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        format!("cannot move the new mirror into '{}': {e}", dest.display())
    })
}

/// Fetches every branch and tag of `url` into the mirror at `mirror`,
/// then moves, adds and prunes references to match the remote and follows
/// its default branch (see [`refs::update`]). References that did not
/// move are not written.
///
/// The first connection only lists the remote's references. When the
/// mirror has all their objects (a fetch with nothing new, or references
/// moved to known commits) that is the only one. Otherwise a second
/// connection asks by name for the references whose objects are missing,
/// with refspecs that have no destination, so gix writes the pack and no
/// reference. (gix's own reference update writes every mapped reference,
/// moved or not: seconds with thousands of tags.)
pub fn fetch(
    url: &RemoteUrl,
    mirror: &Path,
    credentials: &CredentialSource,
    progress: &ProgressLine,
) -> Result<(), String> {
    let mut repo = open(mirror)?;
    repo.committer_or_set_generic_fallback()
        .map_err(|e| describe(&e))?;
    let head = gix::refspec::parse("HEAD".into(), gix::refspec::parse::Operation::Fetch)
        .map_err(|e| describe(&e))?
        .to_owned();
    let mut advertised = with_connection(
        &repo,
        url,
        FETCH_REFSPECS.map(BString::from),
        credentials,
        |connection| {
            let listing = connection
                .prepare_fetch(
                    progress.item("fetch"),
                    gix::remote::ref_map::Options {
                        extra_refspecs: vec![head],
                        ..Default::default()
                    },
                )
                .map_err(|e| diagnose::explain(&e, url, credentials))?;
            // Dropping the listing without asking for a pack ends the
            // exchange, as `git fetch` does when it has nothing to ask for.
            Ok(listing.ref_map().remote_refs.clone())
        },
    )?;

    let missing = refs::missing_objects(&repo, &advertised);
    let mut keep_file = None;
    if !missing.is_empty() {
        let (later, keep) = with_connection(&repo, url, missing, credentials, |connection| {
            let outcome = connection
                .prepare_fetch(progress.item("fetch"), Default::default())
                .map_err(|e| diagnose::explain(&e, url, credentials))?
                .receive(progress.item("receive"), &NEVER_INTERRUPT)
                .map_err(|e| diagnose::explain(&e, url, credentials))?;
            let keep = match outcome.status {
                gix::remote::fetch::Status::Change {
                    write_pack_bundle, ..
                } => write_pack_bundle.keep_path,
                gix::remote::fetch::Status::NoPackReceived { .. } => None,
            };
            Ok((outcome.ref_map.remote_refs, keep))
        })?;
        refs::merge_advertised(&mut advertised, &later);
        keep_file = keep;
    }
    refs::update(&repo, &advertised).map_err(|e| describe(&e))?;
    // gix keeps a new pack's `.keep` file when it moved no reference
    // itself; the references now hold the pack's objects.
    if let Some(keep) = keep_file {
        match std::fs::remove_file(&keep) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(format!("cannot remove '{}': {e}", keep.display()));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Runs `f` on a fetch connection to `url` (the URL given this time, not
/// the one in the mirror's config: the same mirror serves
/// `git@host:org/repo.git` and `https://host/org/repo`) with `refspecs`
/// and no implied tag refspec, the server's credential requests answered
/// from `credentials`.
fn with_connection<R>(
    repo: &gix::Repository,
    url: &RemoteUrl,
    refspecs: impl IntoIterator<Item = BString>,
    credentials: &CredentialSource,
    f: impl FnOnce(Connection<'_, '_, '_>) -> Result<R, String>,
) -> Result<R, String> {
    // A name the refspec parser refuses cannot be stored here either.
    let refspecs: Vec<BString> = refspecs
        .into_iter()
        .filter(|spec| {
            gix::refspec::parse(spec.as_bstr(), gix::refspec::parse::Operation::Fetch).is_ok()
        })
        .collect();
    let remote = repo
        .remote_at(url.connect_url().clone())
        .and_then(|remote| remote.with_refspecs(refspecs, Direction::Fetch))
        .map_err(|e| describe(&e))?
        .with_fetch_tags(Tags::None);
    let mut connection = remote
        .connect(Direction::Fetch)
        .map_err(|e| diagnose::explain(&e, url, credentials))?;
    let fallback = connection.configured_credentials_for_current_url();
    connection.set_credentials(credentials.authenticator(fallback));
    f(connection)
}

/// A blocking fetch connection as gix makes it.
type Connection<'remote, 'auth, 'repo> = gix::remote::Connection<
    'remote,
    'auth,
    'repo,
    Box<dyn gix::protocol::transport::client::blocking_io::Transport + Send>,
>;

/// Opens a mirror for fetching, with the user's and the installation's git
/// configuration, which hold credential helpers, proxies and url rewrites.
fn open(mirror: &Path) -> Result<gix::Repository, String> {
    let mut options = gix::open::Options::default_for_level(gix::sec::Trust::Full);
    options.permissions.config.git_binary = true;
    gix::open_opts(mirror, options).map_err(|e| describe(&e))
}

/// gix wrote the URL it connected to into the new mirror's config; an ssh
/// one still names the account. Store the URL without user information,
/// as everywhere else.
fn store_display_url(mirror: &Path, url: &RemoteUrl) -> Result<(), String> {
    let path = mirror.join("config");
    let error = |e: &dyn std::fmt::Display| format!("cannot update '{}': {e}", path.display());
    let mut config =
        gix::config::File::from_path_no_includes(path.clone(), gix::config::Source::Local)
            .map_err(|e| error(&describe(&e)))?;
    config
        .set_raw_value_by("remote", Some(REMOTE_NAME.into()), "url", url.display())
        .map_err(|e| error(&describe(&e)))?;
    let mut file = tempfile::NamedTempFile::new_in(mirror).map_err(|e| error(&e))?;
    config.write_to(&mut file).map_err(|e| error(&e))?;
    file.persist(&path).map_err(|e| error(&e))?;
    Ok(())
}

/// The cause a user can act on ("Connection refused", "repository not
/// found"), from gix's error chain.
fn describe(error: &gix::Error) -> String {
    crate::repository::describe(error)
}
