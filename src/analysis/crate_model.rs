//! The crate model: what no single file shows. Built from per-file summaries (never from
//! syntax trees), it resolves calls across modules, finds sync fns that block through
//! any chain of calls (SPEC §3), and finds the runtime that drives each fn (SPEC §2,
//! `mixed_runtimes`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use super::facts::{Chain, ChainRoot, Fact, RuntimeMix};
use super::summary::{CallTarget, FileSummary, Op, Runtime};
use crate::rules::Rule;

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

/// Method names so common on std and library types that a call on a receiver of unknown
/// type is never taken to be the crate's own method of that name.
const COMMON_METHODS: &[&str] = &[
    "new",
    "default",
    "clone",
    "len",
    "is_empty",
    "push",
    "pop",
    "get",
    "get_mut",
    "insert",
    "remove",
    "contains",
    "contains_key",
    "iter",
    "iter_mut",
    "into_iter",
    "map",
    "filter",
    "collect",
    "unwrap",
    "expect",
    "next",
    "send",
    "recv",
    "try_recv",
    "try_send",
    "recv_timeout",
    "send_timeout",
    "read",
    "write",
    "flush",
    "close",
    "shutdown",
    "lock",
    "try_lock",
    "join",
    "spawn",
    "run",
    "start",
    "stop",
    "call",
    "poll",
    "from",
    "into",
    "as_ref",
    "as_mut",
    "to_string",
    "to_owned",
    "as_str",
    "as_bytes",
    "as_slice",
    "to_vec",
    "parse",
    "extend",
    "clear",
    "take",
    "replace",
    "swap",
    "load",
    "store",
    "open",
    "update",
    "build",
    "finish",
    "handle",
    "process",
    "apply",
    "execute",
    "query",
    "fetch",
    "connect",
    "accept",
    "bind",
    "listen",
    "wait",
    "notify",
    "notify_one",
    "notify_all",
    "reset",
    "init",
    "set",
    "with",
    "borrow",
    "borrow_mut",
    "first",
    "last",
    "keys",
    "values",
    "entry",
    "drain",
    "sort",
    "split",
    "trim",
    "format",
    "fmt",
    "eq",
    "cmp",
    "partial_cmp",
    "hash",
    "drop",
    "ok",
    "err",
    "and_then",
    "or_else",
    "map_err",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "for_each",
    "sum",
    "count",
    "read_exact",
    "write_all",
    "read_to_end",
    "read_to_string",
    "read_line",
    "lines",
    "bytes",
    "chars",
    "copied",
    "cloned",
    "rev",
    "zip",
    "enumerate",
    "skip",
    "chain",
    "flatten",
    "flat_map",
    "any",
    "all",
    "find",
    "position",
    "max",
    "min",
    "fold",
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "encode",
    "decode",
    "serialize",
    "deserialize",
    "name",
    "id",
    "kind",
    "value",
    "key",
    "data",
    "size",
    "capacity",
    "reserve",
    "resize",
    "truncate",
    "append",
    "retain",
    "peek",
    "seek",
    "tell",
    "sync_all",
    "metadata",
    "path",
    "exists",
    "create",
    "delete",
    "put",
    "post",
    "head",
    "patch",
    "request",
    "response",
    "body",
    "headers",
    "status",
    "register",
    "subscribe",
    "publish",
    "emit",
    "on",
    "tick",
    "elapsed",
    "now",
    "sleep",
];

/// Is `name` too common a method name to take a call on an unknown receiver for the
/// crate's own method?
pub fn is_common_method(name: &str) -> bool {
    COMMON_METHODS.contains(&name)
}

/// The crate's fns, by canonical id, by (root, name) for free fns and for methods.
#[derive(Default)]
struct Maps<'a> {
    by_id: HashMap<&'a str, Vec<usize>>,
    by_name: HashMap<(String, String), Vec<usize>>,
    methods: HashMap<(String, String), Vec<usize>>,
}

struct Node {
    file: usize,
    root: String,
    /// Canonical id within the crate: `root#a::b::f`.
    id: String,
    display: String,
    is_async: bool,
}

/// A blocking operation a fn reaches, and through which fns.
#[derive(Clone)]
struct Reach {
    op_file: usize,
    op: Op,
    via: Vec<usize>,
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
    modules: Vec<(String, Vec<String>)>,
    nodes: Vec<Node>,
    /// (file, fn index in the file) of each node.
    origin: Vec<(usize, usize)>,
    /// Resolved callee of each call: by node, in call order.
    targets: Vec<Vec<Option<usize>>>,
}

impl<'a> Model<'a> {
    fn new(files: &'a [CrateFile], krate: &CrateInfo) -> Self {
        let mut modules: Vec<(String, Vec<String>)> = files
            .iter()
            .map(|file| layout(krate.root.as_deref(), &file.path))
            .collect();
        apply_path_mods(files, &mut modules);

        let mut nodes = Vec::new();
        let mut origin = Vec::new();
        for (file_index, file) in files.iter().enumerate() {
            let (root, module) = &modules[file_index];
            for (fn_index, summary) in file.summary.fns.iter().enumerate() {
                let id = match summary.key.strip_prefix("self") {
                    Some(rest) => {
                        let mut segments = module.clone();
                        segments
                            .extend(rest.split("::").filter(|s| !s.is_empty()).map(String::from));
                        format!("{root}#{}", segments.join("::"))
                    }
                    None => format!("{root}#{}", summary.key),
                };
                // Free fns are named by module path (`config::load`), methods by type.
                let display = match summary.key.strip_prefix("self") {
                    Some(rest) => module
                        .iter()
                        .map(String::as_str)
                        .chain(rest.split("::"))
                        .filter(|s| !s.is_empty() && *s != super::imports::FN_SEGMENT)
                        .collect::<Vec<_>>()
                        .join("::"),
                    None => summary.display.clone(),
                };
                nodes.push(Node {
                    file: file_index,
                    root: root.clone(),
                    id,
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

    fn resolve_calls(&self, krate: &CrateInfo) -> Vec<Vec<Option<usize>>> {
        let mut pick_maps = Maps::default();
        for (index, node) in self.nodes.iter().enumerate() {
            pick_maps
                .by_id
                .entry(node.id.as_str())
                .or_default()
                .push(index);
            let key = &self.summary(index).key;
            let name = key.rsplit("::").next().unwrap_or(key).to_string();
            let slot = (node.root.clone(), name);
            if key.starts_with("self") {
                pick_maps.by_name.entry(slot).or_default().push(index);
            } else {
                pick_maps.methods.entry(slot).or_default().push(index);
            }
        }
        (0..self.nodes.len())
            .map(|caller| {
                let node = &self.nodes[caller];
                let (own_root, module) = &self.modules[node.file];
                // A test, example or bench file also sees the modules of its folder.
                let shared_root = own_root.split_once('/').map(|(dir, _)| dir.to_string());
                let roots: Vec<&str> = std::iter::once(own_root.as_str())
                    .chain(shared_root.as_deref())
                    .collect();
                self.summary(caller)
                    .calls
                    .iter()
                    .map(|call| {
                        roots.iter().find_map(|root| {
                            self.resolve_call(
                                &call.target,
                                root,
                                module,
                                node.file,
                                krate,
                                &pick_maps,
                            )
                        })
                    })
                    .collect()
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_call(
        &self,
        target: &CallTarget,
        root: &str,
        module: &[String],
        file: usize,
        krate: &CrateInfo,
        maps: &Maps<'_>,
    ) -> Option<usize> {
        // A free fn's name several files define: the caller's own file's wins.
        let pick = |candidates: Option<&Vec<usize>>| -> Option<usize> {
            let candidates = candidates?;
            match candidates.as_slice() {
                [one] => Some(*one),
                many => {
                    let mut same_file = many.iter().filter(|&&n| self.nodes[n].file == file);
                    match (same_file.next(), same_file.next()) {
                        (Some(one), None) => Some(*one),
                        _ => None,
                    }
                }
            }
        };
        // Types are known by name only: two types of one name make their methods ambiguous.
        let unique = |candidates: Option<&Vec<usize>>| -> Option<usize> {
            match candidates?.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        };
        let (by_id, by_name, methods) = (&maps.by_id, &maps.by_name, &maps.methods);
        match target {
            CallTarget::Path(text) => {
                let (root, segments) =
                    absolute_segments(text, root, module, krate.name.as_deref())?;
                let id = format!("{root}#{}", segments.join("::"));
                if let Some(found) = pick(by_id.get(id.as_str())) {
                    return Some(found);
                }
                let name = segments.last()?.as_str();
                if let [.., ty, _] = segments.as_slice()
                    && ty.starts_with(char::is_uppercase)
                {
                    let id = format!("{root}#{ty}::{name}");
                    return unique(by_id.get(id.as_str()));
                }
                pick(by_name.get(&(root.to_string(), name.to_string())))
            }
            CallTarget::Method { ty: Some(ty), name } => {
                let id = format!("{root}#{ty}::{name}");
                unique(by_id.get(id.as_str()))
                    .or_else(|| unique(methods.get(&(root.to_string(), name.clone()))))
            }
            CallTarget::Method { ty: None, name } => {
                if COMMON_METHODS.contains(&name.as_str()) {
                    return None;
                }
                unique(methods.get(&(root.to_string(), name.clone())))
            }
        }
    }

    /// SPEC §3: each sync fn's blocking operations, through any chain of sync calls,
    /// reported where async code calls it.
    fn blocking_chains(&self, facts: &mut Vec<Fact>) {
        let count = self.nodes.len();
        let mut reach: Vec<BTreeMap<Rule, Reach>> = vec![BTreeMap::new(); count];
        for (node, known) in reach.iter_mut().enumerate() {
            if self.nodes[node].is_async {
                continue;
            }
            for op in &self.summary(node).ops {
                known.entry(op.rule).or_insert_with(|| Reach {
                    op_file: self.nodes[node].file,
                    op: op.clone(),
                    via: Vec::new(),
                });
            }
        }
        // Fixed point: a chain only ever gets shorter, so this ends (recursion included).
        until_stable(count, || {
            let mut changed = false;
            for (caller, call, callee) in self.edges() {
                if self.nodes[caller].is_async
                    || call.in_async
                    || callee == caller
                    || self.nodes[callee].is_async
                {
                    continue;
                }
                let inherited: Vec<(Rule, Reach)> = reach[callee]
                    .iter()
                    .map(|(rule, r)| (*rule, r.clone()))
                    .collect();
                for (rule, found) in inherited {
                    let longer = reach[caller]
                        .get(&rule)
                        .is_some_and(|known| known.via.len() <= found.via.len() + 1);
                    if longer {
                        continue;
                    }
                    let mut via = vec![callee];
                    via.extend(found.via);
                    reach[caller].insert(rule, Reach { via, ..found });
                    changed = true;
                }
            }
            changed
        });
        for (caller, call, callee) in self.edges() {
            if !call.in_async || self.nodes[callee].is_async {
                continue;
            }
            for found in reach[callee].values() {
                facts.push(Fact::Chain(self.chain(caller, call, callee, found)));
            }
        }
    }

    fn chain(
        &self,
        caller: usize,
        call: &super::summary::Call,
        callee: usize,
        found: &Reach,
    ) -> Chain {
        let mut steps = vec![
            self.nodes[caller].display.clone(),
            self.nodes[callee].display.clone(),
        ];
        steps.extend(found.via.iter().map(|&n| self.nodes[n].display.clone()));
        steps.push(found.op.item.clone());
        Chain {
            rule: found.op.rule,
            file: self.files[self.nodes[caller].file].summary.name.clone(),
            span: call.span,
            written: call.written.clone(),
            steps,
            root: ChainRoot {
                file: self.files[found.op_file].summary.name.clone(),
                span: found.op.span,
                item: found.op.item.clone(),
                replacement: found.op.replacement.clone(),
            },
        }
    }

    /// SPEC §2 `mixed_runtimes`: APIs bound to one runtime used where another drives.
    fn mixed_runtimes(&self, krate: &CrateInfo, facts: &mut Vec<Fact>) {
        let count = self.nodes.len();
        let mut drivers: Vec<Vec<Runtime>> = vec![Vec::new(); count];
        let mut seeds: Vec<Runtime> = Vec::new();
        for (node, driving) in drivers.iter_mut().enumerate() {
            let summary = self.summary(node);
            if let Some(entry) = summary.entry {
                add(driving, entry);
                seeds.push(entry);
            }
            seeds.extend(summary.calls.iter().filter_map(|c| c.driver));
            seeds.extend(summary.uses.iter().filter_map(|u| u.driver));
        }
        // A crate that depends on one runtime and starts no other runs on that one.
        if let [only] = krate.runtimes.as_slice()
            && seeds.iter().all(|seed| seed == only)
        {
            for list in &mut drivers {
                add(list, *only);
            }
        }
        until_stable(count, || {
            let mut changed = false;
            for (caller, call, callee) in self.edges() {
                let incoming = match call.driver {
                    Some(driver) => vec![driver],
                    None => drivers[caller].clone(),
                };
                for runtime in incoming {
                    if !drivers[callee].contains(&runtime) {
                        add(&mut drivers[callee], runtime);
                        changed = true;
                    }
                }
            }
            changed
        });
        for (node, driven_by) in drivers.iter().enumerate() {
            let file = &self.files[self.nodes[node].file].summary.name;
            for api in &self.summary(node).uses {
                if api.gated {
                    continue;
                }
                let driving = match api.driver {
                    Some(driver) => vec![driver],
                    None => driven_by.clone(),
                };
                let Some(driver) = driving.into_iter().find(|d| !api.runtime.works_under(*d))
                else {
                    continue;
                };
                facts.push(Fact::RuntimeMix(RuntimeMix {
                    file: file.clone(),
                    span: api.span,
                    runtime: api.runtime,
                    item: api.item.clone(),
                    driver,
                    in_fn: self.nodes[node].display.clone(),
                }));
            }
        }
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

fn add(list: &mut Vec<Runtime>, runtime: Runtime) {
    if !list.contains(&runtime) {
        list.push(runtime);
        list.sort();
    }
}

/// A resolved in-file path made absolute within the crate: (root, module segments + name).
pub fn absolute_segments(
    text: &str,
    root: &str,
    module: &[String],
    crate_name: Option<&str>,
) -> Option<(String, Vec<String>)> {
    let mut parts = text.split("::");
    let first = parts.next()?;
    let rest: Vec<String> = parts.map(String::from).collect();
    let within = |base: &[String]| {
        let mut segments = base.to_vec();
        segments.extend(rest.iter().cloned());
        segments
    };
    match first {
        "self" => Some((root.to_string(), within(module))),
        "crate" => Some((root.to_string(), rest.clone())),
        "?" => Some((root.to_string(), rest.clone())),
        "local" => None,
        up if up.starts_with("super") => {
            let count: usize = up["super".len()..].parse().ok()?;
            let keep = module.len().checked_sub(count)?;
            Some((root.to_string(), within(&module[..keep])))
        }
        name if Some(name) == crate_name => Some((LIB_ROOT.to_string(), rest.clone())),
        _ => None,
    }
}

const LIB_ROOT: &str = "src";

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
fn apply_path_mods(files: &[CrateFile], modules: &mut [(String, Vec<String>)]) {
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

    #[test]
    fn paths_become_absolute() {
        let module = vec!["a".to_string(), "b".to_string()];
        let abs =
            |t: &str| absolute_segments(t, "src", &module, Some("app")).map(|(_, s)| s.join("::"));
        assert_eq!(abs("self::f").as_deref(), Some("a::b::f"));
        assert_eq!(abs("crate::x::f").as_deref(), Some("x::f"));
        assert_eq!(abs("super1::f").as_deref(), Some("a::f"));
        assert_eq!(abs("app::x::f").as_deref(), Some("x::f"));
        assert_eq!(abs("tokio::spawn"), None);
    }
}
