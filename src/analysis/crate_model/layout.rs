//! Where each file sits in its crate: the target it belongs to (the library, a binary, a
//! test, example or bench) and its module path, from Cargo's layout (`a/mod.rs` and
//! `a.rs` are `a`) and `#[path]` attributes. Paths only: no file is read here.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::CrateFile;

pub(super) const LIB_ROOT: &str = "src";

/// A file's root (which crate target it belongs to) and module path, from the standard
/// layout: `src/a/b.rs` and `src/a/b/mod.rs` are `a::b` of the `src` root; `tests/x.rs`,
/// `src/bin/x.rs` and loose files are roots of their own.
pub fn layout(crate_root: Option<&Path>, file: &Path) -> (String, Vec<String>) {
    let alone = || (file.to_string_lossy().into_owned(), Vec::new());
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
            (format!("bin:{}", stem(&parts[2])), module_of(&parts[3..]))
        }
        Some("src") => {
            let module = if parts.len() == 2 && matches!(parts[1].as_str(), "lib.rs" | "main.rs") {
                Vec::new()
            } else {
                module_of(&parts[1..])
            };
            (LIB_ROOT.to_string(), module)
        }
        // Each file directly in `tests/` is a crate of its own; the modules they share
        // live in subfolders, under the folder's root.
        Some(dir @ ("tests" | "examples" | "benches")) if parts.len() == 2 => {
            (format!("{dir}/{}", stem(&parts[1])), Vec::new())
        }
        Some(dir @ ("tests" | "examples" | "benches")) => (dir.to_string(), module_of(&parts[1..])),
        _ => alone(),
    }
}

/// `#[path = "x.rs"] mod m;` puts `x.rs` (relative to the declaring file's directory) at
/// the declaring module's `m`.
pub(super) fn apply_path_mods(files: &[CrateFile], modules: &mut [(String, Vec<String>)]) {
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
        assert_eq!(of("/c/src/lib.rs"), ("src".into(), vec![]));
        assert_eq!(of("/c/src/main.rs"), ("src".into(), vec![]));
        assert_eq!(of("/c/src/a/mod.rs"), ("src".into(), vec!["a".to_string()]));
        assert_eq!(
            of("/c/src/a/b.rs"),
            ("src".into(), vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(of("/c/src/bin/tool.rs"), ("bin:tool".into(), vec![]));
        assert_eq!(of("/c/tests/it.rs"), ("tests/it".into(), vec![]));
        assert_eq!(
            of("/c/tests/common/mod.rs"),
            ("tests".into(), vec!["common".to_string()])
        );
        assert_eq!(layout(None, Path::new("x.rs")), ("x.rs".into(), vec![]));
    }
}
