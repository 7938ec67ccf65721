//! Compile-fail tests: every error `#[desugar]` reports, pinned to where it lands.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    // (A passing case also makes trybuild compile the failing ones to code, not only check
    // them: the check of a guess that a method takes its receiver fails only then.)
    t.pass("tests/ui/pass/*.rs");
}
