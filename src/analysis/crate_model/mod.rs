//! The crate model: what no single file shows. Built from per-file summaries (never from
//! syntax trees), it resolves calls across modules, finds sync fns that block through
//! any chain of calls (SPEC §3), and finds the runtime that drives each fn (SPEC §2,
//! `mixed_runtimes`).
//!
//! `link` builds the model in steps, one module each: `layout` places each file in its
//! crate; `resolve` turns calls into edges between fns; `reach` carries blocking
//! operations up sync calls; `runtime_flow` carries runtimes down calls. `select` serves
//! the runner before linking: which files not parsed define what parsed code calls.
//!
//! Paths arrive typed (`summary::ItemPath` by its `PathRoot`, fns by `summary::FnKey`,
//! files by `layout::Target`): nothing here reads meaning out of a string prefix.

mod layout;
mod reach;
mod resolve;
mod runtime_flow;
pub mod select;

use std::path::PathBuf;

use super::facts::Fact;
use super::imports::FN_SEGMENT;
use super::summary::{FileSummary, FnKey, Runtime};
use layout::{Target, apply_path_mods, layout};

/// What the crate's `Cargo.toml` says.
#[derive(Clone, Debug, Default)]
pub struct CrateInfo {
    /// The directory holding `Cargo.toml`; `None` for loose files.
    pub root: Option<PathBuf>,
    /// The package name as code spells it (`my_crate`).
    pub name: Option<String>,
    /// The runtimes its dependencies bring.
    pub runtimes: Vec<Runtime>,
}

/// One file of the crate: where it is, and what it contributes.
#[derive(Clone, Debug)]
pub struct CrateFile {
    pub path: PathBuf,
    pub summary: FileSummary,
}

struct Node {
    file: usize,
    /// The crate target it belongs to.
    root: Target,
    /// Its path within the root, segments joined by `::` (one allocation per fn): module
    /// path and name (`a::b::f`), or type and name (`Store::flush`).
    path: String,
    display: String,
    is_async: bool,
}

/// Links a crate's files: the facts of each file plus what only the whole crate shows.
/// Pure: reads only what it is given.
pub fn link(files: &[CrateFile], krate: &CrateInfo) -> Vec<Fact> {
    let mut facts: Vec<Fact> = files
        .iter()
        .flat_map(|file| file.summary.facts.iter().cloned())
        .collect();
    let model = Model::new(files, krate);
    model.blocking_chains(&mut facts);
    model.mixed_runtimes(krate, &mut facts);
    facts
}

struct Model<'a> {
    files: &'a [CrateFile],
    /// Each file's root and module path.
    modules: Vec<(Target, Vec<String>)>,
    nodes: Vec<Node>,
    /// (file, fn index in the file) of each node.
    origin: Vec<(usize, usize)>,
    /// Resolved callee of each call: by node, in call order.
    targets: Vec<Vec<Option<usize>>>,
}

impl<'a> Model<'a> {
    fn new(files: &'a [CrateFile], krate: &CrateInfo) -> Self {
        let mut modules: Vec<(Target, Vec<String>)> = files
            .iter()
            .map(|file| layout(krate.root.as_deref(), &file.path))
            .collect();
        apply_path_mods(files, &mut modules);

        let mut nodes = Vec::new();
        let mut origin = Vec::new();
        for (file_index, file) in files.iter().enumerate() {
            let (root, module) = &modules[file_index];
            for (fn_index, summary) in file.summary.fns.iter().enumerate() {
                // Free fns are keyed and named by module path (`config::load`), methods by
                // type (`Store::flush`): a call `crate::Store::flush` finds either.
                let (path, display) = match &summary.key {
                    FnKey::Free {
                        module: in_file,
                        name,
                    } => {
                        let segments: Vec<&str> = module
                            .iter()
                            .chain(in_file)
                            .chain([name])
                            .map(String::as_str)
                            .collect();
                        let display = segments
                            .iter()
                            .copied()
                            .filter(|s| !s.is_empty() && *s != FN_SEGMENT)
                            .collect::<Vec<_>>()
                            .join("::");
                        (segments.join("::"), display)
                    }
                    FnKey::Assoc { .. } => {
                        let display = summary.key.display();
                        (display.clone(), display)
                    }
                };
                nodes.push(Node {
                    file: file_index,
                    root: root.clone(),
                    path,
                    display,
                    is_async: summary.is_async,
                });
                origin.push((file_index, fn_index));
            }
        }
        let mut model = Model {
            files,
            modules,
            nodes,
            origin,
            targets: Vec::new(),
        };
        model.targets = model.resolve_calls(krate);
        model
    }

    /// Every resolved call: (caller, the call, callee).
    fn edges(&self) -> impl Iterator<Item = (usize, &super::summary::Call, usize)> + '_ {
        (0..self.nodes.len()).flat_map(move |caller| {
            self.summary(caller)
                .calls
                .iter()
                .zip(&self.targets[caller])
                .filter_map(move |(call, target)| target.map(|callee| (caller, call, callee)))
        })
    }

    fn summary(&self, node: usize) -> &super::summary::FnSummary {
        let (file, index) = self.origin[node];
        &self.files[file].summary.fns[index]
    }
}

/// Repeats `round` until it changes nothing (at most `limit + 1` rounds).
fn until_stable(limit: usize, mut round: impl FnMut() -> bool) {
    for _ in 0..=limit {
        if !round() {
            break;
        }
    }
}
