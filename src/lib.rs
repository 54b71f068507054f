//! confdiff: semantic differences between YAML configuration trees, read
//! straight from a git object database.
//!
//! The modules follow the data: a [`repository`] resolves each [`side`] to
//! a tree, [`compare`] pairs the services and loads each config as a
//! [`document`], [`diff`] walks two documents into differences, and the
//! resulting [`report`] goes to the [`store`] and the [`printers`]. A
//! repository named by URL is first mirrored by [`remote`].
#![deny(missing_docs)]

pub mod cli;
pub mod commands;
pub mod compare;
pub mod diff;
pub mod document;
pub mod exit_codes;
pub mod printers;
pub mod remote;
pub mod report;
pub mod repository;
pub mod side;
pub mod store;
