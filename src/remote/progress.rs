//! Progress of a clone or fetch: gix reports into a tree of progress
//! items that the caller may draw (the command line draws it on a
//! terminal); without one, progress is collected and dropped.

use std::sync::Arc;

use gix::progress::tree::{Item, Root};

/// The tree gix's progress goes to.
pub type ProgressTree = Root;

/// Where a clone or fetch reports.
pub struct ProgressLine {
    root: Arc<Root>,
}

impl ProgressLine {
    /// Reports into `root`, or nowhere.
    pub fn start(root: Option<Arc<Root>>) -> Self {
        ProgressLine {
            root: root.unwrap_or_else(Root::new),
        }
    }

    /// A progress handle for gix, titled `title`.
    pub fn item(&self, title: &str) -> Item {
        self.root.add_child(title)
    }
}
