use super::RuleDoc;

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
