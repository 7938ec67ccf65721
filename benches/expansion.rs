//! Expansion speed: `#[desugar]` on functions with 1 to 10,000 awaits, in three shapes. The
//! time per await should stay flat as the functions grow (no quadratic blow-up).

mod common;

use std::fmt::Write;
use std::hint::black_box;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group};
use proc_macro2::TokenStream;

const SIZES: [usize; 5] = [1, 10, 100, 1_000, 10_000];

/// One shape of function, as source text with `awaits` awaits.
type Shape = fn(usize) -> String;

/// Awaits one after the other.
fn straight(awaits: usize) -> String {
    let mut body = String::new();
    for i in 0..awaits {
        writeln!(body, "    acc += source.get({i}).await;").unwrap();
    }
    function(&body)
}

/// Awaits in loops, ten per loop body.
fn in_loops(awaits: usize) -> String {
    let mut body = String::new();
    for chunk in 0..awaits.div_ceil(10) {
        writeln!(body, "    for i in 0..{chunk} {{").unwrap();
        for j in 0..10.min(awaits - chunk * 10) {
            writeln!(body, "        acc += source.get(i + {j}).await;").unwrap();
        }
        body.push_str("    }\n");
    }
    function(&body)
}

/// Awaits in the arms of matches, two per match, one of them in a nested `if`.
fn in_matches(awaits: usize) -> String {
    let mut body = String::new();
    for m in 0..awaits.div_ceil(2) {
        writeln!(body, "    match acc % 3 {{").unwrap();
        writeln!(body, "        0 => acc += source.get({m}).await,").unwrap();
        if m * 2 + 1 < awaits {
            writeln!(
                body,
                "        1 => if acc > 7 {{ acc -= source.get({m}).await; }},"
            )
            .unwrap();
        }
        body.push_str("        _ => acc += 1,\n    }\n");
    }
    function(&body)
}

fn function(body: &str) -> String {
    format!(
        "async fn many(source: &Source) -> u64 {{\n    let mut acc = 0u64;\n{body}    acc\n}}\n"
    )
}

const SHAPES: [(&str, Shape); 3] = [
    ("straight", straight),
    ("in_loops", in_loops),
    ("in_matches", in_matches),
];

fn expansion(c: &mut Criterion) {
    for (name, shape) in SHAPES {
        let mut group = c.benchmark_group(format!("expand_{name}"));
        group.sample_size(10);
        for awaits in SIZES {
            let item: TokenStream = shape(awaits).parse().unwrap();
            group.throughput(Throughput::Elements(awaits as u64));
            // What the proc macro does: takes the item, returns the expansion. Copying the
            // input and dropping the output (the compiler's side) are left out of the time.
            group.bench_with_input(BenchmarkId::from_parameter(awaits), &item, |b, item| {
                b.iter_batched(
                    || item.clone(),
                    |item| desugar_core::expand(TokenStream::new(), black_box(item)).unwrap(),
                    BatchSize::LargeInput,
                )
            });
        }
        group.finish();
    }
}

/// `DESUGAR_PROBE=straight/1000` expands that function once (`.../input` only builds its
/// input), for `scripts/perf.py` to count the instructions under callgrind: unlike times, they
/// do not move from run to run.
fn probe(spec: &str) {
    let mut parts = spec.split('/');
    let (Some(name), Some(awaits)) = (parts.next(), parts.next()) else {
        panic!("DESUGAR_PROBE is `shape/awaits[/input]`, e.g. `straight/1000`");
    };
    let shape = SHAPES
        .iter()
        .find(|(shape, _)| *shape == name)
        .unwrap_or_else(|| panic!("unknown shape {name}"))
        .1;
    let awaits = awaits.parse().expect("a number of awaits");
    let item: TokenStream = shape(awaits).parse().unwrap();
    if parts.next() != Some("input") {
        let expansion = desugar_core::expand(TokenStream::new(), black_box(item)).unwrap();
        // As in the benchmark, dropping the output is the compiler's side.
        std::mem::forget(black_box(expansion));
    }
}

criterion_group!(benches, expansion);

fn main() {
    common::probe_or_bench(probe, benches);
}
