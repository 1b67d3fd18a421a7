//! Use-resolution: what a path written in the source refers to.
//!
//! Each module and block is a frame holding the names it binds (`use` items and local item
//! definitions) and its glob imports. A path resolves through its first segment: a local
//! item (a `mod fs`, a `fn read`) shadows any crate; a `use` binding is followed; anything
//! else with more than one segment is an extern crate path (`std::fs::read`).

use std::collections::HashMap;

use syn::{Item, UseTree};

use super::known_paths;

/// What a name is bound to in one frame.
#[derive(Clone, Debug)]
enum Binding {
    /// `use a::b::c` (or `as` alias): the path as written, resolved on lookup.
    Use(Vec<String>),
    /// An item defined in this crate: it shadows every extern path.
    Local,
}

#[derive(Clone, Debug)]
enum Glob {
    /// `use std::fs::*`.
    Path(Vec<String>),
    /// `use super::*`: every name of the enclosing module frame.
    Super,
}

#[derive(Debug, Default)]
struct Frame {
    module: bool,
    names: HashMap<String, Binding>,
    globs: Vec<Glob>,
}

/// The resolver's stack of frames, innermost last.
#[derive(Debug, Default)]
pub(crate) struct Imports {
    frames: Vec<Frame>,
}

/// A path's meaning: an absolute extern path (`std::fs::read`) or something of this
/// crate (never matched against the tables of known extern paths).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    Extern(String),
    Local(String),
}

impl Resolved {
    pub(crate) fn as_extern(&self) -> Option<&str> {
        match self {
            Resolved::Extern(path) => Some(path),
            Resolved::Local(_) => None,
        }
    }

    /// The canonical text of the path, `local::` for crate paths.
    pub(crate) fn text(&self) -> &str {
        match self {
            Resolved::Extern(path) | Resolved::Local(path) => path,
        }
    }
}

const MAX_HOPS: usize = 8;

impl Imports {
    /// Enters a module: a frame that hides the names of the frames outside it.
    pub(crate) fn push_module(&mut self, items: &[Item]) {
        let mut frame = Frame {
            module: true,
            ..Frame::default()
        };
        collect_items(&mut frame, items);
        self.frames.push(frame);
    }

    /// Enters a block: its items and `use`s add to the names visible from outside it.
    pub(crate) fn push_block<'a>(&mut self, items: impl Iterator<Item = &'a Item>) {
        let mut frame = Frame::default();
        let items: Vec<&Item> = items.collect();
        if items.is_empty() {
            self.frames.push(frame);
            return;
        }
        for item in items {
            collect_item(&mut frame, item);
        }
        self.frames.push(frame);
    }

    pub(crate) fn pop(&mut self) {
        self.frames.pop();
    }

    /// Resolves a path given as its segments' names. `leading_colon` is `::std::fs`.
    pub(crate) fn resolve(&self, segments: &[String], leading_colon: bool) -> Resolved {
        self.resolve_in(self.frames.len(), segments, leading_colon, 0)
    }

    pub(crate) fn resolve_path(&self, path: &syn::Path) -> Resolved {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.resolve(&segments, path.leading_colon.is_some())
    }

    /// Resolves with only the frames below `top` visible (`top` is an exclusive index).
    fn resolve_in(
        &self,
        top: usize,
        segments: &[String],
        leading_colon: bool,
        hops: usize,
    ) -> Resolved {
        let Some((first, rest)) = segments.split_first() else {
            return Resolved::Local(String::new());
        };
        if leading_colon {
            return Resolved::Extern(segments.join("::"));
        }
        match first.as_str() {
            "::" => return Resolved::Extern(rest.join("::")),
            "crate" | "self" | "Self" => return Resolved::Local(local_text(segments)),
            "super" => {
                // `super::x` inside an inline module: look `x` up in the enclosing module.
                if let Some(parent_top) = self.enclosing_module_top(top)
                    && !rest.is_empty()
                {
                    return self.resolve_in(parent_top, rest, false, hops + 1);
                }
                return Resolved::Local(local_text(segments));
            }
            _ => {}
        }
        if hops < MAX_HOPS
            && let Some(found) = self.lookup(top, first, hops)
        {
            return match found {
                Resolved::Extern(base) if rest.is_empty() => Resolved::Extern(base),
                Resolved::Extern(base) => Resolved::Extern(format!("{base}::{}", rest.join("::"))),
                Resolved::Local(_) => Resolved::Local(local_text(segments)),
            };
        }
        if segments.len() == 1 {
            // An unbound single name: the prelude, or an item we cannot see.
            return match known_paths::prelude(first) {
                Some(path) => Resolved::Extern(path.to_string()),
                None => Resolved::Local(local_text(segments)),
            };
        }
        Resolved::Extern(segments.join("::"))
    }

    /// The exclusive top index of the module frame enclosing the module that `top` is in.
    /// The frames below the result are what the parent module sees.
    fn enclosing_module_top(&self, top: usize) -> Option<usize> {
        let current = self.frames[..top].iter().rposition(|f| f.module)?;
        self.frames[..current]
            .iter()
            .any(|f| f.module)
            .then_some(current)
    }

    /// Looks `name` up in the frames below `top`, up to and including the nearest module.
    fn lookup(&self, top: usize, name: &str, hops: usize) -> Option<Resolved> {
        let frames = &self.frames[..top];
        let module_start = frames.iter().rposition(|f| f.module).unwrap_or(0);
        for index in (module_start..frames.len()).rev() {
            if let Some(binding) = frames[index].names.get(name) {
                return Some(match binding {
                    Binding::Local => Resolved::Local(format!("local::{name}")),
                    Binding::Use(path) => {
                        // Resolve the `use` path from the frame that declared it, minus
                        // its own binding when the path starts with the same name
                        // (`use fs::read;` after `use std::fs;`).
                        let self_ref = path.first().is_some_and(|f| f == name);
                        let from = if self_ref { index } else { index + 1 };
                        self.resolve_use(from, path, hops + 1)
                    }
                });
            }
        }
        for index in (module_start..frames.len()).rev() {
            for glob in &frames[index].globs {
                match glob {
                    Glob::Path(prefix) => {
                        let prefix = self.resolve_use(index + 1, prefix, hops + 1);
                        if let Resolved::Extern(prefix) = prefix {
                            let candidate = format!("{prefix}::{name}");
                            if known_paths::is_known(&candidate) {
                                return Some(Resolved::Extern(candidate));
                            }
                        }
                    }
                    Glob::Super => {
                        if let Some(parent_top) = self.enclosing_module_top(module_start + 1)
                            && hops < MAX_HOPS
                            && let Some(found) = self.lookup(parent_top, name, hops + 1)
                        {
                            return Some(found);
                        }
                    }
                }
            }
        }
        None
    }

    /// Resolves a `use` path seen from the frames below `top`.
    fn resolve_use(&self, top: usize, path: &[String], hops: usize) -> Resolved {
        if hops >= MAX_HOPS {
            return Resolved::Local(local_text(path));
        }
        if path.len() == 1 && !matches!(path[0].as_str(), "crate" | "self" | "super") {
            // `use tokio;` / `use std::fs::{self}` collapsed to a crate name.
            if let Some(found) = self.lookup_excluding_self(top, &path[0], hops) {
                return found;
            }
            return Resolved::Extern(path[0].clone());
        }
        self.resolve_in(top, path, false, hops)
    }

    fn lookup_excluding_self(&self, top: usize, name: &str, hops: usize) -> Option<Resolved> {
        if hops >= MAX_HOPS {
            return None;
        }
        self.lookup(top, name, hops)
    }

    /// Does any visible frame import the trait or item at `path` (`pollster::FutureExt`)?
    pub(crate) fn imports(&self, path: &str) -> bool {
        self.frames.iter().any(|frame| {
            frame
                .names
                .values()
                .any(|b| matches!(b, Binding::Use(p) if p.join("::") == path))
                || frame
                    .globs
                    .iter()
                    .any(|g| matches!(g, Glob::Path(p) if path.starts_with(&p.join("::"))))
        })
    }
}

fn local_text(segments: &[String]) -> String {
    format!("local::{}", segments.join("::"))
}

fn collect_items(frame: &mut Frame, items: &[Item]) {
    for item in items {
        collect_item(frame, item);
    }
}

fn collect_item(frame: &mut Frame, item: &Item) {
    let ident = match item {
        Item::Use(item) => {
            let absolute = item.leading_colon.is_some();
            collect_use(frame, &item.tree, &mut Vec::new(), absolute);
            return;
        }
        Item::Fn(item) => &item.sig.ident,
        Item::Struct(item) => &item.ident,
        Item::Enum(item) => &item.ident,
        Item::Union(item) => &item.ident,
        Item::Trait(item) => &item.ident,
        Item::TraitAlias(item) => &item.ident,
        Item::Type(item) => &item.ident,
        Item::Mod(item) => &item.ident,
        Item::Const(item) => &item.ident,
        Item::Static(item) => &item.ident,
        Item::ExternCrate(item) => {
            // `extern crate foo as bar;` binds `bar` to the crate `foo`.
            if let Some((_, rename)) = &item.rename {
                frame.names.insert(
                    rename.to_string(),
                    Binding::Use(vec![item.ident.to_string()]),
                );
            }
            return;
        }
        Item::Macro(item) => match &item.ident {
            Some(ident) => ident,
            None => return,
        },
        _ => return,
    };
    frame.names.insert(ident.to_string(), Binding::Local);
}

fn collect_use(frame: &mut Frame, tree: &UseTree, prefix: &mut Vec<String>, absolute: bool) {
    match tree {
        UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            collect_use(frame, &path.tree, prefix, absolute);
            prefix.pop();
        }
        UseTree::Name(name) => {
            let ident = name.ident.to_string();
            if ident == "self" {
                if let Some(last) = prefix.last() {
                    let target = use_target(prefix, absolute);
                    frame.names.insert(last.clone(), Binding::Use(target));
                }
            } else {
                let mut target = prefix.clone();
                target.push(ident.clone());
                frame
                    .names
                    .insert(ident, Binding::Use(use_target(&target, absolute)));
            }
        }
        UseTree::Rename(rename) => {
            let alias = rename.rename.to_string();
            if alias == "_" {
                return; // `use Trait as _;` binds no name.
            }
            let mut target = prefix.clone();
            if rename.ident != "self" {
                target.push(rename.ident.to_string());
            }
            frame
                .names
                .insert(alias, Binding::Use(use_target(&target, absolute)));
        }
        UseTree::Glob(_) => {
            if prefix.len() == 1 && prefix[0] == "super" {
                frame.globs.push(Glob::Super);
            } else if !prefix.is_empty() {
                frame.globs.push(Glob::Path(use_target(prefix, absolute)));
            }
        }
        UseTree::Group(group) => {
            for tree in &group.items {
                collect_use(frame, tree, prefix, absolute);
            }
        }
    }
}

/// `use ::std::fs` is written with a marker so resolution treats it as absolute.
fn use_target(path: &[String], absolute: bool) -> Vec<String> {
    if absolute {
        let mut out = vec![String::from("::")];
        out.extend_from_slice(path);
        out
    } else {
        path.to_vec()
    }
}
