//! Small name lists: crates that never hold the linted crate's fns, macros whose tokens
//! are not code, and the prelude names that matter.

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
