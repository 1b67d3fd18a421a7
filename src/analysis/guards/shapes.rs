//! The shapes of code the guard tracker asks about: places a guard can be stored in,
//! receivers and types that may hand out a guard, match arms that pass one through.

use syn::{Expr, ExprMethodCall};

use super::escape::PendingSource;
use crate::analysis::evidence::Evidence;
use crate::analysis::imports::{Imports, is_local_text};
use crate::analysis::known_paths::{self};
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;

/// A place a guard can be stored in: a local name or a field path on one (`guards`,
/// `self.held`, `state.slots`), and the name it is rooted at.
pub(super) fn place_name(expr: &Expr) -> Option<(String, String)> {
    let mut fields = Vec::new();
    let mut at = peel(expr);
    loop {
        match at {
            Expr::Field(field) => {
                fields.push(match &field.member {
                    syn::Member::Named(ident) => ident.to_string(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                });
                at = peel(&field.base);
            }
            Expr::Path(path) => {
                let root = path.path.get_ident()?.to_string();
                let mut place = root.clone();
                for field in fields.iter().rev() {
                    place.push('.');
                    place.push_str(field);
                }
                return Some((place, root));
            }
            _ => return None,
        }
        if fields.len() > MAX_TYPE_DEPTH {
            return None;
        }
    }
}

/// Is this the crate's type (or a crate's the tables do not know): its methods are the
/// crate model's to resolve.
pub(super) fn crate_type(ty: &Ty) -> bool {
    match ty.path() {
        Some(path) if is_local_text(path) => true,
        Some(path) => {
            path.contains(':')
                && !known_paths::WELL_KNOWN_CRATES.contains(&path.split(':').next().unwrap_or(path))
        }
        None => false,
    }
}

/// Is a type a guard (or an `Option`/`Result` of one)?
pub(super) fn is_guard_type(ty: &Ty) -> bool {
    ty.path()
        .is_some_and(|path| known_paths::guard_type_lock(path, ty.arg(0).path()).is_some())
}

/// A lock call on a receiver the file does not show the type of: what the crate may show
/// (`self.cache.lock()` with `cache` a field of a struct declared elsewhere, `s.lock()`
/// with `s` of an alias declared elsewhere).
pub(super) fn lock_source(
    call: &ExprMethodCall,
    receiver: &Ty,
    evidence: &Evidence,
    method: String,
) -> Option<PendingSource> {
    if !call.args.is_empty() && !method.ends_with("_for") && !method.ends_with("_until") {
        return None;
    }
    if let Some(path) = receiver.path() {
        return is_local_text(path).then(|| PendingSource::Alias {
            name: last_segment(path).to_string(),
            method,
        });
    }
    let Expr::Field(field) = peel(&call.receiver) else {
        return None;
    };
    let syn::Member::Named(name) = &field.member else {
        return None;
    };
    let base = evidence.type_of(&field.base);
    let ty = base.path().filter(|path| is_local_text(path))?;
    Some(PendingSource::Field {
        ty: last_segment(ty).to_string(),
        field: name.to_string(),
        method,
    })
}

/// Is a receiver a value a macro builds (`cmd!(sh, "git status")`, and calls on it): a
/// process helper's command, say, not a lock.
pub(super) fn built_by_macro(mut receiver: &Expr) -> bool {
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
pub(super) fn async_lock_may_take(imports: &Imports, method: &str) -> bool {
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

/// `match m.lock() { Ok(g) => g, Err(e) => e.into_inner() }`: an arm gives back what
/// the scrutinee held.
pub(super) fn passes_through(matched: &syn::ExprMatch) -> bool {
    matched.arms.iter().any(|arm| {
        let names = pattern_names(&arm.pat);
        let is_bound = |expr: &Expr| names_one_of(expr, &names);
        match peel(&arm.body) {
            body @ Expr::Path(_) => is_bound(body),
            Expr::MethodCall(call) => {
                call.method == known_paths::POISON_RECOVERY && is_bound(&call.receiver)
            }
            _ => false,
        }
    })
}

/// The values a match's arms give (one of them is the match's): each arm's body, but not
/// a name its own pattern binds (that is the scrutinee's value: [`passes_through`]; the
/// arm's scope is over, and the name would be taken for another binding of it).
pub(super) fn arm_values(matched: &syn::ExprMatch) -> Vec<&Expr> {
    (matched.arms.iter())
        .filter(|arm| !names_one_of(&arm.body, &pattern_names(&arm.pat)))
        .map(|arm| &*arm.body)
        .collect()
}

/// `{ let g = …; g }`: the block's tail is a name the block binds. Its scope is over when
/// the block's value is taken, and the name would be taken for another binding of it.
pub(super) fn names_a_local(tail: &Expr, block: &syn::Block) -> bool {
    block.stmts.iter().any(|stmt| match stmt {
        syn::Stmt::Local(local) => names_one_of(tail, &pattern_names(&local.pat)),
        _ => false,
    })
}

/// Is `expr` a bare name (`g`, `(g)`) among `names`?
pub(super) fn names_one_of(expr: &Expr, names: &[String]) -> bool {
    match peel(expr) {
        Expr::Path(path) => path
            .path
            .get_ident()
            .is_some_and(|ident| names.iter().any(|name| ident == name)),
        _ => false,
    }
}

/// The names an async block uses as values (a token scan over an explicit stack of
/// groups): not a field or method after `.`, a path's first segment, a macro's name, a
/// field name before `:`; nor a name the block declares with `let` (it may shadow).
pub(super) fn idents_in(block: &syn::ExprAsync) -> foldhash::HashSet<String> {
    use proc_macro2::TokenTree;
    use quote::ToTokens;
    let punct = |tree: Option<&TokenTree>, c: char| matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == c);
    let mut found = foldhash::HashSet::default();
    let mut declares = Vec::new();
    let mut work = vec![block.block.to_token_stream()];
    while let Some(stream) = work.pop() {
        let trees: Vec<TokenTree> = stream.into_iter().collect();
        for (i, tree) in trees.iter().enumerate() {
            match tree {
                TokenTree::Ident(ident) => {
                    let before = i.checked_sub(1).and_then(|at| trees.get(at));
                    let declared = matches!(before, Some(TokenTree::Ident(word)) if word == "let" || word == "mut");
                    let next = trees.get(i + 1);
                    if declared {
                        declares.push(ident.to_string());
                    } else if !punct(before, '.') && !punct(next, '!') && !punct(next, ':') {
                        found.insert(ident.to_string());
                    }
                }
                TokenTree::Group(group) => work.push(group.stream()),
                _ => {}
            }
        }
    }
    for name in declares {
        found.remove(&name);
    }
    found
}

/// Does a value wrap what it is built from (`Some(g)`, a struct, a tuple): the binding it
/// goes to is a container, `take()` moves out of it.
pub(super) fn wraps_value(expr: &Expr) -> bool {
    match peel(expr) {
        Expr::Call(call) => builds_value(&call.func),
        Expr::Struct(_) | Expr::Tuple(_) | Expr::Array(_) => true,
        _ => false,
    }
}
