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
    .help(match did_you_mean(name) {
        Some(rule) => format!("did you mean `{rule}`?"),
        None => "`async-lint --list-rules` lists the rules".to_string(),
    })
}

/// The rule `name` is most likely a misspelling of: the nearest by edit distance, within a
/// third of the name's length (`blocking_sleeep`, `lock_accross_await`, `blocking-fs`).
pub fn did_you_mean(name: &str) -> Option<Rule> {
    let name = name.trim().to_ascii_lowercase().replace('-', "_");
    Rule::ALL
        .iter()
        .map(|rule| (distance(&name, rule.name()), *rule))
        .filter(|(d, rule)| *d <= (rule.name().len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, rule)| rule)
}

/// Levenshtein distance over bytes (rule names are ASCII).
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &x) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &y) in b.iter().enumerate() {
            let substitution = previous + usize::from(x != y);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_near_misspellings_only() {
        assert_eq!(did_you_mean("blocking_sleeep"), Some(Rule::BlockingSleep));
        assert_eq!(
            did_you_mean("lock_accross_await"),
            Some(Rule::LockAcrossAwait)
        );
        assert_eq!(did_you_mean("blocking-fs"), Some(Rule::BlockingFs));
        assert_eq!(did_you_mean("nope"), None);
        assert_eq!(did_you_mean("clippy::await_holding_lock"), None);
    }
}
