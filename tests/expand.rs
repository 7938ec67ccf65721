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

/// The variants of the state enums whose names end in `suffix` in `text`, in order: each with its fields' names, sorted, the plumbing `skip` names left out.
fn variants(text: &str, suffix: &str, skip: &[&str]) -> Vec<Vec<(String, Vec<String>)>> {
    struct Enums<'a> {
        suffix: &'a str,
        skip: &'a [&'a str],
        found: Vec<Vec<(String, Vec<String>)>>,
    }
    impl<'ast> syn::visit::Visit<'ast> for Enums<'_> {
        fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
            // A future's states: `Start`, .., `Panicked`; the picture's are named `..Future`.
            let states = ["Start", "Panicked"]
                .iter()
                .all(|v| e.variants.iter().any(|x| x.ident == v));
            let wanted = states && e.ident.to_string().contains(self.suffix);
            if wanted {
                let variants = e.variants.iter().map(|v| {
                    let mut fields: Vec<String> = v
                        .fields
                        .iter()
                        // The awaited future, `fut: impl Future<Output = _>` in the picture.
                        .filter(|f| {
                            let ty = quote::ToTokens::to_token_stream(&f.ty).to_string();
                            ty != "impl Future < Output = _ >"
                        })
                        .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                        .filter(|f| !self.skip.contains(&f.as_str()))
                        // A local in a slot: the state holds its drop guard.
                        .map(|f| {
                            f.strip_prefix("__drop_")
                                .unwrap_or(&f)
                                .trim_start_matches("__")
                                .to_string()
                        })
                        .map(|f| if f == "self" { "self_".to_string() } else { f })
                        .collect();
                    fields.sort();
                    (v.ident.to_string(), fields)
                });
                self.found.push(variants.collect());
            }
            syn::visit::visit_item_enum(self, e);
        }
    }
    // `_` types in the picture: a file of items still parses with them as types.
    let file = syn::parse_file(text).unwrap_or_else(|e| panic!("{e}:\n{text}"));
    let mut enums = Enums {
        suffix,
        skip,
        found: Vec::new(),
    };
    syn::visit::visit_file(&mut enums, &file);
    enums.found
}

/// `desugar --teach` draws, for every equivalence case, exactly the states of the real expansion
/// and what each keeps (its arguments in `Start`, whose names the expansion may hide).
#[test]
fn teach_shows_the_states_of_the_expansion() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/equivalence");
    let mut compared = 0;
    for case in cases::cases(&dir) {
        let path = case.path.display().to_string();
        let expansion = desugar_cli::expand_source(&case.source, &path, false)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let picture = desugar_cli::teach_source(&case.source, &path)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let real = variants(&expansion, "State", &["__awaitee", "__pinned"]);
        let drawn = variants(&picture, "Future", &[]);
        let same = |real: &[(String, Vec<String>)], drawn: &[(String, Vec<String>)]| {
            real.len() == drawn.len()
                && real
                    .iter()
                    .zip(drawn)
                    .all(|((name, real), (drawn_name, drawn))| {
                        name == drawn_name
                            && match name.as_str() {
                                "Start" => real.len() == drawn.len(),
                                _ => real == drawn,
                            }
                    })
        };
        if real.len() == drawn.len() {
            for (real, drawn) in real.iter().zip(&drawn) {
                assert!(
                    same(real, drawn),
                    "{}: the states and what they keep differ:\n{real:?}\n{drawn:?}\n{picture}",
                    case.name
                );
                compared += 1;
            }
        } else {
            // A function written once per configuration of its `#[cfg]` statements: the picture
            // draws one of the copies.
            assert!(picture.contains("written once per configuration") || drawn.len() < real.len());
            for drawn in &drawn {
                assert!(
                    real.iter().any(|real| same(real, drawn)),
                    "{}: no copy has the states drawn:\n{drawn:?}\n{picture}",
                    case.name
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 100, "only {compared} functions compared");
}
