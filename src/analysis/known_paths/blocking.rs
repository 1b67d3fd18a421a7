//! The blocking catalogue: every blocking operation the tool knows, the rule it is
//! reported under, what to use instead and what kind of blocking it is; the buffered
//! adapters that do their inner type's I/O; the extension-trait methods matched by
//! import. Keys are canonical (see [`super::canonical`]).

use crate::analysis::facts::BlockingKind;
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
    /// What the call does beyond blocking the thread: blocks on a future (every
    /// `block_on_in_async` row unless marked), creates a runtime, panics in one.
    pub(crate) kind: BlockingKind,
    /// The packages that provide it (`fs-err`): the row is active only in a crate that
    /// depends on one of them. Empty for std's rows and the block-on helpers.
    pub(crate) packages: &'static [&'static str],
}

/// The kind a row of this rule has unless it says otherwise.
pub(super) const fn default_kind(rule: Rule) -> BlockingKind {
    match rule {
        Rule::BlockOnInAsync => BlockingKind::BlocksOnFuture,
        _ => BlockingKind::Blocks,
    }
}

pub(super) const FS: Rule = Rule::BlockingFs;
pub(super) const SLEEP: Rule = Rule::BlockingSleep;
pub(super) const NET: Rule = Rule::BlockingNet;
pub(super) const PROCESS: Rule = Rule::BlockingProcess;
pub(super) const WAIT: Rule = Rule::BlockingWait;
pub(super) const BLOCK_ON: Rule = Rule::BlockOnInAsync;

macro_rules! blocking {
    (@kind $rule:ident) => { default_kind($rule) };
    (@kind $rule:ident $kind:ident) => { BlockingKind::$kind };
    (packages $packages:expr; $($callee:expr => $rule:ident $(($kind:ident))?, $replacement:expr;)*) => {
        &[$(Blocking {
            callee: $callee,
            rule: $rule,
            replacement: $replacement,
            kind: blocking!(@kind $rule $($kind)?),
            packages: $packages,
        },)*]
    };
    ($($callee:literal => $rule:ident $(($kind:ident))?, $replacement:literal;)*) => {
        blocking!(packages &[]; $($callee => $rule $(($kind))?, $replacement;)*)
    };
}
pub(super) use blocking;

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
    "std::sync::mpsc::SyncSender.send" => WAIT, "`tokio::sync::mpsc::Sender::send(..).await`";
    "std::thread::scope" => WAIT, "a `tokio::task::JoinSet` of `spawn_blocking` tasks";
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
    ".blocking_recv" => WAIT(PanicsInRuntime), "`recv().await`";
    ".blocking_send" => WAIT(PanicsInRuntime), "`send(..).await`";
    ".blocking_lock" => WAIT(PanicsInRuntime), "`lock().await`";
    ".blocking_read" => WAIT(PanicsInRuntime), "`read().await`";
    ".blocking_write" => WAIT(PanicsInRuntime), "`write().await`";
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
    "tokio::runtime::Runtime::new" => BLOCK_ON(CreatesRuntime), "the runtime that is already running (`tokio::runtime::Handle::current()`)";
    "tokio::runtime::Builder.build" => BLOCK_ON(CreatesRuntime), "the runtime that is already running (`tokio::runtime::Handle::current()`)";
    "tokio::runtime::Runtime.block_on" => BLOCK_ON, "`.await`";
    "tokio::runtime::Handle.block_on" => BLOCK_ON, "`.await`";
};

/// Buffered adapters do their inner reader's or writer's I/O: the adapter, the direction
/// its I/O takes (the inner type's catalogue method to look up) and the methods that do it.
pub(crate) static IO_ADAPTERS: &[(&str, &str, &[&str])] = &[
    (
        "std::io::BufReader",
        "read",
        &[
            "read",
            "read_line",
            "lines",
            "read_until",
            "split",
            "fill_buf",
            "read_to_string",
            "read_to_end",
            "read_exact",
        ],
    ),
    (
        "std::io::BufWriter",
        "write",
        &["write", "write_all", "flush", "write_fmt"],
    ),
    (
        "std::io::LineWriter",
        "write",
        &["write", "write_all", "flush", "write_fmt"],
    ),
];

/// The direction (`read` or `write`) of a buffered adapter's method, if it does I/O.
pub(crate) fn io_adapter_direction(path: &str, method: &str) -> Option<&'static str> {
    IO_ADAPTERS
        .iter()
        .find(|(adapter, _, methods)| *adapter == path && methods.contains(&method))
        .map(|(_, direction, _)| *direction)
}

/// Extension-trait methods taking no argument, matched by name when the file imports the
/// trait or its crate (the receiver is any future): the trait, its crate, the method, and
/// the catalogue row.
pub(crate) static TRAIT_METHODS: &[(&str, &str, &str, &str)] = &[(
    "pollster::FutureExt",
    "pollster",
    "block_on",
    "pollster::FutureExt.block_on",
)];

/// tokio's `blocking_*` methods panic inside a runtime: a configured path whose name
/// starts so is taken to be one of them.
pub(crate) const PANICS_IN_RUNTIME_PREFIX: &str = "blocking_";
