//! From discovered files to what the runner lints: each crate's configuration (nearest
//! `async-lint.toml` or Cargo metadata, or `--config`), its `exclude` globs, its levels
//! (configuration, then `--select` / `--ignore`), edition and runtime.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{Config, ConfigError, Resolver, RuleChoice};
use crate::diagnostic::Diagnostic;
use crate::discover::{self, Crate, Discovery};
use crate::runner::{self, Unit};

/// Files that share a configuration (none: `None`).
type Group = (Option<Arc<Config>>, Vec<PathBuf>);

/// What to lint, and the configurations that apply (their own findings are reported).
pub(crate) struct Plan {
    pub input: runner::Input,
    pub configs: Vec<Arc<Config>>,
}

impl Plan {
    /// `unknown_rule` findings in the configuration files, at the levels each one sets,
    /// with the files' text to show them in.
    pub fn config_findings(&self, rules: &RuleChoice) -> (Vec<Diagnostic>, Vec<(String, String)>) {
        let mut findings = Vec::new();
        let mut sources = Vec::new();
        for config in &self.configs {
            let settings = rules.settings(Some(config));
            let before = findings.len();
            findings.extend(
                config
                    .findings
                    .iter()
                    .filter_map(|finding| crate::rules::admit(finding.clone(), &settings)),
            );
            if findings.len() > before {
                sources.push((config.file.clone(), config.text.clone()));
            }
        }
        (findings, sources)
    }
}

pub(crate) fn for_paths(
    discovery: Discovery,
    rules: &RuleChoice,
    resolver: &mut Resolver,
) -> Result<Plan, ConfigError> {
    let mut units = Vec::new();
    let mut configs: BTreeMap<String, Arc<Config>> = BTreeMap::new();
    for krate in discovery.crates {
        // A crate's files share its root's configuration; loose files each get their
        // folder's, and are grouped by it.
        let mut groups: BTreeMap<Option<String>, Group> = BTreeMap::new();
        let crate_config = match &krate.root {
            Some(root) => Some(resolver.config_for(root)?),
            None => None,
        };
        for file in &krate.files {
            let config = match &crate_config {
                Some(config) => config.clone(),
                None => resolver.config_for(&folder_of(file))?,
            };
            if config.as_ref().is_some_and(|c| c.excludes(&absolute(file))) {
                continue;
            }
            let key = config.as_ref().map(|c| c.file.clone());
            groups
                .entry(key)
                .or_insert_with(|| (config, Vec::new()))
                .1
                .push(file.clone());
        }
        for (key, (config, files)) in groups {
            if let (Some(key), Some(config)) = (key, &config) {
                configs.entry(key).or_insert_with(|| Arc::clone(config));
            }
            units.push(unit(&krate, config.as_deref(), rules, files));
        }
    }
    // The libraries the crates depend on that the paths do not cover: read, never
    // reported (a configuration there that does not load is not this run's problem).
    for krate in &discovery.context {
        let config = match &krate.root {
            Some(root) => resolver.config_for(root).ok().flatten(),
            None => None,
        };
        let mut context = unit(krate, config.as_deref(), rules, krate.files.clone());
        context.context = true;
        units.push(context);
    }
    Ok(Plan {
        input: runner::Input::Files {
            units,
            errors: discovery.errors,
        },
        configs: configs.into_values().collect(),
    })
}

/// The plan for stdin reported as `name`: the named file's crate and configuration.
/// `None` when the configuration excludes that file.
pub(super) fn for_stdin(
    name: String,
    bytes: Vec<u8>,
    rules: &RuleChoice,
    resolver: &mut Resolver,
) -> Result<Option<Plan>, ConfigError> {
    let path = Path::new(&name);
    let krate = discover::crate_of_file(path);
    let config = match &krate.root {
        Some(root) => resolver.config_for(root)?,
        None => resolver.config_for(&folder_of(path))?,
    };
    if config.as_ref().is_some_and(|c| c.excludes(&absolute(path))) {
        return Ok(None);
    }
    let unit = unit(&krate, config.as_deref(), rules, Vec::new());
    Ok(Some(Plan {
        input: runner::Input::Source {
            name,
            bytes,
            unit: Box::new(unit),
        },
        configs: config.into_iter().collect(),
    }))
}

fn unit(krate: &Crate, config: Option<&Config>, rules: &RuleChoice, files: Vec<PathBuf>) -> Unit {
    let mut settings = runner::with_runtime(
        runner::with_edition(&rules.settings(config), &krate.edition),
        krate,
    );
    settings.dependencies = krate
        .dependencies
        .iter()
        .map(|dependency| dependency.package.clone())
        .collect();
    let mut info = runner::crate_info(krate);
    info.allowed = settings.allow.clone();
    Unit {
        settings,
        krate: info,
        files,
        context: false,
    }
}

fn folder_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The file's absolute path with its folder's symbolic links resolved, as configuration
/// folders are (the file itself need not exist).
fn absolute(file: &Path) -> PathBuf {
    let dir = folder_of(file);
    let dir = std::fs::canonicalize(&dir)
        .or_else(|_| std::path::absolute(&dir))
        .unwrap_or(dir);
    match file.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}
