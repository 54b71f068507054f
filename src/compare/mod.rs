//! Compare: pairs the services of two sides and compares each pair, in
//! parallel on the caller's thread pool, into a [`Report`].

mod failure;

use gix::ObjectId;
use gix::bstr::BString;
use rayon::prelude::*;

use crate::diff::diff;
use crate::document::{self, Node};
use crate::report::{Outcome, Report, ServiceReport, SideReport};
use crate::repository::{
    EntryKind, Repository, RepositoryError, ResolvedSide, ServiceEntry, service_name,
};
use crate::side::SideSpec;

pub use failure::{ServiceError, SideProblem, kind_of_message};

/// Default for `--max-file-size`: 16 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// What the comparison itself needs to know; nothing about output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareOptions {
    /// The config file name in each service folder.
    pub file: String,
    /// Files larger than this are a per-service error.
    pub max_file_size: u64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            file: "configuration.yml".to_owned(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// Compares the services of `left` and `right` in `repo` on `pool`.
pub(crate) fn compare(
    pool: &rayon::ThreadPool,
    repo: &Repository,
    left: &SideSpec,
    right: &SideSpec,
    options: &CompareOptions,
) -> Result<Report, RepositoryError> {
    let left = repo.resolve(left)?;
    let right = repo.resolve(right)?;
    let left_services = repo.services(&left, &options.file)?;
    let mut right_services = repo.services(&right, &options.file)?;
    if left_services.is_empty() && right_services.is_empty() {
        return Err(repo.nothing_to_compare(&left, &right, &options.file));
    }

    // Names are bytes in git: pairs are matched and sorted by their bytes,
    // and only then given their printable (escaped) names.
    let mut pairs: Vec<Pair> = left_services
        .into_iter()
        .map(|(name, entry)| {
            let right = right_services.remove(&name);
            Pair {
                name,
                left: Some(entry),
                right,
            }
        })
        .collect();
    pairs.extend(right_services.into_iter().map(|(name, entry)| Pair {
        name,
        left: None,
        right: Some(entry),
    }));
    pairs.sort_unstable_by(|a, b| a.name.cmp(&b.name));

    // A few chunks per worker balance uneven files; each chunk reuses one
    // repository handle, whose delta cache warms up along the run.
    let chunk = pairs.len().div_ceil(pool.current_num_threads() * 4).max(1);
    let services = pool.install(|| {
        pairs
            .par_chunks(chunk)
            .flat_map_iter(|run| {
                let local = repo.local();
                run.iter()
                    .map(move |pair| pair.compare(&local, options))
                    .collect::<Vec<_>>()
            })
            .collect()
    });

    Ok(Report {
        run_id: None,
        repository: repo.name().to_owned(),
        left: side_report(&left),
        right: side_report(&right),
        file: options.file.clone(),
        services,
    })
}

fn side_report(side: &ResolvedSide) -> SideReport {
    SideReport {
        rev: side.spec.rev.clone(),
        commit: side.commit.to_string(),
        path: side.spec.given_path.clone(),
    }
}

/// A service name with its entry on each side.
struct Pair {
    name: BString,
    left: Option<ServiceEntry>,
    right: Option<ServiceEntry>,
}

impl Pair {
    fn compare(&self, repo: &gix::Repository, options: &CompareOptions) -> ServiceReport {
        let blob = |entry: Option<ServiceEntry>| {
            entry
                .filter(|e| e.kind == EntryKind::File)
                .map(|e| e.id.to_string())
        };
        ServiceReport {
            service: service_name(self.name.as_ref()),
            left_blob: blob(self.left),
            right_blob: blob(self.right),
            outcome: self.outcome(repo, options),
        }
    }

    fn outcome(&self, repo: &gix::Repository, options: &CompareOptions) -> Outcome {
        let (left, right) = match (self.left, self.right) {
            (Some(left), Some(right)) => (left, right),
            (Some(_), None) => return Outcome::MissingRight,
            (None, _) => return Outcome::MissingLeft,
        };
        // Entry types first: a symlink with the same target on both sides
        // is still not a file we can compare.
        let wrong_kind = |entry: ServiceEntry| {
            (entry.kind != EntryKind::File).then(|| SideProblem::NotAFile {
                file: options.file.clone(),
                entry: entry.kind,
            })
        };
        let (left_kind, right_kind) = (wrong_kind(left), wrong_kind(right));
        if left_kind.is_some() || right_kind.is_some() {
            return failed(left_kind, right_kind);
        }
        if left.id == right.id {
            return Outcome::Identical;
        }
        match (load(repo, left.id, options), load(repo, right.id, options)) {
            (Ok(left), Ok(right)) => {
                let differences = diff(&left, &right);
                if differences.is_empty() {
                    Outcome::Identical
                } else {
                    Outcome::Different(differences)
                }
            }
            (left, right) => failed(left.err(), right.err()),
        }
    }
}

fn failed(left: Option<SideProblem>, right: Option<SideProblem>) -> Outcome {
    Outcome::Error(ServiceError { left, right }.into())
}

/// Reads blob `id` and loads it, checking its size before reading it.
fn load(
    repo: &gix::Repository,
    id: ObjectId,
    options: &CompareOptions,
) -> Result<Node, SideProblem> {
    let unreadable = |e: gix::Error| SideProblem::Unreadable {
        blob: id,
        message: crate::repository::describe(&e),
    };
    let size = repo.find_header(id).map_err(unreadable)?.size();
    if size > options.max_file_size {
        return Err(SideProblem::TooLarge {
            file: options.file.clone(),
            size,
            limit: options.max_file_size,
        });
    }
    let data = repo.find_blob(id).map_err(unreadable)?.take_data();
    document::load(&data).map_err(SideProblem::Load)
}
