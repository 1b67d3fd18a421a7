//! Positions and a cheap look at the text before syn sees it.

use proc_macro2::{LineColumn, Span as PmSpan};

use crate::diagnostic::{Pos, Span};

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

/// Deepest nesting of `()`, `[]` and `{}` in the text, skipping comments, string and
/// character literals. A cheap guard against input that would make syn recurse past its
/// stack; it returns `(depth, line)` of the first place the limit is passed, if any.
pub(crate) fn nesting_beyond(text: &str, limit: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut line = 1usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(line);
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut level = 0usize;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        level += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        level -= 1;
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        if bytes[i] == b'\n' {
                            line += 1;
                        }
                        i += 1;
                    }
                }
                continue;
            }
            b'r' if matches!(bytes.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !is_ident_byte(bytes[i - 1])) =>
            {
                // Raw string: r"..." or r#"..."#.
                let mut j = i + 1;
                let mut hashes = 0;
                while bytes.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if bytes.get(j) == Some(&b'"') {
                    j += 1;
                    loop {
                        match bytes.get(j) {
                            None => break,
                            Some(b'"')
                                if bytes
                                    .get(j + 1..j + 1 + hashes)
                                    .is_some_and(|s| s.iter().all(|&b| b == b'#')) =>
                            {
                                j += 1 + hashes;
                                break;
                            }
                            Some(b'\n') => {
                                line += 1;
                                j += 1;
                            }
                            Some(_) => j += 1,
                        }
                    }
                    i = j;
                    continue;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    if bytes.get(i) == Some(&b'\n') {
                        line += 1;
                    }
                    i += 1;
                }
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}') or a lifetime ('a): skip only literals.
                if bytes.get(i + 1) == Some(&b'\\') {
                    let mut j = i + 2;
                    while j < bytes.len() && j < i + 12 && bytes[j] != b'\'' {
                        j += 1;
                    }
                    i = j;
                } else if let Some(c) = text[i + 1..].chars().next()
                    && text[i + 1 + c.len_utf8()..].starts_with('\'')
                {
                    i += 1 + c.len_utf8();
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
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
    fn positions_count_characters() {
        let text = "ab\nçd = x;\n";
        let index = LineIndex::new(text);
        let pos = index.pos(LineColumn { line: 2, column: 2 });
        assert_eq!((pos.line, pos.column, pos.offset), (2, 3, 6));
    }
}
