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

mod guard_types;
mod layout;
mod reach;
mod resolve;
mod runtime_flow;
pub mod select;

use foldhash::HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

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
    /// Its `path` dependencies by the name its code uses (a renamed dependency's key, an
    /// `extern crate … as` alias), with the folder of each: calls into those crates are
    /// followed when they are linked with this one.
    pub dependencies: Vec<(String, PathBuf)>,
    /// Sync fns its configuration accepts from async code (`[[allow]]`): chains stop there.
    pub allowed: Vec<crate::settings::AllowedFn>,
    /// Its `[package]` as cargo names it, for the output (`--format rustc-json`'s package
    /// ids); the model does not read it.
    pub package: Option<crate::discover::Package>,
}

/// One crate to link with others: what its `Cargo.toml` says, its parsed files, and
/// whether its facts are wanted (a crate read only for the calls into it is not).
#[derive(Clone, Copy)]
pub struct Linked<'a> {
    pub info: &'a CrateInfo,
    pub files: &'a [CrateFile],
}

/// One file of the crate: where it is, and what it contributes.
#[derive(Clone, Debug)]
pub struct CrateFile {
    pub path: PathBuf,
    pub summary: FileSummary,
}

struct Node {
    file: usize,
    /// The crate it belongs to (an index into the crates linked together).
    krate: usize,
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
    link_crates(&[Linked { info: krate, files }])
}

/// Links crates that call each other (a workspace's members, `path` dependencies) as one
/// model: a call into a dependency resolves like a call within the crate, and a chain
/// crosses crates. The runtimes that drive each fn stay a matter of its own crate.
/// Returns the facts of every crate's files.
pub fn link_crates(crates: &[Linked<'_>]) -> Vec<Fact> {
    link_with(crates, Split::Never)
}

/// [`link_crates`], with the model's files and fns taken in parallel on the worker threads:
/// for one large model linked alone (several models linked at once are each better linked
/// on one thread, holding fewer at a time).
pub fn link_crates_in_parallel(crates: &[Linked<'_>]) -> Vec<Fact> {
    link_with(crates, Split::Parallel)
}

/// Whether a model's work is split among the worker threads.
#[derive(Clone, Copy)]
enum Split {
    Never,
    Parallel,
}

impl Split {
    /// The fewest items a piece of parallel work takes (all of them: not split).
    fn min_len(self) -> usize {
        match self {
            Split::Never => usize::MAX,
            Split::Parallel => 64,
        }
    }
}

fn link_with(crates: &[Linked<'_>], split: Split) -> Vec<Fact> {
    use crate::runner::trace;
    let model = trace::LINK_MODEL.time(|| Model::new(crates, split));
    // A blocking call in a closure given to a fn of the crate that offloads it runs
    // elsewhere: not a finding.
    let mut facts: Vec<Fact> = crates
        .iter()
        .flat_map(|krate| krate.files.iter())
        .enumerate()
        .flat_map(|(file, crate_file)| {
            let model = &model;
            crate_file
                .summary
                .facts
                .iter()
                .filter(move |fact| match fact {
                    Fact::Blocking(call) => !call.pending.is_some_and(|(in_fn, pending)| {
                        let at = (file, usize::try_from(in_fn).unwrap_or(usize::MAX));
                        model
                            .origin
                            .binary_search(&at)
                            .is_ok_and(|node| model.offloaded(node, pending))
                    }),
                    _ => true,
                })
        })
        .cloned()
        .collect();
    trace::LINK_REACH.time(|| model.blocking_chains(&mut facts));
    trace::LINK_GUARDS.time(|| model.escaped_guards(&mut facts));
    trace::LINK_RUNTIMES.time(|| {
        if let [only] = crates {
            model.mixed_runtimes(only.info, &mut facts);
        } else {
            // Each crate's own model, on the worker threads; facts in crate order.
            let found: Vec<Vec<Fact>> = crates
                .par_iter()
                .with_min_len(split.min_len())
                .map(|krate| {
                    let mut found = Vec::new();
                    Model::new(&[*krate], split).mixed_runtimes(krate.info, &mut found);
                    found
                })
                .collect();
            facts.extend(found.into_iter().flatten());
        }
    });
    facts
}

struct Model<'a> {
    files: Vec<&'a CrateFile>,
    /// The crates linked.
    crates: Vec<&'a CrateInfo>,
    /// Each crate's dependencies among the crates linked, by the name its code uses.
    links: Vec<HashMap<&'a str, usize>>,
    /// Each file's root and module path.
    modules: Vec<(Target, Vec<String>)>,
    nodes: Vec<Node>,
    /// (file, fn index in the file) of each node.
    origin: Vec<(usize, usize)>,
    /// Resolved callee of each call: by node, in call order.
    targets: Vec<Vec<Option<usize>>>,
    /// The closure parameters each node offloads (bits by position, `self` not counted):
    /// its own, and those it gives on to fns that offload them (`Model::offloads_through`).
    offloads: Vec<u32>,
    /// The crate of each file.
    file_crates: Vec<usize>,
}

impl<'a> Model<'a> {
    fn new(crates: &[Linked<'a>], split: Split) -> Self {
        let mut files: Vec<&'a CrateFile> = Vec::new();
        let mut file_crate = Vec::new();
        let mut modules: Vec<(Target, Vec<String>)> = Vec::new();
        for (index, krate) in crates.iter().enumerate() {
            let mut own: Vec<(Target, Vec<String>)> = krate
                .files
                .par_iter()
                .with_min_len(split.min_len())
                .map(|file| layout(krate.info.root.as_deref(), &file.path))
                .collect();
            apply_path_mods(krate.files, &mut own);
            modules.extend(own);
            files.extend(krate.files.iter());
            file_crate.extend(std::iter::repeat_n(index, krate.files.len()));
        }
        let links = crates
            .iter()
            .map(|krate| {
                krate
                    .info
                    .dependencies
                    .iter()
                    .filter_map(|(name, root)| {
                        let target = crates
                            .iter()
                            .position(|other| other.info.root.as_ref() == Some(root))?;
                        Some((name.as_str(), target))
                    })
                    .collect()
            })
            .collect();

        // Each file's fns as nodes, file by file on the worker threads, in file order.
        let per_file: Vec<Vec<Node>> = files
            .par_iter()
            .with_min_len(split.min_len())
            .enumerate()
            .map(|(file_index, file)| {
                let (root, module) = &modules[file_index];
                file.summary
                    .fns
                    .iter()
                    .map(|summary| node(summary, root, module, file_index, file_crate[file_index]))
                    .collect()
            })
            .collect();
        let mut nodes = Vec::with_capacity(per_file.iter().map(Vec::len).sum());
        let mut origin = Vec::with_capacity(nodes.capacity());
        for (file_index, file_nodes) in per_file.into_iter().enumerate() {
            origin.extend((0..file_nodes.len()).map(|fn_index| (file_index, fn_index)));
            nodes.extend(file_nodes);
        }
        let mut model = Model {
            files,
            crates: crates.iter().map(|krate| krate.info).collect(),
            links,
            modules,
            nodes,
            origin,
            targets: Vec::new(),
            offloads: Vec::new(),
            file_crates: file_crate,
        };
        model.targets = model.resolve_calls(split.min_len());
        model.offloads = model.offloads_through();
        model
    }

    /// The steps of a chain from `caller` through `callee` and `via`, as the note names
    /// them: each fn by its path in its crate, and all of them after their crate's name
    /// when the chain leaves the caller's crate (`server::routes::upload →
    /// index_scheduler::files::delete_update_file`).
    fn chain_steps(&self, caller: usize, callee: usize, via: &[usize]) -> Vec<String> {
        let fns: Vec<usize> = [caller, callee]
            .into_iter()
            .chain(via.iter().copied())
            .collect();
        let home = self.nodes[caller].krate;
        let crosses = fns.iter().any(|&n| self.nodes[n].krate != home);
        fns.iter()
            .map(|&n| {
                let node = &self.nodes[n];
                match &self.crates[node.krate].name {
                    Some(name) if crosses => format!("{name}::{}", node.display),
                    _ => node.display.clone(),
                }
            })
            .collect()
    }

    /// Every resolved call: (caller, the call's index among the caller's, the call, callee).
    fn edges_indexed(
        &self,
    ) -> impl Iterator<Item = (usize, usize, &super::summary::Call, usize)> + '_ {
        (0..self.nodes.len()).flat_map(move |caller| {
            self.summary(caller)
                .calls
                .iter()
                .zip(&self.targets[caller])
                .enumerate()
                .filter_map(move |(index, (call, target))| {
                    target.map(|callee| (caller, index, call, callee))
                })
        })
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

/// The node of a fn of the file at `root` and `module`. Free fns are keyed and named by
/// module path (`config::load`), methods by type (`Store::flush`): a call
/// `crate::Store::flush` finds either.
fn node(
    summary: &super::summary::FnSummary,
    root: &Target,
    module: &[String],
    file: usize,
    krate: usize,
) -> Node {
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
    Node {
        file,
        krate,
        root: root.clone(),
        path,
        display,
        is_async: summary.is_async,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn krate(root: &str, name: &str, deps: &[(&str, &str)]) -> CrateInfo {
        CrateInfo {
            root: Some(PathBuf::from(root)),
            name: Some(name.to_string()),
            dependencies: deps
                .iter()
                .map(|(name, root)| (name.to_string(), PathBuf::from(root)))
                .collect(),
            ..CrateInfo::default()
        }
    }

    fn file(path: &str, text: &str) -> CrateFile {
        CrateFile {
            path: PathBuf::from(path),
            summary: crate::analysis::summarize(path, text, &Settings::default()),
        }
    }

    fn chains(facts: &[Fact]) -> Vec<String> {
        facts
            .iter()
            .filter_map(|fact| match fact {
                Fact::Chain(chain) => {
                    Some(format!("{}: {}", chain.written, chain.steps.join(" → ")))
                }
                _ => None,
            })
            .collect()
    }

    /// A call into a linked crate resolves under the name the caller uses, a method on its
    /// type by the receiver's type, and the chain names each step after its crate; a
    /// method found by a name unique in a crate never resolves into another crate.
    #[test]
    fn crates_linked_as_one_model() {
        let app = krate("/w/app", "app", &[("dep", "/w/dep-core")]);
        let dep = krate("/w/dep-core", "dep_core", &[]);
        let app_files = [file(
            "/w/app/src/lib.rs",
            "pub async fn handler(s: &dep::Store) {\n\
                 dep::nap();\n\
                 s.flush_all();\n\
                 let other = dep::Store::open();\n\
                 other.flush_all();\n\
                 let (a, b) = pair();\n\
                 a.sync_everything();\n\
                 b.sync_here();\n\
             }\n\
             struct Local;\n\
             impl Local {\n\
                 fn sync_here(&self) { std::fs::write(\"z\", b\"\").unwrap(); }\n\
             }\n",
        )];
        let dep_files = [
            file(
                "/w/dep-core/src/lib.rs",
                "pub mod store;\npub use store::Store;\n\
                 pub fn nap() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n",
            ),
            file(
                "/w/dep-core/src/store.rs",
                "pub struct Store;\n\
                 impl Store {\n\
                     pub fn open() -> Store { Store }\n\
                     pub fn flush_all(&self) { std::fs::write(\"x\", b\"\").unwrap(); }\n\
                     pub fn sync_everything(&self) { std::fs::write(\"y\", b\"\").unwrap(); }\n\
                 }\n",
            ),
        ];
        let facts = link_crates(&[
            Linked {
                info: &app,
                files: &app_files,
            },
            Linked {
                info: &dep,
                files: &dep_files,
            },
        ]);
        assert_eq!(
            chains(&facts),
            [
                "dep::nap: app::handler → dep_core::nap → std::thread::sleep",
                "flush_all: app::handler → dep_core::Store::flush_all → std::fs::write",
                "flush_all: app::handler → dep_core::Store::flush_all → std::fs::write",
                "sync_here: handler → Local::sync_here → std::fs::write",
            ]
        );
        // The crate alone: nothing crosses.
        assert_eq!(
            chains(&link(&app_files, &app)),
            ["sync_here: handler → Local::sync_here → std::fs::write"]
        );
    }
}
