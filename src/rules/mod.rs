//! Comparison rules: what to ignore, how to match the items of some
//! lists, which services to compare. A front end gives them as plain data
//! ([`RuleSpec`], from arguments, a `.confdiff.toml` or a JSON body);
//! [`Rules::new`] is the one place they are checked and compiled, and a
//! [`Rules`] always holds rules that passed.

mod config;
mod glob;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diff::{
    IgnoreMatcher, Kind, ListMatch, ListMatcher, PathSyntaxError, Pattern, WalkRules,
};

pub use config::{CONFIG_FILE_NAME, Config, ConfigError, load_config};
pub use glob::glob_match;

/// The rules as given, and as the JSON document and the store write
/// them once normalised (selectors written back in one form).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuleSpec {
    /// The config file the rules came from, if any.
    pub config: Option<String>,
    /// Differences not reported.
    pub ignore: Vec<IgnoreSpec>,
    /// How the sequences at some paths are matched.
    pub lists: Vec<ListSpec>,
    /// Candidate keys tried on every other sequence of mappings
    /// (`--list-keys`); empty for index by index.
    pub list_keys: Vec<String>,
    /// Only the services whose names match one of these globs; empty for
    /// all.
    pub services: Vec<String>,
    /// A service is any folder below DIR, at any depth, with the file.
    pub recursive: bool,
    /// List the ignored differences too, marked.
    pub show_ignored: bool,
}

/// One ignore rule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IgnoreSpec {
    /// Selectors; the rule ignores a difference any of them matches.
    pub paths: Vec<String>,
    /// Service globs the rule applies to; empty for all.
    pub services: Vec<String>,
    /// Kinds of differences it ignores; empty for all.
    pub kinds: Vec<String>,
    /// Why, shown beside what it ignores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One list rule: `key` or `order = "ignore"`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ListSpec {
    /// The selector of the sequences.
    pub path: String,
    /// Match the items by this key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `"ignore"`: compare the sequences as multisets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

/// The keys `--list-keys auto` tries, in order.
pub const AUTO_LIST_KEYS: [&str; 3] = ["name", "id", "key"];

/// A rule that cannot be used. Each message names the rule (the option
/// or the config file entry) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// A selector that does not parse.
    #[error("invalid selector '{}' in {rule}: {} (at {} {})", .error.given, .error.reason, .error.unit, .error.position)]
    Selector {
        /// Which rule: `--ignore`, `ignore[0].paths`, …
        rule: String,
        /// Where the selector goes wrong.
        error: PathSyntaxError,
    },
    /// Anything else wrong with a rule.
    #[error("invalid {rule}: {reason}")]
    Invalid {
        /// Which rule.
        rule: String,
        /// What is wrong.
        reason: String,
    },
    /// The config file could not be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Checked and compiled rules. Equal when their specs are equal.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(try_from = "RuleSpec", into = "RuleSpec")]
pub struct Rules {
    spec: RuleSpec,
    /// Every rule.
    all: Arc<WalkRules>,
    /// The rules that apply to every service.
    walk: Arc<WalkRules>,
    /// The service globs of each ignore rule (empty: all services).
    globs: Vec<Vec<String>>,
}

impl PartialEq for Rules {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Eq for Rules {}

impl From<Rules> for RuleSpec {
    fn from(rules: Rules) -> Self {
        rules.spec
    }
}

impl TryFrom<RuleSpec> for Rules {
    type Error = RulesError;

    fn try_from(spec: RuleSpec) -> Result<Self, Self::Error> {
        Rules::new(spec)
    }
}

impl Rules {
    /// Checks `spec` and compiles it: the one way to make rules, for the
    /// command line, a config file and a JSON body alike. The spec kept
    /// is normalised: selectors in one written form, kinds and keys as
    /// given.
    pub fn new(mut spec: RuleSpec) -> Result<Rules, RulesError> {
        let mut walk = WalkRules::default();
        let mut globs = Vec::new();
        for (i, rule) in spec.ignore.iter_mut().enumerate() {
            let name = |field: &str| format!("ignore[{i}].{field}");
            if rule.paths.is_empty() {
                return Err(invalid(name("paths"), "give at least one selector"));
            }
            let patterns = rule
                .paths
                .iter()
                .map(|text| selector(text, &name("paths")))
                .collect::<Result<Vec<_>, _>>()?;
            rule.paths = patterns.iter().map(Pattern::to_string).collect();
            let kinds = rule
                .kinds
                .iter()
                .map(|kind| {
                    Kind::from_name(kind).ok_or_else(|| {
                        invalid(
                            name("kinds"),
                            &format!(
                                "unknown kind '{kind}': use added, removed, changed or type_changed"
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            for glob in &rule.services {
                check_glob(glob, &name("services"))?;
            }
            if rule.reason.as_deref() == Some("") {
                rule.reason = None;
            }
            globs.push(rule.services.clone());
            walk.ignore.push(IgnoreMatcher {
                index: u32::try_from(i).unwrap_or(u32::MAX),
                patterns,
                kinds: (!kinds.is_empty()).then_some(kinds),
            });
        }
        for (i, rule) in spec.lists.iter_mut().enumerate() {
            let name = format!("lists[{i}]");
            let pattern = selector(&rule.path, &format!("{name}.path"))?;
            rule.path = pattern.to_string();
            let how = match (&rule.key, rule.order.as_deref()) {
                (Some(key), None) if !key.is_empty() => ListMatch::Key(key.clone()),
                (None, Some("ignore")) => ListMatch::Unordered,
                (None, Some(other)) => {
                    return Err(invalid(
                        format!("{name}.order"),
                        &format!("'{other}' is not an order rule: the only one is \"ignore\""),
                    ));
                }
                (Some(_), None) => return Err(invalid(format!("{name}.key"), "the key is empty")),
                (Some(_), Some(_)) => {
                    return Err(invalid(name, "give key or order, not both"));
                }
                (None, None) => {
                    return Err(invalid(name, "give key = \"…\" or order = \"ignore\""));
                }
            };
            walk.lists.push(ListMatcher { pattern, how });
        }
        if let Some(empty) = spec.list_keys.iter().position(String::is_empty) {
            return Err(invalid(
                "--list-keys".to_owned(),
                &format!("key {} is empty", empty + 1),
            ));
        }
        walk.auto_keys = spec.list_keys.clone();
        for glob in &spec.services {
            check_glob(glob, "--service")?;
        }
        let mut everywhere = walk.clone();
        everywhere
            .ignore
            .retain(|rule| globs[rule.index as usize].is_empty());
        Ok(Rules {
            spec,
            all: Arc::new(walk),
            walk: Arc::new(everywhere),
            globs,
        })
    }

    /// The normalised rules.
    pub fn spec(&self) -> &RuleSpec {
        &self.spec
    }

    /// Whether no rule is set (a config file may still have been read).
    pub fn is_empty(&self) -> bool {
        RuleSpec {
            config: None,
            ..self.spec.clone()
        } == RuleSpec::default()
    }

    /// The rules a pair's walk applies whatever its service: rules limited
    /// to some services are left out here (see [`Rules::walk_for`]).
    pub fn walk(&self) -> &Arc<WalkRules> {
        &self.walk
    }

    /// Whether some ignore rule applies only to some services, so a pair's
    /// result depends on its service's name.
    pub fn has_service_rules(&self) -> bool {
        self.globs.iter().any(|globs| !globs.is_empty())
    }

    /// Whether `service` is one the service-limited rules name.
    pub fn names_service(&self, service: &str) -> bool {
        self.globs
            .iter()
            .flatten()
            .any(|glob| glob_match(glob, service))
    }

    /// The walk rules for `service`: the ignore rules limited to other
    /// services dropped.
    pub fn walk_for(&self, service: &str) -> WalkRules {
        let mut walk = WalkRules::clone(&self.all);
        walk.ignore.retain(|rule| {
            let globs = &self.globs[rule.index as usize];
            globs.is_empty() || globs.iter().any(|glob| glob_match(glob, service))
        });
        walk
    }

    /// The rules as a report shows them: `None` without rules, so a
    /// rule-free report is the one of before rules existed.
    pub fn reported(&self) -> Option<RuleSpec> {
        (self.spec != RuleSpec::default()).then(|| self.spec.clone())
    }

    /// Whether `service` is compared at all (`--service`).
    pub fn selects(&self, service: &str) -> bool {
        self.spec.services.is_empty()
            || self
                .spec
                .services
                .iter()
                .any(|glob| glob_match(glob, service))
    }

    /// What the cache key holds of the rules: everything but where they
    /// were read from; empty without rules, so rule-free keys are those
    /// of before rules existed.
    pub fn cache_key(&self) -> String {
        if self.is_empty() {
            return String::new();
        }
        let spec = RuleSpec {
            config: None,
            ..self.spec.clone()
        };
        format!(
            ";rules={}",
            serde_json::to_string(&spec).expect("rules always serialize")
        )
    }
}

fn selector(text: &str, rule: &str) -> Result<Pattern, RulesError> {
    Pattern::parse(text).map_err(|error| RulesError::Selector {
        rule: rule.to_owned(),
        error,
    })
}

fn invalid(rule: String, reason: &str) -> RulesError {
    RulesError::Invalid {
        rule,
        reason: reason.to_owned(),
    }
}

fn check_glob(glob: &str, rule: &str) -> Result<(), RulesError> {
    if glob.is_empty() {
        return Err(invalid(rule.to_owned(), "a service glob is empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
