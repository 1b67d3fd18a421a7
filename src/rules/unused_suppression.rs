use super::Rule;
use super::RuleDoc;
use crate::diagnostic::{Diagnostic, Span};

/// A suppression of `rule` that no finding matched.
pub fn diagnostic(file: &str, span: Span, rule: Rule) -> Diagnostic {
    Diagnostic::new(
        Rule::UnusedSuppression,
        file,
        span,
        format!("suppression of `{rule}` silences nothing"),
        "no finding of this rule here",
    )
    .help("remove it from the `allow(..)`")
}

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "an `async-lint: allow(..)` comment that silences nothing",
    what_it_does: "Reports a suppression comment, or one rule in it, that no finding matched. Off \
unless turned on: `--extend-select unused_suppression`, or `unused_suppression = \"warn\"` under \
`[rules]` in the configuration.",
    why_is_this_bad: "Stale suppressions hide future mistakes at that place and mislead readers.",
    known_problems: "None known.",
    example: "",
    use_instead: "",
};
