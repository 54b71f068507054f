//! The command line, and its conversion into the options each part of the
//! program needs. Nothing outside this module sees clap.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::compare::{CompareOptions, DEFAULT_MAX_FILE_SIZE};
use crate::printers::Format;
use crate::remote::Network;

const AFTER_HELP: &str = "\
Examples:
  confdiff compare implementation_1 implementation_2
  confdiff compare --rev v1.4.0 implementation_1 implementation_2
  confdiff compare v1.4.0:implementation_1 main:implementation_1
  confdiff compare 3f2a9c1:implementation_1 HEAD~20:implementation_2
  confdiff compare --repo https://example.com/acme/platform.git implementation_1 implementation_2
  confdiff compare --offline --repo https://example.com/acme/platform.git \\
      v1.4.0:implementation_1 main:implementation_1

Every run is saved in an SQLite database (see --db) unless --no-save is
given; `confdiff runs` lists saved runs and `confdiff show RUN` prints one
again.

Exit status: 0 the comparison ran; 1 with --exit-code, some service is not
identical; 2 the comparison could not run or could not be saved.";

const RUNS_AFTER_HELP: &str = "\
Examples:
  confdiff runs
  confdiff runs --limit 5 --format json
  confdiff show 12";

/// Semantic differences between YAML configuration trees, read straight
/// from a git repository's object database.
#[derive(Debug, Parser)]
#[command(name = "confdiff", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare every service's config file between two sides.
    #[command(after_help = AFTER_HELP)]
    Compare(CompareArgs),
    /// List the saved runs, newest first.
    #[command(after_help = RUNS_AFTER_HELP)]
    Runs(RunsArgs),
    /// Print a saved run exactly as `compare` printed it.
    #[command(after_help = RUNS_AFTER_HELP)]
    Show(ShowArgs),
    /// Clone or update the cached mirrors of remote repositories, ahead of
    /// offline use; or list them.
    #[command(after_help = FETCH_AFTER_HELP)]
    Fetch(FetchArgs),
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
    /// The run's id, as `compare` and `runs` print it.
    #[arg(value_name = "RUN")]
    pub run: i64,

    /// The database.
    #[command(flatten)]
    pub db: DbArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

    /// Exit 1 when any service of the run is not identical.
    #[arg(long)]
    pub exit_code: bool,

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

/// `confdiff compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Left side, [REV:]DIR: REV is anything `git rev-parse` accepts (branch,
    /// tag, full or short commit id, HEAD~3); DIR is a path from the
    /// repository root ("." for the root).
    #[arg(value_name = "LEFT")]
    pub left: String,

    /// Right side, [REV:]DIR.
    #[arg(value_name = "RIGHT")]
    pub right: String,

    /// The repository and, for a URL, how to reach it.
    #[command(flatten)]
    pub source: RepoArgs,

    /// Revision for a side written without REV:.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: String,

    /// Config file name in each service folder.
    #[arg(long, value_name = "NAME", default_value = "configuration.yml")]
    pub file: String,

    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,

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

    /// Fit each difference line in N characters (paths shortened in the
    /// middle, values at the end) [default: the terminal's width when
    /// stdout is a terminal, else values cut at 48 characters].
    #[arg(long, value_name = "N")]
    pub width: Option<NonZeroUsize>,

    /// Never shorten values or paths in the human output.
    #[arg(long)]
    pub full_values: bool,

    /// Larger config files are a per-service error.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,

    /// The database the run is saved in.
    #[command(flatten)]
    pub db: DbArgs,

    /// Do not save the run (its JSON run_id is null).
    #[arg(long)]
    pub no_save: bool,
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

/// A `--file` that is not a plain file name.
#[derive(Debug, thiserror::Error)]
#[error("invalid --file '{0}': give a file name such as configuration.yml, not a path")]
pub struct FileNameError(String);

impl CompareArgs {
    /// The options the comparison needs.
    pub fn compare_options(&self) -> Result<CompareOptions, FileNameError> {
        let file = &self.file;
        if file.is_empty() || file == "." || file == ".." || file.contains(['/', '\\', '\0']) {
            return Err(FileNameError(file.clone()));
        }
        let jobs = self
            .jobs
            .or_else(|| std::thread::available_parallelism().ok())
            .map_or(1, NonZeroUsize::get);
        Ok(CompareOptions {
            file: file.clone(),
            jobs,
            max_file_size: self.max_file_size,
        })
    }
}

const FETCH_AFTER_HELP: &str = "\
Examples:
  confdiff fetch https://example.com/acme/platform.git git@example.com:acme/infra.git
  confdiff fetch --cache-dir /media/usb/confdiff https://example.com/acme/platform.git
  confdiff fetch --list

A failed clone leaves nothing behind; exit status 2 when any repository
could not be cloned or fetched.";

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
    pub repo: Option<String>,

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
    /// Whether the network may be used.
    pub fn network(&self) -> Network {
        if self.offline {
            Network::Offline
        } else {
            Network::Online {
                require_fresh: self.require_fresh,
            }
        }
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
    pub urls: Vec<String>,

    /// List the cached mirrors with their URL, size and last fetch time.
    #[arg(long)]
    pub list: bool,

    /// The cache folder.
    #[arg(long, value_name = "DIR", env = "CONFDIFF_CACHE", help = CACHE_DIR_HELP)]
    pub cache_dir: Option<PathBuf>,
}
