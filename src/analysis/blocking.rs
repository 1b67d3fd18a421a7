//! Calls matched against the blocking catalogue (and the configured `[[blocking]]`
//! paths): a `Blocking` fact in async context, a recorded op in a sync fn.

use syn::{Expr, ExprCall, ExprMethodCall, Macro};

use crate::analysis::context::{self, Ctx};
use crate::analysis::facts::{BlockingCall, BlockingKind, Fact};
use crate::analysis::imports::Resolved;
use crate::analysis::known_paths::{self, Blocking};
use crate::analysis::summary::Op;
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;
use crate::analysis::walk::Walker;
use crate::diagnostic::Span;
use crate::rules::Rule;

impl Walker<'_> {
    /// Reports (or, in a sync fn, records) a call to a catalogued blocking path; true
    /// when it was one.
    pub(super) fn check_call(&mut self, call: &ExprCall) -> bool {
        if self.context.ctx() == Ctx::Detached || self.context.is_awaited(addr(call)) {
            return false;
        }
        let Expr::Path(func) = peel(&call.func) else {
            return false;
        };
        let resolved = self.evidence.resolve_expr_path(&func.path);
        let settings = self.settings;
        if let Some(user) = settings
            .blocking
            .iter()
            .find(|user| context::names_configured(&resolved, &user.path))
        {
            let span = self.path_span(&func.path);
            self.report_user(user, span);
            self.reported.insert(addr(call));
            return true;
        }
        let Resolved::Extern(path) = resolved else {
            return false;
        };
        if let Some(entry) = known_paths::blocking(&path) {
            let span = self.path_span(&func.path);
            self.report(entry, entry.callee.replace('.', "::"), span);
            self.reported.insert(addr(call));
            return true;
        }
        false
    }

    /// Like [`Self::check_call`], for a method call.
    pub(super) fn check_method(&mut self, call: &ExprMethodCall) -> bool {
        if self.context.ctx() == Ctx::Detached || self.context.is_awaited(addr(call)) {
            return false;
        }
        if self.receiver_reported(&call.receiver) {
            self.reported.insert(addr(call));
            return true;
        }
        let method = call.method.to_string();
        let receiver = self.evidence.type_of(&call.receiver);
        let entry = self.method_entry(&receiver, &method, call);
        if let Some((entry, item)) = entry {
            let span = self.index.span(call.method.span());
            self.report(entry, item, span);
            self.reported.insert(addr(call));
            return true;
        }
        false
    }

    /// The catalogue entry a method call matches, and the item name to show.
    pub(super) fn method_entry(
        &self,
        receiver: &Ty,
        method: &str,
        call: &ExprMethodCall,
    ) -> Option<(&'static Blocking, String)> {
        if let Some(path) = receiver.path() {
            if let Some(entry) = known_paths::blocking(&format!("{path}.{method}")) {
                return Some((entry, format!("{path}::{method}")));
            }
            // Buffered adapters do their inner reader's or writer's I/O.
            if let Some(direction) = known_paths::io_adapter_direction(path, method) {
                let inner = receiver.arg(0);
                if let Some(inner_path) = inner.path()
                    && let Some(entry) = known_paths::blocking(&format!("{inner_path}.{direction}"))
                {
                    return Some((entry, format!("{path}::{method}")));
                }
            }
        }
        if let Some(entry) = known_paths::blocking(&format!(".{method}")) {
            return Some((entry, method.to_string()));
        }
        for (trait_path, krate, name, row) in known_paths::TRAIT_METHODS {
            if method == *name
                && call.args.is_empty()
                && (self.evidence.imports.imports(trait_path)
                    || self.evidence.imports.imports(krate))
            {
                let entry = known_paths::blocking(row)?;
                return Some((entry, row.replace('.', "::")));
            }
        }
        None
    }

    /// `write!(file, ..)` calls `write_fmt` on a std file or socket.
    pub(super) fn check_write_macro(&mut self, mac: &Macro, destination: &Expr) {
        if !self.context.in_async() {
            return;
        }
        let ty = self.evidence.type_of(destination);
        if let Some(path) = ty.path()
            && let Some(entry) = known_paths::blocking(&format!("{path}.write_fmt"))
        {
            let span = self.path_span(&mac.path);
            self.report(entry, format!("{path}::write_fmt"), span);
        }
    }

    /// Is the receiver (through `?`, `unwrap`, references) a call already reported?
    pub(super) fn receiver_reported(&self, receiver: &Expr) -> bool {
        let mut expr = peel(receiver);
        loop {
            if self.reported.contains(&expr_addr(expr)) {
                return true;
            }
            expr = match expr {
                Expr::Try(inner) => peel(&inner.expr),
                Expr::Reference(inner) => peel(&inner.expr),
                Expr::MethodCall(inner)
                    if known_paths::REPORTED_SEE_THROUGH
                        .contains(&inner.method.to_string().as_str()) =>
                {
                    peel(&inner.receiver)
                }
                _ => return false,
            };
        }
    }

    /// A call to a `[[blocking]]` function of the configuration.
    pub(super) fn report_user(&mut self, user: &crate::settings::UserBlocking, span: Span) {
        // A configured path says only its rule; its name decides the rest as a
        // catalogue row's would (tokio's `blocking_*` methods panic in a runtime).
        let kind = match user.rule {
            Rule::BlockOnInAsync => BlockingKind::BlocksOnFuture,
            _ if user.path.starts_with("blocking_") => BlockingKind::PanicsInRuntime,
            _ => BlockingKind::Blocks,
        };
        let entry = Blocking {
            callee: "",
            rule: user.rule,
            replacement: "",
            kind,
        };
        self.report_with_reason(&entry, user.path.clone(), span, &user.reason);
    }

    /// A blocking operation: a finding in async context, a recorded op in a sync fn.
    pub(super) fn report(&mut self, entry: &Blocking, item: String, span: Span) {
        self.report_with_reason(entry, item, span, "");
    }

    pub(super) fn report_with_reason(
        &mut self,
        entry: &Blocking,
        item: String,
        span: Span,
        reason: &str,
    ) {
        let rule = entry.rule;
        if self.context.ctx() == Ctx::Sync {
            if let Some(current) = self.current_fn() {
                current.ops.push(Op {
                    rule,
                    item,
                    span,
                    replacement: entry.replacement.to_string(),
                });
            }
            return;
        }
        if !self.context.in_async() {
            return;
        }
        let kind = entry.kind;
        self.facts.push(Fact::Blocking(BlockingCall {
            rule,
            kind,
            file: self.file.to_string(),
            span,
            item,
            replacement: entry.replacement.to_string(),
            configured_reason: reason.to_string(),
            // A sync closure inheriting async context: its body cannot `.await`.
            in_sync_closure: self
                .guards
                .bodies
                .last()
                .is_some_and(|body| !body.is_async()),
        }));
    }
}
