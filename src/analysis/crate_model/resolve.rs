//! Resolving calls to the crate's fns: a path by its absolute module path, a method by the
//! receiver's type when the source shows it, else by a name only one fn of the crate has
//! (never a name too common on std types to mean the crate's own). Either way the call
//! must fit the fn: as many arguments as it has parameters; and a method found by its
//! name alone is not taken for an awaited call unless it is async (a sync fn returns no
//! future), nor when it implements another crate's trait (the receiver is not shown to
//! be its type).

use crate::analysis::known_paths;
use foldhash::HashMap;

use rayon::prelude::*;

use super::Model;
use super::layout::Target;
use crate::analysis::summary::{Call, CallTarget, FnKey, FnSummary, ItemPath, PathRoot};

/// Is `name` too common a method name to take a call on an unknown receiver for the
/// crate's own method?
pub(super) fn is_common_method(name: &str) -> bool {
    known_paths::COMMON_METHODS.contains(&name)
}

/// The fns of the crates linked, by (crate, root, `::`-joined path), by (crate, root,
/// name) for free fns and for methods.
#[derive(Default)]
struct Maps<'a> {
    by_id: HashMap<(usize, &'a Target, &'a str), Vec<usize>>,
    by_name: HashMap<(usize, Target, String), Vec<usize>>,
    methods: HashMap<(usize, Target, String), Vec<usize>>,
}

/// How a call found its fn: by the fn's path or the receiver's type, or by its name alone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Found {
    Exact,
    ByName,
}

/// Can `call` be a call of `callee`, found so? The arguments match its parameters (a
/// method call's receiver is its `self`). A method found by its name alone is not taken
/// for an awaited call unless it is async (a sync method returns no future, in practice),
/// nor when it implements another crate's trait (every type implementing `io::Read` has
/// a `read_exact`, a database driver's connection a `describe`): the receiver is not shown
/// to be its type. A method of the crate's own trait is (a `dyn Trait` receiver, a type
/// parameter bound by it: the crate's one impl is the one called). A path found by its
/// name (`crate::spawn` re-exported) names the crate's item: an awaited sync fn there
/// returns a future (`Task<T>`).
fn fits(call: &Call, callee: &FnSummary, found: Found) -> bool {
    let foreign_trait = |of_trait: &ItemPath| of_trait.root == PathRoot::Extern;
    match call.target {
        CallTarget::Method { .. } => {
            callee.has_self
                && call.args == callee.params
                && (found == Found::Exact
                    || (!callee.of_trait.as_deref().is_some_and(foreign_trait)
                        && (callee.is_async || !call.awaited)))
        }
        CallTarget::Path(_) => {
            u16::from(call.args) == u16::from(callee.params) + u16::from(callee.has_self)
        }
    }
}

/// Where a call is made: the caller's crate, target root, module and file.
struct Site<'s> {
    krate: usize,
    root: &'s Target,
    module: &'s [String],
    file: usize,
}

impl Model<'_> {
    /// `min_len`: the fewest callers a piece of parallel work takes.
    pub(super) fn resolve_calls(&self, min_len: usize) -> Vec<Vec<Option<usize>>> {
        let mut pick_maps = Maps::default();
        for (index, node) in self.nodes.iter().enumerate() {
            pick_maps
                .by_id
                .entry((node.krate, &node.root, node.path.as_str()))
                .or_default()
                .push(index);
            let key = &self.summary(index).key;
            let slot = (node.krate, node.root.clone(), key.name().to_string());
            if matches!(key, FnKey::Free { .. }) {
                pick_maps.by_name.entry(slot).or_default().push(index);
            } else {
                pick_maps.methods.entry(slot).or_default().push(index);
            }
        }
        // Each caller's calls on their own, on the worker threads.
        (0..self.nodes.len())
            .into_par_iter()
            .with_min_len(min_len)
            .map(|caller| {
                let node = &self.nodes[caller];
                let (own_root, module) = &self.modules[node.file];
                // A test, example or bench file also sees the modules of its folder.
                let shared_root = own_root.shared();
                let roots: Vec<&Target> = std::iter::once(own_root)
                    .chain(shared_root.as_ref())
                    .collect();
                self.summary(caller)
                    .calls
                    .iter()
                    .map(|call| {
                        roots.iter().find_map(|root| {
                            let site = Site {
                                krate: node.krate,
                                root,
                                module,
                                file: node.file,
                            };
                            let (callee, found) =
                                self.resolve_call(&call.target, &site, &pick_maps)?;
                            fits(call, self.summary(callee), found).then_some(callee)
                        })
                    })
                    .collect()
            })
            .collect()
    }

    /// The crate a crate's code names `name`: itself under its own name, or a dependency
    /// linked with it.
    fn crate_named(&self, krate: usize, name: &str) -> Option<usize> {
        if self.crates[krate].name.as_deref() == Some(name) {
            return Some(krate);
        }
        self.links[krate].get(name).copied()
    }

    /// A path as resolved in a file at `site`, made absolute: (crate, root, segments).
    fn absolute(&self, path: &ItemPath, site: &Site<'_>) -> Option<(usize, Target, Vec<String>)> {
        if path.root == PathRoot::Extern {
            let mut segments = path.segments();
            let krate = self.crate_named(site.krate, segments.next()?)?;
            return Some((krate, Target::Lib, segments.map(String::from).collect()));
        }
        let (root, segments) = absolute_segments(path, site.root, site.module, None)?;
        Some((site.krate, root, segments))
    }

    fn resolve_call(
        &self,
        target: &CallTarget,
        site: &Site<'_>,
        maps: &Maps<'_>,
    ) -> Option<(usize, Found)> {
        // A free fn's name several files define: the caller's own file's wins.
        let pick = |candidates: Option<&Vec<usize>>| -> Option<usize> {
            let candidates = candidates?;
            match candidates.as_slice() {
                [one] => Some(*one),
                many => {
                    let mut same_file = many.iter().filter(|&&n| self.nodes[n].file == site.file);
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
        let own = site.krate;
        match target {
            CallTarget::Path(path) => {
                let (krate, root, segments) = self.absolute(path, site)?;
                if let Some(found) = pick(by_id.get(&(krate, &root, segments.join("::").as_str())))
                {
                    return Some((found, Found::Exact));
                }
                let name = segments.last()?.as_str();
                if let [.., ty, _] = segments.as_slice()
                    && ty.starts_with(char::is_uppercase)
                {
                    let on_type = format!("{ty}::{name}");
                    let candidates = by_id.get(&(krate, &root, on_type.as_str()))?;
                    let found = match candidates.as_slice() {
                        [one] => *one,
                        // Two types of one name: the one whose file is the module the path
                        // names (`Upstream::new` in `Upstream`'s own module, `a::Upstream::new`).
                        many => {
                            let module = &segments[..segments.len() - 2];
                            let mut there = many
                                .iter()
                                .filter(|&&n| self.modules[self.nodes[n].file].1 == module);
                            match (there.next(), there.next()) {
                                (Some(&one), None) => one,
                                _ => return None,
                            }
                        }
                    };
                    return Some((found, Found::Exact));
                }
                let found = pick(by_name.get(&(krate, root, name.to_string())))?;
                Some((found, Found::ByName))
            }
            CallTarget::Method { ty: Some(ty), name } => match CallTarget::receiver(ty) {
                // A type of another crate (or of this package's lib): its methods there, or
                // in a crate it re-exports the type from.
                (Some(named), ty) => {
                    let on_type = format!("{ty}::{name}");
                    let start = self.crate_named(own, named)?;
                    let found = self.reachable_from(start).into_iter().find_map(|krate| {
                        unique(by_id.get(&(krate, &Target::Lib, on_type.as_str())))
                    })?;
                    Some((found, Found::Exact))
                }
                (None, ty) => {
                    let on_type = format!("{ty}::{name}");
                    match unique(by_id.get(&(own, site.root, on_type.as_str()))) {
                        Some(found) => Some((found, Found::Exact)),
                        None => unique(methods.get(&(own, site.root.clone(), name.to_string())))
                            .map(|found| (found, Found::ByName)),
                    }
                }
            },
            CallTarget::Method { ty: None, name } => {
                if known_paths::COMMON_METHODS.contains(&&**name) {
                    return None;
                }
                let found = unique(methods.get(&(own, site.root.clone(), name.to_string())))?;
                Some((found, Found::ByName))
            }
        }
    }

    /// `start` and the crates it depends on, nearest first (each once).
    fn reachable_from(&self, start: usize) -> Vec<usize> {
        let mut order = vec![start];
        let mut next = 0;
        while let Some(&krate) = order.get(next) {
            next += 1;
            let mut deps: Vec<usize> = self.links[krate].values().copied().collect();
            deps.sort_unstable();
            for dep in deps {
                if !order.contains(&dep) {
                    order.push(dep);
                }
            }
        }
        order
    }
}

/// A path as resolved in a file at `module` of `root`, made absolute within the crate:
/// (root, module segments + name). `None` for another crate's path, or a `Self::` one.
pub(super) fn absolute_segments(
    path: &ItemPath,
    root: &Target,
    module: &[String],
    crate_name: Option<&str>,
) -> Option<(Target, Vec<String>)> {
    let within = |base: &[String]| {
        let segments = path.segments().map(String::from);
        base.iter().cloned().chain(segments).collect()
    };
    match &path.root {
        PathRoot::SelfMod => Some((root.clone(), within(module))),
        PathRoot::Crate | PathRoot::Unresolved => Some((root.clone(), within(&[]))),
        PathRoot::SelfType => None,
        PathRoot::Super(count) => {
            let keep = module.len().checked_sub(*count)?;
            Some((root.clone(), within(&module[..keep])))
        }
        PathRoot::Extern => {
            let mut segments = path.segments();
            let named = segments.next();
            (crate_name.is_some() && named == crate_name)
                .then(|| (Target::Lib, segments.map(String::from).collect()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_absolute() {
        let module = vec!["a".to_string(), "b".to_string()];
        let abs = |root: PathRoot, segments: &[&str]| {
            let path = ItemPath::new(root, &segments.join("::"));
            absolute_segments(&path, &Target::Lib, &module, Some("app")).map(|(_, s)| s.join("::"))
        };
        assert_eq!(abs(PathRoot::SelfMod, &["f"]).as_deref(), Some("a::b::f"));
        assert_eq!(abs(PathRoot::Crate, &["x", "f"]).as_deref(), Some("x::f"));
        assert_eq!(abs(PathRoot::Super(1), &["f"]).as_deref(), Some("a::f"));
        assert_eq!(abs(PathRoot::Super(3), &["f"]), None);
        let app = abs(PathRoot::Extern, &["app", "x", "f"]);
        assert_eq!(app.as_deref(), Some("x::f"));
        assert_eq!(abs(PathRoot::Extern, &["tokio", "spawn"]), None);
        assert_eq!(abs(PathRoot::SelfMod, &[]).as_deref(), Some("a::b"));
        assert_eq!(abs(PathRoot::SelfType, &["Self", "f"]), None);
    }

    /// The prefixes use-resolution writes become roots, and only those: a crate whose
    /// name starts with `super` is a crate.
    #[test]
    fn resolved_paths_are_typed() {
        use crate::analysis::imports::Resolved;
        let local = |text: &str| Resolved::Local(text.to_string()).item_path();
        let root = |text: &str| local(text).root;
        assert_eq!(root("self::a::f"), PathRoot::SelfMod);
        assert_eq!(root("crate::x::f"), PathRoot::Crate);
        assert_eq!(root("super2::f"), PathRoot::Super(2));
        assert_eq!(root("?::f"), PathRoot::Unresolved);
        assert_eq!(root("local::Self::f"), PathRoot::SelfType);
        let path = Resolved::Extern("superagent::x::f".to_string()).item_path();
        assert_eq!(path.root, PathRoot::Extern);
        assert_eq!(
            path.segments().collect::<Vec<_>>(),
            ["superagent", "x", "f"]
        );
        assert_eq!(local("self").segments().count(), 0);
        assert_eq!(
            local("crate::x::f").segments().collect::<Vec<_>>(),
            ["x", "f"]
        );
    }

    /// The calls `text`, one file of a crate, reports as chains, as written.
    fn chains(text: &str) -> Vec<String> {
        use crate::analysis::facts::Fact;
        use crate::settings::Settings;
        let path = "/c/src/lib.rs";
        let file = super::super::CrateFile {
            path: std::path::PathBuf::from(path),
            summary: crate::analysis::summarize(path, text, &Settings::default()),
        };
        super::super::link(&[file], &super::super::CrateInfo::default())
            .iter()
            .filter_map(|fact| match fact {
                Fact::Chain(chain) => Some(chain.written.clone()),
                _ => None,
            })
            .collect()
    }

    const CATALOG: &str = "pub struct Catalog;\n\
        impl Catalog {\n\
            pub fn describe(&self, q: &str) -> usize { std::fs::read(q).unwrap().len() }\n\
            pub async fn fetch(&self, q: &str) -> usize { q.len() }\n\
            pub fn build(q: &str) -> Catalog { std::fs::read(q).unwrap(); Catalog }\n\
        }\n\
        pub trait Export { fn export(&self, p: &str); }\n\
        impl Export for Catalog {\n\
            fn export(&self, p: &str) { std::fs::write(p, \"\").unwrap(); }\n\
        }\n\
        impl std::fmt::Write for Catalog {\n\
            fn write_str(&mut self, s: &str) -> std::fmt::Result {\n\
                std::fs::write(s, s).unwrap(); Ok(())\n\
            }\n\
        }\n\
        pub fn load(q: &str) -> usize { std::fs::read(q).unwrap().len() }\n";

    /// A method found by its name alone: an awaited call is not a sync fn's, a call with
    /// another number of arguments is not the fn's, a trait impl's method is not taken for
    /// a call on a receiver of unknown type when it implements another crate's trait; the
    /// same calls that fit are followed.
    #[test]
    fn a_call_found_by_name_must_fit_the_fn() {
        let calls = |body: &str| {
            let text =
                format!("{CATALOG}pub async fn h(x: &impl Sized, c: &Catalog) {{\n{body}\n}}\n");
            chains(&text)
        };
        assert_eq!(calls("x.describe(\"q\");"), ["describe"]);
        assert!(calls("x.describe(\"q\").await;").is_empty());
        assert!(calls("x.describe();").is_empty());
        assert!(calls("x.describe(\"q\", 1);").is_empty());
        // An awaited call may be an async fn's (which blocks nothing here).
        assert!(calls("x.fetch(\"q\").await;").is_empty());
        // An associated fn without `self` is no method.
        assert!(calls("x.build(\"q\");").is_empty());
        // A method of another crate's trait is any implementor's; of the crate's own
        // trait, its one impl's.
        assert!(calls("x.write_str(\"p\");").is_empty());
        assert_eq!(calls("x.export(\"p\");"), ["export"]);
        // On a receiver shown to be a `Catalog`, the trait impl's method is its own.
        assert_eq!(calls("c.write_str(\"p\");"), ["write_str"]);
        assert!(calls("c.write_str();").is_empty());
    }

    /// A path call fits the fn's parameters (`self` counted when the path names a method);
    /// an awaited call found by its path is the fn's (it must return a future).
    #[test]
    fn a_path_call_must_fit_the_fn() {
        let calls = |body: &str| {
            let text = format!("{CATALOG}pub async fn h() {{\n{body}\n}}\n");
            chains(&text)
        };
        assert_eq!(calls("load(\"q\");"), ["load"]);
        assert!(calls("load();").is_empty());
        assert_eq!(calls("Catalog::build(\"q\");"), ["Catalog::build"]);
        assert_eq!(
            calls("Catalog::describe(&Catalog, \"q\");"),
            ["Catalog::describe"]
        );
        assert!(calls("Catalog::describe(\"q\");").is_empty());
    }

    /// `crate::spawn` re-exported from a module is found by its name; awaited, it is
    /// still the crate's sync fn (which returns a future, and blocks before it does).
    #[test]
    fn an_awaited_path_found_by_name_is_the_crates_fn() {
        let text = "mod executor {\n\
                pub struct Task;\n\
                impl std::future::Future for Task {\n\
                    type Output = ();\n\
                    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>)\n\
                        -> std::task::Poll<()> { std::task::Poll::Ready(()) }\n\
                }\n\
                pub fn spawn(n: u32) -> Task {\n\
                    std::thread::sleep(std::time::Duration::from_millis(n.into())); Task\n\
                }\n\
            }\n\
            pub use executor::*;\n\
            pub async fn h() { crate::spawn(1).await; }\n";
        assert_eq!(chains(text), ["crate::spawn"]);
    }
}
