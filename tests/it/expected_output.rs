//! Expected output: what users read, pinned. Every `.rs` file of every fixture crate has
//! an expected file, `fixtures/expected/<path under fixtures/>.txt`, holding the findings
//! whose primary location is that file, in the human format without color, exactly as the
//! command line prints them. A file with no finding has an expected file that says so
//! (`NO_FINDINGS`), so a new finding in a near miss fails here too.
//!
//! Each crate is linted the way a user lints it: one run of `async-lint --color never` from
//! the repository root over the crate's own directories, so the notes of calls that block
//! further down a chain across files appear as users see them. The rendered output is then
//! split into findings (each starts with its `severity[rule]:` header line) and each
//! finding goes to the file of its first `┌─ file:line:col` line, the primary label.
//!
//! A mismatch names the expected file and shows a line diff. A missing expected file fails,
//! and so does a stale one whose fixture file no longer exists. To accept the current
//! output (after reading the diff), run
//! `ASYNC_LINT_BLESS=1 cargo test --test it expected_output`: it rewrites the expected files
//! that differ, writes the missing ones and deletes the stale ones.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::common::{repo_root, rust_files_under};

/// The environment variable that rewrites the expected files instead of comparing them.
const BLESS: &str = "ASYNC_LINT_BLESS";

/// The expected files' directory, relative to the repository root.
const EXPECTED_DIR: &str = "fixtures/expected";

/// The contents of the expected file of a fixture file with no finding.
const NO_FINDINGS: &str = "(no findings)\n";

/// The command that rewrites the expected files, for failure messages.
const BLESS_COMMAND: &str = "ASYNC_LINT_BLESS=1 cargo test --test it expected_output";

/// One fixture crate: the paths passed to the command line, and its `.rs` files (relative
/// to the repository root, with `/`).
struct FixtureCrate {
    args: Vec<String>,
    files: Vec<String>,
}

/// Whether `name` (an entry of `fixtures/`) is no source: the expected files, build
/// output, hidden entries.
fn skipped(name: &str) -> bool {
    name == "expected" || name == "target" || name.starts_with('.')
}

/// The fixture crates: the main one (`fixtures/Cargo.toml`, whose sources are the entries
/// of `fixtures/` that are not crates of their own) and every `fixtures/*/Cargo.toml`.
fn fixture_crates() -> Vec<FixtureCrate> {
    let root = repo_root();
    let mut entries: Vec<(String, PathBuf)> = std::fs::read_dir(root.join("fixtures"))
        .expect("read fixtures/")
        .map(|entry| {
            let path = entry.expect("directory entry").path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, path)
        })
        .filter(|(name, _)| !skipped(name))
        .collect();
    entries.sort();

    let mut main = FixtureCrate {
        args: Vec::new(),
        files: Vec::new(),
    };
    let mut crates = Vec::new();
    for (name, path) in entries {
        let relative = format!("fixtures/{name}");
        if path.is_dir() {
            let files: Vec<String> = rust_files_under(&relative)
                .into_iter()
                .map(|f| f.path)
                .collect();
            if path.join("Cargo.toml").is_file() {
                crates.push(FixtureCrate {
                    args: vec![relative],
                    files,
                });
            } else {
                main.args.push(relative);
                main.files.extend(files);
            }
        } else if name.ends_with(".rs") {
            main.args.push(relative.clone());
            main.files.push(relative);
        }
    }
    assert!(
        main.files.iter().any(|f| f == "fixtures/src/lib.rs"),
        "fixtures/src/lib.rs is missing"
    );
    crates.insert(0, main);
    crates
}

/// Runs `async-lint --color never ARGS…` from the repository root and returns its standard
/// output. Exit status 0 (nothing reported) and 1 (findings) are success.
fn render(args: &[String]) -> Result<String, String> {
    let mut all = vec!["--color", "never"];
    all.extend(args.iter().map(String::as_str));
    let (stdout, command) = crate::common::lint_in_repo(&all)?;
    String::from_utf8(stdout).map_err(|err| format!("`{command}`: stdout: {err}"))
}

/// Whether `line` starts a finding: `error[rule]: …`, `warning[rule]: …`, and so on.
/// Snippet and note lines start with a space or a line number, never with a letter.
fn is_header(line: &str) -> bool {
    ["error[", "warning[", "note[", "help[", "bug["]
        .iter()
        .any(|severity| line.starts_with(severity))
        && line.contains("]: ")
}

/// The file of a finding's first `┌─ file:line:col` line: its primary label.
fn primary_file(finding: &str) -> Option<&str> {
    finding.lines().find_map(|line| {
        let place = line.trim_start().strip_prefix("┌─ ")?;
        let mut parts = place.rsplitn(3, ':');
        let (_column, _line) = (parts.next()?, parts.next()?);
        parts.next()
    })
}

/// `3 of these reach std::fs::read in load (src/config.rs:9): fix or allow it there`.
fn is_group_line(line: &str) -> bool {
    line.split_once(" of these reach ")
        .is_some_and(|(count, _)| count.parse::<usize>().is_ok())
        && line.ends_with(": fix or allow it there")
}

/// The number of findings the summary line (`Found N problems …`, `No problems found …`)
/// announces.
fn announced(summary: &str) -> Option<usize> {
    if summary.starts_with("No problems found") {
        return Some(0);
    }
    summary
        .strip_prefix("Found ")?
        .split(' ')
        .next()?
        .parse()
        .ok()
}

/// Splits the human output of one run into findings by primary file, each finding as it
/// was printed (its trailing blank line included). The summary line is dropped after its
/// count is checked against the findings split.
fn split_by_file(output: &str) -> Result<BTreeMap<String, String>, String> {
    // The summary's lines that name the largest groups of findings reaching one blocking
    // operation are run-wide, not per file (`tests/it/fix_once.rs` checks them).
    let mut body = output.trim_end_matches('\n');
    while let Some(at) = body.rfind('\n')
        && is_group_line(&body[at + 1..])
    {
        body = &body[..at];
    }
    let output = &output[..body.len()];
    let (body, summary) = match body.rfind('\n') {
        Some(at) => (&output[..=at], &body[at + 1..]),
        None => ("", body),
    };
    let Some(count) = announced(summary) else {
        return Err(format!("the output ends with no summary line: {summary:?}"));
    };

    let mut findings: Vec<String> = Vec::new();
    for line in body.split_inclusive('\n') {
        match findings.last_mut() {
            Some(finding) if !is_header(line) => finding.push_str(line),
            _ if is_header(line) => findings.push(line.to_string()),
            _ => return Err(format!("text before the first finding: {line:?}")),
        }
    }
    if findings.len() != count {
        return Err(format!(
            "the summary `{summary}` announces {count} finding(s), {} were split out",
            findings.len()
        ));
    }

    let mut by_file: BTreeMap<String, String> = BTreeMap::new();
    for finding in findings {
        let Some(file) = primary_file(&finding) else {
            return Err(format!(
                "a finding with no `┌─ file:line:col` line:\n{finding}"
            ));
        };
        by_file
            .entry(file.to_string())
            .or_default()
            .push_str(&finding);
    }
    Ok(by_file)
}

/// The expected file of a fixture file (`fixtures/a/b.rs` → `fixtures/expected/a/b.rs.txt`),
/// relative to the repository root.
fn expected_path(fixture: &str) -> String {
    let under = fixture
        .strip_prefix("fixtures/")
        .expect("fixture files are under fixtures/");
    format!("{EXPECTED_DIR}/{under}.txt")
}

/// Every `.txt` file under `fixtures/expected`, relative to the repository root, sorted.
fn expected_files_on_disk() -> Vec<String> {
    crate::common::files_under(EXPECTED_DIR, "txt")
}

/// A line diff of `expected` → `actual`: unchanged lines as `  `, removed as `- `, added as
/// `+ `, cut to the changes and `CONTEXT` lines around them, each hunk headed by
/// `@@ expected line N @@`.
fn line_diff(expected: &str, actual: &str) -> String {
    const CONTEXT: usize = 2;
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    // lcs[i][j]: the length of the longest common subsequence of old[i..] and new[j..].
    let mut lcs = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    // (mark, line, the expected file's line number at this point).
    let mut lines: Vec<(char, &str, usize)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            lines.push((' ', old[i], i + 1));
            (i, j) = (i + 1, j + 1);
        } else if i < old.len() && (j == new.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            lines.push(('-', old[i], i + 1));
            i += 1;
        } else {
            lines.push(('+', new[j], i + 1));
            j += 1;
        }
    }
    let changed: Vec<usize> = (0..lines.len()).filter(|&k| lines[k].0 != ' ').collect();
    let near_change = |k: usize| changed.iter().any(|&c| c.abs_diff(k) <= CONTEXT);
    let mut out = String::new();
    let mut in_hunk = false;
    for (k, &(mark, line, line_no)) in lines.iter().enumerate() {
        if !near_change(k) {
            in_hunk = false;
            continue;
        }
        if !in_hunk {
            out.push_str(&format!("@@ expected line {line_no} @@\n"));
            in_hunk = true;
        }
        out.push_str(&format!("{mark} {line}\n"));
    }
    out
}

#[test]
fn fixture_output_matches_the_expected_files() {
    let root = repo_root();
    let bless = std::env::var_os(BLESS).is_some_and(|v| !v.is_empty() && v != "0");

    // What each fixture file's expected file must hold.
    let mut actual: BTreeMap<String, String> = BTreeMap::new();
    let mut problems: Vec<String> = Vec::new();
    for fixture_crate in fixture_crates() {
        let args = fixture_crate.args.join(" ");
        let by_file = match render(&fixture_crate.args).and_then(|out| split_by_file(&out)) {
            Ok(by_file) => by_file,
            Err(err) => {
                problems.push(format!("{args}: {err}"));
                continue;
            }
        };
        for file in by_file.keys() {
            if !fixture_crate.files.contains(file) {
                problems.push(format!(
                    "{args}: a finding in `{file}`, which is not a `.rs` file of this crate"
                ));
            }
        }
        for file in fixture_crate.files {
            let text = by_file
                .get(&file)
                .cloned()
                .unwrap_or_else(|| NO_FINDINGS.to_string());
            actual.insert(expected_path(&file), text);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    let mut blessed = Vec::new();
    for (path, text) in &actual {
        let on_disk = std::fs::read_to_string(root.join(path)).ok();
        if on_disk.as_deref() == Some(text.as_str()) {
            continue;
        }
        if bless {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).expect("create expected dir");
            std::fs::write(&full, text).unwrap_or_else(|err| panic!("write {path}: {err}"));
            blessed.push(format!("wrote {path}"));
            continue;
        }
        match on_disk {
            None => problems.push(format!(
                "{path} is missing: it holds the findings of fixtures/{}",
                path.strip_prefix(&format!("{EXPECTED_DIR}/"))
                    .and_then(|p| p.strip_suffix(".txt"))
                    .unwrap_or(path)
            )),
            Some(expected) => problems.push(format!(
                "{path} differs from the output (- expected, + actual):\n{}",
                line_diff(&expected, text)
            )),
        }
    }
    for path in expected_files_on_disk() {
        if actual.contains_key(&path) {
            continue;
        }
        if bless {
            std::fs::remove_file(root.join(&path))
                .unwrap_or_else(|err| panic!("remove {path}: {err}"));
            blessed.push(format!("removed {path}"));
        } else {
            problems.push(format!(
                "{path} is stale: no fixture file `fixtures/{}` exists",
                path.strip_prefix(&format!("{EXPECTED_DIR}/"))
                    .and_then(|p| p.strip_suffix(".txt"))
                    .unwrap_or(&path)
            ));
        }
    }
    if bless {
        eprintln!(
            "{BLESS}: {} change(s)\n{}",
            blessed.len(),
            blessed.join("\n")
        );
    }
    assert!(
        problems.is_empty(),
        "{} expected file(s) out of date\n\n{}\n\nIf the new output is right, re-bless: {BLESS_COMMAND}",
        problems.len(),
        problems.join("\n\n")
    );
}

/// The harness itself: splitting, primary files and the diff.
#[test]
fn harness_splits_by_primary_file_and_diffs() {
    let output = "warning[blocking_fs]: a\n   ┌─ fixtures/x/src/a.rs:3:5\n   │\n   ┌─ fixtures/x/src/b.rs:1:1\n\n\
                  error[parse_error]: b\n   ┌─ fixtures/x/src/b.rs:2:1\n\n\
                  Found 2 problems (1 warning, 1 error) in 2 files\n";
    let by_file = split_by_file(output).expect("split");
    assert_eq!(
        by_file.keys().collect::<Vec<_>>(),
        ["fixtures/x/src/a.rs", "fixtures/x/src/b.rs"]
    );
    assert!(by_file["fixtures/x/src/a.rs"].ends_with("b.rs:1:1\n\n"));
    assert!(by_file["fixtures/x/src/b.rs"].starts_with("error[parse_error]"));
    assert!(
        split_by_file("No problems found in 3 files\n")
            .unwrap()
            .is_empty()
    );
    assert!(
        split_by_file("warning[x]: a\n   ┌─ a.rs:1:1\n\nNo problems found in 1 file\n").is_err()
    );
    assert_eq!(
        expected_path("fixtures/chain_app/src/handlers.rs"),
        "fixtures/expected/chain_app/src/handlers.rs.txt"
    );
    assert_eq!(
        line_diff("a\nb\nc\n", "a\nB\nc\n"),
        "@@ expected line 1 @@\n  a\n- b\n+ B\n  c\n"
    );
}
