//! One root cause fixed once (SPEC §3, §5): `fixtures/fix_once` has one sync logging method
//! reached from many async call sites, and the same pattern allowed where it blocks. The
//! summaries group the findings by the operation they reach, `--statistics` counts them,
//! JSON gives each finding's root, and the allows that stop a chain count as used.

use std::path::Path;

use serde_json::Value;

use crate::common::{copy_dir, lint_in_repo, repo_root, run, tempdir};

const ROOT: &str =
    "std::fs::File::write_all in FileJobLogger::log (fixtures/fix_once/src/logger.rs:22)";

fn lint(args: &[&str]) -> String {
    let (stdout, command) = lint_in_repo(args).unwrap_or_else(|err| panic!("{err}"));
    String::from_utf8(stdout).unwrap_or_else(|_| panic!("`{command}`: stdout is UTF-8"))
}

#[test]
fn human_and_concise_summaries_name_the_root() {
    let line = format!("10 of these reach {ROOT}: fix or allow it there\n");
    let human = lint(&["--color", "never", "fixtures/fix_once"]);
    assert!(
        human.ends_with(&format!(
            "Found 10 problems (10 warnings) in 1 file\n{line}"
        )),
        "{human}"
    );
    let concise = lint(&["--format", "concise", "fixtures/fix_once"]);
    assert!(concise.ends_with(&line), "{concise}");
    assert_eq!(concise.lines().count(), 11, "{concise}");
}

#[test]
fn statistics_count_per_rule_and_per_root() {
    assert_eq!(
        lint(&["--statistics", "fixtures/fix_once"]),
        format!("10  blocking_fs\n\n10  {ROOT}\n")
    );
}

#[test]
fn json_gives_each_transitive_finding_its_root() {
    let items: Vec<Value> =
        serde_json::from_str(&lint(&["--format", "json", "fixtures/fix_once"])).unwrap();
    assert_eq!(items.len(), 10);
    for item in &items {
        assert_eq!(
            item["root"],
            serde_json::json!({"file": "fixtures/fix_once/src/logger.rs", "line": 22, "column": 19}),
            "{item}"
        );
    }
    let direct: Vec<Value> = serde_json::from_str(&lint(&[
        "--format",
        "json",
        "fixtures/src/mistakes/blocking_fs.rs",
    ]))
    .unwrap();
    assert!(!direct.is_empty());
    assert!(direct.iter().all(|item| item["root"].is_null()));
}

/// The allows in `audit.rs` silence no finding of that file (it has none): they stop
/// chains, so they are used. A rule name beside them that stops nothing is not.
#[test]
fn allows_that_stop_a_chain_are_used() {
    let dir = tempdir();
    let copy = dir.path().join("fix_once");
    copy_dir(&repo_root().join("fixtures/fix_once"), &copy);
    let audit = copy.join("src/audit.rs");
    let text = std::fs::read_to_string(&audit).unwrap();
    std::fs::write(
        &audit,
        text.replace("allow(blocking_fs)", "allow(blocking_fs, blocking_net)"),
    )
    .unwrap();
    let out = run(
        dir.path(),
        &[
            "--format",
            "concise",
            "--select",
            "blocking_fs,blocking_net,unused_suppression",
            "fix_once",
        ],
    );
    let unused: Vec<&str> = out
        .stdout
        .lines()
        .filter(|line| line.contains("unused_suppression"))
        .collect();
    assert_eq!(unused.len(), 3, "{out:?}");
    assert!(
        unused
            .iter()
            .all(|line| line.starts_with("fix_once/src/audit.rs:")
                && line.ends_with("suppression of `blocking_net` silences nothing")),
        "{out:?}"
    );
}

/// The configuration's form of "fix it once": an `[[allow]]` entry naming the logging
/// method stops every chain through it, and only those.
#[test]
fn a_configured_allow_stops_every_chain_through_the_fn() {
    let dir = tempdir();
    let copy = dir.path().join("fix_once");
    copy_dir(&repo_root().join("fixtures/fix_once"), &copy);
    let findings = |dir: &Path| {
        let out = run(dir, &["--format", "concise", "fix_once"]);
        out.stdout
            .lines()
            .filter(|line| line.contains("warning["))
            .count()
    };
    assert_eq!(findings(dir.path()), 10);
    std::fs::write(
        copy.join("async-lint.toml"),
        "[[allow]]\npath = \"async_lint_fixture_fix_once::logger::FileJobLogger::log\"\nrule = \"blocking_fs\"\n",
    )
    .unwrap();
    assert_eq!(findings(dir.path()), 0);
    // Another rule's allow stops nothing.
    std::fs::write(
        copy.join("async-lint.toml"),
        "[[allow]]\npath = \"async_lint_fixture_fix_once::logger::FileJobLogger::log\"\nrule = \"blocking_net\"\n",
    )
    .unwrap();
    assert_eq!(findings(dir.path()), 10);
    // Nor does an entry naming another crate.
    std::fs::write(
        copy.join("async-lint.toml"),
        "[[allow]]\npath = \"other::logger::FileJobLogger::log\"\n",
    )
    .unwrap();
    assert_eq!(findings(dir.path()), 10);
}
