//! The crate fixtures: whole crates under `fixtures/`, each with its own `Cargo.toml`,
//! linted through the command line the way a user runs it (`async-lint --format json DIR`
//! from the repository root). They hold what one file cannot show: calls that block
//! further down a chain of the crate's own fns (SPEC §3), and the runtime that drives each
//! fn, from entry attributes, block-on drivers and the crate's dependencies (SPEC §2,
//! `mixed_runtimes`).
//!
//! Markers are the ones `tests/it/fixtures.rs` reads: a line where a finding is expected ends
//! with `//~` and the rule names, one per expected finding. Every `.rs` file under a crate's
//! directory is read for markers, and the multiset of (file, line, rule) found must equal
//! the one marked: a marker without its finding fails, and so does a finding without its
//! marker. Every mismatch of every crate is listed in one failure message.

use std::collections::BTreeMap;

use async_lint::Rule;
use serde_json::Value;

use crate::common::{SourceFile, repo_root, rust_files_under};

const MARKER: &str = "//~";

/// Whether a crate fixture must carry markers or must stay silent as a whole.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Expect {
    /// Marked mistakes beside silent near misses.
    Marked,
    /// Correct code only: no marker, no finding.
    Silent,
}

/// The crate fixtures, relative to the repository root, with what each one shows.
const CRATES: &[(&str, Expect, &str)] = &[
    (
        "fixtures/chain_app",
        Expect::Marked,
        "a tokio service over modules: chains of sync calls that block, near misses",
    ),
    (
        "fixtures/chain_lib",
        Expect::Marked,
        "a path dependency of chain_app: its own chains (chain_app's calls into it are chain_app's)",
    ),
    (
        "fixtures/workspace",
        Expect::Marked,
        "a workspace of three crates linked as one model: chains from `server` into \
         `index-scheduler` (renamed `idx`) and `store-core` (inherited, `extern crate … as \
         store`), a `tests/` file calling its lib's methods, near misses that share names \
         across crates",
    ),
    (
        "fixtures/workspace/server/src",
        Expect::Marked,
        "one member alone: its calls into the sibling crates it depends on are followed \
         (their sources read from the manifests), nothing is reported in them",
    ),
    (
        "fixtures/rt_async_std",
        Expect::Marked,
        "async-std drives the code, tokio's reactor-bound APIs are used",
    ),
    (
        "fixtures/rt_tokio_uses_async_std",
        Expect::Marked,
        "tokio drives the code, async-std's APIs are used; tests of both runtimes in one file",
    ),
    (
        "fixtures/rt_smol",
        Expect::Marked,
        "smol::block_on drives the code, tokio's APIs are used",
    ),
    (
        "fixtures/rt_single_dep",
        Expect::Silent,
        "a library whose only runtime dependency is async-std",
    ),
    (
        "fixtures/rt_single_dep_tokio",
        Expect::Silent,
        "a library whose only runtime dependency is tokio",
    ),
    (
        "fixtures/rt_dual",
        Expect::Silent,
        "tokio and async-std support behind different features",
    ),
    (
        "fixtures/rt_actix",
        Expect::Marked,
        "actix-rt (tokio underneath) drives the code, async-std's timer is used",
    ),
    (
        "fixtures/edition2015",
        Expect::Marked,
        "an edition-2015 crate (no `edition` key): bare trait objects are read, a file using \
         `async` as a name is skipped with a note, poll fns' findings stay",
    ),
    (
        "fixtures/fix_once",
        Expect::Marked,
        "one root reached from many call sites, then allowed once",
    ),
    (
        "fixtures/guard_app",
        Expect::Marked,
        "locks declared in one module and used in another: guards returned by helper fns, \
         lock fields and lock type aliases of other files, beside owned clones and an async \
         lock's guard",
    ),
    (
        "fixtures/ecosystem",
        Expect::Marked,
        "the ecosystem's blocking APIs (files, I/O traits, HTTP, databases, channels, processes) beside near misses",
    ),
];

/// The crates whose findings include calls that block further down a chain.
const CHAIN_CRATES: &[&str] = &[
    "fixtures/chain_app",
    "fixtures/chain_lib",
    "fixtures/workspace",
];

/// The expected findings of some files: (file, line, rule) with a count, and the
/// malformed markers as problems.
#[derive(Default)]
struct Expected {
    counts: BTreeMap<(String, u64, String), usize>,
    problems: Vec<String>,
    /// Marker lines written, well-formed or not.
    marker_lines: usize,
}

impl Expected {
    fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

/// Reads the `//~ rule …` markers of `files`. A marker that names no rule, or a rule that
/// `async_lint::Rule` does not know, is a problem.
fn expected_of(files: &[SourceFile]) -> Expected {
    let mut expected = Expected::default();
    for file in files {
        for (index, line) in file.text.lines().enumerate() {
            let line_no = u64::try_from(index + 1).expect("line number fits in u64");
            let Some(at) = line.find(MARKER) else {
                continue;
            };
            expected.marker_lines += 1;
            let names: Vec<&str> = line[at + MARKER.len()..].split_whitespace().collect();
            if names.is_empty() {
                expected
                    .problems
                    .push(format!("{}:{line_no}: marker names no rule", file.path));
            }
            for name in names {
                match Rule::from_name(name) {
                    Some(rule) => {
                        *expected
                            .counts
                            .entry((file.path.clone(), line_no, rule.name().to_string()))
                            .or_default() += 1;
                    }
                    None => expected.problems.push(format!(
                        "{}:{line_no}: marker names unknown rule `{name}`",
                        file.path
                    )),
                }
            }
        }
    }
    expected
}

/// One finding of the JSON output (SPEC §5), the fields this harness reads.
#[derive(Debug)]
struct Finding {
    rule: String,
    file: String,
    line: u64,
    message: String,
    notes: Vec<String>,
}

/// Runs `async-lint --format json PATHS…` from the repository root and parses its output.
/// Exit status 0 (nothing reported) and 1 (findings) are success; anything else, or output
/// that is not the JSON array of SPEC §5, is an error naming the command.
fn lint(paths: &[&str]) -> Result<Vec<Finding>, String> {
    let mut args = vec!["--format", "json"];
    args.extend(paths);
    let (stdout, command) = crate::common::lint_in_repo(&args)?;
    let value: Value = serde_json::from_slice(&stdout)
        .map_err(|err| format!("`{command}` printed no JSON ({err})"))?;
    let Some(items) = value.as_array() else {
        return Err(format!("`{command}` printed JSON that is not an array"));
    };
    items
        .iter()
        .map(|item| {
            finding_of(item).ok_or_else(|| format!("`{command}`: malformed finding {item}"))
        })
        .collect()
}

fn finding_of(item: &Value) -> Option<Finding> {
    Some(Finding {
        rule: item.get("rule")?.as_str()?.to_string(),
        file: item.get("file")?.as_str()?.replace('\\', "/"),
        line: item.get("line")?.as_u64()?,
        message: item.get("message")?.as_str()?.to_string(),
        notes: item
            .get("notes")?
            .as_array()?
            .iter()
            .map(|note| note.as_str().map(str::to_string))
            .collect::<Option<Vec<String>>>()?,
    })
}

/// Compares `found` with `expected` exactly and returns every mismatch as
/// `file:line: expected/unexpected rule (message)`.
fn mismatches(expected: &Expected, found: &[Finding]) -> Vec<String> {
    let mut out = expected.problems.clone();
    let mut by_key: BTreeMap<(String, u64, String), Vec<&Finding>> = BTreeMap::new();
    for finding in found {
        by_key
            .entry((finding.file.clone(), finding.line, finding.rule.clone()))
            .or_default()
            .push(finding);
    }
    let mut keys: Vec<&(String, u64, String)> =
        expected.counts.keys().chain(by_key.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (file, line, rule) = key;
        let want = expected.counts.get(key).copied().unwrap_or(0);
        let got = by_key.get(key).map(Vec::as_slice).unwrap_or(&[]);
        for _ in got.len()..want {
            out.push(format!("{file}:{line}: expected {rule} (no finding)"));
        }
        for finding in got.iter().skip(want) {
            out.push(format!(
                "{file}:{line}: unexpected {rule} ({})",
                finding.message
            ));
        }
    }
    out
}

/// The files of the crate at `dir` (or of a crate's `src/`), checked to exist.
fn crate_files(dir: &str) -> Vec<SourceFile> {
    let root = repo_root().join(dir);
    let manifest = match dir.strip_suffix("/src") {
        Some(package) => repo_root().join(package).join("Cargo.toml"),
        None => root.join("Cargo.toml"),
    };
    assert!(manifest.is_file(), "{} is missing", manifest.display());
    let files = rust_files_under(dir);
    assert!(!files.is_empty(), "no .rs files under {dir}");
    files
}

#[test]
fn crate_fixtures_match_their_markers() {
    let mut problems = Vec::new();
    let mut summary = Vec::new();
    for &(dir, expect, what) in CRATES {
        let files = crate_files(dir);
        let expected = expected_of(&files);
        match expect {
            Expect::Marked if expected.marker_lines == 0 => {
                problems.push(format!("{dir}: carries no marker, but it shows {what}"));
            }
            Expect::Silent if expected.marker_lines > 0 => {
                problems.push(format!(
                    "{dir}: must stay silent ({what}) but carries markers"
                ));
            }
            _ => {}
        }
        summary.push(format!("{dir}: {} marked line(s)", expected.marker_lines));
        match lint(&[dir]) {
            Ok(found) => {
                for finding in &found {
                    if !finding.file.starts_with(&format!("{dir}/")) {
                        problems.push(format!(
                            "{}:{}: {} reported outside {dir}",
                            finding.file, finding.line, finding.rule
                        ));
                    }
                }
                problems.extend(mismatches(&expected, &found));
            }
            Err(err) => problems.push(format!("{dir}: {err}")),
        }
    }
    assert!(
        problems.is_empty(),
        "crate fixtures: {} mismatch(es) between findings and markers\n{}\n\n({})",
        problems.len(),
        problems.join("\n"),
        summary.join(", ")
    );
}

/// All crates linted in one run: each file is grouped with its nearest `Cargo.toml`, so
/// the result is exactly the union of the per-crate runs. chain_app's call into chain_lib's
/// `index::rebuild` is followed either way (a `path` dependency), and each crate's one
/// method named `checkpoint` stays its own: resolving a method by a name unique in its
/// crate never looks into another crate.
#[test]
fn crates_linted_together_are_grouped_by_their_own_manifest() {
    // A member's `src/` is inside its workspace's directory: linted once.
    let dirs: Vec<&str> = CRATES
        .iter()
        .map(|&(dir, _, _)| dir)
        .filter(|dir| !dir.ends_with("/src"))
        .collect();
    let files: Vec<SourceFile> = dirs.iter().flat_map(|dir| crate_files(dir)).collect();
    let expected = expected_of(&files);
    let problems = match lint(&dirs) {
        Ok(found) => mismatches(&expected, &found),
        Err(err) => vec![err],
    };
    assert!(
        problems.is_empty(),
        "crate fixtures linted together: {} mismatch(es)\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// A finding at the end of a chain says how it gets there (SPEC §3: "a note naming the
/// chain and where the blocking call is"). The note's wording is not pinned: it names the
/// steps with ` → ` and the blocking call's place as `file.rs:line`.
fn names_a_chain(note: &str) -> bool {
    note.contains(" → ") && note.contains(".rs:")
}

#[test]
fn transitive_findings_name_their_chain() {
    let mut problems = Vec::new();
    for &dir in CHAIN_CRATES {
        match lint(&[dir]) {
            Ok(found) => {
                if !found
                    .iter()
                    .any(|f| f.notes.iter().any(|note| names_a_chain(note)))
                {
                    problems.push(format!(
                        "{dir}: no finding has a note naming its chain (` → ` and `file.rs:line`)"
                    ));
                }
            }
            Err(err) => problems.push(format!("{dir}: {err}")),
        }
    }

    // The three-deep chain across modules, `handler` → `config::load` → `parse_file` →
    // `std::fs::read_to_string`: its note names config.rs, where the blocking call is.
    let handlers = "fixtures/chain_app/src/handlers.rs";
    let text = std::fs::read_to_string(repo_root().join(handlers)).expect("handlers.rs");
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("config::load(path) //~"))
        .map(|index| u64::try_from(index + 1).expect("line number fits in u64"))
        .expect("handlers.rs holds the marked `config::load(path)` call");
    match lint(&["fixtures/chain_app"]) {
        Ok(found) => {
            let at_call: Vec<&Finding> = found
                .iter()
                .filter(|f| f.file == handlers && f.line == line)
                .collect();
            if !at_call.iter().any(|f| {
                f.notes
                    .iter()
                    .any(|note| names_a_chain(note) && note.contains("config.rs:"))
            }) {
                problems.push(format!(
                    "{handlers}:{line}: no note names the chain down to config.rs: {at_call:?}"
                ));
            }
        }
        Err(err) => problems.push(err),
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The harness itself: a missing finding, an extra finding and a bad marker each fail.
#[test]
fn harness_reports_every_kind_of_mismatch() {
    let files = vec![SourceFile {
        path: "fixtures/x/src/lib.rs".to_string(),
        text: "a(); //~ blocking_fs\nb();\nc(); //~ no_such_rule\nd(); //~\n".to_string(),
    }];
    let expected = expected_of(&files);
    assert_eq!(expected.total(), 1);
    assert_eq!(expected.marker_lines, 3);
    let found = vec![Finding {
        rule: "blocking_sleep".to_string(),
        file: "fixtures/x/src/lib.rs".to_string(),
        line: 2,
        message: "`std::thread::sleep` blocks".to_string(),
        notes: Vec::new(),
    }];
    let problems = mismatches(&expected, &found);
    assert_eq!(
        problems,
        vec![
            "fixtures/x/src/lib.rs:3: marker names unknown rule `no_such_rule`".to_string(),
            "fixtures/x/src/lib.rs:4: marker names no rule".to_string(),
            "fixtures/x/src/lib.rs:1: expected blocking_fs (no finding)".to_string(),
            "fixtures/x/src/lib.rs:2: unexpected blocking_sleep (`std::thread::sleep` blocks)"
                .to_string(),
        ]
    );
    assert!(names_a_chain(
        "handler → config::load → parse_file → std::fs::read_to_string at src/config.rs:12"
    ));
    assert!(!names_a_chain("`std::fs::read_to_string` blocks"));
}
