//! Finding and reading configurations on disk: `--config FILE`, or the nearest
//! `async-lint.toml` or `Cargo.toml` metadata from a crate's root up, stopping after a
//! workspace root. The only part of the configuration that touches the disk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::parse::{from_manifest, parse};
use super::{Config, ConfigError, FILE_NAME};
use crate::discover::files::{CONFIG_LIMIT, read_text_limited};

impl Config {
    /// Reads `--config FILE`: an `async-lint.toml`-style file, or a `Cargo.toml` whose
    /// metadata holds the keys.
    pub fn load(path: &Path, shown: &str) -> Result<Config, ConfigError> {
        let text = read_text_limited(path, CONFIG_LIMIT).map_err(|err| ConfigError {
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
        if own.exists() {
            let shown = self.shown(&own);
            return Ok((Some(Arc::new(Config::load(&own, &shown)?)), true));
        }
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = read_text_limited(&manifest, CONFIG_LIMIT) else {
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
    use crate::rules::{Level, Rule};

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
