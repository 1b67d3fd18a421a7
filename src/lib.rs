//! async-lint: finds the async mistakes that Rust's compiler accepts.
//!
//! The core is [`lint_source`]: pure, total, no I/O. The runner walks paths, reads files
//! and calls it on worker threads; the reporters print what comes back.

pub mod analysis;
pub mod baseline;
pub mod cargo;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod fixes;
pub mod report;
pub mod rules;
pub mod runner;
pub mod server;
pub mod settings;
pub mod suppress;
mod text;

pub use diagnostic::{Diagnostic, Edit, Fix, Label, Pos, Span};
pub use rules::{Level, Rule};
pub use settings::{Edition, Settings, UserBlocking};

/// Lints one file's source. `name` is the file as it should appear in diagnostics.
///
/// Never panics and does no I/O: a file syn cannot parse comes back as a `parse_error`
/// diagnostic. Call it on a thread with a large stack (syn recurses on nesting).
pub fn lint_source(name: &str, text: &str, settings: &Settings) -> Vec<Diagnostic> {
    let facts = analysis::facts_of(name, text, settings);
    let accepted = suppress::accepted(&facts);
    let diagnostics = rules::report(facts, settings, None);
    rules::one_per_site(suppress::apply(
        name,
        text,
        diagnostics,
        settings,
        &accepted,
    ))
}
