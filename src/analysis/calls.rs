//! What the crate model needs from a file: its fns (typed keys), their calls by
//! path or method, their runtime-bound API uses and the `#[path]` modules. Recorded only
//! for a fn's own code: detached code (offloaded closures, consts) records nothing.

mod branches;
mod values;

use std::fmt::Write as _;

use syn::{ExprCall, ExprMethodCall, FnArg, ItemImpl, Signature};

pub(crate) use branches::Branches;

use crate::analysis::context::{Context, Ctx};
use crate::analysis::evidence::Evidence;
use crate::analysis::facts::Fact;
use crate::analysis::guards::Escapes;
use crate::analysis::imports::{Imports, Resolved, is_local_text};
use crate::analysis::known_paths::{self};
use crate::analysis::runtimes::Runtimes;
use crate::analysis::summary::{
    Arg, Call, CallShape, CallTarget, FileSummary, FnExtra, FnKey, FnSummary, ItemPath, PathMod,
    RuntimeUse, Shape,
};
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;
use crate::diagnostic::Span;

/// Where a call is made: what the crate model needs to know of its context.
#[derive(Clone, Copy)]
pub(super) struct Site<'r> {
    context: &'r Context,
    runtimes: &'r Runtimes,
    evidence: &'r Evidence,
}

impl<'r> Site<'r> {
    pub(super) fn new(
        context: &'r Context,
        runtimes: &'r Runtimes,
        evidence: &'r Evidence,
    ) -> Self {
        Site {
            context,
            runtimes,
            evidence,
        }
    }

    /// A call made here, as the crate model reads it.
    fn call(self, target: CallTarget, written: String, span: Span, at: usize, args: usize) -> Call {
        Call {
            target,
            written: written.into_boxed_str(),
            span,
            in_async: self.context.ctx() == Ctx::Async,
            driver: self.runtimes.driver(),
            awaited: self.context.is_awaited(at),
            args: u8::try_from(args).unwrap_or(u8::MAX),
        }
    }
}

/// The fns of the file and what their own code calls.
#[derive(Default)]
pub(crate) struct Calls {
    /// Every fn of the file: what the crate model needs of it.
    pub(super) fns: Vec<FnSummary>,
    /// The fns being walked (indices into `fns`), innermost last.
    fn_stack: Vec<usize>,
    /// The impls being walked, innermost last: the trait each implements, if any.
    impl_traits: Vec<Option<Box<ItemPath>>>,
    /// `#[path] mod` declarations.
    pub(super) path_mods: Vec<PathMod>,
    /// The tests on parameters in force, and the closure parameters offloaded.
    pub(super) branches: Branches,
    /// Calls recorded in the fns being walked: (address, fn, index in its calls), and
    /// where each open fn's begin.
    recent: Vec<(usize, usize, u32)>,
    recent_marks: Vec<usize>,
    /// The call shapes of each open fn, innermost last.
    shapes: Vec<Vec<CallShape>>,
    /// Arguments that are calls: (fn, call, position, the argument's address), looked up
    /// in `recent` when the fn is done.
    built: Vec<(usize, u32, u8, usize)>,
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

    /// An impl block: its fns are methods of the trait it implements, if any (as the file
    /// resolves its path: this crate's or another's).
    pub(super) fn enter_impl(&mut self, item: &ItemImpl, imports: &Imports) {
        let of_trait = item
            .trait_
            .as_ref()
            .map(|(path, _)| imports.resolve_path(path));
        self.impl_traits
            .push(of_trait.map(|resolved| Box::new(resolved.item_path())));
    }

    pub(super) fn exit_impl(&mut self) {
        self.impl_traits.pop();
    }

    pub(super) fn enter_fn(&mut self, summary: FnSummary, sig: &Signature, block: &syn::Block) {
        let returns_variant = values::body_variant(block);
        self.fns.push(FnSummary {
            extra: returns_variant.map(|returns_variant| {
                Box::new(FnExtra {
                    returns_variant: Some(returns_variant),
                    ..FnExtra::default()
                })
            }),
            ..summary
        });
        self.fn_stack.push(self.fns.len() - 1);
        self.recent_marks.push(self.recent.len());
        self.shapes.push(Vec::new());
        self.branches.enter_fn(sig);
    }

    pub(super) fn exit_fn(&mut self) {
        let (offloads, passes) = self.branches.exit_fn();
        let Some(index) = self.fn_stack.pop() else {
            return;
        };
        let mut shapes = self.shapes.pop().unwrap_or_default();
        // An argument that is a call of the crate: its value is that call's.
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.built)
            .into_iter()
            .partition(|(f, ..)| *f == index);
        self.built = rest;
        for (_, call, position, address) in mine {
            if let Some(built) = self.recorded(index, address) {
                shapes.push(CallShape {
                    call,
                    shape: Shape::Arg(position, Arg::Built(built)),
                });
            }
        }
        shapes.sort_by_key(|shape| shape.call);
        if offloads != 0 || passes != 0 || !shapes.is_empty() {
            let extra = self.fns[index].extra.get_or_insert_with(Box::default);
            extra.offloads = offloads;
            extra.passes = passes;
            extra.shapes = shapes.into_boxed_slice();
        }
        let mark = self.recent_marks.pop().unwrap_or(0);
        self.recent.truncate(mark);
    }

    /// The index among fn `in_fn`'s calls of the call at `address`, if it was recorded.
    fn recorded(&self, in_fn: usize, address: usize) -> Option<u32> {
        self.recent
            .iter()
            .rev()
            .find(|(at, f, _)| *at == address && *f == in_fn)
            .map(|(.., index)| *index)
    }

    /// `let storage = Storage::in_memory();`: a name bound, not `mut`, to a value written
    /// out (or a call's) stands for it as an argument while that binding is in scope.
    pub(super) fn on_let(&mut self, local: &syn::Local, evidence: &Evidence) {
        self.branches.forget_rebound(&local.pat);
        let (syn::Pat::Ident(ident), Some(init)) = (&local.pat, &local.init) else {
            return;
        };
        if ident.mutability.is_some() || ident.subpat.is_some() || init.diverge.is_some() {
            return;
        }
        let value = values::literal_arg(&init.expr).or_else(|| {
            let syn::Expr::Call(call) = peel(&init.expr) else {
                return None;
            };
            let in_fn = *self.fn_stack.last()?;
            self.recorded(in_fn, addr(call)).map(Arg::Built)
        });
        if let Some(value) = value {
            self.branches.bind_local(&ident.ident, evidence, value);
        }
    }

    /// Records a call on the current fn, with its shape: the tests in force, what its
    /// arguments show, the closure call it sits in. Returns (fn, index in its calls).
    fn push_call<'e>(
        &mut self,
        call: Call,
        site: Site<'_>,
        at: usize,
        args: impl Iterator<Item = &'e syn::Expr>,
    ) -> Option<(u32, u32)> {
        let fn_index = *self.fn_stack.last()?;
        let (mut known, built) = self.branches.args(args, site.evidence);
        // A call in async code is reported where it is made: only what its arguments
        // show matters, not the tests or parameters of the fn around it.
        let when = if call.in_async {
            known.retain(|(_, arg)| !matches!(arg, Arg::Param(_)));
            Vec::new()
        } else {
            self.branches.when()
        };
        let pending = site.context.pending().map(|(_, pending)| pending);
        let current = self.current(site.context.ctx())?;
        current.calls.push(call);
        let index = u32::try_from(current.calls.len() - 1).ok()?;
        let shapes = when
            .into_iter()
            .map(|cond| Shape::When(Box::new(cond)))
            .chain(known.into_iter().map(|(at, arg)| Shape::Arg(at, arg)))
            .chain(pending.map(Shape::Pending));
        if let Some(own) = self.shapes.last_mut() {
            own.extend(shapes.map(|shape| CallShape { call: index, shape }));
        }
        self.recent.push((at, fn_index, index));
        self.built.extend(
            built
                .into_iter()
                .map(|(position, address)| (fn_index, index, position, address)),
        );
        Some((u32::try_from(fn_index).ok()?, index))
    }

    /// The fn whose own code this point is (not detached), if any.
    pub(super) fn current(&mut self, ctx: Ctx) -> Option<&mut FnSummary> {
        if ctx == Ctx::Detached {
            return None;
        }
        let index = *self.fn_stack.last()?;
        self.fns.get_mut(index)
    }

    /// What the file contributes to its crate's model: its facts, fns and `#[path]` modules.
    pub(super) fn into_summary(
        self,
        name: &str,
        facts: Vec<Fact>,
        escapes: Escapes,
    ) -> FileSummary {
        FileSummary {
            name: name.to_string(),
            facts,
            fns: self.fns,
            path_mods: self.path_mods,
            unread: None,
            escapes,
        }
    }

    /// A call by path: recorded for the crate model when it may name a crate-local fn,
    /// and as a runtime-bound API use when it is one.
    pub(super) fn record_path_call(
        &mut self,
        site: Site<'_>,
        resolved: &Resolved,
        call: &ExprCall,
        path: &syn::Path,
        span: Span,
    ) -> Option<(u32, u32)> {
        let driver = site.runtimes.driver();
        let (at, args) = (addr(call), call.args.len());
        let current = self.current(site.context.ctx())?;
        if let Resolved::Extern(text) = resolved {
            if let Some(runtime) = known_paths::runtime_api(text) {
                current.uses.push(RuntimeUse {
                    runtime,
                    item: text.clone(),
                    span,
                    driver,
                    gated: site.runtimes.is_gated(runtime),
                });
            }
            let first = split_path(text).map_or(text.as_str(), |(first, _)| first);
            if known_paths::WELL_KNOWN_CRATES.contains(&first) {
                return None;
            }
        }
        // Built only for a call recorded.
        let target = CallTarget::Path(resolved.item_path());
        let mut written = String::new();
        for (i, segment) in path.segments.iter().enumerate() {
            let separator = if i == 0 { "" } else { "::" };
            let _ = write!(written, "{separator}{}", segment.ident);
        }
        let recorded = site.call(target, written, span, at, args);
        self.push_call(recorded, site, at, call.args.iter())
    }

    /// A method call the catalogue does not know: the crate model may resolve it to a
    /// method of this crate, by the receiver's type or by a name unique in the crate.
    pub(super) fn record_method_call(
        &mut self,
        site: Site<'_>,
        receiver: &Ty,
        call: &ExprMethodCall,
        name: &str,
        span: Span,
    ) -> Option<(u32, u32)> {
        // A type of another crate: `krate::Type`, for a crate linked with this one (a
        // workspace member, a `path` dependency, this package's lib).
        let ty = match receiver.path() {
            Some(path) if is_local_text(path) => Some(last_segment(path).to_string()),
            Some(path) => match split_path(path) {
                Some((first, _)) if !known_paths::WELL_KNOWN_CRATES.contains(&first) => {
                    Some([first, "::", last_segment(path)].concat())
                }
                _ => return None,
            },
            None => None,
        };
        self.current(site.context.ctx())?;
        let target = CallTarget::Method {
            ty: ty.map(String::into_boxed_str),
            name: name.into(),
        };
        let at = addr(call);
        let recorded = site.call(target, name.to_string(), span, at, call.args.len());
        self.push_call(recorded, site, at, call.args.iter())
    }
}

impl Calls {
    /// A fn's key for the crate model: `Type::f` for a method of an impl, the in-file
    /// module path and name for a free fn; whether it is async, the runtime its entry
    /// attribute starts, its parameters, and the trait its impl implements (the rest is
    /// filled in by the walk).
    pub(super) fn fn_summary(
        &self,
        attrs: &[syn::Attribute],
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
        let has_self = matches!(sig.inputs.first(), Some(FnArg::Receiver(_)));
        let params = sig.inputs.len() - usize::from(has_self);
        FnSummary {
            key,
            is_async: crate::analysis::context::is_async_fn(sig),
            entry: crate::analysis::runtimes::entry(attrs, imports),
            line: u32::try_from(sig.ident.span().start().line).unwrap_or(u32::MAX),
            has_self,
            params: u8::try_from(params).unwrap_or(u8::MAX),
            of_trait: in_impl
                .then(|| self.impl_traits.last().cloned().flatten())
                .flatten(),
            ..FnSummary::default()
        }
    }
}
