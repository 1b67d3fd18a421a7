//! What one file contributes to its crate's model: plain data that leaves the parsing
//! thread (syn trees and spans cannot), small enough to keep for every file of a crate.

use super::facts::Fact;
use crate::diagnostic::Span;
use crate::rules::Rule;

/// An async runtime that drives code, or that an API is bound to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Runtime {
    Tokio,
    AsyncStd,
    Smol,
}

impl Runtime {
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Tokio => "tokio",
            Runtime::AsyncStd => "async-std",
            Runtime::Smol => "smol",
        }
    }

    /// async-std and smol share the async-io reactor: their APIs work under each other.
    pub fn works_under(self, driver: Runtime) -> bool {
        self == driver || (self != Runtime::Tokio && driver != Runtime::Tokio)
    }

    /// The runtime a crate dependency brings, by the dependency's name.
    pub fn of_dependency(name: &str) -> Option<Runtime> {
        super::known_paths::DEPENDENCY_RUNTIMES
            .iter()
            .find(|(crate_name, _)| *crate_name == name)
            .map(|(_, runtime)| *runtime)
    }
}

/// One file's contribution.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FileSummary {
    /// The file as displayed.
    pub name: String,
    /// Findings of this file alone (direct blocking calls, guards, parse errors).
    pub facts: Vec<Fact>,
    pub fns: Vec<FnSummary>,
    /// `#[path = ".."] mod name;` declarations, with the in-file module they sit in.
    pub path_mods: Vec<PathMod>,
    /// Valid code the parser cannot read (why): not analyzed, noted on stderr.
    pub unread: Option<String>,
    /// Values held across an `.await` that are guards if the crate says so, and the
    /// file's struct fields and type aliases of lock types.
    pub escapes: super::guards::Escapes,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PathMod {
    pub in_file: Vec<String>,
    pub name: String,
    pub path: String,
}

/// A fn, method or associated fn of the file.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FnSummary {
    /// Where the fn sits: at an in-file module, or in an impl of a type.
    pub key: FnKey,
    /// The line of its name (1-based): where an allow on the fn item is looked for.
    pub line: u32,
    /// The rules an allow on the fn item names: the fn is fine to call from async code as
    /// far as they go, so it passes none of their blocking reach on to its callers.
    pub allowed: Vec<Rule>,
    pub is_async: bool,
    /// Takes `self` (a method, callable as `recv.f(..)`).
    pub has_self: bool,
    /// Its parameters, `self` not counted.
    pub params: u8,
    /// The trait its impl implements, for a fn of a trait impl: this crate's, or another's
    /// (`PathRoot::Extern`: `std::io::Read`, a library's). Boxed: most fns have none, and
    /// every fn of the crate is kept.
    pub of_trait: Option<Box<ItemPath>>,
    /// The runtime its entry attribute starts (`#[tokio::main]`).
    pub entry: Option<Runtime>,
    /// The lock whose guard it returns (a sync fn whose return type names a guard type).
    pub(crate) returns_guard: Option<&'static super::known_paths::Lock>,
    /// Blocking operations in its own sync code.
    pub ops: Vec<Op>,
    /// What argument-sensitive summaries know of it; `None` when nothing (most fns: every
    /// fn of the crate is kept).
    pub extra: Option<Box<FnExtra>>,
    /// Calls to what may be crate-local fns.
    pub calls: Vec<Call>,
    /// Uses of runtime-bound APIs.
    pub uses: Vec<RuntimeUse>,
}

/// What argument-sensitive summaries know of a fn.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FnExtra {
    /// Its body is one enum variant written out (`Self::Memory`): a call of it gives that
    /// variant, whatever its arguments.
    pub returns_variant: Option<Box<str>>,
    /// The closure parameters (bits by position, `self` not counted) it hands only to an
    /// offloader or a thread, or stores: a closure given there does not run at the call.
    pub offloads: u32,
    /// The closure parameters it hands only to an offloader or, unchanged, on to calls
    /// (`Arg::Param` shapes): offloaded when every fn they go to offloads them (the crate
    /// model's `offloads`).
    pub passes: u32,
    /// What is known of its calls' arguments and tests, sorted by call.
    pub shapes: Box<[CallShape]>,
}

impl FnSummary {
    pub fn returns_variant(&self) -> Option<&str> {
        self.extra.as_ref()?.returns_variant.as_deref()
    }

    pub fn offloads(&self) -> u32 {
        self.extra.as_ref().map_or(0, |extra| extra.offloads)
    }

    pub fn passes(&self) -> u32 {
        self.extra.as_ref().map_or(0, |extra| extra.passes)
    }

    /// (call, argument position, parameter): where the fn gives its own parameters on.
    pub fn param_args(&self) -> impl Iterator<Item = (u32, u8, u8)> + '_ {
        let shapes: &[CallShape] = self.extra.as_ref().map_or(&[], |extra| &extra.shapes);
        shapes.iter().filter_map(|shape| match shape.shape {
            Shape::Arg(position, Arg::Param(param)) => Some((shape.call, position, param)),
            _ => None,
        })
    }

    fn shapes_of(&self, call: usize) -> impl Iterator<Item = &Shape> + '_ {
        let call = u32::try_from(call).unwrap_or(u32::MAX);
        let shapes: &[CallShape] = self.extra.as_ref().map_or(&[], |extra| &extra.shapes);
        let start = shapes.partition_point(|shape| shape.call < call);
        shapes[start..]
            .iter()
            .take_while(move |shape| shape.call == call)
            .map(|shape| &shape.shape)
    }

    /// The tests the fn's code passed to reach call `call`.
    pub fn when_of(&self, call: usize) -> impl Iterator<Item = &Cond> + '_ {
        self.shapes_of(call).filter_map(|shape| match shape {
            Shape::When(cond) => Some(&**cond),
            _ => None,
        })
    }

    /// The closure call that call `call` sits in.
    pub fn pending_of(&self, call: usize) -> Option<Pending> {
        self.shapes_of(call).find_map(|shape| match shape {
            Shape::Pending(pending) => Some(*pending),
            _ => None,
        })
    }

    /// What argument `position` of call `call` is, when the source shows it.
    pub fn arg_of(&self, call: usize, position: usize) -> Option<&Arg> {
        self.shapes_of(call).find_map(|shape| match shape {
            Shape::Arg(at, arg) if usize::from(*at) == position => Some(arg),
            _ => None,
        })
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Op {
    pub rule: Rule,
    /// `std::fs::read_to_string`.
    pub item: String,
    pub span: Span,
    /// The async replacement, as the catalogue gives it (may be empty).
    pub replacement: String,
    /// An allow for its rule covers it: accepted from async code, so it blocks no caller.
    pub allowed: bool,
    /// What must hold of the fn's parameters for it to run (all of it); empty: always.
    pub when: Vec<Cond>,
    /// In a closure given to a call of the fn: runs elsewhere if that callee offloads it.
    pub pending: Option<Pending>,
}

/// A closure given to a call (its index among the fn's calls) as argument `arg`: it runs
/// off the caller's thread when the callee hands that parameter to an offloader.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Pending {
    pub call: u32,
    pub arg: u8,
}

/// A test on a fn's parameter (by position, `self` not counted) that guards some of its
/// code: `if let Some(p) = path`, `match source { Source::File(p) => .. }`, `if stall`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Cond {
    pub param: u8,
    pub test: Test,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Test {
    /// The parameter is one of these enum variants (by name: `Some`, `File`).
    Variants(Vec<String>),
    Bool(bool),
    /// The parameter is not an IP address and port written out: resolving it looks it up.
    NotAddress,
}

impl Test {
    /// Can the test hold for this argument? `false` only when the argument shows it cannot.
    pub fn admits(&self, arg: &Arg) -> bool {
        match (self, arg) {
            (Test::Variants(names), Arg::Variant(name)) => names.iter().any(|n| **n == **name),
            (Test::Bool(want), Arg::Bool(have)) => want == have,
            (Test::NotAddress, Arg::Address) => false,
            _ => true,
        }
    }
}

/// What a call's argument is, where the source shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Arg {
    /// The caller's own parameter (by position, `self` not counted), passed on unchanged.
    Param(u8),
    /// An enum variant written out: `None`, `Some(..)`, `Source::Memory(..)`.
    Variant(Box<str>),
    Bool(bool),
    /// An IP address and port written out (`("127.0.0.1", 8080)`).
    Address,
    /// The value of another call of the same fn (its index in `calls`).
    Built(u32),
}

/// What argument-sensitive summaries know of one of a fn's calls (by its index among the
/// fn's calls): a test its fn's code passed to reach it, an argument the source shows, or
/// the closure call it sits in. Kept on the fn, sorted by call: most calls have none.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct CallShape {
    pub call: u32,
    pub shape: Shape,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Shape {
    /// Boxed: rare, and the widest.
    When(Box<Cond>),
    /// (argument position, what it is): a method call's receiver not counted.
    Arg(u8, Arg),
    Pending(Pending),
}

/// A fn of the file, as the crate model keys it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FnKey {
    /// A free fn at `module`, the path of inline modules within the file (with
    /// `imports::FN_SEGMENT` for a fn declared inside a fn body).
    Free { module: Vec<String>, name: String },
    /// An associated fn or method, in an impl of the type named `ty` (its last segment).
    Assoc { ty: String, name: String },
}

impl Default for FnKey {
    fn default() -> Self {
        FnKey::Free {
            module: Vec::new(),
            name: String::new(),
        }
    }
}

impl FnKey {
    pub fn name(&self) -> &str {
        match self {
            FnKey::Free { name, .. } | FnKey::Assoc { name, .. } => name,
        }
    }

    /// How the file names it: `f`, `Type::f`.
    pub fn display(&self) -> String {
        match self {
            FnKey::Free { name, .. } => name.clone(),
            FnKey::Assoc { ty, name } => format!("{ty}::{name}"),
        }
    }
}

/// Where a path to an item starts, as the file's use-resolution left it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PathRoot {
    /// `self::`: the file's own module (the segments go on with in-file modules).
    SelfMod,
    /// `crate::`.
    Crate,
    /// `super::` this many times, counted from the file's own module.
    Super(usize),
    /// A single name nothing in the file binds (a glob's, or a macro's): found by name.
    Unresolved,
    /// `Self::` of an impl: the file does not say which type here.
    SelfType,
    /// Another crate's path: its first segment names the crate (which may be this one).
    Extern,
}

/// A path to an item, typed where it starts: `crate::x::f` is `Crate` then `x`, `f`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ItemPath {
    pub root: PathRoot,
    /// The segments after the root, joined by `::`: one allocation per path, since files
    /// record many calls (a `Vec` of segments cost a sixth more memory on the corpus).
    joined: Box<str>,
}

impl ItemPath {
    /// `joined`: the segments after the root, separated by `::`.
    pub fn new(root: PathRoot, joined: &str) -> ItemPath {
        ItemPath {
            root,
            joined: joined.into(),
        }
    }

    pub fn segments(&self) -> impl Iterator<Item = &str> + '_ {
        // `joined.split("::")` (none when empty), by a byte search per segment.
        let mut rest = (!self.joined.is_empty()).then_some(&*self.joined);
        std::iter::from_fn(move || {
            let text = rest?;
            let (segment, tail) =
                super::syntax::split_path(text).map_or((text, None), |(a, b)| (a, Some(b)));
            rest = tail;
            Some(segment)
        })
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum CallTarget {
    /// A path as resolved in the file, or an extern path (which may name this crate).
    Path(ItemPath),
    /// `recv.name(..)`: the receiver's type when the source shows it: a local type's name
    /// (`Store`), or another crate's type after that crate's name as the file resolves it
    /// (`idx::IndexScheduler`; see [`CallTarget::receiver`]). One string, not two fields:
    /// files record many calls, and a wider `Call` costs memory on every one.
    Method {
        ty: Option<Box<str>>,
        name: Box<str>,
    },
}

impl CallTarget {
    /// A method call's receiver type: (the crate that defines it, as the file names it,
    /// when it is another crate's; the type's name).
    pub fn receiver(ty: &str) -> (Option<&str>, &str) {
        match super::syntax::split_path(ty) {
            Some((krate, name)) => (Some(krate), name),
            None => (None, ty),
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Call {
    pub target: CallTarget,
    /// The callee as written (`config::load`, `store.flush`): boxed, files record many
    /// calls.
    pub written: Box<str>,
    pub span: Span,
    /// Made in async context (so a blocking callee is reported here).
    pub in_async: bool,
    /// Made inside a block-on driver's future (`smol::block_on(async { .. })`).
    pub driver: Option<Runtime>,
    /// Its result is `.await`ed (or joined, selected): the callee returns a future.
    pub awaited: bool,
    /// Its arguments (a method call's receiver not counted), at most 255.
    pub args: u8,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RuntimeUse {
    pub runtime: Runtime,
    pub item: String,
    pub span: Span,
    pub driver: Option<Runtime>,
    /// Under a `#[cfg(..)]` that names this runtime: feature-gated support, not a mix.
    pub gated: bool,
}
