//! A run over some files of a crate (the pre-commit hook's staged files, an editor's file,
//! stdin under `--stdin-filename`) sees the rest of it: each named file's crate is read
//! whole, with the crates of its workspace that depend on it (they may drive its fns) and
//! the libraries it reaches by `path` (context, as in any run). Only the named files are
//! reported, so each gets the findings a run over its whole crate gives it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

use super::deps::{context_crates, dependencies_of};
use super::{Crate, Discovery, discover, group_into_crates, read_manifest};

/// What a run over some files of crates reads, and which of its files it reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Around {
    /// The named files' crates with all their files, the workspace crates that depend on
    /// them, the context libraries; the loose named files as they are.
    pub discovery: Discovery,
    /// The files to report, as named (each one is in `discovery`, under this name).
    pub report: Vec<PathBuf>,
}

/// The run `paths` ask for when one of them is a file of a crate, or when `unsaved` (files
/// whose text comes from elsewhere, stdin or an editor: they need not exist) is not empty.
/// `None` for a run over directories and loose files only (and no `unsaved` file):
/// `discover`'s answer stands.
pub fn around(paths: &[PathBuf], unsaved: &[PathBuf]) -> Option<Around> {
    let named_files = paths
        .iter()
        .any(|path| fs::metadata(path).is_ok_and(|meta| meta.is_file()));
    if !named_files && unsaved.is_empty() {
        return None;
    }
    let mut named = if paths.is_empty() {
        Discovery::default()
    } else {
        discover(paths)
    };
    let mut report: Vec<PathBuf> = named.files().map(Path::to_path_buf).collect();
    report.extend(unsaved.iter().cloned());
    report.sort();
    report.dedup();
    // A manifest refused here is refused in `named` (or, for an unsaved file's, when its
    // crate is walked below) too.
    let grouped = group_into_crates(report.clone(), &mut Vec::new());
    if unsaved.is_empty() && grouped.iter().all(|krate| krate.root.is_none()) {
        return None;
    }

    // The named files' crates, and the workspace crates that depend on them.
    let named_roots: BTreeSet<PathBuf> = grouped.iter().filter_map(|k| k.root.clone()).collect();
    let roots = with_dependents(&named_roots);
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|dir| fs::canonicalize(dir).ok());
    let shown = |path: &Path| match &cwd {
        Some(cwd) => crate::cargo::relative(path, cwd),
        None => path.to_path_buf(),
    };
    let walked = discover(&roots.iter().map(|root| shown(root)).collect::<Vec<_>>());

    // Each named file under the name it was given, also when the walk skips it or it
    // does not exist.
    let by_identity: HashMap<PathBuf, &PathBuf> =
        report.iter().map(|file| (identity(file), file)).collect();
    let mut crates: Vec<Crate> = Vec::new();
    for mut krate in walked.crates {
        if !krate.root.as_ref().is_some_and(|root| roots.contains(root)) {
            continue;
        }
        for file in &mut krate.files {
            if let Some(name) = by_identity.get(&identity(file)) {
                file.clone_from(name);
            }
        }
        crates.push(krate);
    }
    for krate in grouped {
        match crates.iter_mut().find(|c| c.root == krate.root) {
            Some(found) => found.files.extend(krate.files),
            None => crates.push(krate),
        }
    }
    for krate in &mut crates {
        krate.files.sort();
        krate.files.dedup();
    }
    crates.sort_by(|a, b| a.root.cmp(&b.root));
    named.context = context_crates(&crates);
    named.crates = crates;
    Some(Around {
        discovery: named,
        report,
    })
}

/// A file's absolute path with its folder's links resolved (the file need not exist).
fn identity(file: &Path) -> PathBuf {
    if let Ok(path) = fs::canonicalize(file) {
        return path;
    }
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let dir = fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    match file.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}

/// `roots` and the crates of their workspaces that depend on them, transitively.
fn with_dependents(roots: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
    let mut all = roots.clone();
    let workspaces: BTreeSet<PathBuf> = roots.iter().filter_map(|r| workspace_of(r)).collect();
    // Crate root -> the roots of the crates that depend on it by path.
    let mut dependents: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    for workspace in &workspaces {
        for member in manifests_under(workspace) {
            for dependency in dependencies_of(&member) {
                if let Some(root) = dependency.root {
                    dependents.entry(root).or_default().push(member.clone());
                }
            }
        }
    }
    let mut pending: Vec<PathBuf> = roots.iter().cloned().collect();
    while let Some(root) = pending.pop() {
        for dependent in dependents.get(&root).into_iter().flatten() {
            if all.insert(dependent.clone()) {
                pending.push(dependent.clone());
            }
        }
    }
    all
}

/// The nearest folder at or above the crate at `root` whose `Cargo.toml` has `[workspace]`.
pub fn workspace_of(root: &Path) -> Option<PathBuf> {
    root.ancestors()
        .find(|dir| read_manifest(dir).is_some_and(|manifest| manifest.contains_key("workspace")))
        .map(Path::to_path_buf)
}

/// The folders under `dir` (itself included) holding a package's `Cargo.toml`, as the walk
/// of a run sees them (`target` and hidden folders skipped), absolute.
fn manifests_under(dir: &Path) -> Vec<PathBuf> {
    let walker = WalkBuilder::new(dir)
        .standard_filters(true)
        .require_git(false)
        .hidden(true)
        .follow_links(true)
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_name() == "target"
                    && entry.file_type().is_some_and(|kind| kind.is_dir()))
        })
        .build();
    walker
        .flatten()
        .filter(|entry| entry.file_name() == "Cargo.toml")
        .filter_map(|entry| {
            let folder = fs::canonicalize(entry.path().parent()?).ok()?;
            read_manifest(&folder)?
                .contains_key("package")
                .then_some(folder)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::write;
    use super::*;

    /// A member's file named alone: its crate whole, the member that depends on it (it may
    /// drive its fns), not the unrelated one; the library it depends on is context.
    #[test]
    fn a_named_file_brings_its_crate_and_its_dependents() {
        let tmp = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(tmp.path()).unwrap();
        let package = |name: &str, deps: &str| {
            format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}"
            )
        };
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"core\", \"app\", \"other\", \"base\"]\n",
        );
        write(&root.join("base/Cargo.toml"), &package("base", ""));
        write(&root.join("base/src/lib.rs"), "pub fn b() {}\n");
        write(
            &root.join("core/Cargo.toml"),
            &package("core", "base = { path = \"../base\" }\n"),
        );
        write(&root.join("core/src/lib.rs"), "pub mod io;\n");
        write(&root.join("core/src/io.rs"), "pub fn read() {}\n");
        write(
            &root.join("app/Cargo.toml"),
            &package("app", "core = { path = \"../core\" }\n"),
        );
        write(&root.join("app/src/main.rs"), "fn main() {}\n");
        write(&root.join("other/Cargo.toml"), &package("other", ""));
        write(&root.join("other/src/lib.rs"), "\n");

        let named = root.join("core/src/io.rs");
        let unsaved = root.join("core/src/new.rs");
        let found = around(std::slice::from_ref(&named), std::slice::from_ref(&unsaved)).unwrap();
        assert_eq!(found.report, [named.clone(), unsaved.clone()]);
        let crates: Vec<&str> = found
            .discovery
            .crates
            .iter()
            .map(|k| k.name.as_deref().unwrap())
            .collect();
        assert_eq!(crates, ["app", "core"]);
        let core = &found.discovery.crates[1];
        assert!(core.files.contains(&named) && core.files.contains(&unsaved));
        assert_eq!(core.files.len(), 3, "{:?}", core.files);
        let context: Vec<&str> = found
            .discovery
            .context
            .iter()
            .map(|k| k.name.as_deref().unwrap())
            .collect();
        assert_eq!(context, ["base"]);

        // Directories only: the run stays as it was.
        assert_eq!(around(&[root.join("core")], &[]), None);
    }
}
