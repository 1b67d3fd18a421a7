//! Code actions on a finding: its fix, when it has one (the edits the other formats
//! offer as machine-applicable), and an allow comment for its rule on its line
//! (`// async-lint: allow(rule)`, the suppression syntax of `src/suppress`).

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, Position, Range, TextEdit, Uri, WorkspaceEdit};

use super::convert::Lines;
use crate::diagnostic::Diagnostic;
use crate::text::lexer::{Kind, Token};

/// The actions for the findings of the file at `uri` (text `text`) on the lines of `range`.
// `WorkspaceEdit::changes` is keyed by `Uri`, whose parsed form caches: not mutated here.
#[allow(clippy::mutable_key_type)]
pub fn for_range(
    uri: &Uri,
    text: &str,
    findings: &[(Diagnostic, lsp_types::Diagnostic)],
    range: Range,
    text_of: &super::convert::TextOf<'_>,
) -> Vec<CodeAction> {
    let lines = Lines::new(text);
    let tokens = crate::text::lexer::lex(text);
    let mut actions = Vec::new();
    for (finding, published) in findings {
        let (first, last) = (published.range.start.line, published.range.end.line);
        if last < range.start.line || first > range.end.line {
            continue;
        }
        if let Some(fix) = &finding.fix {
            let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
            for edit in &fix.edits {
                let (edit_uri, range) = if edit.file == finding.file {
                    (uri.clone(), lines.range(edit.span))
                } else {
                    let Some(other) = std::path::absolute(&edit.file)
                        .ok()
                        .and_then(|p| super::convert::uri_of(&p))
                    else {
                        continue;
                    };
                    let text = text_of(&edit.file).unwrap_or_default();
                    (other, Lines::new(&text).range(edit.span))
                };
                changes.entry(edit_uri).or_default().push(TextEdit {
                    range,
                    new_text: edit.replacement.clone(),
                });
            }
            actions.push(CodeAction {
                title: fix.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![published.clone()]),
                edit: Some(WorkspaceEdit {
                    changes: Some(changes),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            });
        }
        let rule = finding.rule.name();
        let Some(edit) = allow_edit(&lines, &tokens, first as usize, rule) else {
            continue;
        };
        actions.push(CodeAction {
            title: format!("Allow `{rule}` on this line"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![published.clone()]),
            edit: Some(WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                ..WorkspaceEdit::default()
            }),
            is_preferred: Some(false),
            ..CodeAction::default()
        });
    }
    actions
}

/// `// async-lint: allow(rule)` for 0-based `line` of the text `tokens` lex: at its end
/// when the line holds no comment yet (it then covers that line), else on a line of its
/// own above it, indented like it (it then covers the code that follows). A line that ends
/// inside a string or block comment (a raw or multi-line string) takes it above too, where
/// it does not change the program; `None` when the line also starts inside one (no place
/// for the comment covers it).
fn allow_edit(lines: &Lines<'_>, tokens: &[Token], line: usize, rule: &str) -> Option<TextEdit> {
    let text = lines.line(line);
    let (start, end) = lines.bounds(line);
    let comment = format!("// async-lint: allow({rule})");
    // A multi-line literal or block comment around a byte offset of the line.
    let spans_over = |at: usize| {
        tokens.iter().any(|t| {
            matches!(t.kind, Kind::Literal | Kind::BlockComment) && t.start < at && at < t.end
        })
    };
    let (starts_inside, ends_inside) = (spans_over(start), spans_over(end));
    let has_comment = tokens
        .iter()
        .any(|t| t.is_comment() && start <= t.start && t.start < end);
    if starts_inside && (ends_inside || has_comment) {
        return None;
    }
    if has_comment || ends_inside || text.trim().is_empty() {
        let indent: String = text.chars().take_while(|c| c.is_whitespace()).collect();
        let at = Position::new(line as u32, 0);
        Some(TextEdit {
            range: Range::new(at, at),
            new_text: format!("{indent}{comment}\n"),
        })
    } else {
        let end: u32 = text.chars().map(|c| c.len_utf16() as u32).sum();
        let at = Position::new(line as u32, end);
        Some(TextEdit {
            range: Range::new(at, at),
            new_text: format!(" {comment}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, line: usize) -> Option<TextEdit> {
        let tokens = crate::text::lexer::lex(text);
        allow_edit(&Lines::new(text), &tokens, line, "blocking_sleep")
    }

    #[test]
    fn allow_comment_goes_at_the_end_or_above() {
        let text = "    std::thread::sleep(d);\n    x(); // why\n";
        let end = edit(text, 0).unwrap();
        assert_eq!(end.range.start, Position::new(0, 26));
        assert_eq!(end.new_text, " // async-lint: allow(blocking_sleep)");
        let above = edit(text, 1).unwrap();
        assert_eq!(above.range.start, Position::new(1, 0));
        assert_eq!(above.new_text, "    // async-lint: allow(blocking_sleep)\n");
    }

    #[test]
    fn a_line_ending_inside_a_string_takes_the_comment_above() {
        let text = "    f(r#\"a\n    b\"#); g(\"c\n    d\n\");\n";
        // Line 0 ends inside a raw string: above.
        let above = edit(text, 0).unwrap();
        assert_eq!(above.range.start, Position::new(0, 0));
        assert!(above.new_text.ends_with('\n'));
        // Line 1 starts and ends inside strings: no place covers it.
        assert!(edit(text, 1).is_none());
        assert!(edit(text, 2).is_none());
        // Line 3 starts inside one and ends outside: at its end.
        let end = edit(text, 3).unwrap();
        assert_eq!(end.new_text, " // async-lint: allow(blocking_sleep)");
        assert_eq!(end.range.start, Position::new(3, 3));
    }
}
