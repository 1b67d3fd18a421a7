//! Output is deterministic (SPEC §5, house rule 11): the same bytes on 1 or 8 threads and
//! from run to run, in every format.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::BIN;

fn run(threads: &str, format: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--threads", threads])
        .args(format)
        .arg("fixtures")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("NO_COLOR")
        .output()
        .expect("run async-lint")
}

fn check(format: &[&str]) {
    let first = run("1", format);
    let stdout = String::from_utf8_lossy(&first.stdout);
    // Not vacuous: the fixtures' mistakes are reported, in more than one file.
    assert_eq!(first.status.code(), Some(1), "{format:?}: {first:?}");
    assert!(stdout.contains("blocking_sleep"), "{format:?}: {stdout}");
    assert!(stdout.contains("lock_across_await"), "{format:?}: {stdout}");
    assert!(files_named(&stdout) >= 3, "{format:?}: {stdout}");
    for threads in ["8", "1", "8", "2"] {
        let again = run(threads, format);
        assert_eq!(
            again.status.code(),
            first.status.code(),
            "{format:?} --threads {threads}"
        );
        assert!(
            again.stdout == first.stdout,
            "{format:?}: --threads {threads} differs from --threads 1:\n{}",
            first_difference(&first.stdout, &again.stdout)
        );
        assert!(
            again.stderr == first.stderr,
            "{format:?}: stderr on --threads {threads} differs:\n{}",
            first_difference(&first.stderr, &again.stderr)
        );
    }
}

/// How many different `fixtures/….rs` paths the output names.
fn files_named(output: &str) -> usize {
    let mut files: Vec<&str> = output
        .match_indices("fixtures/")
        .filter_map(|(i, _)| output[i..].find(".rs").map(|end| &output[i..i + end]))
        .collect();
    files.sort_unstable();
    files.dedup();
    files.len()
}

/// The first line where `a` and `b` differ, for the failure message.
fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (None, None) => break,
            (x, y) => return format!("line {n}:\n  - {x:?}\n  + {y:?}"),
        }
    }
    String::from("(same lines)")
}

#[test]
fn json_is_the_same_on_any_thread_count_and_run() {
    check(&["--format", "json"]);
}

#[test]
fn concise_is_the_same_on_any_thread_count_and_run() {
    check(&["--format", "concise"]);
}

#[test]
fn human_is_the_same_on_any_thread_count_and_run() {
    check(&["--format", "human", "--color", "never"]);
}
