#!/usr/bin/env python3
"""Regenerates the "Using the CLI" section of README.md from real runs of the debug binaries
(`cargo build -p desugar-cli` first). desugar-cli/tests/readme.rs fails when it is stale."""
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent
DESUGAR = str(ROOT / "target/debug/desugar")
CARGO_DESUGAR = str(ROOT / "target/debug/cargo-desugar")


def run(args, cwd=ROOT):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    return r.stdout + r.stderr


def main():
    explain = run([DESUGAR, "examples/fetch_data.rs", "--explain"])
    graph = run([DESUGAR, "examples/fetch_data.rs", "--graph", "dot"])
    teach = run([DESUGAR, "examples/fetch_data.rs", "--teach", "--fn", "fetch_data"])
    lines = run([DESUGAR, "examples/fetch_data.rs", "--side-by-side", "--fn", "fetch_all"]).splitlines()
    marked = [l for l in lines if "◀" in l or "· After" in l]
    side_by_side = "\n".join(lines[:8]) + "\n   ⋮\n" + "\n".join(marked)
    check = run([DESUGAR, "desugar-cli/tests/fixtures/cannot.rs", "--check"])
    app = ROOT / "desugar-cli/tests/fixtures/workspace/app"
    cargo_explain = run([CARGO_DESUGAR, "desugar", "--explain"], cwd=app)
    sizes = run([CARGO_DESUGAR, "desugar", "--sizes", "desugared"], cwd=ROOT / "desugar-cli/tests/fixtures/sizes")
    template = (ROOT / "scripts/readme_usage.md").read_text()
    section = (
        template.replace("{explain}", explain.rstrip())
        .replace("{teach}", teach.rstrip())
        .replace("{graph}", graph.rstrip())
        .replace("{side_by_side}", side_by_side)
        .replace("{check}", check.rstrip())
        .replace("{cargo_explain}", cargo_explain.rstrip())
        .replace("{sizes}", sizes.rstrip())
    )
    readme = (ROOT / "README.md").read_text()
    start = readme.index("## Using the CLI")
    end = readme.index("## Before and after")
    (ROOT / "README.md").write_text(readme[:start] + section + readme[end:])


if __name__ == "__main__":
    main()
