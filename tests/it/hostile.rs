//! Hostile input (SPEC §7, issue 6): nothing a user feeds async-lint brings it down, and a
//! bad file never costs another file its findings.
//!
//! Each test runs the built binary on a temporary directory holding the hostile file and
//! `good.rs`, whose blocking call must still be reported. What cannot be analyzed gets a
//! `parse_error` naming the file and exit 2; what is valid is analyzed normally. No run may
//! print "panicked", abort, or hang (each run has a time limit).
//!
//! The tail of the file holds regression tests for inputs the fuzzer (fuzz/) found; they
//! call `lint_source` directly.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::BIN;

mod families;

/// A file with one `blocking_sleep` finding at line 1, column 16.
const GOOD: &str = "async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n";

/// How long one run may take before it counts as a hang. The slowest valid input here, the
/// 50 MB file, takes about 35 s in the debug build; [`run_within`] sets other limits.
const TIME_LIMIT: Duration = Duration::from_secs(180);

struct Run {
    code: i32,
    /// The child's peak resident memory as last seen (VmHWM), in KiB.
    peak_kib: u64,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let cut = |s: &str| s.chars().take(4000).collect::<String>();
        write!(
            f,
            "exit {} after {:?}, peak {} MiB\n--- stdout\n{}\n--- stderr\n{}",
            self.code,
            self.elapsed,
            self.peak_kib >> 10,
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }
}

impl Run {
    fn diagnostics(&self) -> Vec<Value> {
        match serde_json::from_str(&self.stdout) {
            Ok(Value::Array(items)) => items,
            _ => panic!("stdout is not a JSON array: {self:?}"),
        }
    }

    /// The diagnostics on `file` (matched on the path's end: paths are shown as reached).
    fn on(&self, file: &str) -> Vec<Value> {
        self.diagnostics()
            .into_iter()
            .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)))
            .collect()
    }

    /// No panic, no internal error, and `good.rs`'s finding is there.
    fn assert_sound(&self) {
        assert!(!self.stderr.contains("panicked"), "{self:?}");
        assert!(!self.stdout.contains("internal error"), "{self:?}");
        let good = self.on("good.rs");
        assert_eq!(good.len(), 1, "good.rs's finding is lost: {self:?}");
        assert_eq!(good[0]["rule"], "blocking_sleep", "{self:?}");
        assert_eq!(
            (&good[0]["line"], &good[0]["column"]),
            (&1.into(), &16.into())
        );
    }

    /// Exit 2, and exactly one `parse_error` on `file` whose message names it.
    fn assert_refused(&self, file: &str) -> Value {
        self.assert_sound();
        assert_eq!(self.code, 2, "{self:?}");
        let on = self.on(file);
        assert_eq!(on.len(), 1, "one diagnostic on {file}: {self:?}");
        assert_eq!(on[0]["rule"], "parse_error", "{self:?}");
        let message = on[0]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("{file}`")),
            "names {file}: {message}"
        );
        on[0].clone()
    }

    /// Exit 1 (good.rs's finding), nothing on `file`.
    fn assert_clean(&self, file: &str) {
        self.assert_sound();
        assert_eq!(self.code, 1, "{self:?}");
        assert_eq!(self.on(file), Vec::<Value>::new(), "{self:?}");
    }
}

/// Runs async-lint in `dir` (`--format json`, PATH `.` unless `args` names paths).
fn run(dir: &Path, args: &[&str]) -> Run {
    run_within(dir, args, TIME_LIMIT)
}

fn run_within(dir: &Path, args: &[&str], limit: Duration) -> Run {
    let start = Instant::now();
    let format: &[&str] = if args.contains(&"--format") {
        &[]
    } else {
        &["--format", "json"]
    };
    let mut child = Command::new(BIN)
        .args(format)
        .args(if args.is_empty() { &["."][..] } else { args })
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run async-lint");
    // Drain the pipes on threads so a large output cannot block the child.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut s).ok();
        s
    });
    let mut peak_kib = 0;
    let status = loop {
        peak_kib = peak_kib.max(peak_of(child.id()).unwrap_or(0));
        if let Some(status) = child.try_wait().expect("wait for async-lint") {
            break status;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            child.wait().ok();
            panic!(
                "async-lint {args:?} in {} hung: killed after {limit:?}",
                dir.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        peak_kib,
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
        elapsed: start.elapsed(),
    };
    assert!(
        status.code().is_some(),
        "killed by a signal (a stack overflow aborts): {status:?}\n{run:?}"
    );
    run
}

/// A running process's peak resident memory (`VmHWM`), in KiB.
fn peak_of(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A temporary directory holding `good.rs`.
fn dir_with_good_file() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("async-lint-hostile-")
        .tempdir()
        .unwrap();
    fs::write(dir.path().join("good.rs"), GOOD).unwrap();
    dir
}

/// Runs on a directory holding `good.rs` and `name` with `contents`.
fn run_with(name: &str, contents: impl AsRef<[u8]>) -> Run {
    let dir = dir_with_good_file();
    fs::write(dir.path().join(name), contents).unwrap();
    run(dir.path(), &[])
}

fn nested(open: &str, middle: &str, close: &str, depth: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * depth + middle.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(middle);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

// --- what cannot be analyzed: a message naming the file, exit 2 -----------------------------

#[test]
fn nested_parentheses_100_000_are_refused() {
    let text = format!(
        "fn main() {{\n    let x = {};\n}}\n",
        nested("(", "1", ")", 100_000)
    );
    let run = run_with("parens.rs", text);
    let d = run.assert_refused("parens.rs");
    assert_eq!(d["line"], 2, "{run:?}");
}

#[test]
fn nested_blocks_100_000_are_refused() {
    let text = format!("fn main() {}\n", nested("{", "", "}", 100_000));
    run_with("blocks.rs", text).assert_refused("blocks.rs");
}

/// Within the stack the tokens show it needs: analyzed (it was refused when the bound
/// was a count of brackets).
#[test]
fn nested_mods_3_000_are_analyzed() {
    let text = nested("mod m { ", "async fn f() {}", " }", 3_000);
    run_with("mods.rs", text).assert_clean("mods.rs");
}

#[test]
fn nested_mods_30_000_are_refused() {
    let text = nested("mod m { ", "fn f() {}", " }", 30_000);
    run_with("mods.rs", text).assert_refused("mods.rs");
}

#[test]
fn invalid_utf8_is_refused_at_the_bad_byte() {
    let run = run_with("latin1.rs", b"fn main() {}\n// caf\xE9\n");
    let d = run.assert_refused("latin1.rs");
    assert_eq!(
        (&d["line"], &d["column"]),
        (&2.into(), &7.into()),
        "{run:?}"
    );
}

/// proc-macro2's lexer rejects a NUL outside literals and comments: a parse error.
#[test]
fn nul_byte_in_code_is_refused() {
    let run = run_with("nul.rs", b"fn main() {}\n\0\n");
    let d = run.assert_refused("nul.rs");
    assert_eq!(d["line"], 2, "{run:?}");
}

/// Inside a string literal or a comment a NUL is valid Rust.
#[test]
fn nul_byte_in_literal_and_comment_is_valid() {
    let run = run_with("nul_ok.rs", b"fn main() { let _s = \"a\0b\"; } // \0\n");
    run.assert_clean("nul_ok.rs");
}

/// `chmod 000` stops a normal user, not root (CI runs as root: CAP_DAC_OVERRIDE reads it
/// anyway). When the chmod does not stop a read, the file is replaced by a symbolic link to
/// `/proc/self/mem`: a regular file by its metadata whose read fails with EIO even for root
/// (offset 0 is never mapped), so the read error path is still exercised.
#[test]
fn unreadable_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = dir_with_good_file();
    let locked = dir.path().join("locked.rs");
    fs::write(&locked, GOOD).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        fs::remove_file(&locked).unwrap();
        std::os::unix::fs::symlink("/proc/self/mem", &locked).unwrap();
        assert!(fs::metadata(&locked).unwrap().is_file());
        assert!(fs::read(&locked).is_err(), "/proc/self/mem should not read");
    }
    let run = run(dir.path(), &[]);
    let d = run.assert_refused("locked.rs");
    assert!(
        d["message"].as_str().unwrap().starts_with("could not read"),
        "{run:?}"
    );
}

#[test]
fn dangling_symlink_is_refused() {
    let dir = dir_with_good_file();
    std::os::unix::fs::symlink("does-not-exist.rs", dir.path().join("dangling.rs")).unwrap();
    run(dir.path(), &[]).assert_refused("dangling.rs");
}

/// A link to its own directory: reported once, not followed forever.
#[test]
fn symlink_loop_to_ancestor_is_refused() {
    let dir = dir_with_good_file();
    fs::create_dir(dir.path().join("sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
    run(dir.path(), &[]).assert_refused("sub/up");
}

/// A link to itself (ELOOP on every stat).
#[test]
fn self_referential_symlink_is_refused() {
    let dir = dir_with_good_file();
    std::os::unix::fs::symlink("self.rs", dir.path().join("self.rs")).unwrap();
    run(dir.path(), &[]).assert_refused("self.rs");
}

/// A FIFO given by name: opening it for reading would block until a writer comes, so it
/// must be refused as not a regular file, not read.
#[test]
fn fifo_given_as_path_is_refused_without_hanging() {
    let dir = dir_with_good_file();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("pipe.rs"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let limit = Duration::from_secs(30);
    run_within(dir.path(), &["good.rs", "pipe.rs"], limit).assert_refused("pipe.rs");
}

/// A FIFO met while walking is not a Rust file: skipped (not opened), the walk goes on.
#[test]
fn fifo_in_walked_directory_is_skipped_without_hanging() {
    let dir = dir_with_good_file();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("pipe.rs"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    run_within(dir.path(), &[], Duration::from_secs(30)).assert_clean("pipe.rs");
}

// --- deep nesting that valid Rust allows --------------------------------------------------

/// `A<A<...>>` is not a bracket the pre-check counts; at this depth syn's recursion fits the
/// parse stack, so the file is valid and analyzed.
#[test]
fn nested_generics_5_000_are_analyzed() {
    let text = format!("type T = {};\n", nested("A<", "u8", ">", 5_000));
    run_with("generics.rs", text).assert_clean("generics.rs");
}

/// Deeper than any parse stack: must be refused with a message (or analyzed), never abort.
#[test]
fn nested_generics_100_000_do_not_abort() {
    let text = format!("type T = {};\n", nested("A<", "u8", ">", 100_000));
    refused_or_clean(run_with("generics.rs", text), "generics.rs");
}

/// Prefix operators recurse in syn's parser too.
fn prefix_operators(name: &str, op: &str) {
    let text = format!("fn main() {{\n    let x = {}x;\n}}\n", op.repeat(1_000_000));
    refused_or_clean(run_with(name, text), name);
}

#[test]
fn prefix_not_1_000_000_does_not_abort() {
    prefix_operators("not.rs", "!");
}

#[test]
fn prefix_minus_1_000_000_does_not_abort() {
    prefix_operators("neg.rs", "- ");
}

#[test]
fn prefix_deref_1_000_000_does_not_abort() {
    prefix_operators("deref.rs", "*");
}

#[test]
fn prefix_reference_1_000_000_does_not_abort() {
    prefix_operators("refs.rs", "&");
}

/// Reference types nest without brackets: `&&&&u8`.
#[test]
fn reference_types_1_000_000_do_not_abort() {
    let text = format!("type T = {}u8;\n", "&".repeat(1_000_000));
    refused_or_clean(run_with("reftypes.rs", text), "reftypes.rs");
}

/// Closures nest without brackets: `|| || || x`.
#[test]
fn nested_closures_300_000_do_not_abort() {
    let text = format!(
        "fn main() {{\n    let f = {}1;\n}}\n",
        "|| ".repeat(300_000)
    );
    refused_or_clean(run_with("closures.rs", text), "closures.rs");
}

/// A method chain is parsed in a loop but is a deep tree for the visit and the drop.
#[test]
fn method_chain_1_000_000_does_not_abort() {
    let text = format!(
        "fn main() {{\n    let x = y{};\n}}\n",
        ".f()".repeat(1_000_000)
    );
    refused_or_clean(run_with("chain.rs", text), "chain.rs");
}

/// An `.await` chain in async code: parsed in a loop, a deep tree for the walker. The
/// method chain above of the same length takes 3 s in a release build; this one must not
/// take much longer (a 100,000-long chain took 23 s when this test was written: quadratic).
#[test]
fn await_chain_1_000_000_does_not_abort_or_hang() {
    let dir = dir_with_good_file();
    let text = format!(
        "async fn g() {{\n    x{};\n}}\n",
        ".await".repeat(1_000_000)
    );
    fs::write(dir.path().join("awaits.rs"), text).unwrap();
    let run = run_within(dir.path(), &[], Duration::from_secs(60));
    refused_or_clean(run, "awaits.rs");
}

/// Positions on one long line (minified code) must not cost the line's length each: 100,000
/// `.await`s on one 900 KB line. On separate lines this takes 0.1 s (release); on one line it
/// took 35 s when this test was written (`LineIndex::pos` counts characters from the start
/// of the line for every position: quadratic).
#[test]
fn awaits_on_one_long_line_are_not_quadratic() {
    let dir = dir_with_good_file();
    let text = format!("async fn g() {{ {}}}\n", "x.await; ".repeat(100_000));
    fs::write(dir.path().join("oneline.rs"), text).unwrap();
    let run = run_within(dir.path(), &[], Duration::from_secs(60));
    run.assert_clean("oneline.rs");
}

/// Either analyzed (exit 1, nothing on `file`) or refused (exit 2, a message naming it).
fn refused_or_clean(run: Run, file: &str) {
    if run.code == 2 {
        run.assert_refused(file);
    } else {
        run.assert_clean(file);
    }
}

// --- valid input, analyzed normally -------------------------------------------------------

/// Not a directory's worth of trouble: a directory named `x.rs` is walked like any other,
/// and the finding inside it is reported.
#[test]
fn directory_named_x_rs_is_walked() {
    let dir = dir_with_good_file();
    fs::create_dir(dir.path().join("x.rs")).unwrap();
    fs::write(dir.path().join("x.rs/inner.rs"), GOOD).unwrap();
    let run = run(dir.path(), &[]);
    run.assert_sound();
    assert_eq!(run.code, 1, "{run:?}");
    let inner = run.on("x.rs/inner.rs");
    assert_eq!(inner.len(), 1, "{run:?}");
    assert_eq!(inner[0]["rule"], "blocking_sleep");
    assert!(
        run.on("x.rs").is_empty(),
        "nothing on the directory itself: {run:?}"
    );
}

/// An empty directory named `x.rs`, given by name: a directory with no files, not an error.
#[test]
fn empty_directory_named_x_rs_given_as_path_is_not_an_error() {
    let dir = dir_with_good_file();
    fs::create_dir(dir.path().join("x.rs")).unwrap();
    run(dir.path(), &["good.rs", "x.rs"]).assert_clean("x.rs");
}

/// 200,000 terms: syn parses the chain in a loop, but the tree is 200,000 deep for the
/// walker and the drop. The blocking call beside it must be found.
#[test]
fn expression_of_200_000_terms_is_analyzed() {
    let mut text = String::from(
        "async fn big() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n    let _x = 1",
    );
    text.push_str(&" + 1".repeat(199_999));
    text.push_str(";\n}\n");
    let run = run_with("sum.rs", text);
    run.assert_sound();
    assert_eq!(run.code, 1, "{run:?}");
    let on = run.on("sum.rs");
    assert_eq!(on.len(), 1, "{run:?}");
    assert_eq!(on[0]["rule"], "blocking_sleep");
    assert_eq!((&on[0]["line"], &on[0]["column"]), (&2.into(), &5.into()));
}

/// 50 MB of small functions, the finding on the last line.
#[test]
#[ignore = "slow and heavy: 35 s to 3 min and about 7 GB in the debug build; CI runs it (.ci/run passes --include-ignored)"]
fn file_of_50_mb_is_analyzed() {
    let mut text = String::with_capacity(50_100_000);
    let mut lines = 0;
    let mut i = 0u64;
    while text.len() < 50_000_000 {
        use std::fmt::Write as _;
        writeln!(text, "fn f{i}(x: u64) -> u64 {{ let y = x * {i}; y + 1 }}").unwrap();
        lines += 1;
        i += 1;
    }
    text.push_str(GOOD.replace("fn f()", "fn last()").as_str());
    let dir = dir_with_good_file();
    fs::write(dir.path().join("big.rs"), &text).unwrap();
    // The debug build takes 35 s alone and over 180 s beside other heavy tests on 2 cores
    // (CI runs the ignored tests together): the bound here is against a hang, not a speed
    // target (the release build's target for 50 MB is the benchmark's business, issue 15).
    let run = run_within(dir.path(), &[], Duration::from_secs(900));
    eprintln!("50 MB file ({lines} functions): {:?}", run.elapsed);
    run.assert_sound();
    assert_eq!(run.code, 1, "{run:?}");
    let on = run.on("big.rs");
    assert_eq!(on.len(), 1, "{run:?}");
    assert_eq!(on[0]["rule"], "blocking_sleep");
    assert_eq!(on[0]["line"], lines + 1);
}

#[test]
fn empty_file_is_analyzed() {
    run_with("empty.rs", "").assert_clean("empty.rs");
}

/// The byte-order mark is not a character of the line: the column is the editor's.
#[test]
fn bom_file_is_analyzed_with_columns_after_the_mark() {
    let run = run_with("bom.rs", format!("\u{FEFF}{GOOD}"));
    run.assert_sound();
    assert_eq!(run.code, 1, "{run:?}");
    let on = run.on("bom.rs");
    assert_eq!(on.len(), 1, "{run:?}");
    assert_eq!(on[0]["rule"], "blocking_sleep");
    assert_eq!((&on[0]["line"], &on[0]["column"]), (&1.into(), &16.into()));
    assert_eq!(on[0]["end_column"], 34);
}

/// The same hostile file through `--stdin-filename`: refused, exit 2, no abort.
#[test]
fn nested_parentheses_from_stdin_are_refused() {
    let text = format!(
        "fn main() {{ let x = {}; }}\n",
        nested("(", "1", ")", 100_000)
    );
    let mut child = Command::new(BIN)
        .args(["--format", "json", "--stdin-filename", "deep.rs", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["rule"], "parse_error");
    assert!(items[0]["message"].as_str().unwrap().contains("`deep.rs`"));
}

// --- the generator: every family that once took the run down ------------------------------

/// Every family of the generator at a fiftieth of the size that took the run down before,
/// all beside `good.rs` in one run: each is analyzed or refused, none costs `good.rs` its
/// finding. Seconds in the debug build.
#[test]
fn every_hostile_family_at_a_small_size_is_analyzed_or_refused() {
    let dir = dir_with_good_file();
    for family in families::FAMILIES {
        let text = family.text(family.crashed_at / 50);
        fs::write(dir.path().join(family.file()), text).unwrap();
    }
    let run = run_within(dir.path(), &[], Duration::from_secs(120));
    run.assert_sound();
    for family in families::FAMILIES {
        let on = run.on(&family.file());
        assert!(
            on.is_empty() || (on.len() == 1 && on[0]["rule"] == "parse_error"),
            "{}: {on:?}",
            family.name
        );
    }
}

/// Every family at ten times the size that took the run down before, each in a run of
/// its own: no abort, the good file reported, the bad one analyzed or refused, within
/// 60 s (release; the debug build gets five times that) and 2 GiB.
#[test]
#[ignore = "heavy: files up to hundreds of MB, minutes in the debug build; CI runs it (.ci/run passes --include-ignored)"]
fn every_hostile_family_at_ten_times_the_crash_size_is_survived() {
    let limit = Duration::from_secs(if cfg!(debug_assertions) { 300 } else { 60 });
    let mut failed = Vec::new();
    for family in families::FAMILIES {
        let dir = dir_with_good_file();
        let n = family.crashed_at * 10;
        fs::write(dir.path().join(family.file()), family.text(n)).unwrap();
        let run = run_within(dir.path(), &[], limit * 2);
        eprintln!(
            "{} x {n}: exit {} in {:.1?}, peak {} MiB",
            family.name,
            run.code,
            run.elapsed,
            run.peak_kib >> 10
        );
        refused_or_clean(
            run_with_family(run, &mut failed, family.name, limit),
            &family.file(),
        );
    }
    assert!(failed.is_empty(), "over a bound: {failed:?}");
}

/// `run`, after noting in `failed` whether it kept within `limit` and 2 GiB.
fn run_with_family(run: Run, failed: &mut Vec<String>, name: &str, limit: Duration) -> Run {
    if run.elapsed > limit || run.peak_kib > 2 << 20 {
        failed.push(format!(
            "{name}: {:.1?}, {} MiB",
            run.elapsed,
            run.peak_kib >> 10
        ));
    }
    run
}

// --- files that are not what their names say ----------------------------------------------

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

/// A `.gitignore`, `.ignore` or `.git` file that is a FIFO would block the walk forever,
/// one linked to `/dev/zero` would fill memory: the folder holding it is refused with a
/// message naming the file, and the rest is walked.
#[test]
fn ignore_files_that_are_fifos_or_devices_are_refused() {
    for name in [".gitignore", ".ignore", ".git"] {
        for fifo in [true, false] {
            let dir = dir_with_good_file();
            let sub = dir.path().join("sub");
            fs::create_dir(&sub).unwrap();
            fs::write(sub.join("inner.rs"), GOOD).unwrap();
            if fifo {
                mkfifo(&sub.join(name));
            } else {
                std::os::unix::fs::symlink("/dev/zero", sub.join(name)).unwrap();
            }
            let run = run_within(dir.path(), &[], Duration::from_secs(30));
            let on = run.on(&format!("sub/{name}"));
            assert_eq!(on.len(), 1, "{name}: {run:?}");
            assert_eq!(on[0]["rule"], "parse_error");
            let message = on[0]["message"].as_str().unwrap();
            assert!(message.contains("not a regular file"), "{message}");
            assert_eq!(run.code, 2, "{run:?}");
            assert_eq!(run.on("good.rs").len(), 1, "{run:?}");
        }
    }
}

/// A `Cargo.toml` that is a FIFO or a device is not read: an error names it (exit 2), the
/// files beside it are linted as loose files, and nothing hangs. The same for one over the
/// 4 MiB cap, whose folder is still a crate.
#[test]
fn cargo_toml_that_is_a_fifo_a_device_or_too_large_is_refused() {
    for kind in ["a FIFO", "a device", "larger than"] {
        let dir = dir_with_good_file();
        let manifest = dir.path().join("Cargo.toml");
        match kind {
            "a FIFO" => mkfifo(&manifest),
            "a device" => std::os::unix::fs::symlink("/dev/urandom", &manifest).unwrap(),
            _ => fs::write(&manifest, "#".repeat(5 << 20)).unwrap(),
        }
        let run = run_within(dir.path(), &[], Duration::from_secs(30));
        run.assert_sound();
        assert_eq!(run.code, 2, "{kind}: {run:?}");
        let on = run.on("Cargo.toml");
        assert_eq!(on.len(), 1, "{kind}: {run:?}");
        assert_eq!(on[0]["rule"], "parse_error", "{kind}: {run:?}");
        let message = on[0]["message"].as_str().unwrap();
        assert!(
            message.starts_with("could not read `Cargo.toml`: ") && message.contains(kind),
            "{kind}: {message}"
        );
    }
}

/// A configuration file that is a FIFO stops the run with a message, without hanging.
#[test]
fn configuration_that_is_a_fifo_is_refused() {
    let dir = dir_with_good_file();
    mkfifo(&dir.path().join("async-lint.toml"));
    let run = run_within(dir.path(), &[], Duration::from_secs(30));
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("not a regular file (a FIFO)"),
        "{run:?}"
    );
}

/// A baseline that is a FIFO stops the run with a message, without hanging.
#[test]
fn baseline_that_is_a_fifo_is_refused() {
    let dir = dir_with_good_file();
    mkfifo(&dir.path().join("baseline.json"));
    let run = run_within(
        dir.path(),
        &["--baseline", "baseline.json", "."],
        Duration::from_secs(30),
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("not a regular file (a FIFO)"),
        "{run:?}"
    );
}

/// A 5 GB source (sparse: no disk taken) is refused by its size, before any read.
#[test]
fn source_over_the_size_limit_is_refused_unread() {
    let dir = dir_with_good_file();
    let file = fs::File::create(dir.path().join("huge.rs")).unwrap();
    file.set_len(5_000_000_000).unwrap();
    let run = run_within(dir.path(), &[], Duration::from_secs(30));
    let d = run.assert_refused("huge.rs");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("larger than the 64 MiB"),
        "{run:?}"
    );
    assert!(run.peak_kib < 512 << 10, "{run:?}");
}

/// A name with control characters reaches the output escaped, and the file's
/// suppressions are read from the file itself, not from its shown name.
#[test]
fn control_characters_in_names_are_escaped() {
    let dir = dir_with_good_file();
    fs::write(dir.path().join("bell\x07\x1b[31m.rs"), GOOD).unwrap();
    let run = run(dir.path(), &[]);
    assert!(
        !run.stdout.contains('\x1b') && !run.stdout.contains("\\u001b"),
        "{run:?}"
    );
    assert_eq!(run.on("bell\\u{7}\\u{1b}[31m.rs").len(), 1, "{run:?}");
}

/// A file whose name is not UTF-8 keeps its suppressions.
#[test]
fn suppressions_hold_in_a_file_whose_name_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = dir_with_good_file();
    let name = std::ffi::OsStr::from_bytes(b"caf\xE9.rs");
    let allowed = format!("// async-lint: allow(blocking_sleep)\n{GOOD}");
    fs::write(dir.path().join(name), allowed).unwrap();
    let run = run(dir.path(), &[]);
    run.assert_sound();
    assert_eq!(run.diagnostics().len(), 1, "{run:?}");
}

// --- every stage linear: doubling an input must not quadruple its time ----------------------

/// One shape of input at size `n`, written into `dir`, with the arguments to run it with.
type Shape = (&'static str, usize, fn(usize, &Path) -> Vec<&'static str>);

fn blocking_lines(n: usize, suffix: &str) -> String {
    let line = format!("    std::thread::sleep(std::time::Duration::from_secs(1));{suffix}\n");
    format!("async fn f() {{\n{}}}\n", line.repeat(n))
}

const SHAPES: &[Shape] = &[
    ("findings, rustc-json", 5_000, |n, dir| {
        fs::write(dir.join("a.rs"), blocking_lines(n, "")).unwrap();
        vec!["--format", "rustc-json", "."]
    }),
    ("findings, sarif", 5_000, |n, dir| {
        fs::write(dir.join("a.rs"), blocking_lines(n, "")).unwrap();
        vec!["--format", "sarif", "."]
    }),
    ("suppressed findings", 20_000, |n, dir| {
        let text = blocking_lines(n, " // async-lint: allow(blocking_sleep)");
        fs::write(dir.join("a.rs"), text).unwrap();
        vec!["."]
    }),
    ("impl< in a skipped file", 500_000, |n, dir| {
        fs::write(dir.join("a.rs"), "async fn f() {}\n").unwrap();
        fs::write(dir.join("b.rs"), "impl<".repeat(n)).unwrap();
        vec!["."]
    }),
    ("nested vec! macros", 300, |n, dir| {
        let one = format!("    let _v = {};\n", nested("vec![", "1", "]", n));
        fs::write(
            dir.join("a.rs"),
            format!("async fn f() {{\n{}}}\n", one.repeat(20)),
        )
        .unwrap();
        vec!["."]
    }),
    // Callers after their callees: a fixed point that sweeps every call each round took a
    // round per link of the chain (4.8 s at 20k fns, 0.27 s with the worklist).
    ("a call chain declared callee first", 5_000, |n, dir| {
        let mut text = String::new();
        for i in (0..n).rev() {
            let body = if i + 1 < n {
                format!("f{}();", i + 1)
            } else {
                "async_std::task::spawn(async {});".to_string()
            };
            text.push_str(&format!("fn f{i}() {{ {body} }}\n"));
        }
        text.push_str("#[tokio::main]\nasync fn main() { f0(); }\n");
        fs::write(dir.join("a.rs"), text).unwrap();
        vec!["."]
    }),
    // Callers before their callees: the blocking reach's rounds took a round per link and
    // copied the chain at each step (release: 0.3 s at 1k fns, 4.2 s at 2k, 44 s at 4k;
    // now 0.34 s at 20k).
    ("a call chain declared caller first", 2_000, |n, dir| {
        let mut text = String::from("async fn main() { f0(); }\n");
        for i in 0..n {
            let body = if i + 1 < n {
                format!("f{}();", i + 1)
            } else {
                "std::thread::sleep(std::time::Duration::ZERO);".to_string()
            };
            text.push_str(&format!("fn f{i}() {{ {body} }}\n"));
        }
        fs::write(dir.join("a.rs"), text).unwrap();
        vec!["."]
    }),
    // Closure parameters given on through wrappers to the one that spawns a thread: each
    // wrapper is settled once its callee is (a worklist, not rounds).
    ("a chain of closure wrappers", 2_000, |n, dir| {
        let mut text = String::new();
        for i in 0..n {
            let body = if i + 1 < n {
                format!("w{}(f);", i + 1)
            } else {
                "std::thread::spawn(f);".to_string()
            };
            text.push_str(&format!(
                "fn w{i}<F: FnOnce() + Send + 'static>(f: F) {{ {body} }}\n"
            ));
        }
        text.push_str(
            "async fn main() { w0(|| std::thread::sleep(std::time::Duration::ZERO)); }\n",
        );
        fs::write(dir.join("a.rs"), text).unwrap();
        vec!["."]
    }),
    ("nested fns with use", 1_000, |n, dir| {
        let text = nested("fn f() { use std::fs; ", "", " }", n);
        fs::write(dir.join("a.rs"), format!("{text}\nasync fn g() {{}}\n")).unwrap();
        vec!["."]
    }),
    ("small files in one crate", 5_000, |n, dir| {
        fs::create_dir(dir.join("src")).unwrap();
        let manifest = "[package]\nname = \"many\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
        fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        let mut lib = String::new();
        for i in 0..n {
            lib.push_str(&format!("mod m{i};\n"));
            let text = if i % 10 == 0 {
                format!(
                    "pub async fn run{i}() {{ crate::m{}::work{}(); }}\n",
                    i + 1,
                    i + 1
                )
            } else {
                format!("pub fn work{i}() -> u64 {{ {i} }}\n")
            };
            fs::write(dir.join(format!("src/m{i}.rs")), text).unwrap();
        }
        fs::write(dir.join("src/lib.rs"), lib).unwrap();
        vec!["."]
    }),
];

/// Each shape at `n` and `2n`: the time may double (and some), not quadruple.
///
/// Each size's time is the faster of two runs, so that one run slowed by the machine does
/// not read as growth; `.ci/run` runs this test on its own, after the others, for the same
/// reason (beside the 50 MB file's test, a run took 3.6× as long at twice the size).
#[test]
#[ignore = "timing: meaningful only on a quiet machine; .ci/run runs it alone"]
fn doubling_any_input_does_not_quadruple_the_time() {
    let mut slow = Vec::new();
    for &(name, n, make) in SHAPES {
        let mut times = Vec::new();
        for size in [n, 2 * n] {
            let dir = tempfile::tempdir().unwrap();
            let args = make(size, dir.path());
            let fastest = (0..2)
                .map(|_| {
                    let run = run_within(dir.path(), &args, Duration::from_secs(600));
                    assert!(!run.stderr.contains("panicked"), "{name}: {run:?}");
                    run.elapsed.as_secs_f64()
                })
                .fold(f64::INFINITY, f64::min);
            times.push(fastest);
        }
        eprintln!(
            "{name}: {n} in {:.2} s, {} in {:.2} s",
            times[0],
            2 * n,
            times[1]
        );
        // Quadratic would be 4×; allow 3× and half a second of start-up noise.
        if times[1] > 3.0 * times[0] + 0.5 {
            slow.push(format!("{name}: {:.2} s then {:.2} s", times[0], times[1]));
        }
    }
    assert!(slow.is_empty(), "quadratic: {slow:?}");
}

/// A rule name in a configuration with an escape character in it: the unknown-rule
/// finding shows it escaped, in every format.
#[test]
fn control_characters_in_rule_names_are_escaped() {
    let dir = dir_with_good_file();
    let config = "[rules]\n\"bad\\u001b[2J\" = \"warn\"\n";
    fs::write(dir.path().join("async-lint.toml"), config).unwrap();
    for format in ["human", "json", "concise"] {
        let run = run(dir.path(), &["--format", format, "."]);
        assert!(!run.stdout.contains('\x1b'), "{format}: {run:?}");
        // JSON writes the escape's backslash escaped.
        let shown = if format == "json" {
            "bad\\\\u{1b}[2J"
        } else {
            "bad\\u{1b}[2J"
        };
        assert!(run.stdout.contains(shown), "{format}: {run:?}");
    }
}

/// The human format streams: 100k findings (60 MB of output) take no more memory than the
/// concise format's 9 MB of the same findings. Held whole, the output added its own size
/// (and the buffer's growth) to the peak.
#[test]
#[ignore = "heavy: a 28 MB file with 100k findings, twice; CI runs it (.ci/run passes --include-ignored)"]
fn human_output_is_streamed_not_held() {
    let dir = tempfile::tempdir().unwrap();
    let line = format!("    std::thread::sleep(d); // {}\n", "x".repeat(250));
    let text = format!(
        "async fn f(d: std::time::Duration) {{\n{}}}\n",
        line.repeat(100_000)
    );
    fs::write(dir.path().join("many.rs"), text).unwrap();
    let limit = Duration::from_secs(600);
    let human = run_within(dir.path(), &["--format", "human", "many.rs"], limit);
    let concise = run_within(dir.path(), &["--format", "concise", "many.rs"], limit);
    assert_eq!((human.code, concise.code), (1, 1));
    let output_kib = human.stdout.len() as u64 >> 10;
    assert!(output_kib > 50 << 10, "{output_kib} KiB of output");
    // Held whole, the output would add at least its own size; the two runs' peaks differ by
    // up to ~20 MiB from run to run (measured: 392–411 MiB for the same concise run).
    assert!(
        human.peak_kib < concise.peak_kib + output_kib / 2,
        "human: {} MiB, concise: {} MiB, output {} MiB",
        human.peak_kib >> 10,
        concise.peak_kib >> 10,
        output_kib >> 10
    );
}
