//! Calls matched against the blocking catalogue (and the configured `[[blocking]]`
//! paths): pure queries from a call to what it blocks on ([`Found`]), and [`emit`], which
//! makes it a `Blocking` fact in async context or a recorded op in a sync fn. Owns the
//! address-keyed set of calls already reported.

use std::collections::HashSet;

use syn::{Expr, ExprCall, ExprMethodCall, Macro};

use crate::analysis::calls::Calls;
use crate::analysis::context::{self, Ctx};
use crate::analysis::evidence::Evidence;
use crate::analysis::facts::{BlockingCall, BlockingKind, Fact};
use crate::analysis::imports::Resolved;
use crate::analysis::known_paths::{self, Blocking};
use crate::analysis::source::LineIndex;
use crate::analysis::summary::Op;
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;
use crate::diagnostic::Span;
use crate::rules::Rule;
use crate::settings::{Settings, UserBlocking};

/// A blocking call: what it is and where.
pub(super) struct Found {
    rule: Rule,
    kind: BlockingKind,
    /// The item as shown to users.
    item: String,
    replacement: &'static str,
    /// The reason a `[[blocking]]` entry gives; empty for catalogue rows.
    reason: String,
    span: Span,
}

impl Found {
    fn row(entry: &Blocking, item: String, span: Span) -> Found {
        Found {
            rule: entry.rule,
            kind: entry.kind,
            item,
            replacement: entry.replacement,
            reason: String::new(),
            span,
        }
    }

    /// A call to a `[[blocking]]` function of the configuration.
    fn configured(user: &UserBlocking, span: Span) -> Found {
        // A configured path says only its rule; its name decides the rest as a
        // catalogue row's would (tokio's `blocking_*` methods panic in a runtime).
        let kind = match user.rule {
            Rule::BlockOnInAsync => BlockingKind::BlocksOnFuture,
            _ if user.path.starts_with(known_paths::PANICS_IN_RUNTIME_PREFIX) => {
                BlockingKind::PanicsInRuntime
            }
            _ => BlockingKind::Blocks,
        };
        Found {
            rule: user.rule,
            kind,
            item: user.path.clone(),
            replacement: "",
            reason: user.reason.clone(),
            span,
        }
    }
}

/// Calls already reported, by address, so a chain on their result is not reported again.
#[derive(Default)]
pub(crate) struct Reported {
    calls: HashSet<usize>,
}

impl Reported {
    pub(super) fn mark(&mut self, address: usize) {
        self.calls.insert(address);
    }

    /// Is the receiver (through `?`, `unwrap`, references) a call already reported?
    pub(super) fn covers(&self, receiver: &Expr) -> bool {
        let mut expr = peel(receiver);
        loop {
            if self.calls.contains(&expr_addr(expr)) {
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
}

/// The blocking operation a call by path performs: a configured path or a catalogue row.
pub(super) fn call_found(
    evidence: &Evidence,
    settings: &Settings,
    index: &LineIndex,
    call: &ExprCall,
) -> Option<Found> {
    let Expr::Path(func) = peel(&call.func) else {
        return None;
    };
    let resolved = evidence.resolve_expr_path(&func.path);
    if let Some(user) = settings
        .blocking
        .iter()
        .find(|user| context::names_configured(&resolved, &user.path))
    {
        return Some(Found::configured(user, path_span(index, &func.path)));
    }
    let Resolved::Extern(path) = resolved else {
        return None;
    };
    let entry = known_paths::blocking(&path)?;
    let span = path_span(index, &func.path);
    Some(Found::row(entry, entry.callee.replace('.', "::"), span))
}

/// The blocking operation a method call performs, by its receiver's type (`receiver`).
pub(super) fn method_found(
    evidence: &Evidence,
    receiver: &Ty,
    call: &ExprMethodCall,
    index: &LineIndex,
) -> Option<Found> {
    let method = call.method.to_string();
    let (entry, item) = method_entry(evidence, receiver, &method, call)?;
    Some(Found::row(entry, item, index.span(call.method.span())))
}

/// The catalogue entry a method call matches, and the item name to show.
fn method_entry(
    evidence: &Evidence,
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
            && (evidence.imports.imports(trait_path) || evidence.imports.imports(krate))
        {
            let entry = known_paths::blocking(row)?;
            return Some((entry, row.replace('.', "::")));
        }
    }
    None
}

/// `write!(file, ..)` calls `write_fmt` on a std file or socket.
pub(super) fn write_macro_found(
    evidence: &Evidence,
    mac: &Macro,
    destination: &Expr,
    index: &LineIndex,
) -> Option<Found> {
    let ty = evidence.type_of(destination);
    let path = ty.path()?;
    let entry = known_paths::blocking(&format!("{path}.write_fmt"))?;
    Some(Found::row(
        entry,
        format!("{path}::write_fmt"),
        path_span(index, &mac.path),
    ))
}

/// Where a blocking call was found: the kind of code, and whether the innermost body is
/// a sync closure inheriting async context (its code cannot `.await`).
pub(super) struct At<'f> {
    pub(super) ctx: Ctx,
    pub(super) in_sync_body: bool,
    pub(super) file: &'f str,
}

/// A blocking operation: a fact in async context, an op recorded on the fn in a sync fn
/// (callers inherit it through the crate model), nothing in detached code.
pub(super) fn emit(found: Found, at: At<'_>, calls: &mut Calls, facts: &mut Vec<Fact>) {
    let Found {
        rule,
        kind,
        item,
        replacement,
        reason,
        span,
    } = found;
    match at.ctx {
        Ctx::Sync => {
            if let Some(current) = calls.current(at.ctx) {
                current.ops.push(Op {
                    rule,
                    item,
                    span,
                    replacement: replacement.to_string(),
                    allowed: false,
                });
            }
        }
        Ctx::Async => facts.push(Fact::Blocking(BlockingCall {
            rule,
            kind,
            file: at.file.to_string(),
            span,
            item,
            replacement: replacement.to_string(),
            configured_reason: reason,
            in_sync_closure: at.in_sync_body,
        })),
        Ctx::Detached => {}
    }
}
