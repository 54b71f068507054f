//! The command line's [`Observer`]: the engine's notices on stderr, and a
//! progress line only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::{Notice, Observer};
use crate::printers::terminal_safe;

/// Writes each notice as one `confdiff: …` line on stderr.
#[derive(Default)]
pub(super) struct Stderr {
    /// A progress line is on the terminal and must be cleared first.
    drawn: AtomicBool,
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

    fn wants_progress(&self) -> bool {
        std::io::stderr().is_terminal()
    }
}
