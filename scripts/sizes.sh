#!/usr/bin/env bash
# Writes docs/SIZE.md: size_of_val of each equivalence case's future, desugared against native.
#
#   scripts/sizes.sh
#
# The sizes are those `common::check` prints while it runs the equivalence suite; a case's future
# is the one its `case!` call expression makes (for cases whose call goes through a small native
# wrapper that awaits the desugared function, the wrapper is counted on both sides).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=$(cargo test -q --test equivalence -- --nocapture --test-threads 1 2>&1 |
    grep -o 'size [a-z_0-9]*: native [0-9]* desugared [0-9]*' | sort -u)
{
    echo "# Future sizes: desugared against rustc's"
    echo
    echo "Regenerate with \`scripts/sizes.sh\` (machine: $(uname -m), $(rustc --version))."
    echo
    echo "| case | rustc (bytes) | desugared (bytes) | ratio |"
    echo "|---|---:|---:|---:|"
    echo "$rows" | awk '{ gsub(":", "", $2); printf "| %s | %d | %d | %.2f |\n", $2, $4, $6, $6 / $4 }'
    echo
    echo "$rows" | awk '{ r = $6 / $4; s += r; n++; if (r > m) m = r; if (r <= 1) k++ }
        END { printf "%d cases: mean ratio %.2f, largest %.2f, %d at or below 1.0.\n", n, s / n, m, k }'
} > docs/SIZE.md
tail -n 1 docs/SIZE.md
