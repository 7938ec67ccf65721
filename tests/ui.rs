//! Compile-fail tests: every error `#[desugar]` reports, pinned to where it lands.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
