//! confdiff's integration tests, in one test binary: every module below
//! drives the real binary (or the library) through the one harness in
//! [`harness`], against real repositories, databases and servers made in
//! temp dirs.

mod harness;

mod baseline;
mod blame;
mod cli_errors;
mod compare;
mod difference_types;
mod engine;
mod files;
mod generator;
mod history;
mod history_command;
mod hostile_input;
mod key_types;
mod loader_limits;
mod loader_props;
mod output;
mod packed_reads;
mod properties;
mod remote_errors;
mod remote_faults;
mod remote_fetch_refs;
mod remote_git_daemon;
mod remote_http;
mod remote_local;
mod report_formats;
mod repository_errors;
mod result_cache;
mod rules_config;
mod rules_ignore;
mod rules_lists;
mod serve_api;
mod serve_limits;
mod serve_pages;
mod service_errors;
mod store_cache;
mod store_gc;
mod store_location;
mod store_queries;
mod store_roundtrip;
mod store_runs;
mod store_safety;
mod terminal_safety;
mod terminal_width;
mod yaml_suite;
mod yaml_suite_repo;
