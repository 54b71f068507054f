//! confdiff: semantic differences between YAML configuration trees, read
//! straight from a git object database.
//!
//! The modules follow the data: a repository resolves each side to a
//! tree, the comparison pairs the services and loads each config as a
//! document, the diff walks two documents into differences, and the
//! resulting [`Report`] goes to the [`Store`] and the printers. A
//! repository named by URL is first mirrored in a cache. One [`Engine`]
//! puts these together for every front end: the command line, a server,
//! a history walk.
//!
//! ```
//! use confdiff::{CompareRequest, Engine, EngineConfig, RepositorySource, RemoteAccess, Status};
//! # fn git(dir: &std::path::Path, args: &[&str]) {
//! #     let ok = std::process::Command::new("git").args(args).current_dir(dir)
//! #         .env("GIT_CONFIG_NOSYSTEM", "1").env("GIT_CONFIG_GLOBAL", "/dev/null")
//! #         .env("GIT_AUTHOR_NAME", "A").env("GIT_AUTHOR_EMAIL", "a@example.com")
//! #         .env("GIT_COMMITTER_NAME", "A").env("GIT_COMMITTER_EMAIL", "a@example.com")
//! #         .status().unwrap().success();
//! #     assert!(ok);
//! # }
//! // A repository with one service in each of two implementations.
//! let dir = tempfile::tempdir()?;
//! git(dir.path(), &["init", "--quiet"]);
//! for (side, replicas) in [("implementation_1", 3), ("implementation_2", 5)] {
//!     let folder = dir.path().join(side).join("billing");
//!     std::fs::create_dir_all(&folder)?;
//!     std::fs::write(folder.join("configuration.yml"), format!("replicas: {replicas}\n"))?;
//! }
//! git(dir.path(), &["add", "."]);
//! git(dir.path(), &["commit", "--quiet", "-m", "two implementations"]);
//!
//! // One engine (one thread pool, no database here), many requests.
//! let engine = Engine::new(EngineConfig::default())?;
//! let request = CompareRequest {
//!     repository: RepositorySource::Given {
//!         location: dir.path().display().to_string(),
//!         access: RemoteAccess::default(),
//!     },
//!     ..CompareRequest::new("implementation_1", "implementation_2")
//! };
//! let report = engine.run_comparison(&request)?.report;
//! let billing = &report.services[0];
//! assert_eq!(billing.service, "billing");
//! assert_eq!(billing.outcome.status(), Status::Different);
//! let difference = &billing.outcome.differences().unwrap()[0];
//! assert_eq!(difference.path.to_string(), "replicas");
//! assert_eq!(difference.right.as_ref().unwrap().json.get(), "5");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod baseline;
mod blame;
pub mod cli;
pub mod commands;
mod compare;
mod diff;
mod document;
mod engine;
mod exit_codes;
mod files;
mod history;
mod printers;
mod remote;
mod report;
mod repository;
mod rules;
mod serve;
mod side;
mod store;

pub use baseline::{Applied, Baseline, BaselineError, DEFAULT_BASELINE, Entry, ServiceMarks};
pub use blame::{BlameChange, BlameError, BlameOptions, BlameReport, BlameState};
pub use compare::{CompareOptions, DEFAULT_MAX_FILE_SIZE, ServiceError, SideProblem};
pub use diff::{
    Difference, Kind, Path, PathFormatError, PathSyntaxError, Pattern, PatternStep, Segment,
    SideValue, WalkWarning, diff, diff_with_rules,
};
pub use document::{
    ExpansionLimit, Integer, Key, LoadError, MAX_ALIAS_BYTES, MAX_ALIAS_NODES, MAX_DEPTH,
    MAX_FLOW_DEPTH, Mapping, Nesting, Node, Tagged, Text, Value, ValueType, load, load_documents,
};
pub use engine::{
    BlameRequest, CompareRequest, Comparison, Engine, EngineConfig, EngineError, HistoryRequest,
    Notice, Observer, RemoteAccess, RepositorySource, Saved, Silent,
};
pub use exit_codes::ExitStatus;
pub use files::{FilesError, FilesSpec};
pub use history::{
    HistoryError, HistoryReport, HistoryRow, HistorySide, HistoryStats, ServiceChange,
};
pub use printers::{Escaped, Format, PrintOptions, print, print_blame, print_runs, terminal_safe};
pub use remote::Network;
pub use report::{
    ErrorKind, Outcome, Report, ServiceFailure, ServiceReport, SideReport, Status, Summary,
};
pub use repository::{CommitInfo, CommitRange, EntryKind, Repository, RepositoryError};
pub use rules::{
    AUTO_LIST_KEYS, CONFIG_FILE_NAME, ConfigError, IgnoreSpec, ListSpec, RuleSpec, Rules,
    RulesError, glob_match, load_config,
};
pub use side::{SideError, SideSpec};
pub use store::{
    GcStats, HistorySummary, RunMeta, RunSummary, SCHEMA_VERSION, SavedKind, Store, StoreError,
};
