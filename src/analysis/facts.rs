//! What the analysis found, as plain data: places, names and kinds, never wording.
//!
//! The walk and the crate model emit facts; each rule file in `crate::rules` turns the
//! facts of its rule into the diagnostic users read (message, labels, notes, help, fix),
//! and one gate, [`crate::rules::report`], applies levels and selection. Facts leave the
//! parsing thread (no syn types, no spans that need the parser), so they are plain data.

use crate::diagnostic::Span;
use crate::rules::Rule;

use super::summary::Runtime;

/// One thing the analysis found, located in `file()`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Fact {
    /// A catalogued (or configured) blocking call made in async context.
    Blocking(BlockingCall),
    /// A call in async context to a sync fn that blocks further down.
    Chain(Chain),
    /// A guard or `RefCell` borrow alive at one or more `.await`s.
    GuardHeld(GuardHeld),
    /// An API bound to one runtime used where another runtime drives the code.
    RuntimeMix(RuntimeMix),
    /// A file the analysis could not read as Rust.
    Unparsable(Unparsable),
    /// Not a finding: an allow that accepts a blocking operation, or a sync fn, from async
    /// code (SPEC §3), so the suppressions of its file count it as used.
    Accepted(Accepted),
}

impl Fact {
    pub fn rule(&self) -> Rule {
        match self {
            Fact::Blocking(fact) => fact.rule,
            Fact::Chain(fact) => fact.rule,
            Fact::GuardHeld(fact) => fact.rule,
            Fact::RuntimeMix(_) => Rule::MixedRuntimes,
            Fact::Unparsable(_) => Rule::ParseError,
            Fact::Accepted(fact) => fact.rule,
        }
    }

    /// The file the finding is reported in, as displayed.
    pub fn file(&self) -> &str {
        match self {
            Fact::Blocking(fact) => &fact.file,
            Fact::Chain(fact) => &fact.file,
            Fact::GuardHeld(fact) => &fact.file,
            Fact::RuntimeMix(fact) => &fact.file,
            Fact::Unparsable(fact) => &fact.file,
            Fact::Accepted(fact) => &fact.file,
        }
    }
}

/// What a blocking call does, when it is more than blocking the thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum BlockingKind {
    /// Blocks the calling thread (file, network, sleep, wait, process).
    Blocks,
    /// tokio's `blocking_*` methods: they panic inside a runtime.
    PanicsInRuntime,
    /// Creates a tokio runtime: panics inside one.
    CreatesRuntime,
    /// Blocks on a future (`block_on`).
    BlocksOnFuture,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct BlockingCall {
    pub rule: Rule,
    pub kind: BlockingKind,
    pub file: String,
    /// The callee path as written, or the method name.
    pub span: Span,
    /// The blocking item as shown to users: `std::fs::read`, `std::fs::File::read_to_end`.
    pub item: String,
    /// The async replacement as the catalogue gives it (empty when there is none;
    /// "`.await`" when the fix is to await the future instead).
    pub replacement: String,
    /// The reason a `[[blocking]]` configuration entry gives (empty when none or not configured).
    pub configured_reason: String,
    /// Written in a sync closure that inherits async context: `.await` is unavailable there.
    pub in_sync_closure: bool,
    /// Written where `.await` is available: an async fn, block or closure (not a poll fn
    /// nor a sync closure in one).
    pub can_await: bool,
    /// A guard the walk tracks (std lock, `RefCell` borrow) or an `Rc` is alive at the
    /// call: an `.await` added after it would hold it.
    pub guard_alive: bool,
    /// In a closure given to a call of the crate (the fn's index in its file, the call):
    /// the crate model drops the fact when that callee hands the closure to an offloader.
    pub pending: Option<(u32, super::summary::Pending)>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Chain {
    pub rule: Rule,
    pub file: String,
    /// The call in async code.
    pub span: Span,
    /// The callee as written at the call (`config::load`, `store.flush`).
    pub written: String,
    /// Display names from the async caller to the last sync fn, then the blocking item.
    pub steps: Vec<String>,
    /// The blocking operation the chain reaches.
    pub root: ChainRoot,
}

/// The blocking operation at the end of a chain.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ChainRoot {
    pub file: String,
    pub span: Span,
    pub item: String,
    pub replacement: String,
    /// The sync fn it is in, as chains name fns (`FileJobLogger::log`).
    pub in_fn: String,
}

/// An allow for `rule` covering `line` of `file` (a blocking operation's, or a sync fn's
/// name's) that stops the propagation of that rule's blocking reach.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Accepted {
    pub file: String,
    pub line: u32,
    pub rule: Rule,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct GuardHeld {
    /// `lock_across_await` or `refcell_across_await`.
    pub rule: Rule,
    pub file: String,
    /// Where the guard is created (the lock or borrow method).
    pub span: Span,
    /// What is locked: `std::sync::Mutex`, `parking_lot::RwLock`, `RefCell`.
    pub lock: String,
    /// The binding that holds it; `None` for a temporary.
    pub binding: Option<String>,
    /// The `.await`s it is alive at.
    pub awaits: Vec<Span>,
    /// Where the lock's type was learned, when not from the code around the guard: a fn
    /// returning the guard, a struct field or a type alias elsewhere in the crate.
    pub origin: Option<Box<LockOrigin>>,
}

/// Where the crate model learned that a guard is one: an item of the crate, where it is.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LockOrigin {
    pub item: LockItemKind,
    /// The file as displayed, and the item's line.
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LockItemKind {
    /// A fn that returns the guard, by its path in its crate (`Registry::state`).
    Helper(String),
    /// A struct's field of a lock type: (struct, field).
    Field(String, String),
    /// A type alias of a lock type.
    Alias(String),
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RuntimeMix {
    pub file: String,
    pub span: Span,
    /// The runtime the API is bound to, and the API as shown.
    pub runtime: Runtime,
    pub item: String,
    /// The runtime that drives the code, and the fn it drives.
    pub driver: Runtime,
    pub in_fn: String,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Unparsable {
    pub file: String,
    pub span: Span,
    pub problem: Problem,
}

/// Why a file could not be analyzed.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Problem {
    /// The parser's own message.
    Syntax(String),
    /// Brackets do not balance (files that get only the bracket check).
    Unbalanced,
    /// Nesting beyond what can be parsed safely.
    TooDeep,
    /// A bug of the analyzer, caught.
    Internal,
}
