//! TOML text -> [`Config`]: pure, no I/O. A malformed text, an unknown key or a bad value
//! is a [`ConfigError`] naming the line and key; an unknown rule name is an `unknown_rule`
//! finding.

use std::collections::HashMap;
use std::path::Path;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Config, ConfigError};
use crate::diagnostic::{Diagnostic, Span};
use crate::rules::unknown_rule::{self, Written};
use crate::rules::{Family, Level, Rule};
use crate::settings::{AllowedFn, UserBlocking};
use crate::text::LineIndex;

/// The `[package.metadata.async-lint]` (or workspace) table of a `Cargo.toml`, if any.
/// A `Cargo.toml` that is not TOML has none (cargo reports that, not us).
pub(super) fn from_manifest(
    shown: &str,
    text: &str,
    dir: &Path,
) -> Result<Option<Config>, ConfigError> {
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
            let doc = Doc::new(shown, text, &prefix);
            let Some(inner) = as_table(value.get_ref()) else {
                return Err(doc.fail(value.span().start, &prefix.join("."), "must be a table"));
            };
            return read_table(&doc, dir, inner).map(Some);
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
    let doc = Doc::new(shown, text, prefix);
    let table = DeTable::parse(text).map_err(|err| {
        let offset = err.span().map_or(0, |span| span.start);
        doc.fail(
            offset,
            "",
            &format!("invalid TOML: {}", err.message().trim()),
        )
    })?;
    read_table(&doc, dir, table.get_ref())
}

/// The file being read: its name as shown, its text with a line index (errors and
/// findings give positions), and the prefix of its keys (`package.metadata.async-lint`
/// in a manifest).
struct Doc<'a> {
    shown: &'a str,
    index: LineIndex<'a>,
    prefix: &'a [&'a str],
}

impl<'a> Doc<'a> {
    fn new(shown: &'a str, text: &'a str, prefix: &'a [&'a str]) -> Self {
        Doc {
            shown,
            index: LineIndex::new(text),
            prefix,
        }
    }

    /// `key` as an error names it: after the prefix.
    fn key(&self, key: &str) -> String {
        let mut parts: Vec<&str> = self.prefix.to_vec();
        parts.push(key);
        parts.join(".")
    }

    /// An error at byte `offset`, about `key` (as named, prefix included).
    fn fail(&self, offset: usize, key: &str, message: &str) -> ConfigError {
        ConfigError {
            file: self.shown.to_string(),
            line: self.index.line(offset) as usize,
            key: key.to_string(),
            message: message.to_string(),
        }
    }

    /// The `unknown_rule` finding for rule name `name` at bytes `span`: the one place its
    /// wording is built.
    fn unknown_rule(&self, span: std::ops::Range<usize>, name: &str) -> Diagnostic {
        let len = self.index.text().len();
        let span = Span {
            start: self.index.at(span.start.min(len)),
            end: self.index.at(span.end.min(len)),
        };
        unknown_rule::diagnostic(self.shown, span, name, Written::Configuration)
    }
}

/// The top-level table: each key read by its own function, in the file's order.
fn read_table(doc: &Doc<'_>, dir: &Path, table: &DeTable<'_>) -> Result<Config, ConfigError> {
    let mut config = Config {
        file: doc.shown.to_string(),
        text: doc.index.text().to_string(),
        dir: dir.to_path_buf(),
        exclude: GlobSet::empty(),
        rules: Vec::new(),
        blocking: Vec::new(),
        offload: Vec::new(),
        allow: Vec::new(),
        findings: Vec::new(),
    };
    for (key, value) in table {
        let name = key.get_ref().as_ref();
        let at = key.span().start;
        match name {
            "exclude" => exclude(doc, at, value, &mut config)?,
            "rules" => rules(doc, at, value, &mut config)?,
            "blocking" => blocking(doc, value, &mut config)?,
            "offload" => offload(doc, value, &mut config)?,
            "allow" => allow(doc, value, &mut config)?,
            other => {
                return Err(doc.fail(
                    at,
                    &doc.key(other),
                    "unknown key (expected `exclude`, `rules`, `blocking`, `offload` or `allow`)",
                ));
            }
        }
    }
    config.findings.sort_by_key(|d| d.span.start);
    Ok(config)
}

/// `exclude = ["glob", ..]`, the key at byte `at`.
fn exclude(
    doc: &Doc<'_>,
    at: usize,
    value: &Value<'_>,
    config: &mut Config,
) -> Result<(), ConfigError> {
    let key = doc.key("exclude");
    let mut globs = GlobSetBuilder::new();
    for item in array(value, &key, doc)? {
        let pattern = string(item, &key, doc)?;
        let glob = GlobBuilder::new(pattern.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|err| doc.fail(item.span().start, &key, &format!("bad glob: {err}")))?;
        globs.add(glob);
    }
    config.exclude = globs
        .build()
        .map_err(|err| doc.fail(at, &key, &err.to_string()))?;
    Ok(())
}

/// `[rules]`: `rule_name = "allow" | "warn" | "deny"`, the key at byte `at`.
fn rules(
    doc: &Doc<'_>,
    at: usize,
    value: &Value<'_>,
    config: &mut Config,
) -> Result<(), ConfigError> {
    let Some(rules) = as_table(value.get_ref()) else {
        return Err(doc.fail(at, &doc.key("rules"), "must be a table of rule levels"));
    };
    for (rule_key, level) in rules {
        let rule_name = rule_key.get_ref().as_ref();
        let full = doc.key(&format!("rules.{rule_name}"));
        let level_text = string(level, &full, doc)?;
        let Some(level_value) = Level::parse(level_text) else {
            return Err(doc.fail(
                level.span().start,
                &full,
                &format!("unknown level `{level_text}` (allow, warn or deny)"),
            ));
        };
        match Rule::from_name(rule_name) {
            Some(Rule::ParseError) if level_value == Level::Allow => {
                return Err(doc.fail(
                    rule_key.span().start,
                    &full,
                    "`parse_error` cannot be turned off",
                ));
            }
            Some(rule) => config.rules.push((rule, level_value)),
            None => config
                .findings
                .push(doc.unknown_rule(rule_key.span(), rule_name)),
        }
    }
    Ok(())
}

/// `[[blocking]]`: `path`, `rule` (a blocking rule) and an optional `reason`.
fn blocking(doc: &Doc<'_>, value: &Value<'_>, config: &mut Config) -> Result<(), ConfigError> {
    for (i, entry) in array(value, &doc.key("blocking"), doc)?.iter().enumerate() {
        let here = doc.key(&format!("blocking[{}]", i + 1));
        let fields = entry_fields(entry, &here, &["path", "rule", "reason"], doc)?;
        let path = required(&fields, "path", entry, &here, doc)?;
        let rule_value = fields
            .get("rule")
            .copied()
            .ok_or_else(|| doc.fail(entry.span().start, &here, "missing key `rule`"))?;
        let rule_name = string(rule_value, &format!("{here}.rule"), doc)?;
        let reason = match fields.get("reason") {
            Some(value) => string(value, &format!("{here}.reason"), doc)?.to_string(),
            None => String::new(),
        };
        check_path(path, entry, &format!("{here}.path"), doc)?;
        match Rule::from_name(rule_name) {
            Some(rule) if rule.family() == Family::Blocking => {
                config.blocking.push(UserBlocking {
                    path: path.to_string(),
                    rule,
                    reason,
                });
            }
            Some(rule) => {
                return Err(doc.fail(
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
                let span = span.start + 1..span.end.saturating_sub(1).max(span.start + 1);
                config.findings.push(doc.unknown_rule(span, rule_name));
            }
        }
    }
    Ok(())
}

/// `[[offload]]`: `path`.
fn offload(doc: &Doc<'_>, value: &Value<'_>, config: &mut Config) -> Result<(), ConfigError> {
    for (i, entry) in array(value, &doc.key("offload"), doc)?.iter().enumerate() {
        let here = doc.key(&format!("offload[{}]", i + 1));
        let fields = entry_fields(entry, &here, &["path"], doc)?;
        let path = required(&fields, "path", entry, &here, doc)?;
        check_path(path, entry, &format!("{here}.path"), doc)?;
        config.offload.push(path.to_string());
    }
    Ok(())
}

/// `[[allow]]`: `path` (a sync fn accepted from async code) and an optional blocking
/// `rule` (every blocking rule when absent).
fn allow(doc: &Doc<'_>, value: &Value<'_>, config: &mut Config) -> Result<(), ConfigError> {
    for (i, entry) in array(value, &doc.key("allow"), doc)?.iter().enumerate() {
        let here = doc.key(&format!("allow[{}]", i + 1));
        let fields = entry_fields(entry, &here, &["path", "rule"], doc)?;
        let path = required(&fields, "path", entry, &here, doc)?;
        check_path(path, entry, &format!("{here}.path"), doc)?;
        let rules = match fields.get("rule") {
            None => Rule::ALL
                .iter()
                .copied()
                .filter(|rule| rule.family() == Family::Blocking)
                .collect(),
            Some(rule_value) => {
                let rule_name = string(rule_value, &format!("{here}.rule"), doc)?;
                match Rule::from_name(rule_name) {
                    Some(rule) if rule.family() == Family::Blocking => vec![rule],
                    Some(rule) => {
                        return Err(doc.fail(
                            rule_value.span().start,
                            &format!("{here}.rule"),
                            &format!("`{rule}` is not a rule a blocking call is reported under"),
                        ));
                    }
                    None => {
                        let span = rule_value.span();
                        let span = span.start + 1..span.end.saturating_sub(1).max(span.start + 1);
                        config.findings.push(doc.unknown_rule(span, rule_name));
                        continue;
                    }
                }
            }
        };
        config.allow.push(AllowedFn {
            path: path.to_string(),
            rules,
        });
    }
    Ok(())
}

type Value<'i> = Spanned<DeValue<'i>>;

fn array<'a, 'i>(
    value: &'a Value<'i>,
    key: &str,
    doc: &Doc<'_>,
) -> Result<&'a [Value<'i>], ConfigError> {
    match value.get_ref() {
        DeValue::Array(items) => Ok(items.as_ref()),
        _ => Err(doc.fail(value.span().start, key, "must be an array")),
    }
}

fn string<'a>(value: &'a Value<'_>, key: &str, doc: &Doc<'_>) -> Result<&'a str, ConfigError> {
    match value.get_ref() {
        DeValue::String(text) => Ok(text.as_ref()),
        other => Err(doc.fail(
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
    doc: &Doc<'_>,
) -> Result<HashMap<&'a str, &'a Value<'i>>, ConfigError> {
    let Some(table) = as_table(entry.get_ref()) else {
        return Err(doc.fail(entry.span().start, here, "must be a table"));
    };
    let mut fields = HashMap::new();
    for (key, value) in table {
        let name: &str = key.get_ref().as_ref();
        if !allowed.contains(&name) {
            let expected: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
            return Err(doc.fail(
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
    doc: &Doc<'_>,
) -> Result<&'a str, ConfigError> {
    match fields.get(key) {
        Some(value) => string(value, &format!("{here}.{key}"), doc),
        None => Err(doc.fail(entry.span().start, here, &format!("missing key `{key}`"))),
    }
}

/// A path like `mycrate::db::query_sync`: identifiers joined by `::`.
fn check_path(path: &str, entry: &Value<'_>, key: &str, doc: &Doc<'_>) -> Result<(), ConfigError> {
    let ok = !path.is_empty()
        && path.split("::").all(|segment| {
            !segment.is_empty()
                && segment.chars().all(|c| c == '_' || c.is_alphanumeric())
                && !segment.starts_with(|c: char| c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(doc.fail(
            entry.span().start,
            key,
            &format!("`{path}` is not a path like `mycrate::module::function`"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Config, ConfigError> {
        parse("async-lint.toml", text, Path::new("/repo"), &[])
    }

    #[test]
    fn allow_entries_name_a_fn_and_optionally_a_rule() {
        let config = parsed(
            "[[allow]]\npath = \"app::jobs::Logger::log\"\nrule = \"blocking_fs\"\n\n\
             [[allow]]\npath = \"app::util::slow\"\n",
        )
        .unwrap();
        assert_eq!(config.allow.len(), 2);
        assert_eq!(config.allow[0].rules, vec![Rule::BlockingFs]);
        assert!(config.allow[1].rules.contains(&Rule::BlockingSleep));
        assert!(!config.allow[1].rules.contains(&Rule::LockAcrossAwait));
        let err = parsed("[[allow]]\npath = \"a::b\"\nrule = \"lock_across_await\"\n").unwrap_err();
        assert_eq!((err.line, err.key.as_str()), (3, "allow[1].rule"));
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
}
