//! End-to-end tests of the `async-lint` binary: paths, exit codes, formats, stdin.
//!
//! Each test builds its own temporary directory and runs the built binary in it.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::common::{BIN, Output, run, run_with_stdin, tempdir, write, write_filler};

/// A file syn cannot parse (reported as `parse_error` on line 1).
const UNPARSABLE: &str = "fn main() { let x = ; }\n";
/// A clean async file.
const CLEAN: &str = "async fn f() -> u32 {\n    1\n}\n\nfn main() {}\n";
/// A file with one `blocking_sleep` finding on line 2.
const SLEEPS: &str =
    "async fn f() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n";
/// Not UTF-8: a bad byte on line 2, column 4.
const NOT_UTF8: &[u8] = b"fn main() {}\n// \xFF\n";

fn json(out: &Output) -> Vec<Value> {
    match serde_json::from_str(&out.stdout) {
        Ok(Value::Array(items)) => items,
        other => panic!("not a JSON array: {other:?}\n{out:?}"),
    }
}

/// `(file, rule, line)` of every finding, in output order.
fn findings(out: &Output) -> Vec<(String, String, u64)> {
    json(out)
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn finding(file: &str, rule: &str, line: u64) -> (String, String, u64) {
    (file.to_string(), rule.to_string(), line)
}

#[test]
fn clean_async_file_exits_0() {
    let dir = tempdir();
    write(dir.path(), "ok.rs", CLEAN);
    let out = run(dir.path(), &["ok.rs"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "No problems found in 1 file\n", "{out:?}");
    assert_eq!(out.stderr, "", "{out:?}");
}

#[test]
fn default_path_is_the_current_directory() {
    let dir = tempdir();
    write(dir.path(), "src/ok.rs", CLEAN);
    write(dir.path(), "src/bad.rs", NOT_UTF8);
    let out = run(dir.path(), &["--format", "json"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        findings(&out),
        vec![finding("./src/bad.rs", "parse_error", 2)]
    );
}

#[test]
fn file_names_are_shown_as_reached_from_the_path_given() {
    let dir = tempdir();
    write(dir.path(), "crate/src/deep/bad.rs", NOT_UTF8);
    for (arg, shown) in [
        ("crate", "crate/src/deep/bad.rs"),
        ("crate/", "crate/src/deep/bad.rs"),
        ("crate/src/deep/bad.rs", "crate/src/deep/bad.rs"),
    ] {
        let out = run(dir.path(), &["--format", "concise", arg]);
        assert!(
            out.stdout
                .starts_with(&format!("{shown}:2:4: error[parse_error] ")),
            "{arg}: {out:?}"
        );
    }
}

#[test]
fn a_missing_path_is_a_usage_error_naming_it() {
    let dir = tempdir();
    write(dir.path(), "ok.rs", CLEAN);
    for args in [
        &["missing.rs", "ok.rs"][..],
        &["--format", "json", "nope/", "ok.rs"],
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.code, 2, "{out:?}");
        assert_eq!(out.stdout, "", "no finding, no summary: {out:?}");
        let missing = args[args.len() - 2];
        assert!(
            out.stderr
                .contains(&format!("path `{missing}` does not exist")),
            "{out:?}"
        );
        assert!(out.stderr.contains("Usage: async-lint"), "{out:?}");
    }
}

#[test]
fn an_empty_walk_warns() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let out = run(dir.path(), &["empty"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .contains("async-lint: warning: no Rust files found to check"),
        "{out:?}"
    );
    let quiet = run(dir.path(), &["--quiet", "empty"]);
    assert_eq!(quiet.stderr, "", "{quiet:?}");
}

#[test]
fn quiet_prints_the_findings_only_and_output_file_takes_them() {
    let dir = tempdir();
    write(dir.path(), "a.rs", SLEEPS);
    let out = run(dir.path(), &["-q", "a.rs"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.starts_with("warning[blocking_sleep]"), "{out:?}");
    assert!(!out.stdout.contains("Found 1 problem"), "{out:?}");
    let loud = run(dir.path(), &["a.rs"]);
    assert!(loud.stdout.contains("Found 1 problem"), "{loud:?}");

    let out = run(
        dir.path(),
        &["--output-file", "report.json", "--format", "json", "a.rs"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout, "");
    let written = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    assert!(
        written.contains("\"rule\": \"blocking_sleep\""),
        "{written}"
    );
}

#[test]
fn misspelled_rules_get_a_did_you_mean() {
    let dir = tempdir();
    write(dir.path(), "a.rs", SLEEPS);
    for args in [
        &["--select", "blocking_sleeep", "a.rs"][..],
        &["--explain", "blocking_sleeep"],
        &["--ignore", "blocking-sleep", "a.rs"],
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.code, 2, "{out:?}");
        assert!(
            out.stderr.contains("did you mean `blocking_sleep`?"),
            "{out:?}"
        );
    }
    write(
        dir.path(),
        "async-lint.toml",
        "[rules]\nblocking_sleeep = \"allow\"\n",
    );
    let out = run(dir.path(), &["a.rs"]);
    assert!(
        out.stdout.contains("unknown rule `blocking_sleeep`"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("= help: did you mean `blocking_sleep`?"),
        "{out:?}"
    );
}

#[test]
fn show_settings_names_where_each_value_comes_from() {
    let dir = tempdir();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"p\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
         [dependencies]\ntokio = { version = \"1\", features = [\"fs\"] }\n",
    );
    write(dir.path(), "src/lib.rs", SLEEPS);
    write(
        dir.path(),
        "async-lint.toml",
        "[rules]\nblocking_fs = \"deny\"\n",
    );
    let out = run(
        dir.path(),
        &[
            "--show-settings",
            "--ignore",
            "blocking_net",
            "--extend-select",
            "unused_suppression",
            ".",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    for line in [
        "# `p` at `.` (1 file)",
        "# the nearest one",
        "edition = \"2024\"  # Cargo.toml",
        "runtime = \"tokio (features: default, fs)\"  # Cargo.toml depends on `tokio`",
        "blocking_fs = \"deny\"  # ",
        "blocking_net = \"allow\"  # --ignore",
        "blocking_sleep = \"warn\"  # default",
        "unused_suppression = \"warn\"  # --extend-select",
    ] {
        assert!(out.stdout.contains(line), "{line}\n{out:?}");
    }
}

#[test]
fn unparsable_file_exits_2_naming_file_and_line_and_others_are_still_checked() {
    let dir = tempdir();
    write(dir.path(), "a_bad.rs", UNPARSABLE);
    write(dir.path(), "b_bad.rs", format!("\n\n{UNPARSABLE}"));
    write(dir.path(), "c_ok.rs", CLEAN);
    let out = run(dir.path(), &["--format", "json", "."]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        findings(&out),
        vec![
            finding("./a_bad.rs", "parse_error", 1),
            finding("./b_bad.rs", "parse_error", 3),
        ],
        "{out:?}"
    );
    let human = run(dir.path(), &["."]);
    assert_eq!(human.code, 2, "{human:?}");
    assert!(human.stdout.contains("error[parse_error]"), "{human:?}");
    assert!(human.stdout.contains("./a_bad.rs:1:"), "{human:?}");
    assert!(human.stdout.contains("./b_bad.rs:3:"), "{human:?}");
}

#[test]
fn invalid_utf8_exits_2_naming_the_place() {
    let dir = tempdir();
    write(dir.path(), "latin1.rs", NOT_UTF8);
    write(dir.path(), "ok.rs", CLEAN);
    let out = run(dir.path(), &["--format", "json", "latin1.rs", "ok.rs"]);
    assert_eq!(out.code, 2, "{out:?}");
    let items = json(&out);
    assert_eq!(items.len(), 1, "{out:?}");
    assert_eq!(items[0]["rule"], "parse_error");
    assert_eq!(
        (&items[0]["line"], &items[0]["column"]),
        (&2.into(), &4.into())
    );
    let message = items[0]["message"].as_str().unwrap();
    assert!(
        message.contains("`latin1.rs` is not valid UTF-8"),
        "{message}"
    );
    assert!(message.contains("line 2, column 4"), "{message}");
    // Human output shows the line, bad byte replaced, without failing.
    let human = run(dir.path(), &["latin1.rs"]);
    assert!(human.stdout.contains("latin1.rs:2:4"), "{human:?}");
}

#[test]
fn byte_order_mark_is_accepted() {
    let dir = tempdir();
    write(dir.path(), "bom.rs", format!("\u{feff}{CLEAN}"));
    let out = run(dir.path(), &["bom.rs"]);
    assert_eq!(out.code, 0, "{out:?}");
}

/// Decision: a directory whose name ends in `.rs` is a directory like any other. Given
/// on the command line or met in a walk, it is walked; it is never read as a file.
#[test]
fn directory_named_like_a_rust_file_is_walked_not_read() {
    let dir = tempdir();
    write(dir.path(), "src/weird.rs/inner.rs", NOT_UTF8);
    write(dir.path(), "src/weird.rs/notes.txt", "not rust");
    for (arg, shown) in [
        ("src", "src/weird.rs/inner.rs"),
        ("src/weird.rs", "src/weird.rs/inner.rs"),
    ] {
        let out = run(dir.path(), &["--format", "json", arg]);
        assert_eq!(
            findings(&out),
            vec![finding(shown, "parse_error", 2)],
            "{arg}: {out:?}"
        );
    }
}

#[test]
fn gitignored_target_and_hidden_are_skipped() {
    let dir = tempdir();
    let d = dir.path();
    write(d, ".gitignore", "generated.rs\n/ignored_dir/\n");
    write(d, "generated.rs", NOT_UTF8);
    write(d, "ignored_dir/x.rs", NOT_UTF8);
    write(d, "target/debug/build/out.rs", NOT_UTF8);
    write(d, "nested/target/x.rs", NOT_UTF8);
    write(d, ".hidden/x.rs", NOT_UTF8);
    write(d, "src/.git/x.rs", NOT_UTF8);
    write(d, "src/kept.rs", NOT_UTF8);
    write(d, "src/readme.md", NOT_UTF8);
    let out = run(d, &["--format", "json", "."]);
    assert_eq!(
        findings(&out),
        vec![finding("./src/kept.rs", "parse_error", 2)],
        "{out:?}"
    );
    // A file named on the command line is taken as it is.
    let out = run(d, &["--format", "json", "generated.rs", "src/readme.md"]);
    assert_eq!(
        findings(&out),
        vec![
            finding("generated.rs", "parse_error", 2),
            finding("src/readme.md", "parse_error", 2),
        ],
        "{out:?}"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_and_the_rest_still_checked() {
    let dir = tempdir();
    write(dir.path(), "src/bad.rs", NOT_UTF8);
    std::os::unix::fs::symlink(dir.path().join("src"), dir.path().join("src/again")).unwrap();
    let out = run(dir.path(), &["--format", "json", "src"]);
    assert_eq!(out.code, 2, "{out:?}");
    let items = json(&out);
    assert!(
        items
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("loop")),
        "{out:?}"
    );
    assert!(items.iter().any(|d| d["file"] == "src/bad.rs"), "{out:?}");
}

#[test]
fn list_rules_lists_every_rule() {
    let dir = tempdir();
    let out = run(dir.path(), &["--list-rules"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.lines().count(), async_lint::Rule::ALL.len());
    for rule in async_lint::Rule::ALL {
        let line = out
            .stdout
            .lines()
            .find(|line| line.split_whitespace().next() == Some(rule.name()))
            .unwrap_or_else(|| panic!("{rule} not listed: {out:?}"));
        assert!(line.contains(rule.default_level().as_str()), "{line}");
        assert!(line.ends_with(rule.doc().summary), "{line}");
    }
}

#[test]
fn explain_prints_the_rule_documentation() {
    let dir = tempdir();
    let out = run(dir.path(), &["--explain", "blocking_fs"]);
    assert_eq!(out.code, 0, "{out:?}");
    for section in [
        "# blocking_fs",
        "## What it does",
        "## Why is this bad",
        "## Known problems",
        "## Example",
        "## Use instead",
    ] {
        assert!(out.stdout.contains(section), "{section}: {out:?}");
    }
}

#[test]
fn unknown_rule_names_are_usage_errors() {
    let dir = tempdir();
    for args in [
        &["--explain", "nope"][..],
        &["--select", "nope"],
        &["--select", "blocking_fs,nope"],
        &["--ignore", "nope"],
    ] {
        let out = run(dir.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains("unknown rule `nope`"), "{out:?}");
        assert_eq!(out.stdout, "", "{out:?}");
    }
}

#[test]
fn unknown_format_is_a_usage_error() {
    let dir = tempdir();
    let out = run(dir.path(), &["--format", "xml"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn help_and_version_exit_0() {
    let dir = tempdir();
    for flag in ["--help", "-h", "--version", "-V"] {
        let out = run(dir.path(), &[flag]);
        assert_eq!(out.code, 0, "{flag}: {out:?}");
        assert!(!out.stdout.is_empty(), "{flag}: {out:?}");
    }
}

#[test]
fn json_output_has_exactly_the_spec_keys() {
    let dir = tempdir();
    write(dir.path(), "bad.rs", NOT_UTF8);
    write(dir.path(), "unparsable.rs", UNPARSABLE);
    let out = run(dir.path(), &["--format", "json", "bad.rs", "unparsable.rs"]);
    let items = json(&out);
    assert!(!items.is_empty(), "{out:?}");
    let mut expected = [
        "rule",
        "level",
        "message",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "labels",
        "notes",
        "fix",
        "root",
    ];
    expected.sort_unstable();
    for item in &items {
        let mut keys: Vec<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, expected, "{item}");
        assert!(["warning", "error"].contains(&item["level"].as_str().unwrap()));
        assert!(item["labels"].is_array() && item["notes"].is_array());
        assert!(item["fix"].is_null() || item["fix"]["edits"].is_array());
    }
    assert_eq!(out.stderr, "", "json keeps stdout machine-clean: {out:?}");
}

#[test]
fn json_with_no_findings_is_an_empty_array() {
    let dir = tempdir();
    write(dir.path(), "ok.rs", CLEAN);
    let out = run(dir.path(), &["--format", "json", "ok.rs"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(json(&out).is_empty());
}

#[test]
fn concise_format_is_one_line_per_finding() {
    let dir = tempdir();
    write(dir.path(), "a.rs", NOT_UTF8);
    write(dir.path(), "b.rs", NOT_UTF8);
    write(dir.path(), "ok.rs", CLEAN);
    let out = run(
        dir.path(),
        &["--format", "concise", "b.rs", "ok.rs", "a.rs"],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stdout,
        "a.rs:2:4: error[parse_error] `a.rs` is not valid UTF-8: invalid byte at line 2, column 4 (byte offset 16)\n\
         b.rs:2:4: error[parse_error] `b.rs` is not valid UTF-8: invalid byte at line 2, column 4 (byte offset 16)\n"
    );
}

#[test]
fn output_is_identical_on_1_and_8_threads() {
    let dir = tempdir();
    for i in 0..40 {
        let text: Vec<u8> = match i % 4 {
            0 => NOT_UTF8.to_vec(),
            1 => UNPARSABLE.into(),
            2 => SLEEPS.into(),
            _ => CLEAN.into(),
        };
        write(dir.path(), &format!("m{}/f{i}.rs", i % 5), text);
    }
    for format in ["human", "concise", "json"] {
        let one = run(dir.path(), &["--threads", "1", "--format", format, "."]);
        let eight = run(dir.path(), &["--threads", "8", "--format", format, "."]);
        assert_eq!(one.code, 2, "{one:?}");
        assert_eq!(one.stdout, eight.stdout, "{format}");
        assert_eq!(one.code, eight.code);
    }
}

#[test]
fn stdin_is_reported_under_the_given_name() {
    let dir = tempdir();
    let out = run_with_stdin(
        dir.path(),
        &["--format", "json", "--stdin-filename", "src/x.rs", "-"],
        NOT_UTF8,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(findings(&out), vec![finding("src/x.rs", "parse_error", 2)]);

    let clean = run_with_stdin(
        dir.path(),
        &["--stdin-filename", "src/x.rs", "-"],
        CLEAN.as_bytes(),
    );
    assert_eq!(clean.code, 0, "{clean:?}");
}

#[test]
fn stdin_with_other_paths_is_a_usage_error() {
    let dir = tempdir();
    let out = run(dir.path(), &["--stdin-filename", "x.rs", "-", "src"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn exit_zero_does_not_hide_unreadable_files() {
    let dir = tempdir();
    write(dir.path(), "bad.rs", NOT_UTF8);
    let out = run(dir.path(), &["--exit-zero", "bad.rs"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn color_is_off_in_a_pipe_unless_forced() {
    let dir = tempdir();
    write(dir.path(), "bad.rs", NOT_UTF8);
    let piped = run(dir.path(), &["bad.rs"]);
    assert!(!piped.stdout.contains('\x1b'), "{piped:?}");
    let forced = run(dir.path(), &["--color", "always", "bad.rs"]);
    assert!(forced.stdout.contains('\x1b'), "{forced:?}");
    let never = run(dir.path(), &["--color", "never", "bad.rs"]);
    assert!(!never.stdout.contains('\x1b'), "{never:?}");
}

#[test]
fn closed_stdout_pipe_is_not_an_error() {
    let dir = tempdir();
    // Far more output than a pipe buffer holds.
    for i in 0..600 {
        write(dir.path(), &format!("f{i:03}.rs"), NOT_UTF8);
    }
    let mut child = Command::new(BIN)
        .args(["--threads", "2", "."])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

// These need the blocking rules (they fail until the analyzer reports `blocking_sleep`).

#[test]
fn blocking_sleep_in_async_fn_exits_1() {
    let dir = tempdir();
    write(dir.path(), "sleepy.rs", SLEEPS);
    let out = run(dir.path(), &["--format", "json", "sleepy.rs"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        findings(&out),
        vec![finding("sleepy.rs", "blocking_sleep", 2)]
    );
    assert_eq!(json(&out)[0]["level"], "warning");
}

#[test]
fn human_output_shows_the_finding_and_a_summary() {
    let dir = tempdir();
    write(dir.path(), "sleepy.rs", SLEEPS);
    let out = run(dir.path(), &["sleepy.rs"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.starts_with("warning[blocking_sleep]: "),
        "{out:?}"
    );
    assert!(out.stdout.contains("sleepy.rs:2:5"), "{out:?}");
    assert!(
        out.stdout
            .ends_with("Found 1 problem (1 warning) in 1 file\n"),
        "{out:?}"
    );
}

#[test]
fn exit_zero_turns_findings_into_success() {
    let dir = tempdir();
    write(dir.path(), "sleepy.rs", SLEEPS);
    let out = run(
        dir.path(),
        &["--exit-zero", "--format", "concise", "sleepy.rs"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with("sleepy.rs:2:5: warning[blocking_sleep] "),
        "{out:?}"
    );
}

#[test]
fn select_and_ignore_choose_the_rules() {
    let dir = tempdir();
    write(dir.path(), "sleepy.rs", SLEEPS);
    let selected = run(dir.path(), &["--select", "blocking_sleep", "sleepy.rs"]);
    assert_eq!(selected.code, 1, "{selected:?}");
    let others = run(dir.path(), &["--select", "blocking_fs", "sleepy.rs"]);
    assert_eq!(others.code, 0, "{others:?}");
    let ignored = run(dir.path(), &["--ignore", "blocking_sleep", "sleepy.rs"]);
    assert_eq!(ignored.code, 0, "{ignored:?}");
}

#[test]
fn stdin_findings_are_reported_under_the_given_name() {
    let dir = tempdir();
    let out = run_with_stdin(
        dir.path(),
        &["--format", "concise", "--stdin-filename", "src/x.rs", "-"],
        SLEEPS.as_bytes(),
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with("src/x.rs:2:5: warning[blocking_sleep] "),
        "{out:?}"
    );
}

/// The worker threads have stacks big enough for deep (hostile) nesting: in a debug build a
/// default 2 MiB thread overflows at about 150 nested parentheses.
#[test]
fn deep_nesting_does_not_overflow_the_workers() {
    let dir = tempdir();
    let n = 1900;
    write(
        dir.path(),
        "parens.rs",
        format!(
            "fn main() {{ let x = {}1{}; }}\n",
            "(".repeat(n),
            ")".repeat(n)
        ),
    );
    write(
        dir.path(),
        "blocks.rs",
        format!(
            "async fn f() {{ {}std::thread::sleep(d);{} }}\n",
            "{".repeat(n),
            "}".repeat(n)
        ),
    );
    let out = run(dir.path(), &["--threads", "2", "--format", "concise", "."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .starts_with("./blocks.rs:1:1916: warning[blocking_sleep] "),
        "{out:?}"
    );
}

/// Over 1 MiB of source, files that cannot hold a finding get a bracket check, not a
/// parse; `--parse-all` parses them too, so every syntax error is reported.
#[test]
fn parse_all_reports_syntax_errors_in_large_runs() {
    let dir = tempdir();
    write_filler(dir.path(), "big.rs");
    write(dir.path(), "bad.rs", UNPARSABLE);
    let fast = run(dir.path(), &["--format", "json", "."]);
    assert_eq!(fast.code, 0, "{fast:?}");
    let all = run(dir.path(), &["--format", "json", "--parse-all", "."]);
    assert_eq!(all.code, 2, "{all:?}");
    assert_eq!(
        findings(&all),
        vec![finding("./bad.rs", "parse_error", 1)],
        "{all:?}"
    );
}

/// The README's option table names every long option the command line has.
#[test]
fn readme_lists_every_option() {
    let readme = std::fs::read_to_string(crate::common::repo_root().join("README.md")).unwrap();
    let help = run(&crate::common::repo_root(), &["--help"]);
    let options: Vec<&str> = help
        .stdout
        .split(|c: char| c.is_whitespace() || c == ',' || c == '[' || c == '<')
        .filter(|word| word.starts_with("--") && word.len() > 2)
        .filter(|word| !matches!(*word, "--help" | "--version"))
        .collect();
    assert!(options.len() > 20, "{help:?}");
    for option in options {
        assert!(
            readme.contains(&format!("`{option}")) || readme.contains(&format!(" {option}")),
            "README.md does not mention `{option}`"
        );
    }
}
