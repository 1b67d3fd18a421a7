//! The integration tests, one binary (`cargo test --test it`): one link instead of one per
//! file. Each module was a test crate of its own; `common` holds what they share.

mod cache;
mod cargo_subcommand;
mod cli;
mod common;
mod crate_fixtures;
mod determinism;
mod ecosystem;
mod editions;
mod expected_output;
mod fix_once;
mod fixes;
mod fixtures;
mod formats;
mod hostile;
mod pre_commit;
mod rule_docs;
mod rust_analyzer;
mod selection;
mod server;
mod single_file;
mod suppressions;
mod workflows;
