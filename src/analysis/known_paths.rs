//! Every table of known extern paths lives here: the blocking catalogue, the types that
//! calls return (the evidence for method findings), the offloaders and the macros whose
//! bodies are code. Paths are canonical: `std::fs::read`, a method is `Type.method`, a
//! method on any receiver is `.method`.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::summary::Runtime;
use crate::rules::Rule;

/// One blocking operation and what to use instead.
#[derive(Debug)]
pub(crate) struct Blocking {
    /// `std::fs::read` (a function), `std::fs::File.sync_all` (a method on a type) or
    /// `.to_socket_addrs` (a method on any receiver).
    pub(crate) callee: &'static str,
    pub(crate) rule: Rule,
    /// The async replacement for the help line; empty when the generic help fits.
    pub(crate) replacement: &'static str,
}

const FS: Rule = Rule::BlockingFs;
const SLEEP: Rule = Rule::BlockingSleep;
const NET: Rule = Rule::BlockingNet;
const PROCESS: Rule = Rule::BlockingProcess;
const WAIT: Rule = Rule::BlockingWait;
const BLOCK_ON: Rule = Rule::BlockOnInAsync;

macro_rules! blocking {
    ($($callee:literal => $rule:ident, $replacement:literal;)*) => {
        &[$(Blocking { callee: $callee, rule: $rule, replacement: $replacement },)*]
    };
}

/// The built-in catalogue of blocking operations.
pub(crate) static BLOCKING: &[Blocking] = blocking! {
    // std::fs free functions.
    "std::fs::read" => FS, "`tokio::fs::read(..).await`";
    "std::fs::read_to_string" => FS, "`tokio::fs::read_to_string(..).await`";
    "std::fs::write" => FS, "`tokio::fs::write(..).await`";
    "std::fs::read_dir" => FS, "`tokio::fs::read_dir(..).await`";
    "std::fs::create_dir" => FS, "`tokio::fs::create_dir(..).await`";
    "std::fs::create_dir_all" => FS, "`tokio::fs::create_dir_all(..).await`";
    "std::fs::remove_file" => FS, "`tokio::fs::remove_file(..).await`";
    "std::fs::remove_dir" => FS, "`tokio::fs::remove_dir(..).await`";
    "std::fs::remove_dir_all" => FS, "`tokio::fs::remove_dir_all(..).await`";
    "std::fs::copy" => FS, "`tokio::fs::copy(..).await`";
    "std::fs::rename" => FS, "`tokio::fs::rename(..).await`";
    "std::fs::metadata" => FS, "`tokio::fs::metadata(..).await`";
    "std::fs::symlink_metadata" => FS, "`tokio::fs::symlink_metadata(..).await`";
    "std::fs::canonicalize" => FS, "`tokio::fs::canonicalize(..).await`";
    "std::fs::hard_link" => FS, "`tokio::fs::hard_link(..).await`";
    "std::fs::read_link" => FS, "`tokio::fs::read_link(..).await`";
    "std::fs::set_permissions" => FS, "`tokio::fs::set_permissions(..).await`";
    "std::fs::soft_link" => FS, "`tokio::fs::symlink(..).await`";
    "std::fs::exists" => FS, "`tokio::fs::try_exists(..).await`";
    "std::os::unix::fs::symlink" => FS, "`tokio::fs::symlink(..).await`";
    "std::fs::File::open" => FS, "`tokio::fs::File::open(..).await`";
    "std::fs::File::create" => FS, "`tokio::fs::File::create(..).await`";
    "std::fs::File::create_new" => FS, "`tokio::fs::File::create_new(..).await`";
    "std::fs::OpenOptions.open" => FS, "`tokio::fs::OpenOptions::open(..).await`";
    // File I/O (std::io::Read / Write / Seek on a std file).
    "std::fs::File.read" => FS, "`tokio::io::AsyncReadExt::read(..).await` on a `tokio::fs::File`";
    "std::fs::File.read_to_end" => FS, "`tokio::io::AsyncReadExt::read_to_end(..).await` on a `tokio::fs::File`";
    "std::fs::File.read_to_string" => FS, "`tokio::io::AsyncReadExt::read_to_string(..).await` on a `tokio::fs::File`";
    "std::fs::File.read_exact" => FS, "`tokio::io::AsyncReadExt::read_exact(..).await` on a `tokio::fs::File`";
    "std::fs::File.write" => FS, "`tokio::io::AsyncWriteExt::write(..).await` on a `tokio::fs::File`";
    "std::fs::File.write_all" => FS, "`tokio::io::AsyncWriteExt::write_all(..).await` on a `tokio::fs::File`";
    "std::fs::File.write_fmt" => FS, "`tokio::io::AsyncWriteExt::write_all(..).await` on a `tokio::fs::File`";
    "std::fs::File.flush" => FS, "`tokio::io::AsyncWriteExt::flush(..).await` on a `tokio::fs::File`";
    "std::fs::File.sync_all" => FS, "`tokio::fs::File::sync_all(..).await`";
    "std::fs::File.sync_data" => FS, "`tokio::fs::File::sync_data(..).await`";
    "std::fs::File.set_len" => FS, "`tokio::fs::File::set_len(..).await`";
    "std::fs::File.metadata" => FS, "`tokio::fs::File::metadata(..).await`";
    "std::fs::File.set_permissions" => FS, "`tokio::fs::File::set_permissions(..).await`";
    "std::fs::File.seek" => FS, "`tokio::io::AsyncSeekExt::seek(..).await` on a `tokio::fs::File`";
    "std::fs::File.lock" => FS, "";
    "std::fs::File.lock_shared" => FS, "";
    "std::fs::DirEntry.metadata" => FS, "`tokio::fs::DirEntry::metadata(..).await`";
    "std::fs::DirEntry.file_type" => FS, "`tokio::fs::DirEntry::file_type(..).await`";
    // Path and PathBuf queries that touch the file system.
    "std::path::Path.exists" => FS, "`tokio::fs::try_exists(..).await`";
    "std::path::Path.try_exists" => FS, "`tokio::fs::try_exists(..).await`";
    "std::path::Path.metadata" => FS, "`tokio::fs::metadata(..).await`";
    "std::path::Path.symlink_metadata" => FS, "`tokio::fs::symlink_metadata(..).await`";
    "std::path::Path.read_dir" => FS, "`tokio::fs::read_dir(..).await`";
    "std::path::Path.read_link" => FS, "`tokio::fs::read_link(..).await`";
    "std::path::Path.canonicalize" => FS, "`tokio::fs::canonicalize(..).await`";
    "std::path::Path.is_file" => FS, "`tokio::fs::metadata(..).await` and `is_file()` on the result";
    "std::path::Path.is_dir" => FS, "`tokio::fs::metadata(..).await` and `is_dir()` on the result";
    "std::path::Path.is_symlink" => FS, "`tokio::fs::symlink_metadata(..).await` and `is_symlink()` on the result";
    // Sleeping and parking the thread.
    "std::thread::sleep" => SLEEP, "`tokio::time::sleep(..).await`";
    "std::thread::sleep_ms" => SLEEP, "`tokio::time::sleep(..).await`";
    "std::thread::park" => SLEEP, "";
    "std::thread::park_timeout" => SLEEP, "`tokio::time::sleep(..).await`";
    "std::thread::park_timeout_ms" => SLEEP, "`tokio::time::sleep(..).await`";
    // std::net sockets and name lookup.
    "std::net::TcpStream::connect" => NET, "`tokio::net::TcpStream::connect(..).await`";
    "std::net::TcpStream::connect_timeout" => NET, "`tokio::time::timeout(.., tokio::net::TcpStream::connect(..)).await`";
    "std::net::TcpStream.read" => NET, "a `tokio::net::TcpStream` with `AsyncReadExt`";
    "std::net::TcpStream.read_exact" => NET, "a `tokio::net::TcpStream` with `AsyncReadExt`";
    "std::net::TcpStream.read_to_end" => NET, "a `tokio::net::TcpStream` with `AsyncReadExt`";
    "std::net::TcpStream.read_to_string" => NET, "a `tokio::net::TcpStream` with `AsyncReadExt`";
    "std::net::TcpStream.write" => NET, "a `tokio::net::TcpStream` with `AsyncWriteExt`";
    "std::net::TcpStream.write_all" => NET, "a `tokio::net::TcpStream` with `AsyncWriteExt`";
    "std::net::TcpStream.write_fmt" => NET, "a `tokio::net::TcpStream` with `AsyncWriteExt`";
    "std::net::TcpStream.flush" => NET, "a `tokio::net::TcpStream` with `AsyncWriteExt`";
    "std::net::TcpStream.peek" => NET, "`tokio::net::TcpStream::peek(..).await`";
    "std::net::TcpListener.accept" => NET, "`tokio::net::TcpListener::accept().await`";
    "std::net::TcpListener.incoming" => NET, "`tokio::net::TcpListener::accept().await` in a loop";
    "std::net::UdpSocket.recv" => NET, "`tokio::net::UdpSocket::recv(..).await`";
    "std::net::UdpSocket.recv_from" => NET, "`tokio::net::UdpSocket::recv_from(..).await`";
    "std::net::UdpSocket.send" => NET, "`tokio::net::UdpSocket::send(..).await`";
    "std::net::UdpSocket.send_to" => NET, "`tokio::net::UdpSocket::send_to(..).await`";
    "std::net::UdpSocket.peek" => NET, "`tokio::net::UdpSocket::peek(..).await`";
    "std::net::UdpSocket.peek_from" => NET, "`tokio::net::UdpSocket::peek_from(..).await`";
    ".to_socket_addrs" => NET, "`tokio::net::lookup_host(..).await`";
    "reqwest::blocking::get" => NET, "`reqwest::get(..).await`";
    "reqwest::blocking::Client::new" => NET, "`reqwest::Client::new()`";
    "reqwest::blocking::Client::builder" => NET, "`reqwest::Client::builder()`";
    "reqwest::blocking::Client.execute" => NET, "`reqwest::Client::execute(..).await`";
    "reqwest::blocking::RequestBuilder.send" => NET, "`reqwest::RequestBuilder::send().await`";
    "ureq::get" => NET, "an async HTTP client such as `reqwest`";
    "ureq::post" => NET, "an async HTTP client such as `reqwest`";
    "ureq::put" => NET, "an async HTTP client such as `reqwest`";
    "ureq::delete" => NET, "an async HTTP client such as `reqwest`";
    "ureq::head" => NET, "an async HTTP client such as `reqwest`";
    "ureq::patch" => NET, "an async HTTP client such as `reqwest`";
    "ureq::request" => NET, "an async HTTP client such as `reqwest`";
    "ureq::Agent.get" => NET, "an async HTTP client such as `reqwest`";
    "ureq::Agent.post" => NET, "an async HTTP client such as `reqwest`";
    "ureq::Agent.put" => NET, "an async HTTP client such as `reqwest`";
    "ureq::Agent.delete" => NET, "an async HTTP client such as `reqwest`";
    "ureq::Agent.request" => NET, "an async HTTP client such as `reqwest`";
    // Child processes.
    "std::process::Command.output" => PROCESS, "`tokio::process::Command::output().await`";
    "std::process::Command.status" => PROCESS, "`tokio::process::Command::status().await`";
    "std::process::Child.wait" => PROCESS, "`tokio::process::Child::wait().await`";
    "std::process::Child.wait_with_output" => PROCESS, "`tokio::process::Child::wait_with_output().await`";
    // Waiting on other threads.
    "std::sync::mpsc::Receiver.recv" => WAIT, "`tokio::sync::mpsc::Receiver::recv().await`";
    "std::sync::mpsc::Receiver.recv_timeout" => WAIT, "`tokio::time::timeout(.., rx.recv()).await` on a tokio channel";
    "std::sync::mpsc::Receiver.recv_deadline" => WAIT, "`tokio::time::timeout_at(.., rx.recv()).await` on a tokio channel";
    "std::sync::mpsc::Receiver.iter" => WAIT, "`tokio::sync::mpsc::Receiver::recv().await` in a loop";
    "std::thread::JoinHandle.join" => WAIT, "`tokio::task::spawn_blocking(..).await` instead of a thread";
    "std::thread::ScopedJoinHandle.join" => WAIT, "";
    "std::sync::Condvar.wait" => WAIT, "`tokio::sync::Notify::notified().await`";
    "std::sync::Condvar.wait_while" => WAIT, "`tokio::sync::Notify::notified().await`";
    "std::sync::Condvar.wait_timeout" => WAIT, "`tokio::sync::Notify::notified().await`";
    "std::sync::Condvar.wait_timeout_ms" => WAIT, "`tokio::sync::Notify::notified().await`";
    "std::sync::Condvar.wait_timeout_while" => WAIT, "`tokio::sync::Notify::notified().await`";
    "std::sync::Barrier.wait" => WAIT, "`tokio::sync::Barrier::wait().await`";
    "std::io::Stdin.read_line" => WAIT, "`tokio::io::stdin()` with `AsyncBufReadExt::read_line(..).await`";
    "std::io::Stdin.lines" => WAIT, "`tokio::io::BufReader::new(tokio::io::stdin()).lines()`";
    "std::io::Stdin.read_to_string" => WAIT, "`tokio::io::stdin()` with `AsyncReadExt::read_to_string(..).await`";
    "std::io::Stdin.read_to_end" => WAIT, "`tokio::io::stdin()` with `AsyncReadExt::read_to_end(..).await`";
    "std::io::Stdin.read" => WAIT, "`tokio::io::stdin()` with `AsyncReadExt::read(..).await`";
    "std::io::Stdin.read_exact" => WAIT, "`tokio::io::stdin()` with `AsyncReadExt::read_exact(..).await`";
    "std::io::StdinLock.read_line" => WAIT, "`tokio::io::stdin()` with `AsyncBufReadExt::read_line(..).await`";
    "std::io::StdinLock.lines" => WAIT, "`tokio::io::BufReader::new(tokio::io::stdin()).lines()`";
    "std::io::StdinLock.read_to_string" => WAIT, "`tokio::io::stdin()` with `AsyncReadExt::read_to_string(..).await`";
    "std::io::StdinLock.read_to_end" => WAIT, "`tokio::io::stdin()` with `AsyncReadExt::read_to_end(..).await`";
    "std::io::StdinLock.read" => WAIT, "`tokio::io::stdin()` with `AsyncReadExt::read(..).await`";
    "crossbeam_channel::Receiver.recv" => WAIT, "`tokio::sync::mpsc::Receiver::recv().await`";
    "crossbeam_channel::Receiver.recv_timeout" => WAIT, "`tokio::time::timeout(.., rx.recv()).await` on a tokio channel";
    "crossbeam_channel::Receiver.iter" => WAIT, "`tokio::sync::mpsc::Receiver::recv().await` in a loop";
    ".blocking_recv" => WAIT, "`recv().await`";
    ".blocking_send" => WAIT, "`send(..).await`";
    ".blocking_lock" => WAIT, "`lock().await`";
    ".blocking_read" => WAIT, "`read().await`";
    ".blocking_write" => WAIT, "`write().await`";
    // Blocking on a future, or starting a runtime, inside one.
    "futures::executor::block_on" => BLOCK_ON, "`.await`";
    "futures::executor::block_on_stream" => BLOCK_ON, "`StreamExt::next(..).await`";
    "futures_executor::block_on" => BLOCK_ON, "`.await`";
    "futures_lite::future::block_on" => BLOCK_ON, "`.await`";
    "async_std::task::block_on" => BLOCK_ON, "`.await`";
    "async_global_executor::block_on" => BLOCK_ON, "`.await`";
    "async_io::block_on" => BLOCK_ON, "`.await`";
    "smol::block_on" => BLOCK_ON, "`.await`";
    "pollster::block_on" => BLOCK_ON, "`.await`";
    "pollster::FutureExt.block_on" => BLOCK_ON, "`.await`";
    "tokio::runtime::Runtime::new" => BLOCK_ON, "the runtime that is already running (`tokio::runtime::Handle::current()`)";
    "tokio::runtime::Builder.build" => BLOCK_ON, "the runtime that is already running (`tokio::runtime::Handle::current()`)";
    "tokio::runtime::Runtime.block_on" => BLOCK_ON, "`.await`";
    "tokio::runtime::Handle.block_on" => BLOCK_ON, "`.await`";
};

/// What calls return, as type specs: a path, `(A, B)` for a tuple, `iter<T>` for something
/// a `for` loop yields `T` from, `Self` for the receiver's own type. Results and options
/// of these are written bare: `?`, `unwrap` and `expect` see through them.
pub(crate) static RETURNS: &[(&str, &str)] = &[
    ("std::fs::File::open", "std::fs::File"),
    ("std::fs::File::create", "std::fs::File"),
    ("std::fs::File::create_new", "std::fs::File"),
    ("std::fs::File::options", "std::fs::OpenOptions"),
    ("std::fs::File.try_clone", "std::fs::File"),
    ("std::fs::OpenOptions::new", "std::fs::OpenOptions"),
    ("std::fs::OpenOptions.read", "Self"),
    ("std::fs::OpenOptions.write", "Self"),
    ("std::fs::OpenOptions.append", "Self"),
    ("std::fs::OpenOptions.truncate", "Self"),
    ("std::fs::OpenOptions.create", "Self"),
    ("std::fs::OpenOptions.create_new", "Self"),
    ("std::fs::OpenOptions.mode", "Self"),
    ("std::fs::OpenOptions.custom_flags", "Self"),
    ("std::fs::OpenOptions.open", "std::fs::File"),
    ("std::fs::read_dir", "iter<std::fs::DirEntry>"),
    ("std::path::Path.read_dir", "iter<std::fs::DirEntry>"),
    ("std::fs::DirEntry.path", "std::path::PathBuf"),
    ("std::path::Path::new", "std::path::Path"),
    ("std::path::PathBuf::new", "std::path::PathBuf"),
    ("std::path::PathBuf::from", "std::path::PathBuf"),
    ("std::path::Path.join", "std::path::PathBuf"),
    ("std::path::Path.with_extension", "std::path::PathBuf"),
    ("std::path::Path.with_file_name", "std::path::PathBuf"),
    ("std::path::Path.to_path_buf", "std::path::PathBuf"),
    ("std::path::Path.parent", "std::path::Path"),
    ("std::path::Path.as_path", "std::path::Path"),
    ("std::path::Path.canonicalize", "std::path::PathBuf"),
    ("std::env::current_dir", "std::path::PathBuf"),
    ("std::env::temp_dir", "std::path::PathBuf"),
    ("std::env::current_exe", "std::path::PathBuf"),
    ("std::net::TcpStream::connect", "std::net::TcpStream"),
    (
        "std::net::TcpStream::connect_timeout",
        "std::net::TcpStream",
    ),
    ("std::net::TcpStream.try_clone", "std::net::TcpStream"),
    ("std::net::TcpListener::bind", "std::net::TcpListener"),
    (
        "std::net::TcpListener.accept",
        "(std::net::TcpStream, std::net::SocketAddr)",
    ),
    (
        "std::net::TcpListener.incoming",
        "iter<std::net::TcpStream>",
    ),
    ("std::net::UdpSocket::bind", "std::net::UdpSocket"),
    ("std::process::Command::new", "std::process::Command"),
    ("std::process::Command.arg", "Self"),
    ("std::process::Command.args", "Self"),
    ("std::process::Command.env", "Self"),
    ("std::process::Command.envs", "Self"),
    ("std::process::Command.env_remove", "Self"),
    ("std::process::Command.env_clear", "Self"),
    ("std::process::Command.current_dir", "Self"),
    ("std::process::Command.stdin", "Self"),
    ("std::process::Command.stdout", "Self"),
    ("std::process::Command.stderr", "Self"),
    ("std::process::Command.uid", "Self"),
    ("std::process::Command.gid", "Self"),
    ("std::process::Command.spawn", "std::process::Child"),
    (
        "std::sync::mpsc::channel",
        "(std::sync::mpsc::Sender, std::sync::mpsc::Receiver)",
    ),
    (
        "std::sync::mpsc::sync_channel",
        "(std::sync::mpsc::SyncSender, std::sync::mpsc::Receiver)",
    ),
    (
        "crossbeam_channel::unbounded",
        "(crossbeam_channel::Sender, crossbeam_channel::Receiver)",
    ),
    (
        "crossbeam_channel::bounded",
        "(crossbeam_channel::BoundedSender, crossbeam_channel::Receiver)",
    ),
    ("std::thread::spawn", "std::thread::JoinHandle"),
    ("std::thread::Builder::new", "std::thread::Builder"),
    ("std::thread::Builder.name", "Self"),
    ("std::thread::Builder.stack_size", "Self"),
    ("std::thread::Builder.spawn", "std::thread::JoinHandle"),
    ("std::thread::Scope.spawn", "std::thread::ScopedJoinHandle"),
    ("std::sync::Condvar::new", "std::sync::Condvar"),
    ("std::sync::Barrier::new", "std::sync::Barrier"),
    ("std::io::stdin", "std::io::Stdin"),
    ("std::io::BufReader::new", "std::io::BufReader<arg0>"),
    (
        "std::io::BufReader::with_capacity",
        "std::io::BufReader<arg1>",
    ),
    ("std::io::BufWriter::new", "std::io::BufWriter<arg0>"),
    ("std::io::LineWriter::new", "std::io::LineWriter<arg0>"),
    ("std::io::Stdin.lock", "std::io::StdinLock"),
    ("tokio::runtime::Runtime::new", "tokio::runtime::Runtime"),
    (
        "tokio::runtime::Builder::new_multi_thread",
        "tokio::runtime::Builder",
    ),
    (
        "tokio::runtime::Builder::new_current_thread",
        "tokio::runtime::Builder",
    ),
    ("tokio::runtime::Builder.enable_all", "Self"),
    ("tokio::runtime::Builder.enable_io", "Self"),
    ("tokio::runtime::Builder.enable_time", "Self"),
    ("tokio::runtime::Builder.worker_threads", "Self"),
    ("tokio::runtime::Builder.thread_name", "Self"),
    ("tokio::runtime::Builder.max_blocking_threads", "Self"),
    ("tokio::runtime::Builder.build", "tokio::runtime::Runtime"),
    ("tokio::runtime::Handle::current", "tokio::runtime::Handle"),
    (
        "tokio::runtime::Handle::try_current",
        "tokio::runtime::Handle",
    ),
    ("tokio::runtime::Runtime.handle", "tokio::runtime::Handle"),
    (
        "reqwest::blocking::Client::new",
        "reqwest::blocking::Client",
    ),
    (
        "reqwest::blocking::Client.get",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.post",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.put",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.delete",
        "reqwest::blocking::RequestBuilder",
    ),
    (
        "reqwest::blocking::Client.request",
        "reqwest::blocking::RequestBuilder",
    ),
    ("ureq::agent", "ureq::Agent"),
    ("ureq::Agent::new", "ureq::Agent"),
    ("std::sync::Arc::new", "arg0"),
    ("std::sync::Arc::clone", "arg0"),
    ("std::rc::Rc::new", "arg0"),
    ("std::rc::Rc::clone", "arg0"),
    ("std::boxed::Box::new", "arg0"),
    ("std::sync::Mutex::new", "std::sync::Mutex<arg0>"),
    ("std::sync::RwLock::new", "std::sync::RwLock<arg0>"),
    ("std::cell::RefCell::new", "std::cell::RefCell<arg0>"),
    ("std::option::Option::Some", "arg0"),
    ("std::result::Result::Ok", "arg0"),
];

/// Other spellings of the same items: a path starting with the key is read as starting
/// with the value.
pub(crate) static ALIASES: &[(&str, &str)] = &[
    ("core::", "std::"),
    ("alloc::", "std::"),
    ("crossbeam::channel::", "crossbeam_channel::"),
    ("futures_util::", "futures::"),
    ("std::net::tcp::", "std::net::"),
    ("std::fs::File::open_buffered", "std::fs::File::open"),
    ("std::path::PathBuf.", "std::path::Path."),
    ("std::sync::mpsc::IntoIter", "std::sync::mpsc::Receiver"),
    ("std::thread::sleep_until", "std::thread::sleep"),
    (
        "std::thread::Builder.spawn_scoped",
        "std::thread::Builder.spawn",
    ),
    (
        "tokio::runtime::Builder.build_local",
        "tokio::runtime::Builder.build",
    ),
];

const MUTEX_METHODS: &[&str] = &["lock", "try_lock", "try_lock_for", "try_lock_until"];
const RWLOCK_METHODS: &[&str] = &[
    "read",
    "write",
    "try_read",
    "try_write",
    "upgradable_read",
    "try_upgradable_read",
    "upgradeable_read",
    "try_upgradeable_read",
    "read_recursive",
    "try_read_for",
    "try_write_for",
    "try_read_until",
    "try_write_until",
    "try_upgradable_read_for",
    "try_upgradable_read_until",
];
const REFCELL_METHODS: &[&str] = &["borrow", "borrow_mut", "try_borrow", "try_borrow_mut"];

/// Synchronous locks, the methods that hand out their guards, and the rule a guard held
/// across an `.await` is reported under.
pub(crate) static LOCKS: &[(&str, &[&str], Rule)] = &[
    ("std::sync::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    ("std::sync::RwLock", RWLOCK_METHODS, Rule::LockAcrossAwait),
    ("parking_lot::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    (
        "parking_lot::FairMutex",
        MUTEX_METHODS,
        Rule::LockAcrossAwait,
    ),
    (
        "parking_lot::ReentrantMutex",
        MUTEX_METHODS,
        Rule::LockAcrossAwait,
    ),
    ("parking_lot::RwLock", RWLOCK_METHODS, Rule::LockAcrossAwait),
    ("lock_api::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    (
        "lock_api::ReentrantMutex",
        MUTEX_METHODS,
        Rule::LockAcrossAwait,
    ),
    ("lock_api::RwLock", RWLOCK_METHODS, Rule::LockAcrossAwait),
    ("spin::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    ("spin::mutex::Mutex", MUTEX_METHODS, Rule::LockAcrossAwait),
    (
        "spin::mutex::SpinMutex",
        MUTEX_METHODS,
        Rule::LockAcrossAwait,
    ),
    ("spin::RwLock", RWLOCK_METHODS, Rule::LockAcrossAwait),
    (
        "spin::rwlock::RwLock",
        RWLOCK_METHODS,
        Rule::LockAcrossAwait,
    ),
    (
        "std::cell::RefCell",
        REFCELL_METHODS,
        Rule::RefcellAcrossAwait,
    ),
];

/// The lock a `Type.method` call takes, if it is one: the rule and the type's name.
pub(crate) fn lock(type_path: &str, method: &str) -> Option<(Rule, &'static str)> {
    let type_path = canonical(type_path);
    LOCKS
        .iter()
        .find(|(path, methods, _)| *path == type_path && methods.contains(&method))
        .map(|(path, _, rule)| (*rule, *path))
}

/// Methods that pass a guard through: `lock().unwrap()` is still the guard.
pub(crate) static GUARD_PRESERVING: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_else",
    "unwrap_unchecked",
    "map_err",
    "ok",
    "into_inner",
];

/// APIs bound to one runtime's reactor, timer or executor. A path ending in `::` is a
/// prefix: every item under it.
pub(crate) static RUNTIME_APIS: &[(&str, Runtime)] = &[
    ("tokio::spawn", Runtime::Tokio),
    ("tokio::task::spawn", Runtime::Tokio),
    ("tokio::task::spawn_blocking", Runtime::Tokio),
    ("tokio::task::spawn_local", Runtime::Tokio),
    ("tokio::task::block_in_place", Runtime::Tokio),
    ("tokio::time::sleep", Runtime::Tokio),
    ("tokio::time::sleep_until", Runtime::Tokio),
    ("tokio::time::interval", Runtime::Tokio),
    ("tokio::time::interval_at", Runtime::Tokio),
    ("tokio::time::timeout", Runtime::Tokio),
    ("tokio::time::timeout_at", Runtime::Tokio),
    ("tokio::net::", Runtime::Tokio),
    ("tokio::fs::", Runtime::Tokio),
    ("tokio::process::", Runtime::Tokio),
    ("tokio::signal::", Runtime::Tokio),
    ("tokio::io::stdin", Runtime::Tokio),
    ("tokio::io::stdout", Runtime::Tokio),
    ("tokio::io::stderr", Runtime::Tokio),
    ("tokio::runtime::Handle::current", Runtime::Tokio),
    ("async_std::task::spawn", Runtime::AsyncStd),
    ("async_std::task::spawn_local", Runtime::AsyncStd),
    ("async_std::task::spawn_blocking", Runtime::AsyncStd),
    ("async_std::task::sleep", Runtime::AsyncStd),
    ("async_std::future::timeout", Runtime::AsyncStd),
    ("async_std::io::timeout", Runtime::AsyncStd),
    ("async_std::io::stdin", Runtime::AsyncStd),
    ("async_std::io::stdout", Runtime::AsyncStd),
    ("async_std::io::stderr", Runtime::AsyncStd),
    ("async_std::stream::interval", Runtime::AsyncStd),
    ("async_std::net::", Runtime::AsyncStd),
    ("async_std::fs::", Runtime::AsyncStd),
    ("async_std::os::unix::net::", Runtime::AsyncStd),
    ("async_std::process::", Runtime::AsyncStd),
    ("smol::spawn", Runtime::Smol),
    ("smol::unblock", Runtime::Smol),
    ("smol::Timer::", Runtime::Smol),
    ("smol::Async::", Runtime::Smol),
    ("smol::net::", Runtime::Smol),
    ("smol::fs::", Runtime::Smol),
    ("smol::process::", Runtime::Smol),
    ("async_io::Timer::", Runtime::Smol),
    ("async_io::Async::", Runtime::Smol),
    ("async_net::", Runtime::Smol),
    ("async_fs::", Runtime::Smol),
    ("async_process::", Runtime::Smol),
];

/// The runtime an API path is bound to.
pub(crate) fn runtime_api(path: &str) -> Option<Runtime> {
    let path = canonical(path);
    RUNTIME_APIS.iter().find_map(|(api, runtime)| {
        let hit = if api.ends_with("::") {
            path.starts_with(api)
        } else {
            path == *api
        };
        hit.then_some(*runtime)
    })
}

/// Calls that run the future they are given on a runtime of their own.
pub(crate) static DRIVERS: &[(&str, Runtime)] = &[
    ("smol::block_on", Runtime::Smol),
    ("async_io::block_on", Runtime::Smol),
    ("async_std::task::block_on", Runtime::AsyncStd),
    ("async_global_executor::block_on", Runtime::AsyncStd),
    ("tokio_test::block_on", Runtime::Tokio),
    ("tokio::runtime::Runtime.block_on", Runtime::Tokio),
    ("tokio::runtime::Handle.block_on", Runtime::Tokio),
    ("actix_rt::System.block_on", Runtime::Tokio),
    ("actix_rt::Runtime.block_on", Runtime::Tokio),
];

pub(crate) fn driver(key: &str) -> Option<Runtime> {
    let key = canonical(key);
    DRIVERS
        .iter()
        .find_map(|(path, runtime)| (*path == key).then_some(*runtime))
}

/// Attributes that start a runtime and run the fn on it.
pub(crate) static ENTRY_ATTRIBUTES: &[(&str, Runtime)] = &[
    ("tokio::main", Runtime::Tokio),
    ("tokio::test", Runtime::Tokio),
    ("actix_web::main", Runtime::Tokio),
    ("actix_web::test", Runtime::Tokio),
    ("actix_rt::main", Runtime::Tokio),
    ("actix_rt::test", Runtime::Tokio),
    ("async_std::main", Runtime::AsyncStd),
    ("async_std::test", Runtime::AsyncStd),
    ("smol_potat::main", Runtime::Smol),
    ("smol_potat::test", Runtime::Smol),
];

pub(crate) fn entry_attribute(path: &str) -> Option<Runtime> {
    ENTRY_ATTRIBUTES
        .iter()
        .find_map(|(attr, runtime)| (*attr == path).then_some(*runtime))
}

/// Extern crates whose paths never name a fn of the crate being linted.
pub(crate) static WELL_KNOWN_CRATES: &[&str] = &[
    "std",
    "core",
    "alloc",
    "tokio",
    "futures",
    "async_std",
    "smol",
    "serde",
    "serde_json",
    "tracing",
    "log",
    "anyhow",
    "thiserror",
    "hyper",
    "axum",
    "tower",
    "reqwest",
    "bytes",
    "rayon",
    "crossbeam",
    "crossbeam_channel",
    "parking_lot",
    "tokio_util",
    "tokio_stream",
    "futures_util",
    "async_trait",
    "chrono",
    "regex",
    "clap",
    "uuid",
    "sqlx",
    "http",
];

/// Functions that run the closure or fn item given to them off the async thread.
pub(crate) static OFFLOADERS: &[&str] = &[
    "tokio::task::spawn_blocking",
    "tokio::task::block_in_place",
    "std::thread::spawn",
    "async_std::task::spawn_blocking",
    "smol::unblock",
    "blocking::unblock",
    "rayon::spawn",
    "rayon::spawn_fifo",
    "rayon::scope",
    "actix_web::web::block",
    "actix_rt::task::spawn_blocking",
];

/// Methods that run a plain closure on another thread, on any receiver: a thread
/// `Builder`, a `thread::scope` handle, a rayon pool, a tokio `Handle`.
pub(crate) static OFFLOADING_METHODS: &[&str] = &[
    "spawn",
    "spawn_scoped",
    "spawn_blocking",
    "block_in_place",
    "unblock",
    "install",
];

/// Macros whose tokens are never code run in place (templates, items, strings).
pub(crate) static OPAQUE_MACROS: &[&str] = &[
    "macro_rules",
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
    "stringify",
    "concat",
    "include",
    "include_str",
    "include_bytes",
    "env",
    "option_env",
    "compile_error",
    "cfg",
    "concat_idents",
    "thread_local",
    "task_local",
    "lazy_static",
    "cfg_if",
];

/// The prelude's names that matter here, for single-segment paths bound nowhere else.
pub(crate) fn prelude(name: &str) -> Option<&'static str> {
    Some(match name {
        "Box" => "std::boxed::Box",
        "Option" => "std::option::Option",
        "Result" => "std::result::Result",
        "Some" => "std::option::Option::Some",
        "Ok" => "std::result::Result::Ok",
        "Vec" => "std::vec::Vec",
        "String" => "std::string::String",
        "drop" => "std::mem::drop",
        _ => return None,
    })
}

/// Rewrites a canonical path through [`ALIASES`].
pub(crate) fn canonical(path: &str) -> std::borrow::Cow<'_, str> {
    for (from, to) in ALIASES {
        if let Some(rest) = path.strip_prefix(from) {
            return format!("{to}{rest}").into();
        }
    }
    path.into()
}

struct Tables {
    blocking: HashMap<&'static str, &'static Blocking>,
    returns: HashMap<&'static str, &'static str>,
    /// Every known path and each of its prefixes (`std`, `std::fs`, `std::fs::File`).
    known: HashSet<String>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let blocking: HashMap<_, _> = BLOCKING.iter().map(|b| (b.callee, b)).collect();
    let returns: HashMap<_, _> = RETURNS.iter().copied().collect();
    let mut known = HashSet::new();
    let paths = BLOCKING
        .iter()
        .map(|b| b.callee)
        .chain(RETURNS.iter().map(|r| r.0))
        .chain(OFFLOADERS.iter().copied());
    for path in paths {
        let path = path.split('.').next().unwrap_or(path);
        let mut prefix = String::new();
        for segment in path.split("::") {
            if !prefix.is_empty() {
                prefix.push_str("::");
            }
            prefix.push_str(segment);
            known.insert(prefix.clone());
        }
    }
    Tables {
        blocking,
        returns,
        known,
    }
});

/// The catalogue entry for a function path or a `Type.method` key.
pub(crate) fn blocking(key: &str) -> Option<&'static Blocking> {
    TABLES.blocking.get(canonical(key).as_ref()).copied()
}

/// The return type spec of a function path or a `Type.method` key.
pub(crate) fn returns(key: &str) -> Option<&'static str> {
    TABLES.returns.get(canonical(key).as_ref()).copied()
}

/// Is `path` (or an alias of it) an item, type or module some table names?
pub(crate) fn is_known(path: &str) -> bool {
    TABLES.known.contains(canonical(path).as_ref())
}

pub(crate) fn is_offloader(path: &str) -> bool {
    let path = canonical(path);
    OFFLOADERS.contains(&path.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_entry_is_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for entry in BLOCKING {
            assert!(
                seen.insert(entry.callee),
                "duplicate entry {}",
                entry.callee
            );
            assert!(!entry.callee.is_empty());
            assert!(!entry.callee.ends_with("::"));
        }
    }

    #[test]
    fn aliases_lead_to_the_canonical_spelling() {
        assert!(blocking("crossbeam::channel::Receiver.recv").is_some());
        assert!(blocking("std::path::PathBuf.exists").is_some());
        assert!(blocking("core::fs::read").is_some());
        assert!(is_known("std::fs"));
        assert!(is_known("std::fs::File"));
        assert!(!is_known("tokio::fs::read"));
    }
}
