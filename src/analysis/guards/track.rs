//! What creates, holds, moves and drops a guard during the walk: the event methods the
//! walk calls (lock calls, `let`, assignments, awaits, branch snapshots and merges), over
//! the per-body lifetimes of `guards::body`.

use std::collections::{HashMap, HashSet};

use syn::{Expr, ExprMethodCall, FnArg, Pat, Signature, Stmt};

use crate::analysis::facts::{Fact, GuardHeld};
use crate::analysis::guards::{Body, GuardId};
use crate::analysis::imports::Imports;
use crate::analysis::known_paths::{self};
use crate::analysis::source::LineIndex;
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;
use crate::rules::Rule;

/// Guards of synchronous locks: created, held, moved and dropped as the walk goes.
#[derive(Default)]
pub(crate) struct GuardTracker {
    /// The bodies being walked (fn, closure, async block), innermost last: their guards.
    bodies: Vec<Body>,
    /// Lock calls that created a guard, by address: (body depth, guard).
    lock_calls: HashMap<usize, (usize, GuardId)>,
    /// Zero-argument `lock()`/`read()`/`write()` calls whose result is unwrapped: std's shape.
    std_shaped: HashSet<usize>,
}

impl GuardTracker {
    pub(crate) fn push_body(&mut self, is_async: bool) {
        self.bodies.push(Body::new(is_async));
    }

    pub(crate) fn with_body(&mut self, f: impl FnOnce(&mut Body)) {
        if let Some(body) = self.bodies.last_mut() {
            f(body);
        }
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
        self.with_body(|body| {
            let bindings = body.declare(&names);
            body.own(guards, bindings, &names);
        });
    }

    /// `name = value`: the name now holds what the value holds (and drops what it held).
    /// False when the left side is not a bare name: the walk walks it as an expression.
    pub(crate) fn on_assign(&mut self, left: &Expr, right: &Expr) -> bool {
        let guards = self.guard_value(right);
        let Expr::Path(path) = peel(left) else {
            return false;
        };
        let Some(ident) = path.path.get_ident() else {
            return false;
        };
        let name = ident.to_string();
        self.with_body(|body| body.assign(&name, &guards));
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
        if !body.is_async() {
            return;
        }
        for guard in body.into_guards() {
            if guard.awaits.is_empty() || guard.silent {
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
            }));
        }
    }

    /// A lock, mutex or cell method call: if the source shows it takes a guard of a
    /// synchronous lock, the guard starts its life here as a temporary.
    pub(crate) fn on_lock_call(
        &mut self,
        call: &ExprMethodCall,
        receiver: &Ty,
        imports: &Imports,
        index: &LineIndex,
    ) {
        let method = call.method.to_string();
        let found = match receiver.path() {
            Some(path) => known_paths::lock(path, &method),
            None if self.std_shaped.contains(&addr(call))
                && *receiver == Ty::Unknown
                && !built_by_macro(&call.receiver)
                && !async_lock_may_take(imports, &method) =>
            {
                known_paths::std_shaped(&method)
            }
            None => None,
        };
        let Some(lock) = found else {
            return;
        };
        let (rule, kind) = (lock.rule, lock.path);
        let span = index.span(call.method.span());
        let depth = self.bodies.len();
        if let Some(body) = self.bodies.last_mut() {
            let id = body.create(rule, kind.to_string(), span);
            self.lock_calls.insert(addr(call), (depth, id));
        }
    }

    /// The guards an expression's value holds (the guard itself, or a value built
    /// around it: `Some(g)`, `(a, g)`, `Wrapper { g }`, `MutexGuard::map(g, ..)`).
    pub(crate) fn guard_value(&self, expr: &Expr) -> Vec<GuardId> {
        self.guards_of(expr, false)
    }

    /// The guards a `let` initializer keeps alive for the binding's block: its value's,
    /// and those whose temporaries `&` extends (`&m.lock().unwrap()`, `&mut *g_temp`,
    /// `&temp[0]`); and an `Rc` it makes ([`Self::rc_value`]).
    pub(crate) fn let_guards(&mut self, expr: &Expr, index: &LineIndex) -> Vec<GuardId> {
        let mut guards = self.guards_of(expr, true);
        guards.sort_unstable();
        guards.dedup();
        guards.extend(self.rc_value(expr, index));
        guards
    }

    /// The guards of an expression's value, and with `extended` also those of the
    /// temporaries a `let` extends. A worklist in source order, not a recursion; each
    /// item is `MAX_TYPE_DEPTH` levels deep at most, as the source shows no deeper value.
    fn guards_of(&self, expr: &Expr, extended: bool) -> Vec<GuardId> {
        let depth = self.bodies.len();
        let Some(body) = self.bodies.last() else {
            return Vec::new();
        };
        let mut found = Vec::new();
        // Pushed last-first, so that items pop in source order.
        let mut work = Vec::new();
        if extended {
            work.push((Want::Extended, expr, 0));
        }
        work.push((Want::Value, expr, 0));
        while let Some((want, expr, level)) = work.pop() {
            if level > MAX_TYPE_DEPTH {
                continue;
            }
            let next = level + 1;
            match (want, peel(expr)) {
                (Want::Value, Expr::MethodCall(call)) => {
                    if let Some((d, id)) = self.lock_calls.get(&addr(call))
                        && *d == depth
                    {
                        found.push(*id);
                    } else if known_paths::GUARD_PRESERVING
                        .contains(&call.method.to_string().as_str())
                    {
                        push(&mut work, next, Want::Value, vec![&call.receiver]);
                    }
                }
                (Want::Value, Expr::Try(inner)) => {
                    push(&mut work, next, Want::Value, vec![&inner.expr])
                }
                (Want::Value, Expr::Path(path)) => {
                    if let Some(ident) = path.path.get_ident() {
                        found.extend(body.held_by(&ident.to_string()));
                    }
                }
                (Want::Value, Expr::Call(call)) if builds_value(&call.func) => {
                    push(&mut work, next, Want::Value, call.args.iter().collect());
                }
                (Want::Value | Want::Extended, Expr::Tuple(tuple)) => {
                    push(&mut work, next, want, tuple.elems.iter().collect());
                }
                (Want::Value | Want::Extended, Expr::Array(array)) => {
                    push(&mut work, next, want, array.elems.iter().collect());
                }
                (Want::Value | Want::Extended, Expr::Struct(literal)) => {
                    push(
                        &mut work,
                        next,
                        want,
                        literal.fields.iter().map(|f| &f.expr).collect(),
                    );
                }
                (Want::Value, Expr::Block(block)) => {
                    if let Some(Stmt::Expr(tail, None)) = block.block.stmts.last() {
                        push(&mut work, next, Want::Value, vec![tail]);
                    }
                }
                (Want::Value, Expr::Match(matched)) if passes_through(matched) => {
                    push(&mut work, next, Want::Value, vec![&matched.expr]);
                }
                (Want::Extended, Expr::Reference(reference)) => {
                    push(&mut work, next, Want::Place, vec![&reference.expr]);
                }
                (Want::Extended, Expr::Cast(cast)) => {
                    push(&mut work, next, Want::Extended, vec![&cast.expr])
                }
                (Want::Place, Expr::Unary(unary)) if matches!(unary.op, syn::UnOp::Deref(_)) => {
                    push(&mut work, next, Want::Place, vec![&unary.expr]);
                }
                (Want::Place, Expr::Field(field)) => {
                    push(&mut work, next, Want::Place, vec![&field.base])
                }
                (Want::Place, Expr::Index(index)) => {
                    push(&mut work, next, Want::Place, vec![&index.expr])
                }
                // The place a reference borrows: the value there, a temporary `&` extends.
                (Want::Place, _) => work.push((Want::Value, expr, next)),
                _ => {}
            }
        }
        found
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
    pub(crate) fn after_method_call(&mut self, call: &ExprMethodCall) {
        self.release_moved(call.args.iter());
        if !known_paths::CONSUMING_COMBINATORS.contains(&call.method.to_string().as_str()) {
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

    pub(crate) fn snapshot(&self) -> Vec<bool> {
        self.bodies.last().map(Body::snapshot).unwrap_or_default()
    }

    pub(crate) fn restore(&mut self, snapshot: &[bool]) {
        self.with_body(|body| body.restore(snapshot));
    }

    /// Joins branches: `ends` are the states where each branch flows on; when none does,
    /// the code after is unreachable and the state before stands.
    pub(crate) fn merge(&mut self, before: Vec<bool>, ends: Vec<Vec<bool>>) {
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

/// Is a receiver a value a macro builds (`cmd!(sh, "git status")`, and calls on it): a
/// process helper's command, say, not a lock.
fn built_by_macro(mut receiver: &Expr) -> bool {
    loop {
        receiver = match peel(receiver) {
            Expr::Macro(_) => return true,
            Expr::MethodCall(call) => &call.receiver,
            Expr::Try(inner) => &inner.expr,
            Expr::Reference(inner) => &inner.expr,
            _ => return false,
        };
    }
}

/// Does the file import an async lock (or its module) whose method of this name takes a
/// guard without awaiting? Then an unseen lock's `try_lock()` may be that lock's.
fn async_lock_may_take(imports: &Imports, method: &str) -> bool {
    known_paths::ASYNC_LOCK_TRY_METHODS
        .iter()
        .any(|(path, methods)| {
            methods.contains(&method)
                && (imports.imports(path)
                    || path
                        .rsplit_once("::")
                        .is_some_and(|(module, _)| imports.imports(module)))
        })
}

/// Queues expressions for [`GuardTracker::guards_of`], last first so they pop in order.
fn push<'e>(
    work: &mut Vec<(Want, &'e Expr, usize)>,
    level: usize,
    want: Want,
    exprs: Vec<&'e Expr>,
) {
    work.extend(exprs.into_iter().rev().map(|expr| (want, expr, level)));
}

/// What [`GuardTracker::guards_of`] looks for in an expression.
#[derive(Clone, Copy)]
enum Want {
    /// The guards its value holds.
    Value,
    /// The guards of the temporaries a `let` extends through `&`.
    Extended,
    /// The guards of the place a `&` borrows.
    Place,
}

/// `match m.lock() { Ok(g) => g, Err(e) => e.into_inner() }`: an arm gives back what
/// the scrutinee held.
fn passes_through(matched: &syn::ExprMatch) -> bool {
    matched.arms.iter().any(|arm| {
        let names = pattern_names(&arm.pat);
        let is_bound = |expr: &Expr| match peel(expr) {
            Expr::Path(path) => path
                .path
                .get_ident()
                .is_some_and(|ident| names.contains(&ident.to_string())),
            _ => false,
        };
        match peel(&arm.body) {
            body @ Expr::Path(_) => is_bound(body),
            Expr::MethodCall(call) => {
                call.method == known_paths::POISON_RECOVERY && is_bound(&call.receiver)
            }
            _ => false,
        }
    })
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
