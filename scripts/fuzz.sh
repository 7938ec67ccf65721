#!/usr/bin/env bash
# The differential fuzzer (desugar-fuzz): generates the programs of a range of seeds, compiles
# them native and desugared side by side in batches, runs both with the equivalence harness and
# prints each failing seed with its class, then the counts by class (docs/FUZZ.md).
#
#   scripts/fuzz.sh                   the range CI runs, checked against the failures known so
#                                     far (desugar-fuzz/known-failures.txt): exit code 1 if a
#                                     seed fails that is not listed, or fails another way
#   scripts/fuzz.sh --seeds A..B      any range (about 6 programs a second on 2 cores); exit
#                                     code 1 if any fails
#   scripts/fuzz.sh --prepared        seeds 0..250 after `cargo desugar --prepare` (rustc's
#                                     receiver modes), against known-failures-prepared.txt
#   cargo run -p desugar-fuzz -- show SEED | build SEED | shrink SEED
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p desugar-fuzz
if [[ "${1:-}" == "--prepared" ]]; then
    cargo build -q --release -p desugar-cli
    exec target/release/desugar-fuzz --prepare run --seeds 0..250 --batch 250 \
        --expect desugar-fuzz/known-failures-prepared.txt "${@:2}"
fi
if [[ "${1:-}" == "--seeds" ]]; then
    exec target/release/desugar-fuzz run --seeds "$2" "${@:3}"
fi
exec target/release/desugar-fuzz run --seeds 0..1000 --batch 250 \
    --expect desugar-fuzz/known-failures.txt "$@"
