//! Progress of a clone or fetch on stderr: one line, redrawn a few times a
//! second, showing what gix is doing (objects, bytes, rate). Drawn only
//! when stderr is a terminal (the [`super::stderr::Stderr`] observer asks
//! for it then), so nothing reaches a log or a pipe.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use gix::progress::prodash::Throughput;
use gix::progress::tree::Root;

/// How many of the running tasks the line shows, latest last.
const SHOWN_TASKS: usize = 2;

/// How often the line is redrawn.
const REDRAW: Duration = Duration::from_millis(150);

/// The thread drawing a progress tree until it is dropped.
pub(super) struct ProgressLine {
    stop: Arc<AtomicBool>,
    drawer: Option<JoinHandle<()>>,
}

impl ProgressLine {
    /// Starts drawing `root` on stderr.
    pub(super) fn start(root: Arc<Root>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let drawer = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || draw_until(&root, &stop))
        };
        ProgressLine {
            stop,
            drawer: Some(drawer),
        }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(drawer) = self.drawer.take() {
            let _ = drawer.join();
        }
    }
}

fn draw_until(root: &Root, stop: &AtomicBool) {
    let mut tasks = Vec::new();
    let mut throughput = Throughput::default();
    let mut drawn = false;
    let width = terminal_size::terminal_size_of(std::io::stderr())
        .map_or(80, |(w, _)| usize::from(w.0))
        .saturating_sub(1);
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(REDRAW);
        root.sorted_snapshot(&mut tasks);
        throughput.update_elapsed();
        let parts: Vec<String> = tasks
            .iter()
            .filter_map(|(key, task)| {
                let value = task.progress.as_ref()?;
                let step = value.step.load(Ordering::Relaxed);
                let rate = throughput.update_and_get(key, Some(value));
                let shown = match &value.unit {
                    Some(unit) => unit.display(step, value.done_at, rate).to_string(),
                    None => match value.done_at {
                        Some(done) => format!("{step}/{done}"),
                        None => step.to_string(),
                    },
                };
                Some(format!("{}: {shown}", task.name))
            })
            .collect();
        throughput.reconcile(&tasks);
        // The latest tasks say most about what is happening now.
        let recent = &parts[parts.len().saturating_sub(SHOWN_TASKS)..];
        let line: String = recent.join(" · ").chars().take(width).collect();
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        drawn = true;
    }
    if drawn {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}
