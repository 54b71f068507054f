//! Exit statuses, documented in the README and `--help`.

use std::process::ExitCode;

/// How a confdiff process ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the command ran (differences or not).
    Success,
    /// 1: with `--exit-code`, some service is not identical.
    Differences,
    /// 2: the command could not run (bad arguments, repository, revision,
    /// directory or database).
    Failure,
}

impl ExitStatus {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Differences => 1,
            ExitStatus::Failure => 2,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        ExitCode::from(status.code())
    }
}
