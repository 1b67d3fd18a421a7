//! The package each reported file belongs to, for `--format rustc-json`'s package ids:
//! looked up for the files with diagnostics only.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{FileResult, Unit};
use crate::discover::{CargoTarget, Package};

type Packages = BTreeMap<String, (Package, CargoTarget)>;

/// The package and target of each file of `units` that `results` report on.
pub(super) fn of_files(units: &[Unit], results: &[FileResult]) -> Packages {
    let reported: BTreeSet<&str> = results
        .iter()
        .filter(|result| !result.diagnostics.is_empty())
        .map(|result| result.name.as_str())
        .collect();
    let mut found = Packages::new();
    for unit in units.iter().filter(|unit| !unit.context) {
        let Some(package) = &unit.krate.package else {
            continue;
        };
        for file in &unit.files {
            let name = file.to_string_lossy();
            if reported.contains(name.as_ref()) {
                found.insert(name.into_owned(), entry(package, file));
            }
        }
    }
    found
}

/// The package and target of the file read from stdin, when something is reported on it.
pub(super) fn of_source(unit: &Unit, result: &FileResult) -> Packages {
    match &unit.krate.package {
        Some(package) if !result.diagnostics.is_empty() => {
            let file = Path::new(&result.name);
            Packages::from([(result.name.clone(), entry(package, file))])
        }
        _ => Packages::new(),
    }
}

/// The file's target: its path absolute with its folder's links resolved, as the crate
/// root was found (the file need not exist).
fn entry(package: &Package, file: &Path) -> (Package, CargoTarget) {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let dir = std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    let absolute = match file.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    };
    (package.clone(), package.target_of(&absolute))
}
