//! The diagnostic record every rule produces and every output format reads.
//!
//! Plain data: positions are already resolved to lines and columns, so a diagnostic can
//! leave the thread that parsed its file (syn trees and spans cannot).

use crate::rules::{Level, Rule};

/// A position in a file. `line` and `column` are 1-based; `column` counts characters.
/// `offset` is the 0-based byte offset into the file's text.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
}

/// A range in one file, `start` inclusive, `end` exclusive.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

/// A secondary place a diagnostic points at (an `.await`, the end of a call chain).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: String,
    pub span: Span,
    pub message: String,
}

/// One text replacement of a fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: String,
    pub span: Span,
    pub replacement: String,
}

/// A suggested fix: what it does, the edits that do it, and whether they can be applied
/// without looking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
}

/// rustc's words for how far a fix can be trusted (`--fix` applies `MachineApplicable`
/// ones; `--unsafe-fixes` also `MaybeIncorrect` ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Applicability {
    /// The edit compiles and keeps the meaning wherever it is offered.
    MachineApplicable,
    /// The edit is the right direction but may need more changes to compile.
    MaybeIncorrect,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::MachineApplicable => "MachineApplicable",
            Applicability::MaybeIncorrect => "MaybeIncorrect",
        }
    }
}

/// The blocking operation a transitive finding reaches (SPEC §3): the summaries group
/// findings by it, and the JSON format gives its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    pub file: String,
    pub span: Span,
    /// The blocking item as shown to users (`std::fs::File::write_all`).
    pub item: String,
    /// The sync fn it is in, as chains name fns (`FileJobLogger::log`).
    pub in_fn: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: Rule,
    pub level: Level,
    /// Lowercase, names the item in backticks, no final period.
    pub message: String,
    /// The file as reached from the path the user gave.
    pub file: String,
    /// The smallest span that shows the problem (the callee path, the guard binding).
    pub span: Span,
    /// Text shown under the primary span.
    pub label: String,
    /// Secondary places.
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// For a finding that blocks further down, the operation it reaches.
    pub root: Option<Root>,
}

impl Diagnostic {
    /// A finding of `rule` at `span` in `file`, at the rule's default level (the gate,
    /// [`crate::rules::report`], sets the configured one). The label under the primary span
    /// is required: every finding says what happens at its place.
    pub fn new(
        rule: Rule,
        file: impl Into<String>,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule,
            level: rule.default_level(),
            message: message.into(),
            file: file.into(),
            span,
            label: label.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
            root: None,
        }
    }

    /// A secondary place, labeled.
    pub fn secondary(
        mut self,
        file: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        self.labels.push(Label {
            file: file.into(),
            span,
            message: message.into(),
        });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn root(mut self, root: Root) -> Self {
        self.root = Some(root);
        self
    }

    pub fn level(mut self, level: Level) -> Self {
        self.level = level;
        self
    }

    /// The key output is sorted by: file, line, column, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &'static str) {
        (
            &self.file,
            self.span.start.line,
            self.span.start.column,
            self.rule.name(),
        )
    }
}

/// Sorts diagnostics into output order (file, line, column, rule, then message).
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
}
