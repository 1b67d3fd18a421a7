//! Where each file sits in its crate: the target it belongs to (the library, a binary, a
//! test, example or bench) and its module path, from Cargo's layout (`a/mod.rs` and
//! `a.rs` are `a`) and `#[path]` attributes. Paths only: no file is read here.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::CrateFile;

/// The crate target a file belongs to: where its module paths start.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// `src/`: the library, and the binary of `src/main.rs`.
    Lib,
    /// `src/bin/NAME.rs` or `src/bin/NAME/`.
    Bin(String),
    /// A file directly in `tests/`, `examples/` or `benches/`: a crate of its own.
    Single { dir: Folder, name: String },
    /// The modules in a subfolder (`tests/common/mod.rs`), which the folder's crates share.
    Shared(Folder),
    /// A file outside any crate's layout, by its path.
    Alone(String),
}

/// The folders whose files are each a crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Folder {
    Tests,
    Examples,
    Benches,
}

impl Target {
    /// The target whose modules this one also sees: a test's (example's, bench's) folder.
    pub(super) fn shared(&self) -> Option<Target> {
        match self {
            Target::Single { dir, .. } => Some(Target::Shared(*dir)),
            _ => None,
        }
    }
}

/// A file's target and module path, from the standard layout: `src/a/b.rs` and
/// `src/a/b/mod.rs` are `a::b` of the library; `tests/x.rs`, `src/bin/x.rs` and loose files
/// are targets of their own.
pub fn layout(crate_root: Option<&Path>, file: &Path) -> (Target, Vec<String>) {
    let alone = || {
        (
            Target::Alone(file.to_string_lossy().into_owned()),
            Vec::new(),
        )
    };
    let Some(relative) = crate_root.and_then(|root| file.strip_prefix(root).ok()) else {
        return alone();
    };
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let stem = |name: &str| name.strip_suffix(".rs").unwrap_or(name).to_string();
    let module_of = |parts: &[String]| -> Vec<String> {
        let mut module: Vec<String> = parts.iter().map(|p| stem(p)).collect();
        if module
            .last()
            .is_some_and(|last| last == "mod" || last == "main" || last == "lib")
        {
            module.pop();
        }
        module
    };
    match parts.first().map(String::as_str) {
        Some("src") if parts.get(1).map(String::as_str) == Some("bin") && parts.len() > 2 => {
            (Target::Bin(stem(&parts[2])), module_of(&parts[3..]))
        }
        Some("src") => {
            let module = if parts.len() == 2 && matches!(parts[1].as_str(), "lib.rs" | "main.rs") {
                Vec::new()
            } else {
                module_of(&parts[1..])
            };
            (Target::Lib, module)
        }
        // Each file directly in `tests/` is a crate of its own; the modules they share
        // live in subfolders, under the folder's target.
        Some(dir @ ("tests" | "examples" | "benches")) => {
            let dir = match dir {
                "tests" => Folder::Tests,
                "examples" => Folder::Examples,
                _ => Folder::Benches,
            };
            match parts.len() {
                2 => (
                    Target::Single {
                        dir,
                        name: stem(&parts[1]),
                    },
                    Vec::new(),
                ),
                _ => (Target::Shared(dir), module_of(&parts[1..])),
            }
        }
        _ => alone(),
    }
}

/// `#[path = "x.rs"] mod m;` puts `x.rs` (relative to the declaring file's directory) at
/// the declaring module's `m`.
pub(super) fn apply_path_mods(files: &[CrateFile], modules: &mut [(Target, Vec<String>)]) {
    if files.iter().all(|file| file.summary.path_mods.is_empty()) {
        return;
    }
    let index: HashMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (crate::discover::normalize(&f.path), i))
        .collect();
    for (declaring, file) in files.iter().enumerate() {
        for declared in &file.summary.path_mods {
            let dir = file.path.parent().unwrap_or(Path::new(""));
            let target = crate::discover::normalize(&dir.join(&declared.path));
            let Some(&target) = index.get(&target) else {
                continue;
            };
            let (root, module) = modules[declaring].clone();
            let mut module = module;
            module.extend(declared.in_file.iter().cloned());
            module.push(declared.name.clone());
            modules[target] = (root, module);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_follows_cargo_conventions() {
        let root = Path::new("/c");
        let of = |p: &str| layout(Some(root), Path::new(p));
        let module = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(of("/c/src/lib.rs"), (Target::Lib, vec![]));
        assert_eq!(of("/c/src/main.rs"), (Target::Lib, vec![]));
        assert_eq!(of("/c/src/a/mod.rs"), (Target::Lib, module(&["a"])));
        assert_eq!(of("/c/src/a/b.rs"), (Target::Lib, module(&["a", "b"])));
        assert_eq!(
            of("/c/src/bin/tool.rs"),
            (Target::Bin("tool".into()), vec![])
        );
        let it = Target::Single {
            dir: Folder::Tests,
            name: "it".into(),
        };
        assert_eq!(it.shared(), Some(Target::Shared(Folder::Tests)));
        assert_eq!(of("/c/tests/it.rs"), (it, vec![]));
        assert_eq!(
            of("/c/tests/common/mod.rs"),
            (Target::Shared(Folder::Tests), module(&["common"]))
        );
        assert_eq!(
            layout(None, Path::new("x.rs")),
            (Target::Alone("x.rs".into()), vec![])
        );
    }
}
