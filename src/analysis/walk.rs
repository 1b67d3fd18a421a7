//! The one pass over a file, and the only `syn::Visit` and recursion over syntax in the
//! analysis: it fixes evaluation order (what runs before what, which branch joins where)
//! and dispatches each node to the concern modules, which are queries or small state
//! machines: `context` (async, sync or detached), `evidence` (names and types),
//! `blocking` (catalogue matches), `guards::track` (guards' lives), `runtimes` (gates and
//! drivers), `calls` (what the crate model needs), `macros` (bodies that hold code).
//! It owns no analysis of its own beyond that order; its output is the file's facts and
//! summary.

use std::any::Any;
use std::rc::Rc;
use syn::visit::{self, Visit};
use syn::{
    Block, Expr, ExprAsync, ExprAwait, ExprCall, ExprClosure, ExprForLoop, ExprIf, ExprLet,
    ExprMatch, ExprMethodCall, ExprWhile, Item, ItemFn, ItemImpl, ItemMod, ItemTrait, Local, Macro,
    Pat, Signature, Stmt, Type,
};

use super::blocking::{self, Reported};
use super::calls::{Calls, Site};
use super::context::{self, Context, Ctx};
use super::evidence::Evidence;
use super::facts::Fact;
use super::guards::Body;
use super::guards::track::GuardTracker;
use super::imports::Resolved;
use super::known_paths::{self};
use super::runtimes::{self, Runtimes};
use super::skeleton::Skeleton;
use super::source::LineIndex;
use super::summary::{Cond, FileSummary, Runtime};
use super::syntax::*;
use super::types::{Ty, resolve_type};
use crate::settings::{Edition, Settings};

/// Stack kept free before recursing further; past it, recursion moves to a new segment.
const RED_ZONE: usize = 256 * 1024;
const NEW_STACK: usize = 16 * 1024 * 1024;

mod macro_bodies;
mod split;

pub(crate) use split::{Strip, strip};

pub(crate) struct Walker<'a> {
    index: &'a LineIndex<'a>,
    file: &'a str,
    settings: &'a Settings,
    /// Trees parsed from macro bodies, kept alive until the file is done so that no
    /// address in the concerns' address-keyed sets is ever reused by another node.
    macro_trees: Vec<Rc<dyn Any>>,
    /// Macro bodies being walked, each inside the last (`macros::MAX_DEPTH`).
    macro_depth: usize,
    /// What the file's own code shows: blocking calls and guards held across awaits.
    facts: Vec<Fact>,
    /// What the source shows of names and types: imports, bindings, fields, statics, fn returns.
    evidence: Evidence,
    /// Async, sync or detached code; awaited calls and offloaded closures.
    context: Context,
    /// Guards of synchronous locks: created, held, moved and dropped as the walk goes.
    guards: GuardTracker,
    /// The file's fns and their calls, for the crate model.
    calls: Calls,
    /// The runtimes gating and driving the code here.
    runtimes: Runtimes,
    /// Calls already reported.
    reported: Reported,
    /// Item-granular parsing: the file walked is this skeleton, its fns parsed one by one.
    skeleton: Option<&'a Skeleton<'a>>,
    /// A fn parsed on its own is being walked (its nested fns stay in it).
    in_fn_text: bool,
    /// A fn's own text did not parse: the file must be parsed whole.
    pub(crate) failed: bool,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(index: &'a LineIndex<'a>, file: &'a str, settings: &'a Settings) -> Self {
        Walker {
            index,
            file,
            settings,
            reported: Reported::default(),
            macro_trees: Vec::new(),
            macro_depth: 0,
            evidence: Evidence::default(),
            context: Context::default(),
            guards: GuardTracker::default(),
            calls: Calls::default(),
            runtimes: Runtimes::default(),
            facts: Vec::new(),
            skeleton: None,
            in_fn_text: false,
            failed: false,
        }
    }

    pub(crate) fn walk_file(&mut self, file: &syn::File) {
        self.runtimes.enter_gates(&file.attrs);
        self.evidence.imports.push_module(&file.items, None);
        self.evidence.collect_items(file.items.iter());
        (self.guards).collect_items(&file.items, &self.evidence.imports, self.index);
        for item in &file.items {
            self.visit_item(item);
        }
        self.evidence.imports.pop();
    }

    fn with_fn_body(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &Signature,
        block: &Block,
        self_ty: Ty,
        in_impl: bool,
    ) {
        let is_async = context::is_async_fn(sig);
        let imports = &self.evidence.imports;
        let mut summary = (self.calls).fn_summary(attrs, sig, &self_ty, in_impl, imports);
        summary.line = self.index.pos(sig.ident.span().start()).line;
        summary.returns_guard = self.guards.returned_lock(&self.evidence, sig, &self_ty);
        self.calls.enter_fn(summary, sig, block);
        let saved_env = self.evidence.enter_fn(sig, self_ty);
        self.context
            .push(if is_async { Ctx::Async } else { Ctx::Sync });
        self.guards.enter_fn(sig, is_async);
        self.visit_block(block);
        self.guards.pop_body(self.file, &mut self.facts);
        self.context.pop();
        self.evidence.exit_fn(saved_env);
        self.calls.exit_fn();
    }

    fn walk_mod(&mut self, item: &ItemMod) {
        let Some((_, items)) = &item.content else {
            self.calls.path_mod(item, &self.evidence.imports);
            return;
        };
        self.evidence
            .imports
            .push_module(items, Some(&item.ident.to_string()));
        self.evidence.collect_items(items.iter());
        (self.guards).collect_items(items, &self.evidence.imports, self.index);
        let saved_env = self.evidence.suspend_env();
        let saved_bodies = self.guards.suspend();
        self.context.push(Ctx::Detached);
        for item in items {
            self.visit_item(item);
        }
        self.context.pop();
        self.guards.resume(saved_bodies);
        self.evidence.resume_env(saved_env);
        self.evidence.imports.pop();
    }

    /// Walks an item under the runtimes its `#[cfg(..)]` names.
    fn with_gates(&mut self, attrs: &[syn::Attribute], f: impl FnOnce(&mut Self)) {
        let count = self.runtimes.enter_gates(attrs);
        f(self);
        self.runtimes.exit_gates(count);
    }

    fn with_driver(&mut self, driver: Option<Runtime>, f: impl FnOnce(&mut Self)) {
        self.runtimes.enter_driver(driver);
        f(self);
        self.runtimes.exit_driver(driver);
    }

    /// Reports (in a sync fn: records) a catalogued or configured blocking call; true if one.
    fn check_call(&mut self, call: &ExprCall, resolved: &Resolved) -> bool {
        if self.context.ctx() == Ctx::Detached || self.context.is_awaited(addr(call)) {
            return false;
        }
        let found = blocking::call_found(&self.evidence, self.settings, self.index, call, resolved);
        let Some(found) = found else {
            return false;
        };
        if !self.reported.harmless(&found, addr(call)) {
            self.emit_blocking(found, None);
        }
        self.reported.mark(addr(call));
        true
    }

    /// Like [`Self::check_call`], for a method call on a receiver of this type.
    fn check_method(&mut self, call: &ExprMethodCall, method: &str, receiver: &Ty) -> bool {
        if self.context.ctx() == Ctx::Detached || self.context.is_awaited(addr(call)) {
            return false;
        }
        if self.reported.covers(&call.receiver) {
            self.reported.mark(addr(call));
            return true;
        }
        let Some(found) = blocking::method_found(
            &self.evidence,
            self.settings,
            receiver,
            call,
            method,
            self.index,
            self.context.in_loop(),
        ) else {
            return false;
        };
        if !self.reported.harmless(&found, addr(call)) {
            let test = blocking::address_test(&self.calls, call, &self.evidence);
            self.emit_blocking(found, test);
        }
        self.reported.mark(addr(call));
        true
    }

    /// `write!(file, ..)` in async code writes through `write_fmt`.
    fn check_write_macro(&mut self, mac: &Macro, destination: &Expr) {
        if !self.context.in_async() {
            return;
        }
        if let Some(found) =
            blocking::write_macro_found(&self.evidence, self.settings, mac, destination, self.index)
        {
            self.emit_blocking(found, None);
        }
    }

    fn emit_blocking(&mut self, found: blocking::Found, test: Option<Cond>) {
        let at = blocking::At {
            ctx: self.context.ctx(),
            test,
            pending: self.context.pending(),
            in_sync_body: self.guards.in_sync_body(),
            can_await: self.guards.can_await(),
            guard_alive: self.guards.guard_alive(),
            file: self.file,
        };
        blocking::emit(found, at, &mut self.calls, &mut self.facts);
    }

    /// What this file contributes to its crate's model.
    pub(crate) fn into_summary(self, name: &str) -> FileSummary {
        (self.calls).into_summary(name, self.facts, self.guards.into_escapes())
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        stacker::maybe_grow(RED_ZONE, NEW_STACK, || visit::visit_item(self, item));
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        let saved = (self.context).enter_expr(expr, self.calls.branches.has_closures());
        stacker::maybe_grow(RED_ZONE, NEW_STACK, || visit::visit_expr(self, expr));
        self.context.exit_expr(saved);
    }

    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        stacker::maybe_grow(RED_ZONE, NEW_STACK, || visit::visit_stmt(self, stmt));
    }

    // Types, patterns and attributes hold no code that runs.
    fn visit_type(&mut self, _: &'ast Type) {}
    fn visit_pat(&mut self, _: &'ast Pat) {}
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_item_fn(&mut self, item: &'ast ItemFn) {
        if self.split_off::<ItemFn>(&item.block, |w, item| w.visit_item_fn(item)) {
            return;
        }
        self.with_gates(&item.attrs, |walker| {
            walker.with_fn_body(&item.attrs, &item.sig, &item.block, Ty::Unknown, false);
        });
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if self.split_off::<syn::ImplItemFn>(&item.block, |w, item| w.visit_impl_item_fn(item)) {
            return;
        }
        let self_ty = self.evidence.current_self();
        self.with_gates(&item.attrs, |walker| {
            walker.with_fn_body(&item.attrs, &item.sig, &item.block, self_ty, true);
        });
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(block) = &item.default
            && self.split_off::<syn::TraitItemFn>(block, |w, item| w.visit_trait_item_fn(item))
        {
            return;
        }
        if let Some(block) = &item.default {
            self.with_gates(&item.attrs, |walker| {
                walker.with_fn_body(&item.attrs, &item.sig, block, Ty::Unknown, false);
            });
        }
    }

    fn visit_item_impl(&mut self, item: &'ast ItemImpl) {
        let outer_self = self.evidence.current_self();
        let self_ty = resolve_type(&item.self_ty, &self.evidence.imports, &outer_self);
        self.evidence.enter_impl(self_ty);
        self.calls.enter_impl(item, &self.evidence.imports);
        self.context.push(Ctx::Detached);
        self.with_gates(&item.attrs, |walker| {
            for impl_item in &item.items {
                walker.visit_impl_item(impl_item);
            }
        });
        self.context.pop();
        self.calls.exit_impl();
        self.evidence.exit_impl();
    }

    fn visit_item_trait(&mut self, item: &'ast ItemTrait) {
        self.evidence.enter_impl(Ty::Unknown);
        self.context.push(Ctx::Detached);
        self.with_gates(&item.attrs, |walker| {
            for trait_item in &item.items {
                walker.visit_trait_item(trait_item);
            }
        });
        self.context.pop();
        self.evidence.exit_impl();
    }

    fn visit_item_mod(&mut self, item: &'ast ItemMod) {
        self.with_gates(&item.attrs, |walker| walker.walk_mod(item));
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.context.push(Ctx::Detached);
        self.visit_expr(&item.expr);
        self.context.pop();
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.context.push(Ctx::Detached);
        self.visit_expr(&item.expr);
        self.context.pop();
    }

    fn visit_item_macro(&mut self, _: &'ast syn::ItemMacro) {}

    fn visit_block(&mut self, block: &'ast Block) {
        let items = block.stmts.iter().filter_map(|stmt| match stmt {
            Stmt::Item(item) => Some(item),
            _ => None,
        });
        self.evidence.imports.push_block(items);
        self.evidence.collect_block_items(block);
        self.evidence.enter_scope();
        let offload = &self.settings.offload;
        if self.context.ctx() != Ctx::Detached {
            (self.context).mark_closures_offloaded_later(block, &self.evidence, offload);
            (self.reported).scan_block(block, &self.evidence, offload, self.index.text());
        }
        self.guards.with_body(Body::enter_scope);
        self.calls.branches.open_block();
        let last = block.stmts.len().saturating_sub(1);
        for (i, stmt) in block.stmts.iter().enumerate() {
            let tail = i == last && matches!(stmt, Stmt::Expr(_, None));
            self.guards.with_body(Body::begin_stmt);
            let test = self.calls.branches.before_stmt(stmt, &self.evidence);
            self.visit_stmt(stmt);
            self.calls.branches.after_stmt(test);
            if tail {
                self.guards.with_body(Body::end_tail);
            } else {
                self.guards.with_body(Body::end_stmt);
            }
        }
        self.guards.with_body(Body::exit_scope);
        self.calls.branches.close_block();
        self.evidence.exit_scope();
        self.evidence.imports.pop();
    }

    fn visit_local(&mut self, local: &'ast Local) {
        let mut ty = Ty::Unknown;
        let mut guards = Vec::new();
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            guards = self.guards.let_guards(&init.expr, self.index);
            if let Some((_, diverge)) = &init.diverge {
                self.guards
                    .with_body(|body| body.drop_temps_before_else(&guards));
                self.visit_expr(diverge);
            }
            ty = self.evidence.type_of(&init.expr);
        }
        self.evidence.bind_pat(&local.pat, ty);
        self.calls.on_let(local, &self.evidence);
        self.guards.on_let(&local.pat, &guards);
    }

    fn visit_expr_async(&mut self, expr: &'ast ExprAsync) {
        self.context.push(Ctx::Async);
        self.guards.enter_async(expr);
        self.visit_block(&expr.block);
        self.guards.pop_body(self.file, &mut self.facts);
        self.context.pop();
    }

    fn visit_expr_await(&mut self, expr: &'ast ExprAwait) {
        self.context.awaits(&expr.base);
        self.context.mark_awaited_call_args(&expr.base);
        self.visit_expr(&expr.base);
        let span = self
            .index
            .join(expr.dot_token.spans[0], expr.await_token.span);
        self.guards.with_body(|body| body.await_point(span));
    }

    fn visit_expr_closure(&mut self, closure: &'ast ExprClosure) {
        let ctx = self.context.closure_ctx(closure);
        self.evidence.enter_scope();
        let first_param = self.evidence.closure_param(closure);
        for (i, input) in closure.inputs.iter().enumerate() {
            let ty = if i == 0 {
                first_param.clone()
            } else {
                Ty::Unknown
            };
            self.evidence.bind_pat(input, ty);
        }
        self.context.push(ctx);
        self.guards.push_body(closure.asyncness.is_some());
        let names: Vec<String> = closure.inputs.iter().flat_map(pattern_names).collect();
        self.guards.declare(&names);
        self.visit_expr(&closure.body);
        self.guards.pop_body(self.file, &mut self.facts);
        self.context.pop();
        self.evidence.exit_scope();
    }

    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        self.visit_expr(&call.func);
        let mut driver = None;
        if let Expr::Path(func) = peel(&call.func) {
            let resolved = self.evidence.resolve_expr_path(&func.path);
            if context::is_offloader_path(&resolved, &self.settings.offload) {
                self.context.mark_offloaded(call.args.iter());
                self.calls.branches.offloader_args(call.args.iter());
            }
            if !self.check_call(call, &resolved) {
                let span = path_span(self.index, &func.path);
                let site = Site::new(&self.context, &self.runtimes, &self.evidence);
                let recorded =
                    (self.calls).record_path_call(site, &resolved, call, &func.path, span);
                self.context.candidates(recorded, call.args.iter());
                self.calls.branches.passed_args(call.args.iter());
                let awaited = self.context.is_awaited(addr(call));
                (self.guards).on_path_call(call, &resolved, span, awaited);
            }
            driver = runtimes::call_driver(&resolved);
        }
        self.with_driver(driver, |walker| {
            for arg in &call.args {
                walker.visit_expr(arg);
            }
        });
        self.guards.release_moved(call.args.iter());
        let moved = context::moved_into_called_closure(&call.func);
        self.guards.release_names(&moved);
    }

    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        // The method's name, built once for every question below.
        let method = call.method.to_string();
        if known_paths::STD_SHAPE_UNWRAPS.contains(&method.as_str()) {
            self.guards.mark_std_shaped(&call.receiver);
        }
        self.visit_expr(&call.receiver);
        // What the source shows of the receiver: read once, nothing below changes it.
        let receiver = self.evidence.type_of(&call.receiver);
        if self.guards.in_body() && !self.context.is_awaited(addr(call)) {
            (self.guards).on_method_call(call, &method, &receiver, &self.evidence, self.index);
        }
        if context::is_offloading_method(&method) {
            self.context.mark_offloaded(call.args.iter());
            self.calls.branches.offloader_args(call.args.iter());
        }
        let driver = runtimes::method_driver(&receiver, &method);
        if !self.check_method(call, &method, &receiver) {
            let span = self.index.span(call.method.span());
            let site = Site::new(&self.context, &self.runtimes, &self.evidence);
            let recorded = (self.calls).record_method_call(site, &receiver, call, &method, span);
            self.context.candidates(recorded, call.args.iter());
            self.calls.branches.passed_args(call.args.iter());
        }
        if known_paths::ITEM_CLOSURES.contains(&method.as_str())
            && let Some(Expr::Closure(closure)) = call.args.first().map(peel)
        {
            let item = receiver.item();
            if item != Ty::Unknown {
                self.evidence.item_closure(closure, item);
            }
        }
        self.with_driver(driver, |walker| {
            for arg in &call.args {
                walker.visit_expr(arg);
            }
        });
        self.guards.after_method_call(call, &method);
    }

    fn visit_expr_try(&mut self, expr: &'ast syn::ExprTry) {
        self.guards.mark_std_shaped(&expr.expr);
        self.visit_expr(&expr.expr);
    }

    fn visit_expr_assign(&mut self, expr: &'ast syn::ExprAssign) {
        self.visit_expr(&expr.right);
        if !self.guards.on_assign(&expr.left, &expr.right) {
            self.visit_expr(&expr.left);
        }
    }

    fn visit_expr_match(&mut self, expr: &'ast ExprMatch) {
        self.visit_expr(&expr.expr);
        let ty = self.evidence.type_of(&expr.expr);
        let scrutinee_guards = self.guards.guard_value(&expr.expr);
        let arm_tests = (self.calls.branches).arm_tests(&expr.expr, &expr.arms, &self.evidence);
        let before = self.guards.snapshot();
        let mut ends = Vec::new();
        for (i, arm) in expr.arms.iter().enumerate() {
            self.guards.restore(&before);
            self.evidence.enter_scope();
            self.evidence.bind_pat(&arm.pat, ty.clone());
            self.guards.enter_arm(&arm.pat, &scrutinee_guards);
            let tested = (self.calls.branches).enter(arm_tests.get(i).cloned().flatten());
            if let Pat::Guard(guarded) = &arm.pat {
                self.guards.with_body(Body::begin_stmt);
                self.visit_expr(&guarded.guard);
                self.guards.with_body(Body::end_stmt);
            }
            self.visit_expr(&arm.body);
            self.calls.branches.exit(tested);
            self.guards.with_body(Body::exit_scope);
            if !diverges(&arm.body) {
                ends.push(self.guards.snapshot());
            }
            self.evidence.exit_scope();
        }
        self.guards.merge(before, ends);
    }

    fn visit_expr_if(&mut self, expr: &'ast ExprIf) {
        let is_let = has_let(&expr.cond);
        self.evidence.enter_scope();
        self.guards.with_body(Body::enter_cond);
        let first = self.guards.guard_count();
        let (then_tests, else_test) = self.calls.branches.if_tests(&expr.cond, &self.evidence);
        self.visit_expr(&expr.cond);
        let cond_guards = first..self.guards.guard_count();
        if is_let {
            // `if let` scrutinee temporaries live through the body (and, before edition
            // 2024, through the `else` too).
            self.guards.with_body(Body::end_tail);
        } else {
            // A plain condition drops its temporaries before either branch runs.
            self.guards.with_body(Body::end_stmt);
        }
        let drops_before_else = is_let && self.settings.edition >= Edition::E2024;
        let before = self.guards.snapshot();
        let mut ends = Vec::new();
        let tested = self.calls.branches.enter(then_tests);
        self.visit_block(&expr.then_branch);
        self.calls.branches.exit(tested);
        self.guards.with_body(Body::kill_scope);
        if !block_diverges(&expr.then_branch) {
            ends.push(self.guards.snapshot());
        }
        self.guards.restore(&before);
        self.guards.with_body(Body::exit_scope);
        self.evidence.exit_scope();
        if drops_before_else {
            self.guards.with_body(|body| body.kill(cond_guards.clone()));
        }
        match &expr.else_branch {
            Some((_, else_branch)) => {
                let tested = self.calls.branches.enter(else_test);
                self.visit_expr(else_branch);
                self.calls.branches.exit(tested);
                if !diverges(else_branch) {
                    ends.push(self.guards.snapshot());
                }
            }
            None => ends.push(self.guards.snapshot()),
        }
        self.guards.merge(before, ends);
        if drops_before_else {
            self.guards.with_body(|body| body.kill(cond_guards));
        }
    }

    fn visit_expr_while(&mut self, expr: &'ast ExprWhile) {
        let is_let = has_let(&expr.cond);
        let before = self.guards.snapshot();
        self.evidence.enter_scope();
        self.guards.with_body(Body::enter_while);
        self.visit_expr(&expr.cond);
        if !is_let {
            self.guards.with_body(Body::end_stmt);
        }
        self.visit_block(&expr.body);
        if is_let {
            self.guards.with_body(Body::end_stmt);
        }
        self.guards.with_body(Body::exit_loop_scope);
        self.evidence.exit_scope();
        let after = self.guards.snapshot();
        self.guards.merge(before.clone(), vec![before, after]);
    }

    fn visit_expr_let(&mut self, expr: &'ast ExprLet) {
        self.visit_expr(&expr.expr);
        let ty = self.evidence.type_of(&expr.expr);
        self.evidence.bind_pat(&expr.pat, ty);
        let guards = self.guards.guard_value(&expr.expr);
        self.guards.on_let(&expr.pat, &guards);
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast ExprForLoop) {
        self.visit_expr(&expr.expr);
        let iterated = &expr.expr;
        let found = blocking::for_loop_found(&self.evidence, self.settings, iterated, self.index);
        found
            .into_iter()
            .for_each(|found| self.emit_blocking(found, None));
        let item = self.evidence.type_of(&expr.expr).item();
        let before = self.guards.snapshot();
        self.evidence.enter_scope();
        self.evidence.bind_pat(&expr.pat, item);
        let names = pattern_names(&expr.pat);
        self.guards.enter_for(&names);
        self.visit_block(&expr.body);
        self.guards.with_body(Body::exit_loop_scope);
        self.evidence.exit_scope();
        let after = self.guards.snapshot();
        self.guards.merge(before.clone(), vec![before, after]);
    }

    fn visit_expr_loop(&mut self, expr: &'ast syn::ExprLoop) {
        self.guards.with_body(Body::enter_loop);
        self.visit_block(&expr.body);
        self.guards.with_body(Body::exit_loop);
    }

    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        (self.calls.branches).on_path(path, &self.context, &self.evidence);
    }

    fn visit_macro(&mut self, mac: &'ast Macro) {
        self.walk_macro(mac);
    }
}
