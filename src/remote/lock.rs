//! One writer per mirror. A fetch takes an exclusive lock on a file next
//! to the mirror (`<name>.git.lock`); a second process waits for it. The
//! operating system releases the lock when its holder exits, however it
//! exits, so a killed fetch never leaves the mirror locked. After a failed
//! first clone the holder deletes the lock file (and the folders made for
//! it); a process that waited on the deleted file notices and locks anew.
//!
//! Holding the lock also proves that no other confdiff process is writing
//! the mirror, which makes it safe to clear what a killed one left behind.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use super::RemoteError;

/// An exclusive hold on one mirror, released on drop.
#[derive(Debug)]
pub struct MirrorLock {
    // Closing the file releases the lock.
    file: File,
    path: PathBuf,
}

/// The lock file of the mirror at `mirror`. It sits beside the mirror so
/// that it exists before the first clone. It is deleted only by its holder,
/// after a first clone failed (see [`MirrorLock::remove`]); a process that
/// was waiting on the deleted file sees that and locks the new one.
pub fn lock_path(mirror: &Path) -> PathBuf {
    let mut name = mirror.file_name().unwrap_or_default().to_owned();
    name.push(".lock");
    mirror.with_file_name(name)
}

/// How often to retry when the lock file or its folder vanished between
/// opening and locking it (another process removed them after a failed
/// first clone). Each retry follows a real removal, so a few suffice.
const LOCK_ATTEMPTS: usize = 100;

impl MirrorLock {
    /// Takes the lock of the mirror at `mirror`, calling `on_wait` once
    /// before blocking if another process holds it.
    pub fn acquire(mirror: &Path, on_wait: &dyn Fn(&Path)) -> Result<Self, RemoteError> {
        let path = lock_path(mirror);
        let error = |e: std::io::Error| RemoteError::Lock {
            path: path.clone(),
            message: e.to_string(),
        };
        let mut waited = false;
        for _ in 0..LOCK_ATTEMPTS {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| RemoteError::cache(parent, &e))?;
            }
            let file = match File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
            {
                Ok(file) => file,
                // The folder was removed after create_dir_all: again.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(error(e)),
            };
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    if !waited {
                        on_wait(&path);
                        waited = true;
                    }
                    file.lock().map_err(error)?;
                }
                Err(TryLockError::Error(e)) => return Err(error(e)),
            }
            if still_in_place(&file, &path) {
                return Ok(MirrorLock { file, path });
            }
            // The holder removed this file while we waited on it.
        }
        Err(error(std::io::Error::other(
            "the lock file kept disappearing while confdiff tried to lock it",
        )))
    }

    /// Releases the lock after a failed first clone, leaving nothing
    /// behind: the lock file goes, and so does each folder from the
    /// mirror's up to `top` (included) that is then empty. Other mirrors'
    /// folders, and folders another process is using, are never empty, so
    /// they stay.
    pub fn remove(self, top: &Path) {
        // Where an open file cannot be told from a new one at its path
        // (see `still_in_place`), the file stays: safe, if untidy.
        if cfg!(unix) && std::fs::remove_file(&self.path).is_ok() {
            let mut dir = self.path.parent();
            while let Some(folder) = dir {
                if !folder.starts_with(top) || std::fs::remove_dir(folder).is_err() {
                    break;
                }
                if folder == top {
                    break;
                }
                dir = folder.parent();
            }
        }
        drop(self.file);
    }
}

/// Whether `path` still names the file `file` was opened from: its holder
/// may have removed it (after a failed first clone) while this process
/// waited for the lock.
#[cfg(unix)]
fn still_in_place(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(held), Ok(named)) => held.dev() == named.dev() && held.ino() == named.ino(),
        _ => false,
    }
}

/// Lock files are never removed here (see [`MirrorLock::remove`]).
#[cfg(not(unix))]
fn still_in_place(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// Removes what a killed clone or fetch of the mirror at `mirror` left
/// behind: unfinished clones beside it (`.<name>.clone-*`), git's own
/// lock files inside it (`packed-refs.lock`, `refs/**/*.lock`, …), which
/// would otherwise make every later fetch fail, unfinished packs
/// (`objects/pack/.tmp*`, git's `tmp_*`), which only take space, and the
/// `.keep` file of a pack whose references were never moved. Call only
/// while holding the mirror's [`MirrorLock`].
pub fn clear_leftovers(mirror: &Path) -> Result<(), RemoteError> {
    if let (Some(parent), Some(name)) = (mirror.parent(), mirror.file_name())
        && let Ok(entries) = std::fs::read_dir(parent)
    {
        let prefix = format!(".{}.clone-", name.to_string_lossy());
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let path = entry.path();
                std::fs::remove_dir_all(&path).map_err(|e| RemoteError::cache(&path, &e))?;
            }
        }
    }
    if !mirror.is_dir() {
        return Ok(());
    }
    for name in [
        "HEAD.lock",
        "config.lock",
        "packed-refs.lock",
        "shallow.lock",
        "index.lock",
    ] {
        remove_if_present(&mirror.join(name))?;
    }
    remove_unfinished_packs(&mirror.join("objects/pack"))?;
    remove_lock_files_under(&mirror.join("refs"))
}

fn remove_unfinished_packs(dir: &Path) -> Result<(), RemoteError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // A `.keep` file only outlives its fetch when the fetch was killed
        // before moving the references: the pack itself is complete.
        if (name.starts_with(".tmp") || name.starts_with("tmp_") || name.ends_with(".keep"))
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            remove_if_present(&entry.path())?;
        }
    }
    Ok(())
}

fn remove_lock_files_under(dir: &Path) -> Result<(), RemoteError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => remove_lock_files_under(&path)?,
            Ok(_) if path.extension().is_some_and(|e| e == "lock") => remove_if_present(&path)?,
            _ => {}
        }
    }
    Ok(())
}

fn remove_if_present(path: &Path) -> Result<(), RemoteError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(RemoteError::cache(path, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_sits_beside_the_mirror() {
        assert_eq!(
            lock_path(Path::new("/c/repos/h/acme/platform.git")),
            PathBuf::from("/c/repos/h/acme/platform.git.lock")
        );
    }

    #[test]
    fn a_second_holder_waits_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let mirror = dir.path().join("h/platform.git");
        let first = MirrorLock::acquire(&mirror, &|_| panic!("nobody holds it yet")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mirror2 = mirror.clone();
        let waiter = std::thread::spawn(move || {
            let notify = tx.clone();
            let _second =
                MirrorLock::acquire(&mirror2, &move |_| notify.send("waiting").unwrap()).unwrap();
            tx.send("acquired").unwrap();
        });
        assert_eq!(rx.recv().unwrap(), "waiting");
        drop(first);
        assert_eq!(rx.recv().unwrap(), "acquired");
        waiter.join().unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_removed_lock_leaves_no_folder_and_a_waiter_locks_a_new_file() {
        let dir = tempfile::tempdir().unwrap();
        let repos = dir.path().join("repos");
        let mirror = repos.join("host_1/acme/platform.git");
        let first = MirrorLock::acquire(&mirror, &|_| panic!("nobody holds it yet")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let mirror2 = mirror.clone();
        let waiter = std::thread::spawn(move || {
            let notify = tx.clone();
            let second =
                MirrorLock::acquire(&mirror2, &move |_| notify.send("waiting").unwrap()).unwrap();
            tx.send("acquired").unwrap();
            // The waiter holds a file that is at the lock's path, not the
            // removed one.
            assert!(still_in_place(&second.file, &lock_path(&mirror2)));
            second
        });
        assert_eq!(rx.recv().unwrap(), "waiting");
        first.remove(&repos);
        assert_eq!(rx.recv().unwrap(), "acquired");
        let second = waiter.join().unwrap();
        second.remove(&repos);
        assert!(!repos.exists(), "every emptied folder up to repos/ is gone");
        assert!(dir.path().exists(), "the cache root stays");

        // A folder that holds another mirror's lock stays.
        let other = MirrorLock::acquire(&repos.join("host_1/acme/other.git"), &|_| {}).unwrap();
        MirrorLock::acquire(&mirror, &|_| {})
            .unwrap()
            .remove(&repos);
        assert!(repos.join("host_1/acme/other.git.lock").exists());
        assert!(!lock_path(&mirror).exists());
        other.remove(&repos);
        assert!(!repos.exists());
    }

    #[test]
    fn leftovers_of_a_killed_fetch_are_cleared_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mirror = dir.path().join("platform.git");
        std::fs::create_dir_all(mirror.join("refs/heads/release")).unwrap();
        std::fs::create_dir_all(mirror.join("objects/pack")).unwrap();
        std::fs::create_dir_all(dir.path().join(".platform.git.clone-abc/objects")).unwrap();
        for file in [
            "HEAD",
            "packed-refs",
            "packed-refs.lock",
            "refs/heads/release/2.1.lock",
            "refs/heads/main",
            "objects/pack/pack-1.pack",
            "objects/pack/.tmpAbC123",
            "objects/pack/pack-2.pack",
            "objects/pack/pack-2.keep",
        ] {
            std::fs::write(mirror.join(file), "x").unwrap();
        }
        clear_leftovers(&mirror).unwrap();
        assert!(!dir.path().join(".platform.git.clone-abc").exists());
        assert!(!mirror.join("packed-refs.lock").exists());
        assert!(!mirror.join("refs/heads/release/2.1.lock").exists());
        assert!(!mirror.join("objects/pack/.tmpAbC123").exists());
        assert!(!mirror.join("objects/pack/pack-2.keep").exists());
        for kept in [
            "HEAD",
            "packed-refs",
            "refs/heads/main",
            "objects/pack/pack-1.pack",
            "objects/pack/pack-2.pack",
        ] {
            assert!(mirror.join(kept).exists(), "{kept}");
        }
    }
}
