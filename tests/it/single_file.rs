//! Single-file modes see the crate (issue 13): a file checked alone, from stdin under
//! `--stdin-filename` or as a file argument (the pre-commit hook's staged files), is linked
//! against the rest of its crate and workspace read from disk, and gets exactly the findings
//! a run over the whole crate gives it — chains into other files and the runtime that
//! callers elsewhere drive it with included.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::common::{repo_root, run, run_with_stdin, rust_files_under};

/// Every crate under `fixtures/` (each folder with a `Cargo.toml`) and the fixtures crate.
pub(crate) fn fixture_crates() -> Vec<String> {
    let root = repo_root();
    let mut crates = vec!["fixtures".to_string()];
    for entry in std::fs::read_dir(root.join("fixtures")).unwrap() {
        let path = entry.unwrap().path();
        if path.join("Cargo.toml").is_file() {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            crates.push(format!("fixtures/{name}"));
        }
    }
    crates.sort();
    crates
}

/// The findings of a JSON report, by file.
pub(crate) fn by_file(stdout: &str) -> BTreeMap<String, Vec<Value>> {
    let found: Vec<Value> = serde_json::from_str(stdout).unwrap_or_else(|err| {
        panic!("not JSON ({err}):\n{stdout}");
    });
    let mut files: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for finding in found {
        let file = finding["file"].as_str().unwrap().to_string();
        files.entry(file).or_default().push(finding);
    }
    files
}

/// The crate's `.rs` files (its own, not a nested crate's), relative to the repository.
pub(crate) fn files_of(krate: &str) -> Vec<String> {
    rust_files_under(krate)
        .into_iter()
        .map(|file| file.path)
        .filter(|path| {
            // The fixtures crate's own files: `fixtures/src` and `fixtures/tests`.
            krate != "fixtures"
                || path.starts_with("fixtures/src/")
                || path.starts_with("fixtures/tests/")
        })
        .collect()
}

#[test]
fn each_file_alone_gets_the_whole_crates_findings() {
    let root = repo_root();
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for krate in fixture_crates() {
        let whole = run(&root, &["--format", "json", &krate]);
        assert!(whole.code <= 2, "{whole:?}");
        let whole = by_file(&whole.stdout);
        for file in files_of(&krate) {
            let expected = whole.get(&file).cloned().unwrap_or_default();
            let text = std::fs::read(root.join(&file)).unwrap();
            let stdin = run_with_stdin(
                &root,
                &["--format", "json", "--stdin-filename", &file, "-"],
                &text,
            );
            let argument = run(&root, &["--format", "json", &file]);
            for (mode, out) in [("stdin", stdin), ("file argument", argument)] {
                let got = by_file(&out.stdout);
                let others: Vec<&String> = got.keys().filter(|name| **name != file).collect();
                let mine = got.get(&file).cloned().unwrap_or_default();
                if mine != expected || !others.is_empty() {
                    mismatches.push(format!(
                        "{file} ({mode}): {} findings, the crate run gives {}; reported in other files: {others:?}\n  got: {}\n  expected: {}",
                        mine.len(),
                        expected.len(),
                        serde_json::to_string(&mine).unwrap(),
                        serde_json::to_string(&expected).unwrap(),
                    ));
                }
            }
            compared += 1;
        }
    }
    assert!(compared > 60, "only {compared} files compared");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

/// The cases: chain_app's chains into other modules, and rt_async_std's
/// `mixed_runtimes` errors, which need the callers in another file.
#[test]
fn chains_and_runtimes_from_other_files_are_seen() {
    let root = repo_root();
    let count = |args: &[&str], stdin: Option<&Path>| {
        let out = match stdin {
            Some(path) => run_with_stdin(&root, args, &std::fs::read(root.join(path)).unwrap()),
            None => run(&root, args),
        };
        by_file(&out.stdout).values().map(Vec::len).sum::<usize>()
    };
    let mut chain_app = 0;
    for file in files_of("fixtures/chain_app") {
        chain_app += count(&["--format", "json", &file], None);
    }
    let whole = count(&["--format", "json", "fixtures/chain_app"], None);
    assert_eq!(chain_app, whole);
    assert!(whole >= 15, "{whole}");

    let files = files_of("fixtures/rt_async_std");
    let mut mixed = 0;
    for file in &files {
        let out = run_with_stdin(
            &root,
            &["--format", "json", "--stdin-filename", file, "-"],
            &std::fs::read(root.join(file)).unwrap(),
        );
        mixed += by_file(&out.stdout)
            .values()
            .flatten()
            .filter(|f| f["rule"] == "mixed_runtimes" && f["level"] == "error")
            .count();
    }
    assert!(mixed >= 2, "{mixed} mixed_runtimes errors file by file");
}

/// Stdin replaces the named file's text on disk: a finding typed into the buffer shows,
/// and the crate's other files are still read from disk.
#[test]
fn stdin_text_replaces_the_file_on_disk() {
    let tmp = crate::common::tempdir();
    let dir = tmp.path();
    crate::common::write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n",
    );
    crate::common::write(
        dir,
        "src/main.rs",
        "mod util;\n#[tokio::main]\nasync fn main() {\n    util::load();\n}\n",
    );
    crate::common::write(dir, "src/util.rs", "pub fn load() {}\n");
    let quiet = run(dir, &["--format", "concise", "src/main.rs"]);
    assert_eq!(quiet.code, 0, "{quiet:?}");
    // The unsaved text makes `load` block: the chain shows in main.rs, reported alone.
    let blocking = b"pub fn load() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n";
    let out = run_with_stdin(
        dir,
        &[
            "--format",
            "concise",
            "--stdin-filename",
            "src/util.rs",
            "-",
        ],
        blocking,
    );
    assert_eq!(
        out.code, 0,
        "sync code alone reports nothing in util.rs: {out:?}"
    );
    std::fs::write(dir.join("src/util.rs"), blocking).unwrap();
    let main = std::fs::read(dir.join("src/main.rs")).unwrap();
    let out = run_with_stdin(
        dir,
        &[
            "--format",
            "concise",
            "--stdin-filename",
            "src/main.rs",
            "-",
        ],
        &main,
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains("src/main.rs:4:"), "{out:?}");
    assert!(!out.stdout.contains("src/util.rs:1:"), "{out:?}");
}
