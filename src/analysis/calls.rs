//! What the crate model needs from a file: its fns (typed keys), their calls by
//! path or method, their runtime-bound API uses and the `#[path]` modules. Recorded only
//! for a fn's own code: detached code (offloaded closures, consts) records nothing.

use syn::{ExprMethodCall, Signature};

use crate::analysis::context::Ctx;
use crate::analysis::imports::{Imports, Resolved, is_local_text};
use crate::analysis::known_paths::{self};
use crate::analysis::runtimes::Runtimes;
use crate::analysis::summary::{Call, CallTarget, FnKey, FnSummary, PathMod, RuntimeUse};
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;
use crate::diagnostic::Span;

/// Where a call is made: what the crate model needs to know of its context.
#[derive(Clone, Copy)]
pub(super) struct Site<'r> {
    pub(super) ctx: Ctx,
    pub(super) runtimes: &'r Runtimes,
}

/// The fns of the file and what their own code calls.
#[derive(Default)]
pub(crate) struct Calls {
    /// Every fn of the file: what the crate model needs of it.
    pub(super) fns: Vec<FnSummary>,
    /// The fns being walked (indices into `fns`), innermost last.
    fn_stack: Vec<usize>,
    /// `#[path] mod` declarations.
    pub(super) path_mods: Vec<PathMod>,
}

impl Calls {
    /// A `mod m;` declaration: recorded when a `#[path]` attribute names its file.
    pub(super) fn path_mod(&mut self, item: &syn::ItemMod, imports: &Imports) {
        if let Some(path) = path_attribute(&item.attrs) {
            self.path_mods.push(PathMod {
                in_file: imports.current_path(),
                name: item.ident.to_string(),
                path,
            });
        }
    }

    pub(super) fn enter_fn(&mut self, summary: FnSummary) {
        self.fns.push(summary);
        self.fn_stack.push(self.fns.len() - 1);
    }

    pub(super) fn exit_fn(&mut self) {
        self.fn_stack.pop();
    }

    /// The fn whose own code this point is (not detached), if any.
    pub(super) fn current(&mut self, ctx: Ctx) -> Option<&mut FnSummary> {
        if ctx == Ctx::Detached {
            return None;
        }
        let index = *self.fn_stack.last()?;
        self.fns.get_mut(index)
    }

    /// A call by path: recorded for the crate model when it may name a crate-local fn,
    /// and as a runtime-bound API use when it is one.
    pub(super) fn record_path_call(
        &mut self,
        site: Site<'_>,
        resolved: &Resolved,
        path: &syn::Path,
        span: Span,
    ) {
        let in_async = site.ctx == Ctx::Async;
        let driver = site.runtimes.driver();
        let written = path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::");
        let Some(current) = self.current(site.ctx) else {
            return;
        };
        match resolved {
            Resolved::Local(_) => current.calls.push(Call {
                target: CallTarget::Path(resolved.item_path()),
                written,
                span,
                in_async,
                driver,
            }),
            Resolved::Extern(text) => {
                if let Some(runtime) = known_paths::runtime_api(text) {
                    current.uses.push(RuntimeUse {
                        runtime,
                        item: text.clone(),
                        span,
                        driver,
                        gated: site.runtimes.is_gated(runtime),
                    });
                }
                let first = text.split("::").next().unwrap_or_default();
                if !known_paths::WELL_KNOWN_CRATES.contains(&first) {
                    current.calls.push(Call {
                        target: CallTarget::Path(resolved.item_path()),
                        written,
                        span,
                        in_async,
                        driver,
                    });
                }
            }
        }
    }

    /// A method call the catalogue does not know: the crate model may resolve it to a
    /// method of this crate, by the receiver's type or by a name unique in the crate.
    pub(super) fn record_method_call(
        &mut self,
        site: Site<'_>,
        receiver: &Ty,
        call: &ExprMethodCall,
        span: Span,
    ) {
        // A type of another crate: `krate::Type`, for a crate linked with this one (a
        // workspace member, a `path` dependency, this package's lib).
        let ty = match receiver.path() {
            Some(path) if is_local_text(path) => Some(last_segment(path).to_string()),
            Some(path) => match path.split_once("::") {
                Some((first, _)) if !known_paths::WELL_KNOWN_CRATES.contains(&first) => {
                    Some(format!("{first}::{}", last_segment(path)))
                }
                _ => return,
            },
            None => None,
        };
        let name = call.method.to_string();
        let in_async = site.ctx == Ctx::Async;
        let driver = site.runtimes.driver();
        if let Some(current) = self.current(site.ctx) {
            current.calls.push(Call {
                target: CallTarget::Method {
                    ty,
                    name: name.clone(),
                },
                written: name,
                span,
                in_async,
                driver,
            });
        }
    }
}

/// A fn's key for the crate model: `Type::f` for a method of an impl, the in-file module
/// path and name for a free fn (the rest is filled in by the walk).
pub(super) fn fn_summary(
    sig: &Signature,
    self_ty: &Ty,
    in_impl: bool,
    imports: &Imports,
) -> FnSummary {
    let name = sig.ident.to_string();
    let type_name = if in_impl {
        self_ty.path().map(|path| last_segment(path).to_string())
    } else {
        None
    };
    let key = match type_name {
        Some(ty) => FnKey::Assoc { ty, name },
        None => FnKey::Free {
            module: imports.current_path(),
            name,
        },
    };
    FnSummary {
        key,
        line: u32::try_from(sig.ident.span().start().line).unwrap_or(u32::MAX),
        ..FnSummary::default()
    }
}
