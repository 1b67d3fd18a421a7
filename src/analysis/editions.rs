//! Valid code that syn cannot read as written: cargo-script front matter, and the bare
//! trait objects with `Fn` sugar of editions 2015 and 2018 (`Rc<Fn(String)>`,
//! `type A = Fn(&T) + Send;`), which syn parses only after `dyn`.
//!
//! The text is mended by replacements that keep every line and every character column, so
//! the spans of the mended parse are positions in the original text: front matter becomes
//! spaces; a bare trait path before `(` becomes a fn pointer (`Fn(String)` → `fn(String)`,
//! `FnMut(u8)` → `fn   (u8)`), and the `+ Send` bounds syn then rejects become spaces. A
//! type carries no code, so no finding is lost.
//!
//! When mending does not help, [`unread_reason`] decides from the error and the text whether
//! the file is valid in some edition (a note, not a `parse_error`) or invalid in every one.
//! Only the latter is a `parse_error`: a loose file's edition is unknown, and a declared
//! edition that rejects the construct is the compiler's to report, not a reason to stop
//! reading the file.

use proc_macro2::LineColumn;

use crate::text::LineIndex;
use crate::text::lexer::{Kind, Token, lex};

/// A file needs at most this many mended trait objects (each costs a parse).
const MAX_REPAIRS: usize = 64;

/// `text` with its cargo-script front matter (`---` fences after an optional shebang) as
/// spaces; `None` when it has none.
pub(super) fn without_front_matter(text: &str) -> Option<String> {
    let mut at = 0;
    if text.starts_with("#!") && !text.starts_with("#![") {
        at = text.find('\n')? + 1;
    }
    // Blank lines may come before the opening fence.
    while let Some(end) = text[at..].find('\n') {
        if !text[at..at + end].trim().is_empty() {
            break;
        }
        at += end + 1;
    }
    let rest = &text[at..];
    let dashes = rest.bytes().take_while(|&b| b == b'-').count();
    if dashes < 3 {
        return None;
    }
    let fence = &rest[..dashes];
    // The closing fence: a line of exactly the same dashes.
    let mut close = None;
    let mut line_start = rest.find('\n')? + 1;
    while line_start < rest.len() {
        let end = rest[line_start..]
            .find('\n')
            .map_or(rest.len(), |e| line_start + e);
        if rest[line_start..end].trim_end() == fence {
            close = Some(end);
            break;
        }
        line_start = end + 1;
    }
    let close = at + close?;
    Some(blank(text, at, close))
}

/// `text` with the characters of `start..end` as spaces (line breaks kept).
fn blank(text: &str, start: usize, end: usize) -> String {
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    out.extend(
        text[start..end]
            .chars()
            .map(|c| if c == '\n' || c == '\r' { c } else { ' ' }),
    );
    out.push_str(&text[end..]);
    out
}

/// Where and why syn stopped: plain data, valid after the thread's spans are dropped.
#[derive(Clone, Debug)]
pub(super) struct Failure {
    pub(super) at: LineColumn,
    pub(super) message: String,
}

impl Failure {
    /// Resolves `error`'s position, then drops this thread's spans (the parse failed).
    fn of(error: &syn::Error) -> Failure {
        let failure = Failure {
            at: error.span().start(),
            message: error.to_string(),
        };
        proc_macro2::extra::invalidate_current_thread_spans();
        failure
    }
}

/// Parses `text`, mending bare `Fn`-sugar trait objects where syn stops at them. `Err` is
/// syn's first error when mending does not help.
pub(super) fn parse_mended(text: &str) -> Result<syn::File, Failure> {
    let first = match syn::parse_file(text) {
        Ok(file) => return Ok(file),
        Err(error) => Failure::of(&error),
    };
    let mut mended = text.to_string();
    let mut at = first.at;
    for repairs in 0..MAX_REPAIRS {
        let Some(next) = mend_at(&mended, at, repairs > 0) else {
            return Err(first);
        };
        mended = next;
        match syn::parse_file(&mended) {
            Ok(file) => return Ok(file),
            Err(again) => at = Failure::of(&again).at,
        }
    }
    Err(first)
}

/// The non-comment tokens of `text`, and the index of the one starting at `at`.
fn tokens_at(text: &str, at: LineColumn) -> Option<(Vec<Token>, usize)> {
    let index = LineIndex::new(text);
    let line = u32::try_from(at.line).ok()?;
    let column = u32::try_from(at.column + 1).ok()?;
    let offset = index.offset(line, column)?;
    let tokens: Vec<Token> = lex(text).into_iter().filter(|t| !t.is_comment()).collect();
    let i = tokens.iter().position(|t| t.start == offset)?;
    Some((tokens, i))
}

/// The start of the path that ends just before token `i` (`Fn`, `std::ops::FnMut`), if
/// it is not already after `dyn` or `impl`.
fn path_before(text: &str, tokens: &[Token], i: usize) -> Option<usize> {
    let word = |t: &Token| &text[t.start..t.end];
    let mut j = i.checked_sub(1)?;
    if tokens[j].kind != Kind::Ident {
        return None;
    }
    while j >= 3
        && tokens[j - 1].kind == Kind::Punct(b':')
        && tokens[j - 2].kind == Kind::Punct(b':')
        && tokens[j - 3].kind == Kind::Ident
    {
        j -= 3;
    }
    if j >= 2 && tokens[j - 1].kind == Kind::Punct(b':') && tokens[j - 2].kind == Kind::Punct(b':')
    {
        // `::std::ops::Fn`
        j -= 2;
    }
    let before = j.checked_sub(1).map(|k| &tokens[k]);
    if before.is_some_and(|t| matches!(word(t), "dyn" | "impl" | "fn" | "struct" | "enum")) {
        return None;
    }
    Some(tokens[j].start)
}

/// `text` mended at syn's error position `at`, or `None` when the error is not one this
/// module knows to mend. `after_repair`: the `+` bounds of a mended trait object may go.
fn mend_at(text: &str, at: LineColumn, after_repair: bool) -> Option<String> {
    let (tokens, i) = tokens_at(text, at)?;
    match tokens[i].kind {
        // `Fn(String)` → `fn(String)`: the path before `(` becomes `fn` and spaces.
        Kind::Punct(b'(') => {
            let start = path_before(text, &tokens, i)?;
            let end = tokens[i].start;
            let path = &text[start..end];
            let last = path.rsplit("::").next().unwrap_or(path);
            if path.chars().count() < 2 || !last.starts_with(|c: char| c.is_uppercase()) {
                return None;
            }
            let mut out = blank(text, start, end);
            out.replace_range(start..start + 2, "fn");
            Some(out)
        }
        // `fn(&T) + Send + Sync`: the bounds go, one by one.
        Kind::Punct(b'+') if after_repair => {
            let end = bound_end(text, &tokens, i + 1)?;
            Some(blank(text, tokens[i].start, end))
        }
        _ => None,
    }
}

/// The end of the bound that starts at token `i`: `'a`, `?Sized`, `Send`,
/// `for<'a> Tr<'a>`, `std::fmt::Debug`.
fn bound_end(text: &str, tokens: &[Token], mut i: usize) -> Option<usize> {
    let word = |t: &Token| &text[t.start..t.end];
    if tokens.get(i)?.kind == Kind::Lifetime {
        return Some(tokens[i].end);
    }
    if tokens[i].kind == Kind::Punct(b'?') {
        i += 1;
    }
    let mut end = None;
    let mut angle = 0usize;
    while let Some(t) = tokens.get(i) {
        match t.kind {
            Kind::Ident if angle == 0 && end.is_some() && word(&tokens[i - 1]) != ":" => break,
            Kind::Punct(b'<') => angle += 1,
            Kind::Punct(b'>') if angle > 0 => {
                angle -= 1;
                if angle == 0 {
                    end = Some(t.end);
                    i += 1;
                    continue;
                }
            }
            Kind::Ident | Kind::Lifetime | Kind::Punct(b':') | Kind::Punct(b',') if angle > 0 => {}
            Kind::Ident | Kind::Punct(b':') => {}
            _ if angle > 0 => {}
            _ => break,
        }
        if angle == 0 {
            end = Some(t.end);
        }
        i += 1;
    }
    if angle > 0 {
        return None;
    }
    end
}

/// Why a file that syn rejects is still valid in some edition, or `None` when it is invalid
/// in every one (a truncated file, unbalanced brackets, a construct no edition accepts).
pub(super) fn unread_reason(text: &str, at: LineColumn) -> Option<String> {
    if super::source::unbalanced_line(text).is_some() {
        return None;
    }
    let (tokens, i) = tokens_at(text, at)?;
    let word = &text[tokens[i].start..tokens[i].end];
    let reason = match tokens[i].kind {
        // Keywords since 2018, names before.
        Kind::Ident
            if matches!(word, "async" | "await" | "try" | "dyn") && is_name(text, &tokens, i) =>
        {
            format!("`{word}` used as a name, valid only in edition 2015")
        }
        // A bare trait object the mending could not turn into a type syn reads.
        Kind::Punct(b'(') if path_before(text, &tokens, i).is_some() => {
            "a bare trait object (`Fn(..)` without `dyn`), valid before edition 2021".to_string()
        }
        // `fn f(u8);` in a trait: anonymous parameters.
        Kind::Punct(b')' | b',') if anonymous_parameter(text, &tokens, i) => {
            "an anonymous trait-method parameter, valid only in edition 2015".to_string()
        }
        _ => return None,
    };
    Some(reason)
}

/// Token `i` stands where a name does: after `fn`, `let`, `.`, `::`, ..., or before `(`,
/// `::`, `=`, `:`, `;`. (`unsafe async fn` is no name: invalid in every edition.)
fn is_name(text: &str, tokens: &[Token], i: usize) -> bool {
    let word = |t: &Token| &text[t.start..t.end];
    let after = i.checked_sub(1).map(|j| word(&tokens[j])).is_some_and(|w| {
        matches!(
            w,
            "fn" | "let"
                | "mut"
                | "mod"
                | "struct"
                | "enum"
                | "trait"
                | "type"
                | "const"
                | "static"
                | "use"
                | "as"
                | "ref"
                | "."
                | ":"
                | "("
                | ","
                | "&"
                | "="
                | "{"
        )
    });
    let before = tokens
        .get(i + 1)
        .is_some_and(|t| matches!(word(t), "(" | ":" | "=" | ";" | "," | ")" | "." | "!" | "<"));
    after || before
}

/// Token `i` (`)` or `,`) ends a parameter that is a type without a pattern (`fn f(u8)`,
/// `fn f(&self, u8)`), in the parameter list of a fn.
fn anonymous_parameter(text: &str, tokens: &[Token], i: usize) -> bool {
    let mut depth = 0usize;
    let mut segment_has_colon = false;
    let mut j = i;
    while j > 0 {
        j -= 1;
        match tokens[j].kind {
            Kind::Punct(b')' | b']' | b'>') => depth += 1,
            Kind::Punct(b'(' | b'[' | b'<') if depth > 0 => depth -= 1,
            Kind::Punct(b':') if depth == 0 => segment_has_colon = true,
            // The parameter ends at the `,` before it: the last one read decides.
            Kind::Punct(b',') if depth == 0 && j + 1 < i && !segment_has_colon => {
                return open_of_fn(text, tokens, j);
            }
            Kind::Punct(b',') if depth == 0 => return false,
            Kind::Punct(b'(') => {
                return !segment_has_colon && j + 1 < i && open_of_fn(text, tokens, j + 1);
            }
            _ => {}
        }
    }
    false
}

/// Some `(` at depth 0 before token `from` opens the parameters of `fn name`.
fn open_of_fn(text: &str, tokens: &[Token], from: usize) -> bool {
    let mut depth = 0usize;
    let mut j = from;
    while j > 0 {
        j -= 1;
        match tokens[j].kind {
            Kind::Punct(b')' | b']' | b'>') => depth += 1,
            Kind::Punct(b'(' | b'[' | b'<') if depth > 0 => depth -= 1,
            Kind::Punct(b'(') => {
                return j >= 2
                    && tokens[j - 1].kind == Kind::Ident
                    && &text[tokens[j - 2].start..tokens[j - 2].end] == "fn";
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parses(text: &str) -> bool {
        let ok = parse_mended(text).is_ok();
        proc_macro2::extra::invalidate_current_thread_spans();
        ok
    }

    #[test]
    fn front_matter_becomes_spaces() {
        let text = "#!/usr/bin/env cargo\n---cargo\n[dependencies]\nx = \"1\"\n---\nfn main() {}\n";
        let out = without_front_matter(text).unwrap();
        assert_eq!(out.len(), text.len());
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(syn::parse_file(&out).is_ok());
        assert!(without_front_matter("fn main() {}\n").is_none());
        assert!(without_front_matter("---\nfn main() {}\n").is_none());
    }

    #[test]
    fn bare_fn_trait_objects_are_mended() {
        let text = "use std::rc::Rc;\n\
                    type A = Fn(&u8) + Send + Sync + 'static;\n\
                    struct S { v: Option<Rc<FnMut(String) -> Result<(), String>>> }\n\
                    fn f(g: &std::ops::Fn(u8)) -> Box<FnOnce() + Send> { loop {} }\n";
        assert!(parses(text));
        // A file that is invalid stays invalid.
        assert!(!parses("fn f() { let x = ; }"));
        assert!(!parses("fn f() -> Box<Fn(u8)> {"));
    }

    #[test]
    fn mending_keeps_lines_and_columns() {
        let text = "type A = Box<Fn(u8) + Send>;\nasync fn g() {}\n";
        let file = parse_mended(text).unwrap();
        let syn::Item::Fn(g) = &file.items[1] else {
            panic!("the async fn")
        };
        let start = g.sig.ident.span().start();
        assert_eq!((start.line, start.column), (2, 9));
        drop(file);
        proc_macro2::extra::invalidate_current_thread_spans();
    }

    fn reason(text: &str) -> Option<String> {
        let Err(error) = syn::parse_file(text) else {
            panic!("syn reads {text}");
        };
        let error = Failure::of(&error);
        unread_reason(text, error.at)
    }

    #[test]
    fn edition_2015_constructs_are_valid_and_broken_files_are_not() {
        assert!(reason("fn async() {}\n").is_some());
        assert!(reason("fn f() { let try = 1; }\n").is_some());
        assert!(reason("trait T { fn f(u8); }\n").is_some());
        assert!(reason("trait T { fn f(&self, u8); }\n").is_some());
        assert!(reason("trait T { fn f(&self, x: u8, ) -> u8 { x + } }\n").is_none());
        assert!(reason("fn async() {\n").is_none());
        assert!(reason("unsafe async fn f() {}\n").is_none());
        assert!(reason("fn f() { let x = ; }\n").is_none());
        assert!(reason("impl !Trait {}\n").is_none());
    }
}
