#!/usr/bin/env sh
# For rust-analyzer's `check.overrideCommand` (which replaces `cargo check`): async-lint's
# findings, then clippy's and rustc's diagnostics, as cargo's JSON lines; the editor shows
# them all inline. Extra arguments go to clippy. Run from the workspace root (rust-analyzer
# does). `ASYNC_LINT` names the binary when it is not `async-lint` on the PATH.
#
#   "rust-analyzer.check.overrideCommand": ["sh", "scripts/check-with-async-lint.sh"]
#
# rust-analyzer files these lines by package: the first line of a package clears only that
# package's old diagnostics, so the two tools add up. async-lint runs first: a file of no
# package gets a bare diagnostic, which clears the whole workspace, and async-lint prints
# those before anything else.
set -u
status=0
# Findings are warnings in the editor, not a failed check.
"${ASYNC_LINT:-async-lint}" --format rustc-json --exit-zero . || status=$?
cargo clippy --workspace --all-targets --message-format=json "$@" || status=$?
exit "$status"
