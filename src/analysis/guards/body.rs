//! Guards alive at an `.await`, by Rust's drop rules.
//!
//! The walk reports events in evaluation order (a guard is created, a statement ends, a
//! scope exits, a binding is dropped, an `.await` is reached); this module keeps, for each
//! body being walked, which guards are alive and which awaits each was alive at.
//!
//! Holders follow the reference's temporary-scope rules:
//! - a guard not bound by a `let` is a temporary of the innermost statement (or of an
//!   `if`/`while` condition or match guard, which drop their temporaries before the body);
//! - a guard bound by a `let`, or moved into a value a `let` binds (struct, tuple, array,
//!   `Some`), or extended by `&` in a `let`, lives to the end of that binding's block, unless
//!   the binding is dropped, moved into a call or reassigned first.

use std::collections::HashMap;

use crate::diagnostic::Span;
use crate::rules::Rule;

pub(crate) type GuardId = usize;

#[derive(Clone, Debug)]
enum Holder {
    /// A temporary of the statement at this depth.
    Temp { depth: usize },
    /// Owned by these bindings, declared in the scope at this level.
    Owned { bindings: Vec<u32>, scope: usize },
}

#[derive(Debug)]
pub(crate) struct Guard {
    pub(crate) rule: Rule,
    /// What is locked, for the message: `std::sync::Mutex`, `parking_lot::RwLock`, `RefCell`.
    pub(crate) kind: String,
    pub(crate) span: Span,
    pub(crate) awaits: Vec<Span>,
    /// Why it was alive: filled when it is bound.
    pub(crate) binding: Option<String>,
    /// Not a lock guard but an `Rc`: never reported, it only makes the body's future
    /// non-`Send` while alive (fixes that add an `.await` read [`Body::any_alive`]).
    pub(crate) silent: bool,
    holder: Holder,
    alive: bool,
}

/// One async or sync body (fn, closure, async block): its guards and its scopes.
#[derive(Debug, Default)]
pub(crate) struct Body {
    is_async: bool,
    /// A poll fn's body: async context, but `.await` is not available in it.
    pub(crate) poll: bool,
    guards: Vec<Guard>,
    /// Statement nesting depth (temporaries die when their statement ends).
    stmt_depth: usize,
    /// Scope nesting level, and the bindings each scope declares: name → (id, level).
    scopes: Vec<HashMap<String, u32>>,
    next_binding: u32,
}

impl Body {
    pub(crate) fn new(is_async: bool) -> Self {
        Body {
            is_async,
            scopes: vec![HashMap::new()],
            ..Body::default()
        }
    }

    pub(crate) fn is_async(&self) -> bool {
        self.is_async
    }

    pub(crate) fn into_guards(self) -> Vec<Guard> {
        self.guards
    }

    pub(crate) fn create(&mut self, rule: Rule, kind: String, span: Span) -> GuardId {
        self.guards.push(Guard {
            rule,
            kind,
            span,
            awaits: Vec::new(),
            binding: None,
            silent: false,
            holder: Holder::Temp {
                depth: self.stmt_depth,
            },
            alive: true,
        });
        self.guards.len() - 1
    }

    /// Whether a guard (or an `Rc`) of this body is alive here.
    pub(crate) fn any_alive(&self) -> bool {
        self.guards.iter().any(|g| g.alive)
    }

    pub(crate) fn await_point(&mut self, span: Span) {
        if !self.is_async {
            return;
        }
        for guard in self.guards.iter_mut().filter(|g| g.alive) {
            guard.awaits.push(span);
        }
    }

    pub(crate) fn begin_stmt(&mut self) {
        self.stmt_depth += 1;
    }

    /// Ends a statement: its temporaries (and those of expressions nested in it) drop.
    pub(crate) fn end_stmt(&mut self) {
        let depth = self.stmt_depth;
        for guard in &mut self.guards {
            if let Holder::Temp { depth: d } = guard.holder
                && d >= depth
            {
                guard.alive = false;
            }
        }
        self.stmt_depth = self.stmt_depth.saturating_sub(1);
    }

    /// Leaves a block's tail expression: its temporaries live on with the enclosing
    /// statement's.
    pub(crate) fn end_tail(&mut self) {
        let depth = self.stmt_depth;
        for guard in &mut self.guards {
            if let Holder::Temp { depth: d } = &mut guard.holder
                && *d >= depth
            {
                *d = depth.saturating_sub(1);
            }
        }
        self.stmt_depth = self.stmt_depth.saturating_sub(1);
    }

    pub(crate) fn enter_scope(&mut self) {
        self.scopes.push(HashMap::new());
    }

    pub(crate) fn exit_scope(&mut self) {
        self.kill_scope();
        if self.scopes.len() > 1 {
            self.scopes.pop();
        }
    }

    /// Ends the guards owned by bindings of the current scope, keeping the scope.
    pub(crate) fn kill_scope(&mut self) {
        let level = self.scopes.len() - 1;
        for guard in &mut self.guards {
            if let Holder::Owned { scope, .. } = guard.holder
                && scope >= level
            {
                guard.alive = false;
            }
        }
    }

    pub(crate) fn guard_count(&self) -> usize {
        self.guards.len()
    }

    pub(crate) fn kill(&mut self, ids: std::ops::Range<GuardId>) {
        for guard in self.guards.get_mut(ids).into_iter().flatten() {
            guard.alive = false;
        }
    }

    /// Ends these guards where a temporary holds them (moved out of the temporary).
    pub(crate) fn kill_temps(&mut self, ids: &[GuardId]) {
        for &id in ids {
            if let Some(guard) = self.guards.get_mut(id)
                && matches!(guard.holder, Holder::Temp { .. })
            {
                guard.alive = false;
            }
        }
    }

    /// Declares names in the current scope (a `let`, a pattern): they shadow.
    pub(crate) fn declare(&mut self, names: &[String]) -> Vec<u32> {
        let mut ids = Vec::new();
        for name in names {
            let id = self.next_binding;
            self.next_binding += 1;
            if let Some(scope) = self.scopes.last_mut() {
                scope.insert(name.clone(), id);
            }
            ids.push(id);
        }
        ids
    }

    fn binding(&self, name: &str) -> Option<(u32, usize)> {
        self.scopes
            .iter()
            .enumerate()
            .rev()
            .find_map(|(level, scope)| scope.get(name).map(|id| (*id, level)))
    }

    /// The guards the binding `name` refers to holds (alive or just moved out of it).
    pub(crate) fn held_by(&self, name: &str) -> Vec<GuardId> {
        let Some((id, _)) = self.binding(name) else {
            return Vec::new();
        };
        self.guards
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                matches!(&g.holder, Holder::Owned { bindings, .. } if bindings.contains(&id))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Marks a guard as an `Rc` (see [`Guard::silent`]).
    pub(crate) fn silence(&mut self, id: GuardId) {
        if let Some(guard) = self.guards.get_mut(id) {
            guard.silent = true;
        }
    }

    /// Whether the binding `name` holds an `Rc`.
    pub(crate) fn holds_rc(&self, name: &str) -> bool {
        self.held_by(name).iter().any(|&id| self.guards[id].silent)
    }

    /// Gives `guards` to the bindings just declared in the current scope.
    pub(crate) fn own(&mut self, guards: &[GuardId], bindings: Vec<u32>, names: &[String]) {
        if bindings.is_empty() {
            return;
        }
        let scope = self.scopes.len() - 1;
        for &id in guards {
            if let Some(guard) = self.guards.get_mut(id) {
                guard.alive = true;
                guard.holder = Holder::Owned {
                    bindings: bindings.clone(),
                    scope,
                };
                if guard.binding.is_none() {
                    guard.binding = names.first().cloned();
                }
            }
        }
    }

    /// `name = value`: the old value drops; `guards` now belong to `name`'s binding.
    pub(crate) fn assign(&mut self, name: &str, guards: &[GuardId]) {
        self.release(name);
        let Some((id, scope)) = self.binding(name) else {
            return;
        };
        for &guard_id in guards {
            if let Some(guard) = self.guards.get_mut(guard_id) {
                guard.alive = true;
                guard.holder = Holder::Owned {
                    bindings: vec![id],
                    scope,
                };
                if guard.binding.is_none() {
                    guard.binding = Some(name.to_string());
                }
            }
        }
    }

    /// `drop(name)`, or `name` moved into a call: the guards it holds end here.
    pub(crate) fn release(&mut self, name: &str) {
        for id in self.held_by(name) {
            self.guards[id].alive = false;
        }
    }

    /// Which guards are alive, to restore and merge around branches.
    pub(crate) fn snapshot(&self) -> Vec<bool> {
        self.guards.iter().map(|g| g.alive).collect()
    }

    pub(crate) fn restore(&mut self, snapshot: &[bool]) {
        for (guard, &alive) in self.guards.iter_mut().zip(snapshot) {
            guard.alive = alive;
        }
    }

    /// After branches: a guard alive at the end of any branch that flows on is alive.
    pub(crate) fn merge(&mut self, ends: &[Vec<bool>]) {
        if ends.is_empty() {
            return;
        }
        for (i, guard) in self.guards.iter_mut().enumerate() {
            guard.alive = ends.iter().any(|end| end.get(i).copied().unwrap_or(false));
        }
    }
}
