//! Fix suggestions for the blocking calls that have a drop-in async replacement, where the
//! crate runs on tokio: `std::thread::sleep(d)` → `tokio::time::sleep(d).await`, and
//! `std::fs::X(..)` → `tokio::fs::X(..).await` for the functions `tokio::fs` has.
//!
//! The mechanics: which std functions have a replacement and where a call's edits go. The
//! wording lives with the rules (`rules/blocking.rs`), which read the blocking fact, never
//! the message. Pure. A fix is offered only when the callee is written as a path ending in
//! the std function's own name (`std::fs::read`, `fs::read`, an imported `read`), the call
//! is a free-function call (not a method), and its closing parenthesis is found; otherwise
//! the finding keeps its help line and no fix.

use crate::diagnostic::{Edit, Pos, Span};
use crate::text::LineIndex;
use crate::text::lexer::{Kind, Lexer};

/// The `tokio::fs` function that mirrors `std::fs::{name}`.
pub fn tokio_fs(name: &str) -> Option<&'static str> {
    crate::analysis::known_paths::TOKIO_FS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, replacement)| *replacement)
}

/// Where a free-function call can take an async replacement: its arguments as written and
/// the position just past its closing parenthesis.
pub struct CallSite<'t> {
    pub arguments: &'t str,
    pub after_call: Pos,
}

/// The call whose callee is at `callee` in `text`, if the callee is written as a path
/// ending in `std_name` (not an alias, not a method) and its closing parenthesis is found.
pub(crate) fn call_site<'t>(
    index: &LineIndex<'t>,
    callee: Span,
    std_name: &str,
) -> Option<CallSite<'t>> {
    let text = index.text();
    let (start, end) = (callee.start.offset, callee.end.offset);
    if !is_path_ending_in(text.get(start..end)?, std_name) || is_method(text, start) {
        return None;
    }
    let close = closing_paren(text, end)?;
    Some(CallSite {
        arguments: &text[end..close],
        after_call: index.at(close),
    })
}

/// `std::fs::read`, `::std::fs::read`, `fs::read` or `read` for `name` `read`; not an
/// alias (`slurp`), not a path with generics or anything else.
fn is_path_ending_in(callee: &str, name: &str) -> bool {
    let path = callee.strip_prefix("::").unwrap_or(callee);
    let segments: Vec<&str> = path.split("::").map(str::trim).collect();
    segments.last() == Some(&name)
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.chars().all(|c| c == '_' || c.is_alphanumeric())
                && !s.starts_with(|c: char| c.is_ascii_digit())
        })
}

/// True when the callee at `start` is a method name (`x.metadata()`).
fn is_method(text: &str, start: usize) -> bool {
    text[..start].trim_end().ends_with('.')
}

/// The byte offset just past the `)` closing the call whose callee ends at `from`.
fn closing_paren(text: &str, from: usize) -> Option<usize> {
    let mut tokens = Lexer::new(text, from).filter(|t| !t.is_comment());
    if tokens.next()?.kind != Kind::Punct(b'(') {
        return None;
    }
    let mut depth = 1usize;
    for token in tokens {
        match token.kind {
            Kind::Punct(b'(' | b'[' | b'{') => depth += 1,
            Kind::Punct(b')' | b']' | b'}') => {
                depth -= 1;
                if depth == 0 {
                    return (token.kind == Kind::Punct(b')')).then_some(token.end);
                }
            }
            _ => {}
        }
    }
    None
}

/// Applies a fix's edits to `text` (for tests and tools): edits must not overlap.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start.offset));
    let mut out = text.to_string();
    for edit in edits {
        let (start, end) = (edit.span.start.offset, edit.span.end.offset);
        if start <= end && end <= out.len() {
            out.replace_range(start..end, &edit.replacement);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Settings;
    use crate::diagnostic::Diagnostic;
    use crate::rules::{Source, report};

    /// The findings of `text` with the fixes a tokio crate (or another) gets.
    fn lint_with_fixes(text: &str, runtime_is_tokio: bool) -> Vec<Diagnostic> {
        let settings = Settings::default();
        let facts = crate::analysis::facts_of("x.rs", text, &settings);
        report(facts, &settings, Some(&Source::new(text, runtime_is_tokio)))
    }

    /// Lints `body` inside an async fn with `header` items above, applies every fix, and
    /// returns the fixed body line (or `None` when no fix was offered).
    fn fixed(header: &str, body: &str) -> Option<String> {
        let text = format!(
            "{header}\nasync fn f() -> std::io::Result<()> {{\n    {body}\n    Ok(())\n}}\n"
        );
        let text2 = text.clone();
        let diagnostics = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || lint_with_fixes(&text2, true))
            .unwrap()
            .join()
            .unwrap();
        assert!(!diagnostics.is_empty(), "no finding on {body}");
        let edits: Vec<Edit> = diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| f.edits.clone())
            .collect();
        if edits.is_empty() {
            return None;
        }
        let out = apply_edits(&text, &edits);
        let line = out.lines().nth(2).unwrap();
        Some(line.trim().to_string())
    }

    #[test]
    fn no_fix_inside_a_sync_closure_where_await_is_unavailable() {
        assert_eq!(
            fixed("", "let _ = [\"a\"].iter().map(|p| std::fs::read(p));"),
            None
        );
        assert!(fixed("", "let _ = std::fs::read(\"a\");").is_some());
    }

    #[test]
    fn fixes() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "",
                "std::thread::sleep(std::time::Duration::from_millis(5));",
                Some("tokio::time::sleep(std::time::Duration::from_millis(5)).await;"),
            ),
            (
                "use std::thread::sleep;",
                "sleep(d());",
                Some("tokio::time::sleep(d()).await;"),
            ),
            (
                "",
                "let s = std::fs::read_to_string(\"a)\")?;",
                Some("let s = tokio::fs::read_to_string(\"a)\").await?;"),
            ),
            (
                "use std::fs;",
                "fs::write(p, format!(\"{})\", ')'))?;",
                Some("tokio::fs::write(p, format!(\"{})\", ')')).await?;"),
            ),
            (
                "",
                "::std::fs::remove_file(/* ) */ p)?;",
                Some("tokio::fs::remove_file(/* ) */ p).await?;"),
            ),
            ("use std::fs::read as slurp;", "slurp(p)?;", None),
            ("", "let f = std::fs::File::open(p)?;", None),
            ("", "let e = std::path::Path::new(p).exists();", None),
        ];
        for (header, body, expected) in cases {
            assert_eq!(
                fixed(header, body).as_deref(),
                *expected,
                "{header} / {body}"
            );
        }
    }

    #[test]
    fn no_fix_off_tokio() {
        let text = "async fn f() { std::thread::sleep(d); }\n";
        let diagnostics = lint_with_fixes(text, false);
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].fix.is_none());
        let diagnostics = lint_with_fixes(text, true);
        let fix = diagnostics[0].fix.as_ref().unwrap();
        assert_eq!(fix.message, "replace with `tokio::time::sleep(d).await`");
        assert_eq!(fix.edits[1].span.start.column, 37);
    }

    #[test]
    fn unbalanced_text_gives_no_fix_and_no_panic() {
        assert_eq!(closing_paren("f(a, (b)", 1), None);
        assert_eq!(closing_paren("f(a]", 1), None);
        assert_eq!(closing_paren("f (a)", 1), Some(5));
        assert_eq!(closing_paren("f x", 1), None);
    }
}
