//! What both benchmark binaries share: with `DESUGAR_PROBE` set, one workload runs once, for
//! `scripts/perf.py` to count its instructions under callgrind (they do not vary from run to
//! run as times do); otherwise criterion runs the benchmarks.

/// Runs `probe` on the value of `DESUGAR_PROBE` if it is set, else the criterion `benches`.
pub fn probe_or_bench(probe: fn(&str), benches: fn()) {
    match std::env::var("DESUGAR_PROBE") {
        Ok(spec) => probe(&spec),
        Err(_) => {
            benches();
            criterion::Criterion::default()
                .configure_from_args()
                .final_summary();
        }
    }
}
