//! What becomes of a runtime built in a block (`let rt = Builder::..build().unwrap();`):
//! moved to another thread (`std::thread::spawn(move || rt.block_on(..))`) or disposed
//! with `shutdown_background` / `shutdown_timeout`, it neither panics nor blocks where
//! it is built; dropped there, or blocked on there, it does. A pre-scan of each block,
//! by explicit worklists (`calls_in`, a token scan), never a recursion over syntax.

use foldhash::HashSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::punctuated::Punctuated;
use syn::{Block, Expr, ExprClosure, Pat, Stmt, Token};

use crate::analysis::context;
use crate::analysis::evidence::Evidence;
use crate::analysis::known_paths;
use crate::analysis::syntax::*;

/// The runtime-creating calls (by address) whose runtime is moved to another thread or
/// shut down without waiting on it.
#[derive(Default)]
pub(crate) struct RuntimeFates {
    legal: HashSet<usize>,
}

impl RuntimeFates {
    pub(crate) fn disposed_legally(&self, call: usize) -> bool {
        self.legal.contains(&call)
    }

    /// Notes the runtimes bound by `let` in this block that a later statement moves to
    /// another thread or shuts down.
    /// `shutdowns_named`: whether the file names a shutdown method at all (asked only when
    /// a block binds a runtime candidate; without one, no statement can shut it down).
    pub(crate) fn scan_block(
        &mut self,
        block: &Block,
        evidence: &Evidence,
        offload: &[String],
        shutdowns_named: &mut dyn FnMut() -> bool,
    ) {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let Stmt::Local(local) = stmt else {
                continue;
            };
            let Some(init) = &local.init else {
                continue;
            };
            let Some(creation) = creation_call(&init.expr) else {
                continue;
            };
            let Some(name) = bound_name(&local.pat) else {
                continue;
            };
            let rest = &block.stmts[i + 1..];
            if (shutdowns_named() && shut_down(rest, &name))
                || moved_to_thread(block, &name, evidence, offload)
            {
                self.legal.insert(creation);
            }
        }
    }
}

/// Does `text` name a runtime shutdown method anywhere (a word of it, at least)?
pub(super) fn named_in(text: &str) -> bool {
    let found = |name: &&str| memchr::memmem::find(text.as_bytes(), name.as_bytes()).is_some();
    known_paths::RUNTIME_SHUTDOWNS.iter().any(found)
}

/// `rt`, `mut rt`, `rt: Runtime`.
fn bound_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.to_string()),
        Pat::Type(typed) => bound_name(&typed.pat),
        _ => None,
    }
}

/// The call a `let` initializer builds its value with, through `unwrap`, `expect` and
/// `?`, when it may create a runtime (`..::new()`, `.build()`): the catalogue decides
/// whether it does, where the call is met.
fn creation_call(mut expr: &Expr) -> Option<usize> {
    loop {
        expr = match peel(expr) {
            Expr::Try(inner) => &inner.expr,
            Expr::MethodCall(call)
                if ident_in(&call.method, known_paths::RUNTIME_BUILD_METHODS) =>
            {
                return Some(expr_addr(peel(expr)));
            }
            Expr::MethodCall(call) if ident_in(&call.method, known_paths::REPORTED_SEE_THROUGH) => {
                &call.receiver
            }
            Expr::Call(call) => {
                let Expr::Path(func) = peel(&call.func) else {
                    return None;
                };
                let last = &func.path.segments.last()?.ident;
                return (last == "new").then(|| expr_addr(peel(expr)));
            }
            _ => return None,
        };
    }
}

/// `rt.shutdown_background()` or `rt.shutdown_timeout(..)` in these statements (a
/// token scan: macro bodies count too).
fn shut_down(rest: &[Stmt], name: &str) -> bool {
    let mut stack: Vec<TokenStream> = rest.iter().map(ToTokens::to_token_stream).collect();
    while let Some(stream) = stack.pop() {
        let tokens: Vec<TokenTree> = stream.into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                TokenTree::Group(group) => stack.push(group.stream()),
                TokenTree::Ident(ident) if ident == name => {
                    let dot = matches!(tokens.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '.');
                    let method = matches!(tokens.get(i + 2), Some(TokenTree::Ident(m))
                        if ident_in(m, known_paths::RUNTIME_SHUTDOWNS));
                    if dot && method {
                        return true;
                    }
                }
                _ => {}
            }
        }
    }
    false
}

/// Is `rt` captured by a `move` closure that an offloader (`std::thread::spawn`, a
/// thread `Builder`'s or a scope's `spawn`, `spawn_blocking`) runs on another thread?
fn moved_to_thread(block: &Block, name: &str, evidence: &Evidence, offload: &[String]) -> bool {
    // The callee is resolved only where an argument is a `move` closure (cheaper first).
    calls_in(block).into_iter().any(|call| {
        let args = match call {
            CallSite::Path(path, args)
                if moving_closures(args).next().is_some()
                    && context::is_offloader_path(&evidence.resolve_expr_path(path), offload) =>
            {
                args
            }
            CallSite::Method(method, args)
                if moving_closures(args).next().is_some()
                    && context::is_offloading_method(&method.to_string()) =>
            {
                args
            }
            _ => return false,
        };
        moving_closures(args).any(|closure| mentions(closure.body.to_token_stream(), name))
    })
}

/// The `move` closures (not async ones) among a call's arguments.
fn moving_closures(args: &Punctuated<Expr, Token![,]>) -> impl Iterator<Item = &ExprClosure> {
    let closures = args.iter().filter_map(closure_value);
    closures.filter(|closure| closure.capture.is_some() && closure.asyncness.is_none())
}

/// Does this token stream name `name` anywhere?
fn mentions(stream: TokenStream, name: &str) -> bool {
    let mut stack = vec![stream];
    while let Some(stream) = stack.pop() {
        for token in stream {
            match token {
                TokenTree::Group(group) => stack.push(group.stream()),
                TokenTree::Ident(ident) if ident == name => return true,
                _ => {}
            }
        }
    }
    false
}
