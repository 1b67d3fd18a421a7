//! Applying suppressions: which findings they silence, and the findings about the
//! suppressions themselves (`unknown_rule`, `unused_suppression`).

use super::parse;
use crate::diagnostic::{Diagnostic, Span};
use crate::rules::Rule;
use crate::settings::Settings;
use crate::text::LineIndex;

/// Filters `diagnostics` of `file` through the suppressions written in `text`, and adds
/// the findings about the suppressions themselves.
pub fn apply(
    file: &str,
    text: &str,
    diagnostics: Vec<Diagnostic>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    if !text.contains("async-lint:") && !text.contains("await_holding_") {
        return diagnostics;
    }
    let lines = LineIndex::new(text);
    let (mut comments, attributes) = parse::find(text, &lines);

    let parse_failed = diagnostics.iter().any(|d| d.rule == Rule::ParseError);
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        if d.rule == Rule::ParseError {
            kept.push(d);
            continue;
        }
        let line = d.span.start.line;
        let mut silenced = false;
        for comment in &mut comments {
            if !comment.covers(line) {
                continue;
            }
            for name in &mut comment.names {
                if name.rule == Some(d.rule) {
                    name.used = true;
                    silenced = true;
                }
            }
        }
        silenced |= attributes
            .iter()
            .any(|a| a.rule == d.rule && a.covers(line));
        if !silenced {
            kept.push(d);
        }
    }

    for comment in &comments {
        for name in &comment.names {
            let span = lines.span_of(name.start, name.end);
            match name.rule {
                None if settings.is_enabled(Rule::UnknownRule) => kept.push(finding(
                    Rule::UnknownRule,
                    settings,
                    file,
                    span,
                    format!("unknown rule `{}` in a suppression", name.text),
                    "no rule has this name",
                    "`async-lint --list-rules` lists the rules",
                )),
                Some(rule)
                    if !name.used
                        && !parse_failed
                        && rule != Rule::ParseError
                        && settings.is_enabled(Rule::UnusedSuppression)
                        && settings.is_enabled(rule) =>
                {
                    kept.push(finding(
                        Rule::UnusedSuppression,
                        settings,
                        file,
                        span,
                        format!("suppression of `{rule}` silences nothing"),
                        "no finding of this rule here",
                        "remove it from the `allow(..)`",
                    ));
                }
                _ => {}
            }
        }
    }
    kept
}

pub(super) fn finding(
    rule: Rule,
    settings: &Settings,
    file: &str,
    span: Span,
    message: String,
    label: &str,
    help: &str,
) -> Diagnostic {
    Diagnostic {
        rule,
        level: settings.level(rule),
        message,
        file: file.to_string(),
        span,
        label: label.to_string(),
        labels: Vec::new(),
        notes: Vec::new(),
        help: Some(help.to_string()),
        fix: None,
    }
}
