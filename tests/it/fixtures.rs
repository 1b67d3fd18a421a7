//! The fixture harness: every `.rs` file under `fixtures/src` is linted, and its findings
//! are compared exactly with the markers written in it.
//!
//! A line where a finding is expected ends with `//~` followed by the rule names (one per
//! expected finding: `//~ rule_a rule_b`). The finding's line is `span.start.line`. A
//! marker without its finding fails, and so does a finding without its marker; every
//! mismatch of every file is listed in one failure message.
//!
//! The files are split by directory so a failure says what broke: `src/bin` holds correct
//! programs, `src/mistakes` the marked mistakes, `src/near_misses` look-alikes that must
//! stay silent, and the rest is crate plumbing (`lib.rs`, `mod.rs`).
//!
//! `fixtures/src` is an edition 2021 crate and is linted as one. `fixtures/edition2024`
//! is a separate edition 2024 crate (drop order of `if let` temporaries differs), linted
//! with `Edition::E2024` and compared by the same markers.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use async_lint::{Diagnostic, Edition, Rule, Settings, lint_source};

use crate::common::{SourceFile as Fixture, rust_files_under};

const MARKER: &str = "//~";

/// In the edition 2024 fixtures: a finding expected only when the file is read as
/// edition 2021 (two slashes, a space, `2021~`, the rule names).
const EDITION_2021_MARKER: &str = "// 2021~";

/// Rules that report on the tool's own input, not on async code: they have no fixtures.
const TOOL_INPUT_RULES: &[&str] = &["parse_error", "unknown_rule", "unused_suppression"];

/// The source directory of the edition 2024 fixture crate, relative to the repo root.
const EDITION_2024_SRC: &str = "fixtures/edition2024/src";

/// Every `.rs` file under `fixtures/src` (the edition 2021 crate), recursively, sorted by
/// path.
fn fixture_files() -> Vec<Fixture> {
    rust_files_under("fixtures/src")
}

/// Every `.rs` file under `fixtures/edition2024/src`, sorted by path.
fn edition_2024_files() -> Vec<Fixture> {
    rust_files_under(EDITION_2024_SRC)
}

/// The settings a fixture crate is linted with: its `Cargo.toml` edition.
fn settings_for(edition: Edition) -> Settings {
    let mut settings = Settings::default();
    settings.edition = edition;
    settings
}

/// The fixture files whose path starts with `prefix` (relative to the repo root).
fn fixtures_under(prefix: &str) -> Vec<Fixture> {
    let files: Vec<Fixture> = fixture_files()
        .into_iter()
        .filter(|f| f.path.starts_with(prefix))
        .collect();
    assert!(!files.is_empty(), "no fixture files under {prefix}");
    files
}

/// The markers of one file.
#[derive(Debug, Default)]
struct Markers {
    /// (line, rule name), one entry per expected finding.
    expected: Vec<(u32, &'static str)>,
    /// Malformed markers: (line, what is wrong).
    errors: Vec<(u32, String)>,
}

/// Reads the `//~ rule …` markers of a file. A marker that names no rule, or a rule that
/// does not exist, is an error.
fn parse_markers(text: &str) -> Markers {
    let mut markers = Markers::default();
    for (index, line) in text.lines().enumerate() {
        let line_no = u32::try_from(index + 1).expect("line number fits in u32");
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        let names: Vec<&str> = line[at + MARKER.len()..].split_whitespace().collect();
        if names.is_empty() {
            markers
                .errors
                .push((line_no, "marker names no rule".to_string()));
        }
        for name in names {
            match Rule::from_name(name) {
                Some(rule) => markers.expected.push((line_no, rule.name())),
                None => markers
                    .errors
                    .push((line_no, format!("marker names unknown rule `{name}`"))),
            }
        }
    }
    markers
}

/// Lints each file on a thread with a large stack (syn recurses on nesting). A panic in
/// the linter is returned as an error for that file, not lost.
fn lint_files(files: &[Fixture], settings: &Settings) -> Vec<Result<Vec<Diagnostic>, String>> {
    let jobs: Vec<(String, String)> = files
        .iter()
        .map(|f| (f.path.clone(), f.text.clone()))
        .collect();
    let settings = settings.clone();
    std::thread::Builder::new()
        .name("lint-fixtures".into())
        .stack_size(256 << 20)
        .spawn(move || {
            jobs.iter()
                .map(|(name, text)| {
                    catch_unwind(AssertUnwindSafe(|| lint_source(name, text, &settings))).map_err(
                        |payload| {
                            payload
                                .downcast_ref::<&str>()
                                .map(|s| s.to_string())
                                .or_else(|| payload.downcast_ref::<String>().cloned())
                                .unwrap_or_else(|| "non-string panic".to_string())
                        },
                    )
                })
                .collect()
        })
        .expect("spawn lint thread")
        .join()
        .expect("lint thread")
}

/// Compares the findings of each file with its markers, exactly, and returns every
/// mismatch as `file:line: expected/unexpected rule (message)`.
fn mismatches(files: &[Fixture], settings: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    for (file, result) in files.iter().zip(lint_files(files, settings)) {
        let markers = parse_markers(&file.text);
        for (line, error) in &markers.errors {
            out.push(format!("{}:{line}: {error}", file.path));
        }
        let diagnostics = match result {
            Ok(diagnostics) => diagnostics,
            Err(panic) => {
                out.push(format!("{}: lint_source panicked: {panic}", file.path));
                continue;
            }
        };

        let mut expected: BTreeMap<(u32, &str), usize> = BTreeMap::new();
        for &(line, rule) in &markers.expected {
            *expected.entry((line, rule)).or_default() += 1;
        }
        let mut found: BTreeMap<(u32, &str), Vec<&Diagnostic>> = BTreeMap::new();
        for d in &diagnostics {
            if d.file != file.path {
                out.push(format!(
                    "{}:{}: {} reported under file `{}`",
                    file.path,
                    d.span.start.line,
                    d.rule.name(),
                    d.file
                ));
            }
            found
                .entry((d.span.start.line, d.rule.name()))
                .or_default()
                .push(d);
        }

        let mut keys: Vec<(u32, &str)> = expected.keys().chain(found.keys()).copied().collect();
        keys.sort();
        keys.dedup();
        for key @ (line, rule) in keys {
            let want = expected.get(&key).copied().unwrap_or(0);
            let got = found.get(&key).map(Vec::as_slice).unwrap_or(&[]);
            for _ in got.len()..want {
                out.push(format!(
                    "{}:{line}: expected {rule} (no finding)",
                    file.path
                ));
            }
            for d in got.iter().skip(want) {
                out.push(format!(
                    "{}:{line}: unexpected {rule} ({})",
                    file.path, d.message
                ));
            }
        }
    }
    out
}

fn assert_no_mismatches(what: &str, files: &[Fixture]) {
    assert_no_mismatches_with(what, files, &settings_for(Edition::E2021));
}

fn assert_no_mismatches_with(what: &str, files: &[Fixture], settings: &Settings) {
    let problems = mismatches(files, settings);
    assert!(
        problems.is_empty(),
        "{what}: {} mismatch(es) between findings and markers\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Files in `files` that carry markers: silent fixtures must carry none.
fn marked_files(files: &[Fixture]) -> Vec<String> {
    files
        .iter()
        .filter(|f| {
            let markers = parse_markers(&f.text);
            !markers.expected.is_empty() || !markers.errors.is_empty()
        })
        .map(|f| f.path.clone())
        .collect()
}

#[test]
fn correct_programs_are_silent() {
    let files = fixtures_under("fixtures/src/bin/");
    for name in ["echo_server.rs", "read_file_timer.rs"] {
        assert!(
            files
                .iter()
                .any(|f| f.path == format!("fixtures/src/bin/{name}")),
            "missing correct program fixtures/src/bin/{name}"
        );
    }
    let marked = marked_files(&files);
    assert!(
        marked.is_empty(),
        "correct programs carry markers: {marked:?}"
    );
    assert_no_mismatches("correct programs", &files);
}

#[test]
fn near_misses_are_silent() {
    let files = fixtures_under("fixtures/src/near_misses/");
    let marked = marked_files(&files);
    assert!(marked.is_empty(), "near misses carry markers: {marked:?}");
    assert_no_mismatches("near misses", &files);
}

#[test]
fn mistakes_are_reported_exactly() {
    let files = fixtures_under("fixtures/src/mistakes/");
    assert_no_mismatches("mistakes", &files);
}

/// Everything else under `fixtures/src` (`lib.rs`, `mod.rs` files, any new directory).
#[test]
fn other_fixture_files_match_their_markers() {
    let files: Vec<Fixture> = fixture_files()
        .into_iter()
        .filter(|f| {
            !["bin/", "mistakes/", "near_misses/"]
                .iter()
                .any(|dir| f.path.starts_with(&format!("fixtures/src/{dir}")))
        })
        .collect();
    assert!(
        files.iter().any(|f| f.path == "fixtures/src/lib.rs"),
        "fixtures/src/lib.rs is missing"
    );
    assert_no_mismatches("other fixture files", &files);
}

/// The edition 2024 crate, linted as edition 2024: its marked mistakes are reported and
/// its near misses (an `if let` whose `else` awaits) stay silent.
#[test]
fn edition_2024_fixtures_match_their_markers() {
    let files = edition_2024_files();
    assert!(
        files
            .iter()
            .any(|f| f.path == format!("{EDITION_2024_SRC}/lib.rs")),
        "{EDITION_2024_SRC}/lib.rs is missing"
    );
    assert!(
        !marked_files(&files).is_empty(),
        "the edition 2024 fixtures carry no markers"
    );
    assert_no_mismatches_with(
        "edition 2024 fixtures",
        &files,
        &settings_for(Edition::E2024),
    );
}

/// The edition 2024 near misses are silent because of the edition, not by accident: read
/// as edition 2021, the same files report exactly their markers plus the lines carrying
/// an `EDITION_2021_MARKER` (guards that edition 2021 keeps alive and edition 2024 drops).
#[test]
fn edition_2024_near_misses_hold_their_guards_in_edition_2021() {
    let files = edition_2024_files();
    let as_2021: Vec<Fixture> = files
        .iter()
        .map(|f| Fixture {
            path: f.path.clone(),
            text: f.text.replace(EDITION_2021_MARKER, MARKER),
        })
        .collect();
    assert!(
        files.iter().any(|f| f.text.contains(EDITION_2021_MARKER)),
        "{EDITION_2024_SRC} has no `{EDITION_2021_MARKER}` line: nothing shows the edition matters"
    );
    assert_no_mismatches_with(
        "edition 2024 fixtures read as edition 2021",
        &as_2021,
        &settings_for(Edition::E2021),
    );
}

#[test]
fn every_rule_has_mistakes_and_near_misses() {
    let files = fixture_files();
    let mut problems = Vec::new();
    for rule in Rule::ALL {
        let name = rule.name();
        if TOOL_INPUT_RULES.contains(&name) {
            continue;
        }
        let mistakes = format!("fixtures/src/mistakes/{name}.rs");
        match files.iter().find(|f| f.path == mistakes) {
            None => problems.push(format!("{mistakes} is missing")),
            Some(f) => {
                let markers = parse_markers(&f.text);
                if !markers.expected.iter().any(|&(_, r)| r == name) {
                    problems.push(format!("{mistakes} has no `{MARKER} {name}` marker"));
                }
            }
        }
        let near = format!("fixtures/src/near_misses/{name}.rs");
        if !files.iter().any(|f| f.path == near) {
            problems.push(format!("{near} is missing"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn markers_must_name_known_rules() {
    let text = "fn f() {}\nfn g() {} //~ blocking_fs no_such_rule\nfn h() {} //~\n";
    let markers = parse_markers(text);
    assert_eq!(markers.expected, vec![(2, "blocking_fs")]);
    assert_eq!(
        markers.errors,
        vec![
            (2, "marker names unknown rule `no_such_rule`".to_string()),
            (3, "marker names no rule".to_string()),
        ]
    );

    let fixture = Fixture {
        path: "fixtures/src/synthetic.rs".to_string(),
        text: text.to_string(),
    };
    let problems = mismatches(std::slice::from_ref(&fixture), &Settings::default());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("fixtures/src/synthetic.rs:2: marker names unknown rule")),
        "a marker naming an unknown rule must fail the harness: {problems:?}"
    );

    let two = parse_markers("x(); //~ blocking_fs blocking_fs\n");
    assert_eq!(two.expected, vec![(1, "blocking_fs"), (1, "blocking_fs")]);
}

/// House rule 4: messages start lowercase, name the item in backticks, and end without a
/// period.
fn message_style_problems(d: &Diagnostic) -> Vec<&'static str> {
    let message = d.message.as_str();
    let mut problems = Vec::new();
    if !message.chars().next().is_some_and(char::is_lowercase) {
        problems.push("does not start with a lowercase letter");
    }
    let quoted = message
        .split('`')
        .enumerate()
        .any(|(i, part)| i % 2 == 1 && !part.is_empty())
        && message.matches('`').count() >= 2;
    if !quoted {
        problems.push("names no item in backticks");
    }
    if message.trim_end().ends_with('.') {
        problems.push("ends with a period");
    }
    if message.trim() != message {
        problems.push("has leading or trailing whitespace");
    }
    problems
}

#[test]
fn messages_follow_house_style() {
    let files_2021 = fixture_files();
    let files_2024 = edition_2024_files();
    let mut results = lint_files(&files_2021, &settings_for(Edition::E2021));
    results.extend(lint_files(&files_2024, &settings_for(Edition::E2024)));
    let mut checked = 0;
    let mut problems = Vec::new();
    for (file, result) in files_2021.iter().chain(&files_2024).zip(results) {
        let Ok(diagnostics) = result else { continue };
        for d in &diagnostics {
            checked += 1;
            for problem in message_style_problems(d) {
                problems.push(format!(
                    "{}:{}: {} message {problem}: {:?}",
                    file.path,
                    d.span.start.line,
                    d.rule.name(),
                    d.message
                ));
            }
        }
    }
    assert!(
        checked > 0,
        "no findings on any fixture: nothing to check the message style of"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
