//! The one pass over a file: tracks use-resolution, async context and the evidence of
//! value types, and reports blocking calls made in async context.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use proc_macro2::{Span as PmSpan, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{
    Block, Expr, ExprAsync, ExprAwait, ExprCall, ExprClosure, ExprForLoop, ExprIf, ExprLet,
    ExprMatch, ExprMethodCall, ExprWhile, FnArg, ImplItem, Item, ItemFn, ItemImpl, ItemMod,
    ItemTrait, Local, Macro, Pat, Signature, Stmt, Token, Type,
};

use super::facts::{BlockingCall, BlockingKind, Fact, GuardHeld};
use super::guards::{Body, GuardId};
use super::imports::{Imports, Resolved, is_local_text};
use super::known_paths::{self, Blocking};
use super::scopes;
use super::source::LineIndex;
use super::summary::{Call, CallTarget, FileSummary, FnSummary, Op, PathMod, Runtime, RuntimeUse};
use super::types::{Ty, resolve_type};
use crate::diagnostic::Span;
use crate::rules::Rule;
use crate::settings::{Edition, Settings};

/// What kind of code the walk is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ctx {
    /// Async context (SPEC §1): blocking calls here are reported.
    Async,
    /// A sync fn's own code: blocking calls here are recorded for callers to inherit.
    Sync,
    /// Code that runs elsewhere or at no call: offloaded closures, consts, statics.
    Detached,
}

/// Stack kept free before recursing further; past it, recursion moves to a new segment.
const RED_ZONE: usize = 256 * 1024;
const NEW_STACK: usize = 16 * 1024 * 1024;
const MAX_TYPE_DEPTH: usize = 48;

pub(crate) struct Walker<'a> {
    index: &'a LineIndex<'a>,
    file: &'a str,
    settings: &'a Settings,
    imports: Imports,
    /// Local variables and what is known of their types, innermost scope last.
    env: Vec<HashMap<String, Ty>>,
    /// What kind of code this point is in, innermost last.
    context: Vec<Ctx>,
    /// The fns being walked (indices into `fns`), innermost last.
    fn_stack: Vec<usize>,
    /// Every fn of the file: what the crate model needs of it.
    fns: Vec<FnSummary>,
    /// `#[path] mod` declarations.
    path_mods: Vec<PathMod>,
    /// Runtimes driving the futures being walked (`smol::block_on(async { .. })`).
    drivers: Vec<Runtime>,
    /// Runtimes the enclosing `#[cfg(..)]` attributes name.
    gates: Vec<Runtime>,
    /// The `Self` type of the enclosing impl, innermost last.
    self_ty: Vec<Ty>,
    /// Field types of this file's structs, by struct name.
    structs: HashMap<String, HashMap<String, Ty>>,
    /// Return types of this file's fns: `f`, `Type::f`, `Type.method`.
    fn_returns: HashMap<String, Ty>,
    /// Addresses of call expressions whose result is `.await`ed.
    awaited: HashSet<usize>,
    /// Addresses of closures handed directly to an offloader.
    offloaded: HashSet<usize>,
    /// Types of the first parameter of closures given to iterator adapters.
    closure_params: HashMap<usize, Ty>,
    /// Addresses of calls already reported, so a chain on their result is not reported again.
    reported: HashSet<usize>,
    /// Types of this file's statics and consts, by name.
    globals: HashMap<String, Ty>,
    /// The bodies being walked (fn, closure, async block), innermost last: their guards.
    bodies: Vec<Body>,
    /// Lock calls that created a guard, by address: (body depth, guard).
    lock_calls: HashMap<usize, (usize, GuardId)>,
    /// Zero-argument `lock()`/`read()`/`write()` calls whose result is unwrapped: std's shape.
    std_shaped: HashSet<usize>,
    /// Trees parsed from macro bodies, kept alive until the file is done so that no
    /// address in the sets above is ever reused by another node.
    macro_trees: Vec<Rc<dyn Any>>,
    pub(crate) facts: Vec<Fact>,
}

fn addr<T>(node: &T) -> usize {
    node as *const T as usize
}

/// The address a call or closure is keyed by, whether reached as `&Expr` or its node.
fn expr_addr(expr: &Expr) -> usize {
    match peel(expr) {
        Expr::Call(call) => addr(call),
        Expr::MethodCall(call) => addr(call),
        Expr::Closure(closure) => addr(closure),
        other => addr(other),
    }
}

/// Peels parentheses and groups.
fn peel(expr: &Expr) -> &Expr {
    match expr {
        Expr::Paren(paren) => peel(&paren.expr),
        Expr::Group(group) => peel(&group.expr),
        _ => expr,
    }
}

impl<'a> Walker<'a> {
    pub(crate) fn new(index: &'a LineIndex<'a>, file: &'a str, settings: &'a Settings) -> Self {
        Walker {
            index,
            file,
            settings,
            imports: Imports::default(),
            env: Vec::new(),
            context: vec![Ctx::Detached],
            fn_stack: Vec::new(),
            fns: Vec::new(),
            path_mods: Vec::new(),
            drivers: Vec::new(),
            gates: Vec::new(),
            self_ty: Vec::new(),
            structs: HashMap::new(),
            fn_returns: HashMap::new(),
            awaited: HashSet::new(),
            offloaded: HashSet::new(),
            closure_params: HashMap::new(),
            reported: HashSet::new(),
            macro_trees: Vec::new(),
            globals: HashMap::new(),
            bodies: Vec::new(),
            lock_calls: HashMap::new(),
            std_shaped: HashSet::new(),
            facts: Vec::new(),
        }
    }

    pub(crate) fn walk_file(&mut self, file: &syn::File) {
        self.gates.extend(cfg_runtimes(&file.attrs));
        self.imports.push_module(&file.items, None);
        self.collect_items(&file.items);
        for item in &file.items {
            self.visit_item(item);
        }
        self.imports.pop();
    }

    fn in_async(&self) -> bool {
        self.ctx() == Ctx::Async
    }

    fn ctx(&self) -> Ctx {
        self.context.last().copied().unwrap_or(Ctx::Detached)
    }

    /// The fn whose own code this point is (not detached), if any.
    fn current_fn(&mut self) -> Option<&mut FnSummary> {
        if self.ctx() == Ctx::Detached {
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

    fn current_self(&self) -> Ty {
        self.self_ty.last().cloned().unwrap_or_default()
    }

    // ----- facts collected before a module's items are walked -----

    fn collect_items(&mut self, items: &[Item]) {
        let no_self = Ty::Unknown;
        for item in items {
            match item {
                Item::Struct(item) => {
                    let mut fields = HashMap::new();
                    for (i, field) in item.fields.iter().enumerate() {
                        let name = field
                            .ident
                            .as_ref()
                            .map_or_else(|| i.to_string(), ToString::to_string);
                        fields.insert(name, resolve_type(&field.ty, &self.imports, &no_self));
                    }
                    self.structs.insert(item.ident.to_string(), fields);
                }
                Item::Static(item) => {
                    let ty = resolve_type(&item.ty, &self.imports, &no_self);
                    self.globals.insert(item.ident.to_string(), ty);
                }
                Item::Const(item) => {
                    let ty = resolve_type(&item.ty, &self.imports, &no_self);
                    self.globals.insert(item.ident.to_string(), ty);
                }
                Item::Fn(item) => {
                    if let Some(ty) = self.return_type(&item.sig, &no_self) {
                        self.fn_returns.insert(item.sig.ident.to_string(), ty);
                    }
                }
                Item::Impl(item) => {
                    let self_ty = resolve_type(&item.self_ty, &self.imports, &no_self);
                    let Some(type_name) = self_ty.path().map(last_segment) else {
                        continue;
                    };
                    let type_name = type_name.to_string();
                    for impl_item in &item.items {
                        if let ImplItem::Fn(method) = impl_item
                            && let Some(ty) = self.return_type(&method.sig, &self_ty)
                        {
                            let separator = if method.sig.receiver().is_some() {
                                "."
                            } else {
                                "::"
                            };
                            self.fn_returns
                                .insert(format!("{type_name}{separator}{}", method.sig.ident), ty);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn return_type(&self, sig: &Signature, self_ty: &Ty) -> Option<Ty> {
        match &sig.output {
            syn::ReturnType::Type(_, ty) if sig.asyncness.is_none() => {
                Some(resolve_type(ty, &self.imports, self_ty))
            }
            _ => None,
        }
    }

    // ----- scopes -----

    fn with_fn_body(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &Signature,
        block: &Block,
        self_ty: Ty,
        in_impl: bool,
    ) {
        let is_async = scopes::is_async_fn(sig);
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
                for segment in self.imports.current_path() {
                    key.push_str("::");
                    key.push_str(&segment);
                }
                (format!("{key}::{name}"), name.clone())
            }
        };
        let entry = attrs.iter().find_map(|attr| {
            let resolved = self.imports.resolve_path(attr.path());
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
        let saved_env = std::mem::take(&mut self.env);
        self.env.push(HashMap::new());
        for input in &sig.inputs {
            match input {
                FnArg::Receiver(_) => {
                    self.env
                        .last_mut()
                        .map(|frame| frame.insert("self".into(), self_ty.clone()));
                }
                FnArg::Typed(typed) => {
                    let ty = resolve_type(&typed.ty, &self.imports, &self_ty);
                    self.bind_pat(&typed.pat, ty);
                }
            }
        }
        self.self_ty.push(self_ty);
        self.context
            .push(if is_async { Ctx::Async } else { Ctx::Sync });
        self.push_body(is_async);
        let names: Vec<String> = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Typed(typed) => Some(pattern_names(&typed.pat)),
                FnArg::Receiver(_) => None,
            })
            .flatten()
            .collect();
        self.with_body(|body| {
            body.declare(&names);
        });
        self.visit_block(block);
        self.pop_body();
        self.context.pop();
        self.self_ty.pop();
        self.fn_stack.pop();
        self.env = saved_env;
    }

    // ----- guards -----

    fn push_body(&mut self, is_async: bool) {
        self.bodies.push(Body::new(is_async));
    }

    fn with_body(&mut self, f: impl FnOnce(&mut Body)) {
        if let Some(body) = self.bodies.last_mut() {
            f(body);
        }
    }

    /// Ends a body: reports every guard that was alive at one of its awaits.
    fn pop_body(&mut self) {
        let Some(body) = self.bodies.pop() else {
            return;
        };
        if !body.is_async() {
            return;
        }
        for guard in body.into_guards() {
            if guard.awaits.is_empty() {
                continue;
            }
            let lock = if guard.rule == Rule::RefcellAcrossAwait {
                "RefCell".to_string()
            } else {
                guard.kind
            };
            self.facts.push(Fact::GuardHeld(GuardHeld {
                rule: guard.rule,
                file: self.file.to_string(),
                span: guard.span,
                lock,
                binding: guard.binding,
                awaits: guard.awaits,
            }));
        }
    }

    /// A lock, mutex or cell method call: if the source shows it takes a guard of a
    /// synchronous lock, the guard starts its life here as a temporary.
    fn check_lock(&mut self, call: &ExprMethodCall) {
        if self.bodies.is_empty() || self.awaited.contains(&addr(call)) {
            return;
        }
        let method = call.method.to_string();
        let receiver = self.type_of(&call.receiver);
        let found = match receiver.path() {
            Some(path) => known_paths::lock(path, &method),
            None if self.std_shaped.contains(&addr(call)) => known_paths::std_shaped(&method),
            None => None,
        };
        let Some(lock) = found else {
            return;
        };
        let (rule, kind) = (lock.rule, lock.path);
        let span = self.index.span(call.method.span());
        let depth = self.bodies.len();
        if let Some(body) = self.bodies.last_mut() {
            let id = body.create(rule, kind.to_string(), span);
            self.lock_calls.insert(addr(call), (depth, id));
        }
    }

    /// The guards an expression's value holds (the guard itself, or a value built
    /// around it: `Some(g)`, `(a, g)`, `Wrapper { g }`, `MutexGuard::map(g, ..)`).
    fn guard_value(&self, expr: &Expr) -> Vec<GuardId> {
        let depth = self.bodies.len();
        let Some(body) = self.bodies.last() else {
            return Vec::new();
        };
        self.guard_value_in(expr, body, depth, 0)
    }

    fn guard_value_in(&self, expr: &Expr, body: &Body, depth: usize, level: usize) -> Vec<GuardId> {
        if level > MAX_TYPE_DEPTH {
            return Vec::new();
        }
        let next = level + 1;
        match peel(expr) {
            Expr::MethodCall(call) => {
                if let Some((d, id)) = self.lock_calls.get(&addr(call))
                    && *d == depth
                {
                    return vec![*id];
                }
                if known_paths::GUARD_PRESERVING.contains(&call.method.to_string().as_str()) {
                    return self.guard_value_in(&call.receiver, body, depth, next);
                }
                Vec::new()
            }
            Expr::Try(inner) => self.guard_value_in(&inner.expr, body, depth, next),
            Expr::Path(path) => match path.path.get_ident() {
                Some(ident) => body.held_by(&ident.to_string()),
                None => Vec::new(),
            },
            Expr::Call(call) if builds_value(&call.func) => call
                .args
                .iter()
                .flat_map(|arg| self.guard_value_in(arg, body, depth, next))
                .collect(),
            Expr::Tuple(tuple) => tuple
                .elems
                .iter()
                .flat_map(|elem| self.guard_value_in(elem, body, depth, next))
                .collect(),
            Expr::Array(array) => array
                .elems
                .iter()
                .flat_map(|elem| self.guard_value_in(elem, body, depth, next))
                .collect(),
            Expr::Struct(literal) => literal
                .fields
                .iter()
                .flat_map(|field| self.guard_value_in(&field.expr, body, depth, next))
                .collect(),
            Expr::Block(block) => match block.block.stmts.last() {
                Some(Stmt::Expr(tail, None)) => self.guard_value_in(tail, body, depth, next),
                _ => Vec::new(),
            },
            Expr::Match(matched) => {
                // `match m.lock() { Ok(g) => g, Err(e) => e.into_inner() }`
                let passes_through = matched.arms.iter().any(|arm| {
                    let names = pattern_names(&arm.pat);
                    match peel(&arm.body) {
                        Expr::Path(path) => path
                            .path
                            .get_ident()
                            .is_some_and(|ident| names.contains(&ident.to_string())),
                        Expr::MethodCall(call) => {
                            call.method == "into_inner"
                                && matches!(peel(&call.receiver), Expr::Path(p)
                                    if p.path.get_ident().is_some_and(|i| names.contains(&i.to_string())))
                        }
                        _ => false,
                    }
                });
                if passes_through {
                    self.guard_value_in(&matched.expr, body, depth, next)
                } else {
                    Vec::new()
                }
            }
            _ => Vec::new(),
        }
    }

    /// The guards a `let` initializer keeps alive for the binding's block: its value's,
    /// and those whose temporaries `&` extends (`&m.lock().unwrap()`, `&mut *g_temp`,
    /// `&temp[0]`).
    fn let_guards(&self, expr: &Expr) -> Vec<GuardId> {
        let depth = self.bodies.len();
        let Some(body) = self.bodies.last() else {
            return Vec::new();
        };
        let mut guards = self.guard_value_in(expr, body, depth, 0);
        guards.extend(self.extended(expr, body, depth, 0));
        guards.sort_unstable();
        guards.dedup();
        guards
    }

    fn extended(&self, expr: &Expr, body: &Body, depth: usize, level: usize) -> Vec<GuardId> {
        if level > MAX_TYPE_DEPTH {
            return Vec::new();
        }
        let next = level + 1;
        match peel(expr) {
            Expr::Reference(reference) => self.extended_place(&reference.expr, body, depth, next),
            Expr::Tuple(tuple) => tuple
                .elems
                .iter()
                .flat_map(|elem| self.extended(elem, body, depth, next))
                .collect(),
            Expr::Array(array) => array
                .elems
                .iter()
                .flat_map(|elem| self.extended(elem, body, depth, next))
                .collect(),
            Expr::Struct(literal) => literal
                .fields
                .iter()
                .flat_map(|field| self.extended(&field.expr, body, depth, next))
                .collect(),
            Expr::Cast(cast) => self.extended(&cast.expr, body, depth, next),
            _ => Vec::new(),
        }
    }

    fn extended_place(&self, expr: &Expr, body: &Body, depth: usize, level: usize) -> Vec<GuardId> {
        if level > MAX_TYPE_DEPTH {
            return Vec::new();
        }
        let next = level + 1;
        match peel(expr) {
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => {
                self.extended_place(&unary.expr, body, depth, next)
            }
            Expr::Field(field) => self.extended_place(&field.base, body, depth, next),
            Expr::Index(index) => self.extended_place(&index.expr, body, depth, next),
            other => self.guard_value_in(other, body, depth, next),
        }
    }

    /// Bare names passed by value to a call are moved: what they hold ends there.
    fn release_moved<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        let names: Vec<String> = args
            .filter_map(|arg| match peel(arg) {
                Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
                _ => None,
            })
            .collect();
        self.with_body(|body| {
            for name in &names {
                body.release(name);
            }
        });
    }

    fn bind(&mut self, name: String, ty: Ty) {
        if self.env.is_empty() {
            self.env.push(HashMap::new());
        }
        if let Some(frame) = self.env.last_mut() {
            frame.insert(name, ty);
        }
    }

    fn lookup(&self, name: &str) -> Ty {
        self.env
            .iter()
            .rev()
            .find_map(|frame| frame.get(name))
            .or_else(|| self.globals.get(name))
            .cloned()
            .unwrap_or_default()
    }

    /// Binds every name a pattern introduces, with the type it can be shown to have.
    fn bind_pat(&mut self, pat: &Pat, ty: Ty) {
        match pat {
            Pat::Ident(ident) => {
                if let Some((_, sub)) = &ident.subpat {
                    self.bind_pat(sub, ty.clone());
                }
                self.bind(ident.ident.to_string(), ty);
            }
            Pat::Type(typed) => {
                let self_ty = self.current_self();
                let ty = resolve_type(&typed.ty, &self.imports, &self_ty);
                self.bind_pat(&typed.pat, ty);
            }
            Pat::Tuple(tuple) => {
                let elems = match ty {
                    Ty::Tuple(elems) => elems,
                    _ => Vec::new(),
                };
                for (i, elem) in tuple.elems.iter().enumerate() {
                    self.bind_pat(elem, elems.get(i).cloned().unwrap_or_default());
                }
            }
            Pat::TupleStruct(tuple) => {
                let variant = tuple.path.segments.last().map(|s| s.ident.to_string());
                let inner = match variant.as_deref() {
                    Some(v) if known_paths::UNWRAPPING_VARIANTS.contains(&v) => ty.unwrapped(),
                    _ => Ty::Unknown,
                };
                for (i, elem) in tuple.elems.iter().enumerate() {
                    let ty = if i == 0 { inner.clone() } else { Ty::Unknown };
                    self.bind_pat(elem, ty);
                }
            }
            Pat::Reference(reference) => self.bind_pat(&reference.pat, ty),
            Pat::Guard(guarded) => self.bind_pat(&guarded.pat, ty),
            Pat::Paren(paren) => self.bind_pat(&paren.pat, ty),
            Pat::Struct(pat) => {
                for field in &pat.fields {
                    self.bind_pat(&field.pat, Ty::Unknown);
                }
            }
            Pat::Slice(slice) => {
                for elem in &slice.elems {
                    self.bind_pat(elem, Ty::Unknown);
                }
            }
            Pat::Or(or) => {
                for case in &or.cases {
                    self.bind_pat(case, Ty::Unknown);
                }
            }
            _ => {}
        }
    }

    // ----- evidence of types -----

    fn type_of(&self, expr: &Expr) -> Ty {
        self.type_of_at(expr, 0)
    }

    fn type_of_at(&self, expr: &Expr, depth: usize) -> Ty {
        if depth > MAX_TYPE_DEPTH {
            return Ty::Unknown;
        }
        match peel(expr) {
            Expr::Path(path) if path.qself.is_none() => {
                if let Some(ident) = path.path.get_ident() {
                    return self.lookup(&ident.to_string());
                }
                Ty::Unknown
            }
            Expr::Reference(reference) => self.type_of_at(&reference.expr, depth + 1),
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => {
                self.type_of_at(&unary.expr, depth + 1)
            }
            Expr::Try(try_expr) => self.type_of_at(&try_expr.expr, depth + 1).unwrapped(),
            Expr::Field(field) => {
                let base = self.type_of_at(&field.base, depth + 1);
                let member = match &field.member {
                    syn::Member::Named(ident) => ident.to_string(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                };
                base.path()
                    .and_then(|path| self.structs.get(last_segment(path)))
                    .and_then(|fields| fields.get(&member))
                    .cloned()
                    .unwrap_or_default()
            }
            Expr::Struct(literal) => match self.resolve_expr_path(&literal.path) {
                Resolved::Extern(path) | Resolved::Local(path) => Ty::named(&path),
            },
            Expr::Call(call) => {
                let Expr::Path(func) = peel(&call.func) else {
                    return Ty::Unknown;
                };
                let args: Vec<Ty> = call
                    .args
                    .iter()
                    .take(2)
                    .map(|arg| self.type_of_at(arg, depth + 1))
                    .collect();
                match self.resolve_expr_path(&func.path) {
                    Resolved::Extern(path) => known_paths::returns(&path)
                        .map(|spec| Ty::from_spec(spec, &Ty::Unknown, &args).normalized())
                        .unwrap_or_default(),
                    Resolved::Local(path) => {
                        let key = local_fn_key(&path);
                        match self.fn_returns.get(&key) {
                            Some(ty) => ty.clone(),
                            // `Store::new(..)` of a type defined in another file: by
                            // convention an associated fn called on a type builds one.
                            None => match path.rsplit("::").nth(1) {
                                Some(ty) if ty.starts_with(char::is_uppercase) => {
                                    Ty::named(&format!("local::{ty}"))
                                }
                                _ => Ty::Unknown,
                            },
                        }
                    }
                }
            }
            Expr::MethodCall(call) => {
                let receiver = self.type_of_at(&call.receiver, depth + 1);
                self.method_return(&receiver, &call.method.to_string(), call, depth)
            }
            Expr::Tuple(tuple) => Ty::Tuple(
                tuple
                    .elems
                    .iter()
                    .map(|elem| self.type_of_at(elem, depth + 1))
                    .collect(),
            ),
            Expr::Cast(cast) => {
                let self_ty = self.current_self();
                resolve_type(&cast.ty, &self.imports, &self_ty)
            }
            _ => Ty::Unknown,
        }
    }

    fn method_return(
        &self,
        receiver: &Ty,
        method: &str,
        call: &ExprMethodCall,
        depth: usize,
    ) -> Ty {
        let path = receiver.path().unwrap_or("");
        if known_paths::ITERATING.contains(&method) {
            return match receiver.item() {
                Ty::Unknown => Ty::Unknown,
                item => Ty::Iter(Box::new(item)),
            };
        }
        if matches!(receiver, Ty::Iter(_)) && known_paths::ITER_PRESERVING.contains(&method) {
            return receiver.clone();
        }
        if known_paths::UNWRAPPING.contains(&method) {
            return receiver.clone().unwrapped();
        }
        if known_paths::SAME_TYPE.contains(&method) {
            return receiver.clone();
        }
        // A guard dereferences to what its lock's row says (the protected value).
        if let Some(lock) = known_paths::lock(path, method) {
            let Ty::Named(_, type_args) = receiver else {
                return Ty::Unknown;
            };
            return Ty::from_spec(lock.deref, receiver, type_args).normalized();
        }
        if known_paths::cell_contents(path, method) {
            return receiver.arg(0).normalized();
        }
        if path.is_empty() {
            return Ty::Unknown;
        }
        let key = format!("{path}.{method}");
        if let Some(spec) = known_paths::returns(&key) {
            let args: Vec<Ty> = call
                .args
                .iter()
                .take(1)
                .map(|arg| self.type_of_at(arg, depth + 1))
                .collect();
            return Ty::from_spec(spec, receiver, &args).normalized();
        }
        if is_local_text(path) {
            let key = format!("{}.{method}", last_segment(path));
            return self.fn_returns.get(&key).cloned().unwrap_or_default();
        }
        Ty::Unknown
    }

    fn resolve_expr_path(&self, path: &syn::Path) -> Resolved {
        let first = path.segments.first().map(|s| s.ident.to_string());
        if first.as_deref() == Some("Self") {
            let self_ty = self.current_self();
            let rest: Vec<String> = path
                .segments
                .iter()
                .skip(1)
                .map(|s| s.ident.to_string())
                .collect();
            return match self_ty.path() {
                Some(type_path) if !rest.is_empty() => {
                    let joined = format!("{type_path}::{}", rest.join("::"));
                    if is_local_text(type_path) {
                        Resolved::Local(joined)
                    } else {
                        Resolved::Extern(joined)
                    }
                }
                _ => Resolved::Local(String::from("local::Self")),
            };
        }
        match self.imports.resolve_path(path) {
            Resolved::Extern(text) => Resolved::Extern(known_paths::canonical(&text).into_owned()),
            local => local,
        }
    }

    // ----- findings -----

    /// Reports (or, in a sync fn, records) a call to a catalogued blocking path; true
    /// when it was one.
    fn check_call(&mut self, call: &ExprCall) -> bool {
        if self.ctx() == Ctx::Detached || self.awaited.contains(&addr(call)) {
            return false;
        }
        let Expr::Path(func) = peel(&call.func) else {
            return false;
        };
        let resolved = self.resolve_expr_path(&func.path);
        let settings = self.settings;
        if let Some(user) = settings
            .blocking
            .iter()
            .find(|user| scopes::names_configured(&resolved, &user.path))
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
    fn check_method(&mut self, call: &ExprMethodCall) -> bool {
        if self.ctx() == Ctx::Detached || self.awaited.contains(&addr(call)) {
            return false;
        }
        if self.receiver_reported(&call.receiver) {
            self.reported.insert(addr(call));
            return true;
        }
        let method = call.method.to_string();
        let receiver = self.type_of(&call.receiver);
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
    fn method_entry(
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
                && (self.imports.imports(trait_path) || self.imports.imports(krate))
            {
                let entry = known_paths::blocking(row)?;
                return Some((entry, row.replace('.', "::")));
            }
        }
        None
    }

    /// `write!(file, ..)` calls `write_fmt` on a std file or socket.
    fn check_write_macro(&mut self, mac: &Macro, destination: &Expr) {
        if !self.in_async() {
            return;
        }
        let ty = self.type_of(destination);
        if let Some(path) = ty.path()
            && let Some(entry) = known_paths::blocking(&format!("{path}.write_fmt"))
        {
            let span = self.path_span(&mac.path);
            self.report(entry, format!("{path}::write_fmt"), span);
        }
    }

    /// Is the receiver (through `?`, `unwrap`, references) a call already reported?
    fn receiver_reported(&self, receiver: &Expr) -> bool {
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

    fn path_span(&self, path: &syn::Path) -> Span {
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

    /// A call to a `[[blocking]]` function of the configuration.
    fn report_user(&mut self, user: &crate::settings::UserBlocking, span: Span) {
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
    fn report(&mut self, entry: &Blocking, item: String, span: Span) {
        self.report_with_reason(entry, item, span, "");
    }

    fn report_with_reason(&mut self, entry: &Blocking, item: String, span: Span, reason: &str) {
        let rule = entry.rule;
        if self.ctx() == Ctx::Sync {
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
        if !self.in_async() {
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
            in_sync_closure: self.bodies.last().is_some_and(|body| !body.is_async()),
        }));
    }

    // ----- macros -----

    fn walk_macro(&mut self, mac: &Macro) {
        let Some(name) = mac.path.segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        if known_paths::OPAQUE_MACROS.contains(&name.as_str()) {
            return;
        }
        if !self.in_async() && !mentions_async(&mac.tokens) {
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
                    self.awaited.insert(expr_addr(arg));
                }
                self.visit_expr(arg);
            }
            if implicit_await {
                let span = self.path_span(&mac.path);
                self.with_body(|body| body.await_point(span));
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
            self.env.push(HashMap::new());
            for stmt in stmts.iter() {
                self.visit_stmt(stmt);
            }
            self.env.pop();
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
                self.awaited.insert(expr_addr(future));
                self.visit_expr(future);
            }
        }
        // `select!` awaits its futures here, then runs one handler.
        self.with_body(|body| body.await_point(span));
        for branch in branches {
            self.env.push(HashMap::new());
            if let Some(pat) = &branch.pat {
                self.bind_pat(pat, Ty::Unknown);
            }
            self.visit_expr(&branch.handler);
            self.env.pop();
        }
    }
}

/// The closure an argument evaluates to: `|| ..` itself, or the tail of a block that
/// clones what it captures first (`{ let tx = tx.clone(); move || .. }`).
fn closure_value(expr: &Expr) -> Option<&ExprClosure> {
    match peel(expr) {
        Expr::Closure(closure) => Some(closure),
        Expr::Block(block) => match block.block.stmts.last() {
            Some(Stmt::Expr(tail, None)) => closure_value(tail),
            _ => None,
        },
        _ => None,
    }
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// The key of a crate-local fn in `fn_returns`: `f` or `Type::f`.
fn local_fn_key(path: &str) -> String {
    let segments: Vec<&str> = path.split("::").collect();
    match segments.as_slice() {
        [.., ty, f] if ty.starts_with(char::is_uppercase) => format!("{ty}::{f}"),
        [.., f] => (*f).to_string(),
        [] => String::new(),
    }
}

/// Does the token stream contain the `async` keyword anywhere?
fn mentions_async(tokens: &TokenStream) -> bool {
    let mut stack = vec![tokens.clone()];
    while let Some(stream) = stack.pop() {
        for tree in stream {
            match tree {
                TokenTree::Ident(ident) if ident == "async" => return true,
                TokenTree::Group(group) => stack.push(group.stream()),
                _ => {}
            }
        }
    }
    false
}

/// `println!`-style arguments: expressions separated by commas, after an optional
/// `target: expr,` (the log crates).
fn parse_args(input: ParseStream) -> syn::Result<Punctuated<Expr, Token![,]>> {
    if input.peek(syn::Ident) && input.peek2(Token![:]) && !input.peek2(Token![::]) {
        input.parse::<syn::Ident>()?;
        input.parse::<Token![:]>()?;
        input.parse::<Expr>()?;
        if !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
    }
    Punctuated::parse_terminated(input)
}

/// `vec![value; count]`.
fn parse_repeat(input: ParseStream) -> syn::Result<(Expr, Expr)> {
    let value = input.parse()?;
    input.parse::<Token![;]>()?;
    let count = input.parse()?;
    Ok((value, count))
}

struct SelectBranch {
    pat: Option<Pat>,
    future: Option<Expr>,
    guard: Option<Expr>,
    handler: Expr,
}

/// `tokio::select!` / `futures::select!` branches:
/// `biased;`? then `pat = future (, if guard)? => handler,` and `else`/`complete`/`default => handler`.
fn parse_select(input: ParseStream) -> syn::Result<Vec<SelectBranch>> {
    let mut branches = Vec::new();
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        input.parse::<syn::Ident>()?;
        input.parse::<Token![;]>()?;
    }
    while !input.is_empty() {
        let fallback =
            (input.peek(Token![else]) || input.peek(syn::Ident)) && input.peek2(Token![=>]);
        let (pat, future, guard) = if fallback {
            if input.peek(Token![else]) {
                input.parse::<Token![else]>()?;
            } else {
                input.parse::<syn::Ident>()?;
            }
            (None, None, None)
        } else {
            let pat = Pat::parse_multi_with_leading_vert(input)?;
            input.parse::<Token![=]>()?;
            let future: Expr = input.parse()?;
            let guard = if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                Some(input.parse::<Expr>()?)
            } else {
                None
            };
            (Some(pat), Some(future), guard)
        };
        input.parse::<Token![=>]>()?;
        let handler: Expr = input.parse()?;
        if !input.is_empty() {
            // A block handler may omit the comma.
            if input.peek(Token![,]) || !matches!(handler, Expr::Block(_)) {
                input.parse::<Token![,]>()?;
            }
        }
        branches.push(SelectBranch {
            pat,
            future,
            guard,
            handler,
        });
    }
    Ok(branches)
}

impl Walker<'_> {
    /// Walks an item under the runtimes its `#[cfg(..)]` names.
    fn with_gates(&mut self, attrs: &[syn::Attribute], f: impl FnOnce(&mut Self)) {
        let gates = cfg_runtimes(attrs);
        self.gates.extend(&gates);
        f(self);
        self.gates.truncate(self.gates.len() - gates.len());
    }

    fn with_driver(&mut self, driver: Option<Runtime>, f: impl FnOnce(&mut Self)) {
        self.drivers.extend(driver);
        f(self);
        if driver.is_some() {
            self.drivers.pop();
        }
    }

    /// A call by path: recorded for the crate model when it may name a crate-local fn,
    /// and as a runtime-bound API use when it is one.
    fn record_path_call(&mut self, resolved: &Resolved, path: &syn::Path, span: Span) {
        let in_async = self.in_async();
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
    fn record_method_call(&mut self, receiver: &Ty, call: &ExprMethodCall) {
        let ty = match receiver.path() {
            Some(path) if is_local_text(path) => Some(last_segment(path).to_string()),
            Some(_) => return,
            None => None,
        };
        let name = call.method.to_string();
        let span = self.index.span(call.method.span());
        let in_async = self.in_async();
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

    fn guard_count(&self) -> usize {
        self.bodies.last().map_or(0, Body::guard_count)
    }

    fn snapshot(&self) -> Vec<bool> {
        self.bodies.last().map(Body::snapshot).unwrap_or_default()
    }

    fn restore(&mut self, snapshot: &[bool]) {
        self.with_body(|body| body.restore(snapshot));
    }

    /// Joins branches: `ends` are the states where each branch flows on; when none does,
    /// the code after is unreachable and the state before stands.
    fn merge(&mut self, before: Vec<bool>, ends: Vec<Vec<bool>>) {
        if ends.is_empty() {
            self.restore(&before);
        } else {
            self.with_body(|body| body.merge(&ends));
        }
    }

    /// `lock().unwrap()`, `lock()?`: a zero-argument lock call whose result is unwrapped
    /// is `std::sync`'s (async locks are awaited, parking_lot's need no unwrap).
    fn mark_std_shaped(&mut self, expr: &Expr) {
        if let Expr::MethodCall(inner) = peel(expr)
            && inner.args.is_empty()
            && known_paths::STD_SHAPED
                .iter()
                .any(|(method, _)| inner.method == method)
        {
            self.std_shaped.insert(addr(inner));
        }
    }

    fn walk_mod(&mut self, item: &ItemMod) {
        let Some((_, items)) = &item.content else {
            if let Some(path) = path_attribute(&item.attrs) {
                self.path_mods.push(PathMod {
                    in_file: self.imports.current_path(),
                    name: item.ident.to_string(),
                    path,
                });
            }
            return;
        };
        self.imports
            .push_module(items, Some(&item.ident.to_string()));
        self.collect_items(items);
        let saved_env = std::mem::take(&mut self.env);
        let saved_bodies = std::mem::take(&mut self.bodies);
        self.context.push(Ctx::Detached);
        for item in items {
            self.visit_item(item);
        }
        self.context.pop();
        self.bodies = saved_bodies;
        self.env = saved_env;
        self.imports.pop();
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
        let self_ty = self.current_self();
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
        let outer_self = self.current_self();
        let self_ty = resolve_type(&item.self_ty, &self.imports, &outer_self);
        self.self_ty.push(self_ty);
        self.context.push(Ctx::Detached);
        self.with_gates(&item.attrs, |walker| {
            for impl_item in &item.items {
                walker.visit_impl_item(impl_item);
            }
        });
        self.context.pop();
        self.self_ty.pop();
    }

    fn visit_item_trait(&mut self, item: &'ast ItemTrait) {
        self.self_ty.push(Ty::Unknown);
        self.context.push(Ctx::Detached);
        self.with_gates(&item.attrs, |walker| {
            for trait_item in &item.items {
                walker.visit_trait_item(trait_item);
            }
        });
        self.context.pop();
        self.self_ty.pop();
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
        self.imports.push_block(items);
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
            self.collect_items(&items);
        }
        self.env.push(HashMap::new());
        if self.in_async() {
            self.mark_closures_offloaded_later(block);
        }
        self.with_body(Body::enter_scope);
        let last = block.stmts.len().saturating_sub(1);
        for (i, stmt) in block.stmts.iter().enumerate() {
            let tail = i == last && matches!(stmt, Stmt::Expr(_, None));
            self.with_body(Body::begin_stmt);
            self.visit_stmt(stmt);
            if tail {
                self.with_body(Body::end_tail);
            } else {
                self.with_body(Body::end_stmt);
            }
        }
        self.with_body(Body::exit_scope);
        self.env.pop();
        self.imports.pop();
    }

    fn visit_local(&mut self, local: &'ast Local) {
        let mut ty = Ty::Unknown;
        let mut guards = Vec::new();
        if let Some(init) = &local.init {
            self.visit_expr(&init.expr);
            guards = self.let_guards(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
            ty = self.type_of(&init.expr);
        }
        self.bind_pat(&local.pat, ty);
        let names = pattern_names(&local.pat);
        self.with_body(|body| {
            let bindings = body.declare(&names);
            body.own(&guards, bindings, &names);
        });
    }

    fn visit_expr_async(&mut self, expr: &'ast ExprAsync) {
        self.context.push(Ctx::Async);
        self.push_body(true);
        self.visit_block(&expr.block);
        self.pop_body();
        self.context.pop();
    }

    fn visit_expr_await(&mut self, expr: &'ast ExprAwait) {
        self.awaited.insert(expr_addr(&expr.base));
        // `asyncify(move || std::fs::read(p)).await`, `conn.interact(|c| ..).await`: a
        // plain closure handed to a call whose future is awaited is, in practice, run by
        // a blocking pool (a wrapper of `spawn_blocking`), not on this thread.
        match peel(&expr.base) {
            Expr::Call(call) => self.mark_offloaded(call.args.iter()),
            Expr::MethodCall(call) => self.mark_offloaded(call.args.iter()),
            _ => {}
        }
        self.visit_expr(&expr.base);
        let span = self
            .index
            .join(expr.dot_token.spans[0], expr.await_token.span);
        self.with_body(|body| body.await_point(span));
    }

    fn visit_expr_closure(&mut self, closure: &'ast ExprClosure) {
        let ctx = if closure.asyncness.is_some() {
            Ctx::Async
        } else if self.offloaded.remove(&addr(closure)) {
            Ctx::Detached
        } else {
            self.ctx()
        };
        self.env.push(HashMap::new());
        let first_param = self
            .closure_params
            .remove(&addr(closure))
            .unwrap_or_default();
        for (i, input) in closure.inputs.iter().enumerate() {
            let ty = if i == 0 {
                first_param.clone()
            } else {
                Ty::Unknown
            };
            self.bind_pat(input, ty);
        }
        self.context.push(ctx);
        self.push_body(closure.asyncness.is_some());
        let names: Vec<String> = closure.inputs.iter().flat_map(pattern_names).collect();
        self.with_body(|body| {
            body.declare(&names);
        });
        self.visit_expr(&closure.body);
        self.pop_body();
        self.context.pop();
        self.env.pop();
    }

    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        self.visit_expr(&call.func);
        let mut driver = None;
        if let Expr::Path(func) = peel(&call.func) {
            let resolved = self.resolve_expr_path(&func.path);
            if scopes::is_offloader_path(&resolved, &self.settings.offload) {
                self.mark_offloaded(call.args.iter());
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
        self.release_moved(call.args.iter());
    }

    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        if known_paths::STD_SHAPE_UNWRAPS.contains(&call.method.to_string().as_str()) {
            self.mark_std_shaped(&call.receiver);
        }
        self.visit_expr(&call.receiver);
        self.check_lock(call);
        if scopes::is_offloading_method(&call.method.to_string()) {
            self.mark_offloaded(call.args.iter());
        }
        let receiver = self.type_of(&call.receiver);
        let driver = receiver
            .path()
            .and_then(|path| known_paths::driver(&format!("{path}.{}", call.method)));
        if !self.check_method(call) {
            self.record_method_call(&receiver, call);
        }
        if known_paths::ITEM_CLOSURES.contains(&call.method.to_string().as_str())
            && let Some(Expr::Closure(closure)) = call.args.first().map(peel)
        {
            let item = self.type_of(&call.receiver).item();
            if item != Ty::Unknown {
                self.closure_params.insert(addr(closure), item);
            }
        }
        self.with_driver(driver, |walker| {
            for arg in &call.args {
                walker.visit_expr(arg);
            }
        });
        self.release_moved(call.args.iter());
    }

    fn visit_expr_try(&mut self, expr: &'ast syn::ExprTry) {
        self.mark_std_shaped(&expr.expr);
        self.visit_expr(&expr.expr);
    }

    fn visit_expr_assign(&mut self, expr: &'ast syn::ExprAssign) {
        self.visit_expr(&expr.right);
        let guards = self.guard_value(&expr.right);
        if let Expr::Path(path) = peel(&expr.left)
            && let Some(ident) = path.path.get_ident()
        {
            let name = ident.to_string();
            self.with_body(|body| body.assign(&name, &guards));
        } else {
            self.visit_expr(&expr.left);
        }
    }

    fn visit_expr_match(&mut self, expr: &'ast ExprMatch) {
        self.visit_expr(&expr.expr);
        let ty = self.type_of(&expr.expr);
        let scrutinee_guards = self.guard_value(&expr.expr);
        let before = self.snapshot();
        let mut ends = Vec::new();
        for arm in &expr.arms {
            self.restore(&before);
            self.env.push(HashMap::new());
            self.bind_pat(&arm.pat, ty.clone());
            let names = pattern_names(&arm.pat);
            self.with_body(|body| {
                body.enter_scope();
                let bindings = body.declare(&names);
                body.own(&scrutinee_guards, bindings, &names);
            });
            if let Pat::Guard(guarded) = &arm.pat {
                self.with_body(Body::begin_stmt);
                self.visit_expr(&guarded.guard);
                self.with_body(Body::end_stmt);
            }
            self.visit_expr(&arm.body);
            self.with_body(Body::exit_scope);
            if !diverges(&arm.body) {
                ends.push(self.snapshot());
            }
            self.env.pop();
        }
        self.merge(before, ends);
    }

    fn visit_expr_if(&mut self, expr: &'ast ExprIf) {
        let is_let = has_let(&expr.cond);
        self.env.push(HashMap::new());
        self.with_body(|body| {
            body.enter_scope();
            body.begin_stmt();
        });
        let first = self.guard_count();
        self.visit_expr(&expr.cond);
        let cond_guards = first..self.guard_count();
        if is_let {
            // `if let` scrutinee temporaries live through the body (and, before edition
            // 2024, through the `else` too).
            self.with_body(Body::end_tail);
        } else {
            // A plain condition drops its temporaries before either branch runs.
            self.with_body(Body::end_stmt);
        }
        let drops_before_else = is_let && self.settings.edition >= Edition::E2024;
        let before = self.snapshot();
        let mut ends = Vec::new();
        self.visit_block(&expr.then_branch);
        self.with_body(Body::kill_scope);
        if !block_diverges(&expr.then_branch) {
            ends.push(self.snapshot());
        }
        self.restore(&before);
        self.with_body(|body| {
            body.kill_scope();
            body.exit_scope();
        });
        self.env.pop();
        if drops_before_else {
            self.with_body(|body| body.kill(cond_guards.clone()));
        }
        match &expr.else_branch {
            Some((_, else_branch)) => {
                self.visit_expr(else_branch);
                if !diverges(else_branch) {
                    ends.push(self.snapshot());
                }
            }
            None => ends.push(self.snapshot()),
        }
        self.merge(before, ends);
        if drops_before_else {
            self.with_body(|body| body.kill(cond_guards));
        }
    }

    fn visit_expr_while(&mut self, expr: &'ast ExprWhile) {
        let is_let = has_let(&expr.cond);
        let before = self.snapshot();
        self.env.push(HashMap::new());
        self.with_body(|body| {
            body.enter_scope();
            body.begin_stmt();
        });
        self.visit_expr(&expr.cond);
        if !is_let {
            self.with_body(Body::end_stmt);
        }
        self.visit_block(&expr.body);
        if is_let {
            self.with_body(Body::end_stmt);
        }
        self.with_body(Body::exit_scope);
        self.env.pop();
        let after = self.snapshot();
        self.merge(before.clone(), vec![before, after]);
    }

    fn visit_expr_let(&mut self, expr: &'ast ExprLet) {
        self.visit_expr(&expr.expr);
        let ty = self.type_of(&expr.expr);
        self.bind_pat(&expr.pat, ty);
        let guards = self.guard_value(&expr.expr);
        let names = pattern_names(&expr.pat);
        self.with_body(|body| {
            let bindings = body.declare(&names);
            body.own(&guards, bindings, &names);
        });
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast ExprForLoop) {
        self.visit_expr(&expr.expr);
        let item = self.type_of(&expr.expr).item();
        let before = self.snapshot();
        self.env.push(HashMap::new());
        self.bind_pat(&expr.pat, item);
        let names = pattern_names(&expr.pat);
        self.with_body(|body| {
            body.enter_scope();
            body.declare(&names);
        });
        self.visit_block(&expr.body);
        self.with_body(Body::exit_scope);
        self.env.pop();
        let after = self.snapshot();
        self.merge(before.clone(), vec![before, after]);
    }

    fn visit_macro(&mut self, mac: &'ast Macro) {
        self.walk_macro(mac);
    }
}

/// Collects the names passed as whole arguments to offloaders.
struct OffloadedNames<'w> {
    walker: &'w Walker<'w>,
    names: HashSet<String>,
}

impl OffloadedNames<'_> {
    fn collect<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        for arg in args {
            if let Expr::Path(path) = peel(arg)
                && let Some(ident) = path.path.get_ident()
            {
                self.names.insert(ident.to_string());
            }
        }
    }
}

impl<'ast> Visit<'ast> for OffloadedNames<'_> {
    fn visit_expr_call(&mut self, call: &'ast ExprCall) {
        if let Expr::Path(func) = peel(&call.func)
            && scopes::is_offloader_path(
                &self.walker.resolve_expr_path(&func.path),
                &self.walker.settings.offload,
            )
        {
            self.collect(call.args.iter());
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_method_call(&mut self, call: &'ast ExprMethodCall) {
        if scopes::is_offloading_method(&call.method.to_string()) {
            self.collect(call.args.iter());
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        stacker::maybe_grow(RED_ZONE, NEW_STACK, || visit::visit_expr(self, expr));
    }

    fn visit_item(&mut self, _: &'ast Item) {}
}

impl Walker<'_> {
    /// `let work = move || ..; spawn_blocking(work)`: the closure runs off the async thread.
    fn mark_closures_offloaded_later(&mut self, block: &Block) {
        let closures: Vec<(String, usize)> = block
            .stmts
            .iter()
            .filter_map(|stmt| match stmt {
                Stmt::Local(local) => {
                    let Pat::Ident(name) = &local.pat else {
                        return None;
                    };
                    match local.init.as_ref().map(|init| peel(&init.expr)) {
                        Some(Expr::Closure(closure)) if closure.asyncness.is_none() => {
                            Some((name.ident.to_string(), addr(closure)))
                        }
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect();
        if closures.is_empty() {
            return;
        }
        let mut finder = OffloadedNames {
            walker: self,
            names: HashSet::new(),
        };
        finder.visit_block(block);
        let names = finder.names;
        for (name, closure) in closures {
            if names.contains(&name) {
                self.offloaded.insert(closure);
            }
        }
    }

    fn mark_offloaded<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        for arg in args {
            if let Some(closure) = closure_value(arg)
                && closure.asyncness.is_none()
            {
                self.offloaded.insert(addr(closure));
            }
        }
    }
}

/// Names a pattern binds (`_` binds none; `_g` does).
fn pattern_names(pat: &Pat) -> Vec<String> {
    let mut names = Vec::new();
    collect_pattern_names(pat, &mut names, 0);
    names
}

fn collect_pattern_names(pat: &Pat, names: &mut Vec<String>, depth: usize) {
    if depth > MAX_TYPE_DEPTH {
        return;
    }
    let next = depth + 1;
    match pat {
        Pat::Ident(ident) => {
            names.push(ident.ident.to_string());
            if let Some((_, sub)) = &ident.subpat {
                collect_pattern_names(sub, names, next);
            }
        }
        Pat::Type(typed) => collect_pattern_names(&typed.pat, names, next),
        Pat::Reference(reference) => collect_pattern_names(&reference.pat, names, next),
        Pat::Paren(paren) => collect_pattern_names(&paren.pat, names, next),
        Pat::Guard(guarded) => collect_pattern_names(&guarded.pat, names, next),
        Pat::Tuple(tuple) => tuple
            .elems
            .iter()
            .for_each(|p| collect_pattern_names(p, names, next)),
        Pat::TupleStruct(tuple) => tuple
            .elems
            .iter()
            .for_each(|p| collect_pattern_names(p, names, next)),
        Pat::Slice(slice) => slice
            .elems
            .iter()
            .for_each(|p| collect_pattern_names(p, names, next)),
        Pat::Struct(pat) => pat
            .fields
            .iter()
            .for_each(|field| collect_pattern_names(&field.pat, names, next)),
        Pat::Or(or) => {
            if let Some(first) = or.cases.first() {
                collect_pattern_names(first, names, next);
            }
        }
        _ => {}
    }
}

/// Does a condition bind with `let` (`if let`, `while let`, let chains)?
fn has_let(cond: &Expr) -> bool {
    match peel(cond) {
        Expr::Let(_) => true,
        Expr::Binary(binary) if matches!(binary.op, syn::BinOp::And(_)) => {
            has_let(&binary.left) || has_let(&binary.right)
        }
        _ => false,
    }
}

/// Does control never flow past this expression (`return`, `break`, `continue`, a panic)?
fn diverges(expr: &Expr) -> bool {
    match peel(expr) {
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => true,
        Expr::Block(block) => block_diverges(&block.block),
        Expr::Macro(mac) => is_panic_macro(&mac.mac),
        _ => false,
    }
}

fn block_diverges(block: &Block) -> bool {
    match block.stmts.last() {
        Some(Stmt::Expr(expr, _)) => diverges(expr),
        Some(Stmt::Macro(mac)) => is_panic_macro(&mac.mac),
        _ => false,
    }
}

fn is_panic_macro(mac: &Macro) -> bool {
    mac.path.segments.last().is_some_and(|segment| {
        known_paths::PANIC_MACROS.contains(&segment.ident.to_string().as_str())
    })
}

/// A call that builds a value holding its arguments: `Some(g)`, `Ok(g)`, `Wrapper(g)`,
/// `Box::new(g)`, or a guard adapter such as `MutexGuard::map(g, ..)`.
fn builds_value(func: &Expr) -> bool {
    let Expr::Path(path) = peel(func) else {
        return false;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segments.as_slice() {
        [.., last] if last.starts_with(char::is_uppercase) => true,
        [.., ty, _] if known_paths::is_guard_adapter(ty) => true,
        [.., ty, f] => known_paths::HOLDING_POINTERS.contains(&ty.as_str()) && f == "new",
        _ => false,
    }
}

/// Runtimes a `#[cfg(..)]` or `#[cfg_attr(..)]` among these attributes names (by feature or
/// dependency name): code under it is one runtime's feature-gated support.
fn cfg_runtimes(attrs: &[syn::Attribute]) -> Vec<Runtime> {
    let mut runtimes = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("cfg") {
            continue;
        }
        let syn::Meta::List(list) = &attr.meta else {
            continue;
        };
        let text = list.tokens.to_string();
        let mut named: Vec<Runtime> = Vec::new();
        for (word, runtime) in known_paths::CFG_NAMES {
            if text.contains(word) && !named.contains(runtime) {
                named.push(*runtime);
            }
        }
        runtimes.extend(named);
    }
    runtimes
}

/// The file a `#[path = ".."]` attribute names.
fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| {
        let syn::Meta::NameValue(pair) = &attr.meta else {
            return None;
        };
        if !pair.path.is_ident("path") {
            return None;
        }
        match &pair.value {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) => Some(text.value()),
            _ => None,
        }
    })
}
