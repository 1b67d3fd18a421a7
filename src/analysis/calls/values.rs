//! Values written out: what an argument or a `let`'s value is when the source shows it (an
//! enum variant, a bool, an IP address and port), for argument-sensitive summaries.

use syn::{Expr, Stmt};

use crate::analysis::summary::Arg;
use crate::analysis::syntax::*;

use super::branches::PAIRED_VARIANTS;

/// A path that names an enum variant: `Some`, `None`, `Ok`, `Err`, or `Type::Variant` (both
/// CamelCase: not a module's fn, not an associated constant).
pub(super) fn variant_name(path: &syn::Path) -> Option<String> {
    let mut segments = path.segments.iter().rev();
    let last = &segments.next()?.ident;
    match segments.next() {
        None => PAIRED_VARIANTS
            .iter()
            .find(|(name, _)| last == name)
            .map(|(name, _)| name.to_string()),
        Some(owner) => (is_camel(last) && (owner.ident == "Self" || is_camel(&owner.ident)))
            .then(|| last.to_string()),
    }
}

/// `CamelCase`: an uppercase first letter and a lowercase one (not `CONST`), read from the
/// ident as it prints, without allocating (this runs on every argument).
fn is_camel(ident: &syn::Ident) -> bool {
    #[derive(Default)]
    struct Camel {
        first: Option<bool>,
        lower: bool,
    }
    impl std::fmt::Write for Camel {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            for c in text.chars() {
                self.first.get_or_insert(c.is_ascii_uppercase());
                self.lower |= c.is_ascii_lowercase();
            }
            Ok(())
        }
    }
    use std::fmt::Write as _;
    let mut camel = Camel::default();
    write!(camel, "{ident}").is_ok() && camel.first == Some(true) && camel.lower
}

/// An argument written out: a variant, a bool, an IP address and port; or an `if`, `match`
/// or block whose every value is the same one (`if beta { ("1.0.0.1", 443) } else {
/// ("1.1.1.1", 443) }`: an address either way; branches that diverge give none).
pub(crate) fn literal_arg(arg: &Expr) -> Option<Arg> {
    /// Values looked at before giving up: an `else if` chain can be as long as a file.
    const MOST: usize = 64;
    let mut pending = vec![arg];
    let mut found: Option<Arg> = None;
    let mut seen = 0;
    while let Some(expr) = pending.pop() {
        seen += 1;
        if seen > MOST {
            return None;
        }
        match peel_refs(expr) {
            Expr::If(branch) => {
                let (_, otherwise) = branch.else_branch.as_ref()?;
                pending.push(block_value(&branch.then_branch)?);
                pending.push(otherwise);
            }
            Expr::Match(choice) => {
                for arm in &choice.arms {
                    if arm.attrs.iter().any(|attr| attr.path().is_ident("cfg")) {
                        return None;
                    }
                    pending.push(&arm.body);
                }
            }
            Expr::Block(block) if block.label.is_none() => {
                pending.push(block_value(&block.block)?);
            }
            expr if diverges(expr) => {}
            expr => match (literal_leaf(expr)?, &found) {
                (value, Some(first)) if value != *first => return None,
                (value, _) => found = Some(value),
            },
        }
    }
    found
}

/// A block's value: its tail expression (a block that diverges gives `return`'s). None
/// when a statement is under `#[cfg]`: which one is the tail depends on the build.
fn block_value(block: &syn::Block) -> Option<&Expr> {
    let cfg = |attrs: &[syn::Attribute]| attrs.iter().any(|attr| attr.path().is_ident("cfg"));
    let gated = block.stmts.iter().any(|stmt| match stmt {
        Stmt::Local(local) => cfg(&local.attrs),
        Stmt::Macro(mac) => cfg(&mac.attrs),
        Stmt::Expr(expr, _) => cfg(expr_attrs(expr)),
        Stmt::Item(_) => false,
    });
    if gated {
        return None;
    }
    match block.stmts.last()? {
        Stmt::Expr(tail, None) => Some(tail),
        Stmt::Expr(tail, Some(_)) if diverges(tail) => Some(tail),
        _ => None,
    }
}

/// The attributes written on an expression statement's own expression (the kinds a value
/// is written as; others have none that matter here).
fn expr_attrs(expr: &Expr) -> &[syn::Attribute] {
    match expr {
        Expr::Block(e) => &e.attrs,
        Expr::If(e) => &e.attrs,
        Expr::Match(e) => &e.attrs,
        Expr::Lit(e) => &e.attrs,
        Expr::Tuple(e) => &e.attrs,
        Expr::Path(e) => &e.attrs,
        Expr::Call(e) => &e.attrs,
        Expr::MethodCall(e) => &e.attrs,
        Expr::Macro(e) => &e.attrs,
        Expr::Struct(e) => &e.attrs,
        Expr::Paren(e) => &e.attrs,
        Expr::Reference(e) => &e.attrs,
        Expr::Unsafe(e) => &e.attrs,
        _ => &[],
    }
}

/// One value written out: a variant, a bool, an IP address and port.
fn literal_leaf(expr: &Expr) -> Option<Arg> {
    let path = match expr {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(value),
            ..
        }) => return Some(Arg::Bool(value.value)),
        Expr::Path(path) if path.qself.is_none() => &path.path,
        Expr::Call(call) => match peel(&call.func) {
            Expr::Path(func) if func.qself.is_none() => &func.path,
            _ => return None,
        },
        Expr::Struct(literal) => &literal.path,
        _ => {
            return crate::analysis::blocking::is_address_literal(expr).then_some(Arg::Address);
        }
    };
    variant_name(path)
        .map(|name| Arg::Variant(name.into()))
        .or_else(|| crate::analysis::blocking::is_address_literal(expr).then_some(Arg::Address))
}

/// The variant a fn's body gives when it is one variant written out (`Self::Memory`).
pub(crate) fn body_variant(block: &syn::Block) -> Option<Box<str>> {
    match block.stmts.as_slice() {
        [Stmt::Expr(expr, None)] => match literal_arg(expr)? {
            Arg::Variant(name) => Some(name),
            _ => None,
        },
        _ => None,
    }
}

/// An expression under its `&` and `&mut`.
pub(super) fn peel_refs(expr: &Expr) -> &Expr {
    let mut expr = peel(expr);
    while let Expr::Reference(inner) = expr {
        expr = peel(&inner.expr);
    }
    expr
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value written out either way (every branch of an `if`, a `match`, a block) is
    /// that value; branches that differ, or a tail under `#[cfg]`, are not known.
    #[test]
    fn values_written_out_on_every_branch() {
        let of = |text: &str| literal_arg(&syn::parse_str(text).unwrap());
        let yes = [
            (
                "if b { (\"1.0.0.1\", 443) } else { (\"1.1.1.1\", 443) }",
                Arg::Address,
            ),
            (
                "match n { 0 => return, 1 => Mode::Fast, _ => { log(); Mode::Fast } }",
                Arg::Variant("Fast".into()),
            ),
            ("{ let x = 1; false }", Arg::Bool(false)),
            (
                "if a { None } else if b { None } else { panic!() }",
                Arg::Variant("None".into()),
            ),
        ];
        for (text, want) in yes {
            assert_eq!(of(text), Some(want), "{text}");
        }
        let no = [
            "if b { (\"1.0.0.1\", 443) } else { (\"example.com\", 443) }",
            "if b { None }",
            "match n { 0 => Mode::Fast, _ => Mode::Slow }",
            "{ #[cfg(test)] { Some(1) } #[cfg(not(test))] { None } }",
            "match n { #[cfg(test)] 0 => Some(1), _ => None }",
        ];
        for text in no {
            assert_eq!(of(text), None, "{text}");
        }
        // An `else if` chain longer than is worth following.
        let long = format!(
            "if a {{ None }}{} else {{ None }}",
            " else if a { None }".repeat(100)
        );
        assert_eq!(of(&long), None);
    }
}
