//! The command line's [`Observer`]: the engine's notices on stderr, and a
//! progress line only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::progress::ProgressLine;
use crate::remote::ProgressTree;

use crate::engine::{Notice, Observer};
use crate::printers::terminal_safe;

/// Writes each notice as one `confdiff: …` line on stderr.
#[derive(Default)]
pub(super) struct Stderr {
    /// A progress line is on the terminal and must be cleared first.
    drawn: AtomicBool,
    /// The line drawing a clone's or fetch's progress, while one runs.
    transfer: Mutex<Option<ProgressLine>>,
}

impl Observer for Stderr {
    fn notice(&self, notice: &Notice<'_>) {
        let mut err = std::io::stderr().lock();
        if let Notice::Progress { done, total } = notice {
            // Worth a line only for long ranges, and only on a terminal.
            if *total >= 50 && std::io::stderr().is_terminal() {
                if done < total {
                    let _ = write!(err, "\r\x1b[2Kconfdiff: history: {done}/{total} commits");
                    self.drawn.store(true, Ordering::Relaxed);
                } else if self.drawn.swap(false, Ordering::Relaxed) {
                    let _ = write!(err, "\r\x1b[2K");
                }
                let _ = err.flush();
            }
            return;
        }
        if self.drawn.swap(false, Ordering::Relaxed) {
            let _ = write!(err, "\r\x1b[2K");
        }
        let text = notice.to_string();
        let text = terminal_safe(&text);
        let _ = if notice.is_warning() {
            writeln!(err, "confdiff: warning: {text}")
        } else {
            writeln!(err, "confdiff: {text}")
        };
    }

    fn transfer_started(&self) -> Option<Arc<ProgressTree>> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let root = ProgressTree::new();
        let line = ProgressLine::start(Arc::clone(&root));
        *self.transfer.lock().unwrap_or_else(PoisonError::into_inner) = Some(line);
        Some(root)
    }

    fn transfer_finished(&self) {
        // Dropping the line stops its drawer and clears it.
        self.transfer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
    }
}
