//! `cargo async-lint` with no PATH: the current package's sources, or every workspace
//! member's when the nearest `Cargo.toml` is a virtual workspace — as `cargo check`
//! chooses packages. Read from the manifests directly: nothing is run.
//!
//! A package's sources are its `src/`, `tests/`, `examples/` and `benches/` folders,
//! `build.rs`, and any target path its manifest names elsewhere.

use std::path::{Component, Path, PathBuf};

use globset::GlobBuilder;

/// The paths to lint for the package or workspace around `cwd`, relative to `cwd`.
pub fn package_paths(cwd: &Path) -> Result<Vec<PathBuf>, String> {
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let root = cwd
        .ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file())
        .ok_or_else(|| {
            format!(
                "could not find `Cargo.toml` in `{}` or any parent directory",
                cwd.display()
            )
        })?;
    let manifest = read(root)?;
    let packages: Vec<PathBuf> = if manifest.contains_key("package") {
        vec![root.to_path_buf()]
    } else {
        let workspace = manifest
            .get("workspace")
            .and_then(toml::Value::as_table)
            .ok_or_else(|| {
                format!(
                    "`{}` has neither `[package]` nor `[workspace]`",
                    root.join("Cargo.toml").display()
                )
            })?;
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
            defaults if !defaults.is_empty() => defaults,
            _ => list("members"),
        };
        let excluded: Vec<PathBuf> = list("exclude")
            .iter()
            .map(|e| crate::discover::normalize(&root.join(e)))
            .collect();
        let mut dirs: Vec<PathBuf> = members
            .iter()
            .flat_map(|pattern| expand(root, pattern))
            .filter(|dir| dir.join("Cargo.toml").is_file() && !excluded.contains(dir))
            .collect();
        dirs.sort();
        dirs.dedup();
        dirs
    };
    let mut paths = Vec::new();
    for package in &packages {
        for source in sources(package) {
            paths.push(relative(&source, &cwd));
        }
    }
    paths.sort();
    paths.dedup();
    Ok(paths)
}

fn read(dir: &Path) -> Result<toml::Table, String> {
    let path = dir.join("Cargo.toml");
    let text =
        crate::discover::files::read_text_limited(&path, crate::discover::files::CONFIG_LIMIT)
            .map_err(|err| format!("could not read `{}`: {err}", path.display()))?;
    text.parse::<toml::Table>()
        .map_err(|err| format!("could not parse `{}`: {}", path.display(), err.message()))
}

/// A package's source folders and files that exist.
fn sources(package: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = ["src", "tests", "examples", "benches", "build.rs"]
        .iter()
        .map(|name| package.join(name))
        .filter(|path| path.exists())
        .collect();
    // Targets whose `path` lies outside those folders.
    if let Ok(manifest) = read(package) {
        let mut targets: Vec<&toml::Value> = Vec::new();
        targets.extend(manifest.get("lib"));
        for key in ["bin", "example", "test", "bench"] {
            if let Some(items) = manifest.get(key).and_then(toml::Value::as_array) {
                targets.extend(items);
            }
        }
        if let Some(build) = manifest
            .get("package")
            .and_then(|p| p.get("build"))
            .and_then(toml::Value::as_str)
        {
            found.push(package.join(build));
        }
        for target in targets {
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
