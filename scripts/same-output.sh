#!/usr/bin/env bash
# Checksums of what the tool reports, for refactors that must not change it (HOUSE.md):
# json and human (no color) output over the bench corpus, the fixtures and each fixture
# crate, plus the corpus with --parse-all. Run before and after a change; compare lines.
#
#   scripts/same-output.sh CORPUS_DIR [BINARY]
#
# BINARY defaults to target/release/async-lint (built first). Paths are given relative to
# the repository root, so two checkouts of the same code print the same sums.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
corpus=${1:?usage: same-output.sh CORPUS_DIR [BINARY]}
bin=${2:-}
if [ -z "$bin" ]; then
    cargo build --release --quiet || exit 2
    bin=${CARGO_TARGET_DIR:-target}/release/async-lint
fi
sum() { # label, then the command's arguments
    local label=$1; shift
    printf '%-40s %s\n' "$label" "$("$bin" --threads 2 --color never "$@" 2>&1 | sed "s|$PWD|ROOT|g" | sha256sum | cut -c1-16)"
}
sum "corpus json" --format json "$corpus"
sum "corpus human" "$corpus"
sum "corpus json --parse-all" --format json --parse-all "$corpus"
sum "fixtures json" --format json fixtures
sum "fixtures human" fixtures
sum "fixtures rustc-json" --format rustc-json fixtures
sum "fixtures sarif" --format sarif fixtures
sum "fixtures concise" --format concise fixtures
for crate in fixtures/*/Cargo.toml; do
    dir=$(dirname "$crate")
    sum "$dir json" --format json "$dir"
    sum "$dir human" "$dir"
done
