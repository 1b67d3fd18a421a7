//! What calls and constructors return: the evidence that lets a method call be matched
//! against the catalogue (`File::open(..)?.read(..)` is a read on a `std::fs::File`).
//! Also the methods any receiver shares (unwrapping, cloning, iterating) and the wrapper
//! types a value is seen through (smart pointers, `Option`/`Result`, sequences).

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
        "(std::sync::mpsc::SyncSender<arg0>, std::sync::mpsc::Receiver)",
    ),
    (
        "crossbeam_channel::unbounded",
        "(crossbeam_channel::Sender, crossbeam_channel::Receiver)",
    ),
    (
        "crossbeam_channel::bounded",
        "(crossbeam_channel::BoundedSender<arg0>, crossbeam_channel::Receiver)",
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

/// What an awaited method call gives, as a type spec over its receiver: an async lock's
/// guard dereferences to the protected value (`Self.0`).
pub(crate) static AWAITED: &[(&str, &str)] = &[
    ("tokio::sync::Mutex.lock", "Self.0"),
    ("tokio::sync::Mutex.lock_owned", "Self.0"),
    ("tokio::sync::RwLock.read", "Self.0"),
    ("tokio::sync::RwLock.write", "Self.0"),
    ("futures::lock::Mutex.lock", "Self.0"),
    ("async_lock::Mutex.lock", "Self.0"),
    ("async_lock::RwLock.read", "Self.0"),
    ("async_lock::RwLock.write", "Self.0"),
    ("async_std::sync::Mutex.lock", "Self.0"),
    ("async_std::sync::RwLock.read", "Self.0"),
    ("async_std::sync::RwLock.write", "Self.0"),
];

/// The spec of what awaiting `Type.method(..)` gives.
pub(crate) fn awaited(key: &str) -> Option<&'static str> {
    let key = super::canonical(key);
    AWAITED.iter().find(|row| row.0 == key).map(|row| row.1)
}

/// Methods that iterate a collection: they yield its items.
pub(crate) static ITERATING: &[&str] = &["iter", "iter_mut", "into_iter", "drain"];

/// Iterator adapters that pass the items on unchanged.
pub(crate) static ITER_PRESERVING: &[&str] = &[
    "filter",
    "skip",
    "take",
    "rev",
    "peekable",
    "by_ref",
    "skip_while",
    "take_while",
    "inspect",
    "chain",
    "cycle",
    "step_by",
    "fuse",
];

/// Iterator adapters whose closure's first parameter is the item.
pub(crate) static ITEM_CLOSURES: &[&str] = &[
    "map",
    "filter_map",
    "for_each",
    "filter",
    "any",
    "all",
    "find",
    "find_map",
    "flat_map",
    "inspect",
    "take_while",
    "skip_while",
    "position",
    "try_for_each",
    "map_while",
];

/// Methods on any receiver that give the value inside an `Option` or `Result`.
pub(crate) static UNWRAPPING: &[&str] =
    &["unwrap", "expect", "unwrap_or_default", "unwrap_unchecked"];

/// Methods on any receiver whose result has the receiver's type (or derefs to it).
pub(crate) static SAME_TYPE: &[&str] = &[
    "clone",
    "to_owned",
    "as_ref",
    "as_mut",
    "by_ref",
    "take",
    "as_deref",
    "as_deref_mut",
    "ok",
];

/// Lazily initialized cells, by the last segment of their path (std's and once_cell's),
/// and the accessors that give their contents.
pub(crate) static CELLS: &[(&str, &[&str])] = &[
    ("::OnceLock", ONCE_ACCESSORS),
    ("::OnceCell", ONCE_ACCESSORS),
];
const ONCE_ACCESSORS: &[&str] = &["get_or_init", "get_or_try_init", "get", "wait"];

/// Does `Type.method` give the cell's contents (its first type argument)?
pub(crate) fn cell_contents(type_path: &str, method: &str) -> bool {
    CELLS
        .iter()
        .any(|(suffix, methods)| type_path.ends_with(suffix) && methods.contains(&method))
}

/// Types a method call sees through (auto-deref): `Arc<File>` calls `File`'s methods.
pub(crate) static DEREF_WRAPPERS: &[&str] = &[
    "std::boxed::Box",
    "std::sync::Arc",
    "std::rc::Rc",
    "std::pin::Pin",
    "alloc::sync::Arc",
    "alloc::boxed::Box",
    "std::sync::LazyLock",
    "std::cell::LazyCell",
    "once_cell::sync::Lazy",
    "once_cell::unsync::Lazy",
];

/// Types whose `?`, `unwrap` and `expect` give their first argument.
pub(crate) static FALLIBLE_WRAPPERS: &[&str] = &[
    "std::option::Option",
    "std::result::Result",
    "std::io::Result",
    "anyhow::Result",
];

/// Slices and arrays: a sequence of their first argument.
pub(crate) const SEQUENCE: &str = "[]";

/// Collections whose iteration yields their first type argument.
pub(crate) static SEQUENCES: &[&str] = &[
    SEQUENCE,
    "std::vec::Vec",
    "std::collections::VecDeque",
    "std::collections::HashSet",
    "std::collections::BTreeSet",
    "std::collections::LinkedList",
];

/// Pattern variants that bind the value inside an `Option` or `Result`.
pub(crate) static UNWRAPPING_VARIANTS: &[&str] = &["Some", "Ok"];
