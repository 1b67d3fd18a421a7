//! What creates, holds, moves and drops a guard during the walk: the event methods the
//! walk calls (lock calls, `let`, assignments, awaits, branch snapshots and merges), over
//! the per-body lifetimes of `guards::body`.

use foldhash::{HashMap, HashSet};

use syn::{Expr, ExprCall, ExprMethodCall, FnArg, Pat, Signature};

use super::escape::{Escapes, PendingGuard, PendingSource, lock_items};
use super::shapes::*;
use crate::analysis::evidence::Evidence;
use crate::analysis::facts::{Fact, GuardHeld};
use crate::analysis::guards::{Body, GuardId, Snapshot};
use crate::analysis::imports::{Imports, Resolved};
use crate::analysis::known_paths::{self, Lock};
use crate::analysis::source::LineIndex;
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;
use crate::diagnostic::Span;
use crate::rules::Rule;

mod value;

/// Guards of synchronous locks: created, held, moved and dropped as the walk goes.
#[derive(Default)]
pub(crate) struct GuardTracker {
    /// The bodies being walked (fn, closure, async block), innermost last: their guards.
    bodies: Vec<Body>,
    /// Lock calls that created a guard, by address: (body depth, guard).
    lock_calls: HashMap<usize, (usize, GuardId)>,
    /// Zero-argument `lock()`/`read()`/`write()` calls whose result is unwrapped: std's shape.
    std_shaped: HashSet<usize>,
    /// What the crate model must answer: values that may be guards, the file's lock items.
    escapes: Escapes,
    /// The `let` being bound wraps its guards in a value (`Some(g)`): its names are
    /// containers.
    let_wraps: bool,
}

impl GuardTracker {
    /// Forgets every node by address (see `Context::forget_nodes`).
    pub(crate) fn forget_nodes(&mut self) {
        self.lock_calls.clear();
        self.std_shaped.clear();
    }

    pub(crate) fn push_body(&mut self, is_async: bool) {
        self.bodies.push(Body::new(is_async));
    }

    /// Enters an async block: the guards of the async body around that it names are
    /// alive in it from its start (moved in by `async move`, borrowed otherwise). A sync
    /// fn's guard is not: the block is driven to its end while the fn blocks
    /// (`block_on(async { .. })` under a lock is a blocking call under it).
    pub(crate) fn enter_async(&mut self, block: &syn::ExprAsync) {
        let named = match self.bodies.last() {
            Some(outer) if outer.is_async() => outer.named_alive(),
            _ => Vec::new(),
        };
        let mut inner = Body::new(true);
        if !named.is_empty() {
            let used = idents_in(block);
            let outer = self
                .bodies
                .last_mut()
                .expect("named guards come from a body");
            for (name, id) in named.iter().filter(|(name, _)| used.contains(name)) {
                if let Some(guard) = outer.guard(*id) {
                    inner.capture(name, guard, *id);
                }
                if block.capture.is_some() {
                    outer.release(name);
                }
            }
        }
        self.bodies.push(inner);
    }

    pub(crate) fn with_body(&mut self, f: impl FnOnce(&mut Body)) {
        if let Some(body) = self.bodies.last_mut() {
            f(body);
        }
    }

    /// Declares names in the innermost body (a closure's parameters).
    pub(crate) fn declare(&mut self, names: &[String]) {
        self.with_body(|body| {
            body.declare(names);
        });
    }

    /// Names moved into a call: what they hold ends there.
    pub(crate) fn release_names(&mut self, names: &[String]) {
        self.with_body(|body| names.iter().for_each(|name| body.release(name)));
    }

    /// Enters a `for` loop's body: its pattern's names are bindings of its scope.
    pub(crate) fn enter_for(&mut self, names: &[String]) {
        self.with_body(|body| {
            body.enter_loop();
            body.enter_scope();
            body.declare(names);
        });
    }

    /// Enters a fn's body: its parameters are bindings that hold no guard yet.
    pub(crate) fn enter_fn(&mut self, sig: &Signature, is_async: bool) {
        self.push_body(is_async);
        if is_async && sig.asyncness.is_none() {
            self.with_body(|body| body.poll = true);
        }
        let names: Vec<String> = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Typed(typed) => Some(pattern_names(&typed.pat)),
                FnArg::Receiver(_) => None,
            })
            .flatten()
            .collect();
        self.with_body(|body| {
            body.declare(&names);
        });
    }

    /// A pattern binds a value holding these guards (`let`, `if let`, a match arm): its
    /// names are new bindings that own them.
    pub(crate) fn on_let(&mut self, pat: &Pat, guards: &[GuardId]) {
        let names = pattern_names(pat);
        let wraps = std::mem::take(&mut self.let_wraps);
        self.with_body(|body| {
            let bindings = body.declare(&names);
            body.own(guards, bindings, &names);
            if wraps && !guards.is_empty() {
                names.iter().for_each(|name| body.mark_container(name));
            }
        });
    }

    /// Enters a match arm: its scope, and its pattern's names holding what the scrutinee
    /// holds.
    pub(crate) fn enter_arm(&mut self, pat: &Pat, guards: &[GuardId]) {
        self.with_body(Body::enter_scope);
        self.on_let(pat, guards);
    }

    /// `name = value`: the name now holds what the value holds (and drops what it held).
    /// False when the left side is not a bare name: the walk walks it as an expression.
    pub(crate) fn on_assign(&mut self, left: &Expr, right: &Expr) -> bool {
        let guards = self.guard_value(right);
        if let Some((place, root)) = place_name(left).filter(|(place, _)| place.contains('.')) {
            // `self.held = Some(g)`: the field holds them (its old value drops).
            self.with_body(|body| {
                let binding = body.place(&place, &root);
                body.release(&place);
                body.store(binding, &place, &guards);
            });
            return false;
        }
        let Expr::Path(path) = peel(left) else {
            return false;
        };
        let Some(ident) = path.path.get_ident() else {
            return false;
        };
        let name = ident.to_string();
        let wraps = wraps_value(right);
        self.with_body(|body| {
            body.assign(&name, &guards);
            if wraps && !guards.is_empty() {
                body.mark_container(&name);
            }
        });
        true
    }

    /// A nested module's items are no part of the bodies around them: those are set
    /// aside until [`Self::resume`].
    pub(crate) fn suspend(&mut self) -> Vec<Body> {
        std::mem::take(&mut self.bodies)
    }

    pub(crate) fn resume(&mut self, bodies: Vec<Body>) {
        self.bodies = bodies;
    }

    /// Is a body being walked? Guards live only in bodies.
    pub(crate) fn in_body(&self) -> bool {
        !self.bodies.is_empty()
    }

    /// Can the innermost body `.await` (an async fn, block or closure; not a poll fn)?
    pub(crate) fn can_await(&self) -> bool {
        self.bodies
            .last()
            .is_some_and(|body| body.is_async() && !body.poll)
    }

    /// Is a guard, or an `Rc`, of the innermost body alive here? An `.await` added here
    /// would hold it (a non-`Send` future, or a new `*_across_await` finding).
    pub(crate) fn guard_alive(&self) -> bool {
        self.bodies.last().is_some_and(Body::any_alive)
    }

    /// A `let` initializer that makes an `Rc` (`Rc::new(..)`, `Rc::clone(..)`, `.clone()`
    /// of a binding holding one): a silent guard its bindings own, never reported.
    fn rc_value(&mut self, expr: &Expr, index: &LineIndex) -> Option<GuardId> {
        let makes_rc = match peel(expr) {
            Expr::Call(call) => match peel(&call.func) {
                Expr::Path(path) => {
                    let segments: Vec<String> = path
                        .path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect();
                    matches!(
                        segments.as_slice(),
                        [.., rc, f] if rc == "Rc" && matches!(f.as_str(), "new" | "clone" | "from")
                    )
                }
                _ => false,
            },
            Expr::MethodCall(call) if call.method == "clone" => match peel(&call.receiver) {
                Expr::Path(path) => path.path.get_ident().is_some_and(|name| {
                    let body = self.bodies.last();
                    body.is_some_and(|body| body.holds_rc(&name.to_string()))
                }),
                _ => false,
            },
            _ => false,
        };
        if !makes_rc {
            return None;
        }
        let span = index.span(syn::spanned::Spanned::span(expr));
        let body = self.bodies.last_mut()?;
        let id = body.create(Rule::LockAcrossAwait, "Rc".to_string(), span);
        body.silence(id);
        Some(id)
    }

    /// Is the innermost body a sync one (a closure inheriting async context)?
    pub(crate) fn in_sync_body(&self) -> bool {
        self.bodies.last().is_some_and(|body| !body.is_async())
    }

    /// Ends a body: reports every guard that was alive at one of its awaits.
    pub(crate) fn pop_body(&mut self, file: &str, facts: &mut Vec<Fact>) {
        let Some(body) = self.bodies.pop() else {
            return;
        };
        for guard in body.into_guards() {
            if guard.awaits.is_empty() || guard.silent {
                continue;
            }
            if let Some(outer) = guard.captured_from {
                // Reported with the guard of the body around, where it was taken.
                self.with_body(|body| body.add_awaits(outer, &guard.awaits));
                continue;
            }
            if let Some(source) = guard.pending {
                self.escapes.pending.push(PendingGuard {
                    span: guard.span,
                    binding: guard.binding,
                    awaits: guard.awaits,
                    source,
                    fallback: guard.fallback,
                });
                continue;
            }
            let lock = if guard.rule == Rule::RefcellAcrossAwait {
                "RefCell".to_string()
            } else {
                guard.kind
            };
            facts.push(Fact::GuardHeld(GuardHeld {
                rule: guard.rule,
                file: file.to_string(),
                span: guard.span,
                lock,
                binding: guard.binding,
                awaits: guard.awaits,
                origin: None,
            }));
        }
    }

    /// The lock whose guard a fn returns: its return type names a guard type.
    pub(crate) fn returned_lock(
        &self,
        evidence: &Evidence,
        sig: &Signature,
        self_ty: &Ty,
    ) -> Option<&'static Lock> {
        let returns = evidence.return_type(sig, self_ty)?;
        known_paths::guard_type_lock(returns.path()?, returns.arg(0).path())
    }

    /// What the crate model must answer about this file's guards.
    pub(crate) fn into_escapes(self) -> Escapes {
        self.escapes
    }

    /// A module's items: the struct fields and type aliases of lock types among them.
    pub(crate) fn collect_items(
        &mut self,
        items: &[syn::Item],
        imports: &Imports,
        index: &LineIndex,
    ) {
        let found = lock_items(items, imports, index);
        self.escapes.lock_items.extend(found);
    }

    /// A method call in async code: if the source shows it takes a guard of a synchronous
    /// lock, the guard starts its life here as a temporary; if the crate may show it (a
    /// method of the crate's type, a lock call on a field or alias declared elsewhere),
    /// a value that may be a guard does.
    pub(crate) fn on_method_call(
        &mut self,
        call: &ExprMethodCall,
        method: &str,
        receiver: &Ty,
        evidence: &Evidence,
        index: &LineIndex,
    ) {
        let in_async = self.bodies.last().is_some_and(Body::is_async);
        if let Some((lock, by_shape)) = self.lock_of(call, method, receiver, &evidence.imports) {
            let span = index.span(call.method.span());
            // `self.cache.lock().unwrap()`, `cache` a field of a struct declared elsewhere:
            // std's lock by the call's shape, unless the crate shows the field's type.
            match lock_source(call, receiver, evidence, method.to_string())
                .filter(|_| by_shape && in_async)
            {
                Some(source) => self.create_pending(addr(call), source, span, Some(lock)),
                None => self.create(addr(call), lock, span),
            }
            return;
        }
        if !in_async {
            return;
        }
        let source = if known_paths::is_guard_method(method) {
            lock_source(call, receiver, evidence, method.to_string())
        } else if crate_type(receiver) {
            let returns = evidence.method_return(receiver, method, call, 0);
            (returns == Ty::Unknown || is_guard_type(&returns)).then_some(PendingSource::Call)
        } else {
            None
        };
        if let Some(source) = source {
            self.create_pending(addr(call), source, index.span(call.method.span()), None);
        }
    }

    /// A call by path of a crate fn in async code: a value that may be a guard.
    pub(crate) fn on_path_call(
        &mut self,
        call: &ExprCall,
        resolved: &Resolved,
        span: Span,
        awaited: bool,
    ) {
        if awaited || !self.bodies.last().is_some_and(Body::is_async) {
            return;
        }
        let crate_fn = match resolved {
            Resolved::Local(_) => true,
            Resolved::Extern(path) => {
                !known_paths::WELL_KNOWN_CRATES.contains(&path.split(':').next().unwrap_or(path))
            }
        };
        if crate_fn && !builds_value(&call.func) {
            self.create_pending(addr(call), PendingSource::Call, span, None);
        }
    }

    /// A value that may be a guard; `fallback`: the lock it is by the call's shape, if
    /// the crate does not show another.
    fn create_pending(
        &mut self,
        at: usize,
        source: PendingSource,
        span: Span,
        fallback: Option<&'static Lock>,
    ) {
        let depth = self.bodies.len();
        if let Some(body) = self.bodies.last_mut() {
            let id = body.create_pending(source, span, fallback);
            self.lock_calls.insert(at, (depth, id));
        }
    }

    /// A guard of `lock`, taken by the call at `at`.
    fn create(&mut self, at: usize, lock: &'static Lock, span: Span) {
        let depth = self.bodies.len();
        if let Some(body) = self.bodies.last_mut() {
            let id = body.create(lock.rule, lock.path.to_string(), span);
            self.lock_calls.insert(at, (depth, id));
        }
    }

    /// A lock, mutex or cell method call: the synchronous lock the source shows it takes
    /// a guard of, and whether only the call's shape shows it (`lock().unwrap()`).
    fn lock_of(
        &self,
        call: &ExprMethodCall,
        method: &str,
        receiver: &Ty,
        imports: &Imports,
    ) -> Option<(&'static Lock, bool)> {
        match receiver.path() {
            Some(path) => known_paths::lock(path, method).map(|lock| (lock, false)),
            None if self.std_shaped.contains(&addr(call))
                && *receiver == Ty::Unknown
                && !built_by_macro(&call.receiver)
                && !async_lock_may_take(imports, method) =>
            {
                known_paths::std_shaped(method).map(|lock| (lock, true))
            }
            None => None,
        }
    }

    /// Bare names passed by value to a call are moved: what they hold ends there.
    pub(crate) fn release_moved<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        let names: Vec<String> = args
            .filter_map(|arg| match peel(arg) {
                Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
                _ => None,
            })
            .collect();
        self.with_body(|body| {
            for name in &names {
                body.release(name);
            }
        });
    }

    /// After a method call: names passed by value are moved, and a temporary guard moved
    /// into a combinator's closure (`try_borrow_mut().ok().and_then(|mut m| m.take())`)
    /// ends when the closure returns, unless the closure gives it back.
    pub(crate) fn after_method_call(&mut self, call: &ExprMethodCall, method: &str) {
        self.release_moved(call.args.iter());
        let storing = known_paths::GUARD_STORING_METHODS.contains(&method);
        let taking = !storing && known_paths::TAKING_METHODS.contains(&method);
        if (storing || taking)
            && let Some((place, root)) = place_name(&call.receiver)
        {
            if storing {
                // `guards.push(g)`: the collection holds them as long as it lives.
                let stored: Vec<GuardId> = call
                    .args
                    .iter()
                    .flat_map(|arg| self.guard_value(arg))
                    .collect();
                if !stored.is_empty() {
                    self.with_body(|body| {
                        let binding = body.place(&place, &root);
                        body.store(binding, &place, &stored);
                    });
                }
            } else {
                // `held.take()`: what it held moves to the call's value.
                self.with_body(|body| body.take_out(&place));
            }
        }
        if !known_paths::CONSUMING_COMBINATORS.contains(&method) {
            return;
        }
        let Some(closure) = call.args.last().and_then(closure_value) else {
            return;
        };
        let params: Vec<String> = closure.inputs.iter().flat_map(pattern_names).collect();
        let gives_back = match peel(&closure.body) {
            Expr::Path(path) => path
                .path
                .get_ident()
                .is_some_and(|ident| params.contains(&ident.to_string())),
            _ => false,
        };
        if gives_back || matches!(peel(&call.receiver), Expr::Path(_)) {
            return;
        }
        let moved = self.guard_value(&call.receiver);
        self.with_body(|body| body.kill_temps(&moved));
    }

    pub(crate) fn guard_count(&self) -> usize {
        self.bodies.last().map_or(0, Body::guard_count)
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        self.bodies.last().map(Body::snapshot).unwrap_or_default()
    }

    pub(crate) fn restore(&mut self, snapshot: &Snapshot) {
        self.with_body(|body| body.restore(snapshot));
    }

    /// Joins branches: `ends` are the states where each branch flows on; when none does,
    /// the code after is unreachable and the state before stands.
    pub(crate) fn merge(&mut self, before: Snapshot, ends: Vec<Snapshot>) {
        if ends.is_empty() {
            self.restore(&before);
        } else {
            self.with_body(|body| body.merge(&ends));
        }
    }

    /// `lock().unwrap()`, `lock()?`: a zero-argument lock call whose result is unwrapped
    /// is `std::sync`'s (async locks are awaited, parking_lot's need no unwrap).
    pub(crate) fn mark_std_shaped(&mut self, expr: &Expr) {
        if let Expr::MethodCall(inner) = peel(expr)
            && inner.args.is_empty()
            && known_paths::STD_SHAPED
                .iter()
                .any(|(method, _)| inner.method == method)
        {
            self.std_shaped.insert(addr(inner));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Settings, lint_source};

    fn lines(source: &str) -> Vec<(u32, &'static str)> {
        lint_source("app.rs", source, &Settings::default())
            .iter()
            .map(|d| (d.span.start.line, d.rule.name()))
            .collect()
    }

    #[test]
    fn the_call_shape_fallback_skips_macro_receivers_and_known_types() {
        let source = r#"
use app::helpers::Shell;
async fn f(sh: &Shell, state: &State, tick: impl std::future::Future) {
    let out = cmd!(sh, "git status").read()?;
    let quiet = cmd!(sh, "git log").quiet().read()?;
    let pair = (1, 2);
    tick.await;
    let g = state.inner.lock().unwrap();
    tick.await;
}
"#;
        assert_eq!(lines(source), [(8, "lock_across_await")]);
    }

    #[test]
    fn an_unseen_lock_may_be_an_imported_async_lock() {
        let tokio_only = r#"
use tokio::sync::Mutex;
async fn f(state: &State, tick: impl std::future::Future) {
    let g = state.inner.try_lock().unwrap();
    let h = state.other.lock().unwrap();
    tick.await;
}
"#;
        assert_eq!(lines(tokio_only), [(5, "lock_across_await")]);
        let std_only = tokio_only.replace("tokio::sync::Mutex", "std::sync::Mutex");
        assert_eq!(
            lines(&std_only),
            [(4, "lock_across_await"), (5, "lock_across_await")]
        );
        let module = tokio_only.replace("tokio::sync::Mutex", "tokio::sync");
        assert_eq!(lines(&module), [(5, "lock_across_await")]);
    }

    #[test]
    fn a_guard_moved_into_a_combinator_ends_with_its_closure() {
        let source = r#"
use std::cell::RefCell;
async fn f(slot: &RefCell<Option<u8>>, tick: impl std::future::Future) {
    if let Some(v) = slot.try_borrow_mut().ok().and_then(|mut m| m.take()) {
        tick.await;
    }
    if let Some(v) = slot.borrow_mut().take() {
        tick.await;
    }
    if let Some(g) = slot.try_borrow_mut().ok().map(|m| m) {
        tick.await;
    }
}
"#;
        assert_eq!(
            lines(source),
            [(7, "refcell_across_await"), (10, "refcell_across_await")]
        );
    }
}
