//! Token parsers for macro bodies that hold code: `select!` branches, `println!`-style
//! arguments, `vec![v; n]`. They parse; the walk walks what they return.

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Block, Expr, Macro, Pat, Stmt, Token};

use crate::analysis::known_paths;

/// Macro bodies parsed inside one another at most: each level's body is parsed again from
/// its tokens, so `vec![vec![…]]` thousands deep would cost the square of its size. Real
/// code nests a few (`println!("{}", format!(..))`); deeper bodies stay unread.
pub(super) const MAX_DEPTH: usize = 8;

/// What a macro's body holds, parsed.
pub(super) enum MacroBody {
    /// `select!` branches.
    Select(Vec<SelectBranch>),
    /// Comma-separated arguments (`println!`, `join!`, `write!`).
    Args(Punctuated<Expr, Token![,]>),
    /// `vec![value; count]`.
    Repeat(Box<(Expr, Expr)>),
    /// Statements.
    Stmts(Vec<Stmt>),
}

/// Parses the body of a macro named `name` (its last segment) as the code it holds.
/// `None` for macros whose tokens are not code run in place, for bodies outside async
/// code that mention no `async` (nothing there can be found), and for tokens that parse
/// as none of the shapes.
pub(super) fn parse_body(mac: &Macro, name: &str, in_async: bool) -> Option<MacroBody> {
    if known_paths::OPAQUE_MACROS.contains(&name) {
        return None;
    }
    if !in_async && !mentions_async(&mac.tokens) {
        return None;
    }
    let tokens = mac.tokens.clone();
    if known_paths::SELECT_MACROS.contains(&name) {
        return parse_select.parse2(tokens).ok().map(MacroBody::Select);
    }
    if let Ok(args) = parse_args.parse2(tokens.clone()) {
        return Some(MacroBody::Args(args));
    }
    if let Ok((value, count)) = parse_repeat.parse2(tokens.clone()) {
        return Some(MacroBody::Repeat(Box::new((value, count))));
    }
    Block::parse_within
        .parse2(tokens)
        .ok()
        .map(MacroBody::Stmts)
}

/// Does the token stream contain the `async` keyword anywhere?
pub(super) fn mentions_async(tokens: &TokenStream) -> bool {
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
pub(super) fn parse_args(input: ParseStream) -> syn::Result<Punctuated<Expr, Token![,]>> {
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
pub(super) fn parse_repeat(input: ParseStream) -> syn::Result<(Expr, Expr)> {
    let value = input.parse()?;
    input.parse::<Token![;]>()?;
    let count = input.parse()?;
    Ok((value, count))
}

pub(super) struct SelectBranch {
    pub(super) pat: Option<Pat>,
    pub(super) future: Option<Expr>,
    pub(super) guard: Option<Expr>,
    pub(super) handler: Expr,
}

/// `tokio::select!` / `futures::select!` branches:
/// `biased;`? then `pat = future (, if guard)? => handler,` and `else`/`complete`/`default => handler`.
pub(super) fn parse_select(input: ParseStream) -> syn::Result<Vec<SelectBranch>> {
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
