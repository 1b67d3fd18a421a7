//! Where async context begins and ends (SPEC §1): async, sync or detached code,
//! offloaders, and the closures that inherit their context. Only this module decides it.

use std::collections::HashSet;

use syn::visit::{self, Visit};
use syn::{Block, Expr, ExprCall, ExprMethodCall, FnArg, Item, Pat, Signature, Stmt, Type};

use crate::analysis::imports::Resolved;
use crate::analysis::known_paths::{self};
use crate::analysis::syntax::*;
use crate::analysis::walk::{NEW_STACK, RED_ZONE, Walker};

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

/// Does a call to this path run a closure given to it off the async thread? `user` are
/// the configured `[[offload]]` paths.
pub(crate) fn is_offloader_path(resolved: &Resolved, user: &[String]) -> bool {
    let text = resolved.text();
    if resolved.as_extern().is_some_and(known_paths::is_offloader) {
        return true;
    }
    if user.iter().any(|path| names_configured(resolved, path)) {
        return true;
    }
    // Re-exports and wrappers keep the distinctive names.
    let last = text.rsplit("::").next().unwrap_or(text);
    known_paths::OFFLOADER_NAMES.contains(&last)
}

/// Does a method of this name, given a plain closure, run it on another thread?
pub(crate) fn is_offloading_method(name: &str) -> bool {
    known_paths::OFFLOADING_METHODS.contains(&name)
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

impl Walker<'_> {
    pub(super) fn in_async(&self) -> bool {
        self.ctx() == Ctx::Async
    }

    pub(super) fn ctx(&self) -> Ctx {
        self.context.last().copied().unwrap_or(Ctx::Detached)
    }

    /// `let work = move || ..; spawn_blocking(work)`: the closure runs off the async thread.
    pub(super) fn mark_closures_offloaded_later(&mut self, block: &Block) {
        let closures: Vec<(String, usize)> = block
            .stmts
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Local(local) => {
                    let Pat::Ident(name) = &local.pat else {
                        return None;
                    };
                    match local.init.as_ref().map(|init| peel(&init.expr)) {
                        Some(Expr::Closure(closure)) if closure.asyncness.is_none() => {
                            Some((name.ident.to_string(), addr(closure)))
                        }
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect();
        if closures.is_empty() {
            return;
        }
        let mut finder = OffloadedNames {
            walker: self,
            names: HashSet::new(),
        };
        finder.visit_block(block);
        let names = finder.names;
        for (name, closure) in closures {
            if names.contains(&name) {
                self.offloaded.insert(closure);
            }
        }
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

/// What kind of code the walk is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ctx {
    /// Async context (SPEC §1): blocking calls here are reported.
    Async,
    /// A sync fn's own code: blocking calls here are recorded for callers to inherit.
    Sync,
    /// Code that runs elsewhere or at no call: offloaded closures, consts, statics.
    Detached,
}

/// Collects the names passed as whole arguments to offloaders.
pub(super) struct OffloadedNames<'w> {
    walker: &'w Walker<'w>,
    names: HashSet<String>,
}

impl OffloadedNames<'_> {
    fn collect<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        for arg in args {
            if let Expr::Path(path) = peel(arg)
                && let Some(ident) = path.path.get_ident()
            {
                self.names.insert(ident.to_string());
            }
        }
    }
}

impl<'ast> Visit<'ast> for OffloadedNames<'_> {
    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        if let Expr::Path(func) = peel(&call.func)
            && is_offloader_path(
                &self.walker.resolve_expr_path(&func.path),
                &self.walker.settings.offload,
            )
        {
            self.collect(call.args.iter());
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        if is_offloading_method(&call.method.to_string()) {
            self.collect(call.args.iter());
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        stacker::maybe_grow(RED_ZONE, NEW_STACK, || visit::visit_expr(self, expr));
    }

    fn visit_item(&mut self, _: &'ast Item) {}
}
