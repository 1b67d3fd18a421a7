//! `--statistics`: how many findings of each rule, and how many reach each blocking
//! operation (SPEC §3), instead of the findings themselves; ruff's table, one count a line,
//! largest first.
//!
//! ```text
//! 12  blocking_fs
//!  1  blocking_sleep
//!
//! 10  std::fs::File::write_all in FileJobLogger::log (src/logger.rs:22)
//!  2  std::fs::read in config::load (src/config.rs:9)
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::roots;
use crate::runner::Report;

/// The counts per rule, then per root (findings that block further down); nothing when
/// nothing was found.
pub fn render(report: &Report) -> Vec<u8> {
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for d in &report.diagnostics {
        *per_rule.entry(d.rule.name()).or_default() += 1;
    }
    let mut rules: Vec<(usize, &str)> = per_rule.into_iter().map(|(r, n)| (n, r)).collect();
    // Stable: equal counts stay in rule-name order.
    rules.sort_by_key(|(count, _)| std::cmp::Reverse(*count));
    let groups = roots::groups(&report.diagnostics);
    let width = rules
        .iter()
        .map(|(n, _)| *n)
        .chain(groups.iter().map(|g| g.count))
        .max()
        .unwrap_or(0)
        .to_string()
        .len();
    let mut out = String::new();
    for (count, rule) in &rules {
        let _ = writeln!(out, "{count:>width$}  {rule}");
    }
    if !groups.is_empty() {
        out.push('\n');
        for group in &groups {
            let _ = writeln!(out, "{:>width$}  {}", group.count, group.describe());
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Diagnostic, Root};
    use crate::report::test_support::{sample, span};
    use crate::rules::Rule;

    #[test]
    fn counts_per_rule_then_per_root() {
        let mut report = sample();
        for line in [3, 4, 5] {
            let d = Diagnostic::new(Rule::BlockingFs, "src/a.rs", span(line, 1, 0, 1), "m", "l")
                .root(Root {
                    file: "src/log.rs".to_string(),
                    span: span(22, 19, 0, 9),
                    item: "std::fs::File::write_all".to_string(),
                    in_fn: "Log::log".to_string(),
                });
            report.diagnostics.push(d);
        }
        let out = String::from_utf8(render(&report)).unwrap();
        assert_eq!(
            out,
            "3  blocking_fs\n1  blocking_sleep\n1  parse_error\n\n\
             3  std::fs::File::write_all in Log::log (src/log.rs:22)\n"
        );
        assert!(render(&Report::default()).is_empty());
    }
}
