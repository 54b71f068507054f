use std::io::ErrorKind;
use std::process::ExitCode;

use confdiff::ExitStatus;
use confdiff::cli::Cli;

/// Loading YAML allocates many small strings and nodes on every worker
/// thread; mimalloc serves those faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match confdiff::commands::run(Cli::from_args()) {
        Ok(status) => status.into(),
        Err(err) if is_broken_pipe(&err) => ExitStatus::Success.into(),
        Err(err) => {
            // Errors quote what the user and the repository gave.
            eprintln!("confdiff: {}", confdiff::terminal_safe(&format!("{err:#}")));
            ExitStatus::Failure.into()
        }
    }
}

/// `confdiff … | head` closes the pipe early; that is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == ErrorKind::BrokenPipe)
    })
}
