//! Small name lists: crates that never hold the linted crate's fns, macros by what their
//! bodies are (not code, panics, `select!`, `join!`, `write!`), the prelude names that
//! matter, the methods a reported call passes through, and what makes a fn poll-style.

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

/// Macros that never return: control does not flow past them.
pub(crate) static PANIC_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];

/// Macros whose branches are futures awaited together, then one handler runs.
pub(crate) static SELECT_MACROS: &[&str] = &["select", "select_biased"];

/// Macros that write to their first argument through `write_fmt`.
pub(crate) static WRITE_MACROS: &[&str] = &["write", "writeln"];

/// Macros that await every argument at the macro.
pub(crate) static JOIN_MACROS: &[&str] = &["join", "try_join"];

/// Methods a finding on the receiver passes through: `File::open(p)?.read(..)` is one
/// finding (on `open`), and so is `File::open(p).unwrap().read(..)`.
pub(crate) static REPORTED_SEE_THROUGH: &[&str] =
    &["unwrap", "expect", "unwrap_or_default", "by_ref", "as_mut"];

/// Poll-style fns: named `poll` or with this prefix, taking a `&mut` of this type.
pub(crate) const POLL_FN: &str = "poll";
pub(crate) const POLL_FN_PREFIX: &str = "poll_";
pub(crate) const POLL_CONTEXT: &str = "Context";
