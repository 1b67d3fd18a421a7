//! Where async context begins and ends (SPEC §1): async, sync or detached code,
//! offloaders, and the closures that inherit their context. Only this module decides it.

use foldhash::{HashMap, HashSet, HashSetExt};

use syn::{Block, Expr, ExprClosure, FnArg, Pat, Signature, Stmt, Type};

use crate::analysis::evidence::Evidence;
use crate::analysis::imports::Resolved;
use crate::analysis::known_paths::{self};
use crate::analysis::summary::Pending;
use crate::analysis::syntax::*;

/// A closure given to a call of the crate: the fn's index in its file and the call.
pub(crate) type PendingAt = (u32, Pending);

/// An `async fn`, or a poll-style fn: `fn poll` / `fn poll_*` taking a `&mut Context<'_>`.
pub(crate) fn is_async_fn(sig: &Signature) -> bool {
    sig.asyncness.is_some() || is_poll_fn(sig)
}

fn is_poll_fn(sig: &Signature) -> bool {
    let name = sig.ident.to_string();
    if name != known_paths::POLL_FN && !name.starts_with(known_paths::POLL_FN_PREFIX) {
        return false;
    }
    sig.inputs.iter().any(|input| match input {
        FnArg::Typed(typed) => is_context_ref(&typed.ty),
        FnArg::Receiver(_) => false,
    })
}

fn is_context_ref(ty: &Type) -> bool {
    let Type::Reference(reference) = ty else {
        return false;
    };
    if reference.mutability.is_none() {
        return false;
    }
    match &*reference.elem {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == known_paths::POLL_CONTEXT),
        _ => false,
    }
}

/// Does a call to this path run a closure given to it off the async thread: an offloader,
/// or a callback registry that keeps it to run later elsewhere? `user` are the configured
/// `[[offload]]` paths.
pub(crate) fn is_offloader_path(resolved: &Resolved, user: &[String]) -> bool {
    let text = resolved.text();
    if resolved.as_extern().is_some_and(|path| {
        known_paths::is_offloader(path) || known_paths::is_callback_registry(path)
    }) {
        return true;
    }
    if user.iter().any(|path| names_configured(resolved, path)) {
        return true;
    }
    // Re-exports and wrappers keep the distinctive names.
    let last = last_segment(text);
    known_paths::OFFLOADER_NAMES.contains(&last)
}

/// Does a method of this name, given a plain closure, run it on another thread (now, or
/// later as a registered callback)?
pub(crate) fn is_offloading_method(name: &str) -> bool {
    known_paths::OFFLOADING_METHODS.contains(&name) || known_paths::CALLBACK_METHODS.contains(&name)
}

/// Does a resolved path name the configured `path` (`mycrate::pool::run_blocking`)? An
/// extern path must equal it; a path of this crate (`crate::pool::run_blocking`,
/// `self::pool::run_blocking`) must end with it, less its crate name.
pub(crate) fn names_configured(resolved: &Resolved, path: &str) -> bool {
    match resolved {
        Resolved::Extern(text) => text == path,
        Resolved::Local(text) => {
            let wanted: Vec<&str> = path.split("::").skip(1).collect();
            let have: Vec<&str> = text.split("::").collect();
            !wanted.is_empty() && have.ends_with(&wanted)
        }
    }
}

/// What kind of code the walk is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// Async context (SPEC §1): blocking calls here are reported.
    Async,
    /// A sync fn's own code: blocking calls here are recorded for callers to inherit.
    Sync,
    /// Code that runs elsewhere or at no call: offloaded closures, consts, statics.
    Detached,
}

/// Where the walk is: the kind of code at each level, and the closures that run
/// elsewhere. Owns the address-keyed sets of awaited calls and offloaded closures.
#[derive(Default)]
pub(crate) struct Context {
    /// What kind of code this point is in, innermost last.
    kinds: Vec<Ctx>,
    /// Addresses of closures handed to an offloader: they run off the async thread.
    offloaded: HashSet<usize>,
    /// Addresses of call expressions whose result is `.await`ed.
    awaited: HashSet<usize>,
    /// Loops around this point, within the innermost closure or async block: code here
    /// may run many times (repeated sends fill a bounded channel).
    loops: usize,
    /// Closures given to a call of the crate, by address: they run elsewhere if the
    /// callee hands them to an offloader (the crate model decides).
    candidates: HashMap<usize, PendingAt>,
    /// The closure call each level of `kinds` sits in, if any.
    pending: Vec<Option<PendingAt>>,
    /// What the next push is when it is a closure's body inheriting its context.
    closure_next: Option<Option<PendingAt>>,
    /// Plain names stored for later (`Self(Arc::new(f))`, `Job { run: Box::new(f) }`),
    /// by the address of their path: a closure parameter stored so does not run here.
    stored_paths: HashSet<usize>,
}

impl Context {
    /// Forgets every node by address: the tree they were in is gone, and its addresses
    /// may be reused by the next one (item-granular parsing drops each fn's tree).
    pub(super) fn forget_nodes(&mut self) {
        self.offloaded.clear();
        self.awaited.clear();
        self.candidates.clear();
        self.stored_paths.clear();
    }

    /// Enters an expression: a loop adds one, a closure or async block starts afresh
    /// (its body runs once per call or task). Returns what [`Self::exit_expr`] restores.
    /// `track_paths`: whether plain names stored for later are wanted here (the fn has
    /// closure parameters, see [`Self::is_stored_path`]).
    pub(super) fn enter_expr(&mut self, expr: &syn::Expr, track_paths: bool) -> usize {
        self.mark_stored(expr, track_paths);
        let saved = self.loops;
        match expr {
            syn::Expr::ForLoop(_) | syn::Expr::While(_) | syn::Expr::Loop(_) => self.loops += 1,
            syn::Expr::Closure(_) | syn::Expr::Async(_) => self.loops = 0,
            _ => {}
        }
        saved
    }

    pub(super) fn exit_expr(&mut self, saved: usize) {
        self.loops = saved;
    }

    /// Is this point inside a loop (of the innermost closure or async block)?
    pub(super) fn in_loop(&self) -> bool {
        self.loops > 0
    }

    pub(super) fn in_async(&self) -> bool {
        self.ctx() == Ctx::Async
    }

    pub(super) fn ctx(&self) -> Ctx {
        self.kinds.last().copied().unwrap_or(Ctx::Detached)
    }

    pub(super) fn push(&mut self, ctx: Ctx) {
        self.kinds.push(ctx);
        let pending = self.closure_next.take().flatten();
        self.pending.push(pending);
    }

    pub(super) fn pop(&mut self) {
        self.kinds.pop();
        self.pending.pop();
    }

    /// The closure given to a call of the crate that this code sits in, if any.
    pub(crate) fn pending(&self) -> Option<PendingAt> {
        self.pending.last().copied().flatten()
    }

    /// The plain closures given to a call of the crate (`pool.run(move || ..)`, recorded
    /// as call `call` of fn `in_fn`): each runs elsewhere if the callee offloads it.
    pub(super) fn candidates<'e>(
        &mut self,
        recorded: Option<(u32, u32)>,
        args: impl Iterator<Item = &'e Expr>,
    ) {
        let Some((in_fn, call)) = recorded else {
            return;
        };
        for (arg, value) in args.enumerate() {
            if let Some(closure) = closure_value(value)
                && closure.asyncness.is_none()
                && let Ok(arg) = u8::try_from(arg)
            {
                let pending = Pending { call, arg };
                self.candidates.insert(addr(closure), (in_fn, pending));
            }
        }
    }

    /// The context a closure's body runs in: async for an async closure, detached when
    /// it was handed to an offloader, else the context it is written in.
    pub(super) fn closure_ctx(&mut self, closure: &ExprClosure) -> Ctx {
        if closure.asyncness.is_some() {
            Ctx::Async
        } else if self.offloaded.remove(&addr(closure)) {
            Ctx::Detached
        } else {
            let inherited = self.pending();
            self.closure_next = Some(self.candidates.remove(&addr(closure)).or(inherited));
            self.ctx()
        }
    }

    /// The call or closure this expression is will be awaited (`.await`, `join!`, `select!`).
    pub(super) fn awaits(&mut self, expr: &Expr) {
        self.awaited.insert(expr_addr(expr));
    }

    /// `asyncify(move || std::fs::read(p)).await`, `conn.interact(|c| ..).await`: a plain
    /// closure handed to a call whose future is awaited is, in practice, run by a blocking
    /// pool (a wrapper of `spawn_blocking`), not on this thread.
    pub(super) fn mark_awaited_call_args(&mut self, base: &Expr) {
        match peel(base) {
            Expr::Call(call) => self.mark_offloaded(call.args.iter()),
            Expr::MethodCall(call) => self.mark_offloaded(call.args.iter()),
            _ => {}
        }
    }

    pub(super) fn is_awaited(&self, address: usize) -> bool {
        self.awaited.contains(&address)
    }

    /// `let work = move || ..; spawn_blocking(work)`: the closure runs off the async
    /// thread; `let sink = Box::new(move |u| ..); Session { sink: Some(sink) }`: it is stored
    /// for later (SPEC §1). The closures a `let` binds (also boxed or wrapped, or the value of
    /// each branch of an `if` or `match`) whose name is later given to an offloader or stored
    /// (a struct literal's field, a constructor's or a storing method's argument, a value
    /// assigned to a field) in the block. A bounded scan of the block's calls (see
    /// [`calls_in`]), made before the block is walked.
    pub(super) fn mark_closures_offloaded_later(
        &mut self,
        block: &Block,
        evidence: &Evidence,
        offload: &[String],
    ) {
        let closures: Vec<(String, Vec<usize>)> = block
            .stmts
            .iter()
            .filter_map(|stmt| {
                let Stmt::Local(local) = stmt else {
                    return None;
                };
                let pat = match &local.pat {
                    Pat::Type(typed) => &*typed.pat,
                    pat => pat,
                };
                let Pat::Ident(name) = pat else {
                    return None;
                };
                let closures = bound_closures(&local.init.as_ref()?.expr);
                (!closures.is_empty()).then(|| (name.ident.to_string(), closures))
            })
            .collect();
        if closures.is_empty() {
            return;
        }
        let mut names = HashSet::new();
        let mut note = |value: &Expr| {
            if let Some(ident) = wrapped_path(value).and_then(|path| path.path.get_ident()) {
                names.insert(ident.to_string());
            }
        };
        for call in calls_in(block) {
            match call {
                CallSite::Path(path, args)
                    if is_offloader_path(&evidence.resolve_expr_path(path), offload) =>
                {
                    args.iter().for_each(&mut note);
                }
                CallSite::Path(path, args) if is_constructor_path(path) => {
                    args.iter().for_each(&mut note);
                }
                CallSite::Method(method, args)
                    if is_offloading_method(&method.to_string())
                        || ident_in(method, known_paths::STORING_METHODS) =>
                {
                    args.iter().for_each(&mut note);
                }
                CallSite::Fields(literal) => {
                    literal.fields.iter().for_each(|field| note(&field.expr));
                }
                CallSite::Assigned(assign) => note(&assign.right),
                _ => {}
            }
        }
        for (name, closures) in closures {
            if names.contains(&name) {
                self.offloaded.extend(closures);
            }
        }
    }

    /// Closures this expression stores for later rather than runs (SPEC §1): a struct
    /// literal's field, an array element, a value assigned to a field or an index, an
    /// argument of a storing method (`push`, `insert`, `send`), and a boxed closure
    /// (`Box::new(move || ..)`) given to any call. Wrappers (`Some`, `Box::new`) are seen
    /// through. Runs on every expression before its children are walked.
    fn mark_stored(&mut self, expr: &Expr, track_paths: bool) {
        if track_paths
            && let Expr::Call(call) = expr
            && is_constructor(&call.func)
        {
            let paths = call.args.iter().filter_map(wrapped_path);
            self.stored_paths.extend(paths.map(addr));
        }
        let stored: Vec<&Expr> = match expr {
            Expr::Struct(literal) => literal.fields.iter().map(|field| &field.expr).collect(),
            Expr::Array(array) => array.elems.iter().collect(),
            Expr::Assign(assign) if assigns_a_place(assign) => vec![&*assign.right],
            Expr::MethodCall(call) => {
                if ident_in(&call.method, known_paths::STORING_METHODS) {
                    call.args.iter().collect()
                } else {
                    call.args.iter().filter(|arg| is_boxed(arg)).collect()
                }
            }
            Expr::Call(call) => {
                let boxed: Vec<&Expr> = call.args.iter().filter(|arg| is_boxed(arg)).collect();
                if boxed.is_empty() || is_wrapper(&call.func) {
                    return;
                }
                boxed
            }
            _ => return,
        };
        for value in stored {
            if let Some(closure) = wrapped_closure(value)
                && closure.asyncness.is_none()
            {
                self.offloaded.insert(addr(closure));
            } else if track_paths && let Some(path) = wrapped_path(value) {
                self.stored_paths.insert(addr(path));
            }
        }
    }

    /// Is this plain name stored for later here (a struct's field, a constructor's
    /// argument, a storing method's)?
    pub(crate) fn is_stored_path(&self, path: &syn::ExprPath) -> bool {
        self.stored_paths.contains(&addr(path))
    }

    pub(super) fn mark_offloaded<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        for arg in args {
            if let Some(closure) = closure_value(arg)
                && closure.asyncness.is_none()
            {
                self.offloaded.insert(addr(closure));
            }
        }
    }
}

/// Does this path end with a row of `table` (`Some`, `Box::new`)?
fn names_wrapper(func: &Expr, table: &[&str]) -> bool {
    matches!(peel(func), Expr::Path(path) if path_names_wrapper(&path.path, table))
}

fn path_names_wrapper(path: &syn::Path, table: &[&str]) -> bool {
    let mut segments = path.segments.iter().rev();
    let Some(last) = segments.next() else {
        return false;
    };
    let before = segments.next();
    table.iter().any(|row| match split_path(row) {
        Some((ty, f)) => last.ident == f && before.is_some_and(|segment| segment.ident == ty),
        None => last.ident == row,
    })
}

fn is_wrapper(func: &Expr) -> bool {
    names_wrapper(func, known_paths::CLOSURE_WRAPPERS)
}

/// `Box::new(move || ..)` (also inside `Some(..)`): a closure whose type is erased to be
/// kept.
fn is_boxed(arg: &Expr) -> bool {
    let mut expr = peel(arg);
    for _ in 0..4 {
        let Expr::Call(call) = expr else {
            return false;
        };
        if call.args.len() != 1 || !is_wrapper(&call.func) {
            return false;
        }
        if names_wrapper(&call.func, known_paths::CLOSURE_BOXES) {
            return closure_value(&call.args[0]).is_some();
        }
        expr = peel(&call.args[0]);
    }
    false
}

/// The closure a stored value holds: the closure itself, or inside wrappers
/// (`Some(Box::new(move || ..))`), a few deep.
fn wrapped_closure(value: &Expr) -> Option<&ExprClosure> {
    let mut expr = value;
    for _ in 0..4 {
        if let Some(closure) = closure_value(expr) {
            return Some(closure);
        }
        match peel(expr) {
            Expr::Call(call) if call.args.len() == 1 && is_wrapper(&call.func) => {
                expr = &call.args[0];
            }
            _ => return None,
        }
    }
    None
}

/// `Self(..)`, `Job(..)`, `Kind::Job(..)`: a tuple struct or variant built from its
/// arguments (which it keeps), not a wrapper (`Some`, `Box::new`).
fn is_constructor(func: &Expr) -> bool {
    matches!(peel(func), Expr::Path(path) if is_constructor_path(&path.path))
}

/// The sync closures a `let`'s value is: itself or wrapped (`Box::new(move || ..)`), or the
/// value of each branch of an `if`, a `match` or a block (at most 16 places looked at).
fn bound_closures(value: &Expr) -> Vec<usize> {
    let mut found = Vec::new();
    let mut pending = vec![value];
    let mut seen = 0;
    while let Some(expr) = pending.pop() {
        seen += 1;
        if seen > 16 {
            break;
        }
        if let Some(closure) = wrapped_closure(expr) {
            if closure.asyncness.is_none() {
                found.push(addr(closure));
            }
            continue;
        }
        fn tail(block: &Block) -> Option<&Expr> {
            match block.stmts.last() {
                Some(Stmt::Expr(tail, None)) => Some(tail),
                _ => None,
            }
        }
        match peel(expr) {
            Expr::If(branch) => {
                pending.extend(tail(&branch.then_branch));
                pending.extend(branch.else_branch.as_ref().map(|(_, other)| &**other));
            }
            Expr::Match(choice) => pending.extend(choice.arms.iter().map(|arm| &*arm.body)),
            Expr::Block(inner) => pending.extend(tail(&inner.block)),
            _ => {}
        }
    }
    found
}

/// A constructor's path: `Self(..)`, `Job(..)`; not a wrapper (`Some(..)`).
fn is_constructor_path(path: &syn::Path) -> bool {
    path.segments.last().is_some_and(|last| {
        let name = last.ident.to_string();
        name == "Self"
            || (name.starts_with(|c: char| c.is_ascii_uppercase())
                && name.contains(|c: char| c.is_ascii_lowercase()))
    }) && !path_names_wrapper(path, known_paths::CLOSURE_WRAPPERS)
}

/// The plain name a stored value holds: itself, or inside wrappers (`Arc::new(f)`).
fn wrapped_path(value: &Expr) -> Option<&syn::ExprPath> {
    let mut expr = value;
    for _ in 0..4 {
        match peel(expr) {
            Expr::Path(path) if path.qself.is_none() && path.path.get_ident().is_some() => {
                return Some(path);
            }
            Expr::Call(call) if call.args.len() == 1 && is_wrapper(&call.func) => {
                expr = &call.args[0];
            }
            _ => return None,
        }
    }
    None
}

/// `(move || g.len())()`: a `move` closure called on the spot takes what it names with it
/// and drops it when the call is done. The plain names its body uses (an explicit-stack
/// scan, bounded; nested items and macro bodies are not looked into); empty unless `func`
/// is such a closure.
pub(crate) fn moved_into_called_closure(func: &Expr) -> Vec<String> {
    const LIMIT: usize = 256;
    let Some(closure) = closure_value(func).filter(|closure| closure.capture.is_some()) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut stack: Vec<&Expr> = vec![&closure.body];
    let mut seen = 0;
    while let Some(expr) = stack.pop() {
        seen += 1;
        if seen > LIMIT {
            break;
        }
        match expr {
            Expr::Path(path) => {
                if let Some(ident) = path.path.get_ident() {
                    names.push(ident.to_string());
                }
            }
            Expr::MethodCall(call) => {
                stack.push(&call.receiver);
                stack.extend(call.args.iter());
            }
            Expr::Call(call) => stack.extend(call.args.iter()),
            Expr::Field(field) => stack.push(&field.base),
            Expr::Reference(reference) => stack.push(&reference.expr),
            Expr::Unary(unary) => stack.push(&unary.expr),
            Expr::Paren(paren) => stack.push(&paren.expr),
            Expr::Index(index) => stack.extend([&*index.expr, &*index.index]),
            Expr::Binary(binary) => stack.extend([&*binary.left, &*binary.right]),
            Expr::Assign(assign) => stack.extend([&*assign.left, &*assign.right]),
            Expr::Try(tried) => stack.push(&tried.expr),
            Expr::Block(block) => {
                for stmt in &block.block.stmts {
                    match stmt {
                        Stmt::Expr(expr, _) => stack.push(expr),
                        Stmt::Local(local) => stack.extend(local.init.as_ref().map(|i| &*i.expr)),
                        Stmt::Item(_) | Stmt::Macro(_) => {}
                    }
                }
            }
            _ => {}
        }
    }
    names
}
