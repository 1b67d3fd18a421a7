//! `--show-settings`: the settings each crate of a run is checked with, and where each
//! value comes from (a default, the crate's `Cargo.toml`, a configuration file, a flag).
//! Printed as commented TOML, one block per crate.

use std::fmt::Write as _;
use std::path::Path;

use super::{Input, Lint, Outcome};
use crate::config::{Config, Resolver};
use crate::fixes::CrateRuntime;
use crate::rules::Rule;

pub(super) fn run(lint: Lint) -> Outcome {
    match render(&lint) {
        Ok(text) => Outcome {
            stdout: text.into_bytes(),
            ..Outcome::default()
        },
        Err(message) => Outcome {
            stderr: format!("async-lint: error: {message}\n"),
            code: 2,
            ..Outcome::default()
        },
    }
}

fn render(lint: &Lint) -> Result<String, String> {
    let mut resolver = Resolver::new(lint.config.as_deref()).map_err(|err| err.to_string())?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let crates = match &lint.input {
        Input::Paths(paths) => crate::discover::discover(paths).crates,
        Input::Nothing => Vec::new(),
        Input::Stdin { name } => vec![crate::discover::crate_of_file(Path::new(name))],
    };
    let mut out = String::new();
    for krate in crates {
        let place = match (&krate.root, krate.files.first()) {
            (Some(root), _) => root.clone(),
            (None, Some(file)) => file.parent().map_or_else(|| ".".into(), Path::to_path_buf),
            (None, None) => ".".into(),
        };
        let config = resolver.config_for(&place).map_err(|err| err.to_string())?;
        let shown = crate::cargo::relative(&place, &cwd);
        let name = krate.name.as_deref().unwrap_or("(loose files)");
        let _ = writeln!(
            out,
            "# `{name}` at `{}` ({} file{})",
            shown.display(),
            krate.files.len(),
            if krate.files.len() == 1 { "" } else { "s" }
        );
        let manifest = if krate.root.is_some() {
            "Cargo.toml"
        } else {
            "no Cargo.toml: the default"
        };
        let config_line = match &config {
            Some(config) if lint.config.is_some() => format!("\"{}\"  # --config", config.file),
            Some(config) => format!("\"{}\"  # the nearest one", config.file),
            None => "\"\"  # none found: defaults".to_string(),
        };
        let _ = writeln!(out, "config = {config_line}");
        let _ = writeln!(out, "edition = \"{}\"  # {manifest}", krate.edition);
        let runtime = CrateRuntime::of(&krate);
        let _ = writeln!(
            out,
            "runtime = \"{}\"  # {}",
            runtime.describe(),
            runtime_source(&krate.runtimes)
        );
        let cache = match (
            &lint.cache,
            super::cache_folder(&lint.cache, krate.root.as_deref()),
        ) {
            (_, None) if lint.cache == super::args::CacheChoice::Off => {
                "\"\"  # --no-cache".to_string()
            }
            (_, None) => "\"\"  # no crate: none".to_string(),
            (super::args::CacheChoice::Folder(_, from), Some(folder)) => {
                format!("\"{}\"  # {from}", folder.display())
            }
            (_, Some(folder)) => format!(
                "\"{}\"  # the workspace's (or crate's) root",
                crate::cargo::relative(&folder, &cwd).display()
            ),
        };
        let _ = writeln!(out, "cache = {cache}");
        let settings = lint.rules.settings(config.as_deref());
        out.push_str("\n[rules]\n");
        for &rule in Rule::ALL {
            let level = settings.level(rule).as_str();
            let _ = writeln!(
                out,
                "{} = \"{level}\"  # {}",
                rule.name(),
                level_source(lint, config.as_deref(), rule)
            );
        }
        if let Some(config) = &config {
            let from = &config.file;
            for entry in &config.blocking {
                let _ = writeln!(
                    out,
                    "\n[[blocking]]  # {from}\npath = \"{}\"\nrule = \"{}\"",
                    entry.path, entry.rule
                );
            }
            for path in &config.offload {
                let _ = writeln!(out, "\n[[offload]]  # {from}\npath = \"{path}\"");
            }
            for allowed in &config.allow {
                let rules: Vec<&str> = allowed.rules.iter().map(|r| r.name()).collect();
                let _ = writeln!(
                    out,
                    "\n[[allow]]  # {from}\npath = \"{}\"\nrules = {rules:?}",
                    allowed.path
                );
            }
        }
        out.push('\n');
    }
    Ok(out)
}

fn runtime_source(runtimes: &[String]) -> String {
    match runtimes {
        [] => "no runtime among the dependencies: advice stays runtime-neutral".to_string(),
        [one] => format!("Cargo.toml depends on `{one}`"),
        many => format!(
            "Cargo.toml depends on {}: fixes only for tokio under actix-rt",
            many.iter()
                .map(|r| format!("`{r}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Where `rule`'s level comes from: the flag, the configuration, or the default.
fn level_source(lint: &Lint, config: Option<&Config>, rule: Rule) -> String {
    let rules = &lint.rules;
    if rule != Rule::ParseError && rules.ignore.contains(&rule) {
        return "--ignore".to_string();
    }
    if let Some(selected) = &rules.select {
        return if rule == Rule::ParseError {
            "always on".to_string()
        } else if selected.contains(&rule) {
            "--select".to_string()
        } else {
            "off: not in --select".to_string()
        };
    }
    let configured = config.and_then(|c| {
        c.rules
            .iter()
            .find(|(r, _)| *r == rule)
            .map(|(_, level)| (c, *level))
    });
    let before = configured.map_or(rule.default_level(), |(_, level)| level);
    if rules.extend_select.contains(&rule) && before == crate::rules::Level::Allow {
        return "--extend-select".to_string();
    }
    match configured {
        Some((config, _)) => config.file.clone(),
        None => "default".to_string(),
    }
}
