//! What the integration tests share: the repository's `.rs` files, read, and the built
//! binary run in a temporary directory. Each test module uses a part of it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The `async-lint` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_async-lint");

/// How a run of the binary ended.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the binary in `dir` with `args`, `stdin` on its standard input, and `NO_COLOR`
/// unset (color stays off: stdout is a pipe).
pub fn run_with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run async-lint");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait for async-lint");
    Output {
        code: out.status.code().expect("exited, not killed by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_with_stdin(dir, args, b"")
}

/// Writes `contents` at `path` under `dir`, creating folders.
pub fn write(dir: &Path, path: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// Writes `path` under `dir`: over 1 MiB of sync fns, so that the run holds more than
/// `PARSE_ALL_BELOW` of source and parses only the files that can matter.
pub fn write_filler(dir: &Path, path: &str) {
    let filler: String = (0..40_000)
        .map(|i| format!("pub fn f{i}() -> u32 {{ {i} }}\n"))
        .collect();
    assert!(filler.len() > 1 << 20);
    write(dir, path, filler);
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("async-lint-test-")
        .tempdir()
        .unwrap()
}

/// One `.rs` file: its path relative to the repo root (with `/`) and its text.
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file with extension `ext` under `dir` (relative to the repo root), recursively,
/// skipping `target` and hidden directories: paths relative to the repo root, with `/`,
/// sorted. A missing `dir` gives none.
pub fn files_under(dir: &str, ext: &str) -> Vec<String> {
    let root = repo_root();
    let mut stack = vec![root.join(dir)];
    let mut files = Vec::new();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("directory entry").path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            let name = name.unwrap_or_default();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == ext) {
                let relative = path.strip_prefix(&root).expect("under the repo root");
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                files.push(parts.join("/"));
            }
        }
    }
    files.sort();
    files
}

/// Every `.rs` file under `dir` (relative to the repo root), recursively, skipping `target`
/// and hidden directories, sorted by path. An empty result fails the test.
pub fn rust_files_under(dir: &str) -> Vec<SourceFile> {
    let root = repo_root();
    let files: Vec<SourceFile> = files_under(dir, "rs")
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(root.join(&path))
                .unwrap_or_else(|err| panic!("cannot read {path}: {err}"));
            SourceFile { path, text }
        })
        .collect();
    assert!(!files.is_empty(), "no .rs files found under {dir}");
    files
}

/// Runs the binary from the repo root with `args` and returns its stdout, with the command
/// line for messages; exit status 0 (nothing reported) and 1 (findings) are success.
pub fn lint_in_repo(args: &[&str]) -> Result<(Vec<u8>, String), String> {
    let command = format!("async-lint {}", args.join(" "));
    let output = Command::new(BIN)
        .args(args)
        .current_dir(repo_root())
        .env_remove("NO_COLOR")
        .output()
        .map_err(|err| format!("cannot run `{command}`: {err}"))?;
    match output.status.code() {
        Some(0 | 1) => Ok((output.stdout, command)),
        other => Err(format!(
            "`{command}` exited with {other:?}, stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )),
    }
}

/// Copies the folder `from` to `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
