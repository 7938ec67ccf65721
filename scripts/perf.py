#!/usr/bin/env python3
"""Writes docs/PERFORMANCE.md: the desugared future against rustc's, on speed and scale.

    python3 scripts/perf.py            # everything (about 15 minutes on 2 cores)
    python3 scripts/perf.py --quick    # shorter measurements, for a first look
    python3 scripts/perf.py --reuse-benches  # criterion results of the last run, the rest anew

1. Poll throughput: `cargo bench --bench throughput` (criterion), ratio desugared/native of the
   mean time of each workload; and the instructions each workload executes, counted by
   valgrind's callgrind on one run of the same benchmark binary (`DESUGAR_PROBE`), which do not
   vary from run to run as times do.
2. Expansion speed: `cargo bench --bench expansion`, time per function and per await; and the
   instructions of one expansion under callgrind (the same binary, `DESUGAR_PROBE`).
3. Compile time: a crate of 200 async fns built natively and with `#[desugar]` on each, in a
   scratch directory under target/; the crate alone is rebuilt (dependencies built first), and
   the median of 3 builds is reported. Then `cargo check` of one function with 10 to 100 awaits,
   native and desugared: how type checking grows with the number of states.
"""

import json
import os
import platform
import shutil
import statistics
import string
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRITERION = ROOT / "target" / "criterion"
QUICK = "--quick" in sys.argv
# Read the criterion results of the last run instead of running the benchmarks again (to
# redo the other measurements).
REUSE = "--reuse-benches" in sys.argv


def run(*args, cwd=ROOT, env=None):
    subprocess.run(args, cwd=cwd, check=True, env={**os.environ, **(env or {})})


def output(*args):
    return subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def bench(name):
    if REUSE:
        return
    timing = ["--warm-up-time", "1", "--measurement-time", "3"] if QUICK else []
    run("cargo", "bench", "--bench", name, "--", *timing)


def mean_ns(group, function):
    path = CRITERION / group / function / "new" / "estimates.json"
    return json.loads(path.read_text())["mean"]["point_estimate"]


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


WORKLOADS = [
    ("a_ready_loop", "(a) 1,000,000 awaits of always-ready futures in a loop"),
    ("b_pending_loop", "(b) 100,000 awaits, each `Pending` once, on a minimal executor"),
    ("c_duplex_echo", "(c) tokio duplex echo of 64 MiB in 4 KiB chunks"),
    ("d_buffer_loop", "(d) 100,000 awaits borrowing a 4 KiB local buffer, each `Pending` once"),
]

SHAPES = ["straight", "in_loops", "in_matches"]
SIZES = [1, 10, 100, 1000, 10000]


def throughput():
    bench("throughput")
    rows = []
    for group, what in WORKLOADS:
        native, desugared = mean_ns(group, "native"), mean_ns(group, "desugared")
        rows.append(
            f"| {what} | {fmt_time(native)} | {fmt_time(desugared)} | {desugared / native:.2f} |"
        )
    return rows


# Awaits executed per workload: (c) reads and writes each 4 KiB chunk once.
AWAITS = {"a": 1_000_000, "b": 100_000, "c": 2 * (64 << 20) // 4096, "d": 100_000}


def bench_binary(name):
    """The path of the benchmark executable `cargo bench --no-run` builds."""
    out = subprocess.run(
        ["cargo", "bench", "--bench", name, "--no-run", "--message-format=json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("target", {}).get("name") == name and message.get("executable"):
            return message["executable"]
    raise SystemExit(f"no executable for bench {name}")


def callgrind(binary, probe):
    """Instructions one run of `binary` executes with `DESUGAR_PROBE=probe`."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", binary],
        cwd=ROOT, check=True, capture_output=True, text=True,
        env={**os.environ, "DESUGAR_PROBE": probe},
    )
    collected = [l for l in result.stderr.splitlines() if "Collected" in l]
    return int(collected[-1].split()[-1])


def instructions():
    binary = bench_binary("throughput")
    rows = []
    for (group, what), key in zip(WORKLOADS, "abcd"):
        counts = {}
        for variant in ("native", "desugared"):
            counts[variant] = callgrind(binary, f"{key}/{variant}")
        native, desugared = counts["native"], counts["desugared"]
        extra = (desugared - native) / AWAITS[key]
        rows.append(
            f"| {what} | {native:,} | {desugared:,} | {desugared / native:.2f} | {extra:+.1f} |"
        )
    return rows


COUNTED_SIZES = [100, 1000]


def expansion_instructions():
    """Instructions of one expansion: the probe run minus the run that only builds the input."""
    binary = bench_binary("expansion")
    rows = []
    for shape in SHAPES:
        cells = []
        for n in COUNTED_SIZES:
            count = callgrind(binary, f"{shape}/{n}") - callgrind(binary, f"{shape}/{n}/input")
            cells.append(f"{count / 1e6:,.1f} M ({count / n / 1e3:,.0f} k/await)")
        rows.append(f"| {shape} | " + " | ".join(cells) + " |")
    return rows


def expansion():
    bench("expansion")
    rows = []
    for shape in SHAPES:
        cells = []
        for n in SIZES:
            ns = mean_ns(f"expand_{shape}", str(n))
            cells.append(f"{fmt_time(ns)} ({fmt_time(ns / n)}/await)")
        rows.append(f"| {shape} | " + " | ".join(cells) + " |")
    return rows


FUNCTION = """
{attr}pub async fn fetch_{i}(source: &Source, rounds: u32) -> Result<u32, Error> {{
    let mut total = {i};
    for round in 0..rounds {{
        let value = source.get(round).await?;
        if value % 2 == 0 {{
            total += source.get(value).await?;
        }} else {{
            total += value;
        }}
    }}
    let name = source.name().await;
    Ok(total + name.len() as u32)
}}
"""

PRELUDE = """
pub struct Source;
#[derive(Debug)]
pub struct Error;

impl Source {
    pub async fn get(&self, key: u32) -> Result<u32, Error> {
        if key < 1000 { Ok(key) } else { Err(Error) }
    }
    pub async fn name(&self) -> String {
        String::from("source")
    }
}
"""


def build_time(crate, env, source, build_override=False, command="build"):
    """The median of 3 rebuilds of `crate` alone, after a first build of its dependencies."""
    # Without incremental compilation: rebuilding an unchanged source would reuse the type
    # checking and code generation of the build before and measure little but the macro.
    env = {**env, "CARGO_INCREMENTAL": "0"}
    manifest = crate / "Cargo.toml"
    text = manifest.read_text()
    if build_override:
        text += "\n[profile.dev.build-override]\nopt-level = 3\n"
    manifest.write_text(text)
    lib = crate / "src" / "lib.rs"
    lib.write_text(source)
    run("cargo", command, "-q", cwd=crate, env=env)  # dependencies
    times = []
    for _ in range(3):
        lib.write_text(source)  # a new mtime: only the crate itself is rebuilt
        start = time.perf_counter()
        run("cargo", command, "-q", cwd=crate, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def new_crate(scratch, kind):
    crate = scratch / kind
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text(
        f'[package]\nname = "compile-time-{kind}"\nversion = "0.0.0"\nedition = "2024"\n'
        f'publish = false\n\n[dependencies]\ndesugar = {{ path = "{ROOT}" }}\n\n[workspace]\n'
    )
    return crate


def compile_time(functions=200):
    """`cargo build` (debug) of the same crate four ways; each kind has its own target
    directory, so that the proc macro's profile does not leak from one to the other."""
    scratch = ROOT / "target" / "compile-time"
    shutil.rmtree(scratch, ignore_errors=True)
    native = PRELUDE + "".join(FUNCTION.format(attr="", i=i) for i in range(functions))
    marked = PRELUDE + "".join(
        FUNCTION.format(attr="#[desugar::desugar]\n", i=i) for i in range(functions)
    )
    run("cargo", "build", "-q", "--release", "-p", "desugar-cli")
    expanded = subprocess.run(
        [str(ROOT / "target" / "release" / "desugar"), "-"],
        input=marked, check=True, capture_output=True, text=True,
    ).stdout
    kinds = [
        ("native", native, False, f"{functions} native `async fn`s"),
        ("desugared", marked, False, f"the same {functions} with `#[desugar]`"),
        ("optimized", marked, True,
         "the same, the proc macro built with `opt-level = 3` (`[profile.dev.build-override]`)"),
        ("expanded", expanded, False,
         "the CLI's expansion of them as plain source (no macro: type checking and codegen only)"),
    ]
    results = {}
    for kind, source, override, _ in kinds:
        env = {"CARGO_TARGET_DIR": str(scratch / kind / "target")}
        results[kind] = build_time(new_crate(scratch, kind), env, source, override)
    base = results["native"]
    return [
        f"| {what} | {results[kind]:.2f} s | {results[kind] / base:.2f} |"
        for kind, _, _, what in kinds
    ]


LONG_SIZES = [10, 25, 50, 100]


def long_function(awaits, attr):
    body = "".join(f"    total += source.get({i}).await?;\n" for i in range(awaits))
    return (
        PRELUDE
        + f"{attr}pub async fn long(source: &Source) -> Result<u32, Error> {{\n"
        + f"    let mut total = 0;\n{body}    Ok(total)\n}}\n"
    )


def long_functions():
    """`cargo check` of one function with N awaits in a row, native and desugared (the proc macro
    optimized, so that the time is rustc's): how type checking grows with the states."""
    scratch = ROOT / "target" / "compile-time-long"
    shutil.rmtree(scratch, ignore_errors=True)
    cells = {"native": [], "desugared": []}
    for kind, attr in [("native", ""), ("desugared", "#[desugar::desugar]\n")]:
        env = {"CARGO_TARGET_DIR": str(scratch / kind / "target")}
        crate = new_crate(scratch, kind)
        for n in LONG_SIZES:
            cells[kind].append(
                build_time(crate, env, long_function(n, attr), n == LONG_SIZES[0], "check")
            )
    rows = [
        f"| {kind} | " + " | ".join(f"{t:.2f} s" for t in cells[kind]) + " |"
        for kind in cells
    ]
    ratios = [d / n for d, n in zip(cells["desugared"], cells["native"])]
    rows.append("| ratio | " + " | ".join(f"{r:.1f}" for r in ratios) + " |")
    return rows


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, {output('rustc', '--version')}"


def main():
    unknown = [a for a in sys.argv[1:] if a not in ("--quick", "--reuse-benches")]
    if unknown:
        sys.exit(f"unknown argument {unknown[0]}\n{__doc__}")
    through = throughput()
    counted = instructions()
    expand = expansion()
    expand_counted = expansion_instructions()
    compile_rows = compile_time()
    long_rows = long_functions()
    doc = ROOT / "docs" / "PERFORMANCE.md"
    template = string.Template((ROOT / "docs" / "PERFORMANCE.in.md").read_text())
    text = template.substitute(
        machine=machine(),
        date=time.strftime("%Y-%m-%d"),
        mode="quick (`--quick`)" if QUICK else "full",
        benches="criterion results of an earlier run, the rest measured anew (`--reuse-benches`)"
        if REUSE
        else "everything measured in this run",
        throughput="\n".join(through),
        instructions="\n".join(counted),
        expansion="\n".join(expand),
        sizes=" | ".join(f"{n:,}" for n in SIZES),
        counted_sizes=" | ".join(f"{n:,}" for n in COUNTED_SIZES),
        expansion_instructions="\n".join(expand_counted),
        compile="\n".join(compile_rows),
        long_sizes=" | ".join(f"{n}" for n in LONG_SIZES),
        long="\n".join(long_rows),
    )
    doc.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
