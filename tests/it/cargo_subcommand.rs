//! `cargo async-lint`: the `cargo-async-lint` binary run the way cargo runs it
//! (`cargo-async-lint async-lint ARGS`, from the package's directory), and through cargo
//! itself with the binary on `PATH`.

use std::fs;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_cargo-async-lint");
const SLEEP: &str = "std::thread::sleep(std::time::Duration::from_secs(1));";

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn sleeper(name: &str) -> String {
    format!("pub async fn {name}() {{\n    {SLEEP}\n}}\n")
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A workspace: a root package with a member, and a file outside any target folder.
fn project() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("async-lint-cargo-")
        .tempdir()
        .unwrap();
    let d = dir.path();
    write(
        d,
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\nmembers = [\"member\"]\n",
    );
    write(d, "src/lib.rs", &sleeper("lib"));
    write(d, "tests/it.rs", &sleeper("test"));
    write(
        d,
        "examples/ex.rs",
        &format!("{}fn main() {{}}\n", sleeper("ex")),
    );
    write(d, "scratch/notes.rs", &sleeper("not_a_target"));
    write(
        d,
        "member/Cargo.toml",
        "[package]\nname = \"member\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(d, "member/src/lib.rs", &sleeper("member"));
    dir
}

fn files(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect()
}

#[test]
fn lints_the_current_package_the_way_cargo_runs_it() {
    let dir = project();
    let (code, stdout, stderr) = run(dir.path(), &["async-lint", "--format", "concise"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(
        files(&stdout),
        ["examples/ex.rs", "src/lib.rs", "tests/it.rs"],
        "{stdout}"
    );
    // From inside a member: that member.
    let (_, stdout, _) = run(
        &dir.path().join("member/src"),
        &["async-lint", "--format", "concise"],
    );
    assert_eq!(files(&stdout), ["./lib.rs"], "{stdout}");
    // Paths given: those paths, as with async-lint.
    let (_, stdout, _) = run(
        dir.path(),
        &["async-lint", "--format", "concise", "scratch"],
    );
    assert_eq!(files(&stdout), ["scratch/notes.rs"], "{stdout}");
}

#[test]
fn lints_every_member_of_a_virtual_workspace() {
    let dir = project();
    let d = dir.path();
    write(
        d,
        "Cargo.toml",
        "[workspace]\nmembers = [\"member\", \"more/*\"]\n",
    );
    write(
        d,
        "more/x/Cargo.toml",
        "[package]\nname = \"x\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        d,
        "more/x/src/main.rs",
        &format!("{}fn main() {{}}\n", sleeper("x")),
    );
    let (code, stdout, _) = run(d, &["async-lint", "--format", "concise"]);
    assert_eq!(code, 1);
    assert_eq!(
        files(&stdout),
        ["member/src/lib.rs", "more/x/src/main.rs"],
        "{stdout}"
    );
}

#[test]
fn outside_any_package_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    // Only meaningful where no Cargo.toml sits above the temporary directory.
    if dir
        .path()
        .ancestors()
        .any(|a| a.join("Cargo.toml").is_file())
    {
        return;
    }
    let (code, _, stderr) = run(dir.path(), &["async-lint"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("could not find `Cargo.toml`"), "{stderr}");
}

#[test]
fn cargo_itself_finds_the_subcommand_on_path() {
    let dir = project();
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin_dir.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["async-lint", "--format", "concise"])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        files(&stdout),
        ["examples/ex.rs", "src/lib.rs", "tests/it.rs"]
    );
}
