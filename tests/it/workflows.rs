//! Configuration, suppressions, baselines and stdin, end to end from a temporary
//! directory, the way a user drives them.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::{Output, run, run_with_stdin, tempdir, write};

const SLEEP: &str = "std::thread::sleep(std::time::Duration::from_secs(1));";

/// `(file, rule, line, level)` of each finding of a JSON run.
fn findings(out: &Output) -> Vec<(String, String, u64, String)> {
    let items: Vec<Value> =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    items
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["level"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn f(file: &str, rule: &str, line: u64, level: &str) -> (String, String, u64, String) {
    (file.into(), rule.into(), line, level.into())
}

/// A workspace of two crates, each with a sleep and a file read in async code.
fn workspace(dir: &Path) {
    write(dir, "Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\n");
    for name in ["a", "b"] {
        write(
            dir,
            &format!("{name}/Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nedition = \"2021\"\n"),
        );
        write(
            dir,
            &format!("{name}/src/lib.rs"),
            format!("pub async fn f() {{\n    {SLEEP}\n    let _ = std::fs::read(\"x\");\n}}\n"),
        );
    }
}

#[test]
fn config_levels_nearest_wins_and_command_line_wins() {
    let dir = tempdir();
    let d = dir.path();
    workspace(d);
    write(
        d,
        "Cargo.toml",
        "[workspace]\nmembers = [\"a\", \"b\"]\n\n[workspace.metadata.async-lint.rules]\nblocking_fs = \"allow\"\nblocking_sleep = \"deny\"\n",
    );
    write(
        d,
        "b/async-lint.toml",
        "[rules]\nblocking_sleep = \"allow\"\n",
    );
    let out = run(d, &["--format", "json", "a", "b"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        findings(&out),
        vec![
            f("a/src/lib.rs", "blocking_sleep", 2, "error"),
            f("b/src/lib.rs", "blocking_fs", 3, "warning"),
        ]
    );
    // --select turns on what the config turned off; --ignore turns off what it set.
    let out = run(
        d,
        &[
            "--format",
            "json",
            "--select",
            "blocking_fs,blocking_sleep",
            "--ignore",
            "blocking_sleep",
            "a",
        ],
    );
    assert_eq!(
        findings(&out),
        vec![f("a/src/lib.rs", "blocking_fs", 3, "warning")]
    );
    // --config replaces the search.
    write(d, "strict.toml", "[rules]\nblocking_fs = \"deny\"\n");
    let out = run(d, &["--format", "json", "--config", "strict.toml", "b"]);
    assert_eq!(
        findings(&out),
        vec![
            f("b/src/lib.rs", "blocking_sleep", 2, "warning"),
            f("b/src/lib.rs", "blocking_fs", 3, "error"),
        ]
    );
}

#[test]
fn exclude_globs_are_relative_to_the_config_folder() {
    let dir = tempdir();
    let d = dir.path();
    workspace(d);
    write(
        d,
        "a/async-lint.toml",
        "exclude = [\"src/gen/**\", \"src/old.rs\"]\n",
    );
    let body = format!("pub async fn g() {{ {SLEEP} }}\n");
    write(d, "a/src/gen/deep/x.rs", &body);
    write(d, "a/src/old.rs", &body);
    write(d, "a/src/new.rs", &body);
    let out = run(
        d,
        &["--format", "concise", "--select", "blocking_sleep", "."],
    );
    let files: Vec<&str> = out
        .stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(
        files,
        ["./a/src/lib.rs", "./a/src/new.rs", "./b/src/lib.rs"],
        "{out:?}"
    );
}

#[test]
fn malformed_config_exits_2_naming_file_line_and_key() {
    let dir = tempdir();
    let d = dir.path();
    workspace(d);
    write(
        d,
        "a/async-lint.toml",
        "[rules]\nblocking_fs = \"warn\"\n\n[[blocking]]\npath = \"a::b\"\nrule = \"blocking_net\"\nresaon = \"typo\"\n",
    );
    let out = run(d, &["a"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");
    assert!(
        out.stderr
            .contains("a/async-lint.toml:7: `blocking[1].resaon`: unknown key"),
        "{out:?}"
    );
    write(d, "a/async-lint.toml", "exclude = [\n");
    let out = run(d, &["a"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("a/async-lint.toml:"), "{out:?}");
    let out = run(d, &["--config", "missing.toml", "b"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("missing.toml"), "{out:?}");
}

#[test]
fn unknown_rule_in_config_is_a_finding_at_its_line() {
    let dir = tempdir();
    let d = dir.path();
    workspace(d);
    write(
        d,
        "a/async-lint.toml",
        "[rules]\nblocking_fs = \"allow\"\nblocking_slep = \"allow\"\n",
    );
    let out = run(d, &["--format", "json", "a"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        findings(&out),
        vec![
            f("a/async-lint.toml", "unknown_rule", 3, "warning"),
            f("a/src/lib.rs", "blocking_sleep", 2, "warning"),
        ]
    );
    // The human format shows the config line.
    let out = run(d, &["a"]);
    assert!(out.stdout.contains("blocking_slep = \"allow\""), "{out:?}");
}

#[test]
fn suppressions_end_to_end() {
    let dir = tempdir();
    let d = dir.path();
    write(
        d,
        "s.rs",
        format!(
            "// async-lint: allow(blocking_sleep)\nasync fn quiet() {{\n    {SLEEP}\n}}\n\n\
             async fn loud() {{\n    {SLEEP} // async-lint: allow(blocking_fs, blocking_zzz)\n}}\n"
        ),
    );
    let out = run(d, &["--format", "json", "s.rs"]);
    assert_eq!(
        findings(&out),
        vec![
            f("s.rs", "blocking_sleep", 7, "warning"),
            f("s.rs", "unknown_rule", 7, "warning"),
        ],
        "{out:?}"
    );
    // Only a rule that is on can leave its suppression unused.
    let out = run(
        d,
        &[
            "--format",
            "json",
            "--select",
            "unused_suppression,blocking_fs,blocking_sleep",
            "s.rs",
        ],
    );
    assert_eq!(
        findings(&out),
        vec![
            f("s.rs", "blocking_sleep", 7, "warning"),
            f("s.rs", "unused_suppression", 7, "warning"),
        ],
        "{out:?}"
    );
}

#[test]
fn baseline_hides_recorded_findings_from_any_directory() {
    let dir = tempdir();
    let d = dir.path();
    workspace(d);
    let out = run(d, &["--write-baseline", "ci/baseline.json", "a", "b"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("recorded 4 findings"), "{out:?}");
    let text = fs::read_to_string(d.join("ci/baseline.json")).unwrap();
    assert!(text.contains("\"file\": \"../a/src/lib.rs\""), "{text}");

    let out = run(d, &["--baseline", "ci/baseline.json", "a", "b"]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (0, "No problems found in 2 files\n"),
        "{out:?}"
    );
    // From another directory, with other spellings of the paths.
    let out = run(
        &d.join("a"),
        &["--baseline", "../ci/baseline.json", "--format", "json", "."],
    );
    assert_eq!(out.code, 0, "{out:?}");

    // Unrelated edits above do not bring a finding back; a new one is reported.
    write(
        d,
        "a/src/lib.rs",
        format!(
            "// a new comment\n\npub async fn f() {{\n    {SLEEP}\n    let _ = std::fs::read(\"x\");\n    {SLEEP}\n}}\n"
        ),
    );
    let out = run(
        d,
        &[
            "--baseline",
            "ci/baseline.json",
            "--format",
            "json",
            "a",
            "b",
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert_eq!(
        findings(&out),
        vec![f("a/src/lib.rs", "blocking_sleep", 6, "warning")]
    );

    let out = run(d, &["--baseline", "nope.json", "a"]);
    assert_eq!(out.code, 2, "{out:?}");
}

#[test]
fn stdin_uses_the_named_files_config_and_crate() {
    let dir = tempdir();
    let d = dir.path();
    workspace(d);
    write(
        d,
        "a/Cargo.toml",
        "[package]\nname = \"a\"\n[dependencies]\ntokio = \"1\"\n",
    );
    write(
        d,
        "a/async-lint.toml",
        "exclude = [\"src/skip.rs\"]\n[rules]\nblocking_fs = \"allow\"\n",
    );
    let source = format!("async fn f() {{\n    {SLEEP}\n    let _ = std::fs::read(\"x\");\n}}\n");
    let out = run_with_stdin(
        d,
        &["--format", "json", "--stdin-filename", "a/src/x.rs", "-"],
        source.as_bytes(),
    );
    assert_eq!(
        findings(&out),
        vec![f("a/src/x.rs", "blocking_sleep", 2, "warning")]
    );
    // The crate runs on tokio: the fix is offered.
    let items: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        items[0]["fix"]["edits"][0]["replacement"],
        "tokio::time::sleep"
    );
    // Excluded by name: nothing is checked.
    let out = run_with_stdin(
        d,
        &["--format", "json", "--stdin-filename", "a/src/skip.rs", "-"],
        source.as_bytes(),
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, "[]\n"), "{out:?}");
    // Elsewhere: no config, no tokio, no fix.
    let out = run_with_stdin(
        d,
        &["--format", "json", "--stdin-filename", "b/src/x.rs", "-"],
        source.as_bytes(),
    );
    let items: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(items.len(), 2, "{out:?}");
    assert!(items[0]["fix"].is_null());
}

#[test]
fn configured_blocking_functions_and_offloaders_work_end_to_end() {
    let dir = tempdir();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"app\"\nedition = \"2021\"\n",
    );
    write(
        root,
        "async-lint.toml",
        "[[blocking]]\npath = \"app::db::query_sync\"\nrule = \"blocking_net\"\nreason = \"runs SQL on the calling thread\"\n\n[[offload]]\npath = \"app::pool::run_blocking\"\n",
    );
    write(
        root,
        "src/lib.rs",
        "pub mod db;\npub mod pool;\n\npub async fn handler() {\n    db::query_sync();\n    pool::run_blocking(|| db::query_sync());\n    pool::run_blocking(|| std::thread::sleep(std::time::Duration::from_secs(1)));\n}\n",
    );
    write(root, "src/db.rs", "pub fn query_sync() {}\n");
    write(
        root,
        "src/pool.rs",
        "pub fn run_blocking<F: FnOnce()>(f: F) {\n    f()\n}\n",
    );
    let out = run(root, &["--format", "json", "."]);
    assert_eq!(
        findings(&out),
        vec![f("./src/lib.rs", "blocking_net", 5, "warning")],
        "{out:?}"
    );
    assert!(
        out.stdout.contains("runs SQL on the calling thread"),
        "{out:?}"
    );
}
