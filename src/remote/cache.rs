//! The cache folder: one bare mirror per remote repository under
//! `<cache>/repos/<host>/<path>.git`, each with a small record of where it
//! came from and when it was last fetched. The whole folder can be copied
//! to another machine and used there with `--offline`.

use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::RemoteError;
use super::url::RemoteUrl;

/// The record kept in each mirror. Git ignores unknown files in a bare
/// repository, so it travels with the mirror.
const RECORD_FILE: &str = "confdiff-mirror.json";

/// The folder under the cache root that holds the mirrors.
const REPOS_DIR: &str = "repos";

/// The cache root and the mirrors in it.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// What a mirror's record says: the URL (without credentials) and when it
/// was last fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MirrorRecord {
    /// The URL it was last fetched from, without user information.
    pub url: String,
    /// When the last fetch finished.
    pub fetched_at: Timestamp,
}

/// One mirror found in the cache, for `confdiff fetch --list`.
#[derive(Debug, Clone)]
pub struct MirrorSummary {
    /// The mirror's folder.
    pub path: PathBuf,
    /// Its record; `None` for a mirror put there by hand.
    pub record: Option<MirrorRecord>,
    /// Bytes on disk.
    pub size: u64,
}

impl Cache {
    /// The cache at `dir` (from `--cache-dir` or `CONFDIFF_CACHE`), or else
    /// `confdiff` under the user's cache folder (`$XDG_CACHE_HOME` or
    /// `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%`
    /// on Windows).
    pub fn locate(dir: Option<PathBuf>) -> Result<Self, RemoteError> {
        let root = match dir {
            Some(dir) => dir,
            None => dirs::cache_dir()
                .ok_or(RemoteError::NoCacheDir)?
                .join("confdiff"),
        };
        Ok(Cache { root })
    }

    /// The cache root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The folder that holds every mirror (and their lock files).
    pub(crate) fn repos_dir(&self) -> PathBuf {
        self.root.join(REPOS_DIR)
    }

    /// Where the mirror of `url` lives (whether or not it exists yet).
    pub fn mirror_path(&self, url: &RemoteUrl) -> Result<PathBuf, RemoteError> {
        Ok(self.repos_dir().join(url.cache_key()?))
    }

    /// Every mirror in the cache, sorted by path. A missing cache is empty.
    pub fn list(&self) -> Result<Vec<MirrorSummary>, RemoteError> {
        let repos = self.repos_dir();
        let mut mirrors = Vec::new();
        if repos.is_dir() {
            collect_mirrors(&repos, &mut mirrors)?;
        }
        mirrors.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(mirrors)
    }
}

/// Walks `dir` for mirror folders (`*.git`), without descending into them
/// or into hidden folders (unfinished clones).
fn collect_mirrors(dir: &Path, out: &mut Vec<MirrorSummary>) -> Result<(), RemoteError> {
    let entries = std::fs::read_dir(dir).map_err(|e| RemoteError::cache(dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| RemoteError::cache(dir, &e))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if name.ends_with(".git") {
            out.push(MirrorSummary {
                record: read_record(&path),
                size: disk_usage(&path),
                path,
            });
        } else {
            collect_mirrors(&path, out)?;
        }
    }
    Ok(())
}

/// The bytes of all files under `dir`. Unreadable parts count as zero: the
/// size is for information only.
fn disk_usage(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(t) if t.is_dir() => disk_usage(&entry.path()),
            Ok(t) if t.is_file() => entry.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

/// The record of the mirror at `mirror`, if it has a readable one.
pub fn read_record(mirror: &Path) -> Option<MirrorRecord> {
    let text = std::fs::read(mirror.join(RECORD_FILE)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Writes the record of the mirror at `mirror` atomically: a reader sees
/// the old record or the new one, never half of one.
pub fn write_record(mirror: &Path, record: &MirrorRecord) -> Result<(), RemoteError> {
    let write = || -> std::io::Result<()> {
        let mut file = tempfile::NamedTempFile::new_in(mirror)?;
        serde_json::to_writer_pretty(&mut file, record)?;
        file.write_all(b"\n")?;
        file.as_file().sync_all()?;
        file.persist(mirror.join(RECORD_FILE))?;
        Ok(())
    };
    write().map_err(|e| RemoteError::cache(&mirror.join(RECORD_FILE), &e))
}

/// `1.2 MiB`-style sizes for people.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_a_missing_record_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read_record(dir.path()), None);
        let record = MirrorRecord {
            url: "https://example.com/acme/platform.git".into(),
            fetched_at: "2024-05-01T12:00:00Z".parse().unwrap(),
        };
        write_record(dir.path(), &record).unwrap();
        assert_eq!(read_record(dir.path()), Some(record));
    }

    #[test]
    fn listing_finds_mirrors_but_not_unfinished_clones() {
        let dir = tempfile::tempdir().unwrap();
        let repos = dir.path().join("repos");
        std::fs::create_dir_all(repos.join("example.com/acme/platform.git/objects")).unwrap();
        std::fs::write(repos.join("example.com/acme/platform.git/HEAD"), "x").unwrap();
        std::fs::create_dir_all(repos.join("example.com/acme/.platform.git.clone-x")).unwrap();
        let cache = Cache::locate(Some(dir.path().into())).unwrap();
        let mirrors = cache.list().unwrap();
        assert_eq!(mirrors.len(), 1);
        assert!(mirrors[0].path.ends_with("example.com/acme/platform.git"));
        assert_eq!(mirrors[0].size, 1);
        assert_eq!(mirrors[0].record, None);
    }

    #[test]
    fn a_missing_cache_lists_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::locate(Some(dir.path().join("nowhere"))).unwrap();
        assert!(cache.list().unwrap().is_empty());
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
    }
}
