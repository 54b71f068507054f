//! The report: the plain data a comparison hands to the store and to the
//! printers. It carries everything the JSON contract prints, so a report
//! loaded back from the store prints exactly as it did the first time.

use crate::diff::Difference;
use crate::rules::RuleSpec;

/// One comparison, as printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The saved run's id; `None` when the run was not saved.
    pub run_id: Option<i64>,
    /// The repository as the user named it, without credentials.
    pub repository: String,
    /// The left side.
    pub left: SideReport,
    /// The right side.
    pub right: SideReport,
    /// The config file name compared in each service folder.
    pub file: String,
    /// One entry per service found on either side, sorted by name.
    pub services: Vec<ServiceReport>,
    /// What a baseline of accepted differences said, when one was given.
    pub baseline: Option<crate::baseline::Applied>,
    /// The rules the comparison ran under, normalised; `None` when no
    /// rule was set (and no config file read).
    pub rules: Option<RuleSpec>,
}

/// One side of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideReport {
    /// The revision as given (or the `--rev` it defaulted to).
    pub rev: String,
    /// The full commit id it resolved to.
    pub commit: String,
    /// The directory as given.
    pub path: String,
}

/// One service's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceReport {
    /// The service folder's name.
    pub service: String,
    /// The left blob id, when the left entry is a regular file.
    pub left_blob: Option<String>,
    /// The right blob id, when the right entry is a regular file.
    pub right_blob: Option<String>,
    /// What the comparison found.
    pub outcome: Outcome,
}

/// What the comparison found for one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Both documents are equal.
    Identical,
    /// At least one difference (never empty). Under rules, the reported
    /// differences come first and the ignored ones (marked with
    /// [`Difference::ignored_by`]) after them; a list of ignored ones only
    /// is reported `identical`.
    Different(Vec<Difference>),
    /// Only the right side has the service.
    MissingLeft,
    /// Only the left side has the service.
    MissingRight,
    /// The service exists on both sides but cannot be compared.
    Error(ServiceFailure),
}

/// Why a service could not be compared: its kind, for programs, and the
/// message people read. Both are what the contract prints and the store
/// keeps, so a run loaded back prints as it was first printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFailure {
    /// What kind of problem it is (of the first side that failed).
    pub kind: ErrorKind,
    /// The message, naming the side(s): `right: invalid YAML at line 3 …`.
    pub message: String,
}

/// The contract's `error_kind` of an `error` service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `not_a_file`: a symlink, submodule or directory where the config
    /// file should be.
    NotAFile,
    /// `not_utf8`: the file is not UTF-8 text.
    NotUtf8,
    /// `too_large`: larger than `--max-file-size`, or expanding (through
    /// aliases) beyond what a document may hold.
    TooLarge,
    /// `too_deep`: nested deeper than the loader allows.
    TooDeep,
    /// `invalid_yaml`: not valid YAML, or against the contract's rules
    /// (duplicate keys, bad merge keys).
    InvalidYaml,
    /// `unreadable`: the blob could not be read from the object database
    /// (a damaged repository, or a partial clone without that blob).
    Unreadable,
}

impl ErrorKind {
    /// Every kind, in the order the contract lists them.
    pub const ALL: [ErrorKind; 6] = [
        ErrorKind::NotAFile,
        ErrorKind::NotUtf8,
        ErrorKind::TooLarge,
        ErrorKind::TooDeep,
        ErrorKind::InvalidYaml,
        ErrorKind::Unreadable,
    ];

    /// The contract's name of the kind.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::NotAFile => "not_a_file",
            ErrorKind::NotUtf8 => "not_utf8",
            ErrorKind::TooLarge => "too_large",
            ErrorKind::TooDeep => "too_deep",
            ErrorKind::InvalidYaml => "invalid_yaml",
            ErrorKind::Unreadable => "unreadable",
        }
    }

    /// The inverse of [`ErrorKind::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// A service's status, as named in the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `identical`
    Identical,
    /// `different`
    Different,
    /// `missing_left`
    MissingLeft,
    /// `missing_right`
    MissingRight,
    /// `error`
    Error,
}

impl Status {
    /// The contract's name of the status.
    pub fn name(self) -> &'static str {
        match self {
            Status::Identical => "identical",
            Status::Different => "different",
            Status::MissingLeft => "missing_left",
            Status::MissingRight => "missing_right",
            Status::Error => "error",
        }
    }

    /// The inverse of [`Status::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "identical" => Status::Identical,
            "different" => Status::Different,
            "missing_left" => Status::MissingLeft,
            "missing_right" => Status::MissingRight,
            "error" => Status::Error,
            _ => return None,
        })
    }
}

impl Outcome {
    /// The status this outcome is reported as.
    pub fn status(&self) -> Status {
        match self {
            Outcome::Identical => Status::Identical,
            Outcome::Different(list) if reported(list).is_empty() => Status::Identical,
            Outcome::Different(_) => Status::Different,
            Outcome::MissingLeft => Status::MissingLeft,
            Outcome::MissingRight => Status::MissingRight,
            Outcome::Error(_) => Status::Error,
        }
    }

    /// The reported differences, for the statuses that have a list
    /// (possibly empty).
    pub fn differences(&self) -> Option<&[Difference]> {
        match self {
            Outcome::Identical => Some(&[]),
            Outcome::Different(differences) => Some(reported(differences)),
            _ => None,
        }
    }

    /// The differences a rule ignored (empty without rules).
    pub fn ignored(&self) -> &[Difference] {
        match self {
            Outcome::Different(differences) => &differences[reported(differences).len()..],
            _ => &[],
        }
    }

    /// Why the service could not be compared, for `error`.
    pub fn error(&self) -> Option<&ServiceFailure> {
        match self {
            Outcome::Error(failure) => Some(failure),
            _ => None,
        }
    }
}

/// Counts over a report's services.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// All services.
    pub services: usize,
    /// `identical` services.
    pub identical: usize,
    /// `different` services.
    pub different: usize,
    /// `missing_left` services.
    pub missing_left: usize,
    /// `missing_right` services.
    pub missing_right: usize,
    /// `error` services.
    pub errors: usize,
    /// Differences over all services.
    pub differences: usize,
    /// With a baseline: the differences and missing services it accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<usize>,
}

/// The reported head of a list that keeps its ignored differences last.
fn reported(list: &[Difference]) -> &[Difference] {
    &list[..list.partition_point(|d| d.ignored_by.is_none())]
}

impl Report {
    /// Counts the report's services by status, and their differences.
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            services: self.services.len(),
            ..Summary::default()
        };
        for service in &self.services {
            match &service.outcome {
                Outcome::Identical => summary.identical += 1,
                Outcome::Different(differences) if reported(differences).is_empty() => {
                    summary.identical += 1;
                }
                Outcome::Different(differences) => {
                    summary.different += 1;
                    summary.differences += reported(differences).len();
                }
                Outcome::MissingLeft => summary.missing_left += 1,
                Outcome::MissingRight => summary.missing_right += 1,
                Outcome::Error(_) => summary.errors += 1,
            }
        }
        summary.accepted = self
            .baseline
            .as_ref()
            .map(|applied| applied.services.iter().map(|s| s.accepted()).sum());
        summary
    }

    /// Whether every service is `identical`, or `different` or missing
    /// The differences rules ignored, over all services.
    pub fn ignored(&self) -> usize {
        self.services
            .iter()
            .map(|s| s.outcome.ignored().len())
            .sum()
    }

    /// Whether every service is `identical`, or `different` or missing
    /// only in ways a baseline accepts (what `--exit-code` asks). An error
    /// is never accepted; differences rules ignored never count.
    pub fn all_identical(&self) -> bool {
        self.services.iter().enumerate().all(|(i, s)| {
            let marks = self.baseline.as_ref().and_then(|b| b.services.get(i));
            match s.outcome.status() {
                Status::Identical => true,
                Status::Different => {
                    let reported = s.outcome.differences().map_or(0, <[Difference]>::len);
                    marks.is_some_and(|m| (0..reported).all(|d| m.is_accepted(d)))
                }
                Status::MissingLeft | Status::MissingRight => {
                    marks.is_some_and(|m| m.service.is_some())
                }
                Status::Error => false,
            }
        })
    }

    /// Whether difference `d` of service `i` is accepted by the baseline.
    pub fn is_accepted(&self, i: usize, d: usize) -> bool {
        self.baseline
            .as_ref()
            .and_then(|b| b.services.get(i))
            .is_some_and(|m| m.is_accepted(d))
    }

    /// Whether missing service `i` is accepted by the baseline.
    pub fn is_service_accepted(&self, i: usize) -> bool {
        self.baseline
            .as_ref()
            .and_then(|b| b.services.get(i))
            .is_some_and(|m| m.service.is_some())
    }
}
