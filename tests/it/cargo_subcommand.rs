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

/// Inside one member of a workspace (fixtures/workspace/server), `async-lint src` and
/// `cargo async-lint` follow calls into the sibling crates the member depends on (their
/// sources read from the manifests: a renamed path dependency, an inherited workspace
/// dependency, an `extern crate … as` alias), and report only in the paths asked for.
#[test]
fn inside_a_member_calls_into_its_siblings_are_followed() {
    let server = crate::common::repo_root().join("fixtures/workspace/server");
    let lint = env!("CARGO_BIN_EXE_async-lint");
    let direct = Command::new(lint)
        .args(["--format", "json", "src"])
        .current_dir(&server)
        .output()
        .unwrap();
    let (_, cargo_stdout, cargo_stderr) = run(&server, &["async-lint", "--format", "json"]);
    for (how, stdout) in [
        ("async-lint src", String::from_utf8(direct.stdout).unwrap()),
        ("cargo async-lint", cargo_stdout),
    ] {
        let findings: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|err| panic!("{how}: {err}\n{stdout}{cargo_stderr}"));
        let findings = findings.as_array().unwrap();
        let file = |f: &serde_json::Value| f["file"].as_str().unwrap().replace('\\', "/");
        assert!(
            findings.iter().all(|f| file(f).starts_with("src/")),
            "{how}: a finding outside the member's src/: {stdout}"
        );
        let notes: Vec<String> = findings
            .iter()
            .flat_map(|f| f["notes"].as_array().unwrap().iter())
            .map(|note| note.as_str().unwrap().to_string())
            .collect();
        let crossing = "server::routes::delete_upload → index_scheduler::files::delete_update_file \
                        → std::fs::remove_file at ../index-scheduler/src/files.rs:13";
        assert!(
            notes.iter().any(|note| note == crossing),
            "{how}: no note `{crossing}` in {notes:#?}"
        );
        // Two crates down, through a method of a sibling's type, to the third crate.
        assert!(
            notes.iter().any(|note| note.contains(
                "index_scheduler::IndexScheduler::register_task → \
                 store_core::BlobStore::write_blob → std::fs::write at \
                 ../store-core/src/blob.rs:27"
            )),
            "{how}: {notes:#?}"
        );
        // The markers of the member's files, exactly: 12 in src/ (main.rs, routes.rs, tasks.rs).
        assert_eq!(findings.len(), 12, "{how}: {stdout}");
    }
}

#[test]
fn package_workspace_manifest_path_and_target_flags_choose_like_cargo() {
    let dir = project();
    let d = dir.path();
    let concise = ["async-lint", "--format", "concise"];
    let with = |extra: &[&str]| {
        let args: Vec<&str> = concise.iter().chain(extra).copied().collect();
        run(d, &args)
    };
    let (_, stdout, stderr) = with(&["-p", "member"]);
    assert_eq!(files(&stdout), ["member/src/lib.rs"], "{stdout}{stderr}");
    let (_, stdout, _) = with(&["--package", "app", "--package", "member"]);
    assert_eq!(
        files(&stdout),
        [
            "examples/ex.rs",
            "member/src/lib.rs",
            "src/lib.rs",
            "tests/it.rs"
        ]
    );
    let (_, stdout, _) = with(&["--workspace", "--lib"]);
    assert_eq!(
        files(&stdout),
        ["member/src/lib.rs", "src/lib.rs"],
        "{stdout}"
    );
    // As cargo, `--tests` builds the library in test mode too: its unit tests count.
    let (_, stdout, _) = with(&["--tests"]);
    assert_eq!(files(&stdout), ["src/lib.rs", "tests/it.rs"], "{stdout}");
    let (_, stdout, _) = with(&["--all-targets"]);
    assert_eq!(
        files(&stdout),
        ["examples/ex.rs", "src/lib.rs", "tests/it.rs"]
    );
    // From elsewhere, by its manifest.
    let (code, stdout, stderr) = run(
        &d.join("scratch"),
        &[
            "async-lint",
            "--format",
            "concise",
            "--manifest-path",
            "../member/Cargo.toml",
        ],
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(files(&stdout), ["../member/src/lib.rs"], "{stdout}");
}

#[test]
fn usage_errors_name_cargo_async_lint() {
    let dir = project();
    let (code, _, stderr) = run(dir.path(), &["async-lint", "-p", "nope"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("package `nope` is not a member"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Usage: cargo async-lint [OPTIONS]"),
        "{stderr}"
    );
    let (code, _, stderr) = run(dir.path(), &["async-lint", "--bogus"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("Usage: cargo async-lint [OPTIONS]"),
        "{stderr}"
    );
    let (code, _, stderr) = run(dir.path(), &["async-lint", "-p", "member", "src"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("give no PATH"), "{stderr}");
}

#[test]
fn filters_that_match_nothing_check_nothing_and_package_specs_like_cargo() {
    let dir = project();
    let d = dir.path();
    let concise = ["async-lint", "--format", "concise"];
    let with = |extra: &[&str]| {
        let args: Vec<&str> = concise.iter().chain(extra).copied().collect();
        run(d, &args)
    };
    // `member` has no examples: nothing is checked, not the whole workspace.
    let (code, stdout, stderr) = with(&["-p", "member", "--examples"]);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert!(
        stderr.contains("warning: no Rust files found to check"),
        "{stderr}"
    );
    let (_, stdout, _) = with(&["--workspace", "--exclude", "app"]);
    assert_eq!(files(&stdout), ["member/src/lib.rs"], "{stdout}");
    let (code, _, stderr) = with(&["--exclude", "app"]);
    assert_eq!(code, 2, "`--exclude` needs `--workspace`: {stderr}");
    let (_, stdout, stderr) = with(&["-p", "member@0.1.0"]);
    assert_eq!(files(&stdout), ["member/src/lib.rs"], "{stdout}{stderr}");
    let (_, stdout, stderr) = with(&["-p", "member@0.1"]);
    assert_eq!(files(&stdout), ["member/src/lib.rs"], "{stdout}{stderr}");
    let (code, _, stderr) = with(&["-p", "member@2.0.0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`member` has another version"), "{stderr}");
    let (code, _, stderr) = with(&["-p", "membr"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("did you mean `member`?"), "{stderr}");
    let missing = d.join("nowhere/Cargo.toml");
    let (code, _, stderr) = with(&["--manifest-path", missing.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "manifest path `{}` does not exist",
            missing.display()
        )),
        "{stderr}"
    );
}
