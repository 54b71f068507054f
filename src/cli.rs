//! The command line, and its conversion into the requests and options
//! each part of the program needs. Nothing outside this module sees clap.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::blame::BlameOptions;
use crate::compare::{CompareOptions, DEFAULT_MAX_FILE_SIZE};
use crate::engine::{
    BlameRequest, CompareRequest, FilesRequest, HistoryRequest, RemoteAccess, RepositorySource,
};
use crate::files::FilesSpec;
use crate::printers::Format;
use crate::remote::{self, Network};
use crate::repository::CommitRange;

const COMPARE_AFTER_HELP: &str = "\
Examples:
  confdiff compare implementation_1 implementation_2
  confdiff compare v1.4.0:implementation_1 main:implementation_1
  confdiff compare --repo https://example.com/acme/platform.git --format json implementation_1 implementation_2

Every run is saved in an SQLite database (see --db) unless --no-save is
given; `confdiff runs` lists saved runs and `confdiff show RUN` prints one
again.

Exit status: 0 the comparison ran; 1 with --exit-code, some service is not
identical; 2 the comparison could not run or could not be saved.";

const FILES_AFTER_HELP: &str = "\
Examples:
  confdiff files old/configuration.yml new/configuration.yml
  confdiff files --format json checkout-a/implementation_1 checkout-b/implementation_1
  git difftool -y -x 'confdiff files' HEAD~1 -- implementation_2
  GIT_EXTERNAL_DIFF='confdiff files' git diff HEAD~1 -- implementation_2";

const ACCEPT_AFTER_HELP: &str = "\
Examples:
  confdiff accept --reason 'implementation_2 migrates later'
  confdiff accept 12 --service 'billing*' --baseline ci/baseline.json
  confdiff accept --prune";

const HISTORY_AFTER_HELP: &str = "\
Examples:
  confdiff history implementation_1 implementation_2 --range v1.0..main
  confdiff history v1.0:implementation_1 implementation_1 --range v1.0..main --plot drift.svg
  confdiff history implementation_1 implementation_2 --last 50 --first-parent --format csv

A side written DIR follows the range (at each commit C it is C:DIR); a side
written REV:DIR stays at REV. The commits are those of `git rev-list
--topo-order --reverse [--first-parent] [-n N] RANGE`. Every history is saved
(unless --no-save); `confdiff show ID` prints it again.";

const BLAME_AFTER_HELP: &str = "\
Examples:
  confdiff blame implementation_2/billing spec.replicas
  confdiff blame --all v1.4.0:implementation_1/api 'labels[\"app.kubernetes.io/name\"]'
  confdiff blame --format json implementation_1/api/configuration.yml '[\"spec\",\"ports\",0]'

TARGET is a file from the repository root, or a service folder (a folder at
REV), in which case --file is appended. PATH is written as confdiff prints
paths (spec.ports[0].name, shards[2 (int)], (root)) or as a JSON array.
Only the first-parent chain from REV is walked.

Exit status: 0 a change was found; 2 the blame could not run, or the path
was never present on that chain.";

const RUNS_AFTER_HELP: &str = "\
Examples:
  confdiff runs
  confdiff runs --limit 5 --format json
  confdiff runs --db /media/usb/confdiff.db";

const SHOW_AFTER_HELP: &str = "\
Examples:
  confdiff show
  confdiff show 12
  confdiff show 12 --format json --exit-code";

const GC_AFTER_HELP: &str = "\
Examples:
  confdiff gc
  confdiff gc --keep-runs 100
  confdiff gc --older-than 90 --db /media/usb/confdiff.db

Without --keep-runs or --older-than no run is removed, only the cached
results that no saved run refers to; with both, a run either option names
is removed. The database is compacted afterwards. Exit status 2 when the
database does not exist or could not be cleaned up.";

const FETCH_AFTER_HELP: &str = "\
Examples:
  confdiff fetch https://example.com/acme/platform.git git@example.com:acme/infra.git
  confdiff fetch --cache-dir /media/usb/confdiff https://example.com/acme/platform.git
  confdiff fetch --list

A failed clone leaves nothing behind; exit status 2 when any repository
could not be cloned or fetched.";

const COMPLETIONS_AFTER_HELP: &str = "\
Examples:
  confdiff completions bash > ~/.local/share/bash-completion/completions/confdiff
  confdiff completions zsh > ~/.zfunc/_confdiff
  confdiff completions fish > ~/.config/fish/completions/confdiff.fish";

const MAN_AFTER_HELP: &str = "\
Examples:
  confdiff man | man -l -
  confdiff man > ~/.local/share/man/man1/confdiff.1";

/// Semantic differences between YAML configuration trees, read straight
/// from a git repository's object database.
#[derive(Debug, Parser)]
#[command(name = "confdiff", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// The command line of this process; prints help or a usage error and
    /// exits (status 2) when it does not parse.
    pub fn from_args() -> Self {
        Cli::parse()
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare every service's config file between two sides.
    #[command(after_help = COMPARE_AFTER_HELP)]
    Compare(CompareArgs),
    /// Compare two YAML files, or two directories of service folders, on
    /// disk: work trees with uncommitted edits, configs outside git, and
    /// git's difftool or external diff.
    #[command(after_help = FILES_AFTER_HELP)]
    Files(FilesArgs),
    /// Compare two sides at every commit of a range: when they drifted
    /// apart, and how far.
    #[command(after_help = HISTORY_AFTER_HELP)]
    History(HistoryArgs),
    /// Show the commit that last changed one value of a config file.
    ///
    /// With --all, every commit that changed it, newest first.
    #[command(after_help = BLAME_AFTER_HELP)]
    Blame(BlameArgs),
    /// List the saved runs, newest first.
    #[command(after_help = RUNS_AFTER_HELP)]
    Runs(RunsArgs),
    /// Print a saved run exactly as `compare` printed it.
    #[command(after_help = SHOW_AFTER_HELP)]
    Show(ShowArgs),
    /// Remove old runs and the cached results no saved run needs, and
    /// compact the database.
    #[command(after_help = GC_AFTER_HELP)]
    Gc(GcArgs),
    /// Accept the differences and missing services of a saved run into a
    /// baseline file, to review and commit: `compare --baseline` then
    /// fails only on what is not in it.
    #[command(after_help = ACCEPT_AFTER_HELP)]
    Accept(AcceptArgs),
    /// Clone or update the cached mirrors of remote repositories, ahead of
    /// offline use; or list them.
    #[command(after_help = FETCH_AFTER_HELP)]
    Fetch(FetchArgs),
    /// Serve comparisons over HTTP (a JSON API and pages to browse the
    /// saved runs), from the same engine and database.
    #[command(after_help = SERVE_AFTER_HELP)]
    Serve(ServeArgs),
    /// Print a shell completion script on stdout.
    #[command(after_help = COMPLETIONS_AFTER_HELP)]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on stdout.
    #[command(after_help = MAN_AFTER_HELP)]
    Man,
}

/// Where runs are saved; shared by every command that touches them.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// SQLite database the runs are saved in [default:
    /// <user data dir>/confdiff/confdiff.db, e.g.
    /// ~/.local/share/confdiff/confdiff.db].
    #[arg(long, value_name = "PATH", env = "CONFDIFF_DB")]
    pub db: Option<PathBuf>,
}

/// `confdiff runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    /// The database.
    #[command(flatten)]
    pub db: DbArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    /// Show at most this many runs (0 shows all).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

/// `confdiff show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The run's id, as `compare` and `runs` print it [default: the newest
    /// run].
    #[arg(value_name = "RUN")]
    pub run: Option<i64>,

    /// The database.
    #[command(flatten)]
    pub db: DbArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormatArg::Human)]
    pub format: ReportFormatArg,

    /// Exit 1 when any service of the run is not identical.
    #[arg(long)]
    pub exit_code: bool,

    /// List accepted differences in the human output instead of counting
    /// them.
    #[arg(long)]
    pub show_accepted: bool,

    /// Colour the human output: auto honours NO_COLOR and a non-terminal
    /// stdout.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    /// Fit each difference line in N characters (paths shortened in the
    /// middle, values at the end) [default: the terminal's width when
    /// stdout is a terminal, else values cut at 48 characters].
    #[arg(long, value_name = "N")]
    pub width: Option<NonZeroUsize>,

    /// Never shorten values or paths in the human output.
    #[arg(long)]
    pub full_values: bool,
}

/// `confdiff gc`.
#[derive(Debug, Args)]
pub struct GcArgs {
    /// The database.
    #[command(flatten)]
    pub db: DbArgs,

    /// Keep the N newest runs and remove the older ones.
    #[arg(long, value_name = "N", value_parser = parse_at_least_one::<NonZeroUsize>)]
    pub keep_runs: Option<NonZeroUsize>,

    /// Remove the runs made more than DAYS days ago.
    #[arg(long, value_name = "DAYS", value_parser = parse_at_least_one::<NonZeroU32>)]
    pub older_than: Option<NonZeroU32>,
}

/// A whole number of at least 1: `gc` options where 0 would remove every
/// run, which is more often a slip than a wish.
fn parse_at_least_one<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    let at_least_one =
        "must be a whole number, at least 1 (to remove every run, delete the database file)";
    match text.trim().parse::<u64>() {
        Ok(0) => Err(at_least_one.to_owned()),
        Ok(_) => text
            .trim()
            .parse()
            .map_err(|_| format!("'{text}' is too large")),
        Err(_) => Err(at_least_one.to_owned()),
    }
}

/// `confdiff compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Left side, [REV:]DIR: REV is anything `git rev-parse` accepts (branch,
    /// tag, full or short commit id, HEAD~3); DIR is a path from the
    /// repository root ("." for the root).
    #[arg(value_name = "LEFT")]
    pub left: OsString,

    /// Right side, [REV:]DIR.
    #[arg(value_name = "RIGHT")]
    pub right: OsString,

    /// The repository and, for a URL, how to reach it.
    #[command(flatten)]
    pub source: RepoArgs,

    /// Revision for a side written without REV:.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: OsString,

    /// Config file name in each service folder.
    #[arg(long, value_name = "NAME", default_value = "configuration.yml")]
    pub file: OsString,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormatArg::Human)]
    pub format: ReportFormatArg,

    /// Exit 1 when any service is not identical.
    #[arg(long)]
    pub exit_code: bool,

    /// Worker threads [default: all cores]. At most one per core is
    /// started: the work is CPU-bound, so more would only cost memory.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Colour the human output: auto honours NO_COLOR and a non-terminal
    /// stdout.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    /// Fit each difference line in N characters (paths shortened in the
    /// middle, values at the end) [default: the terminal's width when
    /// stdout is a terminal, else values cut at 48 characters].
    #[arg(long, value_name = "N")]
    pub width: Option<NonZeroUsize>,

    /// Never shorten values or paths in the human output.
    #[arg(long)]
    pub full_values: bool,

    /// Larger config files are a per-service error. A number of bytes,
    /// or with a unit: 512k, 1MiB, 2M, 1G (k, M, G and KiB, MiB, GiB are
    /// powers of 1024; KB, MB, GB of 1000) [default: 16MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size, allow_hyphen_values = true,
          default_value_t = DEFAULT_MAX_FILE_SIZE, hide_default_value = true)]
    pub max_file_size: u64,

    /// What to ignore, how to match lists, which services.
    #[command(flatten)]
    pub rules: RulesArgs,

    /// The database the run is saved in.
    #[command(flatten)]
    pub db: DbArgs,

    /// Do not save the run (its JSON run_id is null).
    #[arg(long)]
    pub no_save: bool,

    /// A baseline file of accepted differences (see `confdiff accept`):
    /// differences it lists are marked accepted, and --exit-code ignores
    /// them [default: the config file's `baseline`, if it names one].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// List accepted differences in the human output instead of counting
    /// them.
    #[arg(long)]
    pub show_accepted: bool,
}

/// `confdiff files`.
#[derive(Debug, Args)]
pub struct FilesArgs {
    /// A B: two files, or two directories of service folders. Seven
    /// arguments are git's external diff call (PATH OLD-FILE OLD-HEX
    /// OLD-MODE NEW-FILE NEW-HEX NEW-MODE): OLD-FILE and NEW-FILE are
    /// compared as the service PATH, and /dev/null is a missing side.
    #[arg(value_name = "PATHS", num_args = 2..=7, required = true)]
    pub paths: Vec<OsString>,

    /// Config file name in each service folder (for directories).
    #[arg(long, value_name = "NAME", default_value = "configuration.yml")]
    pub file: OsString,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormatArg::Human)]
    pub format: ReportFormatArg,

    /// Exit 1 when any service is not identical.
    #[arg(long)]
    pub exit_code: bool,

    /// Worker threads [default: all cores].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Colour the human output: auto honours NO_COLOR and a non-terminal
    /// stdout.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    pub color: ColorArg,

    /// Fit each difference line in N characters.
    #[arg(long, value_name = "N")]
    pub width: Option<NonZeroUsize>,

    /// Never shorten values or paths in the human output.
    #[arg(long)]
    pub full_values: bool,

    /// Larger config files are a per-service error [default: 16MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size, allow_hyphen_values = true,
          default_value_t = DEFAULT_MAX_FILE_SIZE, hide_default_value = true)]
    pub max_file_size: u64,

    /// What to ignore, how to match lists, which services.
    #[command(flatten)]
    pub rules: RulesArgs,

    /// The database the run is saved in (and results are cached in).
    #[command(flatten)]
    pub db: DbArgs,

    /// Do not save the run and use no cache (its JSON run_id is null).
    #[arg(long)]
    pub no_save: bool,

    /// A baseline file of accepted differences (see `confdiff accept`)
    /// [default: the config file's `baseline`, if it names one].
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// List accepted differences in the human output instead of counting
    /// them.
    #[arg(long)]
    pub show_accepted: bool,
}

impl FilesArgs {
    /// The engine's request. Two paths are A and B; seven are git's
    /// external diff call.
    pub fn request(&self) -> Result<FilesRequest, ArgumentError> {
        let side =
            |given: &OsString| (given.as_os_str() != "/dev/null").then(|| PathBuf::from(given));
        let spec = match self.paths.as_slice() {
            [a, b] => FilesSpec {
                left: side(a),
                right: side(b),
                name: None,
            },
            [path, old, _, _, new, _, _] => FilesSpec {
                left: side(old),
                right: side(new),
                name: Some(utf8("PATH", path)?),
            },
            paths => {
                return Err(ArgumentError::Invalid {
                    what: "PATHS".to_owned(),
                    message: format!(
                        "give two paths (A B) or git's seven external diff arguments, not {}",
                        paths.len()
                    ),
                });
            }
        };
        // The config file of the work tree confdiff runs in, as git
        // runs an external diff at the top of its work tree.
        let configured = self.rules.configured(|| {
            let repo = gix::discover(".").ok()?;
            repo.workdir().map(std::path::Path::to_path_buf)
        })?;
        Ok(FilesRequest {
            baseline: self.baseline.clone().or(configured.baseline),
            spec,
            options: CompareOptions {
                file: file_name(&self.file)?,
                max_file_size: self.max_file_size,
                rules: configured.rules,
            },
        })
    }
}

/// `confdiff accept`.
#[derive(Debug, Args)]
pub struct AcceptArgs {
    /// The run whose differences are accepted [default: the newest run].
    #[arg(value_name = "RUN")]
    pub run: Option<i64>,

    /// The database.
    #[command(flatten)]
    pub db: DbArgs,

    /// The baseline file; created when it is not there.
    #[arg(long, value_name = "FILE", default_value = crate::baseline::DEFAULT_BASELINE)]
    pub baseline: PathBuf,

    /// Why these differences are accepted, kept with each new entry.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,

    /// Only services whose names match (repeatable; `*`, `?`, `[abc]`).
    #[arg(long, value_name = "GLOB")]
    pub service: Vec<String>,

    /// Remove the entries (of the chosen services) the run no longer has.
    #[arg(long)]
    pub prune: bool,
}

/// `confdiff blame`.
#[derive(Debug, Args)]
pub struct BlameArgs {
    /// [REV:]TARGET: a file path from the repository root, or a service
    /// folder (the config file named by --file is appended). REV is
    /// anything `git rev-parse` accepts.
    #[arg(value_name = "[REV:]TARGET")]
    pub target: OsString,

    /// The path inside the file, as confdiff prints paths
    /// (spec.ports[0].name, labels["app.kubernetes.io/name"],
    /// shards[2 (int)]) or as a JSON array (["spec","replicas"]).
    #[arg(value_name = "PATH", allow_hyphen_values = true)]
    pub path: OsString,

    /// The repository and, for a URL, how to reach it.
    #[command(flatten)]
    pub source: RepoArgs,

    /// Revision the walk starts from when TARGET has no REV:.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: OsString,

    /// Config file name in a service folder TARGET.
    #[arg(long, value_name = "NAME", default_value = "configuration.yml")]
    pub file: OsString,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    /// Every change, newest first, not only the newest.
    #[arg(long)]
    pub all: bool,

    /// Larger versions of the file count as an error state (see compare
    /// --max-file-size) [default: 16MiB].
    #[arg(long, value_name = "SIZE", value_parser = parse_size, allow_hyphen_values = true,
          default_value_t = DEFAULT_MAX_FILE_SIZE, hide_default_value = true)]
    pub max_file_size: u64,
}

impl BlameArgs {
    /// The request the engine runs.
    pub fn request(&self) -> Result<BlameRequest, ArgumentError> {
        Ok(BlameRequest {
            repository: self.source.source()?,
            target: utf8("TARGET", &self.target)?,
            rev: utf8("--rev", &self.rev)?,
            path: utf8("PATH", &self.path)?,
            options: BlameOptions {
                file: file_name(&self.file)?,
                max_file_size: self.max_file_size,
                all: self.all,
            },
        })
    }
}

/// `confdiff history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Left side: DIR follows the range, REV:DIR is pinned to REV.
    #[arg(value_name = "LEFT")]
    pub left: OsString,

    /// Right side: DIR follows the range, REV:DIR is pinned to REV.
    #[arg(value_name = "RIGHT")]
    pub right: OsString,

    /// The repository and, for a URL, how to reach it.
    #[command(flatten)]
    pub source: RepoArgs,

    /// The commits: A..B (reachable from B, not from A), or one revision
    /// and all its ancestors.
    #[arg(long, value_name = "RANGE", default_value = "HEAD")]
    pub range: OsString,

    /// Follow only the first parent of merge commits.
    #[arg(long)]
    pub first_parent: bool,

    /// Only the newest N commits of the range.
    #[arg(long, value_name = "N")]
    pub last: Option<NonZeroUsize>,

    /// Config file name in each service folder.
    #[arg(long, value_name = "NAME", default_value = "configuration.yml")]
    pub file: OsString,

    /// Larger config files are a per-service error (a size as for compare).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, allow_hyphen_values = true,
          default_value_t = DEFAULT_MAX_FILE_SIZE, hide_default_value = true)]
    pub max_file_size: u64,

    /// Worker threads [default: all cores; at most one per core].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = HistoryFormatArg::Human)]
    pub format: HistoryFormatArg,

    /// Also draw the counts over the commits as an SVG chart in FILE.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,

    /// What to ignore, how to match lists, which services.
    #[command(flatten)]
    pub rules: RulesArgs,

    /// The database the history is saved in.
    #[command(flatten)]
    pub db: DbArgs,

    /// Do not save the history (its JSON history_id is null).
    #[arg(long)]
    pub no_save: bool,
}

impl HistoryArgs {
    /// The request the engine runs.
    pub fn request(&self) -> Result<HistoryRequest, ArgumentError> {
        Ok(HistoryRequest {
            repository: self.source.source()?,
            left: utf8("LEFT", &self.left)?,
            right: utf8("RIGHT", &self.right)?,
            range: CommitRange {
                given: utf8("--range", &self.range)?,
                first_parent: self.first_parent,
                last: self.last.map(NonZeroUsize::get),
            },
            options: CompareOptions {
                file: file_name(&self.file)?,
                max_file_size: self.max_file_size,
                rules: self.rules.rules(&self.source)?,
            },
        })
    }
}

/// `--format` of `history`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormatArg {
    /// The rows with changes, for people.
    Human,
    /// The JSON document described in the README.
    Json,
    /// One line per commit with the counts.
    Csv,
}

impl From<HistoryFormatArg> for Format {
    fn from(format: HistoryFormatArg) -> Self {
        match format {
            HistoryFormatArg::Human => Format::Human,
            HistoryFormatArg::Json => Format::Json,
            HistoryFormatArg::Csv => Format::Csv,
        }
    }
}

/// `--format` of `compare` and `show`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormatArg {
    /// Aligned text for people.
    Human,
    /// The JSON document described in the README.
    Json,
    /// GitHub Actions workflow commands: an annotation on each changed line.
    Github,
    /// A GitLab Code Quality report (JSON).
    Gitlab,
    /// Markdown tables, to paste as a pull-request comment.
    Markdown,
    /// JUnit XML: one test case per service.
    Junit,
    /// RFC 6902 JSON Patches that turn each left document into the right one.
    Patch,
}

impl From<ReportFormatArg> for Format {
    fn from(format: ReportFormatArg) -> Self {
        match format {
            ReportFormatArg::Human => Format::Human,
            ReportFormatArg::Json => Format::Json,
            ReportFormatArg::Github => Format::Github,
            ReportFormatArg::Gitlab => Format::Gitlab,
            ReportFormatArg::Markdown => Format::Markdown,
            ReportFormatArg::Junit => Format::Junit,
            ReportFormatArg::Patch => Format::Patch,
        }
    }
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned text for people.
    Human,
    /// The JSON document described in the README.
    Json,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
        }
    }
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour when stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorArg {
    /// Whether to colour what goes to stdout.
    pub fn resolve(self) -> bool {
        match self {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }
}

/// The comparison rules, shared by `compare` and `history`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Rules")]
pub struct RulesArgs {
    /// Do not report differences at SELECTOR or below it (repeatable):
    /// a path as confdiff prints it, with `*` (one step), `**` (any
    /// number) and `[k=v]`, or a JSON Pointer (`/spec/replicas`).
    #[arg(long, value_name = "SELECTOR")]
    pub ignore: Vec<String>,

    /// List the ignored differences too, marked.
    #[arg(long)]
    pub show_ignored: bool,

    /// Match the items of the sequences at SELECTOR by KEY instead of by
    /// index (repeatable): `--list-key '**.containers=name'`.
    #[arg(long, value_name = "SELECTOR=KEY")]
    pub list_key: Vec<String>,

    /// Compare the sequences at SELECTOR as multisets (repeatable).
    #[arg(long, value_name = "SELECTOR")]
    pub ignore_order: Vec<String>,

    /// Match every other sequence of mappings by the first of these keys
    /// that identifies every item: `auto` (name, id, key) or `k1,k2`.
    #[arg(long, value_name = "auto|K1,K2")]
    pub list_keys: Option<String>,

    /// Only the services whose names match GLOB (repeatable; `*` any
    /// characters, `?` one).
    #[arg(long, value_name = "GLOB")]
    pub service: Vec<String>,

    /// A service is any folder below DIR, at any depth, that holds the
    /// file, named by its path from DIR (`team-a/billing`).
    #[arg(long)]
    pub recursive: bool,

    /// Read rules from FILE [default: .confdiff.toml in the current
    /// directory, else at the root of the repository's work tree].
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Read no config file.
    #[arg(long)]
    pub no_config: bool,
}

/// What the rule options and the config file they find say.
pub struct Configured {
    /// The rules: the config file's, then the command line's.
    pub rules: crate::rules::Rules,
    /// The baseline file the config file names, if any.
    pub baseline: Option<PathBuf>,
}

impl RulesArgs {
    /// The rules: the config file's, then those of the command line
    /// (`--list-keys` replaces the file's `list_keys`).
    pub fn rules(&self, source: &RepoArgs) -> Result<crate::rules::Rules, ArgumentError> {
        Ok(self.configured(|| work_tree_root(source))?.rules)
    }

    /// The rules and the config file's baseline. The config file is
    /// `--config`, else `.confdiff.toml` in the current directory, else
    /// the one at the root `work_tree` finds (called only when needed).
    pub fn configured(
        &self,
        work_tree: impl FnOnce() -> Option<PathBuf>,
    ) -> Result<Configured, ArgumentError> {
        use crate::rules::{AUTO_LIST_KEYS, CONFIG_FILE_NAME, IgnoreSpec, ListSpec};
        let config = if self.no_config {
            None
        } else if let Some(file) = &self.config {
            Some(file.clone())
        } else {
            let here = PathBuf::from(CONFIG_FILE_NAME);
            if here.is_file() {
                Some(here)
            } else {
                work_tree()
                    .map(|root| root.join(CONFIG_FILE_NAME))
                    .filter(|path| path.is_file())
            }
        };
        let crate::rules::Config {
            rules: mut spec,
            baseline,
        } = match &config {
            Some(path) => crate::rules::load_config(path, &path.display().to_string())
                .map_err(crate::rules::RulesError::from)?,
            None => crate::rules::Config::default(),
        };
        // Checked here so that a bad selector is named by its option.
        let options = [
            ("--ignore", &self.ignore),
            ("--ignore-order", &self.ignore_order),
        ];
        for (option, given) in options {
            for text in given {
                check_selector(option, text)?;
            }
        }
        for given in &self.list_key {
            if let Some((path, _)) = given.rsplit_once('=') {
                check_selector("--list-key", path)?;
            }
        }
        spec.ignore
            .extend(self.ignore.iter().map(|path| IgnoreSpec {
                paths: vec![path.clone()],
                ..IgnoreSpec::default()
            }));
        for given in &self.list_key {
            let Some((path, key)) = given.rsplit_once('=') else {
                return Err(ArgumentError::ListKey(given.clone()));
            };
            if key.is_empty() || key.contains(']') {
                return Err(ArgumentError::ListKey(given.clone()));
            }
            spec.lists.push(ListSpec {
                path: path.to_owned(),
                key: Some(key.to_owned()),
                order: None,
            });
        }
        spec.lists
            .extend(self.ignore_order.iter().map(|path| ListSpec {
                path: path.clone(),
                key: None,
                order: Some("ignore".to_owned()),
            }));
        if let Some(keys) = &self.list_keys {
            spec.list_keys = if keys == "auto" {
                AUTO_LIST_KEYS.iter().map(|k| (*k).to_owned()).collect()
            } else {
                keys.split(',').map(|k| k.trim().to_owned()).collect()
            };
        }
        spec.services.extend(self.service.iter().cloned());
        spec.recursive |= self.recursive;
        spec.show_ignored |= self.show_ignored;
        Ok(Configured {
            rules: crate::rules::Rules::new(spec)?,
            baseline,
        })
    }
}

/// A selector given to `option`, or the error naming the option.
fn check_selector(option: &str, text: &str) -> Result<(), ArgumentError> {
    crate::diff::Pattern::parse(text)
        .map(drop)
        .map_err(|error| {
            ArgumentError::Rules(crate::rules::RulesError::Selector {
                rule: option.to_owned(),
                error,
            })
        })
}

/// The work tree root of the repository the arguments name, when it is a
/// local one with a work tree.
fn work_tree_root(source: &RepoArgs) -> Option<PathBuf> {
    let start = match source.source().ok()? {
        RepositorySource::Discover => PathBuf::from("."),
        RepositorySource::Given { location, .. } => {
            match remote::RepoLocation::parse(&location).ok()? {
                remote::RepoLocation::Local(path) => path,
                remote::RepoLocation::Remote(_) => return None,
            }
        }
    };
    let repo = gix::discover(start).ok()?;
    repo.workdir().map(std::path::Path::to_path_buf)
}

/// An argument that parsed but cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ArgumentError {
    /// A rule that cannot be used.
    #[error(transparent)]
    Rules(#[from] crate::rules::RulesError),
    /// A `--list-key` that is not SELECTOR=KEY.
    #[error("invalid --list-key '{0}': write SELECTOR=KEY, such as '**.containers=name'")]
    ListKey(String),
    /// A `--file` that is not a plain file name.
    #[error("invalid --file '{0}': give a file name such as configuration.yml, not a path")]
    FileName(String),
    /// An argument that must be text is not UTF-8.
    #[error(
        "{argument} is not UTF-8 ('{lossy}'): revisions, folders, file names and URLs must be UTF-8"
    )]
    NotUtf8 {
        /// Which argument, as `--help` names it.
        argument: &'static str,
        /// The argument with its invalid bytes replaced.
        lossy: String,
    },
    /// A number of arguments that means nothing.
    #[error("{what}: {message}")]
    Invalid {
        /// Which argument.
        what: String,
        /// What is wrong, and what to give instead.
        message: String,
    },
}

/// `value` as text, or an error naming `argument`.
fn utf8(argument: &'static str, value: &OsStr) -> Result<String, ArgumentError> {
    value
        .to_str()
        .map(str::to_owned)
        .ok_or_else(|| ArgumentError::NotUtf8 {
            argument,
            lossy: value.to_string_lossy().into_owned(),
        })
}

impl CompareArgs {
    /// The request the engine runs.
    pub fn request(&self) -> Result<CompareRequest, ArgumentError> {
        let file = file_name(&self.file)?;
        let configured = self.rules.configured(|| work_tree_root(&self.source))?;
        Ok(CompareRequest {
            baseline: self
                .baseline
                .clone()
                .or(configured.baseline)
                .map(crate::engine::BaselineSource::File),
            repository: self.source.source()?,
            left: utf8("LEFT", &self.left)?,
            right: utf8("RIGHT", &self.right)?,
            rev: utf8("--rev", &self.rev)?,
            options: CompareOptions {
                file,
                max_file_size: self.max_file_size,
                rules: configured.rules,
            },
        })
    }
}

/// A `--file` that names a file in each service folder, not a path.
fn file_name(given: &OsStr) -> Result<String, ArgumentError> {
    let file = utf8("--file", given)?;
    if file.is_empty() || file == "." || file == ".." || file.contains(['/', '\\', '\0']) {
        return Err(ArgumentError::FileName(file));
    }
    Ok(file)
}

/// `1048576`, `512k`, `1MiB`, `2 MB`: a size in bytes. Units are
/// case-insensitive except that `k`, `M`, `G` and the `iB` forms are
/// powers of 1024 and `KB`, `MB`, `GB` powers of 1000, as people write
/// them.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let positive =
        "must be a positive size: a number of bytes, or with a unit such as 512k, 1MiB, 2G";
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(trimmed.len());
    let (digits, unit) = trimmed.split_at(split);
    if digits.is_empty() {
        return Err(positive.to_owned());
    }
    let number: u64 = digits
        .parse()
        .map_err(|_| format!("'{text}' is too large"))?;
    let factor: u64 = match unit.trim() {
        "" | "b" | "B" => 1,
        "k" | "K" | "KiB" | "kiB" | "Ki" => 1 << 10,
        "m" | "M" | "MiB" | "Mi" => 1 << 20,
        "g" | "G" | "GiB" | "Gi" => 1 << 30,
        "KB" | "kB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        other => {
            return Err(format!(
                "unknown unit '{other}': use k, M, G (powers of 1024), KiB, MiB, GiB, or KB, MB, GB (powers of 1000)"
            ));
        }
    };
    let size = number
        .checked_mul(factor)
        .ok_or_else(|| format!("'{text}' is too large"))?;
    if size == 0 {
        return Err(positive.to_owned());
    }
    Ok(size)
}

/// `--repo` and how a remote repository is reached: shared by every
/// command that reads a repository.
#[derive(Debug, Args)]
pub struct RepoArgs {
    /// A URL (https://, http://, ssh://, git://, file://, or
    /// git@host:org/repo.git), read through a bare mirror in the cache that
    /// is cloned on first use and fetched before each later one; or a local
    /// work tree or bare repository, read in place [default: found from
    /// the current directory, like git].
    #[arg(long, value_name = "URL|PATH", help_heading = REPOSITORY)]
    pub repo: Option<OsString>,

    /// The cache folder (the help text is `CACHE_DIR_HELP`, shared with
    /// `confdiff fetch`).
    #[arg(long, value_name = "DIR", env = "CONFDIFF_CACHE", help = CACHE_DIR_HELP, help_heading = REPOSITORY)]
    pub cache_dir: Option<PathBuf>,

    /// Never touch the network: use the cached mirror as it is (set
    /// CONFDIFF_OFFLINE=1 for the same).
    #[arg(
        long,
        env = "CONFDIFF_OFFLINE",
        value_parser = BoolishValueParser::new(),
        conflicts_with = "require_fresh",
        help_heading = REPOSITORY
    )]
    pub offline: bool,

    /// Exit 2 when the remote cannot be fetched, instead of warning and
    /// using the mirror as last fetched.
    #[arg(long, help_heading = REPOSITORY)]
    pub require_fresh: bool,
}

impl RepoArgs {
    /// The repository to open.
    pub fn source(&self) -> Result<RepositorySource, ArgumentError> {
        let Some(repo) = &self.repo else {
            return Ok(RepositorySource::Discover);
        };
        let network = if self.offline {
            Network::Offline
        } else {
            Network::Online {
                require_fresh: self.require_fresh,
            }
        };
        Ok(RepositorySource::Given {
            location: utf8("--repo", repo)?,
            access: RemoteAccess {
                cache_dir: self.cache_dir.clone(),
                network,
                token: std::env::var(remote::TOKEN_VAR).ok(),
            },
        })
    }
}

/// The help heading of [`RepoArgs`] in each command's help.
const REPOSITORY: &str = "Repository";

const CACHE_DIR_HELP: &str = "Cache folder; mirrors go to DIR/repos/<host>/<path>.git [default: <user cache folder>/confdiff]";

/// `confdiff fetch`.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Repositories to clone into the cache, or to update there. A local
    /// path is mirrored as a file:// URL.
    #[arg(
        value_name = "URL",
        required_unless_present = "list",
        conflicts_with = "list"
    )]
    pub urls: Vec<OsString>,

    /// List the cached mirrors with their URL, size and last fetch time.
    #[arg(long)]
    pub list: bool,

    /// The cache folder.
    #[arg(long, value_name = "DIR", env = "CONFDIFF_CACHE", help = CACHE_DIR_HELP)]
    pub cache_dir: Option<PathBuf>,
}

impl FetchArgs {
    /// The URLs, as text.
    pub fn urls(&self) -> Result<Vec<String>, ArgumentError> {
        self.urls.iter().map(|url| utf8("URL", url)).collect()
    }
}

const SERVE_AFTER_HELP: &str = "\
Examples:
  confdiff serve --allow-repo ~/src/platform
  confdiff serve --listen 0.0.0.0:8080 --token-file /etc/confdiff/token --allow-repo https://example.com/acme/platform.git
  curl -s -X POST localhost:8080/api/comparisons -d '{\"left\":\"v1:implementation_1\",\"right\":\"implementation_2\"}'

Prints 'listening on http://ADDR' on stderr once ready. SIGTERM or SIGINT
stops accepting, lets running comparisons finish (--shutdown-grace) and
exits 0. The README's Server section lists the endpoints.";

/// `confdiff serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; one that is not loopback needs --token-file.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,

    /// The database runs are saved in and read from.
    #[command(flatten)]
    pub db: DbArgs,

    /// A repository that may be compared (a local path, matched by its
    /// canonical path, or a URL, matched without credentials); repeat
    /// for more. Anything else is refused with 403.
    #[arg(long = "allow-repo", value_name = "URL|PATH", required = true)]
    pub allow_repo: Vec<OsString>,

    /// A file holding the bearer token every request must send
    /// (Authorization: Bearer TOKEN).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,

    /// Comparisons that run at once [default: the cores].
    #[arg(long, value_name = "N")]
    pub max_concurrent: Option<NonZeroUsize>,

    /// Comparisons that may wait for a slot; beyond them, 503.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_queue: usize,

    /// Seconds a request waits for its comparison before answering 202
    /// with the run's URL (0: always 202).
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub sync_timeout: f64,

    /// Seconds running comparisons may take to finish after SIGTERM.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub shutdown_grace: u64,

    /// Worker threads of the comparison pool [default: all cores].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// The cache folder for mirrors of URL repositories.
    #[arg(long, value_name = "DIR", env = "CONFDIFF_CACHE", help = CACHE_DIR_HELP)]
    pub cache_dir: Option<PathBuf>,
}

impl ServeArgs {
    /// The `--allow-repo` values, as text.
    pub fn allowed(&self) -> Result<Vec<String>, ArgumentError> {
        self.allow_repo
            .iter()
            .map(|repo| utf8("--allow-repo", repo))
            .collect()
    }
}

/// `confdiff completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Writes the completion script of `args.shell` for the whole command
/// line.
pub fn write_completions(args: &CompletionsArgs, out: &mut dyn Write) {
    clap_complete::generate(args.shell, &mut Cli::command(), "confdiff", out);
}

/// Writes the manual page, in roff.
pub fn write_man(out: &mut dyn Write) -> std::io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn gc_counts_are_whole_and_at_least_one() {
        assert_eq!(
            parse_at_least_one::<NonZeroUsize>("3"),
            Ok(NonZeroUsize::new(3).unwrap())
        );
        for bad in ["0", "-1", "", "1.5", "ten"] {
            let error = parse_at_least_one::<NonZeroU32>(bad).unwrap_err();
            assert!(
                error.starts_with("must be a whole number"),
                "{bad}: {error}"
            );
        }
        assert!(
            parse_at_least_one::<NonZeroU32>("4294967296")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn sizes_take_units() {
        assert_eq!(parse_size("1048576"), Ok(1_048_576));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("1MiB"), Ok(1 << 20));
        assert_eq!(parse_size("2 M"), Ok(2 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("3KB"), Ok(3000));
        assert_eq!(parse_size("5MB"), Ok(5_000_000));
    }

    #[test]
    fn bad_sizes_say_what_a_size_is() {
        for bad in ["-1", "0", "", "k", "0k"] {
            let error = parse_size(bad).unwrap_err();
            assert!(
                error.starts_with("must be a positive size"),
                "{bad}: {error}"
            );
        }
        assert!(
            parse_size("12 parsecs")
                .unwrap_err()
                .contains("unknown unit 'parsecs'")
        );
        assert!(
            parse_size("99999999999999999999")
                .unwrap_err()
                .contains("too large")
        );
        assert!(
            parse_size("99999999999G")
                .unwrap_err()
                .contains("too large")
        );
    }
}
