//! Runs over 1 MiB of source parse the files that can hold a finding, then the files that
//! what they parsed calls into (`crate_model::select`): those must be found however the
//! call names them.

use crate::common::{run, tempdir, write};

/// A call through a re-export (`crate::stall` for `pub use worker::stall;`) reaches the
/// file that defines the fn, though neither that file nor the crate root mentions async.
#[test]
fn a_call_through_a_re_export_reaches_the_file_that_defines_it() {
    let dir = tempdir();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
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
    let filler: String = (0..40_000)
        .map(|i| format!("pub fn f{i}() -> u32 {{ {i} }}\n"))
        .collect();
    assert!(filler.len() > 1 << 20);
    write(dir.path(), "src/big.rs", filler);
    let out = run(dir.path(), &["--format", "concise", "."]);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{out:?}");
    assert!(
        lines[0].starts_with("./src/handler.rs:2:5: ") && lines[0].contains("std::thread::sleep"),
        "{out:?}"
    );
}
