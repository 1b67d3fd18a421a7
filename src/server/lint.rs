//! One lint of the open documents: each one's crate and workspace read from disk with the
//! open buffers in place of their files (`discover::around`, a scoped runner input), the
//! configuration found afresh each time (so edits to `async-lint.toml` or `Cargo.toml`
//! apply at once), the findings grouped by open file.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::config::{Resolver, RuleChoice};
use crate::diagnostic::Diagnostic;
use crate::runner;

/// What the server's options ask of a lint.
#[derive(Debug, Default)]
pub struct Options {
    /// An explicit configuration file (`--config`), instead of the nearest one.
    pub config: Option<PathBuf>,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// The summaries of earlier lints, reused for files that did not change.
    pub summaries: std::sync::Arc<runner::Summaries>,
    /// The last discovery, for the same open files: walking the crates again is needed
    /// only when files appear or go, or manifests change (`forget_files`).
    pub around: std::sync::Mutex<Option<(Vec<PathBuf>, crate::discover::Around)>>,
}

impl Options {
    /// Files may have appeared or gone, or manifests changed: discover again.
    pub fn forget_files(&self) {
        *self.around.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn around(&self, paths: &[PathBuf]) -> Option<crate::discover::Around> {
        let mut kept = self.around.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((known, around)) = kept.as_ref()
            && known == paths
        {
            return Some(around.clone());
        }
        let around = crate::discover::around(&[], paths)?;
        *kept = Some((paths.to_vec(), around.clone()));
        Some(around)
    }
}

/// The findings of each open file (every open file has an entry, empty when clean), or
/// why the lint could not run (a configuration that does not load).
pub fn lint(
    open: &BTreeMap<PathBuf, String>,
    options: &Options,
) -> Result<BTreeMap<PathBuf, Vec<Diagnostic>>, String> {
    let mut found: BTreeMap<PathBuf, Vec<Diagnostic>> =
        open.keys().map(|path| (path.clone(), Vec::new())).collect();
    if open.is_empty() {
        return Ok(found);
    }
    let paths: Vec<PathBuf> = open.keys().cloned().collect();
    let Some(around) = options.around(&paths) else {
        return Ok(found);
    };
    let mut resolver = Resolver::new(options.config.as_deref()).map_err(|e| e.to_string())?;
    let rules = RuleChoice::default();
    let mut plan = crate::cli::plan::for_paths(around.discovery, &rules, &mut resolver)
        .map_err(|e| e.to_string())?;
    let overlay: HashMap<PathBuf, Vec<u8>> = open
        .iter()
        .map(|(path, text)| (path.clone(), text.clone().into_bytes()))
        .collect();
    let mut scope = runner::Scope::new(&around.report, overlay);
    options.summaries.settings(&plan.input);
    scope.summaries = Some(options.summaries.clone());
    plan.input = plan.input.scoped(scope);
    let report = runner::run(plan.input, options.threads, false)?;
    for diagnostic in report.diagnostics {
        let path = PathBuf::from(&diagnostic.file);
        if let Some(list) = found.get_mut(&path) {
            list.push(diagnostic);
        }
    }
    Ok(found)
}
