//! The rust-analyzer set-up, with the real rust-analyzer driven over LSP: a crate with a
//! type error (rustc), a lock held across an await (clippy's `await_holding_lock`) and a
//! blocking sleep in async code (async-lint), checked through
//! `rust-analyzer.check.overrideCommand`. All three must be published at the end of the
//! check: a tool whose lines clear the others' diagnostics fails this.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{BIN, repo_root, tempdir, write};

/// How long a check may take: rust-analyzer loads the sysroot, clippy builds the crate.
const TIMEOUT: Duration = Duration::from_secs(300);
/// Quiet time after the check ends: rust-analyzer publishes from its task pool, which may
/// still be busy with its own analysis.
const SETTLE: Duration = Duration::from_secs(3);
/// How long after the check ends the three findings may take to be published.
const AFTER_CHECK: Duration = Duration::from_secs(60);

const LIB: &str = "\
use std::sync::Mutex;

pub async fn tick() {}

pub async fn held(m: &Mutex<u32>) {
    let guard = m.lock().unwrap();
    tick().await;
    drop(guard);
}

pub async fn nap() {
    std::thread::sleep(std::time::Duration::from_millis(1));
}
";

const MAIN: &str = "\
fn main() {
    let n: u32 = \"not a number\";
    println!(\"{n}\");
}
";

/// Whether `program --version` runs; prints why not.
fn available(program: &str, args: &[&str]) -> bool {
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => true,
        Ok(out) => {
            eprintln!(
                "skipped: `{program} {}` failed ({}): {}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
            false
        }
        Err(err) => {
            eprintln!("skipped: `{program}` cannot run: {err}");
            false
        }
    }
}

#[test]
#[ignore = "needs rust-analyzer; .ci/run installs it"]
fn wrapper_publishes_rustc_clippy_and_async_lint_diagnostics() {
    if !available("rust-analyzer", &["--version"]) || !available("cargo", &["clippy", "--version"])
    {
        return;
    }
    let wrapper = repo_root().join("scripts/check-with-async-lint.sh");
    let command = vec!["sh".to_string(), wrapper.to_string_lossy().into_owned()];
    check_all_three_published(&command);
}

/// The other order (clippy, then async-lint) keeps everything too: async-lint's lines carry
/// the package id, so they clear nothing of clippy's.
#[test]
#[ignore = "needs rust-analyzer; .ci/run installs it"]
fn clippy_first_keeps_everything_too() {
    if !available("rust-analyzer", &["--version"]) || !available("cargo", &["clippy", "--version"])
    {
        return;
    }
    let script = "cargo clippy --workspace --all-targets --message-format=json; \
                  \"$ASYNC_LINT\" --format rustc-json --exit-zero .";
    let command = vec!["sh".to_string(), "-c".to_string(), script.to_string()];
    check_all_three_published(&command);
}

fn check_all_three_published(override_command: &[String]) {
    let dir = tempdir();
    let root = dir.path().canonicalize().unwrap().join("demo");
    write(
        &root,
        "Cargo.toml",
        "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    );
    write(&root, "src/lib.rs", LIB);
    write(&root, "src/main.rs", MAIN);

    let mut server = Server::start(&root);
    let root_uri = uri(&root);
    server.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": "demo"}],
            "capabilities": {
                "window": {"workDoneProgress": true},
                "textDocument": {"publishDiagnostics": {"relatedInformation": true}}
            },
            "initializationOptions": {
                "check": {"overrideCommand": override_command},
                "checkOnSave": true,
                "cachePriming": {"enable": false}
            }
        }),
    );
    server.notify("initialized", json!({}));

    let lib_uri = uri(&root.join("src/lib.rs"));
    let main_uri = uri(&root.join("src/main.rs"));
    let mut published: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    // Once the workspace is loaded, rust-analyzer runs the check (`checkOnSave` with cache
    // priming off). The test ends when the check has ended and the last diagnostics
    // published hold all three findings with nothing new for a while.
    let mut check_ended: Option<Instant> = None;
    let mut last_publish = Instant::now();
    let start = Instant::now();
    // rust-analyzer starts the check twice at start-up (the second cancels the first). Once,
    // in CI beside the heavy tests, the last check ended with async-lint's second line
    // missing (its output is the same run after run; not seen with the tests alone). Once
    // settled without all three, the file is saved again, as a user would, for a whole new
    // check.
    let mut saves_left = 2;
    loop {
        let settled = check_ended.is_some() && last_publish.elapsed() > SETTLE;
        if settled && all_three(&published, &lib_uri, &main_uri).is_ok() {
            break;
        }
        if settled && saves_left > 0 {
            saves_left -= 1;
            eprintln!("not all three after a check: saving src/lib.rs again");
            server.notify(
                "textDocument/didSave",
                json!({"textDocument": {"uri": lib_uri}}),
            );
            check_ended = None;
            last_publish = Instant::now();
            continue;
        }
        if start.elapsed() > TIMEOUT || check_ended.is_some_and(|end| end.elapsed() > AFTER_CHECK) {
            let missing = all_three(&published, &lib_uri, &main_uri)
                .err()
                .unwrap_or_default();
            panic!(
                "check ended: {}; {missing}\npublished: {published:#?}\n{}",
                check_ended.is_some(),
                server.stderr()
            );
        }
        let message = match server.messages.recv_timeout(Duration::from_millis(200)) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => {
                panic!("rust-analyzer exited\n{}", server.stderr())
            }
        };
        let method = message["method"].as_str().unwrap_or_default();
        if message.get("id").is_some() && !method.is_empty() {
            // A request to the client (progress tokens, refreshes): accepted.
            server.send(json!({"jsonrpc": "2.0", "id": message["id"], "result": null}));
            continue;
        }
        match method {
            "$/progress" => {
                let token = message["params"]["token"].to_string();
                match message["params"]["value"]["kind"].as_str() {
                    Some("begin") if token.contains("flycheck") => check_ended = None,
                    Some("end") if token.contains("flycheck") => {
                        check_ended = Some(Instant::now());
                    }
                    _ => {}
                }
            }
            "textDocument/publishDiagnostics" => {
                let params = &message["params"];
                let file = params["uri"].as_str().unwrap_or_default().to_string();
                let diagnostics = params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                published.insert(file, diagnostics);
                last_publish = Instant::now();
            }
            _ => {}
        }
    }
    server.shutdown();
}

/// Whether the diagnostics last published hold the three findings; else which are missing.
fn all_three(
    published: &BTreeMap<String, Vec<Value>>,
    lib_uri: &str,
    main_uri: &str,
) -> Result<(), String> {
    let codes = |file: &str| -> Vec<String> {
        published
            .get(file)
            .into_iter()
            .flatten()
            .filter_map(|d| {
                let code = d["code"].as_str().map(str::to_string)?;
                Some(format!("{}:{code}", d["source"].as_str().unwrap_or("")))
            })
            .collect()
    };
    let lib = codes(lib_uri);
    let main = codes(main_uri);
    let mut missing = Vec::new();
    if !lib.iter().any(|c| c == "clippy:await_holding_lock") {
        missing.push("clippy's await_holding_lock");
    }
    if !lib.iter().any(|c| c == "async_lint:blocking_sleep") {
        missing.push("async-lint's blocking_sleep");
    }
    if !main.iter().any(|c| c == "rustc:E0308") {
        missing.push("rustc's E0308");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "missing: {}\nsrc/lib.rs: {lib:?}\nsrc/main.rs: {main:?}",
            missing.join(", ")
        ))
    }
}

/// `file://` and the path, for the paths this test makes (no character needs escaping in a
/// temporary folder's name).
fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A rust-analyzer process and the messages it sends, read on a thread.
struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    stderr_path: std::path::PathBuf,
    next_id: u64,
    _logs: tempfile::TempDir,
}

impl Server {
    fn start(root: &Path) -> Server {
        let logs = tempdir();
        let stderr_path = logs.path().join("stderr");
        let mut child = Command::new("rust-analyzer")
            .current_dir(root)
            // The check builds in the crate's own target folder, and finds this build's binary.
            .env_remove("CARGO_TARGET_DIR")
            .env("ASYNC_LINT", BIN)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_path).unwrap())
            .spawn()
            .expect("start rust-analyzer");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            stderr_path,
            next_id: 1,
            _logs: logs,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn request(&mut self, method: &str, params: Value) {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The end of what rust-analyzer wrote on stderr, for failure messages.
    fn stderr(&self) -> String {
        let text = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        let tail: Vec<&str> = text.lines().rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        format!("--- rust-analyzer stderr (end)\n{}", tail.join("\n"))
    }

    fn shutdown(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // A failed test must not leave rust-analyzer running.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One LSP message (`Content-Length` header, blank line, JSON body); `None` at the end.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
