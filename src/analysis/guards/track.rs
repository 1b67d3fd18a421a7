//! What creates, holds, moves and drops a guard during the walk: the event methods the
//! walk calls (lock calls, `let`, assignments, awaits, branch snapshots and merges), over
//! the per-body lifetimes of `guards::body`.

use std::collections::{HashMap, HashSet};

use syn::{Expr, ExprMethodCall, FnArg, Pat, Signature, Stmt};

use crate::analysis::facts::{Fact, GuardHeld};
use crate::analysis::guards::{Body, GuardId};
use crate::analysis::known_paths::{self};
use crate::analysis::source::LineIndex;
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;
use crate::analysis::walk::MAX_TYPE_DEPTH;
use crate::rules::Rule;

/// Guards of synchronous locks: created, held, moved and dropped as the walk goes.
#[derive(Default)]
pub(crate) struct GuardTracker {
    /// The bodies being walked (fn, closure, async block), innermost last: their guards.
    pub(crate) bodies: Vec<Body>,
    /// Lock calls that created a guard, by address: (body depth, guard).
    pub(crate) lock_calls: HashMap<usize, (usize, GuardId)>,
    /// Zero-argument `lock()`/`read()`/`write()` calls whose result is unwrapped: std's shape.
    pub(crate) std_shaped: HashSet<usize>,
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

    /// Is a body being walked? Guards live only in bodies.
    pub(crate) fn in_body(&self) -> bool {
        !self.bodies.is_empty()
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
            if guard.awaits.is_empty() {
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
    pub(crate) fn on_lock_call(&mut self, call: &ExprMethodCall, receiver: &Ty, index: &LineIndex) {
        let method = call.method.to_string();
        let found = match receiver.path() {
            Some(path) => known_paths::lock(path, &method),
            None if self.std_shaped.contains(&addr(call)) => known_paths::std_shaped(&method),
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
        let depth = self.bodies.len();
        let Some(body) = self.bodies.last() else {
            return Vec::new();
        };
        self.guard_value_in(expr, body, depth, 0)
    }

    pub(crate) fn guard_value_in(
        &self,
        expr: &Expr,
        body: &Body,
        depth: usize,
        level: usize,
    ) -> Vec<GuardId> {
        if level > MAX_TYPE_DEPTH {
            return Vec::new();
        }
        let next = level + 1;
        match peel(expr) {
            Expr::MethodCall(call) => {
                if let Some((d, id)) = self.lock_calls.get(&addr(call))
                    && *d == depth
                {
                    return vec![*id];
                }
                if known_paths::GUARD_PRESERVING.contains(&call.method.to_string().as_str()) {
                    return self.guard_value_in(&call.receiver, body, depth, next);
                }
                Vec::new()
            }
            Expr::Try(inner) => self.guard_value_in(&inner.expr, body, depth, next),
            Expr::Path(path) => match path.path.get_ident() {
                Some(ident) => body.held_by(&ident.to_string()),
                None => Vec::new(),
            },
            Expr::Call(call) if builds_value(&call.func) => call
                .args
                .iter()
                .flat_map(|arg| self.guard_value_in(arg, body, depth, next))
                .collect(),
            Expr::Tuple(tuple) => tuple
                .elems
                .iter()
                .flat_map(|elem| self.guard_value_in(elem, body, depth, next))
                .collect(),
            Expr::Array(array) => array
                .elems
                .iter()
                .flat_map(|elem| self.guard_value_in(elem, body, depth, next))
                .collect(),
            Expr::Struct(literal) => literal
                .fields
                .iter()
                .flat_map(|field| self.guard_value_in(&field.expr, body, depth, next))
                .collect(),
            Expr::Block(block) => match block.block.stmts.last() {
                Some(Stmt::Expr(tail, None)) => self.guard_value_in(tail, body, depth, next),
                _ => Vec::new(),
            },
            Expr::Match(matched) => {
                // `match m.lock() { Ok(g) => g, Err(e) => e.into_inner() }`
                let passes_through = matched.arms.iter().any(|arm| {
                    let names = pattern_names(&arm.pat);
                    match peel(&arm.body) {
                        Expr::Path(path) => path
                            .path
                            .get_ident()
                            .is_some_and(|ident| names.contains(&ident.to_string())),
                        Expr::MethodCall(call) => {
                            call.method == "into_inner"
                                && matches!(peel(&call.receiver), Expr::Path(p)
                                    if p.path.get_ident().is_some_and(|i| names.contains(&i.to_string())))
                        }
                        _ => false,
                    }
                });
                if passes_through {
                    self.guard_value_in(&matched.expr, body, depth, next)
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }

    /// The guards a `let` initializer keeps alive for the binding's block: its value's,
    /// and those whose temporaries `&` extends (`&m.lock().unwrap()`, `&mut *g_temp`,
    /// `&temp[0]`).
    pub(crate) fn let_guards(&self, expr: &Expr) -> Vec<GuardId> {
        let depth = self.bodies.len();
        let Some(body) = self.bodies.last() else {
            return Vec::new();
        };
        let mut guards = self.guard_value_in(expr, body, depth, 0);
        guards.extend(self.extended(expr, body, depth, 0));
        guards.sort_unstable();
        guards.dedup();
        guards
    }

    pub(crate) fn extended(
        &self,
        expr: &Expr,
        body: &Body,
        depth: usize,
        level: usize,
    ) -> Vec<GuardId> {
        if level > MAX_TYPE_DEPTH {
            return Vec::new();
        }
        let next = level + 1;
        match peel(expr) {
            Expr::Reference(reference) => self.extended_place(&reference.expr, body, depth, next),
            Expr::Tuple(tuple) => tuple
                .elems
                .iter()
                .flat_map(|elem| self.extended(elem, body, depth, next))
                .collect(),
            Expr::Array(array) => array
                .elems
                .iter()
                .flat_map(|elem| self.extended(elem, body, depth, next))
                .collect(),
            Expr::Struct(literal) => literal
                .fields
                .iter()
                .flat_map(|field| self.extended(&field.expr, body, depth, next))
                .collect(),
            Expr::Cast(cast) => self.extended(&cast.expr, body, depth, next),
            _ => Vec::new(),
        }
    }

    pub(crate) fn extended_place(
        &self,
        expr: &Expr,
        body: &Body,
        depth: usize,
        level: usize,
    ) -> Vec<GuardId> {
        if level > MAX_TYPE_DEPTH {
            return Vec::new();
        }
        let next = level + 1;
        match peel(expr) {
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => {
                self.extended_place(&unary.expr, body, depth, next)
            }
            Expr::Field(field) => self.extended_place(&field.base, body, depth, next),
            Expr::Index(index) => self.extended_place(&index.expr, body, depth, next),
            other => self.guard_value_in(other, body, depth, next),
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
