//! What the crate model needs from a file: its fns, their calls by path or method, and
//! their runtime-bound API uses.

use proc_macro2::Span as PmSpan;
use syn::ExprMethodCall;

use crate::analysis::context::Ctx;
use crate::analysis::imports::{Resolved, is_local_text};
use crate::analysis::known_paths::{self};
use crate::analysis::summary::{Call, CallTarget, FileSummary, FnSummary, RuntimeUse};
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;
use crate::analysis::walk::Walker;
use crate::diagnostic::Span;

impl Walker<'_> {
    /// The fn whose own code this point is (not detached), if any.
    pub(super) fn current_fn(&mut self) -> Option<&mut FnSummary> {
        if self.context.ctx() == Ctx::Detached {
            return None;
        }
        let index = *self.fn_stack.last()?;
        self.fns.get_mut(index)
    }

    /// What this file contributes to its crate's model.
    pub(crate) fn into_summary(self, name: &str) -> FileSummary {
        FileSummary {
            name: name.to_string(),
            facts: self.facts,
            fns: self.fns,
            path_mods: self.path_mods,
        }
    }

    /// A call by path: recorded for the crate model when it may name a crate-local fn,
    /// and as a runtime-bound API use when it is one.
    pub(super) fn record_path_call(&mut self, resolved: &Resolved, path: &syn::Path, span: Span) {
        let in_async = self.context.in_async();
        let driver = self.drivers.last().copied();
        let gates = self.gates.clone();
        let written = path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::");
        let Some(current) = self.current_fn() else {
            return;
        };
        match resolved {
            Resolved::Local(text) => current.calls.push(Call {
                target: CallTarget::Path(text.clone()),
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
                        gated: gates.contains(&runtime),
                    });
                }
                let first = text.split("::").next().unwrap_or_default();
                if !known_paths::WELL_KNOWN_CRATES.contains(&first) {
                    current.calls.push(Call {
                        target: CallTarget::Path(text.clone()),
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
    pub(super) fn record_method_call(&mut self, receiver: &Ty, call: &ExprMethodCall) {
        let ty = match receiver.path() {
            Some(path) if is_local_text(path) => Some(last_segment(path).to_string()),
            Some(_) => return,
            None => None,
        };
        let name = call.method.to_string();
        let span = self.index.span(call.method.span());
        let in_async = self.context.in_async();
        let driver = self.drivers.last().copied();
        if let Some(current) = self.current_fn() {
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

    pub(super) fn path_span(&self, path: &syn::Path) -> Span {
        let first = path
            .leading_colon
            .map(|colon| colon.spans[0])
            .or_else(|| path.segments.first().map(|s| s.ident.span()));
        let last = path.segments.last().map(|s| s.ident.span());
        match (first, last) {
            (Some(first), Some(last)) => self.index.join(first, last),
            _ => self.index.span(PmSpan::call_site()),
        }
    }
}
