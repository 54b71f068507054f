//! confdiff: semantic differences between YAML configuration trees, read
//! straight from a git object database.
#![deny(missing_docs)]

pub mod document;
