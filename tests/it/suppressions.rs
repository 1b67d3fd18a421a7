//! Suppressions through the command line: reported in every file, the whole-file form,
//! `unused_suppression` turned on alone, and what a baseline hides.

use crate::common::{run, tempdir, write};

const SLEEPS: &str =
    "async fn f() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n";

#[test]
fn unknown_rule_is_reported_in_a_file_with_no_other_finding() {
    let dir = tempdir();
    write(
        dir.path(),
        "quiet.rs",
        "fn f() {}\n// async-lint: allow(blocking_sleeep)\nfn g() {}\n",
    );
    write(
        dir.path(),
        "sync_only.rs",
        "// async-lint: allow-file(nope)\nfn h() {}\n",
    );
    let out = run(dir.path(), &["--format", "concise", "."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("quiet.rs:2:22: warning[unknown_rule] unknown rule `blocking_sleeep`"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("sync_only.rs:1:27: warning[unknown_rule]"),
        "{out:?}"
    );
}

#[test]
fn unused_suppression_turns_on_without_turning_the_others_off() {
    let dir = tempdir();
    write(
        dir.path(),
        "a.rs",
        format!("// async-lint: allow(blocking_fs)\nfn quiet() {{}}\n{SLEEPS}"),
    );
    let plain = run(dir.path(), &["--format", "concise", "a.rs"]);
    assert_eq!(plain.stdout.lines().count(), 1, "{plain:?}");
    let extended = run(
        dir.path(),
        &[
            "--format",
            "concise",
            "--extend-select",
            "unused_suppression",
            "a.rs",
        ],
    );
    let lines: Vec<&str> = extended.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{extended:?}");
    assert!(lines[0].contains("unused_suppression"), "{extended:?}");
    assert!(lines[1].contains("blocking_sleep"), "{extended:?}");
    write(
        dir.path(),
        "async-lint.toml",
        "[rules]\nunused_suppression = \"warn\"\n",
    );
    let configured = run(dir.path(), &["--format", "concise", "a.rs"]);
    assert_eq!(configured.stdout, extended.stdout, "{configured:?}");
}

#[test]
fn allow_file_covers_the_whole_file() {
    let dir = tempdir();
    let text = format!(
        "//! A module that sleeps on purpose.\n// async-lint: allow-file(blocking_sleep)\n\n{SLEEPS}\n\
         async fn g() {{\n    std::thread::sleep(std::time::Duration::from_secs(2));\n    \
         let _ = std::fs::read(\"x\");\n}}\n"
    );
    write(dir.path(), "a.rs", text);
    let out = run(
        dir.path(),
        &[
            "--format",
            "concise",
            "--extend-select",
            "unused_suppression",
            "a.rs",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "only the fs call stays: {out:?}");
    assert!(lines[0].contains("blocking_fs"), "{out:?}");
}

#[test]
fn a_baseline_run_says_how_many_findings_it_hid() {
    let dir = tempdir();
    write(dir.path(), "a.rs", SLEEPS);
    let written = run(dir.path(), &["--write-baseline", "base.json", "a.rs"]);
    assert_eq!(written.code, 0, "{written:?}");
    write(
        dir.path(),
        "a.rs",
        format!("{SLEEPS}async fn g() {{\n    let _ = std::fs::read(\"x\");\n}}\n"),
    );
    let out = run(
        dir.path(),
        &["--baseline", "base.json", "--format", "concise", "a.rs"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
    assert!(
        out.stderr
            .contains("async-lint: the baseline hid 1 finding recorded in it"),
        "{out:?}"
    );
}

/// A run over some files of a crate reports those files only: the configuration's own
/// findings (an unknown rule in `Cargo.toml`) belong to a run over the crate.
#[test]
fn a_run_over_named_files_does_not_report_the_configurations_findings() {
    let dir = tempdir();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"p\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [package.metadata.async-lint.rules]\nblocking_sleeep = \"deny\"\n",
    );
    write(dir.path(), "src/lib.rs", SLEEPS);
    let whole = run(dir.path(), &["--format", "concise", "."]);
    assert!(
        whole.stdout.contains("Cargo.toml:") && whole.stdout.contains("unknown_rule"),
        "{whole:?}"
    );
    let named = run(dir.path(), &["--format", "concise", "src/lib.rs"]);
    assert!(!named.stdout.contains("Cargo.toml"), "{named:?}");
    assert!(named.stdout.contains("src/lib.rs:2:5"), "{named:?}");
}
