#!/usr/bin/env bash
# Fuzzes `lint_source` with cargo-fuzz (libFuzzer + AddressSanitizer).
#   fuzz/run.sh [SECONDS]     default 600; seeds the corpus from fixtures/ on first use
# Needs a nightly toolchain (`rustup toolchain install nightly`) and `cargo install cargo-fuzz`.
# Crashes land in fuzz/artifacts/lint_source/; each one becomes a regression test in
# tests/it/hostile.rs.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
seconds=${1:-600}
corpus=$here/corpus/lint_source
if [ ! -d "$corpus" ]; then
    mkdir -p "$corpus"
    find "$here/../fixtures" -name '*.rs' -type f | while read -r file; do
        cp "$file" "$corpus/$(echo "${file#"$here/../fixtures/"}" | tr / _)"
    done
fi
cd "$here"
# -rss_limit_mb: a syn tree is ~33x its text and ASan adds its own; 2048 is libFuzzer's
# default and is kept. -timeout: a single input taking more than 10 s is a hang.
exec cargo +nightly fuzz run lint_source "$corpus" -- \
    -dict="$here/lint_source.dict" -max_total_time="$seconds" -timeout=10 -print_final_stats=1
