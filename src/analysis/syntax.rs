//! Small syn helpers: addresses of nodes, peeling parentheses, the names a pattern
//! binds, whether control flows past an expression. Pure functions of the syntax tree.

use proc_macro2::Span as PmSpan;
use syn::punctuated::Punctuated;
use syn::{Block, Expr, ExprClosure, Macro, Pat, Stmt, Token};

use crate::analysis::known_paths::{self};
use crate::analysis::source::LineIndex;
use crate::diagnostic::Span;

/// How deep into an expression, a pattern or a value the analysis follows (types of
/// nested calls, guards inside built values): deeper nesting is no evidence anyone writes.
pub(crate) const MAX_TYPE_DEPTH: usize = 48;

pub(super) fn addr<T>(node: &T) -> usize {
    node as *const T as usize
}

/// The address a call or closure is keyed by, whether reached as `&Expr` or its node.
pub(super) fn expr_addr(expr: &Expr) -> usize {
    match peel(expr) {
        Expr::Call(call) => addr(call),
        Expr::MethodCall(call) => addr(call),
        Expr::Closure(closure) => addr(closure),
        other => addr(other),
    }
}

/// Peels parentheses and groups.
pub(super) fn peel(mut expr: &Expr) -> &Expr {
    loop {
        expr = match expr {
            Expr::Paren(paren) => &paren.expr,
            Expr::Group(group) => &group.expr,
            _ => return expr,
        };
    }
}

/// The closure an argument evaluates to: `|| ..` itself, or the tail of a block that
/// clones what it captures first (`{ let tx = tx.clone(); move || .. }`).
pub(super) fn closure_value(mut expr: &Expr) -> Option<&ExprClosure> {
    loop {
        expr = match peel(expr) {
            Expr::Closure(closure) => return Some(closure),
            Expr::Block(block) => match block.block.stmts.last() {
                Some(Stmt::Expr(tail, None)) => tail,
                _ => return None,
            },
            _ => return None,
        };
    }
}

/// Is `ident` one of `names`? (Compared without building the identifier's text.)
pub(crate) fn ident_in(ident: &syn::Ident, names: &[&str]) -> bool {
    names.iter().any(|name| ident == name)
}

pub(super) fn last_segment(path: &str) -> &str {
    rsplit_path(path).map_or(path, |(_, last)| last)
}

/// `path.split_once("::")`, found by a byte search (a substring searcher costs more to
/// set up than these short paths take to scan).
pub(crate) fn split_path(path: &str) -> Option<(&str, &str)> {
    let bytes = path.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b':', &bytes[from..]) {
        let at = from + at;
        if bytes.get(at + 1) == Some(&b':') {
            return Some((&path[..at], &path[at + 2..]));
        }
        from = at + 1;
    }
    None
}

/// `path.rsplit_once("::")`, as [`split_path`].
pub(crate) fn rsplit_path(path: &str) -> Option<(&str, &str)> {
    let bytes = path.as_bytes();
    let mut end = bytes.len();
    while let Some(at) = memchr::memrchr(b':', &bytes[..end]) {
        if at > 0 && bytes[at - 1] == b':' {
            return Some((&path[..at - 1], &path[at + 1..]));
        }
        end = at;
    }
    None
}

/// The key of a crate-local fn in `fn_returns`: `f` or `Type::f`.
pub(super) fn local_fn_key(path: &str) -> String {
    let segments: Vec<&str> = path.split("::").collect();
    match segments.as_slice() {
        [.., ty, f] if ty.starts_with(char::is_uppercase) => [ty, "::", f].concat(),
        [.., f] => (*f).to_string(),
        [] => String::new(),
    }
}

/// Names a pattern binds (`_` binds none; `_g` does), in source order. A loop over an
/// explicit stack: nesting depth costs no stack.
pub(super) fn pattern_names(pat: &Pat) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![pat];
    while let Some(pat) = stack.pop() {
        // Children are pushed last-first, so that they pop in source order.
        match pat {
            Pat::Ident(ident) => {
                names.push(ident.ident.to_string());
                if let Some((_, sub)) = &ident.subpat {
                    stack.push(sub);
                }
            }
            Pat::Type(typed) => stack.push(&typed.pat),
            Pat::Reference(reference) => stack.push(&reference.pat),
            Pat::Paren(paren) => stack.push(&paren.pat),
            Pat::Guard(guarded) => stack.push(&guarded.pat),
            Pat::Tuple(tuple) => stack.extend(tuple.elems.iter().rev()),
            Pat::TupleStruct(tuple) => stack.extend(tuple.elems.iter().rev()),
            Pat::Slice(slice) => stack.extend(slice.elems.iter().rev()),
            Pat::Struct(pat) => stack.extend(pat.fields.iter().rev().map(|field| &*field.pat)),
            Pat::Or(or) => stack.extend(or.cases.first()),
            _ => {}
        }
    }
    names
}

/// Does a condition bind with `let` (`if let`, `while let`, let chains)?
pub(super) fn has_let(cond: &Expr) -> bool {
    let mut stack = vec![cond];
    while let Some(expr) = stack.pop() {
        match peel(expr) {
            Expr::Let(_) => return true,
            Expr::Binary(binary) if matches!(binary.op, syn::BinOp::And(_)) => {
                stack.push(&binary.right);
                stack.push(&binary.left);
            }
            _ => {}
        }
    }
    false
}

/// Does control never flow past this expression (`return`, `break`, `continue`, a panic)?
pub(super) fn diverges(mut expr: &Expr) -> bool {
    loop {
        expr = match peel(expr) {
            Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => return true,
            Expr::Block(block) => match block.block.stmts.last() {
                Some(Stmt::Expr(tail, _)) => tail,
                Some(Stmt::Macro(mac)) => return is_panic_macro(&mac.mac),
                _ => return false,
            },
            Expr::Macro(mac) => return is_panic_macro(&mac.mac),
            _ => return false,
        };
    }
}

pub(super) fn block_diverges(block: &Block) -> bool {
    match block.stmts.last() {
        Some(Stmt::Expr(expr, _)) => diverges(expr),
        Some(Stmt::Macro(mac)) => is_panic_macro(&mac.mac),
        _ => false,
    }
}

pub(super) fn is_panic_macro(mac: &Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|segment| ident_in(&segment.ident, known_paths::PANIC_MACROS))
}

/// A call that builds a value holding its arguments: `Some(g)`, `Ok(g)`, `Wrapper(g)`,
/// `Box::new(g)`, or a guard adapter such as `MutexGuard::map(g, ..)`.
pub(super) fn builds_value(func: &Expr) -> bool {
    let Expr::Path(path) = peel(func) else {
        return false;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segments.as_slice() {
        [.., last] if last.starts_with(char::is_uppercase) => true,
        [.., ty, _] if known_paths::is_guard_adapter(ty) => true,
        [.., ty, f] => known_paths::HOLDING_POINTERS.contains(&ty.as_str()) && f == "new",
        _ => false,
    }
}

/// The file a `#[path = ".."]` attribute names.
pub(super) fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| {
        let syn::Meta::NameValue(pair) = &attr.meta else {
            return None;
        };
        if !pair.path.is_ident("path") {
            return None;
        }
        match &pair.value {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) => Some(text.value()),
            _ => None,
        }
    })
}

/// `x.field = value` or `x[i] = value`: the value is kept in a place that outlives the
/// statement (not a plain local's new value).
pub(super) fn assigns_a_place(assign: &syn::ExprAssign) -> bool {
    matches!(peel(&assign.left), Expr::Field(_) | Expr::Index(_))
}

/// A call met by [`calls_in`]: a call by path, or a method call by name, and its
/// arguments; also the other places a value is stored: a struct literal's fields, a value
/// assigned to a field or an index.
pub(super) enum CallSite<'a> {
    Path(&'a syn::Path, &'a Punctuated<Expr, Token![,]>),
    Method(&'a syn::Ident, &'a Punctuated<Expr, Token![,]>),
    Fields(&'a syn::ExprStruct),
    Assigned(&'a syn::ExprAssign),
}

enum Node<'a> {
    Expr(&'a Expr),
    Block(&'a Block),
}

/// Every call in a block, in nested blocks, closures and async blocks too, but not in
/// nested items or macro bodies. An explicit-stack scan, not a recursion: the walk is
/// the only recursion over syntax.
pub(super) fn calls_in(block: &Block) -> Vec<CallSite<'_>> {
    let mut calls = Vec::new();
    let mut stack = vec![Node::Block(block)];
    while let Some(node) = stack.pop() {
        let expr = match node {
            Node::Block(block) => {
                for stmt in &block.stmts {
                    match stmt {
                        Stmt::Local(local) => {
                            if let Some(init) = &local.init {
                                stack.push(Node::Expr(&init.expr));
                                if let Some((_, diverge)) = &init.diverge {
                                    stack.push(Node::Expr(diverge));
                                }
                            }
                        }
                        Stmt::Expr(expr, _) => stack.push(Node::Expr(expr)),
                        Stmt::Item(_) | Stmt::Macro(_) => {}
                    }
                }
                continue;
            }
            Node::Expr(expr) => expr,
        };
        match expr {
            Expr::Call(call) => {
                if let Expr::Path(func) = peel(&call.func) {
                    calls.push(CallSite::Path(&func.path, &call.args));
                }
                stack.push(Node::Expr(&call.func));
                stack.extend(call.args.iter().map(Node::Expr));
            }
            Expr::MethodCall(call) => {
                calls.push(CallSite::Method(&call.method, &call.args));
                stack.push(Node::Expr(&call.receiver));
                stack.extend(call.args.iter().map(Node::Expr));
            }
            Expr::Array(e) => stack.extend(e.elems.iter().map(Node::Expr)),
            Expr::Tuple(e) => stack.extend(e.elems.iter().map(Node::Expr)),
            Expr::Assign(e) => {
                if assigns_a_place(e) {
                    calls.push(CallSite::Assigned(e));
                }
                stack.extend([Node::Expr(&e.left), Node::Expr(&e.right)]);
            }
            Expr::Binary(e) => stack.extend([Node::Expr(&e.left), Node::Expr(&e.right)]),
            Expr::Index(e) => stack.extend([Node::Expr(&e.expr), Node::Expr(&e.index)]),
            Expr::Repeat(e) => stack.extend([Node::Expr(&e.expr), Node::Expr(&e.len)]),
            Expr::Async(e) => stack.push(Node::Block(&e.block)),
            Expr::Block(e) => stack.push(Node::Block(&e.block)),
            Expr::Const(e) => stack.push(Node::Block(&e.block)),
            Expr::Loop(e) => stack.push(Node::Block(&e.body)),
            Expr::TryBlock(e) => stack.push(Node::Block(&e.block)),
            Expr::Unsafe(e) => stack.push(Node::Block(&e.block)),
            Expr::Await(e) => stack.push(Node::Expr(&e.base)),
            Expr::Cast(e) => stack.push(Node::Expr(&e.expr)),
            Expr::Closure(e) => stack.push(Node::Expr(&e.body)),
            Expr::Field(e) => stack.push(Node::Expr(&e.base)),
            Expr::Group(e) => stack.push(Node::Expr(&e.expr)),
            Expr::Paren(e) => stack.push(Node::Expr(&e.expr)),
            Expr::Let(e) => stack.push(Node::Expr(&e.expr)),
            Expr::RawAddr(e) => stack.push(Node::Expr(&e.expr)),
            Expr::Reference(e) => stack.push(Node::Expr(&e.expr)),
            Expr::Try(e) => stack.push(Node::Expr(&e.expr)),
            Expr::Unary(e) => stack.push(Node::Expr(&e.expr)),
            Expr::Break(e) => stack.extend(e.expr.as_deref().map(Node::Expr)),
            Expr::Return(e) => stack.extend(e.expr.as_deref().map(Node::Expr)),
            Expr::Yield(e) => stack.extend(e.expr.as_deref().map(Node::Expr)),
            Expr::Range(e) => {
                stack.extend(e.start.as_deref().map(Node::Expr));
                stack.extend(e.end.as_deref().map(Node::Expr));
            }
            Expr::ForLoop(e) => stack.extend([Node::Expr(&e.expr), Node::Block(&e.body)]),
            Expr::While(e) => stack.extend([Node::Expr(&e.cond), Node::Block(&e.body)]),
            Expr::If(e) => {
                stack.extend([Node::Expr(&e.cond), Node::Block(&e.then_branch)]);
                stack.extend(e.else_branch.as_ref().map(|(_, expr)| Node::Expr(expr)));
            }
            Expr::Match(e) => {
                stack.push(Node::Expr(&e.expr));
                for arm in &e.arms {
                    if let Pat::Guard(guarded) = &arm.pat {
                        stack.push(Node::Expr(&guarded.guard));
                    }
                    stack.push(Node::Expr(&arm.body));
                }
            }
            Expr::Struct(e) => {
                calls.push(CallSite::Fields(e));
                stack.extend(e.fields.iter().map(|field| Node::Expr(&field.expr)));
                stack.extend(e.rest.as_deref().map(Node::Expr));
            }
            _ => {}
        }
    }
    calls
}

/// The span of a path as written, from its first segment (or `::`) to its last.
pub(super) fn path_span(index: &LineIndex, path: &syn::Path) -> Span {
    let first = path
        .leading_colon
        .map(|colon| colon.spans[0])
        .or_else(|| path.segments.first().map(|s| s.ident.span()));
    let last = path.segments.last().map(|s| s.ident.span());
    match (first, last) {
        (Some(first), Some(last)) => index.join(first, last),
        _ => index.span(PmSpan::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::summary::{ItemPath, PathRoot};

    #[test]
    fn paths_split_as_str_split_once_does() {
        for path in [
            "", "a", "a::b", "a::b::c", "::a", "a::", "a:::b", "a::::b", ":", "a:b::c", "é::ü",
        ] {
            assert_eq!(split_path(path), path.split_once("::"), "{path}");
            assert_eq!(rsplit_path(path), path.rsplit_once("::"), "{path}");
            assert_eq!(
                last_segment(path),
                path.rsplit("::").next().unwrap(),
                "{path}"
            );
            let item = ItemPath::new(PathRoot::Crate, path);
            let split: Vec<&str> = match path {
                "" => Vec::new(),
                _ => path.split("::").collect(),
            };
            assert_eq!(item.segments().collect::<Vec<_>>(), split, "{path}");
        }
    }
}
