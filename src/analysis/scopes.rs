//! Where async context begins and ends (SPEC §1). Only this module decides it.

use syn::{FnArg, Signature, Type};

use super::imports::Resolved;
use super::known_paths;

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
