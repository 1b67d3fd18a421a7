//! Argument-sensitive summaries, the walk's side: the tests on a fn's parameters that
//! guard its code (`if let Some(p) = key_log`, `match source { Source::File(p) => .. }`,
//! `if stall`, `let Some(p) = path else { return }`), what a call's arguments show
//! (`None`, `false`, `Source::Memory(..)`, the caller's own parameter), and the closure
//! parameters a fn hands only to an offloader. A test is recorded only on a parameter that
//! cannot change during the call (bound by name, not `mut`, not `&mut`) and that the
//! tested name still means: when in doubt there is no test, and the code always runs.

use foldhash::{HashMap, HashSet};

use syn::{Expr, FnArg, Pat, Signature, Stmt, Type};

use crate::analysis::context::{Context, Ctx};
use crate::analysis::evidence::Evidence;
use crate::analysis::summary::{Arg, Cond, Test};
use crate::analysis::syntax::*;

use super::values::{literal_arg, peel_refs, variant_name};

/// Variants of the std's `Option` and `Result`, each with its other.
pub(super) const PAIRED_VARIANTS: &[(&str, &str)] = &[
    ("Some", "None"),
    ("None", "Some"),
    ("Ok", "Err"),
    ("Err", "Ok"),
];
/// Methods that keep an `Option`'s or `Result`'s variant (`if let Some(p) = path.as_ref()`).
const VARIANT_KEEPING: &[&str] = &["as_ref", "as_deref", "as_mut", "as_deref_mut"];
/// Methods that give an argument the caller's value unchanged.
const SAME_VALUE: &[&str] = &["clone"];

/// An argument that is a call: (its position, the call's address).
pub(crate) type CallArg = (u8, usize);

/// The tests in force in each fn being walked, innermost fn last.
#[derive(Default)]
pub(crate) struct Branches {
    frames: Vec<Frame>,
}

#[derive(Default)]
struct Frame {
    /// Parameters that cannot change during a call, by name: their position.
    params: Vec<(String, u8)>,
    /// Closure parameters (`F: FnOnce()`, `impl FnOnce()`), by name: their position.
    closures: HashMap<String, u8>,
    /// Closure parameters used only where an offloader runs them, and used otherwise.
    offloaded: u32,
    other: u32,
    /// Path arguments given to an offloader (`thread::spawn(f)`), by address.
    offload_args: HashSet<usize>,
    /// Closure parameters given on, as they are, to calls the crate model may resolve
    /// (`Inner::new(name, func)`): offloaded if those fns offload them.
    passed: u32,
    /// Path arguments of such calls, by address.
    passed_args: HashSet<usize>,
    /// The tests in force here, innermost last.
    active: Vec<Cond>,
    /// `active`'s and `locals`' lengths where each open block began.
    blocks: Vec<(usize, usize)>,
    /// Names bound to a value written out: (name, the depth of its scope, the value); a
    /// block's are dropped when it ends.
    locals: Vec<(String, usize, Arg)>,
}

impl Branches {
    pub(crate) fn enter_fn(&mut self, sig: &Signature) {
        let mut frame = Frame::default();
        let has_self = matches!(sig.inputs.first(), Some(FnArg::Receiver(_)));
        let typed = sig.inputs.iter().skip(usize::from(has_self));
        for (position, input) in typed.enumerate() {
            let (FnArg::Typed(typed), Ok(position)) = (input, u8::try_from(position)) else {
                continue;
            };
            let Pat::Ident(ident) = &*typed.pat else {
                continue;
            };
            let name = ident.ident.to_string();
            if is_closure_type(&typed.ty, sig) && position < 32 {
                frame.closures.insert(name.clone(), position);
            }
            let mutable = matches!(&*typed.ty, Type::Reference(r) if r.mutability.is_some());
            if ident.mutability.is_none() && ident.subpat.is_none() && !mutable {
                frame.params.push((name, position));
            }
        }
        self.frames.push(frame);
    }

    /// Leaves a fn: the closure parameters it hands only to an offloader, and those it
    /// hands only to an offloader or on to other calls (bits by position).
    pub(crate) fn exit_fn(&mut self) -> (u32, u32) {
        self.frames.pop().map_or((0, 0), |frame| {
            let offloaded = frame.offloaded & !frame.other;
            let passed = frame.passed & !frame.other;
            (offloaded, passed)
        })
    }

    /// The tests in force here.
    pub(crate) fn when(&self) -> Vec<Cond> {
        self.frames
            .last()
            .map(|frame| frame.active.clone())
            .unwrap_or_default()
    }

    /// The parameter an expression is, unchanged (`p`, `&p`, `*p`, `p.clone()`).
    fn param(&self, expr: &Expr, evidence: &Evidence, keeping: &[&str]) -> Option<u8> {
        let frame = self.frames.last()?;
        let mut expr = peel(expr);
        for _ in 0..4 {
            expr = match expr {
                Expr::Reference(inner) => peel(&inner.expr),
                Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => peel(&unary.expr),
                Expr::MethodCall(call)
                    if call.args.is_empty()
                        && (SAME_VALUE.iter().chain(keeping).any(|m| call.method == m)) =>
                {
                    peel(&call.receiver)
                }
                Expr::Path(path) if path.qself.is_none() => {
                    let ident = path.path.get_ident()?;
                    let (name, position) = frame.params.iter().find(|(name, _)| ident == name)?;
                    return evidence.is_param(name).then_some(*position);
                }
                _ => return None,
            };
        }
        None
    }

    /// The tests a condition passes when it holds (each conjunct of `a && b`).
    fn tests(&self, cond: &Expr, evidence: &Evidence) -> Vec<Cond> {
        let mut found = Vec::new();
        let mut stack = vec![cond];
        while let Some(expr) = stack.pop() {
            match peel(expr) {
                Expr::Binary(binary) if matches!(binary.op, syn::BinOp::And(_)) => {
                    stack.push(&binary.left);
                    stack.push(&binary.right);
                }
                expr => found.extend(self.test(expr, evidence)),
            }
        }
        found
    }

    /// One test: `let PAT = p`, `p`, `!p`, `p.is_some()`, `p.is_none()`.
    fn test(&self, expr: &Expr, evidence: &Evidence) -> Option<Cond> {
        let (param, test) = match peel(expr) {
            Expr::Let(binding) => {
                // The scrutinee first: most are not a parameter, and patterns allocate.
                self.param(&binding.expr, evidence, VARIANT_KEEPING)?;
                let names = pattern_variants(&binding.pat)?;
                let keeping = if names.iter().all(|n| is_paired(n)) {
                    VARIANT_KEEPING
                } else {
                    &[]
                };
                (
                    self.param(&binding.expr, evidence, keeping)?,
                    Test::Variants(names),
                )
            }
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Not(_)) => {
                (self.param(&unary.expr, evidence, &[])?, Test::Bool(false))
            }
            Expr::MethodCall(call) if call.args.is_empty() => {
                let variant = match call.method.to_string().as_str() {
                    "is_some" => "Some",
                    "is_none" => "None",
                    _ => return None,
                };
                let param = self.param(&call.receiver, evidence, VARIANT_KEEPING)?;
                (param, Test::Variants(vec![variant.to_string()]))
            }
            path @ Expr::Path(_) => (self.param(path, evidence, &[])?, Test::Bool(true)),
            _ => return None,
        };
        Some(Cond { param, test })
    }

    /// Puts tests in force; returns what [`Self::exit`] restores.
    pub(crate) fn enter(&mut self, tests: impl IntoIterator<Item = Cond>) -> usize {
        let Some(frame) = self.frames.last_mut() else {
            return 0;
        };
        let mark = frame.active.len();
        frame.active.extend(tests);
        mark
    }

    pub(crate) fn exit(&mut self, mark: usize) {
        if let Some(frame) = self.frames.last_mut() {
            frame.active.truncate(mark);
        }
    }

    /// The tests of `if cond`'s branches (read before `cond` binds anything): each
    /// conjunct for `then`, the one test `cond` makes, negated, for `else`.
    pub(crate) fn if_tests(&self, cond: &Expr, evidence: &Evidence) -> (Vec<Cond>, Option<Cond>) {
        if self.is_idle() {
            return (Vec::new(), None);
        }
        let negated = self.test(cond, evidence).and_then(negate);
        (self.tests(cond, evidence), negated)
    }

    /// The test of each arm of a match on `scrutinee` (read before the arms bind anything).
    pub(crate) fn arm_tests(
        &self,
        scrutinee: &Expr,
        arms: &[syn::Arm],
        evidence: &Evidence,
    ) -> Vec<Option<Cond>> {
        if self.is_idle() || self.param(scrutinee, evidence, VARIANT_KEEPING).is_none() {
            return Vec::new();
        }
        arms.iter()
            .map(|arm| {
                let names = pattern_variants(&arm.pat)?;
                let keeping = if names.iter().all(|n| is_paired(n)) {
                    VARIANT_KEEPING
                } else {
                    &[]
                };
                let param = self.param(scrutinee, evidence, keeping)?;
                Some(Cond {
                    param,
                    test: Test::Variants(names),
                })
            })
            .collect()
    }

    /// Does the fn walked take closure parameters (whose uses are followed)?
    pub(crate) fn has_closures(&self) -> bool {
        self.frames
            .last()
            .is_some_and(|frame| !frame.closures.is_empty())
    }

    /// No parameter can be tested here.
    fn is_idle(&self) -> bool {
        self.frames
            .last()
            .is_none_or(|frame| frame.params.is_empty())
    }

    pub(crate) fn open_block(&mut self) {
        if let Some(frame) = self.frames.last_mut() {
            frame.blocks.push((frame.active.len(), frame.locals.len()));
        }
    }

    pub(crate) fn close_block(&mut self) {
        if let Some(frame) = self.frames.last_mut()
            && let Some((active, locals)) = frame.blocks.pop()
        {
            frame.active.truncate(active);
            frame.locals.truncate(locals);
        }
    }

    /// Before a statement of a block: `if !stall { return }` and `let Some(p) = path else
    /// { return }` put a test in force for the rest of the block (read before the
    /// statement binds anything).
    pub(crate) fn before_stmt(&self, stmt: &Stmt, evidence: &Evidence) -> Vec<Cond> {
        if self.is_idle() {
            return Vec::new();
        }
        match stmt {
            // `if a || b { return }`: past it, neither holds.
            Stmt::Expr(Expr::If(guard), _)
                if guard.else_branch.is_none() && block_diverges(&guard.then_branch) =>
            {
                let mut negated = Vec::new();
                let mut stack = vec![&*guard.cond];
                while let Some(expr) = stack.pop() {
                    match peel(expr) {
                        Expr::Binary(binary) if matches!(binary.op, syn::BinOp::Or(_)) => {
                            stack.push(&binary.left);
                            stack.push(&binary.right);
                        }
                        leaf => negated.extend(self.test(leaf, evidence).and_then(negate)),
                    }
                }
                negated
            }
            Stmt::Local(local) => match &local.init {
                Some(init) if init.diverge.is_some() => pattern_variants(&local.pat)
                    .and_then(|names| {
                        let param = self.param(&init.expr, evidence, VARIANT_KEEPING)?;
                        Some(Cond {
                            param,
                            test: Test::Variants(names),
                        })
                    })
                    .filter(|cond| matches!(&cond.test, Test::Variants(n) if n.iter().all(|n| is_paired(n))))
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// After that statement: its test in force for the rest of the block.
    pub(crate) fn after_stmt(&mut self, next: Vec<Cond>) {
        if let Some(frame) = self.frames.last_mut() {
            frame.active.extend(next);
        }
    }

    /// What a call's arguments show: (position, what it is), with the address of each
    /// argument that is a call (its value is looked up once that call is recorded).
    pub(crate) fn args<'e>(
        &self,
        args: impl Iterator<Item = &'e Expr>,
        evidence: &Evidence,
    ) -> (Vec<(u8, Arg)>, Vec<CallArg>) {
        let mut known = Vec::new();
        let mut built = Vec::new();
        for (position, arg) in args.enumerate() {
            let Ok(position) = u8::try_from(position) else {
                break;
            };
            if let Some(param) = self.param_of(arg, evidence) {
                known.push((position, Arg::Param(param)));
            } else if let Some(value) = self.local(arg, evidence) {
                known.push((position, value));
            } else if let Some(value) = literal_arg(arg) {
                known.push((position, value));
            } else if let Expr::Call(call) = peel_refs(arg)
                && matches!(peel(&call.func), Expr::Path(_))
            {
                built.push((position, expr_addr(peel_refs(arg))));
            }
        }
        (known, built)
    }

    /// A `let` binding these names: a local of the same name no longer stands for its value.
    pub(crate) fn forget_rebound(&mut self, pat: &Pat) {
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        if frame.locals.is_empty() {
            return;
        }
        let names = pattern_names(pat);
        frame.locals.retain(|(name, ..)| !names.contains(name));
    }

    /// A name just bound (by `let`) to a value written out.
    pub(crate) fn bind_local(&mut self, ident: &syn::Ident, evidence: &Evidence, value: Arg) {
        let name = ident.to_string();
        let Some(depth) = evidence.binding_depth(&name) else {
            return;
        };
        if let Some(frame) = self.frames.last_mut() {
            frame.locals.push((name, depth, value));
        }
    }

    /// The value a local stands for, where its binding is the one in scope.
    fn local(&self, arg: &Expr, evidence: &Evidence) -> Option<Arg> {
        let frame = self.frames.last()?;
        if frame.locals.is_empty() {
            return None;
        }
        let Expr::Path(path) = peel_refs(arg) else {
            return None;
        };
        let ident = path.path.get_ident()?;
        let (name, depth, value) = frame.locals.iter().rev().find(|(name, ..)| ident == name)?;
        (evidence.binding_depth(name) == Some(*depth)).then(|| value.clone())
    }

    /// An offloader call (`thread::spawn(f)`): the closure parameters among its
    /// arguments run elsewhere.
    pub(crate) fn offloader_args<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        self.note_path_args(args, |frame| &mut frame.offload_args);
    }

    /// A call the crate model may resolve: a closure parameter among its arguments is given
    /// on, and runs where that fn runs it.
    pub(crate) fn passed_args<'e>(&mut self, args: impl Iterator<Item = &'e Expr>) {
        self.note_path_args(args, |frame| &mut frame.passed_args);
    }

    /// Notes the addresses of the bare names among `args` in the set `which` picks, when
    /// the fn has closure parameters.
    fn note_path_args<'e>(
        &mut self,
        args: impl Iterator<Item = &'e Expr>,
        which: fn(&mut Frame) -> &mut HashSet<usize>,
    ) {
        if let Some(frame) = self.frames.last_mut()
            && !frame.closures.is_empty()
        {
            which(frame).extend(args.filter_map(|arg| match peel(arg) {
                Expr::Path(path) => Some(addr(path)),
                _ => None,
            }));
        }
    }

    /// A use of a name: a closure parameter used in an offloaded or stored closure, given
    /// to an offloader, or stored (a struct's field, a constructor's argument) runs
    /// elsewhere or later; any other use may run it here.
    pub(crate) fn on_path(&mut self, path: &syn::ExprPath, context: &Context, evidence: &Evidence) {
        let detached = context.ctx() == Ctx::Detached;
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        if frame.closures.is_empty() {
            return;
        }
        let Some(ident) = path.path.get_ident() else {
            return;
        };
        let name = ident.to_string();
        let Some(&position) = frame.closures.get(&name) else {
            return;
        };
        let bit = 1u32 << position;
        let shadowed = !evidence.is_param(&name);
        if shadowed && !detached {
            return;
        }
        let elsewhere = frame.offload_args.contains(&addr(path)) || context.is_stored_path(path);
        // Given on unchanged: the call's shape names the parameter (`Arg::Param`).
        let passed = frame.passed_args.contains(&addr(path))
            && frame.params.iter().any(|(param, _)| *param == name);
        if !shadowed && (detached || elsewhere) {
            frame.offloaded |= bit;
        } else if !shadowed && passed {
            frame.passed |= bit;
        } else {
            frame.other |= bit;
        }
    }
}

/// Does a parameter of this type take a closure: `impl FnOnce()`, `F` bound by a `Fn*`
/// trait, `Box<dyn Fn()>`?
fn is_closure_type(ty: &Type, sig: &Signature) -> bool {
    fn fn_bound(bound: &syn::TypeParamBound) -> bool {
        let syn::TypeParamBound::Trait(bound) = bound else {
            return false;
        };
        bound
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "FnOnce" || s.ident == "FnMut" || s.ident == "Fn")
    }
    match ty {
        Type::ImplTrait(bounds) => bounds.bounds.iter().any(fn_bound),
        Type::Path(path) if path.qself.is_none() => {
            let Some(ident) = path.path.get_ident() else {
                let last = path.path.segments.last();
                return last.is_some_and(|s| {
                    s.ident == "Box"
                        && matches!(&s.arguments, syn::PathArguments::AngleBracketed(args)
                            if args.args.iter().any(|a| matches!(a,
                                syn::GenericArgument::Type(Type::TraitObject(object))
                                    if object.bounds.iter().any(fn_bound))))
                });
            };
            let in_params = sig
                .generics
                .type_params()
                .any(|param| param.ident == *ident && param.bounds.iter().any(fn_bound));
            let in_where = sig.generics.where_clause.iter().any(|clause| {
                clause.predicates.iter().any(|predicate| match predicate {
                    syn::WherePredicate::Type(bound) => {
                        matches!(&bound.bounded_ty, Type::Path(p) if p.path.get_ident() == Some(ident))
                            && bound.bounds.iter().any(fn_bound)
                    }
                    _ => false,
                })
            });
            in_params || in_where
        }
        _ => false,
    }
}

fn is_paired(name: &str) -> bool {
    PAIRED_VARIANTS.iter().any(|(one, _)| *one == name)
}

/// The test that holds where `cond`'s test does not: a bool's other value, an `Option`'s
/// or `Result`'s other variant.
fn negate(cond: Cond) -> Option<Cond> {
    let test = match cond.test {
        Test::Bool(value) => Test::Bool(!value),
        Test::Variants(names) => match names.as_slice() {
            [one] => {
                let other = PAIRED_VARIANTS.iter().find(|(v, _)| v == one)?.1;
                Test::Variants(vec![other.to_string()])
            }
            _ => return None,
        },
        Test::NotAddress => return None,
    };
    Some(Cond {
        param: cond.param,
        test,
    })
}

/// The variants a refutable pattern matches (`Some(_)`, `Source::File(p) | Source::Dir(p)`,
/// `None`); `None` for anything else (a binding, a wildcard).
fn pattern_variants(pat: &Pat) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut work = vec![pat];
    while let Some(pat) = work.pop() {
        let name = match pat {
            Pat::Or(or) => {
                work.extend(or.cases.iter());
                continue;
            }
            Pat::Reference(inner) => {
                work.push(&inner.pat);
                continue;
            }
            Pat::Paren(inner) => {
                work.push(&inner.pat);
                continue;
            }
            Pat::TupleStruct(tuple) => variant_name(&tuple.path)?,
            Pat::Struct(literal) => variant_name(&literal.path)?,
            Pat::Path(path) => variant_name(&path.path)?,
            Pat::Ident(ident) if ident.ident == "None" && ident.subpat.is_none() => "None".into(),
            _ => return None,
        };
        names.push(name);
    }
    names.sort();
    names.dedup();
    Some(names)
}

impl Branches {
    /// The parameter an expression is, unchanged, if any.
    pub(crate) fn param_of(&self, expr: &Expr, evidence: &Evidence) -> Option<u8> {
        if self.is_idle() {
            return None;
        }
        self.param(expr, evidence, &[])
    }
}

#[cfg(test)]
mod tests {
    use crate::{Settings, lint_source};

    fn lines(source: &str) -> Vec<u32> {
        lint_source("app.rs", source, &Settings::default())
            .iter()
            .map(|d| d.span.start.line)
            .collect()
    }

    #[test]
    fn an_argument_that_rules_out_the_blocking_branch_reaches_nothing() {
        let source = r#"
enum Src { File(String), Dir(String), Mem(Vec<u8>) }
fn load(src: Src) { match src { Src::File(p) | Src::Dir(p) => { std::fs::read(p); } Src::Mem(_) => {} } }
fn some(p: Option<String>) { if p.is_some() { std::fs::read("x"); } }
fn none(p: Option<String>) { if p.is_none() { std::fs::read("x"); } }
fn els(p: Option<String>) { if let Some(_) = p {} else { std::fs::read("x"); } }
fn muted(mut stall: bool) { stall = !stall; if stall { std::thread::sleep(D); } }
fn closure_param(stall: bool) { let f = |stall: bool| if stall { std::thread::sleep(D); }; f(true) }
fn nap(quiet: bool) { if quiet || other() { return; } std::thread::sleep(D); }
async fn f() {
    load(Src::Mem(vec![]));
    load(Src::Dir("d".into()));
    some(None);
    some(Some("x".into()));
    none(Some("x".into()));
    none(None);
    els(Some("x".into()));
    els(None);
    muted(false);
    closure_param(false);
    nap(true);
    nap(false);
}
async fn g(other: Option<String>) {
    let none = None;
    some(none);
    let mem = Src::Mem(vec![]);
    load(mem);
    let p = None;
    let p = Some("x".into());
    some(p);
    { let q = None; }
    if let Some(q) = other { some(q); }
    let mut m = None;
    some(m);
}
"#;
        assert_eq!(lines(source), [12, 14, 16, 18, 19, 20, 22, 31, 33, 35]);
    }
}
