//! Sides: what the user wrote as `[REV:]DIR`, split and normalised.

use std::fmt;

/// One side of a comparison as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideSpec {
    /// The revision: the part before the first `:`, or `--rev` when there
    /// is none or it is empty.
    pub rev: String,
    /// The directory exactly as given, echoed in the output.
    pub given_path: String,
    /// The directory as a path from the tree root: no `.` components, no
    /// leading or trailing `/`; empty for the root.
    pub path: String,
}

/// A `DIR` that cannot name a folder inside a tree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid side '{given}': {reason}")]
pub struct SideError {
    /// The side as given.
    pub given: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl SideSpec {
    /// Splits `[REV:]DIR` at its first `:`; `default_rev` stands in for a
    /// missing or empty REV.
    pub fn parse(given: &str, default_rev: &str) -> Result<Self, SideError> {
        let (rev, dir) = match given.split_once(':') {
            Some((rev, dir)) if !rev.is_empty() => (rev, dir),
            Some((_, dir)) => (default_rev, dir),
            None => (default_rev, given),
        };
        let path = normalise(dir).map_err(|reason| SideError {
            given: given.to_owned(),
            reason,
        })?;
        Ok(SideSpec {
            rev: rev.to_owned(),
            given_path: dir.to_owned(),
            path,
        })
    }
}

/// `./a/`, `a//b/.` and `/a` become `a`, `a/b` and `a`; `..` is refused
/// because a tree has no parent to climb to.
fn normalise(dir: &str) -> Result<String, &'static str> {
    let mut parts = Vec::new();
    for part in dir.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("'..' cannot be used in a path inside a tree"),
            part => parts.push(part),
        }
    }
    Ok(parts.join("/"))
}

impl fmt::Display for SideSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.rev, self.given_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_the_first_colon() {
        let side = SideSpec::parse("v1.4.0:implementation_1", "HEAD").unwrap();
        assert_eq!(
            (side.rev.as_str(), side.path.as_str()),
            ("v1.4.0", "implementation_1")
        );
        let side = SideSpec::parse("main:a:b", "HEAD").unwrap();
        assert_eq!((side.rev.as_str(), side.path.as_str()), ("main", "a:b"));
    }

    #[test]
    fn missing_or_empty_rev_uses_the_default() {
        for given in ["implementation_1", ":implementation_1"] {
            let side = SideSpec::parse(given, "v2").unwrap();
            assert_eq!(side.rev, "v2");
            assert_eq!(side.path, "implementation_1");
        }
    }

    #[test]
    fn dir_is_normalised_and_echoed_as_given() {
        let side = SideSpec::parse("./a//b/./", "HEAD").unwrap();
        assert_eq!(side.path, "a/b");
        assert_eq!(side.given_path, "./a//b/./");
        assert_eq!(SideSpec::parse(".", "HEAD").unwrap().path, "");
        assert_eq!(SideSpec::parse("HEAD~2:", "x").unwrap().path, "");
        assert!(SideSpec::parse("a/../b", "HEAD").is_err());
    }
}
