//! `async-lint server` spoken to over JSON-RPC, as an editor would: diagnostics for an
//! open document from its unsaved text, findings that appear and disappear as it is
//! edited, code actions, a change in a callee's file that updates its caller's findings,
//! configuration edits picked up without a restart, and malformed messages that do not
//! end the session.

use std::io::{BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{BIN, repo_root, tempdir, write};

/// How long a test waits for the server (the debug build, on a loaded machine).
const PATIENCE: Duration = Duration::from_secs(60);

/// A server process and what it sent.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    /// Messages received and not yet looked at.
    seen: Vec<Value>,
    next_id: i64,
}

impl Client {
    pub fn start(dir: &Path) -> Client {
        let mut child = Command::new(BIN)
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start async-lint server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Ok(Some(body)) = read_body(&mut reader) {
                let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                    break;
                };
                if send.send(value).is_err() {
                    break;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            seen: Vec::new(),
            next_id: 0,
        }
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let body = json!({ "jsonrpc": "2.0", "method": method, "params": params });
        self.send_raw(body.to_string().as_bytes());
    }

    /// Sends a request and waits for its response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let body = json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params });
        self.send_raw(body.to_string().as_bytes());
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The first message (received or to come) that `matches`, removed from those seen.
    pub fn wait_for(&mut self, matches: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(i) = self.seen.iter().position(&matches) {
                return self.seen.remove(i);
            }
            match self
                .messages
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                Ok(message) => self.seen.push(message),
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "no matching message in {PATIENCE:?}; seen: {:#?}",
                        self.seen
                    )
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server ended; seen: {:#?}", self.seen)
                }
            }
        }
    }

    /// The next diagnostics published for `uri` that `matches`.
    pub fn diagnostics(&mut self, uri: &str, matches: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let found = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && matches(m["params"]["diagnostics"].as_array().unwrap())
        });
        found["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn initialize(&mut self, root: &Path, options: Value) -> Value {
        let response = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": {},
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        response
    }

    pub fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri(path), "languageId": "rust", "version": 1, "text": text,
            }}),
        );
    }

    pub fn replace(&mut self, path: &Path, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(path), "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// Shuts the server down and returns its exit status.
    pub fn stop(mut self) -> i32 {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_body(reader: &mut impl std::io::BufRead) -> std::io::Result<Option<Vec<u8>>> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length.unwrap_or(0)];
    std::io::Read::read_exact(reader, &mut body)?;
    Ok(Some(body))
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A tokio crate: `main.rs` calls `store::load`, which does not block yet.
pub fn crate_with_a_callee(dir: &Path) {
    write(
        dir,
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
    );
    write(dir, "src/main.rs", MAIN);
    write(dir, "src/store.rs", QUIET_STORE);
}

pub const MAIN: &str = "mod store;\n\n#[tokio::main]\nasync fn main() {\n    let n = store::load();\n    println!(\"{n}\");\n}\n\nasync fn tick() {\n    tokio::task::yield_now().await;\n}\n";
pub const QUIET_STORE: &str = "pub fn load() -> usize {\n    1\n}\n";
pub const BLOCKING_STORE: &str =
    "pub fn load() -> usize {\n    std::fs::read(\"x\").map(|b| b.len()).unwrap_or(0)\n}\n";

fn rules(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn diagnostics_follow_the_unsaved_text() {
    let tmp = tempdir();
    let dir = tmp.path().canonicalize().unwrap();
    crate_with_a_callee(&dir);
    let mut client = Client::start(&dir);
    let init = client.initialize(&dir, json!({ "debounceMs": 10 }));
    assert_eq!(
        init["result"]["capabilities"]["textDocumentSync"]["change"], 2,
        "{init}"
    );
    let main = dir.join("src/main.rs");
    client.open(&main, MAIN);
    let quiet = client.diagnostics(&uri(&main), |_| true);
    assert!(quiet.is_empty(), "{quiet:#?}");

    // A blocking call typed into the buffer (not saved) is reported...
    let typed = MAIN.replace(
        "    tokio::task::yield_now().await;",
        "    std::thread::sleep(std::time::Duration::from_millis(5));\n    tokio::task::yield_now().await;",
    );
    client.replace(&main, 2, &typed);
    let found = client.diagnostics(&uri(&main), |d| !d.is_empty());
    assert_eq!(rules(&found), ["blocking_sleep"], "{found:#?}");
    let finding = &found[0];
    assert_eq!(finding["range"]["start"]["line"], 9, "{finding:#}");
    assert_eq!(finding["source"], "async-lint");
    let href = finding["codeDescription"]["href"].as_str().unwrap();
    let docs = std::fs::read_to_string(href.strip_prefix("file://").unwrap()).unwrap();
    assert!(docs.contains("blocking_sleep"), "{docs}");

    // ... with its fix and an allow comment as code actions.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&main) },
            "range": finding["range"],
            "context": { "diagnostics": [finding] },
        }),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Allow `blocking_sleep` on this line"),
        "{titles:?}"
    );
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("no fix among {titles:?}"));
    let edits = &fix["edit"]["changes"][uri(&main)];
    assert!(edits.to_string().contains("tokio::time::sleep"), "{fix:#}");

    // Applying the allow makes it disappear.
    let allow = actions
        .iter()
        .find(|a| a["title"] == "Allow `blocking_sleep` on this line")
        .unwrap();
    let edit = &allow["edit"]["changes"][uri(&main)][0];
    assert_eq!(edit["range"]["start"]["line"], 9);
    let line: Vec<&str> = typed.lines().collect();
    let allowed = typed.replace(
        line[9],
        &format!("{}{}", line[9], edit["newText"].as_str().unwrap()),
    );
    client.replace(&main, 3, &allowed);
    let gone = client.diagnostics(&uri(&main), |d| d.is_empty());
    assert!(gone.is_empty());

    // And the text as it was: it reappears, then goes with the edit undone.
    client.replace(&main, 4, &typed);
    client.diagnostics(&uri(&main), |d| !d.is_empty());
    client.replace(&main, 5, MAIN);
    client.diagnostics(&uri(&main), |d| d.is_empty());
    assert_eq!(client.stop(), 0);
}

/// A server started and initialized (debounce 10 ms) on a fresh crate with a callee; the
/// folder lives as long as the first value.
fn started_on_a_crate_with_a_callee() -> (tempfile::TempDir, std::path::PathBuf, Client) {
    let tmp = tempdir();
    let dir = tmp.path().canonicalize().unwrap();
    crate_with_a_callee(&dir);
    let mut client = Client::start(&dir);
    client.initialize(&dir, json!({ "debounceMs": 10 }));
    (tmp, dir, client)
}

#[test]
fn a_change_in_a_callee_updates_its_caller() {
    let (_tmp, dir, mut client) = started_on_a_crate_with_a_callee();
    let (main, store) = (dir.join("src/main.rs"), dir.join("src/store.rs"));
    client.open(&main, MAIN);
    client.open(&store, QUIET_STORE);
    assert!(client.diagnostics(&uri(&main), |_| true).is_empty());

    // The callee's unsaved text blocks: the caller's chain appears, in the caller.
    client.replace(&store, 2, BLOCKING_STORE);
    let chain = client.diagnostics(&uri(&main), |d| !d.is_empty());
    assert_eq!(rules(&chain), ["blocking_fs"], "{chain:#?}");
    assert_eq!(chain[0]["range"]["start"]["line"], 4);
    let related = chain[0]["relatedInformation"].as_array().unwrap();
    assert!(
        related.iter().any(|r| r["location"]["uri"] == uri(&store)),
        "{related:#?}"
    );
    // Back: it goes.
    client.replace(&store, 3, QUIET_STORE);
    client.diagnostics(&uri(&main), |d| d.is_empty());

    // The callee closed: its file on disk counts again.
    std::fs::write(&store, BLOCKING_STORE).unwrap();
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&store) } }),
    );
    client.diagnostics(&uri(&main), |d| !d.is_empty());
    assert_eq!(client.stop(), 0);
}

#[test]
fn configuration_changes_apply_without_a_restart() {
    let tmp = tempdir();
    let dir = tmp.path().canonicalize().unwrap();
    crate_with_a_callee(&dir);
    let main = dir.join("src/main.rs");
    let typed = MAIN.replace(
        "    tokio::task::yield_now().await;",
        "    std::thread::sleep(std::time::Duration::from_millis(5));",
    );
    let mut client = Client::start(&dir);
    client.initialize(&dir, json!({ "debounceMs": 10 }));
    client.open(&main, &typed);
    client.diagnostics(&uri(&main), |d| rules(d) == ["blocking_sleep"]);
    write(
        &dir,
        "async-lint.toml",
        "[rules]\nblocking_sleep = \"allow\"\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&dir.join("async-lint.toml")), "type": 1 }] }),
    );
    client.diagnostics(&uri(&main), |d| d.is_empty());
    write(
        &dir,
        "async-lint.toml",
        "[rules]\nblocking_sleep = \"deny\"\n",
    );
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": {} }),
    );
    let denied = client.diagnostics(&uri(&main), |d| !d.is_empty());
    assert_eq!(denied[0]["severity"], 1, "{denied:#?}");
    assert_eq!(client.stop(), 0);
}

#[test]
fn malformed_messages_do_not_end_the_session() {
    let tmp = tempdir();
    let dir = tmp.path().canonicalize().unwrap();
    crate_with_a_callee(&dir);
    let mut client = Client::start(&dir);
    // Before initialize: refused, not fatal.
    let early = client.request("textDocument/codeAction", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize(&dir, json!(null));
    client.send_raw(b"{ this is not json");
    let parse = client.wait_for(|m| m["error"]["code"] == -32700);
    assert!(parse["error"]["message"].is_string());
    assert!(
        parse["id"].is_null(),
        "JSON-RPC: an unreadable id is null: {parse}"
    );
    let unknown = client.request("no/suchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad = client.request("textDocument/codeAction", json!({ "textDocument": 3 }));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": 5 } }),
    );
    client.notify("textDocument/didChange", json!([1, 2, 3]));
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&dir.join("src/main.rs")), "version": 9 },
            "contentChanges": [{ "range": { "start": { "line": 99, "character": 99 }, "end": { "line": 0, "character": 0 } }, "text": "x" }],
        }),
    );
    let again = client.request("initialize", json!({ "capabilities": {} }));
    assert!(again["error"].is_object(), "{again}");
    // Still serving.
    let main = dir.join("src/main.rs");
    client.open(
        &main,
        "async fn f() { std::thread::sleep(std::time::Duration::ZERO); }\n",
    );
    client.diagnostics(&uri(&main), |d| rules(d) == ["blocking_sleep"]);
    assert_eq!(client.stop(), 0);
}

/// "Allow on this line" on a line that ends inside a multi-line string puts the comment
/// above it, where it does not change the string, and the finding goes.
#[test]
fn allow_on_a_line_ending_inside_a_string_goes_above_it() {
    let (_tmp, dir, mut client) = started_on_a_crate_with_a_callee();
    let main = dir.join("src/main.rs");
    let text = "async fn f() {\n    std::fs::write(\"x\", r#\"a\n b\"#).ok();\n}\n\nfn main() {}\n";
    client.open(&main, text);
    let found = client.diagnostics(&uri(&main), |d| !d.is_empty());
    assert_eq!(rules(&found), ["blocking_fs"], "{found:#?}");
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&main) },
            "range": found[0]["range"],
            "context": { "diagnostics": [found[0]] },
        }),
    );
    let allow = actions["result"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Allow `blocking_fs` on this line")
        .cloned()
        .unwrap_or_else(|| panic!("{actions:#}"));
    let edit = &allow["edit"]["changes"][uri(&main)][0];
    assert_eq!(
        edit["range"]["start"],
        json!({ "line": 1, "character": 0 }),
        "{edit}"
    );
    let new_text = edit["newText"].as_str().unwrap();
    assert_eq!(new_text, "    // async-lint: allow(blocking_fs)\n");
    let allowed = text.replacen("    std::fs", &format!("{new_text}    std::fs"), 1);
    assert!(allowed.contains("r#\"a\n b\"#"), "the string is unchanged");
    client.replace(&main, 2, &allowed);
    client.diagnostics(&uri(&main), |d| d.is_empty());
    assert_eq!(client.stop(), 0);
}

/// A guard held across an `.await`: the `.await` is the diagnostic's related information,
/// in the same file, at the protocol's (0-based) position.
#[test]
fn awaits_are_related_information() {
    let tmp = tempdir();
    let dir = tmp.path().canonicalize().unwrap();
    crate_with_a_callee(&dir);
    let main = dir.join("src/main.rs");
    let text = "use std::sync::Mutex;\n\nasync fn f(m: &Mutex<u32>) {\n    let g = m.lock().unwrap();\n    tokio::task::yield_now().await;\n    drop(g);\n}\n\nfn main() {}\n";
    let mut client = Client::start(&dir);
    client.initialize(&dir, json!({ "debounceMs": 10 }));
    client.open(&main, text);
    let found = client.diagnostics(&uri(&main), |d| !d.is_empty());
    assert_eq!(rules(&found), ["lock_across_await"], "{found:#?}");
    let related = &found[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri(&main), "{related:#}");
    assert_eq!(
        related["location"]["range"]["start"]["line"], 4,
        "{related:#}"
    );
    assert!(
        related["message"].as_str().unwrap().contains(".await"),
        "{related:#}"
    );
    assert_eq!(client.stop(), 0);
}

/// A real editor: Neovim, headless, driven by `tests/editors/neovim.lua` on the `chain_app`
/// fixture (see the script). Needs `nvim` (`.ci/run` installs Debian's `neovim`); without
/// it the test says so and passes.
#[test]
#[ignore = "needs neovim; .ci/run installs it"]
fn neovim_shows_findings_as_the_buffer_changes_and_applies_a_fix() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("skipped: `nvim` is not installed (`apt-get install neovim`)");
        return;
    }
    let root = repo_root();
    let tmp = tempdir();
    let out = tmp.path().join("seen.txt");
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-u", "NONE", "-c"])
        .arg(format!(
            "luafile {}",
            root.join("tests/editors/neovim.lua").display()
        ))
        .env("ASYNC_LINT_BIN", BIN)
        .env("ASYNC_LINT_ROOT", root.join("fixtures/chain_app"))
        .env(
            "ASYNC_LINT_FILE",
            root.join("fixtures/chain_app/src/client.rs"),
        )
        .env("ASYNC_LINT_OUT", &out)
        .current_dir(tmp.path())
        .status()
        .expect("run nvim");
    let seen = std::fs::read_to_string(&out)
        .unwrap_or_else(|err| panic!("nvim ({status}) wrote nothing to {}: {err}", out.display()));
    let value = |key: &str| {
        seen.lines()
            .find_map(|line| line.strip_prefix(key)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no `{key}` in what nvim saw:\n{seen}"))
            .to_string()
    };
    assert!(!seen.contains("\nerror "), "{seen}");
    for step in [
        "client",
        "published",
        "appeared",
        "disappeared",
        "appeared_again",
        "gone_after_action",
    ] {
        assert_eq!(value(step), "true", "{step}:\n{seen}");
    }
    // client.rs has one finding of its own (a blocking read in an async fn).
    assert_eq!(value("initial"), "1", "{seen}");
    assert_eq!(value("count_with_finding"), "2", "{seen}");
    assert!(
        value("actions").contains("Allow `blocking_sleep` on this line"),
        "{seen}"
    );
    assert!(
        value("fixed_line").contains("tokio::time::sleep("),
        "{seen}"
    );
    assert!(value("fixed_line").contains(".await"), "{seen}");
}

/// The files on disk that are not open are kept between lints: a callee changed on disk
/// is read again, by its new size and time, or because the client says it changed (the
/// same size within the clock's tick), and its caller's chain follows.
#[test]
fn a_callee_changed_on_disk_updates_its_open_caller() {
    let (_tmp, dir, mut client) = started_on_a_crate_with_a_callee();
    let (main, store) = (dir.join("src/main.rs"), dir.join("src/store.rs"));
    client.open(&main, MAIN);
    assert!(client.diagnostics(&uri(&main), |_| true).is_empty());

    // Written on disk, then the open buffer edited: the chain appears.
    std::fs::write(&store, BLOCKING_STORE).unwrap();
    let edited = format!("{MAIN}\n");
    client.replace(&main, 2, &edited);
    let chain = client.diagnostics(&uri(&main), |d| !d.is_empty());
    assert_eq!(rules(&chain), ["blocking_fs"], "{chain:#?}");

    // The same size, the client's notice: it goes.
    let quiet = BLOCKING_STORE.replace("std::fs::read", "std::fs_xread");
    assert_eq!(quiet.len(), BLOCKING_STORE.len());
    std::fs::write(&store, &quiet).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&store), "type": 2 }] }),
    );
    client.diagnostics(&uri(&main), |d| d.is_empty());

    // And back, saved by another editor: the next edit sees it.
    std::fs::write(&store, BLOCKING_STORE).unwrap();
    client.replace(&main, 3, MAIN);
    client.diagnostics(&uri(&main), |d| !d.is_empty());
    assert_eq!(client.stop(), 0);
}
