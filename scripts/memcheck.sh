#!/usr/bin/env bash
# Runs the runtime tests — the equivalence suite (every case driven to completion, dropped at
# every suspension point, polled after completion, panicking), the auto-trait, allocation and
# server tests — under valgrind memcheck and under AddressSanitizer. Any error fails the script.
#
#   scripts/memcheck.sh            # both
#   scripts/memcheck.sh valgrind   # valgrind only (what CI runs)
#   scripts/memcheck.sh asan       # AddressSanitizer only
#
# AddressSanitizer needs `-Zsanitizer=address`, a nightly flag: RUSTC_BOOTSTRAP=1 lets the stable
# toolchain accept it here, in tooling only; nothing users build depends on it.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
tests=(--test equivalence --test no_alloc --test server --test lone_methods --test hygiene)

# The test executables cargo built for `tests`, one path per line.
executables() {
    cargo test "$@" "${tests[@]}" --no-run --message-format=json 2>/dev/null |
        python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(m["executable"])'
}

if [[ $mode == all || $mode == valgrind ]]; then
    cargo test -q "${tests[@]}" --no-run
    for exe in $(executables); do
        echo "memcheck: $(basename "$exe")"
        valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
            --show-leak-kinds=definite "$exe" --test-threads=1 -q
    done
    echo "memcheck: no errors"
fi

if [[ $mode == all || $mode == asan ]]; then
    target=$(rustc -vV | sed -n 's/^host: //p')
    export RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zsanitizer=address" CARGO_TARGET_DIR=target/asan
    # --target keeps the proc macros (built for the host) out of the sanitizer.
    cargo test -q --target "$target" "${tests[@]}" -- --test-threads=1
    echo "asan: no errors"
fi
