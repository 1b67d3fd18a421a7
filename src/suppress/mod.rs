//! Suppressions (SPEC §6): `// async-lint: allow(rule, …)` comments, and clippy's
//! `await_holding_*` allow attributes for the two guard rules.
//!
//! - trailing on a line, a comment covers that line;
//! - alone on a line, it covers the next line of code; when that line (after attributes)
//!   starts an item (`fn`, `impl`, `mod`, `trait`, `struct`, `enum`, with their
//!   qualifiers), it covers the whole item through its closing brace;
//! - `// async-lint: allow-file(rule, …)` covers the whole file (put it at the top);
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
//!
//! An allow on a blocking operation of a sync fn, or on the fn item, accepts it from async
//! code (SPEC §3): [`mark_allowed`] records that in the file's summary, where the crate
//! model reads it, and the crate model hands back which of those allows stopped a chain,
//! so [`apply`](apply()) counts them as used.
//!
//! Code map: [`parse`] finds the suppressions in the text (comments and attributes, with
//! the lines each covers); [`apply`](apply()) filters findings through them and reports
//! the suppressions themselves.

mod apply;
mod parse;
#[cfg(test)]
mod tests;

use crate::analysis::summary::FileSummary;
use crate::rules::Rule;
use crate::text::LineIndex;

pub use apply::{accepted, apply};

/// Marks what the allow comments of `text` accept from async code: each blocking op of a
/// sync fn on a line an allow for its rule covers, and for each fn the rules an allow
/// covering its name's line names (an allow above the fn item covers the whole fn).
/// Pure: reads only the text.
pub fn mark_allowed(text: &str, summary: &mut FileSummary) {
    // Most files have no allow: one SIMD scan decides.
    if memchr::memmem::find(text.as_bytes(), b"async-lint:").is_none() {
        return;
    }
    let lines = LineIndex::new(text);
    let (comments, _) = parse::find(text, &lines);
    let covers = apply::Covers::new(comments.iter().map(|c| (c.first_line, c.last_line)));
    let rules_at = |line: u32| {
        covers
            .at(line)
            .map(|i| &comments[i])
            .filter(move |comment| comment.covers(line))
            .flat_map(|comment| comment.names.iter().filter_map(|name| name.rule))
    };
    for summary in &mut summary.fns {
        for op in &mut summary.ops {
            op.allowed = rules_at(op.span.start.line).any(|rule| rule == op.rule);
        }
        let mut allowed: Vec<Rule> = rules_at(summary.line).collect();
        allowed.sort();
        allowed.dedup();
        summary.allowed = allowed;
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
