#!/usr/bin/env bash
# Builds and runs a desugared function in a crate whose lockfile holds the oldest versions of
# proc-macro2, quote and syn the workspace's Cargo.toml accepts. A published crate's lockfile
# may hold versions that old; the macro must build with them (crater found syn 2.0.58 and 2.0.79,
# without `Expr::RawAddr`, and proc-macro2 1.0.95, without `Span::local_file`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
oldest() { # the version a workspace dependency asks for, `name = { version = "X"` or `name = "X"`
    sed -n "s/^$1 = \(.*version = \)\?\"\([0-9.]*\)\".*/\2/p" "$root/Cargo.toml"
}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/src"
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "oldest-deps"
version = "0.0.0"
edition = "2021"
publish = false
[dependencies]
desugar = { path = "$root" }
[workspace]
TOML
cat > "$dir/src/main.rs" <<'RS'
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

#[desugar::desugar]
async fn add(x: u32, y: impl Future<Output = u32>) -> u32 {
    let p = &raw const x;
    // SAFETY: `p` points to `x`, alive here.
    y.await + unsafe { *p }
}

fn main() {
    let mut f = pin!(add(2, async { 3 }));
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(5) => {}
        other => panic!("expected Ready(5), got {other:?}"),
    }
}
RS
cd "$dir"
cargo generate-lockfile -q
for dep in proc-macro2 quote syn; do
    version=$(oldest "$dep")
    spec=$(cargo pkgid -q "$dep@${version%%.*}" 2>/dev/null || cargo pkgid -q "$dep")
    cargo update -q -p "$spec" --precise "$version"
done
grep -A1 -E 'name = "(proc-macro2|quote|syn)"' Cargo.lock | grep -o '"[0-9.]*"' | tr '\n' ' '
echo
CARGO_TARGET_DIR="$root/target/oldest-deps" cargo run -q
echo "oldest-deps: builds and runs with them"
