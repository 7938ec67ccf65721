#!/usr/bin/env bash
# Dogfood: runs the test suites of published crates with async code after putting
# #[desugar::desugar] on every async fn of their src/ (their tests unchanged).
#
#   scripts/dogfood.sh [crate@version ...]     (default: bb8@0.9 deadpool@0.13 async-std@1.13)
#
# Each crate's source is fetched through cargo, copied to a scratch directory, annotated by
# scripts/annotate.py, given a path dependency on this checkout's `desugar`, and tested with
# `cargo test`. Prints one result line per crate; exits non-zero if any crate fails.
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
scratch="${DOGFOOD_DIR:-${TMPDIR:-/tmp}/desugar-dogfood}"
crates=("$@")
[ ${#crates[@]} -gt 0 ] || crates=(bb8@0.9 deadpool@0.13 async-std@1.13)
mkdir -p "$scratch"
status=0
for spec in "${crates[@]}"; do
    name="${spec%@*}"
    version="${spec#*@}"
    fetcher="$scratch/fetch-$name"
    rm -rf "$fetcher" && mkdir -p "$fetcher/src"
    printf '[package]\nname = "fetch-%s"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\n%s = "%s"\n' \
        "$name" "$name" "$version" > "$fetcher/Cargo.toml"
    : > "$fetcher/src/lib.rs"
    (cd "$fetcher" && cargo fetch -q) || { echo "$spec: could not fetch"; status=1; continue; }
    exact=$(cd "$fetcher" && cargo metadata --format-version 1 |
        python3 -c "import json,sys; m=json.load(sys.stdin); print(next(p['manifest_path'] for p in m['packages'] if p['name']=='$name'))")
    src="$(dirname "$exact")"
    work="$scratch/$name"
    rm -rf "$work" && cp -r "$src" "$work" && chmod -R u+w "$work"
    python3 "$here/scripts/annotate.py" $(find "$work/src" -name '*.rs') | tail -n 1 | sed "s/^/$spec: /"
    # The expansion's own `unsafe` blocks carry #[allow(unsafe_code)], which `forbid` overrules:
    # relax a crate-level `forbid(unsafe_code)` to `deny` (the crate's own code is still checked).
    if grep -q 'forbid(.*unsafe_code' "$work/src/lib.rs"; then
        sed -i -E 's/#!\[forbid\((.*)unsafe_code(.*)\)\]/#![forbid(\1\2)]\n#![deny(unsafe_code)]/' "$work/src/lib.rs"
        sed -i -E 's/#!\[forbid\(, */#![forbid(/; s/#!\[forbid\(([^)]*), *\)\]/#![forbid(\1)]/; /#!\[forbid\(\)\]/d' "$work/src/lib.rs"
        echo "$spec: relaxed forbid(unsafe_code) to deny(unsafe_code)"
    fi
    python3 - "$work/Cargo.toml" "$here" <<'PY'
import re, sys
path, here = sys.argv[1], sys.argv[2]
text = open(path).read()
dep = f'desugar = {{ path = "{here}" }}\n'
if re.search(r"(?m)^\[dependencies\]\s*$", text):
    text = re.sub(r"(?m)^\[dependencies\]\s*$", "[dependencies]\n" + dep.rstrip(), text, count=1)
else:
    text += "\n[dependencies]\n" + dep
text += "\n[workspace]\n"
open(path, "w").write(text)
PY
    log="$scratch/$name.log"
    # Some suites read standard input and need it open and silent (async-std's io_timeout waits
    # on stdin for its timeout): they get a pipe that stays open, whatever this script was given.
    rm -f "$scratch/stdin" && mkfifo "$scratch/stdin"
    sleep 86400 > "$scratch/stdin" &
    hold=$!
    if (cd "$work" && CARGO_TARGET_DIR="$scratch/target" cargo test -q > "$log" 2>&1) < "$scratch/stdin"; then
        passed=$(grep -Eo '[0-9]+ passed' "$log" | awk '{s+=$1} END {print s+0}')
        echo "$spec: tests pass ($passed passed) with every async fn desugared"
    else
        errors=$(grep -c '^error' "$log")
        echo "$spec: FAILED ($errors error lines; see $log)"
        status=1
    fi
    kill "$hold" 2>/dev/null
    wait "$hold" 2>/dev/null
done
exit $status
