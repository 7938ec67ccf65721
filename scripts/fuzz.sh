#!/usr/bin/env bash
# The differential fuzzer (desugar-fuzz): generates the programs of a range of seeds, compiles
# them native and desugared side by side in batches, runs both with the equivalence harness and
# prints each failing seed with its class, then the counts by class. Exit code 1 if any fails.
#
#   scripts/fuzz.sh                   the range CI runs
#   scripts/fuzz.sh --seeds 0..10000  any range (about 8 programs a second on 2 cores)
#   cargo run -p desugar-fuzz -- show SEED | build SEED | shrink SEED
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="0..600"
if [[ "${1:-}" == "--seeds" ]]; then
    seeds="$2"
    shift 2
fi
cargo build -q --release -p desugar-fuzz
exec target/release/desugar-fuzz run --seeds "$seeds" "$@"
