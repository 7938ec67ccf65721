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
#   cargo run -p desugar-fuzz -- show SEED | build SEED | shrink SEED
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --release -p desugar-fuzz
if [[ "${1:-}" == "--seeds" ]]; then
    exec target/release/desugar-fuzz run --seeds "$2" "${@:3}"
fi
exec target/release/desugar-fuzz run --seeds 0..1000 --batch 250 \
    --expect desugar-fuzz/known-failures.txt "$@"
