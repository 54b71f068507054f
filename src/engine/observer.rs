//! What the engine tells its caller while it works: waits, warnings and
//! whether to draw transfer progress. The command line shows them on
//! stderr; a server would log them.

use std::fmt;
use std::path::Path;

use jiff::Timestamp;

use std::sync::Arc;

use crate::remote::{self, ProgressTree};

/// Something the caller may want to show.
#[derive(Debug)]
pub enum Notice<'a> {
    /// Another process holds the mirror; the engine waits for it.
    WaitingForMirror {
        /// The lock file.
        lock: &'a Path,
    },
    /// The remote could not be fetched; the mirror is used as it is.
    StaleMirror {
        /// The remote's URL, without credentials.
        url: &'a str,
        /// Why the fetch failed.
        reason: &'a str,
        /// When the mirror was last fetched, if known.
        fetched_at: Option<Timestamp>,
    },
    /// A list rule could not match a sequence's items as it says; they
    /// were compared index by index.
    ListFallback {
        /// The service.
        service: &'a str,
        /// The sequence's path, as people write it.
        path: &'a str,
        /// Why, and what was done instead.
        message: &'a str,
    },
    /// A history walked `done` of its `total` commits.
    Progress {
        /// Commits walked.
        done: usize,
        /// Commits in all.
        total: usize,
    },
}

impl Notice<'_> {
    /// Whether the caller should present it as a warning.
    pub fn is_warning(&self) -> bool {
        matches!(
            self,
            Notice::StaleMirror { .. } | Notice::ListFallback { .. }
        )
    }
}

impl fmt::Display for Notice<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::WaitingForMirror { lock } => write!(
                f,
                "waiting for another confdiff process to finish with this mirror (lock: {})",
                lock.display()
            ),
            Notice::StaleMirror {
                url,
                reason,
                fetched_at,
            } => write!(
                f,
                "cannot fetch '{url}' ({reason}); using the mirror as it is (last fetched: {})",
                remote::describe_fetch_time(*fetched_at)
            ),
            Notice::ListFallback {
                service,
                path,
                message,
            } => write!(
                f,
                "{}: {}: {}",
                crate::printers::Escaped(service),
                crate::printers::Escaped(path),
                crate::printers::Escaped(message)
            ),
            Notice::Progress { done, total } => write!(f, "{done}/{total} commits"),
        }
    }
}

/// Receives the engine's notices. Called from the thread that made the
/// request.
pub trait Observer: Send + Sync {
    /// Something happened that the caller may show.
    fn notice(&self, notice: &Notice<'_>);

    /// A clone or fetch starts: the tree its progress should go to, if
    /// the caller draws it (the command line does, on a terminal).
    fn transfer_started(&self) -> Option<Arc<ProgressTree>> {
        None
    }

    /// The clone or fetch that [`Observer::transfer_started`] announced
    /// is over.
    fn transfer_finished(&self) {}
}

/// An observer that ignores everything: for tests and embedders that do
/// not care.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {
    fn notice(&self, _: &Notice<'_>) {}
}
