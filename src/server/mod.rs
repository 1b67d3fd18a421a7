//! `async-lint server`: a language server over stdio.
//!
//! It publishes diagnostics for the open documents from their unsaved text: at once after
//! a change when it is idle, and otherwise `debounceMs` (20 by default) after the last lint
//! ended, taking together every change that arrived meanwhile — a quick edit is answered
//! in the time of one lint, and fast typing costs at most one lint per `debounceMs` + lint. Every lint links each open document's crate and workspace
//! with the open buffers in place of their files (the other files' text is kept between
//! lints and read again when their stamp changes, a watched file changes or a document is
//! saved; see `lint`), so a chain through another file is
//! seen, and a change in a file others call updates their findings too (every open file
//! is linted, and republished when its findings changed). The configuration is found
//! afresh on each lint: edits to `async-lint.toml`, `Cargo.toml` or the client's settings
//! apply without a restart. Every message is handled under `catch_unwind`: a request that
//! panics is answered with an error, and the server goes on.
//!
//! Modules: `transport` (framing, tolerant of malformed messages), `documents` (open
//! buffers and their edits), `lint` (one lint of the open documents), `convert` (positions,
//! diagnostics), `actions` (code actions), `docs` (the rules' documentation as files).

mod actions;
mod convert;
mod docs;
mod documents;
mod lint;
mod transport;

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

use crate::diagnostic::Diagnostic;
use documents::Documents;

/// JSON-RPC error codes.
const METHOD_NOT_FOUND: i32 = -32601;
const INVALID_PARAMS: i32 = -32602;
const INTERNAL_ERROR: i32 = -32603;
const SERVER_NOT_INITIALIZED: i32 = -32002;

/// Whether the process's arguments ask for the server: `async-lint server`, with nothing
/// after it but `--stdio` (which some clients add).
pub fn asked() -> bool {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    args.first().is_some_and(|a| a == "server") && args[1..].iter().all(|a| a == "--stdio")
}

/// Runs the server on stdin and stdout until the client says `exit`.
pub fn main() -> std::process::ExitCode {
    let io = transport::stdio();
    let mut server = Server::new(io.sender.clone());
    let code = server.serve(&io.receiver);
    drop(server);
    drop(io.sender);
    let _ = io.writer.join();
    // The reader may be blocked on stdin: it ends with the process.
    std::process::ExitCode::from(code)
}

/// What the loop does after a message.
#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Exit(u8),
}

struct Server {
    out: Sender<Message>,
    initialized: bool,
    shutdown: bool,
    documents: Documents,
    options: lint::Options,
    debounce: Duration,
    /// When the next lint is due.
    due: Option<Instant>,
    /// When the last lint ended: the next one waits `debounce` after it.
    last_lint: Option<Instant>,
    /// What was last published for each open file: the findings and their protocol form.
    published: BTreeMap<PathBuf, Vec<(Diagnostic, lsp_types::Diagnostic)>>,
    docs: docs::Docs,
    /// The last error shown to the user, so it is not repeated on every keystroke.
    shown_error: Option<String>,
    watch_files: bool,
    next_id: i32,
}

impl Server {
    fn new(out: Sender<Message>) -> Server {
        Server {
            out,
            initialized: false,
            shutdown: false,
            documents: Documents::default(),
            options: lint::Options::default(),
            debounce: Duration::from_millis(20),
            due: None,
            last_lint: None,
            published: BTreeMap::new(),
            docs: docs::Docs::default(),
            shown_error: None,
            watch_files: false,
            next_id: 0,
        }
    }

    fn serve(&mut self, receiver: &Receiver<Message>) -> u8 {
        loop {
            let message = match self.due {
                Some(due) => match receiver.recv_deadline(due) {
                    Ok(message) => Some(message),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => return 1,
                },
                None => match receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return 1,
                },
            };
            match message {
                Some(message) => {
                    if let Flow::Exit(code) = self.guarded(message) {
                        return code;
                    }
                }
                None => {
                    // What arrived meanwhile is taken into this lint.
                    while let Ok(message) = receiver.try_recv() {
                        if let Flow::Exit(code) = self.guarded(message) {
                            return code;
                        }
                    }
                    self.due = None;
                    let _ = std::panic::catch_unwind(AssertUnwindSafe(|| self.lint_and_publish()));
                    self.last_lint = Some(Instant::now());
                }
            }
        }
    }

    /// Handles a message; a panic becomes an error response (for a request) or a log line.
    fn guarded(&mut self, message: Message) -> Flow {
        let id = match &message {
            Message::Request(request) => Some(request.id.clone()),
            _ => None,
        };
        match std::panic::catch_unwind(AssertUnwindSafe(|| self.handle(message))) {
            Ok(flow) => flow,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "a panic".to_string());
                match id {
                    Some(id) => self.respond(Response::new_err(
                        id,
                        INTERNAL_ERROR,
                        format!("internal error: {what}"),
                    )),
                    None => self.log(&format!("internal error: {what}")),
                }
                Flow::Continue
            }
        }
    }

    fn handle(&mut self, message: Message) -> Flow {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(notification) => self.notification(notification),
            Message::Response(_) => Flow::Continue,
        }
    }

    fn request(&mut self, request: Request) -> Flow {
        let id = request.id.clone();
        if !self.initialized && request.method != "initialize" {
            self.respond(Response::new_err(
                id,
                SERVER_NOT_INITIALIZED,
                "the server is not initialized".to_string(),
            ));
            return Flow::Continue;
        }
        let result = match request.method.as_str() {
            "initialize" => self.initialize(request.params),
            "shutdown" => {
                self.shutdown = true;
                Ok(Value::Null)
            }
            "textDocument/codeAction" => self.code_actions(request.params),
            method => Err((METHOD_NOT_FOUND, format!("unknown method `{method}`"))),
        };
        self.respond(match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code, message),
        });
        Flow::Continue
    }

    fn notification(&mut self, notification: Notification) -> Flow {
        let params = notification.params;
        match notification.method.as_str() {
            "exit" => return Flow::Exit(if self.shutdown { 0 } else { 1 }),
            _ if !self.initialized => {}
            "initialized" => self.register_watchers(),
            // The guards take the document in; a lint follows when there was one.
            "textDocument/didOpen" if self.documents.open(&params) => self.schedule(),
            "textDocument/didChange" if self.documents.change(&params) => self.schedule(),
            "textDocument/didClose" => {
                if let Some((path, uri)) = self.documents.close(&params) {
                    self.published.remove(&path);
                    self.publish(uri, Vec::new(), None);
                    self.schedule();
                }
            }
            "textDocument/didSave" => {
                self.options.forget_texts();
                self.schedule();
            }
            "workspace/didChangeWatchedFiles" => {
                // A file created or deleted (type 1 or 3), or a manifest changed: the crates
                // are walked again.
                let changes = params.get("changes").and_then(Value::as_array);
                let walk = changes.is_none_or(|changes| {
                    changes.iter().any(|change| {
                        change["type"] != 2
                            || change["uri"].as_str().is_some_and(|u| u.ends_with(".toml"))
                    })
                });
                if walk {
                    self.options.forget_files();
                }
                self.options.forget_texts();
                self.schedule();
            }
            "workspace/didChangeConfiguration" => {
                self.configure(params.get("settings"));
                self.options.forget_files();
                self.schedule();
            }
            _ => {}
        }
        Flow::Continue
    }

    fn initialize(&mut self, params: Value) -> Result<Value, (i32, String)> {
        if self.initialized {
            return Err((
                INVALID_PARAMS,
                "initialize was already received".to_string(),
            ));
        }
        if !params.is_object() {
            return Err((
                INVALID_PARAMS,
                "initialize needs its parameters".to_string(),
            ));
        }
        self.initialized = true;
        self.configure(params.get("initializationOptions"));
        self.watch_files = params
            .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
            .and_then(Value::as_bool)
            == Some(true);
        Ok(json!({
            "capabilities": {
                "positionEncoding": "utf-16",
                "textDocumentSync": {
                    "openClose": true,
                    "change": 2,
                    "save": { "includeText": false },
                },
                "codeActionProvider": { "codeActionKinds": ["quickfix"] },
            },
            "serverInfo": { "name": "async-lint", "version": env!("CARGO_PKG_VERSION") },
        }))
    }

    /// Reads the settings: `config` (a configuration file to use instead of the nearest),
    /// `debounceMs`, `threads`; at the top level or under `async-lint` / `asyncLint`.
    fn configure(&mut self, settings: Option<&Value>) {
        let Some(settings) = settings else { return };
        let settings = settings
            .get("async-lint")
            .or_else(|| settings.get("asyncLint"))
            .unwrap_or(settings);
        if let Some(config) = settings.get("config") {
            self.options.config = config.as_str().filter(|s| !s.is_empty()).map(PathBuf::from);
        }
        if let Some(ms) = settings.get("debounceMs").and_then(Value::as_u64) {
            self.debounce = Duration::from_millis(ms.min(10_000));
        }
        if let Some(threads) = settings.get("threads").and_then(Value::as_u64) {
            self.options.threads = (threads > 0).then(|| threads.min(256) as usize);
        }
    }

    /// Asks the client to report changes to sources and configuration files on disk.
    fn register_watchers(&mut self) {
        if !self.watch_files {
            return;
        }
        let watchers: Vec<Value> = ["**/*.rs", "**/Cargo.toml", "**/async-lint.toml"]
            .iter()
            .map(|glob| json!({ "globPattern": glob }))
            .collect();
        self.next_id += 1;
        let request = Request::new(
            RequestId::from(format!("async-lint-{}", self.next_id)),
            "client/registerCapability".to_string(),
            json!({ "registrations": [{
                "id": "async-lint-watch",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": watchers },
            }]}),
        );
        let _ = self.out.send(Message::Request(request));
    }

    /// A lint at once when the last one ended over `debounce` ago, else that long after it;
    /// a lint already due stays due (changes before it are taken into it).
    fn schedule(&mut self) {
        if self.due.is_none() {
            let now = Instant::now();
            let earliest = self.last_lint.map_or(now, |ended| ended + self.debounce);
            self.due = Some(earliest.max(now));
        }
    }

    /// Lints the open documents and publishes what changed.
    fn lint_and_publish(&mut self) {
        let mut trace = lint::Trace::new("publish");
        let open = self.documents.texts();
        trace.mark("texts");
        let found = lint::lint(&open, &self.options);
        trace.mark("lint");
        let found = match found {
            Ok(found) => {
                self.shown_error = None;
                found
            }
            Err(err) => {
                if self.shown_error.as_deref() != Some(err.as_str()) {
                    self.show_error(&err);
                    self.shown_error = Some(err);
                }
                return;
            }
        };
        for (path, diagnostics) in found {
            let Some((uri, version)) = self.documents.uri_and_version(&path) else {
                continue;
            };
            let text = open.get(&path).map(String::as_str).unwrap_or_default();
            let lines = convert::Lines::new(text);
            let text_of = |file: &str| self.documents.text_of(file);
            let mut converted = Vec::new();
            for diagnostic in diagnostics {
                let link = self.docs.link(diagnostic.rule);
                let lsp = convert::diagnostic(&diagnostic, &lines, &text_of, link);
                converted.push((diagnostic, lsp));
            }
            let same = self.published.get(&path).is_some_and(|old| {
                old.len() == converted.len() && old.iter().zip(&converted).all(|(a, b)| a.1 == b.1)
            });
            let first = !self.published.contains_key(&path);
            let lsp: Vec<lsp_types::Diagnostic> =
                converted.iter().map(|(_, d)| d.clone()).collect();
            self.published.insert(path, converted);
            if first || !same {
                self.publish(uri, lsp, Some(version));
            }
        }
        trace.mark("convert and send");
    }

    fn code_actions(&mut self, params: Value) -> Result<Value, (i32, String)> {
        let params: lsp_types::CodeActionParams = serde_json::from_value(params)
            .map_err(|err| (INVALID_PARAMS, format!("codeAction: {err}")))?;
        let uri = params.text_document.uri;
        let Some(path) = convert::path_of(&uri) else {
            return Ok(json!([]));
        };
        let (Some(findings), Some(text)) = (self.published.get(&path), self.documents.text(&path))
        else {
            return Ok(json!([]));
        };
        let text_of = |file: &str| self.documents.text_of(file);
        let actions = actions::for_range(&uri, text, findings, params.range, &text_of);
        serde_json::to_value(actions).map_err(|err| (INTERNAL_ERROR, err.to_string()))
    }

    fn publish(
        &self,
        uri: lsp_types::Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) {
        let params = lsp_types::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        self.notify("textDocument/publishDiagnostics", params);
    }

    fn show_error(&self, message: &str) {
        self.notify(
            "window/showMessage",
            json!({ "type": 1, "message": format!("async-lint: {message}") }),
        );
    }

    fn log(&self, message: &str) {
        self.notify(
            "window/logMessage",
            json!({ "type": 1, "message": format!("async-lint: {message}") }),
        );
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        let _ = self.out.send(Message::Notification(Notification::new(
            method.to_string(),
            params,
        )));
    }

    fn respond(&self, response: Response) {
        let _ = self.out.send(Message::Response(response));
    }
}
