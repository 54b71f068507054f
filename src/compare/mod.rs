//! Compare: pairs the services of two sides and compares each pair, in
//! parallel on the caller's thread pool, into a [`Report`].

mod failure;

use std::collections::HashMap;
use std::sync::Arc;

use gix::ObjectId;
use gix::bstr::BString;
use rayon::prelude::*;

use crate::diff::{WalkRules, WalkWarning, diff_with_rules};
use crate::document::{self, Node};
use crate::report::{Outcome, Report, ServiceReport, SideReport};
use crate::repository::{
    EntryKind, Repository, RepositoryError, ResolvedSide, ServiceEntry, Services, SubtreeMemo,
    service_name,
};
use crate::rules::Rules;
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
    /// What to ignore, how to match lists, which services: none by
    /// default, which is the plain walk.
    pub rules: Rules,
}

impl CompareOptions {
    /// What a cached pair result was computed under: every option that
    /// can change a pair's result, and the version of the result format.
    /// Two comparisons may share results exactly when their keys are equal.
    pub fn cache_key(&self) -> String {
        format!(
            "v{RESULT_FORMAT_VERSION};file={:?};max_file_size={}{}",
            self.file,
            self.max_file_size,
            self.rules.cache_key()
        )
    }
}

/// Bumped whenever what a pair's result holds changes (messages, kinds,
/// lines, value rendering), so old cached results are never served.
const RESULT_FORMAT_VERSION: u32 = 1;

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            file: "configuration.yml".to_owned(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            rules: Rules::default(),
        }
    }
}

/// Where the blobs of a comparison are read: a repository's object
/// database, or files on disk named by the ids git gives them. Each worker
/// asks for its own reader, so a source can keep per-thread state (a
/// repository handle with a warm delta cache).
pub(crate) trait Blobs: Sync {
    /// A function that reads and loads blob `id`, checking its size
    /// against `options` before reading it.
    fn reader<'a>(
        &'a self,
        options: &'a CompareOptions,
    ) -> Box<dyn FnMut(ObjectId) -> Result<Node, SideProblem> + 'a>;
}

impl Blobs for Repository {
    fn reader<'a>(
        &'a self,
        options: &'a CompareOptions,
    ) -> Box<dyn FnMut(ObjectId) -> Result<Node, SideProblem> + 'a> {
        let local = self.local();
        let mut inflater = libdeflater::Decompressor::new();
        Box::new(move |id| load_packed(self, &local, &mut inflater, id, options))
    }
}

/// A pair of blob ids whose comparison result can be reused: the same two
/// blobs under the same options always compare the same.
pub(crate) type PairKey = (ObjectId, ObjectId);

/// Results known before comparing (from the cache, or from earlier
/// commits of a history), by blob pair.
pub(crate) type Known = HashMap<PairKey, Arc<Outcome>>;

/// One service's result, its outcome shared with every other service and
/// commit that has the same pair of blobs.
#[derive(Debug, Clone)]
pub(crate) struct ServiceResult {
    /// The folder name as git stores it.
    pub name: BString,
    /// The left entry.
    pub left: Option<ServiceEntry>,
    /// The right entry.
    pub right: Option<ServiceEntry>,
    /// What the comparison found.
    pub outcome: Arc<Outcome>,
}

impl ServiceResult {
    /// As the report prints it.
    pub fn to_report(&self) -> ServiceReport {
        let blob = |entry: Option<ServiceEntry>| {
            entry
                .filter(|e| e.kind == EntryKind::File)
                .map(|e| e.id.to_string())
        };
        ServiceReport {
            service: service_name(self.name.as_ref()),
            left_blob: blob(self.left),
            right_blob: blob(self.right),
            outcome: Outcome::clone(&self.outcome),
        }
    }
}

/// The results of comparing the pairs of two service listings.
pub(crate) struct Compared {
    /// One per service of either side, sorted by name bytes.
    pub services: Vec<ServiceResult>,
    /// The pairs that were loaded and diffed (not known before), with
    /// their results, for the caller to remember.
    pub computed: Vec<(PairKey, Arc<Outcome>)>,
    /// How many pairs were answered from `known`.
    pub reused: usize,
    /// What the rules could not do in the pairs computed, by service.
    pub warnings: Vec<(String, WalkWarning)>,
}

/// Two sides resolved and listed: everything a comparison needs before
/// it looks at a single blob, so a caller can first look up which pairs it
/// already knows.
pub(crate) struct Plan {
    left: ResolvedSide,
    right: ResolvedSide,
    left_services: Services,
    right_services: Services,
}

impl Plan {
    /// Resolves both sides in `repo` and lists their services (`memo`
    /// holds the config entry of service folders listed before, for
    /// `options.file`); two sides without a single service are an error,
    /// never a silent pass.
    pub fn new(
        repo: &Repository,
        left: &SideSpec,
        right: &SideSpec,
        options: &CompareOptions,
        memo: &mut SubtreeMemo,
    ) -> Result<Plan, RepositoryError> {
        let left = repo.resolve(left)?;
        let right = repo.resolve(right)?;
        let mut list = |side: &ResolvedSide| {
            if options.rules.spec().recursive {
                repo.services_recursive(side, &options.file)
            } else {
                repo.services_with(side, &options.file, memo)
            }
        };
        let mut left_services = list(&left)?;
        let mut right_services = list(&right)?;
        if left_services.is_empty() && right_services.is_empty() {
            return Err(repo.nothing_to_compare(&left, &right, &options.file));
        }
        select_services(&mut left_services, &mut right_services, &options.rules)?;
        Ok(Plan {
            left,
            right,
            left_services,
            right_services,
        })
    }

    /// The pairs whose results could come from a cache: not those of
    /// services that rules limited to some services name, whose results
    /// depend on the name.
    pub fn reusable_keys(&self, options: &CompareOptions) -> Vec<PairKey> {
        cacheable_keys(&self.left_services, &self.right_services, &options.rules)
    }

    /// Compares every service on `pool`, answering from `known` where it
    /// can.
    pub fn compare(
        self,
        pool: &rayon::ThreadPool,
        repo: &Repository,
        options: &CompareOptions,
        known: &Known,
    ) -> (Report, Compared) {
        let compared = compare_services(
            pool,
            repo,
            self.left_services,
            self.right_services,
            options,
            known,
        );
        let report = Report {
            run_id: None,
            repository: repo.name().to_owned(),
            left: side_report(&self.left),
            right: side_report(&self.right),
            file: options.file.clone(),
            services: compared
                .services
                .iter()
                .map(ServiceResult::to_report)
                .collect(),
            baseline: None,
            rules: options.rules.reported(),
        };
        (report, compared)
    }
}

/// Keeps the services `rules` select (`--service`); selecting none of
/// the services there are is an error naming the globs, never a silent
/// pass.
pub(crate) fn select_services(
    left: &mut Services,
    right: &mut Services,
    rules: &crate::rules::Rules,
) -> Result<(), RepositoryError> {
    if rules.spec().services.is_empty() {
        return Ok(());
    }
    let found = left.len().max(right.len());
    left.retain(|name, _| rules.selects(&service_name(name.as_ref())));
    right.retain(|name, _| rules.selects(&service_name(name.as_ref())));
    if left.is_empty() && right.is_empty() {
        return Err(RepositoryError::NoServiceSelected {
            globs: rules.spec().services.join(", "),
            found,
        });
    }
    Ok(())
}

/// The pairs whose results could come from a cache: not those of
/// services that rules limited to some services name, whose results
/// depend on the name.
pub(crate) fn cacheable_keys(
    left: &Services,
    right: &Services,
    rules: &crate::rules::Rules,
) -> Vec<PairKey> {
    if !rules.has_service_rules() {
        return reusable_keys(left, right);
    }
    let named = |services: &Services| {
        let mut services = services.clone();
        services.retain(|name, _| !rules.names_service(&service_name(name.as_ref())));
        services
    };
    reusable_keys(&named(left), &named(right))
}

/// The blob pairs of two listings whose results could be reused: both
/// sides regular files with different ids (equal ids need no lookup).
pub(crate) fn reusable_keys(left: &Services, right: &Services) -> Vec<PairKey> {
    left.iter()
        .filter_map(|(name, l)| {
            let r = right.get(name)?;
            (l.kind == EntryKind::File && r.kind == EntryKind::File && l.id != r.id)
                .then_some((l.id, r.id))
        })
        .collect()
}

/// Pairs two listings by name and compares each pair, answering from
/// `known` where it can.
pub(crate) fn compare_services(
    pool: &rayon::ThreadPool,
    blobs: &dyn Blobs,
    left_services: Services,
    mut right_services: Services,
    options: &CompareOptions,
    known: &Known,
) -> Compared {
    // Names are bytes in git: pairs are matched and sorted by their bytes,
    // and only printers give them their printable (escaped) names.
    let rules = &options.rules;
    let scoped = |name: &BString| {
        rules.has_service_rules() && rules.names_service(&service_name(name.as_ref()))
    };
    let selected = |name: &BString| {
        rules.spec().services.is_empty() || rules.selects(&service_name(name.as_ref()))
    };
    let mut pairs: Vec<Pair> = left_services
        .into_iter()
        .filter(|(name, _)| selected(name))
        .map(|(name, entry)| {
            let right = right_services.remove(&name);
            Pair {
                scoped: scoped(&name),
                name,
                left: Some(entry),
                right,
            }
        })
        .collect();
    pairs.extend(
        right_services
            .into_iter()
            .filter(|(name, _)| selected(name))
            .map(|(name, entry)| Pair {
                scoped: scoped(&name),
                name,
                left: None,
                right: Some(entry),
            }),
    );
    pairs.sort_unstable_by(|a, b| a.name.cmp(&b.name));

    // Known and trivial outcomes first, on this thread; only the rest go
    // to the workers.
    let mut reused = 0;
    let mut outcomes: Vec<Option<Arc<Outcome>>> = pairs
        .iter()
        .map(|pair| match pair.cheap_outcome(options) {
            Some(outcome) => Some(Arc::new(outcome)),
            None => {
                let found = pair.key().and_then(|key| known.get(&key)).cloned();
                reused += usize::from(found.is_some());
                found
            }
        })
        .collect();
    let missing: Vec<usize> = (0..pairs.len())
        .filter(|&i| outcomes[i].is_none())
        .collect();

    // A few chunks per worker balance uneven files; each chunk reuses one
    // repository handle, whose delta cache warms up along the run.
    let chunk = missing
        .len()
        .div_ceil(pool.current_num_threads() * 4)
        .max(1);
    type Loaded = (usize, Arc<Outcome>, Vec<WalkWarning>);
    // Nothing to load (every pair known or trivial): the workers are not
    // woken, since woken workers spin a while before they sleep again and
    // take the cores from whoever saves and answers.
    let loaded: Vec<Loaded> = if missing.is_empty() {
        Vec::new()
    } else {
        pool.install(|| {
            missing
                .par_chunks(chunk)
                .flat_map_iter(|run| {
                    let mut read = blobs.reader(options);
                    let pairs = &pairs;
                    run.iter()
                        .map(|&i| {
                            let (outcome, warnings) = pairs[i].load_and_diff(&mut read, options);
                            (i, Arc::new(outcome), warnings)
                        })
                        .collect::<Vec<_>>()
                })
                .collect()
        })
    };
    let mut computed = Vec::with_capacity(loaded.len());
    let mut warnings = Vec::new();
    for (i, outcome, found) in loaded {
        if let Some(key) = pairs[i].key() {
            computed.push((key, Arc::clone(&outcome)));
        }
        let name = service_name(pairs[i].name.as_ref());
        warnings.extend(found.into_iter().map(|w| (name.clone(), w)));
        outcomes[i] = Some(outcome);
    }
    warnings.sort_by(|a, b| a.0.cmp(&b.0));
    let services = pairs
        .into_iter()
        .zip(outcomes)
        .map(|(pair, outcome)| ServiceResult {
            name: pair.name,
            left: pair.left,
            right: pair.right,
            outcome: outcome.expect("every pair has an outcome"),
        })
        .collect();
    Compared {
        services,
        computed,
        reused,
        warnings,
    }
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
    /// Rules limited to some services name this one: its result depends
    /// on its name, so it is neither looked up nor kept by blob pair.
    scoped: bool,
    name: BString,
    left: Option<ServiceEntry>,
    right: Option<ServiceEntry>,
}

impl Pair {
    /// The pair's blob ids, when both sides are regular files with
    /// different ids: the pairs whose result depends only on the blobs.
    fn key(&self) -> Option<PairKey> {
        if self.scoped {
            return None;
        }
        match (self.left, self.right) {
            (Some(l), Some(r))
                if l.kind == EntryKind::File && r.kind == EntryKind::File && l.id != r.id =>
            {
                Some((l.id, r.id))
            }
            _ => None,
        }
    }

    /// The outcome when it needs no blob: a missing side, an entry that
    /// is not a file, or the same blob on both sides.
    fn cheap_outcome(&self, options: &CompareOptions) -> Option<Outcome> {
        let (left, right) = match (self.left, self.right) {
            (Some(left), Some(right)) => (left, right),
            (Some(_), None) => return Some(Outcome::MissingRight),
            (None, _) => return Some(Outcome::MissingLeft),
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
            return Some(failed(left_kind, right_kind));
        }
        (left.id == right.id).then_some(Outcome::Identical)
    }

    /// Loads both blobs and diffs them under the service's rules (a
    /// pair of two files that [`Pair::cheap_outcome`] left).
    fn load_and_diff(
        &self,
        read: &mut dyn FnMut(ObjectId) -> Result<Node, SideProblem>,
        options: &CompareOptions,
    ) -> (Outcome, Vec<WalkWarning>) {
        let (Some(left), Some(right)) = (self.left, self.right) else {
            unreachable!("only pairs of two files are loaded")
        };
        let (left, right) = (read(left.id), read(right.id));
        if self.scoped {
            let rules = options.rules.walk_for(&service_name(self.name.as_ref()));
            return outcome_of(left.as_ref(), right.as_ref(), &rules);
        }
        outcome_of(left.as_ref(), right.as_ref(), options.rules.walk())
    }
}

/// The outcome of two loaded (or failed) documents under `rules`, and
/// what the rules could not do.
fn outcome_of(
    left: Result<&Node, &SideProblem>,
    right: Result<&Node, &SideProblem>,
    rules: &WalkRules,
) -> (Outcome, Vec<WalkWarning>) {
    match (left, right) {
        (Ok(left), Ok(right)) => {
            let (differences, warnings) = diff_with_rules(left, right, rules);
            if differences.is_empty() {
                (Outcome::Identical, warnings)
            } else {
                (Outcome::Different(differences), warnings)
            }
        }
        (left, right) => (
            failed(left.err().cloned(), right.err().cloned()),
            Vec::new(),
        ),
    }
}

/// Loaded documents by blob id, kept between calls of [`compute_pairs`].
pub(crate) type Documents = HashMap<ObjectId, Result<Node, SideProblem>>;

/// Loads and diffs the pairs `keys` on `pool`, loading each distinct blob
/// once however many pairs share it, and none that `documents` already
/// holds (it gets the ones loaded): along a history one side of most new
/// pairs is a blob an earlier pair already had.
pub(crate) fn compute_pairs(
    pool: &rayon::ThreadPool,
    blobs: &dyn Blobs,
    keys: &[PairKey],
    options: &CompareOptions,
    documents: &mut Documents,
) -> Vec<(PairKey, Arc<Outcome>)> {
    let mut ids: Vec<ObjectId> = keys
        .iter()
        .flat_map(|&(l, r)| [l, r])
        .filter(|id| !documents.contains_key(id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let chunk = ids.len().div_ceil(pool.current_num_threads() * 4).max(1);
    pool.install(|| {
        let loaded: Vec<(ObjectId, Result<Node, SideProblem>)> = ids
            .par_chunks(chunk)
            .flat_map_iter(|run| {
                let mut read = blobs.reader(options);
                run.iter().map(|&id| (id, read(id))).collect::<Vec<_>>()
            })
            .collect();
        documents.extend(loaded);
        let documents = &*documents;
        keys.par_iter()
            .map(|&key| {
                // A history shows no warnings: what a rule could not do is
                // told by `compare` of the commit.
                let (outcome, _) = outcome_of(
                    documents[&key.0].as_ref(),
                    documents[&key.1].as_ref(),
                    options.rules.walk(),
                );
                (key, Arc::new(outcome))
            })
            .collect()
    })
}

fn failed(left: Option<SideProblem>, right: Option<SideProblem>) -> Outcome {
    Outcome::Error(ServiceError { left, right }.into())
}

/// [`load`], with the blob read straight from a pack (see
/// [`Repository::packed`]); a blob that is not, or is over the size limit,
/// goes the usual way, which says what is wrong.
pub(crate) fn load_packed(
    repo: &Repository,
    local: &gix::Repository,
    inflater: &mut libdeflater::Decompressor,
    id: ObjectId,
    options: &CompareOptions,
) -> Result<Node, SideProblem> {
    let kind = crate::repository::PackedKind::Blob;
    match repo.packed(&id, kind, options.max_file_size, inflater) {
        Some(bytes) => document::load(&bytes).map_err(SideProblem::Load),
        None => load(local, id, options),
    }
}

/// Reads blob `id` and loads it, checking its size before reading it.
pub(crate) fn load(
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
