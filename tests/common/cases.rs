//! The equivalence cases as source files: each `case!`'s items, at the lines they have in
//! their file, so that the line numbers an expansion quotes are those of the file. Shared by the
//! snapshot test and the CLI's same-as-the-macro test.

use proc_macro2::TokenStream;
use std::path::{Path, PathBuf};
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;

pub struct EquivalenceCase {
    pub name: String,
    pub path: PathBuf,
    /// The items, after as many blank lines and spaces as put them where they are in `path`.
    pub source: String,
}

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

/// Every case of the files of `dir` (tests/equivalence), in file order.
pub fn cases(dir: &Path) -> Vec<EquivalenceCase> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
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
            out.push(EquivalenceCase {
                name: case.name.to_string(),
                path: path.clone(),
                source,
            });
        }
    }
    out
}
