//! `cargo async-lint` with no PATH: the current package's sources, or every workspace
//! member's when the nearest `Cargo.toml` is a virtual workspace — as `cargo check`
//! chooses packages. Read from the manifests directly: nothing is run.
//!
//! A package's sources are its `src/`, `tests/`, `examples/` and `benches/` folders,
//! `build.rs`, and any target path its manifest names elsewhere.

use std::path::{Component, Path, PathBuf};

use globset::GlobBuilder;

/// Which packages and targets `cargo async-lint` checks, as cargo's own flags say it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// `--manifest-path`: the `Cargo.toml` to start from instead of the nearest one.
    pub manifest_path: Option<PathBuf>,
    /// `-p NAME`: these workspace members.
    pub packages: Vec<String>,
    /// `--workspace`: every workspace member.
    pub workspace: bool,
    /// `--exclude NAME` (with `--workspace`): these members left out.
    pub exclude: Vec<String>,
    /// `--lib`/`--bins` (`src/`), `--tests`, `--examples`, `--benches`; none (or
    /// `--all-targets`): all of them. As cargo, `--tests` and `--benches` also select `src/`:
    /// the library and binaries are built in test (bench) mode, their unit tests included.
    pub targets: Vec<Target>,
}

/// A target kind, by the folder its sources are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `--lib`, `--bins`: `src/` (and `build.rs`); a crate's modules are shared.
    Src,
    Tests,
    Examples,
    Benches,
}

impl Selection {
    /// Whether any flag selects packages or targets (so the paths come from the manifests).
    pub fn is_set(&self) -> bool {
        self.manifest_path.is_some()
            || !self.packages.is_empty()
            || self.workspace
            || !self.targets.is_empty()
    }
}

/// The paths to lint for the package or workspace around `cwd`, relative to `cwd`.
pub fn package_paths(cwd: &Path) -> Result<Vec<PathBuf>, String> {
    selected_paths(cwd, &Selection::default())
}

/// The paths to lint for `selection`, relative to `cwd`: without flags, the package whose
/// `Cargo.toml` is nearest (or a virtual workspace's default members), as `cargo check`.
pub fn selected_paths(cwd: &Path, selection: &Selection) -> Result<Vec<PathBuf>, String> {
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let root = match &selection.manifest_path {
        Some(manifest) => {
            let manifest = cwd.join(manifest);
            if !manifest.exists() {
                return Err(format!(
                    "manifest path `{}` does not exist",
                    manifest.display()
                ));
            }
            if manifest.file_name().is_none_or(|name| name != "Cargo.toml") || !manifest.is_file() {
                return Err(format!(
                    "the manifest-path must be a path to a `Cargo.toml` file: `{}`",
                    manifest.display()
                ));
            }
            let dir = manifest.parent().unwrap_or(&cwd);
            std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
        }
        None => cwd
            .ancestors()
            .find(|dir| dir.join("Cargo.toml").is_file())
            .ok_or_else(|| {
                format!(
                    "could not find `Cargo.toml` in `{}` or any parent directory",
                    cwd.display()
                )
            })?
            .to_path_buf(),
    };
    let root = root.as_path();
    let manifest = read(root)?;
    let packages: Vec<PathBuf> = if selection.workspace || !selection.packages.is_empty() {
        let workspace_root = root
            .ancestors()
            .find(|dir| read(dir).is_ok_and(|m| m.contains_key("workspace")))
            .unwrap_or(root);
        let mut all = members(workspace_root, &read(workspace_root)?, false);
        if read(workspace_root)?.contains_key("package") {
            all.insert(0, workspace_root.to_path_buf());
        }
        if selection.workspace {
            all.into_iter()
                .filter(|dir| {
                    let name = package_name(dir);
                    !selection.exclude.iter().any(|spec| {
                        name.as_deref()
                            .is_some_and(|name| spec_matches(spec, name, dir))
                    })
                })
                .collect()
        } else {
            let named: Vec<(String, PathBuf)> = all
                .into_iter()
                .filter_map(|dir| Some((package_name(&dir)?, dir)))
                .collect();
            let mut chosen = Vec::new();
            for wanted in &selection.packages {
                match named
                    .iter()
                    .find(|(name, dir)| spec_matches(wanted, name, dir))
                {
                    Some((_, dir)) => chosen.push(dir.clone()),
                    None => return Err(unknown_package(wanted, &named, workspace_root)),
                }
            }
            chosen
        }
    } else if manifest.contains_key("package") {
        vec![root.to_path_buf()]
    } else if manifest.contains_key("workspace") {
        members(root, &manifest, true)
    } else {
        return Err(format!(
            "`{}` has neither `[package]` nor `[workspace]`",
            root.join("Cargo.toml").display()
        ));
    };
    let mut paths = Vec::new();
    for package in &packages {
        for source in sources(package, &selection.targets) {
            paths.push(relative(&source, &cwd));
        }
    }
    paths.sort();
    paths.dedup();
    Ok(paths)
}

/// The members of the workspace at `root` (its `default-members` when `defaults` and it
/// has some), without the `exclude`d ones.
fn members(root: &Path, manifest: &toml::Table, defaults: bool) -> Vec<PathBuf> {
    let Some(workspace) = manifest.get("workspace").and_then(toml::Value::as_table) else {
        return Vec::new();
    };
    let list = |key: &str| -> Vec<String> {
        workspace
            .get(key)
            .and_then(toml::Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let members = match list("default-members") {
        found if defaults && !found.is_empty() => found,
        _ => list("members"),
    };
    let excluded: Vec<PathBuf> = list("exclude")
        .iter()
        .map(|e| crate::discover::normalize(&root.join(e)))
        .collect();
    let root_dir = crate::discover::normalize(root);
    let mut dirs: Vec<PathBuf> = members
        .iter()
        .flat_map(|pattern| expand(root, pattern))
        .filter(|dir| dir.join("Cargo.toml").is_file() && !excluded.contains(dir))
        .filter(|dir| *dir != root_dir)
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// Whether the package spec `spec` (`name`, `name@version`, `name@1.2`) names the package
/// `name` at `dir`.
fn spec_matches(spec: &str, name: &str, dir: &Path) -> bool {
    let (wanted, version) = match spec.split_once('@') {
        Some((wanted, version)) => (wanted, Some(version)),
        None => (spec, None),
    };
    if wanted != name {
        return false;
    }
    let Some(version) = version else {
        return true;
    };
    // `version.workspace = true`: the workspace root's `[workspace.package] version`.
    let version_in = |manifest: &toml::Table, table: &str| {
        manifest
            .get(table)?
            .get(if table == "workspace" {
                "package"
            } else {
                "version"
            })
            .and_then(|v| {
                if table == "workspace" {
                    v.get("version")
                } else {
                    Some(v)
                }
            })
            .cloned()
    };
    let declared = read(dir)
        .ok()
        .and_then(|manifest| match version_in(&manifest, "package")? {
            toml::Value::String(version) => Some(version),
            _ => dir
                .ancestors()
                .skip(1)
                .find_map(|up| read(up).ok().filter(|m| m.contains_key("workspace")))
                .and_then(|root| version_in(&root, "workspace")?.as_str().map(str::to_string)),
        });
    declared
        .is_none_or(|declared| declared == version || declared.starts_with(&format!("{version}.")))
}

/// The error for a `-p` that names no member, with the nearest name when one is close.
fn unknown_package(wanted: &str, named: &[(String, PathBuf)], workspace_root: &Path) -> String {
    let name = wanted.split('@').next().unwrap_or(wanted);
    let nearest = named
        .iter()
        .map(|(n, _)| (crate::rules::unknown_rule::distance(name, n), n))
        .filter(|(d, n)| *d <= (n.len() / 3).max(1))
        .min_by_key(|(d, _)| *d);
    match nearest {
        Some((_, near)) if named.iter().any(|(n, _)| n == name) => format!(
            "package `{wanted}` is not a member of the workspace at `{}`: `{near}` has another \
             version",
            workspace_root.display()
        ),
        Some((_, near)) => format!(
            "package `{wanted}` is not a member of the workspace at `{}`: did you mean `{near}`?",
            workspace_root.display()
        ),
        None => {
            let names: Vec<&str> = named.iter().map(|(n, _)| n.as_str()).collect();
            format!(
                "package `{wanted}` is not a member of the workspace at `{}` (its packages: {})",
                workspace_root.display(),
                names.join(", ")
            )
        }
    }
}

/// The `[package] name` of the package at `dir`.
fn package_name(dir: &Path) -> Option<String> {
    read(dir)
        .ok()?
        .get("package")?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

fn read(dir: &Path) -> Result<toml::Table, String> {
    let path = dir.join("Cargo.toml");
    let text =
        crate::discover::files::read_text_limited(&path, crate::discover::files::CONFIG_LIMIT)
            .map_err(|err| format!("could not read `{}`: {err}", path.display()))?;
    text.parse::<toml::Table>()
        .map_err(|err| format!("could not parse `{}`: {}", path.display(), err.message()))
}

/// A package's source folders and files that exist, of the `targets` kinds (all: none).
fn sources(package: &Path, targets: &[Target]) -> Vec<PathBuf> {
    let wanted = |kind: Target| targets.is_empty() || targets.contains(&kind);
    let folders = [
        ("src", Target::Src),
        ("tests", Target::Tests),
        ("examples", Target::Examples),
        ("benches", Target::Benches),
        ("build.rs", Target::Src),
    ];
    let mut found: Vec<PathBuf> = folders
        .iter()
        .filter(|(_, kind)| wanted(*kind))
        .map(|(name, _)| package.join(name))
        .filter(|path| path.exists())
        .collect();
    // Targets whose `path` lies outside those folders.
    if let Ok(manifest) = read(package) {
        let mut declared: Vec<&toml::Value> = Vec::new();
        if wanted(Target::Src) {
            declared.extend(manifest.get("lib"));
        }
        let kinds = [
            ("bin", Target::Src),
            ("example", Target::Examples),
            ("test", Target::Tests),
            ("bench", Target::Benches),
        ];
        for (key, kind) in kinds {
            if !wanted(kind) {
                continue;
            }
            if let Some(items) = manifest.get(key).and_then(toml::Value::as_array) {
                declared.extend(items);
            }
        }
        if wanted(Target::Src)
            && let Some(build) = manifest
                .get("package")
                .and_then(|p| p.get("build"))
                .and_then(toml::Value::as_str)
        {
            found.push(package.join(build));
        }
        for target in declared {
            if let Some(path) = target.get("path").and_then(toml::Value::as_str) {
                let path = crate::discover::normalize(&package.join(path));
                if path.is_file() && !found.iter().any(|dir| path.starts_with(dir)) {
                    found.push(path);
                }
            }
        }
    }
    found.retain(|path| path.exists());
    found
}

/// Expands a workspace member pattern (`crates/*`) into existing folders.
fn expand(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut current = vec![root.to_path_buf()];
    for part in Path::new(pattern).components() {
        let part = part.as_os_str().to_string_lossy();
        let is_glob = part.contains(['*', '?', '[']);
        let mut next = Vec::new();
        for dir in &current {
            if !is_glob {
                next.push(crate::discover::normalize(&dir.join(part.as_ref())));
                continue;
            }
            let Ok(glob) = GlobBuilder::new(&part).literal_separator(true).build() else {
                continue;
            };
            let matcher = glob.compile_matcher();
            if let Ok(entries) = std::fs::read_dir(dir) {
                for entry in entries.flatten() {
                    if entry.path().is_dir() && matcher.is_match(entry.file_name()) {
                        next.push(entry.path());
                    }
                }
            }
        }
        current = next;
    }
    current
}

/// `path` relative to `base` (both absolute), with `..` where needed.
pub(crate) fn relative(path: &Path, base: &Path) -> PathBuf {
    let path: Vec<Component> = path.components().collect();
    let base: Vec<Component> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for part in &path[common..] {
        out.push(part.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn package_and_virtual_workspace() {
        let tmp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(tmp.path()).unwrap();
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/*\", \"tool\"]\nexclude = [\"crates/old\"]\n",
        );
        write(
            &root.join("crates/a/Cargo.toml"),
            "[package]\nname = \"a\"\n[[bin]]\nname = \"x\"\npath = \"bin/x.rs\"\n",
        );
        write(&root.join("crates/a/src/lib.rs"), "");
        write(&root.join("crates/a/bin/x.rs"), "");
        write(&root.join("crates/a/tests/t.rs"), "");
        write(
            &root.join("crates/old/Cargo.toml"),
            "[package]\nname = \"old\"\n",
        );
        write(&root.join("crates/old/src/lib.rs"), "");
        write(&root.join("crates/notes/readme.md"), "");
        write(
            &root.join("tool/Cargo.toml"),
            "[package]\nname = \"tool\"\n",
        );
        write(&root.join("tool/src/main.rs"), "");
        write(&root.join("tool/build.rs"), "");

        let paths = package_paths(&root).unwrap();
        let expected: Vec<PathBuf> = [
            "crates/a/bin/x.rs",
            "crates/a/src",
            "crates/a/tests",
            "tool/build.rs",
            "tool/src",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        assert_eq!(paths, expected);
        // Inside a member: that package only, relative to where we are.
        let paths = package_paths(&root.join("tool/src")).unwrap();
        assert_eq!(
            paths,
            vec![PathBuf::from("."), PathBuf::from("../build.rs")]
        );
    }

    #[test]
    fn no_manifest_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        // The temp dir may sit under some Cargo.toml; only check the message shape.
        if let Err(err) = package_paths(tmp.path()) {
            assert!(err.contains("Cargo.toml"), "{err}");
        }
    }
}
