//! Positions and a cheap look at the text before syn sees it.

use proc_macro2::{LineColumn, Span as PmSpan};

use crate::diagnostic::{Pos, Span};
use crate::lexer::Kind;

/// Turns proc-macro2 line/column positions into [`Pos`] (1-based line and character
/// column, byte offset).
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, line_starts }
    }

    /// `lc.line` is 1-based, `lc.column` a 0-based character column.
    pub(crate) fn pos(&self, lc: LineColumn) -> Pos {
        let line = lc.line.max(1);
        let start = self
            .line_starts
            .get(line - 1)
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let line_text = &self.text[start..end];
        let offset = start
            + line_text
                .char_indices()
                .nth(lc.column)
                .map_or(line_text.len(), |(i, _)| i);
        Pos {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            column: u32::try_from(lc.column + 1).unwrap_or(u32::MAX),
            offset,
        }
    }

    pub(crate) fn span(&self, span: PmSpan) -> Span {
        Span {
            start: self.pos(span.start()),
            end: self.pos(span.end()),
        }
    }

    /// The span from the start of `first` to the end of `last`.
    pub(crate) fn join(&self, first: PmSpan, last: PmSpan) -> Span {
        Span {
            start: self.pos(first.start()),
            end: self.pos(last.end()),
        }
    }
}

/// The delimiters of the text, outside comments and literals, with their byte offsets.
fn delimiters(text: &str) -> impl Iterator<Item = (u8, usize)> + '_ {
    crate::lexer::Lexer::new(text, 0).filter_map(|token| match token.kind {
        Kind::Punct(b @ (b'(' | b'[' | b'{' | b')' | b']' | b'}')) => Some((b, token.start)),
        _ => None,
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &text.as_bytes()[..offset.min(text.len())]).count() + 1
}

/// The line where bracket nesting first goes deeper than `limit`, if it does: a guard
/// against input that would make syn recurse past its stack.
pub(crate) fn nesting_beyond(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (delimiter, offset) in delimiters(text) {
        if matches!(delimiter, b'(' | b'[' | b'{') {
            depth += 1;
            if depth > limit {
                return Some(line_of(text, offset));
            }
        } else {
            depth = depth.saturating_sub(1);
        }
    }
    None
}

/// The line of the first bracket that closes nothing or the wrong thing, or of the first
/// one left open.
pub(crate) fn unbalanced_line(text: &str) -> Option<usize> {
    let mut open: Vec<(u8, usize)> = Vec::new();
    for (delimiter, offset) in delimiters(text) {
        let wanted = match delimiter {
            b')' => b'(',
            b']' => b'[',
            b'}' => b'{',
            opening => {
                open.push((opening, offset));
                continue;
            }
        };
        match open.pop() {
            Some((opening, _)) if opening == wanted => {}
            _ => return Some(line_of(text, offset)),
        }
    }
    open.first().map(|&(_, offset)| line_of(text, offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_delimiters_not_literals() {
        assert_eq!(nesting_beyond("fn f() { g((1)) }", 2), Some(1));
        assert_eq!(nesting_beyond("fn f() { g((1)) }", 3), None);
        assert_eq!(nesting_beyond("// ((((((\nfn f() {}", 2), None);
        assert_eq!(nesting_beyond("fn f() { \"((((((\"; }", 2), None);
        assert_eq!(nesting_beyond("fn f() { r#\"((((\"#; '('; }", 2), None);
        assert_eq!(
            nesting_beyond("fn f<'a>(x: &'a u8) { (((x))) }", 3),
            Some(1)
        );
        assert_eq!(nesting_beyond("/* ( /* ( */ ( */ fn f() {}", 1), None);
    }

    #[test]
    fn unbalanced_brackets_are_found_outside_literals() {
        assert_eq!(unbalanced_line("fn f() {\n    g(\"}\");\n}\n"), None);
        assert_eq!(unbalanced_line("fn f() {\n    g(1;\n}\n"), Some(3));
        assert_eq!(unbalanced_line("fn f() {\n"), Some(1));
    }

    #[test]
    fn positions_count_characters() {
        let text = "ab\nçd = x;\n";
        let index = LineIndex::new(text);
        let pos = index.pos(LineColumn { line: 2, column: 2 });
        assert_eq!((pos.line, pos.column, pos.offset), (2, 3, 6));
    }
}
