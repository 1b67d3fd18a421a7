//! Walking the paths the user gave and grouping the files into crates.
//!
//! A file argument is taken as it is, whatever its extension. A directory is walked for
//! `*.rs` files with the `ignore` crate: `.gitignore` is honored even outside a git
//! repository, hidden directories and any directory named `target` are skipped, symbolic
//! links are followed and a link back to an ancestor is reported, not looped on. A path
//! that is missing or cannot be walked is an error for that path only: everything else
//! is still found.
//!
//! Files are grouped into crates by their nearest `Cargo.toml`; the crate's edition is read
//! from it. Everything comes back sorted, so the result does not depend on the walk.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

mod around;
mod deps;
pub mod files;
mod package;
mod walk;
pub use around::{Around, around, workspace_of as workspace_root};
use deps::{context_crates, dependencies_of};
pub use package::{Lib, Package, Target as CargoTarget};
use walk::{sort_paths, walk};

/// The edition assumed for files that belong to no crate.
pub const LOOSE_EDITION: &str = "2021";
/// Cargo's edition for a `[package]` that names none.
const CARGO_DEFAULT_EDITION: &str = "2015";

/// The files of one crate (or the loose files that belong to none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crate {
    /// The directory holding the crate's `Cargo.toml`; `None` for loose files.
    pub root: Option<PathBuf>,
    /// The crate's edition (`"2021"`, `"2024"`, ...).
    pub edition: String,
    /// The `[package] name`; `None` for loose files and virtual manifests.
    pub name: Option<String>,
    /// The name its code and its tests use for its library: `[lib] name`, else the package
    /// name with hyphens as underscores.
    pub lib_name: Option<String>,
    /// The async runtimes among the crate's dependencies (`"tokio"`, `"async-std"`, ...),
    /// sorted; empty for loose files.
    pub runtimes: Vec<String>,
    /// Every dependency (normal, dev, build, target-specific), sorted by the name the code
    /// uses; empty for loose files.
    pub dependencies: Vec<Dependency>,
    /// The files, as reached from the path the user gave, sorted.
    pub files: Vec<PathBuf>,
    /// Its `[package]` as cargo names it (id, version, targets); `None` for loose files
    /// and virtual manifests.
    pub package: Option<Package>,
}

/// One dependency of a crate, as its `Cargo.toml` declares it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dependency {
    /// The name the code uses (`extern crate` aside): the key, hyphens as underscores.
    pub name: String,
    /// The package it names (`package = "…"`, else the key).
    pub package: String,
    /// `path = "…"`, relative to the crate root as written.
    pub path: Option<String>,
    /// `workspace = true`: the rest is in the workspace root's `[workspace.dependencies]`.
    pub workspace: bool,
    /// The folder of a path dependency (its own `path`, or the one the workspace gives it),
    /// absolute, symbolic links resolved; `None` for any other dependency.
    pub root: Option<PathBuf>,
    /// The key in the dependency table (`tokio`, `my-tokio` for a renamed one).
    pub key: String,
    /// The features a normal dependency is built with (the entry's, the workspace's for an
    /// inherited one, `"default"` unless `default-features = false`, and those the crate's
    /// own default features turn on); `None` for a dev or build dependency only.
    pub features: Option<Vec<String>>,
    /// Why a normal dependency may be absent from a build: `optional = true`, or declared
    /// only under `[target.'cfg(..)'.dependencies]`; `None` when it is always there.
    pub conditional: Option<String>,
}

/// A path that could not be walked (missing, unreadable, a symlink loop).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    /// The path the problem is about, as reached from the path the user gave.
    pub path: PathBuf,
    /// Lowercase, names the path in backticks, no final period.
    pub message: String,
}

/// What [`discover`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovery {
    /// Crates, sorted by root (loose files first).
    pub crates: Vec<Crate>,
    /// Paths that could not be walked, sorted by path.
    pub errors: Vec<PathError>,
    /// The libraries the crates reach through `path` dependencies (transitively) that the
    /// paths do not cover: read for what the crates call in them, never reported. Their
    /// files are `src/` without `src/main.rs` and `src/bin/`, shown relative to the
    /// working directory. Sorted by root.
    pub context: Vec<Crate>,
    /// Problems that lose no file (a malformed `.gitignore` line), for stderr.
    pub warnings: Vec<String>,
}

impl Discovery {
    /// Every file found, in crate order.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.crates
            .iter()
            .flat_map(|krate| krate.files.iter().map(PathBuf::as_path))
    }
}

/// Finds the files to lint under `paths` (`.` when empty) and groups them into crates.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };

    let mut files = Vec::new();
    let mut discovery = Discovery::default();
    use crate::runner::trace::timed;
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => timed("walk", || walk(path, &mut files, &mut discovery)),
            Ok(_) => files.push(path.clone()),
            Err(err) => discovery.errors.push(PathError {
                path: path.clone(),
                message: format!("could not read `{}`: {err}", path.display()),
            }),
        }
    }
    timed("sort files", || sort_paths(&mut files));
    discovery.crates = timed("crates", || group_into_crates(files, &mut discovery.errors));
    discovery.context = timed("context crates", || context_crates(&discovery.crates));
    discovery
        .errors
        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    discovery.errors.dedup();
    discovery.warnings.sort();
    discovery
}

/// The edition of the crate `file` belongs to (by its nearest `Cargo.toml`), or the loose
/// files' edition. `file` need not exist (stdin's `--stdin-filename`).
pub fn edition_of_file(file: &Path) -> String {
    crate_of_file(file).edition
}

/// The crate `file` belongs to (by its nearest `Cargo.toml`), with `file` as its only
/// file; a loose file's group when there is none. `file` need not exist.
pub fn crate_of_file(file: &Path) -> Crate {
    let mut manifests = ManifestCache::default();
    let root = manifests.crate_root_of(file);
    manifests.crate_at(root, vec![file.to_path_buf()])
}

/// The `[package] name` of a crate's manifest.
fn package_name(manifest: &toml::Table) -> Option<String> {
    let package = manifest.get("package")?.as_table()?;
    Some(package.get("name")?.as_str()?.to_string())
}

/// The `[lib] name` of a crate's manifest, when it gives one.
fn lib_name(manifest: &toml::Table) -> Option<String> {
    Some(manifest.get("lib")?.get("name")?.as_str()?.to_string())
}

/// The runtime crates among `dependencies`, by package name (a renamed dependency counts by
/// its `package`).
fn runtimes_among(dependencies: &[Dependency]) -> Vec<String> {
    let mut found: Vec<String> = dependencies
        .iter()
        .map(|dependency| dependency.package.clone())
        .filter(|name| crate::analysis::known_paths::RUNTIME_CRATES.contains(&name.as_str()))
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Whether a crate with these runtimes runs on tokio: tokio is a dependency and no runtime
/// that is not tokio-based is.
pub fn runs_on_tokio(runtimes: &[String]) -> bool {
    runtimes.iter().any(|r| r == "tokio")
        && runtimes
            .iter()
            .all(|r| matches!(r.as_str(), "tokio" | "actix-rt"))
}

/// Groups sorted files by their nearest `Cargo.toml`; a `Cargo.toml` on the way that is
/// not read (not a regular file, or too large) is added to `errors`.
fn group_into_crates(files: Vec<PathBuf>, errors: &mut Vec<PathError>) -> Vec<Crate> {
    let mut manifests = ManifestCache::default();
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    // Sorted files come folder by folder: a run of one folder's files is one crate's.
    let mut run: Option<(PathBuf, Option<PathBuf>, Vec<PathBuf>)> = None;
    for file in files {
        let folder = file.parent().unwrap_or(Path::new(""));
        match &mut run {
            Some((at, _, run_files)) if at.as_os_str() == folder.as_os_str() => {
                run_files.push(file);
            }
            _ => {
                if let Some((_, root, run_files)) = run.take() {
                    groups.entry(root).or_default().extend(run_files);
                }
                let root = manifests.crate_root_of(&file);
                run = Some((folder.to_path_buf(), root, vec![file]));
            }
        }
    }
    if let Some((_, root, run_files)) = run {
        groups.entry(root).or_default().extend(run_files);
    }
    // Each crate's manifests read on the worker threads, crates in the order of their roots.
    let groups: Vec<(Option<PathBuf>, Vec<PathBuf>)> = groups.into_iter().collect();
    let crates = groups
        .into_iter()
        .map(|(root, files)| manifests.crate_at(root, files))
        .collect();
    errors.append(&mut manifests.refused);
    crates
}

#[derive(Default)]
struct ManifestCache {
    /// Directory (absolute) -> the crate root that holds it, if any.
    roots: HashMap<PathBuf, Option<PathBuf>>,
    /// Directory as a file's path names it -> the crate root that holds it: resolving a
    /// folder costs a system call per component, once per folder, not once per file.
    by_folder: HashMap<PathBuf, Option<PathBuf>>,
    /// The `Cargo.toml`s met that are not read: a FIFO, a device, a directory, or one
    /// over the size cap (its folder is still a crate root when it is a regular file).
    refused: Vec<PathError>,
}

impl ManifestCache {
    /// The crate at `root` (its manifest's edition, name and runtimes) holding `files`; the
    /// loose files' group when `root` is `None`.
    fn crate_at(&self, root: Option<PathBuf>, files: Vec<PathBuf>) -> Crate {
        let (edition, dependencies) = match &root {
            Some(root) => (self.edition_of(root), dependencies_of(root)),
            None => (LOOSE_EDITION.to_string(), Vec::new()),
        };
        // One read of the manifest for the name, the library's name and the package.
        let manifest = root.as_deref().and_then(read_manifest);
        let name = manifest.as_ref().and_then(package_name);
        let lib_name = manifest.as_ref().and_then(lib_name);
        let package = root
            .as_deref()
            .zip(manifest.as_ref())
            .and_then(|(root, manifest)| {
                Package::read(root, manifest, &edition, || workspace_version(root))
            });
        Crate {
            root,
            edition,
            lib_name: lib_name.or_else(|| name.as_ref().map(|name| name.replace('-', "_"))),
            name,
            runtimes: runtimes_among(&dependencies),
            dependencies,
            files,
            package,
        }
    }

    fn crate_root_of(&mut self, file: &Path) -> Option<PathBuf> {
        let dir = file.parent().unwrap_or(Path::new(""));
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Some(root) = self.by_folder.get(dir) {
            return root.clone();
        }
        let resolved = fs::canonicalize(dir).or_else(|_| std::path::absolute(dir));
        let root = resolved
            .ok()
            .and_then(|resolved| self.root_for_dir(&resolved));
        self.by_folder.insert(dir.to_path_buf(), root.clone());
        root
    }

    fn root_for_dir(&mut self, dir: &Path) -> Option<PathBuf> {
        // Iterative walk up, filling the cache for every directory visited.
        let mut visited = Vec::new();
        let mut current = Some(dir);
        let found = loop {
            let Some(here) = current else { break None };
            if let Some(known) = self.roots.get(here) {
                break known.clone();
            }
            visited.push(here.to_path_buf());
            let manifest = here.join("Cargo.toml");
            if let Ok(metadata) = fs::metadata(&manifest) {
                if let Err(err) = files::check(&metadata, files::CONFIG_LIMIT) {
                    // Shown from the current directory when under it.
                    let cwd = std::env::current_dir().and_then(fs::canonicalize);
                    let shown = cwd
                        .ok()
                        .and_then(|cwd| Some(manifest.strip_prefix(cwd).ok()?.to_path_buf()))
                        .unwrap_or_else(|| manifest.clone());
                    self.refused.push(PathError {
                        message: format!("could not read `{}`: {err}", shown.display()),
                        path: shown,
                    });
                }
                if metadata.is_file() {
                    break Some(here.to_path_buf());
                }
            }
            current = here.parent();
        };
        for dir in visited {
            self.roots.insert(dir, found.clone());
        }
        found
    }

    fn edition_of(&self, root: &Path) -> String {
        let Some(manifest) = read_manifest(root) else {
            return LOOSE_EDITION.to_string();
        };
        let Some(package) = manifest.get("package").and_then(|p| p.as_table()) else {
            // A virtual manifest: a workspace's own defaults, if any.
            return workspace_edition(&manifest).unwrap_or_else(|| LOOSE_EDITION.to_string());
        };
        match package.get("edition") {
            Some(toml::Value::String(edition)) => edition.clone(),
            Some(toml::Value::Table(inherit)) if inherit.get("workspace").is_some() => {
                self.inherited_edition(root)
            }
            Some(_) => LOOSE_EDITION.to_string(),
            None => CARGO_DEFAULT_EDITION.to_string(),
        }
    }

    /// `edition.workspace = true`: the nearest ancestor workspace's `[workspace.package]`.
    fn inherited_edition(&self, root: &Path) -> String {
        let mut current = Some(root);
        while let Some(dir) = current {
            if let Some(manifest) = read_manifest(dir)
                && manifest.contains_key("workspace")
            {
                return workspace_edition(&manifest)
                    .unwrap_or_else(|| CARGO_DEFAULT_EDITION.to_string());
            }
            current = dir.parent();
        }
        LOOSE_EDITION.to_string()
    }
}

fn read_manifest(dir: &Path) -> Option<toml::Table> {
    let text = files::read_text_limited(&dir.join("Cargo.toml"), files::CONFIG_LIMIT).ok()?;
    text.parse::<toml::Table>().ok()
}

fn workspace_edition(manifest: &toml::Table) -> Option<String> {
    manifest
        .get("workspace")?
        .get("package")?
        .get("edition")?
        .as_str()
        .map(str::to_string)
}

/// `version.workspace = true`: the nearest ancestor workspace's `[workspace.package]`.
fn workspace_version(root: &Path) -> Option<String> {
    let manifest = root
        .ancestors()
        .find_map(|dir| read_manifest(dir).filter(|manifest| manifest.contains_key("workspace")))?;
    let version = manifest.get("workspace")?.get("package")?.get("version")?;
    version.as_str().map(str::to_string)
}

/// `path` with `.` removed and `..` resolved lexically, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `text` at `path`, creating folders (the dependency tests use it too).
    pub(super) fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[test]
    fn walks_groups_and_skips() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            &root.join("a/Cargo.toml"),
            "[package]\nname = \"a\"\nedition = \"2024\"\n",
        );
        write(&root.join("a/src/lib.rs"), "");
        write(&root.join("a/src/main.rs"), "");
        write(&root.join("a/target/debug/gen.rs"), "");
        write(&root.join("a/.hidden/x.rs"), "");
        write(&root.join("a/src/notes.txt"), "");
        write(&root.join(".gitignore"), "ignored.rs\n");
        write(&root.join("ignored.rs"), "");
        write(&root.join("loose.rs"), "");
        fs::create_dir_all(root.join("dir.rs")).unwrap();
        write(
            &root.join("b/Cargo.toml"),
            "[package]\nname = \"b\"\nedition.workspace = true\n[workspace.package]\nedition = \"2018\"\n[workspace]\n",
        );
        write(&root.join("b/src/lib.rs"), "");

        let found = discover(&[root.to_path_buf()]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        let crates: Vec<(String, Vec<PathBuf>)> = found
            .crates
            .iter()
            .map(|c| {
                let files = c
                    .files
                    .iter()
                    .map(|f| f.strip_prefix(root).unwrap().to_path_buf())
                    .collect();
                (c.edition.clone(), files)
            })
            .collect();
        // The temp dir may itself sit under a Cargo.toml-free tree: loose files come first.
        assert_eq!(
            crates,
            vec![
                (LOOSE_EDITION.to_string(), vec![PathBuf::from("loose.rs")]),
                (
                    "2024".to_string(),
                    vec![
                        PathBuf::from("a/src/lib.rs"),
                        PathBuf::from("a/src/main.rs")
                    ]
                ),
                ("2018".to_string(), vec![PathBuf::from("b/src/lib.rs")]),
            ]
        );
    }

    #[test]
    fn missing_path_is_an_error_for_that_path_only() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("x.rs");
        write(&file, "");
        let missing = tmp.path().join("nope");
        let found = discover(&[missing.clone(), file.clone()]);
        assert_eq!(found.files().collect::<Vec<_>>(), vec![file.as_path()]);
        assert_eq!(found.errors.len(), 1);
        assert_eq!(found.errors[0].path, missing);
        assert!(found.errors[0].message.contains("nope"));
    }

    #[test]
    fn edition_of_a_file_that_need_not_exist() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            &tmp.path().join("c/Cargo.toml"),
            "[package]\nname = \"c\"\nedition = \"2024\"\n",
        );
        assert_eq!(edition_of_file(&tmp.path().join("c/src/new.rs")), "2024");
        write(
            &tmp.path().join("d/Cargo.toml"),
            "[package]\nname = \"d\"\n",
        );
        assert_eq!(edition_of_file(&tmp.path().join("d/src/x.rs")), "2015");
        write(&tmp.path().join("e/Cargo.toml"), "not toml [");
        assert_eq!(edition_of_file(&tmp.path().join("e/x.rs")), LOOSE_EDITION);
    }

    #[test]
    fn runtimes_from_dependencies() {
        let tmp = tempfile::tempdir().unwrap();
        write(
            &tmp.path().join("t/Cargo.toml"),
            "[package]\nname = \"t\"\n[dependencies]\ntokio = { version = \"1\" }\nserde = \"1\"\n\
             [target.'cfg(unix)'.dev-dependencies]\nrt = { package = \"async-std\", version = \"1\" }\n",
        );
        let krate = crate_of_file(&tmp.path().join("t/src/lib.rs"));
        assert_eq!(krate.runtimes, vec!["async-std", "tokio"]);
        assert!(!runs_on_tokio(&krate.runtimes));
        assert!(runs_on_tokio(&["tokio".to_string()]));
        assert!(runs_on_tokio(&[
            "actix-rt".to_string(),
            "tokio".to_string()
        ]));
        assert!(!runs_on_tokio(&["smol".to_string()]));
        assert!(!runs_on_tokio(&[]));
    }

    #[test]
    fn file_argument_is_taken_whatever_its_extension() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("script.txt");
        write(&file, "");
        let found = discover(std::slice::from_ref(&file));
        assert_eq!(found.files().collect::<Vec<_>>(), vec![file.as_path()]);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_reported_not_followed_forever() {
        let tmp = tempfile::tempdir().unwrap();
        write(&tmp.path().join("d/x.rs"), "");
        std::os::unix::fs::symlink(tmp.path().join("d"), tmp.path().join("d/back")).unwrap();
        let found = discover(&[tmp.path().join("d")]);
        assert_eq!(found.files().count(), 1);
        assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
        assert!(found.errors[0].message.contains("loop"));
    }
}
