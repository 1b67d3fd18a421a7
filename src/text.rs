//! Text positions: the one byte offset <-> line/column index every pass shares, and the
//! small lexer ([`lexer`]) the text-level passes (suppressions, fixes, the pre-parse
//! checks) read tokens with.
//!
//! Conventions, the same everywhere: lines are split on `\n` only (a `\r` before it
//! belongs to the line, as it does for codespan); a [`Pos`] has a 1-based line, a
//! 1-based column counted in characters, and a byte offset into the text as linted.
//! Pure and total: an offset or line past the end gives the last position or `None`,
//! never a panic.

pub(crate) mod lexer;

use std::cell::Cell;
use std::ops::Range;

use proc_macro2::{LineColumn, Span as PmSpan};

use crate::diagnostic::{Pos, Span};

/// `text` with its control characters (a newline, an escape that would drive the
/// terminal) written as Rust escapes (`\n`, `\u{1b}`): for names and values that come
/// from the disk or a configuration and are shown to users.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            escaped.extend(c.escape_default());
        } else {
            escaped.push(c);
        }
    }
    std::borrow::Cow::Owned(escaped)
}

/// The line starts of one text, built once (one pass with `memchr`) and asked many
/// times: by the analysis for syn's line/column spans, by suppressions for token
/// offsets, by the reporters for line text and byte offsets.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
    /// All ASCII: a character column is a byte column.
    ascii: bool,
    /// The last position computed from a line/column (line, column, byte offset):
    /// positions come mostly in order, so the next one on the same line walks on from
    /// here, never from the start of a long line.
    last: Cell<(usize, usize, usize)>,
    /// Lines before the text syn is reading now, when that is one item of the file
    /// (`analysis::skeleton`): added to the lines of the positions it gives.
    lines_before: Cell<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            text,
            line_starts,
            ascii: text.is_ascii(),
            last: Cell::new((0, 0, 0)),
            lines_before: Cell::new(0),
        }
    }

    pub(crate) fn text(&self) -> &'a str {
        self.text
    }

    // ----- from byte offsets -----

    /// The 1-based line of byte `offset` (past the end: the last line).
    pub(crate) fn line(&self, offset: usize) -> u32 {
        u32::try_from(self.line_index(offset) + 1).unwrap_or(u32::MAX)
    }

    /// The 0-based line of byte `offset` (past the end: the last line).
    pub(crate) fn line_index(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The position of byte `offset`. The column counts the characters before it on its
    /// line (1 when `offset` is not a character boundary or is past the end).
    pub(crate) fn at(&self, offset: usize) -> Pos {
        let index = self.line_index(offset);
        let start = self.line_starts[index];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        Pos {
            line: u32::try_from(index + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column).unwrap_or(u32::MAX),
            offset,
        }
    }

    /// The span of bytes `start..end`.
    pub(crate) fn span_of(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.at(start),
            end: self.at(end),
        }
    }

    // ----- from lines -----

    /// The byte range of 0-based line `index`, its `\n` included (codespan's
    /// `line_range`): the line after the last is the empty range at the end.
    pub(crate) fn line_range(&self, index: usize) -> Option<Range<usize>> {
        let start = self.line_start(index)?;
        let end = self.line_start(index + 1)?;
        Some(start..end)
    }

    fn line_start(&self, index: usize) -> Option<usize> {
        match self.line_starts.get(index) {
            Some(&start) => Some(start),
            None if index == self.line_starts.len() => Some(self.text.len()),
            None => None,
        }
    }

    /// The start of 0-based line `index` and its text up to (not including) its `\n`.
    fn line_at(&self, index: usize) -> Option<(usize, &'a str)> {
        let start = *self.line_starts.get(index)?;
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |next| next - 1);
        Some((start, &self.text[start..end]))
    }

    /// The text of 1-based `line`, without its line ending (`\n` or `\r\n`).
    pub(crate) fn line_text(&self, line: u32) -> Option<&'a str> {
        let (_, text) = self.line_at(usize::try_from(line.checked_sub(1)?).ok()?)?;
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// The byte offset of 1-based `line` and character `column` (line 0 counts as 1; a
    /// column past the line's end gives the end, before its `\n`); `None` for a line past
    /// the end of the text.
    pub(crate) fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let (start, text) = self.line_at(usize::try_from(line.saturating_sub(1)).ok()?)?;
        let column = column.saturating_sub(1) as usize;
        Some(
            start
                + text
                    .char_indices()
                    .nth(column)
                    .map_or(text.len(), |(i, _)| i),
        )
    }

    // ----- from proc-macro2 (syn) positions -----

    /// From now on, syn's positions come from a text that starts `lines` lines into this
    /// one, at the start of a line (0: from this text itself).
    pub(crate) fn set_lines_before(&self, lines: usize) {
        self.lines_before.set(lines);
    }

    pub(crate) fn lines_before(&self) -> usize {
        self.lines_before.get()
    }

    /// `lc.line` is 1-based, `lc.column` a 0-based character column.
    pub(crate) fn pos(&self, lc: LineColumn) -> Pos {
        let line = lc.line.max(1) + self.lines_before.get();
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
        let offset = if self.ascii {
            (start + lc.column).min(end)
        } else {
            let (last_line, last_column, last_offset) = self.last.get();
            let (from_column, from_offset) = if last_line == line && last_column <= lc.column {
                (last_column, last_offset)
            } else {
                (0, start)
            };
            let rest = &self.text[from_offset..end];
            let offset = from_offset
                + rest
                    .char_indices()
                    .nth(lc.column - from_column)
                    .map_or(rest.len(), |(i, _)| i);
            self.last.set((line, lc.column, offset));
            offset
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let text = "ab\nçd = x;\n";
        let index = LineIndex::new(text);
        let pos = index.pos(LineColumn { line: 2, column: 2 });
        assert_eq!((pos.line, pos.column, pos.offset), (2, 3, 6));
        let pos = index.at(6);
        assert_eq!((pos.line, pos.column, pos.offset), (2, 3, 6));
        assert_eq!(index.at(text.len()).line, 3);
        assert_eq!(index.at(99).line, 3);
    }

    #[test]
    fn lines_and_offsets() {
        let index = LineIndex::new("ab\r\ncé\nx");
        assert_eq!(index.line_text(1), Some("ab"));
        assert_eq!(index.line_text(2), Some("cé"));
        assert_eq!(index.line_text(3), Some("x"));
        assert_eq!(index.line_text(0), None);
        assert_eq!(index.line_text(4), None);
        assert_eq!(index.line_range(0), Some(0..4));
        assert_eq!(index.line_range(2), Some(8..9));
        assert_eq!(index.line_range(3), None);
        assert_eq!(index.offset(3, 1), Some(8));
        assert_eq!(index.offset(2, 3), Some(7));
        assert_eq!(index.offset(2, 9), Some(7));
        assert_eq!(index.offset(0, 2), Some(1));
        assert_eq!(index.offset(4, 1), None);
        assert_eq!(LineIndex::new("a\n").line_text(2), Some(""));
    }
}
