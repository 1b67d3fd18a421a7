//! Data-driven checks of the core: each case is source text whose expected findings are
//! marked on their lines with `//~ rule`, the same markers the fixtures use.

use crate::{Settings, lint_source};

/// Lints `source` and compares (line, rule) with its `//~` markers, exactly.
#[track_caller]
fn check(source: &str) {
    let mut expected: Vec<(u32, String)> = Vec::new();
    for (i, line) in source.lines().enumerate() {
        if let Some((_, marks)) = line.split_once("//~") {
            for rule in marks.split_whitespace() {
                expected.push((i as u32 + 1, rule.to_string()));
            }
        }
    }
    let mut found: Vec<(u32, String)> = lint_source("test.rs", source, &Settings::default())
        .iter()
        .map(|d| (d.span.start.line, d.rule.name().to_string()))
        .collect();
    expected.sort();
    found.sort();
    assert_eq!(
        found, expected,
        "findings differ from markers in:\n{source}"
    );
}

#[test]
fn std_paths_resolve_through_use_items() {
    check(
        r#"
use std::fs;
use std::fs::read_to_string as slurp;
use std::thread::{self, sleep};
use std::time::Duration;

async fn handler() {
    fs::read("a");                                  //~ blocking_fs
    slurp("a");                                     //~ blocking_fs
    thread::sleep(Duration::from_secs(1));          //~ blocking_sleep
    sleep(Duration::from_secs(1));                  //~ blocking_sleep
    ::std::fs::write("a", b"x");                    //~ blocking_fs
}
"#,
    );
}

#[test]
fn other_crates_and_local_items_shadow_std() {
    check(
        r#"
mod fs {
    pub fn read(_: &str) {}
}

async fn local() {
    fs::read("a");
}

mod uses_tokio {
    use tokio::fs;
    async fn f() {
        fs::read("a").await.unwrap();
    }
}

fn read_to_string(_: &str) {}
async fn shadowed() {
    read_to_string("x");
}
"#,
    );
}

#[test]
fn async_context_boundaries() {
    check(
        r#"
use std::fs;

fn sync_code() {
    fs::read("a");
}

async fn outer() {
    fn nested() {
        fs::read("a");
    }
    let items = vec![1, 2];
    items.iter().map(|_| fs::read("a"));             //~ blocking_fs
    tokio::task::spawn_blocking(|| fs::read("a"));
    tokio::task::spawn_blocking(move || {
        fs::read("a");
    });
    std::thread::spawn(|| fs::read("a"));
    tokio::task::spawn_blocking(load);
    let work = move || fs::read("a");
    tokio::task::spawn_blocking(work).await;
    let inline = || fs::read("a");                  //~ blocking_fs
    inline();
    asyncify(move || fs::read("a")).await;
    let t = std::thread::spawn({
        let x = 1;
        move || fs::read("a")
    });
}

async fn asyncify<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

fn load() {}

fn spawner() {
    tokio::spawn(async move {
        fs::read("a");                              //~ blocking_fs
    });
}

struct Fut;
impl std::future::Future for Fut {
    type Output = ();
    fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        std::thread::sleep(std::time::Duration::from_millis(1)); //~ blocking_sleep
        std::task::Poll::Ready(())
    }
}
"#,
    );
}

#[test]
fn method_findings_need_evidence() {
    check(
        r#"
use std::sync::mpsc;
use std::path::Path;
use std::io::Read;

async fn channels(rx: mpsc::Receiver<u8>, other: Other) {
    rx.recv().unwrap();                             //~ blocking_wait
    other.recv();
    let (tx, rx2) = mpsc::channel::<u8>();
    rx2.recv_timeout(std::time::Duration::from_secs(1)); //~ blocking_wait
    let h = std::thread::spawn(|| 1);
    h.join().unwrap();                              //~ blocking_wait
    let parts = vec!["a", "b"];
    parts.join(",");
    Path::new("x").exists();                        //~ blocking_fs
    let p = Path::new("y").join("z");
    p.is_file();                                    //~ blocking_fs
    let mut f = std::fs::File::open("x").unwrap();  //~ blocking_fs
    let mut s = String::new();
    f.read_to_string(&mut s);                       //~ blocking_fs
    std::fs::File::open("x").unwrap().read_to_string(&mut s); //~ blocking_fs
}

struct Other;
impl Other { fn recv(&self) {} }
"#,
    );
}

#[test]
fn fields_and_self_give_evidence() {
    check(
        r#"
use std::sync::mpsc::Receiver;
use std::process::Command;

struct Worker {
    jobs: Receiver<u32>,
}

impl Worker {
    async fn next(&self) -> u32 {
        self.jobs.recv().unwrap()                   //~ blocking_wait
    }
}

async fn git() {
    let out = Command::new("git").arg("status").output(); //~ blocking_process
    let mut cmd = Command::new("ls");
    cmd.status();                                   //~ blocking_process
    let mut child = Command::new("sleep").spawn().unwrap();
    child.wait();                                   //~ blocking_process
    tokio::process::Command::new("ls").output().await;
}
"#,
    );
}

#[test]
fn block_on_and_runtimes() {
    check(
        r#"
async fn nested() {
    futures::executor::block_on(async {});          //~ block_on_in_async
    let rt = tokio::runtime::Runtime::new().unwrap(); //~ block_on_in_async
    rt.block_on(async {});                          //~ block_on_in_async
    tokio::runtime::Handle::current().block_on(async {}); //~ block_on_in_async
    let rt2 = tokio::runtime::Builder::new_current_thread().enable_all().build(); //~ block_on_in_async
}

fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {});
}
"#,
    );
}

#[test]
fn macro_bodies_are_code() {
    check(
        r#"
async fn logs(path: &str) {
    println!("{}", std::fs::read_to_string(path).unwrap()); //~ blocking_fs
    let v = vec![std::fs::read(path).unwrap(); 2];  //~ blocking_fs
    tokio::select! {
        _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {
            std::thread::sleep(std::time::Duration::from_secs(1)); //~ blocking_sleep
        }
        else => {}
    }
    tokio::join!(async { std::fs::read(path) });    //~ blocking_fs
    my_macro!(this is not an expression);
}

fn sync_macro() {
    println!("{:?}", std::fs::read("x"));
}
"#,
    );
}

#[test]
fn super_glob_in_test_modules() {
    check(
        r#"
use std::fs;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn reads() {
        fs::read_to_string("x").unwrap();           //~ blocking_fs
    }
}
"#,
    );
}

#[test]
fn awaited_calls_are_never_std() {
    check(
        r#"
use tokio::net::TcpStream;
use tokio::sync::Mutex;

async fn f(m: Mutex<u8>) {
    let s = TcpStream::connect("x").await;
    let g = m.lock().await;
    std::net::TcpStream::connect("x");              //~ blocking_net
    "example.com:80".to_socket_addrs();             //~ blocking_net
    "example.com:80".to_socket_addrs().await;       // async-std's ToSocketAddrs is a future
}
"#,
    );
}

#[test]
fn parse_errors_are_diagnostics() {
    let found = lint_source(
        "bad.rs",
        "fn main() {\n    let x = ;\n}\n",
        &Settings::default(),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].rule.name(), "parse_error");
    assert_eq!(found[0].span.start.line, 2);
    let deep = format!(
        "fn f() {{ {}1{} }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let found = lint_source("deep.rs", &deep, &Settings::default());
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("nests brackets"));
}

#[test]
fn evidence_flows_through_tuples_wrappers_and_adapters() {
    check(
        r#"
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

struct Service {
    worker: Option<JoinHandle<()>>,
}

impl Service {
    async fn shutdown(&mut self) {
        if let Some(handle) = self.worker.take() {
            handle.join().unwrap();                 //~ blocking_wait
        }
    }
}

async fn wait_ready(pair: Arc<(Mutex<bool>, Condvar)>) {
    let (lock, cvar) = &*pair;
    let mut ready = lock.lock().unwrap();
    while !*ready {
        ready = cvar.wait(ready).unwrap();          //~ blocking_wait
    }
}

async fn scan(path: &str) -> std::io::Result<usize> {
    let reader = BufReader::new(File::open(path)?); //~ blocking_fs
    let mut n = 0;
    for line in reader.lines() {                    //~ blocking_fs
        n += line?.len();
    }
    let mut out = File::create("out.txt")?;         //~ blocking_fs
    writeln!(out, "{n}")?;                          //~ blocking_fs
    let words = vec!["a", "b"];
    let joined = words.iter().map(|w| w.to_uppercase()).collect::<Vec<_>>().join(" ");
    Ok(n)
}
"#,
    );
}

/// Regression: trees parsed from earlier macro bodies were freed and their addresses
/// reused, so a later call looked already awaited and went unreported.
#[test]
fn findings_in_later_macros_survive_earlier_macros() {
    check(
        r#"
use std::path::Path;
async fn dump(p: &str) { println!("{}", std::fs::read_to_string(p).unwrap()); } //~ blocking_fs
async fn watch(p: &Path) {
    tokio::select! { _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => { let _ = std::fs::copy(p, p); } } //~ blocking_fs
}
async fn warm() {
    tokio::join!(
        async { std::fs::File::open("a.cache").is_ok() }, //~ blocking_fs
        async { Path::new("b.cache").is_file() }          //~ blocking_fs
    );
}
"#,
    );
}

#[test]
fn guards_follow_drop_rules_in_everyday_shapes() {
    check(
        r#"
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

struct State {
    items: RwLock<Vec<u32>>,
    cache: Mutex<HashMap<u32, u32>>,
}

async fn fetch(_: u32) -> u32 { 0 }

async fn tail_if_let(state: &State, k: u32) -> u32 {
    if let Some(v) = state.cache.lock().unwrap().get(&k) { //~ lock_across_await
        *v
    } else {
        fetch(k).await
    }
}

async fn statement_if_let(state: &State, k: u32) -> u32 {
    if let Some(v) = state.cache.lock().unwrap().get(&k) {
        return *v;
    }
    fetch(k).await
}

async fn for_over_guard(state: &State) {
    for item in state.items.read().unwrap().iter() { //~ lock_across_await
        fetch(*item).await;
    }
}

async fn plain_if(state: &State) {
    if state.cache.lock().unwrap().is_empty() {
        fetch(0).await;
    }
}

async fn unknown_type_std_shape(shared: Arc<Mutex<u32>>, other: &Other) {
    let n = shared.lock().unwrap();                 //~ lock_across_await
    fetch(*n).await;
    let m = other.lock();
    fetch(0).await;
}

struct Other;
impl Other { fn lock(&self) -> u32 { 0 } }

async fn match_result(state: &State) -> usize {
    let g = match state.cache.lock() {              //~ lock_across_await
        Ok(g) => g,
        Err(_) => return 0,
    };
    fetch(0).await;
    g.len()
}

async fn cloned_out(state: &State) -> u32 {
    let snapshot = state.cache.lock().unwrap().clone();
    let total = { let g = state.items.read().unwrap(); g.iter().sum::<u32>() };
    fetch(total).await + snapshot.len() as u32
}
"#,
    );
}

#[test]
fn configured_blocking_and_offload_paths_extend_the_catalogue() {
    let mut settings = Settings::default();
    settings.blocking.push(crate::UserBlocking {
        path: "dbkit::query_sync".to_string(),
        rule: crate::Rule::BlockingNet,
        reason: "runs SQL on the calling thread".to_string(),
    });
    settings.blocking.push(crate::UserBlocking {
        path: "app::legacy::load".to_string(),
        rule: crate::Rule::BlockingFs,
        reason: String::new(),
    });
    settings.offload.push("app::pool::run_blocking".to_string());
    let source = r#"
mod legacy { pub fn load() {} }
mod pool { pub fn run_blocking<F: FnOnce()>(f: F) { f() } }

async fn handler() {
    dbkit::query_sync("select 1");
    legacy::load();
    pool::run_blocking(|| dbkit::query_sync("select 2"));
}
"#;
    let found = lint_source("app.rs", source, &settings);
    let lines: Vec<(u32, &str)> = found
        .iter()
        .map(|d| (d.span.start.line, d.rule.name()))
        .collect();
    assert_eq!(
        lines,
        vec![(6, "blocking_net"), (7, "blocking_fs")],
        "{found:#?}"
    );
    assert!(
        found[0].notes.iter().any(|n| n.contains("runs SQL")),
        "{found:#?}"
    );
}

#[test]
fn closures_offloaded_later_are_found_in_nested_code_but_not_in_items_or_macro_bodies() {
    check(
        r#"
use std::fs;

async fn later() {
    let a = move || fs::read("a");
    let b = move || fs::read("b");
    let c = move || fs::read("c");                  //~ blocking_fs
    let d = move || fs::read("d");                  //~ blocking_fs
    match 1 {
        _ => {
            let f = async move { tokio::task::spawn_blocking(a).await };
        }
    }
    if true {
        std::thread::Builder::new().spawn(b);
    }
    fn item() {
        tokio::task::spawn_blocking(c);
    }
    println!("{:?}", tokio::task::spawn_blocking(d));
}
"#,
    );
}

#[test]
fn closures_stored_or_registered_run_elsewhere() {
    check(
        r#"
use std::fs;
use std::sync::{Arc, Mutex};

struct Volume {
    cleanup: Option<Box<dyn FnOnce() + Send>>,
    check: fn() -> bool,
}

async fn stored(tx: std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>, v: &mut Volume) {
    let volume = Volume {
        cleanup: Some(Box::new(move || {
            let _ = fs::remove_file("disk.img");
        })),
        check: || fs::metadata("a").is_ok(),
    };
    let mut jobs: Vec<Box<dyn FnOnce()>> = Vec::new();
    jobs.push(Box::new(|| drop(fs::read("a"))));
    let table = [|| fs::read("b")];
    tx.send(Box::new(|| drop(fs::read("c")))).unwrap();
    v.cleanup = Some(Box::new(|| drop(fs::read("d"))));
    register(Box::new(|| drop(fs::read("e"))));
    std::panic::set_hook(Box::new(|_| drop(fs::read("f"))));
    notify::recommended_watcher(move |event| {
        let _ = fs::write("log", "x");
    });
    ctrlc::set_handler(move || std::process::exit(fs::read("g").is_ok() as i32));
    signal_hook::low_level::register(2, || drop(fs::read("h")));
    actix_rt::Arbiter::with_tokio_rt(|| tokio::runtime::Runtime::new().unwrap());
    tokio::runtime::Builder::new_multi_thread().on_thread_start(|| drop(fs::read("i")));
    let handler = move || drop(fs::read("j"));
    ctrlc::set_handler(handler);
}

async fn run_here(paths: Vec<String>) {
    let sizes: Vec<_> = paths.iter().map(|p| fs::metadata(p)).collect(); //~ blocking_fs
    (|| fs::read("a"))();                                                 //~ blocking_fs
    let read = || fs::read("b");                                          //~ blocking_fs
    read();
    let boxed = Some(|| fs::read("c"));                                   //~ blocking_fs
    compute(|| fs::read("d"));                                            //~ blocking_fs
    let s = std::iter::once(1).for_each(|_| drop(fs::read("e")));         //~ blocking_fs
}
"#,
    );
}

#[test]
fn a_guard_moved_into_a_closure_called_on_the_spot_dies_with_the_call() {
    check(
        r#"
use std::sync::Mutex;

async fn moved(m: &Mutex<Vec<u8>>) {
    let g = m.lock().unwrap();
    let n = (move || g.len())();
    tokio::task::yield_now().await;
}

async fn borrowed(m: &Mutex<Vec<u8>>) {
    let g = m.lock().unwrap();                                //~ lock_across_await
    let n = (|| g.len())();
    tokio::task::yield_now().await;
}

async fn moved_but_not_called(m: &Mutex<Vec<u8>>) {
    let g = m.lock().unwrap();                                //~ lock_across_await
    let f = move || g.len();
    tokio::task::yield_now().await;
    f();
}
"#,
    );
}

/// Item-granular parsing (a skeleton in chunks, each fn parsed on its own) gives the facts
/// and fn summaries of the whole-file parse, positions included: on a file of several
/// chunks with docs (multibyte), tabs, item macros, nested modules, fns nested in fns,
/// guards across awaits and blocking calls, on lines and columns after blanked text.
#[test]
fn item_granular_parsing_gives_what_the_whole_file_parse_gives() {
    let mut text = String::from("#![allow(dead_code)]\nuse std::sync::Mutex;\nuse std::fs;\n");
    let mut i = 0;
    while text.len() < 3 * (256 << 10) {
        text.push_str(&format!(
            "/// Döc {i} — ünïcode\n#[derive(Debug)] pub struct S{i} {{ m: Mutex<u32> }}\n\
             impl S{i} {{\n\t/** block doc */ pub async fn a(&self) {{ let g = self.m.lock().unwrap(); \
             tick().await; drop(g); }}\n\
             \tfn b(&self) -> u32 {{ fn inner() {{ std::thread::sleep(std::time::Duration::ZERO); }} inner(); 1 }}\n\
             \tfn st<T: Copy>(&self, _t: T) -> std::sync::MutexGuard<'_, u32> {{ self.m.lock().unwrap() }}\n\
             \tasync fn e(&self) {{ let g = self.st(1); tick().await; }}\n}}\n\
             macro_rules! m{i} {{ () => {{ fn hidden() {{}} }} }}\n\
             mod n{i} {{ pub async fn c() {{ super::fs::read(\"x\").ok(); }} }}\n\
             pub async fn d{i}(s: &S{i}) {{ s.b(); fs::remove_file(\"y\").ok(); }}\n"
        ));
        i += 1;
    }
    text.push_str("async fn tick() {}\n");
    let settings = Settings::default();
    let (skeleton, _) = super::skeleton::Skeleton::scan(&text);
    assert!(skeleton.as_ref().is_some_and(|s| s.chunks.len() >= 3));
    let split = super::summarize("big.rs", &text, &settings);
    let whole = super::analyze_whole("big.rs", &text, &settings);
    assert!(split.facts.len() >= 3 * i && split.fns.len() >= 7 * i);
    assert_eq!(format!("{:?}", split.facts), format!("{:?}", whole.facts));
    assert_eq!(format!("{:?}", split.fns), format!("{:?}", whole.fns));
}

/// The prefilter: a file is parsed for findings of its own only when code mentions async;
/// comments and longer names that start with a keyword do not count.
#[test]
fn the_prefilter_sees_async_code_not_comments() {
    use super::may_hold_findings as may;
    assert!(may("async fn f() {}"));
    assert!(may("fn f() { let x = async { 1 }; }"));
    assert!(may("fn f() -> u8 {\n    x\n        .await\n}"));
    assert!(may(
        "impl Future for F {\n    fn poll(self: Pin<&mut Self>) {}\n}"
    ));
    // A line that does not start with `//` counts even when a comment follows on it.
    assert!(may("let f = async {}; // start"));
    assert!(may("let url = \"http://x\"; let f = async {};"));
    assert!(!may("/// Call it from async code.\npub fn f() {}"));
    assert!(!may(
        "//! An async-friendly crate.\n    // see `x.await` and `fn poll`\nfn f() {}"
    ));
    assert!(!may("fn f(node: &ExprAwait) { skip!(node.await_token); }"));
    assert!(!may("fn is_async(asyncness: bool) -> bool { asyncness }"));
    assert!(!may("#[cfg(feature = \"async\")]\npub fn f() {}"));
    assert!(!may(
        "fn parse(input: ParseStream) -> bool { input.peek(Token![async]) }"
    ));
    assert!(may("macro_rules! m { ($n:ident) => { async fn $n() {} } }"));
}

/// One finding per call site (SPEC §3): a call that reaches blocking operations of several
/// rules is reported once, naming the others; an allow for that rule at the call leaves
/// the next one's finding.
#[test]
fn a_call_reaching_several_rules_is_one_finding() {
    check(
        r#"
fn setup() {
    std::fs::write("/tmp/x", "y").unwrap();
    std::process::Command::new("ls").output().unwrap();
}
async fn serve() {
    setup(); //~ blocking_fs
}
async fn quiet() {
    setup(); // async-lint: allow(blocking_fs) //~ blocking_process
}
"#,
    );
    let source = "fn setup() {\n    std::fs::write(\"x\", \"y\").unwrap();\n    \
                  std::process::Command::new(\"ls\").output().unwrap();\n}\n\
                  async fn serve() {\n    setup();\n}\n";
    let found = lint_source("test.rs", source, &Settings::default());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].notes.iter().any(|note| note
            == "it also reaches `std::process::Command::output` (blocking_process) at test.rs:3"),
        "{found:?}"
    );
}

/// A test double's answer runs where the double is called, not where it is set up: a
/// closure given to `returning` or `respond_with` is not async context there.
#[test]
fn a_test_double_answer_is_not_run_where_it_is_set_up() {
    check(
        r#"
async fn mocks(mut storage: MockStorage, server: MockServer) {
    storage
        .expect_put()
        .returning(move |path| futures::executor::block_on(write(path)));
    Mock::given(method("GET"))
        .respond_with(move |_req: &Request| {
            std::thread::sleep(std::time::Duration::from_secs(1));
            ResponseTemplate::new(200)
        })
        .mount(&server)
        .await;
    fail::cfg_callback("before-merge", move || std::thread::sleep(D)).unwrap();
    let answer = (0..3).map(|_| std::thread::sleep(D)).count(); //~ blocking_sleep
}
"#,
    );
}
