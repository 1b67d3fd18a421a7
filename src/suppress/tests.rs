//! Suppression cases, through [`apply`] as the runner calls it.

use super::*;
use crate::diagnostic::{Diagnostic, Pos, Span};
use crate::rules::Level;
use crate::settings::Settings;

/// A finding of `rule` on each line listed.
fn findings(rule: Rule, lines: &[u32]) -> Vec<Diagnostic> {
    lines
        .iter()
        .map(|&line| {
            let pos = Pos {
                line,
                column: 1,
                offset: 0,
            };
            let span = Span {
                start: pos,
                end: pos,
            };
            Diagnostic::new(rule, "x.rs", span, format!("`{rule}` on {line}"), "")
        })
        .collect()
}

fn check_with(text: &str, rule: Rule, on: &[u32], settings: &Settings) -> Vec<(u32, &'static str)> {
    let mut out: Vec<(u32, &'static str)> = apply("x.rs", text, findings(rule, on), settings, &[])
        .iter()
        .map(|d| (d.span.start.line, d.rule.name()))
        .collect();
    out.sort_unstable();
    out
}

/// Lines 1..=n each carry a finding of `rule`; returns the findings left.
fn check(text: &str, rule: Rule) -> Vec<u32> {
    let n = text.lines().count() as u32;
    let all: Vec<u32> = (1..=n).collect();
    check_with(text, rule, &all, &Settings::default())
        .into_iter()
        .filter(|(_, name)| *name == rule.name())
        .map(|(line, _)| line)
        .collect()
}

const FS: Rule = Rule::BlockingFs;

#[test]
fn coverage_cases() {
    let cases: &[(&str, &str, Rule, &[u32])] = &[
        (
            "trailing covers its own line only",
            "a();\nb(); // async-lint: allow(blocking_fs)\nc();\n",
            FS,
            &[1, 3],
        ),
        (
            "alone covers the next line",
            "a();\n// async-lint: allow(blocking_fs)\nb();\nc();\n",
            FS,
            &[1, 2, 4],
        ),
        (
            "other rules are not silenced",
            "// async-lint: allow(blocking_net)\nb();\n",
            FS,
            &[1, 2],
        ),
        (
            "several names",
            "// async-lint: allow( blocking_net ,blocking_fs )\nb();\nc();\n",
            FS,
            &[1, 3],
        ),
        (
            "item above: the whole fn",
            "// async-lint: allow(blocking_fs)\nasync fn f() {\n    a();\n    b();\n}\nc();\n",
            FS,
            &[1, 6],
        ),
        (
            "item through attributes and comments, with qualifiers",
            "// async-lint: allow(blocking_fs)\n#[tokio::main]\n// note\npub(crate) async unsafe fn f() {\n    a();\n}\nc();\n",
            FS,
            &[1, 7],
        ),
        (
            "impl, mod, trait",
            "// async-lint: allow(blocking_fs)\nimpl X {\n  fn g() {}\n}\n// async-lint: allow(blocking_fs)\nmod m {\n a();\n}\n// async-lint: allow(blocking_fs)\npub trait T {\n fn t() {}\n}\nz();\n",
            FS,
            &[1, 5, 9, 13],
        ),
        (
            "extern with an ABI",
            "// async-lint: allow(blocking_fs)\nextern \"C\" fn f() {\n a();\n}\nb();\n",
            FS,
            &[1, 5],
        ),
        (
            "braces in strings, chars, raw strings and comments do not end the item",
            "// async-lint: allow(blocking_fs)\nfn f() {\n let s = \"}\";\n let c = '}';\n let r = r#\"}\"#;\n /* } */ // }\n let l: &'static str = b();\n}\nafter();\n",
            FS,
            &[1, 9],
        ),
        (
            "an item with `;` ends there",
            "// async-lint: allow(blocking_fs)\nstruct S(u8);\nb();\n",
            FS,
            &[1, 3],
        ),
        (
            "not an item: `unsafe` block covers its first line only",
            "// async-lint: allow(blocking_fs)\nunsafe {\n a();\n}\n",
            FS,
            &[1, 3, 4],
        ),
        (
            "a suppression inside a string is not one",
            "let s = \"// async-lint: allow(blocking_fs)\";\nb();\n",
            FS,
            &[1, 2],
        ),
        (
            "inside a block comment is not one",
            "/* // async-lint: allow(blocking_fs) */\nb();\n",
            FS,
            &[1, 2],
        ),
        (
            "clippy allow on a fn covers it for the guard rule",
            "#[allow(clippy::await_holding_lock)]\nasync fn f() {\n a();\n}\nb();\n",
            Rule::LockAcrossAwait,
            &[5],
        ),
        (
            "clippy allow on a statement",
            "async fn f() {\n #[allow(clippy::await_holding_refcell_ref)]\n let g = c\n   .borrow();\n x().await;\n}\n",
            Rule::RefcellAcrossAwait,
            &[1, 5, 6],
        ),
        (
            "clippy inner allow covers the file",
            "#![allow(clippy::await_holding_lock)]\nfn f() {}\nb();\n",
            Rule::LockAcrossAwait,
            &[],
        ),
        (
            "clippy lint of the other guard rule does not apply",
            "#[allow(clippy::await_holding_lock)]\nfn f() {\n a();\n}\n",
            Rule::RefcellAcrossAwait,
            &[1, 2, 3, 4],
        ),
        (
            "clippy allow does not cover blocking rules",
            "#[allow(clippy::await_holding_lock)]\nfn f() {\n a();\n}\n",
            FS,
            &[1, 2, 3, 4],
        ),
    ];
    for (what, text, rule, left) in cases {
        assert_eq!(check(text, *rule), *left, "{what}:\n{text}");
    }
}

#[test]
fn parse_error_is_never_suppressed() {
    let text = "// async-lint: allow(parse_error)\nfn f( {\n";
    assert_eq!(
        check_with(text, Rule::ParseError, &[2], &Settings::default()),
        vec![(2, "parse_error")]
    );
}

#[test]
fn unknown_rule_in_a_suppression_is_reported_at_the_name() {
    let text = "a(); // async-lint: allow(blocking_fs, blocking_nope)\n";
    let out = apply("x.rs", text, findings(FS, &[1]), &Settings::default(), &[]);
    assert_eq!(out.len(), 1, "{out:?}");
    let d = &out[0];
    assert_eq!(d.rule, Rule::UnknownRule);
    assert_eq!(d.message, "unknown rule `blocking_nope` in a suppression");
    assert_eq!(
        &text[d.span.start.offset..d.span.end.offset],
        "blocking_nope"
    );
    assert_eq!(d.span.start.column, 40);
    assert_eq!(d.level, Level::Warn);
}

#[test]
fn unused_suppression_only_when_selected() {
    let text = "// async-lint: allow(blocking_fs, blocking_net)\nb();\n";
    let silent = check_with(text, FS, &[2], &Settings::default());
    assert!(silent.is_empty(), "{silent:?}");
    let mut settings = Settings::default();
    settings.set_level(Rule::UnusedSuppression, Level::Warn);
    assert_eq!(
        check_with(text, FS, &[2], &settings),
        vec![(1, "unused_suppression")]
    );
    let out = apply("x.rs", text, findings(FS, &[2]), &settings, &[]);
    assert_eq!(
        out[0].message,
        "suppression of `blocking_net` silences nothing"
    );
    // A rule that is off cannot have findings: its suppression is not called unused.
    settings.set_level(Rule::BlockingNet, Level::Allow);
    assert!(check_with(text, FS, &[2], &settings).is_empty());
}

#[test]
fn lexer_is_total_on_unterminated_input() {
    for text in [
        "\"abc",
        "r#\"abc",
        "/* /* */",
        "'",
        "b'",
        "// async-lint: allow(",
        "// async-lint: allow(blocking_fs)",
        "#[allow(clippy::await_holding_lock",
        "é'x",
    ] {
        let _ = apply("x.rs", text, findings(FS, &[1]), &Settings::default(), &[]);
    }
}

/// `(line, rule)` of each finding of one file linted alone, with `unused_suppression` on.
fn lint(text: &str) -> Vec<(u32, &'static str)> {
    let mut settings = Settings::default();
    settings.set_level(Rule::UnusedSuppression, Level::Warn);
    let mut out: Vec<(u32, &'static str)> = crate::lint_source("x.rs", text, &settings)
        .iter()
        .map(|d| (d.span.start.line, d.rule.name()))
        .collect();
    out.sort_unstable();
    out
}

#[test]
fn an_allow_on_a_blocking_op_of_a_sync_fn_stops_the_chain_and_is_used() {
    let blocked = "fn load() -> Vec<u8> {\n    std::fs::read(\"x\").unwrap_or_default()\n}\n\
                   async fn a() {\n    load();\n    load();\n}\n";
    assert_eq!(lint(blocked), vec![(5, "blocking_fs"), (6, "blocking_fs")]);
    let trailing = blocked.replace(
        "unwrap_or_default()\n",
        "unwrap_or_default() // async-lint: allow(blocking_fs)\n",
    );
    assert_eq!(lint(&trailing), vec![]);
    let above = blocked.replace(
        "    std::fs::read",
        "    // async-lint: allow(blocking_fs)\n    std::fs::read",
    );
    assert_eq!(lint(&above), vec![]);
    // Another rule's allow stops nothing, and is unused.
    let other = blocked.replace(
        "unwrap_or_default()\n",
        "unwrap_or_default() // async-lint: allow(blocking_net)\n",
    );
    assert_eq!(
        lint(&other),
        vec![
            (2, "unused_suppression"),
            (5, "blocking_fs"),
            (6, "blocking_fs")
        ]
    );
}

#[test]
fn an_allow_on_a_sync_fn_item_stops_what_it_reaches() {
    let text = "// async-lint: allow(blocking_fs)\nfn outer() {\n    inner();\n}\n\
                fn inner() {\n    let _ = std::fs::read(\"x\");\n}\n\
                async fn a() {\n    outer();\n    inner();\n}\n";
    // Through `outer`: accepted; `inner` alone is still reported.
    assert_eq!(lint(text), vec![(10, "blocking_fs")]);
    // An allowed fn that reaches nothing of its rule: the allow is unused.
    let nothing =
        "// async-lint: allow(blocking_fs)\nfn outer() {}\nasync fn a() {\n    outer();\n}\n";
    assert_eq!(lint(nothing), vec![(1, "unused_suppression")]);
}

#[test]
fn a_sync_fn_reaching_an_allowed_op_and_another_reports_the_other() {
    let text = "fn ok() {\n    let _ = std::fs::read(\"a\"); // async-lint: allow(blocking_fs)\n}\n\
                fn bad() {\n    let _ = std::fs::read(\"b\");\n}\n\
                fn both() {\n    ok();\n    bad();\n}\n\
                async fn a() {\n    both();\n    ok();\n}\n";
    assert_eq!(lint(text), vec![(12, "blocking_fs")]);
    let chain = crate::lint_source("x.rs", text, &Settings::default());
    assert!(
        chain[0].notes.iter().any(|n| n.contains("both → bad")),
        "{:?}",
        chain[0].notes
    );
}
