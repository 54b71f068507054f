//! History: how a comparison evolved over a range of commits.
//!
//! A side written `DIR` follows the range (at each commit C it is
//! `C:DIR`); a side written `REV:DIR` is pinned. Consecutive commits
//! share nearly all their blobs, so each pair of blobs is compared once:
//! results are remembered by blob pair for the whole walk (and come from
//! the engine's cache when it has one), service folders are listed once
//! per tree id, and a commit whose two folders did not change repeats the
//! row before it without looking at a single service.

mod changes;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use gix::ObjectId;

use crate::compare::{self, CompareOptions, Known, PairKey, ServiceResult};
use crate::report::{Outcome, Summary};
use crate::repository::{CommitRange, Repository, RepositoryError, Services, SubtreeMemo};
use crate::side::SideSpec;

pub use changes::ServiceChange;

/// One side of a history: pinned to a commit, or following the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistorySide {
    /// The revision of a pinned side; `None` when it follows.
    pub rev: Option<String>,
    /// The commit a pinned side resolved to.
    pub commit: Option<ObjectId>,
    /// The directory as given.
    pub path: String,
}

/// One commit of the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    /// The commit.
    pub commit: ObjectId,
    /// Its author's name.
    pub author: String,
    /// When it was authored, UTC, RFC 3339.
    pub author_time: String,
    /// The first line of its message.
    pub subject: String,
    /// The commit the left side was read at.
    pub left_commit: ObjectId,
    /// The commit the right side was read at.
    pub right_commit: ObjectId,
    /// What `compare` would print as the summary of this row's sides.
    pub summary: Summary,
    /// The services whose result differs from the row before, by name.
    pub changes: Vec<ServiceChange>,
}

/// Work done and saved by a history walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HistoryStats {
    /// Commits in the range.
    pub commits: usize,
    /// Pairs of blobs loaded and diffed by this walk.
    pub pairs_compared: usize,
    /// Pairs answered without loading: from earlier commits or the cache.
    pub pairs_reused: usize,
}

/// A history, as printed and saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryReport {
    /// The saved history's id; `None` when it was not saved.
    pub history_id: Option<i64>,
    /// The repository as the user named it.
    pub repository: String,
    /// The config file name.
    pub file: String,
    /// The range as given.
    pub range: String,
    /// Whether only first parents were walked.
    pub first_parent: bool,
    /// The left side.
    pub left: HistorySide,
    /// The right side.
    pub right: HistorySide,
    /// One per commit, oldest first.
    pub rows: Vec<HistoryRow>,
    /// What the walk did.
    pub stats: HistoryStats,
}

/// Why a history could not be walked.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// Both sides are `REV:DIR`.
    #[error(
        "both sides are pinned ('{left}' and '{right}'): write at least one side as DIR, without REV:, so that it follows the range"
    )]
    NothingFollows {
        /// The left side as given.
        left: String,
        /// The right side as given.
        right: String,
    },
    /// The range has no commit.
    #[error("the range '{range}' has no commits")]
    EmptyRange {
        /// The range as given.
        range: String,
    },
    /// The repository could not be read.
    #[error(transparent)]
    Repository(#[from] RepositoryError),
}

/// How the walk reports progress and fetches known results.
pub(crate) trait Walker {
    /// Results already known for `keys` (e.g. from a cache).
    fn known(&self, keys: &[PairKey]) -> Known;
    /// Results computed by the walk, to remember.
    fn computed(&self, results: &[(PairKey, Arc<Outcome>)]);
    /// `done` of `total` commits walked.
    fn progress(&self, done: usize, total: usize);
}

/// A side resolved for the walk.
struct WalkSide {
    spec: SideSpec,
    pinned: Option<(ObjectId, ObjectId)>,
    /// The folder's tree and listing at the last commit read.
    last: Option<(Option<ObjectId>, Arc<Services>)>,
}

impl WalkSide {
    fn new(repo: &Repository, given: &str) -> Result<(Self, HistorySide), RepositoryError> {
        let pinned_rev = given
            .split_once(':')
            .map(|(rev, _)| rev)
            .filter(|rev| !rev.is_empty());
        let spec = SideSpec::parse(given, "HEAD").map_err(|e| RepositoryError::Open {
            path: given.into(),
            message: e.to_string(),
        })?;
        let (pinned, commit) = match pinned_rev {
            Some(_) => {
                let resolved = repo.resolve(&spec)?;
                (
                    Some((resolved.commit, resolved.tree)),
                    Some(resolved.commit),
                )
            }
            None => (None, None),
        };
        let side = HistorySide {
            rev: pinned_rev.map(str::to_owned),
            commit,
            path: spec.given_path.clone(),
        };
        Ok((
            WalkSide {
                spec,
                pinned,
                last: None,
            },
            side,
        ))
    }

    /// The commit this side is read at for range commit `commit`, and the
    /// folder's tree there (`None`: no such folder at that commit).
    fn tree(
        &self,
        repo: &Repository,
        local: &gix::Repository,
        commit: ObjectId,
    ) -> Result<(ObjectId, Option<ObjectId>), RepositoryError> {
        match self.pinned {
            Some((commit, tree)) => Ok((commit, Some(tree))),
            None => Ok((commit, repo.tree_at(local, commit, &self.spec.path)?)),
        }
    }

    /// The services of `tree`, listed again only when the tree changed.
    fn services(
        &mut self,
        repo: &Repository,
        local: &gix::Repository,
        tree: Option<ObjectId>,
        file: &str,
        memo: &mut SubtreeMemo,
    ) -> Result<Arc<Services>, RepositoryError> {
        if let Some((last_tree, services)) = &self.last
            && *last_tree == tree
        {
            return Ok(Arc::clone(services));
        }
        let services = Arc::new(match tree {
            Some(tree) => repo.services_of_tree(local, tree, file, memo)?,
            None => Services::new(),
        });
        self.last = Some((tree, Arc::clone(&services)));
        Ok(services)
    }
}

/// The row before: both folders' trees, its results, and how many of
/// its pairs had reusable results.
type Previous = (
    Option<ObjectId>,
    Option<ObjectId>,
    Vec<ServiceResult>,
    usize,
);

/// Commits whose new pairs are loaded together: enough to keep every
/// worker busy, few enough that the documents loaded at once stay small.
const BATCH_COMMITS: usize = 64;

/// One commit's two sides: the commit each is read at, its folder's tree
/// and its services.
struct CommitSides {
    commit: ObjectId,
    left: (ObjectId, Option<ObjectId>, Arc<Services>),
    right: (ObjectId, Option<ObjectId>, Arc<Services>),
}

/// What a history asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistorySpec {
    /// The left side, `DIR` or `REV:DIR`.
    pub left: String,
    /// The right side, `DIR` or `REV:DIR`.
    pub right: String,
    /// The commits.
    pub range: CommitRange,
    /// What to compare, and the limits.
    pub options: CompareOptions,
}

/// What the walk carries from one batch of commits to the next.
struct WalkState<'a> {
    repo: &'a Repository,
    pool: &'a rayon::ThreadPool,
    options: &'a CompareOptions,
    left: WalkSide,
    right: WalkSide,
    memo: SubtreeMemo,
    previous: Option<Previous>,
    rows: Vec<HistoryRow>,
    pairs_reused: usize,
}

impl WalkState<'_> {
    /// Both sides' folders and listings at each commit of `batch`.
    fn list(&mut self, batch: &[ObjectId]) -> Result<Vec<CommitSides>, RepositoryError> {
        let (repo, file) = (self.repo, &self.options.file);
        let local = repo.local();
        let mut sides = Vec::with_capacity(batch.len());
        for &commit in batch {
            let (left_commit, left_tree) = self.left.tree(repo, &local, commit)?;
            let (right_commit, right_tree) = self.right.tree(repo, &local, commit)?;
            let left_services =
                self.left
                    .services(repo, &local, left_tree, file, &mut self.memo)?;
            let right_services =
                self.right
                    .services(repo, &local, right_tree, file, &mut self.memo)?;
            sides.push(CommitSides {
                commit,
                left: (left_commit, left_tree, left_services),
                right: (right_commit, right_tree, right_services),
            });
        }
        Ok(sides)
    }

    /// The rows of a batch whose pairs are all in `results`.
    fn rows(&mut self, sides: Vec<CommitSides>, results: &Known) -> Result<(), RepositoryError> {
        let local = self.repo.local();
        for side in sides {
            let info = self.repo.commit_info(&local, side.commit)?;
            let (left_commit, left_tree, left_services) = side.left;
            let (right_commit, right_tree, right_services) = side.right;
            let unchanged = self
                .previous
                .as_ref()
                .is_some_and(|(l, r, _, _)| *l == left_tree && *r == right_tree);
            let (summary, changes) = if unchanged {
                let (_, _, services, keyed) = self.previous.as_ref().expect("checked above");
                self.pairs_reused += keyed;
                (summary_of(services), Vec::new())
            } else {
                let compared = compare::compare_services(
                    self.pool,
                    self.repo,
                    Services::clone(&left_services),
                    Services::clone(&right_services),
                    self.options,
                    results,
                );
                debug_assert!(compared.computed.is_empty(), "every pair is known");
                let keyed = compared.reused;
                self.pairs_reused += keyed;
                let changes = match &self.previous {
                    Some((_, _, before, _)) => changes::between(before, &compared.services),
                    None => Vec::new(),
                };
                let summary = summary_of(&compared.services);
                self.previous = Some((left_tree, right_tree, compared.services, keyed));
                (summary, changes)
            };
            self.rows.push(HistoryRow {
                commit: side.commit,
                author: info.author,
                author_time: info.author_time,
                subject: info.subject,
                left_commit,
                right_commit,
                summary,
                changes,
            });
        }
        Ok(())
    }
}

/// Walks the range and compares the sides at every commit.
///
/// In batches of commits, as a pipeline: the pairs of batch N that are
/// not known yet are loaded and diffed all at once on the whole pool (a
/// commit alone holds a handful), while the rows of batch N − 1, whose
/// results are all known by then, and the listings of batch N + 1 are
/// built beside them. The documents of the blobs that the last commit of
/// a batch no longer has are dropped on the pool too.
pub(crate) fn walk(
    pool: &rayon::ThreadPool,
    repo: &Repository,
    spec: &HistorySpec,
    walker: &dyn Walker,
) -> Result<HistoryReport, HistoryError> {
    let (left, left_side) = WalkSide::new(repo, &spec.left)?;
    let (right, right_side) = WalkSide::new(repo, &spec.right)?;
    if left.pinned.is_some() && right.pinned.is_some() {
        return Err(HistoryError::NothingFollows {
            left: spec.left.clone(),
            right: spec.right.clone(),
        });
    }
    let commits = repo.commits(&spec.range)?;
    if commits.is_empty() {
        return Err(HistoryError::EmptyRange {
            range: spec.range.given.clone(),
        });
    }
    let mut state = WalkState {
        repo,
        pool,
        options: &spec.options,
        left,
        right,
        memo: SubtreeMemo::new(),
        previous: None,
        rows: Vec::with_capacity(commits.len()),
        pairs_reused: 0,
    };
    let mut results: Known = HashMap::new();
    let mut pairs_compared = 0;
    let mut documents = compare::Documents::new();

    let batches: Vec<&[ObjectId]> = commits.chunks(BATCH_COMMITS).collect();
    let mut listed = state.list(batches[0])?;
    let mut waiting: Option<Vec<CommitSides>> = None;
    for (number, _) in batches.iter().enumerate() {
        walker.progress(number * BATCH_COMMITS, commits.len());
        let sides = listed;
        let mut missing: Vec<PairKey> = sides
            .iter()
            .flat_map(|side| compare::reusable_keys(&side.left.2, &side.right.2))
            .filter(|key| !results.contains_key(key))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let cached = walker.known(&missing);
            missing.retain(|key| !cached.contains_key(key));
            results.extend(cached);
        }
        let next = batches.get(number + 1);
        let (computed, built) = pool.install(|| {
            rayon::join(
                || {
                    let computed = (!missing.is_empty()).then(|| {
                        compare::compute_pairs(pool, repo, &missing, &spec.options, &mut documents)
                    });
                    // Keep only the documents of blobs the last commit
                    // still has: the next commits pair their new blobs
                    // with those.
                    if let Some(last) = sides.last() {
                        let live: HashSet<ObjectId> = [&last.left.2, &last.right.2]
                            .into_iter()
                            .flat_map(|services| services.values().map(|entry| entry.id))
                            .collect();
                        documents.retain(|id, _| live.contains(id));
                    }
                    computed
                },
                || -> Result<_, RepositoryError> {
                    if let Some(ready) = waiting.take() {
                        state.rows(ready, &results)?;
                    }
                    next.map(|batch| state.list(batch)).transpose()
                },
            )
        });
        if let Some(computed) = computed {
            pairs_compared += computed.len();
            walker.computed(&computed);
            results.extend(computed);
        }
        listed = built?.unwrap_or_default();
        waiting = Some(sides);
    }
    if let Some(ready) = waiting.take() {
        state.rows(ready, &results)?;
    }
    walker.progress(commits.len(), commits.len());
    // Pairs loaded for this walk were counted as reused too when their
    // rows took them from the results.
    let pairs_reused = state.pairs_reused - pairs_compared.min(state.pairs_reused);
    Ok(HistoryReport {
        history_id: None,
        repository: repo.name().to_owned(),
        file: spec.options.file.clone(),
        range: spec.range.given.clone(),
        first_parent: spec.range.first_parent,
        left: left_side,
        right: right_side,
        rows: state.rows,
        stats: HistoryStats {
            commits: commits.len(),
            pairs_compared,
            pairs_reused,
        },
    })
}

/// The counts `compare` would print for these services.
fn summary_of(services: &[ServiceResult]) -> Summary {
    let mut summary = Summary {
        services: services.len(),
        ..Summary::default()
    };
    for service in services {
        match &*service.outcome {
            Outcome::Identical => summary.identical += 1,
            // Ignored differences only: identical, as compare counts it.
            Outcome::Different(_) if service.outcome.differences().is_some_and(<[_]>::is_empty) => {
                summary.identical += 1;
            }
            Outcome::Different(_) => {
                summary.different += 1;
                summary.differences += service.outcome.differences().map_or(0, <[_]>::len);
            }
            Outcome::MissingLeft => summary.missing_left += 1,
            Outcome::MissingRight => summary.missing_right += 1,
            Outcome::Error(_) => summary.errors += 1,
        }
    }
    summary
}
