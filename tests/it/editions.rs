//! Valid code is never a `parse_error` (issue 11): a crate without an `edition` key is
//! edition 2015, where bare trait objects and `async` as a name are valid. Bare `Fn` trait
//! objects are read (the file's findings kept at their positions); what the parser cannot
//! read is skipped with a note on stderr and does not change the exit status. A file that
//! no edition accepts stays a `parse_error`. The markers of `fixtures/edition2015` are
//! compared by `crate_fixtures`.

use crate::common::{repo_root, run, tempdir, write};

const MANIFEST_2015: &str = "[package]\nname = \"old\"\nversion = \"0.1.0\"\n";

#[test]
fn an_edition_2015_crate_is_read_and_its_unreadable_file_noted() {
    let out = run(
        &repo_root(),
        &["--format", "concise", "fixtures/edition2015"],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stdout.contains("parse_error"), "{out:?}");
    assert!(
        out.stdout
            .contains("fixtures/edition2015/src/callbacks.rs:30:9: warning[blocking_sleep]"),
        "{out:?}"
    );
    assert!(
        out.stderr.contains(
            "async-lint: note: skipped `fixtures/edition2015/src/keywords.rs`: `async` used as \
             a name, valid only in edition 2015"
        ),
        "{out:?}"
    );
}

#[test]
fn a_skipped_file_alone_exits_zero() {
    let dir = tempdir();
    write(dir.path(), "Cargo.toml", MANIFEST_2015);
    write(
        dir.path(),
        "src/lib.rs",
        "pub trait Handler {\n    fn handle(&self, u8);\n}\n",
    );
    let out = run(dir.path(), &["--format", "concise", "."]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "", "{out:?}");
    assert!(
        out.stderr.contains("anonymous trait-method parameter"),
        "{out:?}"
    );
}

#[test]
fn invalid_code_stays_a_parse_error_in_every_edition() {
    let dir = tempdir();
    write(dir.path(), "Cargo.toml", MANIFEST_2015);
    // Truncated, and a statement no edition accepts.
    write(dir.path(), "src/lib.rs", "pub fn f() -> Box<Fn(u8)> {\n");
    write(dir.path(), "src/bad.rs", "fn g() { let x = ; }\n");
    let out = run(dir.path(), &["--format", "concise", "--parse-all", "."]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stdout.contains("src/lib.rs:1:"), "{out:?}");
    assert!(out.stdout.contains("src/bad.rs:1:"), "{out:?}");
    assert!(!out.stderr.contains("note"), "{out:?}");
}

/// A loose file's edition is unknown, and a declared edition that rejects a bare trait
/// object is the compiler's to report: the file is read either way, its findings kept.
#[test]
fn bare_trait_objects_are_read_in_any_edition() {
    let dir = tempdir();
    write(
        dir.path(),
        "new/Cargo.toml",
        "[package]\nname = \"new\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    let text = "pub type A = Box<Fn(u8) + Send>;\n\
                async fn f() {\n    std::thread::sleep(std::time::Duration::ZERO);\n}\n";
    write(dir.path(), "new/src/lib.rs", text);
    write(dir.path(), "loose.rs", text);
    let out = run(dir.path(), &["--format", "concise", "."]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stdout.contains("parse_error"), "{out:?}");
    assert!(
        out.stdout.contains("loose.rs:3:5: warning[blocking_sleep]"),
        "{out:?}"
    );
    assert!(
        out.stdout
            .contains("new/src/lib.rs:3:5: warning[blocking_sleep]"),
        "{out:?}"
    );
}

#[test]
fn cargo_script_front_matter_is_not_code() {
    let dir = tempdir();
    write(
        dir.path(),
        "script.rs",
        "#!/usr/bin/env -S cargo +nightly -Zscript\n---cargo\n[dependencies]\n\
         tokio = \"1\"\n---\n\nasync fn f() {\n    std::thread::sleep(std::time::Duration::ZERO);\n}\n",
    );
    let out = run(dir.path(), &["--format", "concise", "script.rs"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("script.rs:8:5: warning[blocking_sleep]"),
        "{out:?}"
    );
}
