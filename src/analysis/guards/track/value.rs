//! What guards an expression's value holds: the guard itself, a value built around it, the
//! arm of a `match` or `if` that gives it, and the temporaries a `let` extends.

use syn::{Expr, Stmt};

use super::GuardTracker;
use crate::analysis::guards::GuardId;
use crate::analysis::guards::shapes::*;
use crate::analysis::known_paths;
use crate::analysis::source::LineIndex;
use crate::analysis::syntax::*;

impl GuardTracker {
    /// The guards an expression's value holds (the guard itself, or a value built
    /// around it: `Some(g)`, `(a, g)`, `Wrapper { g }`, `MutexGuard::map(g, ..)`).
    pub(crate) fn guard_value(&self, expr: &Expr) -> Vec<GuardId> {
        self.guards_of(expr, false)
    }

    /// The guards a `let` initializer keeps alive for the binding's block: its value's,
    /// and those whose temporaries `&` extends (`&m.lock().unwrap()`, `&mut *g_temp`,
    /// `&temp[0]`); and an `Rc` it makes ([`Self::rc_value`]).
    pub(crate) fn let_guards(&mut self, expr: &Expr, index: &LineIndex) -> Vec<GuardId> {
        self.let_wraps = wraps_value(expr);
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
                    } else {
                        let method = call.method.to_string();
                        if known_paths::TAKING_METHODS.contains(&method.as_str()) {
                            if let Some((place, _)) = place_name(&call.receiver) {
                                found.extend(body.contained(&place));
                            }
                        } else if known_paths::GUARD_PRESERVING.contains(&method.as_str()) {
                            push(&mut work, next, Want::Value, vec![&call.receiver]);
                        }
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
                (Want::Value, Expr::Call(call)) => {
                    if let Some((d, id)) = self.lock_calls.get(&addr(call))
                        && *d == depth
                    {
                        found.push(*id);
                    }
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
                    if let Some(Stmt::Expr(tail, None)) = block.block.stmts.last()
                        && !names_a_local(tail, &block.block)
                    {
                        push(&mut work, next, Want::Value, vec![tail]);
                    }
                }
                (Want::Value, Expr::Match(matched)) => {
                    if passes_through(matched) {
                        push(&mut work, next, Want::Value, vec![&matched.expr]);
                    }
                    push(&mut work, next, Want::Value, arm_values(matched));
                }
                (Want::Value, Expr::If(branch)) => {
                    // A name an `if let` binds is out of scope here: not followed.
                    let then = match branch.then_branch.stmts.last() {
                        Some(Stmt::Expr(tail, None))
                            if !(matches!(peel(tail), Expr::Path(_))
                                && matches!(peel(&branch.cond), Expr::Let(_))) =>
                        {
                            Some(tail)
                        }
                        _ => None,
                    };
                    let otherwise = branch.else_branch.as_ref().map(|(_, e)| &**e);
                    push(
                        &mut work,
                        next,
                        Want::Value,
                        then.into_iter().chain(otherwise).collect(),
                    );
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
