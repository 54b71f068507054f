//! `.confdiff.toml`: rules kept in the repository.
//!
//! ```toml
//! baseline = "ci/baseline.json"  # accepted differences; relative to this file
//! list_keys = "auto"           # or ["name", "id"]
//! [[ignore]]
//! path = "metadata.annotations.**"     # a selector, or a list of them
//! services = ["billing-*"]             # globs; default: all
//! kinds = ["changed", "added"]         # default: all
//! reason = "set by the deploy tool"
//! [[list]]
//! path = "**.containers"
//! key = "name"                         # or: order = "ignore"
//! ```
//!
//! Every problem is one line naming the file, the line and the key.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{AUTO_LIST_KEYS, IgnoreSpec, ListSpec, RuleSpec};
use crate::diff::{Kind, Pattern};

/// The file looked for in the current directory, then at the root of the
/// repository's work tree.
pub const CONFIG_FILE_NAME: &str = ".confdiff.toml";

/// A config file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("cannot read config file {file}: {message}")]
    Read {
        /// The file.
        file: String,
        /// What the system said.
        message: String,
    },
    /// Not valid TOML, or an entry that is wrong.
    #[error("{file} line {line}{}: {message}", key.as_ref().map(|k| format!(", key {k}")).unwrap_or_default())]
    Entry {
        /// The file.
        file: String,
        /// 1-based line of the problem.
        line: usize,
        /// The key, when the problem is one key's value.
        key: Option<String>,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    baseline: Option<Spanned<String>>,
    list_keys: Option<Spanned<ListKeys>>,
    #[serde(default)]
    ignore: Vec<IgnoreEntry>,
    #[serde(default)]
    list: Vec<ListEntry>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ListKeys {
    Word(String),
    Keys(Vec<String>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IgnoreEntry {
    path: Spanned<OneOrMany>,
    #[serde(default)]
    services: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    kinds: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListEntry {
    path: Spanned<String>,
    key: Option<Spanned<String>>,
    order: Option<Spanned<String>>,
}

/// What a config file says: its rules, and the baseline file it names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Config {
    /// The rules; their `config` is the file's name.
    pub rules: RuleSpec,
    /// `baseline = "..."`: the baseline file, as written (relative paths
    /// are relative to the config file's folder, see [`load_config`]).
    pub baseline: Option<PathBuf>,
}

/// Reads config file `path` (named in errors as `shown`). The rules'
/// `config` is `shown`; a relative `baseline` is made relative to the
/// folder `path` is in, so a config file means the same file whichever
/// directory confdiff runs in.
pub fn load_config(path: &Path, shown: &str) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        file: shown.to_owned(),
        message: e.to_string(),
    })?;
    let mut config = parse_config(&text, shown)?;
    if let Some(baseline) = config.baseline.as_mut().filter(|b| b.is_relative()) {
        let folder = path.parent().unwrap_or(Path::new(""));
        *baseline = folder.join(&*baseline);
    }
    Ok(config)
}

/// What config text `text`, read from `file`, says.
pub fn parse_config(text: &str, file: &str) -> Result<Config, ConfigError> {
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let at = |span: std::ops::Range<usize>, key: &str, message: String| ConfigError::Entry {
        file: file.to_owned(),
        line: line_of(span.start),
        key: Some(key.to_owned()),
        message,
    };
    let config: ConfigFile = toml::from_str(text).map_err(|e| ConfigError::Entry {
        file: file.to_owned(),
        line: e.span().map_or(1, |span| line_of(span.start)),
        key: None,
        message: e.message().trim().replace('\n', " "),
    })?;
    let mut spec = RuleSpec {
        config: Some(file.to_owned()),
        ..RuleSpec::default()
    };
    let baseline = match config.baseline {
        Some(given) if given.get_ref().is_empty() || given.get_ref().contains('\0') => {
            return Err(at(
                given.span(),
                "baseline",
                "give the path of a baseline file, such as \".confdiff-baseline.json\"".to_owned(),
            ));
        }
        Some(given) => Some(PathBuf::from(given.into_inner())),
        None => None,
    };
    if let Some(keys) = config.list_keys {
        let span = keys.span();
        spec.list_keys = match keys.into_inner() {
            ListKeys::Word(word) if word == "auto" => {
                AUTO_LIST_KEYS.iter().map(|k| (*k).to_owned()).collect()
            }
            ListKeys::Word(word) => {
                return Err(at(
                    span,
                    "list_keys",
                    format!(
                        "'{word}' is neither \"auto\" nor a list of keys such as [\"name\", \"id\"]"
                    ),
                ));
            }
            ListKeys::Keys(keys) if keys.is_empty() || keys.iter().any(String::is_empty) => {
                return Err(at(
                    span,
                    "list_keys",
                    "give at least one key, none empty".to_owned(),
                ));
            }
            ListKeys::Keys(keys) => keys,
        };
    }
    for entry in config.ignore {
        let span = entry.path.span();
        let paths = match entry.path.into_inner() {
            OneOrMany::One(path) => vec![path],
            OneOrMany::Many(paths) if paths.is_empty() => {
                return Err(at(span, "path", "give at least one selector".to_owned()));
            }
            OneOrMany::Many(paths) => paths,
        };
        for path in &paths {
            Pattern::parse(path).map_err(|e| {
                at(
                    span.clone(),
                    "path",
                    format!(
                        "invalid selector '{path}': {} (at {} {})",
                        e.reason, e.unit, e.position
                    ),
                )
            })?;
        }
        let mut kinds = Vec::new();
        if let Some(given) = entry.kinds {
            let span = given.span();
            for kind in given.into_inner() {
                if Kind::from_name(&kind).is_none() {
                    return Err(at(
                        span,
                        "kinds",
                        format!(
                            "unknown kind '{kind}': use added, removed, changed or type_changed"
                        ),
                    ));
                }
                kinds.push(kind);
            }
        }
        let mut services = Vec::new();
        if let Some(given) = entry.services {
            let span = given.span();
            services = given.into_inner();
            if services.iter().any(String::is_empty) {
                return Err(at(span, "services", "a service glob is empty".to_owned()));
            }
        }
        spec.ignore.push(IgnoreSpec {
            paths,
            services,
            kinds,
            reason: entry.reason.filter(|r| !r.is_empty()),
        });
    }
    for entry in config.list {
        let span = entry.path.span();
        let path = entry.path.into_inner();
        Pattern::parse(&path).map_err(|e| {
            at(
                span.clone(),
                "path",
                format!(
                    "invalid selector '{path}': {} (at {} {})",
                    e.reason, e.unit, e.position
                ),
            )
        })?;
        let (key, order) = match (entry.key, entry.order) {
            (Some(key), None) => {
                if key.get_ref().is_empty() {
                    return Err(at(key.span(), "key", "the key is empty".to_owned()));
                }
                (Some(key.into_inner()), None)
            }
            (None, Some(order)) => {
                if order.get_ref() != "ignore" {
                    return Err(at(
                        order.span(),
                        "order",
                        format!(
                            "'{}' is not an order rule: the only one is \"ignore\"",
                            order.get_ref()
                        ),
                    ));
                }
                (None, Some(order.into_inner()))
            }
            (Some(key), Some(_)) => {
                return Err(at(
                    key.span(),
                    "key",
                    "give key or order, not both".to_owned(),
                ));
            }
            (None, None) => {
                return Err(at(
                    span,
                    "path",
                    "this [[list]] needs key = \"…\" or order = \"ignore\"".to_owned(),
                ));
            }
        };
        spec.lists.push(ListSpec { path, key, order });
    }
    Ok(Config {
        rules: spec,
        baseline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_baseline_is_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ci").join(".confdiff.toml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "baseline = \"accepted.json\"\n").unwrap();
        let config = load_config(&path, "ci/.confdiff.toml").unwrap();
        assert_eq!(config.baseline, Some(dir.path().join("ci/accepted.json")));
        assert_eq!(config.rules.config.as_deref(), Some("ci/.confdiff.toml"));
        std::fs::write(&path, "baseline = \"/abs/b.json\"\n").unwrap();
        let config = load_config(&path, "c").unwrap();
        assert_eq!(config.baseline, Some(PathBuf::from("/abs/b.json")));
        assert_eq!(
            error("\nbaseline = \"\"\n"),
            "conf.toml line 2, key baseline: give the path of a baseline file, such as \".confdiff-baseline.json\""
        );
        assert!(error("baseline = 3\n").starts_with("conf.toml line 1"));
    }

    fn error(text: &str) -> String {
        parse_config(text, "conf.toml").unwrap_err().to_string()
    }

    #[test]
    fn reads_the_documented_example() {
        let spec = parse_config(
            "list_keys = \"auto\"\n[[ignore]]\npath = \"metadata.annotations.**\"\nservices = [\"billing-*\"]\nkinds = [\"changed\", \"added\"]\nreason = \"set by the deploy tool\"\n[[list]]\npath = \"**.containers\"\nkey = \"name\"\n[[list]]\npath = \"ports\"\norder = \"ignore\"\n",
            "conf.toml",
        )
        .unwrap()
        .rules;
        assert_eq!(spec.config.as_deref(), Some("conf.toml"));
        assert_eq!(spec.list_keys, ["name", "id", "key"]);
        assert_eq!(spec.ignore[0].paths, ["metadata.annotations.**"]);
        assert_eq!(spec.ignore[0].services, ["billing-*"]);
        assert_eq!(spec.ignore[0].kinds, ["changed", "added"]);
        assert_eq!(
            spec.ignore[0].reason.as_deref(),
            Some("set by the deploy tool")
        );
        assert_eq!(spec.lists[0].key.as_deref(), Some("name"));
        assert_eq!(spec.lists[1].order.as_deref(), Some("ignore"));
    }

    #[test]
    fn problems_name_the_file_line_and_key() {
        assert_eq!(
            error("[[ignore]]\npath = \"a..b\"\n"),
            "conf.toml line 2, key path: invalid selector 'a..b': a key is missing after '.' (at character 3)"
        );
        assert_eq!(
            error("[[ignore]]\npath = \"a\"\nkinds = [\"moved\"]\n"),
            "conf.toml line 3, key kinds: unknown kind 'moved': use added, removed, changed or type_changed"
        );
        assert_eq!(
            error("list_keys = \"guess\"\n"),
            "conf.toml line 1, key list_keys: 'guess' is neither \"auto\" nor a list of keys such as [\"name\", \"id\"]"
        );
        assert_eq!(
            error("\n[[list]]\npath = \"a\"\norder = \"sorted\"\n"),
            "conf.toml line 4, key order: 'sorted' is not an order rule: the only one is \"ignore\""
        );
        let unknown = error("[[ignore]]\npath = \"a\"\nreasn = \"x\"\n");
        assert!(
            unknown.starts_with("conf.toml line 3: unknown field `reasn`"),
            "{unknown}"
        );
        let broken = error("a = [\n");
        assert!(broken.starts_with("conf.toml line "), "{broken}");
        assert!(!broken.contains('\n'), "{broken}");
    }
}
