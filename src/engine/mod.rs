//! The engine: what every front end calls. It holds what is expensive to
//! build — one thread pool, and optionally one open database — and turns
//! plain requests into plain results. The command line, a server and a
//! history walk all call it; none of them builds pools or opens
//! repositories on its own, and nothing in here writes to stdout or
//! stderr: what a caller should show goes through its [`Observer`].

mod observer;
mod request;

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime};

use crate::blame::{self, BlameError, BlameReport};
use crate::compare::{self, CompareOptions, Known, PairKey};
use crate::diff::Selector;
use crate::history::{self, HistoryError, HistoryReport, HistorySpec};
use crate::remote::{
    self, Cache, Mirror, MirrorState, MirrorSummary, Network, RemoteError, RemoteUrl, RepoLocation,
    SyncOptions,
};
use crate::report::Outcome;
use crate::report::Report;
use crate::repository::{Repository, RepositoryError};
use crate::side::{SideError, SideSpec};
use crate::store::{GcStats, HistorySummary, RunMeta, RunSummary, SavedKind, Store, StoreError};

pub use observer::{Notice, Observer, Silent};
pub use request::{
    BaselineSource, BlameRequest, CompareRequest, FilesRequest, HistoryRequest, RemoteAccess,
    RepositorySource,
};

/// The stack of each worker thread. The loader caps nesting at
/// [`crate::document::MAX_DEPTH`] and the diff walk recurses once per
/// level; this leaves room for that many levels many times over.
const WORKER_STACK_BYTES: usize = 16 * 1024 * 1024;

/// How an [`Engine`] is built.
pub struct EngineConfig {
    /// Worker threads; `None` for one per core. More than the cores are
    /// never started (see [`Engine::worker_limit`]).
    pub jobs: Option<NonZeroUsize>,
    /// The database runs are saved in and read from, if any.
    pub store: Option<Store>,
    /// Who hears about warnings, waits and progress.
    pub observer: Arc<dyn Observer>,
    /// Keep the results of recent pairs in memory too, in front of the
    /// database's cache: for an engine that answers many requests (a
    /// server), not for one that compares once.
    pub remember_recent: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            jobs: None,
            store: None,
            observer: Arc::new(Silent),
            remember_recent: false,
        }
    }
}

/// Pair results kept in memory at most; past it the memory is emptied and
/// refilled from the database's cache. About 10,000 differences' worth
/// for typical services, and enough for several whole platforms.
const RECENT_OUTCOMES: usize = 8192;

/// Service folders whose config entry an engine remembers at most.
const REMEMBERED_FOLDERS: usize = 200_000;

/// The config entry of service folders listed before, for one file name.
#[derive(Default)]
struct Listings {
    file: String,
    memo: crate::repository::SubtreeMemo,
}

impl Listings {
    /// The memo for `file`: a new one for another file, or when it has
    /// grown past [`REMEMBERED_FOLDERS`].
    fn for_file(&mut self, file: &str) -> &mut crate::repository::SubtreeMemo {
        if self.file != file || self.memo.len() > REMEMBERED_FOLDERS {
            self.file = file.to_owned();
            self.memo.clear();
        }
        &mut self.memo
    }
}

/// Recent pair results, for one options digest (a server is asked the
/// same options over and over; other options start it again).
#[derive(Default)]
struct RecentOutcomes {
    digest: String,
    outcomes: Known,
}

impl RecentOutcomes {
    /// The results for `digest`: emptied for another digest, or when
    /// `adding` more would take it past [`RECENT_OUTCOMES`].
    fn for_digest(&mut self, digest: &str, adding: usize) -> &mut Known {
        if self.digest != digest || self.outcomes.len() + adding > RECENT_OUTCOMES {
            self.digest = digest.to_owned();
            self.outcomes.clear();
        }
        &mut self.outcomes
    }
}

/// A lock that a panic elsewhere did not make unusable: what these locks
/// guard are memos, whole after every insert.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why the engine could not do what was asked. Each variant's message
/// names what the user gave.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A side is not `[REV:]DIR`.
    #[error(transparent)]
    Side(#[from] SideError),
    /// The repository or a side could not be read.
    #[error(transparent)]
    Repository(#[from] RepositoryError),
    /// A remote could not be mirrored.
    #[error(transparent)]
    Remote(#[from] RemoteError),
    /// The database could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A history could not be walked.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// A blame could not run: a bad PATH or TARGET, or a path that was
    /// never there.
    #[error(transparent)]
    Blame(#[from] BlameError),
    /// A baseline file could not be read.
    #[error(transparent)]
    Baseline(#[from] crate::baseline::BaselineError),
    /// Two paths on disk could not be compared.
    #[error(transparent)]
    Files(#[from] crate::files::FilesError),
    /// A history asked for `--recursive`, which only `compare` lists by.
    #[error(
        "history does not take --recursive: compare the nested services with confdiff compare --recursive"
    )]
    RecursiveHistory,
    /// A request needs a database and the engine has none.
    #[error("no database is open")]
    NoStore,
    /// The worker threads could not be started.
    #[error("cannot start {jobs} worker threads: {message}")]
    Workers {
        /// How many were asked for.
        jobs: usize,
        /// What the system said.
        message: String,
    },
}

/// A result that was computed, and whether it was saved.
#[derive(Debug)]
pub struct Saved<T> {
    /// The result; its id is set when it was saved.
    pub report: T,
    /// Why saving failed, when it did: the result is still whole and
    /// should still be shown.
    pub save_error: Option<StoreError>,
}

/// A comparison that ran, and whether it was saved.
#[derive(Debug)]
pub struct Comparison {
    /// The report; its `run_id` is set when it was saved.
    pub report: Report,
    /// Why saving failed, when it did: the report is still whole and
    /// should still be shown.
    pub save_error: Option<StoreError>,
    /// Pairs of config files diffed for this run (not answered from the
    /// cache): what a server reports in its metrics.
    pub pairs_compared: usize,
    /// Pairs whose result came from the cache.
    pub pairs_reused: usize,
}

/// The engine. `Send + Sync`: a server shares one between its requests.
pub struct Engine {
    pool: rayon::ThreadPool,
    store: Option<Mutex<Store>>,
    observer: Arc<dyn Observer>,
    /// Service folders listed before: a server lists the same folders at
    /// every request.
    listings: Mutex<Listings>,
    /// Local repositories opened before, by the path given.
    repositories: Mutex<std::collections::HashMap<PathBuf, Arc<Repository>>>,
    /// Recent pair results, when [`EngineConfig::remember_recent`].
    recent: Option<Mutex<RecentOutcomes>>,
}

impl Engine {
    /// The most worker threads an engine starts: one per core. Loading
    /// and diffing are CPU-bound, so more threads only cost memory and
    /// switching.
    pub fn worker_limit() -> usize {
        std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
    }

    /// Builds the pool (capped at [`Engine::worker_limit`]) and takes the
    /// database.
    pub fn new(config: EngineConfig) -> Result<Engine, EngineError> {
        let limit = Self::worker_limit();
        let jobs = config.jobs.map_or(limit, NonZeroUsize::get).min(limit);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .stack_size(WORKER_STACK_BYTES)
            .thread_name(|i| format!("confdiff-worker-{i}"))
            .build()
            .map_err(|e| EngineError::Workers {
                jobs,
                message: e.to_string(),
            })?;
        Ok(Engine {
            pool,
            store: config.store.map(Mutex::new),
            observer: config.observer,
            listings: Mutex::default(),
            repositories: Mutex::default(),
            recent: config.remember_recent.then(Mutex::default),
        })
    }

    /// How many worker threads compare.
    pub fn jobs(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Opens the repository `source` names: a local path in place, or a
    /// URL through its cached mirror, cloned or fetched first as its
    /// [`RemoteAccess`] says. Reports name a mirror by its URL without
    /// credentials, never by its place in the cache.
    pub fn open(&self, source: &RepositorySource) -> Result<Arc<Repository>, EngineError> {
        let (given, access) = match source {
            RepositorySource::Discover => return Ok(Arc::new(Repository::open(None)?)),
            RepositorySource::Given { location, access } => (location, access),
        };
        match RepoLocation::parse(given)? {
            RepoLocation::Local(path) => self.open_local(&path),
            RepoLocation::Remote(url) => {
                let mirror = self.sync(&url, access)?;
                if let MirrorState::Stale { reason, fetched_at } = &mirror.state {
                    self.observer.notice(&Notice::StaleMirror {
                        url: &mirror.url,
                        reason,
                        fetched_at: *fetched_at,
                    });
                }
                Ok(Arc::new(Repository::open_at(&mirror.path, mirror.url)?))
            }
        }
    }

    /// The local repository at `path`, opened once and kept: references
    /// and packs are read again from disk as they change, so a kept one
    /// sees new commits. A path that is gone, or no longer a folder, is
    /// opened again and fails as a first open would.
    fn open_local(&self, path: &Path) -> Result<Arc<Repository>, EngineError> {
        let still_there = std::fs::metadata(path).is_ok_and(|meta| meta.is_dir());
        let mut open = lock(&self.repositories);
        if let Some(repo) = open.get(path).filter(|_| still_there) {
            return Ok(Arc::clone(repo));
        }
        open.remove(path);
        let repo = Arc::new(Repository::open(Some(path))?);
        open.insert(path.to_path_buf(), Arc::clone(&repo));
        Ok(repo)
    }

    /// Clones or updates the mirror of `location` (a URL, or a local path
    /// mirrored as its `file://` URL) without comparing anything: a fetch
    /// that fails is an error, whatever `access` says.
    pub fn fetch(&self, location: &str, access: &RemoteAccess) -> Result<Mirror, EngineError> {
        let url = RemoteUrl::parse(location)?;
        let access = RemoteAccess {
            network: Network::Online {
                require_fresh: true,
            },
            ..access.clone()
        };
        self.sync(&url, &access)
    }

    /// The mirrors in the cache folder (`None`: the user's), and the
    /// folder.
    pub fn mirrors(
        &self,
        cache_dir: Option<PathBuf>,
    ) -> Result<(PathBuf, Vec<MirrorSummary>), EngineError> {
        let cache = Cache::locate(cache_dir)?;
        let mirrors = cache.list()?;
        Ok((cache.root().to_path_buf(), mirrors))
    }

    fn sync(&self, url: &RemoteUrl, access: &RemoteAccess) -> Result<Mirror, EngineError> {
        let cache = Cache::locate(access.cache_dir.clone())?;
        let on_wait = |lock: &Path| {
            self.observer.notice(&Notice::WaitingForMirror { lock });
        };
        let options = SyncOptions {
            network: access.network,
            progress: self.observer.transfer_started(),
            token: access.token.clone(),
            on_wait: &on_wait,
        };
        let synced = remote::sync(url, &cache, &options);
        self.observer.transfer_finished();
        Ok(synced?)
    }

    /// Compares two sides of an open repository.
    pub fn compare(
        &self,
        repo: &Repository,
        left: &SideSpec,
        right: &SideSpec,
        options: &CompareOptions,
    ) -> Result<Report, EngineError> {
        Ok(self.compare_counted(repo, left, right, options)?.0)
    }

    /// [`Engine::compare`], with the pairs diffed and those answered from
    /// the cache.
    fn compare_counted(
        &self,
        repo: &Repository,
        left: &SideSpec,
        right: &SideSpec,
        options: &CompareOptions,
    ) -> Result<(Report, (usize, usize)), EngineError> {
        let plan = {
            let mut listings = lock(&self.listings);
            let memo = listings.for_file(&options.file);
            compare::Plan::new(repo, left, right, options, memo)?
        };
        let known = self.cached(&plan.reusable_keys(options), options);
        let (report, compared) = plan.compare(&self.pool, repo, options, &known);
        self.remember(&compared.computed, options);
        self.warn(&compared.warnings);
        Ok((report, (compared.computed.len(), known.len())))
    }

    /// Tells the observer what rules could not do.
    fn warn(&self, warnings: &[(String, crate::diff::WalkWarning)]) {
        for (service, warning) in warnings {
            self.observer.notice(&Notice::ListFallback {
                service,
                path: &warning.path,
                message: &warning.message,
            });
        }
    }

    /// The whole job of `confdiff compare`: parse the sides, open the
    /// repository, compare, and save the run when the engine has a
    /// database.
    pub fn run_comparison(&self, request: &CompareRequest) -> Result<Comparison, EngineError> {
        let left = SideSpec::parse(&request.left, &request.rev)?;
        let right = SideSpec::parse(&request.right, &request.rev)?;
        let started_at = SystemTime::now();
        let clock = Instant::now();
        let on_disk = match &request.baseline {
            Some(BaselineSource::File(path)) => load_baseline(Some(path))?,
            _ => None,
        };
        let repo = self.open(&request.repository)?;
        let (report, counts) = self.compare_counted(&repo, &left, &right, &request.options)?;
        let baseline = match &request.baseline {
            Some(BaselineSource::Committed { rev, path }) => {
                // At the commit a side resolved `rev` to, when one did: a
                // branch that moves meanwhile must not pair the sides of
                // one commit with the baseline of another.
                let at = [&report.left, &report.right]
                    .into_iter()
                    .find(|side| &side.rev == rev)
                    .map_or(rev.as_str(), |side| side.commit.as_str());
                Some(committed_baseline(&repo, at, rev, path)?)
            }
            _ => on_disk,
        };
        Ok(self.finish(report, baseline, counts, started_at, clock))
    }

    /// Marks what the baseline accepts and saves the run when the engine
    /// has a database. `counts` are the pairs diffed and those answered
    /// from the cache.
    fn finish(
        &self,
        mut report: Report,
        baseline: Option<(crate::baseline::Baseline, String)>,
        (pairs_compared, pairs_reused): (usize, usize),
        started_at: SystemTime,
        clock: Instant,
    ) -> Comparison {
        if let Some((baseline, file)) = baseline {
            report.baseline = Some(baseline.apply(&report, &file));
        }
        let meta = RunMeta::new(started_at, clock.elapsed());
        let mut save_error = None;
        if let Some(mut store) = self.store_guard() {
            match store.save_run(&report, &meta) {
                Ok(id) => report.run_id = Some(id),
                Err(error) => save_error = Some(error),
            }
        }
        Comparison {
            report,
            save_error,
            pairs_compared,
            pairs_reused,
        }
    }

    /// The whole job of `confdiff files`: list both paths, compare (with
    /// the result cache, under the ids git gives the files), and save the
    /// run when the engine has a database.
    pub fn run_files(&self, request: &FilesRequest) -> Result<Comparison, EngineError> {
        let started_at = SystemTime::now();
        let clock = Instant::now();
        let options = &request.options;
        let baseline = load_baseline(request.baseline.as_deref())?;
        let plan = crate::files::FilesPlan::new(&request.spec, options)?;
        let known = self.cached(&plan.reusable_keys(options), options);
        let (report, compared) = plan.compare(&self.pool, options, &known);
        self.remember(&compared.computed, options);
        self.warn(&compared.warnings);
        let counts = (compared.computed.len(), known.len());
        Ok(self.finish(report, baseline, counts, started_at, clock))
    }

    /// The whole job of `confdiff history`: open the repository, walk the
    /// range, and save the history when the engine has a database.
    pub fn run_history(
        &self,
        request: &HistoryRequest,
    ) -> Result<Saved<HistoryReport>, EngineError> {
        if request.options.rules.spec().recursive {
            return Err(EngineError::RecursiveHistory);
        }
        let started_at = SystemTime::now();
        let clock = Instant::now();
        let repo = self.open(&request.repository)?;
        let spec = HistorySpec {
            left: request.left.clone(),
            right: request.right.clone(),
            range: request.range.clone(),
            options: request.options.clone(),
        };
        let walker = HistoryWalker {
            engine: self,
            options: &request.options,
        };
        let mut report = history::walk(&self.pool, &repo, &spec, &walker)?;
        let meta = RunMeta::new(started_at, clock.elapsed());
        let mut save_error = None;
        if let Some(mut store) = self.store_guard() {
            match store.save_history(&report, &meta) {
                Ok(id) => report.history_id = Some(id),
                Err(error) => save_error = Some(error),
            }
        }
        Ok(Saved { report, save_error })
    }

    /// The whole job of `confdiff blame`: parse PATH and TARGET (before
    /// anything is opened, so a typo fails at once), open the repository
    /// and walk the first parents back from the revision.
    pub fn blame(&self, request: &BlameRequest) -> Result<BlameReport, EngineError> {
        let selector = Selector::parse(&request.path).map_err(BlameError::from)?;
        let target = blame::target(&request.target, &request.rev)?;
        let repo = self.open(&request.repository)?;
        Ok(blame::blame(&repo, &target, &selector, &request.options)?)
    }

    /// What saved `id` is: a run, a history, or nothing.
    pub fn saved_kind(&self, id: i64) -> Result<Option<SavedKind>, EngineError> {
        Ok(self.store()?.saved_kind(id)?)
    }

    /// Saved history `id`, as it was reported.
    pub fn load_history(&self, id: i64) -> Result<HistoryReport, EngineError> {
        Ok(self.store()?.load_history(id)?)
    }

    /// The saved histories, newest first (at most `limit`).
    pub fn list_histories(&self, limit: Option<usize>) -> Result<Vec<HistorySummary>, EngineError> {
        Ok(self.store()?.list_histories(limit)?)
    }

    /// Saved run `id`, as it was reported.
    pub fn load_run(&self, id: i64) -> Result<Report, EngineError> {
        Ok(self.store()?.load_run(id)?)
    }

    /// The newest saved id, run or history, if anything is saved.
    pub fn newest_run(&self) -> Result<Option<i64>, EngineError> {
        Ok(self.store()?.newest_saved()?)
    }

    /// The saved runs, newest first (at most `limit`), and how many there
    /// are in all.
    pub fn list_runs(&self, limit: Option<usize>) -> Result<(Vec<RunSummary>, u64), EngineError> {
        let store = self.store()?;
        Ok((store.list_runs(limit)?, store.count_runs()?))
    }

    /// Removes saved runs (beyond the newest `keep_runs`, and older than
    /// `older_than_days` days), then the cached results no remaining run
    /// needs, then compacts the database; see [`Store::gc`].
    pub fn gc(
        &self,
        keep_runs: Option<usize>,
        older_than_days: Option<u32>,
    ) -> Result<GcStats, EngineError> {
        Ok(self.store()?.gc(keep_runs, older_than_days)?)
    }

    /// Where the database is, when the engine has one.
    pub fn database_path(&self) -> Option<PathBuf> {
        self.store_guard().map(|store| store.path().to_path_buf())
    }

    fn store(&self) -> Result<MutexGuard<'_, Store>, EngineError> {
        self.store_guard().ok_or(EngineError::NoStore)
    }

    /// A panic while holding the store leaves it usable: every write is
    /// one transaction, which SQLite rolled back.
    fn store_guard(&self) -> Option<MutexGuard<'_, Store>> {
        self.store
            .as_ref()
            .map(|store| store.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Engine {
    /// The cached results of `keys`, when the engine has a database. A
    /// cache that cannot be read costs only the recomputation.
    fn cached(&self, keys: &[PairKey], options: &CompareOptions) -> Known {
        if keys.is_empty() {
            return Known::new();
        }
        let digest = options.cache_key();
        let mut known = Known::new();
        let mut missing = keys.to_vec();
        if let Some(recent) = &self.recent {
            let mut recent = lock(recent);
            let outcomes = recent.for_digest(&digest, 0);
            missing.retain(|key| match outcomes.get(key) {
                Some(outcome) => {
                    known.insert(*key, Arc::clone(outcome));
                    false
                }
                None => true,
            });
            if missing.is_empty() {
                return known;
            }
        }
        let Some(store) = self.store_guard() else {
            return known;
        };
        let found = match store.cached_outcomes(&digest, &missing) {
            Ok(found) => found,
            Err(_) => return known,
        };
        drop(store);
        let found: Vec<(PairKey, Arc<Outcome>)> = found
            .into_iter()
            .map(|(key, outcome)| (key, Arc::new(outcome)))
            .collect();
        self.keep_recent(&digest, &found);
        known.extend(found);
        known
    }

    /// Keeps `results` in memory, when the engine keeps recent results.
    fn keep_recent(&self, digest: &str, results: &[(PairKey, Arc<Outcome>)]) {
        let Some(recent) = &self.recent else { return };
        let mut recent = lock(recent);
        let outcomes = recent.for_digest(digest, results.len());
        for (key, outcome) in results.iter().take(RECENT_OUTCOMES) {
            outcomes.insert(*key, Arc::clone(outcome));
        }
    }

    /// Sets the database up for a server (see
    /// [`Store::prepare_for_serving`]): copying its log into it is left
    /// to the returned [`crate::store::Checkpointer`], for the caller to
    /// run on another thread, so that no save pays for it; `None` without
    /// a database.
    pub fn prepare_for_serving(&self) -> Result<Option<crate::store::Checkpointer>, EngineError> {
        match self.store_guard() {
            Some(mut store) => Ok(Some(store.prepare_for_serving()?)),
            None => Ok(None),
        }
    }

    /// Writes the rows of up to `max_runs` runs its server's saves left
    /// pending (see [`Store::prepare_for_serving`]), and returns how many
    /// it wrote; 0 without a database.
    pub fn settle_pending(&self, max_runs: usize) -> Result<usize, EngineError> {
        match self.store_guard() {
            Some(mut store) => Ok(store.settle_pending(max_runs)?),
            None => Ok(0),
        }
    }

    /// Keeps newly computed results in the cache, when the engine has a
    /// database. A cache that cannot be written costs only a later
    /// recomputation, so a failure here fails nothing.
    fn remember(&self, computed: &[(PairKey, std::sync::Arc<Outcome>)], options: &CompareOptions) {
        if computed.is_empty() {
            return;
        }
        if self.recent.is_some() {
            self.keep_recent(&options.cache_key(), computed);
        }
        if let Some(mut store) = self.store_guard() {
            let entries: Vec<(PairKey, Outcome)> = computed
                .iter()
                .map(|(key, outcome)| (*key, Outcome::clone(outcome)))
                .collect();
            let _ = store.cache_outcomes(&options.cache_key(), &entries);
        }
    }
}

/// The engine's side of a history walk: progress to the observer; known
/// results from, and new ones to, the cache when there is one.
struct HistoryWalker<'a> {
    engine: &'a Engine,
    options: &'a CompareOptions,
}

impl history::Walker for HistoryWalker<'_> {
    fn known(&self, keys: &[PairKey]) -> Known {
        self.engine.cached(keys, self.options)
    }

    fn computed(&self, results: &[(PairKey, std::sync::Arc<Outcome>)]) {
        self.engine.remember(results, self.options);
    }

    fn progress(&self, done: usize, total: usize) {
        self.engine
            .observer
            .notice(&Notice::Progress { done, total });
    }
}

/// The baseline file, read before any comparison work so a typo fails at
/// once, with the name it is reported under.
fn load_baseline(
    path: Option<&Path>,
) -> Result<Option<(crate::baseline::Baseline, String)>, EngineError> {
    let Some(path) = path else { return Ok(None) };
    let baseline = crate::baseline::Baseline::load(path, false)?;
    Ok(Some((baseline, path.display().to_string())))
}

/// The baseline committed at `path` in `repo` at `at` (the commit `rev`
/// resolved to, or `rev` itself), named `REV:PATH`. A baseline is a
/// reviewed list, never as large as the config files it describes; one
/// over the default file size limit is refused before it is read.
fn committed_baseline(
    repo: &Repository,
    at: &str,
    rev: &str,
    path: &str,
) -> Result<(crate::baseline::Baseline, String), EngineError> {
    use crate::baseline::{Baseline, BaselineError};
    let name = format!("{rev}:{path}");
    let bytes = repo
        .read_committed(at, path, crate::compare::DEFAULT_MAX_FILE_SIZE)?
        .ok_or_else(|| BaselineError::NotCommitted {
            rev: rev.to_owned(),
            path: path.to_owned(),
        })?;
    let text = String::from_utf8(bytes).map_err(|e| BaselineError::Invalid {
        path: PathBuf::from(&name),
        message: format!(
            "not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let baseline = Baseline::parse(&text, Path::new(&name))?;
    Ok((baseline, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn an_engine_can_be_shared_between_threads() {
        assert_send_sync::<Engine>();
    }

    #[test]
    fn jobs_are_capped_at_the_cores() {
        let engine = Engine::new(EngineConfig {
            jobs: NonZeroUsize::new(100_000),
            ..EngineConfig::default()
        })
        .unwrap();
        assert_eq!(engine.jobs(), Engine::worker_limit());
        let one = Engine::new(EngineConfig {
            jobs: NonZeroUsize::new(1),
            ..EngineConfig::default()
        })
        .unwrap();
        assert_eq!(one.jobs(), 1);
    }
}
