//! Use-resolution: what a path written in the source refers to.
//!
//! Each module and block is a frame holding the names it binds (`use` items and local item
//! definitions) and its glob imports, resolved once when the frame is entered. A path
//! resolves through its first segment: a local item (a `mod fs`, a `fn read`) shadows any
//! crate; a `use` binding is followed; anything else with more than one segment is an
//! extern crate path (`std::fs::read`). Every lookup is a few hash probes: nothing is
//! resolved twice, so no chain of imports can make resolution slow.

use foldhash::HashMap;
use std::fmt::Write as _;

use syn::{Item, UseTree};

use super::known_paths;
use super::summary::{ItemPath, PathRoot};

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

    /// The path typed by where it starts, for the crate model: the prefixes this module
    /// writes into local paths (`self`, `crate`, `super{n}`, `?`, `local`) become roots;
    /// any other first segment is a crate's name.
    pub(crate) fn item_path(&self) -> ItemPath {
        let text = self.text();
        let (first, rest) = super::syntax::split_path(text).unwrap_or((text, ""));
        let root = match first {
            "self" => PathRoot::SelfMod,
            "crate" => PathRoot::Crate,
            UNRESOLVED => PathRoot::Unresolved,
            "local" => PathRoot::SelfType,
            up => match up.strip_prefix("super").map(str::parse) {
                Some(Ok(count)) => PathRoot::Super(count),
                _ => return ItemPath::new(PathRoot::Extern, text),
            },
        };
        ItemPath::new(root, rest)
    }

    /// The canonical text of the path, `local::` for crate paths.
    pub(crate) fn text(&self) -> &str {
        match self {
            Resolved::Extern(path) | Resolved::Local(path) => path,
        }
    }
}

/// A name as collected from the source, before resolution.
enum RawBinding {
    /// `use a::b::c` (or an `as` alias); `absolute` for `use ::a::b`.
    Use { path: Vec<String>, absolute: bool },
    /// An item defined in this crate: it shadows every extern path.
    Local,
}

enum RawGlob {
    Path { path: Vec<String>, absolute: bool },
    Super,
}

#[derive(Clone, Debug)]
enum Glob {
    /// `use std::fs::*`, its prefix resolved.
    Extern(String),
    /// `use super::*`: every name of the enclosing module.
    Super,
}

#[derive(Debug, Default)]
struct Frame {
    /// Where this frame's items live, within the file: inline module names, and `{fn}`
    /// for items declared inside a function body.
    path: Vec<String>,
    names: HashMap<String, Resolved>,
    globs: Vec<Glob>,
}

/// The resolver's stack of frames, innermost last.
#[derive(Debug, Default)]
pub(crate) struct Imports {
    frames: Vec<Frame>,
    /// The frames that bind each name, innermost last: a lookup asks this map once, not
    /// each frame (fns nested thousands deep, each with a `use`, made lookups quadratic).
    bound: HashMap<String, Vec<usize>>,
    /// The indices of the module frames, and of the frames with globs, ascending: finding
    /// the nearest module or the visible globs is a binary search, not a walk down every
    /// frame (fns nested thousands deep made each lookup walk thousands of frames).
    modules: Vec<usize>,
    glob_frames: Vec<usize>,
}

impl Imports {
    /// Enters a module (`name` is `None` for the file itself): a frame that hides the
    /// names of the frames outside it.
    pub(crate) fn push_module(&mut self, items: &[Item], name: Option<&str>) {
        let mut path = self.current_path();
        path.extend(name.map(str::to_string));
        self.push(true, path, items.iter());
    }

    /// Enters a block: its items and `use`s add to the names visible from outside it.
    pub(crate) fn push_block<'a>(&mut self, items: impl Iterator<Item = &'a Item>) {
        let mut path = self.current_path();
        if path.last().is_none_or(|last| last != FN_SEGMENT) {
            path.push(FN_SEGMENT.to_string());
        }
        self.push(false, path, items);
    }

    pub(crate) fn current_path(&self) -> Vec<String> {
        self.frames
            .last()
            .map(|f| f.path.clone())
            .unwrap_or_default()
    }

    pub(crate) fn pop(&mut self) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let index = self.frames.len();
        if self.modules.last() == Some(&index) {
            self.modules.pop();
        }
        if self.glob_frames.last() == Some(&index) {
            self.glob_frames.pop();
        }
        for name in frame.names.keys() {
            if let Some(frames) = self.bound.get_mut(name) {
                if frames.last() == Some(&index) {
                    frames.pop();
                }
                if frames.is_empty() {
                    self.bound.remove(name);
                }
            }
        }
    }

    /// Binds `name` in frame `frame` (the innermost).
    /// Whether that changed what `name` means there.
    fn bind(&mut self, frame: usize, name: &str, resolved: Resolved) -> bool {
        let names = &mut self.frames[frame].names;
        match names.get_mut(name) {
            Some(old) if *old == resolved => false,
            Some(old) => {
                *old = resolved;
                true
            }
            None => {
                names.insert(name.to_string(), resolved);
                self.bound.entry(name.to_string()).or_default().push(frame);
                true
            }
        }
    }

    fn push<'a>(&mut self, module: bool, path: Vec<String>, items: impl Iterator<Item = &'a Item>) {
        let mut raw_names = Vec::new();
        let mut raw_globs = Vec::new();
        for item in items {
            collect_item(item, &mut raw_names, &mut raw_globs);
        }
        if module {
            self.modules.push(self.frames.len());
        }
        self.frames.push(Frame {
            path,
            ..Frame::default()
        });
        if raw_names.is_empty() && raw_globs.is_empty() {
            return;
        }
        let top = self.frames.len();
        // Locals first: they shadow, and `use` paths may start with them.
        for (name, binding) in &raw_names {
            if let RawBinding::Local = binding {
                let local = Resolved::Local(item_text(&self.frames[top - 1].path, name));
                self.bind(top - 1, name, local);
            }
        }
        // `use` paths may start with a name another `use` of this frame binds
        // (`use std::fs; use fs::File;`): a few passes settle any order (a pass that
        // changes nothing has settled it: the next would compute the same again).
        for _ in 0..3 {
            let mut changed = false;
            for (name, binding) in &raw_names {
                let RawBinding::Use { path, absolute } = binding else {
                    continue;
                };
                let starts_with_itself = path.first() == Some(name) && path.len() > 1;
                let resolved = if *absolute {
                    Resolved::Extern(path.join("::"))
                } else if path.len() == 1 {
                    // `use tokio;`, `use std as s;`: a crate, unless an outer frame binds it.
                    self.lookup(top - 1, &path[0])
                        .unwrap_or_else(|| Resolved::Extern(path[0].clone()))
                } else if starts_with_itself {
                    // `use tokio;`, `use fs::File as fs;`: the first name is not this binding.
                    self.resolve_in(top - 1, path, false)
                } else {
                    self.resolve_in(top, path, false)
                };
                changed |= self.bind(top - 1, name, resolved);
            }
            if !changed {
                break;
            }
        }
        for glob in raw_globs {
            let glob = match glob {
                RawGlob::Super => Glob::Super,
                RawGlob::Path { path, absolute } => {
                    let resolved = if absolute {
                        Resolved::Extern(path.join("::"))
                    } else {
                        self.resolve_in(top, &path, false)
                    };
                    match resolved {
                        Resolved::Extern(prefix) => Glob::Extern(prefix),
                        Resolved::Local(_) => continue,
                    }
                }
            };
            self.frames[top - 1].globs.push(glob);
        }
        if !self.frames[top - 1].globs.is_empty() {
            self.glob_frames.push(top - 1);
        }
    }

    pub(crate) fn resolve_path(&self, path: &syn::Path) -> Resolved {
        // The segments' texts written into one buffer (one allocation, not one each).
        let mut text = String::new();
        let mut ends = Vec::with_capacity(path.segments.len());
        for segment in &path.segments {
            let _ = write!(text, "{}", segment.ident);
            ends.push(text.len());
        }
        let mut start = 0;
        let segments: Vec<&str> = (ends.iter())
            .map(|&end| {
                let segment = &text[start..end];
                start = end;
                segment
            })
            .collect();
        self.resolve_in(self.frames.len(), &segments, path.leading_colon.is_some())
    }

    /// Resolves with only the frames below `top` visible (`top` is an exclusive index).
    fn resolve_in<S: AsRef<str>>(
        &self,
        top: usize,
        segments: &[S],
        leading_colon: bool,
    ) -> Resolved {
        let Some((first, rest)) = segments.split_first() else {
            return Resolved::Local(String::new());
        };
        let first = first.as_ref();
        if leading_colon {
            return Resolved::Extern(joined(None, segments));
        }
        match first {
            "crate" => return Resolved::Local(joined(None, segments)),
            "Self" => return Resolved::Local(joined(Some("local"), segments)),
            "self" => {
                let module = self.module_path_below(top);
                return Resolved::Local(item_text(&module, &joined(None, rest)));
            }
            "super" => {
                // `super::x` inside an inline module: look `x` up in the enclosing module;
                // past the file's own module, the crate model finds it.
                if let Some(parent_top) = self.enclosing_module_top(top)
                    && !rest.is_empty()
                {
                    return self.resolve_in(parent_top, rest, false);
                }
                let ups = segments
                    .iter()
                    .take_while(|s| s.as_ref() == "super")
                    .count();
                let rest = joined(None, &segments[ups..]);
                return Resolved::Local(format!("super{ups}::{rest}"));
            }
            _ => {}
        }
        if let Some(found) = self.binding(top, first) {
            return match found {
                Resolved::Extern(base) => Resolved::Extern(joined(Some(base), rest)),
                Resolved::Local(base) => Resolved::Local(joined(Some(base), rest)),
            };
        }
        if let Some(found) = self.lookup_globs(top, first) {
            return match found {
                Resolved::Extern(base) if rest.is_empty() => Resolved::Extern(base),
                Resolved::Extern(base) => Resolved::Extern(joined(Some(&base), rest)),
                Resolved::Local(base) if rest.is_empty() => Resolved::Local(base),
                Resolved::Local(base) => Resolved::Local(joined(Some(&base), rest)),
            };
        }
        if segments.len() == 1 {
            // An unbound single name: the prelude, or an item we cannot see (a glob of a
            // crate module, a macro's): the crate model may still find it by name.
            return match known_paths::prelude(first) {
                Some(path) => Resolved::Extern(path.to_string()),
                // A glob of another crate may bring it (`use tokio::time::*; timeout(..)`).
                None if self.has_extern_glob(top) => Resolved::Extern(["*::", first].concat()),
                None => Resolved::Local([UNRESOLVED, "::", first].concat()),
            };
        }
        Resolved::Extern(joined(None, segments))
    }

    fn module_path_below(&self, top: usize) -> Vec<String> {
        self.module_below(top)
            .map(|i| self.frames[i].path.clone())
            .unwrap_or_default()
    }

    /// The innermost module frame below `top`.
    fn module_below(&self, top: usize) -> Option<usize> {
        let count = self.modules.partition_point(|&i| i < top);
        count.checked_sub(1).map(|k| self.modules[k])
    }

    /// The frames with globs from `start` up to (not including) `top`, innermost first.
    fn glob_frames_between(&self, start: usize, top: usize) -> impl Iterator<Item = &Frame> {
        let low = self.glob_frames.partition_point(|&i| i < start);
        let high = self.glob_frames.partition_point(|&i| i < top);
        self.glob_frames[low..high]
            .iter()
            .rev()
            .map(|&i| &self.frames[i])
    }

    /// Does a glob import of another crate reach the frames below `top`?
    fn has_extern_glob(&self, top: usize) -> bool {
        let module_start = self.module_below(top).unwrap_or(0);
        self.glob_frames_between(module_start, top)
            .any(|f| f.globs.iter().any(|g| matches!(g, Glob::Extern(_))))
    }

    /// The frames below the result are what the enclosing module sees.
    fn enclosing_module_top(&self, top: usize) -> Option<usize> {
        let current = self.module_below(top)?;
        self.module_below(current).map(|_| current)
    }

    /// Looks `name` up in the frames below `top`, up to and including the nearest module:
    /// explicit names first, then globs.
    fn lookup(&self, top: usize, name: &str) -> Option<Resolved> {
        match self.binding(top, name) {
            Some(found) => Some(found.clone()),
            None => self.lookup_globs(top, name),
        }
    }

    /// What the innermost frame below `top` that binds `name` (explicitly, up to and
    /// including the nearest module) binds it to.
    fn binding(&self, top: usize, name: &str) -> Option<&Resolved> {
        let module_start = self.module_below(top).unwrap_or(0);
        let frames = self.bound.get(name)?;
        let innermost = *frames.iter().rev().find(|&&i| i < top)?;
        (innermost >= module_start).then(|| self.frames[innermost].names.get(name))?
    }

    /// [`Self::lookup`] through the globs, for a name no frame binds explicitly.
    fn lookup_globs(&self, top: usize, name: &str) -> Option<Resolved> {
        let module_start = self.module_below(top).unwrap_or(0);
        for frame in self.glob_frames_between(module_start, top) {
            for glob in &frame.globs {
                match glob {
                    Glob::Extern(prefix) => {
                        let candidate = [prefix, "::", name].concat();
                        if known_paths::is_known(&candidate) {
                            return Some(Resolved::Extern(candidate));
                        }
                    }
                    Glob::Super => {
                        if let Some(parent_top) = self.enclosing_module_top(module_start + 1)
                            && let Some(found) = self.lookup(parent_top, name)
                        {
                            return Some(found);
                        }
                    }
                }
            }
        }
        None
    }

    /// Does any visible frame import the item at `path`, by name or by glob?
    pub(crate) fn imports(&self, path: &str) -> bool {
        self.frames.iter().any(|frame| {
            frame
                .names
                .values()
                .any(|resolved| resolved.as_extern() == Some(path))
                || frame.globs.iter().any(|glob| {
                    matches!(glob, Glob::Extern(prefix) if path.starts_with(prefix.as_str()))
                })
        })
    }
}

/// The segment standing for "inside a function body" in in-file item paths.
pub(crate) const FN_SEGMENT: &str = "{fn}";
/// The first segment of a name nothing in the file binds.
pub(crate) const UNRESOLVED: &str = "?";

/// `a::b` for `segments` `[a, b]`, after `base::` if there is a base (just `base` if
/// there are no segments), in one allocation.
fn joined<S: AsRef<str>>(base: Option<&str>, segments: &[S]) -> String {
    let length = segments.iter().map(|s| s.as_ref().len() + 2).sum::<usize>();
    let mut text = String::with_capacity(base.map_or(0, str::len) + length);
    let mut first = true;
    if let Some(base) = base {
        text.push_str(base);
        first = false;
    }
    for segment in segments {
        if !std::mem::take(&mut first) {
            text.push_str("::");
        }
        text.push_str(segment.as_ref());
    }
    text
}

/// `self::a::b::name`: an item of this file, by its in-file module path.
fn item_text(path: &[String], name: &str) -> String {
    let mut text = String::from("self");
    for segment in path {
        text.push_str("::");
        text.push_str(segment);
    }
    if !name.is_empty() {
        text.push_str("::");
        text.push_str(name);
    }
    text
}

/// Is this resolved text a path of this crate (as opposed to an extern crate's)?
pub(crate) fn is_local_text(text: &str) -> bool {
    text.starts_with("self::")
        || text == "self"
        || text.starts_with("crate::")
        || text.starts_with("super")
        || text.starts_with("local::")
        || text.starts_with("?::")
}

fn collect_item(item: &Item, names: &mut Vec<(String, RawBinding)>, globs: &mut Vec<RawGlob>) {
    let ident = match item {
        Item::Use(item) => {
            let absolute = item.leading_colon.is_some();
            collect_use(&item.tree, absolute, names, globs);
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
                let path = vec![item.ident.to_string()];
                names.push((
                    rename.to_string(),
                    RawBinding::Use {
                        path,
                        absolute: true,
                    },
                ));
            }
            return;
        }
        Item::Macro(item) => match &item.ident {
            Some(ident) => ident,
            None => return,
        },
        _ => return,
    };
    names.push((ident.to_string(), RawBinding::Local));
}

/// The names and globs a `use` tree brings in, in source order. A loop over an explicit
/// stack of (subtree, prefix), not a recursion: nesting depth costs no stack.
fn collect_use(
    tree: &UseTree,
    absolute: bool,
    names: &mut Vec<(String, RawBinding)>,
    globs: &mut Vec<RawGlob>,
) {
    let mut stack = vec![(tree, Vec::new())];
    while let Some((tree, prefix)) = stack.pop() {
        collect_use_node(tree, prefix, absolute, names, globs, &mut stack);
    }
}

fn collect_use_node<'t>(
    tree: &'t UseTree,
    mut prefix: Vec<String>,
    absolute: bool,
    names: &mut Vec<(String, RawBinding)>,
    globs: &mut Vec<RawGlob>,
    stack: &mut Vec<(&'t UseTree, Vec<String>)>,
) {
    match tree {
        UseTree::Path(path) => {
            prefix.push(path.ident.to_string());
            stack.push((&path.tree, prefix));
        }
        UseTree::Name(name) => {
            let ident = name.ident.to_string();
            let mut path = prefix.clone();
            let bound = if ident == "self" {
                match prefix.last() {
                    Some(last) => last.clone(),
                    None => return,
                }
            } else {
                path.push(ident.clone());
                ident
            };
            names.push((bound, RawBinding::Use { path, absolute }));
        }
        UseTree::Rename(rename) => {
            let alias = rename.rename.to_string();
            if alias == "_" {
                return; // `use Trait as _;` binds no name.
            }
            let mut path = prefix.clone();
            if rename.ident != "self" {
                path.push(rename.ident.to_string());
            }
            names.push((alias, RawBinding::Use { path, absolute }));
        }
        UseTree::Glob(_) => {
            if prefix.len() == 1 && prefix[0] == "super" {
                globs.push(RawGlob::Super);
            } else if !prefix.is_empty() {
                globs.push(RawGlob::Path {
                    path: prefix.clone(),
                    absolute,
                });
            }
        }
        UseTree::Group(group) => {
            // Reversed, so that the stack pops them in source order.
            for tree in group.items.iter().rev() {
                stack.push((tree, prefix.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(source: &str, path: &str) -> Resolved {
        let file = syn::parse_file(source).unwrap();
        let mut imports = Imports::default();
        imports.push_module(&file.items, None);
        let path: syn::Path = syn::parse_str(path).unwrap();
        imports.resolve_path(&path)
    }

    #[test]
    fn uses_resolve_in_any_order() {
        let ext = |s: &str| Resolved::Extern(s.to_string());
        assert_eq!(
            resolve("use fs::File; use std::fs;", "File::open"),
            ext("std::fs::File::open")
        );
        assert_eq!(
            resolve("use std::{self as s}; use s::fs;", "fs::read"),
            ext("std::fs::read")
        );
        assert_eq!(resolve("use tokio;", "tokio::spawn"), ext("tokio::spawn"));
        assert_eq!(
            resolve("use ::std::fs::read as r;", "r"),
            ext("std::fs::read")
        );
        assert_eq!(
            resolve("use std::fs::*;", "read_to_string"),
            ext("std::fs::read_to_string")
        );
        assert!(matches!(
            resolve("mod fs {} use std::io;", "fs::read"),
            Resolved::Local(_)
        ));
    }

    #[test]
    fn paths_are_joined_onto_what_their_first_name_means() {
        let local = |s: &str| Resolved::Local(s.to_string());
        assert_eq!(resolve("use self as m;", "m::f"), local("::f"));
        assert_eq!(resolve("mod a {}", "a::b::c"), local("self::a::b::c"));
        assert_eq!(resolve("", "Self::new"), local("local::Self::new"));
        assert_eq!(resolve("", "super::super::f"), local("super2::f"));
        assert_eq!(
            resolve("use std::io as i;", "::i::Read"),
            Resolved::Extern("i::Read".to_string())
        );
    }

    #[test]
    fn chains_of_globs_and_cycles_stay_cheap() {
        let mut source = String::new();
        for i in 0..200 {
            source.push_str(&format!(
                "use m{i}::*; use m{}::x{i} as x{};\n",
                i + 1,
                i + 1
            ));
        }
        source.push_str("use a::b as c; use c::d as a;");
        let start = std::time::Instant::now();
        let _ = resolve(&source, "zzz::read");
        let _ = resolve(&source, "a::x");
        assert!(start.elapsed().as_secs() < 5, "resolution blew up");
    }
}
