//! Snapshots of the expansion of every equivalence case, as the CLI prints it (prettyplease,
//! with comments). A change to the output is a reviewed diff (`cargo insta review`); in CI an
//! unreviewed change fails.

use proc_macro2::TokenStream;
use std::path::Path;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;

/// `[#[panics]] name(t) => call; items...`, the body of a `case!`.
struct Case {
    name: syn::Ident,
    items: Vec<syn::Item>,
}

impl Parse for Case {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        input.call(syn::Attribute::parse_outer)?;
        let name: syn::Ident = input.parse()?;
        let _args: TokenStream =
            input.step(|c| match c.group(proc_macro2::Delimiter::Parenthesis) {
                Some((g, _, rest)) => Ok((g.token_stream(), rest)),
                None => Err(c.error("expected (t)")),
            })?;
        input.parse::<syn::Token![=>]>()?;
        input.parse::<syn::Expr>()?;
        input.parse::<syn::Token![;]>()?;
        let mut items = Vec::new();
        while !input.is_empty() {
            items.push(input.parse()?);
        }
        Ok(Case { name, items })
    }
}

fn cases() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/equivalence");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "main.rs"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = syn::parse_file(&text).unwrap();
        for item in file.items {
            let syn::Item::Macro(m) = item else { continue };
            if !m.mac.path.is_ident("case") {
                continue;
            }
            let case: Case = m.mac.parse_body().unwrap();
            // The items' own text, at their own lines, so that the line numbers the expansion
            // quotes are those of the file.
            let first = case.items.first().expect("a case has items");
            let last = case.items.last().expect("a case has items");
            let span = first.span().join(last.span()).expect("spans of one file");
            let text = span.source_text().expect("source text");
            let padding = "\n".repeat(span.start().line - 1);
            let indent = " ".repeat(span.start().column);
            let source = format!("{padding}{indent}{text}");
            let rendered = desugar_cli::expand_source(&source, &path.display().to_string(), false)
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
            out.push((case.name.to_string(), rendered));
        }
    }
    out
}

#[test]
fn expansions() {
    let cases = cases();
    assert!(cases.len() >= 25, "only {} cases found", cases.len());
    for (name, text) in cases {
        insta::assert_snapshot!(name, text);
    }
}
