use super::RuleDoc;

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
