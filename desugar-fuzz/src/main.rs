//! `desugar-fuzz run --seeds A..B`: generate, compile and run programs, native and desugared
//! side by side, and report each failing seed with its class; `show SEED` prints a program;
//! `shrink SEED` reduces a failing one to a reproduction to paste into an equivalence case.

use clap::{Parser, Subcommand};
use desugar_fuzz::driver::{self, Class, Unit, build::Workspace};
use desugar_fuzz::{generate, shrink};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "A differential fuzzer for #[desugar]")]
struct Opts {
    /// The workspace to build in (`target/fuzz/NAME`): fuzzers with different ones can run side
    /// by side.
    #[arg(long, global = true, default_value = "programs")]
    workspace: String,
    /// Before each build, ask rustc how each method call takes its receiver (`cargo desugar
    /// --prepare`, with the `cargo-desugar` built beside this program) instead of leaving the
    /// macro to guess.
    #[arg(long, global = true)]
    prepare: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Generates the programs of a range of seeds, compiles and runs them in batches.
    Run {
        /// Seeds `A..B` (B excluded).
        #[arg(long, default_value = "0..100", value_parser = parse_range)]
        seeds: Range<u64>,
        /// Programs per crate.
        #[arg(long, default_value_t = 200)]
        batch: usize,
        /// Also append one line per failing seed to this file.
        #[arg(long)]
        log: Option<PathBuf>,
        /// The failures known so far (`SEED CLASS` per line): the run fails only on a seed not
        /// listed, or one that fails another way; listed seeds that pass are reported, so that
        /// the list only shrinks.
        #[arg(long)]
        expect: Option<PathBuf>,
        /// Write the failures of this run to the `--expect` file instead of checking them.
        #[arg(long, requires = "expect")]
        write_expect: bool,
    },
    /// Prints the program of a seed.
    Show {
        seed: u64,
        /// With `#[desugar::desugar]` on its async fns.
        #[arg(long)]
        desugared: bool,
    },
    /// Writes the crate of one seed and builds it with rustc's messages as they are, to look
    /// at a failure (the crate is in `target/fuzz/programs`).
    Build { seed: u64 },
    /// Reduces the program of a failing seed, keeping its class of failure, and prints it as
    /// an equivalence case.
    Shrink { seed: u64 },
}

fn parse_range(s: &str) -> Result<Range<u64>, String> {
    let (a, b) = s.split_once("..").ok_or("expected A..B")?;
    let a = a.parse().map_err(|e| format!("{a}: {e}"))?;
    let b = b.parse().map_err(|e| format!("{b}: {e}"))?;
    if a >= b {
        return Err(format!("empty range {s}"));
    }
    Ok(a..b)
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn unit(seed: u64) -> Unit {
    let program = generate::generate(seed);
    Unit {
        id: seed.to_string(),
        native: program.source(false),
        desugared: program.source(true),
    }
}

fn main() -> ExitCode {
    let opts = Opts::parse();
    let mut ws = Workspace::new(&repo(), &opts.workspace);
    if opts.prepare {
        let beside = std::env::current_exe().map(|exe| exe.with_file_name("cargo-desugar"));
        match beside {
            Ok(path) if path.exists() => ws.prepare = Some(path),
            _ => {
                eprintln!("error: --prepare needs cargo-desugar built beside desugar-fuzz");
                return ExitCode::from(2);
            }
        }
    }
    match opts.cmd {
        Cmd::Show { seed, desugared } => {
            print!("{}", generate::generate(seed).source(desugared));
            ExitCode::SUCCESS
        }
        Cmd::Run {
            seeds,
            batch,
            log,
            expect,
            write_expect,
        } => run(&ws, seeds, batch, log, expect.map(|e| (e, write_expect))),
        Cmd::Build { seed } => {
            let ok = ws.write(&[unit(seed)]).and_then(|()| ws.build_verbose());
            match ok {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => ExitCode::FAILURE,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Cmd::Shrink { seed } => match shrink::shrink(&ws, seed) {
            Ok(Some(case)) => {
                println!("{case}");
                ExitCode::SUCCESS
            }
            Ok(None) => {
                eprintln!(
                    "seed {seed}: native and desugared are indistinguishable, nothing to shrink"
                );
                ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn run(
    ws: &Workspace,
    seeds: Range<u64>,
    batch: usize,
    log: Option<PathBuf>,
    expect: Option<(PathBuf, bool)>,
) -> ExitCode {
    let started = Instant::now();
    let mut counts: BTreeMap<Class, usize> = BTreeMap::new();
    let mut failures: BTreeMap<u64, String> = BTreeMap::new();
    let mut passed = 0;
    let all: Vec<u64> = seeds.clone().collect();
    for chunk in all.chunks(batch.max(1)) {
        let units: Vec<Unit> = chunk.iter().map(|&s| unit(s)).collect();
        let outcomes = match driver::check(ws, &units) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let mut lines = String::new();
        for o in outcomes {
            match o.class {
                None => passed += 1,
                Some(class) => {
                    let detail: String = o
                        .detail
                        .chars()
                        .map(|c| if c == '\n' { ' ' } else { c })
                        .take(300)
                        .collect();
                    let line = format!("seed {}: {class}: {detail}\n", o.id);
                    if let Ok(seed) = o.id.parse() {
                        failures.insert(seed, class.to_string());
                    }
                    print!("{line}");
                    lines.push_str(&line);
                    *counts.entry(class).or_default() += 1;
                }
            }
        }
        if let Some(path) = &log {
            use std::io::Write;
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path);
            if let Ok(mut f) = file {
                let _ = f.write_all(lines.as_bytes());
            }
        }
        eprintln!(
            "[{:>5.0} s] seeds {}..{}: {passed} indistinguishable so far",
            started.elapsed().as_secs_f64(),
            chunk[0],
            chunk[chunk.len() - 1] + 1
        );
    }
    let failed: usize = counts.values().sum();
    println!(
        "\n{} programs (seeds {}..{}) in {:.0} s: {passed} indistinguishable, {failed} failing",
        all.len(),
        seeds.start,
        seeds.end,
        started.elapsed().as_secs_f64()
    );
    for (class, n) in &counts {
        println!("  {n:>5}  {class}");
    }
    if let Some((path, write)) = expect {
        return compare_expected(&path, write, &seeds, &failures);
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Checks the failures of a run against the known ones (or writes them): a seed that fails and
/// is not known, or fails another way, is a regression; a known one that passes is reported.
fn compare_expected(
    path: &std::path::Path,
    write: bool,
    seeds: &Range<u64>,
    failures: &BTreeMap<u64, String>,
) -> ExitCode {
    if write {
        let mut text = format!(
            "# Failures known on seeds {}..{} (`desugar-fuzz run --expect`): SEED CLASS.\n",
            seeds.start, seeds.end
        );
        for (seed, class) in failures {
            text.push_str(&format!("{seed} {class}\n"));
        }
        return match std::fs::write(path, text) {
            Ok(()) => {
                println!(
                    "wrote {} known failures to {}",
                    failures.len(),
                    path.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                ExitCode::from(2)
            }
        };
    }
    let known: BTreeMap<u64, String> = match std::fs::read_to_string(path) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let (seed, class) = l.split_once(' ')?;
                Some((seed.parse().ok()?, class.trim().to_string()))
            })
            .collect(),
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    };
    let mut regressions = Vec::new();
    for (seed, class) in failures {
        match known.get(seed) {
            Some(k) if k == class => {}
            Some(k) => regressions.push(format!("seed {seed}: was `{k}`, now `{class}`")),
            None => regressions.push(format!("seed {seed}: {class} (new)")),
        }
    }
    let fixed: Vec<u64> = known
        .keys()
        .filter(|s| seeds.contains(s) && !failures.contains_key(s))
        .copied()
        .collect();
    if !fixed.is_empty() {
        println!(
            "\n{} known failures pass now (remove them from {}): {fixed:?}",
            fixed.len(),
            path.display()
        );
    }
    if regressions.is_empty() {
        println!(
            "no failure beyond the {} known in {}",
            known.len(),
            path.display()
        );
        ExitCode::SUCCESS
    } else {
        println!("\n{} failures not known before:", regressions.len());
        for r in &regressions {
            println!("  {r}");
        }
        ExitCode::FAILURE
    }
}
