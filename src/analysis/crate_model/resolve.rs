//! Resolving calls to the crate's fns: a path by its absolute module path, a method by the
//! receiver's type when the source shows it, else by a name only one fn of the crate has
//! (never a name too common on std types to mean the crate's own).

use crate::analysis::known_paths;
use std::collections::HashMap;

use super::layout::Target;
use super::{CrateInfo, Model};
use crate::analysis::summary::{CallTarget, FnKey, ItemPath, PathRoot};

/// Is `name` too common a method name to take a call on an unknown receiver for the
/// crate's own method?
pub(super) fn is_common_method(name: &str) -> bool {
    known_paths::COMMON_METHODS.contains(&name)
}

/// The crate's fns, by (root, `::`-joined path), by (root, name) for free fns and for
/// methods.
#[derive(Default)]
struct Maps<'a> {
    by_id: HashMap<(&'a Target, &'a str), Vec<usize>>,
    by_name: HashMap<(Target, String), Vec<usize>>,
    methods: HashMap<(Target, String), Vec<usize>>,
}

impl Model<'_> {
    pub(super) fn resolve_calls(&self, krate: &CrateInfo) -> Vec<Vec<Option<usize>>> {
        let mut pick_maps = Maps::default();
        for (index, node) in self.nodes.iter().enumerate() {
            pick_maps
                .by_id
                .entry((&node.root, node.path.as_str()))
                .or_default()
                .push(index);
            let key = &self.summary(index).key;
            let slot = (node.root.clone(), key.name().to_string());
            if matches!(key, FnKey::Free { .. }) {
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
                let shared_root = own_root.shared();
                let roots: Vec<&Target> = std::iter::once(own_root)
                    .chain(shared_root.as_ref())
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
        root: &Target,
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
            CallTarget::Path(path) => {
                let (root, segments) =
                    absolute_segments(path, root, module, krate.name.as_deref())?;
                if let Some(found) = pick(by_id.get(&(&root, segments.join("::").as_str()))) {
                    return Some(found);
                }
                let name = segments.last()?.as_str();
                if let [.., ty, _] = segments.as_slice()
                    && ty.starts_with(char::is_uppercase)
                {
                    let on_type = format!("{ty}::{name}");
                    return unique(by_id.get(&(&root, on_type.as_str())));
                }
                pick(by_name.get(&(root, name.to_string())))
            }
            CallTarget::Method { ty: Some(ty), name } => {
                let on_type = format!("{ty}::{name}");
                unique(by_id.get(&(root, on_type.as_str())))
                    .or_else(|| unique(methods.get(&(root.clone(), name.clone()))))
            }
            CallTarget::Method { ty: None, name } => {
                if known_paths::COMMON_METHODS.contains(&name.as_str()) {
                    return None;
                }
                unique(methods.get(&(root.clone(), name.clone())))
            }
        }
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
}
