#!/usr/bin/env sh
# For rust-analyzer's `check.overrideCommand` (which replaces `cargo check`): clippy's
# diagnostics, then async-lint's, as JSON lines the editor shows inline. Extra arguments
# go to clippy. Run from the workspace root (rust-analyzer does).
#
#   "rust-analyzer.check.overrideCommand": ["sh", "scripts/check-with-async-lint.sh"]
set -u
cargo clippy --workspace --all-targets --message-format=json "$@"
status=$?
# Findings are warnings in the editor, not a failed check.
async-lint --format rustc-json --exit-zero . || status=$?
exit "$status"
