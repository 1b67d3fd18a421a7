//! Evidence: what the source shows of names and types. Owns the file's use-resolution
//! ([`Imports`]), the bindings in scope, struct fields, statics, fn returns and the item
//! types closures are given; answers `type_of` an expression as far as that shows it.
//! No inference beyond that; the walk tells it when scopes, fns and impls begin and end.

use foldhash::{HashMap, HashMapExt};
use std::borrow::Cow;

use syn::{Expr, ExprMethodCall, FnArg, ImplItem, Item, Pat, Signature};

use crate::analysis::imports::{Imports, Resolved, is_local_text};
use crate::analysis::known_paths::{self};
use crate::analysis::syntax::*;
use crate::analysis::types::{Ty, resolve_type};

/// What the source shows of names and types: imports, bindings, fields, statics, fn returns.
#[derive(Default)]
pub(crate) struct Evidence {
    pub(crate) imports: Imports,
    /// Local variables and what is known of their types, innermost scope last.
    env: Vec<HashMap<String, Ty>>,
    /// The `Self` type of the enclosing impl, innermost last.
    self_ty: Vec<Ty>,
    /// Field types of this file's structs, by struct name.
    structs: HashMap<String, HashMap<String, Ty>>,
    /// Return types of this file's fns: `f`, `Type::f`, `Type.method`.
    fn_returns: HashMap<String, Ty>,
    /// Types of this file's statics and consts, by name.
    globals: HashMap<String, Ty>,
    /// Types of the first parameter of closures given to iterator adapters.
    closure_params: HashMap<usize, Ty>,
    /// This file's type aliases to extern types (`type PgPool = r2d2::Pool<..>`), by name.
    aliases: HashMap<String, Ty>,
}

impl Evidence {
    /// Forgets every node by address (see `Context::forget_nodes`).
    pub(super) fn forget_nodes(&mut self) {
        self.closure_params.clear();
    }

    /// A block, arm or closure opens a scope of bindings.
    pub(super) fn enter_scope(&mut self) {
        self.env.push(HashMap::new());
    }

    pub(super) fn exit_scope(&mut self) {
        self.env.pop();
    }

    /// A nested module sees no local of the code around it: the bindings in scope,
    /// set aside until [`Self::resume_env`].
    pub(super) fn suspend_env(&mut self) -> Vec<HashMap<String, Ty>> {
        std::mem::take(&mut self.env)
    }

    pub(super) fn resume_env(&mut self, env: Vec<HashMap<String, Ty>>) {
        self.env = env;
    }

    /// An impl or trait: what `Self` stands for inside it.
    pub(super) fn enter_impl(&mut self, self_ty: Ty) {
        self.self_ty.push(self_ty);
    }

    pub(super) fn exit_impl(&mut self) {
        self.self_ty.pop();
    }

    /// A closure given to an iterator adapter takes the items: its first parameter's type.
    pub(super) fn item_closure(&mut self, closure: &syn::ExprClosure, item: Ty) {
        self.closure_params.insert(addr(closure), item);
    }

    /// The type of a closure's first parameter, if an adapter showed it.
    pub(super) fn closure_param(&mut self, closure: &syn::ExprClosure) -> Ty {
        self.closure_params
            .remove(&addr(closure))
            .unwrap_or_default()
    }

    /// Enters a fn: its parameters bound in a fresh environment (a fn sees no local of
    /// the code around it), under its `Self`. Returns the outer environment for
    /// [`Self::exit_fn`].
    pub(super) fn enter_fn(&mut self, sig: &Signature, self_ty: Ty) -> Vec<HashMap<String, Ty>> {
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
                    let ty = self.dealias(resolve_type(&typed.ty, &self.imports, &self_ty));
                    self.bind_pat(&typed.pat, ty);
                }
            }
        }
        self.self_ty.push(self_ty);
        saved_env
    }

    pub(super) fn exit_fn(&mut self, saved_env: Vec<HashMap<String, Ty>>) {
        self.self_ty.pop();
        self.env = saved_env;
    }

    pub(super) fn current_self(&self) -> Ty {
        self.self_ty.last().cloned().unwrap_or_default()
    }

    /// A local type alias of an extern type is that type.
    fn dealias(&self, ty: Ty) -> Ty {
        match ty.path() {
            Some(path) if is_local_text(path) => {
                self.aliases.get(last_segment(path)).cloned().unwrap_or(ty)
            }
            _ => ty,
        }
    }

    /// The structs, fns and impls declared in a block (borrowed: a clone would copy the
    /// items nested in them at every level, the square of the nesting).
    pub(super) fn collect_block_items(&mut self, block: &syn::Block) {
        let items = block.stmts.iter().filter_map(|stmt| match stmt {
            syn::Stmt::Item(item @ (Item::Struct(_) | Item::Fn(_) | Item::Impl(_))) => Some(item),
            _ => None,
        });
        if items.clone().next().is_some() {
            self.collect_items(items);
        }
    }

    pub(super) fn collect_items<'i>(&mut self, items: impl Iterator<Item = &'i Item> + Clone) {
        let no_self = Ty::Unknown;
        for item in items.clone() {
            if let Item::Type(alias) = item {
                let ty = resolve_type(&alias.ty, &self.imports, &no_self);
                if ty.path().is_some_and(|path| !is_local_text(path)) {
                    self.aliases.insert(alias.ident.to_string(), ty);
                }
            }
        }
        for item in items {
            match item {
                Item::Struct(item) => {
                    let mut fields = HashMap::new();
                    for (i, field) in item.fields.iter().enumerate() {
                        let name = field
                            .ident
                            .as_ref()
                            .map_or_else(|| i.to_string(), ToString::to_string);
                        let ty = resolve_type(&field.ty, &self.imports, &no_self);
                        fields.insert(name, self.dealias(ty));
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

    pub(super) fn return_type(&self, sig: &Signature, self_ty: &Ty) -> Option<Ty> {
        match &sig.output {
            syn::ReturnType::Type(_, ty) if sig.asyncness.is_none() => {
                Some(resolve_type(ty, &self.imports, self_ty))
            }
            _ => None,
        }
    }

    pub(super) fn bind(&mut self, name: String, ty: Ty) {
        if self.env.is_empty() {
            self.env.push(HashMap::new());
        }
        if let Some(frame) = self.env.last_mut() {
            frame.insert(name, ty);
        }
    }

    /// The depth of the scope whose binding `name` means here.
    pub(super) fn binding_depth(&self, name: &str) -> Option<usize> {
        self.env.iter().rposition(|frame| frame.contains_key(name))
    }

    /// Does `name` mean the enclosing fn's parameter here (no binding in scope shadows it)?
    pub(super) fn is_param(&self, name: &str) -> bool {
        self.env.iter().rposition(|frame| frame.contains_key(name)) == Some(0)
    }

    pub(super) fn lookup(&self, name: &str) -> Ty {
        self.env
            .iter()
            .rev()
            .find_map(|frame| frame.get(name))
            .or_else(|| self.globals.get(name))
            .cloned()
            .unwrap_or_default()
    }

    /// Binds every name a pattern introduces, with the type it can be shown to have.
    pub(super) fn bind_pat(&mut self, pat: &Pat, ty: Ty) {
        // A worklist, not a recursion: nesting depth costs no stack. The names a
        // pattern binds are distinct, so the order they are bound in does not matter.
        let mut work = vec![(pat, ty)];
        while let Some((pat, ty)) = work.pop() {
            match pat {
                Pat::Ident(ident) => {
                    if let Some((_, sub)) = &ident.subpat {
                        work.push((sub, ty.clone()));
                    }
                    self.bind(ident.ident.to_string(), ty);
                }
                Pat::Type(typed) => {
                    let self_ty = self.current_self();
                    let ty = resolve_type(&typed.ty, &self.imports, &self_ty);
                    work.push((&typed.pat, ty));
                }
                Pat::Tuple(tuple) => {
                    let elems = match ty {
                        Ty::Tuple(elems) => elems,
                        _ => Vec::new(),
                    };
                    for (i, elem) in tuple.elems.iter().enumerate() {
                        work.push((elem, elems.get(i).cloned().unwrap_or_default()));
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
                        work.push((elem, ty));
                    }
                }
                Pat::Reference(reference) => work.push((&reference.pat, ty)),
                Pat::Guard(guarded) => work.push((&guarded.pat, ty)),
                Pat::Paren(paren) => work.push((&paren.pat, ty)),
                Pat::Struct(pat) => {
                    work.extend(pat.fields.iter().map(|field| (&*field.pat, Ty::Unknown)));
                }
                Pat::Slice(slice) => work.extend(slice.elems.iter().map(|e| (e, Ty::Unknown))),
                Pat::Or(or) => work.extend(or.cases.iter().map(|case| (case, Ty::Unknown))),
                _ => {}
            }
        }
    }

    pub(super) fn type_of(&self, expr: &Expr) -> Ty {
        self.type_of_at(expr, 0)
    }

    pub(super) fn type_of_at(&self, expr: &Expr, depth: usize) -> Ty {
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
                    Resolved::Extern(path) => match known_paths::returns(&path) {
                        Some(spec) => Ty::from_spec(spec, &Ty::Unknown, &args).normalized(),
                        // `idx::IndexScheduler::new(..)` of a crate the tables do not know
                        // (a workspace sibling's): the same convention as a local type's.
                        None => extern_constructor(&path).unwrap_or_default(),
                    },
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
            // An async lock's guard, awaited: the value it protects.
            Expr::Await(awaited) => match peel(&awaited.base) {
                Expr::MethodCall(call) => {
                    let receiver = self.type_of_at(&call.receiver, depth + 1);
                    receiver
                        .path()
                        .and_then(|path| known_paths::awaited(&format!("{path}.{}", call.method)))
                        .map(|spec| Ty::from_spec(spec, &receiver, &[]).normalized())
                        .unwrap_or_default()
                }
                _ => Ty::Unknown,
            },
            // An integer literal: the capacity of a bounded channel (`sync_channel(0)`).
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(int),
                ..
            }) => Ty::named(&format!("literal::{}", int.base10_digits())),
            // `xshell::cmd!(..)`: what the macro's row says it builds.
            Expr::Macro(mac) => match self.resolve_expr_path(&mac.mac.path) {
                Resolved::Extern(path) => known_paths::returns(&format!("{path}!"))
                    .map(Ty::named)
                    .unwrap_or_default(),
                Resolved::Local(_) => Ty::Unknown,
            },
            Expr::Cast(cast) => {
                let self_ty = self.current_self();
                resolve_type(&cast.ty, &self.imports, &self_ty)
            }
            _ => Ty::Unknown,
        }
    }

    pub(super) fn method_return(
        &self,
        receiver: &Ty,
        method: &str,
        call: &ExprMethodCall,
        depth: usize,
    ) -> Ty {
        let path = receiver.path().unwrap_or("");
        // `Type.method`, the key of the tables' rows (none for an unknown receiver).
        let key = (!path.is_empty()).then(|| [path, ".", method].concat());
        // A type whose `into_iter` the tables name (`walkdir::WalkDir`) gives that type.
        if let Some(spec) = key.as_deref().and_then(known_paths::explicit_returns) {
            return Ty::from_spec(spec, receiver, &[]).normalized();
        }
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
        let Some(key) = key else {
            return Ty::Unknown;
        };
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
            let key = [last_segment(path), ".", method].concat();
            return self.fn_returns.get(&key).cloned().unwrap_or_default();
        }
        Ty::Unknown
    }

    pub(super) fn resolve_expr_path(&self, path: &syn::Path) -> Resolved {
        if path.segments.first().is_some_and(|s| s.ident == "Self") {
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
            Resolved::Extern(text) => Resolved::Extern(match known_paths::canonical(&text) {
                Cow::Owned(aliased) => aliased,
                Cow::Borrowed(_) => text,
            }),
            local => local,
        }
    }
}

/// `krate::…::Type::f` of a crate that is not a well-known one: by convention, an
/// associated fn called on a type builds one (`krate::…::Type`).
fn extern_constructor(path: &str) -> Option<Ty> {
    let (first, _) = split_path(path)?;
    if known_paths::WELL_KNOWN_CRATES.contains(&first) {
        return None;
    }
    let (ty, _) = rsplit_path(path)?;
    last_segment(ty)
        .starts_with(char::is_uppercase)
        .then(|| Ty::named(ty))
}
