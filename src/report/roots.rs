//! Findings that block further down, grouped by the blocking operation they reach (SPEC
//! §3): one root fixed or allowed where it blocks clears every finding of its group. The
//! human and concise summaries name the largest groups; `--statistics` counts them all.

use std::collections::BTreeMap;

use crate::diagnostic::{Diagnostic, Root};

/// How many groups the summaries name.
pub(super) const SHOWN: usize = 5;

/// One root and how many findings reach it.
pub(super) struct Group<'a> {
    pub count: usize,
    pub root: &'a Root,
}

impl Group<'_> {
    /// `std::fs::File::flush in FileJobLogger::log (src/log.rs:88)`.
    pub fn describe(&self) -> String {
        let root = self.root;
        format!(
            "{} in {} ({}:{})",
            root.item, root.in_fn, root.file, root.span.start.line
        )
    }

    /// The summary line: `314 of these reach … : fix or allow it there`.
    pub fn summary_line(&self) -> String {
        format!(
            "{} of these reach {}: fix or allow it there",
            self.count,
            self.describe()
        )
    }
}

/// Every root the findings reach, largest group first; ties by place, then item.
pub(super) fn groups(diagnostics: &[Diagnostic]) -> Vec<Group<'_>> {
    let mut counts: BTreeMap<(&str, u32, u32, &str), (usize, &Root)> = BTreeMap::new();
    for root in diagnostics.iter().filter_map(|d| d.root.as_ref()) {
        let key = (
            root.file.as_str(),
            root.span.start.line,
            root.span.start.column,
            root.item.as_str(),
        );
        counts.entry(key).or_insert((0, root)).0 += 1;
    }
    let mut groups: Vec<Group<'_>> = counts
        .into_values()
        .map(|(count, root)| Group { count, root })
        .collect();
    // Stable: equal counts keep the map's order (file, line, column, item).
    groups.sort_by_key(|group| std::cmp::Reverse(group.count));
    groups
}

/// The summary lines of the largest groups: those of 2 findings or more, at most
/// [`SHOWN`], one line each.
pub(super) fn summary_lines(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for group in groups(diagnostics)
        .iter()
        .filter(|group| group.count >= 2)
        .take(SHOWN)
    {
        out.push_str(&group.summary_line());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::test_support::span;
    use crate::rules::Rule;

    fn reaching(file: &str, line: u32, item: &str, in_fn: &str) -> Diagnostic {
        Diagnostic::new(Rule::BlockingFs, "src/a.rs", span(1, 1, 0, 1), "m", "l").root(Root {
            file: file.to_string(),
            span: span(line, 9, 0, 5),
            item: item.to_string(),
            in_fn: in_fn.to_string(),
        })
    }

    #[test]
    fn largest_groups_first_of_two_or_more_at_most_five() {
        let mut diagnostics = Vec::new();
        for _ in 0..3 {
            diagnostics.push(reaching(
                "src/log.rs",
                88,
                "std::fs::File::flush",
                "Log::log",
            ));
        }
        for line in 1..=6 {
            diagnostics.push(reaching("src/b.rs", line, "std::fs::read", "b"));
            diagnostics.push(reaching("src/b.rs", line, "std::fs::read", "b"));
        }
        diagnostics.push(reaching("src/c.rs", 1, "std::fs::write", "c"));
        diagnostics.push(Diagnostic::new(
            Rule::BlockingFs,
            "src/a.rs",
            span(1, 1, 0, 1),
            "direct",
            "l",
        ));
        let lines = summary_lines(&diagnostics);
        let lines: Vec<&str> = lines.lines().collect();
        assert_eq!(
            lines,
            [
                "3 of these reach std::fs::File::flush in Log::log (src/log.rs:88): fix or allow it there",
                "2 of these reach std::fs::read in b (src/b.rs:1): fix or allow it there",
                "2 of these reach std::fs::read in b (src/b.rs:2): fix or allow it there",
                "2 of these reach std::fs::read in b (src/b.rs:3): fix or allow it there",
                "2 of these reach std::fs::read in b (src/b.rs:4): fix or allow it there",
            ]
        );
        assert_eq!(groups(&diagnostics).len(), 8);
    }
}
