//! Configuration files (SPEC §6): `async-lint.toml`, or the same keys under
//! `[package.metadata.async-lint]` / `[workspace.metadata.async-lint]` in `Cargo.toml`.
//!
//! ```toml
//! exclude = ["benches/**"]          # globs, relative to the config's folder
//! [rules]
//! blocking_fs = "allow"             # allow | warn | deny
//! [[blocking]]
//! path = "mycrate::db::query_sync"
//! rule = "blocking_net"
//! reason = "runs SQL on the calling thread"
//! [[offload]]
//! path = "mycrate::pool::run_blocking"
//! [[allow]]                          # a sync fn accepted from async code: chains stop there
//! path = "mycrate::jobs::FileJobLogger::log"
//! rule = "blocking_fs"               # optional: every blocking rule when absent
//! ```
//!
//! The nearest configuration to a crate's root wins: each folder from the crate root up
//! is tried (`async-lint.toml` first, then `Cargo.toml`'s metadata), stopping after a
//! workspace root. A malformed file, an unknown key or a bad value is a [`ConfigError`]
//! (exit 2) naming the file, line and key; an unknown rule name is an `unknown_rule`
//! finding at its line, as it would be in a suppression.
//!
//! Code map: this file holds the types and how levels combine ([`RuleChoice`]);
//! [`parse`] turns TOML text into a [`Config`] (pure, no I/O); [`resolve`] finds the
//! configuration that applies on disk and reads it.

mod parse;
mod resolve;

use std::fmt;
use std::path::{Path, PathBuf};

use globset::GlobSet;

use crate::diagnostic::Diagnostic;
use crate::rules::{Level, Rule};
use crate::settings::{AllowedFn, Settings, UserBlocking};

pub use parse::parse;
pub use resolve::Resolver;

/// The configuration file's own name.
pub const FILE_NAME: &str = "async-lint.toml";

/// One configuration, read.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it was read from, as shown to the user.
    pub file: String,
    /// The file's text (for showing findings in it).
    pub text: String,
    /// The folder `exclude` globs are relative to (absolute).
    pub dir: PathBuf,
    exclude: GlobSet,
    /// `[rules]` levels.
    pub rules: Vec<(Rule, Level)>,
    pub blocking: Vec<UserBlocking>,
    pub offload: Vec<String>,
    /// `[[allow]]`: sync fns whose blocking is accepted from async code.
    pub allow: Vec<AllowedFn>,
    /// `unknown_rule` findings in the file, at the default level (the run sets levels).
    pub findings: Vec<Diagnostic>,
}

/// A configuration that cannot be used: exit 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    /// The key at fault (`rules.blocking_fs`, `blocking[1].path`), empty when none.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.key.is_empty()) {
            (0, _) => write!(f, "{}: {}", self.file, self.message),
            (line, true) => write!(f, "{}:{line}: {}", self.file, self.message),
            (line, false) => write!(f, "{}:{line}: `{}`: {}", self.file, self.key, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// `--select` and `--ignore` as given; they win over configuration levels.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleChoice {
    pub select: Option<Vec<Rule>>,
    /// `--extend-select`: rules turned on, the others left as they are.
    pub extend_select: Vec<Rule>,
    pub ignore: Vec<Rule>,
}

impl RuleChoice {
    /// Levels: each rule's default, then the configuration's, then the command line's.
    /// `--select` turns the listed rules on (at the configured level, or the default, or
    /// warn for a rule off by default) and every other rule off, except `parse_error`;
    /// `--extend-select` turns the listed rules on and leaves the others; `--ignore` turns
    /// rules off.
    pub fn settings(&self, config: Option<&Config>) -> Settings {
        let mut settings = Settings::default();
        if let Some(config) = config {
            for &(rule, level) in &config.rules {
                settings.set_level(rule, level);
            }
            settings.blocking = config.blocking.clone();
            settings.offload = config.offload.clone();
            settings.allow = config.allow.clone();
        }
        if let Some(selected) = &self.select {
            for &rule in Rule::ALL {
                let on = rule == Rule::ParseError || selected.contains(&rule);
                let level = match (on, settings.level(rule), rule.default_level()) {
                    (false, _, _) => Level::Allow,
                    (true, Level::Allow, Level::Allow) => Level::Warn,
                    (true, Level::Allow, default) => default,
                    (true, configured, _) => configured,
                };
                settings.set_level(rule, level);
            }
        }
        for &rule in &self.extend_select {
            if settings.level(rule) == Level::Allow {
                let level = rule.default_level().max(Level::Warn);
                settings.set_level(rule, level);
            }
        }
        for &rule in &self.ignore {
            if rule != Rule::ParseError {
                settings.set_level(rule, Level::Allow);
            }
        }
        settings
    }
}

impl Config {
    /// Whether `file` (absolute) matches an `exclude` glob, itself or a folder above it
    /// inside the config's folder.
    pub fn excludes(&self, file: &Path) -> bool {
        let Ok(relative) = file.strip_prefix(&self.dir) else {
            return false;
        };
        relative
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|p| self.exclude.is_match(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Config, ConfigError> {
        parse("async-lint.toml", text, Path::new("/repo"), &[])
    }

    #[test]
    fn command_line_wins_over_config() {
        let config = parsed("[rules]\nblocking_fs = \"allow\"\nblocking_net = \"deny\"\nunused_suppression = \"warn\"\n").unwrap();
        let none = RuleChoice::default().settings(Some(&config));
        assert_eq!(none.level(Rule::BlockingFs), Level::Allow);
        assert_eq!(none.level(Rule::BlockingNet), Level::Deny);
        assert_eq!(none.level(Rule::UnusedSuppression), Level::Warn);
        let select = RuleChoice {
            extend_select: Vec::new(),
            select: Some(vec![Rule::BlockingFs, Rule::BlockingNet]),
            ignore: vec![],
        }
        .settings(Some(&config));
        assert_eq!(select.level(Rule::BlockingFs), Level::Warn);
        assert_eq!(select.level(Rule::BlockingNet), Level::Deny);
        assert_eq!(select.level(Rule::BlockingSleep), Level::Allow);
        assert_eq!(select.level(Rule::UnusedSuppression), Level::Allow);
        assert_eq!(select.level(Rule::ParseError), Level::Deny);
        let ignore = RuleChoice {
            extend_select: Vec::new(),
            select: None,
            ignore: vec![Rule::BlockingNet],
        }
        .settings(Some(&config));
        assert_eq!(ignore.level(Rule::BlockingNet), Level::Allow);
    }
}
