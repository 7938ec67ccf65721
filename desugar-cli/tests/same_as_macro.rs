//! The CLI prints what the attribute emits: for every `#[desugar]` item of the example, of the
//! test files and of the equivalence cases, the item in `desugar FILE`'s output (its comments dropped by parsing) equals
//! the attribute's expansion, `desugar_core::desugar` (the proc macro's whole body), token for
//! token once both went through prettyplease (which adds trailing commas and writes doc
//! attributes as `///`).

#[path = "../../tests/common/cases.rs"]
mod cases;

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::path::{Path, PathBuf};
use std::process::Command;
use syn::{ImplItem, Item};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The files with `#[desugar]` items outside macros.
fn corpus() -> Vec<PathBuf> {
    let root = workspace();
    let mut files = Vec::new();
    for dir in [
        "examples",
        "tests",
        "tests/editions/e2018/src",
        "tests/editions/e2024/src",
    ] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let is_rust = path.extension().is_some_and(|e| e == "rs");
            if is_rust
                && std::fs::read_to_string(&path)
                    .unwrap()
                    .contains("#[desugar")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// `tokens`, items or methods (a function written once per configuration is several), as the
/// CLI prints them: through prettyplease and parsed back; and how many there are.
fn formatted(tokens: TokenStream, method: bool) -> (String, usize) {
    let items: Vec<Item> = if method {
        vec![syn::parse_quote!(impl X { #tokens })]
    } else {
        syn::parse2::<syn::File>(tokens).unwrap().items
    };
    let text = prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: Vec::new(),
        items,
    });
    let file = syn::parse_file(&text).unwrap();
    match &file.items[..] {
        [Item::Impl(i)] if method => (
            i.items
                .iter()
                .map(|m| m.to_token_stream().to_string())
                .collect(),
            i.items.len(),
        ),
        items => (
            items
                .iter()
                .map(|i| i.to_token_stream().to_string())
                .collect(),
            items.len(),
        ),
    }
}

/// The arguments of a `#[desugar]` attribute, if `attrs` has one (removed).
fn take_marker(attrs: &mut Vec<syn::Attribute>) -> Option<TokenStream> {
    let index = attrs.iter().position(desugar_core::file::is_desugar_attr)?;
    Some(match attrs.remove(index).meta {
        syn::Meta::List(list) => list.tokens,
        _ => TokenStream::new(),
    })
}

/// Compares each marked item of `original` with the items in its place in `printed` (one, or
/// one per configuration); returns how many were compared.
fn compare(original: &[Item], printed: &[Item], file: &Path) -> usize {
    let mut compared = 0;
    let mut at = 0;
    for before in original {
        let mut before = before.clone();
        let after = &printed[at];
        let marker = match &mut before {
            Item::Fn(f) => take_marker(&mut f.attrs),
            Item::Impl(i) => take_marker(&mut i.attrs),
            Item::Mod(m) => {
                if let (
                    Some((_, b)),
                    Item::Mod(syn::ItemMod {
                        content: Some((_, a)),
                        ..
                    }),
                ) = (&m.content, after)
                {
                    compared += compare(b, a, file);
                }
                None
            }
            _ => None,
        };
        if let Item::Impl(i) = &mut before {
            // Methods marked one by one (the impl block itself unmarked).
            if let Item::Impl(after) = after {
                let mut printed_at = 0;
                for m in i.items.iter_mut() {
                    let ImplItem::Fn(m) = m else {
                        printed_at += 1;
                        continue;
                    };
                    let Some(args) = take_marker(&mut m.attrs) else {
                        printed_at += 1;
                        continue;
                    };
                    // The attribute on a method sees the method alone.
                    let (expanded, n) =
                        formatted(desugar_core::desugar(args, m.to_token_stream()), true);
                    let shown = &after.items[printed_at..printed_at + n];
                    let shown = formatted(quote::quote!(#(#shown)*), true).0;
                    assert_eq!(
                        expanded,
                        shown,
                        "{}: method {}",
                        file.display(),
                        m.sig.ident
                    );
                    printed_at += n;
                    compared += 1;
                }
            }
        }
        if let Some(args) = marker {
            // Below an attribute macro that rewrites async code (`#[async_trait]`), the attribute
            // runs on that macro's output, which the CLI cannot produce: it shows the state
            // machines of the item as written, `desugar_core::expand` (reading the package's
            // definitions, as `desugar` does).
            let expansion = if desugar_core::file::has_async_macro(&before) {
                let defined = desugar_core::defined::for_this_crate();
                desugar_core::defined::with(defined, || {
                    desugar_core::expand(args, before.to_token_stream()).unwrap()
                })
            } else {
                desugar_core::desugar(args, before.to_token_stream())
            };
            let (expanded, n) = formatted(expansion, false);
            let shown = &printed[at..at + n];
            let shown = formatted(quote::quote!(#(#shown)*), false).0;
            assert_eq!(
                expanded,
                shown,
                "{}: the CLI and the attribute differ",
                file.display()
            );
            at += n;
            compared += 1;
        } else {
            at += 1;
        }
    }
    assert_eq!(at, printed.len(), "{}", file.display());
    compared
}

#[test]
fn the_cli_prints_what_the_attribute_emits() {
    let mut files = corpus();
    assert!(files.len() >= 5, "corpus: {files:?}");
    // Each equivalence case as a file of its own.
    let scratch = std::env::temp_dir().join(format!("desugar-same-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let equivalence = cases::cases(&workspace().join("tests/equivalence"));
    assert!(equivalence.len() >= 80, "{} cases", equivalence.len());
    for case in equivalence {
        let group = case
            .path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // In a package of its own: the methods its source defines are all the macro reads
        // besides it (`desugar_core::defined`).
        let package = scratch.join(format!("{group}-{}", case.name));
        std::fs::create_dir_all(&package).unwrap();
        std::fs::write(package.join("Cargo.toml"), "").unwrap();
        let file = package.join("case.rs");
        std::fs::write(&file, case.source).unwrap();
        files.push(file);
    }
    let mut compared = 0;
    for file in &files {
        let output = Command::new(env!("CARGO_BIN_EXE_desugar"))
            .arg(file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        // Test files may hold items the attribute rejects on purpose (compile_error! tests):
        // those the CLI reports and leaves as they are; the attribute's output for them is
        // its `compile_error!`, so they are not compared.
        let printed = String::from_utf8(output.stdout).unwrap();
        let printed = syn::parse_file(&printed)
            .unwrap_or_else(|e| panic!("{}: output does not parse: {e}", file.display()));
        let original = syn::parse_file(&std::fs::read_to_string(file).unwrap()).unwrap();
        assert!(output.status.success(), "{}: {stderr}", file.display());
        // The attribute reads the methods of the package cargo compiles.
        let package = file
            .ancestors()
            .find(|dir| dir.join("Cargo.toml").is_file())
            .unwrap();
        // SAFETY: the only test of this binary: no other thread reads the environment.
        unsafe { std::env::set_var("CARGO_MANIFEST_DIR", package) };
        // (In a macro, the spans say which file the function is in; here the test says it.)
        compared +=
            desugar_core::defined::in_file(file, || compare(&original.items, &printed.items, file));
    }
    assert!(compared >= 90, "only {compared} items compared");
    let _ = std::fs::remove_dir_all(&scratch);
}
