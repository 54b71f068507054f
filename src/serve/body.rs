//! Request bodies and queries, mapped onto the engine's requests in one
//! place each: an option `compare` gains is one field in
//! [`ComparisonBody`] and one line in [`ComparisonBody::request`].

use serde::Deserialize;

use super::allow::Allowed;
use super::error::ApiError;
use crate::blame::BlameOptions;
use crate::compare::{CompareOptions, DEFAULT_MAX_FILE_SIZE};
use crate::engine::{
    BaselineSource, BlameRequest, CompareRequest, HistoryRequest, RemoteAccess, RepositorySource,
};
use crate::remote::Network;
use crate::repository::CommitRange;

/// `POST /api/comparisons`: what `confdiff compare` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComparisonBody {
    /// An allowed repository; may be left out when only one is allowed.
    pub repository: Option<String>,
    /// `[REV:]DIR`.
    pub left: String,
    /// `[REV:]DIR`.
    pub right: String,
    /// The revision of a side written without one.
    #[serde(default = "head")]
    pub rev: String,
    /// The config file in each service folder.
    #[serde(default = "configuration_yml")]
    pub file: String,
    /// Fetch a remote before comparing (else use its mirror as it is).
    #[serde(default = "yes")]
    pub fetch: bool,
    /// Larger config files are a per-service error, in bytes.
    #[serde(default = "max_file_size")]
    pub max_file_size: u64,
    /// Comparison rules, as the JSON document's `rules` writes them
    /// (`ignore`, `lists`, `list_keys`, `services`, `show_ignored`).
    #[serde(default)]
    pub rules: crate::rules::Rules,
    /// A baseline file committed in the repository (`.confdiff-baseline.json`),
    /// read at `rev`.
    pub baseline: Option<String>,
}

impl ComparisonBody {
    /// The engine's request, for the allowed repository `repository`.
    pub fn request(
        self,
        repository: &Allowed,
        cache_dir: Option<&std::path::Path>,
    ) -> Result<CompareRequest, ApiError> {
        // A server reads no file on its own disk that a client names: a
        // baseline is one committed in the repository.
        let baseline = match self.baseline {
            Some(path) if path.is_empty() || path.contains('\0') || path.starts_with('/') => {
                return Err(ApiError::BadRequest(format!(
                    "field `baseline` ('{}') must be the path of a file in the repository, such as .confdiff-baseline.json",
                    path.escape_debug()
                )));
            }
            Some(path) => Some(BaselineSource::Committed {
                rev: self.rev.clone(),
                path,
            }),
            None => None,
        };
        Ok(CompareRequest {
            repository: source(repository, self.fetch, cache_dir),
            left: self.left,
            right: self.right,
            rev: self.rev,
            options: CompareOptions {
                file: file_name(self.file)?,
                max_file_size: positive("max_file_size", self.max_file_size)?,
                rules: self.rules,
            },
            baseline,
        })
    }
}

/// `POST /api/histories`: what `confdiff history` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryBody {
    /// An allowed repository; may be left out when only one is allowed.
    pub repository: Option<String>,
    /// `DIR` follows the range, `REV:DIR` is pinned.
    pub left: String,
    /// The same.
    pub right: String,
    /// `A..B` or one revision and its ancestors.
    #[serde(default = "head")]
    pub range: String,
    /// Follow only first parents.
    #[serde(default)]
    pub first_parent: bool,
    /// Only the newest N commits.
    pub last: Option<usize>,
    /// The config file in each service folder.
    #[serde(default = "configuration_yml")]
    pub file: String,
    /// Fetch a remote before walking.
    #[serde(default = "yes")]
    pub fetch: bool,
    /// Larger config files are a per-service error, in bytes.
    #[serde(default = "max_file_size")]
    pub max_file_size: u64,
    /// Comparison rules, as the JSON document's `rules` writes them
    /// (`ignore`, `lists`, `list_keys`, `services`, `show_ignored`).
    #[serde(default)]
    pub rules: crate::rules::Rules,
}

impl HistoryBody {
    /// The engine's request, for the allowed repository `repository`.
    pub fn request(
        self,
        repository: &Allowed,
        cache_dir: Option<&std::path::Path>,
    ) -> Result<HistoryRequest, ApiError> {
        if self.last == Some(0) {
            return Err(ApiError::BadRequest(
                "field `last` must be at least 1".to_owned(),
            ));
        }
        Ok(HistoryRequest {
            repository: source(repository, self.fetch, cache_dir),
            left: self.left,
            right: self.right,
            range: CommitRange {
                given: self.range,
                first_parent: self.first_parent,
                last: self.last,
            },
            options: CompareOptions {
                file: file_name(self.file)?,
                max_file_size: positive("max_file_size", self.max_file_size)?,
                rules: self.rules,
            },
        })
    }
}

/// `GET /api/blame?…`: what `confdiff blame` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlameQuery {
    /// An allowed repository; may be left out when only one is allowed.
    pub repository: Option<String>,
    /// `[REV:]TARGET`.
    pub target: String,
    /// The path inside the file.
    pub path: String,
    /// The revision the walk starts from.
    #[serde(default = "head")]
    pub rev: String,
    /// The config file of a folder TARGET.
    #[serde(default = "configuration_yml")]
    pub file: String,
    /// Every change, not only the newest.
    #[serde(default)]
    pub all: bool,
    /// Fetch a remote first.
    #[serde(default = "yes")]
    pub fetch: bool,
    /// Larger versions count as an error state, in bytes.
    #[serde(default = "max_file_size")]
    pub max_file_size: u64,
}

impl BlameQuery {
    /// The engine's request, for the allowed repository `repository`.
    pub fn request(
        self,
        repository: &Allowed,
        cache_dir: Option<&std::path::Path>,
    ) -> Result<BlameRequest, ApiError> {
        Ok(BlameRequest {
            repository: source(repository, self.fetch, cache_dir),
            target: self.target,
            rev: self.rev,
            path: self.path,
            options: BlameOptions {
                file: file_name(self.file)?,
                max_file_size: positive("max_file_size", self.max_file_size)?,
                all: self.all,
            },
        })
    }
}

/// `GET /api/runs?limit=&offset=`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// At most this many (0: all) [default 20, as `confdiff runs`].
    #[serde(default = "twenty")]
    pub limit: usize,
    /// Skip this many of the newest.
    #[serde(default)]
    pub offset: usize,
}

/// Parses a JSON body, naming the field that is wrong.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::BadRequest(format!("the JSON body: {e}")))
}

fn source(
    repository: &Allowed,
    fetch: bool,
    cache_dir: Option<&std::path::Path>,
) -> RepositorySource {
    RepositorySource::Given {
        location: repository.location().to_owned(),
        access: RemoteAccess {
            cache_dir: cache_dir.map(std::path::Path::to_path_buf),
            network: if fetch {
                Network::Online {
                    require_fresh: false,
                }
            } else {
                Network::Offline
            },
            token: None,
        },
    }
}

/// A file name, as `--file` must be.
fn file_name(file: String) -> Result<String, ApiError> {
    if file.is_empty() || file == "." || file == ".." || file.contains(['/', '\\', '\0']) {
        return Err(ApiError::BadRequest(format!(
            "field `file` ('{file}') must be a file name such as configuration.yml, not a path"
        )));
    }
    Ok(file)
}

fn positive(field: &str, value: u64) -> Result<u64, ApiError> {
    if value == 0 {
        return Err(ApiError::BadRequest(format!(
            "field `{field}` must be at least 1"
        )));
    }
    Ok(value)
}

fn head() -> String {
    "HEAD".to_owned()
}

fn configuration_yml() -> String {
    "configuration.yml".to_owned()
}

fn yes() -> bool {
    true
}

fn max_file_size() -> u64 {
    DEFAULT_MAX_FILE_SIZE
}

fn twenty() -> usize {
    20
}
