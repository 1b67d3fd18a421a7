//! Calls matched against the blocking catalogue (and the configured `[[blocking]]`
//! paths): pure queries from a call to what it blocks on ([`Found`]), and [`emit`], which
//! makes it a `Blocking` fact in async context or a recorded op in a sync fn. Owns the
//! address-keyed set of calls already reported.

mod address;
mod finished;
mod runtime_fate;

pub(crate) use address::is_address_literal;

use foldhash::HashSet;
use std::collections::BTreeSet;

use syn::{Expr, ExprCall, ExprMethodCall, Macro};

use crate::analysis::calls::Calls;
use crate::analysis::context::{self, Ctx};
use crate::analysis::evidence::Evidence;
use crate::analysis::facts::{BlockingCall, BlockingKind, Fact};
use crate::analysis::imports::Resolved;
use crate::analysis::known_paths::{self, Blocking};
use crate::analysis::source::LineIndex;
use crate::analysis::summary::{Cond, Op, Pending, Test};
use crate::analysis::syntax::*;
use crate::analysis::types::Ty;
use crate::diagnostic::Span;
use crate::rules::Rule;
use crate::settings::{Settings, UserBlocking};

/// A blocking call: what it is and where.
pub(super) struct Found {
    rule: Rule,
    kind: BlockingKind,
    /// The item as shown to users.
    item: String,
    replacement: &'static str,
    /// The reason a `[[blocking]]` entry gives; empty for catalogue rows.
    reason: String,
    span: Span,
}

impl Found {
    fn row(entry: &Blocking, item: String, span: Span) -> Found {
        Found {
            rule: entry.rule,
            kind: entry.kind,
            item,
            replacement: entry.replacement,
            reason: String::new(),
            span,
        }
    }

    /// A call to a `[[blocking]]` function of the configuration.
    fn configured(user: &UserBlocking, span: Span) -> Found {
        // A configured path says only its rule; its name decides the rest as a
        // catalogue row's would (tokio's `blocking_*` methods panic in a runtime).
        let kind = match user.rule {
            Rule::BlockOnInAsync => BlockingKind::BlocksOnFuture,
            _ if user.path.starts_with(known_paths::PANICS_IN_RUNTIME_PREFIX) => {
                BlockingKind::PanicsInRuntime
            }
            _ => BlockingKind::Blocks,
        };
        Found {
            rule: user.rule,
            kind,
            item: user.path.clone(),
            replacement: "",
            reason: user.reason.clone(),
            span,
        }
    }
}

/// Calls already reported, by address, so a chain on their result is not reported again.
#[derive(Default)]
pub(crate) struct Reported {
    calls: HashSet<usize>,
    /// Runtimes built here and moved to another thread or shut down.
    runtimes: runtime_fate::RuntimeFates,
    /// Joins on threads known to be finished.
    joins: finished::FinishedJoins,
    /// Whether the file names a runtime shutdown (`None`: not looked yet); not reset by nodes.
    shutdowns_named: Option<bool>,
}

impl Reported {
    /// Forgets every node by address (see `Context::forget_nodes`).
    pub(crate) fn forget_nodes(&mut self) {
        self.calls.clear();
        self.runtimes = runtime_fate::RuntimeFates::default();
        self.joins = finished::FinishedJoins::default();
    }

    /// Notes what a block shows of the calls in it before they are met: runtimes moved
    /// to another thread or shut down, joins on finished threads.
    pub(super) fn scan_block(
        &mut self,
        block: &syn::Block,
        evidence: &Evidence,
        offload: &[String],
        text: &str,
    ) {
        let named = &mut self.shutdowns_named;
        let mut shutdowns_named = || *named.get_or_insert_with(|| runtime_fate::named_in(text));
        (self.runtimes).scan_block(block, evidence, offload, &mut shutdowns_named);
        self.joins.scan_block(block);
    }

    /// Does this call neither panic nor block here: a runtime built here that is moved to
    /// another thread or shut down without waiting, or a join on a finished thread?
    pub(super) fn harmless(&self, found: &Found, call: usize) -> bool {
        (found.kind == BlockingKind::CreatesRuntime && self.runtimes.disposed_legally(call))
            || self.joins.contains(call)
    }

    pub(super) fn mark(&mut self, address: usize) {
        self.calls.insert(address);
    }

    /// Is the receiver (through `?`, `unwrap`, references) a call already reported?
    pub(super) fn covers(&self, receiver: &Expr) -> bool {
        let mut expr = peel(receiver);
        loop {
            if self.calls.contains(&expr_addr(expr)) {
                return true;
            }
            expr = match expr {
                Expr::Try(inner) => peel(&inner.expr),
                Expr::Reference(inner) => peel(&inner.expr),
                Expr::MethodCall(inner)
                    if ident_in(&inner.method, known_paths::REPORTED_SEE_THROUGH) =>
                {
                    peel(&inner.receiver)
                }
                _ => return false,
            };
        }
    }
}

/// The blocking operation a call by path (resolved as `resolved`) performs: a configured
/// path or a catalogue row.
pub(super) fn call_found(
    evidence: &Evidence,
    settings: &Settings,
    index: &LineIndex,
    call: &ExprCall,
    resolved: &Resolved,
) -> Option<Found> {
    let Expr::Path(func) = peel(&call.func) else {
        return None;
    };
    if let Some(user) = settings
        .blocking
        .iter()
        .find(|user| context::names_configured(resolved, &user.path))
    {
        return Some(Found::configured(user, path_span(index, &func.path)));
    }
    let Resolved::Extern(path) = resolved else {
        return None;
    };
    let at = || path_span(index, &func.path);
    if let Some((_, positions, replacement)) =
        known_paths::IO_FORWARDING.iter().find(|row| row.0 == path)
    {
        return forwarding_found(evidence, settings, call, positions, replacement, path, at());
    }
    let entry = known_paths::blocking_for(path, &settings.dependencies)?;
    Some(Found::row(entry, path.replace('.', "::"), at()))
}

/// `std::io::copy(reader, writer)` blocks as its reader or writer does (in that order);
/// between in-memory buffers it does not block.
fn forwarding_found(
    evidence: &Evidence,
    settings: &Settings,
    call: &ExprCall,
    positions: &[(usize, &str)],
    replacement: &'static str,
    path: &str,
    span: Span,
) -> Option<Found> {
    positions.iter().find_map(|(position, direction)| {
        let arg = call.args.iter().nth(*position)?;
        // A handle opened in place is reported where it is opened.
        if matches!(
            peel_refs(arg),
            Expr::Call(_) | Expr::MethodCall(_) | Expr::Try(_)
        ) {
            return None;
        }
        let ty = evidence.type_of(arg);
        let key = format!("{}.{direction}", ty.path()?);
        let entry = known_paths::blocking_for(&key, &settings.dependencies)?;
        let mut found = Found::row(entry, path.to_string(), span);
        found.replacement = replacement;
        Some(found)
    })
}

/// An expression under its `&` and `&mut`.
fn peel_refs(expr: &Expr) -> &Expr {
    match peel(expr) {
        Expr::Reference(inner) => peel_refs(&inner.expr),
        other => other,
    }
}

/// `for entry in walker`: iterating a value whose iterator's `next` (or whose `iter`) is
/// a catalogue row (a walk reads directories as it goes, a channel's receiver waits).
pub(super) fn for_loop_found(
    evidence: &Evidence,
    settings: &Settings,
    iterated: &Expr,
    index: &LineIndex,
) -> Option<Found> {
    let ty = evidence.type_of(iterated);
    let mut path = ty.path()?;
    // `for e in walker` iterates what `walker.into_iter()` gives (a `walkdir::IntoIter`).
    if let Some(spec) = known_paths::explicit_returns(&format!("{path}.into_iter")) {
        path = spec;
    }
    // An iterator is pulled with `next`; `for m in rx` (or `&rx`) waits as `rx.iter()`.
    let (entry, method) = ["next", "iter"].into_iter().find_map(|method| {
        let entry = known_paths::blocking_for(&format!("{path}.{method}"), &settings.dependencies);
        entry.map(|entry| (entry, method))
    })?;
    let span = index.span(syn::spanned::Spanned::span(iterated));
    Some(Found::row(entry, format!("{path}::{method}"), span))
}

/// The blocking operation a method call performs, by its receiver's type (`receiver`).
pub(super) fn method_found(
    evidence: &Evidence,
    settings: &Settings,
    receiver: &Ty,
    call: &ExprMethodCall,
    method: &str,
    index: &LineIndex,
    in_loop: bool,
) -> Option<Found> {
    let span = || index.span(call.method.span());
    if let Some(user) = receiver.path().and_then(|path| {
        settings
            .blocking
            .iter()
            .find(|user| configured_method(path, method, &user.path))
    }) {
        return Some(Found::configured(user, span()));
    }
    // `"127.0.0.1:8080".to_socket_addrs()` parses an address: no lookup, no wait.
    if known_paths::ADDRESS_PARSING.contains(&method) && is_address_literal(&call.receiver) {
        return None;
    }
    let (entry, item) = method_entry(evidence, &settings.dependencies, receiver, method, call)?;
    // A send on a buffered channel waits only when it is full: reported where it always
    // waits (no buffer) or where repeated sends can fill it (in a loop).
    if known_paths::WAITS_WHEN_FULL.contains(&entry.callee)
        && !in_loop
        && receiver.arg(0).path() != Some(known_paths::NO_BUFFER)
    {
        return None;
    }
    Some(Found::row(entry, item, span()))
}

/// Does a `[[blocking]]` path (`mycrate::db::Db::query_sync`, `rusqlite::Connection::execute`)
/// name this method on a receiver of this type? An extern type must match in full (after
/// aliases); a type of this crate by its name, as the catalogue's `Type.method` rows do.
fn configured_method(type_path: &str, method: &str, configured: &str) -> bool {
    let Some((owner, name)) = configured.rsplit_once("::") else {
        return false;
    };
    if name != method {
        return false;
    }
    if crate::analysis::imports::is_local_text(type_path) {
        let type_name = type_path.rsplit("::").next().unwrap_or(type_path);
        owner.rsplit("::").next() == Some(type_name) && owner.contains("::")
    } else {
        known_paths::canonical(owner) == type_path
    }
}

/// The catalogue entry a method call matches, and the item name to show.
fn method_entry(
    evidence: &Evidence,
    deps: &BTreeSet<String>,
    receiver: &Ty,
    method: &str,
    call: &ExprMethodCall,
) -> Option<(&'static Blocking, String)> {
    if let Some(path) = receiver.path() {
        if let Some(entry) = known_paths::blocking_for(&[path, ".", method].concat(), deps) {
            return Some((entry, format!("{}::{method}", known_paths::shown_as(path))));
        }
        // Buffered adapters do their inner reader's or writer's I/O.
        if let Some(direction) = known_paths::io_adapter_direction(path, method) {
            let inner = receiver.arg(0);
            if let Some(inner_path) = inner.path()
                && let Some(entry) =
                    known_paths::blocking_for(&format!("{inner_path}.{direction}"), deps)
            {
                return Some((entry, format!("{path}::{method}")));
            }
        }
    }
    // `query.load(&mut conn)`: the query runs on the connection it is given.
    if known_paths::RUN_ON_ARGUMENT.contains(&method)
        && call.args.len() == 1
        && let Some(connection) = evidence.type_of(&call.args[0]).path().map(str::to_string)
        && known_paths::QUERY_CONNECTIONS.contains(&connection.as_str())
        && let Some(entry) = known_paths::blocking_for(&format!("{connection}.{method}"), deps)
    {
        return Some((entry, format!("{connection}::{method}")));
    }
    if let Some(entry) = known_paths::blocking_for(&[".", method].concat(), deps) {
        return Some((entry, method.to_string()));
    }
    for (trait_path, krate, name, row) in known_paths::TRAIT_METHODS {
        if method == *name
            && call.args.is_empty()
            && (evidence.imports.imports(trait_path) || evidence.imports.imports(krate))
        {
            let entry = known_paths::blocking_for(row, deps)?;
            return Some((entry, row.replace('.', "::")));
        }
    }
    None
}

/// `write!(file, ..)` calls `write_fmt` on a std file or socket.
pub(super) fn write_macro_found(
    evidence: &Evidence,
    settings: &Settings,
    mac: &Macro,
    destination: &Expr,
    index: &LineIndex,
) -> Option<Found> {
    let ty = evidence.type_of(destination);
    let path = ty.path()?;
    let entry = known_paths::blocking_for(&format!("{path}.write_fmt"), &settings.dependencies)?;
    Some(Found::row(
        entry,
        format!("{path}::write_fmt"),
        path_span(index, &mac.path),
    ))
}

/// `addrs.to_socket_addrs()` on the fn's parameter `addrs` looks up only what is not an
/// address written out: the operation's test on that parameter.
pub(super) fn address_test(
    calls: &Calls,
    call: &ExprMethodCall,
    evidence: &Evidence,
) -> Option<Cond> {
    if !ident_in(&call.method, known_paths::ADDRESS_PARSING) {
        return None;
    }
    let param = calls.branches.param_of(&call.receiver, evidence)?;
    Some(Cond {
        param,
        test: Test::NotAddress,
    })
}

/// Where a blocking call was found: the kind of code, and whether the innermost body is
/// a sync closure inheriting async context (its code cannot `.await`).
pub(super) struct At<'f> {
    pub(super) ctx: Ctx,
    /// A test on the fn's parameters the operation itself makes (resolving a parameter).
    pub(super) test: Option<Cond>,
    /// The closure call it sits in (see [`Pending`]).
    pub(super) pending: Option<(u32, Pending)>,
    pub(super) in_sync_body: bool,
    pub(super) can_await: bool,
    pub(super) guard_alive: bool,
    pub(super) file: &'f str,
}

/// A blocking operation: a fact in async context, an op recorded on the fn in a sync fn
/// (callers inherit it through the crate model), nothing in detached code.
pub(super) fn emit(found: Found, at: At<'_>, calls: &mut Calls, facts: &mut Vec<Fact>) {
    let Found {
        rule,
        kind,
        item,
        replacement,
        reason,
        span,
    } = found;
    match at.ctx {
        Ctx::Sync => {
            let mut when = calls.branches.when();
            when.extend(at.test);
            if let Some(current) = calls.current(at.ctx) {
                current.ops.push(Op {
                    rule,
                    item,
                    span,
                    replacement: replacement.to_string(),
                    allowed: false,
                    when,
                    pending: at.pending.map(|(_, pending)| pending),
                });
            }
        }
        Ctx::Async => facts.push(Fact::Blocking(BlockingCall {
            rule,
            kind,
            file: at.file.to_string(),
            span,
            item,
            replacement: replacement.to_string(),
            configured_reason: reason,
            in_sync_closure: at.in_sync_body,
            can_await: at.can_await,
            guard_alive: at.guard_alive,
            pending: at.pending,
        })),
        Ctx::Detached => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::{Rule, Settings, UserBlocking, lint_source};

    fn lines(source: &str, settings: &Settings) -> Vec<(u32, &'static str)> {
        lint_source("app.rs", source, settings)
            .iter()
            .map(|d| (d.span.start.line, d.rule.name()))
            .collect()
    }

    #[test]
    fn a_configured_method_matches_like_a_catalogue_row() {
        let mut settings = Settings::default();
        for path in ["dbkit::Conn::query_sync", "app::store::Store::flush_sync"] {
            settings.blocking.push(UserBlocking {
                path: path.to_string(),
                rule: Rule::BlockingNet,
                reason: String::new(),
            });
        }
        let source = r#"
use dbkit::Conn as Db;
struct Store;
impl Store { fn flush_sync(&self) {} fn flush(&self) {} }
struct App { db: Db, store: Store }
impl App {
    async fn handler(&self, other: &dbkit::Other) {
        self.db.query_sync("select 1");
        self.store.flush_sync();
        self.store.flush();
        other.query_sync("select 1");
    }
}
"#;
        assert_eq!(
            lines(source, &settings),
            [(8, "blocking_net"), (9, "blocking_net")]
        );
    }

    #[test]
    fn io_copy_blocks_as_its_reader_or_writer_does() {
        let source = r#"
async fn f(file: std::fs::File, stream: std::net::TcpStream, bytes: &[u8]) {
    std::io::copy(&mut file, &mut Vec::new());
    std::io::copy(&mut &bytes[..], &mut stream);
    std::io::copy(&mut &bytes[..], &mut Vec::new());
}
"#;
        assert_eq!(
            lines(source, &Settings::default()),
            [(3, "blocking_fs"), (4, "blocking_net")]
        );
    }

    #[test]
    fn a_query_blocks_on_a_sync_connection_it_is_given() {
        let source = r#"
use diesel::prelude::*;
async fn f(conn: &mut diesel::PgConnection, other: &mut diesel_async::AsyncPgConnection) {
    users::table.load::<User>(conn);
    users::table.load::<User>(other).await;
    items.first(3);
}
"#;
        let mut settings = Settings::default();
        settings.dependencies.insert("diesel".to_string());
        assert_eq!(lines(source, &settings), [(4, "blocking_net")]);
        settings.dependencies = ["tokio".to_string()].into();
        assert_eq!(lines(source, &settings), []);
    }

    #[test]
    fn a_bounded_send_is_reported_where_it_waits() {
        let source = r#"
async fn f(field: std::sync::mpsc::SyncSender<u8>, items: Vec<u8>) {
    let (rendezvous, _rx) = std::sync::mpsc::sync_channel(0);
    rendezvous.send(1);
    let (buffered, _rx) = std::sync::mpsc::sync_channel(1);
    buffered.send(1);
    field.send(1);
    for item in items {
        buffered.send(item);
        tokio::spawn(async move { field.send(2) });
    }
}
"#;
        assert_eq!(
            lines(source, &Settings::default()),
            [(4, "blocking_wait"), (9, "blocking_wait")]
        );
    }

    #[test]
    fn builders_responses_pools_and_readers_are_followed() {
        let source = r#"
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, Pool};
type DbPool = Pool<ConnectionManager<diesel::PgConnection>>;
async fn f(pool: &DbPool, file: std::fs::File, bytes: &[u8]) {
    let client = reqwest::blocking::Client::builder().gzip(true).https_only(true).build();
    let body = reqwest::blocking::Client::new().get("u").bearer_auth("t").send()?;
    body.text();
    let mut conn = pool.get()?;
    users::table.load::<User>(&mut conn);
    let value: serde_json::Value = serde_json::from_reader(file);
    let again: serde_json::Value = serde_json::from_reader(bytes);
    fs_err::os::unix::fs::symlink("a", "b");
}
"#;
        assert_eq!(
            lines(source, &Settings::default()),
            [
                (6, "blocking_net"),
                (7, "blocking_net"),
                (8, "blocking_net"),
                (9, "blocking_net"),
                (10, "blocking_net"),
                (11, "blocking_fs"),
                (13, "blocking_fs"),
            ]
        );
    }

    #[test]
    fn a_for_loop_over_a_receiver_waits_and_converting_it_does_not() {
        let source = r#"
async fn f(rx: std::sync::mpsc::Receiver<u8>, other: crossbeam_channel::Receiver<u8>) {
    let adapted = blocking::Unblock::new(rx.into_iter());
    for m in &other {}
    for m in rx {}
}
"#;
        assert_eq!(
            lines(source, &Settings::default()),
            [(4, "blocking_wait"), (5, "blocking_wait")]
        );
    }

    #[test]
    fn a_walk_is_reported_where_it_is_pulled() {
        let source = r#"
use walkdir::WalkDir;
async fn f(root: std::path::PathBuf) {
    let walk = WalkDir::new(&root).max_depth(2).into_iter();
    let adapted = blocking::Unblock::new(WalkDir::new(&root).into_iter());
    tokio::task::spawn_blocking(move || walk.count());
    let n = WalkDir::new(&root).into_iter().filter_map(Result::ok).count();
    for entry in WalkDir::new(&root) {}
}
"#;
        assert_eq!(
            lines(source, &Settings::default()),
            [(7, "blocking_fs"), (8, "blocking_fs")]
        );
    }

    #[test]
    fn a_runtime_moved_to_a_thread_or_shut_down_is_not_reported() {
        let source = r#"
use tokio::runtime::{Builder, Runtime};
async fn f(fut: impl std::future::Future) {
    let moved = Builder::new_current_thread().enable_all().build().unwrap();
    std::thread::spawn(move || moved.block_on(async {}));
    let shut = Runtime::new()?;
    shut.shutdown_background();
    let timed: Runtime = Builder::new_multi_thread().build().expect("rt");
    timed.shutdown_timeout(std::time::Duration::from_secs(1));
    let dropped = Runtime::new().unwrap();
    let blocked = Runtime::new().unwrap();
    blocked.block_on(fut);
    let borrowed = Runtime::new().unwrap();
    std::thread::scope(|s| s.spawn(|| borrowed.block_on(async {})));
}
fn helper() {
    let rt = Runtime::new().unwrap();
    std::thread::spawn(move || rt.block_on(async {}));
}
async fn g() { helper() }
"#;
        assert_eq!(
            lines(source, &Settings::default()),
            [
                (10, "block_on_in_async"),
                (11, "block_on_in_async"),
                (12, "block_on_in_async"),
                (13, "block_on_in_async"),
                (14, "blocking_wait"),
            ]
        );
    }

    #[test]
    fn an_address_literal_is_parsed_not_looked_up() {
        let source = r#"
use std::net::ToSocketAddrs;
async fn f(port: u16, host: &str) {
    "127.0.0.1:8080".to_socket_addrs();
    "[::1]:80".to_socket_addrs();
    ("0.0.0.0", port).to_socket_addrs();
    ("example.com", 443).to_socket_addrs();
    "localhost:80".to_socket_addrs();
    host.to_socket_addrs();
}
"#;
        assert_eq!(
            lines(source, &Settings::default()),
            [
                (7, "blocking_net"),
                (8, "blocking_net"),
                (9, "blocking_net")
            ]
        );
    }

    #[test]
    fn a_join_on_a_finished_thread_returns_at_once() {
        let source = r#"
async fn f(tick: impl std::future::Future) {
    let first = std::thread::spawn(|| 1);
    if first.is_finished() {
        first.join().unwrap();
    }
    let second = std::thread::spawn(|| 2);
    while !second.is_finished() {
        tick.await;
    }
    let two = second.join().expect("thread");
    let third = std::thread::spawn(|| 3);
    if !third.is_finished() {
        return;
    }
    third.join();
    let fourth = std::thread::spawn(|| 4);
    if !fourth.is_finished() {
        tick.await;
    }
    fourth.join();
    let fifth = std::thread::spawn(|| 5);
    if fourth.is_finished() {
        fifth.join();
    }
}
"#;
        assert_eq!(
            lines(source, &Settings::default()),
            [(21, "blocking_wait"), (24, "blocking_wait")]
        );
    }
}
