//! Applying suppressions: which findings they silence, and the findings about the
//! suppressions themselves (`unknown_rule`, `unused_suppression`).

use super::parse;
use crate::analysis::facts::Fact;
use crate::diagnostic::Diagnostic;
use crate::rules::unknown_rule::{self, Written};
use crate::rules::{Rule, unused_suppression};
use crate::settings::Settings;
use crate::text::LineIndex;

/// Filters `diagnostics` of `file` through the suppressions written in `text`, and adds
/// the findings about the suppressions themselves. `accepted`: the (line, rule) of each
/// allow of the file that stopped a chain (see [`accepted`]): used, though it silenced no
/// finding here.
pub fn apply(
    file: &str,
    text: &str,
    diagnostics: Vec<Diagnostic>,
    settings: &Settings,
    accepted: &[(u32, Rule)],
) -> Vec<Diagnostic> {
    if !text.contains("async-lint:") && !text.contains("await_holding_") {
        return diagnostics;
    }
    let lines = LineIndex::new(text);
    let (mut comments, attributes) = parse::find(text, &lines);
    let comments_at = Covers::new(comments.iter().map(|c| (c.first_line, c.last_line)));
    let attributes_at = Covers::new(attributes.iter().map(|a| (a.first_line, a.last_line)));
    for &(line, rule) in accepted {
        for i in comments_at.at(line) {
            let comment = &mut comments[i];
            if !comment.covers(line) {
                continue;
            }
            for name in comment
                .names
                .iter_mut()
                .filter(|name| name.rule == Some(rule))
            {
                name.used = true;
            }
        }
    }

    let parse_failed = diagnostics.iter().any(|d| d.rule == Rule::ParseError);
    let mut kept = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        if d.rule == Rule::ParseError {
            kept.push(d);
            continue;
        }
        let line = d.span.start.line;
        let mut silenced = false;
        for i in comments_at.at(line) {
            let comment = &mut comments[i];
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
        silenced |= attributes_at
            .at(line)
            .any(|i| attributes[i].rule == d.rule && attributes[i].covers(line));
        if !silenced {
            kept.push(d);
        }
    }

    for comment in &comments {
        for name in &comment.names {
            let span = lines.span_of(name.start, name.end);
            match name.rule {
                None => kept.extend(crate::rules::admit(
                    unknown_rule::diagnostic(file, span, &name.text, Written::Suppression),
                    settings,
                )),
                Some(rule)
                    if !name.used
                        && !parse_failed
                        && rule != Rule::ParseError
                        && settings.is_enabled(rule) =>
                {
                    kept.extend(crate::rules::admit(
                        unused_suppression::diagnostic(file, span, rule),
                        settings,
                    ));
                }
                _ => {}
            }
        }
    }
    kept
}

/// The (line, rule) of each allow that `facts` (one file's) say stopped a chain: pass them
/// to [`apply`].
pub fn accepted(facts: &[Fact]) -> Vec<(u32, Rule)> {
    facts
        .iter()
        .filter_map(|fact| match fact {
            Fact::Accepted(accepted) => Some((accepted.line, accepted.rule)),
            _ => None,
        })
        .collect()
}

/// Which of a list of line ranges cover a line, without asking each: short ranges (a
/// comment and the line after it) by line, long ones (an allow on an item or the file)
/// apart, asked every time. Linear in the findings and the suppressions, where asking
/// every suppression for every finding was their product.
pub(super) struct Covers {
    by_line: std::collections::HashMap<u32, Vec<usize>>,
    wide: Vec<usize>,
}

impl Covers {
    /// Ranges longer than this many lines are asked for every line.
    const SHORT: u32 = 16;

    pub(super) fn new(ranges: impl Iterator<Item = (u32, u32)>) -> Covers {
        let mut covers = Covers {
            by_line: std::collections::HashMap::new(),
            wide: Vec::new(),
        };
        for (i, (first, last)) in ranges.enumerate() {
            if last.saturating_sub(first) >= Self::SHORT {
                covers.wide.push(i);
            } else {
                for line in first..=last {
                    covers.by_line.entry(line).or_default().push(i);
                }
            }
        }
        covers
    }

    /// The ranges that may cover `line` (each still to be asked).
    pub(super) fn at(&self, line: u32) -> impl Iterator<Item = usize> + '_ {
        let short = self.by_line.get(&line).into_iter().flatten().copied();
        short.chain(self.wide.iter().copied())
    }
}
