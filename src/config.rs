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
//! ```
//!
//! The nearest configuration to a crate's root wins: each folder from the crate root up
//! is tried (`async-lint.toml` first, then `Cargo.toml`'s metadata), stopping after a
//! workspace root. A malformed file, an unknown key or a bad value is a [`ConfigError`]
//! (exit 2) naming the file, line and key; an unknown rule name is an `unknown_rule`
//! finding at its line, as it would be in a suppression.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, Pos, Span};
use crate::rules::{Family, Level, Rule};
use crate::settings::{Settings, UserBlocking};

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
    pub ignore: Vec<Rule>,
}

impl RuleChoice {
    /// Levels: each rule's default, then the configuration's, then the command line's.
    /// `--select` turns the listed rules on (at the configured level, or the default, or
    /// warn for a rule off by default) and every other rule off, except `parse_error`;
    /// `--ignore` turns rules off.
    pub fn settings(&self, config: Option<&Config>) -> Settings {
        let mut settings = Settings::default();
        if let Some(config) = config {
            for &(rule, level) in &config.rules {
                settings.set_level(rule, level);
            }
            settings.blocking = config.blocking.clone();
            settings.offload = config.offload.clone();
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

    /// Reads `--config FILE`: an `async-lint.toml`-style file, or a `Cargo.toml` whose
    /// metadata holds the keys.
    pub fn load(path: &Path, shown: &str) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|err| ConfigError {
            file: shown.to_string(),
            line: 0,
            key: String::new(),
            message: format!("could not read the configuration: {err}"),
        })?;
        let dir = absolute_dir(path);
        if path.file_name().is_some_and(|n| n == "Cargo.toml") {
            match from_manifest(shown, &text, &dir)? {
                Some(config) => Ok(config),
                None => Err(ConfigError {
                    file: shown.to_string(),
                    line: 0,
                    key: String::new(),
                    message: "no `[package.metadata.async-lint]` or \
                              `[workspace.metadata.async-lint]` table"
                        .to_string(),
                }),
            }
        } else {
            parse(shown, &text, &dir, &[])
        }
    }
}

fn absolute_dir(file: &Path) -> PathBuf {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf())
}

/// The `[package.metadata.async-lint]` (or workspace) table of a `Cargo.toml`, if any.
/// A `Cargo.toml` that is not TOML has none (cargo reports that, not us).
fn from_manifest(shown: &str, text: &str, dir: &Path) -> Result<Option<Config>, ConfigError> {
    let Ok(table) = DeTable::parse(text) else {
        return Ok(None);
    };
    for section in ["package", "workspace"] {
        let found = table
            .get_ref()
            .get(section)
            .and_then(|v| as_table(v.get_ref()))
            .and_then(|t| t.get("metadata"))
            .and_then(|v| as_table(v.get_ref()))
            .and_then(|t| t.get("async-lint"));
        if let Some(value) = found {
            let prefix = [section, "metadata", "async-lint"];
            let Some(inner) = as_table(value.get_ref()) else {
                return Err(error(
                    shown,
                    text,
                    value.span().start,
                    &prefix.join("."),
                    "must be a table",
                ));
            };
            return read_table(shown, text, dir, inner, &prefix).map(Some);
        }
    }
    Ok(None)
}

fn as_table<'a, 'i>(value: &'a DeValue<'i>) -> Option<&'a DeTable<'i>> {
    match value {
        DeValue::Table(table) => Some(table),
        _ => None,
    }
}

/// Parses an `async-lint.toml`-style text.
pub fn parse(shown: &str, text: &str, dir: &Path, prefix: &[&str]) -> Result<Config, ConfigError> {
    let table = DeTable::parse(text).map_err(|err| {
        let offset = err.span().map_or(0, |span| span.start);
        error(
            shown,
            text,
            offset,
            "",
            &format!("invalid TOML: {}", err.message().trim()),
        )
    })?;
    read_table(shown, text, dir, table.get_ref(), prefix)
}

fn read_table(
    shown: &str,
    text: &str,
    dir: &Path,
    table: &DeTable<'_>,
    prefix: &[&str],
) -> Result<Config, ConfigError> {
    let key_name = |key: &str| {
        let mut parts: Vec<&str> = prefix.to_vec();
        parts.push(key);
        parts.join(".")
    };
    let fail = |offset: usize, key: &str, message: &str| error(shown, text, offset, key, message);
    let mut config = Config {
        file: shown.to_string(),
        text: text.to_string(),
        dir: dir.to_path_buf(),
        exclude: GlobSet::empty(),
        rules: Vec::new(),
        blocking: Vec::new(),
        offload: Vec::new(),
        findings: Vec::new(),
    };
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        let at = key.span().start;
        match name {
            "exclude" => {
                let mut globs = GlobSetBuilder::new();
                for item in array(value, &key_name(name), &fail)? {
                    let pattern = string(item, &key_name(name), &fail)?;
                    let glob = GlobBuilder::new(pattern.trim_start_matches("./"))
                        .literal_separator(true)
                        .build()
                        .map_err(|err| {
                            fail(
                                item.span().start,
                                &key_name(name),
                                &format!("bad glob: {err}"),
                            )
                        })?;
                    globs.add(glob);
                }
                config.exclude = globs
                    .build()
                    .map_err(|err| fail(at, &key_name(name), &err.to_string()))?;
            }
            "rules" => {
                let Some(rules) = as_table(value.get_ref()) else {
                    return Err(fail(at, &key_name(name), "must be a table of rule levels"));
                };
                for (rule_key, level) in rules {
                    let rule_name = rule_key.get_ref().as_ref();
                    let full = key_name(&format!("rules.{rule_name}"));
                    let level_text = string(level, &full, &fail)?;
                    let Some(level_value) = Level::parse(level_text) else {
                        return Err(fail(
                            level.span().start,
                            &full,
                            &format!("unknown level `{level_text}` (allow, warn or deny)"),
                        ));
                    };
                    match Rule::from_name(rule_name) {
                        Some(Rule::ParseError) if level_value == Level::Allow => {
                            return Err(fail(
                                rule_key.span().start,
                                &full,
                                "`parse_error` cannot be turned off",
                            ));
                        }
                        Some(rule) => config.rules.push((rule, level_value)),
                        None => config.findings.push(unknown_rule(
                            shown,
                            text,
                            rule_key.span(),
                            rule_name,
                        )),
                    }
                }
            }
            "blocking" => {
                for (i, entry) in array(value, &key_name(name), &fail)?.iter().enumerate() {
                    let here = key_name(&format!("blocking[{}]", i + 1));
                    let fields = entry_fields(entry, &here, &["path", "rule", "reason"], &fail)?;
                    let path = required(&fields, "path", entry, &here, &fail)?;
                    let rule_value = fields
                        .get("rule")
                        .copied()
                        .ok_or_else(|| fail(entry.span().start, &here, "missing key `rule`"))?;
                    let rule_name = string(rule_value, &format!("{here}.rule"), &fail)?;
                    let reason = match fields.get("reason") {
                        Some(value) => string(value, &format!("{here}.reason"), &fail)?.to_string(),
                        None => String::new(),
                    };
                    check_path(path, entry, &format!("{here}.path"), &fail)?;
                    match Rule::from_name(rule_name) {
                        Some(rule) if rule.family() == Family::Blocking => {
                            config.blocking.push(UserBlocking {
                                path: path.to_string(),
                                rule,
                                reason,
                            });
                        }
                        Some(rule) => {
                            return Err(fail(
                                rule_value.span().start,
                                &format!("{here}.rule"),
                                &format!(
                                    "`{rule}` is not a rule a blocking call is reported under \
                                     (blocking_fs, blocking_sleep, blocking_net, \
                                     blocking_process, blocking_wait, block_on_in_async)"
                                ),
                            ));
                        }
                        None => {
                            let span = rule_value.span();
                            // The name inside the quotes.
                            let span =
                                span.start + 1..span.end.saturating_sub(1).max(span.start + 1);
                            config
                                .findings
                                .push(unknown_rule(shown, text, span, rule_name));
                        }
                    }
                }
            }
            "offload" => {
                for (i, entry) in array(value, &key_name(name), &fail)?.iter().enumerate() {
                    let here = key_name(&format!("offload[{}]", i + 1));
                    let fields = entry_fields(entry, &here, &["path"], &fail)?;
                    let path = required(&fields, "path", entry, &here, &fail)?;
                    check_path(path, entry, &format!("{here}.path"), &fail)?;
                    config.offload.push(path.to_string());
                }
            }
            other => {
                return Err(fail(
                    at,
                    &key_name(other),
                    "unknown key (expected `exclude`, `rules`, `blocking` or `offload`)",
                ));
            }
        }
    }
    config.findings.sort_by_key(|d| d.span.start);
    Ok(config)
}

type Fail<'a> = dyn Fn(usize, &str, &str) -> ConfigError + 'a;
type Value<'i> = Spanned<DeValue<'i>>;

fn array<'a, 'i>(
    value: &'a Value<'i>,
    key: &str,
    fail: &Fail<'_>,
) -> Result<&'a [Value<'i>], ConfigError> {
    match value.get_ref() {
        DeValue::Array(items) => Ok(items.as_ref()),
        _ => Err(fail(value.span().start, key, "must be an array")),
    }
}

fn string<'a>(value: &'a Value<'_>, key: &str, fail: &Fail<'_>) -> Result<&'a str, ConfigError> {
    match value.get_ref() {
        DeValue::String(text) => Ok(text.as_ref()),
        other => Err(fail(
            value.span().start,
            key,
            &format!("must be a string, not {}", other.type_str()),
        )),
    }
}

fn entry_fields<'a, 'i>(
    entry: &'a Value<'i>,
    here: &str,
    allowed: &[&str],
    fail: &Fail<'_>,
) -> Result<HashMap<&'a str, &'a Value<'i>>, ConfigError> {
    let Some(table) = as_table(entry.get_ref()) else {
        return Err(fail(entry.span().start, here, "must be a table"));
    };
    let mut fields = HashMap::new();
    for (key, value) in table {
        let name: &str = key.get_ref().as_ref();
        if !allowed.contains(&name) {
            let expected: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
            return Err(fail(
                key.span().start,
                &format!("{here}.{name}"),
                &format!("unknown key (expected {})", expected.join(", ")),
            ));
        }
        fields.insert(name, value);
    }
    Ok(fields)
}

fn required<'a>(
    fields: &HashMap<&str, &'a Value<'_>>,
    key: &str,
    entry: &Value<'_>,
    here: &str,
    fail: &Fail<'_>,
) -> Result<&'a str, ConfigError> {
    match fields.get(key) {
        Some(value) => string(value, &format!("{here}.{key}"), fail),
        None => Err(fail(
            entry.span().start,
            here,
            &format!("missing key `{key}`"),
        )),
    }
}

/// A path like `mycrate::db::query_sync`: identifiers joined by `::`.
fn check_path(
    path: &str,
    entry: &Value<'_>,
    key: &str,
    fail: &Fail<'_>,
) -> Result<(), ConfigError> {
    let ok = !path.is_empty()
        && path.split("::").all(|segment| {
            !segment.is_empty()
                && segment.chars().all(|c| c == '_' || c.is_alphanumeric())
                && !segment.starts_with(|c: char| c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(fail(
            entry.span().start,
            key,
            &format!("`{path}` is not a path like `mycrate::module::function`"),
        ))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn error(shown: &str, text: &str, offset: usize, key: &str, message: &str) -> ConfigError {
    ConfigError {
        file: shown.to_string(),
        line: line_of(text, offset),
        key: key.to_string(),
        message: message.to_string(),
    }
}

fn pos(text: &str, offset: usize) -> Pos {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos {
        line: u32::try_from(line_of(text, offset)).unwrap_or(u32::MAX),
        column: u32::try_from(before[line_start..].chars().count() + 1).unwrap_or(u32::MAX),
        offset,
    }
}

fn unknown_rule(shown: &str, text: &str, span: std::ops::Range<usize>, name: &str) -> Diagnostic {
    Diagnostic {
        rule: Rule::UnknownRule,
        level: Rule::UnknownRule.default_level(),
        message: format!("unknown rule `{name}` in the configuration"),
        file: shown.to_string(),
        span: Span {
            start: pos(text, span.start),
            end: pos(text, span.end),
        },
        label: "no rule has this name".to_string(),
        labels: Vec::new(),
        notes: Vec::new(),
        help: Some("`async-lint --list-rules` lists the rules".to_string()),
        fix: None,
    }
}

/// Finds and caches the nearest configuration of each folder; `--config` overrides all.
#[derive(Debug, Default)]
pub struct Resolver {
    explicit: Option<Arc<Config>>,
    /// Absolute folder → the configuration that applies there.
    found: HashMap<PathBuf, Option<Arc<Config>>>,
    /// The current directory, for showing config paths relative to it.
    cwd: PathBuf,
}

impl Resolver {
    /// With `--config FILE`, every folder gets that file; otherwise each is searched.
    pub fn new(explicit: Option<&Path>) -> Result<Resolver, ConfigError> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let explicit = match explicit {
            Some(path) => Some(Arc::new(Config::load(path, &path.to_string_lossy())?)),
            None => None,
        };
        Ok(Resolver {
            explicit,
            found: HashMap::new(),
            cwd,
        })
    }

    /// The configuration for files in `dir` (a crate root, or a loose file's folder).
    pub fn config_for(&mut self, dir: &Path) -> Result<Option<Arc<Config>>, ConfigError> {
        if let Some(config) = &self.explicit {
            return Ok(Some(Arc::clone(config)));
        }
        let dir = std::fs::canonicalize(dir)
            .or_else(|_| std::path::absolute(dir))
            .unwrap_or_else(|_| dir.to_path_buf());
        let mut visited = Vec::new();
        let mut current = Some(dir.as_path());
        let mut result = None;
        while let Some(here) = current {
            if let Some(known) = self.found.get(here) {
                result = known.clone();
                break;
            }
            visited.push(here.to_path_buf());
            let (config, stop) = self.read_dir(here)?;
            if config.is_some() || stop {
                result = config;
                break;
            }
            current = here.parent();
        }
        for dir in visited {
            self.found.insert(dir, result.clone());
        }
        Ok(result)
    }

    /// The configuration in `dir` itself, and whether the search stops there (a workspace
    /// root).
    fn read_dir(&self, dir: &Path) -> Result<(Option<Arc<Config>>, bool), ConfigError> {
        let own = dir.join(FILE_NAME);
        if own.is_file() {
            let shown = self.shown(&own);
            return Ok((Some(Arc::new(Config::load(&own, &shown)?)), true));
        }
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            return Ok((None, false));
        };
        let shown = self.shown(&manifest);
        let config = from_manifest(&shown, &text, dir)?.map(Arc::new);
        let workspace_root = text
            .parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key("workspace"));
        Ok((config, workspace_root))
    }

    fn shown(&self, path: &Path) -> String {
        let cwd = std::fs::canonicalize(&self.cwd).unwrap_or_else(|_| self.cwd.clone());
        path.strip_prefix(&cwd)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Config, ConfigError> {
        parse("async-lint.toml", text, Path::new("/repo"), &[])
    }

    #[test]
    fn full_example() {
        let config = parsed(
            "exclude = [\"benches/**\", \"examples/legacy.rs\"]\n\n[rules]\nblocking_fs = \"allow\"\n\
             lock_across_await = \"deny\"\n\n[[blocking]]\npath = \"mycrate::db::query_sync\"\n\
             rule = \"blocking_net\"\nreason = \"runs SQL\"\n\n[[offload]]\npath = \"mycrate::pool::run\"\n",
        )
        .unwrap();
        assert_eq!(
            config.rules,
            vec![
                (Rule::BlockingFs, Level::Allow),
                (Rule::LockAcrossAwait, Level::Deny)
            ]
        );
        assert_eq!(
            config.blocking,
            vec![UserBlocking {
                path: "mycrate::db::query_sync".into(),
                rule: Rule::BlockingNet,
                reason: "runs SQL".into()
            }]
        );
        assert_eq!(config.offload, vec!["mycrate::pool::run".to_string()]);
        assert!(config.excludes(Path::new("/repo/benches/a/b.rs")));
        assert!(config.excludes(Path::new("/repo/examples/legacy.rs")));
        assert!(!config.excludes(Path::new("/repo/examples/new.rs")));
        assert!(!config.excludes(Path::new("/elsewhere/benches/x.rs")));
        assert!(config.findings.is_empty());
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let cases = [
            ("exclude = [\"a\"]\ncolour = 1\n", 2, "colour"),
            (
                "[rules]\n\nblocking_fs = \"loud\"\n",
                3,
                "rules.blocking_fs",
            ),
            ("[rules]\nblocking_fs = 1\n", 2, "rules.blocking_fs"),
            ("rules = 1\n", 1, "rules"),
            ("exclude = \"a\"\n", 1, "exclude"),
            ("exclude = [\"a[\"]\n", 1, "exclude"),
            ("[[blocking]]\npath = \"a::b\"\n", 1, "blocking[1]"),
            (
                "[[blocking]]\npath = \"a::b\"\nrule = \"blocking_fs\"\nwhy = \"x\"\n",
                4,
                "blocking[1].why",
            ),
            (
                "[[blocking]]\npath = \"a::b\"\nrule = \"parse_error\"\n",
                3,
                "blocking[1].rule",
            ),
            (
                "[[blocking]]\npath = \"a b\"\nrule = \"blocking_fs\"\n",
                1,
                "blocking[1].path",
            ),
            ("[[offload]]\npath = 3\n", 2, "offload[1].path"),
            ("[rules]\nparse_error = \"allow\"\n", 2, "rules.parse_error"),
        ];
        for (text, line, key) in cases {
            let err = parsed(text).expect_err(text);
            assert_eq!((err.line, err.key.as_str()), (line, key), "{text}: {err}");
            assert!(
                err.to_string()
                    .starts_with(&format!("async-lint.toml:{line}: `{key}`: "))
            );
        }
        let err = parsed("[rules\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.starts_with("invalid TOML"), "{err}");
    }

    #[test]
    fn unknown_rule_names_are_findings_at_their_line() {
        let text = "[rules]\nblocking_fs = \"warn\"\nblockin_net = \"allow\"\n\n[[blocking]]\npath = \"a::b\"\nrule = \"blocking_nope\"\n";
        let config = parsed(text).unwrap();
        let found: Vec<(u32, u32, &str)> = config
            .findings
            .iter()
            .map(|d| (d.span.start.line, d.span.start.column, d.message.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (3, 1, "unknown rule `blockin_net` in the configuration"),
                (7, 9, "unknown rule `blocking_nope` in the configuration"),
            ]
        );
        assert!(config.blocking.is_empty());
    }

    #[test]
    fn manifest_metadata() {
        let text = "[package]\nname = \"x\"\n\n[package.metadata.async-lint.rules]\nblocking_fs = \"deny\"\nbogus = 1\n";
        let err = from_manifest("Cargo.toml", text, Path::new("/x")).unwrap_err();
        assert_eq!(
            (err.line, err.key.as_str()),
            (6, "package.metadata.async-lint.rules.bogus")
        );
        let text = "[workspace.metadata.async-lint]\nexclude = [\"gen/**\"]\n";
        let config = from_manifest("Cargo.toml", text, Path::new("/x"))
            .unwrap()
            .unwrap();
        assert!(config.excludes(Path::new("/x/gen/a.rs")));
        assert!(
            from_manifest("Cargo.toml", "[package]\nname = \"x\"\n", Path::new("/x"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn command_line_wins_over_config() {
        let config = parsed("[rules]\nblocking_fs = \"allow\"\nblocking_net = \"deny\"\nunused_suppression = \"warn\"\n").unwrap();
        let none = RuleChoice::default().settings(Some(&config));
        assert_eq!(none.level(Rule::BlockingFs), Level::Allow);
        assert_eq!(none.level(Rule::BlockingNet), Level::Deny);
        assert_eq!(none.level(Rule::UnusedSuppression), Level::Warn);
        let select = RuleChoice {
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
            select: None,
            ignore: vec![Rule::BlockingNet],
        }
        .settings(Some(&config));
        assert_eq!(ignore.level(Rule::BlockingNet), Level::Allow);
    }

    #[test]
    fn nearest_config_wins_and_search_stops_at_the_workspace_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("async-lint.toml", "[rules]\nblocking_fs = \"deny\"\n");
        write(
            "ws/Cargo.toml",
            "[workspace]\nmembers = [\"a\", \"b\"]\n[workspace.metadata.async-lint.rules]\nblocking_fs = \"allow\"\n",
        );
        write("ws/a/Cargo.toml", "[package]\nname = \"a\"\n");
        write("ws/b/Cargo.toml", "[package]\nname = \"b\"\n");
        write(
            "ws/b/async-lint.toml",
            "[rules]\nblocking_net = \"allow\"\n",
        );
        write("ws2/Cargo.toml", "[workspace]\n");
        write("ws2/c/Cargo.toml", "[package]\nname = \"c\"\n");
        write("loose/x.rs", "");
        let mut resolver = Resolver::new(None).unwrap();
        let rules = |resolver: &mut Resolver, dir: &str| {
            resolver
                .config_for(&root.join(dir))
                .unwrap()
                .map(|c| c.rules.clone())
        };
        assert_eq!(
            rules(&mut resolver, "ws/a"),
            Some(vec![(Rule::BlockingFs, Level::Allow)])
        );
        assert_eq!(
            rules(&mut resolver, "ws/b"),
            Some(vec![(Rule::BlockingNet, Level::Allow)])
        );
        assert_eq!(rules(&mut resolver, "ws2/c"), None);
        assert_eq!(
            rules(&mut resolver, "loose"),
            Some(vec![(Rule::BlockingFs, Level::Deny)])
        );
    }
}
