//! `JoinHandle::join` where the source shows the thread is done: under `if h.is_finished()`,
//! or after `if !h.is_finished() { return .. }` / `while !h.is_finished() { .. }` in the
//! same block. Such a join returns at once. A pre-scan of each block's statements (no
//! recursion over syntax): only joins written as a statement of that block or branch.

use foldhash::HashSet;

use syn::{Block, Expr, Stmt};

use crate::analysis::known_paths;
use crate::analysis::syntax::*;

/// Join calls (by address) on a handle known to be finished.
#[derive(Default)]
pub(crate) struct FinishedJoins {
    joins: HashSet<usize>,
}

impl FinishedJoins {
    pub(crate) fn contains(&self, call: usize) -> bool {
        self.joins.contains(&call)
    }

    pub(crate) fn scan_block(&mut self, block: &Block) {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let Stmt::Expr(expr, _) = stmt else {
                continue;
            };
            match peel(expr) {
                Expr::If(branch) => {
                    if let Some(name) = finished_test(&branch.cond, true) {
                        self.note_joins(&branch.then_branch.stmts, &name);
                    }
                    if let Some(name) = finished_test(&branch.cond, false)
                        && block_diverges(&branch.then_branch)
                    {
                        self.note_joins(&block.stmts[i + 1..], &name);
                    }
                }
                Expr::While(looped) => {
                    if let Some(name) = finished_test(&looped.cond, false) {
                        self.note_joins(&block.stmts[i + 1..], &name);
                    }
                }
                _ => {}
            }
        }
    }

    /// Joins on `name` written as statements here (`h.join()`, `h.join().unwrap()`,
    /// `let r = h.join()?;`).
    fn note_joins(&mut self, stmts: &[Stmt], name: &str) {
        for stmt in stmts {
            let expr = match stmt {
                Stmt::Local(local) => match &local.init {
                    Some(init) => &*init.expr,
                    None => continue,
                },
                Stmt::Expr(expr, _) => expr,
                _ => continue,
            };
            if let Some(join) = join_on(expr, name) {
                self.joins.insert(join);
            }
        }
    }
}

/// `h.is_finished()` (when `positive`) or `!h.is_finished()`: the handle's name.
fn finished_test(cond: &Expr, positive: bool) -> Option<String> {
    let cond = match (peel(cond), positive) {
        (Expr::Unary(unary), false) if matches!(unary.op, syn::UnOp::Not(_)) => peel(&unary.expr),
        (cond, true) => cond,
        _ => return None,
    };
    let Expr::MethodCall(call) = cond else {
        return None;
    };
    if call.method != known_paths::FINISHED_TEST || !call.args.is_empty() {
        return None;
    }
    receiver_name(&call.receiver)
}

fn receiver_name(expr: &Expr) -> Option<String> {
    match peel(expr) {
        Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}

/// The `join` call on `name` an expression makes first, under the calls on its result
/// (`unwrap`, `ok`, `?`) and a `return`.
fn join_on(mut expr: &Expr, name: &str) -> Option<usize> {
    loop {
        expr = match peel(expr) {
            Expr::Try(inner) => &inner.expr,
            Expr::Return(inner) => inner.expr.as_deref()?,
            Expr::MethodCall(call) if call.method == known_paths::JOIN_METHOD => {
                let named = receiver_name(&call.receiver).is_some_and(|n| n == name);
                return named.then(|| addr(call));
            }
            Expr::MethodCall(call) => &call.receiver,
            _ => return None,
        };
    }
}
