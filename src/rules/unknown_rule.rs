use super::Rule;
use super::RuleDoc;
use crate::diagnostic::{Diagnostic, Span};

/// Where an unknown rule name was written.
pub enum Written {
    Configuration,
    Suppression,
}

/// A rule name that names no rule.
pub fn diagnostic(file: &str, span: Span, name: &str, written: Written) -> Diagnostic {
    let place = match written {
        Written::Configuration => "the configuration",
        Written::Suppression => "a suppression",
    };
    Diagnostic::new(
        Rule::UnknownRule,
        file,
        span,
        format!("unknown rule `{name}` in {place}"),
        "no rule has this name",
    )
    .help("`async-lint --list-rules` lists the rules")
}

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "a rule name in a configuration file or a suppression that does not exist",
    what_it_does: "Reports a rule name in `async-lint.toml`, `Cargo.toml` metadata or an \
`// async-lint: allow(..)` comment that names no rule.",
    why_is_this_bad: "A misspelled rule name silences nothing; without this report it would look \
like it does.",
    known_problems: "None known.",
    example: "",
    use_instead: "",
};
