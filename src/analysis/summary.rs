//! What one file contributes to its crate's model: plain data that leaves the parsing
//! thread (syn trees and spans cannot), small enough to keep for every file of a crate.

use super::facts::Fact;
use crate::diagnostic::Span;
use crate::rules::Rule;

/// An async runtime that drives code, or that an API is bound to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
        match name {
            "tokio" | "actix-rt" | "actix_rt" | "actix-web" | "actix_web" => Some(Runtime::Tokio),
            "async-std" | "async_std" => Some(Runtime::AsyncStd),
            "smol" | "async-io" | "async_io" | "smol-potat" | "smol_potat" => Some(Runtime::Smol),
            _ => None,
        }
    }
}

/// One file's contribution.
#[derive(Clone, Debug, Default)]
pub struct FileSummary {
    /// The file as displayed.
    pub name: String,
    /// Findings of this file alone (direct blocking calls, guards, parse errors).
    pub facts: Vec<Fact>,
    pub fns: Vec<FnSummary>,
    /// `#[path = ".."] mod name;` declarations, with the in-file module they sit in.
    pub path_mods: Vec<PathMod>,
}

#[derive(Clone, Debug)]
pub struct PathMod {
    pub in_file: Vec<String>,
    pub name: String,
    pub path: String,
}

/// A fn, method or associated fn of the file.
#[derive(Clone, Debug, Default)]
pub struct FnSummary {
    /// `self::a::f` (a free fn at in-file module `a`) or `Type::f` (in an impl).
    pub key: String,
    /// How to name it in a note: `f`, `Type::f`.
    pub display: String,
    pub is_async: bool,
    /// The runtime its entry attribute starts (`#[tokio::main]`).
    pub entry: Option<Runtime>,
    /// Blocking operations in its own sync code.
    pub ops: Vec<Op>,
    /// Calls to what may be crate-local fns.
    pub calls: Vec<Call>,
    /// Uses of runtime-bound APIs.
    pub uses: Vec<RuntimeUse>,
}

#[derive(Clone, Debug)]
pub struct Op {
    pub rule: Rule,
    /// `std::fs::read_to_string`.
    pub item: String,
    pub span: Span,
    /// The async replacement, as the catalogue gives it (may be empty).
    pub replacement: String,
}

#[derive(Clone, Debug)]
pub enum CallTarget {
    /// A path as resolved in the file: `self::a::f`, `crate::x::f`, `super1::f`,
    /// `?::f`, `Type::f`; or an extern path, which may name this crate.
    Path(String),
    /// `recv.name(..)`: the receiver's type name when the source shows a local type.
    Method { ty: Option<String>, name: String },
}

#[derive(Clone, Debug)]
pub struct Call {
    pub target: CallTarget,
    /// The callee as written (`config::load`, `store.flush`).
    pub written: String,
    pub span: Span,
    /// Made in async context (so a blocking callee is reported here).
    pub in_async: bool,
    /// Made inside a block-on driver's future (`smol::block_on(async { .. })`).
    pub driver: Option<Runtime>,
}

#[derive(Clone, Debug)]
pub struct RuntimeUse {
    pub runtime: Runtime,
    pub item: String,
    pub span: Span,
    pub driver: Option<Runtime>,
    /// Under a `#[cfg(..)]` that names this runtime: feature-gated support, not a mix.
    pub gated: bool,
}
