//! A rule's docs are its spec and they run: each `Example` must fire the rule and each
//! `Use instead` must leave it silent; `--explain` shows the fixed sections.

use async_lint::{Diagnostic, Rule, Settings, lint_source};

/// Rules that report on the tool's own input, not on async code: they may have no examples.
const TOOL_INPUT_RULES: &[&str] = &["parse_error", "unknown_rule", "unused_suppression"];

/// Lints on a thread with a large stack (syn recurses on nesting).
fn lint(name: &str, text: &str) -> Vec<Diagnostic> {
    let (name, text) = (name.to_string(), text.to_string());
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || lint_source(&name, &text, &Settings::default()))
        .expect("spawn lint thread")
        .join()
        .unwrap_or_else(|_| panic!("lint_source panicked"))
}

fn describe(diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "{}:{}: {} ({})",
                d.file, d.span.start.line, d.rule, d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn async_rules_have_examples() {
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|rule| rule.name())
        .filter(|name| !TOOL_INPUT_RULES.contains(name))
        .filter(|name| {
            let doc = Rule::from_name(name).expect("known rule").doc();
            doc.example.trim().is_empty() || doc.use_instead.trim().is_empty()
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rules without an Example or a Use instead: {missing:?}"
    );
    for rule in Rule::ALL {
        let doc = rule.doc();
        assert_eq!(
            doc.example.trim().is_empty(),
            doc.use_instead.trim().is_empty(),
            "{rule}: an Example needs a Use instead, and the other way round"
        );
    }
}

#[test]
fn examples_fire_their_rule() {
    let mut problems = Vec::new();
    for &rule in Rule::ALL {
        let doc = rule.doc();
        if doc.example.trim().is_empty() {
            continue;
        }
        let name = format!("docs/{rule}/example.rs");
        let found = lint(&name, doc.example);
        if !found.iter().any(|d| d.rule == rule) {
            problems.push(format!(
                "{rule}: linting its Example gives no `{rule}` finding; found:\n{}",
                describe(&found)
            ));
        }
        if rule != Rule::ParseError && found.iter().any(|d| d.rule == Rule::ParseError) {
            problems.push(format!(
                "{rule}: its Example does not parse:\n{}",
                describe(&found)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn use_instead_is_silent() {
    let mut problems = Vec::new();
    for &rule in Rule::ALL {
        let doc = rule.doc();
        if doc.use_instead.trim().is_empty() {
            continue;
        }
        let name = format!("docs/{rule}/use_instead.rs");
        let found: Vec<Diagnostic> = lint(&name, doc.use_instead)
            .into_iter()
            .filter(|d| d.rule == rule || d.rule == Rule::ParseError)
            .collect();
        if !found.is_empty() {
            problems.push(format!(
                "{rule}: its Use instead is not silent:\n{}",
                describe(&found)
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn explain_has_the_fixed_sections() {
    for &rule in Rule::ALL {
        let doc = rule.doc();
        let text = rule.explain();
        assert!(
            text.starts_with(&format!("# {rule}")),
            "{rule}: explain should start with its name:\n{text}"
        );
        assert!(!doc.summary.trim().is_empty(), "{rule}: empty summary");
        assert!(
            !doc.what_it_does.trim().is_empty(),
            "{rule}: empty What it does"
        );
        assert!(
            !doc.why_is_this_bad.trim().is_empty(),
            "{rule}: empty Why is this bad"
        );
        let mut headings = vec!["What it does", "Why is this bad", "Known problems"];
        if !doc.example.trim().is_empty() {
            headings.push("Example");
        }
        if !doc.use_instead.trim().is_empty() {
            headings.push("Use instead");
        }
        for heading in headings {
            assert!(
                text.contains(&format!("## {heading}\n")),
                "{rule}: explain lacks the `{heading}` section:\n{text}"
            );
        }
        if !doc.example.trim().is_empty() {
            assert!(
                text.contains(doc.example.trim()),
                "{rule}: explain does not show the Example verbatim"
            );
        }
    }
}
