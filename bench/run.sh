#!/usr/bin/env bash
# The benchmark (issue 6, SPEC §7): async-lint against what users would otherwise run.
#
#   bench/run.sh                     build --release, vendor the corpus if needed, measure,
#                                    print a markdown table and write it to bench/results.md
#
# Environment:
#   BENCH_RUNS=3          timed runs per measurement (the median is reported), after one
#                         untimed warm-up run (warm page cache)
#   BENCH_STDIN_RUNS=20   timed runs for the one-file (`--stdin-filename`) measurements
#   BENCH_CORPUS=DIR      an already vendored corpus to use as it is (e.g. /work/corpus)
#   BENCH_CORPUS_CACHE    where to vendor the corpus otherwise (default bench/corpus-cache,
#                         gitignored); `cargo vendor --locked` from bench/corpus's manifest
#   BENCH_OUT=FILE        where to write the table (default bench/results.md)
#   CARGO_TARGET_DIR      honored for the builds of async-lint and the baseline
#
# What is measured, each the median wall time and peak RSS of BENCH_RUNS runs:
#   a. async-lint over the whole corpus, --threads 1 and --threads 2;
#   b. the naive baseline (bench/baseline: syn::parse_file + syn::visit on every file,
#      2 threads);
#   c. cargo clippy on mini-redis and tokio (--features full), copied out of the corpus and
#      made to build on their own, offline, against the vendored corpus: from clean, crate
#      only (`cargo clean -p CRATE`, dependencies cached) and after touching src/lib.rs;
#   d. async-lint on the same two crates' src/ (2 threads);
#   e. one file through --stdin-filename (tokio's src/net/tcp/stream.rs and src/net/udp.rs,
#      and the fixtures' echo server), BENCH_STDIN_RUNS runs: warm (the warm-up run fills
#      the summary cache, .async-lint-cache), with an edited buffer (the file's text plus a
#      line: the file itself is parsed, the rest of the crate comes from the cache), and
#      cold (the cache removed before each run).
# Wall time is taken around each run with `date +%s%N`; peak RSS is GNU time's %M (the
# largest single process: for cargo, the biggest rustc/clippy-driver it ran).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
runs=${BENCH_RUNS:-3}
stdin_runs=${BENCH_STDIN_RUNS:-20}
out=${BENCH_OUT:-$here/results.md}
target=${CARGO_TARGET_DIR:-$root/target}
export CARGO_TERM_COLOR=never

die() { echo "bench: error: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

# --- tools ---------------------------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
    note "installing GNU time"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq time >&2 \
        || die "GNU time (/usr/bin/time) is needed: apt-get install time"
fi
cargo clippy --version >/dev/null 2>&1 || die "cargo clippy is needed: rustup component add clippy"

# --- corpus --------------------------------------------------------------------------------
if [ -n "${BENCH_CORPUS:-}" ]; then
    corpus=$(cd "$BENCH_CORPUS" && pwd)
else
    corpus=${BENCH_CORPUS_CACHE:-$here/corpus-cache}
    if [ ! -f "$corpus/.complete" ]; then
        note "vendoring the corpus into $corpus (cargo vendor --locked; a few minutes)"
        work=$(mktemp -d)
        cp -r "$here/corpus/." "$work/"
        mkdir -p "$corpus"
        (cd "$work" && cargo vendor --locked --versioned-dirs "$corpus" >/dev/null 2>"$work/log") \
            || { cat "$work/log" >&2; rm -rf "$work"; die "cargo vendor failed"; }
        rm -rf "$work"
        touch "$corpus/.complete"
    fi
    corpus=$(cd "$corpus" && pwd)
fi
[ -f "$corpus/.complete" ] || die "$corpus is not a complete vendored corpus (no .complete)"
tokio_src=$(ls -d "$corpus"/tokio-1.* | head -1)
redis_src=$(ls -d "$corpus"/mini-redis-* | head -1)
[ -d "$tokio_src" ] && [ -d "$redis_src" ] || die "tokio or mini-redis missing from $corpus"

# --- builds --------------------------------------------------------------------------------
note "building async-lint (release)"
(cd "$root" && cargo build --release --quiet --bin async-lint) || die "cargo build failed"
bin=$target/release/async-lint
note "building the baseline (release)"
(cd "$here/baseline" && CARGO_TARGET_DIR=$target/bench-baseline cargo build --release --quiet) \
    || die "building bench/baseline failed"
baseline=$target/bench-baseline/release/async-lint-bench-baseline
# From here on cargo runs only in the copied crates, each with its own ./target: a
# CARGO_TARGET_DIR from the caller would make `cargo clean` below wipe the caller's builds.
unset CARGO_TARGET_DIR

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A crate from the corpus, standing alone: its own [workspace], the vendored corpus as its
# registry (offline), its own target directory. Prints the copy's path.
standalone() {
    local src=$1 name=$2 dir=$tmp/$2
    cp -r "$src" "$dir"
    awk -v vendor="$corpus" -f "$here/standalone-manifest.awk" \
        "$dir/Cargo.toml" "$dir/Cargo.toml" >"$dir/Cargo.toml.new"
    mv "$dir/Cargo.toml.new" "$dir/Cargo.toml"
    printf '\n[workspace]\n' >>"$dir/Cargo.toml"
    rm -f "$dir/Cargo.lock"
    mkdir -p "$dir/.cargo"
    cat >"$dir/.cargo/config.toml" <<EOF
[source.crates-io]
replace-with = "vendored-corpus"

[source.vendored-corpus]
directory = "$corpus"

[net]
offline = true
EOF
    (cd "$dir" && cargo generate-lockfile --quiet) \
        || die "$name does not resolve against the vendored corpus"
    echo "$dir"
}

# --- measuring -----------------------------------------------------------------------------
declare -A wall best rss code
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%d\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
fastest() { sort -n | head -1; }

# measure KEY N [dir=DIR] [stdin=FILE] [before=SHELL] [ok=CODES] -- COMMAND...
# One untimed warm-up run (after `before`), then N timed runs (each after `before`, untimed).
# Fails the benchmark when a run exits with a status not in `ok` (default "0 1 2") or prints
# "panicked" on stderr.
measure() {
    local key=$1 n=$2 dir=$PWD input=/dev/null before=: ok="0 1 2"
    shift 2
    while [ "$1" != -- ]; do
        case $1 in
            dir=*) dir=${1#dir=} ;;
            stdin=*) input=${1#stdin=} ;;
            before=*) before=${1#before=} ;;
            ok=*) ok=${1#ok=} ;;
        esac
        shift
    done
    shift
    note "measuring $key ($n runs)"
    local i t0 t1 status walls="" rsses=""
    for ((i = 0; i <= n; i++)); do
        (cd "$dir" && eval "$before") >/dev/null 2>&1 || die "$key: setup failed: $before"
        rm -f "$tmp/time"
        t0=$(date +%s%N)
        (cd "$dir" && /usr/bin/time -f '%M %x' -o "$tmp/time" "$@" <"$input" >"$tmp/stdout" 2>"$tmp/stderr") \
            || true
        t1=$(date +%s%N)
        [ -s "$tmp/time" ] || die "$key: could not run: $*"
        if grep -q 'terminated by signal' "$tmp/time"; then
            tail -20 "$tmp/stderr" >&2
            die "$key: $(head -1 "$tmp/time"): $*"
        fi
        status=$(tail -1 "$tmp/time" | awk '{ print $2 }')
        if ! grep -qw -- "$status" <<<"$ok"; then
            tail -20 "$tmp/stderr" >&2
            die "$key: exit status $status (expected one of: $ok): $*"
        fi
        if grep -q panicked "$tmp/stderr"; then
            grep -m5 panicked "$tmp/stderr" >&2
            die "$key: panicked: $*"
        fi
        [ "$i" = 0 ] && continue # warm-up
        walls+="$(((t1 - t0) / 1000))"$'\n'
        rsses+="$(tail -1 "$tmp/time" | awk '{ print $1 }')"$'\n'
    done
    wall[$key]=$(printf '%s' "$walls" | median)        # microseconds
    best[$key]=$(printf '%s' "$walls" | fastest)
    rss[$key]=$(printf '%s' "$rsses" | median)         # KiB
    code[$key]=$status
}

redis=$(standalone "$redis_src" mini-redis)
tokio=$(standalone "$tokio_src" tokio)
echo_server=$root/fixtures/src/bin/echo_server.rs

measure lint_t1 "$runs" -- "$bin" --threads 1 "$corpus"
measure lint_t2 "$runs" -- "$bin" --threads 2 "$corpus"
measure baseline "$runs" -- "$baseline" --threads 2 "$corpus"
baseline_summary=$(cat "$tmp/stdout")

measure lint_tokio "$runs" -- "$bin" --threads 2 "$tokio_src/src"
measure lint_redis "$runs" -- "$bin" --threads 2 "$redis_src/src"

measure clippy_tokio_clean "$runs" dir="$tokio" before="cargo clean --quiet" ok=0 -- \
    cargo clippy --quiet --features full
measure clippy_tokio_crate "$runs" dir="$tokio" before="cargo clean --quiet -p tokio" ok=0 -- \
    cargo clippy --quiet --features full
measure clippy_tokio_touch "$runs" dir="$tokio" before="touch src/lib.rs" ok=0 -- \
    cargo clippy --quiet --features full
measure clippy_redis_clean "$runs" dir="$redis" before="cargo clean --quiet" ok=0 -- \
    cargo clippy --quiet
measure clippy_redis_crate "$runs" dir="$redis" before="cargo clean --quiet -p mini-redis" ok=0 -- \
    cargo clippy --quiet
measure clippy_redis_touch "$runs" dir="$redis" before="touch src/lib.rs" ok=0 -- \
    cargo clippy --quiet

measure stdin_tokio "$stdin_runs" dir="$tokio_src" stdin="$tokio_src/src/net/tcp/stream.rs" -- \
    "$bin" --stdin-filename src/net/tcp/stream.rs -
{ cat "$tokio_src/src/net/tcp/stream.rs"; echo "// an unsaved edit"; } >"$tmp/stream_edited.rs"
measure stdin_tokio_edited "$stdin_runs" dir="$tokio_src" stdin="$tmp/stream_edited.rs" -- \
    "$bin" --stdin-filename src/net/tcp/stream.rs -
measure stdin_tokio_cold "$runs" dir="$tokio_src" stdin="$tokio_src/src/net/tcp/stream.rs" \
    before="rm -rf .async-lint-cache" -- "$bin" --stdin-filename src/net/tcp/stream.rs -
measure stdin_udp "$stdin_runs" dir="$tokio_src" stdin="$tokio_src/src/net/udp.rs" -- \
    "$bin" --stdin-filename src/net/udp.rs -
measure stdin_echo "$stdin_runs" dir="$root/fixtures" stdin="$echo_server" -- \
    "$bin" --stdin-filename src/bin/echo_server.rs -

# --- the table -----------------------------------------------------------------------------
secs() { awk -v us="$1" 'BEGIN { printf "%.2f s", us / 1e6 }'; }
ms() { awk -v us="$1" 'BEGIN { printf "%.1f ms", us / 1e3 }'; }
mib() { awk -v kib="$1" 'BEGIN { printf "%.0f MiB", kib / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f×", a / b }'; }
verdict() { awk -v ok="$1" 'BEGIN { print (ok ? "**met**" : "**missed**") }'; }
thousands() { sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
duration() { if [ "$1" -lt 1000000 ]; then ms "$1"; else secs "$1"; fi; }
row() { # row LABEL KEY
    echo "| $1 | $(duration "${wall[$2]}") | $(duration "${best[$2]}") | $(mib "${rss[$2]}") | ${code[$2]} |"
}
files=$(find "$corpus" -name '*.rs' -type f | wc -l)
lines=$(find "$corpus" -name '*.rs' -type f -print0 | xargs -0 cat | wc -l)
bytes=$(find "$corpus" -name '*.rs' -type f -print0 | xargs -0 cat | wc -c)
tokio_files=$(find "$tokio_src/src" -name '*.rs' | wc -l)
redis_files=$(find "$redis_src/src" -name '*.rs' | wc -l)
cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
ram=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null || rev="$rev + uncommitted changes"

t2=${wall[lint_t2]}
m2=${rss[lint_t2]}
{
    echo "## Benchmark"
    echo
    echo "Machine: $(nproc) × $cpu, $ram RAM, $(uname -sr); $(rustc --version | cut -d' ' -f1-2)."
    echo "async-lint $rev, built \`--release\`; $(date -u +%Y-%m-%d)."
    echo "Corpus: $(thousands <<<"$files") \`.rs\` files, $(thousands <<<"$lines") lines, $((bytes / 1000000)) MB"
    echo "(\`bench/corpus\`: tokio, hyper, axum, reqwest, async-std, actix-web, tonic, sqlx, mini-redis,"
    echo "futures, smol, tokio-util, tower, h2, rustls and their dependencies)."
    echo "Median (and fastest) of $runs runs ($stdin_runs for one file) after a warm-up run, warm page cache; peak RSS"
    echo "is GNU time's maximum resident set (for cargo: its largest process). Load average before the"
    echo "run: $load_before (after: $(cut -d' ' -f1-3 /proc/loadavg)). Made by \`bench/run.sh\`."
    echo
    echo "| what | wall (median) | fastest run | peak RSS | exit |"
    echo "|---|---|---|---|---|"
    row "async-lint, whole corpus, \`--threads 1\`" lint_t1
    row "async-lint, whole corpus, \`--threads 2\`" lint_t2
    row "baseline: \`syn::parse_file\` + \`syn::visit\` every file, 2 threads" baseline
    row "async-lint, tokio \`src/\` ($tokio_files files), \`--threads 2\`" lint_tokio
    row "\`cargo clippy --features full\`, tokio, from clean" clippy_tokio_clean
    row "\`cargo clippy --features full\`, tokio, crate only (\`cargo clean -p tokio\`)" clippy_tokio_crate
    row "\`cargo clippy --features full\`, tokio, after touching \`src/lib.rs\`" clippy_tokio_touch
    row "async-lint, mini-redis \`src/\` ($redis_files files), \`--threads 2\`" lint_redis
    row "\`cargo clippy\`, mini-redis, from clean" clippy_redis_clean
    row "\`cargo clippy\`, mini-redis, crate only (\`cargo clean -p mini-redis\`)" clippy_redis_crate
    row "\`cargo clippy\`, mini-redis, after touching \`src/lib.rs\`" clippy_redis_touch
    row "one file from stdin: tokio \`src/net/tcp/stream.rs\`, warm cache" stdin_tokio
    row "one file from stdin: tokio \`src/net/tcp/stream.rs\`, edited buffer, warm cache" stdin_tokio_edited
    row "one file from stdin: tokio \`src/net/tcp/stream.rs\`, cold (no cache; $runs runs)" stdin_tokio_cold
    row "one file from stdin: tokio \`src/net/udp.rs\`, warm cache" stdin_udp
    row "one file from stdin: \`fixtures/src/bin/echo_server.rs\`" stdin_echo
    echo
    echo "Exit 1 on the corpus: it has findings. The files syn cannot parse are valid code of older"
    echo "editions (read through the edition fallback or skipped with a note on stderr, SPEC §4)."
    echo "Baseline: $baseline_summary."
    echo
    echo "### Targets (issue 6)"
    echo
    echo "| target | goal | measured | |"
    echo "|---|---|---|---|"
    echo "| whole corpus, 2 threads: wall | ≤ 2.0 s | $(secs "$t2") | $(verdict "$(awk -v t="$t2" 'BEGIN { print (t <= 2000000) }')") |"
    echo "| whole corpus, 2 threads: peak RSS | ≤ 150 MiB | $(mib "$m2") | $(verdict "$(awk -v m="$m2" 'BEGIN { print (m <= 150 * 1024) }')") |"
    for pair in "baseline/lint_t2/6/baseline ÷ async-lint (corpus, 2 threads)" \
        "clippy_tokio_clean/lint_tokio/100/tokio: clippy from clean ÷ async-lint" \
        "clippy_redis_clean/lint_redis/100/mini-redis: clippy from clean ÷ async-lint" \
        "clippy_tokio_crate/lint_tokio/30/tokio: clippy crate only ÷ async-lint" \
        "clippy_redis_crate/lint_redis/30/mini-redis: clippy crate only ÷ async-lint"; do
        IFS=/ read -r a b goal label <<<"$pair"
        echo "| $label | ≥ ${goal}× | $(ratio "${wall[$a]}" "${wall[$b]}") | $(verdict "$(awk -v a="${wall[$a]}" -v b="${wall[$b]}" -v g="$goal" 'BEGIN { print (a / b >= g) }')") |"
    done
    echo "| (for reference) tokio: clippy after touching one file ÷ async-lint | — | $(ratio "${wall[clippy_tokio_touch]}" "${wall[lint_tokio]}") | |"
    echo "| (for reference) mini-redis: clippy after touching one file ÷ async-lint | — | $(ratio "${wall[clippy_redis_touch]}" "${wall[lint_redis]}") | |"
    echo "| one file from stdin (tokio \`tcp/stream.rs\`) | ≤ 15 ms | $(ms "${wall[stdin_tokio]}") | $(verdict "$(awk -v t="${wall[stdin_tokio]}" 'BEGIN { print (t <= 15000) }')") |"
    echo "| one file from stdin (tokio \`tcp/stream.rs\`), edited buffer, warm cache (issue 13) | ≤ 50 ms | $(ms "${wall[stdin_tokio_edited]}") | $(verdict "$(awk -v t="${wall[stdin_tokio_edited]}" 'BEGIN { print (t <= 50000) }')") |"
} >"$tmp/results.md"

cp "$tmp/results.md" "$out"
cat "$out"
note "written to $out"
