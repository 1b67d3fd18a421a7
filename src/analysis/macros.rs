//! Token parsers for macro bodies that hold code: `select!` branches, `println!`-style
//! arguments, `vec![v; n]`. They parse; the walk walks what they return.

use proc_macro2::{TokenStream, TokenTree};
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::{Expr, Pat, Token};

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
