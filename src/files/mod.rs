//! Plain files and directories on disk, compared as `compare` compares
//! trees: for work trees with uncommitted edits, configs that live outside
//! git, and as git's difftool or external diff driver.
//!
//! Each file gets the blob id git would give it (`git hash-object`), so
//! the services, statuses, JSON and the result cache are exactly those of
//! a comparison of the same content committed: a pair compared here is
//! answered from the cache by a later `compare`, and the other way round.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix::bstr::BString;

use crate::compare::{self, Blobs, CompareOptions, Known, PairKey, SideProblem};
use crate::document::{self, Node};
use crate::report::{Report, SideReport};
use crate::repository::{EntryKind, ServiceEntry, Services};

/// What `files` compares: two files, or two directories of service
/// folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilesSpec {
    /// The left file or directory; `None` for a file that does not exist
    /// on that side (git passes `/dev/null` for it).
    pub left: Option<PathBuf>,
    /// The right file or directory, the same way.
    pub right: Option<PathBuf>,
    /// The service name of two files; by default the right file's name.
    pub name: Option<String>,
}

/// Why two paths could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// A path does not exist.
    #[error("'{path}' does not exist")]
    NotFound {
        /// The path as given.
        path: PathBuf,
    },
    /// A path could not be read.
    #[error("cannot read '{path}': {message}")]
    Read {
        /// The path.
        path: PathBuf,
        /// What the system said.
        message: String,
    },
    /// One path is a file and the other a directory.
    #[error("'{file}' is a file and '{dir}' is a directory: give two files or two directories")]
    Mixed {
        /// The file.
        file: PathBuf,
        /// The directory.
        dir: PathBuf,
    },
    /// Neither side exists.
    #[error("neither side exists: give at least one file or directory")]
    NothingGiven,
    /// Two directories without a single service folder.
    #[error(
        "neither '{left}' nor '{right}' has a folder with a {file}: give the directories that hold the service folders, or another --file"
    )]
    NothingToCompare {
        /// The left directory.
        left: PathBuf,
        /// The right directory.
        right: PathBuf,
        /// The config file name.
        file: String,
    },
    /// `--recursive`, which only `compare` lists by.
    #[error("files does not take --recursive: give the directories that hold the service folders")]
    Recursive,
    /// `--service` globs that match no service of either side.
    #[error(transparent)]
    NoServiceSelected(#[from] crate::repository::RepositoryError),
}

/// The files behind the blob ids of a comparison.
#[derive(Debug, Default)]
pub(crate) struct FileBlobs {
    paths: HashMap<ObjectId, PathBuf>,
}

impl Blobs for FileBlobs {
    fn reader<'a>(
        &'a self,
        options: &'a CompareOptions,
    ) -> Box<dyn FnMut(ObjectId) -> Result<Node, SideProblem> + 'a> {
        Box::new(move |id| {
            let path = &self.paths[&id];
            let bytes = read_limited(path, id, options)?;
            // The file may have changed since its id was taken: a result
            // is only ever remembered under the id of what was loaded.
            if blob_id(&bytes) != id {
                return Err(SideProblem::Unreadable {
                    blob: id,
                    message: format!("{} changed while it was compared", path.display()),
                });
            }
            document::load(&bytes).map_err(SideProblem::Load)
        })
    }
}

fn read_limited(
    path: &Path,
    id: ObjectId,
    options: &CompareOptions,
) -> Result<Vec<u8>, SideProblem> {
    let unreadable = |e: io::Error| SideProblem::Unreadable {
        blob: id,
        message: format!("{}: {e}", path.display()),
    };
    let file = File::open(path).map_err(unreadable)?;
    let size = file.metadata().map_err(unreadable)?.len();
    if size > options.max_file_size {
        return Err(SideProblem::TooLarge {
            file: options.file.clone(),
            size,
            limit: options.max_file_size,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(options.max_file_size + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > options.max_file_size {
        return Err(SideProblem::TooLarge {
            file: options.file.clone(),
            size: bytes.len() as u64,
            limit: options.max_file_size,
        });
    }
    Ok(bytes)
}

/// The id git gives a blob with these bytes.
fn blob_id(bytes: &[u8]) -> ObjectId {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes)
        .expect("hashing bytes in memory cannot fail")
}

/// The id git gives the file at `path`, read in pieces: a file over any
/// size limit still gets its id without being held in memory.
fn file_id(path: &Path) -> io::Result<ObjectId> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut hasher = gix::hash::hasher(gix::hash::Kind::Sha1);
    hasher.update(format!("blob {size}\0").as_bytes());
    let mut buffer = vec![0; 64 * 1024];
    let mut read_total = 0u64;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        read_total += n as u64;
        hasher.update(&buffer[..n]);
    }
    if read_total != size {
        return Err(io::Error::other("the file changed while it was read"));
    }
    hasher
        .try_finalize()
        .map_err(|e| io::Error::other(e.to_string()))
}

/// Two sides listed, with the files behind their ids.
pub(crate) struct FilesPlan {
    left: SideReport,
    right: SideReport,
    left_services: Services,
    right_services: Services,
    blobs: FileBlobs,
}

impl FilesPlan {
    /// Lists both sides; nothing is loaded yet.
    pub fn new(spec: &FilesSpec, options: &CompareOptions) -> Result<FilesPlan, FilesError> {
        if options.rules.spec().recursive {
            return Err(FilesError::Recursive);
        }
        let kind = |path: &Option<PathBuf>| -> Result<Option<bool>, FilesError> {
            let Some(path) = path else { return Ok(None) };
            match fs::metadata(path) {
                Ok(meta) => Ok(Some(meta.is_dir())),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    Err(FilesError::NotFound { path: path.clone() })
                }
                Err(e) => Err(read_error(path, &e)),
            }
        };
        let (left_dir, right_dir) = (kind(&spec.left)?, kind(&spec.right)?);
        let mut blobs = FileBlobs::default();
        let (left_services, right_services) = match (left_dir, right_dir) {
            (None, None) => return Err(FilesError::NothingGiven),
            (Some(true), Some(false)) | (Some(false), Some(true)) => {
                let (dir, file) = if left_dir == Some(true) {
                    (&spec.left, &spec.right)
                } else {
                    (&spec.right, &spec.left)
                };
                return Err(FilesError::Mixed {
                    file: file.clone().expect("checked above"),
                    dir: dir.clone().expect("checked above"),
                });
            }
            (Some(true), _) | (_, Some(true)) => {
                let list = |dir: &Option<PathBuf>, blobs: &mut FileBlobs| match dir {
                    Some(dir) => list_services(dir, &options.file, blobs),
                    None => Ok(Services::new()),
                };
                let left = list(&spec.left, &mut blobs)?;
                let right = list(&spec.right, &mut blobs)?;
                if left.is_empty() && right.is_empty() {
                    return Err(FilesError::NothingToCompare {
                        left: spec.left.clone().unwrap_or_default(),
                        right: spec.right.clone().unwrap_or_default(),
                        file: options.file.clone(),
                    });
                }
                (left, right)
            }
            _ => {
                let name: BString = match &spec.name {
                    Some(name) => name.as_str().into(),
                    None => spec
                        .right
                        .as_ref()
                        .or(spec.left.as_ref())
                        .and_then(|p| p.file_name())
                        .map_or_else(|| "file".into(), |n| n.as_bytes().into()),
                };
                let one = |path: &Option<PathBuf>, blobs: &mut FileBlobs| {
                    let mut services = Services::new();
                    if let Some(path) = path {
                        services.insert(name.clone(), entry(path, blobs)?);
                    }
                    Ok::<_, FilesError>(services)
                };
                (one(&spec.left, &mut blobs)?, one(&spec.right, &mut blobs)?)
            }
        };
        let (mut left_services, mut right_services) = (left_services, right_services);
        compare::select_services(&mut left_services, &mut right_services, &options.rules)?;
        let side = |path: &Option<PathBuf>| SideReport {
            rev: String::new(),
            commit: String::new(),
            path: path.as_ref().map_or_else(
                || "/dev/null".to_owned(),
                |p| p.to_string_lossy().into_owned(),
            ),
        };
        Ok(FilesPlan {
            left: side(&spec.left),
            right: side(&spec.right),
            left_services,
            right_services,
            blobs,
        })
    }

    /// The pairs whose results could come from a cache.
    pub fn reusable_keys(&self, options: &CompareOptions) -> Vec<PairKey> {
        compare::cacheable_keys(&self.left_services, &self.right_services, &options.rules)
    }

    /// Compares every service on `pool`, answering from `known` where it
    /// can; what was computed, for the caller to remember.
    pub fn compare(
        self,
        pool: &rayon::ThreadPool,
        options: &CompareOptions,
        known: &Known,
    ) -> (Report, compare::Compared) {
        let compared = compare::compare_services(
            pool,
            &self.blobs,
            self.left_services,
            self.right_services,
            options,
            known,
        );
        let report = Report {
            run_id: None,
            repository: String::new(),
            left: self.left,
            right: self.right,
            file: options.file.clone(),
            services: compared
                .services
                .iter()
                .map(compare::ServiceResult::to_report)
                .collect(),
            baseline: None,
            rules: options.rules.reported(),
        };
        (report, compared)
    }
}

fn read_error(path: &Path, e: &io::Error) -> FilesError {
    FilesError::Read {
        path: path.to_owned(),
        message: e.to_string(),
    }
}

/// The entry of the config file at `path`, as a tree would hold it: a
/// regular file gets its blob id; a symlink or a directory is not a file.
fn entry(path: &Path, blobs: &mut FileBlobs) -> Result<ServiceEntry, FilesError> {
    let meta = fs::symlink_metadata(path).map_err(|e| read_error(path, &e))?;
    let kind = if meta.file_type().is_symlink() {
        EntryKind::Symlink
    } else if meta.is_dir() {
        EntryKind::Directory
    } else if meta.is_file() {
        EntryKind::File
    } else {
        // A fifo or a device: reading it could block or never end.
        EntryKind::Symlink
    };
    if kind != EntryKind::File {
        return Ok(ServiceEntry {
            kind,
            id: ObjectId::null(gix::hash::Kind::Sha1),
        });
    }
    let id = file_id(path).map_err(|e| read_error(path, &e))?;
    blobs.paths.insert(id, path.to_owned());
    Ok(ServiceEntry { kind, id })
}

/// The service folders of `dir` that hold `file`, by name bytes, as
/// `compare` lists a tree: folders only (a symlink to a folder is not
/// one), and a folder without the file is not a service.
fn list_services(dir: &Path, file: &str, blobs: &mut FileBlobs) -> Result<Services, FilesError> {
    let mut services = Services::new();
    let entries = fs::read_dir(dir).map_err(|e| read_error(dir, &e))?;
    for entry in entries {
        let entry = entry.map_err(|e| read_error(dir, &e))?;
        let file_type = entry
            .file_type()
            .map_err(|e| read_error(&entry.path(), &e))?;
        if !file_type.is_dir() {
            continue;
        }
        let config = entry.path().join(file);
        match fs::symlink_metadata(&config) {
            Ok(_) => {
                services.insert(
                    entry.file_name().as_bytes().into(),
                    self::entry(&config, blobs)?,
                );
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(read_error(&config, &e)),
        }
    }
    Ok(services)
}
