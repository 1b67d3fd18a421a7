//! Runs over 1 MiB of source parse the files that can hold a finding, then the files that
//! what they parsed calls into (`crate_model::select`): those must be found however the
//! call names them — through a re-export, or as the struct a lock call's field is of.

use crate::common::{run, tempdir, write, write_filler};

/// A crate `svc` over 1 MiB (`src/big.rs`, which its root must declare), in a new folder.
fn large_crate() -> tempfile::TempDir {
    let dir = tempdir();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write_filler(dir.path(), "src/big.rs");
    dir
}

/// A call through a re-export (`crate::stall` for `pub use worker::stall;`) reaches the
/// file that defines the fn, though neither that file nor the crate root mentions async.
#[test]
fn a_call_through_a_re_export_reaches_the_file_that_defines_it() {
    let dir = large_crate();
    write(
        dir.path(),
        "src/lib.rs",
        "mod big;\nmod handler;\nmod worker;\npub use worker::{stall, Worker};\n",
    );
    write(
        dir.path(),
        "src/handler.rs",
        "pub async fn handle() {\n    crate::stall();\n}\n",
    );
    write(
        dir.path(),
        "src/worker.rs",
        "/// Waits for the disk to settle; blocks the calling thread.\n\
         pub fn stall() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n\
         pub struct Worker;\n",
    );
    let out = run(dir.path(), &["--format", "concise", "."]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{out:?}");
    assert!(
        lines[0].starts_with("./src/handler.rs:2:5: ") && lines[0].contains("std::thread::sleep"),
        "{out:?}"
    );
}

/// A guard whose lock field's struct only a file without async code declares.
#[test]
fn a_lock_field_in_a_file_not_parsed_is_found() {
    let dir = large_crate();
    write(
        dir.path(),
        "src/main.rs",
        "mod big;\nmod registry;\n\
         use crate::registry::Registry;\n\
         async fn tick() {}\n\
         pub async fn hit(r: &Registry) { let mut h = r.hits.lock(); *h += 1; tick().await; }\n\
         fn main() {}\n",
    );
    write(
        dir.path(),
        "src/registry.rs",
        "pub struct Registry {\n    pub hits: parking_lot::Mutex<u64>,\n}\n\
         impl Registry {\n    pub fn new() -> Self { Registry { hits: Default::default() } }\n}\n",
    );
    let out = run(dir.path(), &["--format", "concise", "."]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{out:?}");
    assert!(
        lines[0].starts_with("./src/main.rs:5:")
            && lines[0].contains("(field `hits` of `Registry`, ./src/registry.rs:2)"),
        "{out:?}"
    );
}
