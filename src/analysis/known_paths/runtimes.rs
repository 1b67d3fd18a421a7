//! What ties code to one async runtime: runtime-bound APIs, the calls that drive a future
//! on a runtime of their own, the entry attributes that start one, and the words in a
//! `#[cfg(..)]` that gate code on one.

use super::canonical;
use crate::analysis::summary::Runtime;

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

/// Words in a `#[cfg(..)]` (feature or dependency names) that gate code on one runtime.
pub(crate) static CFG_NAMES: &[(&str, Runtime)] = &[
    ("tokio", Runtime::Tokio),
    ("actix", Runtime::Tokio),
    ("async-std", Runtime::AsyncStd),
    ("async_std", Runtime::AsyncStd),
    ("smol", Runtime::Smol),
    ("async-io", Runtime::Smol),
];

/// Crates that provide an async runtime, as named in `[dependencies]`.
pub(crate) static RUNTIME_CRATES: &[&str] = &[
    "actix-rt",
    "async-global-executor",
    "async-std",
    "glommio",
    "monoio",
    "smol",
    "tokio",
];

/// The runtime a dependency brings, by the dependency's name (either spelling).
pub(crate) static DEPENDENCY_RUNTIMES: &[(&str, Runtime)] = &[
    ("tokio", Runtime::Tokio),
    ("actix-rt", Runtime::Tokio),
    ("actix_rt", Runtime::Tokio),
    ("actix-web", Runtime::Tokio),
    ("actix_web", Runtime::Tokio),
    ("async-std", Runtime::AsyncStd),
    ("async_std", Runtime::AsyncStd),
    ("smol", Runtime::Smol),
    ("async-io", Runtime::Smol),
    ("async_io", Runtime::Smol),
    ("smol-potat", Runtime::Smol),
    ("smol_potat", Runtime::Smol),
];
