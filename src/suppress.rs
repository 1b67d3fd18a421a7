//! Suppressions (SPEC §6): `// async-lint: allow(rule, …)` comments, and clippy's
//! `await_holding_*` allow attributes for the two guard rules.
//!
//! - trailing on a line, a comment covers that line;
//! - alone on a line, it covers the next line of code; when that line (after attributes)
//!   starts an item (`fn`, `impl`, `mod`, `trait`, `struct`, `enum`, with their
//!   qualifiers), it covers the whole item through its closing brace;
//! - `#[allow(clippy::await_holding_lock)]` (or `expect`) covers the item or statement it
//!   is on for `lock_across_await`, `clippy::await_holding_refcell_ref` for
//!   `refcell_across_await`; the inner `#![allow(..)]` form covers the enclosing block or
//!   file.
//!
//! A finding is covered when its primary span starts on a covered line. `parse_error` is
//! never suppressed. A rule name that does not exist is reported as `unknown_rule`; a name
//! that silenced nothing as `unused_suppression` (when that rule is enabled).
//!
//! Pure: works on the text with a small lexer that knows comments, strings, raw strings,
//! character literals and lifetimes, so braces and `//` inside them are not mistaken.

use crate::diagnostic::{Diagnostic, Span};
use crate::rules::Rule;
use crate::settings::Settings;
use crate::text::LineIndex;
use crate::text::lexer::{Kind, Token, lex};

/// Filters `diagnostics` of `file` through the suppressions written in `text`, and adds
/// the findings about the suppressions themselves.
pub fn apply(
    file: &str,
    text: &str,
    diagnostics: Vec<Diagnostic>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    if !text.contains("async-lint:") && !text.contains("await_holding_") {
        return diagnostics;
    }
    let lines = LineIndex::new(text);
    let tokens = lex(text);
    let mut comments = Vec::new();
    let mut attributes = Vec::new();
    collect(text, &tokens, &lines, &mut comments, &mut attributes);

    let parse_failed = diagnostics.iter().any(|d| d.rule == Rule::ParseError);
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        if d.rule == Rule::ParseError {
            kept.push(d);
            continue;
        }
        let line = d.span.start.line;
        let mut silenced = false;
        for comment in &mut comments {
            if !comment.covers(line) {
                continue;
            }
            for name in &mut comment.names {
                if name.rule == Some(d.rule) {
                    name.used = true;
                    silenced = true;
                }
            }
        }
        silenced |= attributes
            .iter()
            .any(|a| a.rule == d.rule && a.covers(line));
        if !silenced {
            kept.push(d);
        }
    }

    for comment in &comments {
        for name in &comment.names {
            let span = lines.span_of(name.start, name.end);
            match name.rule {
                None if settings.is_enabled(Rule::UnknownRule) => kept.push(finding(
                    Rule::UnknownRule,
                    settings,
                    file,
                    span,
                    format!("unknown rule `{}` in a suppression", name.text),
                    "no rule has this name",
                    "`async-lint --list-rules` lists the rules",
                )),
                Some(rule)
                    if !name.used
                        && !parse_failed
                        && rule != Rule::ParseError
                        && settings.is_enabled(Rule::UnusedSuppression)
                        && settings.is_enabled(rule) =>
                {
                    kept.push(finding(
                        Rule::UnusedSuppression,
                        settings,
                        file,
                        span,
                        format!("suppression of `{rule}` silences nothing"),
                        "no finding of this rule here",
                        "remove it from the `allow(..)`",
                    ));
                }
                _ => {}
            }
        }
    }
    kept
}

fn finding(
    rule: Rule,
    settings: &Settings,
    file: &str,
    span: Span,
    message: String,
    label: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic {
        rule,
        level: settings.level(rule),
        message,
        file: file.to_string(),
        span,
        label: label.to_string(),
        labels: Vec::new(),
        notes: Vec::new(),
        help: Some(help.to_string()),
        fix: None,
    }
}

/// One `// async-lint: allow(..)` comment and the lines it covers.
#[derive(Debug)]
struct Comment {
    first_line: u32,
    last_line: u32,
    names: Vec<Name>,
}

impl Comment {
    fn covers(&self, line: u32) -> bool {
        (self.first_line..=self.last_line).contains(&line)
    }
}

/// A rule name written in a suppression.
#[derive(Debug)]
struct Name {
    text: String,
    rule: Option<Rule>,
    /// Byte range of the name in the file.
    start: usize,
    end: usize,
    used: bool,
}

/// Lines covered by a clippy allow attribute for one guard rule.
#[derive(Debug)]
struct Attribute {
    rule: Rule,
    first_line: u32,
    last_line: u32,
}

impl Attribute {
    fn covers(&self, line: u32) -> bool {
        (self.first_line..=self.last_line).contains(&line)
    }
}

// ----- finding suppressions -----

fn collect(
    text: &str,
    tokens: &[Token],
    lines: &LineIndex,
    comments: &mut Vec<Comment>,
    attributes: &mut Vec<Attribute>,
) {
    let mut last_code_line = 0;
    for (i, token) in tokens.iter().enumerate() {
        let line = lines.line(token.start);
        match token.kind {
            Kind::LineComment => {
                let body = &text[token.start..token.end];
                let Some(names) = parse_directive(body, token.start) else {
                    continue;
                };
                let (first_line, last_line) = if last_code_line == line {
                    (line, line)
                } else {
                    let (first, last) = next_code(text, tokens, i + 1, lines);
                    (line + 1, last.max(first).max(line + 1))
                };
                comments.push(Comment {
                    first_line,
                    last_line,
                    names,
                });
            }
            Kind::BlockComment => {}
            Kind::Punct(b'#') => {
                last_code_line = line;
                if let Some(attribute) = clippy_attribute(text, tokens, i, lines) {
                    attributes.extend(attribute);
                }
            }
            _ => last_code_line = line,
        }
    }
}

/// `// async-lint: allow(a, b)` → the names with their byte ranges; `None` for any other
/// comment.
fn parse_directive(comment: &str, offset: usize) -> Option<Vec<Name>> {
    let body = comment.strip_prefix("//")?;
    let rest = body.trim_start().strip_prefix("async-lint:")?;
    let rest = rest.trim_start().strip_prefix("allow")?;
    let rest = rest.trim_start().strip_prefix('(')?;
    let close = rest.find(')')?;
    let list = &rest[..close];
    let list_offset = offset + (comment.len() - rest.len());
    let mut names = Vec::new();
    let mut at = 0;
    for part in list.split(',') {
        let trimmed = part.trim();
        if !trimmed.is_empty() {
            let start = list_offset + at + (part.len() - part.trim_start().len());
            names.push(Name {
                text: trimmed.to_string(),
                rule: Rule::from_name(trimmed),
                start,
                end: start + trimmed.len(),
                used: false,
            });
        }
        at += part.len() + 1;
    }
    Some(names)
}

/// The lines a standalone suppression before token `from` covers: from the next line of
/// code through the end of the item it starts, or through the first line of code after
/// any attributes when it is not an item.
fn next_code(text: &str, tokens: &[Token], from: usize, lines: &LineIndex) -> (u32, u32) {
    let mut i = skip_comments(tokens, from);
    let Some(first) = tokens.get(i) else {
        return (0, 0);
    };
    let first_line = lines.line(first.start);
    loop {
        i = skip_comments(tokens, i);
        match attribute_end(tokens, i) {
            Some(end) => i = end,
            None => break,
        }
    }
    let Some(code) = tokens.get(i) else {
        return (first_line, first_line);
    };
    let code_line = lines.line(code.start);
    match item_end(text, tokens, i) {
        Some(end) => (first_line, lines.line(end)),
        None => (first_line, code_line),
    }
}

fn skip_comments(tokens: &[Token], mut i: usize) -> usize {
    while tokens.get(i).is_some_and(|t| t.is_comment()) {
        i += 1;
    }
    i
}

/// If token `i` starts an attribute `#[..]` or `#![..]`, the index just past it.
fn attribute_end(tokens: &[Token], i: usize) -> Option<usize> {
    if tokens.get(i)?.kind != Kind::Punct(b'#') {
        return None;
    }
    let mut j = skip_comments(tokens, i + 1);
    if tokens.get(j)?.kind == Kind::Punct(b'!') {
        j = skip_comments(tokens, j + 1);
    }
    if tokens.get(j)?.kind != Kind::Punct(b'[') {
        return None;
    }
    Some(matching(tokens, j, b'[', b']').map_or(tokens.len(), |close| close + 1))
}

/// Index of the token closing the bracket opened at `open`.
fn matching(tokens: &[Token], open: usize, left: u8, right: u8) -> Option<usize> {
    let mut depth = 0usize;
    for (j, token) in tokens.iter().enumerate().skip(open) {
        if token.kind == Kind::Punct(left) {
            depth += 1;
        } else if token.kind == Kind::Punct(right) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some(j);
            }
        }
    }
    None
}

const ITEM_KEYWORDS: &[&str] = &["fn", "impl", "mod", "trait", "struct", "enum", "union"];
const QUALIFIERS: &[&str] = &["async", "unsafe", "const", "extern", "default"];

/// If token `i` starts an item with a body or a `;`, the byte offset where it ends.
fn item_end(text: &str, tokens: &[Token], mut i: usize) -> Option<usize> {
    let word = |i: usize| -> Option<&str> {
        let token = tokens.get(i)?;
        (token.kind == Kind::Ident).then(|| &text[token.start..token.end])
    };
    let next = |i: usize| skip_comments(tokens, i + 1);
    if word(i) == Some("pub") {
        i = next(i);
        if tokens.get(i)?.kind == Kind::Punct(b'(') {
            i = next(matching(tokens, i, b'(', b')')?);
        }
    }
    loop {
        match word(i) {
            Some(w) if QUALIFIERS.contains(&w) => {
                i = next(i);
                if w == "extern" && tokens.get(i)?.kind == Kind::Literal {
                    i = next(i);
                }
            }
            Some(w) if ITEM_KEYWORDS.contains(&w) => break,
            _ => return None,
        }
    }
    // The body: the first `{` outside parentheses and brackets, or a `;` before it.
    let mut depth = 0usize;
    for (j, token) in tokens.iter().enumerate().skip(i) {
        match token.kind {
            Kind::Punct(b'(' | b'[') => depth += 1,
            Kind::Punct(b')' | b']') => depth = depth.saturating_sub(1),
            Kind::Punct(b';') if depth == 0 => return Some(token.start),
            Kind::Punct(b'{') if depth == 0 => {
                let close = matching(tokens, j, b'{', b'}')?;
                return Some(tokens[close].start);
            }
            _ => {}
        }
    }
    None
}

/// Clippy allow attributes at token `i` (`#`) for the guard rules, with what they cover.
fn clippy_attribute(
    text: &str,
    tokens: &[Token],
    i: usize,
    lines: &LineIndex,
) -> Option<Vec<Attribute>> {
    let end = attribute_end(tokens, i)?;
    let inner = tokens.get(i + 1)?.kind == Kind::Punct(b'!');
    let body: Vec<&str> = tokens[i..end]
        .iter()
        .filter(|t| !t.is_comment())
        .map(|t| &text[t.start..t.end])
        .collect();
    let head = body.iter().position(|w| *w == "[")? + 1;
    if !matches!(body.get(head), Some(&"allow" | &"expect")) {
        return None;
    }
    let joined = body[head..].concat();
    let rules: Vec<Rule> = [
        ("clippy::await_holding_lock", Rule::LockAcrossAwait),
        (
            "clippy::await_holding_refcell_ref",
            Rule::RefcellAcrossAwait,
        ),
    ]
    .into_iter()
    .filter(|(lint, _)| {
        joined
            .match_indices(lint)
            .any(|(at, _)| !joined[at + lint.len()..].starts_with('_'))
    })
    .map(|(_, rule)| rule)
    .collect();
    if rules.is_empty() {
        return None;
    }
    let (first_line, last_line) = if inner {
        // The enclosing block, or the whole file at the top level.
        let start = lines.line(tokens[i].start);
        let end =
            enclosing_close(tokens, i).map_or(u32::MAX, |close| lines.line(tokens[close].start));
        (start, end)
    } else {
        let start = lines.line(tokens[i].start);
        let mut j = end;
        loop {
            j = skip_comments(tokens, j);
            match attribute_end(tokens, j) {
                Some(next) => j = next,
                None => break,
            }
        }
        let last = match item_end(text, tokens, j) {
            Some(end) => lines.line(end),
            None => statement_end(tokens, j).map_or(start, |end| lines.line(tokens[end].start)),
        };
        (start, last)
    };
    Some(
        rules
            .into_iter()
            .map(|rule| Attribute {
                rule,
                first_line,
                last_line,
            })
            .collect(),
    )
}

/// The `}` closing the block that holds token `i`, if any.
fn enclosing_close(tokens: &[Token], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, token) in tokens.iter().enumerate().skip(i) {
        match token.kind {
            Kind::Punct(b'{') => depth += 1,
            Kind::Punct(b'}') if depth == 0 => return Some(j),
            Kind::Punct(b'}') => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The `;` ending the statement starting at token `i` (outside any brackets), or the `}`
/// closing its block.
fn statement_end(tokens: &[Token], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (j, token) in tokens.iter().enumerate().skip(i) {
        match token.kind {
            Kind::Punct(b'(' | b'[' | b'{') => depth += 1,
            Kind::Punct(b')' | b']' | b'}') if depth == 0 => return Some(j),
            Kind::Punct(b')' | b']' | b'}') => depth -= 1,
            Kind::Punct(b';') if depth == 0 => return Some(j),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Pos;
    use crate::rules::Level;

    /// A finding of `rule` on each line listed.
    fn findings(rule: Rule, lines: &[u32]) -> Vec<Diagnostic> {
        lines
            .iter()
            .map(|&line| {
                let pos = Pos {
                    line,
                    column: 1,
                    offset: 0,
                };
                finding(
                    rule,
                    &Settings::default(),
                    "x.rs",
                    Span {
                        start: pos,
                        end: pos,
                    },
                    format!("`{rule}` on {line}"),
                    "",
                    "",
                )
            })
            .collect()
    }

    fn check_with(
        text: &str,
        rule: Rule,
        on: &[u32],
        settings: &Settings,
    ) -> Vec<(u32, &'static str)> {
        let mut out: Vec<(u32, &'static str)> = apply("x.rs", text, findings(rule, on), settings)
            .iter()
            .map(|d| (d.span.start.line, d.rule.name()))
            .collect();
        out.sort_unstable();
        out
    }

    /// Lines 1..=n each carry a finding of `rule`; returns the findings left.
    fn check(text: &str, rule: Rule) -> Vec<u32> {
        let n = text.lines().count() as u32;
        let all: Vec<u32> = (1..=n).collect();
        check_with(text, rule, &all, &Settings::default())
            .into_iter()
            .filter(|(_, name)| *name == rule.name())
            .map(|(line, _)| line)
            .collect()
    }

    const FS: Rule = Rule::BlockingFs;

    #[test]
    fn coverage_cases() {
        let cases: &[(&str, &str, Rule, &[u32])] = &[
            (
                "trailing covers its own line only",
                "a();\nb(); // async-lint: allow(blocking_fs)\nc();\n",
                FS,
                &[1, 3],
            ),
            (
                "alone covers the next line",
                "a();\n// async-lint: allow(blocking_fs)\nb();\nc();\n",
                FS,
                &[1, 2, 4],
            ),
            (
                "other rules are not silenced",
                "// async-lint: allow(blocking_net)\nb();\n",
                FS,
                &[1, 2],
            ),
            (
                "several names",
                "// async-lint: allow( blocking_net ,blocking_fs )\nb();\nc();\n",
                FS,
                &[1, 3],
            ),
            (
                "item above: the whole fn",
                "// async-lint: allow(blocking_fs)\nasync fn f() {\n    a();\n    b();\n}\nc();\n",
                FS,
                &[1, 6],
            ),
            (
                "item through attributes and comments, with qualifiers",
                "// async-lint: allow(blocking_fs)\n#[tokio::main]\n// note\npub(crate) async unsafe fn f() {\n    a();\n}\nc();\n",
                FS,
                &[1, 7],
            ),
            (
                "impl, mod, trait",
                "// async-lint: allow(blocking_fs)\nimpl X {\n  fn g() {}\n}\n// async-lint: allow(blocking_fs)\nmod m {\n a();\n}\n// async-lint: allow(blocking_fs)\npub trait T {\n fn t() {}\n}\nz();\n",
                FS,
                &[1, 5, 9, 13],
            ),
            (
                "extern with an ABI",
                "// async-lint: allow(blocking_fs)\nextern \"C\" fn f() {\n a();\n}\nb();\n",
                FS,
                &[1, 5],
            ),
            (
                "braces in strings, chars, raw strings and comments do not end the item",
                "// async-lint: allow(blocking_fs)\nfn f() {\n let s = \"}\";\n let c = '}';\n let r = r#\"}\"#;\n /* } */ // }\n let l: &'static str = b();\n}\nafter();\n",
                FS,
                &[1, 9],
            ),
            (
                "an item with `;` ends there",
                "// async-lint: allow(blocking_fs)\nstruct S(u8);\nb();\n",
                FS,
                &[1, 3],
            ),
            (
                "not an item: `unsafe` block covers its first line only",
                "// async-lint: allow(blocking_fs)\nunsafe {\n a();\n}\n",
                FS,
                &[1, 3, 4],
            ),
            (
                "a suppression inside a string is not one",
                "let s = \"// async-lint: allow(blocking_fs)\";\nb();\n",
                FS,
                &[1, 2],
            ),
            (
                "inside a block comment is not one",
                "/* // async-lint: allow(blocking_fs) */\nb();\n",
                FS,
                &[1, 2],
            ),
            (
                "clippy allow on a fn covers it for the guard rule",
                "#[allow(clippy::await_holding_lock)]\nasync fn f() {\n a();\n}\nb();\n",
                Rule::LockAcrossAwait,
                &[5],
            ),
            (
                "clippy allow on a statement",
                "async fn f() {\n #[allow(clippy::await_holding_refcell_ref)]\n let g = c\n   .borrow();\n x().await;\n}\n",
                Rule::RefcellAcrossAwait,
                &[1, 5, 6],
            ),
            (
                "clippy inner allow covers the file",
                "#![allow(clippy::await_holding_lock)]\nfn f() {}\nb();\n",
                Rule::LockAcrossAwait,
                &[],
            ),
            (
                "clippy lint of the other guard rule does not apply",
                "#[allow(clippy::await_holding_lock)]\nfn f() {\n a();\n}\n",
                Rule::RefcellAcrossAwait,
                &[1, 2, 3, 4],
            ),
            (
                "clippy allow does not cover blocking rules",
                "#[allow(clippy::await_holding_lock)]\nfn f() {\n a();\n}\n",
                FS,
                &[1, 2, 3, 4],
            ),
        ];
        for (what, text, rule, left) in cases {
            assert_eq!(check(text, *rule), *left, "{what}:\n{text}");
        }
    }

    #[test]
    fn parse_error_is_never_suppressed() {
        let text = "// async-lint: allow(parse_error)\nfn f( {\n";
        assert_eq!(
            check_with(text, Rule::ParseError, &[2], &Settings::default()),
            vec![(2, "parse_error")]
        );
    }

    #[test]
    fn unknown_rule_in_a_suppression_is_reported_at_the_name() {
        let text = "a(); // async-lint: allow(blocking_fs, blocking_nope)\n";
        let out = apply("x.rs", text, findings(FS, &[1]), &Settings::default());
        assert_eq!(out.len(), 1, "{out:?}");
        let d = &out[0];
        assert_eq!(d.rule, Rule::UnknownRule);
        assert_eq!(d.message, "unknown rule `blocking_nope` in a suppression");
        assert_eq!(
            &text[d.span.start.offset..d.span.end.offset],
            "blocking_nope"
        );
        assert_eq!(d.span.start.column, 40);
        assert_eq!(d.level, Level::Warn);
    }

    #[test]
    fn unused_suppression_only_when_selected() {
        let text = "// async-lint: allow(blocking_fs, blocking_net)\nb();\n";
        let silent = check_with(text, FS, &[2], &Settings::default());
        assert!(silent.is_empty(), "{silent:?}");
        let mut settings = Settings::default();
        settings.set_level(Rule::UnusedSuppression, Level::Warn);
        assert_eq!(
            check_with(text, FS, &[2], &settings),
            vec![(1, "unused_suppression")]
        );
        let out = apply("x.rs", text, findings(FS, &[2]), &settings);
        assert_eq!(
            out[0].message,
            "suppression of `blocking_net` silences nothing"
        );
        // A rule that is off cannot have findings: its suppression is not called unused.
        settings.set_level(Rule::BlockingNet, Level::Allow);
        assert!(check_with(text, FS, &[2], &settings).is_empty());
    }

    #[test]
    fn lexer_is_total_on_unterminated_input() {
        for text in [
            "\"abc",
            "r#\"abc",
            "/* /* */",
            "'",
            "b'",
            "// async-lint: allow(",
            "// async-lint: allow(blocking_fs)",
            "#[allow(clippy::await_holding_lock",
            "é'x",
        ] {
            let _ = apply("x.rs", text, findings(FS, &[1]), &Settings::default());
        }
    }
}
