//! A crate's dependencies as its `Cargo.toml` declares them (workspace-inherited ones
//! resolved against the workspace root), and the libraries a run reaches through `path`
//! dependencies that its paths do not cover.

use std::fs;
use std::path::{Path, PathBuf};

use super::{Crate, Dependency, Discovery, ManifestCache, read_manifest, walk};

/// Every dependency (normal, dev, build and target-specific) of the crate at `root`;
/// `workspace = true` entries take their package and path from the workspace root's
/// `[workspace.dependencies]`.
pub(super) fn dependencies_of(root: &Path) -> Vec<Dependency> {
    let Some(manifest) = read_manifest(root) else {
        return Vec::new();
    };
    let mut workspace: Option<Option<(PathBuf, toml::Table)>> = None;
    let mut found: Vec<Dependency> = dependency_tables(&manifest)
        .iter()
        .flat_map(|(table, normal, specific)| {
            table.iter().map(move |entry| (entry, *normal, *specific))
        })
        .map(|((key, spec), normal, specific)| {
            let inherits = spec.get("workspace").and_then(toml::Value::as_bool) == Some(true);
            let inherited = if inherits {
                let workspace = workspace.get_or_insert_with(|| workspace_dependencies(root));
                workspace
                    .as_ref()
                    .and_then(|(dir, table)| Some((dir.as_path(), table.get(key)?)))
            } else {
                None
            };
            let mut dependency = dependency(key, spec, root, inherited);
            if !normal {
                dependency.features = None;
            } else if spec.get("optional").and_then(toml::Value::as_bool) == Some(true) {
                dependency.conditional = Some("an optional dependency".to_string());
            } else if specific {
                dependency.conditional = Some("a target-specific dependency".to_string());
            }
            dependency
        })
        .collect();
    enable_default_features(&manifest, &mut found);
    found.sort();
    found.dedup();
    // One entry per name: a package declared as a normal and a dev dependency keeps the
    // normal entry's features (what every target of the crate builds with).
    found.dedup_by(|later, earlier| {
        let same = (
            &later.name,
            &later.package,
            &later.path,
            &later.root,
            later.workspace,
        ) == (
            &earlier.name,
            &earlier.package,
            &earlier.path,
            &earlier.root,
            earlier.workspace,
        );
        if same {
            // Always there if any normal entry is unconditional.
            earlier.conditional = match (&earlier.features, &later.features) {
                (Some(_), Some(_)) if later.conditional.is_none() => None,
                (None, Some(_)) => later.conditional.take(),
                _ => earlier.conditional.take(),
            };
        }
        if same && earlier.features.is_none() {
            earlier.features = later.features.take();
        } else if same && let (Some(mine), Some(theirs)) = (&mut earlier.features, &later.features)
        {
            mine.extend(theirs.iter().cloned());
            mine.sort();
            mine.dedup();
        }
        same
    });
    found
}

/// The crate's own default features that turn on a dependency's (`default = ["tokio/fs"]`).
fn enable_default_features(manifest: &toml::Table, found: &mut [Dependency]) {
    let defaults = manifest
        .get("features")
        .and_then(|features| features.get("default"))
        .and_then(toml::Value::as_array);
    for entry in defaults
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_str)
    {
        let Some((key, feature)) = entry.split_once('/') else {
            continue;
        };
        let key = key.trim_end_matches('?').trim_start_matches("dep:");
        for dependency in found.iter_mut() {
            if dependency.key == key
                && let Some(features) = &mut dependency.features
            {
                features.push(feature.to_string());
            }
        }
    }
}

/// The dependency tables of a manifest: normal, dev and build, also under `[target.*]`;
/// `true` for a normal one, then `true` for one under `[target.*]`.
fn dependency_tables(manifest: &toml::Table) -> Vec<(&toml::Table, bool, bool)> {
    const KINDS: [&str; 5] = [
        "dependencies",
        "dev-dependencies",
        "dev_dependencies",
        "build-dependencies",
        "build_dependencies",
    ];
    let mut tables: Vec<(&toml::Table, bool, bool)> = Vec::new();
    let mut targets: Vec<(&toml::Table, bool)> = vec![(manifest, false)];
    if let Some(specific) = manifest.get("target").and_then(toml::Value::as_table) {
        targets.extend(
            specific
                .values()
                .filter_map(toml::Value::as_table)
                .map(|table| (table, true)),
        );
    }
    for (table, specific) in targets {
        for key in KINDS {
            if let Some(found) = table.get(key).and_then(toml::Value::as_table) {
                tables.push((found, key == "dependencies", specific));
            }
        }
    }
    tables
}

/// One dependency entry `key = spec` of the crate at `root`; `inherited` is the workspace
/// root's folder and its `[workspace.dependencies]` entry for a `workspace = true` one.
fn dependency(
    key: &str,
    spec: &toml::Value,
    root: &Path,
    inherited: Option<(&Path, &toml::Value)>,
) -> Dependency {
    let text = |spec: &toml::Value, field: &str| {
        spec.get(field)
            .and_then(toml::Value::as_str)
            .map(str::to_string)
    };
    let workspace = spec.get("workspace").and_then(toml::Value::as_bool) == Some(true);
    let (package, path, base) = match inherited {
        Some((dir, spec)) => (text(spec, "package"), text(spec, "path"), dir),
        None => (text(spec, "package"), text(spec, "path"), root),
    };
    let dependency_root = path.as_ref().and_then(|path| {
        let joined = base.join(path);
        fs::canonicalize(&joined).ok().filter(|dir| dir.is_dir())
    });
    // Not renamed, the code names a dependency after its library: `[lib] name` if set.
    let name = match (&package, &dependency_root) {
        (None, Some(dir)) => read_manifest(dir).as_ref().and_then(super::lib_name),
        _ => None,
    };
    // A workspace-inherited entry's features add to the workspace's.
    let mut features: Vec<String> = [Some(spec), inherited.map(|(_, spec)| spec)]
        .into_iter()
        .flatten()
        .filter_map(|spec| spec.get("features").and_then(toml::Value::as_array))
        .flatten()
        .filter_map(|feature| feature.as_str().map(str::to_string))
        .collect();
    let default_features = [Some(spec), inherited.map(|(_, spec)| spec)]
        .into_iter()
        .flatten()
        .filter_map(|spec| {
            spec.get("default-features")
                .or_else(|| spec.get("default_features"))
                .and_then(toml::Value::as_bool)
        })
        .next_back()
        .unwrap_or(true);
    if default_features {
        features.push("default".to_string());
    }
    features.sort();
    features.dedup();
    Dependency {
        key: key.to_string(),
        features: Some(features),
        name: name.unwrap_or_else(|| key.replace('-', "_")),
        package: package.unwrap_or_else(|| key.to_string()),
        path: if workspace { None } else { path },
        workspace,
        root: dependency_root,
        conditional: None,
    }
}

/// The workspace the crate at `root` belongs to: the nearest folder at or above it whose
/// `Cargo.toml` has `[workspace]`, with that table's `dependencies`.
fn workspace_dependencies(root: &Path) -> Option<(PathBuf, toml::Table)> {
    root.ancestors().find_map(|dir| {
        let manifest = read_manifest(dir)?;
        let workspace = manifest.get("workspace")?.as_table()?;
        let dependencies = workspace
            .get("dependencies")
            .and_then(toml::Value::as_table)
            .cloned()
            .unwrap_or_default();
        Some((dir.to_path_buf(), dependencies))
    })
}

/// The libraries `crates` reach through `path` dependencies, transitively, that are not
/// among them: their `src/` files, but for the binaries'. Read only to follow calls.
pub(super) fn context_crates(crates: &[Crate]) -> Vec<Crate> {
    let mut known: std::collections::BTreeSet<PathBuf> = crates
        .iter()
        .filter_map(|krate| krate.root.clone())
        .collect();
    let mut pending: Vec<PathBuf> = crates
        .iter()
        .flat_map(|krate| &krate.dependencies)
        .filter_map(|dependency| dependency.root.clone())
        .collect();
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|dir| fs::canonicalize(dir).ok());
    let manifests = ManifestCache::default();
    let mut found = Vec::new();
    while let Some(root) = pending.pop() {
        if !known.insert(root.clone()) || !root.join("src/lib.rs").is_file() {
            continue;
        }
        let mut files = Vec::new();
        let mut ignored = Discovery::default();
        walk(&root.join("src"), &mut files, &mut ignored);
        let main = root.join("src/main.rs");
        let bins = root.join("src/bin");
        files.retain(|file| *file != main && !file.starts_with(&bins));
        let files: Vec<PathBuf> = files
            .into_iter()
            .map(|file| match &cwd {
                Some(cwd) => crate::cargo::relative(&file, cwd),
                None => file,
            })
            .collect();
        let mut files = files;
        files.sort();
        let krate = manifests.crate_at(Some(root), files);
        pending.extend(
            krate
                .dependencies
                .iter()
                .filter_map(|dependency| dependency.root.clone()),
        );
        found.push(krate);
    }
    found.sort_by(|a, b| a.root.cmp(&b.root));
    found
}

#[cfg(test)]
mod tests {
    use super::super::tests::write;
    use super::super::{crate_of_file, discover};
    use super::*;

    /// The names the code uses for its dependencies, and the folders of the path ones: a
    /// rename, a workspace-inherited path dependency (its path relative to the workspace
    /// root), hyphens as underscores, a path dependency whose library has a name of its own
    /// (`[lib] name`), a registry dependency without a folder.
    #[test]
    fn dependency_names_and_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = fs::canonicalize(tmp.path()).unwrap();
        write(
            &ws.join("Cargo.toml"),
            "[workspace]\nmembers = [\"app\", \"libs/*\"]\n\
             [workspace.dependencies]\nstore-core = { path = \"libs/store-core\" }\n\
             renamed = { package = \"index-scheduler\", path = \"libs/index-scheduler\" }\n\
             serde = \"1\"\n",
        );
        write(
            &ws.join("app/Cargo.toml"),
            "[package]\nname = \"app\"\n[dependencies]\n\
             idx = { package = \"index-scheduler\", path = \"../libs/index-scheduler\" }\n\
             store-core = { workspace = true }\nrenamed = { workspace = true }\n\
             serde = { workspace = true }\ntokio = \"1\"\n\
             odd-name = { path = \"../libs/oddname\" }\n\
             [target.'cfg(unix)'.dev-dependencies]\nmissing = { path = \"../nowhere\" }\n",
        );
        write(&ws.join("app/src/lib.rs"), "");
        write(
            &ws.join("libs/index-scheduler/Cargo.toml"),
            "[package]\nname = \"index-scheduler\"\n[dependencies]\nstore-core = { workspace = true }\n",
        );
        write(&ws.join("libs/index-scheduler/src/lib.rs"), "");
        write(
            &ws.join("libs/store-core/Cargo.toml"),
            "[package]\nname = \"store-core\"\n",
        );
        write(&ws.join("libs/store-core/src/lib.rs"), "");
        write(
            &ws.join("libs/oddname/Cargo.toml"),
            "[package]\nname = \"odd-name\"\n[lib]\nname = \"odd\"\n",
        );

        let krate = crate_of_file(&ws.join("app/src/lib.rs"));
        let found: Vec<(&str, &str, Option<PathBuf>, bool)> = krate
            .dependencies
            .iter()
            .map(|d| {
                let root = d
                    .root
                    .as_ref()
                    .map(|r| r.strip_prefix(&ws).unwrap().to_path_buf());
                (d.name.as_str(), d.package.as_str(), root, d.workspace)
            })
            .collect();
        let dir = |p: &str| Some(PathBuf::from(p));
        assert_eq!(
            found,
            vec![
                ("idx", "index-scheduler", dir("libs/index-scheduler"), false),
                ("missing", "missing", None, false),
                ("odd", "odd-name", dir("libs/oddname"), false),
                (
                    "renamed",
                    "index-scheduler",
                    dir("libs/index-scheduler"),
                    true
                ),
                ("serde", "serde", None, true),
                ("store_core", "store-core", dir("libs/store-core"), true),
                ("tokio", "tokio", None, false),
            ]
        );
    }

    /// A member linted alone: the libraries it reaches through path dependencies
    /// (transitively) are context crates, their `src/` without the binaries.
    #[test]
    fn path_dependencies_outside_the_paths_are_context() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = fs::canonicalize(tmp.path()).unwrap();
        write(
            &ws.join("Cargo.toml"),
            "[workspace]\nmembers = [\"a\", \"b\", \"c\", \"d\"]\n\
             [workspace.dependencies]\nc = { path = \"c\" }\n",
        );
        write(
            &ws.join("a/Cargo.toml"),
            "[package]\nname = \"a\"\n[dependencies]\nb = { path = \"../b\" }\n",
        );
        write(&ws.join("a/src/lib.rs"), "");
        write(
            &ws.join("b/Cargo.toml"),
            "[package]\nname = \"b\"\n[dependencies]\nc = { workspace = true }\n",
        );
        write(&ws.join("b/src/lib.rs"), "");
        write(&ws.join("b/src/inner/mod.rs"), "");
        write(&ws.join("b/src/main.rs"), "");
        write(&ws.join("b/src/bin/tool.rs"), "");
        write(&ws.join("b/tests/t.rs"), "");
        write(&ws.join("c/Cargo.toml"), "[package]\nname = \"c\"\n");
        write(&ws.join("c/src/lib.rs"), "");
        write(&ws.join("d/Cargo.toml"), "[package]\nname = \"d\"\n");
        write(&ws.join("d/src/lib.rs"), "");

        let found = discover(&[ws.join("a/src")]);
        assert_eq!(found.crates.len(), 1);
        let context: Vec<(PathBuf, Vec<PathBuf>)> = found
            .context
            .iter()
            .map(|c| {
                let root = c.root.clone().unwrap();
                let files = c
                    .files
                    .iter()
                    .map(|f| {
                        fs::canonicalize(f)
                            .unwrap()
                            .strip_prefix(&root)
                            .unwrap()
                            .to_path_buf()
                    })
                    .collect();
                (root.strip_prefix(&ws).unwrap().to_path_buf(), files)
            })
            .collect();
        assert_eq!(
            context,
            vec![
                (
                    PathBuf::from("b"),
                    vec![
                        PathBuf::from("src/inner/mod.rs"),
                        PathBuf::from("src/lib.rs")
                    ]
                ),
                (PathBuf::from("c"), vec![PathBuf::from("src/lib.rs")]),
            ]
        );
        // The whole workspace: every crate is linted, none is context.
        assert!(discover(std::slice::from_ref(&ws)).context.is_empty());
    }
}
