use super::RuleDoc;

pub(super) const DOC: RuleDoc = RuleDoc {
    summary: "an `async-lint: allow(..)` comment that silences nothing",
    what_it_does: "Reports a suppression comment, or one rule in it, that no finding matched. Off \
unless selected (`--select unused_suppression` or a config level).",
    why_is_this_bad: "Stale suppressions hide future mistakes at that place and mislead readers.",
    known_problems: "None known.",
    example: "",
    use_instead: "",
};
