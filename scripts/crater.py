#!/usr/bin/env python3
"""Crater: published crates with every `async fn` of their `src/` desugared.

For each crate: fetch its source through cargo, mark every `async fn` with a body
(`annotate.py`), build its library and tests; every error rustc reports is tied to the marked
function it is in (the nearest marked function above its line), whose mark is then removed with
the reason, and the crate built again, until it builds. Then its own test suite runs, natively
(the same source without marks) and desugared. Prints a Markdown table (docs/CRATER.md) and one
line per function left out.

    scripts/crater.sh [crate@version[+feature,..] ...]
    CRATER_PREPARE=1 scripts/crater.sh ...   the same after `cargo desugar --prepare` (rustc's
                                             receiver modes instead of the macro's guesses)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SCRATCH = Path(os.environ.get("CRATER_DIR", "/tmp/desugar-crater"))
TARGET = SCRATCH / "target"
ATTR = "#[desugar::desugar]"
DEFAULT = [
    "async-lock@3",
    "async-fs@2",
    "async-net@2",
    "async-process@2",
    "async-io@2",
    "tokio-util@0.7+full",
    "moka@0.12+future",
    "wiremock@0.6",
    "ractor@0.15",
    "reqwest@0.12",
    "async-h1@2",
    # (Added in the eighteenth session: a Modbus client, a ZIP reader and writer, an IMAP client,
    # an actor framework and a SQL Server driver. mobc@0.8 was tried too: its dependency
    # metrics 0.23 no longer builds with this rustc, natively either.)
    "tokio-modbus@0.16",
    "async_zip@0.0.17+tokio",
    "async-imap@0.10",
    "kameo@0.14",
    "tiberius@0.12",
    # (Added in the nineteenth session: a Docker client and a GitHub client. async-openai@0.26
    # was run too, by name: its tests wait on the network until the test timeout, so it is not
    # in the default list; `CRATER_TEST_TIMEOUT=300 scripts/crater.sh async-openai@0.26`.)
    "bollard@0.17",
    "octocrab@0.41",
]
# Issue 19 keeps the crates its own numbers came from (tokio-postgres, redis, axum,
# object_store, async-nats, rumqttc, tonic, sqlx-core, mini-redis) out of this list: they are
# the outside check. Run them by name (`scripts/crater.sh mini-redis@0.4`), never by default.
TEST_TIMEOUT = int(os.environ.get("CRATER_TEST_TIMEOUT", "900"))
ASK_RUSTC = bool(os.environ.get("CRATER_PREPARE"))
CARGO_DESUGAR = HERE / "target/release/cargo-desugar"


def sh(args, cwd, env=None, timeout=None):
    # The two copies in one target directory would share artifacts: cargo hashes a path
    # package by its path relative to its workspace, the same for both, so a build of one would
    # pass for the other's.
    copy = "native" if str(cwd).endswith("-native") else "desugared"
    full_env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET / copy), **(env or {}))
    try:
        r = subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True,
                           timeout=timeout)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as e:
        # (What the process wrote before it was killed comes as bytes, whatever `text` says.)
        def text(out):
            return out.decode(errors="replace") if isinstance(out, bytes) else out or ""
        return -1, text(e.stdout), text(e.stderr) + "\n(timed out)"


def fetch(name, version, features):
    """The crate's source, copied to the scratch directory: (work dir, exact version)."""
    fetcher = SCRATCH / f"fetch-{name}"
    shutil.rmtree(fetcher, ignore_errors=True)
    (fetcher / "src").mkdir(parents=True)
    (fetcher / "Cargo.toml").write_text(
        f'[package]\nname = "fetch-{name}"\nversion = "0.0.0"\nedition = "2021"\n'
        f'[dependencies]\n{name} = "{version}"\n[workspace]\n')
    (fetcher / "src/lib.rs").write_text("")
    code, out, err = sh(["cargo", "metadata", "--format-version", "1"], fetcher)
    if code != 0:
        raise RuntimeError(f"cannot fetch {name}@{version}: {err[-500:]}")
    meta = json.loads(out)
    pkg = next(p for p in meta["packages"] if p["name"] == name)
    src = Path(pkg["manifest_path"]).parent
    work = SCRATCH / name
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(src, work)
    for p in work.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    return work, pkg["version"]


def prepare(work):
    """The crate as a package of its own, with a path dependency on this checkout's desugar
    (and its dev-dependencies, which published manifests keep)."""
    manifest = work / "Cargo.toml"
    text = manifest.read_text()
    dep = f'desugar = {{ path = "{HERE}" }}'
    if re.search(r"(?m)^\[dependencies\]\s*$", text):
        text = re.sub(r"(?m)^\[dependencies\]\s*$", "[dependencies]\n" + dep, text, count=1)
    else:
        text += "\n[dependencies]\n" + dep + "\n"
    if "[workspace]" not in text:
        text += "\n[workspace]\n"
    manifest.write_text(text)
    # The expansion's own `unsafe` blocks carry #[allow(unsafe_code)], which `forbid` overrules.
    lib = work / "src/lib.rs"
    if lib.exists():
        t = lib.read_text()
        t2 = re.sub(r"#!\[forbid\(([^)]*)unsafe_code([^)]*)\)\]",
                    lambda m: f"#![forbid({m.group(1)}{m.group(2)})]\n#![deny(unsafe_code)]", t)
        t2 = re.sub(r"#!\[forbid\(\s*,?\s*\)\]\n?", "", t2)
        t2 = t2.replace("#![forbid(, ", "#![forbid(").replace(", )]", ")]")
        lib.write_text(t2)


def marks(work):
    """The marked functions: (file, line of the mark, name), by file."""
    out = {}
    for path in sorted((work / "src").rglob("*.rs")):
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            if line.strip() == ATTR:
                name = "?"
                for nxt in lines[i + 1:i + 4]:
                    m = re.search(r"fn\s+(\w+)", nxt)
                    if m:
                        name = m.group(1)
                        break
                out.setdefault(str(path), []).append((i + 1, name))
    return out


def owner(marked, file, line):
    """The marked function an error at `file:line` belongs to: the nearest mark above."""
    best = None
    for mark_line, name in marked.get(file, []):
        if mark_line <= line:
            best = (mark_line, name)
    return best


def build(work, features, lib_only=False):
    # The library and its tests (examples may need what the published crate does not ship);
    # the library alone if its tests do not build from the published crate.
    if lib_only:
        args = ["cargo", "build", "--lib", "--message-format=json"]
    else:
        args = ["cargo", "test", "--lib", "--tests", "--no-run", "--message-format=json"]
    if features:
        args += ["--features", features]
    code, out, err = sh(args, work, timeout=3600)
    errors = []
    for line in out.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") != "compiler-message" or msg["message"]["level"] != "error":
            continue
        m = msg["message"]
        code_ = (m.get("code") or {}).get("code") or ("refusal" if "desugar" in m["message"] else "error")
        spans = []

        def collect(mm):
            # Each span after the macro calls it came from, outermost first: the call in the
            # user's function before the line of the macro's definition.
            for s in mm.get("spans", []):
                chain = []
                ss = s
                while ss:
                    chain.append(ss)
                    ss = (ss.get("expansion") or {}).get("span")
                spans.extend(reversed(chain))
            for c in mm.get("children", []):
                collect(c)
        collect(m)
        where = []
        for s in spans:
            f = Path(work, s["file_name"]).resolve() if not os.path.isabs(s["file_name"]) else Path(s["file_name"])
            if str(f).startswith(str(work / "src")):
                where.append((str(f), s["line_start"]))
        errors.append((code_, m["message"].splitlines()[0][:160], where, m.get("rendered", "")))
    return code == 0, errors, err


def unmark(file, mark_line, reason):
    lines = Path(file).read_text().splitlines(keepends=True)
    assert lines[mark_line - 1].strip() == ATTR, (file, mark_line)
    indent = lines[mark_line - 1][: len(lines[mark_line - 1]) - len(lines[mark_line - 1].lstrip())]
    lines[mark_line - 1] = f"{indent}// desugar left out: {reason}\n"
    Path(file).write_text("".join(lines))


def test(work, features):
    args = ["cargo", "test", "--lib", "--tests", "--no-fail-fast"]
    if features:
        args += ["--features", features]
    code, out, err = sh(args, work, timeout=TEST_TIMEOUT, env={"RUST_TEST_THREADS": "2"})
    text = out + err
    passed = sum(int(x) for x in re.findall(r"(\d+) passed", text))
    failed = sum(int(x) for x in re.findall(r"(\d+) failed", text))
    if "(timed out)" in text:
        return passed, failed, "timed out"
    if passed == 0 and failed == 0 and code != 0:
        return 0, 0, "did not run: " + (err.strip().splitlines() or ["?"])[-1][:120]
    return passed, failed, ""


def run(spec):
    name_version, _, features = spec.partition("+")
    name, _, version = name_version.partition("@")
    work, exact = fetch(name, version, features)
    prepare(work)
    native = SCRATCH / f"{name}-native"
    shutil.rmtree(native, ignore_errors=True)
    shutil.copytree(work, native)
    out = subprocess.run([sys.executable, str(HERE / "scripts/annotate.py")]
                         + [str(p) for p in (work / "src").rglob("*.rs")],
                         capture_output=True, text=True).stdout
    total = int(re.search(r"marked (\d+)", out).group(1))
    if ASK_RUSTC:
        # (A target that does not build is left out of the table, not fatal.)
        args = [str(CARGO_DESUGAR), "desugar", "--prepare"]
        sh(args + (["--features", features] if features else []), work, timeout=3600)
    left_out = []
    started = time.time()
    # (A dev-dependency the published crate does not ship makes its tests fail to build.)
    lib_only = not build(native, features)[0]
    if lib_only:
        # Test modules are not built then: their functions are not counted.
        for file, found in marks(work).items():
            if re.search(r"(^|/)tests?(\.rs$|/)", os.path.relpath(file, work)):
                for line, _ in reversed(found):
                    unmark(file, line, "not built: test code of a library built alone")
                    total -= 1
    for _ in range(30):
        ok, errors, stderr = build(work, features, lib_only)
        if ok:
            break
        marked = marks(work)
        hit = {}
        for code, message, where, _ in errors:
            # The first place, through the macro calls it came from, inside a marked function
            # (an error inside a macro's definition belongs where the macro was called).
            for file, line in where:
                o = owner(marked, file, line)
                if o:
                    if (file, o[0]) not in hit:
                        hit[(file, o[0])] = (o[1], code, message)
                    break
        if not hit:
            rendered = [e[3] for e in errors][:3]
            return dict(spec=spec, version=exact, total=total, left_out=left_out,
                        stuck="\n".join(rendered) or stderr[-1500:])
        for (file, line), (fn, code, message) in sorted(hit.items()):
            rel = os.path.relpath(file, work)
            unmark(file, line, f"{code}: {message}")
            left_out.append((f"{rel}:{line}", fn, code, message))
    build_time = time.time() - started
    if lib_only:
        skipped = (0, 0, "the library only: its tests do not build from the published crate")
        return dict(spec=spec, version=exact, total=total, left_out=left_out, stuck=None,
                    build_time=build_time, native=skipped, desugared=skipped)
    native_tests = test(native, features)
    desugared_tests = test(work, features)
    return dict(spec=spec, version=exact, total=total, left_out=left_out, stuck=None,
                build_time=build_time, native=native_tests, desugared=desugared_tests)


def main():
    specs = sys.argv[1:] or DEFAULT
    if ASK_RUSTC:
        subprocess.run(["cargo", "build", "-q", "--release", "-p", "desugar-cli"], cwd=HERE,
                       check=True)
    SCRATCH.mkdir(parents=True, exist_ok=True)
    results = []
    for spec in specs:
        try:
            r = run(spec)
        except Exception as e:  # a crate that cannot be fetched or built natively
            r = dict(spec=spec, error=str(e)[:300])
        results.append(r)
        print(json.dumps(r), flush=True)
    print()
    print("| crate | async fns | desugared | left out (by error) | tests native | tests desugared |")
    print("|---|---:|---:|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['spec']} | | | {r['error']} | | |")
            continue
        by = {}
        for _, _, code, _ in r["left_out"]:
            by[code] = by.get(code, 0) + 1
        reasons = ", ".join(f"{c} {n}" for c, n in sorted(by.items())) or "-"
        if r["stuck"]:
            reasons += " (stopped: errors not tied to a function)"
        done = r["total"] - len(r["left_out"])
        pct = 100 * done / r["total"] if r["total"] else 100
        fmt = lambda t: "-" if t is None else (f"{t[0]} passed, {t[1]} failed" + (f" ({t[2]})" if t[2] else ""))
        print(f"| {r['spec'].split('+')[0].split('@')[0]} {r['version']} | {r['total']} | "
              f"{done} ({pct:.1f} %) | {reasons} | {fmt(r.get('native'))} | {fmt(r.get('desugared'))} |")
    print()
    for r in results:
        for loc, fn, code, message in r.get("left_out", []):
            print(f"- {r['spec']}: `{fn}` ({loc}): {code}: {message}")
        if r.get("stuck"):
            print(f"- {r['spec']}: stopped on errors not tied to a function:\n```\n{r['stuck'][:1500]}\n```")


if __name__ == "__main__":
    main()
