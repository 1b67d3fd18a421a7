#!/usr/bin/env bash
# The language server's change-to-diagnostics time (issue 13), apart from bench/run.sh:
#
#   bench/server.sh [CRATE [FILE]]    default: tokio from the corpus, src/net/udp.rs
#
# Environment: BENCH_CORPUS (default /work/corpus), BENCH_SERVER_RUNS=60 changes,
# CARGO_TARGET_DIR (the release build is made if missing). Needs python3.
# Prints markdown table rows: the default debounce with a 100 ms pause before each change,
# changes back to back, no debounce; and, for comparison, one
# `--stdin-filename` run of the same file (it reads and parses the whole crate each time).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
target=${CARGO_TARGET_DIR:-$root/target}
corpus=${BENCH_CORPUS:-/work/corpus}
crate=${1:-$(ls -d "$corpus"/tokio-1.* | head -1)}
file=${2:-src/net/udp.rs}
runs=${BENCH_SERVER_RUNS:-60}
bin=$target/release/async-lint
[ -x "$bin" ] || cargo build --release --manifest-path "$root/Cargo.toml" >&2

# The default debounce, each change after a typist's gap of 100 ms (the server idle: the
# time of one lint); then changes back to back (each waits out the debounce after the last
# lint); then no debounce at all.
python3 "$here/server.py" "$bin" "$crate" "$file" "$runs" 20 100
python3 "$here/server.py" "$bin" "$crate" "$file" "$runs" 20 0
python3 "$here/server.py" "$bin" "$crate" "$file" "$runs" 0 0
# The CLI from stdin, warm (median of 5 after one untimed run).
(cd "$crate" && "$bin" --stdin-filename "$file" - < "$file" > /dev/null || true)
times=()
for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    (cd "$crate" && "$bin" --threads 2 --stdin-filename "$file" - < "$file" > /dev/null || true)
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)
echo "| --stdin-filename $(basename "$crate")/$file, warm, 2 threads | median $median ms (5 runs) |"
