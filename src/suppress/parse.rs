//! Finding suppressions in the text, with the lexer: `// async-lint: allow(..)` comments
//! and clippy allow attributes, each with the lines it covers.

use super::{Attribute, Comment, Name};
use crate::rules::Rule;
use crate::text::LineIndex;
use crate::text::lexer::{Kind, Token, lex};

/// The suppression comments and clippy attributes of `text`.
pub(super) fn find(text: &str, lines: &LineIndex) -> (Vec<Comment>, Vec<Attribute>) {
    let tokens = lex(text);
    let mut comments = Vec::new();
    let mut attributes = Vec::new();
    collect(text, &tokens, lines, &mut comments, &mut attributes);
    (comments, attributes)
}

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
                let Some((names, whole_file)) = parse_directive(body, token.start) else {
                    continue;
                };
                let (first_line, last_line) = if whole_file {
                    (1, u32::MAX)
                } else if last_code_line == line {
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

/// `// async-lint: allow(a, b)` → the names with their byte ranges, and whether it is the
/// whole-file form `allow-file(..)`; `None` for any other comment.
fn parse_directive(comment: &str, offset: usize) -> Option<(Vec<Name>, bool)> {
    let body = comment.strip_prefix("//")?;
    let rest = body.trim_start().strip_prefix("async-lint:")?;
    let rest = rest.trim_start().strip_prefix("allow")?;
    let (rest, whole_file) = match rest.strip_prefix("-file") {
        Some(rest) => (rest, true),
        None => (rest, false),
    };
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
    Some((names, whole_file))
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
