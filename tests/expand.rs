//! Snapshots of the expansion of every equivalence case, as the CLI prints it (prettyplease,
//! with comments). A change to the output is a reviewed diff (`cargo insta review`); in CI an
//! unreviewed change fails.

#[path = "common/cases.rs"]
mod cases;

fn cases() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/equivalence");
    cases::cases(&dir)
        .into_iter()
        .map(|case| {
            let path = case.path.display().to_string();
            let rendered = desugar_cli::expand_source(&case.source, &path, false)
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            (case.name, rendered)
        })
        .collect()
}

#[test]
fn expansions() {
    let cases = cases();
    assert!(cases.len() >= 25, "only {} cases found", cases.len());
    for (name, text) in cases {
        insta::assert_snapshot!(name, text);
    }
}
