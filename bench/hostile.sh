#!/usr/bin/env bash
# Scale and hostile-size measurements (issue 15): a realistic async file at 1, 5, 10, 20 and
# 50 MB; 100,000 small files in one crate on 1 and 2 threads; and shapes that were
# quadratic, each at n and 2n (the time must not quadruple when the input doubles).
#
#   bench/hostile.sh [BIN]     BIN: the async-lint binary (default: target/release/async-lint)
#
# Environment: SCALE_SIZES="1 5 10 20 50" (MB), SCALE_FILES=100000, SCALE_SKIP="files ..."
# (skip sections: sizes, files, shapes). Prints a markdown table; minutes of one core.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
bin=${1:-${CARGO_TARGET_DIR:-$root/target}/release/async-lint}
sizes=${SCALE_SIZES:-1 5 10 20 50}
nfiles=${SCALE_FILES:-100000}
skip=${SCALE_SKIP:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run: "wall s | peak MiB | exit".
measure() {
    local out
    out=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>"$work/stderr"; } 2>&1; echo "rc=$?" ) || true
    local rc=${out##*rc=}
    local line
    line=$(tail -n 1 "$work/stderr")
    read -r wall kb <<<"$line"
    echo "$wall s | $((kb / 1024)) MiB | $rc"
}

# A block of realistic async code, ~900 bytes, numbered $1.
block() {
    awk -v n="$1" -v count="$2" 'BEGIN {
        for (i = n; i < n + count; i++) {
            printf "pub struct Conn%d {\n    addr: String,\n    retries: u32,\n}\n\n", i
            printf "impl Conn%d {\n", i
            printf "    pub async fn fetch(&self, key: &str) -> Result<Vec<u8>, Error> {\n"
            printf "        let mut buf = Vec::with_capacity(1024);\n"
            printf "        for attempt in 0..self.retries {\n"
            printf "            match self.try_fetch(key, attempt).await {\n"
            printf "                Ok(data) => {\n                    buf.extend_from_slice(&data);\n                    break;\n                }\n"
            printf "                Err(e) if attempt + 1 < self.retries => tracing::warn!(\"retry {}: {}\", attempt, e),\n"
            printf "                Err(e) => return Err(e),\n            }\n        }\n        Ok(buf)\n    }\n\n"
            printf "    async fn try_fetch(&self, key: &str, attempt: u32) -> Result<Vec<u8>, Error> {\n"
            printf "        let stream = TcpStream::connect(&self.addr).await?;\n"
            printf "        let request = format!(\"GET {} {}\\r\\n\", key, attempt);\n"
            printf "        stream.write_all(request.as_bytes()).await?;\n"
            printf "        let mut out = Vec::new();\n        stream.read_to_end(&mut out).await?;\n        Ok(out)\n    }\n}\n\n"
        }
    }'
}

echo "| input | wall | peak RSS | exit |"
echo "|---|---|---|---|"

if [[ " $skip " != *" sizes "* ]]; then
    for mb in $sizes; do
        dir="$work/size$mb"
        mkdir -p "$dir"
        blocks=$((mb * 1000000 / 1000))
        block 0 "$blocks" >"$dir/big.rs"
        echo 'async fn last() { std::thread::sleep(std::time::Duration::from_secs(1)); }' >>"$dir/big.rs"
        actual=$(awk -v b="$(stat -c %s "$dir/big.rs")" 'BEGIN { printf "%.1f", b / 1000000 }')
        echo "| one file of async code, $actual MB, 2 threads | $(measure "$bin" --threads 2 "$dir") |"
        rm -rf "$dir"
    done
fi

if [[ " $skip " != *" files "* ]]; then
    dir="$work/files"
    mkdir -p "$dir/src"
    printf '[package]\nname = "many"\nversion = "0.1.0"\nedition = "2021"\n' >"$dir/Cargo.toml"
    awk -v n="$nfiles" -v d="$dir/src" 'BEGIN {
        lib = d "/lib.rs"
        for (i = 0; i < n; i++) {
            printf "mod m%d;\n", i > lib
            f = d "/m" i ".rs"
            if (i % 10 == 0) {
                printf "pub async fn run%d() { crate::m%d::work%d(); }\n", i, i + 1, i + 1 > f
            } else {
                printf "pub fn work%d() -> u64 { let x = %d; x * 2 }\n", i, i > f
            }
            close(f)
        }
    }'
    # Three runs on each thread count, interleaved (the load changes over a minute); the
    # speedup is that of the medians.
    declare -A walls
    for round in 1 2 3; do
        for threads in 1 2; do
            row=$(measure "$bin" --threads "$threads" "$dir")
            echo "| $nfiles small files in one crate, $threads thread(s), run $round | $row |"
            walls[$threads]+="${row%% s*} "
        done
    done
    median() { tr ' ' '\n' <<<"$1" | grep . | sort -g | sed -n 2p; }
    m1=$(median "${walls[1]}") m2=$(median "${walls[2]}")
    echo "| $nfiles small files, 2 threads against 1 (medians $m1 s, $m2 s) | $(awk -v a="$m1" -v b="$m2" 'BEGIN { printf "%.2f×", (b > 0 ? a / b : 0) }') | | |"
    rm -rf "$dir"
fi

if [[ " $skip " != *" shapes "* ]]; then
    shape() { # name n generator...
        local name=$1 n=$2
        shift 2
        for k in "$n" $((2 * n)); do
            local dir="$work/$name$k"
            mkdir -p "$dir"
            "$@" "$k" "$dir"
            echo "| $name × $k | $(measure "$bin" --threads 2 "${extra[@]}" "$dir") |"
            rm -rf "$dir"
        done
    }
    rep() { awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }
    sleep_line='    std::thread::sleep(std::time::Duration::from_secs(1));'
    findings() { # one file, $1 blocking calls
        { echo "async fn f() {"; rep "$1" "$sleep_line"'\n'; echo "}"; } >"$2/a.rs"
    }
    suppressed() {
        { echo "async fn f() {"; rep "$1" "$sleep_line"' // async-lint: allow(blocking_sleep)\n'; echo "}"; } >"$2/a.rs"
    }
    impls() { echo 'async fn f() {}' >"$2/a.rs"; rep "$1" 'impl<' >"$2/b.rs"; }
    vecs() { # fifty nested vec![..], $1 deep
        { echo "async fn f() {"; for _ in $(seq 50); do printf '    let _v = %s1%s;\n' "$(rep "$1" 'vec![')" "$(rep "$1" ']')"; done; echo "}"; } >"$2/a.rs"
    }
    fns() { { rep "$1" 'fn f() { use std::fs; '; rep "$1" ' }'; echo; echo 'async fn g() {}'; } >"$2/a.rs"; }
    rules() { { echo '[rules]'; seq "$1" | sed 's/.*/unknown_rule_&= "warn"/'; } >"$2/async-lint.toml"; echo 'async fn f() {}' >"$2/a.rs"; }
    extra=(--format json); shape "findings, json" 20000 findings
    extra=(--format rustc-json); shape "findings, rustc-json" 20000 findings
    extra=(--format sarif); shape "findings, sarif" 20000 findings
    extra=(--format human); shape "findings, human" 20000 findings
    extra=(); shape "suppressed findings" 100000 suppressed
    extra=(); shape "impl< (skipped file scan)" 1000000 impls
    extra=(); shape "nested vec! (x50)" 1000 vecs
    extra=(); shape "nested fns with use" 2000 fns
    extra=(); shape "unknown rule names in a config" 50000 rules
fi
