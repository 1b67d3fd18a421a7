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
//!
//! Code map: [`parse`] finds the suppressions in the text (comments and attributes, with
//! the lines each covers); [`apply`](apply()) filters findings through them and reports
//! the suppressions themselves.

mod apply;
mod parse;
#[cfg(test)]
mod tests;

use crate::rules::Rule;

pub use apply::apply;

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
