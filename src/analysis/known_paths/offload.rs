//! Calls and methods that run the closure given to them off the async thread.

use super::canonical;

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
/// `Builder`, a `thread::scope` handle, a rayon pool, a tokio `Handle`, a tokio `JoinSet`
/// (`spawn_blocking_on(f, &handle)`).
pub(crate) static OFFLOADING_METHODS: &[&str] = &[
    "spawn",
    "spawn_scoped",
    "spawn_blocking",
    "spawn_blocking_on",
    "block_in_place",
    "unblock",
    "install",
];

pub(crate) fn is_offloader(path: &str) -> bool {
    let path = canonical(path);
    OFFLOADERS.contains(&path.as_ref())
}

/// Last segments that keep their meaning through re-exports and wrappers: a call to any
/// path ending so runs its closure off the async thread.
pub(crate) static OFFLOADER_NAMES: &[&str] = &["spawn_blocking", "block_in_place", "unblock"];
