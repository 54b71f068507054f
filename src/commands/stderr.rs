//! The command line's [`Observer`]: the engine's notices on stderr,
//! progress only when stderr is a terminal.

use std::io::IsTerminal;

use crate::engine::{Notice, Observer};
use crate::printers::terminal_safe;

/// Writes each notice as one `confdiff: …` line on stderr.
pub(super) struct Stderr;

impl Observer for Stderr {
    fn notice(&self, notice: &Notice<'_>) {
        let text = notice.to_string();
        let text = terminal_safe(&text);
        if notice.is_warning() {
            eprintln!("confdiff: warning: {text}");
        } else {
            eprintln!("confdiff: {text}");
        }
    }

    fn wants_progress(&self) -> bool {
        std::io::stderr().is_terminal()
    }
}
