//! The generator's promises that need no compiler: one seed, one program; every program is
//! Rust that parses, with an `entry` and `#[desugar]` only in the desugared copy.

use desugar_fuzz::generate::generate;

#[test]
fn one_seed_one_program() {
    for seed in [0, 1, 17, 4242, u64::MAX] {
        assert_eq!(generate(seed).source(true), generate(seed).source(true));
    }
    assert_ne!(generate(1).source(false), generate(2).source(false));
}

#[test]
fn programs_parse_and_have_an_entry() {
    for seed in 0..300 {
        let program = generate(seed);
        for desugared in [false, true] {
            let source = program.source(desugared);
            let file =
                syn::parse_file(&source).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{source}"));
            let entry = file.items.iter().any(|item| {
                matches!(item, syn::Item::Fn(f) if f.sig.ident == "entry" && f.sig.asyncness.is_some())
            });
            assert!(entry, "seed {seed}: no async fn entry");
            assert_eq!(
                source.contains("#[desugar::desugar]"),
                desugared,
                "seed {seed}"
            );
        }
    }
}

#[test]
fn shrinking_keeps_every_reduction_parseable_for_lists() {
    // Removing statements may leave a program that does not compile, but never one that does
    // not parse: the shrinker's candidates are all valid syntax.
    let program = generate(3);
    for candidate in program.items.reductions().iter().take(200) {
        let text = candidate.render(true);
        assert!(syn::parse_file(&text).is_ok(), "{text}");
    }
}
