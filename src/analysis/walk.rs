//! The one pass over a file: tracks use-resolution, async context and the evidence of
//! value types, and reports blocking calls made in async context.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use syn::parse::Parser;
use syn::visit::{self, Visit};
use syn::{
    Block, Expr, ExprAsync, ExprAwait, ExprCall, ExprClosure, ExprForLoop, ExprIf, ExprLet,
    ExprMatch, ExprMethodCall, ExprWhile, FnArg, Item, ItemFn, ItemImpl, ItemMod, ItemTrait, Local,
    Macro, Pat, Signature, Stmt, Type,
};

use super::context::{self, Context, Ctx};
use super::evidence::Evidence;
use super::facts::Fact;
use super::guards::Body;
use super::guards::track::GuardTracker;
use super::known_paths::{self};
use super::macros::*;
use super::runtimes::*;
use super::source::LineIndex;
use super::summary::{FnSummary, PathMod, Runtime};
use super::syntax::*;
use super::types::{Ty, resolve_type};
use crate::diagnostic::Span;
use crate::settings::{Edition, Settings};

/// Stack kept free before recursing further; past it, recursion moves to a new segment.
pub(super) const RED_ZONE: usize = 256 * 1024;
pub(super) const NEW_STACK: usize = 16 * 1024 * 1024;
pub(super) const MAX_TYPE_DEPTH: usize = 48;

pub(crate) struct Walker<'a> {
    pub(super) index: &'a LineIndex<'a>,
    pub(super) file: &'a str,
    pub(super) settings: &'a Settings,
    /// The fns being walked (indices into `fns`), innermost last.
    pub(super) fn_stack: Vec<usize>,
    /// Every fn of the file: what the crate model needs of it.
    pub(super) fns: Vec<FnSummary>,
    /// `#[path] mod` declarations.
    pub(super) path_mods: Vec<PathMod>,
    /// Runtimes driving the futures being walked (`smol::block_on(async { .. })`).
    pub(super) drivers: Vec<Runtime>,
    /// Runtimes the enclosing `#[cfg(..)]` attributes name.
    pub(super) gates: Vec<Runtime>,
    /// Addresses of calls already reported, so a chain on their result is not reported again.
    pub(super) reported: HashSet<usize>,
    /// Trees parsed from macro bodies, kept alive until the file is done so that no
    /// address in the sets above is ever reused by another node.
    pub(super) macro_trees: Vec<Rc<dyn Any>>,
    pub(crate) facts: Vec<Fact>,
    /// What the source shows of names and types: imports, bindings, fields, statics, fn returns.
    pub(super) evidence: Evidence,
    /// Async, sync or detached code; awaited calls and offloaded closures.
    pub(super) context: Context,
    /// Guards of synchronous locks: created, held, moved and dropped as the walk goes.
    pub(super) guards: GuardTracker,
}

impl<'a> Walker<'a> {
    pub(crate) fn new(index: &'a LineIndex<'a>, file: &'a str, settings: &'a Settings) -> Self {
        Walker {
            index,
            file,
            settings,
            fn_stack: Vec::new(),
            fns: Vec::new(),
            path_mods: Vec::new(),
            drivers: Vec::new(),
            gates: Vec::new(),
            reported: HashSet::new(),
            macro_trees: Vec::new(),
            evidence: Evidence::default(),
            context: Context::default(),
            guards: GuardTracker::default(),
            facts: Vec::new(),
        }
    }

    pub(crate) fn walk_file(&mut self, file: &syn::File) {
        self.gates.extend(cfg_runtimes(&file.attrs));
        self.evidence.imports.push_module(&file.items, None);
        self.evidence.collect_items(&file.items);
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
        let name = sig.ident.to_string();
        let type_name = if in_impl {
            self_ty.path().map(|path| last_segment(path).to_string())
        } else {
            None
        };
        let (key, display) = match &type_name {
            Some(type_name) => (
                format!("{type_name}::{name}"),
                format!("{type_name}::{name}"),
            ),
            None => {
                let mut key = String::from("self");
                for segment in self.evidence.imports.current_path() {
                    key.push_str("::");
                    key.push_str(&segment);
                }
                (format!("{key}::{name}"), name.clone())
            }
        };
        let entry = attrs.iter().find_map(|attr| {
            let resolved = self.evidence.imports.resolve_path(attr.path());
            known_paths::entry_attribute(resolved.text())
        });
        self.fns.push(FnSummary {
            key,
            display,
            is_async,
            entry,
            ..FnSummary::default()
        });
        self.fn_stack.push(self.fns.len() - 1);
        let saved_env = std::mem::take(&mut self.evidence.env);
        self.evidence.env.push(HashMap::new());
        for input in &sig.inputs {
            match input {
                FnArg::Receiver(_) => {
                    self.evidence
                        .env
                        .last_mut()
                        .map(|frame| frame.insert("self".into(), self_ty.clone()));
                }
                FnArg::Typed(typed) => {
                    let ty = resolve_type(&typed.ty, &self.evidence.imports, &self_ty);
                    self.evidence.bind_pat(&typed.pat, ty);
                }
            }
        }
        self.evidence.self_ty.push(self_ty);
        self.context
            .push(if is_async { Ctx::Async } else { Ctx::Sync });
        self.guards.push_body(is_async);
        let names: Vec<String> = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Typed(typed) => Some(pattern_names(&typed.pat)),
                FnArg::Receiver(_) => None,
            })
            .flatten()
            .collect();
        self.guards.with_body(|body| {
            body.declare(&names);
        });
        self.visit_block(block);
        self.guards.pop_body(self.file, &mut self.facts);
        self.context.pop();
        self.evidence.self_ty.pop();
        self.fn_stack.pop();
        self.evidence.env = saved_env;
    }

    fn walk_macro(&mut self, mac: &Macro) {
        let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        if known_paths::OPAQUE_MACROS.contains(&name.as_str()) {
            return;
        }
        if !self.context.in_async() && !mentions_async(&mac.tokens) {
            return;
        }
        let tokens = mac.tokens.clone();
        if known_paths::SELECT_MACROS.contains(&name.as_str()) {
            if let Ok(branches) = parse_select.parse2(tokens) {
                let branches = self.keep(branches);
                let span = self.path_span(&mac.path);
                self.walk_select(&branches, span);
            }
            return;
        }
        if let Ok(args) = parse_args.parse2(tokens.clone()) {
            let args = self.keep(args);
            if known_paths::WRITE_MACROS.contains(&name.as_str())
                && let Some(destination) = args.first()
            {
                self.check_write_macro(mac, destination);
            }
            let implicit_await = known_paths::JOIN_MACROS.contains(&name.as_str());
            for arg in args.iter() {
                if implicit_await {
                    self.context.awaits(arg);
                }
                self.visit_expr(arg);
            }
            if implicit_await {
                let span = self.path_span(&mac.path);
                self.guards.with_body(|body| body.await_point(span));
            }
            return;
        }
        if let Ok(repeat) = parse_repeat.parse2(tokens.clone()) {
            let repeat = self.keep(repeat);
            let (value, count) = &*repeat;
            self.visit_expr(value);
            self.visit_expr(count);
            return;
        }
        if let Ok(stmts) = Block::parse_within.parse2(tokens) {
            let stmts = self.keep(stmts);
            self.evidence.env.push(HashMap::new());
            for stmt in stmts.iter() {
                self.visit_stmt(stmt);
            }
            self.evidence.env.pop();
        }
    }

    /// Keeps a tree parsed from a macro body alive for the rest of the file.
    fn keep<T: 'static>(&mut self, tree: T) -> Rc<T> {
        let tree = Rc::new(tree);
        self.macro_trees.push(tree.clone());
        tree
    }

    fn walk_select(&mut self, branches: &[SelectBranch], span: Span) {
        for branch in branches {
            if let Some(guard) = &branch.guard {
                self.visit_expr(guard);
            }
            if let Some(future) = &branch.future {
                self.context.awaits(future);
                self.visit_expr(future);
            }
        }
        // `select!` awaits its futures here, then runs one handler.
        self.guards.with_body(|body| body.await_point(span));
        for branch in branches {
            self.evidence.env.push(HashMap::new());
            if let Some(pat) = &branch.pat {
                self.evidence.bind_pat(pat, Ty::Unknown);
            }
            self.visit_expr(&branch.handler);
            self.evidence.env.pop();
        }
    }
}

impl Walker<'_> {
    fn walk_mod(&mut self, item: &ItemMod) {
        let Some((_, items)) = &item.content else {
            if let Some(path) = path_attribute(&item.attrs) {
                self.path_mods.push(PathMod {
                    in_file: self.evidence.imports.current_path(),
                    name: item.ident.to_string(),
                    path,
                });
            }
            return;
        };
        self.evidence
            .imports
            .push_module(items, Some(&item.ident.to_string()));
        self.evidence.collect_items(items);
        let saved_env = std::mem::take(&mut self.evidence.env);
        let saved_bodies = std::mem::take(&mut self.guards.bodies);
        self.context.push(Ctx::Detached);
        for item in items {
            self.visit_item(item);
        }
        self.context.pop();
        self.guards.bodies = saved_bodies;
        self.evidence.env = saved_env;
        self.evidence.imports.pop();
    }
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item(&mut self, item: &'ast Item) {
        stacker::maybe_grow(RED_ZONE, NEW_STACK, || visit::visit_item(self, item));
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        stacker::maybe_grow(RED_ZONE, NEW_STACK, || visit::visit_expr(self, expr));
    }

    fn visit_stmt(&mut self, stmt: &'ast Stmt) {
        stacker::maybe_grow(RED_ZONE, NEW_STACK, || visit::visit_stmt(self, stmt));
    }

    // Types, patterns and attributes hold no code that runs.
    fn visit_type(&mut self, _: &'ast Type) {}
    fn visit_pat(&mut self, _: &'ast Pat) {}
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_item_fn(&mut self, item: &'ast ItemFn) {
        self.with_gates(&item.attrs, |walker| {
            walker.with_fn_body(&item.attrs, &item.sig, &item.block, Ty::Unknown, false);
        });
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        let self_ty = self.evidence.current_self();
        self.with_gates(&item.attrs, |walker| {
            walker.with_fn_body(&item.attrs, &item.sig, &item.block, self_ty, true);
        });
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        if let Some(block) = &item.default {
            self.with_gates(&item.attrs, |walker| {
                walker.with_fn_body(&item.attrs, &item.sig, block, Ty::Unknown, false);
            });
        }
    }

    fn visit_item_impl(&mut self, item: &'ast ItemImpl) {
        let outer_self = self.evidence.current_self();
        let self_ty = resolve_type(&item.self_ty, &self.evidence.imports, &outer_self);
        self.evidence.self_ty.push(self_ty);
        self.context.push(Ctx::Detached);
        self.with_gates(&item.attrs, |walker| {
            for impl_item in &item.items {
                walker.visit_impl_item(impl_item);
            }
        });
        self.context.pop();
        self.evidence.self_ty.pop();
    }

    fn visit_item_trait(&mut self, item: &'ast ItemTrait) {
        self.evidence.self_ty.push(Ty::Unknown);
        self.context.push(Ctx::Detached);
        self.with_gates(&item.attrs, |walker| {
            for trait_item in &item.items {
                walker.visit_trait_item(trait_item);
            }
        });
        self.context.pop();
        self.evidence.self_ty.pop();
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
        let items: Vec<Item> = block
            .stmts
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Item(item @ (Item::Struct(_) | Item::Fn(_) | Item::Impl(_))) => {
                    Some(item.clone())
                }
                _ => None,
            })
            .collect();
        if !items.is_empty() {
            self.evidence.collect_items(&items);
        }
        self.evidence.env.push(HashMap::new());
        if self.context.in_async() {
            self.context.mark_closures_offloaded_later(
                block,
                &self.evidence,
                &self.settings.offload,
            );
        }
        self.guards.with_body(Body::enter_scope);
        let last = block.stmts.len().saturating_sub(1);
        for (i, stmt) in block.stmts.iter().enumerate() {
            let tail = i == last && matches!(stmt, Stmt::Expr(_, None));
            self.guards.with_body(Body::begin_stmt);
            self.visit_stmt(stmt);
            if tail {
                self.guards.with_body(Body::end_tail);
            } else {
                self.guards.with_body(Body::end_stmt);
            }
        }
        self.guards.with_body(Body::exit_scope);
        self.evidence.env.pop();
        self.evidence.imports.pop();
    }

    fn visit_local(&mut self, local: &'ast Local) {
        let mut ty = Ty::Unknown;
        let mut guards = Vec::new();
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            guards = self.guards.let_guards(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
            ty = self.evidence.type_of(&init.expr);
        }
        self.evidence.bind_pat(&local.pat, ty);
        let names = pattern_names(&local.pat);
        self.guards.with_body(|body| {
            let bindings = body.declare(&names);
            body.own(&guards, bindings, &names);
        });
    }

    fn visit_expr_async(&mut self, expr: &'ast ExprAsync) {
        self.context.push(Ctx::Async);
        self.guards.push_body(true);
        self.visit_block(&expr.block);
        self.guards.pop_body(self.file, &mut self.facts);
        self.context.pop();
    }

    fn visit_expr_await(&mut self, expr: &'ast ExprAwait) {
        self.context.awaits(&expr.base);
        // `asyncify(move || std::fs::read(p)).await`, `conn.interact(|c| ..).await`: a
        // plain closure handed to a call whose future is awaited is, in practice, run by
        // a blocking pool (a wrapper of `spawn_blocking`), not on this thread.
        match peel(&expr.base) {
            Expr::Call(call) => self.context.mark_offloaded(call.args.iter()),
            Expr::MethodCall(call) => self.context.mark_offloaded(call.args.iter()),
            _ => {}
        }
        self.visit_expr(&expr.base);
        let span = self
            .index
            .join(expr.dot_token.spans[0], expr.await_token.span);
        self.guards.with_body(|body| body.await_point(span));
    }

    fn visit_expr_closure(&mut self, closure: &'ast ExprClosure) {
        let ctx = self.context.closure_ctx(closure);
        self.evidence.env.push(HashMap::new());
        let first_param = self
            .evidence
            .closure_params
            .remove(&addr(closure))
            .unwrap_or_default();
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
        self.guards.with_body(|body| {
            body.declare(&names);
        });
        self.visit_expr(&closure.body);
        self.guards.pop_body(self.file, &mut self.facts);
        self.context.pop();
        self.evidence.env.pop();
    }

    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        self.visit_expr(&call.func);
        let mut driver = None;
        if let Expr::Path(func) = peel(&call.func) {
            let resolved = self.evidence.resolve_expr_path(&func.path);
            if context::is_offloader_path(&resolved, &self.settings.offload) {
                self.context.mark_offloaded(call.args.iter());
            }
            if !self.check_call(call) {
                let span = self.path_span(&func.path);
                self.record_path_call(&resolved, &func.path, span);
            }
            if let Some(path) = resolved.as_extern() {
                driver = known_paths::driver(path);
            }
        }
        self.with_driver(driver, |walker| {
            for arg in &call.args {
                walker.visit_expr(arg);
            }
        });
        self.guards.release_moved(call.args.iter());
    }

    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        if known_paths::STD_SHAPE_UNWRAPS.contains(&call.method.to_string().as_str()) {
            self.guards.mark_std_shaped(&call.receiver);
        }
        self.visit_expr(&call.receiver);
        if self.guards.in_body() && !self.context.is_awaited(addr(call)) {
            let receiver = self.evidence.type_of(&call.receiver);
            self.guards.on_lock_call(call, &receiver, self.index);
        }
        if context::is_offloading_method(&call.method.to_string()) {
            self.context.mark_offloaded(call.args.iter());
        }
        let receiver = self.evidence.type_of(&call.receiver);
        let driver = receiver
            .path()
            .and_then(|path| known_paths::driver(&format!("{path}.{}", call.method)));
        if !self.check_method(call) {
            self.record_method_call(&receiver, call);
        }
        if known_paths::ITEM_CLOSURES.contains(&call.method.to_string().as_str())
            && let Some(Expr::Closure(closure)) = call.args.first().map(peel)
        {
            let item = self.evidence.type_of(&call.receiver).item();
            if item != Ty::Unknown {
                self.evidence.closure_params.insert(addr(closure), item);
            }
        }
        self.with_driver(driver, |walker| {
            for arg in &call.args {
                walker.visit_expr(arg);
            }
        });
        self.guards.release_moved(call.args.iter());
    }

    fn visit_expr_try(&mut self, expr: &'ast syn::ExprTry) {
        self.guards.mark_std_shaped(&expr.expr);
        self.visit_expr(&expr.expr);
    }

    fn visit_expr_assign(&mut self, expr: &'ast syn::ExprAssign) {
        self.visit_expr(&expr.right);
        let guards = self.guards.guard_value(&expr.right);
        if let Expr::Path(path) = peel(&expr.left)
            && let Some(ident) = path.path.get_ident()
        {
            let name = ident.to_string();
            self.guards.with_body(|body| body.assign(&name, &guards));
        } else {
            self.visit_expr(&expr.left);
        }
    }

    fn visit_expr_match(&mut self, expr: &'ast ExprMatch) {
        self.visit_expr(&expr.expr);
        let ty = self.evidence.type_of(&expr.expr);
        let scrutinee_guards = self.guards.guard_value(&expr.expr);
        let before = self.guards.snapshot();
        let mut ends = Vec::new();
        for arm in &expr.arms {
            self.guards.restore(&before);
            self.evidence.env.push(HashMap::new());
            self.evidence.bind_pat(&arm.pat, ty.clone());
            let names = pattern_names(&arm.pat);
            self.guards.with_body(|body| {
                body.enter_scope();
                let bindings = body.declare(&names);
                body.own(&scrutinee_guards, bindings, &names);
            });
            if let Pat::Guard(guarded) = &arm.pat {
                self.guards.with_body(Body::begin_stmt);
                self.visit_expr(&guarded.guard);
                self.guards.with_body(Body::end_stmt);
            }
            self.visit_expr(&arm.body);
            self.guards.with_body(Body::exit_scope);
            if !diverges(&arm.body) {
                ends.push(self.guards.snapshot());
            }
            self.evidence.env.pop();
        }
        self.guards.merge(before, ends);
    }

    fn visit_expr_if(&mut self, expr: &'ast ExprIf) {
        let is_let = has_let(&expr.cond);
        self.evidence.env.push(HashMap::new());
        self.guards.with_body(|body| {
            body.enter_scope();
            body.begin_stmt();
        });
        let first = self.guards.guard_count();
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
        self.visit_block(&expr.then_branch);
        self.guards.with_body(Body::kill_scope);
        if !block_diverges(&expr.then_branch) {
            ends.push(self.guards.snapshot());
        }
        self.guards.restore(&before);
        self.guards.with_body(|body| {
            body.kill_scope();
            body.exit_scope();
        });
        self.evidence.env.pop();
        if drops_before_else {
            self.guards.with_body(|body| body.kill(cond_guards.clone()));
        }
        match &expr.else_branch {
            Some((_, else_branch)) => {
                self.visit_expr(else_branch);
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
        self.evidence.env.push(HashMap::new());
        self.guards.with_body(|body| {
            body.enter_scope();
            body.begin_stmt();
        });
        self.visit_expr(&expr.cond);
        if !is_let {
            self.guards.with_body(Body::end_stmt);
        }
        self.visit_block(&expr.body);
        if is_let {
            self.guards.with_body(Body::end_stmt);
        }
        self.guards.with_body(Body::exit_scope);
        self.evidence.env.pop();
        let after = self.guards.snapshot();
        self.guards.merge(before.clone(), vec![before, after]);
    }

    fn visit_expr_let(&mut self, expr: &'ast ExprLet) {
        self.visit_expr(&expr.expr);
        let ty = self.evidence.type_of(&expr.expr);
        self.evidence.bind_pat(&expr.pat, ty);
        let guards = self.guards.guard_value(&expr.expr);
        let names = pattern_names(&expr.pat);
        self.guards.with_body(|body| {
            let bindings = body.declare(&names);
            body.own(&guards, bindings, &names);
        });
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast ExprForLoop) {
        self.visit_expr(&expr.expr);
        let item = self.evidence.type_of(&expr.expr).item();
        let before = self.guards.snapshot();
        self.evidence.env.push(HashMap::new());
        self.evidence.bind_pat(&expr.pat, item);
        let names = pattern_names(&expr.pat);
        self.guards.with_body(|body| {
            body.enter_scope();
            body.declare(&names);
        });
        self.visit_block(&expr.body);
        self.guards.with_body(Body::exit_scope);
        self.evidence.env.pop();
        let after = self.guards.snapshot();
        self.guards.merge(before.clone(), vec![before, after]);
    }

    fn visit_macro(&mut self, mac: &'ast Macro) {
        self.walk_macro(mac);
    }
}
