//! Compare: pairs the services of two sides and compares each pair, in
//! parallel, into a [`Report`].

use gix::ObjectId;
use rayon::prelude::*;

use crate::diff::diff;
use crate::document::{self, Node};
use crate::report::{Outcome, Report, ServiceReport, SideReport};
use crate::repository::{EntryKind, Repository, RepositoryError, ResolvedSide, ServiceEntry};
use crate::side::SideSpec;

/// Default for `--max-file-size`: 16 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// The stack of each worker thread. The loader caps nesting at
/// [`document::MAX_DEPTH`] and the diff walk recurses once per level; this
/// leaves room for that many levels many times over.
const WORKER_STACK_BYTES: usize = 16 * 1024 * 1024;

/// What the comparison itself needs to know; nothing about output.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// The config file name in each service folder.
    pub file: String,
    /// Worker threads.
    pub jobs: usize,
    /// Files larger than this are a per-service error.
    pub max_file_size: u64,
}

/// Why a comparison could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The repository or a side could not be read.
    #[error(transparent)]
    Repository(#[from] RepositoryError),
    /// The worker threads could not be started.
    #[error("cannot start {jobs} worker threads: {message}")]
    Workers {
        /// How many were asked for.
        jobs: usize,
        /// What the system said.
        message: String,
    },
}

/// Compares the services of `left` and `right` in `repo`.
pub fn compare(
    repo: &Repository,
    left: &SideSpec,
    right: &SideSpec,
    options: &CompareOptions,
) -> Result<Report, CompareError> {
    let left = repo.resolve(left)?;
    let right = repo.resolve(right)?;
    let left_services = repo.services(&left, &options.file)?;
    let mut right_services = repo.services(&right, &options.file)?;

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

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .stack_size(WORKER_STACK_BYTES)
        .thread_name(|i| format!("confdiff-worker-{i}"))
        .build()
        .map_err(|e| CompareError::Workers {
            jobs: options.jobs,
            message: e.to_string(),
        })?;
    // A few chunks per worker balance uneven files; each chunk reuses one
    // repository handle, whose delta cache warms up along the run.
    let chunk = pairs.len().div_ceil(options.jobs * 4).max(1);
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
    name: String,
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
            service: self.name.clone(),
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
        let wrong_kind: Vec<String> = [("left", left), ("right", right)]
            .into_iter()
            .filter(|(_, entry)| entry.kind != EntryKind::File)
            .map(|(side, entry)| format!("{side}: {} is {}", options.file, entry.kind.describe()))
            .collect();
        if !wrong_kind.is_empty() {
            return Outcome::Error(wrong_kind.join("; "));
        }
        if left.id == right.id {
            return Outcome::Identical;
        }
        let left_doc = load(repo, left.id, options).map_err(|e| format!("left: {e}"));
        let right_doc = load(repo, right.id, options).map_err(|e| format!("right: {e}"));
        match (left_doc, right_doc) {
            (Ok(left), Ok(right)) => {
                let differences = diff(&left, &right);
                if differences.is_empty() {
                    Outcome::Identical
                } else {
                    Outcome::Different(differences)
                }
            }
            (Err(left), Err(right)) => Outcome::Error(format!("{left}; {right}")),
            (Err(message), Ok(_)) | (Ok(_), Err(message)) => Outcome::Error(message),
        }
    }
}

/// Reads blob `id` and loads it, checking its size before reading it.
fn load(repo: &gix::Repository, id: ObjectId, options: &CompareOptions) -> Result<Node, String> {
    let unreadable =
        |e: gix::Error| format!("cannot read blob {id}: {}", crate::repository::describe(&e));
    let size = repo.find_header(id).map_err(unreadable)?.size();
    if size > options.max_file_size {
        return Err(format!(
            "{} is {size} bytes, over the limit of {} bytes (--max-file-size)",
            options.file, options.max_file_size
        ));
    }
    let data = repo.find_blob(id).map_err(unreadable)?.take_data();
    document::load(&data).map_err(|e| e.to_string())
}
