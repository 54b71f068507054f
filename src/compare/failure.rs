//! Why one service could not be compared, typed: the store and the
//! printers get its kind and message ([`ServiceFailure`]), tests and
//! callers can match on the cause.

use std::fmt;

use gix::ObjectId;

use crate::document::LoadError;
use crate::report::{ErrorKind, ServiceFailure};
use crate::repository::EntryKind;

/// What went wrong with one side's config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SideProblem {
    /// The entry is a symlink, submodule or directory.
    NotAFile {
        /// The config file name.
        file: String,
        /// What the entry is instead.
        entry: EntryKind,
    },
    /// The blob is larger than `--max-file-size`.
    TooLarge {
        /// The config file name.
        file: String,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The blob could not be read from the object database.
    Unreadable {
        /// The blob.
        blob: ObjectId,
        /// What git reported.
        message: String,
    },
    /// The bytes did not load as a YAML document.
    Load(LoadError),
}

impl SideProblem {
    /// The contract's kind of this problem.
    pub fn kind(&self) -> ErrorKind {
        match self {
            SideProblem::NotAFile { .. } => ErrorKind::NotAFile,
            SideProblem::TooLarge { .. } => ErrorKind::TooLarge,
            SideProblem::Unreadable { .. } => ErrorKind::Unreadable,
            SideProblem::Load(error) => match error {
                LoadError::NotUtf8 { .. } => ErrorKind::NotUtf8,
                LoadError::TooDeep { .. } => ErrorKind::TooDeep,
                LoadError::Invalid { .. } => ErrorKind::InvalidYaml,
                LoadError::ExpansionTooLarge { .. } => ErrorKind::TooLarge,
            },
        }
    }
}

impl fmt::Display for SideProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SideProblem::NotAFile { file, entry } => write!(f, "{file} is {}", entry.describe()),
            SideProblem::TooLarge { file, size, limit } => write!(
                f,
                "{file} is {size} bytes, over the limit of {limit} bytes (--max-file-size)"
            ),
            SideProblem::Unreadable { blob, message } => {
                write!(f, "cannot read blob {blob}: {message}")
            }
            SideProblem::Load(error) => error.fmt(f),
        }
    }
}

/// A service that cannot be compared: the problem of each side that has
/// one (at least one side does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The left side's problem.
    pub left: Option<SideProblem>,
    /// The right side's problem.
    pub right: Option<SideProblem>,
}

impl ServiceError {
    /// The kind of the first side that failed, left first.
    pub fn kind(&self) -> ErrorKind {
        self.left
            .as_ref()
            .or(self.right.as_ref())
            .map_or(ErrorKind::InvalidYaml, SideProblem::kind)
    }
}

/// `left: …`, `right: …`, or `left: …; right: …`.
impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.left, &self.right) {
            (Some(left), Some(right)) => write!(f, "left: {left}; right: {right}"),
            (Some(left), None) => write!(f, "left: {left}"),
            (None, Some(right)) => write!(f, "right: {right}"),
            (None, None) => f.write_str("cannot be compared"),
        }
    }
}

impl From<ServiceError> for ServiceFailure {
    fn from(error: ServiceError) -> Self {
        ServiceFailure {
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

/// The kind of a message saved before kinds were stored: the same
/// messages this module writes, read back by their wording.
pub fn kind_of_message(message: &str) -> ErrorKind {
    let first = message.split("; ").next().unwrap_or(message);
    let is = |text: &str| first.contains(text);
    if is(" is a symlink") || is(" is a submodule") || is(" is a directory") {
        ErrorKind::NotAFile
    } else if is("not UTF-8") {
        ErrorKind::NotUtf8
    } else if is("over the limit of") || is("alias expansion exceeds") {
        ErrorKind::TooLarge
    } else if is("nested deeper than") {
        ErrorKind::TooDeep
    } else if is("cannot read blob") {
        ErrorKind::Unreadable
    } else {
        ErrorKind::InvalidYaml
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_sides_left_first() {
        let symlink = SideProblem::NotAFile {
            file: "configuration.yml".into(),
            entry: EntryKind::Symlink,
        };
        let bad = SideProblem::Load(LoadError::Invalid {
            line: 3,
            column: 5,
            message: "did not find expected key".into(),
        });
        let error = ServiceError {
            left: Some(symlink.clone()),
            right: Some(bad.clone()),
        };
        assert_eq!(
            error.to_string(),
            "left: configuration.yml is a symlink; right: invalid YAML at line 3 column 5: did not find expected key"
        );
        assert_eq!(error.kind(), ErrorKind::NotAFile);
        let right_only = ServiceError {
            left: None,
            right: Some(bad),
        };
        assert_eq!(right_only.kind(), ErrorKind::InvalidYaml);
    }

    #[test]
    fn old_messages_get_the_kind_they_would_get_today() {
        let cases = [
            (
                "left: configuration.yml is a submodule",
                ErrorKind::NotAFile,
            ),
            (
                "right: not UTF-8 (invalid byte at offset 3)",
                ErrorKind::NotUtf8,
            ),
            (
                "left: configuration.yml is 20 bytes, over the limit of 10 bytes (--max-file-size)",
                ErrorKind::TooLarge,
            ),
            (
                "right: nested deeper than 1000 levels at line 1 column 1001",
                ErrorKind::TooDeep,
            ),
            (
                "right: invalid YAML at line 7 column 4: x; left: not UTF-8",
                ErrorKind::InvalidYaml,
            ),
        ];
        for (message, kind) in cases {
            assert_eq!(kind_of_message(message), kind, "{message}");
        }
    }
}
