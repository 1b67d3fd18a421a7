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

use foldhash::{HashMap, HashMapExt};
use std::rc::Rc;

use super::escape::PendingSource;
use crate::analysis::known_paths::Lock;
use crate::diagnostic::Span;
use crate::rules::Rule;

pub(crate) type GuardId = usize;

#[derive(Clone, Debug, PartialEq)]
enum Holder {
    /// A temporary of the statement at this depth.
    Temp { depth: usize },
    /// Owned by these bindings, declared in the scope at this level.
    Owned { bindings: Rc<[u32]>, scope: usize },
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
    /// A value that is a guard if the crate model says so (`rule` and `kind` are then
    /// unknown).
    pub(crate) pending: Option<PendingSource>,
    /// For a pending value: the lock it is by the call's shape, if the crate shows none.
    pub(crate) fallback: Option<&'static Lock>,
    /// A guard an async block captured: the outer body's guard it is.
    pub(crate) captured_from: Option<GuardId>,
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
    /// Bindings that hold guards as a container (a collection, an `Option` field), not as
    /// the guard itself: `take()`, `pop()` on them move guards out.
    containers: Vec<u32>,
    /// The loops being walked, innermost last: what happens in each, in order.
    loops: Vec<Loop>,
}

/// A loop's body as walked: the first guard created in it, its scope level, and its
/// awaits and the bindings released, in order: on the next iteration, a guard alive at the
/// loop's end is held at each await before its binding is released.
#[derive(Debug)]
struct Loop {
    first_guard: GuardId,
    scope: usize,
    events: Vec<LoopEvent>,
}

#[derive(Debug)]
enum LoopEvent {
    Await(Span),
    Release(u32),
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
            pending: None,
            fallback: None,
            captured_from: None,
            silent: false,
            holder: Holder::Temp {
                depth: self.stmt_depth,
            },
            alive: true,
        });
        self.guards.len() - 1
    }

    /// A value that is a guard if the crate model says so: a temporary like any guard.
    pub(crate) fn create_pending(
        &mut self,
        source: PendingSource,
        span: Span,
        fallback: Option<&'static Lock>,
    ) -> GuardId {
        let id = self.create(Rule::LockAcrossAwait, String::new(), span);
        self.guards[id].pending = Some(source);
        self.guards[id].fallback = fallback;
        id
    }

    /// Whether a guard (or an `Rc`) of this body is alive here. A call's value that is a
    /// guard only if the crate model says so does not count: nearly every `let x = f()` of
    /// another crate's fn makes one, and counting them would take the fix from almost
    /// every later call (a lock call on a field or alias declared elsewhere does count).
    pub(crate) fn any_alive(&self) -> bool {
        self.guards
            .iter()
            .any(|g| g.alive && !matches!(g.pending, Some(PendingSource::Call)))
    }

    pub(crate) fn await_point(&mut self, span: Span) {
        if !self.is_async {
            return;
        }
        for guard in self.guards.iter_mut().filter(|g| g.alive) {
            guard.awaits.push(span);
        }
        for frame in &mut self.loops {
            frame.events.push(LoopEvent::Await(span));
        }
    }

    /// Enters a loop's body (before its scope).
    pub(crate) fn enter_loop(&mut self) {
        self.loops.push(Loop {
            first_guard: self.guards.len(),
            scope: self.scopes.len(),
            events: Vec::new(),
        });
    }

    /// Leaves a loop (its scope left): a guard taken in it and still alive, held by a
    /// binding declared before it (`held = Some(m.lock()..)`), is alive at the awaits of
    /// the next iteration that come before its binding is released or reassigned.
    pub(crate) fn exit_loop(&mut self) {
        let Some(frame) = self.loops.pop() else {
            return;
        };
        if !frame
            .events
            .iter()
            .any(|e| matches!(e, LoopEvent::Await(_)))
        {
            return;
        }
        for guard in self.guards.iter_mut().skip(frame.first_guard) {
            let Holder::Owned { bindings, scope } = &guard.holder else {
                continue;
            };
            if !guard.alive || *scope >= frame.scope {
                continue;
            }
            let mut added = false;
            for event in &frame.events {
                match event {
                    LoopEvent::Release(id) if bindings.contains(id) => break,
                    LoopEvent::Await(span) if !guard.awaits.contains(span) => {
                        guard.awaits.push(*span);
                        added = true;
                    }
                    _ => {}
                }
            }
            if added {
                guard.awaits.sort_unstable();
            }
        }
        if let Some(outer) = self.loops.last_mut() {
            outer.events.extend(frame.events);
        }
    }

    fn loop_release(&mut self, id: u32) {
        if let Some(frame) = self.loops.last_mut() {
            frame.events.push(LoopEvent::Release(id));
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

    /// `let PAT = EXPR else { .. }` whose pattern did not match: EXPR's temporaries drop
    /// before the `else` block runs (rust-lang/rust#99518), but for `keep`, those the
    /// binding would extend.
    pub(crate) fn drop_temps_before_else(&mut self, keep: &[GuardId]) {
        let depth = self.stmt_depth;
        for (id, guard) in self.guards.iter_mut().enumerate() {
            if let Holder::Temp { depth: d } = guard.holder
                && d >= depth
                && !keep.contains(&id)
            {
                guard.alive = false;
            }
        }
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

    /// Enters an `if` or `while` condition: its scope and its statement.
    pub(crate) fn enter_cond(&mut self) {
        self.enter_scope();
        self.begin_stmt();
    }

    /// Enters a `while` loop: the loop, its condition's scope and statement.
    pub(crate) fn enter_while(&mut self) {
        self.enter_loop();
        self.enter_cond();
    }

    /// Leaves a `while` or `for` loop's scope, then the loop.
    pub(crate) fn exit_loop_scope(&mut self) {
        self.exit_scope();
        self.exit_loop();
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
        if bindings.is_empty() || guards.is_empty() {
            return;
        }
        let bindings: Rc<[u32]> = bindings.into();
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

    /// `guards` are alive again, owned by the binding `id` of `scope` (named `name` in
    /// messages when they had no name yet).
    fn give(&mut self, guards: &[GuardId], (id, scope): (u32, usize), name: &str) {
        for &guard_id in guards {
            if let Some(guard) = self.guards.get_mut(guard_id) {
                guard.alive = true;
                guard.holder = Holder::Owned {
                    bindings: Rc::from([id]),
                    scope,
                };
                if guard.binding.is_none() {
                    guard.binding = Some(name.to_string());
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
        self.give(guards, (id, scope), name);
    }

    /// The guards a container (`guards`, `self.held`) holds: none when `name` is no
    /// container (`outbox.pop_front()` on a guard takes from what it protects).
    pub(crate) fn contained(&self, name: &str) -> Vec<GuardId> {
        match self.binding(name) {
            Some((id, _)) if self.containers.contains(&id) => self.held_by(name),
            _ => Vec::new(),
        }
    }

    /// `name.take()`, `name.pop()` on a container: its guards move to the call's value.
    pub(crate) fn take_out(&mut self, name: &str) {
        if let Some((id, _)) = self.binding(name) {
            self.loop_release(id);
        }
        for id in self.contained(name) {
            self.guards[id].alive = false;
        }
    }

    /// `name` holds guards inside a value (`Some(g)`, a struct, a collection).
    pub(crate) fn mark_container(&mut self, name: &str) {
        if let Some((id, _)) = self.binding(name)
            && !self.containers.contains(&id)
        {
            self.containers.push(id);
        }
    }

    /// `drop(name)`, or `name` moved into a call: the guards it holds end here.
    pub(crate) fn release(&mut self, name: &str) {
        if !self.loops.is_empty()
            && let Some((id, _)) = self.binding(name)
        {
            self.loop_release(id);
        }
        for id in self.held_by(name) {
            self.guards[id].alive = false;
        }
    }

    /// The guards alive and held by a name in scope: what an async block that names
    /// them captures.
    pub(crate) fn named_alive(&self) -> Vec<(String, GuardId)> {
        let mut found = Vec::new();
        for (i, guard) in self.guards.iter().enumerate() {
            let Holder::Owned { bindings, .. } = &guard.holder else {
                continue;
            };
            if !guard.alive {
                continue;
            }
            for scope in &self.scopes {
                found.extend(
                    scope
                        .iter()
                        .filter(|(name, id)| bindings.contains(id) && !name.contains('.'))
                        .map(|(name, _)| (name.clone(), i)),
                );
            }
        }
        found
    }

    /// An async block takes `guard` of the body around it under `name`: alive from its
    /// start, reported with the outer guard.
    pub(crate) fn capture(&mut self, name: &str, guard: &Guard, outer: GuardId) {
        let id = self.create(guard.rule, guard.kind.clone(), guard.span);
        self.guards[id].pending = guard.pending.clone();
        self.guards[id].fallback = guard.fallback;
        self.guards[id].captured_from = Some(outer);
        let bindings = self.declare(&[name.to_string()]);
        self.own(&[id], bindings, &[name.to_string()]);
        self.guards[id].binding = guard.binding.clone();
    }

    pub(crate) fn guard(&self, id: GuardId) -> Option<&Guard> {
        self.guards.get(id)
    }

    pub(crate) fn add_awaits(&mut self, id: GuardId, awaits: &[Span]) {
        if let Some(guard) = self.guards.get_mut(id) {
            guard.awaits.extend_from_slice(awaits);
            guard.awaits.sort_unstable();
            guard.awaits.dedup();
        }
    }

    /// Which guards are alive and what holds each, to restore and merge around branches
    /// (a branch may move a guard to another binding: `let w = upgrade(g)`).
    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot(
            self.guards
                .iter()
                .map(|g| (g.alive, g.holder.clone()))
                .collect(),
        )
    }

    /// Goes back to the state of `snapshot`, taken before a branch: the guards made since
    /// were made on another path (the arm before this one), so none of them is alive here.
    pub(crate) fn restore(&mut self, snapshot: &Snapshot) {
        let taken = snapshot.0.len();
        for (guard, (alive, holder)) in self.guards.iter_mut().zip(&snapshot.0) {
            guard.alive = *alive;
            if guard.holder != *holder {
                guard.holder = holder.clone();
            }
        }
        for guard in self.guards.iter_mut().skip(taken) {
            guard.alive = false;
        }
    }

    /// After branches: a guard alive at the end of any branch that flows on is alive, held
    /// as it is at the end of the first such branch.
    pub(crate) fn merge(&mut self, ends: &[Snapshot]) {
        if ends.is_empty() {
            return;
        }
        for (i, guard) in self.guards.iter_mut().enumerate() {
            let alive_in = ends
                .iter()
                .find_map(|end| end.0.get(i).filter(|(alive, _)| *alive));
            match alive_in {
                Some((_, holder)) => {
                    guard.alive = true;
                    if guard.holder != *holder {
                        guard.holder = holder.clone();
                    }
                }
                None => guard.alive = false,
            }
        }
    }

    /// The binding a place (`self.held`, `state.slots`) holds its guards under: declared
    /// on first use in the scope of the binding it is a field of (the body's outermost
    /// scope for `self`, a parameter or a name not seen).
    pub(crate) fn place(&mut self, place: &str, root: &str) -> (u32, usize) {
        if let Some(found) = self.binding(place) {
            return found;
        }
        let level = self.binding(root).map_or(0, |(_, level)| level);
        let id = self.next_binding;
        self.next_binding += 1;
        if let Some(scope) = self.scopes.get_mut(level) {
            scope.insert(place.to_string(), id);
        }
        (id, level)
    }

    /// `guards.push(g)`, `self.held = Some(g)`: the guards now live as long as the
    /// binding (`name`, a place), besides what it held already.
    pub(crate) fn store(&mut self, (id, scope): (u32, usize), name: &str, guards: &[GuardId]) {
        if !guards.is_empty() && !self.containers.contains(&id) {
            self.containers.push(id);
        }
        self.give(guards, (id, scope), name);
    }
}

/// The guards' state at a point of the walk: alive or not, and what holds each.
#[derive(Clone, Debug, Default)]
pub(crate) struct Snapshot(Vec<(bool, Holder)>);
