use super::Rule;
use super::RuleDoc;
use crate::analysis::facts::{Problem, Unparsable};
use crate::diagnostic::{Diagnostic, Pos, Span};

/// A file the analysis could not read as Rust.
pub fn diagnostic(fact: &Unparsable) -> Diagnostic {
    let name = &fact.file;
    let (message, label) = match &fact.problem {
        Problem::Syntax(message) => (
            format!("could not parse `{name}`: {message}"),
            message.as_str(),
        ),
        Problem::Unbalanced => (
            format!("could not parse `{name}`: unbalanced delimiters"),
            "",
        ),
        Problem::TooDeep => (
            format!(
                "`{name}` nests brackets, operators, closures or types too deeply to parse safely; the file was not analyzed"
            ),
            "",
        ),
        Problem::Internal => (
            format!("internal error while analyzing `{name}`; the file was skipped"),
            "",
        ),
    };
    Diagnostic::new(Rule::ParseError, name, fact.span, message, label)
}

/// A path that could not be read, reported at its start.
pub fn unreadable(file: &str, message: String, label: &str) -> Diagnostic {
    let start = Pos {
        line: 1,
        column: 1,
        offset: 0,
    };
    Diagnostic::new(
        Rule::ParseError,
        file,
        Span { start, end: start },
        message,
        label,
    )
}

/// A file that is not UTF-8, at its first bad byte.
pub fn not_utf8(file: &str, span: Span) -> Diagnostic {
    let start = span.start;
    Diagnostic::new(
        Rule::ParseError,
        file,
        span,
        format!(
            "`{file}` is not valid UTF-8: invalid byte at line {}, column {} (byte offset {})",
            start.line, start.column, start.offset
        ),
        "invalid UTF-8 here",
    )
    .note("the file is not analyzed: Rust source must be UTF-8")
}

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "a file that could not be read or parsed",
    what_it_does: "Reports a file the tool could not read (missing, unreadable, not UTF-8) or that \
syn could not parse, at the place the parser names. Every other file is still checked, and the \
exit status is 2.",
    why_is_this_bad: "A file that cannot be analyzed is a file whose mistakes go unseen. Saying so \
is better than a silent pass.",
    known_problems: "syn parses current Rust; edition-2015 syntax such as bare trait objects \
(`Box<Fn()>`) is rejected.",
    example: "",
    use_instead: "",
};
