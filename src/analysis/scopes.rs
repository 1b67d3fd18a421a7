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
    if name != "poll" && !name.starts_with("poll_") {
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
            .is_some_and(|segment| segment.ident == "Context"),
        _ => false,
    }
}

/// Does a call to this path run a closure given to it off the async thread?
pub(crate) fn is_offloader_path(resolved: &Resolved) -> bool {
    let text = resolved.text();
    if resolved.as_extern().is_some_and(known_paths::is_offloader) {
        return true;
    }
    // Re-exports and wrappers keep the distinctive names.
    let last = text.rsplit("::").next().unwrap_or(text);
    matches!(last, "spawn_blocking" | "block_in_place" | "unblock")
}

/// Does a method of this name, given a plain closure, run it on another thread?
pub(crate) fn is_offloading_method(name: &str) -> bool {
    known_paths::OFFLOADING_METHODS.contains(&name)
}
